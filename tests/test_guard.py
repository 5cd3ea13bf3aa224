"""seqfit.guard: an over-long input never reaches the model; failures come back explained."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import torch

import seqfit
import zoo
from seqfit.errors import SeqfitError, TooLongError
from seqfit.guard import GuardedError


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
    assert info.value.code_found == "token_id_out_of_vocab"
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
                     "[over_max_positions, confidence 75%]")
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
