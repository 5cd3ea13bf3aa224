"""seqfit: make every input fit a Hugging Face transformer, and explain when one does not.

``import seqfit`` is light: transformers and torch are imported only when a function needs them.
"""

from .errors import (
    InputError as InputError,
)
from .errors import (
    ModelLoadError as ModelLoadError,
)
from .errors import (
    NoRoomError as NoRoomError,
)
from .errors import (
    OptionError as OptionError,
)
from .errors import (
    SeqfitError as SeqfitError,
)
from .errors import (
    TooLongError as TooLongError,
)
from .limits import ModelLimits as ModelLimits
from .limits import inspect as inspect

__version__ = "0.1.0"
