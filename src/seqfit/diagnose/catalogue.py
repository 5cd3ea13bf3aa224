"""The catalogue of library messages (``messages.jsonl``, mined from the libraries' source by
``scripts/mine_messages.py``): every raise, warning and log line about input shape, with the code
it means, the numbers it carries and the releases that have it.

Two ways to read a text against it:

- :meth:`Catalogue.match`: the exact templates. Each row's regular expression runs only if the
  text holds the row's rarest literal words (a set lookup), so a text costs a handful of regular
  expressions, not thousands.
- :meth:`Catalogue.similar`: wording families, for messages of releases that were not mined.
  Words, word pairs and concepts of the text (:func:`~seqfit.diagnose.families.terms`) are
  weighted by how rare they are across the catalogue (tf-idf) and compared with every row that
  shares one; the nearest rows vote with their codes, off-topic rows for ``unknown``.
- :meth:`Catalogue.classify`: the same terms weighed by a linear model of the codes, fitted to
  every row (:func:`build_model`): where the nearest row is one template, the model has read all
  of them, so a held-out message whose nearest neighbour is off-topic can still be placed by the
  words that all the messages of its code share.

Nothing is read until the first call; nothing heavy is imported. The wording index and the
linear model are read from the committed ``messages.index.json`` once, and kept in a cache file
(SQLite, in ``$SEQFIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/seqfit`` or ``~/.cache/seqfit``, named
by the digest of the rows and the lexicon): later processes read only the terms of their text
from it instead of parsing the whole index.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import marshal
import math
import os
import re
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, overload

from .families import LEXICON, terms

PATH = Path(__file__).with_name("messages.jsonl")
ANCHOR_WORD = re.compile(r"[a-z][a-z0-9_]{3,}")
GLUE = re.compile(r"[a-z0-9_]*")  # what joins a field's value and a word into one word
FIELD = re.compile(r"\{[^{}]*\}")
INT = re.compile(r"-?\d+")
PROSE = re.compile(r"\b[A-Za-z]{2,}\b")


@dataclass(frozen=True)
class Row:
    """One template of the catalogue."""

    id: str
    code: str
    template: str
    matcher: str
    numbers: dict[str, str]
    library: str
    releases: tuple[str, ...]
    kind: str
    files: int
    sources: tuple[str, ...]
    candidates: tuple[str, ...] = ()
    question: str | None = None
    only_in: tuple[str, ...] = ()
    #: the rarest literal words, as :func:`rare_words` chose them when the catalogue was written
    #: (None when the file does not store them: they are then chosen on first use)
    anchors: tuple[str, ...] | None = None

    @property
    def literal(self) -> str:
        """The template's fixed text, fields removed."""
        return literal_of(self.template)

    @property
    def ambiguous(self) -> bool:
        return bool(self.candidates)


@dataclass(frozen=True)
class Match:
    row: Row
    evidence: dict[str, Any]
    covered: int  # characters of fixed text matched: more is more specific
    share: float = 1.0  # of the characters of the line it matched in, the share it spans
    prose: bool = False  # a field took a run of words, not a value: a generic phrase matched
    line: int = 0  # where the line it matched in starts: matches of other lines are other messages

    @property
    def says_it(self) -> bool:
        """Whether the template is the message of its line, not a generic phrase inside it."""
        return not self.prose and (self.share >= 0.6 or self.covered >= 20)

    @property
    def rules_out(self) -> bool:
        """Whether an off-topic template says the line is about something else: it is the
        message of its line (20 characters of fixed text or more), or a long stretch of it. A
        short phrase inside a longer message ("Must have the same shape", a fragment of a
        compiled library's strings) does not: a message about inputs can hold it too. Nor does
        a template of a few fixed words whose fields take the rest of the line ("{name} must
        have shape {shape}" read over "input_ids must have shape [batch_size,
        sequence_length]"): the fields hold what the message is about."""
        return not self.prose and ((self.share >= 0.6 and self.covered >= 20) or
                                   self.covered >= 40)


