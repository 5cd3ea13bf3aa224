"""seqfit.embed: equal to sentence-transformers where a text fits, windows equal to running each
window alone, one result per document in input order, and clear errors before any work."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seqfit
import zoo
from seqfit.errors import InputError, ModelLoadError, OptionError
from seqfit.model.loading import default_model_path
from seqfit.plan import default_overlap, window_count
from seqfit.runners import embedding
from seqfit.runners.embedding import EmbedTask
from seqfit.runners.engine import Engine

WORDS = list(zoo.corpus())


def text_of(n_sentences: int, start: int = 0) -> str:
    return " ".join(WORDS[(start + i) % len(WORDS)] for i in range(n_sentences))


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1) / np.linalg.norm(a, axis=-1) / np.linalg.norm(b, axis=-1)


@pytest.fixture(scope="module")
def minilm() -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(default_model_path()), device="cpu")


@pytest.mark.forward
def test_embed_equals_sentence_transformers_encode_where_a_text_fits(minilm: Any) -> None:
    texts = ["Hello world.", "", "Ünïcödé façade — naïve café", text_of(1), text_of(6, 3),
             text_of(12, 40), text_of(18, 90)]  # 0 to about 250 tokens: all fit 256
    result = seqfit.embed(texts, model=default_model_path(), device="cpu")
    assert result.max_length == 256 and result.pooling == ("mean",) and result.normalized
    assert all(d.n_windows == 1 and not d.truncated for d in result.documents)
    assert max(d.n_tokens for d in result.documents) > 200
    reference = minilm.encode(texts, batch_size=3)
    similarity = cosine(result.vectors, reference)
    assert similarity.min() >= 0.99999, similarity
    np.testing.assert_allclose(np.linalg.norm(result.vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.forward
def test_a_long_text_is_windowed_at_256_not_cut(minilm: Any) -> None:
    text = text_of(60)
    result = seqfit.embed([text], model=default_model_path(), device="cpu")
    meta = result.documents[0]
    assert meta.n_tokens > 600 and meta.n_windows == window_count(meta.n_tokens, 254, 63)
    assert not meta.truncated and meta.tokens_dropped == 0
    cut = seqfit.embed([text], model=default_model_path(), device="cpu", strategy="head")
    assert cut.documents[0].truncated and cut.documents[0].tokens_dropped == meta.n_tokens - 254
    assert cosine(cut.vectors, minilm.encode([text]))[0] >= 0.99999  # what encode() keeps


class Recording(EmbedTask):
    """An embedding task that keeps every window's pooled vector and counts documents."""

    def __init__(self) -> None:
        super().__init__("weighted-mean")
        self.calls: Counter[str] = Counter()

    def document(self, fitted: Any, doc: int, outputs: list[Any], text: str) -> Any:
        self.calls[text] += 1
        return [np.array(o) for o in outputs]


@pytest.fixture(scope="module")
def base(tiny: Callable[[str], Path]) -> tuple[Any, Any]:
    from transformers import AutoModel, AutoTokenizer

    folder = tiny("base")
    return AutoModel.from_pretrained(folder).eval(), AutoTokenizer.from_pretrained(folder)


@pytest.mark.forward
def test_window_outputs_equal_running_each_window_alone(base: tuple[Any, Any]) -> None:
    import torch

    model, tokenizer = base
    texts = [text_of(n, n) for n in (1, 3, 9, 14, 30)]
    task = Recording()
    engine = Engine(task, model=model, tokenizer=tokenizer, max_length=24, overlap=5,
                    batch_tokens=96, device="cpu")
    task.configure(engine)
    (chunk,) = engine.run([(texts, None)])
    fitted = seqfit.fit(texts, model=model, tokenizer=tokenizer, max_length=24, overlap=5)
    assert sum(len(windows) for windows in chunk.results) == len(fitted.windows) > len(texts)
    for doc, windows in zip(fitted.documents, chunk.results, strict=True):
        for k, vector in enumerate(windows):
            window = fitted.windows[doc.first_window + k]
            with torch.inference_mode():
                hidden = model(input_ids=torch.tensor([window.input_ids]),
                               token_type_ids=torch.tensor([window.token_type_ids])
                               ).last_hidden_state[0]
            np.testing.assert_allclose(vector, hidden.mean(0).numpy(), atol=1e-5, rtol=1e-5)


