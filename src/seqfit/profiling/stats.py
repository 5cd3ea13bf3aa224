"""Token lengths, accumulated: a histogram whose memory does not grow with the data, the
fixed-size batches of the arrival order, and a reservoir sample.

The work is shaped as functions over batches of rows, so a distributed engine can map them over
partitions and merge the results: :func:`~seqfit.profiling.counting.token_lengths` turns a batch
of texts into lengths, :class:`LengthStats` accumulates them and merges with another (exactly
and associatively), and :func:`~seqfit.profiling.summary.summarize` turns the stats into a
:class:`~seqfit.profiling.summary.Profile`.

Lengths below :data:`EXACT_BELOW` are counted one by one; longer ones in log-spaced buckets (256
per doubling, so a bucket spans at most 0.3% of its lengths) that keep their exact count, sum,
shortest and longest. Counts, totals, the maximum and every share over a limit below
``EXACT_BELOW`` stay exact; a percentile above it is exact to within its bucket.

>>> stats = LengthStats(batch_size=2)
>>> stats.add([3, 10, 4, 4, 70_000])
>>> stats.rows, stats.tokens, stats.longest
(5, 70021, 70000)
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import check_whole
from ..errors import OptionError

#: Lengths below this are counted exactly, one bin per length (a 512 KB array at most).
EXACT_BELOW = 1 << 16
#: Log-spaced buckets per doubling of length above ``EXACT_BELOW``.
BUCKETS_PER_DOUBLING = 256


@dataclass
class Bucket:
    """Rows of lengths in one log-spaced bucket: how many, their total, shortest, longest."""

    rows: int
    tokens: int
    shortest: int
    longest: int

    def __add__(self, other: Bucket) -> Bucket:
        return Bucket(self.rows + other.rows, self.tokens + other.tokens,
                      min(self.shortest, other.shortest), max(self.longest, other.longest))


def bucket_of(length: int) -> int:
    """The log-spaced bucket of a length at or above ``EXACT_BELOW``."""
    return int(math.log2(length / EXACT_BELOW) * BUCKETS_PER_DOUBLING)


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
    """Accumulates token lengths: an exact histogram below :data:`EXACT_BELOW`, log-spaced
    buckets above it, and the fixed-size batches of the arrival order (:class:`FileOrder`, the
    baseline users run today). ``merge`` combines the stats of consecutive partitions, exactly
    and associatively; memory depends on neither the number of rows nor the longest one."""

    def __init__(self, *, batch_size: int = 32) -> None:
        batch_size = check_whole("batch_size", batch_size, example=32) or 1
        self.counts = np.zeros(0, dtype=np.int64)
        self.buckets: dict[int, Bucket] = {}
        self.batch_size = batch_size
        self.file_order = FileOrder(batch_size)

    def add(self, lengths: Iterable[int] | np.ndarray) -> None:
        array = np.asarray(lengths, dtype=np.int64).reshape(-1)
        if array.size == 0:
            return
        if int(array.min()) < 0:
            raise OptionError(f"a token length of {int(array.min())}: lengths are whole "
                              "numbers >= 0.", option="lengths", value=int(array.min()),
                              fix="lengths from len(ids) or seqfit's token_lengths")
        exact = array[array < EXACT_BELOW]
        if exact.size:
            top = int(exact.max()) + 1
            if top > self.counts.size:
                grown = np.zeros(top, dtype=np.int64)
                grown[:self.counts.size] = self.counts
                self.counts = grown
            self.counts += np.bincount(exact, minlength=self.counts.size)
        for length in array[array >= EXACT_BELOW].tolist():
            self._bucket(bucket_of(length), Bucket(1, length, length, length))
        self.file_order = self.file_order + FileOrder.of(array, self.batch_size)

    def _bucket(self, key: int, bucket: Bucket) -> None:
        known = self.buckets.get(key)
        self.buckets[key] = bucket if known is None else known + bucket

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
        merged.buckets = dict(self.buckets)
        for key, bucket in other.buckets.items():
            merged._bucket(key, bucket)
        merged.file_order = self.file_order + other.file_order
        return merged

    @property
    def rows(self) -> int:
        return int(self.counts.sum()) + sum(b.rows for b in self.buckets.values())

    @property
    def tokens(self) -> int:
        """All tokens of all rows, exactly."""
        dense = int((np.arange(self.counts.size) * self.counts).sum())
        return dense + sum(b.tokens for b in self.buckets.values())

    @property
    def longest(self) -> int:
        if self.buckets:
            return max(b.longest for b in self.buckets.values())
        nonzero = np.flatnonzero(self.counts)
        return int(nonzero[-1]) if nonzero.size else 0

    def distribution(self) -> tuple[np.ndarray, np.ndarray]:
        """``(lengths, rows)`` in increasing length: every exact length with its rows, then each
        bucket as its mean length (so sums of lengths stay exact) with its rows."""
        dense = np.flatnonzero(self.counts)
        keys = sorted(self.buckets)
        lengths = np.concatenate([dense.astype(np.float64), np.asarray(
            [self.buckets[k].tokens / self.buckets[k].rows for k in keys], dtype=np.float64)])
        rows = np.concatenate([self.counts[dense], np.asarray(
            [self.buckets[k].rows for k in keys], dtype=np.int64)])
        return lengths, rows

    def fixed_widths(self) -> list[tuple[int, int]]:
        """(rows, width) of every fixed-size batch in arrival order, the last partial one
        included."""
        return self.file_order.shapes()


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
