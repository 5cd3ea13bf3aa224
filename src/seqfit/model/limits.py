"""``seqfit.inspect``: everything that decides whether an input fits a model, and why.

The position rules live in :mod:`seqfit.positions`; this module adds what the tokenizer brings
(special tokens, its own limit, pad token and side, vocabulary) and checks the two against each
other.
"""

from __future__ import annotations

import weakref
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from .._checks import is_int, known_limit
from ..errors import ModelLoadError
from . import table
from .layout import SpecialTokens, special_tokens
from .loading import Loaded, load
from .positions import (
    SIDE_FIELDS,
    TRAINED_FIELDS,
    PositionKind,
    SideLimits,
    positions_from_pad_id,
    side_limits,
)
from .sentence import SentenceConfig, read_sentence_config, sentence_sentence

Kind = Literal["encoder", "decoder", "encoder-decoder"]
LimitSource = Literal["model", "tokenizer", "trained", "none"]


@dataclass(frozen=True)
class Padding:
    """Which padding keeps this model's outputs on real tokens equal to unpadded runs.

    ``side`` is the side seqfit pads on. ``left``: ``"safe"`` (positions ignore pads),
    ``"needs-position-ids"`` (pass ``position_ids`` computed from the mask) or ``"unsafe"``.
    ``pad_with``: ``"pad_token_id"`` where positions are computed from ``input_ids != pad_id``.
    """

    side: Literal["right", "left"]
    left: Literal["safe", "needs-position-ids", "unsafe"]
    pad_with: Literal["any", "pad_token_id"]
    reason: str


@dataclass(frozen=True)
class ModelLimits:
    """The length facts of a model and its tokenizer. Build it with :func:`seqfit.inspect`.

    ``max_tokens`` is the largest input, special tokens included, that the forward pass accepts
    (None where the architecture has no hard limit). ``effective_max_tokens`` is the length seqfit
    fits inputs to by default: the smaller of the model's and the tokenizer's limits, or the
    trained length where there is no hard limit; ``limit_source`` says which won.
    """

    name: str | None
    model_type: str
    kind: Kind
    position_kind: PositionKind
    position_table: int | None
    position_offset: int
    max_tokens: int | None
    trained_length: int | None
    length_multiple: int
    min_tokens: int
    decoder: SideLimits | None
    tokenizer_class: str | None
    tokenizer_max_length: int | None
    effective_max_tokens: int | None
    limit_source: LimitSource
    special_tokens: SpecialTokens | None
    max_content_tokens: int | None
    max_content_tokens_pair: int | None
    pad_token: str | None
    pad_token_id: int | None
    eos_token_id: int | None
    padding_side: str | None
    tokenizer_vocab_size: int | None
    embedding_rows: int | None
    type_vocab_size: int | None
    accepts_token_type_ids: bool
    uses_token_type_ids: bool
    accepts_position_ids: bool | None
    ignores_unknown_inputs: bool | None
    padding: Padding
    derivation: tuple[str, ...]
    warnings: tuple[str, ...]
    #: sentence-transformers / cross-encoder facts of the folder (None for plain transformers)
    sentence: SentenceConfig | None = None

    def to_dict(self) -> dict[str, Any]:
        """All facts as JSON-ready data."""
        data = asdict(self)
        data["derivation"] = list(self.derivation)
        data["warnings"] = list(self.warnings)
        return data


def inspect(model: Any = None, *, tokenizer: Any = None,
            trust_remote_code: bool = False) -> ModelLimits:
    """The true length limits of ``model``, with the reasoning behind them.

    ``model`` is a hub name, a local folder, a ``PretrainedConfig`` or a loaded model (None: the
    embedded all-MiniLM-L6-v2). The tokenizer comes from the same place unless given. No weights
    are loaded.
    """
    loaded = load(model, tokenizer=tokenizer, trust_remote_code=trust_remote_code)
    return limits_of(loaded)


_BY_OBJECT: weakref.WeakKeyDictionary[Any, ModelLimits] = weakref.WeakKeyDictionary()
_BY_NAME: dict[str, ModelLimits] = {}


def limits_for(model: Any) -> ModelLimits | None:
    """The :class:`ModelLimits` of whatever a ``model=`` argument holds: limits as they are, or
    anything :func:`inspect` accepts, inspected once per object (or name) and cached."""
    if model is None or isinstance(model, ModelLimits):
        return model
    if isinstance(model, str):
        if model not in _BY_NAME:
            _BY_NAME[model] = inspect(model)
        return _BY_NAME[model]
    try:
        cached = _BY_OBJECT.get(model)
    except TypeError:  # not weak-referenceable
        return inspect(model)
    if cached is None:
        cached = inspect(model)
        _BY_OBJECT[model] = cached
    return cached


