"""An id column passed through the readers, beside each row's text (for seqfit embed|classify|tag
--id-column)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seqfit.data.readers import read_batches
from seqfit.errors import DataError


def test_jsonl_ids_follow_their_rows_valid_or_not(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join([json.dumps({"k": 1, "text": "one"}), json.dumps({"k": "x"}),
                               json.dumps({"k": 3, "text": None}), "oops",
                               json.dumps({"k": 5, "text": "five"})]) + "\n")
    (batch,) = read_batches(path, id_column="k")
    assert batch.texts == ["one", "five"] and batch.ids == [1, 5]
    assert batch.lines == [1, 5]
    assert [line for line, _ in batch.invalid] == [2, 3, 4]
    assert batch.invalid_ids == {2: "x", 3: 3}


def test_csv_and_parquet_ids(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "a.csv").write_text("id,text\nr1,hello\nr2,\nr3,world\n")
    (batch,) = read_batches(tmp_path / "a.csv", id_column="id")
    assert (batch.texts, batch.ids, batch.invalid_ids) == (["hello", "world"], ["r1", "r3"],
                                                           {3: "r2"})
    pq.write_table(pa.table({"n": [7, 8], "text": ["a", "b"], "other": ["x", "y"]}),
                   tmp_path / "a.parquet")
    (batch,) = read_batches(tmp_path / "a.parquet", column="text", id_column="n")
    assert (batch.texts, batch.ids) == (["a", "b"], [7, 8])


def test_limit_keeps_ids_in_step(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"i": i, "text": f"t{i}"}) + "\n" for i in range(10)))
    batches = list(read_batches(path, id_column="i", limit=3, batch_size=2))
    assert [i for b in batches for i in (b.ids or [])] == [0, 1, 2]


def test_a_missing_id_column_or_one_text_cannot_have_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,text\nr1,hello\n")
    with pytest.raises(DataError, match="no column 'key'") as info:
        list(read_batches(tmp_path / "a.csv", id_column="key"))
    assert info.value.fix == "--id-column NAME"
    (tmp_path / "a.txt").write_text("hello\n")
    with pytest.raises(DataError, match="text input has no columns"):
        read_batches(tmp_path / "a.txt", id_column="key")
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": "a"}) + "\n")
    with pytest.raises(DataError, match="no column 'key'"):
        list(read_batches(tmp_path / "b.jsonl", id_column="key"))
