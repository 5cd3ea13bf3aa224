"""What length, padding and vocabulary errors look like.

``SIGNATURES`` are the message shapes seqfit recognises, each voting for codes (documented in
:mod:`seqfit.diagnose.codes`) with the numbers it carries; ``FRAME_HINTS`` move votes by the
traceback's frames.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from .. import errors
from ..errors import CODE_NAMES, Code

#: Every seqfit error class, by name, with its code: a pasted seqfit error explains to that code.
SEQFIT_ERROR_CODES: dict[str, Code] = {
    name: cls.code for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, errors.SeqfitError)}


@dataclass(frozen=True)
class Vote:
    code: Code
    weight: float
    evidence: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass(frozen=True)
class Signature:
    """A message shape. ``votes`` maps a match (with the whole text and the frames) to votes."""

    name: str
    pattern: re.Pattern[str]
    votes: Callable[[re.Match[str], str, tuple[str, ...]], list[Vote]]


def _ints(match: re.Match[str], **groups: int) -> dict[str, Any]:
    return {name: int(match.group(index)) for name, index in groups.items()}


def simple(code: Code, weight: float = 3.0, **groups: int
           ) -> Callable[[re.Match[str], str, tuple[str, ...]], list[Vote]]:
    def votes(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
        return [Vote(code, weight, _ints(match, **groups))]

    return votes


POSITION_FRAME = re.compile(r"position_embeddings|embed_positions|\bwpe\b|position_ids|"
                            r"create_position_ids|PositionalEmbedding|position_embedding_type|"
                            r"token_type_ids\[|buffered_token_type_ids|position_bias|"
                            r"sinusoidal|rotary|\bsincos\b|"
                            # OPT/BART learned positions: "super().forward(positions + offset)"
                            r"\bpositions\b", re.I)
#: Positions added to the input as a whole table (speech and seq2seq toolkits: "src = src +
#: self.positional_encoding(src)"): the add fails on a length mismatch, never a GPU index. (OPT's
#: "inputs_embeds + pos_embeds" is not one: its positions are counted from the attention mask.)
ADDED_POSITIONS = re.compile(r"positional_?(?:encoding|embedding)|\bpos_enc\w*", re.I)
VOCAB_FRAME = re.compile(r"word_embeddings|\bwte\b|embed_tokens|self\.shared|inputs_embeds = "
                         r"self\.embed|get_input_embeddings|\.embedding\(input_ids|"
                         # CLIP's and nanoGPT-style names, GPT-NeoX's, Llama's original code
                         # (sentence-transformers' token_embeddings are the model's outputs, no
                         # table, unless called)
                         r"\btoken_embedding\b|token_embeddings\s*\(|\btok_emb\w*|\bembed_in\b|"
                         r"tok_embeddings", re.I)
TYPE_FRAME = re.compile(r"token_type_embeddings", re.I)
#: Frames of image libraries: their tensors' sizes are channels and pixels, not tokens.
IMAGE_FRAME = re.compile(r"torchvision|[/\\]PIL[/\\]|image_processing|image_transforms|"
                         r"[/\\]timm[/\\]", re.I)
TOKEN_CLASSIFICATION = re.compile(r"ForTokenClassification|token.classification|"
                                  r"\bner_tags\b|\bpos_tags\b", re.I)
#: Heads whose labels are one per row (sequence classification) or the ids themselves, shifted
#: (causal language models): their labels never need aligning with word pieces.
ONE_LABEL_PER_ROW = re.compile(r"ForSequenceClassification|ForMultipleChoice|ForCausalLM|"
                               r"LMHeadModel|shift_logits|shift_labels", re.I)
#: Sizes this small are rows of a batch, not the tokens of one flattened (batch x length).
ROWS_AT_MOST = 64
GENERATE = re.compile(r"generation[/\\]utils\.py|in generate\b|\.generate\(", re.I)
#: generate() running the encoder over the prompt, before any new token: a position past the
#: encoder's table is the input's length, not the generation's.
ENCODER_PASS = re.compile(r"_prepare_encoder_decoder_kwargs_for_generation|encoder_outputs\b.*"
                          r"= encoder\(|get_encoder\(\)\(", re.I)
#: A traced or scripted graph (its shapes may be frozen at the example's length).
TRACED = re.compile(r"TorchScript|torch\.jit|jit\.trace|\btraced\b|ScriptModule|TracerWarning|"
                    r"(?<!stack )(?<!error )(?<!full )\btrace\b", re.I)
#: Said only where the failing call ran a TorchScript graph ("a stack trace" is not a trace).
SCRIPTED = re.compile(r"TorchScript interpreter|Traceback of TorchScript|torch\.jit\.|"
                      r"RecursiveScriptModule|__torch__\.")
# Architectures whose own length rules (minimum, multiple, exact length) fail with shape errors.
#: Speech encoders, whose convolutions shrink the audio before the transformer: a clip shorter
#: than their receptive field fails as CANINE's downsampling does.
SPEECH_ENCODERS = ("wav2vec2", "wav2vec2_conformer", "hubert", "wavlm", "data2vec_audio",
                   "unispeech", "unispeech_sat", "sew", "sew_d")
# too short fails; lengths above a minimum run
MINIMUM_MODELS = frozenset({"funnel", "canine", *SPEECH_ENCODERS})
LENGTH_RULE_MODELS = re.compile(r"modeling_(funnel|canine|nystromformer|reformer|longformer|"
                                r"led|big_bird|bigbird_pegasus|" + "|".join(SPEECH_ENCODERS) +
                                r")\.py")
SHAPE_ERROR = re.compile(r"Invalid computed output size|is invalid for input of size|"
                         # torch's pooling and convolution on a too-short input (Funnel's
                         # pool_tensor, CANINE's downsampling conv, a speech encoder's convs)
                         r"Output size is too small|Kernel size can't be greater than actual "
                         r"input size|"
                         r"doesn't match the broadcast shape|must be divisible", re.I)
#: The largest id of the input printed beside the error: "input_ids.max() -> tensor(101242)".
MAX_ID = re.compile(r"input_ids\W{0,4}\]?\.max\(\)\W{0,20}(?:tensor\()?(\d+)")
LONGEST_TABLE = 16_386  # no learned position table is longer (LED's 16384, plus an offset)
COMMON_LIMITS = {64, 66, 77, 128, 256, 384, 512, 514, 1024, 1026, 2048, 4096, 4098, 8192, 16384}
#: Position tables of released text models (BERT's 512, RoBERTa's 514, GPT-2's 1024, ...): a
#: traced graph's own length is more often an example's (128, 256).
MODEL_POSITIONS = {512, 514, 1024, 1026, 2048, 4096, 4098, 8192, 16384}
#: Vocabulary sizes of widely used tokenizers and their models' embedding tables (BERT uncased
#: and cased, multilingual BERT, Chinese BERT, ALBERT, GPT-2, RoBERTa/BART, GPT-NeoX/Pythia,
#: XLM-R, T5's tokenizer and model, Llama 1-2 and Mistral, Mistral v3, Llama 3, Qwen 2,
#: Gemma, Phi-3, Whisper, CLIP, DeBERTa-v3, BLOOM, Falcon, StarCoder): a table of one of these
#: sizes indexed past its end is the vocabulary, none is a position table's length.
COMMON_VOCABS = {30522, 28996, 119547, 21128, 30000, 50257, 50265, 50280, 50304, 50432, 250002,
                 32100, 32128, 32000, 32001, 32768, 128256, 151936, 152064, 256000, 32064,
                 51865, 51866, 49408, 128100, 250880, 65024, 49152}


LIBRARY_FRAME = re.compile(r"[/\\]torch[/\\]|[/\\]transformers[/\\]utils[/\\]|"
                           r"[/\\]accelerate[/\\]|<frozen |[/\\]functools\.py")


def innermost(frames: tuple[str, ...], count: int = 4) -> str:
    """The last ``count`` frames of model code (torch internals and wrappers skipped): where
    the failing call was made."""
    own = [f for f in frames if not LIBRARY_FRAME.search(f.split(": ", 1)[0])]
    return "\n".join((own or list(frames))[-count:])


#: The cause of an index past each embedding table.
TABLE_CODES: dict[str, Code] = {"type": "token_type_out_of_range",
                                "position": "over_max_positions",
                                "vocab": "token_id_out_of_vocab"}


def _table_of(line: str) -> str | None:
    """Which table a line of model code indexes: 'type', 'position', 'vocab' or None."""
    if TYPE_FRAME.search(line):
        return "type"
    if POSITION_FRAME.search(line):
        return "position"
    if VOCAB_FRAME.search(line):
        return "vocab"
    return None


def _failing_table(frames: tuple[str, ...], text: str, at: int) -> str | None:
    """The table the innermost model-code frame was indexing, else the nearest code line
    above the error that names one."""
    own = innermost(frames, 3).splitlines()
    for frame in reversed(own):
        table = _table_of(frame.split(": ", 1)[-1])
        if table is not None:
            return table
    for line in reversed(text[max(0, at - 1500):at].splitlines()):
        table = _table_of(line)
        if table is not None:
            return table
    return None


def index_out_of_range(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """torch's 'index out of range in self' comes from whichever embedding overflowed."""
    table = _failing_table(frames, text, match.start())
    if table == "position":
        where = "\n".join(frames) + "\n" + text[:match.start()]
        if GENERATE.search(where) and not ENCODER_PASS.search(innermost(frames, 6) or where):
            return [Vote("generation_length", 4.5), Vote("over_max_positions", 2.0)]
    if table is not None:
        return [Vote(TABLE_CODES[table], 4.0)]
    printed = printed_vocab(text)
    if printed:
        return [Vote("token_id_out_of_vocab", 4.0, printed), Vote("over_max_positions", 1.0)]
    types = printed_types(text)
    if types:
        return [Vote("token_type_out_of_range", 4.0, types), Vote("over_max_positions", 1.0)]
    biggest = MAX_ID.search(text)
    if biggest and int(biggest.group(1)) >= LONGEST_TABLE:
        # the largest id printed beside the error is beyond any position table: a token id
        return [Vote("token_id_out_of_vocab", 3.5, {"index": int(biggest.group(1))}),
                Vote("over_max_positions", 1.0)]
    if re.search(r"sequence length is longer than the specified maximum", text):
        return [Vote("over_max_positions", 3.0), Vote("token_id_out_of_vocab", 1.0)]
    # No frame says which table: length is the most common cause, ids the next.
    return [Vote("over_max_positions", 2.0), Vote("token_id_out_of_vocab", 1.5),
            Vote("token_type_out_of_range", 0.5)]


