"""Which rows go together in a batch, planned from their lengths alone.

Pure functions over ints (standard library and :mod:`seqfit.errors` only); padding the rows
into tensors is :mod:`seqfit.batching`'s job. Lengths are whole model inputs (special tokens
included). A batch costs ``rows × padded length``, the padded length being its longest row
rounded up to ``pad_to_multiple_of``; ``batch_tokens`` bounds that cost per batch (it is a
budget per batch, not the model's ``max_tokens``).

>>> plan = plan_batches([5, 30, 7, 28], batch_tokens=64)
>>> plan.batches, plan.batch_shapes
(((1, 3), (2, 0)), ((2, 30), (2, 7)))
>>> plan.real_tokens, plan.padded_tokens, round(plan.padding_share, 3)
(70, 74, 0.054)
>>> plan_fixed_batches([5, 30, 7, 28], batch_size=2).padded_tokens
116
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from .._checks import as_list, check_choice, check_whole, is_int
from ..errors import InputError, OptionError, TooLongError

BatchOrder = Literal["length", "input"]
BATCH_ORDERS: tuple[str, ...] = get_args(BatchOrder)
#: Padded tokens per batch when no limit is given: fits a CPU or a small GPU comfortably.
DEFAULT_BATCH_TOKENS = 16384

__all__ = ["BATCH_ORDERS", "DEFAULT_BATCH_TOKENS", "BatchOrder", "BatchPlan",
           "default_batch_tokens", "longest_first_shapes", "plan_batches", "plan_fixed_batches"]


def default_batch_tokens(max_length: int) -> int:
    """The token budget per batch when none is given: 16384, or one row of ``max_length``
    where that is more, so that every row fits a batch.

    >>> default_batch_tokens(512), default_batch_tokens(32768)
    (16384, 32768)
    """
    return max(DEFAULT_BATCH_TOKENS, max_length)


@dataclass(frozen=True)
class BatchPlan:
    """Batches of row indices, with what each costs.

    ``batches[b]`` lists the rows of batch ``b``; ``batch_shapes[b]`` is its ``(rows, padded
    length)``. ``real_tokens`` sums the rows' lengths, ``padded_tokens`` the batches'
    ``rows × padded length``.
    """

    batches: tuple[tuple[int, ...], ...]
    batch_shapes: tuple[tuple[int, int], ...]
    real_tokens: int
    padded_tokens: int

    @property
    def padding_share(self) -> float:
        """The share of padded tokens that is padding: ``1 - real / padded`` (0.0 if empty)."""
        return 1.0 - self.real_tokens / self.padded_tokens if self.padded_tokens else 0.0

    @property
    def n_batches(self) -> int:
        """How many batches (forward passes) the plan takes."""
        return len(self.batches)


def plan_batches(lengths: Iterable[int], *, batch_tokens: int | None = None,
                 max_batch_size: int | None = None, pad_to_multiple_of: int | None = None,
                 max_length: int | None = None, order: BatchOrder = "length",
                 batch_cost: int | None = None) -> BatchPlan:
    """Group rows into batches of at most ``batch_tokens`` padded tokens (``rows × padded
    length``) and at most ``max_batch_size`` rows; give at least one of the two limits.
    ``lengths`` may be any iterable (a generator is read once). ``max_length`` (the model's
    limit) caps the rounding to ``pad_to_multiple_of``: a 510-token row padded to a multiple of
    24 becomes 512 on a 512-token model, not 528.

    ``order="length"`` (default) takes rows **longest first** (ties in input order), so the
    most expensive batch runs first and an out-of-memory error shows at once, and fills each
    batch greedily. When that leaves every batch full but a smaller last one, the smaller batch
    is moved to where it pads least; batches stay in descending length order. With
    ``max_batch_size=B`` alone this gives the least padding of any split into batches of ``B``
    rows and one remainder (an exchange argument: an optimal split can always be made of
    consecutive rows in length order), so never more than :func:`plan_fixed_batches`.

    ``batch_cost`` (with ``order="length"``) prices each forward pass in padded tokens: the
    rows, still longest first, are then split where ``padded tokens + batch_cost × batches`` is
    least, the exact optimum over splits into consecutive rows (dynamic programming, O(n × rows
    per batch)). Where a pass costs little beside its tokens (a CPU, where time per token barely
    changes with the batch's size), this pads far less than filling every batch: a small
    ``batch_cost`` buys many small, tightly fitted batches, a large one few full batches.

    ``order="input"`` keeps rows in input order and starts a new batch when the next row would
    break a limit. Both run in O(n log n) (sorting), fast enough for millions of rows.

    >>> plan = plan_batches([1, 1, 5, 5, 5], max_batch_size=2)
    >>> plan.batches, plan.padded_tokens  # 10 + 5 + 2 tokens, where plain greedy pads 10 + 10 + 1
    (((2, 3), (4,), (0, 1)), 17)
    >>> plan_batches([3, 9, 4, 8, 1], batch_tokens=16, order="input").batch_shapes
    ((1, 3), (1, 9), (2, 8), (1, 1))
    >>> plan_batches([40, 39, 38, 12, 11, 10], batch_tokens=256).batch_shapes  # fills batches
    ((6, 40),)
    >>> plan_batches([40, 39, 38, 12, 11, 10], batch_tokens=256, batch_cost=16).batch_shapes
    ((3, 40), (3, 12))
    """
    check_choice("order", order, BATCH_ORDERS)
    batch_tokens = check_whole("batch_tokens", batch_tokens, optional=True,
                               example=DEFAULT_BATCH_TOKENS)
    max_batch_size = check_whole("max_batch_size", max_batch_size, optional=True, example=32)
    multiple = check_whole("pad_to_multiple_of", pad_to_multiple_of, optional=True, example=8)
    cap = check_whole("max_length", max_length, optional=True, example=512)
    batch_cost = check_whole("batch_cost", batch_cost, minimum=0, optional=True, example=64)
    if batch_cost is not None and order != "length":
        raise OptionError(
            f"batch_cost={batch_cost} splits length-ordered batches, but order={order!r} keeps "
            "the rows in input order.", option="batch_cost", value=batch_cost,
            fix='order="length" with batch_cost, or order="input" without it')
    if batch_tokens is None and max_batch_size is None:
        raise OptionError(
            "plan_batches needs a limit, but batch_tokens and max_batch_size are both None.",
            option="batch_tokens", value=None,
            fix=f"batch_tokens={DEFAULT_BATCH_TOKENS} (rows × padded length per batch), "
                "max_batch_size=32, or both")
    lengths = as_list("lengths", lengths, what="lengths", example="[len(ids) for ids in rows]")
    padded = _padded_lengths(lengths, multiple, cap)
    if batch_tokens is not None:
        _check_rows_fit(lengths, padded, batch_tokens, multiple)
    if order == "input":
        batches = _greedy_in_order(padded, batch_tokens, max_batch_size)
    else:
        batches = _longest_first(padded, batch_tokens, max_batch_size, batch_cost)
    return _plan(batches, lengths, padded)


def plan_fixed_batches(lengths: Iterable[int], *, batch_size: int,
                       pad_to_multiple_of: int | None = None) -> BatchPlan:
    """Batches of ``batch_size`` consecutive rows in input order (the last one may be smaller):
    what a plain ``DataLoader(batch_size=...)`` does. The baseline to compare plans with.

    >>> plan_fixed_batches([3, 9, 4], batch_size=2, pad_to_multiple_of=8).batch_shapes
    ((2, 16), (1, 8))
    """
    batch_size = check_whole("batch_size", batch_size, example=32) or 1
    multiple = check_whole("pad_to_multiple_of", pad_to_multiple_of, optional=True, example=8)
    lengths = as_list("lengths", lengths, what="lengths", example="[len(ids) for ids in rows]")
    padded = _padded_lengths(lengths, multiple)
    rows = range(len(padded))
    batches = [tuple(rows[i:i + batch_size]) for i in range(0, len(padded), batch_size)]
    return _plan(batches, lengths, padded)


def longest_first_shapes(runs: Iterable[tuple[int, int]], *, batch_tokens: int | None,
                         max_batch_size: int | None = None) -> list[tuple[int, int]]:
    """``(rows, width)`` of the greedy longest-first batches over ``runs`` of ``(width, rows)``
    in descending width: each batch opens at its longest row and takes as many rows as the
    budget (``batch_tokens // width``) and ``max_batch_size`` allow. Runs make it work on a
    length histogram as well as on rows, without expanding the histogram.

    >>> longest_first_shapes([(30, 1), (28, 1), (7, 1), (5, 1)], batch_tokens=64)
    [(2, 30), (2, 7)]
    >>> longest_first_shapes([(100, 5), (10, 250)], batch_tokens=1000)
    [(10, 100), (100, 10), (100, 10), (45, 10)]
    """
    shapes: list[tuple[int, int]] = []
    room: int | None = 0  # rows the open batch can still take; None: no limit
    for width, count in runs:
        left = count
        while left:
            if room == 0:
                room = _rows_per_batch(width, batch_tokens, max_batch_size)
                shapes.append((0, width))
            take = left if room is None else min(room, left)
            rows, opened = shapes[-1]
            shapes[-1] = (rows + take, opened)
            left -= take
            if room is not None:
                room -= take
    return shapes


def _rows_per_batch(width: int, batch_tokens: int | None, max_batch_size: int | None
                    ) -> int | None:
    """Rows a batch opened by a row of ``width`` may hold (None: unbounded)."""
    rows = None
    if batch_tokens is not None and width > 0:
        rows = max(1, batch_tokens // width)
    if max_batch_size is not None:
        rows = max_batch_size if rows is None else min(rows, max_batch_size)
    return rows


def _longest_first(padded: list[int], batch_tokens: int | None, max_batch_size: int | None,
                   batch_cost: int | None) -> list[tuple[int, ...]]:
    """Rows longest first (ties in input order), cut into consecutive batches: filled as far as
    the limits allow, or, with ``batch_cost``, where padding plus passes cost least."""
    order = sorted(range(len(padded)), key=padded.__getitem__, reverse=True)  # stable
    widths = [padded[i] for i in order]
    if batch_cost is None:
        sizes = _filled_sizes(widths, batch_tokens, max_batch_size)
    else:
        sizes = _least_cost_sizes(widths, batch_tokens, max_batch_size, batch_cost)
    batches: list[tuple[int, ...]] = []
    start = 0
    for size in sizes:
        batches.append(tuple(order[start:start + size]))
        start += size
    return batches


def _filled_sizes(widths: list[int], batch_tokens: int | None,
                  max_batch_size: int | None) -> list[int]:
    runs: list[tuple[int, int]] = []
    for width in widths:
        if runs and runs[-1][0] == width:
            runs[-1] = (width, runs[-1][1] + 1)
        else:
            runs.append((width, 1))
    sizes = [rows for rows, _ in longest_first_shapes(runs, batch_tokens=batch_tokens,
                                                       max_batch_size=max_batch_size)]
    if max_batch_size is not None:
        sizes = _place_remainder(sizes, widths, max_batch_size)
    return sizes


def _least_cost_sizes(widths: list[int], batch_tokens: int | None,
                      max_batch_size: int | None, batch_cost: int) -> list[int]:
    """Sizes of consecutive batches of ``widths`` (descending) where padded tokens plus
    ``batch_cost`` per batch is least, within both limits.

    ``best[i]`` is the least cost of the first ``i`` rows: the batch that ends there starts at
    some ``j``, pads to ``widths[j]`` (its longest row) and costs ``(i - j) × widths[j] +
    batch_cost``. Going back from ``i`` the batch only grows, so the search stops at the first
    ``j`` that breaks a limit. That cost obeys the quadrangle inequality (for ``a ≤ b ≤ c ≤ d``,
    ``cost(a, c) + cost(b, d) ≤ cost(a, d) + cost(b, c)``, as ``widths[a] ≥ widths[b]``), so the
    earliest best start never moves back as ``i`` grows: the search also stops at the previous
    row's start, which keeps it near linear in practice. Ties keep the longer batch.
    """
    n = len(widths)
    best = [0] * (n + 1)
    start = [0] * (n + 1)
    for i in range(1, n + 1):
        lowest, first = -1, i - 1
        for j in range(i - 1, start[i - 1] - 1, -1):
            rows = i - j
            if (max_batch_size is not None and rows > max_batch_size) or (
                    batch_tokens is not None and rows * widths[j] > batch_tokens):
                break
            cost = best[j] + rows * widths[j] + batch_cost
            if lowest < 0 or cost <= lowest:
                lowest, first = cost, j
        best[i], start[i] = lowest, first
    sizes: list[int] = []
    i = n
    while i:
        sizes.append(i - start[i])
        i = start[i]
    return sizes[::-1]


def _place_remainder(sizes: list[int], widths: list[int], full: int) -> list[int]:
    """Move a smaller last batch (all others ``full``) to the position that pads least.

    With the remainder of ``r`` rows at position ``p``, batch ``j < p`` starts at row ``j·full``
    and batch ``j > p`` at ``(j-1)·full + r``; each batch pads to its first (longest) row. Every
    moved batch starts at or after its old first row, so it still fits ``batch_tokens``.
    """
    k = len(sizes)
    if k < 2 or sizes[-1] == full or any(size != full for size in sizes[:-1]):
        return sizes
    r = sizes[-1]
    after = [0] * (k + 1)  # after[p] = padded tokens of batches p+1 .. k-1 if the remainder is p
    for p in range(k - 2, -1, -1):
        after[p] = after[p + 1] + full * widths[p * full + r]
    best_p, best_cost, before = 0, -1, 0
    for p in range(k):
        cost = before + r * widths[p * full] + after[p]
        if best_cost < 0 or cost <= best_cost:  # on a tie, the latest place: plain greedy
            best_p, best_cost = p, cost
        before += full * widths[p * full]
    return [full] * best_p + [r] + [full] * (k - 1 - best_p)


def _greedy_in_order(padded: list[int], batch_tokens: int | None,
                     max_batch_size: int | None) -> list[tuple[int, ...]]:
    batches: list[tuple[int, ...]] = []
    start, width = 0, 0
    for row, length in enumerate(padded):
        rows = row - start
        new_width = max(width, length)
        if rows and ((max_batch_size is not None and rows >= max_batch_size) or
                     (batch_tokens is not None and (rows + 1) * new_width > batch_tokens)):
            batches.append(tuple(range(start, row)))
            start, new_width = row, length
        width = new_width
    if start < len(padded):
        batches.append(tuple(range(start, len(padded))))
    return batches


def _plan(batches: list[tuple[int, ...]], lengths: Sequence[int],
          padded: list[int]) -> BatchPlan:
    shapes = tuple((len(b), max(map(padded.__getitem__, b))) for b in batches)
    return BatchPlan(tuple(batches), shapes, sum(lengths),
                     sum(rows * width for rows, width in shapes))


def _padded_lengths(lengths: Sequence[int], multiple: int | None,
                    cap: int | None = None) -> list[int]:
    for row, length in enumerate(lengths):
        if not is_int(length) or length < 0:
            raise InputError(f"row {row} has length {length!r}, but a length is a whole "
                             f"number of tokens >= 0.", row=row,
                             fix="lengths=[len(ids) for ids in input_ids]", length=length)
    if multiple is None or multiple == 1:
        return [int(length) for length in lengths]
    rounded = [-(-int(length) // multiple) * multiple for length in lengths]
    if cap is None:
        return rounded
    return [min(r, max(cap, int(n))) for r, n in zip(rounded, lengths, strict=True)]


def _check_rows_fit(lengths: Sequence[int], padded: list[int], batch_tokens: int,
                    multiple: int | None) -> None:
    too_long = [row for row, width in enumerate(padded) if width > batch_tokens]
    if not too_long:
        return
    row = too_long[0]
    length, width = lengths[row], padded[row]
    padding = f" (padded to {width})" if width != length else ""
    more = len(too_long) - 1
    others = f"; {more} more {'row is' if more == 1 else 'rows are'} too long" if more else ""
    fits = batch_tokens - batch_tokens % multiple if multiple else batch_tokens
    raise TooLongError(
        length=length, limit=batch_tokens, row=row, padded=width, n_too_long=len(too_long),
        message=f"row {row} has {length} tokens{padding} but batch_tokens={batch_tokens}, so "
                f"it fits in no batch, even alone{others}.",
        fix=f"batch_tokens={max(padded)} or more, or fit the rows to at most {fits} tokens "
            f"(seqfit.fit(..., max_length={fits}))")
