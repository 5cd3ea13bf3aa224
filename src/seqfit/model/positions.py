"""How each architecture turns token positions into numbers, and so how long an input may be.

This module reads config attributes (duck-typed ``getattr``), so it works on any
``PretrainedConfig``, and on configs of architectures it
has no rule for: then it reads the installed modelling code as text (a best effort, with a
warning).

The rules come from reading the modelling code of transformers 5.x (and 4.45+, where it differs it
is said):

- a learned or fixed table indexed by the position is a hard limit: one row more and the lookup
  fails ("index out of range in self");
- some families shift positions: RoBERTa's start at ``pad_token_id + 1``; BART/OPT/mBART/BioGPT
  build a table of ``max_position_embeddings + 2`` and add 2; Nyströmformer/YOSO/MRA add 2 to a
  buffer of ``max_position_embeddings`` positions;
- rotary, relative and ALiBi positions are computed on the fly: no hard limit, only the length the
  model was trained on;
- Longformer, LED and block-sparse BigBird pad every input up to a multiple of their attention
  window or block, Reformer to its chunk length: the padded length must still fit the table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from .._checks import is_int

PositionKind = Literal[
    "absolute", "sinusoidal", "rotary", "relative", "alibi", "hashed-characters", "none"
]
Side = Literal["encoder", "decoder"]

Rule = Literal[
    "pad-offset", "offset-table", "offset-buffer", "fixed-sinusoidal", "growing-sinusoidal",
    "fixed-rotary", "rotary", "relative", "alibi", "hashed-characters", "absolute", "none",
    "optional-sinusoidal", "deberta", "esm", "falcon", "led", "mpt", "prophetnet", "reformer",
]

#: What each rule means, for people; one rule per model type in :data:`RULES`.
RULE_MEANINGS: dict[Rule, str] = {
    "pad-offset": "positions are cumsum(input_ids != pad_token_id) + pad_token_id (RoBERTa)",
    "offset-table": "a learned table of max_position_embeddings + 2 rows, positions shifted by 2 "
                    "(the fairseq recipe)",
    "offset-buffer": "a position_ids buffer of max_position_embeddings entries, each + 2",
    "fixed-sinusoidal": "sinusoidal table computed once with max_position_embeddings rows",
    "growing-sinusoidal": "sinusoidal table that grows when a longer input arrives",
    "fixed-rotary": "rotary sin/cos cached in a buffer of max_position_embeddings rows",
    "rotary": "rotary positions computed for any position",
    "relative": "relative distances between tokens",
    "alibi": "ALiBi distance biases instead of positions",
    "hashed-characters": "hashed characters with a character position table (CANINE)",
    "absolute": "a learned table indexed from 0",
    "none": "recurrent or state-space: no positions at all",
    "optional-sinusoidal": "a learned table, or a sinusoidal one when the config asks for it",
    "deberta": "an absolute table when position_biased_input, else relative only",
    "esm": "rotary (ESM-2) or the RoBERTa pad offset (ESM-1), by position_embedding_type",
    "falcon": "ALiBi when config.alibi, else rotary",
    "led": "separate encoder and decoder tables",
    "mpt": "a precomputed ALiBi bias of max_seq_len positions",
    "prophetnet": "positions from pad_token_id + 1, clamped to the table",
    "reformer": "axial position embeddings of prod(axial_pos_shape) positions",
}


def _rules(groups: dict[Rule, str]) -> dict[str, Rule]:
    """``model_type -> rule`` from whitespace-separated groups; a type listed twice is a bug."""
    table: dict[str, Rule] = {}
    for rule, types in groups.items():
        for model_type in types.split():
            if model_type in table:
                raise ValueError(f"{model_type!r} has two position rules: {table[model_type]!r} "
                                 f"and {rule!r}")
            table[model_type] = rule
    return table


#: How each model type (of transformers 5.x, and of 4.x where :data:`LEGACY_TYPES` says so)
#: numbers its positions. Types not listed here are read from their config and modelling code.
RULES: dict[str, Rule] = _rules({
    "pad-offset": "roberta xlm-roberta xlm-roberta-xl camembert longformer ibert data2vec-text "
                  "xmod roberta-prelayernorm luke markuplm lilt mpnet bridgetower clap altclip "
                  "layoutlmv3",
    "offset-table": "bart mbart opt mvp plbart biogpt trocr",
    "offset-buffer": "nystromformer yoso mra",
    "fixed-sinusoidal": "pegasus marian ctrl",
    "growing-sinusoidal": "m2m_100 nllb-moe xglm speech_to_text fsmt pegasus_x seamless_m4t",
    "fixed-rotary": "gptj codegen roformer",
    "rotary": "gpt_neox_japanese",
    "relative": "t5 mt5 umt5 longt5 switch_transformers xlnet funnel transfo-xl pop2piano udop "
                "nezha",
    "alibi": "bloom",
    "hashed-characters": "canine",
    "absolute": "bert albert electra big_bird gpt2 gpt_neo gpt_bigcode convbert mobilebert "
                "squeezebert rembert megatron-bert layoutlm splinter ernie fnet blenderbot "
                "blenderbot-small bigbird_pegasus whisper imagegpt qdqbert roc_bert "
                "bert-generation visual_bert lxmert tapas layoutlmv2 bros openai-gpt dpr clip "
                "clipseg owlv2 owlvit xclip chinese_clip align blip blip_2_qformer git layoutxlm "
                "flava aimv2 groupvit kosmos-2 tvp vilt",
    "none": "mamba mamba2 falcon_mamba rwkv xlstm jamba zamba zamba2 nemotron_h bamba "
            "granitemoehybrid lfm2",
    "optional-sinusoidal": "distilbert xlm flaubert",
    "deberta": "deberta deberta-v2",
    "esm": "esm",
    "falcon": "falcon",
    "led": "led",
    "mpt": "mpt",
    "prophetnet": "prophetnet xlm-prophetnet",
    "reformer": "reformer",
})
#: Model types of transformers 4.x that 5.x removed; their rules stay for users of 4.x.
LEGACY_TYPES = frozenset({"nezha", "transfo-xl", "qdqbert", "xlm-prophetnet"})


def rule_of(model_type: str) -> Rule | None:
    """The position rule of ``model_type`` (or of its family, for text towers), if listed."""
    return RULES.get(family(model_type))


def positions_from_pad_id(config: Any) -> bool:
    """Whether positions are counted from ``input_ids != pad_token_id``: then padding must use
    the pad id itself (any other id shifts the positions of real tokens)."""
    rule = rule_of(str(getattr(config, "model_type", "") or ""))
    return rule == "pad-offset" or (rule == "esm" and getattr(
        config, "position_embedding_type", "absolute") != "rotary")


TABLE_FIELDS = ("max_position_embeddings", "n_positions", "max_positions", "n_ctx",
                "max_sequence_length", "max_seq_len", "seq_length", "max_seq_length")
TRAINED_FIELDS = (*TABLE_FIELDS, "max_target_positions", "max_source_positions")
SIDE_FIELDS = {"encoder": ("max_encoder_position_embeddings", "max_source_positions"),
               "decoder": ("max_decoder_position_embeddings", "max_target_positions")}


@dataclass(frozen=True)
class SideLimits:
    """Length facts of one side of a model (the encoder, or the decoder of an encoder-decoder)."""

    position_kind: PositionKind
    position_table: int | None
    position_offset: int
    max_tokens: int | None
    trained_length: int | None
    length_multiple: int = 1
    min_tokens: int = 1
    derivation: tuple[str, ...] = field(default=(), compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)


def _int_attr(config: Any, name: str) -> int | None:
    value = getattr(config, name, None)
    return int(value) if is_int(value) else None


def _first_attr(config: Any, names: tuple[str, ...]) -> tuple[str, int] | None:
    for name in names:
        value = _int_attr(config, name)
        if value is not None and value > 0:
            return name, value
    return None


def _is_rotary(config: Any) -> bool:
    if getattr(config, "position_embedding_type", None) == "rotary":
        return True
    if getattr(config, "alibi", False):
        return False
    names = ("rope_theta", "rope_scaling", "rope_parameters", "rotary_dim", "rotary_emb_base",
             "rotary_pct", "partial_rotary_factor", "global_rope_theta")
    return any(getattr(config, n, None) is not None for n in names)


class _Builder:
    """Collects the facts of one side and the sentences that justify them."""

    def __init__(self, config: Any, model_type: str, side: Side) -> None:
        self.config = config
        self.model_type = model_type
        self.side = side
        self.notes: list[str] = []
        self.warnings: list[str] = []

    def trained(self) -> int | None:
        found = _first_attr(self.config, TRAINED_FIELDS)
        return found[1] if found else None

    def table(self, names: tuple[str, ...] = TABLE_FIELDS) -> tuple[str, int] | None:
        if names is TABLE_FIELDS:  # the side's own field first (Whisper, Speech2Text, LED)
            names = (*SIDE_FIELDS[self.side], *TABLE_FIELDS)
        return _first_attr(self.config, names)

    def done(self, kind: PositionKind, table: int | None, offset: int, max_tokens: int | None,
             trained: int | None, multiple: int = 1, minimum: int = 1) -> SideLimits:
        return SideLimits(kind, table, offset, max_tokens, trained, multiple, minimum,
                          tuple(self.notes), tuple(self.warnings))

    def unbounded(self, kind: PositionKind, why: str) -> SideLimits:
        trained = self.trained()
        self.notes.append(f"{why}, so the forward pass has no hard length limit.")
        if trained is not None:
            name = _first_attr(self.config, TRAINED_FIELDS)
            self.notes.append(
                f"It was trained on up to {trained} tokens (config.{name[0] if name else '?'}); "
                "longer inputs run but quality usually drops."
            )
        return self.done(kind, None, 0, None, trained)

    def hard_table(self, kind: PositionKind, *, names: tuple[str, ...] = TABLE_FIELDS,
                   extra_rows: int = 0, offset: int = 0, what: str = "position embeddings",
                   offset_reason: str = "") -> SideLimits:
        found = self.table(names)
        if found is None:
            self.warnings.append(
                f"{self.model_type}: no position-table size found in the config "
                f"(looked for {', '.join(names)}); the length limit is unknown."
            )
            return self.done(kind, None, offset, None, None)
        name, size = found
        rows = size + extra_rows
        usable = rows - offset
        if extra_rows:
            self.notes.append(
                f"config.{name} is {size}; the {what} table has {size} + {extra_rows} = {rows} "
                f"rows."
            )
        else:
            self.notes.append(f"config.{name} is {size}: the {what} table has {rows} rows.")
        if offset:
            reason = offset_reason[:1].upper() + offset_reason[1:]
            self.notes.append(f"{reason}, so {rows} - {offset} = {usable} are usable.")
        else:
            self.notes.append(f"Positions start at 0, so {usable} positions are usable.")
        return self.done(kind, rows, offset, usable, usable)


def side_limits(config: Any, side: Side = "encoder") -> SideLimits:
    """The length facts of one side of the model described by ``config``.

    >>> from types import SimpleNamespace as C
    >>> roberta = side_limits(C(model_type="roberta", max_position_embeddings=514, pad_token_id=1))
    >>> roberta.max_tokens, roberta.position_offset
    (512, 2)
    >>> side_limits(C(model_type="llama", max_position_embeddings=4096, rope_theta=1e4)).max_tokens
    """
    model_type = str(getattr(config, "model_type", "") or "")
    b = _Builder(config, model_type, side)
    limits = _dispatch(b)
    multiple, minimum = _multiple_and_minimum(b)
    max_tokens = limits.max_tokens
    if multiple > 1 and max_tokens is not None and max_tokens % multiple:
        rounded = max_tokens // multiple * multiple
        b.notes.append(
            f"The input is padded up to a multiple of {multiple} inside the model, so the "
            f"usable length rounds down from {max_tokens} to {rounded}."
        )
        max_tokens = rounded
    return replace(limits, max_tokens=max_tokens, length_multiple=multiple, min_tokens=minimum,
                   derivation=tuple(b.notes), warnings=tuple(b.warnings))


def _dispatch(b: _Builder) -> SideLimits:
    rule = rule_of(b.model_type)
    if rule is None:
        return _unlisted(b)
    return _HANDLERS[rule](b)


def _unlisted(b: _Builder) -> SideLimits:
    """A model type without a rule: rotary if its config says so, else its modelling code."""
    if _is_rotary(b.config):
        return b.unbounded("rotary", "Rotary position embeddings are computed for any position")
    _note_position_type(b)
    return _from_source(b)


def _note_position_type(b: _Builder) -> None:
    pet = getattr(b.config, "position_embedding_type", None)
    if isinstance(pet, str) and pet not in ("absolute", "rotary"):
        b.notes.append(f"config.position_embedding_type is {pet!r}; the absolute table still "
                       "bounds the length.")


def _absolute(b: _Builder) -> SideLimits:
    _note_position_type(b)
    return b.hard_table("absolute")


def _pad_offset(b: _Builder) -> SideLimits:
    pad = _int_attr(b.config, "pad_token_id")
    mt = family(b.model_type)
    if pad is None:
        pad = 1
        b.warnings.append(f"{mt}: config.pad_token_id is not set; assuming 1 as in RoBERTa.")
    return b.hard_table(
        "absolute", offset=pad + 1,
        offset_reason=(f"positions are counted from padding_idx + 1 = {pad} + 1 = {pad + 1} "
                       f"(config.pad_token_id is {pad}; the {mt} family skips the pad row "
                       "and the rows before it)"),
    )


def _offset_buffer(b: _Builder) -> SideLimits:
    found = b.table()
    if found:
        b.notes.append(
            f"Positions are a buffer of config.{found[0]} = {found[1]} entries, each + 2, "
            f"into a table of {found[1] + 2} rows, so {found[1]} positions are usable."
        )
        return b.done("absolute", found[1] + 2, 2, found[1], found[1])
    return b.hard_table("absolute")


def _optional_sinusoidal(b: _Builder) -> SideLimits:
    if getattr(b.config, "sinusoidal_pos_embds", False) or getattr(
            b.config, "sinusoidal_embeddings", False):
        return b.hard_table("sinusoidal", what="sinusoidal position")
    return _absolute(b)


def _deberta(b: _Builder) -> SideLimits:
    if getattr(b.config, "position_biased_input", True):
        return b.hard_table("absolute")
    return b.unbounded("relative", "DeBERTa with position_biased_input=False uses only "
                                   "relative-position attention")


def _esm(b: _Builder) -> SideLimits:
    if getattr(b.config, "position_embedding_type", "absolute") == "rotary":
        return b.unbounded("rotary", "ESM-2 uses rotary position embeddings")
    return _pad_offset(b)


def _falcon(b: _Builder) -> SideLimits:
    if getattr(b.config, "alibi", False):
        return b.unbounded("alibi", "ALiBi adds a distance bias instead of positions")
    return b.unbounded("rotary", "Rotary position embeddings are computed for any position")


def _led(b: _Builder) -> SideLimits:
    name = "max_encoder_position_embeddings" if b.side == "encoder" \
        else "max_decoder_position_embeddings"
    return b.hard_table("absolute", names=(name,))


def _modeling_source(model_type: str) -> str | None:
    """The text of the installed transformers modelling code for ``model_type`` (not imported:
    read as text), or None."""
    import importlib.util

    spec = importlib.util.find_spec("transformers")
    if spec is None or not spec.submodule_search_locations:
        return None
    try:
        from transformers.models.auto.configuration_auto import model_type_to_module_name

        module = model_type_to_module_name(model_type)
    except (ImportError, KeyError, AttributeError):
        module = model_type.replace("-", "_")
    folder = Path(next(iter(spec.submodule_search_locations))) / "models" / module
    files = sorted(folder.glob("modeling_*.py")) if folder.is_dir() else []
    if not files:
        return None
    return "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files)


def _from_source(b: _Builder) -> SideLimits:
    """No rule for this architecture: read how its modelling code computes positions."""
    mt = b.model_type
    source = _modeling_source(mt) or ""
    best_effort = (f"seqfit has no rule for model type {mt!r}; this is a best effort from its "
                   "config and modelling code. Check one forward pass at the limit.")
    found = b.table()
    if "create_position_ids_from_input_ids" in source and found:
        b.warnings.append(best_effort)
        pad = _int_attr(b.config, "pad_token_id")
        pad = 1 if pad is None else pad
        return b.hard_table("absolute", offset=pad + 1, offset_reason=(
            f"its modelling code counts positions from padding_idx + 1 = {pad + 1} (the RoBERTa "
            "recipe)"))
    if re.search(r"self\.offset = 2", source) and found:
        b.warnings.append(best_effort)
        return b.hard_table("absolute", extra_rows=2, offset=2,
                            offset_reason="its modelling code shifts positions by 2")
    if "alibi" in source.lower() and "position_embeddings" not in source:
        b.warnings.append(best_effort)
        return b.unbounded("alibi", "Its modelling code uses ALiBi distance biases")
    if re.search(r"apply_rotary_pos_emb|RotaryEmbedding", source) and \
            "nn.Embedding(config.max_position_embeddings" not in source:
        b.warnings.append(best_effort)
        return b.unbounded("rotary", "Its modelling code uses rotary position embeddings")
    if found is not None:
        b.warnings.append(best_effort if source else (
            f"seqfit has no rule for model type {mt!r}; assuming a learned position table "
            "indexed from 0. Check one forward pass at the limit."))
        return b.hard_table("absolute")
    if re.search(r"relative_attention_bias|relative_position", source):
        b.warnings.append(best_effort)
        return b.unbounded("relative", "Its modelling code uses relative positions")
    b.warnings.append(
        f"seqfit has no rule for model type {mt!r} and its config names no position table; "
        "treating it as having no hard length limit.")
    return b.done("none", None, 0, None, None)


def family(model_type: str) -> str:
    """The architecture family of a (sub-)config: ``clap_text_model`` is ``clap``."""
    base = re.sub(r"_text_model$", "", model_type)
    shorter = re.sub(r"_text$", "", base)  # gemma3_text is gemma3, but speech_to_text is itself
    return shorter if shorter != base and shorter in RULES else base


def _prophetnet(b: _Builder) -> SideLimits:
    """ProphetNet counts positions from pad_token_id + 1 and CLAMPS them to the table: the
    encoder never fails, it silently reuses the last position. The decoder's predicting streams
    look one position further, so they fail one token earlier."""
    found = b.table()
    if found is None:
        return b.hard_table("absolute")
    name, size = found
    pad = _int_attr(b.config, "pad_token_id") or 0
    usable = size - pad - 1
    if b.side == "encoder":
        b.notes.append(f"config.{name} is {size} and positions start at pad_token_id + 1 = "
                       f"{pad + 1}, so {usable} positions are distinct.")
        b.warnings.append(
            f"prophetnet clamps positions to its table: inputs longer than {usable} tokens run "
            "without error but every token past it gets the same position. Treat "
            f"{usable} as the limit.")
        return b.done("absolute", size, pad + 1, None, usable)
    b.notes.append(f"config.{name} is {size}; decoder positions start at pad_token_id + 1 = "
                   f"{pad + 1} and the predicting stream reads one further, so {usable - 1} "
                   "decoder tokens fit.")
    return b.done("absolute", size, pad + 2, usable - 1, usable - 1)


def _reformer(b: _Builder) -> SideLimits:
    shape = getattr(b.config, "axial_pos_shape", None)
    if getattr(b.config, "axial_pos_embds", True) and shape:
        rows = math.prod(int(s) for s in shape)
        b.notes.append(
            f"Axial position embeddings cover {' x '.join(str(s) for s in shape)} = {rows} "
            "positions (config.axial_pos_shape); in training the length must equal it exactly."
        )
        return b.done("absolute", rows, 0, rows, rows)
    return b.hard_table("absolute")


def _multiple_and_minimum(b: _Builder) -> tuple[int, int]:
    config, mt = b.config, b.model_type
    multiple, minimum = 1, 1
    if mt == "longformer":
        window = getattr(config, "attention_window", None)
        window = max(window) if isinstance(window, (list, tuple)) else window
        if isinstance(window, int) and window > 0:
            b.notes.append(
                f"Longformer pads inputs to a multiple of attention_window = {window} with the "
                "pad id, whose position is the pad row, so the usable length does not round "
                "down.")
        return 1, 1
    if mt == "led" and b.side == "encoder":
        window = getattr(config, "attention_window", None)
        if isinstance(window, (list, tuple)):
            window = max(window)
        if isinstance(window, int) and window > 0:
            multiple = window
            b.notes.append(
                f"LED attention pads every encoder input to a multiple of attention_window = "
                f"{window}."
            )
    elif mt == "big_bird" and getattr(config, "attention_type", "") == "block_sparse":
        block = _int_attr(config, "block_size")
        if block:
            multiple = block
            b.notes.append(f"Block-sparse attention pads every input to a multiple of "
                           f"block_size = {block}.")
            b.warnings.append(
                "big_bird block-sparse attention switches to full attention for short inputs "
                "and its blocks depend on the padded length, so a padded batch does not give "
                "each text's unpadded outputs. Fix: config.attention_type = 'original_full' "
                "where exact per-text outputs matter.")
    elif mt == "reformer":
        chunks = [c for c in (_int_attr(config, "lsh_attn_chunk_length"),
                              _int_attr(config, "local_attn_chunk_length")) if c]
        if chunks:
            multiple = math.lcm(*chunks)
            b.notes.append(f"Reformer pads inputs to a multiple of its chunk length {multiple}.")
    elif mt == "canine":
        rate = _int_attr(config, "downsampling_rate")
        if rate and rate > 1:
            minimum = rate
            b.notes.append(f"CANINE downsamples characters by {rate}, so an input needs at "
                           f"least {rate} characters (special ones included).")
    elif mt == "funnel":
        minimum = _funnel_minimum(b)
    elif mt == "nystromformer":
        landmarks = _int_attr(config, "num_landmarks")
        segment = _int_attr(config, "segment_means_seq_len")
        if landmarks and segment and landmarks != segment:
            minimum = segment
            b.notes.append(
                f"Nystromformer with num_landmarks={landmarks} != segment_means_seq_len="
                f"{segment} only runs at exactly {segment} tokens: pad every input to it.")
    return multiple, minimum


def _funnel_minimum(b: _Builder) -> int:
    """Each Funnel block after the first halves the sequence; the relative-position tables of
    the last block need at least two pooled positions (measured on transformers 5.x: 2**p + 1
    with ``separate_cls``, 2**(p - 1) + 1 without, for p poolings)."""
    blocks = getattr(b.config, "block_sizes", None) or []
    poolings = max(0, len(blocks) - 1)
    if poolings == 0:
        return 1
    separate = bool(getattr(b.config, "separate_cls", True))
    minimum = 2 ** poolings + 1 if separate else 2 ** (poolings - 1) + 1
    b.notes.append(
        f"Funnel pools the sequence {poolings} time(s) (block_sizes={list(blocks)}"
        f"{', separate_cls' if separate else ''}), so an input needs at least {minimum} tokens.")
    if separate and not getattr(b.config, "truncate_seq", True):
        b.warnings.append(
            "funnel with separate_cls=True and truncate_seq=False also fails at some lengths "
            "above the minimum; pad inputs to an even length.")
    return minimum


_HANDLERS: dict[Rule, Callable[[_Builder], SideLimits]] = {
    "pad-offset": _pad_offset,
    "offset-table": lambda b: b.hard_table(
        "absolute", extra_rows=2, offset=2,
        offset_reason="positions are shifted by 2 (the fairseq offset)"),
    "offset-buffer": _offset_buffer,
    "fixed-sinusoidal": lambda b: b.hard_table("sinusoidal", what="fixed sinusoidal position"),
    "growing-sinusoidal": lambda b: b.unbounded(
        "sinusoidal", "Sinusoidal positions are recomputed for longer inputs"),
    "fixed-rotary": lambda b: b.hard_table("rotary", what="precomputed rotary sin/cos"),
    "rotary": lambda b: b.unbounded(
        "rotary", "Rotary position embeddings are computed for any position"),
    "relative": lambda b: b.unbounded(
        "relative", "Positions are relative distances between tokens"),
    "alibi": lambda b: b.unbounded("alibi", "ALiBi adds a distance bias instead of positions"),
    "hashed-characters": lambda b: b.hard_table(
        "hashed-characters", what="character position embeddings"),
    "absolute": _absolute,
    "none": lambda b: b.unbounded(
        "none", f"{family(b.model_type)} is recurrent (state-space) and uses no positions"),
    "optional-sinusoidal": _optional_sinusoidal,
    "deberta": _deberta,
    "esm": _esm,
    "falcon": _falcon,
    "led": _led,
    "mpt": lambda b: b.hard_table("alibi", names=("max_seq_len", *TABLE_FIELDS),
                                  what="precomputed ALiBi bias"),
    "prophetnet": _prophetnet,
    "reformer": _reformer,
}
