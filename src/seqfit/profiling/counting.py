r"""Token counts of a batch of texts, through the tokenizer's Rust batch path.

A text of millions of characters is counted in chunks cut where a run of spaces begins, so
tokenizing it holds a bounded multiple of one chunk rather than of the whole text. The count stays
exact: pre-tokenizers split at spaces (byte-level BPE and Metaspace attach the space to the next
word, as the chunk does), and the chunked count of the text's first chunks is checked against the
count of the same prefix in one piece before it is trusted, once per tokenizer (else the text is
counted whole). Tabs and line ends are never cut at: a Metaspace tokenizer that prepends "▁" to
every input would count one token more after them.

>>> _cut("one two  three\tfour five", 5)
['one two', '  three\tfour', ' five']
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

#: Texts longer than this many characters are counted in chunks of about this size.
CHUNK_CHARS = 1 << 18
#: Chunks tokenized in one call (bounds the memory of counting one huge text).
CHUNKS_PER_CALL = 8
_SPACES_START = re.compile(r"(?<=\S) ")

class _Backend:
    """A private copy of a tokenizer's Rust backend, and whether chunked counts are exact."""

    def __init__(self, rust: Any) -> None:
        self.rust = rust
        self.chunk_safe: bool | None = None


_BACKENDS: weakref.WeakKeyDictionary[Any, _Backend | None] = weakref.WeakKeyDictionary()


def token_lengths(tokenizer: Any, texts: Sequence[str],
                  pairs: Sequence[str] | None = None) -> np.ndarray:
    """Token counts (special tokens included) of a batch, through the Rust batch path without
    building id lists; a slow tokenizer falls back to encoding each text."""
    backend = _fast_backend(tokenizer)
    if backend is None:
        if pairs is not None:
            out = [len(tokenizer(t, p)["input_ids"]) for t, p in zip(texts, pairs, strict=True)]
        else:
            out = [len(tokenizer(t)["input_ids"]) for t in texts]
        return np.asarray(out, dtype=np.int64)
    sides = [list(texts)] + ([list(pairs)] if pairs is not None else [])
    long: list[tuple[int, str]] = []  # (row, text) of every side longer than a chunk
    for side in sides:
        for i, text in enumerate(side):
            if len(text) > CHUNK_CHARS:
                long.append((i, text))
                side[i] = ""  # its special tokens are counted with an empty stand-in
    counts = _encode_lengths(backend.rust, sides[0], sides[1] if pairs is not None else None)
    for i, text in long:
        counts[i] += _count_long(backend, text)
    return counts


def _encode_lengths(backend: Any, texts: Sequence[str],
                    pairs: Sequence[str] | None) -> np.ndarray:
    inputs: Sequence[Any] = list(zip(texts, pairs, strict=True)) if pairs is not None else texts
    encode = getattr(backend, "encode_batch_fast", backend.encode_batch)  # < 0.21: no fast
    encodings = encode(inputs, add_special_tokens=True)
    return np.fromiter((len(e) for e in encodings), dtype=np.int64, count=len(encodings))


def _content_lengths(backend: Any, chunks: Sequence[str]) -> int:
    encode = getattr(backend, "encode_batch_fast", backend.encode_batch)
    return sum(len(e) for e in encode(list(chunks), add_special_tokens=False))


def _cut(text: str, size: int) -> list[str]:
    """``text`` in pieces of about ``size`` characters, each cut where a run of spaces begins
    (the spaces go with the next piece, as pre-tokenizers attach them)."""
    return list(_pieces(text, size))


def _pieces(text: str, size: int) -> Iterator[str]:
    start = 0
    while len(text) - start > size:
        match = _SPACES_START.search(text, start + size)
        if match is None:
            break
        yield text[start:match.start()]
        start = match.start()
    yield text[start:]


def _count_long(backend: _Backend, text: str) -> int:
    """Content tokens of a long ``text``: in chunks where that is exact, else whole."""
    chunks = _pieces(text, CHUNK_CHARS)
    first = [c for _, c in zip(range(4), chunks, strict=False)]
    if not _chunk_safe(backend, first):
        return _content_lengths(backend.rust, [text])
    total = _content_lengths(backend.rust, first)
    group: list[str] = []
    for chunk in chunks:
        group.append(chunk)
        if len(group) == CHUNKS_PER_CALL:
            total += _content_lengths(backend.rust, group)
            group = []
    return total + (_content_lengths(backend.rust, group) if group else 0)


def _chunk_safe(backend: _Backend, chunks: list[str]) -> bool:
    """Whether counting these chunks apart gives the count of their text in one piece (checked
    once per tokenizer, on the first long text it meets; one chunk alone proves nothing)."""
    if len(chunks) < 2:
        return True
    if backend.chunk_safe is None:
        apart = _content_lengths(backend.rust, chunks)
        backend.chunk_safe = apart == _content_lengths(backend.rust, ["".join(chunks)])
    return backend.chunk_safe


def _fast_backend(tokenizer: Any) -> _Backend | None:
    """An independent copy of the Rust tokenizer with truncation and padding off (the shared one
    keeps whatever the last call set), made once per tokenizer."""
    if tokenizer in _BACKENDS:
        return _BACKENDS[tokenizer]
    backend = getattr(tokenizer, "backend_tokenizer", None)
    copy = None
    if backend is not None and hasattr(backend, "encode_batch"):
        from tokenizers import Tokenizer

        rust = Tokenizer.from_str(backend.to_str())
        rust.no_truncation()
        rust.no_padding()
        copy = _Backend(rust)
    _BACKENDS[tokenizer] = copy
    return copy
