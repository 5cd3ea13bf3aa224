"""Time and peak memory of ``seqfit explain`` on a generated 50 MB training log with a traceback in
the middle, beside a small log with the same traceback (ratios, no assertions).

    .venv/bin/python bench/explain_speed.py
"""

from __future__ import annotations

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
    tracemalloc.start()
    start = time.perf_counter()
    with path.open("rb") as stream:
        code = seqfit.explain(stream).best.code
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, code


def main() -> None:
    seqfit.explain("warm-up: IndexError: index out of range in self")  # catalogue loaded once
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


if __name__ == "__main__":
    main()
