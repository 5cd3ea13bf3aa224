"""Tiny saved models for the runners: a zoo BERT as a bare encoder, a classifier, a tagger, and
a context-free tagger (no layers, no positions) whose tokens' labels cannot depend on windows."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import zoo

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``tiny(kind)``: the folder of a saved zoo BERT with random weights (seeded) for ``kind``
    in ``base``, ``classifier``, ``tagger``, ``context-free-tagger``."""
    import torch
    import transformers

    cache: dict[str, Path] = {}

    def build(kind: str) -> Path:
        if kind in cache:
            return cache[kind]
        config, tokenizer = zoo.build("bert")
        values: dict[str, Any] = {**config.to_dict(), "initializer_range": 0.5}
        auto: Any = transformers.AutoModel
        if kind == "classifier":
            values.update(num_labels=3, id2label={0: "neg", 1: "neu", 2: "pos"},
                          label2id={"neg": 0, "neu": 1, "pos": 2})
            auto = transformers.AutoModelForSequenceClassification
        elif kind in ("tagger", "context-free-tagger"):
            values.update(num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
                          label2id={label: i for i, label in enumerate(LABELS)})
            auto = transformers.AutoModelForTokenClassification
        if kind == "context-free-tagger":
            values.update(num_hidden_layers=0)
        torch.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = auto.from_config(type(config).from_dict(values)).eval()
            if kind == "context-free-tagger":
                with torch.no_grad():
                    model.bert.embeddings.position_embeddings.weight.zero_()
            folder = tmp_path_factory.mktemp(kind)
            model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
        cache[kind] = folder
        return folder

    return build
