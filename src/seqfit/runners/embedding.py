"""``seqfit.embed``: one vector per document, whatever its length.

Pooling follows the model: a sentence-transformers folder pools as its ``1_Pooling`` config says
and normalizes where its stack has a Normalize module (:mod:`seqfit.model.sentence`); any other
model is mean-pooled over the attention mask. A document longer than a window is embedded
window by window and the window vectors aggregated before normalizing (by default each window
weighs its token count, so mean-pooled windows average like the tokens they hold).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import check_choice
from ..fitting import Fitted
from ..plan import Strategy
from .aggregation import VECTOR_AGGREGATES, VectorAggregate, aggregate_vectors
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
    torch_or_raise,
)

POOLING_MODES = ("cls", "max", "mean", "mean_sqrt_len_tokens", "weightedmean", "lasttoken")


@dataclass(frozen=True)
class Embeddings:
    """The result of :func:`embed`: ``vectors[i]`` embeds ``texts[i]`` (NaN where
    ``documents[i].error`` says why it could not), in input order.

    ``documents[i]`` tells how document ``i`` was run: ``n_tokens``, ``n_windows``,
    ``truncated``, ``tokens_dropped``. ``pooling`` and ``normalized`` say how window vectors
    were made, ``aggregate`` how they were combined, ``max_length`` the window size.
    """

    vectors: np.ndarray
    documents: list[DocumentMeta]
    model: str
    max_length: int
    strategy: str
    aggregate: str
    pooling: tuple[str, ...]
    normalized: bool

    def __len__(self) -> int:
        return len(self.documents)

    def to_dict(self) -> dict[str, Any]:
        """Vectors as lists (None for documents that could not run), meta and settings."""
        return {
            "model": self.model, "max_length": self.max_length, "strategy": self.strategy,
            "aggregate": self.aggregate, "pooling": list(self.pooling),
            "normalized": self.normalized,
            "vectors": [None if d.error else v.tolist()
                        for d, v in zip(self.documents, self.vectors, strict=True)],
            "documents": [d.to_dict() for d in self.documents],
        }


class EmbedTask:
    """The embedding head: pooled window vectors, aggregated per document."""

    name: TaskName = "embed"

    def __init__(self, aggregate: str) -> None:
        self.aggregate = aggregate
        self.pooling: tuple[str, ...] = ("mean",)
        self.normalize = False
        self.dim = 0

    def configure(self, engine: Engine) -> None:
        """Pooling and normalizing from the model's sentence-transformers stack, if any."""
        sentence = engine.limits.sentence
        if sentence is not None and sentence.kind == "sentence-transformers" and \
                sentence.pooling:
            self.pooling = tuple(m for m in sentence.pooling if m in POOLING_MODES) or ("mean",)
            self.normalize = sentence.normalize
        hidden = getattr(getattr(engine.module, "config", None), "hidden_size", None)
        self.dim = int(hidden) * len(self.pooling) if isinstance(hidden, int) else 0

    def module(self, model: Any) -> Any:
        """The part of the model whose hidden states are embedded: the encoder of an
        encoder-decoder, the base model under a task head."""
        if getattr(model.config, "is_encoder_decoder", False) and hasattr(model, "get_encoder"):
            return model.get_encoder()
        base = getattr(model, "base_model", None)
        return base if base is not None and callable(base) else model

    def window_outputs(self, output: Any, inputs: dict[str, Any], fitted: Fitted,
                       window_ids: list[int]) -> list[Any]:
        hidden = output.last_hidden_state if hasattr(output, "last_hidden_state") else output[0]
        pooled = pool(hidden, inputs["attention_mask"], self.pooling)
        return list(pooled.float().cpu().numpy())

    def document(self, fitted: Fitted, doc: int, outputs: list[Any], text: str) -> Any:
        meta = fitted.documents[doc]
        weights = np.array([len(fitted.windows[w]) for w in
                            range(meta.first_window, meta.first_window + meta.n_windows)])
        vector = aggregate_vectors(np.stack(outputs), weights, self.aggregate)
        if self.normalize:
            vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
        return np.asarray(vector, dtype=np.float32)

    def empty(self) -> Any:
        return None


