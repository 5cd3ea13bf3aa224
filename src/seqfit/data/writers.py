"""Resumable writers: one output row per input row, written as a run goes, never duplicated.

A run writes into ``OUTPUT.partial/`` next to the output: ``manifest.json`` (what the run is:
task, model, options, input), then the rows in whole chunks, each made durable before the next
starts. Only a finished run moves its rows to ``OUTPUT``, so a file at ``OUTPUT`` is always
complete. After an interruption (Ctrl-C, ``kill -9``, a crash), :meth:`Writer.open` with
``resume=True`` drops whatever a chunk left half-written and says how many rows are safely
there, so the run continues from the next one.

- ``.jsonl``: one JSON object per line, appended and flushed per chunk;
- ``.parquet``: one part file per chunk (written to a temporary name, then renamed), joined into
  one file at the end;
- ``.npy`` (embeddings): the vectors as float32 rows, NaN for rows that could not be embedded,
  with the other columns in ``OUTPUT.meta.jsonl`` beside it (``emb.npy`` → ``emb.meta.jsonl``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError, MissingDependencyError, OptionError

SUFFIXES = {".jsonl": "jsonl", ".parquet": "parquet", ".npy": "npy"}
NPY_HEADER = 128  # bytes reserved for the .npy header, so the final shape fits in place


def output_format(output: Path, command: str) -> str:
    """The format ``output``'s suffix names; ``.npy`` holds embeddings only."""
    fmt = SUFFIXES.get(output.suffix.lower())
    allowed = [".jsonl", ".parquet"] + ([".npy"] if command == "embed" else [])
    if fmt is None or (fmt == "npy" and command != "embed"):
        raise OptionError(
            f"--output {str(output)!r}: seqfit {command} writes "
            f"{', '.join(allowed)} files, and the suffix says which.", option="--output",
            value=str(output), fix=f"--output {output.with_suffix('.parquet')}")
    if fmt == "parquet":
        _pyarrow()
    return fmt


