"""seqfit embed|classify|tag on files: one output row per input row, ids passed through, bad rows
recorded, output checked before any work, and runs that survive Ctrl-C and kill -9."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import zoo
from seqfit.cli import app
from seqfit.data import writers
from seqfit.errors import DataError, ModelLoadError, OptionError
from seqfit.runners.dataset import estimate_rows, run_dataset

WORDS = list(zoo.corpus())
runner = CliRunner()


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


def messy(tmp_path: Path) -> Path:
    """Seven input lines, four of them bad in different ways."""
    return write_jsonl(tmp_path / "messy.jsonl", [
        {"id": "a", "text": "the model fits"}, {"id": "b", "text": "   "},
        {"id": "c", "text": None}, {"id": "d", "body": "no text"}, "not json", "",
        {"id": 7, "text": "Paris and London"}])


def read_output(path: Path) -> list[dict[str, Any]]:
    """Rows of any output format, embeddings as lists."""
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    vectors = np.load(path)
    rows = read_output(writers.meta_path(path))
    for row, vector in zip(rows, vectors, strict=True):
        row["embedding"] = None if np.isnan(vector).all() else vector.tolist()
    return rows


@pytest.mark.forward
@pytest.mark.parametrize("suffix", [".jsonl", ".parquet", ".npy"])
def test_every_input_row_is_one_output_row_bad_ones_with_their_error(
        tmp_path: Path, tiny: Callable[[str], Path], suffix: str) -> None:
    output = tmp_path / f"out{suffix}"
    result = runner.invoke(app, ["embed", str(messy(tmp_path)), "--model", str(tiny("base")),
                                 "--output", str(output), "--id-column", "id", "--device", "cpu",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["rows"], summary["bad"]) == (7, 5)
    assert [b["line"] for b in summary["bad_rows"]] == [2, 3, 4, 5, 6]
    rows = read_output(output)
    assert [r["row"] for r in rows] == list(range(7))
    assert [r["line"] for r in rows] == list(range(1, 8))
    assert [str(r["id"]) if r["id"] is not None else None for r in rows] == \
        ["a", "b", "c", "d", None, None, "7"]
    assert [r["error"] for r in rows] == [None, "blank", "text is null", "no 'text' key",
                                          "invalid JSON: Expecting value", "blank line", None]
    assert [r["embedding"] is None for r in rows] == [False, True, True, True, True, True, False]
    assert len(rows[0]["embedding"]) == 32 and rows[0]["n_windows"] == 1
    assert not writers.partial_folder(output).exists()


@pytest.mark.forward
def test_ids_pass_through_from_csv_and_parquet(tmp_path: Path, tiny: Callable[[str], Path]
                                               ) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = ["the model fits", "Paris and London", "a text"]
    with (tmp_path / "in.csv").open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["key", "body"])
        writer.writerows([[f"k{i}", t] for i, t in enumerate(texts)])
    pq.write_table(pa.table({"key": [10, 11, 12], "body": texts}), tmp_path / "in.parquet")
    for source in ("in.csv", "in.parquet"):
        out = tmp_path / f"{source}.jsonl"
        summary = run_dataset("embed", tmp_path / source, out, model=tiny("base"),
                              column="body", id_column="key", device="cpu")
        assert summary.rows == 3 and summary.bad == 0
        rows = read_output(out)
        assert [r["id"] for r in rows] == (["k0", "k1", "k2"] if source == "in.csv"
                                           else [10, 11, 12])
    with pytest.raises(DataError, match="no column 'nope'"):
        run_dataset("embed", tmp_path / "in.csv", tmp_path / "x.jsonl", model=tiny("base"),
                    column="body", id_column="nope")


@pytest.mark.forward
def test_classify_and_tag_write_labels_and_spans(tmp_path: Path, tiny: Callable[[str], Path]
                                                 ) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", [{"text": "Alice and Bob live in Paris."},
                                               {"text": " ".join(WORDS[:6])}, {"text": None}])
    result = runner.invoke(app, ["classify", str(data), "-m", str(tiny("classifier")),
                                 "-o", str(tmp_path / "c.parquet"), "--device", "cpu",
                                 "--aggregate", "vote"])
    assert result.exit_code == 0, result.output
    rows = read_output(tmp_path / "c.parquet")
    assert [r["label"] is not None for r in rows] == [True, True, False]
    assert rows[1]["n_windows"] > 1 and set(rows[0]["scores"]) == {"neg", "neu", "pos"}
    result = runner.invoke(app, ["tag", str(data), "-m", str(tiny("tagger")),
                                 "-o", str(tmp_path / "t.jsonl"), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    rows = read_output(tmp_path / "t.jsonl")
    text = "Alice and Bob live in Paris."
    assert rows[0]["entities"] and all(e["text"] == text[e["start"]:e["end"]]
                                       for e in rows[0]["entities"])
    assert rows[2]["entities"] == [] and rows[2]["error"] == "text is null"


def test_the_output_is_checked_before_any_work(tmp_path: Path) -> None:
    data = messy(tmp_path)
    missing_model = str(tmp_path / "no-model")
    cases = [
        (["embed", str(data), "-o", str(tmp_path / "x.csv")], "writes .jsonl, .parquet, .npy"),
        (["classify", str(data), "-m", missing_model, "-o", str(tmp_path / "x.npy")],
         "writes .jsonl, .parquet files"),
        (["embed", str(data), "-o", str(tmp_path / "no" / "x.jsonl")],
         "does not exist. Fix: mkdir -p"),
        (["embed", str(data), "-o", str(tmp_path / "x.jsonl"), "--aggregate", "avg"],
         "aggregate='avg'"),
        (["embed", str(data), "-o", str(tmp_path / "x.jsonl"), "--pair-column", "q"],
         "No such option"),
        (["embed", "-", "-o", str(tmp_path / "x.jsonl"), "--resume"], "--resume needs DATA"),
        (["tag", str(data), "-o", str(tmp_path / "x.jsonl")], "seqfit tag needs --model"),
    ]
    (tmp_path / "done.jsonl").write_text("{}\n")
    cases.append((["embed", str(data), "-o", str(tmp_path / "done.jsonl")],
                  "already exists. Fix: --overwrite"))
    writers.partial_folder(tmp_path / "half.jsonl").mkdir()
    cases.append((["embed", str(data), "-o", str(tmp_path / "half.jsonl")],
                  "an interrupted run left"))
    for args, expected in cases:
        result = runner.invoke(app, [*args, "--device", "cpu"])
        assert result.exit_code != 0, args
        assert expected in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_a_model_without_the_head_fails_in_one_line(tmp_path: Path,
                                                    tiny: Callable[[str], Path]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "seqfit", "classify", str(messy(tmp_path)), "--model",
         str(tiny("base")), "-o", str(tmp_path / "c.jsonl")],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "400"})
    assert result.returncode == 1 and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if not line.startswith("Loading")]
    assert len(lines) == 1 and "has no SequenceClassification head" in lines[0]
    assert not (tmp_path / "c.jsonl.partial").exists()


class Stop(Exception):
    pass


def interrupt_after(rows: int) -> Callable[[int, int], None]:
    def progress(done: int, tokens: int) -> None:
        if done >= rows:
            raise KeyboardInterrupt

    return progress


def corpus(path: Path, rows: int) -> Path:
    return write_jsonl(path, [{"id": f"doc-{i}", "text": None if i % 97 == 5 else
                               " ".join(WORDS[i % 50:i % 50 + 1 + i % 4])}
                              for i in range(rows)])


@pytest.mark.forward
def test_resume_needs_the_same_options_and_input(tmp_path: Path,
                                                 tiny: Callable[[str], Path]) -> None:
    data = corpus(tmp_path / "in.jsonl", 60)
    out = tmp_path / "out.jsonl"
    options: dict[str, Any] = {"model": tiny("base"), "device": "cpu", "chunk_size": 10,
                               "id_column": "id"}
    with pytest.raises(KeyboardInterrupt):
        run_dataset("embed", data, out, on_progress=interrupt_after(20), **options)
    assert writers.read_manifest(out) is not None and not out.exists()
    with pytest.raises(OptionError, match=r"other options \(aggregate: was 'weighted-mean', "
                                          r"now 'max'\)") as info:
        run_dataset("embed", data, out, resume=True, aggregate="max", **options)
    assert info.value.fields["changed"] == ["aggregate"]
    os.utime(data, ns=(time.time_ns(), time.time_ns()))
    with pytest.raises(DataError, match="the input changed"):
        run_dataset("embed", data, out, resume=True, **options)
    summary = run_dataset("embed", data, out, overwrite=True, **options)
    assert summary.rows == 60 and summary.resumed_from == 0
    again = run_dataset("embed", data, out, resume=True, **options)
    assert again.already_complete and again.rows == 60 and again.bad == 1


def command(data: Path, model: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "seqfit", "embed", str(data), "--model", str(model),
            "--output", str(out), "--id-column", "id", "--chunk-size", "20", "--device", "cpu",
            *extra]


def rows_written(out: Path) -> int:
    folder = writers.partial_folder(out)
    if out.suffix == ".parquet":
        return len(list(folder.glob("part-*.parquet")))
    name = "rows.jsonl" if out.suffix == ".jsonl" else "meta.jsonl"
    try:
        return (folder / name).read_bytes().count(b"\n")
    except OSError:
        return 0


def start_and_stop(args: list[str], out: Path, sig: int) -> subprocess.CompletedProcess[str]:
    """Start a run, and send ``sig`` once it has written something. The run gets the default
    SIGINT action whatever this process has: a shell that starts the suite in the background
    (``make test &``) ignores SIGINT, the run would inherit that and never see the Ctrl-C."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while rows_written(out) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def reference(tiny: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, list[dict[str, Any]]]:
    """A corpus and its uninterrupted run."""
    folder = tmp_path_factory.mktemp("resume")
    data = corpus(folder / "corpus.jsonl", 2000)
    out = folder / "reference.jsonl"
    run_dataset("embed", data, out, model=tiny("base"), id_column="id", chunk_size=20,
                device="cpu")
    return data, read_output(out)