@pytest.mark.forward
def test_documents_are_aggregated_from_their_own_windows(base: tuple[Any, Any]) -> None:
    model, tokenizer = base
    texts = [text_of(n, n) for n in (2, 11, 25)]
    task = Recording()
    engine = Engine(task, model=model, tokenizer=tokenizer, max_length=24, device="cpu")
    task.configure(engine)
    (chunk,) = engine.run([(texts, None)])
    fitted = seqfit.fit(texts, model=model, tokenizer=tokenizer, max_length=24)
    for how in ("weighted-mean", "mean", "max", "first"):
        result = seqfit.embed(texts, model=model, tokenizer=tokenizer, max_length=24,
                              aggregate=how, device="cpu")
        assert not result.normalized and result.pooling == ("mean",)
        for doc, windows in zip(fitted.documents, chunk.results, strict=True):
            stacked = np.stack(windows)
            sizes = np.array([len(fitted.windows[doc.first_window + k])
                              for k in range(doc.n_windows)])
            expected = {"weighted-mean": (stacked * sizes[:, None]).sum(0) / sizes.sum(),
                        "mean": stacked.mean(0), "max": stacked.max(0),
                        "first": stacked[0]}[how]
            np.testing.assert_allclose(result.vectors[doc.row], expected, atol=1e-5)


@pytest.mark.forward
@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                  HealthCheck.too_slow])
@given(st.lists(st.one_of(st.integers(0, 40), st.none()), min_size=1, max_size=12),
       st.integers(1, 5), st.randoms(use_true_random=False))
def test_one_result_per_document_in_input_order_each_aggregated_once(
        base: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch, sizes: list[int | None],
        chunk_size: int, rng: Any) -> None:
    model, tokenizer = base
    texts: list[Any] = [None if n is None else text_of(n, i * 7) + f" {i}"
                        for i, n in enumerate(sizes)]
    monkeypatch.setattr(embedding, "CHUNK_SIZE", chunk_size)
    calls: Counter[str] = Counter()
    original = EmbedTask.document

    def counted(self: EmbedTask, fitted: Any, doc: int, outputs: list[Any], text: str) -> Any:
        calls[text] += 1
        return original(self, fitted, doc, outputs, text)

    monkeypatch.setattr(EmbedTask, "document", counted)
    result = seqfit.embed(texts, model=model, tokenizer=tokenizer, max_length=20,
                          on_bad="skip", device="cpu")
    assert len(result) == len(texts) == len(result.vectors)
    assert [d.row for d in result.documents] == list(range(len(texts)))
    assert calls == Counter(t for t in texts if t is not None)  # each document exactly once
    budget = 18
    for text, meta, vector in zip(texts, result.documents, result.vectors, strict=True):
        if text is None:
            assert meta.error is not None and np.isnan(vector).all()
            continue
        n = len(tokenizer(text, add_special_tokens=False)["input_ids"])
        assert meta.n_tokens == n  # every token is in a window
        assert meta.n_windows == window_count(n, budget, default_overlap(budget))
        assert meta.error is None and np.isfinite(vector).all()
    order = list(range(len(texts)))
    rng.shuffle(order)
    shuffled = seqfit.embed([texts[i] for i in order], model=model, tokenizer=tokenizer,
                            max_length=20, on_bad="skip", device="cpu")
    np.testing.assert_allclose(shuffled.vectors, result.vectors[order], atol=1e-5)


@pytest.fixture(scope="module")
def saved_with_max_pooling(tiny: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
                           ) -> tuple[Path, Any]:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Normalize, Pooling, Transformer

    transformer = Transformer(str(tiny("base")), max_seq_length=40)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode=("cls", "max"))
    model = SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu")
    folder = tmp_path_factory.mktemp("st-max")
    model.save(str(folder))
    return folder, model


@pytest.mark.forward
def test_pooling_and_normalizing_follow_the_sentence_transformers_folder(
        saved_with_max_pooling: tuple[Path, Any]) -> None:
    folder, model = saved_with_max_pooling
    texts = ["the model", "a long text with tokens", "Paris, London; the river garden."]
    result = seqfit.embed(texts, model=folder, device="cpu")
    assert all(d.n_tokens <= 38 for d in result.documents)  # all fit 40
    assert result.pooling == ("cls", "max") and result.normalized and result.max_length == 40
    assert result.vectors.shape == (3, 64)
    assert cosine(result.vectors, model.encode(texts)).min() >= 0.99999


def test_options_are_checked_before_the_model_loads(tmp_path: Path) -> None:
    missing = tmp_path / "no-model"
    with pytest.raises(OptionError, match=r"aggregate='avg'.*weighted-mean") as info:
        seqfit.embed(["a"], model=missing, aggregate="avg")  # type: ignore[arg-type]
    assert info.value.fix == 'aggregate="weighted-mean"'
    with pytest.raises(OptionError, match="strategy='slide'"):
        seqfit.embed(["a"], model=missing, strategy="slide")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="dtype='int8'"):
        seqfit.embed(["a"], model=missing, dtype="int8")
    with pytest.raises(OptionError, match="on_bad="):
        seqfit.embed(["a"], model=missing, on_bad="ignore")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="row 1: the text is None") as bad:
        seqfit.embed(["a", None], model=missing)
    assert "on_bad='skip'" in str(bad.value.fix)
    with pytest.raises(InputError, match="single str"):
        seqfit.embed("one text", model=missing)


