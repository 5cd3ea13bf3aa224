"""Held-out measurement of ``seqfit explain``: leave 20% of the catalogue's on-topic templates
(and 20% of the off-topic ones) out of the matchers, render each held-out template with sample
numbers as a user would paste it, and report top-1 on them. It measures whether the engine
generalises beyond exact templates (wording families, number shapes, the hand-written rules).

Usage::

    .venv/bin/python scripts/heldout_catalogue.py
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "diagnose"))

from test_catalogue import render  # noqa: E402

import seqfit  # noqa: E402
from seqfit.diagnose import engine  # noqa: E402
from seqfit.diagnose.catalogue import Catalogue, load  # noqa: E402


def held_out(row_id: str) -> bool:
    return int(hashlib.sha1(row_id.encode()).hexdigest(), 16) % 5 == 0  # a fixed 20%


def main() -> None:
    full = load()
    train = Catalogue([r for r in full.rows if not held_out(r.id)], full.releases)
    test = [r for r in full.rows if held_out(r.id) and not r.ambiguous]
    on = [r for r in test if r.code != "unknown"]
    off = [r for r in test if r.code == "unknown"]
    with mock.patch.object(engine, "load", lambda: train):
        right_on = [r for r in on if seqfit.explain(render(r)[0]).best.code == r.code]
        right_off = [r for r in off if seqfit.explain(render(r)[0]).best.code == "unknown"]
        misses = [(r, seqfit.explain(render(r)[0]).best.code) for r in on if r not in right_on]
    print(f"held out: {len(on)} on-topic and {len(off)} off-topic templates "
          f"(of {len(full.rows)}; the matchers keep {len(train.rows)})")
    print(f"top-1 on held-out on-topic templates: {len(right_on)}/{len(on)} = "
          f"{len(right_on) / max(len(on), 1):.1%}")
    print(f"unknown on held-out off-topic templates: {len(right_off)}/{len(off)} = "
          f"{len(right_off) / max(len(off), 1):.1%}")
    for row, got in misses:
        print(f"  miss: {row.code} -> {got}: {row.template[:100]}")


if __name__ == "__main__":
    main()