def same_rows(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert [r["row"] for r in got] == list(range(len(expected)))  # no gaps, no duplicates
    for mine, theirs in zip(got, expected, strict=True):
        assert (mine["id"], mine["error"], mine["n_tokens"]) == \
            (theirs["id"], theirs["error"], theirs["n_tokens"])
        if theirs["embedding"] is None:
            assert mine["embedding"] is None
        else:
            np.testing.assert_allclose(mine["embedding"], theirs["embedding"], atol=1e-5)


@pytest.mark.forward
@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".jsonl", ".parquet", ".npy"])
def test_a_run_killed_part_way_resumes_to_the_uninterrupted_output(
        tmp_path: Path, tiny: Callable[[str], Path], suffix: str,
        reference: tuple[Path, list[dict[str, Any]]]) -> None:
    data, expected = reference
    out = tmp_path / f"out{suffix}"
    killed = start_and_stop(command(data, tiny("base"), out), out, signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not out.exists() and rows_written(out) > 0
    assert writers.read_manifest(out) is not None
    resumed = subprocess.run(command(data, tiny("base"), out, "--resume", "--format", "json"),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert 0 < summary["resumed_from"] < len(expected)  # it was stopped part-way
    assert summary["rows"] == len(expected) and summary["bad"] == sum(
        r["error"] is not None for r in expected)
    same_rows(read_output(out), expected)
    assert not writers.partial_folder(out).exists()


@pytest.mark.forward
@pytest.mark.slow
def test_ctrl_c_keeps_what_is_done_and_says_how_to_resume(
        tmp_path: Path, tiny: Callable[[str], Path],
        reference: tuple[Path, list[dict[str, Any]]]) -> None:
    data, expected = reference
    out = tmp_path / "out.jsonl"
    stopped = start_and_stop(command(data, tiny("base"), out), out, signal.SIGINT)
    assert stopped.returncode == 130, stopped.stderr
    assert "interrupted" in stopped.stderr and "--resume" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    resumed = subprocess.run(command(data, tiny("base"), out, "--resume"), capture_output=True,
                             text=True)
    assert resumed.returncode == 0, resumed.stderr
    same_rows(read_output(out), expected)


def test_a_torn_last_line_is_dropped_on_recovery(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    writer = writers.Writer(out, "jsonl")
    writer.open(False)
    writer.append([{"row": 0}, {"row": 1}])
    writer.close()
    with (writers.partial_folder(out) / "rows.jsonl").open("ab") as stream:
        stream.write(b'{"row": 2, "embe')
    again = writers.Writer(out, "jsonl")
    assert again.open(True) == 2
    again.append([{"row": 2}])
    again.finish()
    assert [r["row"] for r in read_output(out)] == [0, 1, 2]


def test_npy_vectors_and_meta_are_cut_to_the_rows_both_hold(tmp_path: Path) -> None:
    out = tmp_path / "x.npy"
    writer = writers.Writer(out, "npy", dim=3)
    writer.open(False)
    writer.append([{"row": 0, "embedding": np.ones(3)}, {"row": 1, "embedding": None}])
    writer.close()
    folder = writers.partial_folder(out)
    with (folder / "vectors.npy").open("ab") as stream:  # a third vector, its meta never came
        stream.write(np.zeros(3, "<f4").tobytes() + b"\x00\x01")
    again = writers.Writer(out, "npy", dim=3)
    assert again.open(True) == 2
    again.append([{"row": 2, "embedding": np.full(3, 2.0)}])
    again.finish()
    vectors = np.load(out)
    assert vectors.shape == (3, 3) and np.isnan(vectors[1]).all() and (vectors[2] == 2).all()
    assert [r["row"] for r in read_output(writers.meta_path(out))] == [0, 1, 2]


def test_parquet_parts_with_ids_of_several_types_join_as_text(tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    writer = writers.Writer(out, "parquet")
    writer.open(False)
    writer.append([{"row": 0, "id": 1, "error": None}])
    writer.append([{"row": 1, "id": "b", "error": "blank"}])
    writer.append([{"row": 2, "id": None, "error": None}])
    writer.finish()
    assert [(r["id"], r["error"]) for r in read_output(out)] == [("1", None), ("b", "blank"),
                                                                 (None, None)]


def test_estimated_rows_for_the_progress_bar(tmp_path: Path) -> None:
    assert estimate_rows(corpus(tmp_path / "a.jsonl", 123)) == 123
    (tmp_path / "b.csv").write_text("text\nx\ny")
    assert estimate_rows(tmp_path / "b.csv") == 2
    assert estimate_rows("-") is None


def test_missing_model_is_a_load_error_after_the_checks(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="looks like a local path"):
        run_dataset("embed", messy(tmp_path), tmp_path / "o.jsonl", model="./no/such/model")
    assert not writers.partial_folder(tmp_path / "o.jsonl").exists()
