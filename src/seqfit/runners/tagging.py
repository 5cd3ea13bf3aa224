"""``seqfit.tag``: entity spans with character offsets into each original text, whatever its
length.

Every content token takes its prediction from the window where it lies farthest from an edge
(:func:`~seqfit.runners.aggregation.best_window_tokens`), so the document is tagged as one
token sequence and a span that crosses a window boundary comes out whole. Tokens are then grouped
into spans exactly as transformers' token-classification pipeline groups them, with the same
``aggregation`` strategies (``"simple"``, ``"first"``, ``"average"``, ``"max"``, or ``"none"``
for one entry per token), and labels in ``ignore_labels`` (``"O"``) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

import numpy as np

from .._checks import check_choice
from ..errors import SeqfitError
from ..fitting import Fitted
from ..plan import default_overlap, plan_single, select
from .aggregation import best_window_tokens, softmax
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

Aggregation = Literal["simple", "first", "average", "max", "none"]
AGGREGATIONS: tuple[str, ...] = get_args(Aggregation)


@dataclass(frozen=True)
class Entity:
    """A span of the original text: ``text[start:end]`` is ``text``; ``label`` is the entity
    group (the token's own label with ``aggregation="none"``), ``score`` its mean score."""

    label: str
    score: float
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Tags:
    """The result of :func:`tag`: ``entities[i]`` are the spans of ``texts[i]`` in order of
    position (empty where ``documents[i].error`` says why document ``i`` could not run)."""

    entities: list[list[Entity]]
    documents: list[DocumentMeta]
    model: str
    max_length: int
    strategy: str
    aggregation: str

    def __len__(self) -> int:
        return len(self.documents)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "max_length": self.max_length, "strategy": self.strategy,
                "aggregation": self.aggregation,
                "documents": [{**d.to_dict(), "entities": [e.to_dict() for e in ents]}
                              for d, ents in zip(self.documents, self.entities, strict=True)]}


@dataclass(frozen=True)
class _Token:
    token: str
    scores: np.ndarray
    start: int
    end: int
    is_subword: bool


class TagTask:
    """The token-classification head: token logits per window, merged per document."""

    name: TaskName = "tag"

    def __init__(self, aggregation: str, ignore_labels: tuple[str, ...]) -> None:
        self.aggregation = aggregation
        self.ignore = set(ignore_labels)
        self.id2label: dict[int, str] = {}
        self.tokenizer: Any = None
        self.word_aware = False
        self.unk_id: int | None = None

    def configure(self, engine: Engine) -> None:
        self.id2label = {int(k): str(v) for k, v in engine.model.config.id2label.items()}
        self.tokenizer = engine.tokenizer
        backend = getattr(engine.tokenizer, "backend_tokenizer", None)
        self.word_aware = bool(getattr(getattr(backend, "model", None),
                                       "continuing_subword_prefix", None))
        self.unk_id = getattr(engine.tokenizer, "unk_token_id", None)

    def module(self, model: Any) -> Any:
        return model

    def window_outputs(self, output: Any, inputs: dict[str, Any], fitted: Fitted,
                       window_ids: list[int]) -> list[Any]:
        logits = (output.logits if hasattr(output, "logits") else output[0]).float().cpu()
        width = logits.shape[1]
        left = fitted.padding is not None and fitted.padding.side == "left"
        rows = []
        for r, w in enumerate(window_ids):
            window = fitted.windows[w]
            start = width - len(window) if left else 0
            content = [start + p for p, s in enumerate(window.sequence_ids) if s is not None]
            rows.append(logits[r, content].numpy())
        return rows

    def document(self, fitted: Fitted, doc: int, outputs: list[Any], text: str) -> Any:
        meta = fitted.documents[doc]
        windows = fitted.windows[meta.first_window:meta.first_window + meta.n_windows]
        indices = token_indices(fitted, meta.n_tokens, len(windows), windows[0])
        logits, chosen = best_window_tokens(meta.n_tokens, indices, outputs)
        tokens: list[_Token] = []
        scores = softmax(logits.astype(np.float64)) if len(logits) else logits
        content = [[p for p, s in enumerate(w.sequence_ids) if s is not None] for w in windows]
        for i in np.flatnonzero(chosen >= 0):
            w = int(chosen[i])
            at = content[w][int(np.searchsorted(indices[w], i))]
            tokens.append(self._token(text, windows[w].input_ids[at], windows[w].offsets[at],
                                      scores[i]))
        return self._entities(text, tokens)

    def empty(self) -> Any:
        return []

    def _token(self, text: str, token_id: int, offset: tuple[int, int], scores: np.ndarray
               ) -> _Token:
        """A token as the pipeline's ``gather_pre_entities`` sees it."""
        token = self.tokenizer.convert_ids_to_tokens(int(token_id))
        start, end = int(offset[0]), int(offset[1])
        reference = text[start:end]
        if self.word_aware:
            is_subword = len(token) != len(reference)
        else:
            is_subword = start > 0 and " " not in text[start - 1:start + 1]
        if self.unk_id is not None and int(token_id) == self.unk_id:
            token, is_subword = reference, False
        return _Token(token, scores, start, end, is_subword)

    def _entities(self, text: str, tokens: list[_Token]) -> list[Entity]:
        if self.aggregation in ("none", "simple"):
            entries = [(self.id2label[int(t.scores.argmax())], float(t.scores.max()), t.start,
                        t.end) for t in tokens]
        else:
            entries = [self._word(group) for group in _words(tokens)]
        if self.aggregation != "none":
            entries = _group(entries)
        return [Entity(label, score, start, end, text[start:end])
                for label, score, start, end in entries if label not in self.ignore]

    def _word(self, group: list[_Token]) -> tuple[str, float, int, int]:
        """One word from its sub-tokens, by the ``first``, ``max`` or ``average`` rule."""
        if self.aggregation == "first":
            scores = group[0].scores
        elif self.aggregation == "max":
            scores = max(group, key=lambda t: t.scores.max()).scores
        else:
            scores = np.nanmean(np.stack([t.scores for t in group]), axis=0)
        best = int(scores.argmax())
        return self.id2label[best], float(scores[best]), group[0].start, group[-1].end


