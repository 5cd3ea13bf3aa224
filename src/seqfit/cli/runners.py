"""``seqfit embed | classify | tag``: a data file through a model into an output file.

Thin: options are parsed here and handed to :func:`seqfit.runners.dataset.run_dataset`, which
checks them, runs, writes and resumes; this module only shows progress and the summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, cast

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ._errors import print_json, run_reported
from .app import (
    AddressOption,
    BlocksOption,
    By,
    Engine,
    EngineOption,
    Format,
    FormatOption,
    InputFormat,
    app,
    err,
    out,
)

DataArgument = Annotated[str, typer.Argument(
    help="JSONL, CSV/TSV, Parquet, text (a document per line), a folder of .txt files, a "
         "datasets save_to_disk folder, or '-' for stdin.")]
OutputOption = Annotated[str, typer.Option(
    "--output", "-o", help="Where to write: .parquet or .jsonl (.npy for embed), one row per "
                           "input row; with --engine ray, a folder of Parquet parts.")]
ColumnOption = Annotated[str | None, typer.Option(help="The text column.")]
IdOption = Annotated[str | None, typer.Option(help="A column to pass through as 'id'.")]
InputFormatOption = Annotated[InputFormat, typer.Option(
    "--input-format", help="How to read DATA; auto goes by the file name.")]
ByOption = Annotated[By, typer.Option(help="For a folder of .txt files: 'file' makes each file "
                                           "a document.")]
StrategyOption = Annotated[str, typer.Option(
    help="window (every token, in overlapping windows), head, tail, head+tail, or error.")]
MaxLengthOption = Annotated[int | None, typer.Option(
    help="Window size in tokens. Default: the length inspect says runs use.")]
OverlapOption = Annotated[int | None, typer.Option(help="Tokens consecutive windows share.")]
BatchTokensOption = Annotated[int | None, typer.Option(help="Padded tokens per forward pass.")]
DeviceOption = Annotated[str | None, typer.Option(help="cpu, cuda, cuda:1, mps. Default: cuda "
                                                       "where there is one.")]
DtypeOption = Annotated[str | None, typer.Option(help="float32 (default), bf16 or fp16.")]
ChunkOption = Annotated[int, typer.Option(
    help="Documents read, fitted and written together (memory, and what --resume redoes).")]
ResumeOption = Annotated[bool, typer.Option(
    "--resume", help="Continue an interrupted run of the same command into the same output.")]
OverwriteOption = Annotated[bool, typer.Option("--overwrite", help="Replace an existing output.")]
WorkersOption = Annotated[int | None, typer.Option(
    "--workers", help="With --engine ray: actors running the model (default: one per GPU, or "
                      "one per 4 CPUs).")]


def _run(command: str, data: str, output: str, format: Format, **options: Any) -> None:
    from ..runners.dataset import estimate_rows, run_dataset
    from ..runners.engine import TaskName

    as_json = format is Format.json
    total = estimate_rows(data, options["input_format"]) if err.is_terminal else None
    started = time.perf_counter()
    with run_progress(err, command, total) as on_progress:
        try:
            summary = run_reported(err, lambda: run_dataset(
                cast(TaskName, command), data, output, on_progress=on_progress,
                on_engine=lambda line: err.print(line, markup=False, highlight=False),
                **options), as_json=as_json)
        except KeyboardInterrupt:
            err.print(Text.assemble(
                ("interrupted", "bold red"),
                f" after {time.perf_counter() - started:.0f} s: every finished "
                + (f"block is kept in {output}" if options.get("engine") == "ray" else
                   f"chunk is kept in {output}.partial")
                + ". Fix: run the same command with --resume to continue."),
                soft_wrap=True)
            raise typer.Exit(130) from None
    if as_json:
        print_json(summary.to_dict())
    else:
        render_summary(out, summary)


@contextmanager
def run_progress(console: Console, command: str, total: int | None
                 ) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (documents, tokens/s, time left) when stderr is a terminal."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if not console.is_terminal:
        yield lambda rows, tokens: None
        return
    start = time.perf_counter()
    columns = [TextColumn(command), BarColumn(), MofNCompleteColumn(), TextColumn("documents"),
               TextColumn("{task.description}"), TimeElapsedColumn(), TextColumn("left"),
               TimeRemainingColumn()]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=total)

        def update(rows: int, tokens: int) -> None:
            elapsed = max(time.perf_counter() - start, 1e-9)
            progress.update(task, completed=rows,
                            description=f"{tokens / elapsed:,.0f} tokens/s")

        yield update


def render_summary(console: Console, summary: Any) -> None:
    if summary.already_complete:
        console.print(Text(f"nothing to resume: {summary.output[0]} is complete "
                           f"({summary.rows:,} rows, {summary.bad:,} bad)."))
        return
    table = Table(title=f"seqfit {summary.command}  ({summary.model})", show_header=False,
                  title_justify="left")
    table.add_column("figure", style="bold")
    table.add_column("value")
    table.add_row("written", ", ".join(summary.output))
    table.add_row("rows", f"{summary.rows:,} (one per input row)"
                  + (f", {summary.resumed_from:,} from the interrupted run"
                     if summary.resumed_from else ""))
    table.add_row("bad rows", f"{summary.bad:,}")
    table.add_row("windows", f"max_length {summary.max_length}, strategy {summary.strategy}, "
                             f"aggregate {summary.aggregate}")
    table.add_row("documents in several windows", f"{summary.windowed:,}")
    table.add_row("truncated documents", f"{summary.truncated:,}")
    table.add_row("tokens", f"{summary.tokens:,}")
    table.add_row("speed", f"{summary.rows_this_run:,} documents in {summary.seconds:.1f} s: "
                           f"{summary.rows_per_second:,.1f} documents/s, "
                           f"{summary.tokens_per_second:,.0f} tokens/s")
    console.print(table)
    for bad in summary.bad_rows[:10]:
        where = f"row {bad['row']} (line {bad['line']}" + (
            f", id {bad['id']}" if bad.get("id") is not None else "") + ")"
        console.print(Text(f"  ! {where}: {bad['error']}", style="yellow"))
    if summary.bad > 10:
        console.print(Text(f"  ... and {summary.bad - 10:,} more (their error is in the output's "
                           "'error' column)", style="yellow"))


def _model(command: str, model: str | None) -> str:
    if model is not None:
        return model
    if command == "embed":
        from ..model.loading import default_model_path

        return str(default_model_path())
    from ..errors import OptionError

    raise OptionError(f"seqfit {command} needs --model: a folder or hub name of a model "
                      f"fine-tuned for {'classification' if command == 'classify' else 'tagging'}.",
                      option="--model", value=None, fix=f"seqfit {command} DATA --model "
                                                         "./my-model --output out.parquet")


@app.command("embed")
def embed_command(
    data: DataArgument,
    output: OutputOption,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Hub name or folder. Default: the embedded all-MiniLM-L6-v2.")
                     ] = None,
    column: ColumnOption = None,
    id_column: IdOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    by: ByOption = By.line,
    strategy: StrategyOption = "window",
    max_length: MaxLengthOption = None,
    overlap: OverlapOption = None,
    aggregate: Annotated[str, typer.Option(
        help="How window vectors combine: weighted-mean (by tokens), mean, max, first.")
                         ] = "weighted-mean",
    batch_tokens: BatchTokensOption = None,
    device: DeviceOption = None,
    dtype: DtypeOption = None,
    chunk_size: ChunkOption = 1024,
    resume: ResumeOption = False,
    overwrite: OverwriteOption = False,
    engine: EngineOption = Engine.local,
    address: AddressOption = None,
    blocks: BlocksOption = None,
    workers: WorkersOption = None,
    format: FormatOption = Format.human,
) -> None:
    """Embed every document of DATA, whatever its length: one vector per input row."""
    chosen = run_reported(err, lambda: _model("embed", model), as_json=format is Format.json)
    _run("embed", data, output, format, model=chosen, column=column, id_column=id_column,
         input_format=input_format.value, by=by.value, strategy=strategy,
         max_length=max_length, overlap=overlap, aggregate=aggregate, batch_tokens=batch_tokens,
         device=device, dtype=dtype, chunk_size=chunk_size, resume=resume, overwrite=overwrite,
         engine=engine.value, address=address, blocks=blocks, workers=workers)


@app.command("classify")
def classify_command(
    data: DataArgument,
    output: OutputOption,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="A sequence-classification model: hub name or folder.")] = None,
    column: ColumnOption = None,
    pair_column: Annotated[str | None, typer.Option(
        help="The second text of pairs (cross-encoders, NLI).")] = None,
    id_column: IdOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    by: ByOption = By.line,
    strategy: StrategyOption = "window",
    max_length: MaxLengthOption = None,
    overlap: OverlapOption = None,
    aggregate: Annotated[str, typer.Option(
        help="How window logits combine: mean, max, or vote.")] = "mean",
    batch_tokens: BatchTokensOption = None,
    device: DeviceOption = None,
    dtype: DtypeOption = None,
    chunk_size: ChunkOption = 1024,
    resume: ResumeOption = False,
    overwrite: OverwriteOption = False,
    engine: EngineOption = Engine.local,
    address: AddressOption = None,
    blocks: BlocksOption = None,
    workers: WorkersOption = None,
    format: FormatOption = Format.human,
) -> None:
    """Classify every document of DATA, whatever its length: a label and scores per row."""
    chosen = run_reported(err, lambda: _model("classify", model), as_json=format is Format.json)
    _run("classify", data, output, format, model=chosen, column=column,
         pair_column=pair_column, id_column=id_column, input_format=input_format.value,
         by=by.value, strategy=strategy, max_length=max_length, overlap=overlap,
         aggregate=aggregate, batch_tokens=batch_tokens, device=device, dtype=dtype,
         chunk_size=chunk_size, resume=resume, overwrite=overwrite,
         engine=engine.value, address=address, blocks=blocks, workers=workers)


@app.command("tag")
def tag_command(
    data: DataArgument,
    output: OutputOption,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="A token-classification model: hub name or folder.")] = None,
    column: ColumnOption = None,
    id_column: IdOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    by: ByOption = By.line,
    strategy: StrategyOption = "window",
    max_length: MaxLengthOption = None,
    overlap: OverlapOption = None,
    aggregation: Annotated[str, typer.Option(
        "--aggregation", help="How tokens group into spans, as the transformers pipeline: "
                              "simple, first, average, max, none.")] = "simple",
    batch_tokens: BatchTokensOption = None,
    device: DeviceOption = None,
    dtype: DtypeOption = None,
    chunk_size: ChunkOption = 1024,
    resume: ResumeOption = False,
    overwrite: OverwriteOption = False,
    engine: EngineOption = Engine.local,
    address: AddressOption = None,
    blocks: BlocksOption = None,
    workers: WorkersOption = None,
    format: FormatOption = Format.human,
) -> None:
    """Tag every document of DATA, whatever its length: entity spans with character offsets."""
    chosen = run_reported(err, lambda: _model("tag", model), as_json=format is Format.json)
    _run("tag", data, output, format, model=chosen, column=column, id_column=id_column,
         input_format=input_format.value, by=by.value, strategy=strategy,
         max_length=max_length, overlap=overlap, aggregate=aggregation,
         batch_tokens=batch_tokens, device=device, dtype=dtype, chunk_size=chunk_size,
         resume=resume, overwrite=overwrite, engine=engine.value, address=address,
         blocks=blocks, workers=workers)
