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

import io
import math
import os
import re
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from ..errors import Code, InputError
from .codes import CODES, variant
from .evidence import (
    FATAL,
    MIN_SCORE,
    Release,
    last_error_line,
    on_topic,
    scores,
    soft_unknown,
    votes_for,
)
from .logs import chunks_of, excerpt, text_chunks
from .signatures import FRAME_HINTS, Vote, innermost

TRACEBACK_START = "Traceback (most recent call last):"
BARE_ASSERT = re.compile(r"^\s*AssertionError:?\s*$")
KERNEL_ASSERT = re.compile(r"\.cu:\d+: \w+: block: \[.*Assertion `.*` failed")
#: A frame of a traceback, as Python prints it and as IPython and Jupyter do: 'File "x.py",
#: line 3, in f'; 'File /x.py:230, in BertEmbeddings.forward(self, ...)'; 'Cell In[7], line 3';
#: '<ipython-input-5-1f2e> in <module>()'; '/x.py in forward(self, ...)' (IPython 7); and an
#: unquoted path ('File [...]/trax/x.py, line 9, in f': Trax's layer errors).
FRAME = re.compile(r'^\s*File "(?P<p1>[^"]+)", line \d+, in (?P<f1>\S+)\s*$|'
                   r'^\s*File (?P<p2>[^"\s][^"\n]*?\.pyx?):\d+, in (?P<f2>[\w.<>]+)\(.*$|'
                   r'^\s*File (?P<p3>[^"\s][^"\n,]*?), line \d+, in (?P<f3>\S+)\s*$|'
                   r'^\s*(?P<p4>Cell In ?\[\d*\]), line \d+\s*$|'
                   r'^\s*(?P<p5><ipython-input-[\w-]+>) in (?P<f5>[\w.<>]+)\(.*$|'
                   r'^(?P<p6>\S*[/\\]\S+\.pyx?) in (?P<f6>[\w.<>]+)\(.*$|'
                   # pytest: a short entry ("x.py:212: in forward", its code on the next line)
                   # and a long one's location, after its code ("x.py:2264: IndexError")
                   r'^(?P<p7>[^\s:>][^:\n]*?\.py):\d+: in (?P<f7>[\w.<>]+)\s*$|'
                   r'^(?P<p8>[^\s:>][^:\n]*?\.py):\d+:(?: \w*)?\s*$')
#: pytest's mark of the line that failed in a long entry ("\>       out = model(**enc)"), and of
#: the error's lines ("E       IndexError: index out of range in self").
PYTEST_ARROW = re.compile(r"^>\s+(\S.*)$")
PYTEST_ERROR = re.compile(r"^E {2,}(?=\S)", re.M)
#: IPython's mark of the line that failed in a frame's context: "--> 230     position_embeddings
#: = ...", "----> 3 outputs = model(**inputs)"; the other context lines are "    228 ...".
IPYTHON_ARROW = re.compile(r"^\s*-*>\s*\d+\s?(.*)$")
IPYTHON_CONTEXT = re.compile(r"^\s+\d+\s")
#: IPython's header of a traceback and the rule above it.
IPYTHON_HEADER = re.compile(r"^\s*(?:[\w.]+\s+Traceback \(most recent call last\)|-{20,})\s*$")


def _frame_of(match: re.Match[str]) -> tuple[str, str]:
    """The file and function of a frame line, whichever form it has."""
    groups = match.groupdict()
    path = next(groups[f"p{i}"] for i in range(1, 9) if groups.get(f"p{i}"))
    function = next((groups[f"f{i}"] for i in (1, 2, 3, 5, 6, 7) if groups.get(f"f{i}")),
                    "<module>")
    return path, function


