"""A whole data file through a model, into an output file: what ``seqfit embed|classify|tag``
run.

Rows are read in chunks by :mod:`seqfit.data.readers` (the readers of ``seqfit profile``), run by
the :class:`~seqfit.runners.engine.Engine`, and written by :mod:`seqfit.data.writers` as each
chunk finishes: exactly one output row per input row, in input order, the rows that could not be
run carrying their error. ``resume=True`` continues an interrupted run from the first row not
yet written, after checking that the options and the input are the ones it started with.
"""

from __future__ import annotations

import collections
import os
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from .._checks import check_choice, check_whole
from ..data import writers
from ..data.readers import RowBatch, read_batches
from ..errors import DataError, OptionError
from .aggregation import LOGIT_AGGREGATES, VECTOR_AGGREGATES
from .engine import CHUNK_SIZE, ChunkResult, DocumentMeta, Engine, TaskName

COMMANDS: tuple[TaskName, ...] = ("embed", "classify", "tag")
ENGINES = ("local", "ray")
MAX_BAD_LISTED = 20
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunSummary:
    """What a run did: rows written (one per input row), how many were bad and why, how the
    documents were fitted, and how fast it went (over this invocation's rows)."""

    command: str
    model: str
    data: str
    output: list[str]
    rows: int
    bad: int
    bad_rows: list[dict[str, Any]]
    resumed_from: int
    windowed: int
    truncated: int
    tokens: int
    seconds: float
    rows_this_run: int
    tokens_this_run: int
    max_length: int | None
    strategy: str
    aggregate: str
    already_complete: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows_this_run / self.seconds if self.seconds > 0 else 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.tokens_this_run / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"command": self.command, "model": self.model, "data": self.data,
                "output": self.output, "rows": self.rows, "bad": self.bad,
                "bad_rows": self.bad_rows, "resumed_from": self.resumed_from,
                "already_complete": self.already_complete, "windowed": self.windowed,
                "truncated": self.truncated, "tokens": self.tokens,
                "seconds": round(self.seconds, 3),
                "rows_per_second": round(self.rows_per_second, 1),
                "tokens_per_second": round(self.tokens_per_second, 1),
                "max_length": self.max_length, "strategy": self.strategy,
                "aggregate": self.aggregate, "options": self.options}


@dataclass
class Tally:
    """A run's counts, from its output records (and the first bad rows); Ray blocks' tallies
    merge in input order."""

    rows: int = 0
    bad: int = 0
    windowed: int = 0
    truncated: int = 0
    tokens: int = 0
    bad_rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, record: dict[str, Any], row: int | None = None) -> None:
        self.rows += 1
        self.tokens += int(record.get("n_tokens") or 0)
        self.windowed += int((record.get("n_windows") or 0) > 1)
        self.truncated += int(bool(record.get("truncated")))
        if record.get("error") is not None:
            self.bad += 1
            if len(self.bad_rows) < MAX_BAD_LISTED:
                shown: dict[str, Any] = {k: record.get(k) for k in ("row", "line", "id", "error")
                                         if k in record}
                self.bad_rows.append(shown if row is None else {"row": row, **shown})

    def merge(self, other: Tally) -> None:
        """Add the counts of the rows that follow this tally's (their rows renumbered)."""
        for bad in other.bad_rows:
            if len(self.bad_rows) < MAX_BAD_LISTED:
                self.bad_rows.append({**bad, "row": self.rows + bad.get("row", 0)})
        self.rows += other.rows
        self.bad += other.bad
        self.windowed += other.windowed
        self.truncated += other.truncated
        self.tokens += other.tokens


