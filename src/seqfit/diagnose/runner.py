"""``seqfit run``: run a script as ``__main__`` and put the explanation of its failure above the
traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .engine import explain


def run_script(path: str, argv: list[str], *, write: Callable[[str], Any]) -> int:
    """Run a Python script as ``__main__``; on a length, padding or vocabulary error, write the
    explanation above the traceback. Returns the exit status."""
    import runpy
    import sys
    import traceback

    saved = sys.argv
    sys.argv = [path, *argv]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except BaseException as exc:  # the script's own failure, whatever it is, is reported
        explanation = explain(exc)
        if explanation.best.code != "unknown":
            write("seqfit: " + explanation.render().replace("\n", "\nseqfit: ") + "\n\n")
        write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        return 1
    finally:
        sys.argv = saved
    return 0
