"""Collator and LengthSampler: drop-in training helpers that pad right and waste little."""

from __future__ import annotations

import random

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from transformers import AutoConfig, AutoTokenizer

import seqfit
from seqfit.errors import MissingPadTokenError, TooLongError
from seqfit.model.loading import default_model_path
from seqfit.plan import plan_fixed_batches
from seqfit.training import Collator, LengthSampler


@pytest.fixture(scope="module")
def tok():
    return AutoTokenizer.from_pretrained(default_model_path())


def test_collator_pads_every_key_and_labels_with_minus_100(tok) -> None:
    features = [dict(tok("one two three"), labels=[1, 2, 3, 4, 5]),
                dict(tok("four"), labels=[7, 8, 9])]
    out = Collator(tok)(features)
    assert out["input_ids"].tolist() == [[101, 2028, 2048, 2093, 102], [101, 2176, 102, 0, 0]]
    assert out["attention_mask"].tolist() == [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]
    assert out["token_type_ids"].tolist() == [[0] * 5, [0] * 5]
    assert out["labels"].tolist() == [[1, 2, 3, 4, 5], [7, 8, 9, -100, -100]]


def test_collator_aligns_word_labels_to_word_pieces(tok) -> None:
    enc = tok(["unbelievably", "short", "tokenizers"], is_split_into_words=True)
    feature = dict(enc, labels=[3, 1, 4], word_ids=enc.word_ids())
    out = Collator(tok, return_tensors="np")([feature])
    pieces = tok.convert_ids_to_tokens(out["input_ids"][0])
    expected = []
    previous = None
    for word in enc.word_ids():
        expected.append(-100 if word is None or word == previous else [3, 1, 4][word])
        previous = word
    assert out["labels"][0].tolist() == expected
    assert pieces[0] == "[CLS]" and out["labels"][0][0] == -100
    assert "word_ids" not in out
    everything = Collator(tok, label_all_tokens=True, return_tensors="np")([dict(feature)])
    assert (everything["labels"][0] != -100).sum() == len(enc["input_ids"]) - 2


def test_collator_refuses_a_feature_over_the_model_limit(tok) -> None:
    limits = seqfit.inspect(default_model_path())
    with pytest.raises(TooLongError) as info:
        Collator(tok, model=limits)([{"input_ids": list(range(600))}])
    assert str(info.value) == (
        "feature 0 has 600 tokens but the model accepts at most 512. Fix: tokenize with "
        "truncation=True, max_length=512, or seqfit.fit(..., strategy='window')")


def test_collator_without_pad_token_says_how_to_set_one() -> None:
    with pytest.raises(MissingPadTokenError) as info:
        Collator(pad_token_id=None)([{"input_ids": [1, 2]}, {"input_ids": [1]}])
    assert str(info.value) == (
        "features of different lengths must be padded but there is no pad token. Fix: "
        "tokenizer.pad_token = tokenizer.eos_token, then Collator(tokenizer)")


@pytest.mark.forward
def test_collator_is_a_drop_in_for_trainer(tok, tmp_path) -> None:
    from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments

    config = AutoConfig.from_pretrained(default_model_path(), num_hidden_layers=1,
                                        num_labels=2)
    model = AutoModelForSequenceClassification.from_config(config)
    rng = random.Random(0)
    data = [dict(tok(" ".join(["word"] * rng.randint(1, 40))), labels=rng.randint(0, 1))
            for _ in range(16)]
    args = TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=4,
                             max_steps=2, report_to=[], use_cpu=True, save_strategy="no",
                             logging_strategy="no")
    trainer = Trainer(model=model, args=args, train_dataset=data, data_collator=Collator(tok))
    result = trainer.train()
    assert result.global_step == 2 and result.training_loss > 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 300), min_size=1, max_size=300),
       st.integers(300, 5000), st.integers(0, 5), st.booleans())
def test_length_sampler_covers_every_row_once_within_budget(lengths, batch_tokens, seed, shuffle):
    sampler = LengthSampler(lengths, batch_tokens=batch_tokens, seed=seed, shuffle=shuffle,
                            pool_batches=4)
    batches = list(sampler)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len(b) * max(lengths[i] for i in b) <= batch_tokens for b in batches)
    assert len(sampler) == len(batches)


def test_length_sampler_changes_order_per_epoch_and_pads_less_than_random_batches() -> None:
    rng = random.Random(1)
    lengths = [min(512, int(rng.paretovariate(1.1) * 20)) for _ in range(5000)]
    sampler = LengthSampler(lengths, batch_tokens=4096, seed=3)
    first = list(sampler)
    sampler.set_epoch(1)
    second = list(sampler)
    assert first != second
    padded = sum(len(b) * max(lengths[i] for i in b) for b in first)
    share = 1 - sum(lengths) / padded
    rows_per_batch = max(1, len(lengths) // len(first))
    fixed = plan_fixed_batches(lengths, batch_size=rows_per_batch)
    assert share < fixed.padding_share / 2  # grouping by length at least halves the waste


def test_length_sampler_feeds_a_dataloader_with_the_collator(tok) -> None:
    from torch.utils.data import DataLoader

    texts = ["word " * n for n in (1, 30, 2, 29, 3, 28, 4, 27)]
    data = [dict(tok(t)) for t in texts]
    sampler = LengthSampler([len(d["input_ids"]) for d in data], batch_tokens=80, seed=0)
    loader = DataLoader(data, batch_sampler=sampler, collate_fn=Collator(tok))
    shapes = [tuple(b["input_ids"].shape) for b in loader]
    assert sum(r for r, _ in shapes) == len(texts)
    assert all(r * w <= 80 for r, w in shapes)
    assert isinstance(next(iter(loader))["input_ids"], torch.Tensor)