@dataclass
class Catalogue:
    rows: Sequence[Row]
    releases: dict[str, list[str]]
    #: A file holding the wording index, built by :func:`build_index` for exactly these rows
    #: (``scripts/mine_messages.py`` writes it beside the committed catalogue); used when its
    #: digest is :func:`digest` of the rows, built here otherwise.
    index_path: Path | None = None
    _compiled: dict[int, re.Pattern[str]] = field(default_factory=dict, repr=False)
    _anchors: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _required: list[frozenset[str]] = field(default_factory=list, repr=False)
    _postings: dict[str, list[list[int]]] = field(default_factory=dict, repr=False)
    _decoded: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict, repr=False)
    _idf: dict[str, float] = field(default_factory=dict, repr=False)
    _model: dict[str, Any] | None = field(default=None, repr=False)
    _stored: dict[str, Any] | None = field(default=None, repr=False)
    _cache: IndexCache | None = field(default=None, repr=False)

    def _load_stored(self) -> dict[str, Any]:
        """The committed wording index, if it was built for these rows; else an empty dict."""
        if self._stored is None:
            self._stored = {}
            if self.index_path is not None and self.index_path.is_file():
                with self.index_path.open(encoding="utf-8") as stream:
                    stored = json.load(stream)
                if stored.get("digest") == self._digest:
                    self._stored = stored
        return self._stored

    # --- exact templates -----------------------------------------------------------------------
    def _index(self) -> None:
        if self._anchors or not self.rows:
            return
        every = self.rows.anchors() if isinstance(self.rows, LazyRows) else \
            [row.anchors for row in self.rows]
        stored = [anchors for anchors in every if anchors is not None]
        chosen: Sequence[Sequence[str]] = stored if len(stored) == len(self.rows) else \
            rare_words([row.template for row in self.rows])
        for i, rare in enumerate(chosen):
            self._required.append(frozenset(rare))
            self._anchors.setdefault(rare[0] if rare else "", []).append(i)

    def match(self, text: str) -> list[Match]:
        """Every row whose template matches ``text``, most specific first."""
        self._index()
        lowered = text.lower()
        present = set(ANCHOR_WORD.findall(lowered))
        candidates: list[int] = list(self._anchors.get("", ()))
        for word in present:
            candidates.extend(self._anchors.get(word, ()))
        found: list[Match] = []
        for i in sorted(set(candidates)):
            if not self._required[i] <= present:
                continue
            pattern = self._compiled.get(i)
            if pattern is None:
                pattern = self._compiled[i] = re.compile(self.rows[i].matcher, re.I)
            hit = pattern.search(text)
            if hit is None:
                continue
            row = self.rows[i]
            if row.template.startswith("{"):
                hit = _past_lead_in(pattern, text, hit)
            covered = len(row.literal.replace(" ", ""))
            start = text.rfind("\n", 0, hit.start()) + 1
            end = text.find("\n", hit.end())
            line = text[start:end if end >= 0 else len(text)]
            span = len(hit.group(0).replace(" ", ""))
            share = min(1.0, span / max(1, len(line.replace(" ", ""))))
            prose = any(len(PROSE.findall(v)) > 3 for v in hit.groupdict().values() if v)
            found.append(Match(row, _numbers(row, hit), covered, share, prose, start))
        found.sort(key=lambda m: -m.covered)
        return found

    # --- wording families ----------------------------------------------------------------------
    def _vectorise(self) -> None:
        if self._idf or self._cache is not None or not self.rows:
            return
        path = self._cache_path()
        self._cache = IndexCache.open(path)
        if self._cache is not None:
            self._model = self._cache.model
            return
        stored = self._load_stored()
        committed = "postings" in stored
        if not committed:
            stored = build_index(self.rows)
        self._idf = stored["idf"]
        self._postings = stored["postings"]
        self._model = stored.get("model")
        self._stored = None  # the parsed file is not needed any more
        if committed:
            IndexCache.write(path, stored)

    def _cache_path(self) -> Path | None:
        """Where the cache of the committed index lies (None for a catalogue of other rows,
        which has no committed index)."""
        if self.index_path is None or not self.index_path.is_file():
            return None
        return cache_dir() / f"index-{_where(self.index_path)}-{self._digest}.sqlite"

    @cached_property
    def _digest(self) -> str:
        """:func:`digest` of the rows, computed once (the committed index and its cache are
        both checked against it)."""
        return digest(self.rows)

    def _terms(self, found: Iterable[str]) -> dict[str, float]:
        """The idf of each term of ``found`` the index knows (read from the cache, where the
        postings and model weights of the same terms come along)."""
        unique = set(found)
        if self._cache is not None:
            self._cache.fetch(unique, self._idf, self._postings, self._model)
        return {t: self._idf[t] for t in unique if t in self._idf}

    def _rows_of(self, term: str) -> tuple[list[int], list[int]]:
        """The rows that hold ``term`` and its weight in each, decoded on first use."""
        decoded = self._decoded.get(term)
        if decoded is None:
            gaps, weights = self._postings.get(term) or ([], [])
            decoded = self._decoded[term] = (list(itertools.accumulate(gaps)), weights)
        return decoded

    def similar(self, text: str, *, limit: int = 5) -> list[tuple[Row, float]]:
        """The rows whose wording is nearest to ``text`` (cosine of tf-idf weights), best first."""
        self._vectorise()
        found = terms(text)
        query = _weights(found, self._terms(found))
        if not query:
            return []
        scores: dict[int, float] = {}
        for term, weight in query.items():
            rows, weights = self._rows_of(term)
            weight /= WEIGHT_SCALE
            for i, row_weight in zip(rows, weights, strict=True):
                scores[i] = scores.get(i, 0.0) + weight * row_weight
        best = sorted(scores.items(), key=lambda kv: -kv[1])[:limit]
        return [(self.rows[i], score) for i, score in best]

    def classify(self, text: str) -> list[tuple[str, float]]:
        """Every code with the linear model's score for ``text``, best first; empty when the
        model could not be built (scikit-learn absent and no stored index for these rows)."""
        self._vectorise()
        model = self._model
        if not model:
            return []
        found = terms(text)
        query = _weights(found, self._terms(found))
        scores = [b / WEIGHT_SCALE for b in model["bias"]]
        for term, weight in query.items():
            flat = model["weights"].get(term, ())
            for k in range(0, len(flat), 2):
                scores[flat[k]] += weight * flat[k + 1] / WEIGHT_SCALE
        return sorted(zip(model["classes"], scores, strict=True), key=lambda kv: -kv[1])


