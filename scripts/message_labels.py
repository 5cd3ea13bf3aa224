"""Reviewed labels for mined messages: which code a message template means.

Rules are read top to bottom; the first whose pattern is found in the template (fields shown as
``{name}``) gives the label. Each rule was written from reading the templates it catches (the
mining script prints them per code) and is kept narrow enough that every template it catches is
one it should. Templates that mention input shape but match no rule are off-topic: they are kept
as the negative list and must explain to ``unknown``. Templates that no topic word reaches are
not kept at all.

Rows are then reviewed one by one: ``reviewed_labels.jsonl`` (beside this file) holds, per
catalogue id, the code a reader gave a row where it differs from the rules' (mostly rows the
rules had sent to the negative list), and why (each was read with its source line; the id is
the library and the template's skeleton, so it survives re-mining). Another library's row with
the very same template gets the same code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REVIEWED = Path(__file__).with_name("reviewed_labels.jsonl")


@dataclass(frozen=True)
class Label:
    code: str
    candidates: tuple[str, ...] = ()
    question: str | None = None

    def evidence(self, names: list[str], before: list[str] | None = None) -> list[str | None]:
        """The evidence key each field of the template fills (length, limit, ...), or None;
        ``before`` holds the fixed text in front of each field."""
        before = before if before is not None and len(before) == len(names) else [""] * len(names)
        keys = [evidence_key(name, self.code, text)
                for name, text in zip(names, before, strict=True)]
        # a count of tokens by its unit: "schema requires {fixed} tokens before state"
        after = [*before[1:], ""][:len(names)]
        return [key if key is not None or not re.match(r"\s*tokens\b", text) else "length"
                for key, text in zip(keys, after, strict=True)]


#: The words in front of a field that make it the limit ("greater than the designated maximum
#: sequence length {self.seq_len}"), or a length ("input contains a sequence length {t}").
LIMIT_BEFORE = re.compile(r"\bmax(?:imum)?(?: [a-z]+){0,2} (?:length|len|size|tokens|positions)"
                          r"(?: is| of)? $|"
                          # a limit spelled out as its parts: "its effective max length of {n}
                          # (= {self.sequence_length} original max length - {k} special tokens)"
                          r"\(= $", re.I)
MINIMUM_BEFORE = re.compile(r"\bmin(?:imum)?(?: [a-z]+){0,2} (?:length|len|size|tokens|samples)"
                            r"(?: is| of)? $", re.I)
LENGTH_BEFORE = re.compile(r"\b(?:sequence|input|prompt|text) length(?:\s+of|\s+is|\s*[:=])?\s*$",
                           re.I)


def evidence_key(name: str, code: str, before: str = "") -> str | None:
    """Which number a field carries, from its expression's name and the words in front of it."""
    key = _key_of_name(name, code)
    tail = before[-60:]
    if key in (None, "length", "index"):
        if LIMIT_BEFORE.search(tail):
            return "limit"
        if MINIMUM_BEFORE.search(tail):
            return "minimum"  # "This is less than the minimum size of {min_input_length}"
    if key == "index" and LENGTH_BEFORE.search(tail):
        return "length"  # a one-letter name, "sequence length {t}"
    return key


def _key_of_name(name: str, code: str) -> str | None:
    n = name.lower()
    if re.search(r"shape|size\(\)|\bsizes?\b$", n) and not re.search(r"vocab|block|window|"
                                                                     r"chunk|batch", n):
        return "shape"
    if re.search(r"vocab|num_embeddings|embedding.*(size|rows)|n_vocab", n):
        return "vocab_rows"
    if re.search(r"type_vocab", n):
        return "type_vocab_size"
    if re.search(r"stride|overlap", n):
        return "stride"  # the tokens windows share: a tokenizer's stride, a splitter's overlap
    if code == "stride_overflow" and re.search(r"chunk|window|max_len|max_length|size", n):
        return "limit"  # what the overlap must stay below
    if re.search(r"min_(new_)?(length|tokens)|minimum", n):
        return "minimum"
    if re.search(r"attention_window|window|block_size|chunk|multiple|pad_to_multiple_of", n):
        return "multiple"
    if re.search(r"max_position|max_len|max_length|model_max_length|max_seq|max_new_tokens|"
                 r"max_tokens|limit|maximum|n_positions|n_ctx|max_target|max_source|"
                 r"max_model_len|context", n):
        return "limit"
    if re.search(r"seq_len|sequence_length|seq_length|input_ids_length|input_length|"
                 r"^len_|len_.*ids|length|n_tokens|num_tokens|num_\w*tokens|prompt_len|"
                 r"prompt_tokens|target_len", n):
        return "length"
    if re.search(r"index|idx|token_id|\bid\b|^target|^t$", n):
        return "index"
    if re.search(r"num_labels|n_classes|num_classes", n):
        return "limit" if code == "label_out_of_range" else None
    return None


