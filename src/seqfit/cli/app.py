"""Typer application: one function per command, each a thin layer over the library.

Library modules are imported inside the commands, so ``seqfit --help`` and every command pay only
for what they use.
"""

from __future__ import annotations

import io
import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer
from rich.console import Console

from ._errors import print_json, run_reported

if TYPE_CHECKING:
    from ..diagnose.engine import Explanation

app = typer.Typer(
    name="seqfit",
    help="Make every input fit a Hugging Face transformer, and explain when one does not.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=False)
err = Console(stderr=True)


class Format(str, Enum):
    human = "human"
    json = "json"


class InputFormat(str, Enum):
    auto = "auto"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    parquet = "parquet"
    text = "text"
    files = "files"
    arrow = "arrow"


class By(str, Enum):
    line = "line"
    file = "file"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


EngineOption = Annotated[Engine, typer.Option(
    "--engine", help="local, or ray: run on a Ray cluster with Ray Data (pip install "
                     "'seqfit[ray]').")]
BlocksOption = Annotated[int | None, typer.Option(
    "--blocks", help="With --engine ray: split the input into N blocks (default: Ray's "
                     "choice for the data's size).")]
AddressOption = Annotated[str | None, typer.Option(
    "--address", help="With --engine ray: the cluster to join ('auto', or ray://host:port). "
                      "Default: start a local one sized to this machine.")]


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="human or json.")]


@app.command("inspect")
def inspect_command(
    model: Annotated[str | None, typer.Argument(
        help="Hub name or local folder. Default: the embedded all-MiniLM-L6-v2.")] = None,
    format: FormatOption = Format.human,
    trust_remote_code: Annotated[bool, typer.Option(
        "--trust-remote-code", help="Allow code from the model repository to run.")] = False,
) -> None:
    """Show everything that decides whether an input fits MODEL, and why."""
    from ..model.limits import inspect
    from .render import render_limits

    as_json = format is Format.json
    limits = run_reported(err, lambda: inspect(model, trust_remote_code=trust_remote_code),
                          as_json=as_json)
    if as_json:
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
    from ..diagnose.engine import explain
    from .render import render_explanation

    as_json = format is Format.json

    def explained() -> Explanation:
        source = read_text(file, error)
        if isinstance(source, str):
            return explain(source, model=model)
        with source:
            return explain(source, model=model)

    explanation = run_reported(err, explained, as_json=as_json)
    if as_json:
        print_json(explanation.to_dict())
    else:
        render_explanation(out, explanation)


def read_text(file: str | None, error: str | None) -> str | BinaryIO:
    """The text to explain: the option's text, or an open binary stream (a file or stdin) that
    :func:`seqfit.explain` reads in one pass."""
    from pathlib import Path

    from ..errors import InputError

    if error is not None:
        return error
    if file is None and sys.stdin.isatty():
        raise InputError("no error to explain: give a file, '-' for stdin, or --error TEXT.",
                         fix="seqfit explain train.log, or: python train.py 2>&1 | seqfit "
                             "explain -")
    if file in (None, "-"):
        stdin = getattr(sys.stdin, "buffer", None)
        return stdin if stdin is not None else io.BytesIO(sys.stdin.read().encode())
    path = Path(str(file))
    if path.is_dir():
        raise InputError(f"{file!r} is a folder, not a file.",
                         fix="seqfit explain path/to/error.log")
    if not path.is_file():
        raise InputError(f"{file!r} is not a file.", fix="seqfit explain path/to/error.log")
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputError(f"{file!r} cannot be read: {exc.strerror}.",
                         fix="check the file's permissions") from None


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
    input_format: Annotated[InputFormat, typer.Option(
        "--input-format", help="How to read DATA; auto goes by the file name.")
                            ] = InputFormat.auto,
    by: Annotated[By, typer.Option(help="For a folder of .txt files: 'file' makes each file "
                                        "a document.")] = By.line,
    max_length: Annotated[int | None, typer.Option(help="Default: the model's limit.")] = None,
    overlap: Annotated[int | None, typer.Option(help="Window overlap in tokens.")] = None,
    batch_tokens: Annotated[int | None, typer.Option(help="Token budget per batch.")] = None,
    sample: Annotated[int | None, typer.Option(
        help="Profile a uniform random sample of N rows, with 95% confidence intervals.")
                      ] = None,
    report: Annotated[str | None, typer.Option(help="Write an HTML report with plots.")] = None,
    engine: EngineOption = Engine.local,
    address: AddressOption = None,
    blocks: BlocksOption = None,
    format: FormatOption = Format.human,
) -> None:
    """How DATA's texts fit a model: lengths, loss per strategy, max_length, padding cost."""
    from ..profiling.html import check_report_path, write_report
    from ..profiling.runner import profile
    from .render import profile_progress, render_profile

    as_json = format is Format.json
    if report:  # a report that cannot be written is said before the work, not after
        run_reported(err, lambda: check_report_path(report), as_json=as_json)
    with profile_progress(err, data) as on_progress:
        result = run_reported(err, lambda: profile(
            data, model=model, column=column, pair_column=pair_column,
            input_format=input_format.value, by=by.value, max_length=max_length,
            overlap=overlap, batch_tokens=batch_tokens, sample=sample, engine=engine.value,
            address=address, blocks=blocks, on_progress=on_progress,
            on_engine=lambda line: err.print(line, markup=False, highlight=False)),
            as_json=as_json)
    if as_json:
        print_json(result.to_dict())
    else:
        render_profile(out, result)
    if report:  # the results are out already, whatever happens to the report
        path = run_reported(err, lambda: write_report(result, report))
        err.print(f"report written to {path}", markup=False, highlight=False)


@app.command("run", context_settings={"allow_extra_args": True,
                                      "ignore_unknown_options": True})
def run_command(
    ctx: typer.Context,
    script: Annotated[str, typer.Argument(help="The Python script to run.")],
) -> None:
    """Run SCRIPT; on a length, padding or vocabulary error, explain it above the traceback."""
    from ..diagnose.runner import run_script

    status = run_reported(err, lambda: run_script(script, list(ctx.args),
                                                  write=sys.stderr.write))
    raise typer.Exit(status)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version.")] = False,
) -> None:
    if version:
        from .. import __version__

        out.print(f"seqfit {__version__}", markup=False, highlight=False)
        raise typer.Exit()


def main() -> None:
    """Console-script entry point."""
    app()


from . import runners as _runners  # noqa: E402,F401  (registers embed, classify, tag)