WEIGHT_SCALE = 10_000  # tf-idf weights are stored as whole numbers of 1/10,000


def cache_dir() -> Path:
    """Where seqfit keeps what it derives once and reads many times."""
    given = os.environ.get("SEQFIT_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "seqfit"


@dataclass
class IndexCache:
    """The committed wording index and linear model as an SQLite file, one row per term: a
    process reads the few terms of its text instead of parsing the whole JSON index. Written
    once per catalogue, named by the install's index file and the catalogue's digest; the one
    it replaces (the same install before its catalogue changed) is removed, those of other
    installs are not. Unreadable or unwritable, it is simply not used."""

    connection: sqlite3.Connection
    model: dict[str, Any] | None
    asked: set[str] = field(default_factory=set)  # terms looked up already, known or not

    @classmethod
    def open(cls, path: Path | None) -> IndexCache | None:
        if path is None or not path.is_file():
            return None
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            head = dict(connection.execute("SELECT key, value FROM head"))
            model = json.loads(head["model"])
        except (sqlite3.Error, KeyError, ValueError):
            return None
        if model is not None:
            model["weights"] = {}  # filled per term by fetch()
        return cls(connection, model)

    def fetch(self, terms: set[str], idf: dict[str, float], postings: dict[str, Any],
              model: dict[str, Any] | None) -> None:
        """Read the idf, postings and model weights of ``terms`` into the catalogue's tables
        (those of the committed index, for the terms asked so far)."""
        wanted = sorted(terms - self.asked)
        self.asked.update(wanted)
        for start in range(0, len(wanted), 500):  # SQLite's bound on parameters
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for term, value, posting, weights in self.connection.execute(
                    f"SELECT term, idf, postings, weights FROM terms WHERE term IN ({marks})",
                    chunk):
                idf[term] = value
                postings[term] = json.loads(posting)
                if model is not None and weights:
                    model["weights"][term] = json.loads(weights)

    @staticmethod
    def write(path: Path | None, stored: dict[str, Any]) -> None:
        if path is not None and write_atomically(
                path, lambda temporary: _fill_cache(temporary, stored)):
            remove_older(path)
            for unkeyed in path.parent.glob("index-*.sqlite"):
                # named by the digest alone (seqfit before 2026-12): no install keeps it up to
                # date any more, and each was 17 MB
                if re.fullmatch(r"index-[0-9a-f]{40}\.sqlite", unkeyed.name):
                    with contextlib.suppress(OSError):
                        unkeyed.unlink(missing_ok=True)


def _where(source: Path) -> str:
    """A short name for the install a cached file derives from: its source file's path."""
    return hashlib.sha1(str(source.resolve()).encode()).hexdigest()[:12]


def remove_older(path: Path) -> None:
    """Remove the files ``path`` replaces: those of the same source (named alike up to the last
    '-') made before it changed. Another process may hold one open: it keeps reading it (POSIX),
    or the file stays until the next write (Windows)."""
    for older in path.parent.glob(f"{path.stem.rsplit('-', 1)[0]}-*{path.suffix}"):
        if older != path:
            with contextlib.suppress(OSError):
                older.unlink(missing_ok=True)


def write_atomically(path: Path, fill: Callable[[Path], object]) -> bool:
    """Write ``path`` whole or not at all, whatever runs beside: ``fill`` writes a temporary
    file next to it, which is then renamed. False where nothing could be written (no cache
    where none can be)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, suffix=".part")
    except OSError:
        return False
    os.close(handle)
    temporary = Path(name)
    try:
        fill(temporary)
        os.replace(temporary, path)
    except (OSError, sqlite3.Error):
        temporary.unlink(missing_ok=True)
        return False
    return True


def _fill_cache(path: Path, stored: dict[str, Any]) -> None:
    model = stored.get("model")
    weights = model["weights"] if model else {}
    head = {k: v for k, v in model.items() if k != "weights"} if model else None
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute("CREATE TABLE head (key TEXT PRIMARY KEY, value TEXT)")
            connection.execute("CREATE TABLE terms (term TEXT PRIMARY KEY, idf REAL, "
                               "postings TEXT, weights TEXT) WITHOUT ROWID")
            connection.execute("INSERT INTO head VALUES ('model', ?)", (json.dumps(head),))
            connection.executemany("INSERT INTO terms VALUES (?, ?, ?, ?)", (
                (term, idf, json.dumps(stored["postings"].get(term, [[], []])),
                 json.dumps(weights[term]) if term in weights else None)
                for term, idf in stored["idf"].items()))
    finally:
        connection.close()


def digest(rows: Sequence[Row]) -> str:
    """What the stored indexes were built from: the rows' templates and labels (the linear
    model is trained on the codes, so a relabelled catalogue needs a new index and cache) and
    the terms' lexicon."""
    h = hashlib.sha1(LEXICON.encode())
    for row in rows:
        h.update(f"{row.id}\x00{row.template}\x00{row.code}\x00{','.join(row.candidates)}\x00"
                 .encode())
    return h.hexdigest()


