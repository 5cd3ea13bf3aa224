"""``seqfit.batches``: fitted windows into padded tensors, in token-budget batches.

Which rows go together is planned by :func:`seqfit.plan.plan_batches` (pure); this module pads
them on the side and with the id the architecture needs (see ``ModelLimits.padding``): right
padding for absolute-position encoders, the pad id itself for the RoBERTa family, and
``position_ids`` from the mask where a model is padded on the left.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .errors import MissingDependencyError, MissingPadTokenError, OptionError
from .fit import Fitted
from .limits import ModelLimits, Padding
from .plan import BatchPlan, plan_batches

ReturnTensors = Literal["pt", "np"]
DEFAULT_BATCH_TOKENS = 16384
RIGHT = Padding("right", "needs-position-ids", "any", "default: right padding")


@dataclass(frozen=True)
class Batch:
    """Model inputs for a group of windows, and where each row came from.

    ``inputs`` goes straight into the model: ``model(**batch.inputs)``. Row ``i`` is window
    ``windows[i]`` of ``fitted.windows``, from document ``docs[i]``; ``lengths[i]`` real tokens.
    """

    inputs: dict[str, Any]
    windows: list[int]
    docs: list[int]
    lengths: list[int]


def batch_plan(fitted: Fitted, *, max_tokens: int | None = None,
               max_batch_size: int | None = None,
               pad_to_multiple_of: int | None = None) -> BatchPlan:
    """The length-ordered, token-budget plan that :func:`batches` follows."""
    if max_tokens is None and max_batch_size is None:
        max_tokens = max(DEFAULT_BATCH_TOKENS, fitted.max_length)
    return plan_batches(fitted.lengths, max_tokens=max_tokens, max_batch_size=max_batch_size,
                        pad_to_multiple_of=pad_to_multiple_of)


def batches(
    fitted: Fitted,
    *,
    max_tokens: int | None = None,
    max_batch_size: int | None = None,
    pad_to_multiple_of: int | None = None,
    return_tensors: ReturnTensors = "pt",
    limits: ModelLimits | None = None,
) -> Iterator[Batch]:
    """Yield padded batches of ``fitted``'s windows, longest first, each within ``max_tokens``
    (rows × padded length) and ``max_batch_size`` rows. Without either limit, batches hold up to
    16384 tokens.

    Padding follows ``limits.padding`` (or the rule recorded by :func:`seqfit.fit`).
    """
    if return_tensors not in ("pt", "np"):
        raise OptionError(f"return_tensors={return_tensors!r}; valid: 'pt', 'np'.",
                          option="return_tensors", value=return_tensors,
                          fix="return_tensors='pt'")
    rule = limits.padding if limits is not None else (fitted.padding or RIGHT)
    pad_id = limits.pad_token_id if limits is not None and limits.pad_token_id is not None \
        else fitted.pad_token_id
    plan = batch_plan(fitted, max_tokens=max_tokens, max_batch_size=max_batch_size,
                      pad_to_multiple_of=pad_to_multiple_of)
    minimum = limits.min_tokens if limits is not None else 1
    for rows, (_, width) in zip(plan.batches, plan.batch_shapes, strict=True):
        yield _pad(fitted, list(rows), max(width, minimum), rule, pad_id, return_tensors)


def _pad(fitted: Fitted, rows: list[int], width: int, rule: Padding, pad_id: int | None,
         return_tensors: ReturnTensors) -> Batch:
    import numpy as np

    windows = [fitted.windows[i] for i in rows]
    lengths = [len(w) for w in windows]
    if pad_id is None:
        if rule.pad_with == "pad_token_id" and min(lengths) < width:
            raise MissingPadTokenError(
                "these windows must be padded and this model computes positions from the pad "
                "id, but the tokenizer has no pad token.",
                fix="tokenizer.pad_token = tokenizer.eos_token (or the model's own pad token), "
                    "then fit again")
        pad_id = 0  # hidden by the mask; any id is correct where positions ignore it
    n = len(windows)
    ids = np.full((n, width), pad_id, dtype=np.int64)
    mask = np.zeros((n, width), dtype=np.int64)
    with_types = windows[0].token_type_ids is not None
    types = np.zeros((n, width), dtype=np.int64) if with_types else None
    left = rule.side == "left"
    for r, w in enumerate(windows):
        span = slice(width - len(w), width) if left else slice(0, len(w))
        ids[r, span] = w.input_ids
        mask[r, span] = 1
        if types is not None and w.token_type_ids is not None:
            types[r, span] = w.token_type_ids
    inputs: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
    if types is not None:
        inputs["token_type_ids"] = types
    if left and rule.left == "needs-position-ids":
        inputs["position_ids"] = np.clip(mask.cumsum(-1) - 1, 0, None)
    if return_tensors == "pt":
        try:
            import torch
        except ImportError:
            raise MissingDependencyError("seqfit.batches(return_tensors='pt')", "torch",
                                         "torch") from None
        inputs = {k: torch.from_numpy(v) for k, v in inputs.items()}
    return Batch(inputs, rows, [w.doc for w in windows], lengths)
