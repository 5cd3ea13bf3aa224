"""What one error's text votes for: the hand-written rules (:mod:`~seqfit.diagnose.signatures`:
traceback frames, numbers, other frameworks), the exact templates of the catalogue
(:mod:`~seqfit.diagnose.catalogue`), and, when no template says it, the wording families (the
nearest templates) and the keyword families of each code (:mod:`~seqfit.diagnose.families`).

How much each weighs:

- an exact template that is the message of its line (it spans most of the line, or has 20
  characters of fixed text, and its fields hold values, not runs of words): :data:`EXACT`; an
  off-topic one (spanning most of its line, or 40 characters of it: a compiled library's
  fragment such as "Must have the same shape" is a phrase of many messages) silences everything
  but the rules that read the context (frames, numbers), because the library said in its own
  words what happened;
- an exact template that covers a small part of its line (a short generic phrase inside a longer
  message) counts for its share only if it is on-topic, and not at all if it is off-topic;
- the nearest wording family: :data:`NEAR` times its similarity, for its code or for
  ``unknown``; a keyword family: its weight. These compete: a code wins over ``unknown`` only
  with more weight;
- when they leave no diagnosis and no off-topic template matched any part of the text, the
  linear model of the catalogue (:meth:`~seqfit.diagnose.catalogue.Catalogue.classify`): a code
  it scores :data:`MODEL_MARGIN` above ``unknown`` overrules the single nearest off-topic
  template; where the nearest templates of both sides were as near (the wording said nothing),
  any code it scores above ``unknown`` (:data:`TIE_MARGIN`) votes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from ..errors import Code
from .catalogue import Catalogue, Row, load, release_note
from .codes import release_fix
from .families import CONCEPTS, family_votes, normalise
from .signatures import SIGNATURES, Vote

MIN_SCORE = 2.0  # less evidence than this is not a diagnosis: the answer is unknown
EXACT = 5.0  # weight of a catalogue template matched exactly
SIGNATURE_NAMES = frozenset(sig.name for sig in SIGNATURES)
#: Hand-written rules that read the frames, the numbers or another framework's message: an
#: off-topic template that also matches does not silence them.
CONTEXT_RULES = frozenset({"seqfit error", "index out of range", "size of tensor", "expanded size",
                           "out of bounds", "torch table", "tf gather", "length-rule architecture",
                           "device assert", "loss target", "no batch dimension", "sentinel",
                           "joined unequal", "view invalid", "ort broadcast", "ort reshape",
                           "broadcast shapes", "mask index"})
NEAR = 4.0  # weight of the nearest wording family, times its similarity
NEAR_MIN = 0.3  # similarity below which a wording family says nothing
MARGIN = 0.1  # how much nearer the nearest on-topic template must be than any off-topic one
TIE = MARGIN  # nearest templates this close are as near as each other
MODEL_MARGIN = 0.1  # how far above unknown the linear model must score a code to vote for it
#: ... where the nearest wording said nothing (templates of both sides as near): above it at all
#: (held out, 5 folds: 20 more of 3,209 on-topic templates right, +0.6 points, 99 fewer of
#: 35,037 off-topic ones `unknown`, -0.3 points; the blind sets' unread halves 3 more right,
#: none fewer)
TIE_MARGIN = 0.0
#: Votes for unknown that compete with the codes rather than silence them.
SOFT = "nearest wording"
#: Exceptions that are never about input shape, whatever words their message holds, a
#: TypeError for an option an API does not take, and a Trainer batch that has no labels.
NEVER_SHAPE = re.compile(r"^\s*(?:[\w.]+\.)?(?:KeyError|AttributeError|ImportError|"
                         r"ModuleNotFoundError|FileNotFoundError|NameError|PermissionError|"
                         r"JSONDecodeError|UnicodeDecodeError|MemoryError|OutOfMemoryError|"
                         r"ConnectionError|TimeoutError|RecursionError|ZeroDivisionError|"
                         r"SyntaxError|IndentationError)\b|"
                         # a keyword an API does not take (moved or renamed between releases);
                         # a model input the forward() does not take is about the batch
                         r"^\s*TypeError\b.*unexpected keyword argument '(?!(?:input_ids|"
                         r"attention_mask|token_type_ids|position_ids|inputs_embeds|labels|"
                         r"decoder_\w+)')|"
                         # the Trainer given a batch without labels: which inputs, not their shape
                         r"^\s*ValueError: The model did not return a loss from the inputs", re.M)
FATAL = re.compile(r"^\s*(?:[\w.]+\.)?\w*(?:Error|Exception|Exit|Interrupt)\b|panicked|"
                   r"Assertion .* failed|device-side assert triggered|^Traceback", re.M)
MESSAGE_CHARS = 20_000
LEN_BELOW = CONCEPTS["len_below"]
#: Kinds of message that never report a failure: progress and configuration logs.
QUIET_LOG = re.compile(r"log (?:info|debug)\b")


def scores(votes: Iterable[Vote]) -> dict[Code, float]:
    """Total weight per code."""
    out: dict[Code, float] = {}
    for vote in votes:
        out[vote.code] = out.get(vote.code, 0.0) + vote.weight
    return out


def soft_unknown(votes: Iterable[Vote]) -> float:
    """The weight of the votes for unknown that compete with the codes."""
    return sum(v.weight for v in votes if v.code == "unknown" and v.reason.startswith(SOFT))


def on_topic(votes: Iterable[Vote]) -> bool:
    """Whether the votes make a diagnosis: a code with at least MIN_SCORE, and more than the
    wording that says the text is about something else."""
    votes = list(votes)
    best = max((s for c, s in scores(votes).items() if c != "unknown"), default=0.0)
    return best >= MIN_SCORE and best > soft_unknown(votes)


@dataclass(frozen=True)
class Release:
    """The releases whose message was matched, when not every mined release has it: the note
    shown to people, and the fix that fits them where the API differs (else None)."""

    note: str
    fix: str | None = None


def votes_for(text: str, message: str, frames: tuple[str, ...],
              catalogue: Catalogue | None = None
              ) -> tuple[list[Vote], dict[Code, Release], str | None]:
    """Votes of the hand-written rules on the whole segment ``text``, and of the catalogue (exact
    templates, then wording and keyword families) on its ``message``; the releases that have the
    matched messages, and the question that tells an ambiguous template's candidates apart."""
    votes: list[Vote] = []
    releases: dict[Code, Release] = {}
    question = None
    ambiguous: Row | None = None
    last = last_error_line(message)
    never = bool(NEVER_SHAPE.match(last)) if last else False
    if not never:
        for sig in SIGNATURES:
            for match in sig.pattern.finditer(text):
                votes.extend(Vote(v.code, v.weight, v.evidence, v.reason or sig.name)
                             for v in sig.votes(match, text, frames))
                break
    catalogue = catalogue or load()
    read = joined(message[-MESSAGE_CHARS:]) if message else ""
    matches = catalogue.match(read) if message else []
    if any(QUIET_LOG.match(found.row.kind) for found in matches):
        # the lines that report an error: an info or debug log (a Trainer's "Instantaneous
        # batch size per device = 32" banner before the traceback) says nothing against them
        errors = {line.start() for line in re.finditer(r"^.*$", read, re.M)
                  if FATAL.search(line.group(0))}
        matches = [found for found in matches if not (
            errors and found.line not in errors and QUIET_LOG.match(found.row.kind))]
    # a rule that read the frames and found no text input (an image library's tensors)
    veto = any(v.code == "unknown" and v.reason in CONTEXT_RULES for v in votes)
    decisive = False
    off_topic = any(found.row.code == "unknown" for found in matches)
    # a log holds several messages: an off-topic one (a scheduler's throughput line) does not
    # silence an on-topic template that is the message of another line
    said = {found.line for found in matches if found.row.code != "unknown" and
            not found.row.ambiguous and found.says_it}
    matches = [found for found in matches if found.row.code != "unknown" or
               not said - {found.line}]
    if matches:
        top = matches[0].covered
        said_cover = 0
        # one message that several libraries copied (transformers' "Token indices sequence length
        # is longer ..." in paddlenlp, modelscope, texar) is one vote, not one per copy
        voted: set[tuple[str, str, int]] = set()
        for found in matches:
            if found.covered < top * 0.8:
                break
            row = found.row
            key = (row.code, row.literal, found.line)
            copy = key in voted
            voted.add(key)
            if row.ambiguous:
                # the hand-written rules read the frames, model and batch for these
                question = question or row.question
                ambiguous = ambiguous or row
                decisive = True
                continue
            if row.code == "unknown":
                # (a short phrase inside a longer message does not rule out, nor does a
                # template less specific than an on-topic one that said it already: "{value}
                # length must be positive" read over "max_length must be positive")
                if found.rules_out and found.covered >= said_cover:
                    veto = decisive = True
                    votes.append(Vote("unknown", EXACT, {}, f"catalogue {row.id}"))
                continue
            says_it = found.says_it
            weight = EXACT if says_it else EXACT * found.share
            decisive = decisive or says_it
            said_cover = max(said_cover, found.covered if says_it else 0)
            code = cast(Code, row.code)
            if not copy:
                votes.append(Vote(code, weight, found.evidence, f"catalogue {row.id}"))
            note = release_note(row, catalogue.releases)
            if note:
                releases.setdefault(code, Release(note, release_fix(code, row.library,
                                                                    row.only_in)))
    if message and not never and not decisive and not veto and not on_topic(votes):
        focus = _focus(message)
        votes.extend(wording_votes(catalogue, focus))
        votes.extend(_with_numbers(v, focus) for v in family_votes(focus, frames))
        if not on_topic(votes) and not off_topic:
            votes = model_votes(catalogue, focus, votes)
    if ambiguous is not None and "unknown" not in ambiguous.candidates and not veto \
            and not on_topic(votes):
        # nothing in the context decides: the candidates, ranked as the catalogue lists them
        votes.extend(Vote(cast(Code, code), 2.5 if i == 0 else 1.5, {}, "catalogue candidates")
                     for i, code in enumerate(ambiguous.candidates))
    if veto:
        # an off-topic template said what happened: only rules that read the frames or the
        # numbers (weight of a real context) can still say otherwise, never a lone keyword
        votes = [v for v in votes if v.code == "unknown" or v.reason in CONTEXT_RULES or (
            v.evidence and v.reason in SIGNATURE_NAMES)]
    return votes, releases, question


