"""A matrix of bad inputs across every command and public function, and what each must give.

Every case ends in exactly one of three acceptable outcomes:

- ``ok``: a correct result, checked against a clean reference (the same rows written plainly,
  the same batch built right);
- ``error``: one :class:`~seqfit.errors.SeqfitError` of the expected kind, with a fix to type
  (on the command line: exit status 1 and one line on stderr; under ``--format json``, the error
  as JSON on stdout; a usage error caught by the option parser exits 2);
- ``rows``: a result in which every input row is either counted or reported as bad, with its
  line and reason: rows in = rows counted + rows reported.

:func:`outcome` runs a case and says which outcome it got: ``clean`` when it is the expected
one, else ``traceback`` (an exception seqfit did not mean), ``refused`` (an error where a result
was due), ``silently-wrong`` (a result where an error was due, or a result that fails its check)
or ``lost-rows``. ``tests/hostile/test_matrix.py`` asserts every case is clean;
``bench/hostile.py`` prints the tally.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import seqfit
from seqfit import errors

WORDS = ("the model reads every token of a long document and the windows fit the limit "
         "while nothing is lost").split()


@dataclass(frozen=True)
class Cli:
    """What a command printed and returned."""

    rc: int
    stdout: str
    stderr: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    id: str
    run: Callable[[Path], Any]
    expect: str  # "ok", "error" or "rows"
    check: Callable[[Any, Path], None] | None = None
    error: type[errors.SeqfitError] = errors.SeqfitError
    area: str = "api"
    tags: tuple[str, ...] = field(default=())


CASES: list[Case] = []


def case(id: str, expect: str, *, check: Callable[[Any, Path], None] | None = None,
         error: type[errors.SeqfitError] = errors.SeqfitError, area: str = "api"
         ) -> Callable[[Callable[[Path], Any]], Callable[[Path], Any]]:
    def register(run: Callable[[Path], Any]) -> Callable[[Path], Any]:
        if any(c.id == id for c in CASES):
            raise ValueError(f"duplicate case id {id!r}")
        CASES.append(Case(id, run, expect, check, error, area))
        return run
    return register


# ------------------------------------------------------------------------------------------------
# Running and judging
# ------------------------------------------------------------------------------------------------


def cli(*args: str, input: bytes | None = None) -> Cli:
    """Run ``seqfit ARGS`` in-process, as a user would see it."""
    from typer.testing import CliRunner

    from seqfit.cli import app

    result = CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "400"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Cli(result.exit_code, result.stdout, result.stderr, tuple(args))


def outcome(case: Case, tmp: Path) -> tuple[str, str]:
    """``(status, detail)``: ``clean`` or what went wrong."""
    try:
        result = case.run(tmp)
    except errors.SeqfitError as exc:
        if case.expect != "error":
            return "refused", f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, case.error):
            return "refused", f"expected {case.error.__name__}, got {type(exc).__name__}: {exc}"
        if not exc.fix:
            return "refused", f"{type(exc).__name__} without a fix: {exc}"
        return "clean", ""
    except Exception as exc:  # what the matrix is here to find
        return "traceback", f"{type(exc).__name__}: {exc}"
    if isinstance(result, Cli):
        return _judge_cli(case, result, tmp)
    if case.expect == "error":
        return "silently-wrong", f"expected {case.error.__name__}, got a result: {result!r:.200}"
    return _checked(case, result, tmp)


def _judge_cli(case: Case, result: Cli, tmp: Path) -> tuple[str, str]:
    text = result.stdout + result.stderr
    if "Traceback (most recent call last)" in text or result.rc not in (0, 1, 2):
        return "traceback", f"rc {result.rc}: {text[-600:]}"
    if case.expect == "error":
        if result.rc == 2 and ("Invalid value" in text or "Missing argument" in text
                               or "No such option" in text):
            return "clean", ""  # the option parser's own usage error
        if result.rc != 1:
            return "silently-wrong", f"expected an error, got rc {result.rc}: {text[-300:]}"
        if "--format" in result.args and "json" in result.args:
            try:
                error = json.loads(result.stdout)["error"]
            except (ValueError, KeyError, TypeError):
                return "refused", f"--format json error is not JSON: {result.stdout[-300:]}"
            return ("clean", "") if error.get("fix") else ("refused", f"no fix: {error}")
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        if len(lines) != 1 or not lines[0].startswith("error: ") or "Fix: " not in lines[0]:
            return "refused", f"not one error line with a fix: {result.stderr!r:.400}"
        return "clean", ""
    if result.rc != 0:
        return "refused", f"rc {result.rc}: {text[-400:]}"
    return _checked(case, result, tmp)


def _checked(case: Case, result: Any, tmp: Path) -> tuple[str, str]:
    if case.check is None:
        return "clean", ""
    try:
        case.check(result, tmp)
    except AssertionError as exc:
        return ("lost-rows" if case.expect == "rows" else "silently-wrong"), str(exc)[:400]
    return "clean", ""


# ------------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------------


def rows_of(n: int, seed: int = 0) -> list[str]:
    import random

    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40))) for _ in range(n)]


ROWS = rows_of(30)


@dataclass(frozen=True)
class Data:
    """One input file: how to write it, its name, and the rows it must profile to."""

    name: str
    write: Callable[[Path], None]
    good: list[str]  # the rows that must be counted, in order
    bad: int = 0  # rows that must be reported as bad
    format: str | None = None  # --input-format, where the name does not say


def jsonl(rows: list[Any], key: str = "text") -> bytes:
    return "".join(json.dumps({key: r}, ensure_ascii=False) + "\n" for r in rows).encode()


def csv_bytes(rows: list[str], delimiter: str = ",", newline: str = "\r\n") -> bytes:
    import csv

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(["id", "text"])
    for i, r in enumerate(rows):
        writer.writerow([i, r])
    return buffer.getvalue().encode()


def text_bytes(rows: list[str], newline: str = "\n") -> bytes:
    return newline.join(rows).encode() + newline.encode()


def writing(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


DATA = [
    Data("plain.jsonl", writing(jsonl(ROWS)), ROWS),
    Data("bom.jsonl", writing(codecs.BOM_UTF8 + jsonl(ROWS)), ROWS),
    Data("crlf.jsonl", writing(jsonl(ROWS).replace(b"\n", b"\r\n")), ROWS),
    Data("cr-only.jsonl", writing(jsonl(ROWS).replace(b"\n", b"\r")), ROWS),
    Data("utf16.jsonl", writing(codecs.BOM_UTF16_LE + jsonl(ROWS).decode().encode(
        "utf-16-le")), ROWS),
    Data("leading-space.jsonl", writing(b"  " + jsonl(ROWS)), ROWS),
    Data("plain.csv", writing(csv_bytes(ROWS)), ROWS),
    Data("excel-bom.csv", writing(codecs.BOM_UTF8 + csv_bytes(ROWS)), ROWS),
    Data("lf.csv", writing(csv_bytes(ROWS, newline="\n")), ROWS),
    Data("cr-only.csv", writing(csv_bytes(ROWS, newline="\r")), ROWS),
    Data("utf16.csv", writing(codecs.BOM_UTF16_LE + csv_bytes(ROWS).decode().encode(
        "utf-16-le")), ROWS),
    Data("utf16-be.csv", writing(codecs.BOM_UTF16_BE + csv_bytes(ROWS).decode().encode(
        "utf-16-be")), ROWS),
    Data("tabs.tsv", writing(csv_bytes(ROWS, delimiter="\t")), ROWS),
    Data("plain.txt", writing(text_bytes(ROWS)), ROWS),
    Data("bom.txt", writing(codecs.BOM_UTF8 + text_bytes(ROWS)), ROWS),
    Data("crlf.txt", writing(text_bytes(ROWS, "\r\n")), ROWS),
    Data("cr-only.txt", writing(text_bytes(ROWS, "\r")), ROWS),
    Data("mixed-ends.txt", writing(b"one\rtwo\r\nthree\nfour\n"), ["one", "two", "three", "four"]),
    Data("utf16.txt", writing(codecs.BOM_UTF16_LE + text_bytes(ROWS).decode().encode(
        "utf-16-le")), ROWS),
    Data("no-final-newline.txt", writing(b"alpha\nbeta"), ["alpha", "beta"]),
    Data("replacement-char.jsonl", writing(jsonl(["a real \ufffd in text", "fine"])),
         ["a real \ufffd in text", "fine"]),
    Data("replacement-char.csv", writing(csv_bytes(["a real \ufffd in text", "fine"])),
         ["a real \ufffd in text", "fine"]),
    Data("unicode.txt", writing(text_bytes(["日本語のテキスト", "naïve café", "emoji 🎉 ok"])),
         ["日本語のテキスト", "naïve café", "emoji 🎉 ok"]),
    Data("long-field.csv", writing(csv_bytes(["word " * 40_000, "short"])),
         ["word " * 40_000, "short"]),
    Data("one-long-line.txt", writing(("token " * 400_000).encode() + b"\n"),
         ["token " * 400_000]),
    Data("latin1.txt", writing("plain\ncaf\xe9 au lait\nalso plain\n".encode("latin-1")),
         ["plain", "also plain"], bad=1),
    Data("latin1.csv", writing("id,text\n1,plain\n2,caf\xe9\n3,also\n".encode("latin-1")),
         ["plain", "also"], bad=1),
    Data("latin1.jsonl", writing(b'{"text": "plain"}\n{"text": "caf\xe9"}\n'), ["plain"], bad=1),
    Data("blank-lines.txt", writing(b"one\n\n  \ntwo\n"), ["one", "two"], bad=2),
    Data("blank-lines.jsonl", writing(b'{"text": "one"}\n\n{"text": "two"}\n'), ["one", "two"],
         bad=1),
    Data("nulls.jsonl", writing(jsonl(["one", None, 3, ["a"], {"b": 1}, "", "two"])),
         ["one", "two"], bad=5),
    Data("broken.jsonl", writing(b'{"text": "one"}\n{"text": \n[1, 2]\n"just a string"\n'
                                 b'{"other": "x"}\n{"text": "two"}\n'), ["one", "two"], bad=4),
    Data("deeply-nested.jsonl", writing(b'{"text": "one"}\n' + b'{"text": ' + b"[" * 100_000 +
                                        b"]" * 100_000 + b"}\n" + b'{"text": "two"}\n'),
         ["one", "two"], bad=1),
    Data("lone-surrogate.jsonl", writing(b'{"text": "one"}\n{"text": "bad \\ud83d half"}\n'
                                         b'{"text": "two"}\n'), ["one", "two"], bad=1),
    Data("short-row.csv", writing(b"id,text\n1,one\n2\n3,two\n"), ["one", "two"], bad=1),
    Data("extra-fields.csv", writing(b"id,text\n1,one,extra\n2,two\n"), ["one", "two"]),
    Data("quoted-newlines.csv", writing(b'id,text\n1,"line one\nline two"\n2,two\n'),
         ["line one\nline two", "two"]),
    Data("no-suffix", writing(text_bytes(ROWS)), ROWS),
    Data("jsonl-named.txt", writing(jsonl(ROWS)), ROWS, format="jsonl"),
]


def reference_tokens(texts: list[str]) -> int:
    """Tokens of ``texts`` counted by the real tokenizer, one by one (the reference)."""
    tokenizer = _tokenizer()
    return sum(len(tokenizer(t)["input_ids"]) for t in texts)


_TOKENIZER: list[Any] = []


def _tokenizer() -> Any:
    if not _TOKENIZER:
        from transformers import AutoTokenizer

        from seqfit.model.loading import default_model_path

        _TOKENIZER.append(AutoTokenizer.from_pretrained(default_model_path()))
    return _TOKENIZER[0]


def profile_check(data: Data) -> Callable[[Any, Path], None]:
    def check(result: Any, tmp: Path) -> None:
        profile = result
        if isinstance(result, Cli):
            profile = json.loads(result.stdout)
            rows, invalid, tokens = profile["rows"], profile["invalid_count"], profile["tokens"]
            listed = profile["invalid"]
        else:
            rows, invalid, tokens = profile.rows, profile.invalid_count, profile.tokens
            listed = profile.invalid
        assert rows == len(data.good), f"{rows} rows counted, expected {len(data.good)}"
        assert invalid == data.bad, f"{invalid} rows reported bad, expected {data.bad}"
        assert all(len(item) == 2 and item[1] for item in listed), f"bad rows: {listed}"
        expected = reference_tokens(data.good)
        assert tokens == expected, f"{tokens} tokens, expected {expected}"
    return check


def _data_path(tmp: Path, data: Data) -> Path:
    path = tmp / data.name
    if not path.exists():
        data.write(path)
    return path


for _data in DATA:
    expect = "rows" if _data.bad else "ok"
    fmt = ["--input-format", _data.format] if _data.format else []

    def _api(tmp: Path, data: Data = _data) -> Any:
        return seqfit.profile(str(_data_path(tmp, data)), input_format=data.format or "auto")

    def _cli(tmp: Path, data: Data = _data, fmt: list[str] = fmt) -> Cli:
        return cli("profile", str(_data_path(tmp, data)), "--format", "json", *fmt)

    def _stdin(tmp: Path, data: Data = _data, fmt: list[str] = fmt) -> Cli:
        return cli("profile", "-", "--format", "json", *fmt,
                   input=_data_path(tmp, data).read_bytes())

    case(f"profile-api-{_data.name}", expect, check=profile_check(_data), area="profile")(_api)
    case(f"profile-cli-{_data.name}", expect, check=profile_check(_data), area="cli")(_cli)
    if not _data.name.endswith((".csv", ".tsv")):  # stdin is sniffed as JSONL or text
        case(f"profile-stdin-{_data.name}", expect, check=profile_check(_data),
             area="cli")(_stdin)


# ------------------------------------------------------------------------------------------------
# File kinds
# ------------------------------------------------------------------------------------------------


@dataclass
class Fifo:
    """A named pipe fed by a background thread, as ``<(...)`` and ``mkfifo`` give."""

    path: Path
    data: bytes

    def __enter__(self) -> Path:
        os.mkfifo(self.path)
        self.thread = threading.Thread(target=self._feed, daemon=True)
        self.thread.start()
        return self.path

    def _feed(self) -> None:
        with open(self.path, "wb") as pipe:
            pipe.write(self.data)

    def __exit__(self, *_: Any) -> None:
        self.thread.join(timeout=5)


def _pipe_profile(tmp: Path, data: bytes, name: str) -> Any:
    with Fifo(tmp / name, data) as path:
        return seqfit.profile(str(path))


def _pipe_cli(tmp: Path, data: bytes, name: str) -> Cli:
    with Fifo(tmp / name, data) as path:
        return cli("profile", str(path), "--format", "json")


PIPED = Data("pipe", writing(b""), ROWS)
case("profile-api-named-pipe-text", "ok", check=profile_check(PIPED), area="profile")(
    lambda tmp: _pipe_profile(tmp, text_bytes(ROWS), "fifo-text"))
case("profile-api-named-pipe-jsonl", "ok", check=profile_check(PIPED), area="profile")(
    lambda tmp: _pipe_profile(tmp, jsonl(ROWS), "fifo-jsonl"))
case("profile-api-named-pipe-jsonl-suffix", "ok", check=profile_check(PIPED), area="profile")(
    lambda tmp: _pipe_profile(tmp, jsonl(ROWS), "fifo.jsonl"))
case("profile-cli-named-pipe-text", "ok", check=profile_check(PIPED), area="cli")(
    lambda tmp: _pipe_cli(tmp, text_bytes(ROWS), "cli-fifo-text"))
case("profile-cli-named-pipe-bom-jsonl", "ok", check=profile_check(PIPED), area="cli")(
    lambda tmp: _pipe_cli(tmp, codecs.BOM_UTF8 + jsonl(ROWS), "cli-fifo-jsonl"))
case("profile-api-empty-named-pipe", "error", error=errors.DataError, area="profile")(
    lambda tmp: _pipe_profile(tmp, b"", "fifo-empty"))
case("profile-api-binary-file-object", "ok", check=profile_check(PIPED), area="profile")(
    lambda tmp: seqfit.profile(io.BytesIO(text_bytes(ROWS))))
case("profile-api-text-mode-file-object", "ok", check=profile_check(PIPED), area="profile")(
    lambda tmp: seqfit.profile(io.StringIO(text_bytes(ROWS).decode())))


def _folder(tmp: Path, name: str, files: dict[str, bytes]) -> Path:
    folder = tmp / name
    folder.mkdir(exist_ok=True)
    for file, data in files.items():
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_bytes(data)
    return folder


FOLDER_ROWS = ["first document here", "second one", "third text in a subfolder"]
FOLDER = Data("folder", writing(b""), FOLDER_ROWS)
case("profile-api-txt-folder-by-file", "ok", check=profile_check(FOLDER), area="profile")(
    lambda tmp: seqfit.profile(str(_folder(tmp, "docs", {
        "a.txt": FOLDER_ROWS[0].encode(), "b.txt": codecs.BOM_UTF8 + FOLDER_ROWS[1].encode(),
        "sub/c.txt": FOLDER_ROWS[2].encode()})), by="file"))
case("profile-api-txt-folder-with-a-binary-file", "rows",
     check=profile_check(Data("f", writing(b""), FOLDER_ROWS[:2], bad=1)), area="profile")(
    lambda tmp: seqfit.profile(str(_folder(tmp, "mixed", {
        "a.txt": FOLDER_ROWS[0].encode(), "b.txt": FOLDER_ROWS[1].encode(),
        "c.txt": b"\x00\x01\x02binary"})), by="file"))
case("profile-api-empty-folder", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_folder(tmp, "empty", {}))))
case("profile-api-folder-of-other-files", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_folder(tmp, "other", {"x.bin": b"1", "y.md": b"2"}))))
case("profile-cli-missing-file", "error", error=errors.DataError, area="cli")(
    lambda tmp: cli("profile", str(tmp / "missing.jsonl")))
case("profile-cli-missing-file --format json", "error", error=errors.DataError, area="cli")(
    lambda tmp: cli("profile", str(tmp / "missing.jsonl"), "--format", "json"))
case("profile-api-missing-file", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(tmp / "missing.jsonl")))
case("profile-api-empty-file", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_written(tmp / "empty.txt", b""))))
case("profile-cli-empty-file", "error", error=errors.DataError, area="cli")(
    lambda tmp: cli("profile", str(_written(tmp / "empty2.txt", b""))))
case("profile-api-dev-null", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile("/dev/null"))
case("profile-api-only-blank-lines", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_written(tmp / "blank.txt", b"\n\n  \n\t\n"))))
case("profile-api-binary-file", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_written(tmp / "data.bin", bytes(range(256)) * 40))))
case("profile-cli-binary-file", "error", error=errors.DataError, area="cli")(
    lambda tmp: cli("profile", str(_written(tmp / "data2.bin", bytes(range(256)) * 40))))
case("profile-api-png-named-txt", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_written(tmp / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00"))))
case("profile-api-unclosed-csv-quote", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_written(tmp / "q.csv", b'id,text\n1,"open\n'))))
case("profile-api-csv-header-only", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_written(tmp / "h.csv", b"id,text\n"))))
case("profile-api-csv-missing-column", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_written(tmp / "c.csv", csv_bytes(ROWS))), column="body"))
case("profile-api-jsonl-missing-column", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_written(tmp / "c.jsonl", jsonl(ROWS))), column="body"))
case("profile-api-jsonl-missing-pair-column", "error", error=errors.DataError,
     area="profile")(
    lambda tmp: seqfit.profile(str(_written(tmp / "p.jsonl", jsonl(ROWS))),
                               pair_column="context"))
case("profile-api-jsonl-ambiguous-columns", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_written(tmp / "amb.jsonl",
                                            b'{"title": "a", "body": "b"}\n'))))
case("profile-api-corrupt-parquet", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_written(tmp / "bad.parquet", b"PAR1 not really"))))


def _parquet(tmp: Path, name: str, table: dict[str, list[Any]]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp / name
    pq.write_table(pa.table(table), path)
    return path


case("profile-api-parquet-with-nulls", "rows",
     check=profile_check(Data("pq", writing(b""), ["one", "two"], bad=2)), area="profile")(
    lambda tmp: seqfit.profile(str(_parquet(tmp, "n.parquet", {"text": ["one", None, "",
                                                                        "two"]}))))
case("profile-api-parquet-number-column", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_parquet(tmp, "num.parquet", {"n": [1, 2, 3]}))))


def _arrow_folder(tmp: Path, name: str, corrupt: bool) -> Path:
    import pyarrow as pa

    folder = tmp / name
    folder.mkdir(exist_ok=True)
    table = pa.table({"text": ROWS})
    path = folder / "data-00000-of-00001.arrow"
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    if corrupt:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3] + b"\x00garbage" * 10)
    return folder


case("profile-api-arrow-folder", "ok", check=profile_check(PIPED), area="profile")(
    lambda tmp: seqfit.profile(str(_arrow_folder(tmp, "arrow-ok", corrupt=False))))
case("profile-api-corrupt-arrow", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_arrow_folder(tmp, "arrow-bad", corrupt=True))))
case("profile-api-garbage-arrow", "error", error=errors.DataError, area="profile")(
    lambda tmp: seqfit.profile(str(_folder(tmp, "arrow-garbage", {
        "data-00000-of-00001.arrow": b"not arrow at all", "state.json": b"{}"}))))


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _small(tmp: Path) -> Path:
    return _written(tmp / "small.jsonl", jsonl(ROWS))


def _iter_cases() -> Iterator[Case]:
    yield from CASES


# ------------------------------------------------------------------------------------------------
# Numeric and choice options of profile
# ------------------------------------------------------------------------------------------------

PROFILE_OPTIONS: list[tuple[str, list[str], dict[str, Any], str]] = [
    # (id, CLI arguments, API keywords, expected outcome)
    ("max-length-negative", ["--max-length", "-10"], {"max_length": -10}, "error"),
    ("max-length-zero", ["--max-length", "0"], {"max_length": 0}, "error"),
    ("max-length-above-the-model", ["--max-length", "100000"], {"max_length": 100000}, "error"),
    ("max-length-one", ["--max-length", "1"], {"max_length": 1}, "error"),
    ("max-length-small", ["--max-length", "16"], {"max_length": 16}, "ok"),
    ("overlap-negative", ["--overlap", "-1"], {"overlap": -1}, "error"),
    ("overlap-zero", ["--overlap", "0"], {"overlap": 0}, "ok"),
    ("overlap-as-big-as-a-window", ["--overlap", "510"], {"overlap": 510}, "error"),
    ("overlap-huge", ["--overlap", "99999999"], {"overlap": 99999999}, "error"),
    ("sample-negative", ["--sample", "-5"], {"sample": -5}, "error"),
    ("sample-zero", ["--sample", "0"], {"sample": 0}, "error"),
    ("sample-one", ["--sample", "1"], {"sample": 1}, "ok"),
    ("sample-more-than-rows", ["--sample", "1000000"], {"sample": 1000000}, "ok"),
    ("batch-tokens-zero", ["--batch-tokens", "0"], {"batch_tokens": 0}, "error"),
    ("batch-tokens-negative", ["--batch-tokens", "-3"], {"batch_tokens": -3}, "error"),
    ("batch-tokens-tiny", ["--batch-tokens", "1"], {"batch_tokens": 1}, "ok"),
]

for _id, _args, _kw, _expect in PROFILE_OPTIONS:
    _check = profile_check(Data("small", writing(b""), ROWS)) if _expect == "ok" and \
        "sample" not in _id else None

    def _api_option(tmp: Path, kw: dict[str, Any] = _kw) -> Any:
        return seqfit.profile(str(_small(tmp)), **kw)

    def _cli_option(tmp: Path, args: list[str] = _args) -> Cli:
        return cli("profile", str(_small(tmp)), "--format", "json", *args)

    def _cli_option_human(tmp: Path, args: list[str] = _args) -> Cli:
        return cli("profile", str(_small(tmp)), *args)

    case(f"profile-api-{_id}", _expect, check=_check, error=errors.OptionError,
         area="profile")(_api_option)
    case(f"profile-cli-{_id} --format json", _expect, check=_check, area="cli")(_cli_option)
    case(f"profile-cli-{_id}", _expect, area="cli")(_cli_option_human)

for _id, _kw in (("max-length-str", {"max_length": "512"}), ("overlap-float", {"overlap": 2.5}),
                 ("sample-bool", {"sample": True}), ("batch-size-zero", {"batch_size": 0}),
                 ("input-format-unknown", {"input_format": "xml"}), ("by-unknown", {"by": "page"}),
                 ("data-int", {}), ("data-none", {}), ("data-list", {})):
    def _api_typed(tmp: Path, kw: dict[str, Any] = _kw, id: str = _id) -> Any:
        data: Any = {"data-int": 5, "data-none": None, "data-list": ["a", "b"]}.get(
            id, str(_small(tmp)))
        return seqfit.profile(data, **kw)

    case(f"profile-api-{_id}", "error", area="profile")(_api_typed)

for _id, _args in (("input-format-unknown", ["--input-format", "xml"]),
                   ("by-unknown", ["--by", "page"]), ("format-unknown", ["--format", "yaml"]),
                   ("max-length-text", ["--max-length", "lots"]),
                   ("unknown-option", ["--frobnicate"])):
    case(f"profile-cli-{_id}", "error", area="cli")(
        lambda tmp, args=_args: cli("profile", str(_small(tmp)), *args))

case("profile-cli-report-into-a-missing-folder", "error", error=errors.OptionError,
     area="cli")(lambda tmp: cli("profile", str(_small(tmp)), "--report",
                                 str(tmp / "no" / "such" / "report.html")))
case("profile-cli-report-into-a-missing-folder --format json", "error", area="cli")(
    lambda tmp: cli("profile", str(_small(tmp)), "--report", str(tmp / "nope" / "r.html"),
                    "--format", "json"))
case("profile-cli-report-is-a-folder", "error", error=errors.OptionError, area="cli")(
    lambda tmp: cli("profile", str(_small(tmp)), "--report", str(tmp)))


def _report_written(result: Any, tmp: Path) -> None:
    assert (tmp / "r.html").stat().st_size > 1000, "no report written"
    assert json.loads(result.stdout)["rows"] == len(ROWS)


case("profile-cli-report", "ok", check=_report_written, area="cli")(
    lambda tmp: cli("profile", str(_small(tmp)), "--report", str(tmp / "r.html"), "--format",
                    "json"))


# ------------------------------------------------------------------------------------------------
# Models: missing tokenizer, bad config, wrong family
# ------------------------------------------------------------------------------------------------


def _model_folder(tmp: Path, name: str, *, config: Any = None, tokenizer: bool = True,
                  drop: tuple[str, ...] = ()) -> Path:
    import shutil

    from seqfit.model.loading import default_model_path

    folder = tmp / name
    if folder.exists():
        return folder
    source = default_model_path()
    folder.mkdir()
    keep = {"config.json"} | ({"tokenizer.json", "tokenizer_config.json", "vocab.txt",
                               "special_tokens_map.json"} if tokenizer else set())
    for file in keep - set(drop):
        shutil.copy(source / file, folder / file)
    if config is not None:
        data = config if not callable(config) else config(
            json.loads((source / "config.json").read_text()))
        (folder / "config.json").write_text(data if isinstance(data, str) else json.dumps(data))
    return folder


def _with(**fields: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda data: {**data, **fields}


MODELS: list[tuple[str, Callable[[Path], Path], str, type[errors.SeqfitError]]] = [
    ("missing-path", lambda tmp: tmp / "no-such-model", "error", errors.ModelLoadError),
    ("folder-without-config", lambda tmp: _folder(tmp, "noconfig", {"x.txt": b"1"}), "error",
     errors.ModelLoadError),
    ("config-is-a-list", lambda tmp: _model_folder(tmp, "list", config="[1, 2]"), "error",
     errors.ModelLoadError),
    ("config-is-not-json", lambda tmp: _model_folder(tmp, "notjson", config="{model_type: bert"),
     "error", errors.ModelLoadError),
    ("config-is-empty", lambda tmp: _model_folder(tmp, "emptyconfig", config=""), "error",
     errors.ModelLoadError),
    ("positions-as-text", lambda tmp: _model_folder(
        tmp, "textpos", config=_with(max_position_embeddings="512")), "error",
     errors.ModelLoadError),
    ("positions-as-float", lambda tmp: _model_folder(
        tmp, "floatpos", config=_with(max_position_embeddings=512.0)), "error",
     errors.ModelLoadError),
    ("vocab-as-text", lambda tmp: _model_folder(
        tmp, "textvocab", config=_with(vocab_size="lots")), "error", errors.ModelLoadError),
    ("unknown-model-type", lambda tmp: _model_folder(
        tmp, "unknowntype", config=_with(model_type="brand-new-arch")), "ok",
     errors.SeqfitError),
    ("no-model-type", lambda tmp: _model_folder(
        tmp, "notype", config=lambda d: {k: v for k, v in d.items() if k != "model_type"}),
     "ok", errors.SeqfitError),
    ("remote-code", lambda tmp: _model_folder(
        tmp, "remote", config=_with(model_type="mystery", auto_map={
            "AutoConfig": "configuration_mystery.MysteryConfig"})), "error",
     errors.ModelLoadError),
]

for _id, _make, _expect, _error in MODELS:
    def _inspect(tmp: Path, make: Callable[[Path], Path] = _make) -> Any:
        return seqfit.inspect(str(make(tmp)))

    def _inspect_cli(tmp: Path, make: Callable[[Path], Path] = _make) -> Cli:
        return cli("inspect", str(make(tmp)))

    def _inspect_json(tmp: Path, make: Callable[[Path], Path] = _make) -> Cli:
        return cli("inspect", str(make(tmp)), "--format", "json")

    def _profile_model(tmp: Path, make: Callable[[Path], Path] = _make) -> Any:
        return seqfit.profile(str(_small(tmp)), model=str(make(tmp)))

    case(f"inspect-api-{_id}", _expect, error=_error, area="model")(_inspect)
    case(f"inspect-cli-{_id}", _expect, area="cli")(_inspect_cli)
    case(f"inspect-cli-{_id} --format json", _expect, area="cli")(_inspect_json)
    case(f"profile-api-model-{_id}", _expect, error=_error, area="model")(_profile_model)


def _no_tokenizer_warning(limits: Any, tmp: Path) -> None:
    assert limits.special_tokens is None and limits.tokenizer_class is None, limits
    assert any("no tokenizer files" in w for w in limits.warnings), limits.warnings


case("inspect-api-no-tokenizer-files", "ok", check=_no_tokenizer_warning, area="model")(
    lambda tmp: seqfit.inspect(str(_model_folder(tmp, "notok", tokenizer=False))))
case("profile-api-no-tokenizer-files", "error", error=errors.ModelLoadError, area="model")(
    lambda tmp: seqfit.profile(str(_small(tmp)), model=str(_model_folder(
        tmp, "notok2", tokenizer=False))))
case("profile-cli-no-tokenizer-files", "error", area="cli")(
    lambda tmp: cli("profile", str(_small(tmp)), "--model", str(_model_folder(
        tmp, "notok3", tokenizer=False))))
case("fit-api-model-without-tokenizer-files", "error", area="model")(
    lambda tmp: seqfit.fit(["x"], model=str(_model_folder(tmp, "notok4", tokenizer=False))))


def _only_vocab(result: Any, tmp: Path) -> None:
    assert result.max_tokens == 512 and result.special_tokens is not None, result


case("inspect-api-tokenizer-from-vocab-txt-only", "ok", check=_only_vocab, area="model")(
    lambda tmp: seqfit.inspect(str(_model_folder(
        tmp, "vocabonly", drop=("tokenizer.json", "tokenizer_config.json",
                                "special_tokens_map.json")))))


def _family_warned(limits: Any, tmp: Path) -> None:
    assert any("another model" in w or "use " in w for w in limits.warnings), limits.warnings


def _foreign_tokenizer(tmp: Path) -> Any:
    import zoo

    _, tokenizer = zoo.build("gpt2")
    return seqfit.inspect(str(_model_folder(tmp, "foreign")), tokenizer=tokenizer)


case("inspect-api-tokenizer-of-another-family", "ok", check=_family_warned,
     area="model")(_foreign_tokenizer)
case("inspect-api-model-int", "error", error=errors.ModelLoadError, area="model")(
    lambda tmp: seqfit.inspect(42))
case("inspect-api-model-list", "error", error=errors.ModelLoadError, area="model")(
    lambda tmp: seqfit.inspect(["bert-base-uncased"]))
case("inspect-api-hub-name-offline", "error", error=errors.ModelLoadError, area="model")(
    lambda tmp: seqfit.inspect("no-such-org/no-such-model-zz"))


# ------------------------------------------------------------------------------------------------
# The library's functions: wrong types, impossible options, awkward values
# ------------------------------------------------------------------------------------------------


def _fit(texts: Any, **kw: Any) -> Any:
    return seqfit.fit(texts, **{"tokenizer": _tokenizer(), "model": _limits(), **kw})


_LIMITS: list[Any] = []


def _limits() -> Any:
    if not _LIMITS:
        _LIMITS.append(seqfit.inspect())
    return _LIMITS[0]


def _fits(n_docs: int, *, skipped: int = 0) -> Callable[[Any, Path], None]:
    def check(fitted: Any, tmp: Path) -> None:
        assert len(fitted.documents) == n_docs, f"{len(fitted.documents)} documents"
        assert len(fitted.skipped) == skipped, f"skipped: {fitted.skipped}"
        assert all(len(w) <= fitted.max_length for w in fitted.windows)
    return check


FIT_CASES: list[tuple[str, Callable[[], Any], str, Any]] = [
    ("a-single-string", lambda: _fit("hello world"), "error", errors.InputError),
    ("bytes", lambda: _fit(b"hello world"), "error", errors.InputError),
    ("an-int", lambda: _fit(42), "error", errors.InputError),
    ("none", lambda: _fit(None), "error", errors.InputError),
    ("a-generator", lambda: _fit(t for t in ROWS[:5]), "ok", _fits(5)),
    ("a-tuple", lambda: _fit(tuple(ROWS[:3])), "ok", _fits(3)),
    ("empty", lambda: _fit([]), "ok", _fits(0)),
    ("none-row", lambda: _fit(["a", None]), "error", errors.InputError),
    ("none-row-skipped", lambda: _fit(["a", None, "b"], on_bad="skip"), "rows", _fits(2,
                                                                                      skipped=1)),
    ("list-row", lambda: _fit([["nested", "list"]]), "error", errors.InputError),
    ("number-row-skipped", lambda: _fit([1, "text", 2.5], on_bad="skip"), "rows",
     _fits(1, skipped=2)),
    ("empty-strings", lambda: _fit(["", "", "x"]), "ok", _fits(3)),
    ("a-huge-row", lambda: _fit(["word " * 20_000]), "ok", _fits(1)),
    ("max-length-negative", lambda: _fit(["a"], max_length=-1), "error", errors.OptionError),
    ("max-length-zero", lambda: _fit(["a"], max_length=0), "error", errors.OptionError),
    ("max-length-str", lambda: _fit(["a"], max_length="128"), "error", errors.OptionError),
    ("max-length-above-the-model", lambda: _fit(["a"], max_length=4096), "error",
     errors.OptionError),
    ("max-length-only-specials", lambda: _fit(["a"], max_length=2), "error", errors.OptionError),
    ("max-length-numpy-int", lambda: _fit(["a b c"], max_length=_np_int(64)), "ok", _fits(1)),
    ("overlap-negative", lambda: _fit(["a"], overlap=-3), "error", errors.OptionError),
    ("overlap-a-window", lambda: _fit(["a"], max_length=64, overlap=62), "error",
     errors.OptionError),
    ("overlap-float", lambda: _fit(["a"], overlap=1.5), "error", errors.OptionError),
    ("head-negative", lambda: _fit(["a " * 600], strategy="head+tail", head=-1), "error",
     errors.OptionError),
    ("head-past-the-budget", lambda: _fit(["a " * 600], strategy="head+tail", head=9999),
     "error", errors.OptionError),
    ("strategy-unknown", lambda: _fit(["a"], strategy="truncate"), "error", errors.OptionError),
    ("strategy-for-pairs", lambda: _fit(["a"], strategy="only_second"), "error",
     errors.OptionError),
    ("pairs-of-another-length", lambda: _fit(["a", "b"], text_pairs=["c"]), "error",
     errors.InputError),
    ("pairs-a-string", lambda: _fit(["a"], text_pairs="c"), "error", errors.InputError),
    ("on-bad-unknown", lambda: _fit(["a"], on_bad="ignore"), "error", errors.OptionError),
    ("tokenizer-a-string", lambda: seqfit.fit(["a"], tokenizer="bert-base-uncased"), "error",
     errors.OptionError),
    ("no-tokenizer-no-model", lambda: seqfit.fit(["a"]), "error", errors.OptionError),
    ("limits-without-tokenizer", lambda: seqfit.fit(["a"], model=_limits()), "error",
     errors.OptionError),
    ("model-an-int", lambda: seqfit.fit(["a"], model=7, tokenizer=_tokenizer()), "error",
     errors.ModelLoadError),
]
for _id, _call, _expect, _extra in FIT_CASES:
    kw: dict[str, Any] = {"check": (lambda r, t, c=_extra: c(r, t))} if _expect != "error" \
        else {"error": _extra}
    case(f"fit-{_id}", _expect, area="fit", **kw)(lambda tmp, call=_call: call())


def _np_int(value: int) -> Any:
    import numpy as np

    return np.int64(value)


def _fitted() -> Any:
    return _fit([*ROWS[:6], "word " * 700])


def _batches(**kw: Any) -> list[Any]:
    return list(seqfit.batches(_fitted(), return_tensors="np", **kw))


def _all_windows_once(batches: Any, tmp: Path) -> None:
    fitted = _fitted()
    seen = sorted(i for b in batches for i in b.window_ids)
    assert seen == list(range(len(fitted.windows))), seen
    assert all(b.inputs["input_ids"].shape[1] <= fitted.max_length for b in batches)


BATCH_CASES: list[tuple[str, Callable[[], Any], str, Any]] = [
    ("default", lambda: _batches(), "ok", _all_windows_once),
    ("pad-to-24-on-512", lambda: _batches(pad_to_multiple_of=24), "ok", _all_windows_once),
    ("pad-to-1000", lambda: _batches(pad_to_multiple_of=1000), "ok", _all_windows_once),
    ("numpy-budget", lambda: _batches(batch_tokens=_np_int(4096)), "ok", _all_windows_once),
    ("max-batch-size-one", lambda: _batches(max_batch_size=1), "ok", _all_windows_once),
    ("budget-zero", lambda: seqfit.batches(_fitted(), batch_tokens=0), "error",
     errors.OptionError),
    ("budget-negative", lambda: seqfit.batches(_fitted(), batch_tokens=-1), "error",
     errors.OptionError),
    ("budget-float", lambda: seqfit.batches(_fitted(), batch_tokens=100.0), "error",
     errors.OptionError),
    ("budget-below-a-window", lambda: seqfit.batches(_fitted(), batch_tokens=100), "error",
     errors.TooLongError),
    ("max-batch-size-zero", lambda: seqfit.batches(_fitted(), max_batch_size=0), "error",
     errors.OptionError),
    ("pad-to-zero", lambda: seqfit.batches(_fitted(), pad_to_multiple_of=0), "error",
     errors.OptionError),
    ("tensors-tf", lambda: seqfit.batches(_fitted(), return_tensors="tf"), "error",
     errors.OptionError),
    ("not-a-fitted", lambda: seqfit.batches([[1, 2, 3]]), "error", errors.InputError),
]
for _id, _call, _expect, _extra in BATCH_CASES:
    kw = {"check": _extra} if _expect != "error" else {"error": _extra}
    case(f"batches-{_id}", _expect, area="batches", **kw)(lambda tmp, call=_call: call())


def _ids(*shape: int, dtype: str = "int64", fill: int = 1000) -> Any:
    import numpy as np

    return np.full(shape, fill, dtype=dtype)


def _check(batch: Any, model: Any = "limits") -> Any:
    return seqfit.check(batch, model=_limits() if model == "limits" else model)


def _passes(result: Any, tmp: Path) -> None:
    assert result is None


CHECK_CASES: list[tuple[str, Callable[[], Any], str, Any]] = [
    ("good", lambda: _check({"input_ids": _ids(2, 8), "attention_mask": _ids(2, 8, fill=1)}),
     "ok", _passes),
    ("int32-ids", lambda: _check({"input_ids": _ids(2, 8, dtype="int32")}), "ok", _passes),
    ("python-lists", lambda: _check({"input_ids": [[101, 7, 102], [101, 8, 102]]}), "ok",
     _passes),
    ("float-ids", lambda: _check({"input_ids": _ids(2, 8, dtype="float32")}), "error",
     errors.DtypeError),
    ("uint8-ids", lambda: _check({"input_ids": _ids(2, 8, dtype="uint8", fill=7)}), "error",
     errors.DtypeError),
    ("bool-ids", lambda: _check({"input_ids": _ids(2, 8, dtype="bool", fill=1)}), "error",
     errors.DtypeError),
    ("int8-ids", lambda: _check({"input_ids": _ids(2, 8, dtype="int8", fill=7)}), "error",
     errors.DtypeError),
    ("string-ids", lambda: _check({"input_ids": [["a", "b"]]}), "error", errors.DtypeError),
    ("float-token-types", lambda: _check({"input_ids": _ids(1, 4), "token_type_ids": _ids(
        1, 4, dtype="float32", fill=0)}), "error", errors.DtypeError),
    ("too-long", lambda: _check({"input_ids": _ids(1, 600)}), "error", errors.TooLongError),
    ("one-dimension", lambda: _check({"input_ids": _ids(8)}), "error", errors.ShapeError),
    ("three-dimensions", lambda: _check({"input_ids": _ids(1, 2, 8)}), "error",
     errors.ShapeError),
    ("ragged", lambda: _check({"input_ids": [[1, 2, 3], [1, 2]]}), "error",
     errors.RaggedBatchError),
    ("mask-shorter", lambda: _check({"input_ids": _ids(2, 8), "attention_mask": _ids(
        2, 6, fill=1)}), "error", errors.ShapeError),
    ("mask-of-twos", lambda: _check({"input_ids": _ids(2, 8), "attention_mask": _ids(
        2, 8, fill=2)}), "error", errors.MaskError),
    ("id-past-the-vocabulary", lambda: _check({"input_ids": _ids(1, 4, fill=40000)}), "error",
     errors.TokenIdError),
    ("negative-id", lambda: _check({"input_ids": _ids(1, 4, fill=-100)}), "error",
     errors.TokenIdError),
    ("token-type-two", lambda: _check({"input_ids": _ids(1, 4), "token_type_ids": _ids(
        1, 4, fill=2)}), "error", errors.TokenTypeError),
    ("positions-past-the-table", lambda: _check({"input_ids": _ids(1, 4), "position_ids": _ids(
        1, 4, fill=600)}), "error", errors.TooLongError),
    ("negative-positions", lambda: _check({"input_ids": _ids(1, 4), "position_ids": _ids(
        1, 4, fill=-1)}), "error", errors.TooLongError),
    ("embeds-too-long", lambda: _check({"inputs_embeds": _ids(1, 700, 8, dtype="float32")}),
     "error", errors.TooLongError),
    ("embeds-two-dimensions", lambda: _check({"inputs_embeds": _ids(700, 8, dtype="float32")}),
     "error", errors.ShapeError),
    ("no-ids", lambda: _check({"attention_mask": _ids(1, 4, fill=1)}), "error",
     errors.ShapeError),
    ("not-a-mapping", lambda: _check(_ids(2, 8)), "error", errors.InputError),
    ("labels-wrong-rows", lambda: _check({"input_ids": _ids(2, 8), "labels": _ids(3)}), "error",
     errors.ShapeError),
    ("model-an-int", lambda: _check({"input_ids": _ids(1, 4)}, model=5), "error",
     errors.ModelLoadError),
]
for _id, _call, _expect, _extra in CHECK_CASES:
    kw = {"check": _extra} if _expect != "error" else {"error": _extra}
    case(f"check-{_id}", _expect, area="check", **kw)(lambda tmp, call=_call: call())


def _plan(**kw: Any) -> Any:
    from seqfit.plan import plan_batches

    return plan_batches(**kw)


def _planned(n: int) -> Callable[[Any, Path], None]:
    def check(plan: Any, tmp: Path) -> None:
        assert sorted(i for b in plan.batches for i in b) == list(range(n)), plan.batches
    return check


PLAN_CASES: list[tuple[str, Callable[[], Any], str, Any]] = [
    ("generator", lambda: _plan(lengths=(len(w) for w in WORDS), batch_tokens=64), "ok",
     _planned(len(WORDS))),
    ("numpy-lengths", lambda: _plan(lengths=__import__("numpy").arange(1, 50),
                                    batch_tokens=128), "ok", _planned(49)),
    ("float-lengths", lambda: _plan(lengths=[1.5, 2.0], batch_tokens=64), "error",
     errors.InputError),
    ("negative-length", lambda: _plan(lengths=[3, -1], batch_tokens=64), "error",
     errors.InputError),
    ("none-length", lambda: _plan(lengths=[3, None], batch_tokens=64), "error",
     errors.InputError),
    ("lengths-an-int", lambda: _plan(lengths=5, batch_tokens=64), "error", errors.InputError),
    ("lengths-a-string", lambda: _plan(lengths="123", batch_tokens=64), "error",
     errors.InputError),
    ("no-limit", lambda: _plan(lengths=[1, 2]), "error", errors.OptionError),
    ("order-unknown", lambda: _plan(lengths=[1, 2], batch_tokens=8, order="random"), "error",
     errors.OptionError),
    ("a-row-over-the-budget", lambda: _plan(lengths=[10, 600], batch_tokens=512), "error",
     errors.TooLongError),
    ("bool-budget", lambda: _plan(lengths=[1, 2], batch_tokens=True), "error",
     errors.OptionError),
]
for _id, _call, _expect, _extra in PLAN_CASES:
    kw = {"check": _extra} if _expect != "error" else {"error": _extra}
    case(f"plan-batches-{_id}", _expect, area="plan", **kw)(lambda tmp, call=_call: call())


def _window_plan(**kw: Any) -> Any:
    from seqfit.plan import plan_pair, plan_single

    return (plan_pair if "n_first" in kw else plan_single)(**kw)


for _id, _kw in (("negative-count", {"n_tokens": -1, "budget": 8, "strategy": "head"}),
                 ("float-count", {"n_tokens": 2.5, "budget": 8, "strategy": "head"}),
                 ("budget-zero", {"n_tokens": 5, "budget": 0, "strategy": "head"}),
                 ("budget-str", {"n_tokens": 5, "budget": "8", "strategy": "head"}),
                 ("overlap-a-window", {"n_tokens": 50, "budget": 8, "strategy": "window",
                                       "overlap": 8}),
                 ("head-negative", {"n_tokens": 50, "budget": 8, "strategy": "head+tail",
                                    "head": -1}),
                 ("strategy-unknown", {"n_tokens": 5, "budget": 8, "strategy": "middle"}),
                 ("pair-strategy-for-one", {"n_tokens": 5, "budget": 8,
                                            "strategy": "longest_first"}),
                 ("pair-no-room", {"n_first": 10, "n_second": 5, "budget": 8,
                                   "strategy": "window"}),
                 ("pair-only-second-impossible", {"n_first": 10, "n_second": 5, "budget": 8,
                                                  "strategy": "only_second"})):
    case(f"plan-windows-{_id}", "error", area="plan")(lambda tmp, kw=_kw: _window_plan(**kw))


def _collate(features: Any, **kw: Any) -> Any:
    return seqfit.Collator(_tokenizer(), return_tensors="np", **kw)(features)


def _collated(rows: int, width: int) -> Callable[[Any, Path], None]:
    def check(out: Any, tmp: Path) -> None:
        assert out["input_ids"].shape == (rows, width), out["input_ids"].shape
    return check


COLLATE_CASES: list[tuple[str, Callable[[], Any], str, Any]] = [
    ("ragged", lambda: _collate([{"input_ids": [101, 7, 102]}, {"input_ids": [101, 102]}]),
     "ok", _collated(2, 3)),
    ("multiple-past-the-limit", lambda: seqfit.Collator(
        _tokenizer(), model=_limits(), pad_to_multiple_of=24, return_tensors="np")(
        [{"input_ids": list(range(1000, 1510))}]), "ok", _collated(1, 512)),
    ("empty", lambda: _collate([]), "error", errors.InputError),
    ("no-input-ids", lambda: _collate([{"text": "raw"}]), "error", errors.InputError),
    ("not-mappings", lambda: _collate([[101, 102]]), "error", errors.InputError),
    ("tensors-tf", lambda: seqfit.Collator(_tokenizer(), return_tensors="tf"), "error",
     errors.OptionError),
    ("multiple-zero", lambda: seqfit.Collator(_tokenizer(), pad_to_multiple_of=0), "error",
     errors.OptionError),
    ("too-long-for-the-model", lambda: seqfit.Collator(_tokenizer(), model=_limits())(
        [{"input_ids": list(range(600))}]), "error", errors.TooLongError),
]
for _id, _call, _expect, _extra in COLLATE_CASES:
    kw = {"check": _extra} if _expect != "error" else {"error": _extra}
    case(f"collator-{_id}", _expect, area="training", **kw)(lambda tmp, call=_call: call())

for _id, _kw in (("lengths-an-int", {"lengths": 5, "batch_tokens": 64}),
                 ("lengths-strings", {"lengths": ["a"], "batch_tokens": 64}),
                 ("negative-length", {"lengths": [3, -2], "batch_tokens": 64}),
                 ("budget-zero", {"lengths": [3], "batch_tokens": 0}),
                 ("a-row-over-the-budget", {"lengths": [3, 900], "batch_tokens": 512}),
                 ("pool-zero", {"lengths": [3], "batch_tokens": 64, "pool_batches": 0})):
    case(f"length-sampler-{_id}", "error", area="training")(
        lambda tmp, kw=_kw: seqfit.LengthSampler(**kw))


def _stats(call: Callable[[Any], Any]) -> Any:
    stats = seqfit.LengthStats(batch_size=4)
    return call(stats)


for _id, _call in (("negative-length", lambda s: s.add([3, -1])),
                   ("merge-other-batch-size", lambda s: s.merge(seqfit.LengthStats(
                       batch_size=8))),
                   ("batch-size-zero", lambda s: seqfit.LengthStats(batch_size=0))):
    case(f"length-stats-{_id}", "error", area="profile")(lambda tmp, c=_call: _stats(c))

case("guard-not-a-model", "error", error=errors.InputError, area="check")(
    lambda tmp: seqfit.guard(42))
case("guard-a-string", "error", error=errors.InputError, area="check")(
    lambda tmp: seqfit.guard("bert-base-uncased"))


# ------------------------------------------------------------------------------------------------
# explain and run
# ------------------------------------------------------------------------------------------------

LENGTH_ERROR = ("RuntimeError: The size of tensor a (802) must match the size of tensor b (512) "
                "at non-singleton dimension 1")


def _explained(code: str) -> Callable[[Any, Path], None]:
    def check(result: Any, tmp: Path) -> None:
        best = json.loads(result.stdout)["best"] if isinstance(result, Cli) else result.best.code
        assert best == code, f"explained as {best}, expected {code}"
    return check


EXPLAIN_FILES: list[tuple[str, bytes, str]] = [
    ("plain.log", LENGTH_ERROR.encode() + b"\n", "ok"),
    ("crlf.log", b"step 1\r\nstep 2\r\n" + LENGTH_ERROR.encode() + b"\r\n", "ok"),
    ("cr-only.log", b"step 1\rstep 2\r" + LENGTH_ERROR.encode() + b"\r", "ok"),
    ("bom.log", codecs.BOM_UTF8 + LENGTH_ERROR.encode() + b"\n", "ok"),
    ("utf16.log", codecs.BOM_UTF16_LE + (LENGTH_ERROR + "\n").encode("utf-16-le"), "ok"),
    ("latin1-noise.log", b"caf\xe9 \xff\xfe noise\n" + LENGTH_ERROR.encode() + b"\n", "ok"),
    ("progress-bars.log", b"".join(f"{i}%|####| {i}/100 [00:01<00:02]\r".encode()
                                   for i in range(100)) + LENGTH_ERROR.encode() + b"\n", "ok"),
    ("huge-line.log", b"x" * 3_000_000 + b"\n" + LENGTH_ERROR.encode() + b"\n", "ok"),
    ("many-lines.log", b"INFO step ok\n" * 200_000 + LENGTH_ERROR.encode() + b"\n", "ok"),
    ("empty.log", b"", "error"),
    ("binary.log", bytes(range(256)) * 20, "error"),
]
for _name, _data, _expect in EXPLAIN_FILES:
    _check_explain = _explained("over_max_positions") if _expect == "ok" else None
    case(f"explain-cli-{_name}", _expect, check=_check_explain, area="explain")(
        lambda tmp, name=_name, data=_data: cli(
            "explain", str(_written(tmp / name, data)), "--format", "json"))
    case(f"explain-cli-stdin-{_name}", _expect, check=_check_explain, area="explain")(
        lambda tmp, data=_data: cli("explain", "-", "--format", "json", input=data))
    case(f"explain-api-file-object-{_name}", _expect, check=_check_explain, area="explain")(
        lambda tmp, name=_name, data=_data: seqfit.explain(
            io.BytesIO(data)))
    # a subprocess's captured stderr, and a pathlib.Path of the log
    case(f"explain-api-bytes-{_name}", _expect, check=_check_explain, area="explain")(
        lambda tmp, data=_data: seqfit.explain(data))
    case(f"explain-api-path-{_name}", _expect, check=_check_explain, area="explain")(
        lambda tmp, name=_name, data=_data: seqfit.explain(_written(tmp / name, data)))

case("explain-cli-missing-file", "error", area="explain")(
    lambda tmp: cli("explain", str(tmp / "missing.log")))
case("explain-cli-missing-file --format json", "error", area="explain")(
    lambda tmp: cli("explain", str(tmp / "missing.log"), "--format", "json"))
case("explain-cli-a-folder", "error", area="explain")(lambda tmp: cli("explain", str(tmp)))
case("explain-api-missing-path", "error", error=errors.InputError, area="explain")(
    lambda tmp: seqfit.explain(tmp / "missing.log"))
case("explain-api-a-folder-path", "error", error=errors.InputError, area="explain")(
    lambda tmp: seqfit.explain(tmp))
case("explain-api-format-exception-lines", "ok", check=_explained("over_max_positions"),
     area="explain")(lambda tmp: seqfit.explain(
         ["Traceback (most recent call last):\n", '  File "x.py", line 1, in <module>\n',
          LENGTH_ERROR + "\n"]))
case("explain-api-empty-list", "error", area="explain")(lambda tmp: seqfit.explain([]))
case("explain-api-none", "error", area="explain")(lambda tmp: seqfit.explain(None))
case("explain-api-an-int", "error", area="explain")(lambda tmp: seqfit.explain(42))
case("explain-api-empty-text", "error", error=errors.InputError, area="explain")(
    lambda tmp: seqfit.explain(""))
case("explain-api-not-about-shape", "ok", check=_explained("unknown"), area="explain")(
    lambda tmp: seqfit.explain("KeyError: 'max_new_tokens'"))
case("explain-api-oom", "ok", check=_explained("unknown"), area="explain")(
    lambda tmp: seqfit.explain("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate "
                               "2.00 GiB"))
case("explain-api-zeros-index", "ok", check=_explained("unknown"), area="explain")(
    lambda tmp: seqfit.explain("IndexError: index 10 is out of bounds for dimension 0 with "
                               "size 5"))
case("explain-api-bad-model", "error", area="explain")(
    lambda tmp: seqfit.explain(LENGTH_ERROR, model=str(tmp / "no-model")))


def _script(tmp: Path, name: str, body: str) -> Path:
    return _written(tmp / name, body.encode())


def _run(*args: str) -> Cli:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "seqfit", "run", *args], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "400"})
    return Cli(done.returncode, done.stdout, done.stderr)


def _exits_with(rc: int, stderr: str) -> Callable[[Any, Path], None]:
    def check(result: Any, tmp: Path) -> None:
        assert result.rc == rc and stderr in result.stderr, result
    return check


def _run_own(*args: str) -> Any:
    result = _run(*args)
    return _ExitStatus(result)


@dataclass(frozen=True)
class _ExitStatus:
    """A script's own exit status under ``seqfit run``: judged by its check, not as one of
    seqfit's errors."""

    cli: Cli

    @property
    def rc(self) -> int:
        return self.cli.rc

    @property
    def stderr(self) -> str:
        return self.cli.stderr


