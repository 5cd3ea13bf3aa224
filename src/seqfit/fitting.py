"""``seqfit.fit``: texts (or text pairs) into model-ready windows that never exceed the limit.

Tokenization runs once, without special tokens, through the fast tokenizer's batch path; which
tokens go into which window is decided by the pure planner (:mod:`seqfit.plan`); the tokenizer's
special tokens are then put around each window from the layout :mod:`seqfit.model.layout` reads
off the tokenizer once. Nothing
is dropped without being counted: every document reports ``n_tokens``, ``n_windows``,
``truncated`` and ``tokens_dropped``, and rows that are not text are listed in ``skipped``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

from ._checks import as_list, check_whole, known_limit
from .errors import InputError, OptionError, SeqfitError, TooLongError
from .model.layout import Layout, Segment, layout_of
from .model.limits import ModelLimits, Padding, limits_for
from .plan import (
    PAIR_STRATEGIES,
    SINGLE_STRATEGIES,
    DocPlan,
    PairStrategy,
    SingleStrategy,
    Strategy,
    Window,
    default_overlap,
    plan_pair,
    plan_single,
    select,
)

OnBad = Literal["raise", "skip"]
TOKENIZE_CHUNK = 1000


@dataclass(frozen=True)
class FittedWindow:
    """One model-ready input: ids with special tokens, mask, token types, offsets, provenance.

    ``offsets`` are character spans into the document's text (the second text for tokens whose
    ``sequence_ids`` is 1); special tokens have ``(0, 0)`` and sequence id None, as in
    transformers.
    """

    doc: int
    index: int
    input_ids: list[int]
    attention_mask: list[int]
    token_type_ids: list[int] | None
    offsets: list[tuple[int, int]]
    sequence_ids: list[int | None]

    def __len__(self) -> int:
        return len(self.input_ids)


@dataclass(frozen=True)
class DocumentFit:
    """How one document was fitted: its full length and what was kept."""

    row: int
    n_tokens: int
    n_windows: int
    truncated: bool
    tokens_dropped: int
    first_window: int


@dataclass(frozen=True)
class Skipped:
    row: int
    reason: str


@dataclass(frozen=True)
class Fitted:
    """The result of :func:`fit`: windows in document order, and the account of every row."""

    windows: list[FittedWindow]
    documents: list[DocumentFit]
    skipped: list[Skipped]
    max_length: int
    strategy: str
    overlap: int | None  # None: a quarter of each window's room, the default
    pad_token_id: int | None = None
    padding: Padding | None = field(default=None, repr=False)
    min_tokens: int = 1  # the model's shortest input (CANINE, Funnel): batches pad up to it

    @property
    def lengths(self) -> list[int]:
        return [len(w) for w in self.windows]

    @property
    def tokens_dropped(self) -> int:
        return sum(d.tokens_dropped for d in self.documents)

    def summary(self) -> dict[str, Any]:
        """Counts for people and JSON: documents, windows, truncation and loss."""
        truncated = [d.row for d in self.documents if d.truncated]
        return {
            "documents": len(self.documents),
            "windows": len(self.windows),
            "max_length": self.max_length,
            "strategy": self.strategy,
            "overlap": self.overlap,
            "truncated_documents": len(truncated),
            "tokens": sum(d.n_tokens for d in self.documents),
            "tokens_dropped": self.tokens_dropped,
            "skipped": [{"row": s.row, "reason": s.reason} for s in self.skipped],
        }


def fit(
    texts: Iterable[Any],
    *,
    model: Any = None,
    tokenizer: Any = None,
    text_pairs: Iterable[Any] | None = None,
    strategy: Strategy = "window",
    max_length: int | None = None,
    overlap: int | None = None,
    head: int | None = None,
    on_bad: OnBad = "raise",
) -> Fitted:
    """Fit ``texts`` (and ``text_pairs``) into windows of at most ``max_length`` tokens,
    special tokens included.

    ``model`` is anything :func:`seqfit.inspect` accepts (a name, a folder, a config, a loaded
    model) or its :class:`~seqfit.ModelLimits`; ``tokenizer`` defaults to the model's own.
    ``max_length`` defaults to the model's usable length (``effective_max_tokens``), or the
    tokenizer's own limit. ``strategy``: ``"window"`` (default; consecutive windows share
    exactly ``overlap`` content tokens; by default a quarter of the room a window has for
    content, which for pairs is what the first text leaves), ``"head"``, ``"tail"``,
    ``"head+tail"`` (``head`` tokens from the start, the rest from the end), ``"error"``; for
    pairs ``"longest_first"``, ``"only_first"``, ``"only_second"`` or ``"window"`` (the first text
    repeats in every window, the second slides).
    """
    texts = as_list("texts", texts)
    pairs = as_list("text_pairs", text_pairs) if text_pairs is not None else None
    max_length = check_whole("max_length", max_length, optional=True, example=512)
    overlap = check_whole("overlap", overlap, minimum=0, optional=True, example=64)
    head = check_whole("head", head, minimum=0, optional=True, example=128)
    limits = limits_for(model)
    tokenizer = _tokenizer(tokenizer, model)
    if pairs is not None and len(pairs) != len(texts):
        raise InputError(
            f"{len(texts)} texts but {len(pairs)} text_pairs; each text needs its pair.",
            fix="pass lists of the same length, e.g. text_pairs=[ctx for _ in questions]")
    valid = PAIR_STRATEGIES if pairs is not None else SINGLE_STRATEGIES
    if strategy not in valid:
        kind = "text pairs" if pairs is not None else "single texts"
        raise OptionError(
            f"strategy={strategy!r} is not a strategy for {kind}; valid: "
            f"{', '.join(map(repr, valid))}.",
            option="strategy", value=strategy, fix=f"strategy={valid[-1]!r}")
    if on_bad not in get_args(OnBad):
        raise OptionError(f"on_bad={on_bad!r}; valid: 'raise', 'skip'.", option="on_bad",
                          value=on_bad, fix="on_bad='skip'")
    layout = layout_of(tokenizer)
    length = _max_length(max_length, limits, tokenizer)
    specials = layout.n_pair if pairs is not None else layout.n_single
    budget = _budget(length, specials, pairs is not None, strategy, overlap)
    keep_types = _keep_types(limits, tokenizer)

    rows, skipped = _valid_rows(texts, pairs, on_bad)
    first_ids, first_offsets = _tokenize(tokenizer, [texts[r] for r in rows])
    second_ids, second_offsets = (_tokenize(tokenizer, [pairs[r] for r in rows])
                                  if pairs is not None else ([], []))
    windows: list[FittedWindow] = []
    documents: list[DocumentFit] = []
    for k, row in enumerate(rows):
        n_first = len(first_ids[k])
        n_second = len(second_ids[k]) if pairs is not None else 0
        if n_first + n_second + specials == 0:
            # Nothing at all to feed the model: say so instead of emitting an empty row.
            skipped.append(Skipped(row, "empty text, and the tokenizer adds no special tokens"))
            continue
        try:
            plan = _plan_row(n_first, n_second if pairs is not None else None, budget=budget,
                             strategy=strategy, overlap=overlap, head=head)
        except SeqfitError as exc:
            if isinstance(exc, TooLongError):
                raise _too_long(row, n_first + n_second, specials, length,
                                pairs is not None) from None
            raise exc.with_context(f"row {row}", row=row) from None
        documents.append(_document(row, plan, len(windows)))
        for w, window in enumerate(plan.windows):
            windows.append(_build(layout, row, w, window, first_ids[k], first_offsets[k],
                                  second_ids[k] if pairs is not None else None,
                                  second_offsets[k] if pairs is not None else None,
                                  keep_types))
    skipped.sort(key=lambda s: s.row)
    return Fitted(windows, documents, skipped, length, strategy, overlap,
                  pad_token_id=getattr(tokenizer, "pad_token_id", None),
                  padding=limits.padding if limits is not None else None,
                  min_tokens=limits.min_tokens if limits is not None else 1)


def _tokenizer(tokenizer: Any, model: Any) -> Any:
    """The tokenizer given, or the one of ``model`` (a name, folder or loaded model)."""
    if tokenizer is not None:
        if not callable(tokenizer):
            raise OptionError(
                f"tokenizer is a {type(tokenizer).__name__}, not a tokenizer.",
                option="tokenizer", value=repr(tokenizer)[:80],
                fix="tokenizer=AutoTokenizer.from_pretrained(name), or model=name alone")
        return tokenizer
    if model is not None and not isinstance(model, ModelLimits):
        from .model.loading import load

        found = load(model, fast=False).tokenizer
        if found is not None:
            return found
    raise OptionError(
        "seqfit.fit needs a tokenizer, and none was given"
        + (" nor found with the model." if model is not None else "."),
        option="tokenizer", value=None,
        fix="seqfit.fit(texts, model=name) with a hub name or folder, or "
            "seqfit.fit(texts, tokenizer=AutoTokenizer.from_pretrained(name))")


def _plan_row(n_first: int, n_second: int | None, *, budget: int, strategy: str,
              overlap: int | None, head: int | None) -> DocPlan:
    if n_second is None:
        return plan_single(n_first, budget=budget, strategy=cast(SingleStrategy, strategy),
                           overlap=_overlap(overlap, budget), head=head)
    room = budget - n_first  # the first text repeats in every window
    return plan_pair(n_first, n_second, budget=budget, strategy=cast(PairStrategy, strategy),
                     overlap=_overlap(overlap, room))


def _budget(length: int, specials: int, pair: bool, strategy: str, overlap: int | None) -> int:
    """Content tokens per window; options that cannot work for any row fail here, once."""
    budget = length - specials
    if budget < 1:
        what = "a pair" if pair else "a text"
        raise OptionError(
            f"max_length={length} leaves no room for text: the tokenizer adds {specials} special "
            f"tokens to {what}.",
            option="max_length", value=length, fix=f"max_length={specials + 1} or more")
    if strategy == "window" and not pair and overlap is not None and not 0 <= overlap < budget:
        raise OptionError(
            f"overlap={overlap} but each window holds {budget} tokens of text (max_length "
            f"{length} - {specials} special tokens); the overlap must be 0..{budget - 1}.",
            option="overlap", value=overlap, fix=f"overlap={default_overlap(budget)}")
    return budget


def _too_long(row: int, content: int, specials: int, length: int, pair: bool) -> TooLongError:
    """strategy='error' refused a row: say it in whole-input tokens, as max_length counts."""
    total = content + specials
    fix = ("strategy='window' (the first text in every window, the second sliding), or "
           "strategy='longest_first' to truncate and count what is dropped" if pair else
           "strategy='window' to keep every token in windows, or strategy='head' (or 'tail', "
           "'head+tail') to truncate and count what is dropped")
    return TooLongError(
        length=total, limit=length, row=row,
        message=f"row {row} has {total} tokens ({content} of text + {specials} special) but "
                f"max_length is {length}.",
        fix=fix)


def _overlap(overlap: int | None, room: int) -> int:
    """The explicit overlap, or by default a quarter of the room a window has for sliding."""
    return overlap if overlap is not None else default_overlap(room)


def _max_length(max_length: int | None, limits: ModelLimits | None, tokenizer: Any) -> int:
    hard = limits.max_tokens if limits is not None else None
    if max_length is None:
        max_length = limits.effective_max_tokens if limits is not None else None
    if max_length is None:
        max_length = known_limit(getattr(tokenizer, "model_max_length", None))
    if max_length is None and limits is not None:
        raise OptionError(
            f"no max_length: {limits.model_type} models have no hard length limit and neither "
            "the config nor the tokenizer says what length the model was trained on.",
            option="max_length", value=None,
            fix="max_length=512 (or the length the model card gives)")
    if max_length is None:
        raise OptionError(
            "no max_length: the tokenizer's model_max_length is unset (the 1e30 sentinel) and "
            "no model limits were given.",
            option="max_length", value=None,
            fix="seqfit.fit(texts, model=name, tokenizer=tok), or max_length=512")
    if hard is not None and max_length > hard:
        raise OptionError(
            f"max_length={max_length} is above what the model accepts ({hard} tokens).",
            option="max_length", value=max_length, limit=hard, fix=f"max_length={hard}")
    if max_length < 1:
        raise OptionError(f"max_length={max_length}; it must be at least 1.",
                          option="max_length", value=max_length, fix="max_length=512")
    return max_length


def _keep_types(limits: ModelLimits | None, tokenizer: Any) -> bool:
    if limits is not None:
        return limits.uses_token_type_ids
    return "token_type_ids" in getattr(tokenizer, "model_input_names", ())


def _valid_rows(texts: list[Any], pairs: list[Any] | None, on_bad: str
                ) -> tuple[list[int], list[Skipped]]:
    rows: list[int] = []
    skipped: list[Skipped] = []
    for row, text in enumerate(texts):
        bad = [f"{name} is {_describe(value)}" for name, value in
               (("text", text), ("text_pair", pairs[row] if pairs is not None else ""))
               if not isinstance(value, str)]
        if not bad:
            rows.append(row)
        elif on_bad == "skip":
            skipped.append(Skipped(row, "; ".join(bad)))
        else:
            raise InputError(
                f"row {row}: {'; '.join(bad)}, not a string.", row=row,
                fix="clean the data (e.g. texts = [t or '' for t in texts]), or "
                    "seqfit.fit(..., on_bad='skip') to list such rows in Fitted.skipped")
    return rows, skipped


def _describe(value: Any) -> str:
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _tokenize(tokenizer: Any, texts: list[str]) -> tuple[list[list[int]],
                                                         list[list[tuple[int, int]]]]:
    """Content ids and character offsets, through the fast tokenizer's batch path."""
    ids: list[list[int]] = []
    offsets: list[list[tuple[int, int]]] = []
    fast = bool(getattr(tokenizer, "is_fast", False))
    for start in range(0, len(texts), TOKENIZE_CHUNK):
        chunk = texts[start:start + TOKENIZE_CHUNK]
        enc = tokenizer(chunk, add_special_tokens=False, return_attention_mask=False,
                        return_token_type_ids=False, return_offsets_mapping=fast,
                        verbose=False)  # seqfit accounts for long texts itself
        ids.extend(list(row) for row in enc["input_ids"])
        if fast:
            offsets.extend([tuple(o) for o in row] for row in enc["offset_mapping"])
        else:
            offsets.extend([(0, 0)] * len(row) for row in enc["input_ids"])
    return ids, offsets


