"""``seqfit.check`` validates a batch against a model before the forward pass; ``seqfit.guard``
runs that check on every forward call of a model, and explains whatever still fails.

A failed forward pass says "index out of range in self" or "The size of tensor a (802) must match
the size of tensor b (512)"; ``check`` says which id, row and position, against which limit, and
what to type instead. It works on torch tensors (CPU or GPU, without copying them to the host),
numpy arrays and lists of lists, with a few whole-batch reductions: it costs a small fraction of a
forward pass.

>>> from seqfit import check
>>> check({"input_ids": [[101, 7, 102], [101, 8]]})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
seqfit.errors.RaggedBatchError: input_ids rows have different lengths (3, 2)...
"""

from __future__ import annotations

import functools
import inspect as _pyinspect
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, TypeVar

from .errors import (
    DtypeError,
    InputError,
    MaskError,
    MissingPadTokenError,
    PaddingSideError,
    RaggedBatchError,
    SeqfitError,
    ShapeError,
    TokenIdError,
    TokenTypeError,
    TooLongError,
    TooShortError,
    UnexpectedTokenTypesError,
)
from .model.limits import ModelLimits, limits_for

SEQUENCE_KEYS = ("attention_mask", "token_type_ids", "position_ids")


def check(batch: Mapping[str, Any], *, model: Any = None) -> None:
    """Raise a specific :class:`~seqfit.errors.BatchError` (or length error) if ``batch`` would
    fail, or silently give wrong outputs, in ``model``'s forward pass.

    ``model`` is anything :func:`seqfit.inspect` accepts (a loaded model, a config, a name) or its
    :class:`~seqfit.ModelLimits`; without it only what needs no model is checked (shapes,
    raggedness, masks).
    """
    if not isinstance(batch, Mapping):
        raise InputError(
            f"check takes the batch as a mapping of input names to tensors, not a "
            f"{type(batch).__name__}.", fix="seqfit.check({'input_ids': ids, 'attention_mask': "
            "mask}, model=model), or the tokenizer's output as it is")
    limits = limits_for(model)
    if "input_ids" not in batch:
        if batch.get("inputs_embeds") is not None:
            _check_embeds(batch["inputs_embeds"], limits)
            return
        raise ShapeError(
            f"the batch has no input_ids (keys: {', '.join(map(str, batch)) or 'none'}).",
            field="input_ids",
            fix="pass the tokenizer's output: model(**tokenizer(texts, padding=True, "
                "return_tensors='pt'))",
        )
    pad_id = limits.pad_token_id if limits is not None else None
    ids = _array(batch["input_ids"], "input_ids", pad_id, limits)
    if ids.ndim == 1:
        raise ShapeError(
            f"input_ids has shape {tuple(ids.shape)}: one row without a batch dimension.",
            field="input_ids", shape=list(ids.shape),
            fix="add the batch dimension: input_ids.unsqueeze(0), or tokenizer(text, "
                "return_tensors='pt')")
    if ids.ndim != 2:
        raise ShapeError(f"input_ids has {ids.ndim} dimensions {tuple(ids.shape)}; expected 2 "
                         "(batch, sequence).", field="input_ids", shape=list(ids.shape),
                         fix="reshape to (batch, sequence)")
    _check_dtype(ids, "input_ids")
    rows, length = int(ids.shape[0]), int(ids.shape[1])
    arrays = {key: _array(batch[key], key, pad_id, limits) for key in SEQUENCE_KEYS
              if batch.get(key) is not None}
    for key in ("token_type_ids", "position_ids"):
        if key in arrays:
            _check_dtype(arrays[key], key)
    _check_shapes(ids, arrays)
    if limits is not None:
        _check_length(length, limits.max_tokens, limits.min_tokens, "input_ids", limits)
    if rows == 0 or length == 0:
        return
    _check_labels(batch.get("labels"), ids, limits, pad_id)
    mask = arrays.get("attention_mask")
    if _suspicious(ids, arrays.get("token_type_ids"), mask, arrays.get("position_ids"), limits):
        if limits is not None:
            _check_ids(ids, limits.embedding_rows, "input_ids")
            _check_token_types(arrays.get("token_type_ids"), limits)
            _check_positions(arrays.get("position_ids"), limits)
        _check_mask(ids, mask, arrays.get("position_ids"), limits)
    decoder_ids = batch.get("decoder_input_ids")
    if decoder_ids is not None and limits is not None and limits.decoder is not None:
        dec = _array(decoder_ids, "decoder_input_ids", pad_id, limits)
        _check_length(int(dec.shape[-1]), limits.decoder.max_tokens, 1, "decoder_input_ids",
                      limits)
        _check_ids(dec, limits.embedding_rows, "decoder_input_ids")