OPENS, CLOSES = "([{", ")]}"


def joined(message: str, most: int = 12) -> str:
    """An error line whose printed value runs on over the next lines (a tensor's repr: "label
    has value Tensor(shape=[], ...,\n       14), which is no less than num_labels") joined with
    them, while its brackets are open, so a template's one-line expression reads it whole."""
    out: list[str] = []
    depth = taken = 0
    for line in message.splitlines():
        if out and depth > 0 and taken < most:
            out[-1] += " " + line.strip()
            taken += 1
        else:
            out.append(line)
            taken = 0
            if not FATAL.match(line):
                depth = 0
                continue
        tail = out[-1]
        depth = sum(tail.count(c) for c in OPENS) - sum(tail.count(c) for c in CLOSES)
    return "\n".join(out)


def last_error_line(message: str) -> str:
    for line in reversed(message.splitlines()):
        if FATAL.match(line):
            return line
    return ""


def _focus(message: str) -> str:
    """The lines of a message that read like one: error, warning and log lines (a long run of
    other text gives the nearest-wording search nothing but noise)."""
    lines = [_quoted(line) for line in message.splitlines() if line.strip()]
    keep: list[str] = []
    record = False  # the line before was kept, and is a logging record, an exception or theirs
    for i, line in enumerate(lines):
        # a log record's or an exception's indented continuation: "ERROR:flow:tensor(6563)>6561
        # \n    out-of-range special tokens found in flow, fix inputs!", "ValueError: \n    The
        # (message history + max_output_tokens) is longer than the max chat context length"
        # (or a note added to the exception, "Note: Expected a shape compatible with: ...")
        continued = record and bool(re.match(r"\s+[a-z(]|(?:note|hint|tip)s?:", line, re.I))
        kept = bool(FATAL.search(line) or SAYS_FAILURE.search(line) or continued or
                    (i + 1 < len(lines) and TF_NODE.match(lines[i + 1])))
        if kept:
            keep.append(line)
        record = kept and bool(LOG_RECORD.search(line) or EXCEPTION_LINE.match(line) or continued)
    return _plain("\n".join((keep or lines)[-6:]))


