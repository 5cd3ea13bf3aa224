"""``seqfit.profile``: how a dataset's texts fit a model, before you train or run it.

The work is shaped as functions over batches of rows, so a distributed engine can map them over
partitions and merge the results: :func:`token_lengths` turns a batch of texts into lengths,
:class:`LengthStats` accumulates lengths (a histogram, so memory stays flat however many rows)
and merges with another, :func:`summarize` turns the stats into a :class:`Profile`.

>>> stats = LengthStats(batch_size=2)
>>> stats.add([3, 10, 4, 4])
>>> summary = summarize(stats, max_length=8, special_tokens=2)
>>> summary.rows, summary.over_limit.value, summary.percentiles["max"].value
(4, 0.25, 10.0)
"""

from __future__ import annotations

import itertools
import math
import random
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..errors import OptionError
from ..plan import default_batch_tokens, default_overlap, longest_first_shapes, window_count

Z95 = 1.959963984540054
PERCENTILES = (50, 90, 95, 99)


@dataclass(frozen=True)
class Estimate:
    """A figure, with its 95% confidence interval when it was computed on a sample."""

    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Cost:
    """What one batching strategy computes for the whole dataset (one window per text, truncated
    to max_length): padded tokens, the share of them that is padding, and the compute relative
    to no padding at all, linear in tokens and with attention's quadratic term."""

    strategy: str
    padded_tokens: int
    padding_share: float
    relative_linear: float
    relative_quadratic: float
    batches: int


@dataclass(frozen=True)
class Recommendation:
    coverage: float
    max_length: int
    rows_over: Estimate
    tokens_lost: Estimate


@dataclass(frozen=True)
class Profile:
    """Lengths are in tokens of the model's tokenizer, special tokens included."""

    rows: int
    invalid: list[tuple[int, str]]
    invalid_count: int
    max_length: int
    special_tokens: int
    overlap: int
    mean: Estimate
    percentiles: dict[str, Estimate]
    over_limit: Estimate
    over_limit_rows: Estimate
    tokens_lost: Estimate
    windows: Estimate
    window_multiplier: Estimate
    recommended: list[Recommendation]
    costs: list[Cost]
    histogram: list[tuple[int, int, int]]
    cdf: list[tuple[float, float]] = field(default_factory=list)
    sample_size: int | None = None
    model: str | None = None
    source: str | None = None
    tokens: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def token_lengths(tokenizer: Any, texts: Sequence[str],
                  pairs: Sequence[str] | None = None) -> np.ndarray:
    """Token counts (special tokens included) of a batch, through the Rust batch path without
    building id lists; a slow tokenizer falls back to encoding each text."""
    backend = _fast_backend(tokenizer)
    if backend is not None:
        inputs: Sequence[Any] = list(zip(texts, pairs, strict=True)) if pairs is not None \
            else texts
        encode = getattr(backend, "encode_batch_fast", backend.encode_batch)  # < 0.21: no fast
        encodings = encode(inputs, add_special_tokens=True)
        return np.fromiter((len(e) for e in encodings), dtype=np.int64, count=len(encodings))
    if pairs is not None:
        out = [len(tokenizer(t, p)["input_ids"]) for t, p in zip(texts, pairs, strict=True)]
    else:
        out = [len(tokenizer(t)["input_ids"]) for t in texts]
    return np.asarray(out, dtype=np.int64)


_BACKENDS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _fast_backend(tokenizer: Any) -> Any:
    """An independent copy of the Rust tokenizer with truncation and padding off (the shared one
    keeps whatever the last call set), made once per tokenizer."""
    cached = _BACKENDS.get(tokenizer, False)
    if cached is not False:
        return cached
    backend = getattr(tokenizer, "backend_tokenizer", None)
    copy = None
    if backend is not None and hasattr(backend, "encode_batch"):
        from tokenizers import Tokenizer

        copy = Tokenizer.from_str(backend.to_str())
        copy.no_truncation()
        copy.no_padding()
    _BACKENDS[tokenizer] = copy
    return copy


