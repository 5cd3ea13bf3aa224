"""Throughput of the local engine and of Ray Data with 1 and 2 workers, side by side in one run,
and Ray's fixed start-up cost.

For each engine the whole call is timed (reading, counting or running, merging), on the same
generated corpus; Ray's start-up (``ray.init`` and a first trivial job) is measured apart and
left out of the rows/s, so the per-worker throughput that a cluster estimate needs is visible.

Usage: ``.venv/bin/python bench/scale.py [--rows 40000] [--embed-rows 2000]`` (needs the ray
extra: ``pip install '.[ray]'``).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WORDS = ("the model reads every token of a long document and the windows fit the limit while "
         "nothing is lost in the batches").split()


def corpus(path: Path, rows: int, seed: int = 0) -> int:
    rng = random.Random(seed)
    with path.open("w") as out:
        for i in range(rows):
            n = min(3000, 5 + int(rng.paretovariate(1.3) * 25))
            out.write(json.dumps({"id": i, "text": " ".join(rng.choice(WORDS) for _ in range(n))})
                      + "\n")
    return rows


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def ray_start(cpus: int) -> float:
    import ray

    if ray.is_initialized():
        ray.shutdown()
    start = time.perf_counter()
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    ray.data.range(cpus).map_batches(lambda b: b).take_all()  # the first job starts workers
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=40000)
    args = parser.parse_args()
    import ray

    import seqfit

    rows: dict[str, tuple[float, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "corpus.jsonl"
        corpus(data, args.rows)
        rows["local"] = timed(lambda: seqfit.profile(str(data)))
        startups = {}
        for cpus in (1, 2):
            startups[cpus] = ray_start(cpus)
            rows[f"ray, {cpus} worker{'s' if cpus > 1 else ''}"] = timed(
                lambda cpus=cpus: seqfit.profile(str(data), engine="ray", blocks=4 * cpus))
        ray.shutdown()
    local_time = rows["local"][0]
    tokens = rows["local"][1].tokens
    print(f"profile of {args.rows:,} rows ({tokens:,} tokens), whole call, this machine")
    for name, (seconds, result) in rows.items():
        same = "same profile" if result.to_dict() | {"extra": {}} == rows["local"][1].to_dict() \
            | {"extra": {}} else "DIFFERENT profile"
        print(f"  {name:<15} {seconds:6.2f} s  {args.rows / seconds:10,.0f} rows/s  "
              f"{tokens / seconds:12,.0f} tokens/s  {local_time / seconds:5.2f}x local  ({same})")
    for cpus, seconds in startups.items():
        print(f"  ray start-up with {cpus} CPU{'s' if cpus > 1 else ''}: {seconds:.1f} s "
              "(ray.init and a first job; not in the figures above)")


if __name__ == "__main__":
    main()