def partial_folder(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


def meta_path(output: Path) -> Path:
    """Where ``.npy`` output keeps its other columns."""
    return output.with_suffix(".meta.jsonl")


def final_paths(output: Path, fmt: str) -> list[Path]:
    return [output, meta_path(output)] if fmt == "npy" else [output]


def check_output(output: Path, fmt: str, *, resume: bool, overwrite: bool) -> None:
    """Refuse, before any work, an output that cannot be written or would be clobbered."""
    parent = output.parent if str(output.parent) else Path(".")
    if not parent.is_dir():
        raise OptionError(f"--output {str(output)!r}: the folder {str(parent)!r} does not exist.",
                          option="--output", value=str(output), fix=f"mkdir -p {parent}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OptionError(f"--output {str(output)!r}: the folder {str(parent)!r} is not "
                          "writable.", option="--output", value=str(output),
                          fix="--output a path in a folder you can write to")
    for path in final_paths(output, fmt):
        if path.is_dir():
            raise OptionError(f"--output {str(path)!r} is a folder.", option="--output",
                              value=str(output), fix=f"--output {path / 'results'}{output.suffix}")
        if path.exists() and not os.access(path, os.W_OK):
            raise OptionError(f"--output {str(path)!r} exists and is not writable.",
                              option="--output", value=str(output),
                              fix="--output another path")
    partial = partial_folder(output)
    if partial.exists() and not resume and not overwrite:
        raise OptionError(
            f"an interrupted run left {str(partial)!r}; starting over would throw its rows away.",
            option="--resume", value=False,
            fix="the same command with --resume (or --overwrite to start over)")
    done = [p for p in final_paths(output, fmt) if p.exists()]
    if done and not resume and not overwrite:
        raise OptionError(f"{str(done[0])!r} already exists.", option="--output",
                          value=str(output), fix="--overwrite, or --output another path")


def read_manifest(output: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((partial_folder(output) / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_manifest(output: Path, manifest: dict[str, Any]) -> None:
    folder = partial_folder(output)
    folder.mkdir(exist_ok=True)
    _atomic_text(folder / "manifest.json", json.dumps(manifest, indent=2, default=str))


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise MissingDependencyError("writing Parquet", "pyarrow", "parquet") from None
    return pyarrow


def _json_line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, default=_plain) + "\n").encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


class Writer:
    """Rows of one run, in order; see the module docstring for the layout of each format."""

    def __init__(self, output: Path, fmt: str, dim: int = 0) -> None:
        self.output = output
        self.fmt = fmt
        self.folder = partial_folder(output)
        self.dim = dim
        self.rows = 0
        self._parts = 0
        self._stream: Any = None
        self._meta: Any = None
        self._vectors: Any = None
        if fmt == "npy" and dim < 1:
            raise OptionError("--output .npy needs the embedding size before the run, and this "
                              "model's config does not give it.", option="--output",
                              value=str(output), fix=f"--output {output.with_suffix('.parquet')}")

    # -- opening, with recovery of what an interrupted run left ---------------------------------

    def open(self, resume: bool) -> int:
        """Start writing; with ``resume``, keep the complete rows already there (dropping a
        half-written chunk) and return how many there are."""
        if not resume and self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(exist_ok=True)
        if self.fmt == "jsonl":
            self.rows = _recover_lines(self.folder / "rows.jsonl") if resume else 0
            self._stream = (self.folder / "rows.jsonl").open("ab" if resume else "wb")
        elif self.fmt == "parquet":
            self.rows, self._parts = _recover_parts(self.folder) if resume else (0, 0)
        else:
            self.rows = self._open_npy(resume)
        return self.rows

    def _open_npy(self, resume: bool) -> int:
        vectors, meta = self.folder / "vectors.npy", self.folder / "meta.jsonl"
        rows = 0
        if resume and vectors.exists():
            with vectors.open("rb") as stream:
                shape = _npy_shape(stream.read(NPY_HEADER))
            if shape is None or shape[1] != self.dim:
                raise DataError(f"{str(vectors)!r} holds vectors of another size than this "
                                f"model's {self.dim}.", fix="--overwrite to start over")
            row_bytes = 4 * self.dim
            rows = min((vectors.stat().st_size - NPY_HEADER) // row_bytes,
                       _recover_lines(meta))
            os.truncate(vectors, NPY_HEADER + rows * row_bytes)
            _truncate_lines(meta, rows)
        else:
            with vectors.open("wb") as stream:
                stream.write(_npy_header((0, self.dim)))
            meta.write_bytes(b"")
        self._vectors = vectors.open("ab")
        self._meta = meta.open("ab")
        return rows

    # -- writing -------------------------------------------------------------------------------

    def append(self, records: Sequence[dict[str, Any]]) -> None:
        """Write one chunk of rows; they are on disk (as far as the OS goes) when this
        returns. Records carry their result under ``embedding``, ``label``... as the task set."""
        if not records:
            return
        if self.fmt == "jsonl":
            self._stream.write(b"".join(_json_line(r) for r in records))
            self._stream.flush()
        elif self.fmt == "parquet":
            self._write_part(records)
        else:
            block = np.full((len(records), self.dim), np.nan, dtype="<f4")
            for i, record in enumerate(records):
                vector = record.get("embedding")
                if vector is not None:
                    block[i] = vector
            self._vectors.write(block.tobytes())
            self._vectors.flush()
            self._meta.write(b"".join(_json_line({k: v for k, v in r.items()
                                                  if k != "embedding"}) for r in records))
            self._meta.flush()
        self.rows += len(records)

    def _write_part(self, records: Sequence[dict[str, Any]]) -> None:
        import pyarrow.parquet as pq

        path = self.folder / f"part-{self._parts:06d}.parquet"
        tmp = path.with_name(path.name + ".tmp")
        pq.write_table(records_table(records), tmp)
        os.replace(tmp, path)
        self._parts += 1

    def close(self) -> None:
        """Close the files, keeping the partial run (to resume it)."""
        for stream in (self._stream, self._vectors, self._meta):
            if stream is not None:
                stream.close()
        self._stream = self._vectors = self._meta = None

    def finish(self) -> list[Path]:
        """Move the complete rows into place and remove the partial run; the written paths."""
        self.close()
        if self.fmt == "jsonl":
            os.replace(self.folder / "rows.jsonl", self.output)
        elif self.fmt == "parquet":
            _join_parts(self.folder, self.output)
        else:
            vectors = self.folder / "vectors.npy"
            with vectors.open("r+b") as stream:
                stream.write(_npy_header((self.rows, self.dim)))
            os.replace(vectors, self.output)
            os.replace(self.folder / "meta.jsonl", meta_path(self.output))
        shutil.rmtree(self.folder)
        return final_paths(self.output, self.fmt)


def records_table(records: Sequence[dict[str, Any]]) -> Any:
    """Output records as one Arrow table, with the column types every part shares."""
    pa = _pyarrow()
    types = _known_types(pa)
    columns: dict[str, Any] = {}
    for key in records[0]:
        values = [r.get(key) for r in records]
        if key == "embedding":
            values = [None if v is None else np.asarray(v, "<f4") for v in values]
        try:
            columns[key] = pa.array(values, type=types.get(key))
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # ids of mixed types: as text
            columns[key] = pa.array([None if v is None else str(v) for v in values])
    return pa.table(columns)


# ------------------------------------------------------------------------------------------------
# Recovery
# ------------------------------------------------------------------------------------------------


def _recover_lines(path: Path) -> int:
    """Complete lines of ``path``; a torn last line (no newline) is cut off."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    lines = 0
    last_newline = -1
    with path.open("rb") as stream:
        offset = 0
        while block := stream.read(1 << 20):
            lines += block.count(b"\n")
            end = block.rfind(b"\n")
            if end >= 0:
                last_newline = offset + end
            offset += len(block)
    if last_newline + 1 != size:
        os.truncate(path, last_newline + 1)
    return lines


def _truncate_lines(path: Path, keep: int) -> None:
    """Keep the first ``keep`` lines of ``path``."""
    end = 0
    with path.open("rb") as stream:
        for _ in range(keep):
            line = stream.readline()
            if not line:
                break
            end += len(line)
    os.truncate(path, end)


def _known_types(pa: Any) -> dict[str, Any]:
    """Column types fixed up front, so a chunk without errors (or entities) has the same
    schema as one with them."""
    entity = pa.struct([("label", pa.string()), ("score", pa.float64()), ("start", pa.int64()),
                        ("end", pa.int64()), ("text", pa.string())])
    return {"row": pa.int64(), "line": pa.int64(), "embedding": pa.list_(pa.float32()),
            "label": pa.string(), "score": pa.float64(), "entities": pa.list_(entity),
            "n_tokens": pa.int64(), "n_windows": pa.int64(), "truncated": pa.bool_(),
            "tokens_dropped": pa.int64(), "error": pa.string()}


def _recover_parts(folder: Path) -> tuple[int, int]:
    """Rows in the complete part files, and the next part number; temporary files removed."""
    _pyarrow()
    import pyarrow.parquet as pq

    for tmp in folder.glob("part-*.parquet.tmp"):
        tmp.unlink()
    parts = sorted(folder.glob("part-*.parquet"))
    rows = 0
    for number, path in enumerate(parts):
        if path.name != f"part-{number:06d}.parquet":
            raise DataError(f"{str(folder)!r} is missing part {number}.",
                            fix="--overwrite to start over")
        rows += pq.ParquetFile(path).metadata.num_rows
    return rows, len(parts)


def _join_parts(folder: Path, output: Path) -> None:
    """One Parquet file from the parts, their column types unified (a column that was all
    null in one part takes the others' type; ids of mixed types become strings)."""
    pa = _pyarrow()
    import pyarrow.parquet as pq

    parts = sorted(folder.glob("part-*.parquet"))
    tmp = output.with_name(output.name + ".tmp")
    if not parts:
        pq.write_table(pa.table({"row": pa.array([], pa.int64())}), tmp)
        os.replace(tmp, output)
        return
    schemas = [pq.read_schema(p) for p in parts]
    try:
        schema = pa.unify_schemas(schemas, promote_options="permissive")
        as_text = False
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        schemas = [_id_as_text(s, pa) for s in schemas]
        schema = pa.unify_schemas(schemas, promote_options="permissive")
        as_text = True
    with pq.ParquetWriter(tmp, schema) as writer:
        for path in parts:
            table = pq.read_table(path)
            if as_text and "id" in table.column_names:
                ids = [None if v is None else str(v) for v in table.column("id").to_pylist()]
                table = table.set_column(table.column_names.index("id"), "id",
                                         pa.array(ids, pa.string()))
            writer.write_table(table.select(schema.names).cast(schema))
    os.replace(tmp, output)


def _id_as_text(schema: Any, pa: Any) -> Any:
    if "id" not in schema.names:
        return schema
    return schema.set(schema.get_field_index("id"), pa.field("id", pa.string()))


# ------------------------------------------------------------------------------------------------
# .npy with its header written first and rewritten in place at the end
# ------------------------------------------------------------------------------------------------


def _npy_header(shape: tuple[int, int]) -> bytes:
    """A version 1.0 ``.npy`` header for float32 rows, padded to :data:`NPY_HEADER` bytes."""
    text = f"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}"
    body = text.ljust(NPY_HEADER - 10 - 1) + "\n"
    return b"\x93NUMPY\x01\x00" + len(body).to_bytes(2, "little") + body.encode("latin1")


def _npy_shape(header: bytes) -> tuple[int, int] | None:
    import ast

    if len(header) < NPY_HEADER or not header.startswith(b"\x93NUMPY"):
        return None
    try:
        data = ast.literal_eval(header[10:NPY_HEADER].decode("latin1").strip())
        shape = tuple(int(x) for x in data["shape"])
    except (ValueError, SyntaxError, KeyError, TypeError):
        return None
    return (shape[0], shape[1]) if len(shape) == 2 else None


# ------------------------------------------------------------------------------------------------
# Counting what a run wrote (for the summary of a resumed or already finished run)
# ------------------------------------------------------------------------------------------------

TALLIED = ("row", "line", "id", "n_tokens", "n_windows", "truncated", "error")


def written_rows(output: Path, fmt: str, *, partial: bool) -> list[dict[str, Any]]:
    """The bookkeeping columns (:data:`TALLIED`) of every row written so far, from the partial
    run (``partial=True``) or the finished output."""
    folder = partial_folder(output)
    if fmt == "parquet":
        _pyarrow()
        import pyarrow.parquet as pq

        paths = sorted(folder.glob("part-*.parquet")) if partial else [output]
        rows: list[dict[str, Any]] = []
        for path in paths:
            names = set(pq.read_schema(path).names)
            table = pq.read_table(path, columns=[c for c in TALLIED if c in names])
            rows += table.to_pylist()
        return rows
    if fmt == "jsonl":
        path = folder / "rows.jsonl" if partial else output
    else:
        path = folder / "meta.jsonl" if partial else meta_path(output)
    out = []
    with path.open("rb") as stream:
        for line in stream:
            record = json.loads(line)
            out.append({k: record.get(k) for k in TALLIED})
    return out
