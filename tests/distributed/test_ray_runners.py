"""``seqfit embed|classify|tag --engine ray``: the local engine's rows, in input order, written
as Parquet parts by Ray Data actors on one or two nodes, and a resumed run that skips the blocks
already written."""

from __future__ import annotations

import importlib.util
import json
import sysconfig
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from clusters import two_nodes

from seqfit.errors import OptionError
from seqfit.model.loading import default_model_path
from seqfit.runners.dataset import run_dataset

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray

ROOT = Path(__file__).resolve().parents[2]
MODULES = ("json/__init__.py", "textwrap.py", "heapq.py", "bisect.py", "shlex.py")


def demo_corpus(path: Path) -> Path:
    """Rows as ``make demo``'s corpus makes them (scripts/stdlib_corpus.py): the docstrings of
    a few standard-library modules, and each module's docstrings joined (long documents)."""
    spec = importlib.util.spec_from_file_location("stdlib_corpus",
                                                  ROOT / "scripts" / "stdlib_corpus.py")
    assert spec is not None and spec.loader is not None
    corpus: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    with path.open("w") as out:
        for name in MODULES:
            docs = corpus.docstrings(stdlib / name)
            for doc in [*docs, "\n\n".join(docs)]:
                out.write(json.dumps({"source": name, "text": doc}) + "\n")
        out.write(json.dumps({"source": "blank", "text": "  "}) + "\n")
        out.write(json.dumps({"source": "number", "text": 7}) + "\n")
    return path


def rows(path: Path) -> Any:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pydict()


def cosines(a: list[Any], b: list[Any]) -> np.ndarray:
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return (x * y).sum(1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_corpus(tmp_path_factory.mktemp("demo") / "docs.jsonl")


@pytest.fixture(scope="module")
def local_rows(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    out = tmp_path_factory.mktemp("local") / "local.parquet"
    run_dataset("embed", corpus, out, model=default_model_path(), id_column="source")
    return rows(out)


def same_rows(distributed: dict[str, list[Any]], local: dict[str, list[Any]]) -> None:
    assert distributed["id"] == local["id"]  # same rows, same order
    for meta in ("n_tokens", "n_windows", "truncated", "tokens_dropped", "error"):
        assert distributed[meta] == local[meta], meta
    ran = [i for i, e in enumerate(local["error"]) if e is None]
    assert cosines([distributed["embedding"][i] for i in ran],
                   [local["embedding"][i] for i in ran]).min() >= 0.99999
    assert all(distributed["embedding"][i] is None for i, e in enumerate(local["error"]) if e)


def test_ray_embeddings_equal_the_local_ones(corpus: Path, local_rows: dict[str, list[Any]],
                                             tmp_path: Path, local_ray: None) -> None:
    summary = run_dataset("embed", corpus, tmp_path / "out", model=default_model_path(),
                          id_column="source", engine="ray", blocks=4)
    assert summary.rows == len(local_rows["id"]) and summary.bad == 2
    assert summary.windowed > 0  # the joined modules run in several windows
    same_rows(rows(tmp_path / "out"), local_rows)
    manifest = json.loads((tmp_path / "out" / "_seqfit.json").read_text())
    assert manifest["complete"] and len(manifest["parts"]) == 4
    assert sorted(p.name for p in (tmp_path / "out").glob("part-*")) == [
        part["file"] for part in manifest["parts"]]


def test_a_resumed_run_skips_the_blocks_already_written(
        corpus: Path, local_rows: dict[str, list[Any]], tmp_path: Path, local_ray: None) -> None:
    out = tmp_path / "out"
    options: dict[str, Any] = {"model": default_model_path(), "id_column": "source",
                               "engine": "ray", "blocks": 4}
    run_dataset("embed", corpus, out, **options)
    # the state a run killed after its first two blocks leaves: their files, no others
    manifest = json.loads((out / "_seqfit.json").read_text())
    (out / "_blocks").mkdir()
    kept = set()
    for number, part in enumerate(manifest["parts"]):
        path = out / part["file"]
        if number < 2:
            kept.add(path.stat().st_mtime_ns)
            path.rename(out / "_blocks" / f"{part['digest']}.parquet")
        else:
            path.unlink()
    (out / "_seqfit.json").write_text(json.dumps({**manifest, "complete": False}))
    resumed = run_dataset("embed", corpus, out, resume=True, **options)
    first_two = sum(part["rows"] for part in manifest["parts"][:2])
    assert manifest["parts"][2]["first_row"] == first_two
    assert resumed.resumed_from == first_two and resumed.rows == len(local_rows["id"])
    same_rows(rows(out), local_rows)
    for part in json.loads((out / "_seqfit.json").read_text())["parts"][:2]:
        path = out / part["file"]
        assert path.stat().st_mtime_ns in kept  # not written again
    again = run_dataset("embed", corpus, out, resume=True, **options)
    assert again.already_complete and again.rows == len(local_rows["id"])


def test_an_output_folder_is_never_clobbered(corpus: Path, tmp_path: Path,
                                              local_ray: None) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(OptionError, match="did not write"):
        run_dataset("embed", corpus, foreign, model=default_model_path(), engine="ray",
                    overwrite=True)
    assert (foreign / "notes.txt").read_text() == "keep me"
    with pytest.raises(OptionError, match="--engine ray"):
        run_dataset("embed", corpus, tmp_path / "x.parquet", model=default_model_path(),
                    blocks=2)


def test_two_nodes_share_the_work_and_agree_with_one_machine(
        corpus: Path, local_rows: dict[str, list[Any]], tmp_path: Path) -> None:
    with two_nodes(2):
        # 4 CPUs, one per node left to Ray Data: two workers of 1 CPU, spread over the nodes
        summary = run_dataset("embed", corpus, tmp_path / "out", model=default_model_path(),
                              id_column="source", engine="ray", blocks=6, workers=2)
        assert summary.options["nodes"] == 2, summary.options
        same_rows(rows(tmp_path / "out"), local_rows)


def test_the_cli_says_what_it_started_and_reports_json(corpus: Path, tmp_path: Path,
                                                       local_ray: None) -> None:
    from typer.testing import CliRunner

    from seqfit.cli import app

    result = CliRunner().invoke(app, [
        "embed", str(corpus), "--output", str(tmp_path / "out"), "--engine", "ray",
        "--blocks", "2", "--strategy", "head", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows"] == sum(1 for _ in corpus.open()) and summary["truncated"] > 0
    assert summary["options"]["engine"] == "ray" and summary["output"] == [str(tmp_path / "out")]
    said = " ".join(result.stderr.split())  # one line, wrapped at the terminal's width
    assert "Ray cluster" in said and "1 worker, each 1 CPU, 2 torch threads" in said, said
