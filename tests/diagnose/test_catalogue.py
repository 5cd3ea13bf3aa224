"""The mined catalogue of library messages: every on-topic template, rendered with sample numbers
as a user would paste it, explains to its code with its numbers; off-topic templates explain to
``unknown``; a message that only some releases have names them."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections import Counter
from unittest import mock

import pytest

import seqfit
from seqfit.diagnose import evidence
from seqfit.diagnose.catalogue import (
    FIELD,
    MODEL_PRUNE,
    PATH,
    Catalogue,
    LazyRows,
    Row,
    anchor_words,
    build_index,
    digest,
    load,
    rare_words,
)
from seqfit.diagnose.codes import CODES, SEQFIT_ONLY, _version

CATALOGUE = load()
ROWS = CATALOGUE.rows
SAMPLES = (613, 512, 37, 9, 4099, 77, 130, 21)


FORMAT_PART = re.compile(r"\{\{|\}\}|" + FIELD.pattern)


def render(row: Row, filler: str = "input_ids") -> tuple[str, dict[str, int]]:
    """The template filled with distinct sample numbers (shapes as torch prints them, names as
    words: ``filler`` for a field that is neither a number nor glued to a word), prefixed as
    Python prints a raised error or a warning; and the numbers expected back."""
    names = iter(re.findall(r"\(\?P<(\w+)>", row.matcher))
    expected: dict[str, int] = {}
    used: Counter[str] = Counter()
    count = iter(SAMPLES)

    def fill(field: re.Match[str]) -> str:
        name = next(names, "value")
        key = row.numbers.get(name)
        if key == "shape":
            return f"torch.Size([2, {next(count, 5)}])"
        if key:
            value = next(count, 5)
            used[key] += 1
            expected[key] = value
            return str(value)
        if re.match(r"\w", field.string[field.start() - 1:field.start()]):
            return "4"  # a field glued to a word runs on as a value would: "padding_c4"
        return filler

    template = re.sub(r"(\{[^{}]*\})(?=[A-Za-z])", r"\1 ", row.template)  # a word apart
    # read left to right as str.format does: "{{{size}}}" is a brace, a field, a brace
    body = FORMAT_PART.sub(lambda m: m.group()[0] if m.group() in ("{{", "}}") else fill(m),
                           template)
    expected = {k: v for k, v in expected.items() if used[k] == 1}
    kind = row.kind.split()
    if kind[0] == "raise" and len(kind) > 1:
        return f"{kind[1]}: {body}", expected
    if kind[0] == "warning":
        return f"/x/{row.library}/file.py:10: UserWarning: {body}\n  warnings.warn(", expected
    if kind[0] == "assert":
        return f"AssertionError: {body}", expected
    return body, expected


ON_TOPIC = [r for r in ROWS if r.code != "unknown" and not r.ambiguous]
AMBIGUOUS = [r for r in ROWS if r.ambiguous]
OFF_TOPIC = [r for r in ROWS if r.code == "unknown"]


def test_the_catalogue_is_mined_from_every_library_and_release() -> None:
    libraries = Counter(r.library for r in ROWS)
    assert set(libraries) >= {"transformers", "torch", "tokenizers", "sentence_transformers",
                              "accelerate", "datasets", "pyarrow", "peft", "trl"}
    releases = CATALOGUE.releases["transformers"]
    assert len([r for r in releases if r.startswith("4.")]) >= 3
    assert any(r.startswith("5.") for r in releases)
    assert len(ON_TOPIC) >= 150
    # no library message says these in its own words: torch's generic index and shape errors
    # carry them, told apart by the frames (token classification for label_alignment)
    assert {r.code for r in ON_TOPIC} >= set(CODES) - SEQFIT_ONLY - {
        "unknown", "unexpected_token_type_ids", "cuda_device_side_assert",
        "token_type_out_of_range", "label_alignment"}


@pytest.mark.parametrize("row", ON_TOPIC, ids=lambda r: r.id)
def test_every_on_topic_template_explains_to_its_code_with_its_numbers(row: Row) -> None:
    text, numbers = render(row)
    best = seqfit.explain(text).best
    assert best.code == row.code, (text, best.code)
    for key, value in numbers.items():
        if key in best.evidence:
            assert best.evidence[key] == value, (text, key, best.evidence)


def test_numbers_are_recovered_from_the_templates_that_carry_them() -> None:
    recovered = checked = 0
    for row in ON_TOPIC:
        text, numbers = render(row)
        evidence = seqfit.explain(text).best.evidence
        for key, value in numbers.items():
            checked += 1
            recovered += evidence.get(key) == value
    assert checked >= 60
    assert recovered == checked


@pytest.mark.parametrize("row", AMBIGUOUS, ids=lambda r: r.id)
def test_an_ambiguous_template_ranks_its_candidates_and_says_what_tells_them_apart(
        row: Row) -> None:
    text, _ = render(row)
    explanation = seqfit.explain(text)
    assert explanation.best.code in row.candidates
    decided = [d for d in explanation.diagnoses if d.code != "unknown"]
    assert explanation.tell_apart or len(decided) <= 1


def test_every_off_topic_template_explains_to_unknown() -> None:
    wrong = []
    for row in OFF_TOPIC:
        text, _ = render(row)
        code = seqfit.explain(text).best.code
        if code != "unknown":
            wrong.append(f"{row.id} -> {code}: {text[:120]}")
    assert not wrong, "\n".join(wrong[:40])


def test_a_message_only_old_releases_have_names_them() -> None:
    old = [r for r in ON_TOPIC if r.library == "transformers" and r.only_in
           and not any(v.startswith("5.") for v in r.only_in)]
    assert old
    text, _ = render(old[0])
    best = seqfit.explain(text).best
    assert best.release is not None and best.release.startswith("transformers < ")
    assert "Release: this message is from transformers < " in seqfit.explain(text).render()


def test_the_committed_wording_index_is_the_one_the_catalogue_builds() -> None:
    """The golden file ``messages.index.json`` is regenerated by scripts/mine_messages.py; a
    catalogue or lexicon edited without regenerating it is caught here."""
    assert CATALOGUE.index_path is not None
    stored = json.loads(CATALOGUE.index_path.read_text(encoding="utf-8"))
    assert stored == json.loads(json.dumps(build_index(ROWS)))


def test_a_catalogue_of_other_rows_never_reads_the_committed_index() -> None:
    fewer = Catalogue(ROWS[1:], CATALOGUE.releases, CATALOGUE.index_path)
    assert fewer._load_stored() == {}
    text, _ = render(ON_TOPIC[0])
    assert fewer.similar(text)  # built from its own rows


QUERIES = ["ValueError: my loader says the document has too many tokens for this encoder",
           "RuntimeError: the tokenizer defines no padding token for this batch",
           "the quick brown fox", "CUDA out of memory while allocating the key cache"]


def _fresh() -> Catalogue:
    return Catalogue(CATALOGUE.rows, CATALOGUE.releases, CATALOGUE.index_path)


def test_the_committed_index_is_cached_once_and_read_back_term_by_term(tmp_path) -> None:
    """The first process parses the JSON index and writes the SQLite cache; the next reads only
    its text's terms from it, never the JSON, and answers exactly as the JSON does."""
    with mock.patch.dict("os.environ", {"SEQFIT_CACHE_DIR": str(tmp_path)}):
        first = _fresh()
        expected = [(first.similar(q), first.classify(q)) for q in QUERIES]
        assert [p.name for p in tmp_path.iterdir()] == [first._cache_path().name]
        assert first._cache_path().name.endswith(f"-{digest(ROWS)}.sqlite")
        second = _fresh()
        with mock.patch.object(Catalogue, "_load_stored", side_effect=AssertionError("parsed")):
            assert [(second.similar(q), second.classify(q)) for q in QUERIES] == expected
        assert second._cache is not None and len(second._idf) < len(first._idf) / 10