def literal_of(template: str) -> str:
    """A template's fixed text, fields removed."""
    return FIELD.sub(" ", template.replace("{{", "").replace("}}", ""))


def anchor_words(template: str) -> set[str]:
    """The words of a template's fixed text that a filled-in message holds as words of their
    own: not those glued to a field ("{label_type}_label_ids" pastes as "punct_label_ids")."""
    pieces = FIELD.split(template.replace("{{", "").replace("}}", "").lower())
    words: set[str] = set()
    for i, piece in enumerate(pieces):
        for word in ANCHOR_WORD.finditer(piece):
            glued_before = i > 0 and GLUE.fullmatch(piece[:word.start()])
            glued_after = i < len(pieces) - 1 and GLUE.fullmatch(piece[word.end():])
            if not (glued_before or glued_after):
                words.add(word.group())
    return words


def rare_words(templates: Sequence[str]) -> list[list[str]]:
    """Each template's three rarest literal words across ``templates``: a text must hold them
    all for the row's regular expression to run. ``scripts/mine_messages.py`` stores them with
    each row, so a process that reads the catalogue does not count them again."""
    words = [anchor_words(t) for t in templates]
    frequency: dict[str, int] = {}
    for found in words:
        for word in found:
            frequency[word] = frequency.get(word, 0) + 1
    return [sorted(found, key=lambda w: (frequency[w], -len(w), w))[:3] for found in words]


