"""seqfit on Ray Data: the same profile as on one machine, computed across a cluster.

Ray Data's own readers split the input into blocks; each block is profiled by a Ray task that
loads the tokenizer once per worker process, counts tokens through the Rust batch path into a
:class:`~seqfit.profiling.stats.LengthStats`, and returns it. The driver merges the blocks' stats
in input order (``preserve_order``), and since the merge is exact and associative the result is
the profile of one pass over the whole input: every count, percentile and batching cost.

``--sample N`` is priority sampling: each row draws a uniform random key and the N rows with the
smallest keys form the sample, which is a uniform sample without replacement, as the local
reservoir's is; each block keeps only its N smallest keys, so the sample merges like the stats,
and the same confidence intervals apply.

``import seqfit`` never imports ray; this module imports it when called, and a missing ray is a
:class:`~seqfit.errors.MissingDependencyError` naming the ``ray`` extra.
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import os
import pickle
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import DataError, MissingDependencyError, SeqfitError
from ..model.limits import ModelLimits
from ..profiling.stats import LengthStats
from ..profiling.summary import Profile

MAX_BAD_LISTED = 100
COUNT_CHUNK = 2000
_TOKENIZERS: dict[str | None, Any] = {}


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise MissingDependencyError("--engine ray", "ray[data]", "ray") from None
    return ray


def start(address: str | None = None) -> str:
    """Connect to the Ray cluster at ``address`` (``auto``: the one this machine belongs to), or
    start a local one sized to the machine; returns one line saying which."""
    ray = _ray()
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # blocks merge in input order
    ctx.enable_progress_bars = False  # seqfit reports progress itself
    for name in ("ray", "ray.data"):  # Ray's chatter stays quiet; its errors reach the user
        logging.getLogger(name).setLevel(logging.CRITICAL)  # as seqfit's, raised below
    if ray.is_initialized():
        return _describe(ray, "using the Ray cluster this process is connected to")
    if address:
        ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
        return _describe(ray, f"connected to the Ray cluster at {address}")
    cpus = os.cpu_count() or 1
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False,
             logging_level=logging.WARNING)
    return _describe(ray, "started a local Ray cluster (no --address)")


def _describe(ray: Any, what: str) -> str:
    resources = ray.cluster_resources()
    nodes = sum(1 for n in ray.nodes() if n.get("Alive"))
    return (f"{what}: {nodes} node{'s' if nodes != 1 else ''}, "
            f"{int(resources.get('CPU', 0))} CPUs, {int(resources.get('GPU', 0))} GPUs")


# ------------------------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def read_errors(data: str, fmt: str = "its format") -> Iterator[None]:
    """Ray Data's readers stop at the first malformed row (the local readers record it as a
    bad row and go on); the failure, raised in a worker, becomes one DataError that says so."""
    ray = _ray()
    try:
        yield
    except ray.exceptions.RayTaskError as exc:
        cause = getattr(exc, "cause", None)
        if isinstance(cause, SeqfitError):
            raise cause from None
        reading = "ray::Read" in str(exc).split("\n", 1)[0]  # the task that failed: a reader
        if not reading or not isinstance(cause, (ValueError, OSError, UnicodeDecodeError)):
            raise
        first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        raise DataError(
            f"{data!r} could not be read by Ray Data as {fmt}: {first[:300]}. Ray Data's readers "
            "stop at the first malformed row; the local engine records it as a bad row and goes "
            "on.", fix=f"--engine local, or repair the row (python -m json.tool --json-lines "
                       f"{data} shows the first bad line of a JSONL file)") from None


def rows_of(results: Any, data: str) -> Iterator[Any]:
    """The rows of a Ray dataset as it runs, its reading errors as :func:`read_errors` says."""
    with read_errors(data):
        yield from results.iter_rows()


def read(data: str, *, input_format: str = "auto", column: str | None = None,
         pair_column: str | None = None, id_column: str | None = None,
         blocks: int | None = None, num_cpus: float | None = None
         ) -> tuple[Any, str, str | None]:
    """``(dataset, text column, pair column)`` read with Ray Data's own readers. Local paths
    and any URI the installed filesystems support (``s3://``, ``gs://``...) pass straight
    through; a ``save_to_disk`` folder is read as Arrow IPC files, one read task each."""
    from ..data.readers import check_columns, detect_format, pick_column

    ray = _ray()
    local = "://" not in data
    path = Path(data).expanduser() if local else None
    if path is not None and not path.exists():
        raise DataError(f"{data!r} does not exist.", fix="check the path")
    fmt = input_format if input_format != "auto" else (
        detect_format(path) if path is not None else detect_format(Path(data.split("://")[-1])))
    target: Any = str(path) if path is not None else data
    if path is not None and path.is_dir() and fmt in ("jsonl", "csv", "tsv", "parquet"):
        from ..data.readers import shards

        target = [str(p) for p in shards(path, fmt)]  # the shards in the local engine's order
    task: dict[str, Any] = {"num_cpus": num_cpus} if num_cpus is not None else {}
    fs: dict[str, Any] = dict(task)
    if local:  # Ray would otherwise probe fsspec's remote filesystems for local paths
        import pyarrow.fs

        fs["filesystem"] = pyarrow.fs.LocalFileSystem()
    if fmt == "jsonl":
        ds = ray.data.read_json(target, lines=True, file_extensions=None, **task)  # no fs
    elif fmt in ("csv", "tsv"):
        import pyarrow.csv as pacsv

        delimiter = "\t" if fmt == "tsv" else ","
        ds = ray.data.read_csv(target, parse_options=pacsv.ParseOptions(delimiter=delimiter),
                               file_extensions=None, **fs)
    elif fmt == "parquet":
        ds = ray.data.read_parquet(target, **fs)
    elif fmt == "arrow":
        ds = ray.data.read_datasource(_arrow_folder_source(target), **task)
    elif fmt in ("text", "files"):
        ds = ray.data.read_text(target, drop_empty_lines=False,
                                file_extensions=["txt"] if fmt == "files" else None, **fs)
    else:
        raise DataError(f"--input-format {fmt} cannot be read with --engine ray.",
                        fix="--input-format jsonl, csv, tsv, parquet, arrow or text")
    if blocks:  # Ray bundles small blocks into one task; a repartition spreads them
        ds = ds.repartition(blocks)
    with read_errors(data, fmt):
        schema = ds.schema()
    names = list(schema.names)
    strings = [n for n, t in zip(names, schema.types, strict=True) if str(t) in (
        "string", "large_string")]
    text = pick_column(names, strings, column, repr(data))
    check_columns(names, repr(data), pair_column, id_column)
    return ds, text, pair_column


def _arrow_folder_source(folder: str) -> Any:
    """A Ray datasource over the ``*.arrow`` files ``datasets.save_to_disk`` writes."""
    ray = _ray()
    from ray.data import Datasource, ReadTask
    from ray.data.block import BlockMetadata

    files = sorted(str(p) for p in Path(folder).glob("*.arrow"))
    if not files:
        raise DataError(f"{folder!r} has no .arrow files.",
                        fix="point to the folder dataset.save_to_disk() wrote")

    def read_file(path: str) -> list[Any]:
        import pyarrow as pa

        from ..data.readers import _open_arrow

        reader, batches = _open_arrow(pa, Path(path))
        return [pa.Table.from_batches(list(batches), schema=reader.schema)]

    def task(path: str) -> Any:
        metadata = BlockMetadata(num_rows=None, size_bytes=os.path.getsize(path),
                                 input_files=(path,), exec_stats=None)
        return ReadTask(lambda: read_file(path), metadata)

    base: Any = Datasource

    class ArrowFolder(base):
        def estimate_inmemory_data_size(self) -> int:
            return sum(os.path.getsize(f) for f in files)

        def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None,
                           data_context: Any = None) -> list[Any]:
            return [task(f) for f in files]

    del ray
    return ArrowFolder()


# ------------------------------------------------------------------------------------------------
# Profiling blocks
# ------------------------------------------------------------------------------------------------


def _tokenizer(model: str | None) -> Any:
    """The model's tokenizer, loaded once per worker process (the fast path: no transformers)."""
    if model not in _TOKENIZERS:
        from ..model.loading import load

        _TOKENIZERS[model] = load(model).tokenizer
    return _TOKENIZERS[model]


def _rows(block: Any, text: str, pair: str | None) -> tuple[list[Any], list[Any] | None]:
    texts = block.column(text).to_pylist()
    pairs = block.column(pair).to_pylist() if pair is not None else None
    return texts, pairs


def _profile_block(block: Any, *, model: str | None, text: str, pair: str | None,
                   batch_size: int, sample: int | None, seed: int) -> Any:
    """One block's LengthStats (or its smallest sample keys) and its bad rows, as a one-row
    table for the driver to merge."""
    import numpy as np
    import pyarrow as pa

    from ..data.readers import bad_row
    from ..profiling.counting import token_lengths

    texts, pairs = _rows(block, text, pair)
    good: list[int] = []
    bad: list[tuple[int, str]] = []
    for i, value in enumerate(texts):
        reason = bad_row(value, pairs[i] if pairs is not None else "", pairs is not None)
        if reason is None:
            good.append(i)
        else:
            bad.append((i, reason))
    payload: Any
    if sample is not None:  # priority sampling: keep this block's `sample` smallest keys
        first = (texts[good[0]] if good else "").encode("utf-8", "replace")
        rng = np.random.default_rng([seed, zlib.crc32(first), len(texts)])
        keys = rng.random(len(good))
        chosen = heapq.nsmallest(sample, zip(keys.tolist(), good, strict=True))
        payload = [(key, i, texts[i], pairs[i] if pairs is not None else None)
                   for key, i in chosen]
    else:
        stats = LengthStats(batch_size=batch_size)
        tokenizer = _tokenizer(model)
        for start in range(0, len(good), COUNT_CHUNK):
            rows = good[start:start + COUNT_CHUNK]
            stats.add(token_lengths(tokenizer, [texts[i] for i in rows],
                                    [pairs[i] for i in rows] if pairs is not None else None))
        payload = stats
    import ray

    return pa.table({"rows": [len(texts)], "good": [len(good)], "n_bad": [len(bad)],
                     "bad": [pickle.dumps(bad[:MAX_BAD_LISTED])],
                     "payload": [pickle.dumps(payload)],
                     "node": [ray.get_runtime_context().get_node_id()]})


def profile(data: str, *, model: str | None, limits: ModelLimits, tokenizer: Any,
            column: str | None = None, pair_column: str | None = None,
            input_format: str = "auto", batch_size: int = 32, sample: int | None = None,
            seed: int = 0, blocks: int | None = None, summarize_with: Any) -> Profile:
    """Profile ``data`` on the connected Ray cluster (call :func:`start` first), in ``blocks``
    blocks (default: as many as Ray chooses for the data's size and the cluster).

    ``summarize_with(stats, invalid, invalid_count, sample_of)`` turns the merged stats into the
    profile, exactly as the local run does."""
    from ..profiling.counting import token_lengths

    ds, text, pair = read(data, input_format=input_format, column=column,
                          pair_column=pair_column, blocks=blocks)
    results = ds.map_batches(
        _profile_block, batch_size=None, batch_format="pyarrow", zero_copy_batch=True,
        fn_kwargs={"model": model, "text": text, "pair": pair, "batch_size": batch_size,
                   "sample": sample, "seed": seed})
    stats = LengthStats(batch_size=batch_size)
    invalid: list[tuple[int, str]] = []
    invalid_count = rows = good = 0
    sampled: list[tuple[float, int, str, Any]] = []
    nodes: set[str] = set()
    blocks = 0
    for part in rows_of(results, data):
        nodes.add(str(part["node"]))
        blocks += 1
        for i, reason in pickle.loads(part["bad"]):
            if len(invalid) < MAX_BAD_LISTED:
                invalid.append((rows + i + 1, reason))
        payload = pickle.loads(part["payload"])
        if sample is not None:
            sampled = heapq.nsmallest(sample, sampled + [
                (key, rows + i, t, p) for key, i, t, p in payload])
        else:
            stats = stats.merge(payload)
        invalid_count += int(part["n_bad"])
        good += int(part["good"])
        rows += int(part["rows"])
    if good == 0:
        raise DataError(f"{data!r} has no usable rows: all {invalid_count:,} were bad.",
                        fix="check the --column and --input-format, or the data itself")
    if sample is not None:  # count the sample in input order, as the local reservoir does
        sampled.sort(key=lambda item: item[1])
        for start in range(0, len(sampled), COUNT_CHUNK):
            chunk = sampled[start:start + COUNT_CHUNK]
            stats.add(token_lengths(tokenizer, [t for _, _, t, _ in chunk],
                                    [p for _, _, _, p in chunk] if pair else None))
    result: Profile = summarize_with(stats, invalid, invalid_count,
                                     good if sample is not None else None)
    return replace(result, model=limits.name or limits.model_type, source=data,
                   extra={**result.extra, "engine": "ray", "blocks": blocks,
                          "nodes": len(nodes)})