def _rule(code: str, pattern: str, candidates: tuple[str, ...] = (),
          question: str | None = None) -> tuple[re.Pattern[str], Label]:
    return re.compile(pattern, re.I | re.S), Label(code, candidates, question)


POSITION_OR_SHAPE = ("over_max_positions", "shape_mismatch")
INDEX_TABLES = ("over_max_positions", "token_id_out_of_vocab", "token_type_out_of_range")
OUT_OF_BOUNDS = ("over_max_positions", "token_id_out_of_vocab", "unknown")
Q_TABLE = ("the failing frame: position_embeddings / wpe / embed_positions means the input is "
           "too long; word_embeddings / wte / embed_tokens means a token id "
           "is outside the vocabulary; token_type_embeddings means token_type_ids; or run "
           "seqfit.check(batch, model=model)")
Q_SIZE = ("whether the smaller number is the model's position limit (then the input is too "
          "long) or the length of another input (then ids, mask or labels were built "
          "separately): print({k: v.shape for k, v in batch.items()})")
Q_BOUNDS = ("what was indexed: a position buffer (position_ids, a sin/cos table) means the "
            "input is too long, an embedding means a token id; any other tensor is not about "
            "input shape")

#: The placeholder tokens of a multimodal prompt counted against the features that replace them
#: ("Image features and image tokens do not match: tokens: 512, features 2304"): the text's
#: sequence against another input, most often because truncation cut the placeholders off
#: (transformers' own processors say so: "Likely due to `truncation='max_length'`").
PLACEHOLDERS = (
    re.compile(r"\b(?:image|video|audio|media|modality|multimodal|vision|placeholder)\w*|"
               r"\{\w+\} features", re.I),
    re.compile(r"\bfeatures?\b|feature (?:count|rows|vectors)|\bembeds\b|multimodal embedding|"
               r"\bpatches\b", re.I),
    re.compile(r"\btokens?\b|\bplaceholders?\b", re.I),
    re.compile(r"do not match|does not match|!=|mismatch|counts must match|were produced than",
               re.I),
)


def placeholders(template: str) -> bool:
    """Whether a template counts a multimodal prompt's placeholder tokens against features."""
    return all(pattern.search(template) for pattern in PLACEHOLDERS) and \
        not re.search(r"\bcach", template, re.I)  # (a server's embedding cache: not an input)


#: Inputs seqfit does not cover (images, audio, video, time series), and settings of training,
#: hardware, hub and caches: their length or shape messages are not about text input shape.
OFF_TOPIC = re.compile("|".join([
    r"image|pixel|patch|audio|waveform|sampling.rate|feature_extractor|mel\b|spectrogram|"
    r"video|\bframes?\b|bbox|bounding box|boxes|speaker|voice|prompt_tokens_audio|"
    r"spatial|depth|point|vision|visual|codebook|time.series|prediction_length|"
    r"context_length.*(?:lags|prediction)|past_values|(?<!sequence )\bmodality",
    r"learning.rate|optimizer|scheduler|gradient|checkpoint|save_steps|eval_steps|epoch",
    r"deepspeed|fsdp|zero.?3|\bnccl\b|world.size|process.group|\branks?\b|tp_size|ep_size",
    r"quantiz|bitsandbytes|\b[48]bit|gptq|awq|fp8|int8|mxfp|gguf",
    r"safetensors|state_dict|\.bin\b|\bshards?\b|repo_id|revision|push_to_hub",
    r"\bkv.cache|get_seq_length|get_max_length|past_key_values|Cache\b|cache_position|"
    r"sliding window size was already reached|indexer",
    r"rope_|rotary|RotaryEmbedding|original_max_position_embeddings",
    r"lora|adapter|peft_config|target_modules|\bexperts?\b",
    r"hidden_size|num_attention_heads|num_key_value_heads|head_dim|num_hidden_layers|"
    r"intermediate_size|kernel_size|conv_|n_layers",
    r"\bdtype|\bdevice\b|cuda:|fp16|bf16|float16|on the meta device",
    r"vocab(?:ulary)? file|vocab_file|merges|sentencepiece|spm_file|tekken|"
    r"Can't find a vocabulary",
]), re.I)

