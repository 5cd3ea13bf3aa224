"""``seqfit.explain``: an error, a traceback or a whole log, turned into its root cause and fix.

The engine is a table of signatures (:mod:`seqfit.diagnose.signatures`): each matches a message
shape of transformers, torch, tokenizers, CUDA, TensorFlow, onnxruntime or pyarrow, pulls out its
numbers, and votes for one or more causes. Frames of the traceback (which embedding raised
"index out of range in self"?), the model's real limits and the batch itself then move the
votes. Diagnoses come back ranked, each with the numbers that support it and the fix to type.

>>> best = explain("RuntimeError: The size of tensor a (802) must match the size of tensor b "
...                "(512) at non-singleton dimension 1").best
>>> best.code, best.evidence["length"], best.evidence["limit"]
('over_max_positions', 802, 512)
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from typing import Any

from ..errors import Code
from .codes import CODES
from .signatures import FRAME_HINTS, SIGNATURES, Vote, innermost

TRACEBACK_START = "Traceback (most recent call last):"
FRAME = re.compile(r'^\s*File "([^"]+)", line \d+, in (\S+)\s*$')
ERROR_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Interrupt)|"
                        r"thread '.*' panicked|\S*Assertion|OverflowError)\b")


@dataclass(frozen=True)
class Diagnosis:
    """One candidate root cause: a stable ``code``, plain words, the fix, and the numbers."""

    code: Code
    title: str
    cause: str
    fix: str
    evidence: dict[str, Any]
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "cause": self.cause, "fix": self.fix,
                "evidence": dict(self.evidence), "confidence": round(self.confidence, 3)}


@dataclass(frozen=True)
class Explanation:
    """Diagnoses ranked best first, the part of the input they were read from, and what would
    tell the top candidates apart when they are close."""

    diagnoses: tuple[Diagnosis, ...]
    excerpt: str
    tell_apart: str | None = None
    frames: tuple[str, ...] = field(default=(), repr=False)

    @property
    def best(self) -> Diagnosis:
        return self.diagnoses[0]

    def to_dict(self) -> dict[str, Any]:
        return {"best": self.best.code, "diagnoses": [d.to_dict() for d in self.diagnoses],
                "excerpt": self.excerpt, "tell_apart": self.tell_apart}

    def render(self) -> str:
        """The explanation as plain text for people."""
        best = self.best
        lines = [f"{best.title} [{best.code}, confidence {best.confidence:.0%}]",
                 f"Cause: {best.cause}", f"Fix: {best.fix}"]
        if best.evidence:
            shown = ", ".join(f"{k}={v}" for k, v in best.evidence.items())
            lines.append(f"Evidence: {shown}")
        others = [d for d in self.diagnoses[1:] if d.code != "unknown"]
        if others:
            lines.append("Other candidates: " + "; ".join(
                f"{d.code} ({d.confidence:.0%})" for d in others))
        if self.tell_apart:
            lines.append(f"To tell them apart: {self.tell_apart}")
        return "\n".join(lines)


def explain(error: BaseException | str, *, model: Any = None, batch: Any = None) -> Explanation:
    """Explain ``error`` (an exception, with its chained causes, or a message, traceback or log).

    With ``model`` (anything :func:`seqfit.inspect` accepts, or a ``ModelLimits``) the numbers are
    compared with the model's real limits; with ``batch`` (the inputs of the failing call) the
    batch itself is checked, which names the cause exactly when the text cannot.
    """
    text = error if isinstance(error, str) else exception_text(error)
    excerpt, frames = relevant_part(text)
    votes = _votes(excerpt, frames)
    if not votes and excerpt != text:
        votes = _votes(text, frames)
    limits = _limits(model)
    if batch is not None:
        votes.extend(_batch_votes(batch, model if limits is None else limits))
    if limits is not None:
        votes = [_with_limits(v, limits) for v in votes]
    return _rank(votes, excerpt, frames, limits)


def exception_text(exc: BaseException) -> str:
    """The full traceback of ``exc`` with its causes and context, as Python prints it."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def relevant_part(text: str) -> tuple[str, tuple[str, ...]]:
    """The part of a long log that holds the error: the last traceback (with the blocks chained
    to it) and its message; else the lines that match a known signature, with a line of context.
    Also returns the frames (``file:function`` and their code lines) of that part."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == TRACEBACK_START]
    if starts:
        first = starts[0]
        # keep chained tracebacks ("During handling...", "The above exception...") together
        for i in reversed(starts):
            between = "\n".join(lines[max(0, i - 3):i])
            if "above exception" in between or "During handling" in between:
                continue
            first = i
            break
        end = _message_end(lines, starts[-1])
        part = lines[first:end]
        # signature lines earlier in the log (warnings with numbers) still count
        part = [line for line in lines[:first] if _signature_line(line)] + part
    elif any(FRAME.match(line) for line in lines):
        part = lines[-200:]  # a traceback pasted without its header: keep its frames
    else:
        keep = {j for i, line in enumerate(lines) if _signature_line(line)
                for j in range(i, min(i + 3, len(lines)))}  # messages continue on next lines
        part = [lines[i] for i in sorted(keep)] or lines[-20:]
    frames = tuple(_frames(part))
    return "\n".join(part).strip(), frames


def _message_end(lines: list[str], start: int) -> int:
    """Index after the error message that closes the traceback starting at ``start``."""
    i = start + 1
    while i < len(lines) and (lines[i].startswith((" ", "\t")) or not lines[i].strip()):
        i += 1
    end = i + 1
    while end < len(lines) and lines[end].strip() and not lines[end].startswith(
            ("[", "INFO", "WARNING", "Epoch", "  0%", "{'")) and not _looks_like_log(lines[end]):
        end += 1
    return min(end, len(lines))


def _looks_like_log(line: str) -> bool:
    return bool(re.match(r"^\d{4}-\d\d-\d\d|^\S+:\s+\d+%\|", line))


def _signature_line(line: str) -> bool:
    return any(sig.pattern.search(line) for sig in SIGNATURES)


def _frames(lines: list[str]) -> list[str]:
    frames: list[str] = []
    for i, line in enumerate(lines):
        match = FRAME.match(line)
        if match:
            code = lines[i + 1].strip() if i + 1 < len(lines) and not FRAME.match(
                lines[i + 1]) else ""
            frames.append(f"{match.group(1)}:{match.group(2)}: {code}")
    return frames


def _votes(text: str, frames: tuple[str, ...]) -> list[Vote]:
    votes: list[Vote] = []
    for sig in SIGNATURES:
        for match in sig.pattern.finditer(text):
            votes.extend(sig.votes(match, text, frames))
            break
    return votes


def _limits(model: Any) -> Any:
    if model is None:
        return None
    from ..model.limits import limits_for

    return limits_for(model)


def _batch_votes(batch: Any, model_or_limits: Any) -> list[Vote]:
    """Run ``seqfit.check`` on the failing batch: its error is the most direct evidence."""
    from ..checking import check
    from ..errors import SeqfitError

    try:
        check(batch, model=model_or_limits)
    except SeqfitError as exc:
        evidence = {k: v for k, v in exc.fields.items() if isinstance(v, (int, str))}
        return [Vote(exc.code, 6.0, evidence, f"seqfit.check on the batch: {exc.message}")]
    return []


def _with_limits(vote: Vote, limits: Any) -> Vote:
    """Compare the numbers of a vote with the model's limits: agreement adds weight."""
    evidence = dict(vote.evidence)
    weight = vote.weight
    if vote.code == "over_max_positions" and limits.max_tokens is not None:
        evidence.setdefault("limit", limits.max_tokens)
        length = evidence.get("length")
        if isinstance(length, int):
            weight += 1.5 if length > limits.max_tokens else -1.5
    if vote.code == "token_id_out_of_vocab" and limits.embedding_rows is not None:
        evidence.setdefault("vocab_rows", limits.embedding_rows)
    if vote.code == "token_type_out_of_range" and limits.type_vocab_size is not None:
        evidence.setdefault("type_vocab_size", limits.type_vocab_size)
    evidence.setdefault("model_type", limits.model_type)
    return Vote(vote.code, weight, evidence, vote.reason)