case("run-cli-missing-script", "error", area="run")(lambda tmp: _run(str(tmp / "nope.py")))
case("run-cli-a-folder", "error", area="run")(lambda tmp: _run(str(tmp)))
case("run-script-exits-with-a-message", "ok", check=_exits_with(1, "stopping: bad config"),
     area="run")(lambda tmp: _run_own(str(_script(
        tmp, "exit.py", "import sys\nsys.exit('stopping: bad config')\n"))))
case("run-script-imports-its-sibling", "ok", check=_exits_with(0, ""), area="run")(
    lambda tmp: (_script(tmp, "helper_mod.py", "VALUE = 3\n"), _run_own(str(_script(
        tmp, "main.py", "import helper_mod\nassert helper_mod.VALUE == 3\n"))))[1])
case("run-script-keyerror-is-not-explained", "ok", check=lambda r, t: (
    _exits_with(1, "KeyError")(r, t), _no_diagnosis(r)), area="run")(
    lambda tmp: _run_own(str(_script(tmp, "key.py", "{}['max_new_tokens']\n"))))
case("run-script-length-error-is-explained", "ok", check=_exits_with(1, "over_max_positions"),
     area="run")(lambda tmp: _run_own(str(_script(
        tmp, "length.py", f"raise RuntimeError({LENGTH_ERROR.split(': ', 1)[1]!r})\n"))))