def _words(tokens: list[_Token]) -> list[list[_Token]]:
    groups: list[list[_Token]] = []
    for token in tokens:
        if groups and token.is_subword:
            groups[-1].append(token)
        else:
            groups.append([token])
    return groups


def _tag(label: str) -> tuple[str, str]:
    if label.startswith(("B-", "I-")):
        return label[0], label[2:]
    return "I", label


def _group(entries: list[tuple[str, float, int, int]]) -> list[tuple[str, float, int, int]]:
    """Adjacent entries of one entity type (not starting a new ``B-``) become one span, scored
    by their mean: the pipeline's ``group_entities``."""
    groups: list[list[tuple[str, float, int, int]]] = []
    for entry in entries:
        if groups:
            bi, tag = _tag(entry[0])
            _, last = _tag(groups[-1][-1][0])
            if tag == last and bi != "B":
                groups[-1].append(entry)
                continue
        groups.append([entry])
    return [(_tag(g[0][0])[1], float(np.nanmean([e[1] for e in g])), g[0][2], g[-1][3])
            for g in groups]


def token_indices(fitted: Fitted, n_tokens: int, n_windows: int, first: Any) -> list[np.ndarray]:
    """Which of a document's content tokens each of its windows holds, from the same pure plan
    :func:`seqfit.fit` followed."""
    specials = sum(1 for s in first.sequence_ids if s is None)
    budget = fitted.max_length - specials
    overlap = fitted.overlap if fitted.overlap is not None else default_overlap(budget)
    plan = plan_single(n_tokens, budget=budget, strategy=fitted.strategy,  # type: ignore[arg-type]
                       overlap=overlap if fitted.strategy == "window" else 0)
    if plan.n_windows != n_windows:
        raise SeqfitError(f"internal: the plan has {plan.n_windows} windows but fit made "
                          f"{n_windows}.", fix="report this to seqfit")
    positions = list(range(n_tokens))
    return [np.array(select(positions, w.first), dtype=np.int64) for w in plan.windows]


def tag(
    texts: Iterable[Any],
    *,
    model: Any,
    tokenizer: Any = None,
    strategy: Literal["window", "head", "tail", "head+tail", "error"] = "window",
    max_length: int | None = None,
    overlap: int | None = None,
    aggregation: Aggregation = "simple",
    ignore_labels: Iterable[str] = ("O",),
    batch_tokens: int | None = None,
    device: Any = None,
    dtype: Any = None,
    on_bad: OnBad = "raise",
) -> Tags:
    """Tag every text, whatever its length: entity spans with character offsets into the
    original text, in input order.

    ``model`` must have a token-classification head. Long texts are tagged in windows; each
    token keeps the prediction of the window where it lies farthest from an edge, and spans are
    grouped over the whole document (so a span across a window boundary is one span).
    ``aggregation`` groups tokens as transformers' token-classification pipeline does. The
    other options are :func:`seqfit.embed`'s.
    """
    texts = check_texts(texts, "tag")
    check_choice("aggregation", aggregation, AGGREGATIONS, default="simple")
    check_on_bad(on_bad, "tag")
    ignore = tuple(ignore_labels)
    if on_bad == "raise":
        raise_first_bad(texts, "tag")
    task = TagTask(aggregation, ignore)
    engine = Engine(task, model=model, tokenizer=tokenizer, strategy=strategy,
                    max_length=max_length, overlap=overlap, batch_tokens=batch_tokens,
                    device=device, dtype=dtype)
    task.configure(engine)
    documents: list[DocumentMeta] = []
    entities: list[list[Entity]] = []
    for chunk in engine.run((c, None) for c in chunked(texts, CHUNK_SIZE)):
        start = len(documents)
        if on_bad == "raise":
            raise_first_bad(chunk.documents, "tag", offset=start)
        documents += [shift(d, start) for d in chunk.documents]
        entities += chunk.results
    return Tags(entities, documents, engine.name, engine.max_length, strategy, aggregation)
