"""Training helpers: a padding ``Collator`` for ``transformers.Trainer`` and a token-budget
``LengthSampler`` for map-style datasets.

>>> sampler = LengthSampler([5, 50, 7, 48, 6, 52], batch_tokens=160, shuffle=False)
>>> [sorted(batch) for batch in sampler]
[[1, 3, 5], [0, 2, 4]]
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ._checks import as_list, check_choice, check_whole, is_int
from .batching import pad_rows
from .errors import (
    InputError,
    MissingDependencyError,
    MissingPadTokenError,
    OptionError,
    ShapeError,
    TooLongError,
)
from .model.limits import limits_for
from .plan import plan_batches

LABEL_PAD = -100


class Collator:
    """A drop-in ``data_collator``: pads every key of a list of features to the longest.

    ``input_ids`` with the pad id (on the side the model's padding rule asks for, else the
    tokenizer's),
    ``attention_mask``/``token_type_ids`` with 0, ``special_tokens_mask`` with 1, and sequence
    ``labels`` with -100. Features that carry ``word_ids`` (from ``encoding.word_ids()``) and one
    label per word get their labels aligned to word pieces: the first piece of each word takes the
    word's label, later pieces and special tokens -100 (or the word's label with
    ``label_all_tokens=True``). Scalar labels are stacked.

    >>> collate = Collator(pad_token_id=0, return_tensors="np")
    >>> out = collate([{"input_ids": [101, 7, 102], "labels": 1}, {"input_ids": [101, 102],
    ...                 "labels": 0}])
    >>> out["input_ids"].tolist(), out["attention_mask"].tolist(), out["labels"].tolist()
    ([[101, 7, 102], [101, 102, 0]], [[1, 1, 1], [1, 1, 0]], [1, 0])
    """

    def __init__(self, tokenizer: Any = None, *, model: Any = None,
                 pad_token_id: int | None = None, pad_to_multiple_of: int | None = None,
                 label_all_tokens: bool = False, return_tensors: str = "pt") -> None:
        check_choice("return_tensors", return_tensors, ("pt", "np"))
        pad_to_multiple_of = check_whole("pad_to_multiple_of", pad_to_multiple_of, optional=True,
                                         example=8)
        if pad_token_id is not None and not is_int(pad_token_id):
            raise OptionError(f"pad_token_id={pad_token_id!r}; it must be a whole number.",
                              option="pad_token_id", value=pad_token_id,
                              fix="pad_token_id=tokenizer.pad_token_id")
        limits = limits_for(model)
        self.limits = limits
        self.pad_token_id = pad_token_id if pad_token_id is not None else (
            getattr(tokenizer, "pad_token_id", None) if tokenizer is not None else (
                limits.pad_token_id if limits is not None else None))
        side = limits.padding.side if limits is not None else getattr(
            tokenizer, "padding_side", "right")
        self.left = side == "left"
        self.pad_to_multiple_of = pad_to_multiple_of
        self.label_all_tokens = label_all_tokens
        self.return_tensors = return_tensors

    def __call__(self, features: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        import numpy as np

        if not features or not all(isinstance(f, Mapping) and "input_ids" in f
                                   for f in features):
            raise InputError(
                "the Collator takes a non-empty list of features, each a mapping with "
                f"input_ids; got {_describe_features(features)}.",
                fix="collate([tokenizer(text) for text in texts]), or a Dataset of "
                    "tokenized rows as the Trainer's train_dataset")
        aligned = [self._align(dict(f), i) for i, f in enumerate(features)]
        if "attention_mask" not in aligned[0]:
            for feature in aligned:
                feature["attention_mask"] = [1] * len(feature["input_ids"])
        features = aligned
        lengths = [len(f["input_ids"]) for f in features]
        width = max(lengths)
        limit = self.limits.max_tokens if self.limits is not None else None
        if self.pad_to_multiple_of:  # a multiple past the model's limit stops at the limit
            rounded = -(-width // self.pad_to_multiple_of) * self.pad_to_multiple_of
            width = rounded if limit is None or width > limit else min(rounded, limit)
        if limit is not None and width > limit:
            row = lengths.index(max(lengths))
            raise TooLongError(
                length=max(lengths), limit=limit, row=row,
                message=f"feature {row} has {max(lengths)} tokens but the model accepts at most "
                        f"{limit}.",
                fix=f"tokenize with truncation=True, max_length={limit}, or seqfit.fit(..., "
                    "strategy='window')")
        if self.pad_token_id is None and min(lengths) < width:
            raise MissingPadTokenError(
                "features of different lengths must be padded but there is no pad token.",
                fix="tokenizer.pad_token = tokenizer.eos_token, then Collator(tokenizer)")
        out: dict[str, Any] = {}
        for key in features[0]:
            values = [f[key] for f in features]
            if _is_sequence(values[0]):
                out[key] = self._pad_key(key, values, width)
            else:
                out[key] = np.asarray(values)
        return self._tensors(out)

    def _pad_value(self, key: str) -> int:
        if key == "input_ids":
            return int(self.pad_token_id if self.pad_token_id is not None else 0)
        if key in ("labels", "label"):
            return LABEL_PAD
        return 1 if key == "special_tokens_mask" else 0

    def _pad_key(self, key: str, values: list[Any], width: int) -> Any:
        if key in ("labels", "label") and any(len(v) > width for v in values):
            raise ShapeError(f"{key} rows are longer than input_ids ({width}).", field=key,
                             fix="one label per token; align word labels with word_ids")
        return pad_rows(values, width, self._pad_value(key), left=self.left)

    def _align(self, feature: dict[str, Any], index: int) -> dict[str, Any]:
        word_ids = feature.pop("word_ids", None)
        labels = feature.get("labels")
        if word_ids is None or labels is None or not _is_sequence(labels) or len(
                labels) == len(feature["input_ids"]):
            return feature
        if len(word_ids) != len(feature["input_ids"]):
            raise ShapeError(
                f"feature {index}: word_ids has {len(word_ids)} entries but input_ids has "
                f"{len(feature['input_ids'])}.", field="word_ids",
                fix="store encoding.word_ids() of the same encoding")
        aligned: list[int] = []
        previous = None
        for word in word_ids:
            if word is None or word >= len(labels):
                aligned.append(LABEL_PAD)
            elif word != previous or self.label_all_tokens:
                aligned.append(int(labels[word]))
            else:
                aligned.append(LABEL_PAD)
            previous = word
        feature["labels"] = aligned
        return feature

    def _tensors(self, out: dict[str, Any]) -> dict[str, Any]:
        if self.return_tensors == "np":
            return out
        try:
            import torch
        except ImportError:
            raise MissingDependencyError("seqfit.Collator", "torch", "torch") from None
        return {k: torch.as_tensor(v) for k, v in out.items()}


def _describe_features(features: Any) -> str:
    if not features:
        return "none"
    bad = next(f for f in features if not (isinstance(f, Mapping) and "input_ids" in f))
    if isinstance(bad, Mapping):
        return f"a feature with keys {sorted(map(str, bad))}"
    return f"a {type(bad).__name__}"


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (list, tuple)) or (
        hasattr(value, "ndim") and getattr(value, "ndim", 0) >= 1)


class LengthSampler:
    """A ``batch_sampler`` of token-budget, length-grouped batches with shuffling.

    Each epoch shuffles the row order, cuts it into pools of ``pool_batches`` batches' worth of
    rows, plans length-sorted batches of at most ``batch_tokens`` padded tokens inside each pool,
    and shuffles the batches. Use it with ``DataLoader(dataset, batch_sampler=sampler,
    collate_fn=Collator(tokenizer))``; call ``set_epoch(epoch)`` for a new order each epoch.

    Memory: it keeps the lengths (one Python int per row, about 28-36 bytes each) and one
    permutation per epoch; for 10 million rows, under 1 GB. Lengths must be known up front, e.g.
    ``dataset.map(lambda x: {"n": len(x["input_ids"])})["n"]``.
    """

    def __init__(self, lengths: Sequence[int], *, batch_tokens: int,
                 max_batch_size: int | None = None, shuffle: bool = True, seed: int = 0,
                 pool_batches: int = 64, pad_to_multiple_of: int | None = None) -> None:
        self.lengths = as_list("lengths", lengths, what="lengths",
                               example="[len(row['input_ids']) for row in dataset]")
        self.batch_tokens = check_whole("batch_tokens", batch_tokens, example=16384) or 1
        # lengths and limits are checked now, not at the first epoch
        bad = next((i for i, n in enumerate(self.lengths) if not is_int(n) or n < 0), None)
        if bad is not None:
            raise InputError(f"lengths[{bad}] is {self.lengths[bad]!r}, but a length is a whole "
                             "number of tokens >= 0.", row=bad,
                             fix="lengths=[len(row['input_ids']) for row in dataset]")
        max_batch_size = check_whole("max_batch_size", max_batch_size, optional=True, example=32)
        pad_to_multiple_of = check_whole("pad_to_multiple_of", pad_to_multiple_of, optional=True,
                                         example=8)
        longest = max(range(len(self.lengths)), key=self.lengths.__getitem__, default=None)
        if longest is not None:  # the longest row must fit a batch on its own
            width = self.lengths[longest]
            if pad_to_multiple_of:
                width = -(-width // pad_to_multiple_of) * pad_to_multiple_of
            if width > self.batch_tokens:
                raise TooLongError(
                    length=self.lengths[longest], limit=self.batch_tokens, row=longest,
                    message=f"lengths[{longest}] is {self.lengths[longest]} tokens (padded: "
                            f"{width}) but batch_tokens={self.batch_tokens}, so that row fits in "
                            "no batch, even alone.",
                    fix=f"batch_tokens={width} or more, or fit the rows to at most "
                        f"{self.batch_tokens} tokens first")
        pool_batches = check_whole("pool_batches", pool_batches, example=64) or 1
        self.max_batch_size = max_batch_size
        self.shuffle = shuffle
        self.seed = seed
        self.pool_batches = pool_batches
        self.pad_to_multiple_of = pad_to_multiple_of
        self.epoch = 0
        self._cache: tuple[int, list[list[int]]] | None = None

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def _batches(self) -> list[list[int]]:
        if self._cache is not None and self._cache[0] == self.epoch:
            return self._cache[1]
        rng = random.Random(self.seed + self.epoch)
        order = list(range(len(self.lengths)))
        if self.shuffle:
            rng.shuffle(order)
        if not order:
            return []
        mean = max(1, sum(self.lengths) // len(self.lengths))
        pool = len(order) if not self.shuffle else max(
            1, self.pool_batches * max(1, self.batch_tokens // mean))
        out: list[list[int]] = []
        for start in range(0, len(order), pool):
            rows = order[start:start + pool]
            plan = plan_batches([self.lengths[i] for i in rows], batch_tokens=self.batch_tokens,
                                max_batch_size=self.max_batch_size,
                                pad_to_multiple_of=self.pad_to_multiple_of)
            out.extend([rows[i] for i in batch] for batch in plan.batches)
        if self.shuffle:
            rng.shuffle(out)
        self._cache = (self.epoch, out)
        return out

    def __iter__(self) -> Iterator[list[int]]:
        return iter(self._batches())

    def __len__(self) -> int:
        return len(self._batches())