#: A causal mask the model keeps as a buffer as long as its positions (GPT-2's ``self.bias``,
#: a ``tril`` of max_positions), not one the input brings.
CAUSAL_BUFFER = re.compile(r"causal_mask|self\.bias\b|masked_bias|\btril\b|\btriu\b")


def size_mismatch(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """'The size of tensor a (X) must match the size of tensor b (Y)' (or torch's 'expanded
    size'): a position table or bias of Y rows met X tokens, or two inputs (ids and mask, logits
    and labels) disagree."""
    a, b = int(match.group(1)), int(match.group(2))
    evidence = {"length": a, "limit": b} if a > b else {"length": a, "other": b}
    shapes = {"length": a, "other": b}
    inner = innermost(frames, 3)
    if IMAGE_FRAME.search(inner):
        return [Vote("unknown", 3.0)]  # an image's channels or pixels, not a text input
    if re.search(r"\balibi\b", inner.splitlines()[-1] if inner else ""):
        # ALiBi is built from the attention mask: a mask of another length than the ids
        return [Vote("shape_mismatch", 3.5, shapes)]
    table = _failing_table(frames, text, match.start())
    if table is None and ADDED_POSITIONS.search(_failing_line(frames)):
        table = "position"  # a table of positions added to the input: its length is the limit
    if table == "position":
        traced = TRACED.search(text)
        if a < b:
            # fewer tokens than the positions added to them: positions of a fixed length, as a
            # traced or exported graph keeps the example's
            return [Vote("export_fixed_length", 4.5 if traced else 3.0, {"length": a, "limit": b}),
                    Vote("shape_mismatch", 1.0, shapes)]
        if traced and b not in MODEL_POSITIONS:
            # a traced graph keeps the slice of positions the example had: more tokens than that
            # is the export's length, unless it is a position table's own size
            return [Vote("export_fixed_length", 4.5, {"length": a, "limit": b}),
                    Vote("over_max_positions", 2.0, evidence)]
        if traced:
            return [Vote("over_max_positions", 4.0, evidence),
                    Vote("export_fixed_length", 2.5, {"length": a, "limit": b})]
        return [Vote("over_max_positions", 4.0, evidence)]
    if _input_of(_failing_line(frames)) == "labels":
        # the loss lines up labels with the logits: labels of another length than the ids
        return [Vote("label_alignment", 4.0, shapes), Vote("shape_mismatch", 1.0, shapes)]
    if re.search(r"mask", inner, re.I):
        if a > b and b in COMMON_LIMITS and CAUSAL_BUFFER.search(inner):
            # a causal mask cut from a buffer of the position limit (GPT-2's self.bias): more
            # tokens than the model has positions, not a mask of the wrong length
            return [Vote("over_max_positions", 3.5, evidence),
                    Vote("shape_mismatch", 1.0, shapes)]
        return [Vote("shape_mismatch", 3.5, shapes),
                Vote("over_max_positions", 1.0, evidence)]
    if SCRIPTED.search(text):
        # inside a TorchScript graph: a traced model keeps its example's length in every shape
        # it computed, and an input of another length meets one of them
        return [Vote("export_fixed_length", 3.5, {"length": a, "limit": b}),
                Vote("shape_mismatch", 1.5, shapes)]
    if a > b and b in COMMON_LIMITS:
        return [Vote("over_max_positions", 3.0, evidence),
                Vote("shape_mismatch", 1.0, shapes)]
    return [Vote("shape_mismatch", 2.5, shapes),
            Vote("over_max_positions", 1.5, evidence)]


def out_of_bounds(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """'index X is out of bounds for dimension D with size N': a position buffer of N entries
    (RoBERTa positions start at pad+1, GPT-J's sin/cos table) indexed at X."""
    index, size = int(match.group(1)), int(match.group(3))
    inner = innermost(frames)
    if VOCAB_FRAME.search(inner) and not POSITION_FRAME.search(inner):
        return [Vote("token_id_out_of_vocab", 3.0, {"index": index, "vocab_rows": size})]
    if POSITION_FRAME.search(inner) or (index >= size and size in COMMON_LIMITS):
        return [Vote("over_max_positions", 3.0, {"index": index, "limit": size}),
                Vote("token_id_out_of_vocab", 0.5, {"index": index, "vocab_rows": size})]
    if index >= size and size in COMMON_VOCABS:
        return [Vote("token_id_out_of_vocab", 3.0, {"index": index, "vocab_rows": size})]
    return []  # any tensor indexed past its end: nothing says it is an input of a model


#: Rows of a token-type table (type_vocab_size: 1 for RoBERTa-family models, 2 for BERT); no
#: vocabulary or position table is this small.
TYPE_TABLE_ROWS = frozenset({1, 2})


def tf_gather(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """TensorFlow: 'indices[0,512] = 512 is not in [0, 512)'."""
    index, size = int(match.group(1)), int(match.group(2))
    if size in TYPE_TABLE_ROWS or TYPE_FRAME.search(innermost(frames)):
        return [Vote("token_type_out_of_range", 3.5, {"index": index, "type_vocab_size": size}),
                Vote("token_id_out_of_vocab", 0.5, {"index": index, "vocab_rows": size})]
    if size in COMMON_LIMITS and index < 100_000:
        return [Vote("over_max_positions", 3.0, {"length": index + 1, "limit": size}),
                Vote("token_id_out_of_vocab", 1.0, {"index": index, "vocab_rows": size})]
    return [Vote("token_id_out_of_vocab", 3.0, {"index": index, "vocab_rows": size}),
            Vote("over_max_positions", 0.5, {"limit": size})]


ORT_NODE = re.compile(r"Name:\s*'([^'\n]*)'")


def onnx_gather(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """onnxruntime: 'running Gather node. Name:'/embeddings/word_embeddings/Gather' Status
    Message: indices element out of data bounds, idx=50265 must be within the inclusive range
    [-50265,50264]'. The failing node's name says which table was indexed, as a frame does for
    torch; without one, the table's size."""
    index, rows = int(match.group(1)), int(match.group(3)) + 1
    node = ORT_NODE.findall(text[max(0, match.start() - 400):match.start()])
    table = _table_of(node[-1]) if node else None
    if table is None:
        table = ("type" if rows in TYPE_TABLE_ROWS else
                 "position" if rows in COMMON_LIMITS else "vocab")
    if table == "type":
        return [Vote("token_type_out_of_range", 4.0, {"index": index, "type_vocab_size": rows})]
    if table == "position":
        return [Vote("over_max_positions", 4.0, {"index": index, "limit": rows}),
                Vote("token_id_out_of_vocab", 0.5, {"index": index, "vocab_rows": rows})]
    return [Vote("token_id_out_of_vocab", 4.0, {"index": index, "vocab_rows": rows}),
            Vote("over_max_positions", 0.5, {"limit": rows})]


def torch_table(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """Older torch: 'index 512 out of table with 511 rows' -- 511 is the LAST valid index."""
    index, last = int(match.group(1)), int(match.group(2))
    rows = last + 1
    if rows in TYPE_TABLE_ROWS:
        return [Vote("token_type_out_of_range", 3.5, {"index": index, "type_vocab_size": rows}),
                Vote("token_id_out_of_vocab", 0.5, {"index": index, "vocab_rows": rows})]
    if rows in COMMON_LIMITS or POSITION_FRAME.search(innermost(frames)):
        return [Vote("over_max_positions", 3.0, {"index": index, "limit": rows}),
                Vote("token_id_out_of_vocab", 1.0, {"index": index, "vocab_rows": rows})]
    return [Vote("token_id_out_of_vocab", 3.0, {"index": index, "vocab_rows": rows}),
            Vote("over_max_positions", 1.0, {"index": index, "limit": rows})]


def batch_size_mismatch(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """'Expected input batch_size (A) to match target batch_size (B)' from a loss."""
    a, b = int(match.group(1)), int(match.group(2))
    evidence = {"length": a, "other": b}
    tokens = bool(TOKEN_CLASSIFICATION.search(text))
    if not tokens and (ONE_LABEL_PER_ROW.search(text) or max(a, b) <= ROWS_AT_MOST):
        # a head whose labels line up with the rows (or with the ids, shifted), or two sizes
        # of batches, not of tokens: labels built for another batch, or of another length
        return [Vote("shape_mismatch", 4.0, evidence), Vote("label_alignment", 1.0, evidence)]
    if tokens or (min(a, b) >= 8 and math.gcd(a, b) > 1):
        # token labels are flattened to batch x length: both sizes are token counts, not rows
        return [Vote("label_alignment", 4.0, evidence), Vote("shape_mismatch", 1.0)]
    return [Vote("shape_mismatch", 3.0, evidence), Vote("label_alignment", 1.5,
                                                                 evidence)]


def ragged(code_weight: float, **groups: int
           ) -> Callable[[re.Match[str], str, tuple[str, ...]], list[Vote]]:
    """Rows of different lengths: labels longer than ids (token classification), padding to
    'max_length' with no max_length on a sentinel tokenizer, or plain missing padding."""
    def votes(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
        evidence = _ints(match, **groups)
        if re.search(r"padding\s*=\s*['\"]max_length['\"]", text) and not re.search(
                r"max_length\s*=\s*\d", text):
            return [Vote("model_max_length_sentinel", code_weight + 1.0),
                    Vote("ragged_batch_no_padding", 1.0, evidence)]
        if re.search(r"label", innermost(frames, 2)) or TOKEN_CLASSIFICATION.search(text) or \
                re.search(r"features \(`?label\w*`? in this case\)", text):
            # (the tokenizer's pad names the feature it could not make a tensor of: per-token
            # labels of each row's length, which its padding leaves unpadded)
            return [Vote("label_alignment", code_weight + 0.5, evidence),
                    Vote("ragged_batch_no_padding", 1.0, evidence)]
        return [Vote("ragged_batch_no_padding", code_weight, evidence)]

    return votes


def length_rule_shapes(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """A shape error inside an architecture with its own length rules: a minimum (Funnel's
    pooling, CANINE's downsampling, a speech encoder's convolutions) or a multiple / exact length
    (Nystromformer, Reformer, Longformer, LED, BigBird)."""
    shaped = SHAPE_ERROR.search(text)
    code: Code = "under_min_length" if match.group(1) in MINIMUM_MODELS else \
        "length_multiple_constraint"
    return [Vote(code, 3.5 if shaped else 1.5, {"model_type": match.group(1)})]


def seqfit_own(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """seqfit's own errors and explanations, pasted back: the class or the code they name."""
    if match.group("code"):
        return [Vote(cast(Code, match.group("code")), 6.0)]
    return [Vote(SEQFIT_ERROR_CODES[match.group("cls")], 6.0)]


#: The condition of a CUDA kernel's assertion that bounds a class index: the loss kernels'
#: "t >= 0 && t < n_classes" (torch's Loss.cu, NLLLoss2d.cu, ...), "cur_target >= 0 &&
#: cur_target < n_classes" (MultiMarginLoss).
CLASS_ASSERT = re.compile(
    r"Assertion `[^`\n]{0,80}\b(?:n_classes|num_classes|nclasses)\b[^`\n]{0,40}` failed", re.I)


#: What people print when an embedding lookup fails: the tokenizer's length or the largest id,
#: and the embedding table's rows ("len(tokenizer) -> 32002", "max(...input_ids...) -> 32001",
#: "model.get_input_embeddings().weight.shape -> torch.Size([32000, 4096])", "Embedding(32000,
#: 4096)", "config.vocab_size -> 32000").
PRINTED_TOKENS = re.compile(r"len\(\s*\w*tok\w*\s*\)\W{0,20}?(\d{3,7})\b")
PRINTED_MAX_ID = re.compile(r"max\([^\n]{0,80}(?:input_)?ids\b[^\n]{0,40}\)\W{0,20}?(?:tensor\()?"
                            r"(\d{3,7})\b")
PRINTED_ROWS = re.compile(r"(?:get_input_embeddings\(\)|embed_tokens|word_embeddings|\bwte\b|"
                          r"\bshared\b)[^\n]{0,80}\n?[^\n]{0,40}?(?:Size\(\[|Embedding\()"
                          r"(\d{3,7}),|\bvocab_size\W{0,20}?(\d{3,7})\b")


def printed_vocab(text: str) -> dict[str, int] | None:
    """A tokenizer (or the largest id) printed beside the error as larger than the embedding
    table printed there: the ids are past the table, whatever the error says."""
    rows = [int(m.group(1) or m.group(2)) for m in PRINTED_ROWS.finditer(text)]
    ids = [int(m.group(1)) for m in PRINTED_TOKENS.finditer(text)] + [
        int(m.group(1)) + 1 for m in PRINTED_MAX_ID.finditer(text)]
    if rows and ids and max(ids) > min(rows):
        return {"index": max(ids) - 1, "vocab_rows": min(rows)}
    return None


#: The token types printed beside the error, and the model's number of them: "token_type_ids
#: unique: tensor([0, 1])", "token_type_ids.max() -> 1", "type_vocab_size: 1".
PRINTED_TYPES = re.compile(r"token_type_ids\b[^\n\d]{0,40}?(\d[\d,\s]{0,40})")
PRINTED_TYPE_ROWS = re.compile(r"type_vocab_size\W{0,20}?(\d{1,2})\b")


def printed_types(text: str) -> dict[str, int] | None:
    """token_type_ids printed with a value the model's type_vocab_size printed there has no row
    for (RoBERTa-family models have one type; a BERT-style collator marks pairs with 1)."""
    rows = [int(m.group(1)) for m in PRINTED_TYPE_ROWS.finditer(text)]
    values = [int(v) for m in PRINTED_TYPES.finditer(text) for v in re.findall(r"\d+", m.group(1))]
    if rows and values and max(values) >= min(rows):
        return {"index": max(values), "type_vocab_size": min(rows)}
    return None


def printed_type_rows(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """Debug prints of token types past the model's type_vocab_size, wherever they stand: before
    a device-side assert (which says only that an index left its table), they name the table."""
    types = printed_types(text)
    return [Vote("token_type_out_of_range", 3.0, types)] if types else []


def device_assert(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """A device-side assert; when the kernel's assertion bounds a class index, the labels; when
    the traceback shows the model indexing an embedding table (the frames of a run with
    CUDA_LAUNCH_BLOCKING=1), that table's cause, as 'index out of range in self' on the CPU;
    when the text prints a tokenizer longer than the embedding table, the ids."""
    if CLASS_ASSERT.search(text):
        return [Vote("label_out_of_range", 5.0), Vote("cuda_device_side_assert", 2.0)]
    printed = printed_vocab(text)
    if printed:
        return [Vote("token_id_out_of_vocab", 5.0, printed),
                Vote("cuda_device_side_assert", 2.0)]
    types = printed_types(text)
    if types:
        return [Vote("token_type_out_of_range", 5.0, types),
                Vote("cuda_device_side_assert", 2.0)]
    table = _failing_table(frames, text, match.start())
    if table is not None:
        return [Vote(TABLE_CODES[table], 4.5), Vote("cuda_device_side_assert", 2.0)]
    return [Vote("cuda_device_side_assert", 4.0)]


def context_length(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """'This model's maximum context length is N tokens. However, you requested M tokens (A in
    the messages, B in the completion)' (the OpenAI API, vLLM's OpenAI server before 0.6): when
    the total counts the tokens to generate, the generation budget is what went over; 'your
    prompt contains M input tokens' (vLLM today) is the prompt alone, and so is a total whose
    messages alone are past the limit."""
    evidence = {"limit": int(match.group(1)), "length": int(match.group(2))}
    after = text[match.end():match.end() + 200]
    prompt = re.match(r"\W*(\d+) in the messages", after)
    if prompt and int(prompt.group(1)) > evidence["limit"]:
        evidence["length"] = int(prompt.group(1))
        return [Vote("over_max_positions", 7.0, evidence)]
    if re.search(r"\bin the completion|output tokens|max_tokens|max_new_tokens", after, re.I):
        return [Vote("generation_length", 4.0, evidence), Vote("over_max_positions", 1.5)]
    return [Vote("over_max_positions", 4.0, evidence)]


#: The tokens of the prompt, of the reply and the context, by their roles: "The prompt is too long
#: (3900 tokens). The prompt and the completion (300 tokens) must fit in the model context of
#: 4096 tokens", "the messages (1200 tokens) and the answer (500 tokens) should be within the max
#: token limit (1024 tokens)".
PROMPT_TOKENS = re.compile(r"\b(?:prompt|messages?|input)\b[^.\n\d]{0,30}\((\d+) tokens\)", re.I)
CONTEXT_TOKENS = re.compile(r"\b(?:context|limit|window)\b[^\d\n]{0,30}?(\d+)", re.I)


def reply_budget(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """A reply's tokens beside the prompt's and the context's: the prompt alone past the context
    is its length; a prompt that fits, with too little room for the reply, is the budget."""
    prompt = PROMPT_TOKENS.search(text)
    context = CONTEXT_TOKENS.search(text, match.end())
    if prompt is None or context is None:
        return [Vote("generation_length", 3.0)]
    length, limit = int(prompt.group(1)), int(context.group(1))
    if length > limit:
        return [Vote("over_max_positions", 5.0, {"length": length, "limit": limit})]
    return [Vote("generation_length", 5.0, {"length": length, "limit": limit})]


# --- an assert with no message: its condition, read from the traceback -------------------------
#: The statement of a frame's code line that failed: ``assert n <= self.max_seq_len`` (research
#: code of lucidrains' style asserts without messages), timm's ``_assert(H % self.block_size ==
#: 0, '')``.
ASSERT_LINE = re.compile(r"^\s*(?:assert\s+|(?:torch\.)?_assert\()(?P<cond>.+)$")
#: A length the model cannot go past, by the names code gives it.
MAX_NAME = re.compile(r"max_?(?:seq_?|model_?|position_?|source_?|target_?|input_?)?(?:len|"
                      r"length|positions?|pos|tokens|seq)\b|\bn_ctx\b|\bn_positions\b|context_?(?:len|"
                      r"length|size|window)\b|\bblock_size\b|max_position_embeddings", re.I)
MIN_NAME = re.compile(r"min_?(?:seq_?|input_?)?(?:len|length|size|tokens|samples)\b", re.I)
#: A length, or the shape that holds one.
LENGTH_NAME = re.compile(r"\blen\(|seq_?lens?\b|seq_?len(?:gth)?s?\b|\w_len(?:gth)?s?\b|"
                         r"\.shape\b|\.size\(|"
                         r"\bnum_?toks\b|\bn_?tokens\b|\blengths?\b|\bframes\b|\bsamples\b", re.I)

#: Sizes of the model itself, not of its input.
CONFIG_NAME = re.compile(r"hidden|heads?\b|\bdim\b|_dim\b|embed_?dim|d_model|channels?\b|"
                         r"experts?\b|world_size|\brank\b|num_layers|n_layers|groups?\b", re.I)


#: The comparison of an assert's condition: its two sides and the operator between them.
COMPARISON = re.compile(r"^(?P<left>.+?)\s*(?P<op><=|>=|==|!=|<|>)\s*(?P<right>.+?)\s*\)?\s*$")
#: A side that is a bound the code configured, not the input: self.x, config.x, args.x.
CONFIGURED = re.compile(r"^\s*(?:self|config|cfg|args|params|hparams|opt)\.")


def _input_side(left: str, right: str) -> str | None:
    """Which side of a comparison is the input's length ("left" or "right"), if either is: a
    length that is not a maximum, a minimum or a configured bound; of a length held in a name
    and one measured from a tensor, the measured one; of two names, the left one, as asserts
    are written (``assert seq_len <= self.block_size``)."""
    def is_input(side: str) -> bool:
        return bool(LENGTH_NAME.search(side) or MEASURED.search(side)) and not (
            MAX_NAME.search(side) or MIN_NAME.search(side) or CONFIGURED.match(side))
    if is_input(right) and MEASURED.search(right) and not MEASURED.search(left):
        return "right"  # assert total_length >= size[1]: the size measured is the input's
    if is_input(left):
        return "left"
    return "right" if is_input(right) else None


def bare_assert(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """An AssertionError with no message (or only numbers, "(1416, 1408)"): the condition of the
    assert statement the traceback shows says what was checked. An input's length that had to be
    at most a bound is over_max_positions, at least one under_min_length (a failed ``assert
    seq_len >= prophet_seq_len`` is an input too short); ``% n == 0`` on a length is a multiple,
    even of a configured size (``total_length % world_size``); two lengths or shapes that must
    be equal are shape_mismatch."""
    for frame in reversed(frames):
        line = frame.split(": ", 1)[1] if ": " in frame else ""
        found = ASSERT_LINE.match(line)
        if found is None or re.match(r"\s*assert condition, message\s*$", line):
            continue  # (torch._assert's own body: the caller's line says what it checked)
        cond = found.group("cond")
        modulo = re.search(r"%\s*[\w.\[\]()]+\s*==\s*0\b", cond)
        if modulo and LENGTH_NAME.search(cond[:modulo.start()]):
            return [Vote("length_multiple_constraint", 3.0)]
        if CONFIG_NAME.search(cond):
            return []  # hidden_size % num_heads == 0: the model's configuration, not its input
        if modulo:
            return [Vote("length_multiple_constraint", 3.0)]
        for clause in re.split(r"\s+(?:and|or)\s+", _condition(cond)):
            code = _compared(clause.strip(" ()"))
            if code is not None:
                return [Vote(code, 3.0)]
        if "==" in cond and LABELS.search(cond) and TOKEN_LENGTH.search(cond):
            return [Vote("label_alignment", 3.0)]  # assert len(label_ids) == max_seq_length
        if "==" in cond and len(LENGTH_NAME.findall(cond)) >= 2:
            return [Vote("shape_mismatch", 3.0)]
        return []
    return []


#: Labels by the names code gives them, and the token sequence they are aligned to.
LABELS = re.compile(r"\blabel(?:s|_ids)?\b|\btags\b|\bner_tags\b|\btag_ids\b")
TOKEN_LENGTH = re.compile(r"input_ids|\btokens\b|token_ids|max_seq_len(?:gth)?\b|\bseq_len\b|"
                          r"max_len(?:gth)?\b")


def _condition(statement: str) -> str:
    """An assert's condition without its message: the text before the first comma outside
    brackets ("len(ids) + 2 <= self.context_length, (len(ids) + 2, self.context_length)")."""
    depth = 0
    for i, char in enumerate(statement):
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            return statement[:i]
    return statement


#: A length measured from a tensor or a list, not a bound held in a variable.
MEASURED = re.compile(r"\.shape\b|\.size\(|\blen\(|\.numel\(|\b(?:size|shape)\[")


def _compared(clause: str) -> Code | None:
    """What one comparison of an assert's condition checked: an input's length against a bound
    (at most: too long; at least: too short), or two measured shapes against each other. A
    comparison with 0 or 1 is a check that something is not empty, which says nothing."""
    compared = COMPARISON.match(clause)
    if compared is None or compared.group("op") not in ("<", "<=", ">", ">="):
        return None
    left, right = compared.group("left"), compared.group("right")
    if any(re.fullmatch(r"-?[01]", side.strip()) for side in (left, right)):
        return None
    if MEASURED.search(left) and MEASURED.search(right):
        return "shape_mismatch"  # input_mask.shape[-1] >= input_ids.shape[-1]
    side = _input_side(left, right)
    if side is not None:
        at_most = compared.group("op").startswith("<") == (side == "left")
        return "over_max_positions" if at_most else "under_min_length"
    if MAX_NAME.search(clause):
        return "over_max_positions"
    if MIN_NAME.search(clause):
        return "under_min_length"
    return None


def loss_target(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """A loss's target out of bounds: a class past the head's classes, or, against a vocabulary,
    a token id past the embedding table."""
    if match.group("vocab"):
        return [Vote("token_id_out_of_vocab", 4.0, _ints(match, index=1, vocab_rows=3))]
    return [Vote("label_out_of_range", 4.0, _ints(match, index=1))]


#: A named length set against a named limit, as a message states what went wrong: "length (1536)
#: >= max_pos (1024)", "seq_len=4096 > max_seq_len=2048", "n_tokens: 3 < min_len: 8".
NAMED_COMPARISON = re.compile(
    r"(?P<left>[A-Za-z_][\w.]*(?:\(\w*\))?)\s*[(=:]?\s*(?P<a>\d+)\)?\s*"
    r"(?P<op>>=|<=|>|<)\s*"
    r"(?P<right>[A-Za-z_][\w.]*)\s*[(=:]?\s*(?P<b>\d+)\)?")


def named_comparison(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """A message that states the comparison that failed, with the names the code gives: a length
    at or past a maximum is over_max_positions, below a minimum under_min_length. The model's
    own sizes (hidden, heads) say nothing."""
    left, right, op = match.group("left"), match.group("right"), match.group("op")
    a, b = int(match.group("a")), int(match.group("b"))
    if CONFIG_NAME.search(left) or CONFIG_NAME.search(right) or not LENGTH_NAME.search(left) \
            or MAX_NAME.search(left) or MIN_NAME.search(left):
        return []  # the model's sizes, or two limits compared: a configuration
    if op in (">", ">=") and a >= b and MAX_NAME.search(right):
        return [Vote("over_max_positions", 3.0, {"length": a, "limit": b})]
    if op in ("<", "<=") and a <= b and MIN_NAME.search(right):
        return [Vote("under_min_length", 3.0, {"length": a, "minimum": b})]
    return []  # (two lengths that differ: any two of anything, configurations among them)


#: A model input by name, in a message: the ids, a mask, the labels.
MODEL_INPUT = re.compile(r"\b(?:(?:decoder_)?input_ids|\w*attention_mask|\w*_mask|token_type_ids|"
                         r"position_ids|inputs_embeds|labels?|label_ids)\b")
INPUTS_UNEQUAL = re.compile(r"(?P<left>[^\n\d]{0,40}?)\b(?P<a>\d+)\)?\s*!=\s*"
                            r"(?P<right>[^\n\d]{0,40}?)\b(?P<b>\d+)")


def inputs_unequal(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """Two inputs of the model named on either side of '!=', with their lengths: "loss_mask
    length 1790 != input_ids length 1802". Labels against the ids are the labels' alignment;
    any other two inputs a shape mismatch."""
    left = MODEL_INPUT.findall(match.group("left"))
    right = MODEL_INPUT.findall(match.group("right"))
    a, b = int(match.group("a")), int(match.group("b"))
    if not left or not right or left[-1] == right[-1] or a == b:
        return []
    evidence = {"length": a, "other": b}
    if "labels" in (_input_of(left[-1]), _input_of(right[-1])):
        return [Vote("label_alignment", 3.0, evidence), Vote("shape_mismatch", 1.0, evidence)]
    return [Vote("shape_mismatch", 3.0, evidence)]


# --- torch's messages about any tensor, read through the line that failed -------------------------
#: What a line of code handles: the model's inputs it names.
INPUT_LINES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("labels", re.compile(r"\blabels?\b|label_ids|\btargets?\b|active_labels")),
    ("mask", re.compile(r"attention_mask|attn_mask|\bmask\b")),
    ("ids", re.compile(r"input_ids|token_type_ids|position_ids|inputs_embeds|\btokens\b|"
                       r"encodings?\b|\bfeatures\b|\bbatch\b")),
)
#: Frames that join whole batches: accelerate's dispatching loader concatenates the batches of
#: every process, the Trainer and accelerate gather predictions across steps and processes.
BATCHES_JOINED = re.compile(r"_fetch_batches|concatenate\(batches|nested_concat|"
                            r"torch_pad_and_concatenate|gather_for_metrics|\bgather\(", re.I)
COLLATE_FRAME = re.compile(r"[/\\]_utils[/\\]collate\.py|data_collator|\bcollate", re.I)


def _failing_line(frames: tuple[str, ...]) -> str:
    """The code line of the innermost frame of model or user code."""
    last = innermost(frames, 1)
    return last.split(": ", 1)[1] if ": " in last else ""


def _input_of(line: str) -> str | None:
    for name, pattern in INPUT_LINES:
        if pattern.search(line):
            return name
    return None


#: A strategy named among the options, not as the one that failed: "'only_third' is not a valid
#: TruncationStrategy, please select one of ['only_first', 'only_second', ...]", "`only_first`
#: and `only_second` are not supported by ...", "`truncation_strategy` is deprecated, use ...".
OPTION_LISTED = re.compile(r"not a valid|select one of|one of \[|not supported|deprecated|"
                           r"must be (?:one|either)", re.I)


def pair_strategy(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    line = text[start:end if end >= 0 else len(text)]
    if match.group(0).lower().startswith("only_") and OPTION_LISTED.search(line):
        return []
    return [Vote("pair_truncation", 2.5)]


def joined_unequal(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """torch's 'Sizes of tensors must match except in dimension 0' (torch.cat) and
    default_collate's 'each element in list of batch should be of equal size': tensors of
    different lengths joined into one. About rows of a text batch when the joining line names
    the model's inputs or a collate function raised it; any other tensors say nothing."""
    line = _failing_line(frames)
    numbers = [int(n) for n in re.findall(r"size (\d+)", match.group(0))]
    evidence = {"length": numbers[0], "other": numbers[1]} if len(numbers) == 2 else {}
    if COLLATE_FRAME.search("\n".join(frames)) or _input_of(line) in ("ids", "mask"):
        return [Vote("ragged_batch_no_padding", 4.0, evidence)]
    if BATCHES_JOINED.search("\n".join(frames)):
        # batches padded each to its own longest row, joined into one: accelerate's
        # dispatch_batches (one process reads every rank's batch), or predictions gathered
        # across steps or processes
        return [Vote("ragged_batch_no_padding", 3.5, evidence)]
    if _input_of(line) == "labels":
        return [Vote("label_alignment", 3.5, evidence)]
    return []


def ort_broadcast(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """onnxruntime's "Attempting to broadcast an axis by a dimension other than 1. 512 by 600"
    (element_wise_ops.h; its "size of tensor a must match the size of tensor b"): a table of
    512 rows, fixed in the graph, met 600 tokens. Read like torch's: a common position limit
    met by more tokens is a length; any other fixed axis is the exported shape."""
    a, b = int(match.group(1)), int(match.group(2))
    small, large = min(a, b), max(a, b)
    if small != large and small in COMMON_LIMITS:
        return [Vote("over_max_positions", 4.0, {"length": large, "limit": small}),
                Vote("export_fixed_length", 1.5, {"length": large, "limit": small})]
    return [Vote("export_fixed_length", 3.5, {"length": b, "limit": a})]


SHAPE_TUPLE = re.compile(r"[\[(]\s*((?:(?:-?\d+|\?|None)\s*,\s*)+(?:-?\d+|\?|None))\s*,?\s*[\])]")


def _shapes_of(text: str) -> list[tuple[int | None, ...]]:
    """The shapes written in a line: "[1,600,768]", "(1, 600, 768)", "[?,600,768]"."""
    return [tuple(int(d) if d.strip().lstrip("-").isdigit() else None
                  for d in found.split(",")) for found in SHAPE_TUPLE.findall(text)]


def broadcast(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """Another framework's "size of tensor a must match the size of tensor b": TensorFlow's
    "Incompatible shapes: [1,600,768] vs. [1,512,768]" and "Dimensions must be equal, but are
    600 and 512", JAX's "Incompatible shapes for broadcasting: shapes=[(1, 600, 768), (1, 512,
    768)]", NumPy's "operands could not be broadcast together with shapes". Two shapes that
    differ on one axis only, where one side is a common position limit and the other longer,
    are a position table met by too many tokens; a mask on the failing line makes it two inputs
    that disagree. Any other pair of shapes says nothing: most are not about a text input."""
    end = text.find("\n", match.end())
    line = text[match.start():end if end >= 0 else len(text)]
    if match.group("a"):
        pairs = [(int(match.group("a")), int(match.group("b")))]
    else:
        shapes = [s for s in _shapes_of(line) if len(s) >= 2]
        if len(shapes) < 2 or len(shapes[0]) != len(shapes[1]):
            return []
        if len(shapes[0]) >= 3 and shapes[0][-1] != shapes[1][-1]:
            return []  # the last axis of (batch, length, hidden) is the hidden size
        pairs = [(x, y) for x, y in zip(shapes[0], shapes[1], strict=True)
                 if x is not None and y is not None and x != y and 1 not in (x, y)]
    if len(pairs) != 1 or IMAGE_FRAME.search(innermost(frames, 3)):
        return []
    small, large = sorted(pairs[0])
    if small in COMMON_LIMITS and small != large:
        return [Vote("over_max_positions", 3.0, {"length": large, "limit": small}),
                Vote("shape_mismatch", 1.0, {"length": large, "other": small})]
    if _input_of(_failing_line(frames)) == "mask":
        return [Vote("shape_mismatch", 3.0, {"length": large, "other": small})]
    return []


def mask_index(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """torch's "The shape of the mask [8, 128] at index 1 does not match the shape of the
    indexed tensor [8, 512] at index 1": a boolean mask of one length selecting from a tensor of
    another. About a text batch when the failing line indexes with the attention mask, the ids
    or the labels (``logits[attention_mask.bool()]``, ``labels[mask]``); else nothing."""
    kind = _input_of(_failing_line(frames))
    mask, at = [int(d) for d in re.findall(r"\d+", match.group(1))], int(match.group(2))
    indexed, there = [int(d) for d in re.findall(r"\d+", match.group(3))], int(match.group(4))
    evidence = ({"length": indexed[there], "other": mask[at]}
                if at < len(mask) and there < len(indexed) else {})
    if kind == "labels":
        return [Vote("label_alignment", 3.0, evidence), Vote("shape_mismatch", 1.0, evidence)]
    if kind in ("mask", "ids"):
        return [Vote("shape_mismatch", 3.0, evidence)]
    return []


def view_invalid(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """torch's "shape '[4, -1]' is invalid for input of size 30": a tensor reshaped to a batch
    it does not hold. Two inputs disagree when the failing line reshapes the mask or the ids
    (to the batch size of the other), the labels when it reshapes those."""
    kind = _input_of(_failing_line(frames))
    if kind in ("mask", "ids"):
        return [Vote("shape_mismatch", 3.5)]
    if kind == "labels":
        return [Vote("label_alignment", 3.5)]
    return []


SENTINEL_CONTEXT = re.compile(r"tokeniz|padding|pad\(|truncat|max_length|model_max_length|"
                              r"position|arange|input_ids", re.I)


def huge_int(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """An integer too large for C: the 1e30 sentinel when the number itself or a tokenizer,
    padding or length in the traceback says so; numpy and ctypes raise it for any big int. The
    number printed is the root cause shown: it outweighs the message it explains ("Asking to
    pad to max_length but no maximum length is provided ..." is an option dropped because of
    it)."""
    if "1000000000000000019884624838656" in text:
        return [Vote("model_max_length_sentinel", 12.0, {"model_max_length": int(1e30)})]
    if SENTINEL_CONTEXT.search("\n".join(frames) + text[:match.start()]):
        return [Vote("model_max_length_sentinel", 3.5, {"model_max_length": int(1e30)})]
    return []


#: The code of the token-classification recipe that aligns word labels with word pieces.
ALIGN_LABELS = re.compile(r"word_ids?\b|word_idx|align_labels|previous_word|label\[\w*word",
                          re.I)


def label_list_index(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """A list index past the end, in the code that aligns word labels with word pieces."""
    if ALIGN_LABELS.search("\n".join(frames[-3:]) + text[max(0, match.start() - 400):
                                                          match.start()]):
        return [Vote("label_alignment", 4.0)]
    return []


PADDED_CALL = re.compile(r"padding\s*=\s*(?:True|['\"](?:longest|max_length)['\"])")
RAISED = re.compile(r"^\s*[\w.]*(?:Error|Exception)\b:", re.M)


def _padded_question(text: str) -> bool:
    """Code pasted with a question and no error, that pads its batch (padding=True, 'longest'
    or 'max_length')."""
    return not RAISED.search(text) and bool(PADDED_CALL.search(text))


def ids_without_mask(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """Padded ids given to the model without their mask: the model gets input_ids alone, so it
    attends to the padding and a text's output changes with the longest text of its batch."""
    if re.search(r"attention_mask|attn_mask", text) or not _padded_question(text):
        return []
    return [Vote("bad_attention_mask", 3.0)]


def ones_mask(match: re.Match[str], text: str, frames: tuple[str, ...]) -> list[Vote]:
    """A mask rebuilt as all ones over a padded batch (``attention_mask =
    torch.ones_like(input_ids)``): every pad is attended, as if no mask were given."""
    return [Vote("bad_attention_mask", 3.0)] if _padded_question(text) else []


def flag(code: Code, weight: float = 3.0
         ) -> Callable[[re.Match[str], str, tuple[str, ...]], list[Vote]]:
    return simple(code, weight)


def _sig(name: str, pattern: str,
         votes: Callable[[re.Match[str], str, tuple[str, ...]], list[Vote]]) -> Signature:
    return Signature(name, re.compile(pattern, re.I | re.M), votes)


SIGNATURES: tuple[Signature, ...] = (
    # --- seqfit's own errors and explanations ------------------------------------------------
    _sig("seqfit error", r"\bseqfit\.(?:\w+\.)*(?P<cls>" + "|".join(SEQFIT_ERROR_CODES) +
         r")\b|\[(?P<code>" + "|".join(c for c in CODE_NAMES if c != "unknown") +
         r"), confidence \d+%\]", seqfit_own),
    # --- lengths -----------------------------------------------------------------------------
    _sig("index out of range", r"index out of range in self", index_out_of_range),
    # the word-level labels read through word_ids() past their end: a label list shorter than
    # the words of its row (the "tokenize_and_align_labels" recipe of token classification)
    _sig("label list index", r"IndexError: list index out of range", label_list_index),
    _sig("onnxruntime gather", r"indices element out of data bounds, idx=(-?\d+) must be within "
         r"the inclusive range \[(-?\d+),\s*(-?\d+)\]", onnx_gather),
    _sig("size of tensor", r"size of tensor a \((\d+)\) must match the size of tensor b "
         r"\((\d+)\)", size_mismatch),
    _sig("expanded size", r"expanded size of the tensor \((\d+)\) must match the existing size "
         r"\((\d+)\)", size_mismatch),
    _sig("out of bounds", r"index (\d+) is out of bounds for dimension (\d+) with size (\d+)",
         out_of_bounds),
    _sig("torch table", r"index (\d+) out of table with (\d+) rows", torch_table),
    _sig("tf gather", r"indices\[[\d, ]+\] = (\d+) is not in \[0, (\d+)\)", tf_gather),
    _sig("tokenizer warning", r"Token indices sequence length is longer than the specified "
         r"maximum sequence length for this model \((\d+) > (\d+)\)",
         simple("over_max_positions", 2.5, length=1, limit=2)),
    _sig("length and table named", r"`?sequence[ _]length`?:? (\d+) and "
         r"`?max_position_embeddings`?:? (\d+)",
         simple("over_max_positions", 2.0, length=1, limit=2)),
    _sig("must be less than the table", r"must be (?:less|smaller) than (?:or equal to )?"
         r"(?:config\.)?max_position_embeddings", flag("over_max_positions", 3.0)),
    _sig("no batch dimension", r"(?:too many|not enough) values to unpack \(expected 2(?:, got "
         r"1)?\)", lambda m, t, f: [Vote("shape_mismatch", 3.0)] if re.search(
             r"input_shape|\.size\(\)|\.shape", innermost(f, 2) + t[max(0, m.start() - 400):
                                                                 m.start()]) else []),
    _sig("serving prompt length", r"prompt \(length (\d+)\) is longer than the maximum model "
         r"length of (\d+)|(?:input|prompt|sequence)[^\n]{0,30}?(\d+)[^\d\n]{0,30}longer than "
         r"the maximum (?:model |context )?length (?:of )?(\d+)",
         lambda m, t, f: [Vote("over_max_positions", 4.0, {
             "length": int(m.group(1) or m.group(3)), "limit": int(m.group(2) or m.group(4))})]),
    _sig("reply budget", r"\b(?:completion|answer|output|response|reply)\b[^.\n\d]{0,20}"
         r"\(\d+ tokens\)", reply_budget),
    _sig("context length", r"maximum context length is (\d+) tokens[^\n]{0,80}?(\d+) "
         r"(?:input )?tokens", context_length),
    _sig("inputs plus new tokens", r"`?inputs`? tokens \+ `?max_new_tokens`? must be <= (\d+)"
         r"\. Given: (\d+)", simple("generation_length", 4.0, limit=1, length=2)),
    _sig("reformer length", r"Sequence Length: (\d+) has to be less or equal than "
         r"config\.max_position_embeddings (\d+)",
         simple("over_max_positions", 4.0, length=1, limit=2)),
    _sig("position ids length", r"(?:position_ids|sequence length|seq_len)\D{0,20}(\d+)[^\d\n]{0,"
         r"20}(?:longer|exceeds?|greater|more|larger|above)[^\d\n]{0,40}(?:max_position_embeddings|"
         r"maximum|limit)\D{0,20}(\d+)",
         simple("over_max_positions", 2.0, length=1, limit=2)),
    # --- ids and token types -----------------------------------------------------------------
    _sig("unexpected token types", r"unexpected keyword argument '?token_type_ids'?|"
         r"model_kwargs`? are not used by the model: \[[^\]]*'token_type_ids'",
         flag("unexpected_token_type_ids", 5.0)),
    # --- batches ---------------------------------------------------------------------------
    _sig("unable to create tensor", r"Unable to create tensor, you should probably activate "
         r"truncation and/or padding", ragged(4.0)),
    _sig("ragged sequence", r"expected sequence of length (\d+) at dim (\d+) \(got (\d+)\)",
         ragged(4.0, length=1, other=3)),
    _sig("stack sizes", r"stack expects each tensor to be equal size, but got \[(\d+)\] at "
         r"entry \d+ and \[(\d+)\]", simple("ragged_batch_no_padding", 4.0, length=1, other=2)),
    _sig("stack sizes 2", r"stack expects each tensor to be equal size",
         flag("ragged_batch_no_padding", 3.0)),
    _sig("joined unequal", r"Sizes of tensors must match except in dimension \d+\. Expected "
         r"size (\d+) but got size (\d+)|Sizes of tensors must match except in dimension|"
         r"each element in list of batch should be of equal size", joined_unequal),
    _sig("view invalid", r"shape '\[[-\d, ]*\]' is invalid for input of size \d+",
         view_invalid),
    # another framework's broadcast of two shapes (TensorFlow, JAX, NumPy)
    # (their own wordings only: "Incompatible shapes: [8,600] vs. [8,512]", "... shapes for
    # broadcasting: (...)"; other libraries' "incompatible shapes: a is ..., b is ..." are
    # about their own tensors)
    _sig("broadcast shapes", r"Incompatible shapes: \[[\d,?]+\] vs\. \[|incompatible shapes "
         r"for broadcasting:? (?:shapes=)?[\[(]|could not be broadcast together with shapes \(|"
         r"Dimensions must be equal, but are (?P<a>\d+) and (?P<b>\d+)", broadcast),
    _sig("mask index", r"The shape of the mask \[([\d, ]*)\] at index (\d+) does not match "
         r"the shape of the indexed tensor \[([\d, ]*)\] at index (\d+)", mask_index),
    _sig("pad token", r"Asking to pad but the tokenizer does not have a padding token|"
         r"Cannot handle batch sizes > 1 if no padding token is defined|"
         r"tokenizer does not have a padding token|pad_token_id.{0,30}is None|"
         r"no padding token", flag("missing_pad_token", 4.0)),
    _sig("padding without a mask", r"strongly recommend passing in an `?attention_mask`?|"
         r"attention mask (?:and the pad token id were|is) not set|"
         r"pass your input's `?attention_mask`? to obtain reliable results",
         flag("bad_attention_mask", 4.0)),
    _sig("ids without their mask", r"\b\w*model\w*\(\s*(?:input_ids\s*=\s*)?\w+\[['\"]input_ids"
         r"['\"]\]\s*\)|\b\w*model\w*\(\s*input_ids\s*=\s*[\w.]+\s*\)", ids_without_mask),
    _sig("mask of ones", r"\b(?:attention_mask|attn_mask|mask)\s*=\s*(?:torch|np|numpy|tf)\."
         r"ones(?:_like)?\(", ones_mask),
    _sig("mask twice", r"got multiple values for (?:keyword )?argument '?(attention_mask|"
         r"input_ids|token_type_ids|labels)'?", flag("shape_mismatch", 4.0)),
    _sig("loss batch", r"Expected input batch_size \((\d+)\) to match target batch_size "
         r"\((\d+)\)", batch_size_mismatch),
    _sig("labels longer", r"labels?.{0,40}(?:longer|length).{0,40}(?:input_ids|word pieces)",
         flag("label_alignment", 1.5)),
    # TensorFlow/Keras sparse categorical cross-entropy: "Received a label value of 2 which is
    # outside the valid range of [0, 2)"
    _sig("tf label range", r"label value of (-?\d+) which is outside the valid range of "
         r"\[0, (\d+)\)", simple("label_out_of_range", 4.5, index=1, limit=2)),
    # torch's C++ "Target 7 is out of bounds." (the binary keeps its two pieces apart); a
    # language model's target past its vocabulary is a token id (unsloth's "cross entropy target
    # 151667 is out of bounds for a vocabulary of 151665")
    _sig("loss target", r"Target (-?\d+) is out of bounds(?P<vocab>[^\n]{0,20}\bvocab\w*\D{0,20}"
         r"(?P<rows>\d+))?", loss_target),
    # --- generation --------------------------------------------------------------------------
    _sig("generate max_length", r"Input length of input_ids is (\d+), but `?max_length`? is "
         r"set to (\d+)", simple("generation_length", 4.0, length=1, limit=2)),
    _sig("generation past the table", r"generation call has exceeded the model's predefined "
         r"maximum length \((\d+)\)", simple("generation_length", 3.0, limit=1)),
    _sig("both lengths", r"Both `max_new_tokens` \(=(\d+)\) and `max_length`\(=(\d+)\)",
         simple("generation_length", 2.5, limit=2)),
    _sig("generation words", r"maximum length.{0,40}generat|"
         r"exceeds? the model's maximum.{0,40}length", flag("generation_length", 1.5)),
    _sig("right padding", r"right-padding was detected|padding_side='left'|"
         r"padding_side='right' this may lead to unexpected behaviour|"
         r"padding_side.{0,20}left.{0,40}(?:generation|Flash)", flag("padding_side", 4.0)),
    # --- tokenizer truncation ----------------------------------------------------------------
    _sig("only_second", r"We need to remove (\d+) to truncate the input but the (?:first|"
         r"second) sequence has a length (\d+)",
         simple("pair_truncation", 4.0, remove=1, length=2)),
    _sig("second not long enough", r"(?:Second|First) sequence not long enough to be truncated|"
         r"Sequence to truncate too short to respect the provided max_length|"
         r"TruncationStrategy\.ONLY_(?:SECOND|FIRST)|only_second|only_first", pair_strategy),
    _sig("stride numbers", r"stride set to (\d+), which is greater than or equal to its "
         r"effective max length of (\d+)", simple("stride_overflow", 5.0, length=1, limit=2)),
    _sig("stride max_len", r"`stride` must be strictly less than `max_len=(\d+)`",
         simple("stride_overflow", 5.0, limit=1)),
    # (no comma between: "max_length, stride, is_split_into_words" is an argument list of the
    # traceback's code lines, not a comparison)
    _sig("stride", r"stride < max_len|stride[^,\n]{0,60}(?:max_len|max_length|too (?:big|large|"
         r"high))|(?:max_len|max_length)[^,\n]{0,60}stride", flag("stride_overflow", 4.0)),
    _sig("sentinel", r"1000000000000000019884624838656|int too big to convert|int too large to "
         r"convert to C|Overflow when unpacking long|cannot be converted to type int64 without "
         r"overflow|Python int too large|cannot fit 'int' into an index-sized integer|"
         r"Maximum allowed dimension exceeded|array is too big", huge_int),
    # --- exported / compiled models ----------------------------------------------------------
    _sig("onnx dims", r"Got invalid dimensions for input: \w+ for the following indices\s+"
         r"index: \d+ Got: (\d+) Expected: (\d+)",
         simple("export_fixed_length", 5.0, length=1, limit=2)),
    _sig("export guard", r"Guard failed: \w+\.size\(\)\[(\d+)\] == (\d+)",
         simple("export_fixed_length", 5.0, limit=2)),
    _sig("tensorrt profile", r"does not satisfy any optimization profile(?:[\s\S]{0,400}?shape "
         r"\((\d+), (\d+)\))?", lambda m, t, f: [Vote(
             "export_fixed_length", 4.0, {"length": int(m.group(2))} if m.group(2) else {})]),
    _sig("ort broadcast", r"broadcast an axis by a dimension other than 1\.?\s*(\d+) by (\d+)",
         ort_broadcast),
    # onnxruntime's Reshape of a graph traced at one sequence length: "The input tensor cannot be
    # reshaped to the requested shape. Input shape:{1,200,768}, requested shape:{1,128,12,64}"
    # (older releases: "The input tensorProto is not the same size as the requested shape")
    _sig("ort reshape", r"(?:reshaped to|not the same size as) the requested shape\.?\s*Input "
         r"shape:\s*\{[\d,]+\},\s*requested shape:\s*\{[-\d,]+\}",
         flag("export_fixed_length", 4.0)),
    _sig("onnx generic", r"ONNXRuntimeError|onnxruntime|TensorRT|torch\.jit|ScriptModule|"
         r"optimization profile", flag("export_fixed_length", 1.0)),
    # --- architecture length rules ----------------------------------------------------------
    _sig("reformer axial numbers", r"!= sequence_length: (\d+)\. You might want to consider "
         r"padding your sequence length to (\d+)",
         simple("length_multiple_constraint", 4.5, length=1, limit=2)),
    _sig("reformer training numbers", r"sequence length (\d+) has to be equal to "
         r"config\.max_position_embeddings (\d+)",
         simple("length_multiple_constraint", 4.0, length=1, limit=2)),
    _sig("reformer training", r"has to be equal to config\.max_position_embeddings|"
         r"axial_pos_shape factors|has to be a multiple of",
         flag("length_multiple_constraint", 4.0)),
    _sig("attention window", r"attention_window.{0,60}(?:even|positive|multiple)|"
         r"has to be an even value|`attention_window` for layer", flag(
             "length_multiple_constraint", 4.0)),
    _sig("bigbird fallback", r"Attention type 'block_sparse' is not possible if "
         r"sequence_length: (\d+) <=[^\n]*?= (\d+) with config\.block_size",
         simple("length_multiple_constraint", 4.0, length=1, limit=2)),
    _sig("bigbird fallback short", r"Attention type 'block_sparse' is not possible if "
         r"sequence_length: (\d+)", simple("length_multiple_constraint", 3.0, length=1)),
    _sig("length-rule architecture", LENGTH_RULE_MODELS.pattern, length_rule_shapes),
    # --- datasets ----------------------------------------------------------------------------
    _sig("arrow column", r"Column (\d+) named (\w+) expected length (\d+) but got length (\d+)",
         lambda m, t, f: [Vote("map_column_length_mismatch", 5.0, {
             "column": m.group(2), "other": int(m.group(3)), "length": int(m.group(4))})]),
    # (launcher prefixes such as torchrun's "[rank1]: " are gone by now: engine.LAUNCHER_PREFIX)
    _sig("bare assert", r"^\s*AssertionError(?::\s*[-\d\s,().]*)?\s*$",
         bare_assert),
    _sig("named comparison", NAMED_COMPARISON.pattern, named_comparison),
    _sig("inputs unequal", INPUTS_UNEQUAL.pattern, inputs_unequal),
    # --- CUDA --------------------------------------------------------------------------------
    _sig("device assert", r"device-side assert triggered|srcIndex < srcSelectDimSize|"
         r"indexSelect(?:Large|Small)Index|cudaErrorAssert|IndexKernel\.cu.{0,200}Assertion",
         device_assert),
    _sig("printed token types", PRINTED_TYPE_ROWS.pattern, printed_type_rows),
)


@dataclass(frozen=True)
class FrameHint:
    code: str
    pattern: re.Pattern[str]
    weight: float


FRAME_HINTS: tuple[FrameHint, ...] = (
    FrameHint("over_max_positions", POSITION_FRAME, 1.0),
    FrameHint("token_id_out_of_vocab", VOCAB_FRAME, 0.5),
    FrameHint("token_type_out_of_range", TYPE_FRAME, 1.0),
    FrameHint("label_alignment", TOKEN_CLASSIFICATION, 1.0),
    FrameHint("generation_length", GENERATE, 0.5),
)