def test_a_template_that_opens_with_literal_braces_is_matched_without_a_field() -> None:
    """"{} is not a known sequence generator." (fairseq) has braces and no field: reading its
    lead-in must not look for a group it does not have."""
    assert seqfit.explain("{} is not a known sequence generator.").best.code == "unknown"


def test_a_word_glued_to_a_field_is_no_anchor() -> None:
    """A text must hold every anchor of a row for its expression to run: "{label_type}_label_ids"
    pastes as "punct_label_ids", one word, so "label_ids" cannot be one of them."""
    assert anchor_words("{label_type}_label_ids are missing from {name}.json") == {
        "missing", "from", "json"}
    assert anchor_words("Expected {{input_ids}} of length {n}, not shorter") == {
        "expected", "input_ids", "length", "shorter"}


def test_a_relabelled_catalogue_is_not_answered_from_the_old_cache() -> None:
    """The linear model of the index is trained on the codes: relabelling a row (same
    templates) must name another index and cache, or users keep the old labels' model."""
    row = ON_TOPIC[0]
    relabelled = [dataclasses.replace(r, code="unknown") if r is row else r for r in ROWS]
    made_ambiguous = [dataclasses.replace(r, candidates=(r.code, "unknown")) if r is row else r
                      for r in ROWS]
    assert len({digest(ROWS), digest(relabelled), digest(made_ambiguous)}) == 3