class FileOrder:
    """The fixed-size batches of ``batch_size`` rows that a plain ``DataLoader`` makes in arrival
    order, kept so that the stats of consecutive partitions merge **exactly**.

    A partition does not know where its rows fall in the whole stream, so it keeps, for each of
    the ``batch_size`` possible offsets of its first row, the widths of the batches that lie
    entirely inside it; plus its first and last ``batch_size - 1`` lengths, which are all a
    batch crossing into the next partition can need. The state is a function of the rows alone,
    so merging is exact and associative: ``(a + b) + c == a + (b + c) == one pass``.
    """

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self.rows = 0
        self.head: list[int] = []  # the first batch_size - 1 lengths
        self.tail: list[int] = []  # the last batch_size - 1 lengths
        self.inside: list[dict[int, int]] = [{} for _ in range(batch_size)]  # width -> batches

    @classmethod
    def of(cls, lengths: np.ndarray, batch_size: int) -> FileOrder:
        part = cls(batch_size)
        n = int(lengths.size)
        keep = batch_size - 1
        part.rows = n
        part.head = lengths[:keep].tolist()
        part.tail = lengths[max(0, n - keep):].tolist() if keep else []
        for offset in range(batch_size):
            start = (batch_size - offset) % batch_size
            full = (n - start) // batch_size if n > start else 0
            if full:
                widths = lengths[start:start + full * batch_size].reshape(full, batch_size)
                values, counts = np.unique(widths.max(axis=1), return_counts=True)
                part.inside[offset] = dict(zip(values.tolist(), counts.tolist(), strict=True))
        return part

    def __add__(self, other: FileOrder) -> FileOrder:
        """The rows of ``self`` followed by the rows of ``other``."""
        size = self.batch_size
        merged = FileOrder(size)
        merged.rows = self.rows + other.rows
        keep = size - 1
        merged.head = (self.head + other.head)[:keep]
        merged.tail = (self.tail + other.tail)[-keep:] if keep else []
        for offset in range(size):
            widths = dict(self.inside[offset])
            shifted = (offset + self.rows) % size  # where ``other`` starts in the stream
            for width, count in other.inside[shifted].items():
                widths[width] = widths.get(width, 0) + count
            # the batch that crosses from self into other: its last ``shifted`` rows of self
            if 0 < shifted <= self.rows and other.rows >= size - shifted:
                width = max(self.tail[-shifted:] + other.head[:size - shifted])
                widths[width] = widths.get(width, 0) + 1
            merged.inside[offset] = widths
        return merged

    def shapes(self) -> list[tuple[int, int]]:
        """``(rows, width)`` of every batch of the stream (it starts at offset 0), the last
        partial one included."""
        out = [(self.batch_size, w) for w, count in sorted(self.inside[0].items())
               for _ in range(count)]
        left = self.rows % self.batch_size
        if left:
            out.append((left, max(self.tail[-left:])))
        return out


class LengthStats:
    """Accumulates token lengths: a histogram (exact percentiles in O(longest) memory), and the
    fixed-size batches of the arrival order (:class:`FileOrder`, the baseline users run today).
    ``merge`` combines the stats of consecutive partitions, exactly and associatively."""

    def __init__(self, *, batch_size: int = 32) -> None:
        self.counts = np.zeros(0, dtype=np.int64)
        self.batch_size = batch_size
        self.file_order = FileOrder(batch_size)

    def add(self, lengths: Iterable[int] | np.ndarray) -> None:
        array = np.asarray(lengths, dtype=np.int64).reshape(-1)
        if array.size == 0:
            return
        top = int(array.max()) + 1
        if top > self.counts.size:
            self.counts = np.concatenate([self.counts, np.zeros(top - self.counts.size,
                                                                 dtype=np.int64)])
        self.counts += np.bincount(array, minlength=self.counts.size)
        self.file_order = self.file_order + FileOrder.of(array, self.batch_size)

    def merge(self, other: LengthStats) -> LengthStats:
        """The stats of ``self``'s rows followed by ``other``'s."""
        if other.batch_size != self.batch_size:
            raise OptionError(
                f"cannot merge stats of batch_size {self.batch_size} and {other.batch_size}: "
                "their file-order batches differ.", option="batch_size", value=other.batch_size,
                fix=f"LengthStats(batch_size={self.batch_size}) for every partition")
        merged = LengthStats(batch_size=self.batch_size)
        size = max(self.counts.size, other.counts.size)
        merged.counts = np.zeros(size, dtype=np.int64)
        merged.counts[:self.counts.size] += self.counts
        merged.counts[:other.counts.size] += other.counts
        merged.file_order = self.file_order + other.file_order
        return merged

    @property
    def rows(self) -> int:
        return int(self.counts.sum())

    def fixed_widths(self) -> list[tuple[int, int]]:
        """(rows, width) of every fixed-size batch in arrival order, the last partial one
        included."""
        return self.file_order.shapes()


