"""Profiling one huge row costs about what the same bytes cost as many short rows.

Writes two files of the same size (``--mb``, default 50): one JSONL row holding a single text
of that size, and many short rows; profiles each in a fresh process with the embedded model and
prints wall time and peak memory (the process's maximum resident set, start-up included), and
the ratio of the one to the other. Issue 10's targets: under 1 GB peak, and well under a quarter
of the 62 s the one-row file took before seqfit counted huge texts in chunks.

Usage: ``.venv/bin/python bench/huge_row.py [--mb 50]``
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import resource, sys, time
import seqfit
start = time.perf_counter()
result = seqfit.profile(sys.argv[1])
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(result.rows, result.tokens, f"{seconds:.2f}", f"{peak_mb:.0f}")
"""
WORDS = "the model reads every token of a long document and windows fit the limit".split()


def write(path: Path, size: int, rows: int) -> None:
    rng = random.Random(0)
    per_row = size // rows
    with path.open("w") as out:
        for _ in range(rows):
            words: list[str] = []
            length = 0
            while length < per_row - 20:
                word = rng.choice(WORDS)
                words.append(word)
                length += len(word) + 1
            out.write(json.dumps({"text": " ".join(words)}) + "\n")


def run(path: Path) -> tuple[str, float, float]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True,
                         capture_output=True, text=True).stdout.split()
    wall = time.perf_counter() - start
    rows, tokens, _seconds, peak = out
    return f"{int(rows):,} rows, {int(tokens):,} tokens", wall, float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50.0)
    args = parser.parse_args()
    size = int(args.mb * 1024 * 1024)
    with tempfile.TemporaryDirectory() as tmp:
        one, many = Path(tmp) / "one-row.jsonl", Path(tmp) / "short-rows.jsonl"
        write(one, size, 1)
        write(many, size, max(1, size // 2000))
        results = {"one huge row": run(one), "short rows, same size": run(many)}
    for name, (what, wall, peak) in results.items():
        print(f"{name:<22} {wall:6.1f} s  peak {peak:6.0f} MB   ({what})")
    (_, wall_one, peak_one), (_, wall_many, peak_many) = results.values()
    print(f"one row / short rows: time {wall_one / wall_many:.2f}x, memory "
          f"{peak_one / peak_many:.2f}x; target: peak under 1,024 MB "
          f"({'met' if peak_one < 1024 else 'MISSED'}), time under 15.5 s (a quarter of 62 s) "
          f"({'met' if wall_one < 15.5 else 'MISSED'})")


if __name__ == "__main__":
    main()