def limits_of(loaded: Loaded) -> ModelLimits:
    """Assemble :class:`ModelLimits` from what :func:`seqfit.loading.load` found."""
    config, tok = loaded.config, loaded.tokenizer
    kind, enc_config, dec_config = _sides(config)
    for side in (enc_config, dec_config):
        _check_number_fields(side, loaded.name)
    model_type = str(getattr(config, "model_type", "") or "unknown")
    enc = side_limits(enc_config, "encoder")
    dec = side_limits(dec_config, "decoder") if kind == "encoder-decoder" else None
    notes = list(enc.derivation)
    warnings = list(enc.warnings)
    if dec is not None:
        notes += [f"Decoder: {n[:1].lower()}{n[1:]}" for n in dec.derivation]
        warnings += [w for w in dec.warnings if w not in warnings]

    params = table.forward_params(model_type)
    text_config = enc_config
    rows = loaded.embedding_rows or _int(getattr(text_config, "vocab_size", None))
    type_vocab = _int(getattr(text_config, "type_vocab_size", None))
    accepts_types = ("token_type_ids" in params) if params is not None else type_vocab is not None
    accepts_positions = ("position_ids" in params) if params is not None else None

    special = special_tokens(tok) if tok is not None else None
    tok_max = _tokenizer_max(tok)
    effective, source = _effective(enc, tok_max, notes)
    if special is not None:
        notes.append(_special_sentence(special, effective))
    content = content_pair = None
    if effective is not None and special is not None:
        content = effective - special.single
        content_pair = effective - special.pair

    sentence = _sentence_config(loaded)
    if sentence is not None:
        notes.append(sentence_sentence(sentence, effective, enc.max_tokens))

    pad_positions = positions_from_pad_id(enc_config)
    padding = _padding(model_type, kind, enc.position_kind, accepts_positions, pad_positions)
    tokenizer_types = tok is not None and "token_type_ids" in getattr(
        tok, "model_input_names", ())
    warnings += _tokenizer_warnings(loaded, model_type, enc, rows, tok_max, type_vocab,
                                    accepts_types, tokenizer_types, padding)
    return ModelLimits(
        name=loaded.name,
        model_type=model_type,
        kind=kind,
        position_kind=enc.position_kind,
        position_table=enc.position_table,
        position_offset=enc.position_offset,
        max_tokens=enc.max_tokens,
        trained_length=enc.trained_length,
        length_multiple=enc.length_multiple,
        min_tokens=enc.min_tokens,
        decoder=dec,
        tokenizer_class=tokenizer_class_name(tok) if tok is not None else None,
        tokenizer_max_length=tok_max,
        effective_max_tokens=effective,
        limit_source=source,
        special_tokens=special,
        max_content_tokens=content,
        max_content_tokens_pair=content_pair,
        pad_token=getattr(tok, "pad_token", None) if tok is not None else None,
        pad_token_id=getattr(tok, "pad_token_id", None) if tok is not None else _int(
            getattr(text_config, "pad_token_id", None)),
        eos_token_id=_int(getattr(tok, "eos_token_id", None)) if tok is not None else _int(
            getattr(text_config, "eos_token_id", None)),
        padding_side=getattr(tok, "padding_side", None) if tok is not None else None,
        tokenizer_vocab_size=len(tok) if tok is not None else None,
        embedding_rows=rows,
        type_vocab_size=type_vocab,
        accepts_token_type_ids=accepts_types,
        uses_token_type_ids=bool(accepts_types and tokenizer_types and (type_vocab or 0) > 1),
        accepts_position_ids=accepts_positions,
        ignores_unknown_inputs=("kwargs" in params) if params is not None else None,
        padding=padding,
        derivation=tuple(notes),
        warnings=tuple(warnings),
        sentence=sentence,
    )


NUMBER_FIELDS = (*TRAINED_FIELDS, *(f for fields in SIDE_FIELDS.values() for f in fields),
                 "vocab_size", "type_vocab_size", "pad_token_id")


def _check_number_fields(config: Any, name: str | None) -> None:
    """Length and vocabulary fields must be whole numbers (or unset): a "512" or 512.0 in
    config.json would otherwise read as "no limit" or crash deep in the model."""
    for field in NUMBER_FIELDS:
        value = getattr(config, field, None)
        if value is None or is_int(value):
            continue
        shown = f"{value!r} ({type(value).__name__})"
        fix_value = int(value) if isinstance(value, float) and value.is_integer() else (
            int(value) if isinstance(value, str) and value.strip().isdigit() else "N")
        raise ModelLoadError(
            f"config.json of {name or 'the model'} has {field} = {shown}; it must be a whole "
            "number.", model=str(name), reason="invalid",
            fix=f'set "{field}": {fix_value} in config.json (a number, without quotes)')


