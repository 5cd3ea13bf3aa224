"""``seqfit.classify``: a label and scores per document, whatever its length.

Each window is classified; a document's logits are the mean of its windows' (the default), their
maximum, or the windows vote. Scores follow transformers' text-classification pipeline (sigmoid
for one label or multi-label models, softmax otherwise, nothing for regression); a cross-encoder
folder's own activation function wins, as sentence-transformers' ``CrossEncoder.predict`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import check_choice
from ..errors import InputError
from ..fitting import Fitted
from ..plan import Strategy
from .aggregation import LOGIT_AGGREGATES, LogitAggregate, aggregate_logits, scores_from
from .engine import (
    CHUNK_SIZE,
    DocumentMeta,
    Engine,
    OnBad,
    TaskName,
    check_on_bad,
    check_texts,
    chunked,
    raise_first_bad,
    shift,
)

#: sentence-transformers cross-encoder activations, by the name their config saves.
ACTIVATIONS = {"Sigmoid": "sigmoid", "Identity": "none", "Softmax": "softmax"}


@dataclass(frozen=True)
class Classification:
    """One document's class: ``label`` (its name), ``label_id``, ``scores`` per label (vote
    shares for ``aggregate="vote"``) and the aggregated ``logits``."""

    label: str
    label_id: int
    scores: np.ndarray
    logits: np.ndarray


@dataclass(frozen=True)
class Classifications:
    """The result of :func:`classify`, in input order: ``labels[i]`` (None where
    ``documents[i].error`` says why document ``i`` could not run), ``scores[i]`` over
    ``label_names`` and ``logits[i]`` (NaN rows for such documents)."""

    labels: list[str | None]
    label_ids: np.ndarray
    scores: np.ndarray
    logits: np.ndarray
    label_names: list[str]
    documents: list[DocumentMeta]
    model: str
    max_length: int
    strategy: str
    aggregate: str
    function: str

    def __len__(self) -> int:
        return len(self.documents)

    def to_dict(self) -> dict[str, Any]:
        """Per document: label, score of that label, scores by label name, meta."""
        rows = []
        for i, meta in enumerate(self.documents):
            rows.append({**meta.to_dict(), **score_record(self.labels[i], self.scores[i],
                                                          self.label_names)})
        return {"model": self.model, "max_length": self.max_length, "strategy": self.strategy,
                "aggregate": self.aggregate, "function": self.function,
                "label_names": self.label_names, "documents": rows}


def score_record(label: str | None, scores: np.ndarray, names: list[str]) -> dict[str, Any]:
    """``label``, its ``score`` and ``scores`` by label name (None where there is no label)."""
    if label is None:
        return {"label": None, "score": None, "scores": None}
    return {"label": label, "score": float(scores[names.index(label)]) if len(scores) > 1
            else float(scores[0]),
            "scores": {name: float(s) for name, s in zip(names, scores, strict=True)}}


class ClassifyTask:
    """The classification head: logits per window, aggregated per document."""

    name: TaskName = "classify"

    def __init__(self, aggregate: str) -> None:
        self.aggregate = aggregate
        self.label_names: list[str] = []
        self.function = "softmax"

    def configure(self, engine: Engine) -> None:
        config = engine.model.config
        n = int(getattr(config, "num_labels", 0) or len(getattr(config, "id2label", {}) or {}))
        id2label = getattr(config, "id2label", None) or {}
        self.label_names = [str(id2label.get(i, f"LABEL_{i}")) for i in range(n)]
        self.function = score_function(config, engine.limits.sentence)

    def module(self, model: Any) -> Any:
        return model

    def window_outputs(self, output: Any, inputs: dict[str, Any], fitted: Fitted,
                       window_ids: list[int]) -> list[Any]:
        logits = output.logits if hasattr(output, "logits") else output[0]
        return list(logits.float().cpu().numpy())

    def document(self, fitted: Fitted, doc: int, outputs: list[Any], text: str) -> Any:
        logits = np.stack(outputs)
        values, label = aggregate_logits(logits, self.aggregate)
        if self.aggregate == "vote":
            return Classification(self.label_names[label], label, values, logits.mean(0))
        return Classification(self.label_names[label], label,
                              scores_from(values, self.function), values)

    def empty(self) -> Any:
        return None


def score_function(config: Any, sentence: Any) -> str:
    """How scores come from logits: the cross-encoder's activation, else the pipeline's rule."""
    activation = getattr(sentence, "activation", None)
    if isinstance(activation, str):
        name = ACTIVATIONS.get(activation.rsplit(".", 1)[-1])
        if name is not None:
            return name
    problem = getattr(config, "problem_type", None)
    n = int(getattr(config, "num_labels", 0) or 0)
    if problem == "regression":
        return "none"
    if problem == "multi_label_classification" or n == 1:
        return "sigmoid"
    return "softmax"


def classify(
    texts: Iterable[Any],
    *,
    model: Any,
    tokenizer: Any = None,
    text_pairs: Iterable[Any] | None = None,
    strategy: Strategy = "window",
    max_length: int | None = None,
    overlap: int | None = None,
    aggregate: LogitAggregate = "mean",
    batch_tokens: int | None = None,
    device: Any = None,
    dtype: Any = None,
    on_bad: OnBad = "raise",
) -> Classifications:
    """Classify every text (or text pair, for cross-encoders and NLI models), whatever its
    length: a label and scores per document, in input order.

    ``model`` must have a sequence-classification head (a hub name, a folder, or a loaded
    ``...ForSequenceClassification``). Long texts are classified in windows (for pairs, the
    first text repeats in every window and the second slides) whose logits are combined by
    ``aggregate``: ``"mean"`` (the default), ``"max"`` or ``"vote"``. The other options are
    :func:`seqfit.embed`'s.
    """
    texts = check_texts(texts, "classify")
    pairs = list(text_pairs) if text_pairs is not None else None
    if pairs is not None and len(pairs) != len(texts):
        raise InputError(f"{len(texts)} texts but {len(pairs)} text_pairs; each text needs its "
                         "pair.", fix="pass lists of the same length")
    check_choice("aggregate", aggregate, LOGIT_AGGREGATES, default="mean")
    check_on_bad(on_bad, "classify")
    if on_bad == "raise":
        raise_first_bad(texts, "classify")
        if pairs is not None:
            raise_first_bad(pairs, "classify")
    task = ClassifyTask(aggregate)
    engine = Engine(task, model=model, tokenizer=tokenizer, strategy=strategy,
                    max_length=max_length, overlap=overlap, batch_tokens=batch_tokens,
                    device=device, dtype=dtype, pairs=pairs is not None)
    task.configure(engine)
    rows = range(len(texts))
    chunks = ((([texts[i] for i in c]), [pairs[i] for i in c] if pairs is not None else None)
              for c in chunked(rows, CHUNK_SIZE))
    documents: list[DocumentMeta] = []
    results: list[Classification | None] = []
    for chunk in engine.run(chunks):
        if on_bad == "raise":
            raise_first_bad(chunk.documents, "classify", offset=len(documents))
        documents += [shift(d, len(documents)) for d in chunk.documents]
        results += chunk.results
    return collect(results, documents, task, engine, strategy, aggregate)


def collect(results: list[Classification | None], documents: list[DocumentMeta],
            task: ClassifyTask, engine: Engine, strategy: str, aggregate: str
            ) -> Classifications:
    k = len(task.label_names)
    scores = np.full((len(results), k), np.nan, dtype=np.float32)
    logits = np.full((len(results), k), np.nan, dtype=np.float32)
    ids = np.full(len(results), -1, dtype=np.int64)
    for i, result in enumerate(results):
        if result is not None:
            scores[i], logits[i], ids[i] = result.scores, result.logits, result.label_id
    labels = [r.label if r is not None else None for r in results]
    return Classifications(labels, ids, scores, logits, task.label_names, documents,
                           engine.name, engine.max_length, strategy, aggregate, task.function)
