"""Checks every entry point shares: whole numbers, choices, and transformers' "no limit" sentinel.

Standard library and :mod:`seqfit.errors` only, so the pure planner can use them.

>>> is_int(3), is_int(True), is_int(3.0)
(True, False, False)
>>> known_limit(int(1e30)) is None, known_limit(512)
(True, 512)
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Sequence
from typing import Any, TypeGuard

from .errors import OptionError

#: transformers sets ``model_max_length = int(1e30)`` when a tokenizer knows no limit; any value at
#: or above this floor means "unset".
SENTINEL_FLOOR = 10**20


def is_int(value: object) -> TypeGuard[int]:
    """A whole number: Python or numpy integers, never a bool (``True`` is not a length)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def known_limit(value: object) -> int | None:
    """A positive length limit, or None where it is unset (None, 0, or the 1e30 sentinel)."""
    if not is_int(value) or not 0 < int(value) < SENTINEL_FLOOR:
        return None
    return int(value)


def check_choice(name: str, value: object, valid: Sequence[str], *, hint: str = "",
                 option: str | None = None, default: str | None = None) -> None:
    """Raise an :class:`~seqfit.errors.OptionError` listing every valid value unless ``value``
    is one of ``valid``; the fix is the closest valid value, else ``default`` (else the first)."""
    if isinstance(value, str) and value in valid:
        return
    listed = ", ".join(f'"{v}"' for v in valid)
    close = difflib.get_close_matches(str(value), list(valid), n=1)
    raise OptionError(f"{name}={value!r} is not valid{hint}; valid values: {listed}.",
                      option=option or name, value=value, valid=list(valid),
                      fix=f'{name}="{(close or [default or valid[0]])[0]}"')


def check_whole(name: str, value: object, *, minimum: int = 1, optional: bool = False,
                example: Any = None) -> int | None:
    """``value`` as an int, if it is a whole number ``>= minimum`` (or None when ``optional``);
    otherwise an :class:`~seqfit.errors.OptionError` that says what is expected."""
    if value is None and optional:
        return None
    if is_int(value) and value >= minimum:
        return int(value)
    expected = f"a whole number >= {minimum}" + (", or None" if optional else "")
    shown = example if example is not None else max(minimum, 1)
    raise OptionError(f"{name}={value!r}; it must be {expected}.", option=name, value=value,
                      fix=f"{name}={shown}")