def _suspicious(ids: Any, types: Any | None, mask: Any | None, positions: Any | None,
                limits: ModelLimits | None) -> bool:
    """Whether any value-level check could fail, in ONE host sync for GPU tensors (each of the
    detailed checks below syncs; they run only when this says so)."""
    flags: list[Any] = []
    if limits is not None:
        if positions is not None and limits.position_table is not None:
            flags.append(((positions < 0) | (positions >= limits.position_table)).any())
        if limits.embedding_rows is not None:
            flags.append(((ids < 0) | (ids >= limits.embedding_rows)).any())
        else:
            flags.append((ids < 0).any())
        if types is not None:
            if not limits.accepts_token_type_ids and not limits.ignores_unknown_inputs:
                return True
            size = limits.type_vocab_size
            if limits.accepts_token_type_ids and size:
                flags.append(((types < 0) | (types >= size)).any())
    if mask is not None:
        flags.append(((mask != 0) & (mask != 1)).any())
    pad_id = limits.pad_token_id if limits is not None else None
    if pad_id is not None and limits is not None:
        eos_is_pad = pad_id == limits.eos_token_id
        for column, inner in ((-1, -2), (0, 1)):
            flags.append(_attended_pad(ids, mask, pad_id, eos_is_pad, column, inner).any())
    if mask is not None and limits is not None and limits.padding.left != "safe" and (
            positions is None or limits.padding.left == "unsafe"):
        flags.append((mask[:, 0] == 0).any())
    if not flags:
        return False
    stack = getattr(type(flags[0]), "__module__", "").startswith("torch")
    if stack:
        import torch

        return bool(torch.stack([f.reshape(()) for f in flags]).any().item())
    return any(bool(f) for f in flags)


def _array(value: Any, field: str, pad_id: int | None, limits: ModelLimits | None) -> Any:
    """A torch tensor or numpy array as is; a list of lists as a numpy array, if not ragged."""
    if hasattr(value, "shape") and hasattr(value, "ndim"):
        return value
    import numpy as np

    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
        lengths = sorted({len(row) for row in value})
        if len(lengths) > 1:
            shown = ", ".join(str(len(row)) for row in value[:8])
            more = f", ... ({len(value)} rows)" if len(value) > 8 else ""
            if pad_id is None and limits is not None:
                raise MissingPadTokenError(
                    f"{field} rows have different lengths ({shown}{more}) and the tokenizer has "
                    "no pad token to pad them with.",
                    field=field, lengths=lengths,
                    fix="tokenizer.pad_token = tokenizer.eos_token, then tokenizer(texts, "
                        "padding=True, return_tensors='pt')")
            raise RaggedBatchError(
                f"{field} rows have different lengths ({shown}{more}); a batch must be "
                "rectangular.",
                field=field, lengths=lengths,
                fix="tokenizer(texts, padding=True, truncation=True, return_tensors='pt'), or "
                    "seqfit.batches(seqfit.fit(texts, tokenizer=tokenizer))")
    return np.asarray(value)


def _check_dtype(array: Any, field: str) -> None:
    """Ids, token types and positions index tables: they must be 32- or 64-bit integers."""
    dtype = getattr(array, "dtype", None)
    name = str(dtype).removeprefix("torch.")
    if name in ("int64", "int32", "long", "int"):
        return
    kind = getattr(dtype, "kind", "")  # numpy
    why = {"f": "floats", "b": "booleans", "U": "strings", "O": "Python objects",
           "S": "bytes"}.get(kind) or ("floats" if "float" in name else (
               "booleans" if name == "bool" else f"{name} integers"))
    wrap = ", which stop at 255" if name == "uint8" else ""
    raise DtypeError(
        f"{field} holds {why} (dtype {name}{wrap}); embedding lookups take 64-bit integer "
        "ids.", field=field, dtype=name,
        fix=f"{field}.long() (torch) or {field}.astype('int64') (numpy); ids come from the "
            "tokenizer")


