"""What a model accepts: loading its config and tokenizer (:mod:`~seqfit.model.loading`), how
each architecture numbers positions (:mod:`~seqfit.model.positions`), where the tokenizer puts
its special tokens (:mod:`~seqfit.model.layout`), and all of it together as
:class:`~seqfit.model.limits.ModelLimits` (:func:`~seqfit.model.limits.inspect`)."""

from .limits import ModelLimits as ModelLimits
from .limits import Padding as Padding
from .limits import inspect as inspect
from .limits import limits_for as limits_for

__all__ = ["ModelLimits", "Padding", "inspect", "limits_for"]