def _sentence_config(loaded: Loaded) -> SentenceConfig | None:
    """The sentence-transformers facts of the folder the model came from, read from its files
    (the same on the file path and the transformers path)."""
    from .files import hub_snapshot

    for name in (getattr(loaded.config, "name_or_path", None), loaded.name):
        if not isinstance(name, str) or not name:
            continue
        folder = Path(name).expanduser()
        if folder.is_dir():
            return read_sentence_config(folder)
        snapshot = hub_snapshot(name)
        if snapshot is not None:
            return read_sentence_config(snapshot)
    return None


def _int(value: Any) -> int | None:
    return int(value) if is_int(value) else None


def _sides(config: Any) -> tuple[Kind, Any, Any]:
    """The kind of model and the configs of its encoder (input) side and decoder side."""
    encoder = getattr(config, "encoder", None)
    decoder = getattr(config, "decoder", None)
    if hasattr(encoder, "model_type") and hasattr(decoder, "model_type"):
        return "encoder-decoder", encoder, decoder  # EncoderDecoderConfig and friends
    text = config
    get_text = getattr(config, "get_text_config", None)
    if callable(get_text):
        try:
            text = get_text()
        except (TypeError, ValueError, AttributeError):
            text = config
    if getattr(text, "is_encoder_decoder", False) or getattr(config, "is_encoder_decoder", False):
        return "encoder-decoder", text, text
    if getattr(text, "is_decoder", False):
        return "decoder", text, text
    model_type = getattr(text, "model_type", "")
    if table.is_causal_lm(model_type) and not table.is_masked_lm(model_type):
        return "decoder", text, text
    architectures = getattr(config, "architectures", None) or []
    if any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in architectures) and \
            not table.is_masked_lm(model_type):
        return "decoder", text, text
    return "encoder", text, text


def _tokenizer_max(tok: Any) -> int | None:
    return known_limit(getattr(tok, "model_max_length", None)) if tok is not None else None


def _effective(enc: SideLimits, tok_max: int | None, notes: list[str]) -> tuple[int | None,
                                                                                LimitSource]:
    if enc.max_tokens is not None:
        if tok_max is not None and tok_max < enc.max_tokens:
            notes.append(f"The tokenizer's model_max_length ({tok_max}) is below the model's "
                         f"{enc.max_tokens}, so the tokenizer's limit wins.")
            return tok_max, "tokenizer"
        return enc.max_tokens, "model"
    if tok_max is not None:
        notes.append(f"The tokenizer's model_max_length is {tok_max}; seqfit fits to it.")
        return tok_max, "tokenizer"
    if enc.trained_length is not None:
        notes.append(f"No tokenizer limit is set; seqfit fits to the trained length "
                     f"{enc.trained_length}.")
        return enc.trained_length, "trained"
    return None, "none"


def _special_sentence(special: SpecialTokens, effective: int | None) -> str:
    where = f" ({special.single_template})" if special.single_template else ""
    adds = f"{special.single} special token{'' if special.single == 1 else 's'}"
    if effective is None:
        return f"The tokenizer adds {adds} to a text{where}."
    return (f"The tokenizer adds {adds} to a text{where}, so {effective - special.single} "
            f"tokens of text fit; a pair takes {special.pair}, leaving "
            f"{effective - special.pair}.")


def _padding(model_type: str, kind: Kind, position_kind: PositionKind,
             accepts_positions: bool | None, pad_positions: bool) -> Padding:
    if pad_positions:
        return Padding("right", "safe", "pad_token_id",
                       f"{model_type} computes positions from input_ids != pad_token_id: pad "
                       "with the pad id itself (either side is then correct).")
    if model_type == "xlnet":
        return Padding("left", "safe", "any",
                       "XLNet reads its summary from the last token and uses relative "
                       "positions: pad on the left.")
    if model_type in ("opt", "bloom"):
        return Padding("right", "safe", "any",
                       f"{model_type} derives positions from the attention mask: either side is "
                       "correct.")
    if position_kind in ("relative", "alibi", "none"):
        return Padding("right", "safe", "any",
                       f"{position_kind} positions do not depend on where padding sits.")
    if accepts_positions and kind != "encoder-decoder":
        return Padding("right", "needs-position-ids", "any",
                       "Positions count from the first column and ignore the mask: pad on the "
                       "right, or pass position_ids = cumsum(mask) - 1 when padding on the left.")
    return Padding("right", "unsafe", "any",
                   "Positions count from the first column, ignore the mask, and cannot be "
                   "overridden: pad on the right only.")


