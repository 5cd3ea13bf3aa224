"""Throughput of the local engine and of Ray Data with 1 and 2 workers, side by side in one run,
and Ray's fixed start-up cost: ``seqfit profile`` (rows/s) and ``seqfit embed`` (documents/s and
tokens/s per worker, the figure a cluster estimate needs).

For each engine the whole call is timed (reading, counting or running, merging, writing), on
the same generated corpus; Ray's start-up (``ray.init`` and a first trivial job) is measured
apart and left out of the rows/s. Embedding runs the embedded all-MiniLM-L6-v2 with windows (no
truncation); the Ray runs' embeddings are compared with the local ones (minimum cosine).

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
    parser.add_argument("--embed-rows", type=int, default=1000)
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
        embedded = embed_side_by_side(Path(tmp), args.embed_rows)
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

    local_embed = embedded["local"][0]
    print(f"embed of {args.embed_rows:,} rows ({embedded['local'][1].tokens:,} tokens, windows of "
          f"{embedded['local'][1].max_length}), whole run to Parquet, this machine")
    for name, (seconds, summary, cosine) in embedded.items():
        print(f"  {name:<15} {seconds:6.2f} s  {summary.rows / seconds:8,.1f} docs/s  "
              f"{summary.tokens / seconds:10,.0f} tokens/s  {local_embed / seconds:5.2f}x local"
              + (f"  (min cosine to local {cosine:.7f})" if cosine is not None else ""))


def embed_side_by_side(folder: Path, rows: int) -> dict[str, tuple[float, Any, float | None]]:
    """``seqfit embed`` locally and on Ray with 1 and 2 workers (2 CPUs: one stays unreserved
    for Ray Data's own tasks), each whole run timed."""
    import numpy as np
    import pyarrow.parquet as pq

    from seqfit.model.loading import default_model_path
    from seqfit.runners.dataset import run_dataset

    data = folder / "embed.jsonl"
    corpus(data, rows, seed=1)
    model = default_model_path()
    out: dict[str, tuple[float, Any, float | None]] = {}
    seconds, summary = timed(lambda: run_dataset("embed", data, folder / "local.parquet",
                                                 model=model, id_column="id"))
    out["local"] = (seconds, summary, None)
    local = np.asarray(pq.read_table(folder / "local.parquet")["embedding"].to_pylist())
    ray_start(2)
    for workers in (1, 2):
        target = folder / f"ray{workers}"
        seconds, summary = timed(lambda target=target, workers=workers: run_dataset(
            "embed", data, target, model=model, id_column="id", engine="ray", workers=workers,
            blocks=8))
        got = np.asarray(pq.read_table(target)["embedding"].to_pylist())
        cosine = float(((got * local).sum(1) / np.linalg.norm(got, axis=1)
                        / np.linalg.norm(local, axis=1)).min())
        out[f"ray, {workers} worker{'s' if workers > 1 else ''}"] = (seconds, summary, cosine)
    return out


if __name__ == "__main__":
    main()