def _code_of(lines: list[str], at: int, frame: re.Match[str]) -> str:
    """The code line of the frame ``frame`` matched at ``lines[at]``: the line after it
    (Python), or the one IPython marks with an arrow among its context lines, or the one pytest
    marks with '>' above a long entry's location."""
    if frame.group("p8"):
        for line in reversed(lines[max(0, at - 40):at]):
            if re.match(r"^_( _)+\s*$", line) or FRAME.match(line):
                break
            arrow = PYTEST_ARROW.match(line)
            if arrow:
                return arrow.group(1).strip()
        return ""
    following = []
    for line in lines[at + 1:at + 40]:
        if not line.strip() or FRAME.match(line):
            break
        following.append(line)
    for line in following:
        arrow = IPYTHON_ARROW.match(line)
        if arrow:
            return arrow.group(1).strip()
    if not following:
        return ""
    if frame.group("p1") or frame.group("p7"):
        return following[0].strip()  # Python's own form: the line after the frame
    return IPYTHON_CONTEXT.sub("", following[0], count=1).strip()


@dataclass(frozen=True)
class Diagnosis:
    """One candidate root cause: a stable ``code``, plain words, the fix, and the numbers."""

    code: Code
    title: str
    cause: str
    fix: str
    evidence: dict[str, Any]
    confidence: float
    release: str | None = None  # the releases whose message this is, when not all have it

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "cause": self.cause, "fix": self.fix,
                "evidence": dict(self.evidence), "confidence": round(self.confidence, 3),
                "release": self.release}


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
        if best.release:
            lines.append(f"Release: this message is from {best.release}")
        others = [d for d in self.diagnoses[1:] if d.code != "unknown"]
        if others:
            lines.append("Other candidates: " + "; ".join(
                f"{d.code} ({d.confidence:.0%})" for d in others))
        if self.tell_apart:
            lines.append(f"To tell them apart: {self.tell_apart}")
        return "\n".join(lines)


def explain(error: BaseException | str | bytes | Sequence[str] | os.PathLike[str] | IO[str] |
            IO[bytes], *, model: Any = None, batch: Any = None) -> Explanation:
    """Explain ``error``: an exception (with its chained causes), a message, a traceback, a
    whole log as a string, as bytes (a subprocess's captured output) or as a list of lines
    (``traceback.format_exception(...)``), or a log file given by its path or opened (stdin too;
    read in one pass, memory flat).

    With ``model`` (anything :func:`seqfit.inspect` accepts, or a ``ModelLimits``) the numbers are
    compared with the model's real limits; with ``batch`` (the inputs of the failing call) the
    batch itself is checked, which names the cause exactly when the text cannot.
    """
    if isinstance(error, (bytes, bytearray, memoryview)):
        # a subprocess's captured output: decoded as a binary log is (BOM, UTF-8, NUL check)
        error = io.BytesIO(bytes(error))
    elif isinstance(error, (list, tuple)) and all(isinstance(x, str) for x in error):
        # traceback.format_exception(...) and readlines(): lines that keep their newline, or not
        error = "".join(error) if all(x.endswith("\n") for x in error[:-1]) else "\n".join(error)
    if isinstance(error, BaseException):
        text = exception_text(error)
    elif isinstance(error, str):
        text = error if len(error) <= SMALL else excerpt(text_chunks(error))
    elif hasattr(error, "read"):
        text = excerpt(chunks_of(cast("IO[str] | IO[bytes]", error)))
    elif isinstance(error, os.PathLike):
        path = Path(error)
        if not path.is_file():
            raise InputError(f"no log file at {str(path)!r}.",
                             fix="give the path of the log, or the text itself: "
                                 "seqfit.explain(open('train.log', 'rb'))")
        with path.open("rb") as stream:
            text = excerpt(chunks_of(stream))
    else:
        raise InputError(f"explain() takes an exception, a text (str, bytes or a list of lines), "
                         f"the path of a log or an open file, not "
                         f"{type(error).__name__}.", fix="seqfit.explain(str(error)), or "
                         "seqfit.explain(open('train.log', 'rb'))")
    text = PYTEST_ERROR.sub("", LAUNCHER_PREFIX.sub("", ANSI.sub("", text)))
    text = unprefixed(text)
    if RICH_BOX in text:
        text = unboxed(text)
    if not text.strip():
        raise InputError("nothing to explain: the input is empty.",
                         fix="give the error text, a traceback or a log: seqfit explain "
                             "train.log, or python train.py 2>&1 | seqfit explain -")
    segment, support, question = _choose(text)
    votes = list(segment.votes) + _supporting(segment.votes, support)
    votes.extend(_word_labels(votes, text))
    limits = _limits(model)
    if batch is not None:
        votes.extend(_batch_votes(batch, model if limits is None else limits))
    if limits is not None:
        votes = [_with_limits(v, limits) for v in votes]
    return _rank(votes, segment.text, segment.frames, limits, question, segment.releases)


