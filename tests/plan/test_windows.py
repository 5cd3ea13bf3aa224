"""The pure window planner: truncation and sliding windows, over counts alone.

No tokenizer, no model, no third-party import in the code under test: every rule is checked on
ints, with hypothesis for the invariants and examples for every error's full text.
"""

from __future__ import annotations

import itertools
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seqfit.errors import InputError, NoRoomError, OptionError, TooLongError
from seqfit.plan import (
    PAIR_STRATEGIES,
    SINGLE_STRATEGIES,
    DocPlan,
    Window,
    default_head,
    plan_pair,
    plan_single,
    select,
)

# ---------------------------------------------------------------- helpers and references


def positions(slices: tuple[tuple[int, int], ...]) -> list[int]:
    return [p for start, end in slices for p in range(start, end)]


def check_slices(slices: tuple[tuple[int, int], ...], n: int) -> None:
    """Slices are non-empty, in order, disjoint and inside ``range(n)``."""
    previous_end = 0
    for start, end in slices:
        assert previous_end <= start < end <= n
        previous_end = end


def hf_longest_first(n_first: int, n_second: int, budget: int) -> tuple[int, int]:
    """transformers 4.x ``truncate_sequences``: one token at a time from the longer text; a tie
    costs the second text (``if len(ids) > len(pair_ids): ids = ids[:-1] else: pair...``)."""
    ids, pair = list(range(n_first)), list(range(n_second))
    for _ in range(max(0, n_first + n_second - budget)):
        if len(ids) > len(pair):
            ids = ids[:-1]
        else:
            pair = pair[:-1]
    return len(ids), len(pair)


