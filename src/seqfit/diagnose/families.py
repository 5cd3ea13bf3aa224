"""Wording that carries over between releases, libraries and people: a lexicon of the concepts
every length, padding and vocabulary message is made of, and the keyword family of each code as
a combination of those concepts.

The same limit is "max_position_embeddings" in transformers, "max_model_len" in vLLM, "context
window" in llama.cpp and "the maximum length" in a forum post; the same missing pad token is "no
padding token", "pad_token_id is None" or "the tokenizer has no pad token". :data:`CONCEPTS` maps
those wordings to one name each. Two things read them:

- :func:`terms`: the words of a text (stemmed, identifiers split into their parts), word pairs,
  and its concepts, as one bag: the wording index of :mod:`~seqfit.diagnose.catalogue` compares
  a message with the templates through them, so a message of another release or tool is near a
  template that says the same thing in other words.
- :data:`FAMILIES`: each code as the concepts its messages combine (a pad token + missing; ids +
  a vocabulary + out of range; ...). They were written from the catalogue's on-topic templates
  and checked against its off-topic ones (``tests/diagnose/test_catalogue.py``), never from a
  particular user's message.

>>> sorted(concepts("ValueError: the tokenizer has no pad token set") & {"pad_token", "missing"})
['missing', 'pad_token']
>>> [v.code for v in family_votes("the input has 700 tokens, more than the model's limit of 512")]
['over_max_positions']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import Code
from .signatures import Vote

_C = re.compile


#: Concepts, by name: each a regular expression over the lower-cased text (backticks and quotes
#: dropped). Names the families and the wording index share.
#: A table of rows (Arrow's, a dataset's), not a model's lookup table ("Length exceeds size of
#: positional embedding table" is a position table's).
TABLE = (r"(?<!embedding )(?<!embeddings )(?<!position )(?<!positional )(?<!lookup )"
         r"(?<!vocabulary )\btable\b")
#: A token at or past the vocabulary's end: "present in the tokenizer but >= vocab_size".
PAST_VOCAB = r"(?:>=|≥)\s*(?:the )?(?:\w+\.)?vocab_size"
#: A speech input's length by its own words: "the length must be a positive multiple of the
#: frame size 1920", "Input audio length (16000) must be divisible by ...".
AUDIO_LENGTH = (r"\baudio (?:length|samples?|input)\b|\binput audio\b|\bframe[ _]size\b|"
                r"\bspectrogram frames\b")
#: The length of something measured (an input, a prompt, a cache, an output), not a setting:
#: "sequence length", "input cache length", "seq_len", "number of tokens", "len(input_ids)".
MEASURED_LENGTH = (r"(?<!max_)(?<!min_)(?<!max )(?<!min )(?<!maximum )(?<!minimum )(?<!target )"
                   r"(?<!target_)(?<!context )(?<!chunk )(?<!window )(?<!block )(?<!patch )"
                   r"(?<!span )(?<!prefix )\b(?:(?:input|prompt|sequence|seq|query|q|kv|key|"
                   r"cache|audio|speech|text|row|sample|document|source|output|phoneme|"
                   r"utterance|sentence)[ _](?:length|len|seqlen)s?|seq_?lens?|sequence lengths?|"
                   r"number of (?:input |prompt |text )?tokens|num_tokens|n_tokens|"
                   r"len\((?:input_ids|tokens|ids|prompt\w*|text\w*|seq\w*)\)|"
                   r"(?:its|their) (?:short )?length|"
                   r"length of (?:the )?(?:input|prompt|sequence|text|row|sample|document|"
                   r"query))\b")
#: A relation that puts the length before it under a lower bound: what it must exceed or reach,
#: or that it is below ("41 < 58").
LOWER_BOUND = (r"(?:must|should|has to|have to|needs? to) (?:be|have) (?:greater|larger|longer|"
               r"bigger|more) than|(?:must|should|has to|needs? to) be at least|"
               r"(?:is|are|was|were) (?:less|smaller|shorter|fewer|lower) than|"
               r"(?:is|are) too short|\d+\s*<=?\s*\d+")

CONCEPTS: dict[str, re.Pattern[str]] = {
    # what the message is about
    "input": _C(r"\b(?:inputs?|prompts?|sequences?|texts?|query|queries|requests?|messages|"
                r"documents?|tokens|token indices|input_ids|ids|captions?|sentences?)\b"),
    "seqlen": _C(r"sequence[ _]length|seq[ _]len\w*|sequence_length|input[ _]length|"
                 r"prompt[ _]length|number of tokens|num_tokens|n_tokens|\blength\b|\blen\b|"
                 r"_len\b|_length\b|\b\d+ tokens\b|\w*seqlens?\b"),
    "limit": _C(r"\bmax(?:imum)?\b|\bmax_(?!new_tokens\b|tokens\b)\w+|\blimits?\b|"
                r"context[ _](?:length|window|size)|\bn_ctx\b|\bn_positions\b|model_max_length|"
                r"max_position_embeddings|max_model_len|up to \d+|"
                r"\bcapacity\b|allowed length|\bat most\b|"
                # a count an input may not reach: "must have less than 1024 tokens" (TGI's
                # validation), "no more than 512 tokens", "fewer than 4096 tokens"
                r"(?:less|fewer|no more) than \d+ tokens|"
                # a count an input went past: "longer than 4096 tokens", "more than 512 tokens"
                r"(?:longer|more) than (?:the )?\d+ tokens|"
                # "cannot exceed 4081" (Cohere), "must not exceed the model's limit"
                r"(?:cannot|can ?not|can t|must ?not|mustn t|may not|should ?not|shouldn t|"
                r"shall not|will not|won t) exceed|"
                # a count an input may not go past: "shouldn't exceed 512 tokens"
                r"\bexceed\w* (?:the )?\d+ tokens\b"),
    "compare": _C(r"too long|too large|too big|longer than|exceed\w*|greater than|larger than|"
                  r"bigger than|"
                  r"more than|\bbeyond\b|\babove\b|\bover the\b|less than|smaller than|"
                  r"\btrimm\w*|truncated because|can only handle|cannot process|no more than|"
                  r"[^<>=]\s?[<>]=?\s?[^<>=]|\bto long\b|\bis only\b|"
                  # "more rows than", "fewer tokens than"
                  r"\b(?:more|fewer) \w+ than\b|too many (?:input )?tokens|"
                  # a server cutting what it was sent: "truncating input prompt" (Ollama)
                  r"\btruncating (?:the )?(?:input|prompt)|"
                  # two numbers set against each other: "input_ids.max() is 50261 but the
                  # embedding matrix has 50257 rows", "Got: 256 but expected: 128"
                  r"\b\d+\b[^\d\n]{0,60}\bbut\b[^\d\n]{0,60}\b\d+\b|"
                  # a limit, then what came: "Maximum sequence length 512, got 613", "supports
                  # at most 4096 tokens, got 5000"
                  r"\b(?:max\w*|limit|at most|up to)\b[^.\n]{0,40}\d+(?: tokens)?\W{0,3}"
                  r"(?:but )?got\b|"
                  # a limit, then what was asked for: "Model initialized with max seq len 8192,
                  # requested seq len is 32768"
                  r"\b(?:max\w*|limit)\b[^.\n]{0,40}\d+[^.\n]{0,40}\b(?:requested|given|received|"
                  r"passed)\b[^.\n]{0,30}\d+|"
                  # "a single example couldn't fit in the model's context window"
                  r"\b(?:does not|doesn t|do not|don t|could not|couldn t|cannot|can t|will not|"
                  r"won t) fit\b"),
    "position": _C(r"\bpositions?\b|position_\w+|positional|embed_positions|\bwpe\b|"
                   r"\w+_positions\b"),
    "seqlen_strict": _C(r"sequence[ _]length|seq[ _]len\w*|sequence_length|input[ _]length|"
                        r"sequence of length|"
                        r"prompt[ _]length|number of tokens|num_tokens|\btokens\b|"
                        r"input (?:sequence|text)"),
    # the length of a sequence by name (not the per-request seq_lens of a kernel's metadata)
    "seqlen_named": _C(r"\bsequence[ _]length\b|\binput[ _]length\b|\bseq_len\b|\bseq length\b|"
                       r"\blength of (?:the )?(?:input|sequence)\b"),
    "text_limit": _C(r"max_len\w*|max_length|max_seq\w*|model_max_length|max(?:imum)? length|"
                     r"max_position_embeddings|max_model_len|context[ _](?:length|window|size)|"
                     r"max_positions|chunk[ _](?:size|length|len|duration)\b|tokens_per_chunk|"
                     r"window[ _](?:size|length|len|duration)\b|segment[ _](?:length|duration)\b"),
    "stackable": _C(r"\btensors?\b|\bstack\w*|input_ids|\btokens\b|\bsequences\b|collat\w*|"
                    r"\bpad\w*|\bfeatures\b|\barrays?\b"),
    "tensorish": _C(r"\btensors?\b|\bbatch(?:es|ed)?\b|\btokens?\b|\bsequences?\b|input_ids|"
                    r"\bfeatures\b|collat\w*|\bpad\w*|\barrays?\b"),
    "start_token": _C(r"decoder_start_token|bos_token|start token"),
    "short": _C(r"too short|shorter than|\bat least\b|\bminimum\b|\bmin_\w+|no less than|"
                r"greater than or equal|too small|"
                # "There are fewer than 512 encoded tokens", "Not enough tokens to form one
                # sample" (a limit reads "fewer than 1024 tokens", number first)
                r"\bfewer than\b(?! \d+ tokens)|\bnot enough (?:tokens|samples|frames|text)\b"),
    "pad_token": _C(r"\bpad[ _]token|padding[ _]token|pad_token_id|\bpad[ _]id\b|\[pad\]"),
    "missing": _C(r"(?<!can)not set|is none|\bnone\b|\bhas no\b|\bhave no\b|does not have|"
                  r"doesn t have|not defined|undefined|\bmissing\b|\brequired\b|must be set|"
                  r"needs? to be set|not provided|were not set|has to be defined|"
                  r"must be defined|no \w+ (?:is )?defined|\bnot passed\b|without an?\b|"
                  # "the tokenizer does not define a padding token"
                  r"(?:does|did) not define|doesn t define"),
    "padding": _C(r"\bpad(?:s|ded|ding)?\b|padding_\w+|\w+_pad\b"),
    "side": _C(r"\bright\b|\bleft\b|padding[ _]side"),
    # a side named for the padding: "padding_side='right'", "padding side is 'left'", "requires
    # left padding", "right-padding was detected"
    "padding_side": _C(r"padding[ _]side\W+(?:\w+\W+){0,4}?(?:left|right)\b|"
                       r"\b(?:left|right)[- ]padd\w*|padded on the (?:left|right)|"
                       # "Pooling modes are implemented for padding from left" (llm2vec)
                       r"\bpadd\w* (?:from|on|to) (?:the )?(?:left|right)\b"),
    # what the side matters for: the padding side messages name training, inference,
    # generation, causal models or Flash Attention, or say the side is the one supported
    "side_use": _C(r"\btrain\w*|\binference\b|generat\w*|\bcausal\b|flash|"
                   r"unexpected behaviou?r|only supports?|\brequires?\b|recommended|"
                   r"\bimplemented for\b|\bonly (?:works?|implemented)\b|"
                   # a bare assert's condition: "assert self.padding_side == 'left'"
                   r"\bassert\b"),
    "mask": _C(r"attention[ _]mask|attn_mask|padding[ _]mask|\bmasks?\b(?! token)"),
    # how many dimensions a tensor has: "must be 2D", "a 2d-tensor", "two-dimensional", "4 dims"
    # (transformers' attention mask checks say it these ways)
    "rank": _C(r"\b[1-4]-?d\b|\b[1-4]d-tensor|\b(?:[1-4]|one|two|three|four)-dimensional|"
               r"\bdims\b|\bndim\b|number of dimensions"),
    "token_type": _C(r"token[ _]type|segment[ _]ids?|type_vocab_size"),
    # the tokenizer's vocabulary set against the model's: "Model vocab size (32000) does not match
    # tokenizer vocab size (32001)", "config.vocab_size=32000 differs from the tokenizer size"
    "model_vs_tokenizer": _C(r"\btokeniz\w*\b[^.\n]{0,80}\b(?:model|config|embedding)|"
                             r"\b(?:model|config|embedding)\w*\b[^.\n]{0,80}\btokeniz"),
    "vocab": _C(r"vocab\w*|embedding (?:matrix|table|size)|num_embeddings|word_embeddings|"
                r"embed_tokens|\bpiece\b|len\(tokenizer\)|embedding lookup|"
                # SentencePiece: "piece id is out of range"
                r"piece[ _]id|sentencepiece"),
    "ids": _C(r"\bids?\b|token[ _]ids?|input_ids|\bindex\b|\bindices\b|\bidx\b|\bidentifiers?\b|"
              # what an assert keeps below the vocabulary: "assert torch.all(input <
              # self.vocab_size)"
              r"\b(?:input|inputs|ids|tokens|\w+_ids)\)?\s*<=?\s*(?:self\.)?(?:config\.)?vocab_size|"
              # a token at or past the vocabulary
              + PAST_VOCAB),
    "out_of_range": _C(r"out[- ]of[- ](?:range|bounds)|" + PAST_VOCAB + "|"
                       r"\boutside\b|not in \[|not contained|"
                       r"out of (?:the )?\w+ range|out of (?:the )?vocab\w*|"
                       r"must be within|\bvalid range\b|must be in (?:the )?range\b|"
                       r"must be (?:in|within) \[|not in (?:the )?vocab\w*"),
    "label": _C(r"\blabels?\b|\btargets?\b|\bclass(?:es)?\b|num_labels|n_classes|id2label|"
                r"\b(?:true|gold|target|pred\w*)_(?:classes|labels?)\b|"
                r"label_ids"),
    # what a loss compares the labels with
    "logits": _C(r"\blogits\b|\bpreds\b|\bpredictions\b"),
    # how many labels a model has: "config.num_labels should be 2", "Incorrect number of labels",
    # "expects a model with 1 output label"
    "label_count": _C(r"num_labels|num_classes|n_classes|number of (?:labels|classes)|"
                      r"\d+ output labels?"),
    # a config's own map of the labels: num_labels against id2label is a config's consistency
    "label_map": _C(r"id2label|label2id|(?:id to )?label map"),
    # what was given against what is required: "..., but it is 5", "instead of 2", "requires"
    "required": _C(r"\bbut (?:it )?(?:is|was|got|has)\b|\binstead of\b|\brequires?\b|"
                   r"should be \d|must be \d|\bexpects?\b|only supports?"),
    # ids of tokens by name (a vocabulary is what they index): "replaced 3 out-of-range token ids",
    # "out-of-range special tokens found", "Token '<|im_start|>' present in the tokenizer but
    # >= vocab_size" (mergekit)
    "token_ids": _C(r"token[ _]ids?\b|\btoken indices\b|input_ids|"
                    r"out[- ]of[- ](?:range|bounds|vocab\w*) (?:special |input )?tokens\b|"
                    r"\btokens?\b[^.\n]{0,80}" + PAST_VOCAB),
    # the inputs that carry ids (the mask and labels are read apart)
    "ids_input": _C(r"input[ _]ids|position[ _]ids|inputs[ _]embeds|token[ _]type[ _]ids"),
    # below a stated minimum: "smaller than the minimum length required by the model (8)"
    "below_min": _C(r"(?:smaller|shorter|less|fewer) than (?:the )?(?:minimum|min\b|required)"),
    # a measured length below the bound it must reach, by the numbers' relation whatever the
    # bound is named: "Input cache length (3) must be larger than n_sink=4", "Output sequence
    # length 41 < 58", "not cropped due to its short length (3 < 4)" (a setting's length,
    # max_len or a window's size, is not a measured one)
    "len_below": _C(MEASURED_LENGTH + r"[^.;!?\n]{0,50}?(?:" + LOWER_BOUND + ")"),
    # a minimum the input must reach: "must be greater than or equal to", "at least", "no less
    # than" (transformers' span and window checks)
    "min_required": _C(r"(?:must|should|has to|have to|needs? to) (?:be|have) (?:greater than or "
                       r"equal to|at least|no less than|>=)"),
    # no room left for the output: "Calculated available context size -214 was not
    # non-negative" (llama-index), "Not enough space for 900 prompt tokens in a context length
    # of 1024"
    "no_room": _C(r"available context\w*(?: size)? -\d+|not enough (?:space|room)|"
                  r"no (?:space|room) left|"
                  # what is left for the input once the output is reserved: "context_size=-256
                  # is less than 0", "Context size is less than 0" (lighteval)
                  r"context[ _]size\W{0,3}-\d+|context[ _]size (?:is )?(?:less than|below) "
                  r"(?:0|zero)\b"),
    # an input cut to a limit, with both lengths: "Truncating len(ps) == 603 > 510" (kokoro),
    # "Trimming source sentence 12 (612 -> 512)" (Sockeye)
    "cut": _C(r"\b(?:truncat|trimm)(?:ing|ed)\b[^.\n]{0,50}?\b\d+\s*(?:>|->|→|to|down to)\s*"
              r"\d+\b"),
    # the length of a speech model's input, in samples or frames: "The length must be a positive
    # multiple of the frame size 1920" (Moshi's Mimi), "Input audio length (16000) must be
    # divisible by the model's wav_to_token_ratio" (NeMo)
    "audio_len": _C(AUDIO_LENGTH + r"|\bwaveform\b|\bnum_samples\b|\bhop[ _]length\b"),
    # what an image or video model's lengths are counted in
    "visual": _C(r"\bimages?\b|\bpixels?\b|\bpatch\w*|\bvideo\b|\bvae\b|\blatents?\b|\bvision\b"),
    # a tokenizer without a known limit (model_max_length left at the 1e30 sentinel): "Could not
    # infer the model_max_length of Hugging Face model ...", "does not have a configured
    # model_max_length" (HELM), "Your model had no max length (i.e., unlimited)"
    "no_limit": _C(r"model_max_length\W+(?:\w+\W+){0,4}?(?:not (?:set|configured|defined|known|"
                   r"specified)|is none|unknown|missing)|"
                   r"(?:could not|couldn t|cannot|can ?not|can t|unable to|failed to) (?:infer|"
                   r"determine|find|detect|get) (?:the )?(?:model_max_length|max(?:imum)? "
                   r"(?:context |sequence |input )?length|context (?:length|size|window))|"
                   r"(?:does not|doesn t|do not|don t|nor) (?:have|specify|define|set) (?:a |an |"
                   r"any )?(?:configured |predefined |known )?`?model_max_length|"
                   r"\b(?:no|unknown) max(?:imum)? (?:sequence |context )?length\W+(?:\w+\W+){0,2}?"
                   r"unlimited|(?:length|model_max_length)\W+(?:\w+\W+){0,3}?unlimited\b"),
    # the tokens windows share: a tokenizer's stride, a text splitter's chunk overlap
    "stride": _C(r"stride|chunk[ _]overlap|window[ _]overlap|overlap[ _](?:ratio|size|length|"
                 r"duration|tokens)\b"),
    # a share that must stay below the whole: "overlap_ratio must be between 0 and 1"
    "unit_range": _C(r"between 0(?:\.0)? and 1(?:\.0)?\b|in \[0(?:\.0)?, ?1(?:\.0)?[\])]"),
    "truncation": _C(r"truncat\w*|only_first|only_second|longest_first"),
    "pair": _C(r"only_first|only_second|\bpairs?\b|paired|(?:first|second) sequence|"
               r"text_pair|sequence pairs"),
    # (min_length is generate()'s: "Your min_length=... must be inferior than your max_length")
    "generate": _C(r"generat\w*|max_new_tokens|min_new_tokens|\bmax_tokens\b|\bmin_length\b|"
                   r"\bcompletion\b|new tokens|\bdecoder prompt\b|open-end"),
    "new_tokens": _C(r"max_new_tokens|min_new_tokens|\bmax_tokens\b|new tokens|"
                     r"\bin the completion\b|max_(?:output|completion)_tokens|"
                     r"(?:output|completion|generated) tokens|tokens? to generate|"
                     r"\boutput_len(?:gth)?\b|"
                     # "max_out_len (-112) is less than or equal to 0" (OpenCompass)
                     r"\bmax_(?:out|output|gen|generation|completion)_len(?:gth)?\b|"
                     # a reply cut by its token budget: OpenAI's finish_reason "length"
                     r"length limit was reached|finish_reason\W+length\b|"
                     # the room kept for the reply: "and the answer (500 tokens) should be
                     # within the max token limit"
                     r"\b(?:answer|completion|output|response|reply) \(\d+ tokens\)"),
    "export": _C(r"onnx\w*|tensorrt|\btrt\b|tflite|coreml|core ml|\bexport\w*|polygraphy|"
                 # Polygraphy's runners: "Expected a shape compatible with: BoundedShape([1, 128])"
                 r"boundedshape|"
                 r"\btrace[ds]?\b|torchscript|\bjit\b|optimization profile|"
                 r"dynamic (?:axes|shape|dim)|dynamic_shapes|\bguard\b|specializ\w*|"
                 r"(?:axis|axes|dimension)\w*[^.\n]{0,20}\bdynamic\b|"
                 r"\bengine\b.{0,40}\b(?:shape|dim)|"
                 # a shape baked into a built model: "fixed shape", "Static dimension mismatch"
                 # (TensorRT), a compiled model, Core ML's flexible shapes (RangeDim)
                 r"\b(?:fixed|static) (?:input )?(?:shape|dimension|sequence length)|"
                 r"compil\w* (?:the )?model|\bcompiled model|rangedim|flexible shape|"
                 # a length a model was compiled for: "exceeds compiled max_seq_len(4096)"
                 # (optimum-rbln), "the compiled `enc_max_seq_len` (512)", "Recompile the model"
                 r"\bcompiled (?:with )?\w*(?:max_\w+|seq_len\w*|sequence[ _]length|"
                 r"batch[ _]size)|\brecompil\w*"),
    "fixed": _C(r"\bstatic\b|\bfixed\b|\bconstant\b|\bexpected\b|does not satisfy|"
                r"invalid dimensions|dimension mismatch|shape mismatch|"
                # a TensorRT engine's optimisation profile bounds every input dimension
                r"(?:dimension|dims?) in (?:the )?profile|min ~ max range|"
                # torch.export: "Input arg199_1.shape[1] is specialized at 128"
                r"specializ\w* (?:at|to) \d+|to be dynamic|"
                # "only accepts encoder input of shape torch.Size([1, 80, 3000])"
                r"\bonly accepts? (?:\w+ ){0,3}?(?:of )?shape"),
    "multiple": _C(r"multiple of|divisible|dividable|perfect square|power of 2|even value|"
                   # Reformer's axial positions: the length must be their product
                   r"axial_pos_shape"),
    "ragged": _C(r"different lengths?|same length|equal size|equal length|inhomogeneous|"
                 r"non-rectangular|\bragged\b|variable length|unequal|excessive nesting|"
                 r"cannot stack|can t stack"),
    "shape": _C(r"\bshapes?\b|dimensions?|\bdims?\b|\b[1-4]-?d\b|\bsizes?\b|batch_size"),
    "mismatch": _C(r"mismatch|must match|doesn t match|does not match|don t match|do not match|"
                   r"same shape|inconsistent|incompatible|should be of size|"
                   r"(?:do|does|did) not align|"
                   r"not the same|is different from|\bdiffers? from\b|not equal|same size|"
                   # "attention_mask last dim 256 must equal text length 300"
                   r"(?:must|should) (?:be )?equal\b|"
                   # what was given, then what it should be: "attention mask has length 613,
                   # but its length should be 512", "shape: (2, 613); expected: (2, 512)"
                   r"\bbut (?:its |the )?(?:length|shape|size) (?:should|must) be\b|"
                   r"[;,] expected\b|\bexpected:|"
                   # an input against the shape it should have: "position_ids should have shape
                   # (batch_size, sequence_length) = (4, 128), got (1, 130)"
                   r"(?:should|must) (?:have|be of) (?:the )?(?:shape|size)|"
                   r"expected (?:\w+ )?shape|\bline up\b|\bmisalign\w*|"
                   # "Bias must have same seq length as QKV"
                   r"\bsame (?:\w+ ){0,2}length as\b"),
    # as code names them, or as messages write them ("Position IDs shape ... does not match
    # input ids shape ...")
    "model_input": _C(r"input[ _]ids|attention[ _]mask|position[ _]ids|token[ _]type[ _]ids|"
                      r"inputs[ _]embeds|\blabels\b"),
    "column": _C(r"\bcolumns?\b|\barrow\w*|\bdatasets?\b|\bmap\b|\bbatched\b|\brows\b|"
                 r"overflow_to_sample_mapping|return_overflowing_tokens|" + TABLE),
    # the words of a table's own shape (a dataset named in passing is not one: "batching my
    # tokenized dataset, the sequences have different lengths" is a batch)
    "table_shape": _C(r"\bcolumns?\b|\barrow\w*|\bmap\b|\bbatched\b|\brows\b|" + TABLE + "|"
                      r"overflow_to_sample_mapping|return_overflowing_tokens"),
    # the texts (examples, documents) a list of labels is counted against
    "texts": _C(r"\b(?:texts?|sentences?|documents?|examples?|samples?|inputs?|x)\b"),
    # a length the user sets for the input, and the model's own limit it is set against: "The
    # block_size passed (4096) is larger than the maximum length for the model (2048)"
    "length_setting": _C(r"\bblock_size\b|max_seq_len\w*|\bmax_length\b|\bseq_length\b|"
                         r"max_model_len|max_source_length|\bcutoff_len\b"),
    "model_limit": _C(r"\b(?:max|maximum)\b(?: \w+){0,2} (?:for|of|supported by) (?:the|this) "
                      r"model|\bmodel s (?:max|maximum)\b|model_max_length|"
                      r"max_position_embeddings|\bn_positions\b|supported by the model"),
    # a count of rows: datasets' "mismatch between the number of rows", "returns more rows"
    "rowcount": _C(r"\d+ rows|(?:more|fewer) rows|number of rows|num_rows"),
    "invalid_option": _C(r"not a valid|\binvalid\b|must be (?:either|one of)|one of \[|"
                         r"select one of|not recogni[sz]ed|unknown (?:value|strategy)|"
                         r"should be selected between"),
    # the tokenizer's own options: padding, truncation and their strategies and sides
    "pad_option": _C(r"\bpadding\b(?!-)|\btruncation\b|padding[ _](?:side|strategy)|"
                     r"truncation[ _](?:side|strategy)|pad_to_multiple_of|pad_to_max_length|"
                     r"paddingstrategy|truncationstrategy"),
    # an option that does nothing: a max_length without truncation, padding that ignores it
    "inactive": _C(r"not expl\w+ activated|\bis ignored\b|will be ignored|has no effect|"
                   r"without truncation|make sure that max_length is defined|"
                   r"max_length (?:is not|must be) (?:set|defined|provided)|"
                   # "is max_length ignored unless truncation is activated?"
                   r"\bignored unless\b|unless truncation"),
    # a mask that is missing, or padding that is attended
    "mask_missing": _C(r"(?:attention[ _]mask|attn_mask)\W+(?:\w+\W+){0,6}?(?:not (?:set|"
                       r"passed|provided|given)|is none|missing)|(?:\bno|without an?|"
                       r"passing in an?|pass (?:an? |your input s )?)\W*attention[ _]mask|"
                       r"attention mask (?:and the pad token id )?(?:were|was|is) not|"
                       r"(?:pad\w*|padded positions?) (?:\w+ ){0,3}(?:attended|attend to)|"
                       r"(?:attention[ _]mask|attn_mask)\W+(?:\w+\W+){0,6}?(?:all zeros|zero|"
                       r"not 0 or 1|binary|inverted|dtype)"),
    "unexpected": _C(r"unexpected keyword|not used by the model|not supported by this model|"
                     r"invalid feed input|\bunused\b|\bignor\w*|not expected|unexpected input"),
    "assert": _C(r"device-side assert|srcindex|cudaerrorassert|assertion .{0,80} failed"),
    # the words of text models' inputs: a keyword family needs one of them (torch and Arrow say
    # "same length", "multiple of" and "shape mismatch" of any tensor)
    "domain": _C(r"\btokens?\b|tokeniz\w*|\bsequences?\b|seq[ _]len\w*|\w*seqlens?\b|"
                 r"sequence_length|vocab\w*|"
                 r"attention[ _]mask|\bpad[ _]token|padding[ _]token|pad_token\w*|\bprompts?\b|"
                 r"generat\w*|max_length|max_new_tokens|\bmax_tokens\b|model_max_length|"
                 r"max_position\w*|position[ _]ids|token[ _]type\w*|\blabels?\b|truncat\w*|"
                 r"input ids|inputs[ _]embeds|offset[ _]mapping|"
                 r"context[ _](?:length|window|size)|max_model_len|max_seq\w*|"
                 r"chunk[ _]overlap|overlap[ _]ratio|"
                 # a built engine's bounds on its inputs (Polygraphy over TensorRT, ONNX Runtime)
                 r"boundedshape|"
                 r"\bblock_size\b|attn_mask|piece[ _]id|sentencepiece|return_overflowing_tokens|"
                 r"\btrt\b|"
                 # a speech input's length: "must be a positive multiple of the frame size"
                 + AUDIO_LENGTH + "|"
                 # a mask by its role: "Shape of encoder mask, (16, 256), does not equal ..."
                 r"\b(?:encoder|decoder|key[ _]padding|padding|causal|cross[ _]attention)[ _]"
                 r"masks?\b|"
                 r"padding[ _]side|\bembeddings?\b|text_pair|word pieces|onnx\w*|tensorrt|"
                 r"tflite|\bcollat\w*|overflow_to_sample_mapping|\bnum_labels\b|"
                 r"chunk[ _](?:overlap|size)|tokens_per_chunk|"
                 # a hosted API's usage counts: "CompletionUsage(completion_tokens=512, ...)"
                 r"\b(?:prompt|completion)_tokens\b|"
                 # what a loss or a metric sets against the labels: "Predictions and targets are
                 # expected to have the same shape", "Shape mismatch: y_true ... != y_pred ..."
                 r"\blogits\b|\bpreds\b|\bpredictions\b|\btargets\b|\by_(?:true|pred)\b|"
                 # torch.export fixing an input's length: "shape[1] is specialized at 128"
                 r"\bspecializ\w* (?:at|to) \d+"),
    # what a message about input shape is not about
    "memory": _C(r"\bmemory\b|\boom\b|\balloc\w*|kv cache|gpu_memory_utilization|"
                 r"\bcached?\b"),
    "dtype": _C(r"\bdtypes?\b|\bfloat(?:16|32|64)?\b|\bhalf\b|bfloat16|\bbf16\b|\bfp16\b|"
                r"\bfp32\b|scalar type|\bint(?:8|32|64)\b|\blong int\b"),
    # (a printed tensor's device is not one: "tensor(6563, device='cuda:0')>6561")
    "device": _C(r"\bdevices?\b(?!=)|(?<!device= )(?<!device=)cuda:\d|\bcpu\b|\bmps\b|"
                 r"meta tensor|\bgpus?\b"),
    "hub": _C(r"huggingface\.co|\bhub\b|\brepo\w*|\bgated\b|authenticat\w*|\blogin\b|"
              r"\b40[13]\b|\bhttps?\b|\burl\b|\bdownload\w*|\boffline\b|\bconnect\w*"),
    "files": _C(r"\bfiles?\b|\bdirectory\b|\bfolder\b|no such file|\bpath\b"),
    "install": _C(r"\bimport\w*|\bmodule\b|\binstall\w*|\bpip\b"),
    "nan": _C(r"\bnan\b|\binf\b|infinity"),
    # a hosted API's rate limits count tokens too: "Rate limit reached ... on tokens per min (TPM):
    # Limit 10000, Used 8745, Requested 2030"
    "quota": _C(r"rate[ _]limit|per min(?:ute)?\b|\btpm\b|\brpm\b|\bquota\b|too many requests"),
    # (a lone "Parameter" is not a model's: TensorRT says "Parameter check failed")
    "weights": _C(r"state_dict|checkpoint|\bweights?\b|\bparams?\b|\bparameters\b|"
                  r"safetensors|copying a param|\binitializers?\b"),
    # the architecture's own sizes and rotary settings: message_labels.OFF_TOPIC keeps their
    # checks out of the catalogue's on-topic rows ("hidden_size has to be a multiple of
    # num_attention_heads", "original_max_position_embeddings must be less than ...")
    "architecture": _C(r"hidden_size|num_attention_heads|num_key_value_heads|head_dim|"
                       r"num_hidden_layers|intermediate_size|\brope\w*|rotary|"
                       r"original_max_position_embeddings"),
    "media": _C(r"\bimages?\b|pixel|\bpatch\w*|audio(?!_tokens)|video|\bframes?\b|\bmel\b|vision|"
                r"spectrogram|sampling.rate|waveform|channels|input features?\b|\bctc\b|"
                r"time reduction"),
}

#: Concepts that say a message is about something else than input shape: with one of them, a
#: keyword family alone does not make a diagnosis.
OFF_TOPIC = frozenset({"memory", "dtype", "device", "hub", "files", "install", "nan", "weights",
                       "media", "architecture", "quota"})

WORD = re.compile(r"[a-z][a-z0-9_]*[a-z0-9]|[a-z]")
#: Changes when the terms of a text change: the stored wording index is rebuilt then.
TERMS_VERSION = 1
FIELD = re.compile(r"\{[^{}]*\}")
STOP = frozenset(
    "the a an of to and or in is are be for with this that it as by on at from your you not but "
    "if can will has have was were should must please make sure which when set use using "
    "got been its than then there their these those into only also may might".split())
EXCEPTION = re.compile(r"(?:error|exception|warning)$")


def _lexicon() -> str:
    return "\n".join([str(TERMS_VERSION), *(f"{k}={p.pattern}" for k, p in CONCEPTS.items()),
                      " ".join(sorted(STOP))])


#: The lexicon as text: what the stored wording index depends on besides the templates.
LEXICON = _lexicon()


def normalise(text: str) -> str:
    """Lower case; backticks gone, quotes a space (``padding_side='left'`` reads as
    ``padding_side= left``)."""
    return text.lower().replace("`", "").replace("'", " ").replace('"', " ")


def concepts(text: str) -> frozenset[str]:
    """The concepts a text holds."""
    return frozenset(_concepts(normalise(text)))


def _concepts(lowered: str) -> Iterator[str]:
    for name, pattern in CONCEPTS.items():
        needles = _needles_of()[name]
        if (needles is None or any(n in lowered for n in needles)) and pattern.search(lowered):
            yield name


@lru_cache(maxsize=1)
def _needles_of() -> dict[str, tuple[str, ...] | None]:
    return {name: _needles(pattern) for name, pattern in CONCEPTS.items()}


def _needles(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains (a substring test is far
    cheaper than a search with many alternatives), or None when there is no such set."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        return _must(list(_parser.parse(pattern.pattern)))
    except Exception:  # pragma: no cover - only a speed-up: without it every pattern runs
        return None


def _must(items: list[tuple[Any, Any]]) -> tuple[str, ...] | None:
    best: tuple[str, ...] | None = None
    run = ""
    for op, arg in [*items, (None, None)]:
        name = str(op)
        if name == "LITERAL":
            run += chr(arg)
            continue
        if len(run) >= 2 and (best is None or min(map(len, best)) < len(run)):
            best = (run,)
        run = ""
        found: tuple[str, ...] | None = None
        if name == "SUBPATTERN":
            found = _must(list(arg[-1]))
        elif name == "BRANCH":
            branches = [_must(list(branch)) for branch in arg[1]]
            if all(b is not None for b in branches):
                found = tuple(n for b in branches if b for n in b)
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] >= 1:
            found = _must(list(arg[2]))
        if found and min(map(len, found)) >= 2 and (
                best is None or min(map(len, found)) > min(map(len, best))):
            best = found
    return best


def stem(word: str) -> str:
    """A light stem: plural and verb endings off, a doubled final consonant single
    (padded, padding, pads -> pad)."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[:-len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2]:
        word = word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Words (stemmed; an identifier also as its parts), neighbouring word pairs, and concepts
    (``~name``): the bag the wording index compares. Template fields, numbers and exception
    class names are left out."""
    lowered = normalise(FIELD.sub(" ", text) if "{" in text else text)
    words = [w for w in WORD.findall(lowered) if w not in STOP and not EXCEPTION.search(w)]
    out: list[str] = []
    for word in words:
        if "_" in word:
            out.append(word)
            out.extend(stem(part) for part in word.split("_") if part and part not in STOP)
        else:
            out.append(stem(word))
    stems = [stem(w) for w in words]
    out.extend(f"{a} {b}" for a, b in itertools.pairwise(stems))
    out.extend("~" + name for name in _concepts(lowered))
    return out


@dataclass(frozen=True)
class Family:
    """A code as a combination of concepts: every group of ``all_of`` must be present (a group
    is satisfied by any of its concepts), none of ``none_of``. ``allow`` names the off-topic
    concepts its own messages hold (a mask's dtype, the NaN an all-zero mask row gives): they
    do not silence it."""

    code: Code
    all_of: tuple[frozenset[str], ...]
    none_of: frozenset[str] = frozenset()
    weight: float = 2.5
    allow: frozenset[str] = frozenset()

    def fits(self, found: frozenset[str]) -> bool:
        return all(group & found for group in self.all_of) and not self.none_of & found \
            and not (found & OFF_TOPIC) - self.allow


def _family(code: Code, *groups: str, none_of: str = "", weight: float = 2.5,
            allow: str = "") -> Family:
    return Family(code, tuple(frozenset(g.split("|")) for g in groups),
                  frozenset(none_of.split("|")) - {""}, weight,
                  frozenset(allow.split("|")) - {""})


#: The keyword family of each code. Read top to bottom; every family that fits votes.
FAMILIES: tuple[Family, ...] = (
    _family("missing_pad_token", "pad_token", "missing", none_of="side|mask|start_token"),
    _family("padding_side", "padding", "side", "generate", none_of="invalid_option"),
    # trl and transformers warn of the side in training too: fp16 overflow with left padding
    _family("padding_side", "padding_side", "side_use", none_of="invalid_option",
            allow="dtype"),
    _family("truncation_padding_options", "pad_option", "invalid_option",
            none_of="new_tokens"),
    _family("truncation_padding_options", "pad_option|text_limit", "inactive",
            none_of="new_tokens|stride"),
    # a mask that is missing, not 0/1, all zeros or of the wrong dtype (torch's SDPA: "Expected
    # attn_mask dtype to be bool or float"); an all-zero row gives NaN
    _family("bad_attention_mask", "mask_missing", none_of="shape|side", allow="dtype|nan|media"),
    # a mask of the wrong rank: "`attention_mask` passed to `generate` must be 2D", "`mask`
    # should be a 2d-tensor", "Only two-dimensional attention masks are accepted"
    _family("bad_attention_mask", "mask", "rank", none_of="mismatch|side|label|export"),
    # (a cache's length too: "Length of input ids 41 does not match cache sequence length 40")
    _family("shape_mismatch", "model_input", "shape|seqlen", "mismatch",
            none_of="label|export|table_shape|vocab", allow="memory"),
    # a mask against the shape it should have: "Cross attention mask shape ... doesn't match
    # expected ...", "Attention mask should be of size ..."
    _family("shape_mismatch", "mask", "shape|seqlen", "mismatch",
            none_of="label|export|table_shape|vocab|side|generate", allow="memory"),
    # a mask of another length than its ids: "Prompt input ids and attention mask should have
    # the same length"
    _family("shape_mismatch", "mask", "ids", "ragged",
            none_of="label|export|table_shape|vocab|side|generate"),
    # two sequence lengths that disagree: "Sequence length mismatch: 2048 vs 1024", "Input
    # length mismatch! Given T: 212, Expected max T from input lengths: 209"
    _family("shape_mismatch", "seqlen_named", "mismatch",
            none_of="label|export|table_shape|vocab|generate|limit|multiple|side"),
    # ids of the wrong rank: "position_ids must be 2D when provided", "input_ids must be of
    # shape (batch_size, sequence_length)"
    _family("shape_mismatch", "ids_input", "rank",
            none_of="mask|label|export|table_shape|vocab"),
    _family("token_id_out_of_vocab", "ids", "vocab", "out_of_range|compare",
            none_of="token_type|label"),
    # token ids out of range need not name the vocabulary: "replaced 3 out-of-range token ids
    # with 0 (valid range: [0, 32000))"
    _family("token_id_out_of_vocab", "token_ids", "out_of_range",
            none_of="token_type|label|position|vocab"),
    # a language model's labels are token ids too: "cross entropy target 151667 is out of
    # bounds for a vocabulary of 151665" (added tokens, the embedding and head not resized)
    _family("token_id_out_of_vocab", "label", "vocab", "out_of_range",
            none_of="token_type|position|label_count"),
    # the tokenizer's vocabulary larger than (or not matching) the model's embedding table
    _family("token_id_out_of_vocab", "vocab", "model_vs_tokenizer", "mismatch|compare",
            none_of="token_type|label|position|generate"),
    _family("token_type_out_of_range", "token_type", "out_of_range|limit"),
    _family("unexpected_token_type_ids", "token_type", "unexpected"),
    _family("ragged_batch_no_padding", "ragged", "stackable",
            none_of="mask|label|table_shape|export|pair"),
    _family("label_alignment", "label", "seqlen_strict|ids_input", "mismatch|ragged",
            none_of="out_of_range|table_shape|generate|logits"),
    # one label per text, counted against the texts: "the length of your labels does not match
    # the length of your text" (the labels' variant of shape_mismatch)
    _family("shape_mismatch", "label", "seqlen|rowcount|label_count", "mismatch", "texts",
            none_of="out_of_range|table_shape|export|vocab|ids_input|seqlen_strict|logits"),
    # labels against the logits a loss compares them with (a classifier's, or a LM's unshifted)
    _family("shape_mismatch", "logits", "label", "shape|seqlen", "mismatch",
            none_of="out_of_range|table_shape|export|vocab"),
    _family("label_out_of_range", "label", "out_of_range", none_of="position|vocab|token_type"),
    # a model with another number of labels than the task needs: "config.num_labels should be
    # 2, but it is 5", "reward models require num_labels=1"
    _family("label_out_of_range", "label_count", "required|mismatch",
            none_of="label_map|position|vocab|token_type|seqlen_strict|inactive|texts"),
    _family("stride_overflow", "stride", "text_limit"),
    _family("stride_overflow", "stride", "unit_range"),
    _family("model_max_length_sentinel", "no_limit", none_of="generate|new_tokens"),
    _family("pair_truncation", "pair", "truncation", none_of="invalid_option"),
    _family("export_fixed_length", "export", "shape|seqlen", "fixed|mismatch",
            none_of="vocab|token_type"),
    # an input past the length an exported or compiled model was built for
    _family("export_fixed_length", "export", "seqlen", "compare|limit",
            none_of="vocab|token_type|new_tokens|generate|pad_token|mask"),
    # an export that needs a fixed length it was not given: "The value for the sequence_length
    # axis is missing, it is needed to perform the export to TensorFlow Lite"
    _family("export_fixed_length", "export", "seqlen_strict", "missing",
            none_of="vocab|token_type|pad_token|mask"),
    _family("length_multiple_constraint", "multiple", "seqlen|padding|input",
            none_of="export|table_shape"),
    # a count of tokens, whatever media they stand for: "number of tokens must be divisible by
    # number of tokens per frame 256"
    _family("length_multiple_constraint", "multiple", "seqlen_strict",
            none_of="export|table_shape|visual", allow="media"),
    # a speech input's length in samples or frames (its words are media's, which it allows)
    _family("length_multiple_constraint", "multiple", "audio_len",
            none_of="export|table_shape|visual", allow="media"),
    _family("under_min_length", "short", "seqlen_strict", none_of="generate|limit|compare"),
    _family("under_min_length", "below_min", "seqlen|input",
            none_of="generate|new_tokens|stride|truncation|pad_option"),
    # a measured length under the bound it must reach (the bound named anyhow: "n_sink=4"; a
    # cache's length is its tokens', not memory)
    _family("under_min_length", "len_below",
            none_of="generate|new_tokens|stride|pad_option|multiple|export|table_shape|label|"
                    "limit", allow="memory"),
    _family("under_min_length", "min_required", "seqlen_strict",
            none_of="generate|new_tokens|stride|truncation|pad_option"),
    _family("map_column_length_mismatch", "table_shape", "seqlen|ragged|rowcount",
            "mismatch|compare|fixed",
            none_of="export|vocab"),
    _family("generation_length", "new_tokens", "limit|compare|short|missing|seqlen"),
    _family("generation_length", "no_room", "limit|text_limit|input|seqlen"),
    _family("generation_length", "generate", "limit", "compare|seqlen",
            none_of="pad_token|mask|side"),
    _family("over_max_positions", "seqlen_strict|input", "limit", "compare",
            none_of="generate|new_tokens|stride|multiple|short|export|table_shape|label|pair"),
    # a length set above the position table: "max_model_len (32768) is greater than the derived
    # max_model_len (max_position_embeddings=4096)" (vLLM), "max_length ... larger than
    # max_position_embeddings"
    # an input cut to a limit, with both lengths: "Truncating len(ps) == 603 > 510"
    _family("over_max_positions", "cut", "seqlen|input",
            none_of="generate|new_tokens|stride|multiple|export|table_shape|label|pair"),
    _family("over_max_positions", "length_setting", "model_limit", "compare",
            none_of="generate|new_tokens|stride|multiple|short|export|table_shape|label|pair|"
                    "below_min|min_required"),
    # position ids outside the table: "Position ids must be in the range [0, 2048), but got ..."
    _family("over_max_positions", "position", "out_of_range",
            none_of="token_type|vocab|label|generate|new_tokens|export"),
    _family("over_max_positions", "position", "text_limit", "compare",
            none_of="generate|stride|multiple|short|export|table_shape|label|pair|new_tokens"),
)


#: What the frames of a traceback say a message is about, by concept: the file (or function)
#: that raised is as telling as a word of the message ("Dimension mismatch" raised in TFLite's
#: interpreter is a fixed export shape; "should be of equal size" in default_collate is a batch).
FRAME_CONCEPTS: dict[str, re.Pattern[str]] = {
    "export": _C(r"onnxruntime|tensorrt|polygraphy|[/\\]lite[/\\]python[/\\]interpreter|"
                 r"coremltools|"
                 r"[/\\]torch[/\\](?:onnx|export|jit)[/\\]|openvino|executorch|__torch__|"
                 r"[/\\]exporters[/\\]"),
    "stackable": _C(r"[/\\]_utils[/\\]collate\.py|data_collator|\bcollate\b"),
}


def frame_concepts(frames: tuple[str, ...]) -> frozenset[str]:
    """Concepts of the files and functions of ``frames`` (their code lines are left out: user
    code says anything). A concept found there is also a word of text models' inputs."""
    where = "\n".join(f.split(": ", 1)[0] for f in frames[-6:]).lower()
    found = {name for name, pattern in FRAME_CONCEPTS.items() if pattern.search(where)}
    return frozenset(found | {"domain"}) if found else frozenset()


def family_votes(message: str, frames: tuple[str, ...] = ()) -> list[Vote]:
    """Votes of the keyword families that fit ``message`` (and the concepts of its traceback's
    frames); none when it holds no word of text models' inputs and no measured length under
    its bound (a cache's length that must be larger than n_sink is one). A concept that is
    never about input shape (memory, dtypes, devices, files, the hub, ...) silences every
    family that does not allow it."""
    found = concepts(message) | frame_concepts(frames)
    if "domain" not in found and "len_below" not in found:
        return []
    return [Vote(f.code, f.weight, {}, f"keyword family of {f.code}")
            for f in FAMILIES if f.fits(found)]
