"""Which content tokens go into which window: truncation and sliding windows, as pure plans.

Everything here works on token *counts* and returns frozen dataclasses; :func:`select` applies a
plan to an id list (or to offsets, or to anything indexable). Positions count **content** tokens
only: the caller passes ``budget = max_length - special tokens`` (for a single text, or for a
pair), so a window of ``budget`` content tokens plus its special tokens is exactly
``max_length`` long. Standard library and :mod:`seqfit.errors` only; batch layouts live in
:mod:`seqfit.plan.batches`.

>>> plan = plan_single(10, budget=4, strategy="window", overlap=1)
>>> [w.first for w in plan.windows]
[((0, 4),), ((3, 7),), ((6, 10),)]
>>> select(list("abcdefghij"), plan.windows[1].first)
['d', 'e', 'f', 'g']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar, get_args

from .._checks import check_choice, is_int
from ..errors import InputError, NoRoomError, OptionError, TooLongError

T = TypeVar("T")
Slices = tuple[tuple[int, int], ...]
SingleStrategy = Literal["error", "head", "tail", "head+tail", "window"]
PairStrategy = Literal["error", "longest_first", "only_first", "only_second", "window"]
#: Every strategy of :func:`seqfit.fit`: those for single texts, then those only pairs have.
Strategy = Literal[SingleStrategy, PairStrategy]
SINGLE_STRATEGIES: tuple[str, ...] = get_args(SingleStrategy)
PAIR_STRATEGIES: tuple[str, ...] = get_args(PairStrategy)

__all__ = [
    "PAIR_STRATEGIES", "SINGLE_STRATEGIES", "DocPlan", "PairStrategy", "SingleStrategy",
    "Strategy", "Window", "default_head", "default_overlap", "plan_pair", "plan_single", "select",
    "window_count",
]


@dataclass(frozen=True)
class Window:
    """The content tokens of one model input, as half-open ``(start, end)`` slices.

    ``first`` slices the first (or only) text, in order: one slice, or two for ``"head+tail"``.
    ``second`` slices the second text of a pair (empty for single texts). Slices are never
    empty, so an empty text has no slice at all.

    >>> w = Window(first=((0, 3), (7, 9)), second=((2, 6),))
    >>> w.n_first, w.n_second, w.n_content
    (5, 4, 9)
    """

    first: Slices
    second: Slices = ()

    @property
    def n_first(self) -> int:
        """Content tokens of the first text in this window."""
        return sum(end - start for start, end in self.first)

    @property
    def n_second(self) -> int:
        """Content tokens of the second text in this window (0 for single texts)."""
        return sum(end - start for start, end in self.second)

    @property
    def n_content(self) -> int:
        """All content tokens in this window; at most the budget it was planned for."""
        return self.n_first + self.n_second


@dataclass(frozen=True)
class DocPlan:
    """How one document (a text, or a pair) becomes windows.

    ``n_tokens`` counts the content tokens of the document (first + second text);
    ``tokens_dropped`` those that are in no window; ``truncated`` is ``tokens_dropped > 0``
    (windowing alone, which keeps every token, does not count as truncation).
    """

    windows: tuple[Window, ...]
    n_tokens: int
    truncated: bool
    tokens_dropped: int

    @property
    def n_windows(self) -> int:
        """How many model inputs this document becomes."""
        return len(self.windows)


def default_head(budget: int) -> int:
    """Tokens ``"head+tail"`` keeps from the start by default: a quarter of the budget,
    rounded half up.

    Sun et al. (2019, "How to Fine-Tune BERT for Text Classification?") found that keeping
    the first 128 and the last 382 tokens of BERT's 512 (510 content tokens) beat head-only
    and tail-only truncation on long reviews: about one part head to three parts tail. A quarter
    of the budget reproduces their split exactly at ``budget=510`` and scales it to other models.

    >>> default_head(510), 510 - default_head(510)
    (128, 382)
    >>> default_head(1), default_head(2)
    (0, 1)
    """
    return (budget + 2) // 4


def default_overlap(room: int) -> int:
    """Content tokens consecutive windows share by default: a quarter of the ``room`` a window
    has for the sliding text (the budget for single texts; what the first text leaves, for pairs).

    >>> default_overlap(510), default_overlap(3)
    (127, 0)
    """
    return max(0, room // 4)


def window_count(n_tokens: int, budget: int, overlap: int) -> int:
    """How many windows :func:`plan_single` makes of ``n_tokens`` content tokens: one if they fit,
    else ``1 + ceil((n_tokens - budget) / (budget - overlap))``.

    >>> window_count(10, 4, 1), window_count(4, 4, 1), window_count(0, 4, 1)
    (3, 1, 1)
    """
    if n_tokens <= budget:
        return 1
    return 1 + -(-(n_tokens - budget) // (budget - overlap))


def plan_single(n_tokens: int, *, budget: int, strategy: SingleStrategy,
                overlap: int = 0, head: int | None = None) -> DocPlan:
    """Plan one text of ``n_tokens`` content tokens into windows of at most ``budget``.

    A text that fits gives one window holding everything, whatever the strategy. Otherwise:

    - ``"error"``: raise :class:`~seqfit.errors.TooLongError`;
    - ``"head"`` keeps the first ``budget`` tokens, ``"tail"`` the last ``budget``;
    - ``"head+tail"`` keeps ``head`` tokens from the start and ``budget - head`` from the end
      (``head`` defaults to :func:`default_head`, a quarter of the budget, after Sun et al. 2019);
    - ``"window"``: windows of ``budget`` tokens starting every ``budget - overlap`` tokens, so
      consecutive windows share exactly ``overlap`` tokens. The first window starts at 0 and
      the last one ends at ``n_tokens``; the last window may be shorter than ``budget`` (it is
      never shifted back, which would break the exact overlap), but it always holds more than
      ``overlap`` tokens, so no window is redundant.

    ``overlap`` is only read by ``"window"`` and ``head`` only by ``"head+tail"``. An empty text
    gives one empty window.

    >>> plan_single(9, budget=4, strategy="window", overlap=2).windows[-1].first
    ((6, 9),)
    >>> plan = plan_single(10, budget=4, strategy="head+tail", head=1)
    >>> plan.windows[0].first, plan.tokens_dropped
    (((0, 1), (7, 10)), 6)
    """
    _check_count("n_tokens", n_tokens)
    _check_budget(budget)
    _check_strategy(strategy, SINGLE_STRATEGIES, PAIR_STRATEGIES, "plan_pair")
    if strategy == "window":
        _check_overlap(overlap, budget)
    n_head = _check_head(head, budget) if strategy == "head+tail" else 0
    if n_tokens <= budget:
        return DocPlan((Window(_span(0, n_tokens)),), n_tokens, False, 0)
    if strategy == "error":
        raise TooLongError(
            length=n_tokens, limit=budget,
            message=f"the text has {n_tokens} content tokens but only {budget} fit "
                    f'(budget={budget}), and strategy="error" cuts nothing.',
            fix=f'strategy="window" (every token, in overlapping windows) or strategy="head" '
                f"(the first {budget} tokens)")
    if strategy == "window":
        windows = tuple(Window(_span(s, e)) for s, e in _slide(n_tokens, budget, overlap))
        return DocPlan(windows, n_tokens, False, 0)
    if strategy == "head":
        kept: Slices = _span(0, budget)
    elif strategy == "tail":
        kept = _span(n_tokens - budget, n_tokens)
    else:
        kept = _span(0, n_head) + _span(n_tokens - (budget - n_head), n_tokens)
    return DocPlan((Window(kept),), n_tokens, True, n_tokens - budget)


def plan_pair(n_first: int, n_second: int, *, budget: int, strategy: PairStrategy,
              overlap: int = 0) -> DocPlan:
    """Plan a text pair (``n_first`` + ``n_second`` content tokens) into windows of at most
    ``budget`` content tokens, with Hugging Face's pair strategies.

    A pair that fits gives one window holding both texts, whatever the strategy. Otherwise,
    tokens are cut from the end of the texts:

    - ``"error"``: raise :class:`~seqfit.errors.TooLongError`;
    - ``"longest_first"``: remove tokens one at a time from whichever text is longer; on a tie,
      from the **second** text. This is ``transformers``' Python ``truncate_sequences``
      (``tokenization_python.py`` in 5.x, a one-token loop in 4.x). The Rust fast tokenizers
      (``tokenizers``) split differently in one case: when both texts lose tokens, the budget
      is odd and the second text is at least as long as the first, Rust keeps the extra token
      in the second text and Python (and seqfit) in the first;
    - ``"only_first"`` / ``"only_second"``: cut only that text; where the other text alone
      leaves it no token, raise :class:`~seqfit.errors.NoRoomError` (``transformers`` 4.x
      logged an error and returned the pair uncut; 5.x empties the cut text and returns a pair
      that is still too long);
    - ``"window"`` (question answering): every window holds the whole first text and slides over
      the second with ``room = budget - n_first`` tokens per window, consecutive windows sharing
      exactly ``overlap`` tokens of the second text, the last window ending at ``n_second``
      (and possibly shorter, as in :func:`plan_single`). ``overlap`` must be below ``budget``
      always and below ``room`` when the pair has to slide; a first text that leaves no room is
      a :class:`~seqfit.errors.NoRoomError`.

    >>> plan_pair(6, 3, budget=7, strategy="longest_first").windows[0]
    Window(first=((0, 4),), second=((0, 3),))
    >>> [w.second for w in plan_pair(2, 8, budget=6, strategy="window", overlap=1).windows]
    [((0, 4),), ((3, 7),), ((6, 8),)]
    """
    _check_count("n_first", n_first)
    _check_count("n_second", n_second)
    _check_budget(budget)
    _check_strategy(strategy, PAIR_STRATEGIES, SINGLE_STRATEGIES, "plan_single")
    if strategy == "window":
        _check_overlap(overlap, budget)
    total = n_first + n_second
    if total <= budget:
        return DocPlan((Window(_span(0, n_first), _span(0, n_second)),), total, False, 0)
    if strategy == "error":
        raise TooLongError(
            length=total, limit=budget, n_first=n_first, n_second=n_second,
            message=f"the pair has {n_first} + {n_second} = {total} content tokens but only "
                    f'{budget} fit (budget={budget}), and strategy="error" cuts nothing.',
            fix='strategy="window" (the first text in every window, the second sliding) or '
                'strategy="longest_first"')
    if strategy == "window":
        return _pair_windows(n_first, n_second, budget, overlap)
    if strategy == "longest_first":
        keep_first, keep_second = _longest_first(n_first, n_second, budget)
    elif strategy == "only_first":
        _check_other_fits("only_first", "second", n_second, budget)
        keep_first, keep_second = budget - n_second, n_second
    else:
        _check_other_fits("only_second", "first", n_first, budget)
        keep_first, keep_second = n_first, budget - n_first
    window = Window(_span(0, keep_first), _span(0, keep_second))
    return DocPlan((window,), total, True, total - budget)


def select(items: Sequence[T], slices: Slices) -> list[T]:
    """The items of ``items`` that ``slices`` keep, in order: ids, offsets, anything indexable.

    >>> select([101, 102, 103, 104, 105], ((0, 1), (3, 5)))
    [101, 104, 105]
    >>> select([(0, 3), (4, 9), (10, 12)], ((1, 3),))
    [(4, 9), (10, 12)]
    """
    out: list[T] = []
    for start, end in slices:
        if not 0 <= start <= end <= len(items):
            raise InputError(
                f"slice ({start}, {end}) does not lie within a sequence of {len(items)} items: "
                f"the plan was made for a different text.",
                fix="plan with this sequence's own length, e.g. "
                    "plan_single(len(ids), budget=..., strategy=...)",
                slice=(start, end), length=len(items))
        out.extend(items[start:end])
    return out


def _span(start: int, end: int) -> Slices:
    return ((start, end),) if end > start else ()


def _slide(n: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """Windows of ``size`` over ``range(n)`` (``n > size``) starting every ``size - overlap``,
    the last one cut at ``n``: ``1 + ceil((n - size) / step)`` windows."""
    step = size - overlap
    return [(i * step, min(i * step + size, n)) for i in range(window_count(n, size, overlap))]


def _longest_first(n_first: int, n_second: int, budget: int) -> tuple[int, int]:
    """Lengths kept by ``transformers``' Python ``longest_first``: the one-token-at-a-time loop
    (the longer text loses a token; a tie costs the second text), in closed form."""
    remove = n_first + n_second - budget
    uneven = min(abs(n_first - n_second), remove)  # brings the longer text down to the other
    even = remove - uneven  # then alternately, second text first
    if n_first > n_second:
        return n_first - uneven - even // 2, n_second - (even - even // 2)
    return n_first - even // 2, n_second - uneven - (even - even // 2)


def _pair_windows(n_first: int, n_second: int, budget: int, overlap: int) -> DocPlan:
    room = budget - n_first
    if room < 1:
        raise NoRoomError(
            f"the first text has {n_first} content tokens and the budget is {budget}: "
            f'strategy="window" repeats the first text in every window, which leaves no room '
            f"for the second text ({n_second} tokens).",
            needed=n_first + 1 + overlap, limit=budget,
            fix=f"shorten the first text (e.g. the question) to at most {budget - 1 - overlap} "
                f"tokens, raise max_length by {n_first + 1 + overlap - budget}, or "
                f'strategy="longest_first"')
    if overlap >= room:
        raise OptionError(
            f"overlap={overlap}, but the first text ({n_first} tokens) leaves room for only "
            f"{room} tokens of the second text per window (budget {budget} - {n_first}), so "
            f"windows sharing {overlap} of them could not move forward; overlap must be below "
            f"{room}.",
            option="overlap", value=overlap, room=room,
            fix=f"overlap={default_overlap(room)}, or shorten the first text (e.g. the question)")
    windows = tuple(Window(_span(0, n_first), _span(s, e))
                    for s, e in _slide(n_second, room, overlap))
    return DocPlan(windows, n_first + n_second, False, 0)


def _check_other_fits(strategy: str, other: str, n_other: int, budget: int) -> None:
    if n_other >= budget:
        cut = "first" if other == "second" else "second"
        raise NoRoomError(
            f'strategy="{strategy}" cuts only the {cut} text, but the {other} text alone has '
            f"{n_other} content tokens and the budget is {budget}, which leaves the {cut} text "
            f"no token.",
            needed=n_other + 1, limit=budget,
            fix=f'strategy="longest_first", or raise max_length by {n_other + 1 - budget}')


def _check_count(name: str, value: object) -> None:
    if not is_int(value) or value < 0:
        raise InputError(f"{name}={value!r}, but a token count is a whole number >= 0.",
                         fix=f"{name}=len(ids)", value=value)


def _check_budget(budget: object) -> None:
    if not is_int(budget):
        raise OptionError(
            f"budget={budget!r}; it must be a whole number of content tokens.",
            option="budget", value=budget, fix="budget=max_length - special_tokens, e.g. 510")
    if budget < 1:
        raise NoRoomError(
            f"budget={budget}: the special tokens take all of max_length, leaving no room for "
            f"content tokens.",
            needed=1, limit=budget,
            fix=f"raise max_length by {1 - budget} or more"
                f" (budget = max_length - special tokens)")


def _check_overlap(overlap: object, budget: int) -> None:
    if not is_int(overlap) or not 0 <= overlap < budget:
        raise OptionError(
            f"overlap={overlap!r}, but consecutive windows must share fewer tokens than a "
            f"window holds: 0 <= overlap < budget={budget}.",
            option="overlap", value=overlap, fix=f"overlap={default_overlap(budget)}")


def _check_head(head: object, budget: int) -> int:
    if head is None:
        return default_head(budget)
    if not is_int(head) or not 0 <= head <= budget:
        raise OptionError(
            f'head={head!r}, but strategy="head+tail" keeps head tokens from the start out of '
            f"budget={budget}: 0 <= head <= {budget}.",
            option="head", value=head, fix=f"head={default_head(budget)} (the default, a quarter)")
    return head


def _check_strategy(value: object, valid: tuple[str, ...], other: tuple[str, ...],
                    other_function: str) -> None:
    hint = f" here (it is a strategy of {other_function})" if value in other else " here"
    check_choice("strategy", value, valid, hint=hint, default="window")
