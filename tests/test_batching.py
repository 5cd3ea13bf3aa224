"""Padded seqfit batches give, on real tokens, the outputs of running each window alone.

And the padding mistakes seqfit avoids are real: naive left padding changes BERT's and GPT-2's
outputs, and RoBERTa-family models need the pad id itself.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
import torch

import seqfit
from seqfit.model.limits import ModelLimits

# Encoders, decoders (gpt2, llama, opt, bloom, qwen2), and encoder-decoders (t5, bart: encoder).
# Not big_bird: block-sparse attention depends on the padded length (inspect warns about it).
ARCHS = ("bert", "roberta", "xlm-roberta", "distilbert", "albert", "electra", "deberta-v2",
         "mpnet", "gpt2", "llama", "opt", "bloom", "qwen2", "t5", "bart")
TOLERANCE = 1e-4


def texts(seed: int, n: int = 12) -> list[str]:
    import zoo

    rng = random.Random(seed)
    sentences = zoo.corpus()
    return ["" if i == 3 else " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 12)))
            for i in range(n)]


def hidden(model: Any, limits: ModelLimits, inputs: dict[str, torch.Tensor]) -> torch.Tensor:
    with torch.no_grad():
        if limits.kind == "encoder-decoder":
            return model.get_encoder()(**inputs).last_hidden_state
        return model(**inputs).last_hidden_state


def alone(model: Any, limits: ModelLimits, window: Any) -> torch.Tensor:
    inputs = {"input_ids": torch.tensor([window.input_ids]),
              "attention_mask": torch.tensor([window.attention_mask])}
    if window.token_type_ids is not None:
        inputs["token_type_ids"] = torch.tensor([window.token_type_ids])
    return hidden(model, limits, inputs)[0]


@pytest.mark.parametrize("name", ARCHS)
def test_batched_outputs_equal_unpadded_runs(name: str, zoo_build: Any, zoo_model: Any) -> None:
    config, tokenizer = zoo_build(name)
    model = zoo_model(name)
    limits = seqfit.inspect(config, tokenizer=tokenizer)
    max_length = min(40, limits.effective_max_tokens or 40)
    fitted = seqfit.fit(texts(hash(name) % 1000), tokenizer=tokenizer, model=limits,
                        max_length=max_length, overlap=4)
    assert len({len(w) for w in fitted.windows}) > 3  # the batches really are ragged
    seen = 0
    for batch in seqfit.batches(fitted, batch_tokens=4 * max_length):
        seqfit.check(batch.inputs, model=limits)
        out = hidden(model, limits, batch.inputs)
        mask = batch.inputs["attention_mask"].bool()
        for r, index in enumerate(batch.window_ids):
            expected = alone(model, limits, fitted.windows[index])
            got = out[r][mask[r]]
            assert got.shape == expected.shape
            diff = (got - expected).abs().max().item()
            assert diff < TOLERANCE, f"{name}: window {index} differs by {diff}"
            seen += 1
    assert seen == len(fitted.windows)


def _left_pad(windows: list[Any], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(w) for w in windows)
    ids = torch.full((len(windows), width), pad_id)
    mask = torch.zeros((len(windows), width), dtype=torch.long)
    for r, w in enumerate(windows):
        ids[r, width - len(w):] = torch.tensor(w.input_ids)
        mask[r, width - len(w):] = 1
    return {"input_ids": ids, "attention_mask": mask}


def _max_diff_left(name: str, zoo_build: Any, zoo_model: Any, *, pad_id: int | None = None,
                   with_positions: bool = False) -> float:
    config, tokenizer = zoo_build(name)
    model = zoo_model(name)
    limits = seqfit.inspect(config, tokenizer=tokenizer)
    fitted = seqfit.fit(["a long text about models and tokens and windows " * 3, "short"],
                        tokenizer=tokenizer, model=limits, max_length=32)
    windows = [fitted.windows[d.first_window] for d in fitted.documents]
    assert len(windows[0]) > len(windows[1])
    default_pad = limits.pad_token_id if limits.pad_token_id is not None else 0
    inputs = _left_pad(windows, default_pad if pad_id is None else pad_id)
    if with_positions:
        inputs["position_ids"] = (inputs["attention_mask"].cumsum(-1) - 1).clamp(min=0)
    out = hidden(model, limits, inputs)
    short = out[1][inputs["attention_mask"][1].bool()]
    return (short - alone(model, limits, windows[1])).abs().max().item()


@pytest.mark.parametrize("name", ["bert", "gpt2"])
def test_naive_left_padding_is_silently_wrong_and_position_ids_fix_it(
        name: str, zoo_build: Any, zoo_model: Any) -> None:
    assert _max_diff_left(name, zoo_build, zoo_model) > 1e-3
    assert _max_diff_left(name, zoo_build, zoo_model, with_positions=True) < TOLERANCE


def test_roberta_positions_need_the_pad_id_itself(zoo_build: Any, zoo_model: Any) -> None:
    _, tokenizer = zoo_build("roberta")
    assert _max_diff_left("roberta", zoo_build, zoo_model) < TOLERANCE
    other = tokenizer.convert_tokens_to_ids("the")
    assert _max_diff_left("roberta", zoo_build, zoo_model, pad_id=other) > 1e-3


@pytest.mark.forward
def test_the_real_minilm_batches_equal_per_text_runs() -> None:
    from transformers import AutoModel, AutoTokenizer

    from seqfit.model.loading import default_model_path

    path = default_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path).eval()
    limits = seqfit.inspect(path)
    rng = random.Random(7)
    words = ("seqfit fits every input to the model and explains in plain words why a sequence "
             "does not fit its position table").split()
    docs = [" ".join(rng.choice(words) for _ in range(int(rng.paretovariate(1.2) * 8)))
            for _ in range(200)]
    fitted = seqfit.fit(docs, tokenizer=tokenizer, model=limits, max_length=128, overlap=16)
    assert fitted.tokens_dropped == 0 and len(fitted.documents) == 200
    checked = 0
    for batch in seqfit.batches(fitted, batch_tokens=4096):
        out = hidden(model, limits, batch.inputs)
        mask = batch.inputs["attention_mask"].bool()
        for r, index in enumerate(batch.window_ids):
            expected = alone(model, limits, fitted.windows[index])
            assert (out[r][mask[r]] - expected).abs().max().item() < TOLERANCE
            checked += 1
    assert checked == len(fitted.windows) >= 200


def test_batch_options_are_checked_when_the_call_is_made(zoo_build: Any) -> None:
    _, tokenizer = zoo_build("bert")
    fitted = seqfit.fit(["one two", "three"], tokenizer=tokenizer, max_length=16)
    with pytest.raises(seqfit.OptionError, match="batch_tokens=0"):
        seqfit.batches(fitted, batch_tokens=0)  # no next(): the call itself refuses
    with pytest.raises(seqfit.OptionError, match="return_tensors='tf'"):
        seqfit.batches(fitted, return_tensors="tf")  # type: ignore[arg-type]
