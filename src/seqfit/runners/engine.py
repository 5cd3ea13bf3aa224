"""The loop every runner shares: load the model once, then for each chunk of documents fit them
into windows (:func:`seqfit.fit`), batch the windows by token budget and length
(:func:`seqfit.batches`), run the model, and hand each document's window outputs to the task.

Fitting the next chunk (tokenizing, planning, padding) runs in a background thread while the
model runs the current one: the Rust tokenizer and torch both release the GIL. Chunks keep
memory bounded however many documents come; results come back in input order, one per document,
with the documents that could not be run carrying their error.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal, Protocol, cast, get_args

from .._checks import check_choice, check_whole
from ..errors import (
    InputError,
    MissingDependencyError,
    OptionError,
    SeqfitError,
    TooLongError,
)
from ..fitting import Fitted, fit
from ..model.sentence import run_length
from ..plan import SINGLE_STRATEGIES, Strategy, default_batch_tokens
from .loading import TaskName as TaskName
from .loading import load_for

OnBad = Literal["raise", "skip"]
DTYPES = {"float32": "float32", "fp32": "float32", "bfloat16": "bfloat16", "bf16": "bfloat16",
          "float16": "float16", "fp16": "float16"}
#: Documents fitted and run together: bounds memory; batches are length-ordered within a chunk.
CHUNK_SIZE = 1024


@dataclass(frozen=True)
class DocumentMeta:
    """How one document was run: its tokens, its windows, and what (if anything) was lost.

    ``error`` is None for a document that ran; otherwise why it could not (not a string, blank,
    too long for ``strategy="error"``), and its result is empty.
    """

    row: int
    n_tokens: int
    n_windows: int
    truncated: bool
    tokens_dropped: int
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChunkResult:
    """The results of one chunk, in input order, and its counts for progress."""

    documents: list[DocumentMeta]
    results: list[Any]
    tokens: int
    windows: int


class Task(Protocol):
    """What a runner adds to the engine: which module to call, what to keep of each window,
    and how a document's windows become its result."""

    name: TaskName

    def module(self, model: Any) -> Any: ...

    def window_outputs(self, output: Any, inputs: dict[str, Any], fitted: Fitted,
                       window_ids: list[int]) -> list[Any]: ...

    def document(self, fitted: Fitted, doc: int, outputs: list[Any], text: str) -> Any: ...

    def empty(self) -> Any: ...


def torch_or_raise(feature: str) -> Any:
    try:
        import torch
    except ImportError:
        raise MissingDependencyError(feature, "torch", "torch") from None
    return torch


def check_device(device: Any, command: str) -> Any:
    """``device`` as a ``torch.device``: None picks CUDA where there is one, else the CPU."""
    torch = torch_or_raise(f"seqfit {command}")
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        chosen = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise OptionError(f"device={device!r} is not a device torch knows.", option="device",
                          value=device, fix='device="cpu" (or "cuda", "cuda:1", "mps")') from None
    if chosen.type == "cuda" and not torch.cuda.is_available():
        raise OptionError(f"device={device!r} but this machine has no CUDA GPU that torch can "
                          "use.", option="device", value=device, fix='device="cpu"')
    if chosen.type == "mps" and not torch.backends.mps.is_available():
        raise OptionError(f"device={device!r} but MPS is not available here.", option="device",
                          value=device, fix='device="cpu"')
    return chosen


def check_dtype(dtype: Any, command: str) -> Any:
    """``dtype`` as a torch dtype (None: float32, the checkpoints' own precision)."""
    torch = torch_or_raise(f"seqfit {command}")
    if dtype is None:
        return None
    if isinstance(dtype, torch.dtype):
        if not dtype.is_floating_point:
            raise OptionError(f"dtype={dtype} is not a floating-point type.", option="dtype",
                              value=str(dtype), fix='dtype="bf16"')
        return dtype
    check_choice("dtype", dtype, tuple(DTYPES), default="bf16")
    return getattr(torch, DTYPES[dtype])


def check_strategy(strategy: Any, pairs: bool) -> None:
    from ..plan import PAIR_STRATEGIES

    check_choice("strategy", strategy, PAIR_STRATEGIES if pairs else SINGLE_STRATEGIES,
                 default="window")