#: A line that reports a warning or an error, not one that says there was none ("No error, but
#: with --debug I see this for every such message:").
SAYS_FAILURE = re.compile(r"(?<!\bno )(?<!without )(?<!\bany )(?:warn|error)|\[transformers\]",
                          re.I)
#: The line TensorFlow prints after a failing node's message ("Graph execution error:" opens the
#: error; the message itself is the line before "[[{{node ...}}]] [Op:...]").
TF_NODE = re.compile(r"\s*\[\[\{\{node ")
#: An exception's line, whose message may go on over the next lines.
EXCEPTION_LINE = re.compile(r"^\s*(?:[\w.]+\.)?\w*(?:Error|Exception):")
#: A logging record's level, as logging and loguru print it ("ERROR:name:...", "| WARNING |").
LOG_RECORD = re.compile(r"\b(?:ERROR|WARNING|CRITICAL)\b")
PROSE_LINE = 300  # characters of a line that is a paragraph of prose, not a message
QUOTED_AFTER = 40  # characters of prose before a quoted error (a line that starts with one is it)
#: An error quoted inside a paragraph, up to the end of its sentence: "... which is exactly where
#: it stops with ValueError: Can't convert non-rectangular Python sequence to Tensor. and ..."
QUOTED = re.compile(r"\b(?:[\w.]+\.)?[A-Z]\w*(?:Error|Exception): .{10,240}?(?:[.!?](?=\s|$)|$)")