def _check_embeds(embeds: Any, limits: ModelLimits | None) -> None:
    shape = tuple(getattr(embeds, "shape", ()))
    if len(shape) != 3:
        raise ShapeError(f"inputs_embeds has shape {shape}; expected 3 dimensions (batch, "
                         "sequence, hidden).", field="inputs_embeds", shape=list(shape),
                         fix="model.get_input_embeddings()(input_ids) gives (batch, sequence, "
                             "hidden)")
    if limits is not None:
        _check_length(int(shape[1]), limits.max_tokens, limits.min_tokens, "inputs_embeds",
                      limits)


def _check_positions(positions: Any | None, limits: ModelLimits) -> None:
    table = limits.position_table
    if positions is None or table is None:
        return
    low, high = int(positions.min()), int(positions.max())
    if low >= 0 and high < table:
        return
    bad = (positions < 0) | (positions >= table)
    row, pos = _first_where(bad, int(positions.shape[-1]))
    value = int(positions[row, pos] if positions.shape[0] > row else positions[0, pos])
    raise TooLongError(
        length=value + 1, limit=table, field="position_ids", row=row, position=pos,
        message=f"position_ids holds {value} at row {row}, position {pos} but the position "
                f"table has {table} rows (positions 0..{table - 1}).",
        fix="position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0), or leave "
            "position_ids out and let the model count; seqfit.fit keeps inputs within the "
            "table")


def _check_shapes(ids: Any, arrays: dict[str, Any]) -> None:
    shape = tuple(ids.shape)
    for key, array in arrays.items():
        other = tuple(array.shape)
        if other == shape or (key == "position_ids" and other == (1, shape[1])):
            continue
        raise ShapeError(
            f"{key} has shape {other} but input_ids has shape {shape}; they must match.",
            field=key, shape=list(other), expected=list(shape),
            fix="build every key from the same tokenizer call: tokenizer(texts, padding=True, "
                "return_tensors='pt') returns matching ids and mask")


def _check_length(length: int, limit: int | None, minimum: int, field: str,
                  limits: ModelLimits) -> None:
    if limit is not None and length > limit:
        content = limits.max_content_tokens
        budget = (f" ({limit} positions, of which {limit - content} are special tokens)"
                  if content is not None and field == "input_ids" else "")
        raise TooLongError(
            length=length, limit=limit, field=field,
            message=f"{field} has {length} tokens per row but this model accepts at most "
                    f"{limit}{budget}.",
            fix=f"tokenizer(..., truncation=True, max_length={limit}), or seqfit.fit(texts, "
                f"tokenizer=tokenizer, strategy='window') to keep every token")
    if length < minimum:
        raise TooShortError(
            length=length, minimum=minimum,
            message=f"{field} has {length} tokens per row but {limits.model_type} needs at "
                    f"least {minimum}.",
            fix=f"tokenizer(..., padding='max_length', max_length={minimum})")


def _first_true(condition: Any) -> int:
    """Flat index of the first True in a numpy or torch boolean array (torch's argmax takes no
    booleans, hence the multiplication)."""
    return int((condition.reshape(-1) * 1).argmax())


def _first_where(condition: Any, length: int) -> tuple[int, int]:
    return divmod(_first_true(condition), length)


def _check_ids(ids: Any, rows_in_table: int | None, field: str) -> None:
    length = int(ids.shape[-1])
    low = int(ids.min())
    if low < 0:
        row, pos = _first_where(ids < 0, length)
        raise TokenIdError(
            f"{field} holds the negative id {int(ids[row, pos])} at row {row}, position {pos}.",
            field=field, id=int(ids[row, pos]), row=row, position=pos,
            fix="ids come from the tokenizer; -100 belongs in labels, never in input_ids")
    if rows_in_table is None:
        return
    high = int(ids.max())
    if high >= rows_in_table:
        row, pos = _first_where(ids >= rows_in_table, length)
        raise TokenIdError(
            f"{field} holds id {high} (first at row {row}, position {pos}) but the embedding "
            f"table has {rows_in_table} rows (ids 0..{rows_in_table - 1}).",
            field=field, id=high, row=row, position=pos, table_size=rows_in_table,
            fix="use the model's own tokenizer, or after adding tokens: "
                "model.resize_token_embeddings(len(tokenizer))")