def _no_diagnosis(result: Any) -> None:
    assert not result.stderr.startswith("seqfit:"), result.stderr[:300]


# ------------------------------------------------------------------------------------------------
# embed | classify | tag
# ------------------------------------------------------------------------------------------------


def _embed(tmp: Path, *args: str, data: Path | None = None, output: str = "out.parquet") -> Cli:
    return cli("embed", str(data or _small(tmp)), "--output", str(tmp / output), *args)


def _one_row_per_input_row(result: Any, tmp: Path) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(tmp / "out.parquet").to_pydict()
    assert len(table["error"]) == 4, table["error"]
    assert [e is None for e in table["error"]] == [True, False, False, True], table["error"]
    assert table["embedding"][1] is None and len(table["embedding"][3]) == 384


case("embed-cli-output-suffix", "error", area="runners")(
    lambda tmp: _embed(tmp, output="out.txt"))
case("embed-cli-npy-for-classify", "error", area="runners")(
    lambda tmp: cli("classify", str(_small(tmp)), "--model", str(tmp), "--output",
                    str(tmp / "x.npy")))
case("embed-cli-resume-and-overwrite", "error", area="runners")(
    lambda tmp: _embed(tmp, "--resume", "--overwrite"))
case("embed-cli-blocks-without-ray", "error", area="runners")(
    lambda tmp: _embed(tmp, "--blocks", "4"))
case("embed-cli-ray-from-stdin", "error", area="runners")(
    lambda tmp: cli("embed", "-", "--output", str(tmp / "o"), "--engine", "ray",
                    input=jsonl(ROWS)))
case("embed-cli-max-length-over-the-model", "error", area="runners")(
    lambda tmp: _embed(tmp, "--max-length", "100000", "--format", "json"))
case("embed-cli-binary-input", "error", area="runners")(
    lambda tmp: _embed(tmp, data=_written(tmp / "x.jsonl", bytes(range(256)) * 64)))
case("embed-cli-ray-into-a-foreign-folder", "error", area="runners")(
    lambda tmp: (_written(tmp / "keep.txt", b"mine"), cli(
        "embed", str(_small(tmp)), "--output", str(tmp), "--engine", "ray", "--overwrite"))[1])
case("embed-cli-bad-rows-are-rows", "ok", check=_one_row_per_input_row, area="runners")(
    lambda tmp: _embed(tmp, "--strategy", "head", data=_written(
        tmp / "mixed.jsonl", b'{"text": "a short one"}\n{"text": "  "}\n{"text": 7}\n'
                             b'{"text": "and another one"}\n')))
