"""Where a tokenizer puts its special tokens, read off it once by probing.

Both :func:`seqfit.inspect` (how many special tokens a text and a pair take, and the template)
and :func:`seqfit.fit` (which ids to put around each window) use the one :class:`Layout` read
here, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import SeqfitError

PROBES = (("hello", "world"), ("a", "b"), ("x", "y"))


@dataclass(frozen=True)
class Segment:
    """Special tokens around one text: ids and token types before/after the content."""

    ids: tuple[int, ...] = ()
    types: tuple[int, ...] = ()


@dataclass(frozen=True)
class Layout:
    """Where a tokenizer puts its special tokens.

    Single: ``prefix + A + suffix``; pair: ``prefix + A + middle + B + suffix``.
    ``a_type``/``b_type`` are the token types of the texts' own tokens.
    """

    prefix: Segment
    suffix: Segment
    pair_prefix: Segment
    middle: Segment
    pair_suffix: Segment
    a_type: int = 0
    b_type: int = 1

    @property
    def n_single(self) -> int:
        return len(self.prefix.ids) + len(self.suffix.ids)

    @property
    def n_pair(self) -> int:
        return len(self.pair_prefix.ids) + len(self.middle.ids) + len(self.pair_suffix.ids)


@dataclass(frozen=True)
class SpecialTokens:
    """How many special tokens the tokenizer adds, and where (``$A``/``$B`` mark the texts)."""

    single: int
    pair: int
    single_template: str | None = None
    pair_template: str | None = None


def layout_of(tokenizer: Any) -> Layout:
    """Read where ``tokenizer`` puts its special tokens, by encoding probe words with and without
    them. Works for every template-style post-processor (BERT, RoBERTa, T5, XLNet, Llama...)."""
    for a, b in PROBES:
        layout = _try_layout(tokenizer, a, b)
        if layout is not None:
            return layout
    raise SeqfitError(
        f"could not read where {type(tokenizer).__name__} puts its special tokens (its output "
        "with special tokens does not contain its output without them).",
        fix="pass add_special_tokens=False texts through tokenizer(...) yourself, or report the "
            "tokenizer to seqfit")


def special_tokens(tokenizer: Any) -> SpecialTokens:
    """Counts and templates (``[CLS] $A [SEP]``) of the special tokens, from the probed layout;
    a tokenizer whose layout cannot be probed still reports its counts, without templates."""
    try:
        layout = layout_of(tokenizer)
    except Exception:  # a tokenizer that cannot encode plain text still has counts
        return SpecialTokens(int(tokenizer.num_special_tokens_to_add(pair=False)),
                             int(tokenizer.num_special_tokens_to_add(pair=True)))

    def render(parts: Sequence[Segment | str]) -> str:
        tokens: list[str] = []
        for part in parts:
            if isinstance(part, str):
                tokens.append(part)
            else:
                tokens += [str(t) for t in tokenizer.convert_ids_to_tokens(list(part.ids))]
        return " ".join(tokens)

    return SpecialTokens(
        layout.n_single, layout.n_pair, render([layout.prefix, "$A", layout.suffix]),
        render([layout.pair_prefix, "$A", layout.middle, "$B", layout.pair_suffix]))


def _encode(tokenizer: Any, *texts: str, special: bool) -> tuple[list[int], list[int]]:
    enc = tokenizer(*texts, add_special_tokens=special, return_token_type_ids=True)
    ids = list(enc["input_ids"])
    types = list(enc.get("token_type_ids") or [0] * len(ids))
    return ids, types


def _split(full: tuple[list[int], list[int]], parts: Sequence[list[int]]
           ) -> tuple[list[Segment], list[int]] | None:
    ids, types = full
    segments: list[Segment] = []
    content_types: list[int] = []
    cursor = 0
    for part in parts:
        at = next((i for i in range(cursor, len(ids) - len(part) + 1)
                   if ids[i:i + len(part)] == part), -1)
        if at < 0 or not part:
            return None
        segments.append(Segment(tuple(ids[cursor:at]), tuple(types[cursor:at])))
        content_types.append(types[at])
        cursor = at + len(part)
    segments.append(Segment(tuple(ids[cursor:]), tuple(types[cursor:])))
    return segments, content_types


def _try_layout(tokenizer: Any, a: str, b: str) -> Layout | None:
    plain_a = _encode(tokenizer, a, special=False)[0]
    plain_b = _encode(tokenizer, b, special=False)[0]
    single = _split(_encode(tokenizer, a, special=True), [plain_a])
    pair = _split(_encode(tokenizer, a, b, special=True), [plain_a, plain_b])
    if single is None or pair is None:
        return None
    (prefix, suffix), _ = single
    (pair_prefix, middle, pair_suffix), (a_type, b_type) = pair
    return Layout(prefix, suffix, pair_prefix, middle, pair_suffix, a_type, b_type)