def test_a_model_is_required_with_its_weights() -> None:
    with pytest.raises(OptionError, match="needs a model"):
        seqfit.embed(["a"], model=None)
    with pytest.raises(OptionError, match="needs its weights, not a ModelLimits"):
        seqfit.embed(["a"], model=seqfit.inspect())


@pytest.mark.skipif("__import__('torch').cuda.is_available()")
def test_asking_for_cuda_without_a_gpu_says_so() -> None:
    with pytest.raises(OptionError, match="no CUDA GPU") as info:
        seqfit.embed(["a"], model=default_model_path(), device="cuda")
    assert info.value.fix == 'device="cpu"'


@pytest.mark.forward
def test_limits_of_the_model_are_checked_on_the_call(base: tuple[Any, Any]) -> None:
    model, tokenizer = base
    with pytest.raises(OptionError, match="max_length=100 is above what the model accepts"):
        seqfit.embed(["a"], model=model, tokenizer=tokenizer, max_length=100)
    with pytest.raises(OptionError, match="batch_tokens=16 is below max_length=64"):
        seqfit.embed(["a"], model=model, tokenizer=tokenizer, batch_tokens=16)
    with pytest.raises(OptionError, match="overlap=62 but each window holds 62"):
        seqfit.embed(["a"], model=model, tokenizer=tokenizer, overlap=62)


@pytest.mark.forward
def test_strategy_error_is_recorded_per_document(base: tuple[Any, Any]) -> None:
    model, tokenizer = base
    texts = [text_of(1), text_of(20), text_of(2)]
    result = seqfit.embed(texts, model=model, tokenizer=tokenizer, strategy="error",
                          on_bad="skip", device="cpu")
    errors = [d.error for d in result.documents]
    assert errors[0] is None and errors[2] is None
    assert errors[1] is not None and "max_length is 64" in errors[1]
    assert np.isnan(result.vectors[1]).all() and np.isfinite(result.vectors[[0, 2]]).all()
    with pytest.raises(InputError, match="row 1: the text has"):
        seqfit.embed(texts, model=model, tokenizer=tokenizer, strategy="error", device="cpu")


def test_a_sentence_transformers_stack_seqfit_cannot_reproduce_is_refused(
        tmp_path: Path, tiny: Callable[[str], Path]) -> None:
    import shutil

    folder = tmp_path / "dense"
    shutil.copytree(tiny("base"), folder)
    (folder / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling",
         "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]))
    with pytest.raises(ModelLoadError, match="has Dense after pooling"):
        seqfit.embed(["a"], model=folder, device="cpu")


@pytest.mark.forward
def test_results_are_plain_data(base: tuple[Any, Any]) -> None:
    model, tokenizer = base
    result = seqfit.embed(["a b c", None], model=model, tokenizer=tokenizer, on_bad="skip",
                          device="cpu")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["vectors"][1] is None and len(data["vectors"][0]) == 32
    assert data["documents"][1]["error"] == "text is None"


@pytest.mark.forward
def test_bf16_runs_close_to_float32(base: tuple[Any, Any]) -> None:
    from transformers import AutoModel

    _, tokenizer = base
    texts = [text_of(n, n) for n in (1, 4, 9)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        low = seqfit.embed(texts, model=AutoModel.from_pretrained(tokenizer.name_or_path),
                           tokenizer=tokenizer, dtype="bf16", device="cpu")
    full = seqfit.embed(texts, model=base[0], tokenizer=tokenizer, device="cpu")
    assert low.vectors.dtype == np.float32
    assert cosine(low.vectors, full.vectors).min() > 0.99


def test_import_seqfit_and_reading_embed_import_no_torch() -> None:
    code = ("import sys, seqfit; seqfit.embed, seqfit.classify, seqfit.tag; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_without_torch_the_error_names_the_extra() -> None:
    code = ("import sys; sys.modules['torch'] = None\n"
            "import seqfit\n"
            "try:\n"
            "    seqfit.embed(['a'], model='unused')\n"
            "except seqfit.MissingDependencyError as exc:\n"
            "    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ("seqfit embed needs torch, which is not installed. Fix: pip "
                                  "install 'seqfit[torch]'")


def test_length_options_are_checked_before_the_weights_load(tmp_path: Path,
                                                            tiny: Callable[[str], Path]) -> None:
    import shutil

    folder = tmp_path / "no-weights"
    shutil.copytree(tiny("base"), folder, ignore=shutil.ignore_patterns("*.safetensors"))
    with pytest.raises(OptionError, match="max_length=100 is above what the model accepts"):
        seqfit.embed(["a"], model=folder, max_length=100, device="cpu")
    with pytest.raises(OptionError, match="batch_tokens=16 is below"):
        seqfit.embed(["a"], model=folder, batch_tokens=16, device="cpu")
    with pytest.raises(ModelLoadError):  # the options pass: only then are the weights missed
        seqfit.embed(["a"], model=folder, device="cpu")