def run_dataset(
    command: TaskName,
    data: Any,
    output: str | os.PathLike[str],
    *,
    model: Any,
    tokenizer: Any = None,
    column: str | None = None,
    id_column: str | None = None,
    pair_column: str | None = None,
    input_format: str = "auto",
    by: str = "line",
    strategy: str = "window",
    max_length: int | None = None,
    overlap: int | None = None,
    aggregate: str | None = None,
    batch_tokens: int | None = None,
    device: Any = None,
    dtype: Any = None,
    chunk_size: int = CHUNK_SIZE,
    resume: bool = False,
    overwrite: bool = False,
    on_progress: Progress | None = None,
    engine: str = "local",
    address: str | None = None,
    blocks: int | None = None,
    workers: int | None = None,
    on_engine: Callable[[str], None] | None = None,
) -> RunSummary:
    """Run ``command`` over every row of ``data`` and write one row per input row to
    ``output`` (``.jsonl``, ``.parquet``, or ``.npy`` for embeddings), as the run goes.

    Every option, the output path and the input are checked before the model loads. With
    ``resume``, an interrupted run of the same command, options and input continues where it
    stopped (a finished one is reported as it is). ``on_progress(rows, tokens)`` is called after
    each chunk.

    ``engine="ray"`` runs on a Ray cluster (``address``, or a local one; ``on_engine`` hears
    which) with ``workers`` actors, over ``blocks`` blocks, into the folder ``output``: see
    :mod:`seqfit.distributed.ray_runners`.
    """
    aggregate = check_task_options(command, aggregate, pair_column)
    check_choice("engine", engine, ENGINES, option="--engine")
    if engine == "ray":
        return _on_ray(command, data, output, model=model, tokenizer=tokenizer, column=column,
                       id_column=id_column, pair_column=pair_column, input_format=input_format,
                       by=by, strategy=strategy, max_length=max_length, overlap=overlap,
                       aggregate=aggregate, batch_tokens=batch_tokens, device=device,
                       dtype=dtype, resume=resume, overwrite=overwrite, address=address,
                       blocks=blocks, workers=workers, on_engine=on_engine,
                       on_progress=on_progress)
    if address is not None or blocks is not None or workers is not None:
        raise OptionError("--address, --blocks and --workers are for --engine ray.",
                          option="--engine", value=engine, fix="add --engine ray, or drop them")
    chunk_size = check_whole("chunk_size", chunk_size, example=CHUNK_SIZE) or CHUNK_SIZE
    out = Path(os.fspath(output)).expanduser()
    fmt = writers.output_format(out, command)
    if resume and overwrite:
        raise OptionError("--resume and --overwrite ask for opposite things.", option="--resume",
                          value=True, fix="--resume to continue, or --overwrite to start over")
    stdin = data == "-" or hasattr(data, "read")
    if resume and stdin:
        raise OptionError("--resume needs DATA to be a file: standard input cannot be read "
                          "again from where the run stopped.", option="--resume", value=True,
                          fix="save the input to a file and run on it")
    writers.check_output(out, fmt, resume=resume, overwrite=overwrite)
    source = source_of(data)
    if resume and writers.read_manifest(out) is None and out.exists():
        return _finished(command, out, fmt, source, strategy, aggregate)
    batches = read_batches(data, column=column, pair_column=pair_column,
                           input_format=input_format, by=by, batch_size=chunk_size,
                           id_column=id_column)
    options = {"command": command, "model": model_name(model), "column": column,
               "id_column": id_column, "pair_column": pair_column, "input_format": input_format,
               "by": by, "strategy": strategy, "max_length": max_length, "overlap": overlap,
               "aggregate": aggregate, "dtype": None if dtype is None else str(dtype),
               "format": fmt}
    manifest = {"seqfit": __version__, "options": options, "input": source}
    resuming = resume and _check_resume(out, manifest)  # before the model loads
    task = make_task(command, aggregate)
    runner = Engine(task, model=model, tokenizer=tokenizer, strategy=strategy,
                    max_length=max_length, overlap=overlap, batch_tokens=batch_tokens,
                    device=device, dtype=dtype, pairs=pair_column is not None)
    task.configure(runner)
    writer = writers.Writer(out, fmt, dim=getattr(task, "dim", 0))
    tally = Tally()
    kept = writer.open(resuming)
    if resuming:
        for record in writers.written_rows(out, fmt, partial=True)[:kept]:
            tally.add(record)
    writers.write_manifest(out, manifest)
    done = tally.rows
    start = time.perf_counter()
    this_tokens = 0
    produced = chunk_records(runner, task, batches, skip=done, with_ids=id_column is not None)
    try:
        for records, result in produced:
            writer.append(records)
            for record in records:
                tally.add(record)
            this_tokens += result.tokens
            if on_progress is not None:
                on_progress(tally.rows, this_tokens)
    finally:
        produced.close()  # stops reading and fitting ahead
        writer.close()
    paths = writer.finish()
    return RunSummary(command, runner.name, source["path"], [str(p) for p in paths], tally.rows,
                      tally.bad, tally.bad_rows, done, tally.windowed, tally.truncated,
                      tally.tokens, time.perf_counter() - start, tally.rows - done, this_tokens,
                      runner.max_length, strategy, aggregate, options=options)