def test_a_new_index_cache_replaces_the_one_of_the_same_install_only(tmp_path) -> None:
    """A catalogue that changed (an upgrade, a relabelling) writes its index cache anew: the
    17 MB file of the same install's old catalogue goes, another install's stays."""
    with mock.patch.dict("os.environ", {"SEQFIT_CACHE_DIR": str(tmp_path)}):
        name = _fresh()._cache_path().name
        mine = tmp_path / f"{name.rsplit('-', 1)[0]}-{'0' * 40}.sqlite"
        theirs = tmp_path / f"index-{'1' * 12}-{'0' * 40}.sqlite"
        unkeyed = tmp_path / f"index-{'2' * 40}.sqlite"  # named as before installs were told apart
        for older in (mine, theirs, unkeyed):
            older.write_bytes(b"an older catalogue's index")
        _fresh().similar(QUERIES[0])
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, theirs.name])


@pytest.mark.parametrize("broken", ["unwritable", "corrupt"])
def test_a_cache_that_cannot_be_written_or_read_is_not_used(tmp_path, broken: str) -> None:
    expected = [(CATALOGUE.similar(q), CATALOGUE.classify(q)) for q in QUERIES]
    folder = tmp_path / "cache"
    if broken == "unwritable":
        folder.write_text("a file where the folder should be")
    else:
        folder.mkdir()
    with mock.patch.dict("os.environ", {"SEQFIT_CACHE_DIR": str(folder)}):
        if broken == "corrupt":
            _fresh()._cache_path().write_bytes(b"not a database")
        catalogue = _fresh()
        assert [(catalogue.similar(q), catalogue.classify(q)) for q in QUERIES] == expected
        assert catalogue._cache is None


def _small_catalogue(folder, lines: int = 400):
    """A catalogue file of the committed one's header and first rows."""
    path = folder / "messages.jsonl"
    with PATH.open(encoding="utf-8") as source:
        path.write_text("".join(next(source) for _ in range(lines + 1)), encoding="utf-8")
    return path


def test_the_rows_are_cached_once_and_decoded_only_when_read(tmp_path) -> None:
    """The first process parses the JSON lines and writes the rows cache; the next decodes only
    the rows it reads, and has the same rows, releases and digest."""
    path = _small_catalogue(tmp_path)
    with mock.patch.dict("os.environ", {"SEQFIT_CACHE_DIR": str(tmp_path / "cache")}):
        first = load.__wrapped__(str(path))
        assert [p.name.startswith("rows-") for p in (tmp_path / "cache").iterdir()] == [True]
        with mock.patch("json.loads", side_effect=AssertionError("parsed")):
            second = load.__wrapped__(str(path))
        assert isinstance(second.rows, LazyRows) and not second.rows._built
        assert second.rows[3] == first.rows[3] and len(second.rows._built) == 1
        assert list(second.rows) == list(first.rows) and second.rows[-1] == first.rows[-1]
        assert (second.releases, second._digest) == (first.releases, first._digest)
        text = render(next(r for r in first.rows if r.code != "unknown"))[0]
        assert [m.row for m in second.match(text)] == [m.row for m in first.match(text)]


def test_a_changed_catalogue_file_is_not_read_from_the_old_rows_cache(tmp_path) -> None:
    path = _small_catalogue(tmp_path)
    with mock.patch.dict("os.environ", {"SEQFIT_CACHE_DIR": str(tmp_path / "cache")}):
        load.__wrapped__(str(path))
        _small_catalogue(tmp_path, lines=300)
        assert len(load.__wrapped__(str(path)).rows) == 300
        assert len(list((tmp_path / "cache").iterdir())) == 1  # the old file's rows are gone


@pytest.mark.parametrize("broken", ["unwritable", "corrupt"])
def test_a_rows_cache_that_cannot_be_written_or_read_is_not_used(tmp_path, broken: str) -> None:
    path = _small_catalogue(tmp_path)
    folder = tmp_path / "cache"
    with mock.patch.dict("os.environ", {"SEQFIT_CACHE_DIR": str(folder)}):
        if broken == "unwritable":
            folder.write_text("a file where the folder should be")
        else:
            load.__wrapped__(str(path))
            for cached in folder.iterdir():
                cached.write_bytes(b"not marshal data")
        catalogue = load.__wrapped__(str(path))
        assert isinstance(catalogue.rows, list) and len(catalogue.rows) == 400


