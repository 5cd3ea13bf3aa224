"""Rich rendering of library results for people; ``--format json`` bypasses this module."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..diagnose.engine import Explanation
from ..model.limits import ModelLimits
from ..model.positions import SideLimits

if TYPE_CHECKING:  # numpy comes with them: seqfit explain renders without it
    from ..profiling.summary import Estimate, Profile


def _n(value: int | None, none: str = "no hard limit") -> str:
    return none if value is None else f"{value:,}"


def _side_rows(table: Table, side: SideLimits | ModelLimits, prefix: str = "") -> None:
    table.add_row(f"{prefix}positions", side.position_kind
                  + (f", table of {side.position_table:,} rows" if side.position_table else "")
                  + (f", offset {side.position_offset}" if side.position_offset else ""))
    table.add_row(f"{prefix}max tokens (model)", _n(side.max_tokens))
    if side.trained_length is not None and side.trained_length != side.max_tokens:
        table.add_row(f"{prefix}trained length", _n(side.trained_length))
    if side.length_multiple > 1:
        table.add_row(f"{prefix}length multiple", str(side.length_multiple))
    if side.min_tokens > 1:
        table.add_row(f"{prefix}min tokens", str(side.min_tokens))


def render_limits(console: Console, limits: ModelLimits) -> None:
    title = f"{limits.name or limits.model_type}  ({limits.model_type}, {limits.kind})"
    table = Table(title=title, show_header=False, title_justify="left", expand=False)
    table.add_column("fact", style="bold")
    table.add_column("value")
    _side_rows(table, limits)
    if limits.decoder is not None:
        _side_rows(table, limits.decoder, "decoder ")
    table.add_row("tokenizer", limits.tokenizer_class or "none")
    table.add_row("tokenizer max length",
                  _n(limits.tokenizer_max_length, "unset (1e30 sentinel)"))
    table.add_row("fits to", f"{_n(limits.effective_max_tokens, 'unknown')} "
                             f"(limit from: {limits.limit_source})")
    if limits.sentence is not None:
        from ..model.sentence import run_length

        table.add_row(limits.sentence.kind, limits.sentence.describe())
        run = run_length(limits.sentence, limits.effective_max_tokens, limits.max_tokens)
        table.add_row("embed/classify/tag fit to", f"{_n(run, 'unknown')} (windows; see Why)")
    if limits.special_tokens is not None:
        s = limits.special_tokens
        table.add_row("special tokens", f"{s.single} single: {s.single_template or '?'}")
        table.add_row("", f"{s.pair} pair:   {s.pair_template or '?'}")
        table.add_row("content tokens", f"{_n(limits.max_content_tokens, 'unknown')} single, "
                                        f"{_n(limits.max_content_tokens_pair, 'unknown')} pair")
    pad = "none" if limits.pad_token is None else f"{limits.pad_token} (id {limits.pad_token_id})"
    table.add_row("pad token", pad)
    table.add_row("padding", f"{limits.padding.side}; left padding {limits.padding.left}; "
                             f"pad with {limits.padding.pad_with}")
    table.add_row("vocabulary", f"tokenizer {_n(limits.tokenizer_vocab_size, '?')}, embedding "
                                f"rows {_n(limits.embedding_rows, '?')}")
    table.add_row("token types", f"type_vocab_size {_n(limits.type_vocab_size, 'none')}, "
                                 f"{'used' if limits.uses_token_type_ids else 'not used'}")
    console.print(table)
    console.print(Text("Why:", style="bold"))
    for line in limits.derivation:
        console.print(Text(f"  - {line}"))
    if limits.padding.reason:
        console.print(Text(f"  - {limits.padding.reason}"))
    if limits.warnings:
        console.print(Text("Warnings:", style="bold yellow"))
        for line in limits.warnings:
            console.print(Text(f"  ! {line}", style="yellow"))


def render_explanation(console: Console, explanation: Explanation) -> None:
    best = explanation.best
    console.print(Text(f"{best.title}", style="bold red" if best.code != "unknown" else "bold"),
                  Text(f"  [{best.code}, confidence {best.confidence:.0%}]", style="dim"))
    console.print(Text("Cause: ", style="bold") + Text(best.cause))
    console.print(Text("Fix:   ", style="bold green") + Text(best.fix))
    if best.evidence:
        shown = ", ".join(f"{k}={v}" for k, v in best.evidence.items())
        console.print(Text("Evidence: ", style="bold") + Text(shown))
    others = [d for d in explanation.diagnoses[1:] if d.code != "unknown"]
    if others:
        console.print(Text("Other candidates: ", style="bold") + Text("; ".join(
            f"{d.code} ({d.confidence:.0%}): {d.title}" for d in others)))
    if explanation.tell_apart:
        console.print(Text("To tell them apart: ", style="bold") + Text(explanation.tell_apart))


@contextmanager
def profile_progress(console: Console, data: str) -> Iterator[Callable[[int, int, int], None]]:
    """A progress bar on stderr (bytes read, rows/s, tokens/s) when stderr is a terminal."""
    import os

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    total = os.path.getsize(data) if os.path.isfile(data) else None
    if not console.is_terminal:
        yield lambda done, rows, tokens: None
        return
    start = time.perf_counter()
    with Progress(TextColumn("profiling"), BarColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("", total=total)

        def update(done: int, rows: int, tokens: int) -> None:
            elapsed = max(time.perf_counter() - start, 1e-9)
            progress.update(task, completed=done, description=(
                f"{rows:,} rows, {rows / elapsed:,.0f} rows/s, {tokens / elapsed:,.0f} "
                "tokens/s"))

        yield update


def _est(estimate: Estimate, percent: bool = False) -> str:
    from ..profiling.html import fmt

    return fmt(estimate, percent)


def render_profile(console: Console, profile: Profile) -> None:
    title = f"{profile.source}  ({profile.model}, max_length {profile.max_length})"
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("figure", style="bold")
    table.add_column("value")
    sampled = f" (sample of {profile.sample_size:,}, 95% CI)" if profile.sample_size else ""
    table.add_row("rows", f"{profile.rows:,}{sampled}")
    table.add_row("invalid rows", f"{profile.invalid_count:,}" + (
        "  lines " + ", ".join(str(line) for line, _ in profile.invalid[:8])
        if profile.invalid else ""))
    table.add_row("mean tokens", _est(profile.mean))
    for name, est in profile.percentiles.items():
        table.add_row(name, _est(est))
    table.add_row(f"over {profile.max_length}", f"{_est(profile.over_limit_rows)} rows "
                                                f"({_est(profile.over_limit, True)})")
    table.add_row("tokens lost (head, tail or head+tail)", _est(profile.tokens_lost, True))
    table.add_row(f"windows (overlap {profile.overlap})",
                  f"{_est(profile.windows)}, compute x{_est(profile.window_multiplier)}")
    for rec in profile.recommended:
        table.add_row(f"max_length for {rec.coverage:.0%}", rec.describe(profile.max_length))
    console.print(table)
    costs = Table(title="Batching cost", title_justify="left")
    for column in ("strategy", "padding", "compute", "with attention²", "batches"):
        costs.add_column(column)
    for cost in profile.costs:
        costs.add_row(cost.strategy, f"{cost.padding_share:.1%}", f"{cost.relative_linear:.2f}x",
                      f"{cost.relative_quadratic:.2f}x", f"{cost.batches:,}")
    console.print(costs)
    top = max((rows for _, _, rows in profile.histogram), default=0)
    console.print(Text("Lengths", style="bold"))
    for low, high, rows in profile.histogram:
        bar = "█" * (round(40 * rows / top) if top else 0)
        marker = " ⟵ over the limit" if low >= profile.max_length else ""
        console.print(Text(f"{low:>7}-{high - 1:<7} {bar} {rows:,}{marker}"))
