"""Profile figures on lengths we know, and their confidence intervals when sampled."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqfit.plan import plan_fixed_batches
from seqfit.profiling.stats import LengthStats, Reservoir
from seqfit.profiling.summary import summarize


def known_lengths(n: int = 5000, seed: int = 0) -> list[int]:
    rng = random.Random(seed)
    return [min(4000, 5 + int(rng.paretovariate(1.2) * 30)) for _ in range(n)]


def stats_of(lengths: list[int], batch_size: int = 32) -> LengthStats:
    stats = LengthStats(batch_size=batch_size)
    for start in range(0, len(lengths), 700):  # arrives in batches, like a reader's
        stats.add(lengths[start:start + 700])
    return stats


def test_every_figure_matches_a_direct_computation() -> None:
    lengths = known_lengths()
    array = np.asarray(lengths)
    limit, specials, overlap = 128, 2, 30
    p = summarize(stats_of(lengths), max_length=limit, special_tokens=specials, overlap=overlap,
                  batch_tokens=4096)
    assert p.rows == len(lengths) and p.tokens == array.sum()
    assert p.mean.value == pytest.approx(array.mean())
    for q in (50, 90, 95, 99):
        assert p.percentiles[f"p{q}"].value == np.percentile(array, q, method="inverted_cdf")
    assert p.percentiles["max"].value == array.max()
    assert p.over_limit.value == pytest.approx((array > limit).mean())
    assert p.over_limit_rows.value == pytest.approx((array > limit).sum())
    assert p.tokens_lost.value == pytest.approx(np.maximum(array - limit, 0).sum() / array.sum())
    budget = limit - specials
    content = array - specials
    windows = [1 if c <= budget else 1 + math.ceil((c - budget) / (budget - overlap))
               for c in content]
    assert p.windows.value == sum(windows)
    window_tokens = sum(w * specials + c + (w - 1) * overlap
                        for w, c in zip(windows, content, strict=True))
    assert p.window_multiplier.value == pytest.approx(window_tokens / array.sum())
    for rec in p.recommended:
        covered = np.percentile(array, rec.coverage * 100, method="inverted_cdf")
        assert rec.max_length == min(limit, max(8, math.ceil(covered / 8) * 8))
        assert rec.max_length % 8 == 0 or rec.max_length == limit
        assert rec.rows_over.value == pytest.approx((array > rec.max_length).mean())
    assert sum(rows for _, _, rows in p.histogram) == len(lengths)
    assert p.sample_size is None and p.over_limit.low is None


def test_costs_of_each_batching_strategy() -> None:
    lengths = known_lengths(3000, seed=1)
    limit = 256
    p = summarize(stats_of(lengths, batch_size=32), max_length=limit, special_tokens=2,
                  batch_tokens=8192)
    truncated = np.minimum(lengths, limit)
    real = truncated.sum()
    by_name = {c.strategy.split(",")[0].split(":")[0]: c for c in p.costs}
    full = by_name["pad to max_length"]
    assert full.padded_tokens == len(lengths) * limit
    assert full.padding_share == pytest.approx(1 - real / (len(lengths) * limit))
    fixed = plan_fixed_batches(truncated.tolist(), batch_size=32)
    in_order = by_name["dynamic padding"]
    assert in_order.padded_tokens == fixed.padded_tokens
    assert in_order.padding_share == pytest.approx(fixed.padding_share)
    seqfit_cost = by_name["seqfit"]
    # the reference: longest first, as many rows as fit the budget at the batch's first width
    order = sorted(truncated.tolist(), reverse=True)
    padded, i = 0, 0
    while i < len(order):
        rows = max(1, 8192 // order[i])
        padded += min(rows, len(order) - i) * order[i]
        i += rows
    assert seqfit_cost.padded_tokens == padded
    assert seqfit_cost.padded_tokens < in_order.padded_tokens < full.padded_tokens
    none = by_name["no padding (the limit)"]
    assert none.padded_tokens == real and none.relative_linear == 1.0
    assert seqfit_cost.relative_quadratic >= 1.0


def test_merging_partitions_equals_one_pass() -> None:
    lengths = known_lengths(2000, seed=2)
    a, b = stats_of(lengths[:1000]), stats_of(lengths[1000:])
    merged = summarize(a.merge(b), max_length=128, special_tokens=2)
    whole = summarize(stats_of(lengths), max_length=128, special_tokens=2)
    assert merged.percentiles == whole.percentiles
    assert merged.tokens_lost == whole.tokens_lost and merged.rows == whole.rows


@st.composite
def partitions(draw: st.DrawFn) -> tuple[list[int], list[list[int]], int]:
    """Lengths, the same lengths cut into consecutive partitions, and a batch size."""
    lengths = draw(st.lists(st.integers(1, 300), max_size=200))
    cuts = sorted(draw(st.lists(st.integers(0, len(lengths)), max_size=8)))
    bounds = [0, *cuts, len(lengths)]
    parts = [lengths[a:b] for a, b in itertools.pairwise(bounds)]
    return lengths, parts, draw(st.integers(1, 9))


def merge_in_any_order(parts: list[LengthStats], choices: list[int]) -> LengthStats:
    """Merge neighbours in the order ``choices`` picks: any bracketing of the partitions."""
    parts = list(parts)
    for choice in choices:
        if len(parts) == 1:
            break
        i = choice % (len(parts) - 1)
        parts[i:i + 2] = [parts[i].merge(parts[i + 1])]
    while len(parts) > 1:
        parts[0:2] = [parts[0].merge(parts[1])]
    return parts[0]


@settings(max_examples=150, deadline=None)
@given(partitions(), st.lists(st.integers(0, 100), max_size=10))
def test_merging_is_exact_and_associative_batching_costs_included(case, choices) -> None:
    lengths, parts, batch_size = case
    whole = stats_of(lengths, batch_size=batch_size)
    merged = merge_in_any_order([stats_of(p, batch_size=batch_size) for p in parts], choices)
    assert merged.rows == whole.rows == len(lengths)
    assert np.array_equal(np.trim_zeros(merged.counts, "b"), np.trim_zeros(whole.counts, "b"))
    assert sorted(merged.fixed_widths()) == sorted(whole.fixed_widths())
    # the fixed-size batches in file order are those of one plain pass over the rows
    reference = plan_fixed_batches(lengths, batch_size=batch_size)
    assert sorted(merged.fixed_widths()) == sorted(reference.batch_shapes)
    if lengths:
        one = summarize(whole, max_length=64, special_tokens=2)
        many = summarize(merged, max_length=64, special_tokens=2)
        assert many.costs == one.costs and many.percentiles == one.percentiles


def test_a_merge_never_makes_a_fixed_batch_larger_than_batch_size() -> None:
    a, b = stats_of([5] * 31, batch_size=32), stats_of([7] * 31, batch_size=32)
    assert sorted(a.merge(b).fixed_widths()) == [(30, 7), (32, 7)]


def test_reservoir_keeps_a_uniform_sample_in_arrival_order() -> None:
    hits = np.zeros(100)
    for seed in range(400):
        reservoir = Reservoir(10, seed=seed)
        for item in range(100):
            reservoir.offer(item)
        sample = reservoir.items()
        assert sample == sorted(sample) and len(sample) == 10
        hits[sample] += 1
    assert hits.min() > 15 and hits.max() < 70  # each item ~40 times in 400 draws


@pytest.mark.slow
@pytest.mark.parametrize("figure", ["p95", "over_limit", "mean", "tokens_lost"])
def test_sample_confidence_intervals_cover_the_truth_about_95_percent(figure: str) -> None:
    population = known_lengths(20000, seed=3)
    truth = summarize(stats_of(population), max_length=128, special_tokens=2)
    expected = truth.percentiles["p95"] if figure == "p95" else getattr(truth, figure)
    inside = 0
    trials = 200
    for seed in range(trials):
        rng = random.Random(seed)
        sample = rng.sample(population, 1000)
        est = summarize(stats_of(sample), max_length=128, special_tokens=2,
                        sample_of=len(population))
        got = est.percentiles["p95"] if figure == "p95" else getattr(est, figure)
        assert got.low is not None and got.high is not None and got.low <= got.high
        inside += got.low <= expected.value <= got.high
    rate = inside / trials
    print(f"\n{figure}: the true value fell inside the 95% interval in {rate:.0%} of samples")
    assert 0.88 <= rate <= 1.0


def test_memory_does_not_grow_with_the_longest_row() -> None:
    stats = stats_of([5, 12, 50_000_000, 70_000, 70_001])
    assert stats.counts.size <= 13  # the exact bins stop at the longest short row
    assert len(stats.buckets) == 2  # 70,000 and 70,001 share a log-spaced bucket
    assert (stats.rows, stats.tokens, stats.longest) == (5, 50_140_018, 50_000_000)
    p = summarize(stats, max_length=512, special_tokens=2)
    assert p.percentiles["max"].value == 50_000_000
    assert p.over_limit.value == pytest.approx(3 / 5)
    assert p.tokens_lost.value == pytest.approx((50_140_018 - 5 - 12 - 3 * 512) / 50_140_018)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 5000), min_size=1, max_size=300), st.integers(0, 2 ** 32))
def test_long_lengths_keep_exact_counts_totals_and_maximum(lengths: list[int], seed: int) -> None:
    """With the exact range shrunk to 64 tokens, most lengths land in log-spaced buckets:
    rows, tokens, the maximum and shares over a limit below the range stay exact, and
    percentiles are within a bucket's width (0.3%) of numpy's."""
    from seqfit.profiling import stats as module

    saved = module.EXACT_BELOW
    module.EXACT_BELOW = 64
    try:
        rng = random.Random(seed)
        whole = stats_of(lengths)
        cut = rng.randrange(len(lengths) + 1)
        merged = stats_of(lengths[:cut]).merge(stats_of(lengths[cut:]))
        for s in (whole, merged):
            assert (s.rows, s.tokens, s.longest) == (len(lengths), sum(lengths), max(lengths))
            p = summarize(s, max_length=48, special_tokens=2)
            array = np.asarray(lengths)
            assert p.over_limit.value == pytest.approx((array > 48).mean())
            assert p.tokens_lost.value == pytest.approx(
                np.maximum(array - 48, 0).sum() / array.sum())
            for q in (50, 90, 99):
                exact = np.percentile(array, q, method="inverted_cdf")
                assert p.percentiles[f"p{q}"].value == pytest.approx(exact, rel=0.006)
        assert whole.buckets == merged.buckets
    finally:
        module.EXACT_BELOW = saved
