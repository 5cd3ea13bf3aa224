"""seqfit.classify: the text-classification pipeline's logits and scores where a text fits,
window logits combined per document, pairs, cross-encoders, and a head that must be there."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import seqfit
import zoo
from seqfit.errors import ModelLoadError, OptionError

WORDS = list(zoo.corpus())
SHORT = ["the model fits", "Paris, London; the river garden.", "a text", "Alice runs fast!",
         WORDS[3][:40], "error values"]


@pytest.fixture(scope="module")
def classifier(tiny: Callable[[str], Path]) -> tuple[Any, Any, Path]:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    folder = tiny("classifier")
    return (AutoModelForSequenceClassification.from_pretrained(folder).eval(),
            AutoTokenizer.from_pretrained(folder), folder)


@pytest.mark.forward
def test_classify_equals_the_text_classification_pipeline(classifier: tuple[Any, Any, Path]
                                                          ) -> None:
    import torch
    from transformers import pipeline

    model, tokenizer, folder = classifier
    result = seqfit.classify(SHORT, model=folder, device="cpu")
    assert all(d.n_windows == 1 for d in result.documents)
    pipe = pipeline("text-classification", model=model, tokenizer=tokenizer, device="cpu",
                    top_k=None)
    with torch.inference_mode():
        logits = torch.cat([model(**tokenizer([t], return_tensors="pt")).logits for t in SHORT])
    np.testing.assert_allclose(result.logits, logits.numpy(), atol=1e-4)
    for i, expected in enumerate(pipe(SHORT)):
        best = max(expected, key=lambda e: e["score"])
        assert result.labels[i] == best["label"]
        scores = {e["label"]: e["score"] for e in expected}
        np.testing.assert_allclose(result.scores[i], [scores[n] for n in result.label_names],
                                   atol=1e-5)
    assert len(set(result.labels)) > 1  # the tiny model does not say one thing to everything
    assert result.function == "softmax"


def window_logits(model: Any, tokenizer: Any, text: str, max_length: int) -> np.ndarray:
    import torch

    fitted = seqfit.fit([text], model=model, tokenizer=tokenizer, max_length=max_length)
    rows = []
    for window in fitted.windows:
        with torch.inference_mode():
            rows.append(model(input_ids=torch.tensor([window.input_ids]),
                              token_type_ids=torch.tensor([window.token_type_ids])
                              ).logits[0].numpy())
    return np.stack(rows)


@pytest.mark.forward
@pytest.mark.parametrize("aggregate", ["mean", "max", "vote"])
def test_a_long_document_combines_the_logits_of_its_windows(
        classifier: tuple[Any, Any, Path], aggregate: str) -> None:
    model, tokenizer, _ = classifier
    texts = [" ".join(WORDS[:12]), " ".join(WORDS[20:26]), SHORT[0]]
    result = seqfit.classify(texts, model=model, tokenizer=tokenizer, max_length=20,
                             aggregate=aggregate, device="cpu")  # type: ignore[arg-type]
    assert result.documents[0].n_windows > 3
    for i, text in enumerate(texts):
        windows = window_logits(model, tokenizer, text, 20)
        assert result.documents[i].n_windows == len(windows)
        if aggregate == "mean":
            np.testing.assert_allclose(result.logits[i], windows.mean(0), atol=1e-5)
        elif aggregate == "max":
            np.testing.assert_allclose(result.logits[i], windows.max(0), atol=1e-5)
        else:
            votes = np.bincount(windows.argmax(1), minlength=3) / len(windows)
            np.testing.assert_allclose(result.scores[i], votes)
            assert result.label_ids[i] in np.flatnonzero(votes == votes.max())


@pytest.mark.forward
def test_pairs_equal_the_pipeline_on_text_pairs(classifier: tuple[Any, Any, Path]) -> None:
    from transformers import pipeline

    model, tokenizer, _ = classifier
    questions, contexts = SHORT[:3], SHORT[3:6]
    result = seqfit.classify(questions, text_pairs=contexts, model=model, tokenizer=tokenizer,
                             device="cpu")
    pipe = pipeline("text-classification", model=model, tokenizer=tokenizer, device="cpu",
                    top_k=None)
    for i, (q, c) in enumerate(zip(questions, contexts, strict=True)):
        expected = {e["label"]: e["score"] for e in pipe({"text": q, "text_pair": c})}
        np.testing.assert_allclose(result.scores[i], [expected[n] for n in result.label_names],
                                   atol=1e-5)


@pytest.fixture(scope="module")
def cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    import torch
    from sentence_transformers import CrossEncoder
    from transformers import AutoModelForSequenceClassification

    config, tokenizer = zoo.build("bert")
    values = {**config.to_dict(), "num_labels": 1, "initializer_range": 0.5}
    torch.manual_seed(1)
    base = tmp_path_factory.mktemp("ce-base")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        AutoModelForSequenceClassification.from_config(type(config).from_dict(values)
                                                       ).save_pretrained(base)
    tokenizer.save_pretrained(base)
    model = CrossEncoder(str(base), device="cpu")
    folder = tmp_path_factory.mktemp("ce")
    model.save(str(folder))
    return folder, model


@pytest.mark.forward
def test_a_cross_encoder_scores_pairs_as_sentence_transformers_predict(
        cross_encoder: tuple[Path, Any]) -> None:
    folder, model = cross_encoder
    limits = seqfit.inspect(folder)
    assert limits.sentence is not None and limits.sentence.kind == "cross-encoder"
    pairs = list(zip(SHORT[:3], SHORT[3:6], strict=True))
    result = seqfit.classify([q for q, _ in pairs], text_pairs=[c for _, c in pairs],
                             model=folder, device="cpu")
    assert result.function == "sigmoid"
    np.testing.assert_allclose(result.scores[:, 0], model.predict(pairs), atol=1e-5)


def test_classify_on_a_model_without_a_classification_head_says_so(
        tiny: Callable[[str], Path]) -> None:
    with pytest.raises(ModelLoadError, match=r"no SequenceClassification head \(architectures: "
                                             r"BertModel\)") as info:
        seqfit.classify(["a"], model=tiny("base"), device="cpu")
    assert "seqfit embed" in str(info.value.fix)
    with pytest.raises(ModelLoadError, match="no TokenClassification head"):
        seqfit.tag(["a"], model=tiny("classifier"), device="cpu")


def test_classify_options_are_checked_on_the_call(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="aggregate='avg'"):
        seqfit.classify(["a"], model=tmp_path, aggregate="avg")  # type: ignore[arg-type]
    with pytest.raises(seqfit.InputError, match="2 texts but 1 text_pairs"):
        seqfit.classify(["a", "b"], text_pairs=["c"], model=tmp_path)


@pytest.mark.forward
def test_classification_results_are_plain_data(classifier: tuple[Any, Any, Path]) -> None:
    import json

    model, tokenizer, _ = classifier
    result = seqfit.classify(["a b", None], model=model, tokenizer=tokenizer, on_bad="skip",
                             device="cpu")
    data = json.loads(json.dumps(result.to_dict()))
    first, second = data["documents"]
    assert first["label"] in data["label_names"] and set(first["scores"]) == {"neg", "neu", "pos"}
    assert first["score"] == max(first["scores"].values())
    assert second["label"] is None and second["error"] == "text is None"