def _document(row: int, plan: DocPlan, first_window: int) -> DocumentFit:
    return DocumentFit(row, plan.n_tokens, plan.n_windows, plan.truncated, plan.tokens_dropped,
                       first_window)


class _Row:
    """Accumulates one window: special segments and content runs, with their side data."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.types: list[int] = []
        self.offsets: list[tuple[int, int]] = []
        self.sequence_ids: list[int | None] = []

    def special(self, segment: Segment) -> None:
        self.ids.extend(segment.ids)
        self.types.extend(segment.types)
        self.offsets.extend([(0, 0)] * len(segment.ids))
        self.sequence_ids.extend([None] * len(segment.ids))

    def content(self, ids: list[int], offsets: list[tuple[int, int]], type_id: int,
                sequence: int) -> None:
        self.ids.extend(ids)
        self.types.extend([type_id] * len(ids))
        self.offsets.extend(offsets)
        self.sequence_ids.extend([sequence] * len(ids))


def _build(layout: Layout, row: int, index: int, window: Window, ids_a: list[int],
           offsets_a: list[tuple[int, int]], ids_b: list[int] | None,
           offsets_b: list[tuple[int, int]] | None, keep_types: bool) -> FittedWindow:
    out = _Row()
    if ids_b is None or offsets_b is None:
        out.special(layout.prefix)
        out.content(select(ids_a, window.first), select(offsets_a, window.first),
                    layout.a_type, 0)
        out.special(layout.suffix)
    else:
        out.special(layout.pair_prefix)
        out.content(select(ids_a, window.first), select(offsets_a, window.first),
                    layout.a_type, 0)
        out.special(layout.middle)
        out.content(select(ids_b, window.second), select(offsets_b, window.second),
                    layout.b_type, 1)
        out.special(layout.pair_suffix)
    return FittedWindow(row, index, out.ids, [1] * len(out.ids),
                        out.types if keep_types else None, out.offsets, out.sequence_ids)
