"""How the command line reports a :class:`~seqfit.errors.SeqfitError`: one plain line on stderr
(never read as Rich markup, so ``data/[train]/x.jsonl`` prints as it is), or the error's
``to_dict()`` as JSON on stdout under ``--format json``; exit status 1 either way. The traceback
is shown only with ``SEQFIT_DEBUG=1``."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from ..errors import SeqfitError

T = TypeVar("T")


def render_error(console: Console, exc: SeqfitError, *, as_json: bool = False) -> None:
    """Write ``exc`` for people (plain text on ``console``) or machines (JSON on stdout)."""
    if as_json:
        sys.stdout.write(json.dumps({"error": exc.to_dict()}, indent=2, default=str) + "\n")
        return
    console.print(Text.assemble(("error: ", "bold red"), str(exc)), soft_wrap=True)


def run_reported(console: Console, call: Callable[[], T], *, as_json: bool = False) -> T:
    """``call()``; a SeqfitError it raises is reported (:func:`render_error`) and the command
    exits with status 1, or re-raised with ``SEQFIT_DEBUG=1``."""
    try:
        return call()
    except SeqfitError as exc:
        if os.environ.get("SEQFIT_DEBUG"):
            raise
        render_error(console, exc, as_json=as_json)
        raise typer.Exit(1) from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