def _on_ray(command: str, data: Any, output: Any, *, model: Any, tokenizer: Any, by: str,
            **options: Any) -> RunSummary:
    """``engine="ray"``: the same run on a Ray cluster, into a folder of Parquet parts."""
    if tokenizer is not None or not isinstance(model, (str, os.PathLike)):
        raise OptionError("--engine ray loads the model in each worker, so it needs the model "
                          "as a hub name or a folder (and its own tokenizer).", option="model",
                          value=type(model).__name__, fix="model='./my-model' (a folder "
                          "model.save_pretrained() and tokenizer.save_pretrained() wrote)")
    if by != "line":
        raise OptionError("--by file is not available with --engine ray: Ray Data reads a "
                          "folder of .txt files a line per row.", option="--by", value=by,
                          fix="--engine local, or one document per line")
    from ..distributed import ray_runners

    return ray_runners.run(command, data, os.fspath(output), model=os.fspath(model), **options)


def check_task_options(command: str, aggregate: str | None, pair_column: str | None) -> str:
    """The command, its aggregate (the default where None) and the pair column, checked; the
    aggregate to run."""
    check_choice("command", command, COMMANDS)
    aggregate = _check_aggregate(command, aggregate)
    if pair_column is not None and command != "classify":
        raise OptionError(f"--pair-column: seqfit {command} reads single texts; pairs are for "
                          "classify (cross-encoders, NLI).", option="--pair-column",
                          value=pair_column, fix="drop --pair-column")
    return aggregate


def model_name(model: Any) -> str:
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    config = getattr(model, "config", None)
    return str(getattr(config, "name_or_path", "") or type(model).__name__)


def _check_aggregate(command: str, aggregate: str | None) -> str:
    from .tagging import AGGREGATIONS

    valid = {"embed": VECTOR_AGGREGATES, "classify": LOGIT_AGGREGATES,
             "tag": AGGREGATIONS}[command]
    if aggregate is None:
        return valid[0]
    check_choice("aggregate", aggregate, valid, option="--aggregate")
    return aggregate


def make_task(command: str, aggregate: str) -> Any:
    if command == "embed":
        from .embedding import EmbedTask

        return EmbedTask(aggregate)
    if command == "classify":
        from .classification import ClassifyTask

        return ClassifyTask(aggregate)
    from .tagging import TagTask

    return TagTask(aggregate, ("O",))