def pool(hidden: Any, mask: Any, modes: tuple[str, ...]) -> Any:
    """Pool ``hidden`` ``(batch, length, dim)`` over ``mask`` as sentence-transformers'
    Pooling module does, one block per mode, concatenated."""
    torch = torch_or_raise("seqfit embed")
    blocks = []
    expanded = mask.unsqueeze(-1).to(hidden.dtype)
    rows = torch.arange(hidden.shape[0], device=hidden.device)
    accumulate = torch.float32 if hidden.dtype in (torch.float16, torch.bfloat16) else hidden.dtype
    for mode in modes:
        if mode == "cls":
            blocks.append(hidden[rows, mask.to(torch.int).argmax(1)])
        elif mode == "max":
            blocks.append(hidden.masked_fill(expanded == 0, float("-inf")).max(1).values)
        elif mode in ("mean", "mean_sqrt_len_tokens"):
            total = (hidden * expanded).sum(1, dtype=accumulate)
            count = expanded.sum(1, dtype=accumulate).clamp(min=1e-9)
            blocks.append(total / (count if mode == "mean" else count.sqrt()))
        elif mode == "weightedmean":
            weights = torch.arange(1, hidden.shape[1] + 1, device=hidden.device,
                                   dtype=accumulate).view(1, -1, 1)
            weights = weights - mask.to(torch.int32).argmax(1).view(-1, 1, 1)
            weighted = expanded.to(accumulate) * weights
            blocks.append((hidden * weighted).sum(1) / weighted.sum(1).clamp(min=1e-9))
        elif mode == "lasttoken":
            width = hidden.shape[1]
            values, last = mask.flip(1).max(1)
            last = torch.where(values == 0, 0, last)
            blocks.append(hidden[rows, width - 1 - last])
    return torch.cat(blocks, dim=-1)


def embed(
    texts: Iterable[Any],
    *,
    model: Any,
    tokenizer: Any = None,
    strategy: Strategy = "window",
    max_length: int | None = None,
    overlap: int | None = None,
    aggregate: VectorAggregate = "weighted-mean",
    batch_tokens: int | None = None,
    device: Any = None,
    dtype: Any = None,
    on_bad: OnBad = "raise",
) -> Embeddings:
    """Embed every text, whatever its length: one vector per text, in input order.

    ``model`` is a hub name, a folder or a loaded transformers model (its tokenizer is found
    with it unless ``tokenizer`` is given). Texts longer than ``max_length`` (default: the
    length :func:`seqfit.inspect` says runs use, sentence-transformers' ``max_seq_length``
    where the folder sets one) are embedded in windows (``strategy="window"``, sharing
    ``overlap`` tokens) whose vectors are combined by ``aggregate``: ``"weighted-mean"`` (by
    token count, the default), ``"mean"``, ``"max"`` or ``"first"``; ``"head"``, ``"tail"``,
    ``"head+tail"`` truncate instead (and count what they drop), ``"error"`` refuses.

    ``batch_tokens`` bounds padded tokens per forward pass; ``device`` defaults to CUDA where
    there is one; ``dtype`` may be ``"bf16"`` or ``"fp16"``. ``on_bad="skip"`` keeps going past
    texts that cannot be embedded (not strings, too long for ``"error"``): their vector is NaN
    and their ``documents[i].error`` says why.
    """
    texts = check_texts(texts, "embed")
    check_choice("aggregate", aggregate, VECTOR_AGGREGATES, default="weighted-mean")
    check_on_bad(on_bad, "embed")
    if on_bad == "raise":
        raise_first_bad(texts, "embed")
    task = EmbedTask(aggregate)
    engine = Engine(task, model=model, tokenizer=tokenizer, strategy=strategy,
                    max_length=max_length, overlap=overlap, batch_tokens=batch_tokens,
                    device=device, dtype=dtype)
    task.configure(engine)
    documents: list[DocumentMeta] = []
    vectors: list[Any] = []
    start = 0
    for chunk in engine.run((c, None) for c in chunked(texts, CHUNK_SIZE)):
        if on_bad == "raise":
            raise_first_bad(chunk.documents, "embed", offset=start)
        documents += [shift(d, start) for d in chunk.documents]
        vectors += chunk.results
        start += len(chunk.documents)
    dim = next((len(v) for v in vectors if v is not None), task.dim)
    array = np.full((len(vectors), dim), np.nan, dtype=np.float32)
    for i, vector in enumerate(vectors):
        if vector is not None:
            array[i] = vector
    return Embeddings(array, documents, engine.name, engine.max_length, strategy, aggregate,
                      task.pooling, task.normalize)
