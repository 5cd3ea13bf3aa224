"""Reading a log of any size in one pass with flat memory: only bounded windows around the
lines that can hold an error (tracebacks, error lines, length/padding/vocabulary messages) are
kept, with a few lines of context before each.

The log is read in chunks of whole lines. Each chunk is searched for the words an interesting
line must hold with one regular expression over the whole chunk (in C, not line by line); only
the lines it finds, and the lines of an open block, are looked at one by one. A training log of
millions of progress lines costs a search, not a Python loop over its lines.

>>> text = "\\n".join(["step 1"] * 1000 + ["ValueError: bad length 3"] + ["step 2"] * 1000)
>>> kept = excerpt([text]).splitlines()
>>> "ValueError: bad length 3" in kept, len(kept) < 10
(True, True)
"""

from __future__ import annotations

import codecs
import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import IO

from ..errors import InputError

MAX_LINE = 4096  # characters of one line that are kept (a minified blob is cut, not stored)
BEFORE = 4  # lines of context kept before an interesting line
BLOCK = 300  # lines kept per block: its first and last halves
BLOCKS = 24  # blocks kept: the first and last halves (the first cause and the final crash)
CHUNK = 1 << 18  # bytes read at a time

#: Lines that open a block: a traceback, an error or warning line, a panic, an assert.
STRONG = re.compile(
    r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+|"
    r"^[\w.]*(?:Error|Exception|Warning|Exit|Interrupt)\b|panicked|Assertion|"
    r"device-side assert|Guard failed|^\s*(?:WARNING|ERROR|CRITICAL)\b|\[transformers\]")
#: Lines that are messages about input shape on their own (a logger line, a printed warning).
TOPIC = re.compile(r"length|max_len|padd|pad_token|truncat|attention.mask|token_type|vocab|"
                   r"position|stride|out of range|out of bounds|overflow|too (?:big|large)|"
                   r"max_new_tokens|multiple of|shape", re.I)
MESSAGE = re.compile(r"warn|error|must|should|expected|exceed|longer|larger|greater|cannot|"
                     r"can't|not |invalid|recommend|Asking|mismatch|unable", re.I)
CONTINUES = re.compile(r"^\s|^$|^During handling|^The above exception|^\^+$|"
                       r"^Traceback \(most recent call last\)")
#: Words a STRONG line holds (literals: one fast search over a whole chunk finds them).
STRONG_WORDS = re.compile(r"Traceback|File \"|Error|Exception|Warning|Exit|Interrupt|panicked|"
                          r"Assertion|device-side|Guard failed|WARNING|ERROR|CRITICAL|"
                          r"\[transformers\]")
#: Words a TOPIC line holds, searched in the lower-cased chunk (no IGNORECASE: it is slow).
TOPIC_WORDS = re.compile(TOPIC.pattern)


def chunks_of(stream: IO[bytes] | IO[str]) -> Iterator[str]:
    """The text of a binary or text stream in chunks of whole lines (joined by newlines, no
    trailing one), each line cut to ``MAX_LINE`` characters."""
    first = stream.read(CHUNK)
    if isinstance(first, str):
        yield from _whole_lines(_text_chunks(first, stream))  # type: ignore[arg-type]
        return
    encoding = "utf-8"
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                      (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
                      (codecs.BOM_UTF8, "utf-8-sig")):
        if first.startswith(bom):
            encoding = name
            break
    if encoding == "utf-8" and b"\x00" in first:
        raise InputError(
            "the input holds NUL bytes: it is a binary file, not a log or a traceback.",
            fix="give the text log: python train.py 2>&1 | tee train.log; seqfit explain "
                "train.log")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    def decoded() -> Iterator[str]:
        block: bytes = first
        while block:
            yield decoder.decode(block)
            block = stream.read(CHUNK)  # type: ignore[assignment]
        yield decoder.decode(b"", final=True)

    yield from _whole_lines(decoded())


def _text_chunks(first: str, stream: IO[str]) -> Iterator[str]:
    block = first
    while block:
        yield block
        block = stream.read(CHUNK)


def text_chunks(text: str, size: int = CHUNK) -> Iterator[str]:
    """A text in chunks of whole lines, each line cut to MAX_LINE characters."""
    return _whole_lines(text[i:i + size] for i in range(0, len(text), size))


def _whole_lines(pieces: Iterable[str]) -> Iterator[str]:
    """Chunks of whole lines from pieces of text cut anywhere; a line longer than MAX_LINE is
    cut there, and the rest of it is skipped without being held."""
    pending = ""
    skipping = False  # inside the part of an overlong line that is dropped
    for piece in pieces:
        if skipping:
            end = piece.find("\n")
            if end < 0:
                continue
            piece, skipping = piece[end + 1:], False
        text = pending + piece
        end = text.rfind("\n")
        if end < 0:
            pending = text
        else:
            pending = text[end + 1:]
            yield _cut(text[:end].replace("\r\n", "\n"))
        if len(pending) > MAX_LINE:
            yield pending[:MAX_LINE]
            pending, skipping = "", True
    if pending and not skipping:
        yield _cut(pending.rstrip("\r"))


