"""Readers stream every supported format and report bad rows by line, never by traceback."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from seqfit.data.readers import DataError, read_batches
from seqfit.errors import OptionError


def rows(source, **kwargs) -> tuple[list[str], list[int], list[tuple[int, str]]]:
    texts: list[str] = []
    lines: list[int] = []
    invalid: list[tuple[int, str]] = []
    for batch in read_batches(source, batch_size=3, **kwargs):
        texts += batch.texts
        lines += batch.lines
        invalid += batch.invalid
    return texts, lines, invalid


def test_jsonl_reports_every_bad_line_with_its_number_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"\n".join([
        json.dumps({"text": "first", "id": 1}).encode(),
        b"",
        b'{"text": "caf\xff"}',
        b'{"text": null}',
        b'{"text": 42}',
        b"{not json",
        json.dumps({"other": "x"}).encode(),
        json.dumps({"text": "last"}).encode(),
    ]) + b"\n")
    texts, lines, invalid = rows(path)
    assert texts == ["first", "last"] and lines == [1, 8]
    assert invalid == [(2, "blank line"), (3, "invalid UTF-8 at byte 13"), (4, "text is null"),
                       (5, "text is a number"), (6, "invalid JSON: Expecting property name "
                                                    "enclosed in double quotes"),
                       (7, "no 'text' key")]


def test_the_text_column_is_the_only_string_column_or_named(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps({"id": 1, "body": "hello"}) + "\n")
    assert rows(path)[0] == ["hello"]
    path.write_text(json.dumps({"title": "a", "body": "b"}) + "\n")
    with pytest.raises(DataError) as info:
        rows(path)
    assert str(info.value) == (f"{str(path)!r}: cannot tell which column holds the text (string "
                               "columns: title, body). Fix: --column title")
    assert rows(path, column="body")[0] == ["b"]
    with pytest.raises(DataError, match=r"has no column 'summary'; columns: title, body"):
        rows(path, column="summary")


def test_csv_and_tsv_with_pairs(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text('question,context\n"what, exactly?",a long context\nwhy,"multi\nline"\n')
    batches = list(read_batches(path, column="question", pair_column="context"))
    assert batches[0].texts == ["what, exactly?", "why"]
    assert batches[0].pairs == ["a long context", "multi\nline"]
    tsv = tmp_path / "data.tsv"
    tsv.write_text("text\tlabel\nhello world\t1\n")
    assert rows(tsv)[0] == ["hello world"]


def test_plain_text_is_a_document_per_line_and_blank_lines_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "docs.txt"
    path.write_text("one\n\ntwo\nthree\n")
    texts, lines, invalid = rows(path)
    assert texts == ["one", "two", "three"] and lines == [1, 3, 4]
    assert invalid == [(2, "blank")]


def test_a_folder_of_txt_files_by_file(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("second\nfile")
    (tmp_path / "a.txt").write_text("first file")
    texts, lines, _ = rows(tmp_path, by="file")
    assert texts == ["first file", "second\nfile"] and lines == [1, 2]


def test_stdin_is_sniffed_as_jsonl_or_text() -> None:
    stream = io.BufferedReader(io.BytesIO(b'{"text": "from stdin"}\n'))
    assert rows(stream)[0] == ["from stdin"]
    plain = io.BufferedReader(io.BytesIO(b"just text\n"))
    assert rows(plain)[0] == ["just text"]


def test_parquet_and_a_corrupt_parquet_file(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "text": ["a", None, "c"]}), path)
    texts, lines, invalid = rows(path)
    assert texts == ["a", "c"] and lines == [1, 3] and invalid == [(2, "text is null")]
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(DataError) as info:
        rows(bad)
    assert str(info.value).startswith(f"{str(bad)!r} is not a readable Parquet file:")


def test_a_save_to_disk_folder_is_read_without_datasets(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"text": ["x", "y"], "label": [0, 1]})
    with pa.ipc.new_stream(str(tmp_path / "data-00000-of-00001.arrow"), table.schema) as out:
        out.write_table(table)
    (tmp_path / "state.json").write_text(json.dumps({"_data_files": [
        {"filename": "data-00000-of-00001.arrow"}]}))
    assert rows(tmp_path)[0] == ["x", "y"]


def test_missing_and_empty_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        rows(tmp_path / "nope.jsonl")
    missing = str(tmp_path / "nope.jsonl")
    assert str(info.value) == f"{missing!r} does not exist. Fix: check the path"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(DataError, match="is empty: no rows to read"):
        rows(empty)
    (tmp_path / "sub").mkdir()
    with pytest.raises(DataError, match=r"holds no \.txt files"):
        rows(tmp_path / "sub")


@pytest.mark.slow
def test_reading_streams_with_flat_memory(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "big.jsonl"
    line = json.dumps({"text": "word " * 200}) + "\n"
    with path.open("w") as out:
        for _ in range(50_000):  # about 50 MB
            out.write(line)
    tracemalloc.start()
    count = sum(len(b.texts) for b in read_batches(path, batch_size=1000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 50_000
    assert peak < 20e6, f"peak {peak / 1e6:.1f} MB for a {path.stat().st_size / 1e6:.0f} MB file"


def test_sources_and_options_are_checked_when_the_call_is_made(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        read_batches(tmp_path / "missing.jsonl")  # no next(): the call itself refuses
    path = tmp_path / "d.jsonl"
    path.write_text('{"body": "x"}\n')
    with pytest.raises(OptionError, match="input_format='xml' is not valid"):
        read_batches(path, input_format="xml")
    with pytest.raises(OptionError, match="batch_size=0"):
        read_batches(path, batch_size=0)
