"""``seqfit run``: run a script as ``__main__`` and put the explanation of its failure above the
traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .engine import explain


def run_script(path: str, argv: list[str], *, write: Callable[[str], Any]) -> int:
    """Run a Python script as ``__main__``, as ``python SCRIPT ARGS`` would (its folder first on
    ``sys.path``, ``sys.exit("message")`` printed to stderr with status 1); on a length, padding
    or vocabulary error, write the explanation above the traceback. Returns the exit status.
    A script that does not exist is an :class:`~seqfit.errors.InputError`."""
    import os
    import runpy
    import sys
    import traceback

    from ..errors import InputError

    if not os.path.isfile(path):
        what = "is a folder, not a script" if os.path.isdir(path) else "does not exist"
        raise InputError(f"{path!r} {what}.", fix="seqfit run path/to/train.py [ARGS]")
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [path, *argv]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        if code is None or isinstance(code, int):
            return code or 0
        write(f"{code}\n")  # sys.exit("message"): Python prints it and exits with 1
        return 1
    except BaseException as exc:  # the script's own failure, whatever it is, is reported
        explanation = explain(exc)
        if explanation.best.code != "unknown":
            write("seqfit: " + explanation.render().replace("\n", "\nseqfit: ") + "\n\n")
        write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        return 1
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
    return 0
