"""Reading a log of any size in one pass with flat memory: only bounded windows around the
lines that can hold an error (tracebacks, error lines, length/padding/vocabulary messages) are
kept, with a few lines of context before each.

>>> text = "\\n".join(["step 1"] * 1000 + ["ValueError: bad length 3"] + ["step 2"] * 1000)
>>> kept = excerpt(text.splitlines()).splitlines()
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
CHUNK = 1 << 16

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


def lines_of(stream: IO[bytes] | IO[str]) -> Iterator[str]:
    """The lines of a binary or text stream, decoded (UTF-8, or UTF-16/32 after a byte-order
    mark), each cut to ``MAX_LINE`` characters; memory stays flat on a single huge line.
    A stream that holds NUL bytes outside UTF-16/32 is refused as binary."""
    first = stream.read(CHUNK)
    if isinstance(first, str):
        yield from _split(_text_chunks(first, stream))  # type: ignore[arg-type]
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

    def chunks() -> Iterator[str]:
        block: bytes = first
        while block:
            yield decoder.decode(block)
            block = stream.read(CHUNK)  # type: ignore[assignment]
        yield decoder.decode(b"", final=True)

    yield from _split(chunks())


def _text_chunks(first: str, stream: IO[str]) -> Iterator[str]:
    block = first
    while block:
        yield block
        block = stream.read(CHUNK)


def _split(chunks: Iterable[str]) -> Iterator[str]:
    """Lines from chunks of text, each cut to MAX_LINE characters."""
    pending = ""
    overflow = False
    for chunk in chunks:
        parts = (pending + chunk).split("\n") if not overflow else chunk.split("\n")
        if overflow:
            if len(parts) == 1:
                continue  # still inside the overlong line
            parts = parts[1:]  # its end: the rest starts a new line
            overflow = False
            if not parts:
                continue
        pending = parts.pop()
        for line in parts:
            yield line.rstrip("\r")[:MAX_LINE]
        if len(pending) > MAX_LINE:
            yield pending[:MAX_LINE]
            pending, overflow = "", True
    if pending and not overflow:
        yield pending.rstrip("\r")


def excerpt(lines: Iterable[str]) -> str:
    """The parts of a log worth explaining: blocks opened by an error, a traceback or a message
    about input shape, with ``BEFORE`` lines of context; the first and the last ``BLOCKS // 2``
    blocks are kept, each cut to its first and last ``BLOCK // 2`` lines (the message that
    closes a traceback is always kept)."""
    before: deque[str] = deque(maxlen=BEFORE)
    first: list[list[str]] = []
    last: deque[list[str]] = deque(maxlen=BLOCKS // 2)
    current: list[str] = []
    tail: deque[str] = deque(maxlen=BLOCK // 2)
    cut = False
    other = 0

    def close() -> None:
        nonlocal current, cut
        if not current:
            return
        block = current + (["..."] if cut else []) + list(tail)
        (first if len(first) < BLOCKS // 2 else last).append(block)
        current, cut = [], False
        tail.clear()

    def add(line: str) -> None:
        nonlocal cut
        if len(current) < BLOCK // 2:
            current.append(line)
        else:
            if len(tail) == tail.maxlen:
                cut = True
            tail.append(line)

    for line in lines:
        strong = STRONG.search(line) is not None
        topical = not strong and TOPIC.search(line) is not None and MESSAGE.search(
            line) is not None
        if current:
            if strong or topical or CONTINUES.match(line):
                add(line)
                other = 0
                continue
            other += 1
            if other <= 2:  # a message continues on the next lines
                add(line)
                continue
            close()
        if strong or topical:
            current = [*before]
            before.clear()
            add(line)
            other = 0
        else:
            before.append(line)
    close()
    blocks = first + list(last)
    if not blocks:
        return "\n".join(before)
    return "\n".join(line for block in blocks for line in block)