def _cut(chunk: str) -> str:
    if len(chunk) <= MAX_LINE:
        return chunk
    lines = chunk.split("\n")
    if max(map(len, lines)) <= MAX_LINE:
        return chunk
    return "\n".join(line[:MAX_LINE] for line in lines)


#: The start of the next line that does not continue a block (a newline, then neither
#: indentation, nor an empty line, nor the words that chain tracebacks).
BREAKS = re.compile(r"\n(?![ \t\n]|During handling|The above exception|\^+(?:\n|$)|"
                    r"Traceback \(most recent call last\))")


def _interesting(chunk: str, lines: list[str]) -> list[tuple[int, int]]:
    """The lines of ``chunk`` that open or extend a block, as (index, offset): a STRONG line,
    or a line about input shape that reads like a message. One search over the chunk per kind
    of line finds the candidates; each candidate line is then checked on its own."""
    offsets: set[int] = set()
    for words, text in ((STRONG_WORDS, chunk), (TOPIC_WORDS, chunk.lower())):
        pos = 0
        while (hit := words.search(text, pos)) is not None:
            start = chunk.rfind("\n", 0, hit.start()) + 1
            end = chunk.find("\n", hit.end())
            pos = len(chunk) if end < 0 else end + 1  # the next line: one look per line
            offsets.add(start)
    found: list[tuple[int, int]] = []
    index, at = 0, 0
    for start in sorted(offsets):
        index += chunk.count("\n", at, start)
        at = start
        line = lines[index]
        if STRONG.search(line) or (TOPIC.search(line) and MESSAGE.search(line)):
            found.append((index, start))
    return found


def excerpt(chunks: Iterable[str]) -> str:
    """The parts of a log worth explaining: blocks opened by an error, a traceback or a message
    about input shape, with ``BEFORE`` lines of context; the first and the last ``BLOCKS // 2``
    blocks are kept, each cut to its first and last ``BLOCK // 2`` lines (the message that
    closes a traceback is always kept). ``chunks`` are texts of whole lines."""
    before: deque[str] = deque(maxlen=BEFORE)
    first: list[list[str]] = []
    last: deque[list[str]] = deque(maxlen=BLOCKS // 2)
    head: list[str] = []
    tail: deque[str] = deque(maxlen=BLOCK // 2)
    state = {"open": False, "cut": False, "other": 0}

    def close() -> None:
        if state["open"]:
            block = head + (["..."] if state["cut"] else []) + list(tail)
            (first if len(first) < BLOCKS // 2 else last).append(block)
        head.clear()
        tail.clear()
        state.update(open=False, cut=False, other=0)

    def add(line: str) -> None:
        if len(head) < BLOCK // 2:
            head.append(line)
        else:
            if len(tail) == tail.maxlen:
                state["cut"] = True
            tail.append(line)

    def add_run(lines: list[str], start: int, stop: int) -> None:
        """``add`` for lines[start:stop], without a step per line: the head takes what it has
        room for, the tail the last lines."""
        room = max(0, BLOCK // 2 - len(head))
        head.extend(lines[start:start + room])
        start += room
        if stop - start + len(tail) > BLOCK // 2:
            state["cut"] = True
        tail.extend(lines[max(start, stop - BLOCK // 2):stop])

    for chunk in chunks:
        lines = chunk.split("\n")
        marks = _interesting(chunk, lines)
        marked = {index for index, _ in marks}
        pending = iter(marks)
        i, off, n = 0, 0, len(lines)
        while i < n:
            if not state["open"]:
                j, off = next(((m, o) for m, o in pending if m >= i), (n, len(chunk)))
                if j == n:
                    before.extend(lines[max(i, n - BEFORE):])
                    break
                before.extend(lines[max(i, j - BEFORE):j])
                head.extend(before)
                before.clear()
                state.update(open=True, other=0)
                add(lines[j])
                i, off = j + 1, off + len(lines[j]) + 1
                continue
            line = lines[i]
            if line[:1] in (" ", "\t", "") or CONTINUES.match(line):
                # a run of indented lines (frames, code, a long message): added at once
                stop = BREAKS.search(chunk, off)
                k = n if stop is None else i + 1 + chunk.count("\n", off, stop.start())
                add_run(lines, i, k)
                state["other"] = 0
                i, off = k, (len(chunk) + 1 if stop is None else stop.start() + 1)
                continue
            if i in marked:
                add(line)
                state["other"] = 0
            elif state["other"] < 2:  # a message continues on the next lines
                state["other"] += 1
                add(line)
            else:
                close()
                before.append(line)
            i, off = i + 1, off + len(line) + 1
    close()
    blocks = first + list(last)
    if not blocks:
        return "\n".join(before)
    return "\n".join(line for block in blocks for line in block)
