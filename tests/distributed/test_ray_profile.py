"""``--engine ray``: the same profile as the local engine, across one or two Ray nodes."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from clusters import two_nodes

import seqfit

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray

WORDS = "the model reads every token of a long document and windows fit the limit".split()


def corpus(n: int = 600, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(min(1500, int(rng.paretovariate(1.2) * 8))))
            for _ in range(n)]


def write(folder: Path, texts: list[str]) -> dict[str, Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = {"jsonl": folder / "c.jsonl", "csv": folder / "c.csv", "parquet": folder / "c.parquet",
             "text": folder / "c.txt"}
    with paths["jsonl"].open("w") as out:
        for i, t in enumerate(texts):
            out.write(json.dumps({"id": i, "text": t}) + "\n")
    import csv

    with paths["csv"].open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text"])
        writer.writerows(enumerate(texts))
    pq.write_table(pa.table({"id": list(range(len(texts))), "text": texts}), paths["parquet"],
                   row_group_size=100)
    paths["text"].write_text("\n".join(texts) + "\n")
    return paths


def shards(folder: Path, texts: list[str], n: int) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = folder / "shards"
    out.mkdir()
    size = -(-len(texts) // n)
    for k in range(n):
        pq.write_table(pa.table({"text": texts[k * size:(k + 1) * size]}),
                       out / f"part-{k:05d}.parquet")
    return out


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "text", "shards"])
def test_a_ray_profile_equals_the_local_one(fmt: str, tmp_path: Path, local_ray: None) -> None:
    texts = corpus()
    path = shards(tmp_path, texts, 5) if fmt == "shards" else write(tmp_path, texts)[fmt]
    local = seqfit.profile(str(path)).to_dict()
    distributed = seqfit.profile(str(path), engine="ray").to_dict()
    assert distributed.pop("extra")["engine"] == "ray"
    local.pop("extra")
    assert distributed == local


def test_a_ray_sample_is_uniform_with_intervals(tmp_path: Path, local_ray: None) -> None:
    path = write(tmp_path, corpus(2000, seed=1))["jsonl"]
    whole = seqfit.profile(str(path))
    sampled = seqfit.profile(str(path), engine="ray", sample=400, seed=3)
    assert sampled.sample_size == 400 and sampled.rows == 2000
    p95 = sampled.percentiles["p95"]
    assert p95.low is not None and p95.high is not None and p95.low <= p95.high
    assert abs(sampled.mean.value - whole.mean.value) < 0.5 * whole.mean.value


def test_bad_rows_are_counted_with_their_row(tmp_path: Path, local_ray: None) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "one"}\n{"text": ""}\n{"text": "two"}\n{"text": "  "}\n')
    result = seqfit.profile(str(path), engine="ray")
    assert (result.rows, result.invalid_count) == (2, 2)
    assert [row for row, _ in result.invalid] == [2, 4]


def test_two_nodes_share_the_work_and_agree_with_one_machine(tmp_path: Path) -> None:
    with two_nodes(1):
        path = shards(tmp_path, corpus(1200, seed=2), 8)
        distributed = seqfit.profile(str(path), engine="ray", blocks=8)
        extra: dict[str, Any] = distributed.extra
        assert extra["nodes"] == 2, extra
        local = seqfit.profile(str(path))
        assert (distributed.rows, distributed.tokens, distributed.percentiles,
                distributed.costs) == (local.rows, local.tokens, local.percentiles, local.costs)


def test_a_malformed_line_is_one_error_that_names_the_local_engine(tmp_path: Path,
                                                                   local_ray: None) -> None:
    from seqfit.errors import DataError

    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "one"}\n{"text": "two"\n{"text": "three"}\n')
    with pytest.raises(DataError, match="could not be read by Ray Data") as caught:
        seqfit.profile(str(path), engine="ray")
    assert caught.value.fix.startswith("--engine local")
    assert len(seqfit.profile(str(path)).invalid) == 1  # what the local engine does instead
