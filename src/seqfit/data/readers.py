"""Streaming readers: rows of text from JSONL, CSV/TSV, Parquet, plain text, folders and stdin.

Every reader yields :class:`RowBatch` es of at most ``batch_size`` rows, so memory stays flat
however large the input; rows that cannot be used are reported with their line (or row) number
and the reason, never raised mid-stream. Text arrives as it really does: with or without a
byte-order mark, in UTF-8 or UTF-16, with any line ends, from files, pipes or stdin
(:mod:`seqfit.data.decoding`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .._checks import check_choice, check_whole
from ..errors import DataError, MissingDependencyError
from .decoding import UTF16_BOMS, Utf8Reader, buffered, peek, split_lines, text_stream

FORMATS = ("auto", "jsonl", "csv", "tsv", "parquet", "text", "files", "arrow")
BY = ("line", "file")


@dataclass
class RowBatch:
    texts: list[str] = field(default_factory=list)
    pairs: list[str] | None = None
    lines: list[int] = field(default_factory=list)
    invalid: list[tuple[int, str]] = field(default_factory=list)
    bytes_read: int = 0
    #: with ``id_column``: the id of each row of ``texts``, and of invalid rows by line
    ids: list[Any] | None = None
    invalid_ids: dict[int, Any] = field(default_factory=dict)


SUFFIXES = ((".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "jsonl"), (".csv", "csv"),
            (".tsv", "tsv"), (".parquet", "parquet"), (".pq", "parquet"))


def detect_format(path: Path) -> str:
    """The format a path's name says: a file's suffix; for a folder, ``arrow`` (what
    ``save_to_disk`` writes), the format of its shards (``part-0.parquet``, ...), or ``files``
    (a folder of ``.txt`` documents)."""
    if path.is_dir():
        if (path / "state.json").exists() or any(path.glob("*.arrow")):
            return "arrow"
        for suffix, fmt in SUFFIXES:
            if suffix != ".json" and any(path.glob(f"*{suffix}")):
                return fmt
        return "files"
    name = path.name.lower()
    for suffix, fmt in SUFFIXES:
        if name.endswith(suffix):
            return fmt
    return "text"


def shards(folder: Path, fmt: str) -> list[Path]:
    """The files of a sharded folder in ``fmt``, in name order (the order rows are read in)."""
    suffixes = [s for s, f in SUFFIXES if f == fmt and s != ".json"]
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower().endswith(
        tuple(suffixes)))


def read_batches(source: Any, *, column: str | None = None, pair_column: str | None = None,
                 input_format: str = "auto", by: str = "line", batch_size: int = 1000,
                 limit: int | None = None, id_column: str | None = None) -> Iterator[RowBatch]:
    """Batches of rows from ``source`` (a path, ``-`` for stdin, or a binary file object).

    The source and the options are checked when the call is made; rows are read as the batches
    are taken. ``id_column`` passes that column through as :attr:`RowBatch.ids`.
    """
    check_choice("input_format", input_format, FORMATS, option="--input-format")
    check_choice("by", by, BY, option="--by")
    batch_size = check_whole("batch_size", batch_size, example=1000) or 1
    limit = check_whole("limit", limit, minimum=0, optional=True, example=1000)
    if source == "-" or hasattr(source, "read"):
        if isinstance(source, io.TextIOBase):  # open(path) without "rb": read its text as UTF-8
            source = io.BufferedReader(Utf8Reader(source))
        stream = buffered(sys.stdin.buffer if source == "-" else source)
        name = "<stdin>" if source == "-" else repr(getattr(source, "name", "<stream>"))
        fmt = input_format if input_format != "auto" else sniff_format(stream)
        _check_id_format(fmt, id_column)
        return _limit(_by_format(fmt, stream, name, column, pair_column, batch_size, id_column),
                      limit)
    if not isinstance(source, (str, os.PathLike)):
        raise DataError(
            f"data is a {type(source).__name__}; expected a path, '-' for stdin, or a binary "
            "file object.", fix="seqfit.profile('data.jsonl') or seqfit.profile(open(path, 'rb'))")
    path = Path(os.fspath(source)).expanduser()
    if not path.exists():
        raise DataError(f"{str(path)!r} does not exist.", fix="check the path")
    fmt = detect_format(path) if input_format == "auto" else input_format
    _check_id_format(fmt, id_column)
    if path.is_dir():
        if fmt == "arrow":
            return _limit(_arrow_folder(path, column, pair_column, batch_size, id_column), limit)
        if fmt in ("jsonl", "csv", "tsv", "parquet"):
            return _limit(_sharded(path, fmt, column, pair_column, batch_size, id_column), limit)
        return _limit(_text_files(path, by, batch_size), limit)
    if not os.access(path, os.R_OK):
        raise DataError(f"{str(path)!r} cannot be read: permission denied.",
                        fix=f"chmod +r {path}, or run as a user who may read it")
    regular = path.is_file()
    if regular and path.stat().st_size == 0:
        raise DataError(f"{str(path)!r} is empty: no rows to read.",
                        fix="check the file, or the command that wrote it")
    if fmt == "parquet":
        return _limit(_parquet(path, column, pair_column, batch_size, id_column), limit)
    sniff = input_format == "auto" and not regular and fmt == "text"  # a pipe or <(...)
    return _limit(_from_file(path, fmt, column, pair_column, batch_size, sniff, id_column), limit)


def _check_id_format(fmt: str, id_column: str | None) -> None:
    if id_column is not None and fmt in ("text", "files"):
        raise DataError(f"--id-column {id_column}: {fmt} input has no columns (each row's id is "
                        "its row number).", fix="drop --id-column, or read JSONL, CSV or Parquet")


def _sharded(folder: Path, fmt: str, column: str | None, pair_column: str | None,
             batch_size: int, id_column: str | None = None) -> Iterator[RowBatch]:
    """A folder of shards in one format, read one after the other; rows are numbered across
    them, as if the shards were one file."""
    files = shards(folder, fmt)
    if not files:
        raise DataError(f"{str(folder)!r} holds no .{fmt} files.",
                        fix="point to the folder of shards, or to one file")
    return _numbered_across(files, fmt, column, pair_column, batch_size, id_column)


def _numbered_across(files: list[Path], fmt: str, column: str | None, pair_column: str | None,
                     batch_size: int, id_column: str | None) -> Iterator[RowBatch]:
    offset = 0
    for path in files:
        last = 0
        read = _parquet(path, column, pair_column, batch_size, id_column) if fmt == "parquet" \
            else _from_file(path, fmt, column, pair_column, batch_size, False, id_column)
        for batch in read:
            last = max([last, *batch.lines, *(line for line, _ in batch.invalid)])
            batch.lines = [offset + line for line in batch.lines]
            batch.invalid = [(offset + line, f"{path.name}: {why}") for line, why in batch.invalid]
            batch.invalid_ids = {offset + line: i for line, i in batch.invalid_ids.items()}
            yield batch
        offset += last


def sniff_format(stream: IO[bytes]) -> str:
    """``jsonl`` when the first character after a byte-order mark and blanks is ``{``."""
    head = peek(stream)
    encoding = "utf-16" if head.startswith(UTF16_BOMS) else "utf-8-sig"
    text = head[:64].decode(encoding, errors="ignore").lstrip()
    return "jsonl" if text[:1] == "{" else "text"


def _from_file(path: Path, fmt: str, column: str | None, pair_column: str | None,
               batch_size: int, sniff: bool, id_column: str | None = None) -> Iterator[RowBatch]:
    with path.open("rb") as raw:
        stream = buffered(raw)
        fmt = sniff_format(stream) if sniff else fmt
        if sniff:
            _check_id_format(fmt, id_column)
        yield from _by_format(fmt, stream, repr(str(path)), column, pair_column, batch_size,
                              id_column)


def _limit(batches: Iterator[RowBatch], limit: int | None) -> Iterator[RowBatch]:
    if limit is None:
        yield from batches
        return
    left = limit
    for batch in batches:
        if left <= 0:
            return
        if len(batch.texts) > left:
            batch.texts = batch.texts[:left]
            batch.lines = batch.lines[:left]
            if batch.pairs is not None:
                batch.pairs = batch.pairs[:left]
            if batch.ids is not None:
                batch.ids = batch.ids[:left]
        left -= len(batch.texts)
        yield batch


def _by_format(fmt: str, stream: IO[bytes], name: str, column: str | None,
               pair_column: str | None, batch_size: int,
               id_column: str | None = None) -> Iterator[RowBatch]:
    if fmt == "jsonl":
        return _jsonl(stream, name, column, pair_column, batch_size, id_column)
    if fmt in ("csv", "tsv"):
        return _csv(stream, name, column, pair_column, batch_size, "\t" if fmt == "tsv" else ",",
                    id_column)
    if fmt == "text":
        return _text(stream, batch_size, name)
    raise DataError(f"format {fmt!r} cannot be read from {name}.", fix="--input-format jsonl")


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    name = type(value).__name__
    return {"int": "a number", "float": "a number", "bool": "a boolean", "list": "a list",
            "dict": "an object"}.get(name, f"a {name}")


def pick_column(columns: list[str], string_columns: list[str], column: str | None,
                 name: str) -> str:
    if column is not None:
        if column not in columns:
            best = "text" if "text" in string_columns else (
                string_columns[0] if string_columns else "NAME")
            raise DataError(f"{name} has no column {column!r}; columns: "
                            f"{', '.join(columns) or 'none'}.", fix=f"--column {best}")
        return column
    if "text" in columns:
        return "text"
    if len(string_columns) == 1:
        return string_columns[0]
    raise DataError(f"{name}: cannot tell which column holds the text (string columns: "
                    f"{', '.join(string_columns) or 'none'}).",
                    fix=f"--column {string_columns[0] if string_columns else 'NAME'}")


def check_columns(columns: list[str], name: str, pair_column: str | None,
                  id_column: str | None) -> None:
    """The pair and id columns, where asked for, must be among ``columns``."""
    for wanted, option in ((pair_column, "--pair-column"), (id_column, "--id-column")):
        if wanted is not None and wanted not in columns:
            raise DataError(f"{name} has no column {wanted!r}; columns: "
                            f"{', '.join(columns)}.", fix=f"{option} NAME")


def bad_row(text: Any, pair: Any = "", pairs: bool = False) -> str | None:
    """Why a row cannot be profiled or run (not text, blank, not UTF-8), or None if it can."""
    bad = [f"{what} is {_describe(v)}" for what, v in (("text", text), ("pair", pair))
           if not isinstance(v, str)]
    if bad:
        return "; ".join(bad)
    if not text.strip() and not (pairs and pair.strip()):
        return "blank"
    if _undecodable(text) or _undecodable(pair) or _surrogates(text) or _surrogates(pair):
        return "lone surrogate or undecodable bytes (not UTF-8)"
    return None


def row_batch(texts: list[Any], pairs: list[Any] | None, ids: list[Any] | None) -> RowBatch:
    """Rows already in memory (a Ray block) as one batch, numbered from 1, each checked as the
    readers check theirs."""
    batcher = _Batcher(len(texts) + 1, pairs is not None, ids is not None)
    for i, text in enumerate(texts):
        batcher.add(i + 1, text, pairs[i] if pairs is not None else "",
                    ids[i] if ids is not None else None)
    return batcher.batch


class _Batcher:
    def __init__(self, batch_size: int, pairs: bool, ids: bool = False) -> None:
        self.batch_size = batch_size
        self.pairs = pairs
        self.ids = ids
        self.batch = self._new()

    def _new(self) -> RowBatch:
        return RowBatch(pairs=[] if self.pairs else None, ids=[] if self.ids else None)

    def add(self, line: int, text: Any, pair: Any = "", row_id: Any = None) -> None:
        reason = bad_row(text, pair, self.pairs)
        if reason is not None:
            self.batch.invalid.append((line, reason))
        else:
            self.batch.texts.append(text)
            self.batch.lines.append(line)
            if self.batch.pairs is not None:
                self.batch.pairs.append(pair)
            if self.batch.ids is not None:
                self.batch.ids.append(row_id)
            return
        if self.ids and row_id is not None:
            self.batch.invalid_ids[line] = row_id

    def full(self) -> bool:
        return len(self.batch.texts) + len(self.batch.invalid) >= self.batch_size

    def take(self, nbytes: int) -> RowBatch:
        out = self.batch
        out.bytes_read = nbytes
        self.batch = self._new()
        return out


def _jsonl(stream: IO[bytes], name: str, column: str | None, pair_column: str | None,
           batch_size: int, id_column: str | None = None) -> Iterator[RowBatch]:
    batcher = _Batcher(batch_size, pair_column is not None, id_column is not None)
    chosen: str | None = None
    nbytes = 0
    for number, raw in enumerate(split_lines(text_stream(stream, name)), start=1):
        nbytes += len(raw) + 1
        try:
            line = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            batcher.batch.invalid.append((number, f"invalid UTF-8 at byte {exc.start}"))
            continue
        if not line.strip():
            batcher.batch.invalid.append((number, "blank line"))
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            batcher.batch.invalid.append((number, f"invalid JSON: {exc.msg}"))
            continue
        except RecursionError:
            batcher.batch.invalid.append((number, "invalid JSON: nested too deeply"))
            continue
        if not isinstance(row, dict):
            batcher.batch.invalid.append((number, f"not a JSON object but {_describe(row)}"))
            continue
        if chosen is None:
            strings = [k for k, v in row.items() if isinstance(v, str)]
            chosen = pick_column(list(row), strings, column, name)
            check_columns(list(row), name, pair_column, id_column)
        row_id = row.get(id_column) if id_column is not None else None
        if chosen not in row:
            batcher.batch.invalid.append((number, f"no {chosen!r} key"))
            if row_id is not None:
                batcher.batch.invalid_ids[number] = row_id
            continue
        batcher.add(number, row[chosen], row.get(pair_column, None) if pair_column else "",
                    row_id)
        if batcher.full():
            yield batcher.take(nbytes)
            nbytes = 0
    if chosen is None and not batcher.batch.invalid:
        raise DataError(f"{name} is empty: no rows to read.", fix="check the input")
    yield batcher.take(nbytes)


def _csv(stream: IO[bytes], name: str, column: str | None, pair_column: str | None,
         batch_size: int, delimiter: str, id_column: str | None = None) -> Iterator[RowBatch]:
    # invalid bytes become lone surrogates (reported per row); a real U+FFFD is text
    text = io.TextIOWrapper(text_stream(stream, name), encoding="utf-8",
                            errors="surrogateescape", newline="")
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    limit = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)  # one long document is one long field, not an error
    try:
        yield from _csv_rows(reader, name, column, pair_column, batch_size, id_column)
    finally:
        csv.field_size_limit(limit)


def _csv_rows(reader: Any, name: str, column: str | None, pair_column: str | None,
              batch_size: int, id_column: str | None) -> Iterator[RowBatch]:
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(f"{name} is empty: no header, no rows.", fix="check the file") from None
    except csv.Error as exc:
        raise DataError(f"{name} is not valid CSV: {exc}.", fix="--input-format text") from None
    chosen = pick_column(header, header, column, name)
    index = header.index(chosen)
    check_columns(header, name, pair_column, id_column)
    pair_index = header.index(pair_column) if pair_column is not None else None
    id_index = header.index(id_column) if id_column is not None else None
    batcher = _Batcher(batch_size, pair_column is not None, id_column is not None)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # one malformed row is a bad row; the reader goes on after it
            if "end of data" in str(exc):  # a quote opened at `start` never closes
                raise DataError(
                    f"{name} line {start}: a quoted field opens and is never closed, so the "
                    "rest of the file would be read as one field.",
                    fix="close the quote on that line, or --input-format text") from None
            batcher.batch.invalid.append((start, f"malformed CSV: {exc}"))
            continue
        number = reader.line_num
        row_id = row[id_index] if id_index is not None and id_index < len(row) else None
        if len(row) <= max(index, pair_index or 0):
            batcher.batch.invalid.append((number, f"{len(row)} fields, expected {len(header)}"))
            if row_id is not None:
                batcher.batch.invalid_ids[number] = row_id
        else:
            batcher.add(number, row[index], row[pair_index] if pair_index is not None else "",
                        row_id)
        if batcher.full():
            yield batcher.take(0)
    yield batcher.take(0)


def _surrogates(value: str) -> bool:
    """Lone UTF-16 surrogates (JSON's "\\ud83d" without its pair) are no text a tokenizer
    can encode."""
    return not value.isascii() and any("\ud800" <= ch <= "\udfff" for ch in value)


def _undecodable(value: str) -> bool:
    """Lone surrogates stand for bytes that were not UTF-8 (``surrogateescape``)."""
    return any("\udc80" <= ch <= "\udcff" for ch in value) if not value.isascii() else False


def _text(stream: IO[bytes], batch_size: int, name: str = "<stdin>") -> Iterator[RowBatch]:
    batcher = _Batcher(batch_size, False)
    nbytes = 0
    for number, raw in enumerate(split_lines(text_stream(stream, name)), start=1):
        nbytes += len(raw) + 1
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            batcher.batch.invalid.append((number, f"invalid UTF-8 at byte {exc.start}"))
            continue
        batcher.add(number, line)
        if batcher.full():
            yield batcher.take(nbytes)
            nbytes = 0
    yield batcher.take(nbytes)


def _text_files(folder: Path, by: str, batch_size: int) -> Iterator[RowBatch]:
    files = sorted(p for p in folder.rglob("*.txt") if p.is_file())
    if not files:
        raise DataError(f"{str(folder)!r} holds no .txt files and no datasets arrow files.",
                        fix="point to a file, or a folder of .txt files")
    if by != "file":
        for path in files:
            with path.open("rb") as stream:
                yield from _text(stream, batch_size, repr(str(path)))
        return
    batcher = _Batcher(batch_size, False)
    for number, path in enumerate(files, start=1):
        with path.open("rb") as raw:
            try:
                data = text_stream(raw, repr(str(path))).read()
            except DataError as exc:  # a binary file among the texts: a bad row, not the end
                batcher.batch.invalid.append((number, f"{path.name}: {exc.message}"))
                continue
        try:
            batcher.add(number, data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            batcher.batch.invalid.append((number, f"{path.name}: invalid UTF-8 at byte "
                                                  f"{exc.start}"))
        if batcher.full():
            yield batcher.take(len(data))
    yield batcher.take(0)


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise MissingDependencyError("reading Parquet and datasets folders", "pyarrow",
                                     "parquet") from None
    return pyarrow


def _record_batches(name: str, schema: Any, batches: Iterator[Any], column: str | None,
                    pair_column: str | None, batch_size: int,
                    id_column: str | None = None) -> Iterator[RowBatch]:
    """Pick the columns now (a missing one is an error at once); convert rows lazily."""
    pa = _pyarrow()
    names = list(schema.names)
    strings = [f.name for f in schema if pa.types.is_string(f.type) or
               pa.types.is_large_string(f.type)]
    chosen = pick_column(names, strings, column, name)
    check_columns(names, name, pair_column, id_column)
    return _record_rows(batches, chosen, pair_column, batch_size, id_column)


def _record_rows(batches: Iterator[Any], chosen: str, pair_column: str | None,
                 batch_size: int, id_column: str | None = None) -> Iterator[RowBatch]:
    row = 0
    for record in batches:
        texts = record.column(chosen).to_pylist()
        pairs = record.column(pair_column).to_pylist() if pair_column else None
        ids = record.column(id_column).to_pylist() if id_column else None
        batcher = _Batcher(batch_size, pair_column is not None, id_column is not None)
        for i, text in enumerate(texts):
            batcher.add(row + i + 1, text, pairs[i] if pairs is not None else "",
                        ids[i] if ids is not None else None)
        row += len(texts)
        yield batcher.take(record.nbytes)


def _parquet(path: Path, column: str | None, pair_column: str | None,
             batch_size: int, id_column: str | None = None) -> Iterator[RowBatch]:
    """Open the file and check its columns now; read its rows as the batches are taken."""
    _pyarrow()
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise DataError(f"{str(path)!r} is not a readable Parquet file: {exc}.",
                        fix="check the file, or --input-format jsonl (or csv) if it is not "
                            "Parquet") from None
    schema = file.schema_arrow
    wanted = [c for c in (column, pair_column, id_column) if c]
    columns = wanted if column and all(c in schema.names for c in wanted) else None
    return _record_batches(str(path), schema, file.iter_batches(
        batch_size=batch_size, columns=columns), column, pair_column, batch_size, id_column)


def _arrow_folder(folder: Path, column: str | None, pair_column: str | None,
                  batch_size: int, id_column: str | None = None) -> Iterator[RowBatch]:
    pa = _pyarrow()
    files = sorted(folder.glob("*.arrow"))
    if not files:
        raise DataError(f"{str(folder)!r} has no .arrow files.", fix="point to the folder "
                        "save_to_disk wrote")
    for path in files:
        reader, batches = _open_arrow(pa, path)
        rows = _record_batches(repr(str(path)), reader.schema, batches, column, pair_column,
                               batch_size, id_column)
        try:
            yield from rows
        except (pa.ArrowException, OSError) as exc:
            raise DataError(f"{str(path)!r} is corrupt part-way through: {exc}.",
                            fix="write the dataset again (dataset.save_to_disk)") from None


def _open_arrow(pa: Any, path: Path) -> tuple[Any, Iterator[Any]]:
    """An Arrow IPC stream (what ``save_to_disk`` writes) or file, and its record batches."""
    try:
        reader = pa.ipc.open_stream(pa.memory_map(str(path)))
        return reader, iter(reader)
    except (pa.ArrowException, OSError):
        pass
    try:
        reader = pa.ipc.open_file(pa.memory_map(str(path)))
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"{str(path)!r} is not a readable Arrow file: {exc}.",
                        fix="point to the folder dataset.save_to_disk() wrote, or write it "
                            "again") from None
    return reader, (reader.get_batch(i) for i in range(reader.num_record_batches))