def summarize(stats: LengthStats, *, max_length: int, special_tokens: int,
              overlap: int | None = None, batch_tokens: int | None = None,
              sample_of: int | None = None, invalid: Sequence[tuple[int, str]] = (),
              invalid_count: int | None = None) -> Profile:
    """Every figure of a profile from accumulated lengths. ``sample_of``: the stats hold a
    uniform sample of that many rows; figures then come with 95% confidence intervals."""
    lengths = np.arange(stats.counts.size)
    counts = stats.counts
    n = int(counts.sum())
    sampled = sample_of is not None
    total = sample_of if sample_of is not None else n
    budget = max(1, max_length - special_tokens)
    step_overlap = overlap if overlap is not None else default_overlap(budget)
    if not 0 <= step_overlap < budget:
        raise OptionError(
            f"overlap={step_overlap} but a window holds {budget} tokens of text (max_length "
            f"{max_length} - {special_tokens} special tokens); it must be 0..{budget - 1}.",
            option="overlap", value=step_overlap, fix=f"overlap={default_overlap(budget)}")
    tokens = int((lengths * counts).sum())

    def share(mask: np.ndarray) -> Estimate:
        k = int(counts[mask].sum())
        return _proportion(k, n, sampled)

    over = lengths > max_length
    lost = np.maximum(lengths - max_length, 0)
    content = np.maximum(lengths - special_tokens, 0)
    windows = np.fromiter((window_count(c, budget, step_overlap) for c in content.tolist()),
                          dtype=np.int64, count=content.size)
    window_tokens = windows * special_tokens + content + (windows - 1) * step_overlap
    over_limit = share(over)
    return Profile(
        rows=total,
        invalid=list(invalid)[:100],
        invalid_count=invalid_count if invalid_count is not None else len(invalid),
        max_length=max_length,
        special_tokens=special_tokens,
        overlap=step_overlap,
        mean=_mean(lengths, counts, sampled),
        percentiles={**{f"p{p}": _quantile(lengths, counts, p / 100, sampled)
                        for p in PERCENTILES},
                     "max": Estimate(float(lengths[counts > 0].max()) if n else 0.0)},
        over_limit=over_limit,
        over_limit_rows=_scale(over_limit, total),
        tokens_lost=_ratio(lengths, counts, lost, lengths, sampled),
        windows=_scale(_ratio(lengths, counts, windows, np.ones_like(lengths), sampled), total),
        window_multiplier=_ratio(lengths, counts, window_tokens, lengths, sampled),
        recommended=[_recommend(lengths, counts, c, max_length, sampled) for c in (0.95, 0.99)],
        costs=_costs(stats, lengths, counts, max_length, batch_tokens),
        histogram=_histogram(lengths, counts, max_length),
        cdf=[(_quantile(lengths, counts, q / 100, False).value, q / 100) for q in range(1, 101)],
        sample_size=n if sampled else None,
        tokens=tokens if not sampled else round(tokens * total / max(n, 1)),
    )


def _proportion(k: int, n: int, sampled: bool) -> Estimate:
    """A share, with Wilson's 95% interval when sampled."""
    if n == 0:
        return Estimate(0.0)
    p = k / n
    if not sampled:
        return Estimate(p)
    denom = 1 + Z95 ** 2 / n
    centre = (p + Z95 ** 2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / denom
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half))


def _scale(estimate: Estimate, total: int) -> Estimate:
    return Estimate(estimate.value * total,
                    None if estimate.low is None else estimate.low * total,
                    None if estimate.high is None else estimate.high * total)


def _mean(lengths: np.ndarray, counts: np.ndarray, sampled: bool) -> Estimate:
    n = int(counts.sum())
    if n == 0:
        return Estimate(0.0)
    mean = float((lengths * counts).sum() / n)
    if not sampled or n < 2:
        return Estimate(mean)
    var = float((counts * (lengths - mean) ** 2).sum() / (n - 1))
    half = Z95 * math.sqrt(var / n)
    return Estimate(mean, mean - half, mean + half)


def _ratio(lengths: np.ndarray, counts: np.ndarray, numer: np.ndarray, denom: np.ndarray,
           sampled: bool) -> Estimate:
    """Σ numer / Σ denom over rows (a ratio estimator), with a delta-method interval."""
    n = int(counts.sum())
    top, bottom = float((numer * counts).sum()), float((denom * counts).sum())
    if n == 0 or bottom == 0:
        return Estimate(0.0)
    r = top / bottom
    if not sampled or n < 2:
        return Estimate(r)
    residual = numer - r * denom
    var = float((counts * residual ** 2).sum() / (n - 1)) / (n * (bottom / n) ** 2)
    half = Z95 * math.sqrt(var)
    return Estimate(r, r - half, r + half)


