"""Typer application: one function per command, each a thin layer over the library."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from ..errors import SeqfitError

app = typer.Typer(
    name="seqfit",
    help="Make every input fit a Hugging Face transformer, and explain when one does not.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=False)
err = Console(stderr=True)

T = TypeVar("T")


class Format(str, Enum):
    human = "human"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="human or json.")]


def run_reported(call: Callable[[], T]) -> T:
    """Run ``call``; turn a SeqfitError into one clear line on stderr and exit status 1.

    The traceback is shown only with ``SEQFIT_DEBUG=1``.
    """
    try:
        return call()
    except SeqfitError as exc:
        if os.environ.get("SEQFIT_DEBUG"):
            raise
        err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(1) from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


@app.command("inspect")
def inspect_command(
    model: Annotated[str | None, typer.Argument(
        help="Hub name or local folder. Default: the embedded all-MiniLM-L6-v2.")] = None,
    format: FormatOption = Format.human,
    trust_remote_code: Annotated[bool, typer.Option(
        "--trust-remote-code", help="Allow code from the model repository to run.")] = False,
) -> None:
    """Show everything that decides whether an input fits MODEL, and why."""
    from ..limits import inspect
    from .render import render_limits

    limits = run_reported(lambda: inspect(model, trust_remote_code=trust_remote_code))
    if format is Format.json:
        print_json(limits.to_dict())
    else:
        render_limits(out, limits)


@app.command("explain")
def explain_command(
    file: Annotated[str | None, typer.Argument(
        help="A file holding the error, traceback or log; '-' reads stdin.")] = None,
    error: Annotated[str | None, typer.Option("--error", "-e", help="The error text itself.")
                     ] = None,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Compare with this model's real limits.")] = None,
    format: FormatOption = Format.human,
) -> None:
    """Explain an error, a traceback or a whole log: root cause, numbers, and the fix."""
    from ..explain import explain
    from .render import render_explanation

    text = run_reported(lambda: read_text(file, error))
    explanation = run_reported(lambda: explain(text, model=model))
    if format is Format.json:
        print_json(explanation.to_dict())
    else:
        render_explanation(out, explanation)


def read_text(file: str | None, error: str | None) -> str:
    from pathlib import Path

    from ..errors import InputError

    if error is not None:
        return error
    if file is None and sys.stdin.isatty():
        raise InputError("no error to explain: give a file, '-' for stdin, or --error TEXT.",
                         fix="seqfit explain train.log, or: python train.py 2>&1 | seqfit "
                             "explain -")
    if file in (None, "-"):
        return sys.stdin.read()
    path = Path(str(file))
    if not path.is_file():
        raise InputError(f"{file!r} is not a file.", fix="seqfit explain path/to/error.log")
    return path.read_text(encoding="utf-8", errors="replace")


@app.command("profile")
def profile_command(
    data: Annotated[str, typer.Argument(
        help="JSONL, CSV/TSV, Parquet, text (a document per line), a folder of .txt files, a "
             "datasets save_to_disk folder, or '-' for stdin.")],
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Hub name or folder. Default: the embedded all-MiniLM-L6-v2.")
                     ] = None,
    column: Annotated[str | None, typer.Option(help="The text column.")] = None,
    pair_column: Annotated[str | None, typer.Option(help="The second text of pairs.")] = None,
    by: Annotated[str, typer.Option(help="For a folder of .txt files: 'file' makes each file "
                                         "a document.")] = "line",
    max_length: Annotated[int | None, typer.Option(help="Default: the model's limit.")] = None,
    overlap: Annotated[int | None, typer.Option(help="Window overlap in tokens.")] = None,
    batch_tokens: Annotated[int | None, typer.Option(help="Token budget per batch.")] = None,
    sample: Annotated[int | None, typer.Option(
        help="Profile a uniform random sample of N rows, with 95% confidence intervals.")
                      ] = None,
    report: Annotated[str | None, typer.Option(help="Write an HTML report with plots.")] = None,
    format: FormatOption = Format.human,
) -> None:
    """How DATA's texts fit a model: lengths, loss per strategy, max_length, padding cost."""
    from ..profiler import profile
    from .render import profile_progress, render_profile

    with profile_progress(err, data) as on_progress:
        result = run_reported(lambda: profile(
            data, model=model, column=column, pair_column=pair_column, by=by,
            max_length=max_length, overlap=overlap, batch_tokens=batch_tokens, sample=sample,
            on_progress=on_progress))
    if report:
        from ..report import write_report

        path = run_reported(lambda: write_report(result, report))
        err.print(f"report written to {path}")
    if format is Format.json:
        print_json(result.to_dict())
    else:
        render_profile(out, result)


@app.command("run", context_settings={"allow_extra_args": True,
                                      "ignore_unknown_options": True})
def run_command(
    ctx: typer.Context,
    script: Annotated[str, typer.Argument(help="The Python script to run.")],
) -> None:
    """Run SCRIPT; on a length, padding or vocabulary error, explain it above the traceback."""
    from ..guard import run_script

    status = run_script(script, list(ctx.args), write=sys.stderr.write)
    raise typer.Exit(status)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version.")] = False,
) -> None:
    if version:
        from .. import __version__

        out.print(f"seqfit {__version__}")
        raise typer.Exit()


def main() -> None:
    """Console-script entry point."""
    app()
