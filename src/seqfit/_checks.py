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


def a_type(value: object) -> str:
    """``value``'s type with its article, for messages: "None", "an int", "a list".

    >>> a_type(None), a_type(3), a_type([])
    ('None', 'an int', 'a list')
    """
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def as_list(name: str, value: object, *, what: str = "texts", example: str = "[text]") -> list[Any]:
    """``value`` (any iterable but a lone string or bytes) as a list, or an
    :class:`~seqfit.errors.InputError` that says what was given instead."""
    from .errors import InputError

    if isinstance(value, (str, bytes)):
        raise InputError(
            f"{name} is a single {type(value).__name__} ({len(value)} characters); a list of "
            f"{what} is expected, and this one would be read as that many one-character "
            f"{what}.", fix=f"{name}={example}")
    try:
        return list(value)  # type: ignore[call-overload]
    except TypeError:
        raise InputError(f"{name} is {a_type(value)}, not a list of {what}.",
                         fix=f"{name}={example}") from None