def _only_in(code: str, test) -> Row:
    return next(r for r in ON_TOPIC if r.code == code and r.library == "transformers"
                and r.only_in and test(r.only_in))


def test_the_fix_fits_the_release_the_message_comes_from() -> None:
    """The tokenizer call takes padding_side from transformers 4.46 on (its __call__ in 4.40.2
    has no such argument, in 4.46.3 it has): a message only 4.46 and later have gets the
    argument; one only older releases have gets the attribute form (every padding-side message
    mined from before 4.46 is in a later release too, so a row is made to be one)."""
    new = _only_in("padding_side", lambda found: all(_version(v) >= (4, 46) for v in found))
    assert seqfit.explain(render(new)[0]).best.fix.startswith("tokenizer(prompts, padding_side=")
    old = dataclasses.replace(new, id="made-old", only_in=("4.34.1", "4.40.2"))
    with mock.patch.object(evidence, "load", lambda: Catalogue(
            [old, *(r for r in ROWS if r.id != new.id)], CATALOGUE.releases)):
        old_fix = seqfit.explain(render(old)[0]).best.fix
    assert old_fix.startswith("tokenizer.padding_side = 'left'")
    assert "takes padding_side only from transformers 4.46" in old_fix


def test_the_linear_model_places_a_held_out_message_its_nearest_template_calls_off_topic() -> None:
    """With one template left out of the catalogue, its message's nearest wording is an off-topic
    template, so the wording families say nothing; the linear model, fitted to every template
    of every code, still ranks the code first, and when it is sure enough (a margin of
    MODEL_MARGIN over unknown) its verdict is the answer."""
    held = next(r for r in ON_TOPIC
                if r.template.startswith("len(input_ids)={str(len(input_ids))} is different"))
    kept = Catalogue([r for r in ROWS if r.id != held.id], CATALOGUE.releases)
    text = "ValueError: len(input_ids)=613 is different from len(segment_ids)=512"
    assert kept.similar(evidence._focus(text), limit=1)[0][0].code == "unknown"
    ranked = kept.classify(text)
    assert ranked[0][0] == held.code == "shape_mismatch"
    sure = [("shape_mismatch", evidence.MODEL_MARGIN), ("unknown", 0.0)]
    with mock.patch.object(evidence, "load", lambda: kept):
        with mock.patch.object(Catalogue, "classify", lambda self, text: sure):
            assert seqfit.explain(text).best.code == "shape_mismatch"
        with mock.patch.object(Catalogue, "classify", lambda self, text: []):
            assert seqfit.explain(text).best.code == "unknown"  # the model decided it


def test_without_scikit_learn_a_catalogue_has_no_linear_model_and_still_explains() -> None:
    with mock.patch.dict(sys.modules, {"sklearn.svm": None}):
        bare = Catalogue(ROWS[1:], CATALOGUE.releases)
        assert bare.classify("ValueError: the tokenizer has no pad_token_id") == []
    with mock.patch.object(evidence, "load", lambda: bare):
        assert seqfit.explain(render(ON_TOPIC[0])[0]).best.code == ON_TOPIC[0].code


def test_the_stored_linear_model_holds_every_code_and_only_weights_that_count() -> None:
    model = json.loads(CATALOGUE.index_path.read_text(encoding="utf-8"))["model"]
    codes = {r.code for r in ROWS if not r.ambiguous}
    assert set(model["classes"]) == codes and len(model["bias"]) == len(codes)
    weights = [w for flat in model["weights"].values() for w in flat[1::2]]
    assert weights and min(abs(w) for w in weights) >= MODEL_PRUNE


def test_the_stored_anchor_words_are_the_rarest_words_the_catalogue_has() -> None:
    """scripts/mine_messages.py stores each row's rarest literal words, so that explain does not
    count them in every process; a catalogue edited without regenerating them is caught here,
    and rows without them have them counted on first use."""
    assert [list(r.anchors or ()) for r in ROWS] == rare_words([r.template for r in ROWS])
    bare = Catalogue([dataclasses.replace(r, anchors=None) for r in ROWS[:200]],
                     CATALOGUE.releases)
    text, _ = render(ROWS[0])
    assert ROWS[0].id in {m.row.id for m in bare.match(text)}
