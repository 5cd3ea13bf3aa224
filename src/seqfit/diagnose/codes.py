"""Every stable code, documented: what it means in plain words, the fix to type, and what tells
it apart from its neighbours. The codes themselves are declared once, as
:data:`seqfit.errors.Code`; a test keeps this table and that list in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import Code

#: Codes that only seqfit's own refusals carry: no library message maps to them.
SEQFIT_ONLY: frozenset[Code] = frozenset({
    "model_load", "missing_dependency", "bad_input", "bad_data", "bad_option", "bad_batch",
    "seqfit_error"})


@dataclass(frozen=True)
class CodeInfo:
    title: str
    cause: str
    fix: str
    tell_apart: str | None = None


WINDOW_FIX = ("tokenizer(texts, truncation=True, max_length={limit}), or keep every token with "
              "seqfit.fit(texts, tokenizer=tokenizer, strategy='window')")

CODES: dict[Code, CodeInfo] = {
    "over_max_positions": CodeInfo(
        "Input longer than the model's position table",
        "An input[ of {length} tokens] is longer than the model's position table[ ({limit} "
        "tokens, special tokens included)]: positions past the table do not exist, so the "
        "lookup fails (or, in some models, a shape check does).",
        WINDOW_FIX,
        "the failing frame: position_embeddings/wpe/embed_positions means length; "
        "word_embeddings/wte/embed_tokens means a token id; or run "
        "seqfit.check(batch, model=model)"),
    "token_id_out_of_vocab": CodeInfo(
        "Token id outside the embedding table",
        "A token id[ ({index})] is not below the size of the embedding table[ ({vocab_rows} "
        "rows)]: the tokenizer knows tokens the model does not, usually added tokens without "
        "resizing, or a tokenizer from another model.",
        "model.resize_token_embeddings(len(tokenizer)) after adding tokens, or load the "
        "tokenizer of this model: AutoTokenizer.from_pretrained(<model name>)",
        "print(input_ids.max(), model.get_input_embeddings().num_embeddings), or "
        "seqfit.check(batch, model=model)"),
    "token_type_out_of_range": CodeInfo(
        "token_type_ids outside type_vocab_size",
        "token_type_ids hold a value the model has no embedding for[ (type_vocab_size is "
        "{type_vocab_size})]; RoBERTa-family models have a single token type, yet a BERT-style "
        "tokenizer marks the second text of a pair with 1.",
        "tokenizer(..., return_token_type_ids=False), or use the model's own tokenizer",
        "print(batch['token_type_ids'].max(), model.config.type_vocab_size)"),
    "unexpected_token_type_ids": CodeInfo(
        "token_type_ids given to a model that takes none",
        "The batch has token_type_ids but this model's forward() has no such argument "
        "(DistilBERT, BART, GPT-Neo and most decoders).",
        "tokenizer(..., return_token_type_ids=False), or batch.pop('token_type_ids') before "
        "model(**batch)"),
    "ragged_batch_no_padding": CodeInfo(
        "Rows of different lengths were never padded",
        "A batch was built from sequences of different lengths[ ({length} vs {other})] "
        "without padding, so they cannot form one tensor.",
        "tokenizer(texts, padding=True, truncation=True, return_tensors='pt'), or "
        "DataCollatorWithPadding(tokenizer) / seqfit.Collator(tokenizer) as data_collator; a "
        "Trainer given the tokenizer pads by itself: Trainer(..., processing_class=tokenizer) "
        "(tokenizer=tokenizer before transformers 4.46)"),
    "missing_pad_token": CodeInfo(
        "The tokenizer has no pad token",
        "Rows of different lengths must be padded, but this tokenizer (often GPT-2 or Llama) "
        "defines no pad token, and the model has no pad_token_id.",
        "tokenizer.pad_token = tokenizer.eos_token; model.config.pad_token_id = "
        "tokenizer.pad_token_id"),
    "shape_mismatch": CodeInfo(
        "Inputs whose shapes disagree",
        "Two inputs of the forward pass have different shapes[ ({length} vs {other})]: an "
        "attention_mask or labels built separately from the ids, or a keyword passed twice.",
        "build ids, mask and labels in one tokenizer call and pass them once: "
        "model(**tokenizer(texts, padding=True, return_tensors='pt'), labels=labels)",
        "print({k: v.shape for k, v in batch.items()})"),
    "label_alignment": CodeInfo(
        "Token labels not aligned with the word pieces",
        "Token-classification labels have one entry per word[ ({other})] but the model "
        "predicts one per word piece[ ({length})]; they must be aligned and padded with -100.",
        "align with encoding.word_ids(): the first piece of each word gets its label, the rest "
        "and special tokens -100; seqfit.Collator(tokenizer) does this when features carry "
        "word_ids",
        "compare len(labels[i]) with len(input_ids[i]) for a few rows"),
    "generation_length": CodeInfo(
        "Generation length at odds with the input or the model",
        "generate() was asked for a total length[ ({limit})] that the prompt[ ({length} "
        "tokens)] already fills, or that runs past the model's position table.",
        "generate(**inputs, max_new_tokens=N) with N + prompt length <= the model's limit "
        "(seqfit inspect MODEL), instead of max_length"),
    "padding_side": CodeInfo(
        "Padding on the wrong side for this model",
        "A decoder-only model was padded on the right for generation (or Flash Attention was "
        "given right padding): new tokens follow the padding, and outputs go wrong.",
        "tokenizer.padding_side = 'left' before tokenizing prompts for generate(); pass the "
        "attention_mask"),
    "pair_truncation": CodeInfo(
        "Pair truncation cannot cut enough from the chosen text",
        "truncation='only_second' (or 'only_first') must remove[ {remove}] tokens from one "
        "text, but that text[ has only {length} tokens]: the other text alone is too long.",
        "truncation='longest_first', or shorten the question, or raise max_length; "
        "seqfit.fit(questions, text_pairs=contexts, strategy='window') slides over the context"),
    "stride_overflow": CodeInfo(
        "stride too large for max_length",
        "return_overflowing_tokens with a stride that leaves no room: the stride (tokens "
        "shared between windows) must be smaller than max_length minus the special tokens and "
        "the first text.",
        "stride=max_length // 4, or seqfit.fit(..., strategy='window', overlap=N): overlap is "
        "the shared count, checked against the room"),
    "model_max_length_sentinel": CodeInfo(
        "tokenizer.model_max_length is the 1e30 'unknown' sentinel",
        "This tokenizer has no known limit, so model_max_length is int(1e30) "
        "(1000000000000000019884624838656); code that pads or allocates to it overflows.",
        "pass max_length explicitly: tokenizer(..., padding='max_length', truncation=True, "
        "max_length={limit}); seqfit inspect MODEL shows the real limit"),
    "export_fixed_length": CodeInfo(
        "Exported model with a fixed sequence length",
        "The model was exported (ONNX, TorchScript trace, TensorRT) with a fixed sequence "
        "length[ ({limit})]; an input[ of {length} tokens] does not match it.",
        "pad every input to the exported length: tokenizer(..., padding='max_length', "
        "truncation=True, max_length={limit}), or export with a dynamic sequence axis"),
    "length_multiple_constraint": CodeInfo(
        "Length not allowed by this architecture",
        "This architecture constrains the length itself (Reformer's axial positions in "
        "training, Longformer/LED attention windows, Funnel's pooling, CANINE's downsampling)"
        "[: {length} tokens is not a length it accepts].",
        "pad to an accepted length: tokenizer(..., padding='max_length', max_length=N) with N "
        "from seqfit inspect MODEL (length multiple, min tokens)"),
    "map_column_length_mismatch": CodeInfo(
        "datasets.map returned more rows than it was given",
        "A batched map with return_overflowing_tokens=True turned[ {other}] rows into[ "
        "{length}] windows, but the old columns still have one value per input row[ (column "
        "{column})].",
        "dataset.map(fn, batched=True, remove_columns=dataset.column_names), and carry "
        "per-window fields with overflow_to_sample_mapping"),
    "cuda_device_side_assert": CodeInfo(
        "CUDA device-side assert (an index out of range on the GPU)",
        "A GPU kernel indexed past a table: on CUDA, 'index out of range' shows up as a "
        "device-side assert. Almost always a position beyond max_position_embeddings or a token "
        "id beyond the vocabulary.",
        "run seqfit.check(batch, model=model) before the forward pass (or the same batch on CPU) "
        "to get the exact cause; restart the process: the CUDA context is unusable after the "
        "assert",
        "seqfit.check(batch, model=model), or CUDA_LAUNCH_BLOCKING=1 and run the batch on CPU"),
    "under_min_length": CodeInfo(
        "Input shorter than the architecture needs",
        "An input[ of {length} tokens] is shorter than this architecture accepts[ (at least "
        "{minimum})]: CANINE downsamples characters and Funnel pools the sequence, and speech "
        "encoders (wav2vec2, HuBERT, Whisper-style time reduction) shrink audio by convolutions, "
        "so too few positions are left for their later layers.",
        "pad short inputs up to the minimum: tokenizer(..., padding='max_length', "
        "max_length=N) with N from seqfit inspect MODEL (min tokens); seqfit.batches pads to it "
        "by itself; for audio, drop or pad clips shorter than the encoder's receptive field "
        "(feature_extractor(audio, padding='max_length', max_length=N))",
        "print(input_ids.shape[-1]) against the min tokens seqfit inspect MODEL shows"),
    "bad_attention_mask": CodeInfo(
        "Attention mask missing, not 0/1, or attending padding",
        "The batch is padded but the attention mask is missing, holds values other than 0 and "
        "1, or marks padding as real tokens: the model attends to the padding and its outputs "
        "change silently.",
        "pass the tokenizer's own mask: model(**tokenizer(texts, padding=True, "
        "return_tensors='pt')), or attention_mask = (input_ids != pad_token_id).long()",
        "seqfit.check(batch, model=model) names the row"),
    "label_out_of_range": CodeInfo(
        "A class label outside the model's classes",
        "A label[ ({index})] is not one of the model's classes[ (num_labels is {limit})]: the "
        "classification head has one output per class, and the loss cannot score a class it "
        "does not have.",
        "load the model with the number of classes in the data: AutoModelForSequenceClassification"
        ".from_pretrained(name, num_labels=N) (or token classification), labels 0..N-1; use "
        "-100 for tokens without a label",
        "print(labels.min(), labels.max(), model.config.num_labels)"),
    "truncation_padding_options": CodeInfo(
        "Truncation or padding options that conflict or do nothing",
        "The tokenizer was given padding or truncation options it cannot honour together (a "
        "max_length without truncation=True, padding='max_length' without a max_length, a "
        "length that is not a multiple of pad_to_multiple_of, or a value that is not valid), "
        "so it ignored or refused them.",
        "tokenizer(texts, padding='max_length', truncation=True, max_length=N) with N from "
        "seqfit inspect MODEL, or padding=True for the longest row of each batch"),
    "model_load": CodeInfo(
        "The model or its tokenizer could not be loaded",
        "seqfit could not read the model's config or tokenizer: a wrong name or path, no "
        "network, a gated repository, or code in the repository that was not allowed to run.",
        "check the name or folder (it must hold config.json), log in for gated models (hf auth "
        "login), or pass --trust-remote-code after reading the repository's code"),
    "missing_dependency": CodeInfo(
        "An optional dependency is not installed",
        "This feature needs a package that is not installed.",
        "install the package the message names, or the seqfit extra that brings it (the "
        "torch, plot or parquet extra)"),
    "bad_input": CodeInfo(
        "An input row seqfit cannot work on",
        "A row is not text (None, a number, a list) or the inputs do not line up.",
        "clean the rows, or pass on_bad='skip' to list them instead of failing"),
    "bad_data": CodeInfo(
        "A data source that cannot be read",
        "The file or folder is missing, empty, corrupt, or lacks the column asked for.",
        "check the path, the format (--input-format) and the column (--column)"),
    "bad_option": CodeInfo(
        "An option with a value seqfit cannot use",
        "An option is out of range or not one of its valid values.",
        "use one of the valid values the message lists"),
    "bad_batch": CodeInfo(
        "A batch that would fail or give wrong outputs",
        "seqfit.check found a batch the model cannot take as it is.",
        "follow the fix in the message; seqfit.check(batch, model=model) names the key, row "
        "and position"),
    "seqfit_error": CodeInfo(
        "seqfit refused the input",
        "seqfit stopped before any work because the input cannot give a correct result.",
        "follow the fix in the message"),
    "unknown": CodeInfo(
        "Not a length, padding or vocabulary error seqfit recognises",
        "Nothing in this text matches the length, padding, mask or vocabulary errors seqfit "
        "knows.",
        "read the last line of the traceback; if the model is involved, seqfit.check(batch, "
        "model=model) validates the batch"),
}




@dataclass(frozen=True)
class Variant:
    """Other words for a code where the message says which of its cases it is: a loss's labels
    against the logits are a shape mismatch as an attention mask against the ids is, but the
    fix is another one. ``when`` is read on the error lines of the text; ``unless`` on them
    names the common case instead."""

    code: Code
    when: re.Pattern[str]
    unless: re.Pattern[str] | None
    cause: str
    fix: str
    tell_apart: str | None = None


VARIANTS: tuple[Variant, ...] = (
    # a text splitter's chunks (LangChain, LlamaIndex, Haystack, Optimum's and Voyage's
    # chunkers): the same rule as a tokenizer's stride, in their own option names
    Variant(
        "stride_overflow",
        re.compile(r"\bchunk[ _]?overlap\b|\boverlap\b[^.\n]{0,40}\bchunk|\bchunk\w*"
                   r"[^.\n]{0,40}\boverlap\b|split_overlap|overlap_ratio", re.I),
        None,
        "The overlap between chunks[ ({stride})] is not smaller than the chunk size[ "
        "({limit})]: each chunk would start where the last began, so the splitter cannot "
        "advance.",
        "set the overlap well below the chunk size, for example chunk_overlap=chunk_size // 8 "
        "(both counted in the same unit: tokens with a token splitter, characters otherwise)",
        "print(chunk_size, chunk_overlap)"),
    # a metric's outputs against its references (sacreBLEU, bert-score, rouge-score, jiwer, nltk)
    Variant(
        "shape_mismatch",
        re.compile(r"\b(?:hypothes[ie]s|hyps?|candidates?|references?|refs|system and reference|"
                   r"predictions?|preds|y_pred)\b", re.I),
        re.compile(r"logits|input size|target size|num_labels|attention_mask|input_ids|\bmask\b|"
                   r"word pieces|subword|\bwords?\b|tokens", re.I),
        "The predictions (hypotheses, candidates) and the references given to the metric are "
        "not paired one to one[ ({length} vs {other})]: a generation cut short or not decoded in "
        "full, an empty output dropped, or outputs and references read from files of different "
        "line counts.",
        "give one prediction per reference, in the same order: assert len(predictions) == "
        "len(references) before scoring; decode every generated row "
        "(tokenizer.batch_decode(outputs, skip_special_tokens=True)) and keep empty outputs as "
        "'' instead of dropping them; for sacreBLEU, references are a list of streams each as "
        "long as the hypotheses ([refs], not refs)",
        "print(len(predictions), len(references))"),
    # a multimodal prompt's placeholder tokens (<image>, <video>, <audio>) against the features
    # the encoder made for them
    Variant(
        "shape_mismatch",
        re.compile(r"\b(?:image|video|audio|media|modality|multimodal|vision|placeholder)\w*\b"
                   r"[^\n]{0,80}\b(?:tokens?|placeholders?|features?)\b", re.I),
        None,
        "The prompt's placeholder tokens (<image>, <video>, <audio>) and the features the "
        "encoder made for them are not as many[ ({length} vs {other})]: truncation cut "
        "placeholder tokens off the prompt (a max_length below the expanded image tokens plus "
        "the text), or the prompt holds another number of placeholders than there are images.",
        "let the processor build the prompt and keep every placeholder: processor(text=prompts, "
        "images=images, padding=True, return_tensors='pt') without truncation, or a max_length "
        "above the image tokens plus the text; one placeholder per image "
        "(processor.apply_chat_template), with the processor of the same checkpoint",
        "print((inputs['input_ids'] == model.config.image_token_id).sum(), "
        "inputs['pixel_values'].shape)"),
    # a length the message measures under a bound it names, in no architecture the common
    # case speaks of: "Input cache length (3) must be larger than n_sink=4"
    Variant(
        "under_min_length",
        re.compile(r"(?:length|\blen)\b[^.\n]{0,60}(?:(?:must|should|has to|needs? to) be "
                   r"(?:larger|greater|longer|bigger|more) than|at least|\d\s*<=?\s*\d)", re.I),
        re.compile(r"canine|funnel|wav2vec|hubert|wavlm|whisper|audio|speech|waveform|"
                   r"downsampl|pooling|receptive", re.I),
        "The length the message measures[ ({length})] is below the bound it must reach[ "
        "({minimum})]: the code that raised needs at least that many positions (a cache that "
        "keeps sink tokens, a patch or window to fill, an alignment's target), and a shorter "
        "input cannot give them.",
        "give it inputs of at least that length: pad them (tokenizer(..., padding='max_length', "
        "max_length=N)) or drop the short ones first (dataset.filter(lambda row: "
        "len(row['input_ids']) >= N)); where the bound is a setting of that code, lower it",
        "print the length the message names for the failing input against its bound"),
    # audio: its samples or frames, not tokens
    Variant(
        "length_multiple_constraint",
        re.compile(r"\baudio\b|samples?\b|waveform|\bwav\b|frames?\b|speech|\bmel\b|"
                   r"utterance", re.I),
        re.compile(r"\btokens?\b|input_ids|attention_window|block_size", re.I),
        "This audio model takes clips (or streaming chunks) whose number of samples or frames is "
        "a multiple of a fixed size, or exactly one chunk[ ({length})]: the encoder's strides, "
        "windows or streaming segments need it.",
        "pad or trim each clip to a multiple of N samples (torch.nn.functional.pad(wav, (0, "
        "-wav.shape[-1] % N)), or feature_extractor(audio, padding='max_length', "
        "max_length=k * N)); when streaming, feed chunks of exactly the chunk size and pad the "
        "last one",
        "print(wav.shape[-1] % N)"),
    Variant(
        "shape_mismatch",
        re.compile(r"\b(?:targets?|labels?|y_true|gold\w*|references?|ground[ _]truth)\b",
                   re.I),
        re.compile(r"attention_mask|input_ids|position_ids|token_type_ids|\bmask\b|"
                   r"\bwords?\b|word pieces|subword", re.I),
        "The labels (targets, references) do not have the shape or length of what they are "
        "scored against (the logits, the predictions)[ ({length} vs {other})]: a loss takes "
        "class ids of shape (batch,) for single-label classification, floats of shape (batch, "
        "num_labels) for multi-label, floats of shape (batch,) for regression; one-hot labels, "
        "a label per token against a label per text, or a metric given lists of different "
        "lengths give this error.",
        "match the labels to the head: AutoModelForSequenceClassification.from_pretrained(name, "
        "num_labels=N, problem_type='single_label_classification') with int class ids of shape "
        "(batch,), problem_type='multi_label_classification' with float multi-hot labels of "
        "shape (batch, N), or num_labels=1 (regression) with float labels of shape (batch,); "
        "for a metric, one prediction per reference",
        "print(logits.shape, labels.shape, labels.dtype, model.config.problem_type)"),
    Variant(
        "ragged_batch_no_padding",
        re.compile(r"across (?:devices|processes|ranks)|\bgather\w*|pad_across_processes",
                   re.I),
        None,
        "Each process holds tensors of another length (generated sequences, or labels padded "
        "per batch) and they are gathered without padding them to one length first[ ({length} "
        "vs {other})].",
        "accelerator.pad_across_processes(tensor, dim=1, pad_index=tokenizer.pad_token_id) "
        "before accelerator.gather_for_metrics(tensor); labels padded with -100 take "
        "pad_index=-100"),
)


def variant(code: Code, message: str) -> Variant | None:
    """The variant of ``code`` that ``message`` (its error lines) names, if any.

    >>> variant("shape_mismatch", "ValueError: Target size (torch.Size([16])) must be the "
    ...         "same as input size (torch.Size([16, 5]))").code
    'shape_mismatch'
    >>> variant("shape_mismatch", "labels and attention_mask must have the same length") is None
    True
    """
    for option in VARIANTS:
        if option.code == code and option.when.search(message) and not (
                option.unless is not None and option.unless.search(message)):
            return option
    return None


@dataclass(frozen=True)
class ReleaseFix:
    """The fix for the releases where the API it names differs: it applies when every mined
    release that has the matched message is older than ``before`` (or at least ``since``).
    ``source`` says where the difference is read in the released code."""

    code: Code
    library: str
    fix: str
    before: str | None = None
    since: str | None = None
    source: str = ""


RELEASE_FIXES: tuple[ReleaseFix, ...] = (
    ReleaseFix(
        "padding_side", "transformers",
        "tokenizer.padding_side = 'left' before tokenizing the prompts for generate() (the "
        "tokenizer call itself takes padding_side only from transformers 4.46); pass the "
        "attention_mask", before="4.46",
        source="tokenization_utils_base.py: PreTrainedTokenizerBase.__call__ has no padding_side "
               "in 4.30.2 and 4.40.2, has it in 4.46.3 and 5.24.0"),
    ReleaseFix(
        "padding_side", "transformers",
        "tokenizer(prompts, padding_side='left', return_tensors='pt') for generate(), or "
        "tokenizer.padding_side = 'left' once; pass the attention_mask", since="4.46",
        source="tokenization_utils_base.py: PreTrainedTokenizerBase.__call__(..., padding_side=) "
               "from 4.46.3"),
    ReleaseFix(
        "ragged_batch_no_padding", "transformers",
        "tokenizer(texts, padding=True, truncation=True, return_tensors='pt'), or "
        "DataCollatorWithPadding(tokenizer) / seqfit.Collator(tokenizer) as data_collator; a "
        "Trainer given the tokenizer pads by itself: Trainer(..., tokenizer=tokenizer) (this "
        "release has no processing_class; it came in transformers 4.46)", before="4.46",
        source="trainer.py: Trainer.__init__(tokenizer=) in 4.30.2 and 4.40.2; "
               "processing_class= from 4.46.3"),
    ReleaseFix(
        "ragged_batch_no_padding", "transformers",
        "tokenizer(texts, padding=True, truncation=True, return_tensors='pt'), or "
        "DataCollatorWithPadding(tokenizer) / seqfit.Collator(tokenizer) as data_collator; a "
        "Trainer given the tokenizer pads by itself: Trainer(..., processing_class=tokenizer) "
        "(tokenizer= is deprecated from 4.46 and gone in 5)", since="4.46",
        source="trainer.py: deprecate_kwarg('tokenizer', new_name='processing_class', "
               "version='5.0.0') in 4.46.3; no tokenizer argument in 5.24.0"),
)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def release_fix(code: Code, library: str, found_in: tuple[str, ...]) -> str | None:
    """The fix that fits the releases ``found_in`` (those of ``library`` that have the matched
    message), where the API differs between releases; None where one fix fits them all.

    >>> release_fix("padding_side", "transformers", ("4.40.2",))[:34]
    "tokenizer.padding_side = 'left' be"
    >>> release_fix("padding_side", "transformers", ("4.40.2", "4.46.3")) is None
    True
    """
    if not found_in:
        return None
    versions = [_version(v) for v in found_in]
    for rule in RELEASE_FIXES:
        if rule.code != code or rule.library != library:
            continue
        if rule.before is not None and all(v < _version(rule.before) for v in versions):
            return rule.fix
        if rule.since is not None and all(v >= _version(rule.since) for v in versions):
            return rule.fix
    return None
