"""Plans as pure functions over token counts: which tokens go into which window
(:mod:`~seqfit.plan.windows`), and which rows go together in a batch
(:mod:`~seqfit.plan.batches`).

Standard library and :mod:`seqfit.errors` only (a test enforces it): tensors, tokenizers and
models come in only where a plan is applied (:mod:`seqfit.fitting`, :mod:`seqfit.batching`).
"""

from .batches import BATCH_ORDERS as BATCH_ORDERS
from .batches import DEFAULT_BATCH_TOKENS as DEFAULT_BATCH_TOKENS
from .batches import BatchOrder as BatchOrder
from .batches import BatchPlan as BatchPlan
from .batches import default_batch_tokens as default_batch_tokens
from .batches import longest_first_shapes as longest_first_shapes
from .batches import plan_batches as plan_batches
from .batches import plan_fixed_batches as plan_fixed_batches
from .windows import PAIR_STRATEGIES as PAIR_STRATEGIES
from .windows import SINGLE_STRATEGIES as SINGLE_STRATEGIES
from .windows import DocPlan as DocPlan
from .windows import PairStrategy as PairStrategy
from .windows import SingleStrategy as SingleStrategy
from .windows import Strategy as Strategy
from .windows import Window as Window
from .windows import default_head as default_head
from .windows import default_overlap as default_overlap
from .windows import plan_pair as plan_pair
from .windows import plan_single as plan_single
from .windows import select as select
from .windows import window_count as window_count

__all__ = [
    "BATCH_ORDERS", "DEFAULT_BATCH_TOKENS", "PAIR_STRATEGIES", "SINGLE_STRATEGIES", "BatchOrder",
    "BatchPlan", "DocPlan", "PairStrategy", "SingleStrategy", "Strategy", "Window",
    "default_batch_tokens", "default_head", "default_overlap", "longest_first_shapes",
    "plan_batches", "plan_fixed_batches", "plan_pair", "plan_single", "select", "window_count",
]