class Engine:
    """A model loaded for one task, and the options it runs with; :meth:`run` does the work.

    Options are checked, and the model's limits and head are read from its files, before any
    weights load; ``weights=False`` stops there (a driver checking what its workers will run).
    """

    def __init__(self, task: Task, *, model: Any, tokenizer: Any = None,
                 strategy: str = "window", max_length: int | None = None,
                 overlap: int | None = None, batch_tokens: int | None = None,
                 device: Any = None, dtype: Any = None, pairs: bool = False,
                 weights: bool = True) -> None:
        command = task.name
        check_strategy(strategy, pairs)
        max_length = check_whole("max_length", max_length, optional=True, example=256)
        overlap = check_whole("overlap", overlap, minimum=0, optional=True, example=64)
        batch_tokens = check_whole("batch_tokens", batch_tokens, optional=True, example=16384)
        self.device = check_device(device, command)
        self.dtype = check_dtype(dtype, command)
        self.task = task
        self.strategy = strategy
        self.overlap = overlap
        self.pairs = pairs
        self.name, self.limits, self.tokenizer, load_weights = load_for(
            task.name, model, tokenizer, self.device, self.dtype)
        wanted = max_length if max_length is not None else run_length(
            self.limits.sentence, self.limits.effective_max_tokens, self.limits.max_tokens)
        # every option fit checks (max_length against the model, overlap against the room a
        # window has) is checked now, on no documents, before any work
        probe = fit([], model=self.limits, tokenizer=self.tokenizer,
                    strategy=cast(Strategy, strategy), max_length=wanted, overlap=overlap,
                    text_pairs=[] if pairs else None)
        self.max_length: int = probe.max_length
        if batch_tokens is not None and batch_tokens < self.max_length:
            raise OptionError(
                f"batch_tokens={batch_tokens} is below max_length={self.max_length}: a full "
                "window would not fit in any batch.", option="batch_tokens", value=batch_tokens,
                fix=f"batch_tokens={default_batch_tokens(self.max_length)}")
        self.batch_tokens = batch_tokens or _default_budget(self.device, self.max_length)
        self.batch_cost = CPU_BATCH_COST if self.device.type == "cpu" else None
        self.model: Any = None
        self.module: Any = None
        if weights:  # every check has passed: now the weights (``weights=False``: checks only)
            self.model = load_weights()
            self.module = task.module(self.model)

    def run(self, chunks: Iterable[tuple[Sequence[Any], Sequence[Any] | None]],
            on_chunk: Callable[[ChunkResult], None] | None = None
            ) -> Generator[ChunkResult, None, None]:
        """Results for each ``(texts, pairs)`` chunk, in order; the next chunk is fitted while
        this one runs."""
        ahead = _prefetch(self._prepare(c) for c in chunks)
        try:
            for texts, fitted, bad, padded in ahead:
                result = self._finish(texts, fitted, bad, padded)
                if on_chunk is not None:
                    on_chunk(result)
                yield result
        finally:
            ahead.close()  # stops the thread fitting ahead, even on Ctrl-C

    def _prepare(self, chunk: tuple[Sequence[Any], Sequence[Any] | None]) -> tuple[Any, ...]:
        """Fit a chunk and pad its batches (the part that runs ahead, in the background)."""
        from ..batching import batches

        texts, pairs = list(chunk[0]), (list(chunk[1]) if chunk[1] is not None else None)
        fitted, keep, bad = self._fit(texts, pairs)
        padded = list(batches(fitted, batch_tokens=self.batch_tokens,
                              batch_cost=self.batch_cost)) if fitted.windows else []
        return texts, (fitted, keep), bad, padded

    def _fit(self, texts: list[Any], pairs: list[Any] | None
             ) -> tuple[Fitted, list[int], dict[int, str]]:
        """Fit ``texts``; rows fit refuses (``strategy="error"``, a pair with no room) are
        recorded and left out, and the rest fitted again."""
        keep = list(range(len(texts)))
        bad: dict[int, str] = {}
        while True:
            try:
                fitted = fit([texts[i] for i in keep], model=self.limits,
                             tokenizer=self.tokenizer, strategy=cast(Strategy, self.strategy),
                             max_length=self.max_length, overlap=self.overlap,
                             text_pairs=[pairs[i] for i in keep] if pairs is not None else None,
                             on_bad="skip")
                break
            except SeqfitError as exc:
                row = getattr(exc, "row", None)
                if row is None:
                    raise
                bad[keep[row]] = _row_error(exc)
                keep.pop(row)
        for skipped in fitted.skipped:
            bad[keep[skipped.row]] = skipped.reason
        return fitted, keep, bad

    def _finish(self, texts: list[Any], fitted_keep: tuple[Fitted, list[int]],
                bad: dict[int, str], padded: list[Any]) -> ChunkResult:
        fitted, keep = fitted_keep
        torch = torch_or_raise(f"seqfit {self.task.name}")
        outputs: list[Any] = [None] * len(fitted.windows)
        with torch.inference_mode():
            for batch in padded:
                inputs = {k: v.to(self.device) for k, v in batch.inputs.items()}
                output = self.module(**inputs)
                values = self.task.window_outputs(output, inputs, fitted, batch.window_ids)
                for window, value in zip(batch.window_ids, values, strict=True):
                    outputs[window] = value
        documents: list[DocumentMeta] = [None] * len(texts)  # type: ignore[list-item]
        results: list[Any] = [None] * len(texts)
        for doc, fit_doc in enumerate(fitted.documents):
            row = keep[fit_doc.row]
            first = fit_doc.first_window
            window_outputs = outputs[first:first + fit_doc.n_windows]
            documents[row] = DocumentMeta(row, fit_doc.n_tokens, fit_doc.n_windows,
                                          fit_doc.truncated, fit_doc.tokens_dropped)
            results[row] = self.task.document(fitted, doc, window_outputs, texts[row])
        for row, reason in bad.items():
            documents[row] = DocumentMeta(row, 0, 0, False, 0, reason)
            results[row] = self.task.empty()
        tokens = sum(d.n_tokens for d in fitted.documents)
        return ChunkResult(documents, results, tokens, len(fitted.windows))


