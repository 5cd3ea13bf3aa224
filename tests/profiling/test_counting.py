"""Token counts of very long texts are exact, counted in chunks so memory stays bounded."""

from __future__ import annotations

import random
from typing import Any

import pytest

import zoo
from seqfit.profiling import counting

FAMILIES = ("bert", "gpt2", "roberta", "t5", "pegasus", "llama", "xlnet", "albert",
            "deberta-v2", "bloom", "marian")


def long_texts(seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    words = [*sorted({w for s in zoo.corpus() for w in s.split()}),
             "naïve", "café", "日本語", "a.b", "x,y", "中文字", "ﬁ", "e\u0301"]
    seps = [" ", "  ", "\n", "\t", " \n ", " \t", "\r\n", "   "]
    return ["".join(rng.choice(words) + rng.choice(seps) for _ in range(n))
            for n in (50, 200, 1000) for _ in range(4)]


def check_exact(name: str, zoo_build: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(counting, "CHUNK_CHARS", 40)  # every text is cut, many times
    _, tokenizer = zoo_build(name)
    texts = long_texts()
    expected = [len(tokenizer(t)["input_ids"]) for t in texts]
    assert counting.token_lengths(tokenizer, texts).tolist() == expected
    pairs = list(reversed(texts))
    expected_pairs = [len(tokenizer(t, p)["input_ids"]) for t, p in zip(texts, pairs,
                                                                          strict=True)]
    assert counting.token_lengths(tokenizer, texts, pairs).tolist() == expected_pairs


@pytest.mark.parametrize("name", FAMILIES)
def test_chunked_counts_equal_whole_counts(name: str, zoo_build: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    check_exact(name, zoo_build, monkeypatch)


@pytest.mark.zoo
@pytest.mark.parametrize("name", sorted(set(zoo.ZOO) - set(FAMILIES)))
def test_chunked_counts_equal_whole_counts_across_the_zoo(name: str, zoo_build: Any,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    check_exact(name, zoo_build, monkeypatch)


def test_texts_are_cut_only_where_spaces_begin() -> None:
    text = "alpha beta\tgamma\ndelta  epsilon"
    pieces = counting._cut(text, 3)
    assert "".join(pieces) == text
    assert all(p.startswith(" ") for p in pieces[1:])
    assert counting._cut("no-spaces-at-all" * 10, 4) == ["no-spaces-at-all" * 10]
