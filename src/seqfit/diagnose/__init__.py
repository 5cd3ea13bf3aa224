"""Errors, tracebacks and logs turned into their root cause and fix: the documented codes
(:mod:`~seqfit.diagnose.codes`), the message shapes (:mod:`~seqfit.diagnose.signatures`), the
engine that ranks them (:mod:`~seqfit.diagnose.engine`), and ``seqfit run``
(:mod:`~seqfit.diagnose.runner`)."""

from .engine import Diagnosis as Diagnosis
from .engine import Explanation as Explanation
from .engine import explain as explain

__all__ = ["Diagnosis", "Explanation", "explain"]
