"""Windows back into documents: how the outputs of a document's windows become one result.

numpy only, no model: every function takes the outputs of one document's windows, in window
order, and returns the document's result.

- embeddings (:func:`aggregate_vectors`): ``"weighted-mean"`` (each window weighs its token
  count, so windows of mean-pooled vectors average like the tokens they hold), ``"mean"``,
  ``"max"`` (per dimension) or ``"first"``;
- classification (:func:`aggregate_logits`): ``"mean"`` of the logits, their ``"max"``, or
  ``"vote"`` (each window votes for its top label; ties go to the higher mean logit);
- token classification (:func:`best_window_tokens`): each token takes its prediction from the
  window where it lies farthest from an edge (ties: the earlier window), so every token is seen
  with as much context on both sides as the windows give.

>>> import numpy as np
>>> aggregate_vectors(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([3, 1]), "weighted-mean")
array([0.75, 0.25])
>>> aggregate_logits(np.array([[2.0, 0.0], [0.0, 1.0], [0.0, 3.0]]), "vote")
(array([0.33333333, 0.66666667]), 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np

VectorAggregate = Literal["weighted-mean", "mean", "max", "first"]
LogitAggregate = Literal["mean", "max", "vote"]
VECTOR_AGGREGATES: tuple[str, ...] = get_args(VectorAggregate)
LOGIT_AGGREGATES: tuple[str, ...] = get_args(LogitAggregate)


def aggregate_vectors(vectors: np.ndarray, weights: np.ndarray, how: str) -> np.ndarray:
    """One vector from a document's window vectors ``(n_windows, dim)``; ``weights`` are the
    windows' token counts (read by ``"weighted-mean"`` only)."""
    if len(vectors) == 1 or how == "first":
        return vectors[0]
    if how == "weighted-mean":
        w = np.asarray(weights, dtype=np.float64)
        return (vectors.astype(np.float64) * w[:, None]).sum(0) / w.sum()
    if how == "mean":
        return vectors.astype(np.float64).mean(0)
    if how == "max":
        return vectors.max(0)
    raise ValueError(f"unknown aggregate {how!r}")  # options are checked at the entry point


def aggregate_logits(logits: np.ndarray, how: str) -> tuple[np.ndarray, int]:
    """One document's logits from its windows' ``(n_windows, labels)``, and its label index.

    ``"mean"`` and ``"max"`` return logits (the label is their argmax); ``"vote"`` returns each
    label's share of the windows' votes (a single-logit model votes on the logit's sign), and
    a tie goes to the tied label with the higher mean logit.
    """
    if how == "vote":
        if logits.shape[1] == 1:
            share = float((logits[:, 0] > 0).mean())
            return np.array([share]), 0
        votes = np.bincount(logits.argmax(1), minlength=logits.shape[1]).astype(np.float64)
        top = np.flatnonzero(votes == votes.max())
        label = int(top[np.argmax(logits.mean(0)[top])])
        return votes / votes.sum(), label
    if how == "mean":
        out = logits[0] if len(logits) == 1 else logits.astype(np.float64).mean(0)
    elif how == "max":
        out = logits.max(0)
    else:
        raise ValueError(f"unknown aggregate {how!r}")  # options are checked at the entry point
    return out, int(np.argmax(out))


def edge_distance(n: int) -> np.ndarray:
    """How far each of ``n`` positions lies from the nearer edge: ``[0, 1, ..., 1, 0]``.

    >>> edge_distance(5).tolist()
    [0, 1, 2, 1, 0]
    """
    positions = np.arange(n)
    return np.minimum(positions, n - 1 - positions)


def best_window_tokens(n_tokens: int, token_indices: Sequence[np.ndarray],
                       outputs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-token outputs of a document from its windows.

    ``token_indices[w]`` lists, in order, which of the document's ``n_tokens`` content tokens
    window ``w`` holds (one contiguous run for sliding windows), and ``outputs[w]`` the window's
    outputs for them ``(len, labels)``. Returns ``(outputs, window)``: for every token the
    outputs of the window where it lies farthest from an edge (ties: the earlier window), and
    that window's index (-1 for tokens no window holds, whose outputs are 0).
    """
    width = outputs[0].shape[1] if len(outputs) else 0
    best = np.full(n_tokens, -1, dtype=np.int64)
    chosen = np.full(n_tokens, -1, dtype=np.int64)
    result = np.zeros((n_tokens, width), dtype=np.float32)
    for w, (indices, values) in enumerate(zip(token_indices, outputs, strict=True)):
        indices = np.asarray(indices, dtype=np.int64)
        distance = edge_distance(len(indices))
        better = distance > best[indices]
        take = indices[better]
        best[take] = distance[better]
        chosen[take] = w
        result[take] = values[better]
    return result, chosen


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(-1, keepdims=True))
    return shifted / shifted.sum(-1, keepdims=True)


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logits))


def scores_from(logits: np.ndarray, function: str) -> np.ndarray:
    """Scores from logits as transformers' text-classification pipeline computes them."""
    if function == "softmax":
        return softmax(logits)
    if function == "sigmoid":
        return sigmoid(logits)
    return np.asarray(logits)


def plain(value: Any) -> Any:
    """numpy scalars as Python numbers, for JSON."""
    return value.item() if isinstance(value, np.generic) else value
