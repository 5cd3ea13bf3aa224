"""Time and peak memory of ``seqfit explain`` on a generated 50 MB training log with a traceback in
the middle, beside a small log with the same traceback; and whole ``seqfit explain --error``
commands in fresh processes, beside ``import seqfit`` (ratios, no assertions).

Time is measured without tracemalloc (it slows Python several-fold); peak memory in a second run
under it.

    .venv/bin/python bench/explain_speed.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import seqfit

TRACEBACK = [
    "Traceback (most recent call last):", '  File "train.py", line 3, in <module>',
    "    model(**batch)",
    "RuntimeError: The size of tensor a (802) must match the size of tensor b (512) at "
    "non-singleton dimension 1"]
#: A message a template of the catalogue says exactly, and one only the wording and keyword
#: families read (the wording index is loaded for it).
MESSAGES = {
    "exact template": "ValueError: Asking to pad but the tokenizer does not have a padding "
                      "token.",
    "wording families": "ValueError: the request has 9000 tokens, more than the limit of 8192 "
                        "tokens of this deployment",
}


def write_log(path: Path, size: int) -> None:
    with path.open("w") as out:
        written, step = 0, 0
        while written < size:
            line = (f"{step:>8} | loss 0.{step % 997:03d} | lr 3.0e-05 | 12.3 it/s | tokens "
                    f"{step * 512}\n")
            out.write(line)
            written += len(line)
            step += 1
            if step == 200_000 or (size < 1_000_000 and step == 200):
                text = "\n".join(TRACEBACK) + "\n"
                out.write(text)
                written += len(text)


def measure(path: Path) -> tuple[float, float, str]:
    start = time.perf_counter()
    with path.open("rb") as stream:
        code = seqfit.explain(stream).best.code
    seconds = time.perf_counter() - start
    tracemalloc.start()
    with path.open("rb") as stream:
        seqfit.explain(stream)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, code


def fresh(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seqfit.explain("warm-up: IndexError: index out of range in self")  # catalogue loaded once
    seqfit.explain(MESSAGES["wording families"])  # and the wording index
    with tempfile.TemporaryDirectory() as folder:
        small, big = Path(folder, "small.log"), Path(folder, "big.log")
        write_log(small, 50_000)
        write_log(big, 50 * 2**20)
        s_time, s_peak, s_code = measure(small)
        b_time, b_peak, b_code = measure(big)
    print(f"small log  50 KB: {s_time:6.2f} s, peak {s_peak:6.1f} MiB, {s_code}")
    print(f"big log    50 MB: {b_time:6.2f} s, peak {b_peak:6.1f} MiB, {b_code}")
    print(f"ratio big/small: time x{b_time / max(s_time, 1e-9):.0f} for x1000 the bytes, "
          f"peak memory x{b_peak / max(s_peak, 1e-9):.1f}")
    seqfit_bin = str(Path(sys.executable).parent / "seqfit")
    base = fresh([sys.executable, "-c", "import seqfit"], args.runs)
    print(f"\nfresh processes, median of {args.runs}:")
    print(f"{'import seqfit':<40} {base:6.2f} s")
    for name, message in MESSAGES.items():
        seconds = fresh([seqfit_bin, "explain", "--error", message], args.runs)
        print(f"{'seqfit explain --error (' + name + ')':<40} {seconds:6.2f} s   "
              f"x{seconds / base:.1f} import seqfit")


if __name__ == "__main__":
    main()