def _rank(votes: list[Vote], excerpt: str, frames: tuple[str, ...], limits: Any) -> Explanation:
    scores: dict[Code, float] = {}
    evidence: dict[Code, dict[str, Any]] = {}
    for vote in votes:
        scores[vote.code] = scores.get(vote.code, 0.0) + vote.weight
        merged = evidence.setdefault(vote.code, {})
        for key, value in vote.evidence.items():
            merged.setdefault(key, value)
    for hint in FRAME_HINTS:
        if hint.code in scores and hint.pattern.search(innermost(frames, 2)):
            scores[hint.code] += hint.weight
    positive: dict[Code, float] = {code: s for code, s in scores.items() if s > 0}
    if not positive:
        positive = {"unknown": 1.0}
    total = sum(positive.values())
    ranked = sorted(positive.items(), key=lambda item: -item[1])
    diagnoses = tuple(_diagnosis(code, score / total, evidence.get(code, {}), limits)
                      for code, score in ranked)
    tell_apart = None
    if len(ranked) > 1 and ranked[1][1] >= 0.5 * ranked[0][1]:
        tell_apart = CODES[ranked[0][0]].tell_apart or CODES[ranked[1][0]].tell_apart
    return Explanation(diagnoses, excerpt, tell_apart, frames)


def _diagnosis(code: Code, confidence: float, evidence: dict[str, Any], limits: Any) -> Diagnosis:
    info = CODES[code]
    values = _known_values(evidence, limits)
    return Diagnosis(code, info.title, fill(info.cause, values), fill(info.fix, values),
                     evidence, confidence)


def _known_values(evidence: dict[str, Any], limits: Any) -> dict[str, Any]:
    values = dict(evidence)
    if limits is not None:
        for key, value in (("limit", limits.effective_max_tokens),
                           ("vocab_rows", limits.embedding_rows),
                           ("type_vocab_size", limits.type_vocab_size)):
            if value is not None:
                values.setdefault(key, value)
    return values


OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
FIELD = re.compile(r"\{(\w+)\}")
PLACEHOLDERS = {"limit": "N", "length": "N", "vocab_rows": "N", "type_vocab_size": "N"}


def fill(template: str, values: dict[str, Any]) -> str:
    """Fill ``{name}`` fields; a ``[...]`` part is kept only when all its fields are known.

    >>> fill("an input[ of {length} tokens] for {limit}", {"limit": 512})
    'an input for 512'
    """
    def optional(match: re.Match[str]) -> str:
        part = match.group(1)
        return part if all(name in values for name in FIELD.findall(part)) else ""

    text = OPTIONAL.sub(optional, template)
    return FIELD.sub(lambda m: str(values.get(m.group(1), PLACEHOLDERS.get(m.group(1), "N"))),
                     text)
