"""Every figure of a profile, from accumulated lengths: percentiles, loss per strategy,
windows, recommended max_length and batching costs, with 95% confidence intervals when the
lengths are a sample.

>>> from seqfit.profiling.stats import LengthStats
>>> stats = LengthStats(batch_size=2)
>>> stats.add([3, 10, 4, 4])
>>> summary = summarize(stats, max_length=8, special_tokens=2)
>>> summary.rows, summary.over_limit.value, summary.percentiles["max"].value
(4, 0.25, 10.0)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..errors import OptionError
from ..plan import default_batch_tokens, default_overlap, longest_first_shapes, window_count
from .stats import LengthStats

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
    """The smallest multiple of 8 that covers ``coverage`` of the rows (``needed``), and the
    max_length to use: ``needed``, or the limit where the need lies beyond it
    (``beyond_limit``: truncating there still loses ``tokens_lost``, so windows are the answer).
    """

    coverage: float
    max_length: int
    needed: int
    beyond_limit: bool
    rows_over: Estimate
    tokens_lost: Estimate

    def describe(self, limit: int) -> str:
        """One line for people: what covers ``coverage`` of the rows, and what to do."""
        if self.beyond_limit:
            return (f"needs {self.needed:,}, beyond the limit of {limit:,}: truncating at "
                    f"{limit:,} still loses {_percent(self.tokens_lost)} of tokens; keep them "
                    "with windows (strategy='window')")
        return (f"{self.max_length:,} (rows over {_percent(self.rows_over)}, tokens lost "
                f"{_percent(self.tokens_lost)})")


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


def summarize(stats: LengthStats, *, max_length: int, special_tokens: int,
              overlap: int | None = None, batch_tokens: int | None = None,
              sample_of: int | None = None, invalid: Sequence[tuple[int, str]] = (),
              invalid_count: int | None = None) -> Profile:
    """Every figure of a profile from accumulated lengths. ``sample_of``: the stats hold a
    uniform sample of that many rows; figures then come with 95% confidence intervals."""
    lengths, counts = stats.distribution()
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
    tokens = stats.tokens

    def share(mask: np.ndarray) -> Estimate:
        k = int(counts[mask].sum())
        return _proportion(k, n, sampled)

    over = lengths > max_length
    lost = np.maximum(lengths - max_length, 0)
    content = np.maximum(lengths - special_tokens, 0)
    windows = np.fromiter((window_count(round(c), budget, step_overlap)
                           for c in content.tolist()), dtype=np.int64, count=content.size)
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
                     "max": Estimate(float(stats.longest) if n else 0.0)},
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


def _percent(estimate: Estimate) -> str:
    text = f"{estimate.value:.1%}"
    if estimate.low is not None and estimate.high is not None:
        text += f" ({estimate.low:.1%}–{estimate.high:.1%})"
    return text


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
    needed = max(8, int(math.ceil(covered / 8) * 8))
    length = min(limit, needed)
    n = int(counts.sum())
    over = _proportion(int(counts[lengths > length].sum()), n, sampled)
    lost = _ratio(lengths, counts, np.maximum(lengths - length, 0), lengths, sampled)
    return Recommendation(coverage, length, needed, needed > limit, over, lost)


def _costs(stats: LengthStats, lengths: np.ndarray, counts: np.ndarray, max_length: int,
           batch_tokens: int | None) -> list[Cost]:
    """Padding and compute of four ways to batch, on lengths truncated to max_length."""
    truncated = np.rint(np.minimum(lengths, max_length)).astype(np.int64)
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
    top = math.ceil(lengths[counts > 0].max())
    edges = list(np.linspace(0, max_length, 17).astype(int))
    if top > max_length:
        edges += list(np.linspace(max_length, top + 1, 5).astype(int)[1:])
    edges[-1] = max(edges[-1], top + 1)
    out = []
    for low, high in itertools.pairwise(edges):
        if high > low:
            inside = (lengths >= low) & (lengths < high)
            out.append((int(low), int(high), int(counts[inside].sum())))
    return out