def _quantile(lengths: np.ndarray, counts: np.ndarray, q: float, sampled: bool) -> Estimate:
    """The q-quantile (lower, as numpy's 'inverted_cdf'), with a distribution-free interval
    from order statistics when sampled."""
    n = int(counts.sum())
    if n == 0:
        return Estimate(0.0)
    cumulative = np.cumsum(counts)

    def at_rank(rank: int) -> float:
        rank = min(max(rank, 1), n)
        return float(lengths[int(np.searchsorted(cumulative, rank))])

    value = at_rank(math.ceil(q * n))
    if not sampled:
        return Estimate(value)
    half = Z95 * math.sqrt(n * q * (1 - q))
    return Estimate(value, at_rank(math.floor(q * n - half)), at_rank(math.ceil(q * n + half)))


def _recommend(lengths: np.ndarray, counts: np.ndarray, coverage: float, limit: int,
               sampled: bool) -> Recommendation:
    covered = _quantile(lengths, counts, coverage, False).value
    length = min(limit, max(8, int(math.ceil(covered / 8) * 8)))
    n = int(counts.sum())
    over = _proportion(int(counts[lengths > length].sum()), n, sampled)
    lost = _ratio(lengths, counts, np.maximum(lengths - length, 0), lengths, sampled)
    return Recommendation(coverage, length, over, lost)


def _costs(stats: LengthStats, lengths: np.ndarray, counts: np.ndarray, max_length: int,
           batch_tokens: int | None) -> list[Cost]:
    """Padding and compute of four ways to batch, on lengths truncated to max_length."""
    truncated = np.minimum(lengths, max_length)
    real = float((truncated * counts).sum())
    real_sq = float((truncated.astype(np.float64) ** 2 * counts).sum())
    n = int(counts.sum())
    budget = batch_tokens or default_batch_tokens(max_length)
    fixed_rows = max(1, budget // max_length)
    if n == 0 or real == 0:
        return []

    def cost(name: str, shapes: list[tuple[int, int]]) -> Cost:
        padded = sum(r * w for r, w in shapes)
        quad = sum(r * w * w for r, w in shapes)
        return Cost(name, int(padded), 1 - real / padded if padded else 0.0, padded / real,
                    quad / real_sq if real_sq else 0.0, len(shapes))

    full = [(fixed_rows, max_length)] * (n // fixed_rows) + (
        [(n % fixed_rows, max_length)] if n % fixed_rows else [])
    in_order = [(r, min(w, max_length)) for r, w in stats.fixed_widths()]
    return [
        cost("pad to max_length", full),
        cost(f"dynamic padding, file order, batches of {stats.batch_size}", in_order),
        cost(f"seqfit: length-ordered, {budget} tokens per batch",
             _budget_shapes(truncated, counts, budget)),
        cost("no padding (the limit)", [(int(c), int(t)) for t, c in zip(truncated, counts,
                                                                           strict=True) if c]),
    ]


def _budget_shapes(truncated: np.ndarray, counts: np.ndarray, budget: int
                   ) -> list[tuple[int, int]]:
    """seqfit's longest-first token-budget batches, planned over the histogram (no row list)."""
    per_length: dict[int, int] = {}
    for t, c in zip(truncated.tolist(), counts.tolist(), strict=True):
        if c:
            per_length[t] = per_length.get(t, 0) + c
    runs = [(length, per_length[length]) for length in sorted(per_length, reverse=True)]
    return longest_first_shapes(runs, batch_tokens=budget)


def _histogram(lengths: np.ndarray, counts: np.ndarray, max_length: int
               ) -> list[tuple[int, int, int]]:
    """(low, high, rows) buckets: 16 up to max_length, then 4 beyond it."""
    if counts.sum() == 0:
        return []
    top = int(lengths[counts > 0].max())
    edges = list(np.linspace(0, max_length, 17).astype(int))
    if top > max_length:
        edges += list(np.linspace(max_length, top + 1, 5).astype(int)[1:])
    edges[-1] = max(edges[-1], top + 1)
    out = []
    for low, high in itertools.pairwise(edges):
        if high > low:
            out.append((int(low), int(high), int(counts[low:high].sum())))
    return out


class Reservoir:
    """A uniform random sample of ``size`` items from a stream, in one pass (Algorithm R);
    items keep their arrival order in :meth:`items`."""

    def __init__(self, size: int, seed: int = 0) -> None:
        self.size = size
        self.seen = 0
        self._rng = random.Random(seed)
        self._items: list[tuple[int, Any]] = []

    def offer(self, item: Any) -> None:
        if len(self._items) < self.size:
            self._items.append((self.seen, item))
        else:
            j = self._rng.randrange(self.seen + 1)
            if j < self.size:
                self._items[j] = (self.seen, item)
        self.seen += 1

    def items(self) -> list[Any]:
        return [item for _, item in sorted(self._items, key=lambda pair: pair[0])]
