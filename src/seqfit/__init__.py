"""seqfit: make every input fit a Hugging Face transformer, and explain when one does not.

``import seqfit`` is light: transformers and torch are imported only when a function needs them.
"""

from .batching import Batch as Batch
from .batching import batches as batches
from .check import check as check
from .errors import InputError as InputError
from .errors import ModelLoadError as ModelLoadError
from .errors import NoRoomError as NoRoomError
from .errors import OptionError as OptionError
from .errors import SeqfitError as SeqfitError
from .errors import TooLongError as TooLongError
from .explain import Explanation as Explanation
from .explain import explain as explain
from .fit import Fitted as Fitted
from .fit import fit as fit
from .guard import guard as guard
from .limits import ModelLimits as ModelLimits
from .limits import inspect as inspect
from .plan import BatchPlan as BatchPlan
from .plan import plan_batches as plan_batches
from .training import Collator as Collator
from .training import LengthSampler as LengthSampler

__version__ = "0.1.0"
