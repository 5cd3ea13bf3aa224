"""seqfit: make every input fit a Hugging Face transformer, and explain when one does not.

``import seqfit`` is light: it imports nothing but this file. Each public name is imported from
its module the first time it is used, so ``seqfit inspect`` or ``seqfit explain`` never pay for
numpy, torch or transformers they do not need (the names are listed for type checkers below).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Where each public name lives.
_PUBLIC: dict[str, str] = {
    "Batch": ".batching",
    "batches": ".batching",
    "GuardedError": ".checking",
    "check": ".checking",
    "guard": ".checking",
    "Diagnosis": ".diagnose.engine",
    "Explanation": ".diagnose.engine",
    "explain": ".diagnose.engine",
    "BatchError": ".errors",
    "Code": ".errors",
    "DataError": ".errors",
    "DtypeError": ".errors",
    "InputError": ".errors",
    "MaskError": ".errors",
    "MissingDependencyError": ".errors",
    "MissingPadTokenError": ".errors",
    "ModelLoadError": ".errors",
    "NoRoomError": ".errors",
    "OptionError": ".errors",
    "PaddingSideError": ".errors",
    "RaggedBatchError": ".errors",
    "SeqfitError": ".errors",
    "ShapeError": ".errors",
    "TokenIdError": ".errors",
    "TokenTypeError": ".errors",
    "TooLongError": ".errors",
    "TooShortError": ".errors",
    "UnexpectedTokenTypesError": ".errors",
    "Fitted": ".fitting",
    "fit": ".fitting",
    "ModelLimits": ".model.limits",
    "inspect": ".model.limits",
    "BatchPlan": ".plan",
    "plan_batches": ".plan",
    "profile": ".profiling.runner",
    "LengthStats": ".profiling.stats",
    "Profile": ".profiling.summary",
    "Classifications": ".runners.classification",
    "classify": ".runners.classification",
    "Embeddings": ".runners.embedding",
    "embed": ".runners.embedding",
    "DocumentMeta": ".runners.engine",
    "Entity": ".runners.tagging",
    "Tags": ".runners.tagging",
    "tag": ".runners.tagging",
    "Collator": ".training",
    "LengthSampler": ".training",
}

__all__ = ["__version__", *_PUBLIC]

if TYPE_CHECKING:
    from .batching import Batch as Batch
    from .batching import batches as batches
    from .checking import GuardedError as GuardedError
    from .checking import check as check
    from .checking import guard as guard
    from .diagnose.engine import Diagnosis as Diagnosis
    from .diagnose.engine import Explanation as Explanation
    from .diagnose.engine import explain as explain
    from .errors import BatchError as BatchError
    from .errors import Code as Code
    from .errors import DataError as DataError
    from .errors import DtypeError as DtypeError
    from .errors import InputError as InputError
    from .errors import MaskError as MaskError
    from .errors import MissingDependencyError as MissingDependencyError
    from .errors import MissingPadTokenError as MissingPadTokenError
    from .errors import ModelLoadError as ModelLoadError
    from .errors import NoRoomError as NoRoomError
    from .errors import OptionError as OptionError
    from .errors import PaddingSideError as PaddingSideError
    from .errors import RaggedBatchError as RaggedBatchError
    from .errors import SeqfitError as SeqfitError
    from .errors import ShapeError as ShapeError
    from .errors import TokenIdError as TokenIdError
    from .errors import TokenTypeError as TokenTypeError
    from .errors import TooLongError as TooLongError
    from .errors import TooShortError as TooShortError
    from .errors import UnexpectedTokenTypesError as UnexpectedTokenTypesError
    from .fitting import Fitted as Fitted
    from .fitting import fit as fit
    from .model.limits import ModelLimits as ModelLimits
    from .model.limits import inspect as inspect
    from .plan import BatchPlan as BatchPlan
    from .plan import plan_batches as plan_batches
    from .profiling.runner import profile as profile
    from .profiling.stats import LengthStats as LengthStats
    from .profiling.summary import Profile as Profile
    from .runners.classification import Classifications as Classifications
    from .runners.classification import classify as classify
    from .runners.embedding import Embeddings as Embeddings
    from .runners.embedding import embed as embed
    from .runners.engine import DocumentMeta as DocumentMeta
    from .runners.tagging import Entity as Entity
    from .runners.tagging import Tags as Tags
    from .runners.tagging import tag as tag
    from .training import Collator as Collator
    from .training import LengthSampler as LengthSampler


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'seqfit' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
