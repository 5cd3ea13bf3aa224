"""seqfit.tag: the token-classification pipeline's spans where a text fits, character offsets
into the original text, and spans across window boundaries merged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import seqfit
import zoo

WORDS = list(zoo.corpus())
SHORT = ["Alice and Bob live in Paris.", "the model fits", "London, Monday: a long text!",
         "Ünïcödé façade café", WORDS[7], WORDS[11]]


@pytest.mark.forward
@pytest.mark.parametrize("aggregation", ["simple", "first", "average", "max", "none"])
def test_tag_equals_the_token_classification_pipeline(tiny: Callable[[str], Path],
                                                      aggregation: str) -> None:
    from transformers import pipeline

    folder = tiny("tagger")
    result = seqfit.tag(SHORT, model=folder, aggregation=aggregation,  # type: ignore[arg-type]
                        device="cpu")
    assert all(d.n_windows == 1 for d in result.documents)
    pipe = pipeline("token-classification", model=str(folder), device="cpu",
                    aggregation_strategy=aggregation)
    total = 0
    for text, ours, theirs in zip(SHORT, result.entities, pipe(SHORT), strict=True):
        key = "entity" if aggregation == "none" else "entity_group"
        assert [(e.label, e.start, e.end) for e in ours] == \
            [(x[key], x["start"], x["end"]) for x in theirs]
        for entity, expected in zip(ours, theirs, strict=True):
            assert entity.score == pytest.approx(float(expected["score"]), abs=1e-5)
            assert entity.text == text[entity.start:entity.end]
        total += len(ours)
    assert total > 0


@pytest.mark.forward
def test_spans_across_window_boundaries_are_merged(tiny: Callable[[str], Path]) -> None:
    # no layers and no positions: a token's label cannot depend on the window it is seen in,
    # so small windows must give exactly the spans of one window over the whole text
    folder = tiny("context-free-tagger")
    texts = [" ".join(WORDS[i:i + 2]) for i in range(0, 12, 2)]
    whole = seqfit.tag(texts, model=folder, device="cpu")
    windowed = seqfit.tag(texts, model=folder, max_length=8, overlap=2, device="cpu")
    assert all(d.n_windows == 1 for d in whole.documents)
    assert all(d.n_windows > 1 for d in windowed.documents)
    assert windowed.entities == whole.entities
    fitted = seqfit.fit(texts, model=folder, max_length=8, overlap=2)
    crossing = 0
    for doc, entities in zip(fitted.documents, windowed.entities, strict=True):
        windows = fitted.windows[doc.first_window:doc.first_window + doc.n_windows]
        ends = {w.offsets[-2][1] for w in windows[:-1]}  # where each window's text stops
        crossing += sum(e.start < end < e.end for e in entities for end in ends)
    assert crossing > 0  # some span really does cross a window boundary


@pytest.mark.forward
def test_each_token_is_predicted_by_the_window_where_it_is_farthest_from_an_edge(
        tiny: Callable[[str], Path]) -> None:
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    folder = tiny("tagger")
    model = AutoModelForTokenClassification.from_pretrained(folder).eval()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    text = " ".join(WORDS[:3])
    result = seqfit.tag([text], model=model, tokenizer=tokenizer, max_length=16, overlap=6,
                        aggregation="none", ignore_labels=(), device="cpu")
    fitted = seqfit.fit([text], model=model, tokenizer=tokenizer, max_length=16, overlap=6)
    labels = {}
    for w, window in enumerate(fitted.windows):
        with torch.inference_mode():
            logits = model(input_ids=torch.tensor([window.input_ids])).logits[0]
        content = [p for p, s in enumerate(window.sequence_ids) if s is not None]
        for k, p in enumerate(content):
            distance = min(k, len(content) - 1 - k)
            offset = window.offsets[p]
            best = labels.get(offset)
            if best is None or distance > best[0]:
                labels[offset] = (distance, w, model.config.id2label[int(logits[p].argmax())])
    assert len(result.entities[0]) == result.documents[0].n_tokens == len(labels)
    assert [e.label for e in result.entities[0]] == [labels[o][2] for o in sorted(labels)]
    assert len({w for _, w, _ in labels.values()}) == len(fitted.windows)


@pytest.mark.forward
def test_truncating_strategies_tag_only_what_they_keep(tiny: Callable[[str], Path]) -> None:
    text = " ".join(WORDS[:4])
    result = seqfit.tag([text], model=tiny("tagger"), strategy="head", max_length=16,
                        aggregation="none", ignore_labels=(), device="cpu")
    meta = result.documents[0]
    assert meta.truncated and len(result.entities[0]) == 14 == meta.n_tokens - meta.tokens_dropped