Q_RESHAPE = ("whether the model was exported or compiled for a fixed sequence length (a Reshape "
             "to a constant shape: re-export with a dynamic sequence axis, or pad/truncate to the "
             "exported length) or two inputs of the batch disagree: "
             "print({k: v.shape for k, v in batch.items()})")

RULES: tuple[tuple[re.Pattern[str], Label], ...] = (
    # the same words for a tokenizer's padding option (compel: 'do_not_pad' or 'max_length') and
    # for a tensor's pad mode (trax's numpy: 'constant', 'reflect')
    _rule("truncation_padding_options", r"^unsupported padding mode: \{",
          ("truncation_padding_options", "unknown"),
          "Is the mode a tokenizer's padding (do_not_pad, longest, max_length), or a tensor's "
          "pad mode (constant, reflect)?"),
    # --- serving engines and exported runtimes (vllm, sglang, onnxruntime, optimum, ...) --------
    # prompt plus requested completion over the context: the completion's budget is the fix
    _rule("generation_length", r"maximum context length is .{0,200}in the completion|"
          r"\{?[^{}]*max_output_tokens[^{}]*\}?=.{0,40}cannot be greater than|"
          r"min_tokens must be less than or equal to max_tokens|"
          r"max_tokens must be (?:at least|non-negative)|"
          r"max_seq_length .{0,40}needs to be >= .{0,10}max_returned_tokens|"
          r"generation exceeded the declared length"),
    _rule("truncation_padding_options", r"truncate_prompt_tokens.{0,60}(?:greater than|>= ?1)"),
    _rule("over_max_positions", r"longer than the maximum model length|"
          r"maximum context length is .{0,60}However,? (?:you requested|your prompt)|"
          r"more than (?:the )?max_model_len|more than the .{0,40} this model reads|"
          r"(?:maximum|max) position embeddings|exceeds the supported context length|"
          r"Input with size .{0,20} exceeds maximum length of|"
          r"exceeds the maximum number of tokens: .{0,40} > .{0,10}max_input_len|"
          # a configured context longer than the model's own: positions past the table
          r"greater than the derived (?:max_model_len|context_length)"),
    _rule("shape_mismatch", r"^(?:input_ids|position_ids) must have shape \[batch_size, "
          r"sequence_length\]"),
    _rule("export_fixed_length", r"exceeds the model static sequence length"),
    # onnxruntime's Gather: the node name in the message says which table was indexed
    _rule("over_max_positions", r"indices element out of data bounds", INDEX_TABLES,
          "the Gather node's name in the message: /position_embeddings/ or /embed_positions/ "
          "means the input is too long; /word_embeddings/ or /embed_tokens/ means a token id "
          "is outside the vocabulary; /token_type_embeddings/ means token_type_ids"),
    _rule("over_max_positions", r"Attempting to broadcast an axis by a dimension other than 1",
          POSITION_OR_SHAPE, Q_SIZE),
    _rule("export_fixed_length", r"input tensor cannot be reshaped to the requested shape",
          ("export_fixed_length", "shape_mismatch", "unknown"), Q_RESHAPE),
    # --- the torch / CUDA messages whose cause depends on the context -------------------------
    _rule("cuda_device_side_assert", r"device-side assert|srcIndex < srcSelectDimSize"),
    _rule("over_max_positions", r"index out of range in self|out of table with",
          INDEX_TABLES, Q_TABLE),
    _rule("over_max_positions", r"size of tensor a.{0,40}must match the size of tensor b|"
          r"expanded size of the tensor.{0,40}must match the existing size",
          POSITION_OR_SHAPE, Q_SIZE),
    _rule("over_max_positions", r"^\{?[^{}]{0,20}\}?\s*is out of bounds for dimension|"
          r"^index \{[^}]*\} is out of bounds for dimension", OUT_OF_BOUNDS, Q_BOUNDS),
    # --- labels --------------------------------------------------------------------------------
    _rule("label_out_of_range", r"^Target \{[^}]*\} is out of bounds|Target \{?[^{}]*\}? is out "
          r"of bounds|labels?.{0,60}(?:num_labels|n_classes|number of (?:labels|classes))|"
          r"(?:num_labels|number of labels).{0,60}labels? (?:value|id)"),
    _rule("label_alignment", r"labels? must match .?input_ids.? shape|"
          r"labels?.{0,80}(?:sequence length|same (?:sequence )?length as|"
          r"length of (?:the )?input_ids|word pieces|seq_len)|"
          r"(?:sequence length|seq_len).{0,60}labels"),
    _rule("shape_mismatch", r"Expected input batch_size \(.{0,40}\) to match target batch_size",
          ("shape_mismatch", "label_alignment"),
          "whether the model is a token classifier: labels with one entry per word instead of "
          "one per word piece; compare len(labels[i]) with len(input_ids[i])"),
    # --- attention masks -----------------------------------------------------------------------
    # a mask of another size than the ids (or than the shape the model builds from them) is two
    # inputs that disagree: shape_mismatch, as codes.py defines it and the corpus triggers it
    _rule("shape_mismatch", r"attention[_ ]mask.{0,60}(?:should be of size|should have size|"
          r"doesn't match|does not match|inconsistent)|(?:input_ids|inputs_embeds) and "
          r"(?:the )?attention[_ ]mask.{0,40}same (?:shape|size|length)|"
          r"(?:key )?padding mask does not align|"
          # "Wrong shape for input_ids (shape ...) or attention_mask (shape ...)", "Incorrect 4D
          # attention_mask shape: ...; expected: ..."
          r"Wrong shape for (?:input_ids|attention_mask)|Incorrect \dD attention_mask shape"),
    _rule("bad_attention_mask", r"attention[_ ]mask.{0,60}(?:"
          r"must be (?:of )?(?:2D|4D|shape|size)|has (?:shape|size)|of shape|"
          r"must have|should be a \dd|dims|dimensions)|"
          r"(?:mask|padding mask).{0,40}(?:should be a \dd|shape .{0,40} "
          r"doesn't match)|strongly recommend passing in an .?attention_mask|"
          r"attention mask (?:is not set|and the pad token id were not set)|"
          r"pass your input's .?attention_mask|both side of attention_mask has zero|"
          r"Custom 4D attention mask|(?:two|2)-dimensional attention masks|"
          r"attention_mask.{0,40}(?:zero|all zeros|invalid|binary|"
          r"0 or 1|only 0s? and 1s?)"),
    # --- padding side --------------------------------------------------------------------------
    # a value that is not a side at all is an invalid option, not the wrong side
    _rule("truncation_padding_options", r"(?:padding|truncation)[_ ]side.{0,30}(?:one of|"
          r"selected between|must be (?:either )?'?(?:left|right))|If (?:padding|truncation) is a "
          r"string|Value for (?:padding|truncation) must be"),
    _rule("padding_side", r"right-padding was detected|padding_side\s*=\s*'right'|"
          r"padding[_ ]side (?:is )?(?:set to )?'?(?:right|left)'?.{0,120}(?:generat|inference|"
          r"training|flash|causal)|"
          r"padding side is 'right'|requires left padding|padding_side.{0,30}left.{0,60}"
          r"(?:generat|flash|decoder)|left padding.{0,60}(?:generat|flash|causal)|"
          r"(?:padded|padding) on the (?:right|left).{0,60}(?:generat|flash|unexpected)|"
          r"ends in a padding token"),
    # --- pad token -----------------------------------------------------------------------------
    _rule("missing_pad_token", r"(?:does not|doesn't) have a (?:pad|padding) token|"
          r"no (?:pad|padding) token|Using pad_token, but it is not set|"
          r"make sure (?:that )?.?pad_token_id.? is defined|make sure to set the .?pad_token_id|"
          r"(?:has|have) a .?pad_token(?:_id)?.? when|"
          r"pad_token_id.{0,40}(?:has to be|must be|needs to be|is required|not set|is None|"
          r"should be positive)|pad token.{0,40}(?:not set|is None|must be set|required)|"
          r"Setting .?pad_token_id.? to .?eos_token_id|"
          r"padding token.{0,30}(?:not set|undefined|missing|required)"),
    # --- token types ---------------------------------------------------------------------------
    _rule("unexpected_token_type_ids", r"model_kwargs.{0,20} are not used by the model|"
          r"unexpected keyword argument .?token_type_ids|token_type_ids.{0,60}(?:not used|"
          r"unused|not supported|not expected|has no functionality)"),
    _rule("token_type_out_of_range", r"token_type_ids?.{0,80}(?:type_vocab_size|out of range)|"
          r"type_vocab_size.{0,80}token_type"),
    # --- vocabulary ----------------------------------------------------------------------------
    _rule("token_id_out_of_vocab", r"padding_idx must be within|"
          r"(?:token|input)[ _]ids?.{0,60}(?:vocab|num_embeddings|embedding (?:matrix|table))|"
          r"(?:vocab(?:ulary)?[ _]size|num_embeddings).{0,60}(?:token|input)[ _]ids?|"
          r"(?:out of|outside (?:the|of))(?: the)? vocab|not contained in the vocabulary|"
          r"ID.{0,30}(?:larger|greater|bigger) than.{0,20}vocab"),
    # --- generation ----------------------------------------------------------------------------
    _rule("generation_length", r"max_new_tokens|min_new_tokens|Unfeasa?ible length constraints|"
          r"Input length of .{0,40} is .{0,40} but .?max_length.? is set|"
          r"generation (?:call|length)|text generation|max_length is not larger than decoder "
          r"prompt|Increase max_length from|input_length.{0,40}bigger than.{0,30}max_length|"
          r"min_length.{0,60}max_length|max_length.{0,60}min_length|"
          r"(?:default|model-agnostic).{0,30}max_length.{0,60}generat|"
          r"maximum length of the generation|"
          # a pipeline's advice on generate()'s max_length against the input
          r"max_length is set to .{0,40}input_length is only"),
    # --- the tokenizer's limits and options ----------------------------------------------------
    # "Asking to pad to max_length but no maximum length is provided and the model has no
    # predefined maximum length. Default to no padding.": the tokenizer drops an option it
    # cannot honour (codes.py names this case under truncation_padding_options); the sentinel
    # is the code where the 1e30 value itself is used
    _rule("truncation_padding_options", r"no maximum length is provided and the model has no "
          r"predefined maximum length"),
    _rule("model_max_length_sentinel", r"model_max_length.{0,60}(?:very large|1e30|not set|"
          r"unset|VERY_LARGE)"),
    _rule("pair_truncation", r"need to remove .{0,20} to truncate the input|"
          r"(?:first|second) sequence (?:not long enough|has a length)|"
          r"Sequence to truncate too short|only_(?:first|second)|ONLY_(?:FIRST|SECOND)|"
          r"max_length cannot be overridden at call time when truncating paired"),
    _rule("stride_overflow", r"stride.{0,80}(?:max_len|max length|max_seq_len|max_length|"
          r"model_max_length|strictly less|greater than or equal)|"
          r"(?:max_len|max_seq_len).{0,60}stride|superior to stride|"
          r"overflowing tokens are not returned|"
          r"which is greater than or equal to its effective max length"),
    _rule("truncation_padding_options", r"Truncation was not explicitly activated|"
          r".?max_length.? is ignored when .?padding|truncation=True.{0,40}max_length.{0,30}"
          r"defined|padding=.{0,40}MAX_LENGTH.{0,40}max_length is defined|"
          r"Both padding and truncation were set|not a multiple of pad_to_multiple_of|"
          r"padding.{0,10}must be either|padding_side.{0,10}must be|truncation_side.{0,10}must|"
          r"Invalid (?:padding|truncation) strategy|pad_to_max_length|truncation_strategy|"
          r"Sequence length to be truncated must be no less than one|"
          r"(?:padding|truncation).{0,40}(?:not recognized|unknown (?:value|strategy))|"
          r"padding=True.{0,60}ignored"),
    # --- architecture length rules -------------------------------------------------------------
    _rule("length_multiple_constraint", r"(?:padded|pad(?:ding)?) .{0,60}to be a multiple of|"
          r"(?:sequence length|seq_len|sequence_length|length).{0,80}(?:multiple of|divisible "
          r"by|has to be equal to config\.max_position_embeddings|perfect square)|"
          r"attention_window.{0,60}(?:even|positive|multiple)|axial_pos_shape|"
          r"Attention type 'block_sparse' is not possible|multiple of block size|"
          r"shorter than or a multiple of config\.chunk_size|divisible by the block_size"),
    _rule("under_min_length", r"(?:input|sequence).{0,40}too short|"
          r"(?:sequence length|seq_len).{0,60}(?:greater than or equal to|at least|>=)|"
          r"shorter than the minimum|minimum (?:sequence )?length.{0,40}(?:input|sequence)"),
    # --- exported models -------------------------------------------------------------------------
    _rule("export_fixed_length", r"Guard failed|Constraints violated|specializ(?:ed|es) to "
          r"(?:a )?constant|marked .{0,30}dynamic.{0,60}(?:specializ|constant|static)|"
          r"dynamic_shapes.{0,80}(?:violat|constant|static|specializ)|"
          r"Got invalid dimensions for|fixed (?:sequence length|shape)|"
          r"(?:exported|traced).{0,60}(?:fixed|static) (?:shape|length)|"
          r"sequence length.{0,60}(?:exported|traced)"),
    # --- over the position table ---------------------------------------------------------------
    _rule("over_max_positions", r"Token indices sequence length is longer than the specified "
          r"maximum|max_position_embeddings|max_positions|n_positions|"
          r"(?:sequence|input|prompt|query|text|tokens?).{0,60}(?:longer than|exceeds?|"
          r"greater than|larger than|going beyond|beyond|over|more than).{0,60}"
          r"(?:max(?:imum)?[ _](?:length|len|seq|sequence|context|tokens|allowed)|limit|"
          r"model_max_length|max_length|max_seq_len|the model)|"
          r"Maximum sequence length|max_seq_len(?:gth)?.{0,40}got|"
          r"Cannot process a batch with .{0,40} tokens|cannot exceed the maximum allowed length|"
          r"(?:too long|trimming it|was longer than).{0,60}(?:tokens|max_length|maximum)|"
          r"Could not encode .{0,60} maximum length|Span is too long"),
    # --- batches -------------------------------------------------------------------------------
    _rule("ragged_batch_no_padding", r"Unable to create tensor|expected sequence of length",
          ("ragged_batch_no_padding", "label_alignment", "model_max_length_sentinel"),
          "which key is ragged: input_ids rows never padded, or labels (one per word) longer or "
          "shorter than the padded ids; padding='max_length' without max_length pads nothing "
          "on a tokenizer with no known limit"),
    _rule("ragged_batch_no_padding", r"stack expects each tensor to be equal size|"
          r"unequal[- ]length|"
          r"require padding to a common sequence length|different lengths.{0,40}(?:pad|batch)|"
          r"(?:pad|padding).{0,40}(?:same|equal|common) length"),
    _rule("map_column_length_mismatch", r"Column .{0,30}named .{0,30}expected length|"
          r"expected length .{0,20}but got length|length of the output.{0,60}does not match|"
          r"mismatch between the number of rows|Added column's length must match|"
          # datasets' map(): "Column lengths mismatch: columns [...] have length [...] while
          # 'text' has length 1000" (a batched function that returns more rows than it got)
          r"Column lengths mismatch"),
    _rule("shape_mismatch", r"got multiple values for (?:keyword )?argument .?(?:attention_mask|"
          r"input_ids|token_type_ids|labels|position_ids)|"
          r"(?:input_ids|inputs_embeds|position_ids|decoder_input_ids).{0,60}(?:of shape|"
          r"shape .{0,20}(?:but|does not|doesn't)|should be of size|must be (?:2D|of shape))|"
          r"Expected input ids of shape|input ids should be of shape|"
          r"position_ids (?:first|second) dim .{0,30}must match|"
          r"You cannot specify both input_ids and inputs_embeds|"
          r"have to specify either (?:input_ids|decoder_input_ids)|"
          r"position_ids.{0,60}(?:incorrect|must be provided)"),
)


