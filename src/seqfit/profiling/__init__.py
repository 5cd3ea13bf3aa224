"""``seqfit profile``: token counts (:mod:`~seqfit.profiling.counting`), mergeable length
statistics (:mod:`~seqfit.profiling.stats`), the figures (:mod:`~seqfit.profiling.summary`), the
run over a data source (:mod:`~seqfit.profiling.runner`) and the HTML report
(:mod:`~seqfit.profiling.html`).
"""

from .runner import profile as profile
from .stats import LengthStats as LengthStats
from .summary import Profile as Profile

__all__ = ["LengthStats", "Profile", "profile"]
