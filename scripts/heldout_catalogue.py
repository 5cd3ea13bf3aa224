"""Held-out measurement of ``seqfit explain``: leave a share of the catalogue's templates out of
the matchers, render each held-out template with sample numbers as a user would paste it, and
report top-1 on them. It measures whether the engine generalises beyond exact templates (wording
families, keyword families, number shapes, the hand-written rules).

The held-out templates are removed from everything the engine learns from the catalogue: the
exact matchers, the wording index and the linear model of the codes are all rebuilt from the
templates that are kept (a :class:`~seqfit.diagnose.catalogue.Catalogue` of those rows alone;
the precomputed index of the committed catalogue is never used for it). The hand-written rules
of ``signatures.py``, the keyword families and the synonym lexicon of ``families.py`` stay: they
are part of the engine, written by people who had read the whole catalogue, so their share of
the figure is not a held-out measurement.

The templates are shuffled and cut into ``--folds`` parts (5: each split holds out 20%); each part
is held out once, so every template is measured exactly once per ``--repeats`` (another shuffle
each time), and the pooled figure is over all of them. The fixed split of the first measurement
(``sha1(id) % 5 == 0``) is printed too, for comparison with earlier figures.

A field that is not a number is filled with ``--filler``: ``encoder`` by default, a neutral
word. The first figures filled it with ``input_ids``; that word is on-topic, and in an off-topic
message it pulls the wording and the linear model towards the codes: once the review of 2026-12
gave codes to ~500 templates about input_ids, masks and labels, the off-topic figure read 87.5%
with it and 96.6% with the neutral word, on the same engine. ``--filler input_ids`` still gives
the old reading.

Usage::

    .venv/bin/python scripts/heldout_catalogue.py [--folds 5] [--repeats 1] [--misses]
        [--filler WORD]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "diagnose"))

from test_catalogue import render  # noqa: E402

import seqfit  # noqa: E402
from seqfit.diagnose import evidence  # noqa: E402
from seqfit.diagnose.catalogue import Catalogue, Row, load  # noqa: E402


def fixed_split(row: Row) -> bool:
    return int(hashlib.sha1(row.id.encode()).hexdigest(), 16) % 5 == 0  # the first, fixed 20%


def folds(rows: list[Row], count: int, seed: int) -> list[set[str]]:
    """The templates shuffled and cut into ``count`` parts of (nearly) equal size."""
    ids = sorted(r.id for r in rows)
    random.Random(seed).shuffle(ids)
    return [set(ids[i::count]) for i in range(count)]


def measure(full: Catalogue, out: set[str], filler: str = "encoder"
            ) -> tuple[int, int, int, int, list[str]]:
    train = Catalogue([r for r in full.rows if r.id not in out], full.releases)
    test = [r for r in full.rows if r.id in out and not r.ambiguous]
    on = [r for r in test if r.code != "unknown"]
    off = [r for r in test if r.code == "unknown"]
    misses: list[str] = []
    with mock.patch.object(evidence, "load", lambda: train):
        right_on = 0
        for row in on:
            got = seqfit.explain(render(row, filler)[0]).best.code
            right_on += got == row.code
            if got != row.code:
                misses.append(f"{row.code} -> {got}: {row.template[:110]}")
        right_off = 0
        for row in off:
            got = seqfit.explain(render(row, filler)[0]).best.code
            right_off += got == "unknown"
            if got != "unknown":
                misses.append(f"unknown -> {got}: {row.template[:110]}")
    return right_on, len(on), right_off, len(off), misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5, help="parts; each is held out once")
    parser.add_argument("--repeats", type=int, default=1, help="shuffles of the folds")
    parser.add_argument("--misses", action="store_true", help="list what each split gets wrong")
    parser.add_argument("--filler", default="encoder",
                        help="what a field that is not a number reads as (a neutral word; the "
                             "first figures used input_ids, an on-topic word in every "
                             "off-topic message)")
    args = parser.parse_args()
    full = load()
    splits = [("sha1 % 5", {r.id for r in full.rows if fixed_split(r)})] + [
        (f"{seed}/{i}", part) for seed in range(args.repeats)
        for i, part in enumerate(folds(full.rows, args.folds, seed))]
    total = [0, 0, 0, 0]
    print(f"catalogue: {len(full.rows)} templates; each split holds out 1/{args.folds}")
    for name, out in splits:
        right_on, on, right_off, off, misses = measure(full, out, args.filler)
        print(f"{name:>9}: on-topic top-1 {right_on:3}/{on:3} = {right_on / max(on, 1):6.1%}   "
              f"off-topic unknown {right_off:3}/{off:3} = {right_off / max(off, 1):6.1%}")
        if name != "sha1 % 5":
            for i, value in enumerate((right_on, on, right_off, off)):
                total[i] += value
        if args.misses:
            for miss in misses:
                print(f"           miss: {miss}")
    right_on, on, right_off, off = total
    print(f"pooled over {args.repeats} x {args.folds} splits: on-topic top-1 {right_on}/{on} = "
          f"{right_on / max(on, 1):.1%}; off-topic unknown {right_off}/{off} = "
          f"{right_off / max(off, 1):.1%}")


if __name__ == "__main__":
    main()