#: Reviewed exceptions: a phrase of the template, and the code it gets instead of the rules'.
#: Each was read in context (the source line the catalogue records).
OVERRIDES: tuple[tuple[str, str], ...] = (
    # configuration checks, internal calls and deprecations: not about an input
    ("decompose_prefill_decode", "unknown"), ("Every token in `", "unknown"),
    ("GKD configuration", "unknown"), ("MaxNewTokensCriteria", "unknown"),
    ("SentenceLabelDataset", "unknown"), ("Number of labels should be", "unknown"),
    ("Invalid base64", "unknown"), ("Padding length must be divisible", "unknown"),
    ("must be a multiple of block sizes", "unknown"), ("Kernel size must be a multiple",
                                                       "unknown"),
    ("`context_size` must be in", "unknown"), ("Attempted to set `max_position_embeddings`",
                                                 "unknown"),
    ("pos_embeddings.max_sequence_length", "unknown"), ("question_positions", "unknown"),
    ("Setting `config.max_position_embeddings", "unknown"), ("Span is too long", "unknown"),
    ("Chunk length must be superior", "unknown"), ("blank_token_id", "unknown"),
    ("You cannot specify both input_ids", "unknown"),
    ("You have to specify either", "unknown"),
    # serving engines, runtimes and trainers: configuration, internals, counts of items, speculative
    # decoding and diffusion pipelines (read in context, see the catalogue's sources)
    ("generation length changed", "unknown"), ("output tokens, expected", "unknown"),
    ("skip_tokenizer_init=True", "unknown"), ("max_new_tokens cap", "unknown"),
    ("Num values with fixed shape", "unknown"),
    ("last dimension must be a multiple of `C`", "unknown"), ("Cosmos", "unknown"),
    ("out_cache_loc", "unknown"), ("num_frames", "unknown"), ("tokens_per_frame", "unknown"),
    ("cp_size", "unknown"), ("learnable registers", "unknown"),
    ("timestep length", "unknown"), ("gather_kv_length", "unknown"),
    ("--cuda-graph-prefill-max-context", "unknown"), ("captured bounds", "unknown"),
    ("kv-canary", "unknown"), ("mega MoE", "unknown"), ("draft model", "unknown"),
    ("params.json file is missing", "unknown"), ("Found 'max_position_embedding'", "unknown"),
    ("max_num_batched_tokens ({self.max_num_batched_tokens}) is smaller", "unknown"),
    ("max_position_embeddings must be positive", "unknown"),
    ("max_seq_len must be positive when", "unknown"), ("prev_tokens length", "unknown"),
    ("list length {len(prompt", "unknown"), ("logprob_token_ids of length", "unknown"),
    ("token ids per row in prompt_logprob_token_ids", "unknown"),
    ("text attention mask", "unknown"), ("eos_token_id:{eos_token_id}, pad_token_id", "unknown"),
    ("prefix_vocab_mask", "unknown"), ("DFLASH", "unknown"), ("DSpark", "unknown"),
    ("multimodal tokens?", "unknown"), ("interleave CP", "unknown"),
    ("SEQ_LEN_SPLITS", "unknown"), ("encoder_attention_mask must be a binary", "unknown"),
    ("label_attention_mask must have the same shape", "shape_mismatch"),
    ("attention_mask must match the first two hidden_states", "shape_mismatch"),
    ("Please increase max_tokens in the DeepSpeed Inference Config", "over_max_positions"),
    ("longer than the KV cache pool size or the max context length", "over_max_positions"),
    ("`truncate` must be strictly positive", "truncation_padding_options"),
    # a better code than the first rule that catches them
    ("We cannot use `hole`", "generation_length"),
    ("Labels' sequence length", "over_max_positions"),
    ("truncation_strategy` argument is deprecated", "truncation_padding_options"),
    ("are not supported by `MistralCommonBackend`", "truncation_padding_options"),
    ("overflowing tokens are not returned", "pair_truncation"),
    ("`token_type_ids` was provided but", "unexpected_token_type_ids"),
    ("must be specified when `padding='max_length'`", "truncation_padding_options"),
    ("doesn't have the same sequence length as the others", "shape_mismatch"),
)


@cache
def reviewed() -> dict[str, str]:
    """The code each reviewed row was given, by catalogue id and by template."""
    with REVIEWED.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    return {key: r["code"] for r in records for key in (r["id"], r["template"])}


def label(template: str, library: str, kind: str, row_id: str | None = None) -> Label | None:
    """The reviewed label of a template; ``Label("unknown")`` for the negative list; None for
    templates not worth keeping."""
    for key in (row_id, template):
        if key in reviewed():
            return Label(reviewed()[key])
    for phrase, code in OVERRIDES:
        if phrase in template:
            return Label(code)
    if placeholders(template):
        return Label("shape_mismatch")
    generic = GENERIC.search(template)
    if OFF_TOPIC.search(template) and not generic:
        return Label("unknown")
    for pattern, lab in RULES:
        if pattern.search(template):
            return lab
    return Label("unknown")


#: torch's own messages are about any tensor; the model-input meaning comes from the context.
GENERIC = re.compile(r"index out of range in self|size of tensor a|expanded size of the tensor|"
                     r"is out of bounds for dimension|device-side assert", re.I)