#: How long an interrupted run waits for the chunk being fitted in the background.
JOIN_SECONDS = 30.0
#: Padded tokens per batch on a CPU: big batches buy a CPU nothing, and smaller ones pad less.
CPU_BATCH_TOKENS = 4096
#: What one more forward pass costs a CPU, in padded tokens' worth of time: a CPU's time per token
#: barely changes with the batch's size, so batches are cut where padding plus passes cost least
#: (on an accelerator, where big batches are what make it fast, they are filled instead).
CPU_BATCH_COST = 64


def _default_budget(device: Any, max_length: int) -> int:
    """``batch_tokens`` when none is given: 16,384 on an accelerator (seqfit.batches' default),
    4,096 on a CPU; always at least one full window."""
    if getattr(device, "type", "cpu") == "cpu":
        return max(CPU_BATCH_TOKENS, max_length)
    return default_batch_tokens(max_length)


def check_texts(texts: Iterable[Any], command: str) -> list[Any]:
    """``texts`` as a list; a lone string is refused (it would read as one-character texts)."""
    if isinstance(texts, (str, bytes)):
        raise InputError(
            f"texts is a single {type(texts).__name__} ({len(texts)} characters); seqfit.{command} "
            "takes a list of texts and would read this one as that many one-character texts.",
            fix=f"seqfit.{command}([text], ...)")
    return list(texts)


def check_on_bad(on_bad: Any, command: str) -> None:
    check_choice("on_bad", on_bad, get_args(OnBad), default="skip")


def raise_first_bad(items: Sequence[Any], command: str, offset: int = 0) -> None:
    """With ``on_bad="raise"``: the first text that is not a string, or the first document that
    could not run, as an :class:`~seqfit.errors.InputError`."""
    for i, item in enumerate(items):
        if isinstance(item, DocumentMeta):
            reason = item.error
        else:
            reason = None if isinstance(item, str) else _describe(item)
        if reason is not None:
            row = i + offset
            raise InputError(
                f"row {row}: {reason}.", row=row,
                fix=f"clean the data, or seqfit.{command}(..., on_bad='skip') to keep going (the "
                    "row's result is then empty and its documents[row].error says why)")


def _describe(value: Any) -> str:
    if value is None:
        return "the text is None, not a string"
    return f"the text is a {type(value).__name__}, not a string"


def shift(meta: DocumentMeta, offset: int) -> DocumentMeta:
    """``meta`` of a chunk, renumbered to its row in the whole input."""
    return replace(meta, row=meta.row + offset) if offset else meta


def _row_error(exc: SeqfitError) -> str:
    if isinstance(exc, TooLongError):
        return (f"the text has {exc.length} tokens but max_length is {exc.limit} and "
                "strategy='error' cuts nothing")
    return exc.message


def _prefetch(items: Iterator[Any], depth: int = 2) -> Generator[Any, None, None]:
    """Iterate ``items`` in a background thread, ``depth`` items ahead; an error in the thread
    is raised here. Closing this generator (or an interruption) stops the thread and waits for
    it, so the process never exits while it is inside native code."""
    box: queue.Queue[Any] = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            while not stop.is_set():
                try:
                    item = next(items)
                except StopIteration:
                    break
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put(exc)
            return
        put(done)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    try:
        while True:
            item = box.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        # the thread finishes the chunk it is fitting (exiting while it is inside the Rust
        # tokenizer would abort the process); one blocked reading stdin is left behind
        thread.join(timeout=JOIN_SECONDS)


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size``."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
