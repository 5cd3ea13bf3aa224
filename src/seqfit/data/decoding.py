"""Bytes into lines of UTF-8 text, the way files really arrive.

Excel's "CSV UTF-8" starts with a byte-order mark; Windows tools write UTF-16; old Mac files end
lines with a bare CR; pipes and ``<(...)`` have no size and cannot seek. :func:`text_stream`
turns any of them into a plain UTF-8 byte stream (or says the input is binary), and
:func:`split_lines` splits it at ``\\n``, ``\\r\\n`` and a bare ``\\r`` alike, streaming, so a
single 50 MB line costs one copy of the line and nothing more.

>>> list(split_lines(io.BytesIO(b"one\\rtwo\\r\\nthree\\nfour")))
[b'one', b'two', b'three', b'four']
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import IO, Any

from ..errors import DataError

CHUNK = 1 << 16
NEWLINE = re.compile(rb"\r\n|\r|\n")
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
SNIFF = 4096


def peek(stream: IO[bytes], size: int = SNIFF) -> bytes:
    """Up to ``size`` bytes from the start of ``stream``, without consuming them (the stream
    must be a ``BufferedReader``: :func:`buffered` makes one)."""
    head = stream.peek(size)[:size] if hasattr(stream, "peek") else b""
    return bytes(head)


def buffered(stream: Any) -> IO[bytes]:
    """``stream`` as a buffered byte stream that can be peeked at."""
    if hasattr(stream, "peek"):
        return stream
    return io.BufferedReader(stream, buffer_size=SNIFF * 4)


def text_stream(stream: IO[bytes], name: str) -> IO[bytes]:
    """``stream`` as UTF-8 bytes: a UTF-8 byte-order mark is dropped, UTF-16 (with its mark) is
    transcoded, and a binary input is refused with a :class:`~seqfit.errors.DataError`."""
    stream = buffered(stream)
    head = peek(stream)
    if head.startswith(UTF8_BOM):
        stream.read(len(UTF8_BOM))
        return stream
    if head.startswith(UTF16_BOMS):
        # bytes UTF-16 cannot decode become lone surrogates, which the UTF-8 decoding of the
        # line then reports as an invalid row, as for any other file
        reader = codecs.getreader("utf-16")(stream, "surrogateescape")
        return io.BufferedReader(Utf8Reader(reader))
    if b"\x00" in head:
        at = head.index(b"\x00")
        raise DataError(
            f"{name} looks binary, not text: it holds a NUL byte at byte {at}.",
            fix="point to the text file; a UTF-16 file without a byte-order mark converts with: "
                "iconv -f UTF-16LE -t UTF-8 FILE > FILE.utf8")
    return stream


def split_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """The lines of ``stream`` without their ends, split at ``\\n``, ``\\r\\n`` or ``\\r``; the
    stream is read in chunks, so memory holds one line at a time."""
    carry = bytearray()
    after_cr = False  # the last chunk ended with \r: a \n opening this one belongs to it
    while chunk := stream.read(CHUNK):
        start = 1 if after_cr and chunk[:1] == b"\n" else 0
        for match in NEWLINE.finditer(chunk, start):
            carry += chunk[start:match.start()]
            yield bytes(carry)
            carry.clear()
            start = match.end()
        carry += chunk[start:]
        after_cr = chunk.endswith(b"\r")
    if carry:
        yield bytes(carry)


class Utf8Reader(io.RawIOBase):
    """A text reader's characters re-encoded as UTF-8 bytes (UTF-16 files, text-mode file
    objects)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            text = self._reader.read(CHUNK)
            if not text:
                return 0
            self._pending = text.encode("utf-8", "surrogatepass")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
