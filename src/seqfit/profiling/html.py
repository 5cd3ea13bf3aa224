"""The HTML report of a profile: figures and plots in one self-contained page."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError, OptionError
from .summary import Estimate, Profile


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError("seqfit profile --report", "matplotlib", "plot") from None
    return plt


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plots(profile: Profile) -> dict[str, str]:
    """Base64 PNGs: the length histogram with the limit marked, the CDF, the cost per strategy."""
    plt = _pyplot()
    out: dict[str, str] = {}
    fig, ax = plt.subplots(figsize=(8, 3.4))
    labels = [f"{low}-{high - 1}" for low, high, _ in profile.histogram]
    rows = [r for _, _, r in profile.histogram]
    over = [low >= profile.max_length for low, _, _ in profile.histogram]
    ax.bar(range(len(rows)), rows, color=["#c44e52" if o else "#4c72b0" for o in over])
    inside = sum(1 for o in over if not o)
    ax.axvline(inside - 0.5, color="#c44e52", linestyle="--",
               label=f"max_length {profile.max_length}")
    ax.set_xticks(range(len(rows)), labels, rotation=60, ha="right", fontsize=7)
    ax.set_xlabel("tokens per text (special tokens included); red: over the limit")
    ax.set_ylabel("rows")
    ax.legend()
    ax.set_title("Length histogram")
    out["histogram"] = _png(fig)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.plot([x for x, _ in profile.cdf], [q for _, q in profile.cdf], color="#4c72b0")
    ax.axvline(profile.max_length, color="#c44e52", linestyle="--",
               label=f"max_length {profile.max_length}")
    for rec in profile.recommended:
        ax.axvline(rec.needed, color="#55a868", linestyle=":",
                   label=f"covers {rec.coverage:.0%}: {rec.needed}"
                         + (" (beyond the limit)" if rec.beyond_limit else ""))
    ax.set_xscale("log")
    ax.set_xlabel("tokens (log scale)")
    ax.set_ylabel("share of rows at or below")
    ax.legend()
    ax.set_title("Cumulative distribution")
    out["cdf"] = _png(fig)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 3.4))
    names = [c.strategy for c in profile.costs]
    ys = list(range(len(names)))
    ax.barh([y - 0.2 for y in ys], [c.relative_linear for c in profile.costs], height=0.4,
            color="#4c72b0", label="linear (tokens)")
    ax.barh([y + 0.2 for y in ys], [c.relative_quadratic for c in profile.costs], height=0.4,
            color="#dd8452", label="with attention's quadratic term")
    ax.set_yticks(ys, names, fontsize=8)
    ax.set_xlabel("compute relative to no padding")
    ax.invert_yaxis()
    ax.legend()
    ax.set_title("Cost per batching strategy")
    out["costs"] = _png(fig)
    plt.close(fig)
    return out


def fmt(estimate: Estimate, percent: bool = False) -> str:
    def one(x: float) -> str:
        if percent:
            return f"{x:.1%}"
        return f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.2f}"

    text = one(estimate.value)
    if estimate.low is not None and estimate.high is not None:
        text += f" ({one(estimate.low)}–{one(estimate.high)})"
    return text


def check_report_path(path: str | Path) -> Path:
    """Where the report will go, checked before any work: its folder must exist and be
    writable, and the path must not be a folder."""
    import os

    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise OptionError(f"--report {str(path)!r} is a folder; the report is one HTML file.",
                          option="report", value=str(path),
                          fix=f"--report {target / 'profile.html'}")
    if not folder.is_dir():
        raise OptionError(f"--report {str(path)!r}: the folder {str(folder)!r} does not exist.",
                          option="report", value=str(path),
                          fix=f"mkdir -p {folder}, or --report profile.html")
    if not os.access(folder, os.W_OK):
        raise OptionError(f"--report {str(path)!r}: the folder {str(folder)!r} is not "
                          "writable.", option="report", value=str(path),
                          fix="--report a path in a folder you may write to")
    return target


def write_report(profile: Profile, path: str | Path) -> Path:
    """Write the report to ``path`` and return it."""
    target = check_report_path(path)
    images = plots(profile)
    esc = html.escape
    rows = [
        ("rows", f"{profile.rows:,}"),
        ("invalid rows", f"{profile.invalid_count:,}"),
        ("mean tokens", fmt(profile.mean)),
        *[(name, fmt(est)) for name, est in profile.percentiles.items()],
        (f"rows over {profile.max_length}", f"{fmt(profile.over_limit_rows)} "
                                            f"({fmt(profile.over_limit, True)})"),
        ("tokens lost by truncation", fmt(profile.tokens_lost, True)),
        (f"windows (overlap {profile.overlap})", f"{fmt(profile.windows)}, compute x"
                                                 f"{fmt(profile.window_multiplier)}"),
    ]
    for rec in profile.recommended:
        rows.append((f"max_length covering {rec.coverage:.0%}",
                      rec.describe(profile.max_length)))
    table = "\n".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    costs = "\n".join(
        f"<tr><td>{esc(c.strategy)}</td><td>{c.padding_share:.1%}</td>"
        f"<td>{c.relative_linear:.2f}x</td><td>{c.relative_quadratic:.2f}x</td></tr>"
        for c in profile.costs)
    sample = (f"<p>Estimated from a uniform sample of {profile.sample_size:,} rows; ranges are "
              "95% confidence intervals.</p>" if profile.sample_size else "")
    page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>seqfit profile</title>
<style>body{{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}th,td{{padding:4px 10px;border-bottom:1px solid #ddd;
text-align:left}}img{{max-width:100%}}</style></head><body>
<h1>seqfit profile</h1>
<p>{esc(profile.source or "")} with {esc(profile.model or "")}: max_length {profile.max_length},
{profile.special_tokens} special tokens per text.</p>{sample}
<table>{table}</table>
<h2>Batching cost</h2>
<table><tr><th>strategy</th><th>padding</th><th>compute (linear)</th>
<th>compute (quadratic)</th></tr>{costs}</table>
<img alt="length histogram" src="data:image/png;base64,{images['histogram']}">
<img alt="cumulative distribution" src="data:image/png;base64,{images['cdf']}">
<img alt="cost per strategy" src="data:image/png;base64,{images['costs']}">
</body></html>
"""
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise OptionError(f"the report could not be written to {str(target)!r}: "
                          f"{exc.strerror or exc}.", option="report", value=str(path),
                          fix="--report a path on a disk with room, in a folder you may "
                              "write to") from None
    return target