def build_index(rows: Sequence[Row]) -> dict[str, Any]:
    """The wording index of ``rows``: the idf of every term, and per term the rows that hold it
    (as gaps between row numbers) with its weight in each (in 1/WEIGHT_SCALE)."""
    terms_of = [terms(row.template) for row in rows]
    frequency: dict[str, int] = {}
    for found in terms_of:
        for term in set(found):
            frequency[term] = frequency.get(term, 0) + 1
    n = len(rows)
    idf = {t: round(math.log((1 + n) / (1 + f)) + 1.0, 4) for t, f in sorted(frequency.items())}
    postings: dict[str, tuple[list[int], list[int]]] = {}
    last: dict[str, int] = {}
    for i, found in enumerate(terms_of):
        for term, weight in sorted(_weights(found, idf).items()):
            gaps, weights = postings.setdefault(term, ([], []))
            gaps.append(i - last.get(term, 0))
            weights.append(round(weight * WEIGHT_SCALE))
            last[term] = i
    return {"digest": digest(rows), "idf": idf, "postings": dict(sorted(postings.items())),
            "model": build_model(rows, idf)}


#: Weights of the linear model smaller than this (in 1/WEIGHT_SCALE) are not stored: they move
#: no decision and would double the index.
MODEL_PRUNE = 50


def build_model(rows: Sequence[Row], idf: dict[str, float]) -> dict[str, Any] | None:
    """A linear model of the codes over the rows' tf-idf terms: one-vs-rest linear SVMs with the
    classes balanced (the off-topic rows outnumber each code's a hundred to one), fitted with
    scikit-learn when it is installed; stored like the postings, per term its non-negligible
    weights as ``[class, weight, class, weight, ...]``. None without scikit-learn or with fewer
    than two codes."""
    usable = [row for row in rows if not row.ambiguous]
    classes = sorted({row.code for row in usable})
    if len(classes) < 2:
        return None
    try:
        import numpy
        from scipy.sparse import csr_matrix
        from sklearn.svm import LinearSVC
    except ImportError:
        return None
    column = {term: i for i, term in enumerate(idf)}
    data: list[float] = []
    indices: list[int] = []
    starts = [0]
    for row in usable:
        for term, weight in _weights(terms(row.template), idf).items():
            indices.append(column[term])
            data.append(weight)
        starts.append(len(indices))
    matrix = csr_matrix((data, indices, starts), shape=(len(usable), len(column)))
    fitted = LinearSVC(C=0.3, class_weight="balanced", random_state=0, max_iter=5000)
    fitted.fit(matrix, [row.code for row in usable])
    coef = fitted.coef_ if len(classes) > 2 else [-fitted.coef_[0], fitted.coef_[0]]
    bias = fitted.intercept_ if len(classes) > 2 else [-fitted.intercept_[0],
                                                       fitted.intercept_[0]]
    scaled = numpy.rint(numpy.asarray(coef, dtype=float) * WEIGHT_SCALE).astype(int)
    weights: dict[str, list[int]] = {}
    for term, i in column.items():
        kept = numpy.flatnonzero(numpy.abs(scaled[:, i]) >= MODEL_PRUNE)
        if kept.size:
            weights[term] = [int(v) for k in kept for v in (k, scaled[k, i])]
    return {"classes": [str(c) for c in fitted.classes_],
            "bias": [round(float(b) * WEIGHT_SCALE) for b in bias], "weights": weights}