def _quoted(line: str) -> str:
    """A long line of prose is read as the error it quotes (its other words, "I checked there
    are no NaN texts", speak of other topics); any other line as it is."""
    if len(line) <= PROSE_LINE:
        return line
    found = QUOTED.search(line, QUOTED_AFTER)
    return found.group(0) if found else line


#: What a message says besides its words: file paths ("/onnxruntime/core/providers/cpu/...h:560"
#: names no device) and the modules an exception class is defined in
#: ("huggingface_hub.inference._text_generation.ValidationError" is a ValidationError).
#: A URL, or a path: rooted ("/usr/...", "C:\\...", "./x", "~/x"), with two separators, or
#: naming a file or a repository ("gpt2/tokenizer.json", "meta-llama/Llama-2-7b"); two names
#: joined by one slash are words of the message ("Prompt input_ids/attention_mask shape
#: mismatch"), and a URL's host and path are none.
PATH = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+|"
                  r"(?<![\w.~-])(?:[A-Za-z]:|~|\.{1,2})?[/\\](?:[\w.~-]*[/\\])*[\w.-]+(?::\d+)?|"
                  r"(?:[\w.~-]+[/\\]){2,}[\w.-]+(?::\d+)?|"
                  r"[\w~]*[.-][\w.~-]*[/\\][\w.-]+(?::\d+)?|"
                  r"[\w.~-]+[/\\][\w]*[.-][\w.-]*(?::\d+)?")
QUALIFIED = re.compile(r"\b(?:[a-z_][\w]*\.)+(?=[A-Z]\w*(?:Error|Exception|Warning)\b)")
#: The envelope of a hosted API's error (OpenAI, Groq, Anthropic, vLLM's server): "Error code:
#: 400 - {'error': {'message': ..., 'type': 'invalid_request_error', 'param': None, 'code':
#: 'context_length_exceeded'}}". Its keys, status and type say nothing of the cause ("param"
#: and "code" read as other topics); a code that is a phrase ("context_length_exceeded") does.
ENVELOPE = re.compile(r"\b(?:Error code|status(?:_code)?):?\s*\d{3}\b\s*-?|"
                      r"['\"](?:error|message|object|detail)['\"]:\s*|"
                      r"['\"](?:type|param|code)['\"]:\s*(?:None|null|\d+|['\"]\w*error['\"]|"
                      r"(['\"])(?P<value>[^'\"]*)['\"])", re.I)


def _plain(message: str) -> str:
    message = ENVELOPE.sub(lambda m: f" {m.group('value') or ''} ", message)
    return QUALIFIED.sub("", PATH.sub(" ", message))