#: The head a logging format writes before every line a worker printed: TorchServe's
#: "2024-07-18T09:14:52,119 [INFO ] W-9000-classifier_1.0-stdout MODEL_LOG - ", a server's
#: "2024-07-18 09:14:52.119 | ERROR | worker - ".
LOG_HEAD = re.compile(r"^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d[,.\d]*Z?\]?[^\n]{0,100}? [-|] ",
                      re.M)


def unprefixed(text: str) -> str:
    """A traceback a logger wrote line by line, with its head taken off each line (left on,
    its frames and the message that closes it are not read as such)."""
    if not any(text.startswith(TRACEBACK_START, m.end()) for m in LOG_HEAD.finditer(text)):
        return text
    return LOG_HEAD.sub("", text)


RICH_BOX = "─ Traceback (most recent call last) ─"
RICH_FRAME = re.compile(r"^(?P<path>\S.*?\.pyx?):(?P<line>\d+) in (?P<function>\S+)$")
RICH_CODE = re.compile(r"^❱\s*\d+\s*│(?P<code>.*)$")


def unboxed(text: str) -> str:
    """A rich traceback (``rich.traceback``: accelerate's, typer's and many CLIs' crashes) as
    Python prints one: its box drawn off, a frame's path joined where the box wrapped it, the line
    rich marks with ❱ as the frame's code line, the context lines and locals left out."""
    out: list[str] = []
    inside = False
    pending = ""
    for line in text.splitlines():
        if RICH_BOX in line:
            inside, pending = True, ""
            out.append(TRACEBACK_START)
            continue
        if inside and line.lstrip().startswith("╰"):
            inside = False
            continue
        if not inside:
            out.append(line)
            continue
        body = line.strip().strip("│").strip()
        frame = RICH_FRAME.match(pending + body)
        if frame:
            out.append(f'  File "{frame.group("path")}", line {frame.group("line")}, in '
                       f'{frame.group("function")}')
            pending = ""
            continue
        code = RICH_CODE.match(body)
        if code:
            out.append("    " + code.group("code").replace("│", " ").strip())
            pending = ""
            continue
        # the first part of a path the box wrapped ("/usr/.../modeling_be", then "rt.py:215 in
        # forward"), or a line of context, locals or blank: kept only to join a wrapped path
        if re.search(r"\.pyx?:\d+ in$", body):
            pending = body + " "  # "/x/functional.py:2210 in", the function on the next line
        elif re.match(r"^[/\\~.\w:-]*[/\\][^\s│]*$", body):
            pending = body
        else:
            pending = ""
    return "\n".join(out)


#: What a launcher prints before each line of a worker's output: torchrun's "[rank1]: " (and
#: "[default0]:" with --tee), mpirun's "[1,0]<stderr>:", Ray's "(RayTrainWorker pid=1234) ",
#: kubectl's "[pod/trainer-0/main] ", DeepSpeed's "worker-0: ". Left on, a traceback's frames
#: and a message over several lines are not read as such.
LAUNCHER_PREFIX = re.compile(r"^(?:\[(?:rank|default)\d+\]:[ ]?|\[\d+,\d+\]<std(?:out|err)>:[ ]?|"
                             r"\(\w+ pid=\d+(?:, ip=[\d.]+)?\)[ ]|\[pod/[^\]\s]+\][ ]|"
                             r"worker-\d+:[ ])", re.M)