def _weights(terms: Iterable[str], idf: dict[str, float]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for term in terms:
        if term in idf:
            counts[term] = counts.get(term, 0) + 1
    vector = {t: (1 + math.log(c)) * idf[t] for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm else {}


def _past_lead_in(pattern: re.Pattern[str], text: str, hit: re.Match[str]) -> re.Match[str]:
    """A template that opens with a field matches from the start of the line, so the field
    takes the line's lead-in ("ValueError:" of "ValueError: 613 labels found ..."): match again
    after it, where the field holds the value."""
    first = hit.group(1) if pattern.groups else None  # ("{} is not ..." opens with braces)
    if not first or ":" not in first:
        return hit
    # past the last colon the field took ("AssertionError: 613" of "AssertionError: 613 exceeds
    # max_seq_length."), or past the whole field when it is nothing but the lead-in
    start = hit.start(1) + first.rindex(":") + 1
    while start < len(text) and text[start] in " \t":
        start += 1
    return pattern.search(text, start) or hit


def _numbers(row: Row, hit: re.Match[str]) -> dict[str, Any]:
    """The numbers a match carries, under the evidence names the catalogue gives its fields."""
    evidence: dict[str, Any] = {}
    for name, key in row.numbers.items():
        value = hit.groupdict().get(name)
        if value is None:
            continue
        ints = [int(v) for v in INT.findall(value)]
        if key == "shape":
            if ints:
                evidence.setdefault("shape", ints)
        elif len(ints) == 1 and re.fullmatch(r"\s*[(=]?\s*-?\d+\s*[)]?\s*", value) and (
                ints[0] >= 0 or key == "index"):
            # (a negative count is a room that ran out, not a length or a limit)
            evidence.setdefault(key, ints[0])
    return evidence


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Catalogue:
    """The catalogue, read once per process: from the rows cache when one was written for this
    file (a process then builds only the rows its text needs), else parsed from the JSON lines
    (and the cache written for the next process)."""
    source = Path(path) if path else PATH
    index_path = source.with_name(source.stem + ".index.json")
    cached = RowsCache.read(source)
    if cached is not None:
        releases, known_digest, lazy = cached
        catalogue = Catalogue(lazy, releases, index_path)
        catalogue.__dict__["_digest"] = known_digest  # (the cached_property, computed once)
        return catalogue
    rows: list[Row] = []
    releases = {}
    with source.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            record = json.loads(line)
            if number == 0:
                releases = record.get("releases", {})
                continue
            rows.append(Row(
                id=record["id"], code=record["code"], template=record["template"],
                matcher=record["matcher"], numbers=record.get("numbers", {}),
                library=record["library"], releases=tuple(record.get("releases", ())),
                kind=record.get("kind", ""), files=record.get("files", 1),
                sources=tuple(record.get("sources", ())),
                candidates=tuple(record.get("candidates", ())),
                question=record.get("question"), only_in=tuple(record.get("only_in", ())),
                anchors=tuple(record["anchors"]) if "anchors" in record else None))
    catalogue = Catalogue(rows, releases, index_path)
    RowsCache.write(source, releases, catalogue._digest, rows)
    return catalogue


#: The fields of a row, in the order the rows cache stores them.
ROW_FIELDS = tuple(Row.__dataclass_fields__)


class LazyRows(Sequence[Row]):
    """The catalogue's rows as the rows cache stores them, each its fields marshalled apart,
    decoded into a :class:`Row` the first time it is asked for: a text needs a few dozen of
    them, and decoding all 38,000 costs more than the rest of an explanation. The anchors,
    which every text reads, are kept decoded."""

    def __init__(self, anchors: list[tuple[str, ...] | None], blobs: list[bytes]) -> None:
        self._anchors = anchors
        self._blobs = blobs
        self._built: dict[int, Row] = {}

    def __len__(self) -> int:
        return len(self._blobs)

    @overload
    def __getitem__(self, i: int) -> Row: ...
    @overload
    def __getitem__(self, i: slice) -> list[Row]: ...
    def __getitem__(self, i: int | slice) -> Row | list[Row]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        row = self._built.get(i)
        if row is None:
            row = self._built[i] = Row(*marshal.loads(self._blobs[i]))
        return row

    def anchors(self) -> list[tuple[str, ...] | None]:
        """Every row's stored anchors, without decoding the rows."""
        return self._anchors


class RowsCache:
    """The parsed rows of a catalogue file in ``marshal``'s format, each row apart so that a
    process decodes only the rows it reads (loading is twenty times faster than parsing the JSON
    lines). It lies in the cache folder, named by the file's path, size and time, the Python
    release and the row's fields (marshal's format is Python's own). Unreadable or unwritable,
    it is simply not used."""

    @staticmethod
    def path(source: Path) -> Path | None:
        try:
            stat = source.stat()
        except OSError:
            return None
        where = _where(source)
        what = hashlib.sha1(f"{stat.st_size}\x00{stat.st_mtime_ns}\x00{sys.version_info[:2]}"
                            f"\x00{ROW_FIELDS}".encode()).hexdigest()[:12]
        return cache_dir() / f"rows-{where}-{what}.marshal"

    @classmethod
    def read(cls, source: Path) -> tuple[dict[str, list[str]], str, LazyRows] | None:
        path = cls.path(source)
        if path is None or not path.is_file():
            return None
        try:
            releases, known_digest, anchors, blobs = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        return releases, known_digest, LazyRows(anchors, blobs)

    @classmethod
    def write(cls, source: Path, releases: dict[str, list[str]], known_digest: str,
              rows: Sequence[Row]) -> None:
        path = cls.path(source)
        if path is None or not write_atomically(path, lambda temporary: temporary.write_bytes(
                marshal.dumps((releases, known_digest, [row.anchors for row in rows],
                               [marshal.dumps(tuple(getattr(row, name) for name in ROW_FIELDS))
                                for row in rows])))):
            return
        remove_older(path)  # the rows of this file before it changed


def release_note(row: Row, releases: dict[str, list[str]]) -> str | None:
    """Which releases have this message, when not all mined ones do: "transformers < 4.40"."""
    if not row.only_in:
        return None
    known = releases.get(row.library, [])
    have = [r for r in known if r in row.only_in]
    if not have or not known:
        return None
    first, last = known.index(have[0]), known.index(have[-1])
    contiguous = last - first + 1 == len(have)
    name = row.library
    if contiguous and first == 0 and last + 1 < len(known):
        return f"{name} < {_short(known[last + 1])} (found in {', '.join(have)})"
    if contiguous and last == len(known) - 1 and first > 0:
        return f"{name} >= {_short(have[0])} (not in {known[first - 1]} and older)"
    if contiguous:
        return f"{name} {_short(have[0])} to {_short(have[-1])} only"
    return f"{name} {', '.join(have)} only"


def _short(version: str) -> str:
    return ".".join(version.split(".")[:2])