def wording_votes(catalogue: Catalogue, message: str) -> list[Vote]:
    """The nearest wording families of the catalogue, for messages no template matches exactly:
    the nearest on-topic template votes for its code when it is clearly nearer than every
    off-topic one; an off-topic template as near votes for unknown."""
    words = [w for w in re.findall(r"[a-z][a-z_]+", message.lower()) if len(w) > 2]
    if len(words) < 4:
        return []
    near = catalogue.similar(message, limit=10)
    on = [(row, s) for row, s in near if row.code != "unknown" and not row.ambiguous]
    off = max((s for row, s in near if row.code == "unknown" or row.ambiguous), default=0.0)
    best = on[0][1] if on else 0.0
    if on and best >= NEAR_MIN and best >= off + MARGIN:
        row = on[0][0]
        tied = [(r, s) for r, s in on if s >= best - TIE]
        if len({r.code for r, _ in tied}) > 1:
            # templates of several codes about as near: the code most of them share (summed by
            # nearness), and where two codes sum as much, the linear model, which has read
            # every template of both, chooses between them
            mass: dict[str, float] = {}
            for r, s in tied:
                mass[r.code] = mass.get(r.code, 0.0) + s
            rank = {code: i for i, (code, _) in enumerate(catalogue.classify(message))}
            top = max(mass.values())
            row = min((r for r, _ in tied if mass[r.code] >= top - TIE),
                      key=lambda r: rank.get(r.code, len(rank)))
        agree = sum(s for r, s in on[:3] if r is not row and r.code == row.code and
                    s >= best - MARGIN)
        return [_with_numbers(Vote(cast(Code, row.code), NEAR * best + (0.5 if agree else 0.0),
                                   {}, f"{SOFT}: {row.id} ({best:.2f})"), message)]
    if off >= NEAR_MIN and off >= best + MARGIN:
        return [Vote("unknown", NEAR * off, {}, f"{SOFT} is off-topic ({off:.2f})")]
    return []  # templates of both sides about as near: the wording says nothing


def model_votes(catalogue: Catalogue, message: str, votes: list[Vote]) -> list[Vote]:
    """The linear model's verdict where the nearest wording and the keyword families made none:
    a code the model scores :data:`MODEL_MARGIN` above ``unknown`` replaces the doubt of the
    single nearest off-topic template (the model has weighed every template of every code
    against all the off-topic ones) and votes with :data:`MIN_SCORE` plus its margin; where the
    wording left no doubt to replace, a code above ``unknown`` by :data:`TIE_MARGIN` votes."""
    ranked = catalogue.classify(message)
    if not ranked or ranked[0][0] == "unknown":
        return votes
    code, score = ranked[0]
    margin = score - dict(ranked).get("unknown", 0.0)
    if margin < (MODEL_MARGIN if soft_unknown(votes) else TIE_MARGIN):
        return votes
    kept = [v for v in votes if not (v.code == "unknown" and v.reason.startswith(SOFT))]
    return [*kept, _with_numbers(Vote(cast(Code, code), MIN_SCORE + min(margin, 2.0), {},
                                      f"linear model of the catalogue ({margin:+.2f})"),
                                 message)]


def _with_numbers(vote: Vote, message: str) -> Vote:
    found = below_numbers(message) if vote.code == "under_min_length" else loose_numbers(message)
    return Vote(vote.code, vote.weight, {**found, **vote.evidence}, vote.reason)


def loose_numbers(message: str) -> dict[str, Any]:
    """Numbers a message states in the common shapes: "(802 > 512)", "length 802 ... 512"."""
    found = re.search(r"\((\d+)\s*>\s*(\d+)\)", message)
    if found:
        return {"length": int(found.group(1)), "limit": int(found.group(2))}
    return {}


def below_numbers(message: str) -> dict[str, Any]:
    """A measured length and the bound it is under, where the message sets one against the
    other: "Input cache length (3) must be larger than n_sink=4" gives length 3, minimum 4 (the
    first two numbers after the length's name, when the first is the smaller)."""
    lowered = normalise(message)
    found = LEN_BELOW.search(lowered)
    if not found:
        return {}
    numbers = [int(n) for n in re.findall(r"(?<![\w.])\d+(?!\w|\.\d)",
                                          lowered[found.start():found.end() + 40])]
    if len(numbers) >= 2 and numbers[0] < numbers[1]:
        return {"length": numbers[0], "minimum": numbers[1]}
    return {}