#: Terminal colours and cursor moves (IPython's tracebacks, tqdm's bars), and what is left of
#: a colour when a copy drops its escape character ("[0;31mIndexError[0m", as pasted on GitHub).
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|(?<!\[)\[\d{1,3}(?:;\d{1,3})*m")
SUPPORT = 0.8  # weight of a message logged before the error, relative to the error's own
SMALL = 200_000  # characters of a text explained as it is; longer texts are cut like a log


#: Messages logged before an error that name its cause: a pair that could not be truncated, a
#: tokenizer without a limit, leave an input too long.
CAUSES: dict[str, frozenset[str]] = {
    "over_max_positions": frozenset({"pair_truncation", "model_max_length_sentinel",
                                     "truncation_padding_options", "stride_overflow"}),
    # a device-side assert is the consequence of an index past a table: a warning before it
    # that names the table ("Token indices sequence length is longer than the specified
    # maximum sequence length for this model (1893 > 1024)") is its cause
    "cuda_device_side_assert": frozenset({"over_max_positions", "token_id_out_of_vocab",
                                          "token_type_out_of_range", "label_out_of_range",
                                          "model_max_length_sentinel", "pair_truncation"}),
}
#: Errors that are only the consequence of another: a cause logged before them is the answer.
CONSEQUENCES = frozenset({"cuda_device_side_assert"})
SUPPORT_CAP = 2.0  # what earlier messages can add to a code the error itself votes for


def _supporting(own: Iterable[Vote], earlier: list[Vote]) -> list[Vote]:
    """Votes of messages logged before the error: a cause of what the error votes for counts
    (weighted by SUPPORT); a code the error also votes for gains at most SUPPORT_CAP; anything
    else is not this error's cause."""
    own = list(own)
    codes = {v.code for v in own if v.code != "unknown"}
    if not codes:
        return [Vote(v.code, v.weight * SUPPORT, v.evidence, v.reason) for v in earlier]
    weight_of = {c: sum(v.weight for v in own if v.code == c) for c in codes}
    top = max(codes, key=weight_of.__getitem__)
    out: list[Vote] = []
    added: dict[str, float] = {}
    causes: dict[Code, float] = {}
    for vote in earlier:
        if vote.code in CAUSES.get(top, ()):
            out.append(Vote(vote.code, vote.weight * SUPPORT, vote.evidence, vote.reason))
            causes[vote.code] = causes.get(vote.code, 0.0) + vote.weight
        elif vote.code in codes:
            room = SUPPORT_CAP - added.get(vote.code, 0.0)
            if room > 0:
                weight = min(room, vote.weight * SUPPORT)
                added[vote.code] = added.get(vote.code, 0.0) + weight
                out.append(Vote(vote.code, weight, vote.evidence, vote.reason))
    if top in CONSEQUENCES and causes:
        # the assert says only that some index left its table; the message before it says which
        cause = max(causes, key=causes.__getitem__)
        out.append(Vote(cause, weight_of[top], {}, f"named before the {top}"))
    return out


def exception_text(exc: BaseException) -> str:
    """The full traceback of ``exc`` with its causes and context, as Python prints it."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


@dataclass(frozen=True)
class Segment:
    """One error of a log (a traceback with the blocks chained to it, or loose message lines),
    with its frames and what it votes for."""

    text: str
    frames: tuple[str, ...]
    fatal: bool
    votes: tuple[Vote, ...]
    releases: dict[Code, Release]
    question: str | None


def relevant_part(text: str) -> tuple[str, tuple[str, ...]]:
    """The part of a long log that holds the error to report, and its frames
    (``file:function: code line``)."""
    segment = _choose(text)[0]
    return segment.text, segment.frames


def _choose(text: str) -> tuple[Segment, list[Vote], str | None]:
    """The error to report: the first fatal one that is about input shape (later ones are often
    its consequences: a CUDA assert poisons every later call, a launcher re-raises); else the
    last fatal one. Messages before it that are about input shape support it."""
    segments = [_segment(lines) for lines in _split_segments(text.splitlines())]
    if not segments:
        empty = Segment("", (), False, (), {}, None)
        return empty, [], None
    fatal = [s for s in segments if s.fatal]
    chosen = next((s for s in fatal if on_topic(s.votes)), None)
    question = next((s.question for s in segments if s.question), None)
    if chosen is None and fatal:
        chosen = fatal[-1]
    if chosen is None:
        chosen = next((s for s in segments if on_topic(s.votes)), segments[-1])
    at = segments.index(chosen)
    bare = BARE_RAISE.match(chosen.text.rsplit("\n", 1)[-1])
    if chosen.fatal and not on_topic(chosen.votes) and not bare:
        # a crash about something else (out of memory, a typo) stays unknown: the warnings
        # logged before it do not make it one
        return chosen, [], question
    support = [v for s in segments[:at] if not s.fatal for v in s.votes
               if v.code != "unknown"]
    return chosen, support, question


#: A user's words that the labels are one per word while the tokenizer cut the words into
#: pieces ("my gold tags are one per word, but the tokenizer splits 'Schwarzenegger' into 5
#: pieces", "46435 is the number of words, 61228 the number of subword tokens").
WORD_LABELS = re.compile(r"\b(?:labels?|tags?)\b[^.\n]{0,40}?\b(?:one )?(?:per|for each|for "
                         r"every) word\b|\bwords?\b[^.\n]{0,80}?\bsub-?word (?:tokens?|pieces)\b|"
                         r"\bsplits?\b[^.\n]{0,60}?\binto \d+ (?:sub-?word |word ?)?pieces\b", re.I)


def _word_labels(votes: list[Vote], text: str) -> list[Vote]:
    """Labels and predictions of different lengths, where the user's own lines (not an error's:
    "Labels file should contain labels for every word" is a file short of labels) say the labels
    are one per word and the tokens pieces of words: the labels were not aligned with the
    pieces."""
    totals = scores(votes)
    best = max(totals, key=lambda code: totals[code], default=None)
    if best != "shape_mismatch":
        return []
    said = "\n".join(line for line in text.splitlines() if not FATAL.match(line))
    if not WORD_LABELS.search(said):
        return []
    return [Vote("label_alignment", totals[best] + 0.5, {},
                 "labels one per word, tokens pieces of words")]


def _split_segments(lines: list[str]) -> list[list[str]]:
    """Cut a text into tracebacks (with chained ones and the message that closes them) and
    runs of other lines."""
    out: list[list[str]] = []
    current: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == TRACEBACK_START:
            chained = current and re.search(r"above exception|During handling",
                                            "\n".join(current[-3:]))
            if current and not chained:
                # a GPU kernel's assertion lines, printed just before the traceback of the same
                # failure, belong to it: its frames say which table the kernel indexed
                kept = len(current)
                while kept and (KERNEL_ASSERT.search(current[kept - 1]) or
                                not current[kept - 1].strip() or
                                PROGRESS_BAR.search(current[kept - 1])):
                    kept -= 1
                if current[:kept]:
                    out.append(current[:kept])
                current = current[kept:]
            current.append(line)
            end = _message_end(lines, i)
            current.extend(lines[i + 1:end])
            i = end
            # a chained traceback continues this segment; anything else closes it
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and re.match(r"(The above exception|During handling)", lines[j]):
                continue
            out.append(current)
            current = []
            continue
        current.append(line)
        i += 1
    if current:
        out.append(current)
    return [part for part in out if any(line.strip() for line in part)]


#: An exception raised without a message (``raise RuntimeError`` after a logged warning, a
#: bare ``assert``): it says nothing else, so the messages logged before it say what it is.
BARE_RAISE = re.compile(r"^\s*(?:\w+\.)*\w*(?:Error|Exception)\s*:?\s*\Z")
#: A progress bar's line (tqdm's, as the Trainer prints it): between a GPU kernel's assertion
#: lines and the traceback they belong to, it does not part them.
PROGRESS_BAR = re.compile(r"^\s*(?:[^|\n]{0,40}:\s*)?\d{1,3}%\|[^|\n]*\|")
TF_GRAPH_ERROR = re.compile(r"Graph execution error:\s*$")
#: Keras wraps a layer's error: "Exception encountered when calling layer 'embeddings' (type
#: TFBertEmbeddings).", a blank line, the layer's own message, then "Call arguments received"
#: (Keras 3: "Exception encountered when calling Embedding.call().", "Arguments received by").
KERAS_CALL = re.compile(r"Exception encountered when calling\b")


def _message_end(lines: list[str], start: int) -> int:
    """Index after the error message that closes the traceback starting at ``start``."""
    i = start + 1
    while i < len(lines) and (lines[i].startswith((" ", "\t")) or not lines[i].strip()):
        i += 1
    end = i + 1
    if i < len(lines) and TF_GRAPH_ERROR.search(lines[i]):
        # TensorFlow prints where the failing node was defined, then its message, after a
        # blank line: "Graph execution error:\n\nDetected at node ...\n ... [Op:...]"
        closing = next((k for k in range(i + 1, min(len(lines), i + 400))
                        if "[Op:" in lines[k]), None)
        if closing is not None:
            return closing + 1
    if i < len(lines) and KERAS_CALL.search(lines[i]):
        closing = next((k for k in range(i + 1, min(len(lines), i + 200)) if lines[k].lstrip()
                        .startswith(("Call arguments received", "Arguments received",
                                     TRACEBACK_START))), None)
        if closing is not None:
            return closing
        while end < len(lines) and not lines[end].strip():
            end += 1  # the layer's own message follows a blank line
    while end < len(lines) and lines[end].strip() and not lines[end].startswith(
            ("[", "INFO", "WARNING", "Epoch", "  0%", "{'", "Traceback")) and not \
            _looks_like_log(lines[end]) and not FRAME.match(lines[end]):
        end += 1
    return min(end, len(lines))


def _looks_like_log(line: str) -> bool:
    return bool(re.match(r"^\d{4}-\d\d-\d\d|^\S+:\s+\d+%\||^wandb:|^\w+ \d+/\d+", line))


def _segment(lines: list[str]) -> Segment:
    text = "\n".join(lines).strip()
    codes = _frame_codes(lines)
    frames = tuple(f"{path}:{function}: {code}" for path, function, code in codes.values())
    message = _message(lines, codes)
    votes, releases, question = votes_for(text, message, frames)
    return Segment(text, frames, bool(FATAL.search(text)), tuple(votes), releases, question)


def _message(lines: list[str], codes: dict[int, tuple[str, str, str]]) -> str:
    """The message lines of a segment: frames (``codes``, by line), their code lines and caret
    markers left out."""
    out: list[str] = []
    skip_code = False
    code = ""
    for i, line in enumerate(lines):
        if line.strip() == TRACEBACK_START or IPYTHON_HEADER.match(line):
            skip_code = True
            code = ""
            continue
        if i in codes:
            skip_code = True
            code = codes[i][2]
            continue
        if skip_code and (line.startswith((" ", "\t")) or IPYTHON_ARROW.match(line)):
            continue
        skip_code = False
        if code and BARE_ASSERT.match(line):
            # an assert without a message: its condition is what failed
            # ("assert self.padding_side == 'left'")
            out.append(f"{line.strip()}: {code}")
            continue
        if re.fullmatch(r"\s*[\^~]+\s*|_( _)+\s*", line) or PYTEST_ARROW.match(line):
            continue  # carets, pytest's separators and the code line it marks
        out.append(line)
    return "\n".join(out).strip()


def _frame_codes(lines: list[str]) -> dict[int, tuple[str, str, str]]:
    """The frames of a segment by the line they start on: file, function and code line."""
    codes: dict[int, tuple[str, str, str]] = {}
    for i, line in enumerate(lines):
        match = FRAME.match(line)
        if match:
            codes[i] = (*_frame_of(match), _code_of(lines, i, match))
    return codes


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


def _rank(votes: list[Vote], excerpt: str, frames: tuple[str, ...], limits: Any,
          question: str | None = None, releases: dict[Code, Release] | None = None
          ) -> Explanation:
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
    positive: dict[Code, float] = {code: s for code, s in scores.items()
                                   if s > 0 and code != "unknown"}
    doubt = soft_unknown(votes)  # wording that says the text is about something else
    if not positive or max(positive.values()) < MIN_SCORE or max(positive.values()) <= doubt:
        diagnosis = _diagnosis("unknown", 1.0, {}, limits)
        return Explanation((diagnosis,), excerpt, question, frames)
    total = sum(positive.values()) + doubt
    ranked = sorted(positive.items(), key=lambda item: -item[1])
    strength = 1.0 - math.exp(-ranked[0][1] / 2.0)  # how much evidence there is at all
    releases = releases or {}
    message = last_error_line(excerpt) or excerpt[-2000:]
    diagnoses = tuple(_diagnosis(code, score / total * strength, evidence.get(code, {}), limits,
                                 releases.get(code), message)
                      for code, score in ranked)
    tell_apart = None
    if len(ranked) > 1 and ranked[1][1] >= 0.5 * ranked[0][1]:
        tell_apart = question or _tell_apart(ranked[0][0], message) or \
            _tell_apart(ranked[1][0], message)
    return Explanation(diagnoses, excerpt, tell_apart, frames)


def _diagnosis(code: Code, confidence: float, evidence: dict[str, Any], limits: Any,
               release: Release | None = None, message: str = "") -> Diagnosis:
    """A code's words filled with the numbers: those of the case the message names (labels
    against logits), and the fix of the releases that have the matched message where the API
    differs between releases."""
    info = CODES[code]
    case = variant(code, message)
    cause, fix = (case.cause, case.fix) if case is not None else (info.cause, info.fix)
    values = _known_values(evidence, limits)
    if release is not None and release.fix:
        fix = release.fix
    return Diagnosis(code, info.title, fill(cause, values), fill(fix, values), evidence,
                     confidence, release.note if release is not None else None)


def _tell_apart(code: Code, message: str) -> str | None:
    case = variant(code, message)
    return case.tell_apart if case is not None and case.tell_apart else CODES[code].tell_apart


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
    """Fill ``{name}`` fields; a ``[...]`` part with fields is kept only when all its fields are
    known; brackets without a field are code and stay as they are (``wav[..., :n]``).

    >>> fill("an input[ of {length} tokens] for {limit}", {"limit": 512})
    'an input for 512'
    >>> fill("pad wav.shape[-1] up to N, sacrebleu.corpus_bleu(hyps, [refs])", {})
    'pad wav.shape[-1] up to N, sacrebleu.corpus_bleu(hyps, [refs])'
    """
    def optional(match: re.Match[str]) -> str:
        part = match.group(1)
        names = FIELD.findall(part)
        if not names:
            return match.group(0)
        return part if all(name in values for name in names) else ""

    text = OPTIONAL.sub(optional, template)
    return FIELD.sub(lambda m: str(values.get(m.group(1), PLACEHOLDERS.get(m.group(1), "N"))),
                     text)