def _check_token_types(types: Any, limits: ModelLimits) -> None:
    if types is None:
        return
    if not limits.accepts_token_type_ids:
        if limits.ignores_unknown_inputs:
            return  # transformers 5: forward(**kwargs) drops them silently, harmlessly
        raise UnexpectedTokenTypesError(
            f"token_type_ids were given but the forward pass of {limits.model_type} models "
            "takes none (TypeError: unexpected keyword argument).",
            field="token_type_ids",
            fix="tokenizer(..., return_token_type_ids=False), or drop the key: "
                "batch.pop('token_type_ids')")
    size = limits.type_vocab_size
    high = int(types.max())
    if (size is not None and high >= size) or int(types.min()) < 0:
        length = int(types.shape[-1])
        bad = (types >= (size or 0)) | (types < 0)
        row, pos = _first_where(bad, length)
        raise TokenTypeError(
            f"token_type_ids holds {int(types[row, pos])} at row {row}, position {pos} but "
            f"this model has type_vocab_size={size} (valid: 0..{(size or 1) - 1}).",
            field="token_type_ids", value=int(types[row, pos]), row=row, position=pos,
            type_vocab_size=size,
            fix="tokenizer(..., return_token_type_ids=False) for RoBERTa-family models, or use "
                "the model's own tokenizer")


def _attended_pad(ids: Any, mask: Any | None, pad_id: int, eos_id_is_pad: bool, column: int,
                  inner: int) -> Any:
    """Per row: does the edge ``column`` hold padding that the mask attends (or no mask)?"""
    edge = ids[:, column] == pad_id
    if eos_id_is_pad and ids.shape[1] > 1:
        edge = edge & (ids[:, inner] == pad_id)  # one eos at the edge can be real text
    if mask is not None:
        edge = edge & (mask[:, column] != 0)
    return edge


def _trailing_pad_attended(ids: Any, mask: Any | None, pad_id: int, eos_id_is_pad: bool,
                           column: int, inner: int) -> int | None:
    """Index of a row whose edge column holds attended padding, or None."""
    edge = _attended_pad(ids, mask, pad_id, eos_id_is_pad, column, inner)
    if not bool(edge.any()):
        return None
    return _first_true(edge)


def _check_mask(ids: Any, mask: Any | None, positions: Any | None,
                limits: ModelLimits | None) -> None:
    pad_id = limits.pad_token_id if limits is not None else None
    if mask is not None:
        bad = (mask != 0) & (mask != 1)
        if bool(bad.any()):
            row, pos = _first_where(bad, int(mask.shape[1]))
            raise MaskError(
                f"attention_mask holds {mask[row, pos].item()} at row {row}, position {pos}; "
                "a mask is 1 for real tokens and 0 for padding.",
                field="attention_mask", row=row, position=pos,
                fix="use the tokenizer's attention_mask, or (input_ids != pad_token_id).long()")
    if pad_id is not None and limits is not None:
        eos_is_pad = pad_id == limits.eos_token_id
        for column, inner, side in ((-1, -2, "end"), (0, 1, "start")):
            padded_row = _trailing_pad_attended(ids, mask, pad_id, eos_is_pad, column, inner)
            if padded_row is None:
                continue
            if mask is None:
                raise MaskError(
                    f"row {padded_row} is padded (pad id {pad_id} at its {side}) but the batch has "
                    "no attention_mask, so the model attends to the padding and its outputs "
                    "change.",
                    field="attention_mask", row=padded_row,
                    fix="pass the mask: model(**tokenizer(texts, padding=True, "
                        "return_tensors='pt'))")
            raise MaskError(
                f"row {padded_row} has pad id {pad_id} at its {side} with attention_mask 1: "
                "padding is attended and changes the outputs.",
                field="attention_mask", row=padded_row,
                fix="attention_mask = (input_ids != pad_token_id).long(), or the tokenizer's own "
                    "mask")
    if mask is None or limits is None or int(mask.shape[1]) == 0:
        return
    left = (mask[:, 0] == 0) & (mask.sum(-1) > 0)
    if not bool(left.any()):
        return
    row = _first_true(left)
    rule = limits.padding
    if rule.left == "unsafe":
        raise PaddingSideError(
            f"row {row} is padded on the left, but {rule.reason}",
            field="attention_mask", row=row,
            fix="tokenizer.padding_side = 'right'")
    if rule.left == "needs-position-ids" and positions is None:
        raise PaddingSideError(
            f"row {row} is padded on the left but no position_ids were given, so its first real "
            f"token sits at a later position than in an unpadded run. {rule.reason}",
            field="position_ids", row=row,
            fix="position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0), or "
                "tokenizer.padding_side = 'right'")


def _is_float(array: Any) -> bool:
    is_floating = getattr(array, "is_floating_point", None)
    if callable(is_floating):
        return bool(is_floating())
    return getattr(getattr(array, "dtype", None), "kind", "") == "f"


