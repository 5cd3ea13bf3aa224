"""seqfit.check names the exact cause of a batch that would fail or silently mislead; seqfit.guard
runs it before every forward pass, so an over-long input never reaches the model."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import AutoConfig, AutoModel, AutoTokenizer

import seqfit
import zoo
from seqfit.checking import GuardedError, check
from seqfit.errors import (
    MaskError,
    MissingPadTokenError,
    PaddingSideError,
    RaggedBatchError,
    SeqfitError,
    ShapeError,
    TokenIdError,
    TokenTypeError,
    TooLongError,
    UnexpectedTokenTypesError,
)
from seqfit.model.loading import default_model_path


@pytest.fixture(scope="module")
def tok():
    return AutoTokenizer.from_pretrained(default_model_path())


@pytest.fixture(scope="module")
def limits():
    return seqfit.inspect(default_model_path())


def batch(tok, texts, **kwargs):
    return dict(tok(texts, padding=True, return_tensors="pt", **kwargs))


def test_a_tokenizer_batch_passes_and_runs(tok, limits) -> None:
    config = AutoConfig.from_pretrained(default_model_path(), num_hidden_layers=1)
    model = AutoModel.from_config(config).eval()
    good = batch(tok, ["a short one", "a somewhat longer sentence than the first"],
                 text_pair=["x", "y z"])
    assert check(good, model=limits) is None
    assert check(good, model=model) is None  # a loaded model works as well as its limits
    with torch.no_grad():
        assert model(**good).last_hidden_state.shape[:2] == good["input_ids"].shape


def test_over_the_position_table_names_length_and_limit(tok, limits) -> None:
    long = batch(tok, ["word " * 600])
    with pytest.raises(TooLongError) as info:
        check(long, model=limits)
    assert str(info.value) == (
        "input_ids has 602 tokens per row but this model accepts at most 512 (512 positions, of "
        "which 2 are special tokens). Fix: tokenizer(..., truncation=True, max_length=512), or "
        "seqfit.fit(texts, tokenizer=tokenizer, strategy='window') to keep every token")


def test_an_id_outside_the_vocabulary_names_row_position_and_table(tok, limits) -> None:
    b = batch(tok, ["one two", "three four five"])
    b["input_ids"][1, 2] = 30600
    with pytest.raises(TokenIdError) as info:
        check(b, model=limits)
    assert str(info.value) == (
        "input_ids holds id 30600 (first at row 1, position 2) but the embedding table has "
        "30522 rows (ids 0..30521). Fix: use the model's own tokenizer, or after adding tokens: "
        "model.resize_token_embeddings(len(tokenizer))")
    assert (info.value.row, info.value.position, info.value.table_size) == (1, 2, 30522)


def test_a_negative_id_is_refused(tok, limits) -> None:
    b = batch(tok, ["one two"])
    b["input_ids"][0, 1] = -100
    with pytest.raises(TokenIdError) as info:
        check(b, model=limits)
    assert str(info.value) == (
        "input_ids holds the negative id -100 at row 0, position 1. Fix: ids come from the "
        "tokenizer; -100 belongs in labels, never in input_ids")


def test_token_types_beyond_type_vocab_size(tok, limits) -> None:
    b = batch(tok, ["one two"], text_pair=["three"])
    b["token_type_ids"][0, -1] = 2
    with pytest.raises(TokenTypeError) as info:
        check(b, model=limits)
    assert str(info.value) == (
        "token_type_ids holds 2 at row 0, position 5 but this model has type_vocab_size=2 "
        "(valid: 0..1). Fix: tokenizer(..., return_token_type_ids=False) for RoBERTa-family "
        "models, or use the model's own tokenizer")


def test_token_types_given_to_a_model_that_takes_none(tok) -> None:
    import dataclasses

    distil = seqfit.inspect(AutoConfig.for_model("distilbert"), tokenizer=tok)
    assert distil.ignores_unknown_inputs  # transformers 5: forward(**kwargs) drops them
    assert check(batch(tok, ["one two"]), model=distil) is None
    strict = dataclasses.replace(distil, ignores_unknown_inputs=False)  # transformers 4.x
    with pytest.raises(UnexpectedTokenTypesError) as info:
        check(batch(tok, ["one two"]), model=strict)
    assert str(info.value) == (
        "token_type_ids were given but the forward pass of distilbert models takes none "
        "(TypeError: unexpected keyword argument). Fix: tokenizer(..., "
        "return_token_type_ids=False), or drop the key: batch.pop('token_type_ids')")


def test_a_mask_of_another_shape(tok, limits) -> None:
    b = batch(tok, ["one two", "three"])
    b["attention_mask"] = b["attention_mask"][:, :-1]
    with pytest.raises(ShapeError) as info:
        check(b, model=limits)
    assert str(info.value) == (
        "attention_mask has shape (2, 3) but input_ids has shape (2, 4); they must match. Fix: "
        "build every key from the same tokenizer call: tokenizer(texts, padding=True, "
        "return_tensors='pt') returns matching ids and mask")


def test_ragged_rows_and_no_pad_token(tok, limits) -> None:
    ragged = {"input_ids": [[101, 2028, 102], [101, 102]]}
    with pytest.raises(RaggedBatchError) as info:
        check(ragged, model=limits)
    assert str(info.value) == (
        "input_ids rows have different lengths (3, 2); a batch must be rectangular. Fix: "
        "tokenizer(texts, padding=True, truncation=True, return_tensors='pt'), or "
        "seqfit.batches(seqfit.fit(texts, tokenizer=tokenizer))")
    no_pad = seqfit.inspect(AutoConfig.for_model("gpt2", pad_token_id=None))
    with pytest.raises(MissingPadTokenError) as info2:
        check(ragged, model=no_pad)
    assert str(info2.value) == (
        "input_ids rows have different lengths (3, 2) and the tokenizer has no pad token to "
        "pad them with. Fix: tokenizer.pad_token = tokenizer.eos_token, then tokenizer(texts, "
        "padding=True, return_tensors='pt')")


def test_a_mask_that_is_not_zero_or_one(tok, limits) -> None:
    b = batch(tok, ["one two"])
    b["attention_mask"][0, 0] = 2
    with pytest.raises(MaskError) as info:
        check(b, model=limits)
    assert str(info.value) == (
        "attention_mask holds 2 at row 0, position 0; a mask is 1 for real tokens and 0 for "
        "padding. Fix: use the tokenizer's attention_mask, or (input_ids != "
        "pad_token_id).long()")


def test_padding_without_a_mask_is_attended(tok, limits) -> None:
    b = batch(tok, ["one two three four", "five"])
    del b["attention_mask"]
    with pytest.raises(MaskError) as info:
        check(b, model=limits)
    assert str(info.value) == (
        "row 1 is padded (pad id 0 at its end) but the batch has no attention_mask, so the model "
        "attends to the padding and its outputs change. Fix: pass the mask: "
        "model(**tokenizer(texts, padding=True, return_tensors='pt'))")
    b["attention_mask"] = torch.ones_like(b["input_ids"])
    with pytest.raises(MaskError, match="row 1 has pad id 0 at its end with attention_mask 1"):
        check(b, model=limits)


def test_left_padding_on_bert_needs_position_ids(tok, limits) -> None:
    tok.padding_side = "left"
    try:
        b = batch(tok, ["one two three four", "five"])
    finally:
        tok.padding_side = "right"
    with pytest.raises(PaddingSideError) as info:
        check(b, model=limits)
    assert str(info.value).startswith(
        "row 1 is padded on the left but no position_ids were given, so its first real token "
        "sits at a later position than in an unpadded run.")
    b["position_ids"] = (b["attention_mask"].cumsum(-1) - 1).clamp(min=0)
    assert check(b, model=limits) is None


def test_left_padding_on_bart_is_refused(tok) -> None:
    bart = seqfit.inspect(AutoConfig.for_model("bart", vocab_size=30522, pad_token_id=0))
    left = {"input_ids": torch.tensor([[0, 0, 5, 6], [7, 8, 9, 10]]),
            "attention_mask": torch.tensor([[0, 0, 1, 1], [1, 1, 1, 1]])}
    with pytest.raises(PaddingSideError) as info:
        check(left, model=bart)
    assert str(info.value) == (
        "row 0 is padded on the left, but Positions count from the first column, ignore the "
        "mask, and cannot be overridden: pad on the right only. Fix: "
        "tokenizer.padding_side = 'right'")


def test_token_labels_must_match_the_ids(tok, limits) -> None:
    b = batch(tok, ["one two three", "four"])
    b["labels"] = torch.zeros((2, 3), dtype=torch.long)
    with pytest.raises(ShapeError) as info:
        check(b, model=limits)
    assert str(info.value) == (
        "labels has shape (2, 3) but input_ids has shape (2, 5): token labels must be padded to "
        "the same length as the ids, with -100 where no label applies. Fix: "
        "seqfit.Collator(tokenizer) pads labels with -100 alongside the ids")
    b["labels"] = torch.tensor([0, 1])
    assert check(b, model=limits) is None


def test_one_row_without_batch_dimension(tok, limits) -> None:
    with pytest.raises(ShapeError, match=r"input_ids has shape \(4,\): one row without a batch"):
        check({"input_ids": torch.tensor([101, 7, 8, 102])}, model=limits)


def test_numpy_and_list_batches_are_checked_too(tok, limits) -> None:
    b = tok(["one two", "three"], padding=True)
    assert check(dict(b), model=limits) is None
    b_np = tok(["one two", "three"], padding=True, return_tensors="np")
    b_np["input_ids"][0, 1] = 40000
    with pytest.raises(TokenIdError, match="holds id 40000"):
        check(dict(b_np), model=limits)


# ---------------------------------------------------------------- seqfit.guard


@pytest.mark.parametrize("name", sorted(zoo.ZOO))
def test_an_over_long_input_is_refused_before_the_forward_pass(name: str, zoo_build: Any,
                                                                 zoo_model: Any) -> None:
    config, tokenizer = zoo_build(name)
    model = zoo_model(name)
    limits = seqfit.inspect(config, tokenizer=tokenizer)
    if limits.max_tokens is None:
        pytest.skip(f"{name} has no hard length limit (trained on {limits.trained_length})")
    length = limits.max_tokens + 1
    ids = torch.full((1, length), 5)  # a plain token of every zoo vocabulary (and a character)
    calls: list[int] = []
    original = model.forward

    def counting_forward(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    model.forward = counting_forward
    try:
        with seqfit.guard(model, limits=limits), pytest.raises(TooLongError) as info:
            model(input_ids=ids, attention_mask=torch.ones_like(ids))
    finally:
        del model.forward
    assert calls == []
    assert info.value.length == length and info.value.limit == limits.max_tokens
    assert f"has {length} tokens per row but this model accepts at most " \
           f"{limits.max_tokens}" in str(info.value)


def test_guard_restores_forward_and_works_as_a_decorator(zoo_build: Any, zoo_model: Any) -> None:
    model = zoo_model("bert")
    config, _ = zoo_build("bert")

    @seqfit.guard(model)
    def run(n: int) -> Any:
        return model(input_ids=torch.full((1, n), 5))

    assert run(8).last_hidden_state.shape == (1, 8, config.hidden_size)
    with pytest.raises(TooLongError):
        run(65)
    assert "forward" not in vars(model)


def test_a_failure_check_cannot_see_is_explained_and_chained(zoo_build: Any,
                                                             zoo_model: Any) -> None:
    model = zoo_model("gpt2")
    limits = seqfit.inspect(zoo_build("gpt2")[0])
    ids = torch.full((1, 10), 5)
    ids[0, 4] = limits.embedding_rows + 7
    with seqfit.guard(model, check_inputs=False), pytest.raises(GuardedError) as info:
        model(input_ids=ids)
    assert isinstance(info.value.__cause__, IndexError)
    assert info.value.code == "token_id_out_of_vocab"
    assert str(info.value).startswith("Token id outside the embedding table "
                                      "[token_id_out_of_vocab")
    assert isinstance(info.value, SeqfitError)


def test_seqfit_run_explains_above_the_traceback(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent("""
        import sys
        print("args", sys.argv[1:])
        raise RuntimeError("The size of tensor a (802) must match the size of tensor b (512) "
                           "at non-singleton dimension 1")
    """))
    result = subprocess.run([sys.executable, "-m", "seqfit", "run", str(script), "--lr", "3"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == "args ['--lr', '3']\n"
    first, _, rest = result.stderr.partition("\n")
    assert first == ("seqfit: Input longer than the model's position table "
                     "[over_max_positions, confidence 58%]")
    assert "seqfit: Evidence: length=802, limit=512" in rest
    assert rest.index("Traceback (most recent call last):") > rest.index("seqfit: Fix:")


def test_seqfit_run_passes_unrelated_errors_through(tmp_path: Path) -> None:
    script = tmp_path / "ok.py"
    script.write_text("raise KeyError('user_column')\n")
    result = subprocess.run([sys.executable, "-m", "seqfit", "run", str(script)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "seqfit:" not in result.stderr
    assert result.stderr.strip().endswith("KeyError: 'user_column'")