def source_of(data: Any) -> dict[str, Any]:
    """What identifies the input, so a resumed run can tell it is the same one."""
    if data == "-" or hasattr(data, "read"):
        return {"path": "<stdin>" if data == "-" else str(getattr(data, "name", "<stream>"))}
    path = Path(os.fspath(data)).expanduser()
    try:
        stat = path.stat()
    except OSError:
        return {"path": str(path)}  # read_batches says what is wrong with it
    return {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _check_resume(out: Path, manifest: dict[str, Any]) -> bool:
    """True where there is a partial run to continue; it must be this run."""
    before = writers.read_manifest(out)
    if before is None:
        return False
    changed, shown = changed_options(before.get("options", {}), manifest["options"])
    if changed:
        raise OptionError(
            f"--resume: the interrupted run in {str(writers.partial_folder(out))!r} was started "
            f"with other options ({shown}); its rows would not match this run's.",
            option="--resume", value=True, changed=changed,
            fix="repeat the first run's options with --resume, or --overwrite to start over")
    old_input, new_input = before.get("input", {}), manifest["input"]
    if old_input != new_input:
        raise DataError(
            f"--resume: the input changed since the interrupted run (was {old_input}, now "
            f"{new_input}); its rows would no longer line up.",
            fix="restore the original input, or --overwrite to start over")
    return True


def changed_options(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[str], str]:
    """The options a resumed run changed, and how (``"strategy: was 'head', now 'tail'"``)."""
    changed = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    return changed, "; ".join(f"{k}: was {old.get(k)!r}, now {new.get(k)!r}" for k in changed)


def _finished(command: str, out: Path, fmt: str, source: dict[str, Any], strategy: str,
              aggregate: str) -> RunSummary:
    """``--resume`` on a run that already finished: nothing to do; its summary."""
    tally = Tally()
    for record in writers.written_rows(out, fmt, partial=False):
        tally.add(record)
    return RunSummary(command, "", source["path"], [str(p) for p in writers.final_paths(out, fmt)],
                      tally.rows, tally.bad, tally.bad_rows, tally.rows, tally.windowed,
                      tally.truncated, tally.tokens, 0.0, 0, 0, None, strategy, aggregate,
                      already_complete=True)


@dataclass
class _Row:
    index: int
    line: int
    text: str | None
    pair: str | None
    id: Any
    error: str | None


def _rows(batches: Iterator[RowBatch], skip: int) -> Iterator[list[_Row]]:
    """Each batch's rows, valid and invalid, in input order, numbered from 0 over the whole
    input; the first ``skip`` rows (written by an interrupted run) are left out."""
    index = 0
    for batch in batches:
        rows = [_Row(0, line, text, batch.pairs[i] if batch.pairs is not None else None,
                     batch.ids[i] if batch.ids is not None else None, None)
                for i, (line, text) in enumerate(zip(batch.lines, batch.texts, strict=True))]
        rows += [_Row(0, line, None, None, batch.invalid_ids.get(line), reason)
                 for line, reason in batch.invalid]
        rows.sort(key=lambda r: r.line)
        for row in rows:
            row.index = index
            index += 1
        kept = [r for r in rows if r.index >= skip]
        if kept:
            yield kept


def chunk_records(engine: Engine, task: Any, batches: Iterator[RowBatch], *, skip: int,
             with_ids: bool
             ) -> Generator[tuple[list[dict[str, Any]], ChunkResult], None, None]:
    """Output records per chunk, in input order: the engine runs the valid rows, the others
    carry their reader error."""
    pending: collections.deque[list[_Row]] = collections.deque()

    def chunks() -> Iterator[tuple[list[str], list[str] | None]]:
        for rows in _rows(batches, skip):
            pending.append(rows)
            valid = [r for r in rows if r.error is None]
            yield ([r.text or "" for r in valid],
                   [r.pair or "" for r in valid] if engine.pairs else None)

    results = engine.run(chunks())
    try:
        yield from _merge(results, pending, task, with_ids)
    finally:
        results.close()


def _merge(results: Iterator[ChunkResult], pending: collections.deque[list[_Row]], task: Any,
           with_ids: bool) -> Iterator[tuple[list[dict[str, Any]], ChunkResult]]:
    for result in results:
        rows = pending.popleft()
        valid = iter(zip(result.documents, result.results, strict=True))
        records = []
        for row in rows:
            if row.error is None:
                meta, value = next(valid)
            else:
                meta, value = DocumentMeta(row.index, 0, 0, False, 0, row.error), None
            records.append(_record(task, row, meta, value, with_ids))
        yield records, result


def _record(task: Any, row: _Row, meta: DocumentMeta, value: Any, with_ids: bool
            ) -> dict[str, Any]:
    record: dict[str, Any] = {"row": row.index, "line": row.line}
    if with_ids:
        record["id"] = row.id
    if task.name == "embed":
        record["embedding"] = value
    elif task.name == "classify":
        from .classification import score_record

        if value is None:
            record.update(score_record(None, [], task.label_names))  # type: ignore[arg-type]
        else:
            record.update(score_record(value.label, value.scores, task.label_names))
    else:
        record["entities"] = [e.to_dict() for e in value] if value else []
    record.update(n_tokens=meta.n_tokens, n_windows=meta.n_windows, truncated=meta.truncated,
                  tokens_dropped=meta.tokens_dropped, error=meta.error)
    return record


def estimate_rows(data: Any, input_format: str = "auto") -> int | None:
    """About how many rows ``data`` holds, for a progress bar: Parquet's row count, or the
    lines of a text file (CSV: minus the header); None for stdin and folders."""
    from ..data.readers import detect_format

    if data == "-" or hasattr(data, "read"):
        return None
    path = Path(os.fspath(data)).expanduser()
    if not path.is_file():
        return None
    fmt = detect_format(path) if input_format == "auto" else input_format
    if fmt == "parquet":
        try:
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
        except Exception:  # an unreadable file is reported by the reader, not here
            return None
    lines = 0
    last = b"\n"
    with path.open("rb") as stream:
        while block := stream.read(1 << 22):
            lines += block.count(b"\n")
            last = block[-1:]
    lines += last != b"\n"
    return max(0, lines - (1 if fmt in ("csv", "tsv") else 0))
