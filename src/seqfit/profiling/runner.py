"""Run a profile over a data source: read in batches, count tokens, accumulate, summarize.

Reading happens in a background thread while the Rust tokenizer (which releases the GIL) counts
tokens of the previous batch, so the whole run costs little more than tokenizing alone.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from .._checks import check_choice, check_whole
from ..data.readers import RowBatch, read_batches
from ..errors import DataError, ModelLoadError, OptionError
from ..model.limits import ModelLimits, limits_of
from ..model.loading import load
from ..plan import default_overlap
from .counting import token_lengths
from .stats import LengthStats, Reservoir
from .summary import Profile, summarize

MAX_INVALID_LISTED = 100
ENGINES = ("local", "ray")
READ_BATCH = 2000
FIRST_ROWS = 100  # counted and reported before the rest of the first batch


def _prefetch(batches: Iterator[RowBatch], depth: int = 4) -> Iterator[RowBatch]:
    """Iterate ``batches`` in a background thread, a few batches ahead."""
    box: queue.Queue[Any] = queue.Queue(maxsize=depth)
    done = object()

    def work() -> None:
        try:
            for batch in batches:
                box.put(batch)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            box.put(exc)
        box.put(done)

    threading.Thread(target=work, daemon=True).start()
    while True:
        item = box.get()
        if item is done:
            return
        if isinstance(item, BaseException):
            raise item
        yield item


def profile(
    data: Any,
    *,
    model: Any = None,
    tokenizer: Any = None,
    column: str | None = None,
    pair_column: str | None = None,
    input_format: str = "auto",
    by: str = "line",
    max_length: int | None = None,
    overlap: int | None = None,
    batch_tokens: int | None = None,
    batch_size: int = 32,
    sample: int | None = None,
    seed: int = 0,
    engine: str = "local",
    address: str | None = None,
    blocks: int | None = None,
    on_progress: Callable[[int, int, int], None] | None = None,
    on_engine: Callable[[str], None] | None = None,
) -> Profile:
    """Profile how the texts of ``data`` (a file, folder, ``-`` for stdin, or a file object) fit
    ``model`` (anything :func:`seqfit.inspect` accepts, or its :class:`~seqfit.ModelLimits` with
    ``tokenizer=``; default: the embedded all-MiniLM-L6-v2).

    ``sample=N`` profiles a uniform random sample of N rows, read in one pass, and gives every
    figure a 95% confidence interval. ``on_progress(bytes, rows, tokens)`` is called after each
    batch. ``engine="ray"`` profiles on a Ray cluster (``address``, or a local one), with Ray
    Data's readers, and gives the same figures; ``on_engine`` hears which cluster was used.
    """
    check_choice("engine", engine, ENGINES, option="--engine")
    max_length = check_whole("max_length", max_length, optional=True, example=512)
    overlap = check_whole("overlap", overlap, minimum=0, optional=True, example=64)
    batch_tokens = check_whole("batch_tokens", batch_tokens, optional=True, example=16384)
    batch_size = check_whole("batch_size", batch_size, example=32) or 1
    sample = check_whole("sample", sample, optional=True, example=100000)
    blocks = check_whole("blocks", blocks, optional=True, example=64)
    if engine == "ray":
        if not isinstance(data, str) or data == "-":
            raise OptionError("--engine ray reads a path or URI, not stdin or a file object.",
                              option="engine", value=engine,
                              fix="save the data to a file, or --engine local")
        if not (model is None or isinstance(model, (str, os.PathLike))):
            raise OptionError("--engine ray needs the model as a hub name or a folder the "
                              "workers can load, not a loaded object.", option="model",
                              value=type(model).__name__, fix="model='path/to/model'")
        batches: Iterator[RowBatch] = iter(())
    else:
        batches = read_batches(data, column=column, pair_column=pair_column,
                               input_format=input_format, by=by, batch_size=READ_BATCH)
    why = ""
    if isinstance(model, ModelLimits):
        limits = model
    else:
        loaded = load(model, tokenizer=tokenizer)
        tokenizer = tokenizer or loaded.tokenizer
        limits = limits_of(loaded)
        why = f": {loaded.tokenizer_error}" if loaded.tokenizer_error else ""
    if tokenizer is None:
        raise ModelLoadError(
            f"seqfit profile counts tokens with the model's tokenizer, and none was found{why}.",
            model=str(limits.name or model), reason="not_found",
            fix="save the tokenizer beside the model (tokenizer.save_pretrained(folder)), or "
                "pass tokenizer=AutoTokenizer.from_pretrained(<the model's name>)")
    specials = limits.special_tokens
    n_special = 0 if specials is None else (specials.pair if pair_column else specials.single)
    hard = limits.max_tokens
    if max_length is not None and hard is not None and max_length > hard:
        raise OptionError(
            f"max_length={max_length} is above what {limits.name or limits.model_type} accepts "
            f"({hard} tokens): inputs that long fail in its forward pass.",
            option="max_length", value=max_length, limit=hard,
            fix=f"--max-length {hard} (max_length={hard}), or profile with the model you will "
                "run")
    length = max_length if max_length is not None else limits.effective_max_tokens
    if length is None:
        raise OptionError(
            f"{limits.name or limits.model_type} has no length limit to profile against: the "
            "architecture has no hard limit, and neither the config nor the tokenizer names a "
            "trained length (its model_max_length is the 1e30 'unset' sentinel).",
            option="max_length", value=None,
            fix="--max-length 4096 (max_length=4096), the length the model card gives")
    budget = length - n_special
    if budget < 1:
        raise OptionError(
            f"max_length={length} leaves no room for text: the tokenizer adds {n_special} "
            "special tokens to every input.", option="max_length", value=length,
            fix=f"--max-length {n_special + 1} or more (max_length={n_special + 1})")
    if overlap is not None and overlap >= budget:
        raise OptionError(
            f"overlap={overlap} but a window holds {budget} tokens of text (max_length {length} "
            f"- {n_special} special tokens); the overlap must be 0..{budget - 1}.",
            option="overlap", value=overlap, fix=f"--overlap {default_overlap(budget)}")
    def finish(stats: LengthStats, invalid: list[tuple[int, str]], invalid_count: int,
               sample_of: int | None) -> Profile:
        return summarize(stats, max_length=int(length), special_tokens=n_special,
                         overlap=overlap, batch_tokens=batch_tokens, sample_of=sample_of,
                         invalid=invalid, invalid_count=invalid_count)

    if engine == "ray":
        from ..distributed import ray_data

        started = ray_data.start(address)
        if on_engine is not None:
            on_engine(started)
        return ray_data.profile(
            data, model=os.fspath(model) if model is not None else None, limits=limits,
            tokenizer=tokenizer, column=column, pair_column=pair_column,
            input_format=input_format, batch_size=batch_size, sample=sample, seed=seed,
            blocks=blocks, summarize_with=finish)
    stats = LengthStats(batch_size=batch_size)
    reservoir = Reservoir(sample, seed=seed) if sample else None
    invalid: list[tuple[int, str]] = []
    invalid_count = rows = tokens = bytes_read = 0
    for batch in _prefetch(batches):
        invalid_count += len(batch.invalid)
        if len(invalid) < MAX_INVALID_LISTED:
            invalid.extend(batch.invalid[:MAX_INVALID_LISTED - len(invalid)])
        bytes_read += batch.bytes_read
        rows += len(batch.texts)
        if reservoir is not None:
            for i, text in enumerate(batch.texts):
                reservoir.offer((text, batch.pairs[i] if batch.pairs is not None else None))
        elif batch.texts:
            # the very first rows are counted on their own, so progress shows at once
            cut = FIRST_ROWS if rows == len(batch.texts) and on_progress is not None else 0
            for start, end in ((0, cut), (cut, len(batch.texts))) if cut else ((0, None),):
                lengths = token_lengths(tokenizer, batch.texts[start:end],
                                        batch.pairs[start:end] if batch.pairs else None)
                stats.add(lengths)
                tokens += int(lengths.sum())
                if cut and start == 0 and on_progress is not None:
                    on_progress(bytes_read, end or rows, tokens)
        if on_progress is not None:
            on_progress(bytes_read, rows, tokens)
    if rows == 0:
        shown = "; ".join(f"line {line}: {why}" for line, why in invalid[:3])
        raise DataError(
            f"{_source_name(data)} has no usable rows: all {invalid_count:,} were bad"
            + (f" ({shown}{'; ...' if invalid_count > 3 else ''})." if shown else "."),
            fix="check the --column and --input-format, or the file itself")
    if reservoir is not None:
        items = reservoir.items()
        for start in range(0, len(items), READ_BATCH):
            chunk = items[start:start + READ_BATCH]
            pairs = [p for _, p in chunk] if pair_column else None
            stats.add(token_lengths(tokenizer, [t for t, _ in chunk], pairs))
    result = finish(stats, invalid, invalid_count,
                    reservoir.seen if reservoir is not None else None)
    return replace(result, model=limits.name or limits.model_type, source=_source_name(data))


def _source_name(data: Any) -> str:
    return data if isinstance(data, str) else str(getattr(data, "name", "the input"))
