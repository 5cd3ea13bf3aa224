"""The fast path (a folder read from its files, no transformers import) agrees with the import
path on every zoo architecture."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import seqfit
import zoo
from seqfit.model import loading
from seqfit.model.files import FileTokenizer
from seqfit.model.loading import default_model_path
from seqfit.profiling.counting import token_lengths

TEXTS = ["Hello world.", "A longer text, with punctuation; and numbers 1234!", "",
         "  spaces   and\ttabs\nnewlines ", "Ünïcödé façade — naïve café"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Any:
    cache: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in cache:
            config, tokenizer = zoo.build(name)
            folder = tmp_path_factory.mktemp(name)
            config.save_pretrained(folder)
            tokenizer.save_pretrained(folder)
            cache[name] = folder
        return cache[name]

    return get


def both_paths(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    fast = loading.load(str(folder))
    monkeypatch.setenv("SEQFIT_IMPORT_PATH", "1")
    slow = loading.load(str(folder))
    monkeypatch.delenv("SEQFIT_IMPORT_PATH")
    return fast, slow


@pytest.mark.parametrize("name", sorted(zoo.ZOO))
def test_the_fast_path_reads_the_limits_the_import_path_reads(name: str, saved: Any,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    fast, slow = both_paths(saved(name), monkeypatch)
    if not isinstance(fast.tokenizer, FileTokenizer):
        pytest.skip(f"{name}: read through transformers ({type(fast.config).__name__}, "
                    f"{type(fast.tokenizer).__name__})")
    from seqfit.model.limits import limits_of

    assert limits_of(fast).to_dict() == limits_of(slow).to_dict()
    for text in TEXTS:
        assert fast.tokenizer(text)["input_ids"] == list(slow.tokenizer(text)["input_ids"])
    assert token_lengths(fast.tokenizer, TEXTS).tolist() == \
        token_lengths(slow.tokenizer, TEXTS).tolist()


@pytest.mark.zoo
def test_most_zoo_architectures_take_the_fast_path(saved: Any) -> None:
    fast = [name for name in sorted(zoo.ZOO)
            if isinstance(loading.load(str(saved(name))).tokenizer, FileTokenizer)]
    print(f"\n{len(fast)} of {len(zoo.ZOO)} zoo architectures take the fast path")
    assert len(fast) >= 0.6 * len(zoo.ZOO)


def test_inspecting_the_embedded_model_imports_neither_torch_nor_transformers() -> None:
    code = ("import sys, seqfit; limits = seqfit.inspect(); "
            "print(limits.max_tokens, 'torch' in sys.modules, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["512", "False", "False"]


def test_the_embedded_model_reads_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = seqfit.inspect(default_model_path())
    monkeypatch.setenv("SEQFIT_IMPORT_PATH", "1")
    slow = seqfit.inspect(default_model_path())
    assert fast.to_dict() == slow.to_dict()
