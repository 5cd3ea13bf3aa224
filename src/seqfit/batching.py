"""``seqfit.batches``: fitted windows into padded tensors, in token-budget batches.

Which rows go together is planned by :func:`seqfit.plan.plan_batches` (pure); this module pads
them on the side and with the id the architecture needs (``ModelLimits.padding``, recorded in
:class:`~seqfit.fitting.Fitted`): right padding for absolute-position encoders, the pad id itself
for the RoBERTa family, and ``position_ids`` from the mask where a model is padded on the left.
:func:`pad_rows` is the one padding routine, shared with :class:`seqfit.Collator`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ._checks import check_choice
from .errors import InputError, MissingDependencyError, MissingPadTokenError
from .fitting import Fitted
from .model.limits import Padding
from .plan import BatchPlan, default_batch_tokens, plan_batches

ReturnTensors = Literal["pt", "np"]
RIGHT = Padding("right", "needs-position-ids", "any", "default: right padding")


@dataclass(frozen=True)
class Batch:
    """Model inputs for a group of windows, and where each row came from.

    ``inputs`` goes straight into the model: ``model(**batch.inputs)``. Row ``i`` is
    ``fitted.windows[window_ids[i]]``, from document ``doc_ids[i]``, with ``lengths[i]`` real
    tokens.
    """

    inputs: dict[str, Any]
    window_ids: list[int]
    doc_ids: list[int]
    lengths: list[int]


def pad_rows(rows: Sequence[Sequence[int]], width: int, fill: int, *, left: bool = False) -> Any:
    """A ``(len(rows), width)`` int64 numpy array: each row, then ``fill`` up to ``width`` (or
    ``fill`` first, then the row, with ``left=True``)."""
    import numpy as np

    array = np.full((len(rows), width), fill, dtype=np.int64)
    for r, row in enumerate(rows):
        if len(row):
            if left:
                array[r, width - len(row):] = row
            else:
                array[r, :len(row)] = row
    return array


def batch_plan(fitted: Fitted, *, batch_tokens: int | None = None,
               max_batch_size: int | None = None, pad_to_multiple_of: int | None = None,
               batch_cost: int | None = None) -> BatchPlan:
    """The length-ordered, token-budget plan that :func:`batches` follows."""
    if batch_tokens is None and max_batch_size is None:
        batch_tokens = default_batch_tokens(fitted.max_length)
    return plan_batches(fitted.lengths, batch_tokens=batch_tokens, max_batch_size=max_batch_size,
                        pad_to_multiple_of=pad_to_multiple_of, max_length=fitted.max_length,
                        batch_cost=batch_cost)


def batches(
    fitted: Fitted,
    *,
    batch_tokens: int | None = None,
    max_batch_size: int | None = None,
    pad_to_multiple_of: int | None = None,
    return_tensors: ReturnTensors = "pt",
    batch_cost: int | None = None,
) -> Iterator[Batch]:
    """Padded batches of ``fitted``'s windows, longest first, each within ``batch_tokens``
    padded tokens (rows × padded length) and ``max_batch_size`` rows. Without either limit,
    batches hold up to 16384 tokens.

    Batches are filled as far as the limits allow. ``batch_cost`` (padded tokens' worth of time
    that one more forward pass costs) splits them instead where padding plus passes cost least
    (see :func:`seqfit.plan.plan_batches`): on a CPU, 64 pads far less at the same speed per
    token.

    Options are checked when the call is made; the batches are padded as they are taken.
    Padding follows the rule :func:`seqfit.fit` recorded from the model.
    """
    if not isinstance(fitted, Fitted):
        raise InputError(
            f"batches takes the result of seqfit.fit, not a {type(fitted).__name__}.",
            fix="seqfit.batches(seqfit.fit(texts, model=name), batch_tokens=16384)")
    check_choice("return_tensors", return_tensors, ("pt", "np"))
    plan = batch_plan(fitted, batch_tokens=batch_tokens, max_batch_size=max_batch_size,
                      pad_to_multiple_of=pad_to_multiple_of, batch_cost=batch_cost)
    if return_tensors == "pt":
        _torch("seqfit.batches(return_tensors='pt')")
    return _padded(fitted, plan, return_tensors)


def _padded(fitted: Fitted, plan: BatchPlan, return_tensors: ReturnTensors) -> Iterator[Batch]:
    rule = fitted.padding or RIGHT
    for rows, (_, width) in zip(plan.batches, plan.batch_shapes, strict=True):
        yield _pad(fitted, list(rows), max(width, fitted.min_tokens), rule, return_tensors)


def _torch(feature: str) -> Any:
    try:
        import torch
    except ImportError:
        raise MissingDependencyError(feature, "torch", "torch") from None
    return torch


def _pad(fitted: Fitted, rows: list[int], width: int, rule: Padding,
         return_tensors: ReturnTensors) -> Batch:
    import numpy as np

    windows = [fitted.windows[i] for i in rows]
    lengths = [len(w) for w in windows]
    pad_id = fitted.pad_token_id
    if pad_id is None:
        if rule.pad_with == "pad_token_id" and min(lengths) < width:
            raise MissingPadTokenError(
                "these windows must be padded and this model computes positions from the pad "
                "id, but the tokenizer has no pad token.",
                fix="tokenizer.pad_token = tokenizer.eos_token (or the model's own pad token), "
                    "then fit again")
        pad_id = 0  # hidden by the mask; any id is correct where positions ignore it
    left = rule.side == "left"
    ids = pad_rows([w.input_ids for w in windows], width, pad_id, left=left)
    mask = pad_rows([w.attention_mask for w in windows], width, 0, left=left)
    inputs: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
    if windows[0].token_type_ids is not None:
        inputs["token_type_ids"] = pad_rows([w.token_type_ids or [] for w in windows], width, 0,
                                            left=left)
    if left and rule.left == "needs-position-ids":
        inputs["position_ids"] = np.clip(mask.cumsum(-1) - 1, 0, None)
    if return_tensors == "pt":
        torch = _torch("seqfit.batches(return_tensors='pt')")
        inputs = {k: torch.from_numpy(v) for k, v in inputs.items()}
    return Batch(inputs, rows, [w.doc for w in windows], lengths)