def _check_labels(labels: Any, ids: Any, limits: ModelLimits | None, pad_id: int | None) -> None:
    if labels is None:
        return
    labels = _array(labels, "labels", pad_id, None)
    rows = int(ids.shape[0])
    shape, expected = tuple(labels.shape), tuple(ids.shape)
    if not shape or int(shape[0]) != rows:
        raise ShapeError(
            f"labels has shape {shape} but the batch has {rows} rows.",
            field="labels", shape=list(shape), expected=[rows],
            fix="one label per row (classification) or per token (tagging, language modelling)")
    if len(shape) == 2 and not _is_float(labels) and shape != expected and (
            limits is None or limits.kind != "encoder-decoder"):
        raise ShapeError(
            f"labels has shape {shape} but input_ids has shape {expected}: token labels must "
            "be padded to the same length as the ids, with -100 where no label applies.",
            field="labels", shape=list(shape), expected=list(expected),
            fix="seqfit.Collator(tokenizer) pads labels with -100 alongside the ids")


F = TypeVar("F", bound=Callable[..., Any])
INPUT_KEYS = ("input_ids", "attention_mask", "token_type_ids", "position_ids", "labels",
              "decoder_input_ids", "inputs_embeds")


class GuardedError(SeqfitError):
    """A forward pass failed; the message is seqfit's explanation, chained to the original.
    ``code`` is the diagnosis code of the explanation."""

    def __init__(self, message: str, *, code: Any, evidence: dict[str, Any]) -> None:
        super().__init__(message, evidence=evidence)
        self.code = code


class guard:
    """Context manager and decorator: while active, ``model``'s forward checks its inputs with
    :func:`seqfit.check` first (so an over-long batch never reaches the model), and an exception
    from the forward pass that seqfit recognises is re-raised as a :class:`GuardedError` carrying
    the explanation; others pass through unchanged.

    ``model`` is the model to guard; ``limits`` overrides what :func:`seqfit.inspect` reads off it.
    Guards nest and restore the model's own ``forward`` on exit.

    >>> import seqfit                                      # doctest: +SKIP
    >>> with seqfit.guard(model):                          # doctest: +SKIP
    ...     model(**batch)  # a SeqfitError naming length and limit, not "index out of range"
    """

    def __init__(self, model: Any, *, limits: ModelLimits | None = None,
                 check_inputs: bool = True) -> None:
        if not callable(getattr(model, "forward", None)):
            raise InputError(f"guard wraps a model's forward, and a {type(model).__name__} has "
                             "none.", fix="seqfit.guard(AutoModel.from_pretrained(name))")
        self.model = model
        self.limits = limits_for(limits if limits is not None else model)
        self.check_inputs = check_inputs
        self._saved: list[Any] = []

    def __enter__(self) -> Any:
        from .diagnose.engine import explain

        original = self.model.forward
        had_own = "forward" in vars(self.model)
        self._saved.append((original, had_own))
        signature = _pyinspect.signature(original)

        @functools.wraps(original)
        def forward(*args: Any, **kwargs: Any) -> Any:
            batch = _inputs(signature, args, kwargs)
            if self.check_inputs:
                try:
                    check(batch, model=self.limits)
                except SeqfitError as exc:
                    raise exc.with_context(f"seqfit.guard({type(self.model).__name__})") \
                        from None
            try:
                return original(*args, **kwargs)
            except SeqfitError:
                raise
            except Exception as exc:
                explanation = explain(exc, model=self.limits, batch=batch)
                if explanation.best.code == "unknown":
                    raise
                raise GuardedError(explanation.render(), code=explanation.best.code,
                                   evidence=explanation.best.evidence) from exc

        self.model.forward = forward
        return self.model

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        original, had_own = self._saved.pop()
        if had_own:
            self.model.forward = original
        else:
            del self.model.forward

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return wrapped  # type: ignore[return-value]


def _inputs(signature: _pyinspect.Signature, args: tuple[Any, ...],
            kwargs: dict[str, Any]) -> dict[str, Any]:
    try:
        bound = signature.bind_partial(*args, **kwargs).arguments
    except TypeError:
        bound = dict(kwargs)
    extra = bound.pop("kwargs", None)
    if isinstance(extra, dict):
        bound.update(extra)
    return {k: v for k, v in bound.items() if k in INPUT_KEYS and v is not None}
