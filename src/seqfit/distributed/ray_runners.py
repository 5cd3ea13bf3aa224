"""``seqfit embed|classify|tag --engine ray``: the local runners' work, spread over a Ray cluster.

Ray Data reads the input into blocks (about :data:`BLOCK_ROWS` rows each, or ``--blocks N``),
and ``map_batches`` hands each block whole to an actor: a callable class that loads the model
once, then runs the same path as the local engine on each block (``fit`` → ``batches`` → forward
→ aggregate, :class:`~seqfit.runners.engine.Engine`). A document is one row, and a row lies in
one block, so documents are never split across actors.

Each block's rows are written by the actor that ran them, as one Parquet file named by a digest
of the block's content (``DIR/_blocks/<digest>.parquet``, written under a temporary name and
renamed, so a file there is always whole). A resumed run skips every block whose file exists.
When all blocks are done, the driver names the files in input order
(``DIR/part-00000-<digest>.parquet``, ...) and writes ``DIR/_seqfit.json`` (options, input, the
parts and the rows each starts at), so ``pyarrow.parquet.read_table(DIR)`` reads the rows in
input order: one per input row, bad rows carrying their error. The columns are the local
engine's, without ``row`` and ``line`` (a row's number is its position).

Actors that hold every CPU of a node leave none for Ray Data's own tasks there (reading,
splitting blocks), and the pipeline stalls (on a laptop, or a small node): one CPU per node stays
unreserved for them, actors are spread over the nodes, and the actors' torch threads still use
that CPU while nothing is being read.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
import warnings
from dataclasses import dataclass
from typing import Any

from .. import __version__
from .._checks import check_whole
from ..errors import DataError, OptionError
from ..runners.dataset import (
    MAX_BAD_LISTED,
    RunSummary,
    Tally,
    changed_options,
    check_task_options,
    model_name,
)
from ..runners.engine import Engine
from .ray_data import _ray, read, rows_of, start

MANIFEST = "_seqfit.json"
BLOCKS = "_blocks"
#: Rows per block when ``--blocks`` is not given: the unit of work, of resuming and of progress.
BLOCK_ROWS = 1024
#: CPUs left to Ray Data's read tasks on a CPU-only cluster (see the module's docstring).
READ_CPUS = 1.0
#: Threads per CPU worker by default: torch's matrix products scale well to about four.
THREADS_PER_WORKER = 4


@dataclass(frozen=True)
class Workers:
    """How many actors run the model, and what each holds."""

    count: int
    num_cpus: float
    num_gpus: float
    threads: int

    def describe(self) -> str:
        each = f"{self.num_gpus:g} GPU, " if self.num_gpus else ""
        return (f"{self.count} worker{'s' if self.count != 1 else ''}, each {each}"
                f"{self.num_cpus:g} CPU, {self.threads} torch thread"
                f"{'s' if self.threads != 1 else ''}")


def plan_workers(cpus: float, gpus: float, workers: int | None, device: str | None,
                 nodes: int = 1) -> Workers:
    """Actors for a cluster of ``nodes`` holding ``cpus`` and ``gpus`` in all: one per GPU where
    there are GPUs (and the device is not the CPU), otherwise one per :data:`THREADS_PER_WORKER`
    CPUs, always leaving :data:`READ_CPUS` per node unreserved for Ray Data's own tasks."""
    nodes = max(1, nodes)
    on_gpu = gpus >= 1 and (device is None or not str(device).startswith("cpu"))
    if on_gpu:
        count = workers or int(gpus)
        if count > gpus:
            raise OptionError(f"--workers {count}: the cluster has {gpus:g} GPUs, one per "
                              "worker.", option="--workers", value=count,
                              fix=f"--workers {int(gpus)}, or --device cpu")
        threads = max(1, min(THREADS_PER_WORKER, int((cpus - READ_CPUS * nodes) // count)))
        return Workers(count, 1.0, 1.0, threads)
    room = cpus - READ_CPUS * nodes
    count = workers or max(1, int(cpus // THREADS_PER_WORKER))
    if room / count < 0.25:
        raise OptionError(f"--workers {count}: the cluster has {cpus:g} CPUs on {nodes} "
                          f"node{'s' if nodes != 1 else ''}; each worker needs at least a quarter "
                          f"of one, and {READ_CPUS:g} per node stays for Ray Data's own tasks.",
                          option="--workers", value=count,
                          fix=f"--workers {max(1, int(max(room, 0.25) / 0.25))}")
    # the reservation leaves room for reading; the threads use the CPUs reading leaves idle
    threads = max(1, min(THREADS_PER_WORKER, round(cpus / count)))
    return Workers(count, round(room / count, 3), 0.0, threads)


# ------------------------------------------------------------------------------------------------
# The actor
# ------------------------------------------------------------------------------------------------


def block_digest(texts: list[Any], pairs: list[Any] | None, ids: list[Any] | None) -> str:
    """A digest of a block's rows (their texts, pairs and ids, in order): the name its output
    is stored under, so a resumed run knows the blocks it has already written."""
    digest = hashlib.blake2b(digest_size=16)
    for column in (texts, pairs, ids):
        if column is None:
            digest.update(b"\x00none")
            continue
        digest.update(len(column).to_bytes(8, "little"))
        for value in column:
            data = repr(value).encode("utf-8", "surrogatepass")
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
    return digest.hexdigest()


class BlockRunner:
    """Ray Data's callable class: the model loads once per actor; each call runs one block and
    writes its rows."""

    def __init__(self, *, command: str, aggregate: str, engine: dict[str, Any], threads: int,
                 output: str, text: str, pair: str | None, id_column: str | None) -> None:
        import torch

        from ..runners.dataset import make_task

        torch.set_num_threads(threads)
        self.task = make_task(command, aggregate)
        self.engine = Engine(self.task, **engine)
        self.task.configure(self.engine)
        self.fs, self.root = filesystem(output)
        self.text, self.pair, self.id_column = text, pair, id_column

    def __call__(self, block: Any) -> Any:
        import pyarrow as pa
        import pyarrow.parquet as pq
        import ray

        from ..data.readers import row_batch
        from ..data.writers import records_table
        from ..runners.dataset import chunk_records

        start = time.perf_counter()
        texts = block.column(self.text).to_pylist()
        pairs = block.column(self.pair).to_pylist() if self.pair else None
        ids = block.column(self.id_column).to_pylist() if self.id_column else None
        digest = block_digest(texts, pairs, ids)
        path = f"{self.root}/{BLOCKS}/{digest}.parquet"
        done = self.fs.get_file_info(path).type.name == "File"
        if done:  # written by an interrupted run
            table = pq.read_table(path, filesystem=self.fs, columns=list(TALLY_COLUMNS))
            rows = table.to_pylist()
        else:
            batch = row_batch(texts, pairs, ids)
            rows = [{k: v for k, v in record.items() if k not in ("row", "line")}
                    for chunk, _ in chunk_records(self.engine, self.task, iter([batch]), skip=0,
                                                  with_ids=ids is not None)
                    for record in chunk]
            if rows:
                tmp = f"{path}.{os.getpid()}.tmp"
                self.fs.create_dir(f"{self.root}/{BLOCKS}", recursive=True)
                pq.write_table(records_table(rows), tmp, filesystem=self.fs)
                self.fs.move(tmp, path)
        tally = Tally()
        for i, row in enumerate(rows):
            tally.add(row, i)
        return pa.table({
            "digest": [digest], "rows": [len(rows)], "skipped": [done],
            "tally": [pickle.dumps(tally)], "seconds": [time.perf_counter() - start],
            "node": [ray.get_runtime_context().get_node_id()]})


TALLY_COLUMNS = ("n_tokens", "n_windows", "truncated", "error")


# ------------------------------------------------------------------------------------------------
# The driver
# ------------------------------------------------------------------------------------------------


def filesystem(output: str) -> tuple[Any, str]:
    """``(pyarrow filesystem, root path)`` for a local folder or a URI (``s3://bucket/out``)."""
    import pyarrow.fs

    if "://" in output:
        try:
            return pyarrow.fs.FileSystem.from_uri(output)
        except (pyarrow.ArrowInvalid, OSError) as exc:
            raise OptionError(f"--output {output!r}: {exc}.", option="--output", value=output,
                              fix="a local folder, or a URI of a filesystem pyarrow has") from None
    return pyarrow.fs.LocalFileSystem(), os.path.abspath(os.path.expanduser(output))


def _entries(fs: Any, root: str) -> list[Any]:
    import pyarrow.fs

    info = fs.get_file_info(root)
    if info.type == pyarrow.fs.FileType.NotFound:
        return []
    if info.type != pyarrow.fs.FileType.Directory:
        raise OptionError(f"--output {root!r} is a file; --engine ray writes a folder of "
                          "Parquet parts.", option="--output", value=root,
                          fix=f"--output {root.rsplit('.', 1)[0]}_parts/")
    return list(fs.get_file_info(pyarrow.fs.FileSelector(root)))


def _read_manifest(fs: Any, root: str) -> dict[str, Any] | None:
    try:
        with fs.open_input_stream(f"{root}/{MANIFEST}") as stream:
            data = json.loads(stream.read().decode("utf-8"))
    except (FileNotFoundError, OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_manifest(fs: Any, root: str, manifest: dict[str, Any]) -> None:
    tmp = f"{root}/{MANIFEST}.tmp"
    with fs.open_output_stream(tmp) as stream:
        stream.write(json.dumps(manifest, indent=1, default=str).encode("utf-8"))
    fs.move(tmp, f"{root}/{MANIFEST}")


def _prepare_output(fs: Any, root: str, manifest: dict[str, Any], *, resume: bool,
                    overwrite: bool) -> dict[str, Any] | None:
    """Check ``root`` for this run; returns the finished run's manifest where ``--resume``
    finds one (nothing to do)."""
    if resume and overwrite:
        raise OptionError("--resume and --overwrite ask for opposite things.", option="--resume",
                          value=True, fix="--resume to continue, or --overwrite to start over")
    entries = _entries(fs, root)
    before = _read_manifest(fs, root)
    if not entries:
        fs.create_dir(root, recursive=True)
        return None
    if before is None:
        raise OptionError(
            f"--output {root!r} holds {len(entries)} entries that seqfit did not write (no "
            f"{MANIFEST}); it will not write into it, nor delete it.", option="--output",
            value=root, fix="--output a new or empty folder")
    if overwrite:
        for entry in entries:
            if entry.type.name == "Directory":
                fs.delete_dir(entry.path)
            else:
                fs.delete_file(entry.path)
        return None
    if not resume:
        raise OptionError(f"--output {root!r} already holds a seqfit run.", option="--output",
                          value=root, fix="--resume to continue it, or --overwrite to replace it")
    changed, shown = changed_options(before.get("options", {}), manifest["options"])
    if changed:
        raise OptionError(f"--resume: the run in {root!r} was started with other options "
                          f"({shown}).", option="--resume", value=True, changed=changed,
                          fix="repeat the first run's options with --resume, or --overwrite")
    if before.get("input") != manifest["input"]:
        raise DataError(f"--resume: the input changed since the run in {root!r} (was "
                        f"{before.get('input')}, now {manifest['input']}).",
                        fix="restore the original input, or --overwrite to start over")
    return before if before.get("complete") else None


def _publish(fs: Any, root: str, blocks: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Name the blocks' files in input order (a block whose content repeats is copied), remove
    what an earlier run left that this one does not use; the parts, in order, with the row
    each starts at."""
    last_use = {digest: i for i, (digest, _) in enumerate(blocks)}
    parts = []
    first = 0
    for ordinal, (digest, rows) in enumerate(blocks):
        source = f"{root}/{BLOCKS}/{digest}.parquet"
        name = f"part-{ordinal:05d}-{digest[:16]}.parquet"
        if rows:
            if last_use[digest] == ordinal:
                fs.move(source, f"{root}/{name}")
            else:
                fs.copy_file(source, f"{root}/{name}")
            parts.append({"file": name, "digest": digest, "first_row": first, "rows": rows})
        first += rows
    keep = {part["file"] for part in parts} | {MANIFEST}
    for entry in _entries(fs, root):
        if entry.base_name not in keep and (entry.base_name.startswith("part-") or
                                            entry.base_name == BLOCKS):
            if entry.type.name == "Directory":
                fs.delete_dir(entry.path)
            else:
                fs.delete_file(entry.path)
    return parts


def run(command: str, data: str, output: str, *, model: Any, column: str | None = None,
        id_column: str | None = None, pair_column: str | None = None,
        input_format: str = "auto", strategy: str = "window", max_length: int | None = None,
        overlap: int | None = None, aggregate: str | None = None,
        batch_tokens: int | None = None, device: str | None = None, dtype: str | None = None,
        workers: int | None = None, blocks: int | None = None, address: str | None = None,
        resume: bool = False, overwrite: bool = False, on_engine: Any = None,
        on_progress: Any = None) -> RunSummary:
    """Run ``command`` over ``data`` on a Ray cluster into the folder ``output``.

    Every option, the model's files and the output folder are checked on the driver before
    Ray starts; the weights load only in the actors."""
    from ..runners.dataset import make_task, source_of

    aggregate = check_task_options(command, aggregate, pair_column)
    workers = check_whole("workers", workers, optional=True, example=2)
    blocks = check_whole("blocks", blocks, optional=True, example=64)
    if not isinstance(data, (str, os.PathLike)) or data == "-":
        raise OptionError("--engine ray reads DATA from files (or URIs) the workers can reach, "
                          "not from standard input.", option="--engine", value="ray",
                          fix="save the input to a file, or --engine local")
    data = os.fspath(data)
    checked = Engine(make_task(command, aggregate), model=model, strategy=strategy,
                     max_length=max_length, overlap=overlap, batch_tokens=batch_tokens,
                     device="cpu", dtype=dtype, pairs=pair_column is not None, weights=False)
    options = {"command": command, "model": model_name(model), "column": column,
               "id_column": id_column, "pair_column": pair_column, "input_format": input_format,
               "strategy": strategy, "max_length": checked.max_length, "overlap": overlap,
               "aggregate": aggregate, "dtype": None if dtype is None else str(dtype),
               "format": "parquet", "engine": "ray"}
    manifest: dict[str, Any] = {"seqfit": __version__, "options": options,
                                "input": source_of(data), "complete": False}
    fs, root = filesystem(os.fspath(output))
    finished = _prepare_output(fs, root, manifest, resume=resume, overwrite=overwrite)
    if finished is not None:
        return _finished(finished, root, strategy, aggregate)
    ray = _ray()
    line = start(address)
    resources = ray.cluster_resources()
    alive = sum(1 for node in ray.nodes() if node.get("Alive"))
    plan = plan_workers(float(resources.get("CPU", 1)), float(resources.get("GPU", 0)),
                        workers, device, alive)
    if on_engine is not None:
        on_engine(f"{line}; {plan.describe()}")
    ds, text, pair = read(data, input_format=input_format, column=column,
                          pair_column=pair_column, id_column=id_column, num_cpus=0.25)
    ds = ds.repartition(blocks) if blocks else ds.repartition(
        target_num_rows_per_block=BLOCK_ROWS)
    _write_manifest(fs, root, manifest)
    engine = {"model": model, "strategy": strategy, "max_length": checked.max_length,
              "overlap": overlap, "batch_tokens": batch_tokens, "device": device,
              "dtype": dtype, "pairs": pair is not None}
    with warnings.catch_warnings():  # Ray names no parameter for the scheduling strategy
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*")
        results = ds.map_batches(
            BlockRunner, batch_size=None, batch_format="pyarrow", zero_copy_batch=True,
            concurrency=plan.count, num_cpus=plan.num_cpus, num_gpus=plan.num_gpus or None,
            scheduling_strategy="SPREAD",  # actors on every node before two on one
            fn_constructor_kwargs={"command": command, "aggregate": aggregate, "engine": engine,
                                   "threads": plan.threads, "output": os.fspath(output),
                                   "text": text, "pair": pair, "id_column": id_column})
    started = time.perf_counter()
    tally, done, nodes = Tally(), [], set()
    resumed = tokens_now = 0
    for part in rows_of(results, data):
        block: Tally = pickle.loads(part["tally"])
        done.append((str(part["digest"]), block.rows))
        nodes.add(str(part["node"]))
        tally.merge(block)
        if part["skipped"]:
            resumed += block.rows
        else:
            tokens_now += block.tokens
        if on_progress is not None:
            on_progress(tally.rows, tokens_now)
    parts = _publish(fs, root, done)
    seconds = time.perf_counter() - started
    summary = RunSummary(command, checked.name, data, [root], tally.rows, tally.bad,
                         tally.bad_rows[:MAX_BAD_LISTED], resumed, tally.windowed,
                         tally.truncated, tally.tokens, seconds, tally.rows - resumed,
                         tokens_now, checked.max_length, strategy, aggregate,
                         options={**options, "workers": plan.count, "nodes": len(nodes),
                                  "blocks": len(done)})
    _write_manifest(fs, root, {**manifest, "complete": True, "parts": parts,
                               "summary": summary.to_dict()})
    return summary


def _finished(manifest: dict[str, Any], root: str, strategy: str, aggregate: str) -> RunSummary:
    """``--resume`` on a finished run: its summary, as written."""
    done = manifest.get("summary", {})
    return RunSummary(str(done.get("command", "")), str(done.get("model", "")),
                      str(done.get("data", "")), [root], int(done.get("rows", 0)),
                      int(done.get("bad", 0)), list(done.get("bad_rows", [])),
                      int(done.get("rows", 0)), int(done.get("windowed", 0)),
                      int(done.get("truncated", 0)), int(done.get("tokens", 0)), 0.0, 0, 0,
                      done.get("max_length"), strategy, aggregate, already_complete=True,
                      options=dict(done.get("options", {})))