def hf5_longest_first(n_first: int, n_second: int, budget: int) -> tuple[int, int]:
    """transformers 5.x ``tokenization_python.truncate_sequences`` (right side), as written."""
    remove = n_first + n_second - budget
    if remove <= 0:
        return n_first, n_second
    first_remove = min(abs(n_second - n_first), remove)
    second_remove = remove - first_remove
    if n_first > n_second:
        ids_to_move = first_remove + second_remove // 2
        pair_to_move = second_remove - second_remove // 2
    else:
        ids_to_move = second_remove // 2
        pair_to_move = first_remove + second_remove - (second_remove // 2)
    return n_first - ids_to_move, n_second - pair_to_move


# ---------------------------------------------------------------- single texts: examples


@pytest.mark.parametrize("strategy", SINGLE_STRATEGIES)
def test_a_text_that_fits_is_one_window_with_everything(strategy):
    plan = plan_single(7, budget=7, strategy=strategy)
    assert plan == DocPlan((Window(((0, 7),)),), n_tokens=7, truncated=False, tokens_dropped=0)
    assert plan.n_windows == 1


@pytest.mark.parametrize("strategy", SINGLE_STRATEGIES)
def test_an_empty_text_is_one_empty_window(strategy):
    plan = plan_single(0, budget=3, strategy=strategy)
    assert plan.windows == (Window(()),)
    assert plan.windows[0].n_content == 0
    assert (plan.n_tokens, plan.truncated, plan.tokens_dropped) == (0, False, 0)


def test_head_keeps_the_start_and_tail_keeps_the_end():
    head = plan_single(10, budget=4, strategy="head")
    tail = plan_single(10, budget=4, strategy="tail")
    assert head.windows == (Window(((0, 4),)),)
    assert tail.windows == (Window(((6, 10),)),)
    assert head.truncated and head.tokens_dropped == 6 == tail.tokens_dropped


def test_head_plus_tail_defaults_to_sun_et_al_128_and_382_of_510():
    plan = plan_single(2000, budget=510, strategy="head+tail")
    assert plan.windows[0].first == ((0, 128), (2000 - 382, 2000))
    assert plan.windows[0].n_content == 510
    assert plan.tokens_dropped == 2000 - 510


def test_default_head_is_a_quarter_of_the_budget_rounded_half_up():
    assert [default_head(b) for b in (1, 2, 3, 4, 5, 6, 126, 254, 510)] == \
        [0, 1, 1, 1, 1, 2, 32, 64, 128]


def test_head_plus_tail_with_head_zero_or_budget_is_tail_or_head():
    assert plan_single(9, budget=3, strategy="head+tail", head=0).windows[0].first == ((6, 9),)
    assert plan_single(9, budget=3, strategy="head+tail", head=3).windows[0].first == ((0, 3),)


def test_consecutive_windows_share_exactly_overlap_tokens():
    plan = plan_single(10, budget=4, strategy="window", overlap=1)
    assert [w.first for w in plan.windows] == [((0, 4),), ((3, 7),), ((6, 10),)]
    assert not plan.truncated and plan.tokens_dropped == 0


def test_last_window_ends_at_the_text_end_and_may_be_shorter():
    plan = plan_single(11, budget=4, strategy="window", overlap=1)
    assert [w.first for w in plan.windows] == [((0, 4),), ((3, 7),), ((6, 10),), ((9, 11),)]


def test_overlap_and_head_are_ignored_by_strategies_that_do_not_use_them():
    assert plan_single(9, budget=3, strategy="head", overlap=99, head=-5).windows[0].first == \
        ((0, 3),)


# ---------------------------------------------------------------- single texts: properties


@st.composite
def single_cases(draw):
    budget = draw(st.integers(1, 40))
    n = draw(st.integers(0, 200))
    strategy = draw(st.sampled_from(["head", "tail", "head+tail", "window"]))
    overlap = draw(st.integers(0, budget - 1))
    head = draw(st.one_of(st.none(), st.integers(0, budget)))
    return n, budget, strategy, overlap, head


@given(single_cases())
def test_every_single_text_plan_fits_the_budget_and_counts_drops_exactly(case):
    n, budget, strategy, overlap, head = case
    plan = plan_single(n, budget=budget, strategy=strategy, overlap=overlap, head=head)
    kept: set[int] = set()
    for window in plan.windows:
        check_slices(window.first, n)
        assert window.second == ()
        assert window.n_content == window.n_first == len(positions(window.first)) <= budget
        kept.update(positions(window.first))
    assert plan.n_tokens == n
    assert plan.tokens_dropped == n - len(kept) == max(0, n - budget) * (strategy != "window")
    assert plan.truncated == (plan.tokens_dropped > 0)
    if n <= budget:
        assert plan.windows == (Window(((0, n),) if n else ()),)


@given(single_cases())
def test_truncation_keeps_exactly_the_promised_positions(case):
    n, budget, strategy, _, head = case
    if strategy == "window":
        strategy = "head"
    plan = plan_single(n, budget=budget, strategy=strategy, head=head)
    assert plan.n_windows == 1
    kept = positions(plan.windows[0].first)
    everything = list(range(n))
    h = default_head(budget) if head is None else head
    expected = {
        "head": everything[:budget],
        "tail": everything[-budget:] if n > budget else everything,
        "head+tail": everything[:h] + everything[n - (budget - h):] if n > budget else everything,
    }[strategy]
    assert kept == expected


@given(single_cases())
def test_windows_cover_every_token_and_overlap_exactly(case):
    n, budget, _, overlap, _ = case
    plan = plan_single(n, budget=budget, strategy="window", overlap=overlap)
    spans = [w.first[0] for w in plan.windows] if n else []
    assert sorted({p for w in plan.windows for p in positions(w.first)}) == list(range(n))
    if n > budget:
        assert spans[0][0] == 0 and spans[-1][1] == n
        assert all(end - start == budget for start, end in spans[:-1])  # only the last is short
        for (s1, e1), (s2, e2) in itertools.pairwise(spans):
            assert s1 < s2 and e1 < e2
            assert e1 - s2 == overlap  # consecutive windows share exactly `overlap` tokens
        assert spans[-1][1] - spans[-1][0] > overlap  # no window is contained in the previous
        step = budget - overlap
        assert len(spans) == 1 + -(-(n - budget) // step)  # as few windows as the step allows


@given(st.integers(0, 100), st.integers(1, 30))
def test_strategy_error_raises_exactly_when_the_text_is_too_long(n, budget):
    if n > budget:
        with pytest.raises(TooLongError):
            plan_single(n, budget=budget, strategy="error")
    else:
        assert plan_single(n, budget=budget, strategy="error").n_windows == 1


# ---------------------------------------------------------------- pairs: examples


def test_longest_first_cuts_the_longer_text_then_alternates_second_text_first():
    assert plan_pair(6, 3, budget=7, strategy="longest_first").windows[0] == \
        Window(((0, 4),), ((0, 3),))
    # equal lengths, one token to remove: the second text loses it
    assert plan_pair(3, 3, budget=5, strategy="longest_first").windows[0] == \
        Window(((0, 3),), ((0, 2),))
    # odd budget, second text longer: Python keeps the extra token in the first text
    # (the Rust fast tokenizers would give (2, 3) here)
    plan = plan_pair(3, 4, budget=5, strategy="longest_first")
    assert (plan.windows[0].n_first, plan.windows[0].n_second) == (3, 2)
    assert plan.truncated and plan.tokens_dropped == 2 and plan.n_tokens == 7


def test_only_first_and_only_second_cut_only_that_text():
    first = plan_pair(10, 4, budget=8, strategy="only_first").windows[0]
    second = plan_pair(3, 10, budget=8, strategy="only_second").windows[0]
    assert first == Window(((0, 4),), ((0, 4),))
    assert second == Window(((0, 3),), ((0, 5),))


def test_pair_window_repeats_the_first_text_and_slides_over_the_second():
    plan = plan_pair(2, 8, budget=6, strategy="window", overlap=1)
    assert plan.windows == (Window(((0, 2),), ((0, 4),)), Window(((0, 2),), ((3, 7),)),
                            Window(((0, 2),), ((6, 8),)))
    assert not plan.truncated and plan.tokens_dropped == 0 and plan.n_tokens == 10


@pytest.mark.parametrize("strategy", PAIR_STRATEGIES)
def test_a_pair_that_fits_is_one_window_with_both_texts(strategy):
    assert plan_pair(3, 0, budget=3, strategy=strategy).windows == (Window(((0, 3),), ()),)
    assert plan_pair(0, 0, budget=3, strategy=strategy).windows == (Window((), ()),)


# ---------------------------------------------------------------- pairs: properties


@given(st.integers(0, 60), st.integers(0, 60), st.integers(1, 80))
def test_longest_first_matches_the_one_token_at_a_time_reference(n_first, n_second, budget):
    plan = plan_pair(n_first, n_second, budget=budget, strategy="longest_first")
    window = plan.windows[0]
    kept = (window.n_first, window.n_second)
    assert kept == hf_longest_first(n_first, n_second, budget)
    assert kept == hf5_longest_first(n_first, n_second, budget)
    assert window.first == ((0, kept[0]),) if kept[0] else window.first == ()
    assert window.second == ((0, kept[1]),) if kept[1] else window.second == ()
    assert window.n_content == min(budget, n_first + n_second)
    assert plan.tokens_dropped == n_first + n_second - window.n_content


@given(st.integers(0, 60), st.integers(0, 60), st.integers(1, 80),
       st.sampled_from(["only_first", "only_second"]))
def test_only_first_and_only_second_cut_exactly_the_excess_from_one_text(a, b, budget, strategy):
    other = b if strategy == "only_first" else a
    if a + b > budget and other >= budget:
        with pytest.raises(NoRoomError):
            plan_pair(a, b, budget=budget, strategy=strategy)
        return
    window = plan_pair(a, b, budget=budget, strategy=strategy).windows[0]
    excess = max(0, a + b - budget)
    if strategy == "only_first":
        assert (window.n_first, window.n_second) == (a - excess, b)
    else:
        assert (window.n_first, window.n_second) == (a, b - excess)


@given(st.integers(0, 30), st.integers(0, 150), st.integers(1, 50), st.data())
def test_pair_windows_fit_repeat_the_first_text_and_overlap_exactly(a, b, budget, data):
    overlap = data.draw(st.integers(0, budget - 1))
    room = budget - a
    if a + b > budget and room <= overlap:
        with pytest.raises((NoRoomError, OptionError)):
            plan_pair(a, b, budget=budget, strategy="window", overlap=overlap)
        return
    plan = plan_pair(a, b, budget=budget, strategy="window", overlap=overlap)
    assert plan.tokens_dropped == 0 and not plan.truncated
    covered: set[int] = set()
    for window in plan.windows:
        assert window.first == (((0, a),) if a else ())
        check_slices(window.second, b)
        assert window.n_content <= budget
        covered.update(positions(window.second))
    assert covered == set(range(b))
    spans = [w.second[0] for w in plan.windows] if b else []
    for (_, e1), (s2, _) in itertools.pairwise(spans):
        assert e1 - s2 == overlap
    if spans:
        assert spans[-1][1] == b


# ---------------------------------------------------------------- select


def test_select_applies_slices_to_ids_and_to_offsets_alike():
    plan = plan_single(6, budget=4, strategy="head+tail", head=1)
    ids = [10, 11, 12, 13, 14, 15]
    offsets = [(0, 1), (2, 4), (5, 6), (7, 9), (10, 11), (12, 15)]
    assert select(ids, plan.windows[0].first) == [10, 13, 14, 15]
    assert select(offsets, plan.windows[0].first) == [(0, 1), (7, 9), (10, 11), (12, 15)]
    assert select("abcdef", ((1, 3),)) == ["b", "c"]
    assert select([], ()) == []


@given(single_cases())
def test_selected_ids_have_as_many_items_as_the_window_counts(case):
    n, budget, strategy, overlap, head = case
    ids = list(range(1000, 1000 + n))
    for window in plan_single(n, budget=budget, strategy=strategy, overlap=overlap,
                              head=head).windows:
        chosen = select(ids, window.first)
        assert len(chosen) == window.n_first
        assert chosen == [1000 + p for p in positions(window.first)]


# ---------------------------------------------------------------- errors, full text


def test_strategy_error_says_the_length_budget_and_fix():
    with pytest.raises(TooLongError) as info:
        plan_single(600, budget=510, strategy="error")
    assert str(info.value) == (
        'the text has 600 content tokens but only 510 fit (budget=510), and strategy="error" '
        'cuts nothing. Fix: strategy="window" (every token, in overlapping windows) or '
        'strategy="head" (the first 510 tokens)')
    assert (info.value.length, info.value.limit) == (600, 510)


def test_pair_strategy_error_says_both_lengths():
    with pytest.raises(TooLongError) as info:
        plan_pair(300, 400, budget=509, strategy="error")
    assert str(info.value) == (
        'the pair has 300 + 400 = 700 content tokens but only 509 fit (budget=509), and '
        'strategy="error" cuts nothing. Fix: strategy="window" (the first text in every window, '
        'the second sliding) or strategy="longest_first"')
    assert info.value.to_dict()["n_first"] == 300


def test_special_tokens_that_fill_max_length_leave_no_room():
    with pytest.raises(NoRoomError) as info:
        plan_single(5, budget=0, strategy="head")
    assert str(info.value) == (
        "budget=0: the special tokens take all of max_length, leaving no room for content "
        "tokens. Fix: raise max_length by 1 or more (budget = max_length - special tokens)")
    with pytest.raises(NoRoomError, match=r"budget=-2: .* raise max_length by 3 or more"):
        plan_pair(1, 1, budget=-2, strategy="longest_first")


def test_a_first_text_that_fills_the_window_leaves_no_room_for_the_second():
    with pytest.raises(NoRoomError) as info:
        plan_pair(520, 100, budget=509, strategy="window", overlap=128)
    assert str(info.value) == (
        'the first text has 520 content tokens and the budget is 509: strategy="window" '
        "repeats the first text in every window, which leaves no room for the second text "
        "(100 tokens). Fix: shorten the first text (e.g. the question) to at most 380 tokens, "
        'raise max_length by 140, or strategy="longest_first"')
    assert (info.value.needed, info.value.limit) == (649, 509)


def test_pair_overlap_must_be_below_the_room_the_first_text_leaves():
    with pytest.raises(OptionError) as info:
        plan_pair(400, 300, budget=509, strategy="window", overlap=127)
    assert str(info.value) == (
        "overlap=127, but the first text (400 tokens) leaves room for only 109 tokens of the "
        "second text per window (budget 509 - 400), so windows sharing 127 of them could not "
        "move forward; overlap must be below 109. Fix: overlap=27, or shorten the first text "
        "(e.g. the question)")
    assert info.value.fields["room"] == 109


def test_only_first_with_a_second_text_filling_the_budget_has_no_room():
    with pytest.raises(NoRoomError) as info:
        plan_pair(10, 600, budget=509, strategy="only_first")
    assert str(info.value) == (
        'strategy="only_first" cuts only the first text, but the second text alone has 600 '
        "content tokens and the budget is 509, which leaves the first text no token. "
        'Fix: strategy="longest_first", or raise max_length by 92')


def test_only_second_with_a_first_text_filling_the_budget_has_no_room():
    with pytest.raises(NoRoomError) as info:
        plan_pair(509, 10, budget=509, strategy="only_second")
    assert str(info.value) == (
        'strategy="only_second" cuts only the second text, but the first text alone has 509 '
        "content tokens and the budget is 509, which leaves the second text no token. "
        'Fix: strategy="longest_first", or raise max_length by 1')


def test_unknown_strategy_lists_every_valid_value():
    with pytest.raises(OptionError) as info:
        plan_single(5, budget=4, strategy="windows")  # type: ignore[arg-type]
    assert str(info.value) == (
        "strategy='windows' is not valid here; valid values: \"error\", \"head\", \"tail\", "
        '"head+tail", "window". Fix: strategy="window"')
    assert info.value.fields["valid"] == list(SINGLE_STRATEGIES)


def test_a_pair_strategy_given_for_a_single_text_points_to_plan_pair():
    with pytest.raises(OptionError) as info:
        plan_single(5, budget=4, strategy="longest_first")  # type: ignore[arg-type]
    assert str(info.value) == (
        "strategy='longest_first' is not valid here (it is a strategy of plan_pair); valid "
        'values: "error", "head", "tail", "head+tail", "window". Fix: strategy="window"')
    with pytest.raises(OptionError, match=r"'tail' is not valid here \(it is a strategy of "
                                          r"plan_single\); valid values: \"error\", "
                                          r"\"longest_first\", \"only_first\""):
        plan_pair(5, 3, budget=4, strategy="tail")  # type: ignore[arg-type]


@pytest.mark.parametrize("overlap", [4, 9, -1])
def test_overlap_must_be_below_the_budget(overlap):
    with pytest.raises(OptionError) as info:
        plan_single(5, budget=4, strategy="window", overlap=overlap)
    assert str(info.value) == (
        f"overlap={overlap}, but consecutive windows must share fewer tokens than a window "
        f"holds: 0 <= overlap < budget=4. Fix: overlap=1")


def test_head_must_lie_within_the_budget():
    with pytest.raises(OptionError) as info:
        plan_single(5, budget=4, strategy="head+tail", head=5)
    assert str(info.value) == (
        'head=5, but strategy="head+tail" keeps head tokens from the start out of budget=4: '
        "0 <= head <= 4. Fix: head=1 (the default, a quarter)")


def test_token_counts_and_budgets_must_be_whole_numbers():
    with pytest.raises(InputError) as info:
        plan_single(-1, budget=4, strategy="head")
    assert str(info.value) == (
        "n_tokens=-1, but a token count is a whole number >= 0. Fix: n_tokens=len(ids)")
    with pytest.raises(InputError, match=r"n_second=2\.5, but a token count"):
        plan_pair(1, 2.5, budget=4, strategy="window")  # type: ignore[arg-type]
    with pytest.raises(OptionError) as budget_info:
        plan_single(3, budget=4.0, strategy="head")  # type: ignore[arg-type]
    assert str(budget_info.value) == (
        "budget=4.0; it must be a whole number of content tokens. "
        "Fix: budget=max_length - special_tokens, e.g. 510")


def test_select_refuses_slices_from_a_plan_for_another_text():
    with pytest.raises(InputError) as info:
        select([1, 2, 3], ((0, 5),))
    assert str(info.value) == (
        "slice (0, 5) does not lie within a sequence of 3 items: the plan was made for a "
        "different text. Fix: plan with this sequence's own length, e.g. "
        "plan_single(len(ids), budget=..., strategy=...)")


def test_planning_errors_survive_pickling_with_their_fields():
    with pytest.raises(TooLongError) as info:
        plan_single(600, budget=510, strategy="error")
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value) and copy.length == 600


def test_plans_are_frozen():
    plan = plan_single(3, budget=4, strategy="head")
    with pytest.raises(AttributeError):
        plan.n_tokens = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        plan.windows[0].first = ()  # type: ignore[misc]
