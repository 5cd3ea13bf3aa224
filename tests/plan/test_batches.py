"""The pure batch planner: which rows go together, over lengths alone.

Every rule is checked on ints, with hypothesis for the invariants and examples for every error's
full text.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqfit.errors import InputError, OptionError, TooLongError
from seqfit.plan import BatchPlan, plan_batches, plan_fixed_batches


def padded_cost(batches: list[list[int]], widths: list[int]) -> int:
    return sum(len(b) * max(widths[i] for i in b) for b in batches if b)


def round_up(length: int, multiple: int | None) -> int:
    return -(-length // multiple) * multiple if multiple else length



# ---------------------------------------------------------------- batches: examples


def test_batches_run_longest_first_within_batch_tokens():
    plan = plan_batches([5, 30, 7, 28], batch_tokens=64)
    assert plan == BatchPlan(((1, 3), (2, 0)), ((2, 30), (2, 7)), real_tokens=70,
                             padded_tokens=74)
    assert plan.n_batches == 2
    assert plan.padding_share == pytest.approx(1 - 70 / 74)


def test_input_order_batches_keep_rows_in_order():
    plan = plan_batches([3, 9, 4, 8, 1], batch_tokens=16, order="input")
    assert plan.batches == ((0,), (1,), (2, 3), (4,))
    assert plan.batch_shapes == ((1, 3), (1, 9), (2, 8), (1, 1))


def test_padded_length_rounds_up_to_pad_to_multiple_of():
    plan = plan_batches([3, 9, 17], max_batch_size=2, pad_to_multiple_of=8)
    assert plan.batch_shapes == ((2, 24), (1, 8))
    assert (plan.real_tokens, plan.padded_tokens) == (29, 56)


def test_an_empty_dataset_is_an_empty_plan():
    for plan in (plan_batches([], batch_tokens=8), plan_fixed_batches([], batch_size=4)):
        assert plan == BatchPlan((), (), 0, 0)
        assert plan.padding_share == 0.0


def test_fixed_batches_are_consecutive_rows_in_input_order():
    plan = plan_fixed_batches([5, 30, 7, 28, 2], batch_size=2)
    assert plan.batches == ((0, 1), (2, 3), (4,))
    assert plan.batch_shapes == ((2, 30), (2, 28), (1, 2))


def test_plain_longest_first_greedy_can_pad_more_than_input_order():
    # Why the smaller batch is moved: cutting [5, 5 | 5, 1 | 1] pads 10 + 10 + 1 = 21 tokens,
    # more than input order [1, 1 | 5, 5 | 5] (2 + 10 + 5 = 17). The plan takes 10 + 5 + 2.
    lengths = [1, 1, 5, 5, 5]
    assert plan_fixed_batches(lengths, batch_size=2).padded_tokens == 17
    plan = plan_batches(lengths, max_batch_size=2)
    assert plan.batches == ((2, 3), (4,), (0, 1))
    assert plan.padded_tokens == 17


def test_zero_length_rows_never_exceed_batch_tokens():
    assert plan_batches([0, 0, 0], batch_tokens=1).batches == ((0, 1, 2),)


@pytest.mark.slow
def test_a_million_rows_are_planned_once_each():
    lengths = [(i * 7919) % 509 + 3 for i in range(1_000_000)]
    plan = plan_batches(lengths, batch_tokens=16384, pad_to_multiple_of=8)
    assert sum(rows for rows, _ in plan.batch_shapes) == len(lengths)
    assert plan.real_tokens == sum(lengths)
    assert plan.padding_share < 0.02


# ---------------------------------------------------------------- batches: errors


def test_batches_need_batch_tokens_or_max_batch_size():
    with pytest.raises(OptionError) as info:
        plan_batches([1, 2])
    assert str(info.value) == (
        "plan_batches needs a limit, but batch_tokens and max_batch_size are both None. "
        "Fix: batch_tokens=16384 (rows × padded length per batch), max_batch_size=32, or both")


def test_batch_limits_must_be_positive_whole_numbers():
    with pytest.raises(OptionError) as info:
        plan_batches([1, 2], batch_tokens=0)
    assert str(info.value) == (
        "batch_tokens=0; it must be a whole number >= 1, or None. Fix: batch_tokens=16384")
    with pytest.raises(OptionError) as fixed:
        plan_fixed_batches([1], batch_size=0)
    assert str(fixed.value) == "batch_size=0; it must be a whole number >= 1. Fix: batch_size=32"
    with pytest.raises(OptionError, match=r"pad_to_multiple_of=2.0; .* Fix: pad_to_multiple_of=8"):
        plan_batches([1], batch_tokens=8, pad_to_multiple_of=2.0)  # type: ignore[arg-type]


def test_unknown_batch_order_lists_every_valid_value():
    with pytest.raises(OptionError) as info:
        plan_batches([1, 2], batch_tokens=8, order="random")  # type: ignore[arg-type]
    assert str(info.value) == (
        "order='random' is not valid; valid values: \"length\", \"input\". Fix: order=\"length\"")


def test_a_row_longer_than_batch_tokens_names_the_row_and_the_fix():
    with pytest.raises(TooLongError) as info:
        plan_batches([10, 600, 700], batch_tokens=512)
    assert str(info.value) == (
        "row 1 has 600 tokens but batch_tokens=512, so it fits in no batch, even alone; 1 more "
        "row is too long. Fix: batch_tokens=700 or more, or fit the rows to at most 512 tokens "
        "(seqfit.fit(..., max_length=512))")
    assert (info.value.row, info.value.length, info.value.limit) == (1, 600, 512)


def test_a_row_that_padding_pushes_over_batch_tokens_says_so():
    with pytest.raises(TooLongError) as info:
        plan_batches([10, 500], batch_tokens=500, pad_to_multiple_of=64)
    assert str(info.value) == (
        "row 1 has 500 tokens (padded to 512) but batch_tokens=500, so it fits in no batch, "
        "even alone. Fix: batch_tokens=512 or more, or fit the rows to at most 448 tokens "
        "(seqfit.fit(..., max_length=448))")
    assert info.value.fields["padded"] == 512


def test_lengths_must_be_whole_numbers():
    with pytest.raises(InputError) as info:
        plan_batches([10, -1], batch_tokens=512)
    assert str(info.value) == (
        "row 1 has length -1, but a length is a whole number of tokens >= 0. "
        "Fix: lengths=[len(ids) for ids in input_ids]")
    assert info.value.row == 1


# ---------------------------------------------------------------- batches: properties


@st.composite
def batch_cases(draw):
    lengths = draw(st.lists(st.integers(0, 60), max_size=60))
    max_batch_size = draw(st.one_of(st.none(), st.integers(1, 12)))
    multiple = draw(st.one_of(st.none(), st.integers(1, 16)))
    longest = max((round_up(n, multiple) for n in lengths), default=1)
    max_tokens = draw(st.one_of(st.none(), st.integers(max(longest, 1), 400))) \
        if max_batch_size is not None else draw(st.integers(max(longest, 1), 400))
    order = draw(st.sampled_from(["length", "input"]))
    cost = draw(st.one_of(st.none(), st.integers(0, 200))) if order == "length" else None
    return lengths, max_tokens, max_batch_size, multiple, order, cost


@given(batch_cases())
def test_batches_hold_every_row_once_within_both_limits(case):
    lengths, max_tokens, max_batch_size, multiple, order, cost = case
    plan = plan_batches(lengths, batch_tokens=max_tokens, max_batch_size=max_batch_size,
                        pad_to_multiple_of=multiple, order=order, batch_cost=cost)
    rows = [row for batch in plan.batches for row in batch]
    assert sorted(rows) == list(range(len(lengths)))
    assert len(plan.batch_shapes) == len(plan.batches)
    for batch, (n_rows, width) in zip(plan.batches, plan.batch_shapes, strict=True):
        assert batch and n_rows == len(batch)
        assert width == max(round_up(lengths[i], multiple) for i in batch)
        if multiple:
            assert width % multiple == 0
        if max_tokens is not None:
            assert n_rows * width <= max_tokens
        if max_batch_size is not None:
            assert n_rows <= max_batch_size
    assert plan.real_tokens == sum(lengths)
    assert plan.padded_tokens == sum(r * w for r, w in plan.batch_shapes) >= plan.real_tokens
    assert 0.0 <= plan.padding_share < 1.0
    if order == "input":
        assert rows == list(range(len(lengths)))
    else:
        widths = [round_up(lengths[i], multiple) for i in rows]
        assert widths == sorted(widths, reverse=True)  # longest first, throughout


@given(st.lists(st.integers(0, 60), max_size=80), st.integers(1, 12),
       st.one_of(st.none(), st.integers(1, 16)))
def test_length_order_never_pads_more_than_fixed_input_order_batches(lengths, size, multiple):
    # Both split the rows into batches of `size` and one smaller remainder. Any such split can be
    # rearranged into consecutive runs of the length-sorted rows without padding more (swap a
    # long row of a short batch with a short row of the batch holding the longest row), and the
    # plan takes the best place for the remainder among those runs.
    sorted_plan = plan_batches(lengths, max_batch_size=size, pad_to_multiple_of=multiple)
    fixed = plan_fixed_batches(lengths, batch_size=size, pad_to_multiple_of=multiple)
    assert sorted([len(b) for b in sorted_plan.batches]) == sorted(len(b) for b in fixed.batches)
    assert sorted_plan.padded_tokens <= fixed.padded_tokens


@settings(max_examples=60)
@given(st.lists(st.integers(0, 20), max_size=7), st.integers(1, 4))
def test_length_order_pads_least_of_any_split_into_the_same_batch_sizes(lengths, size):
    # Brute force: every permutation, cut into input-order batches of `size`, covers every
    # split into batches of those sizes.
    best = min((padded_cost([list(p[i:i + size]) for i in range(0, len(p), size)], lengths)
                for p in itertools.permutations(range(len(lengths)))), default=0)
    assert plan_batches(lengths, max_batch_size=size).padded_tokens == best


def set_partitions(items: list[int]):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in set_partitions(rest):
        yield [[first], *partition]
        for k in range(len(partition)):
            yield [*partition[:k], [first, *partition[k]], *partition[k + 1:]]


@settings(max_examples=150)
@given(st.lists(st.integers(0, 30), max_size=7), st.integers(0, 40),
       st.one_of(st.none(), st.integers(30, 120)), st.one_of(st.none(), st.integers(1, 4)))
def test_batch_cost_gives_the_least_cost_of_any_grouping_within_the_limits(
        lengths, cost, max_tokens, max_batch_size):
    # Brute force over every set partition (not only runs of sorted rows): the plan's padded
    # tokens + cost per batch is the least any grouping within both limits reaches.
    if max_tokens is None and max_batch_size is None:
        max_batch_size = 3
    def fits(batch: list[int]) -> bool:
        return ((max_batch_size is None or len(batch) <= max_batch_size) and
                (max_tokens is None or len(batch) * max(lengths[i] for i in batch) <= max_tokens))
    best = min((padded_cost(p, lengths) + cost * len(p)
                for p in set_partitions(list(range(len(lengths)))) if all(map(fits, p))),
               default=0)
    plan = plan_batches(lengths, batch_tokens=max_tokens, max_batch_size=max_batch_size,
                        batch_cost=cost)
    assert plan.padded_tokens + cost * plan.n_batches == best


def test_batch_cost_trades_padding_for_passes():
    lengths = [40, 39, 38, 12, 11, 10]
    filled = plan_batches(lengths, batch_tokens=256)
    assert filled.batch_shapes == ((6, 40),)
    assert plan_batches(lengths, batch_tokens=256, batch_cost=16).batch_shapes == \
        ((3, 40), (3, 12))  # 120 + 36 + 2 × 16 = 188 < 240 + 16
    assert plan_batches(lengths, batch_tokens=256, batch_cost=200).batch_shapes == ((6, 40),)
    assert plan_batches(lengths, batch_tokens=256, batch_cost=0).n_batches == 6  # no padding


def test_batch_cost_needs_length_order():
    with pytest.raises(OptionError) as info:
        plan_batches([3, 4], batch_tokens=16, order="input", batch_cost=8)
    assert str(info.value) == (
        "batch_cost=8 splits length-ordered batches, but order='input' keeps the rows in input "
        "order. Fix: order=\"length\" with batch_cost, or order=\"input\" without it")


def test_batch_cost_plans_many_short_rows_quickly():
    lengths = [5 + (i * 7919) % 250 for i in range(200_000)]
    plan = plan_batches(lengths, batch_tokens=16384, batch_cost=64)
    assert sorted(row for batch in plan.batches for row in batch) == list(range(200_000))
    assert plan.padded_tokens <= plan_batches(lengths, batch_tokens=16384).padded_tokens


@given(st.lists(st.integers(0, 60), min_size=1, max_size=60), st.integers(60, 400))
def test_no_batch_could_take_the_next_row_without_breaking_a_limit(lengths, max_tokens):
    # Greedy in input order: each batch stops only because the next row would not fit.
    plan = plan_batches(lengths, batch_tokens=max_tokens, order="input")
    for batch, following in itertools.pairwise(plan.batches):
        width = max(lengths[i] for i in (*batch, following[0]))
        assert (len(batch) + 1) * width > max_tokens