def _tokenizer_warnings(loaded: Loaded, model_type: str, enc: SideLimits, rows: int | None,
                        tok_max: int | None, type_vocab: int | None, accepts_types: bool,
                        tokenizer_types: bool, padding: Padding) -> list[str]:
    tok, config = loaded.tokenizer, loaded.config
    out: list[str] = []
    if tok is None:
        why = f" ({loaded.tokenizer_error})" if loaded.tokenizer_error else ""
        out.append(f"No tokenizer{why}: special tokens and content budgets are unknown. "
                   "Fix: seqfit.inspect(model, tokenizer=AutoTokenizer.from_pretrained(...)).")
        return out
    n_vocab = len(tok)
    if rows is not None and n_vocab > rows:
        out.append(f"The tokenizer has {n_vocab} tokens but the model's embedding table has "
                   f"{rows} rows: ids {rows}..{n_vocab - 1} crash with 'index out of range'. "
                   "Fix: model.resize_token_embeddings(len(tokenizer)), or use the model's own "
                   "tokenizer.")
    if rows is not None:
        special_ids = getattr(tok, "all_special_ids", [])
        bad = sorted({i for i in special_ids if i is not None and i >= rows})
        if bad:
            out.append(f"Special-token ids {bad} are outside the embedding table ({rows} rows). "
                       "Fix: model.resize_token_embeddings(len(tokenizer)).")
    out += _family_warnings(tok, model_type)
    if getattr(tok, "pad_token", None) is None:
        out.append("The tokenizer has no pad token, so texts of different lengths cannot be "
                   "batched. Fix: tokenizer.pad_token = tokenizer.eos_token (and pass the "
                   "attention mask).")
    config_pad = _int(getattr(config, "pad_token_id", None))
    tok_pad = getattr(tok, "pad_token_id", None)
    if config_pad is not None and tok_pad is not None and config_pad != tok_pad:
        extra = (" This family computes positions from the pad id, so positions will be wrong."
                 if padding.pad_with == "pad_token_id" else "")
        out.append(f"config.pad_token_id is {config_pad} but the tokenizer pads with id "
                   f"{tok_pad}.{extra} Fix: use the tokenizer the model was trained with, or "
                   f"set model.config.pad_token_id = {tok_pad} if it is intended.")
    if tok_max is not None and enc.max_tokens is not None and tok_max > enc.max_tokens:
        out.append(f"The tokenizer's model_max_length ({tok_max}) is above the model's limit "
                   f"({enc.max_tokens}): truncation=True still lets inputs of {enc.max_tokens + 1}"
                   f"..{tok_max} tokens through, and they crash. Fix: "
                   f"tokenizer(..., truncation=True, max_length={enc.max_tokens}).")
    if tokenizer_types and not accepts_types:
        out.append("The tokenizer returns token_type_ids but the model's forward does not take "
                   "them. Fix: tokenizer(..., return_token_type_ids=False).")
    elif tokenizer_types and type_vocab is not None and type_vocab < 2:
        out.append(f"The tokenizer returns token_type_ids (1 for the second text of a pair) but "
                   f"the model has type_vocab_size={type_vocab}: pairs crash. Fix: "
                   "return_token_type_ids=False, or the model's own tokenizer.")
    side = getattr(tok, "padding_side", "right")
    if side == "left" and padding.left != "safe":
        out.append(f"The tokenizer pads on the left, but {padding.reason} Fix: "
                   "tokenizer.padding_side = 'right'.")
    return out


def tokenizer_class_name(tok: Any) -> str:
    """The transformers class name of ``tok`` (a file-read tokenizer names the class it
    stands for)."""
    return str(getattr(tok, "class_name", None) or type(tok).__name__)


def _family_warnings(tok: Any, model_type: str) -> list[str]:
    classes = table.tokenizer_classes()
    expected = classes.get(model_type)
    actual = tokenizer_class_name(tok)
    generic = {"PreTrainedTokenizerFast", "TokenizersBackend", "PythonBackend",
               "SentencePieceBackend", "PreTrainedTokenizer"}

    def base(name: str) -> str:
        return name.removesuffix("Fast")

    if not expected or actual in generic or base(expected) in generic:
        return []
    if base(actual) == base(expected):
        return []
    users = sorted(m for m, t in classes.items() if base(t) == base(actual))
    if model_type in users:
        return []
    return [f"The tokenizer is a {actual} but {model_type} models use {base(expected)}: a "
            "tokenizer from another model maps text to ids this model never learned. Fix: "
            "AutoTokenizer.from_pretrained(<the model's own name>)."]
