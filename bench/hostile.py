"""The tally of the bad-input matrix (tests/hostile/matrix.py): how many cases were tried, how
many ended cleanly (a correct result, a one-line error with a fix, or rows reported with line
and reason), and how many failed, by kind: traceback, refused (valid input turned away),
silently-wrong, lost-rows.

Target (issue 10): zero silently-wrong, zero lost rows, zero raw tracebacks.

Usage: ``.venv/bin/python bench/hostile.py [--show]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="print every case that failed")
    args = parser.parse_args()
    from hostile.matrix import CASES, outcome

    tally: Counter[str] = Counter()
    by_area: Counter[tuple[str, str]] = Counter()
    failures = []
    start = time.perf_counter()
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            status, detail = outcome(case, Path(tmp))
        tally[status] += 1
        by_area[(case.area, status)] += 1
        if status != "clean":
            failures.append((case.id, status, detail))
    seconds = time.perf_counter() - start
    print(f"tried {len(CASES)} bad inputs in {seconds:.0f} s")
    for status in ("clean", "traceback", "refused", "silently-wrong", "lost-rows"):
        print(f"  {status:<15} {tally[status]:4d}")
    areas = sorted({area for area, _ in by_area})
    print("by area: " + ", ".join(
        f"{a} {by_area[(a, 'clean')]}/{sum(n for (x, _), n in by_area.items() if x == a)}"
        for a in areas))
    if args.show or failures:
        for case_id, status, detail in failures:
            print(f"  {status}: {case_id}: {detail}")


if __name__ == "__main__":
    main()
