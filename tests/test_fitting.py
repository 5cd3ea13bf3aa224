"""``seqfit.fit``: texts and text pairs into windows that never exceed the limit, checked
against the tokenizers themselves.

Every reference comes from the tokenizer under test, never from seqfit: ``tokenizer(text)`` for
texts that fit, ``tokenizer(text, add_special_tokens=False)`` (ids and ``offset_mapping``) for
the content a window must hold, and the tokenizer's own encoding of a probe for where its special
tokens go. Tokenizers are the tiny in-memory zoo (tests/zoo.py) and the real all-MiniLM-L6-v2
tokenizer; they are built once per session (module-level caches, which hypothesis prefers to
function-scoped fixtures).
"""

from __future__ import annotations

import functools
import random
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seqfit
import zoo
from seqfit import InputError, NoRoomError, OptionError, TooLongError
from seqfit.fitting import Fitted, FittedWindow, Skipped, fit
from seqfit.model.limits import ModelLimits

# Families whose special tokens sit in different places: BERT/ELECTRA [CLS] A [SEP] B [SEP]
# (token types 0/1), RoBERTa/BART/MPNet <s> A </s></s> B </s>, XLNet A <sep> B <sep> <cls> (at
# the END), T5/Pegasus/Marian A </s> (suffix only), Llama/Gemma/OPT BOS only, GPT-2/Qwen2 none,
# DeBERTa-v2/ALBERT/Funnel [CLS] A [SEP], CANINE (characters, slow tokenizer).
FAMILIES = ("bert", "electra", "roberta", "bart", "mpnet", "xlnet", "t5", "pegasus", "marian",
            "llama", "gemma", "opt", "gpt2", "qwen2", "deberta-v2", "albert", "funnel", "canine")
# Fast tokenizers (offsets, sequence ids) for the property tests.
FAST = ("bert", "roberta", "xlnet", "t5", "llama", "gpt2", "deberta-v2", "albert")
NO_SPECIALS = ("gpt2", "qwen2")
SETTINGS = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
WORDS = sorted({w.strip(".,?!").lower() for s in zoo.corpus() for w in s.split()})


# ---------------------------------------------------------------- module-level caches


@functools.cache
def family(name: str) -> tuple[Any, ModelLimits]:
    """``(tokenizer, limits)`` of a zoo family, built once."""
    config, tokenizer = zoo.build(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tokenizer, seqfit.inspect(config, tokenizer=tokenizer)


@functools.cache
def minilm() -> tuple[Any, ModelLimits]:
    """The real all-MiniLM-L6-v2 tokenizer and its limits (embedded, offline)."""
    from transformers import AutoTokenizer

    path = seqfit.model.loading.default_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(path))
    return tokenizer, seqfit.inspect(str(path), tokenizer=tokenizer)


@functools.cache
def specials(name: str) -> tuple[int, int]:
    """How many special tokens the tokenizer adds to a single text and to a pair, as counted
    from its own output."""
    tok, _ = family(name)
    plain = len(tok("hello", add_special_tokens=False)["input_ids"]) + len(
        tok("world", add_special_tokens=False)["input_ids"])
    single = len(tok("hello")["input_ids"]) - len(tok("hello", add_special_tokens=False)[
        "input_ids"])
    pair = len(tok(["hello"], ["world"])["input_ids"][0]) - plain
    return single, pair


@functools.cache
def probe_frame(name: str, pair: bool) -> tuple[Any, ...]:
    """Where the tokenizer puts its special tokens, from its own encoding of a probe: special
    tokens as ``(id, type)``, each text's content run as ``("text", sequence_id, type)``."""
    tok, _ = family(name)
    enc = (tok(["hello"], ["world"], return_token_type_ids=True) if pair
           else tok(["hello"], return_token_type_ids=True))
    types = enc["token_type_ids"][0]
    return frame(enc["input_ids"][0], enc.sequence_ids(0), types)


def frame(ids: list[int], sequence_ids: list[int | None], types: list[int]) -> tuple[Any, ...]:
    out: list[Any] = []
    for i, s, t in zip(ids, sequence_ids, types, strict=True):
        item = (i, t) if s is None else ("text", s, t)
        if s is None or not out or out[-1] != item:
            out.append(item)
    return tuple(out)


# ---------------------------------------------------------------- references and helpers


def content(window: FittedWindow, sequence: int = 0) -> list[int]:
    """The window's tokens of one text, read through ``sequence_ids``."""
    return [i for i, s in zip(window.input_ids, window.sequence_ids, strict=True)
            if s == sequence]


def content_offsets(window: FittedWindow, sequence: int = 0) -> list[tuple[int, int]]:
    return [o for o, s in zip(window.offsets, window.sequence_ids, strict=True) if s == sequence]


def plain(tok: Any, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """The tokenizer's own content ids and character offsets of ``text``, no special tokens."""
    enc = tok(text, add_special_tokens=False, return_offsets_mapping=True)
    return list(enc["input_ids"]), [tuple(o) for o in enc["offset_mapping"]]


def check_frame(name: str, window: FittedWindow, pair: bool) -> None:
    """The window's special tokens (ids and types) are where the tokenizer itself puts them,
    around content runs for exactly the texts the window holds."""
    expected = probe_frame(name, pair)
    present = {s for s in window.sequence_ids if s is not None}
    expected = tuple(x for x in expected if x[0] != "text" or x[1] in present)
    types = window.token_type_ids
    if types is None:  # compare ids only
        expected = tuple((x[0], x[1]) if x[0] == "text" else x[0] for x in expected)
        got = frame(window.input_ids, window.sequence_ids, [0] * len(window))
        got = tuple((x[0], x[1]) if x[0] == "text" else x[0] for x in got)
    else:
        got = frame(window.input_ids, window.sequence_ids, types)
    assert got == expected
    assert window.attention_mask == [1] * len(window)
    assert all(o == (0, 0) for o, s in zip(window.offsets, window.sequence_ids, strict=True)
               if s is None)


def check_provenance(fitted: Fitted, rows: list[int]) -> None:
    """Documents are the valid rows in order; their windows are contiguous, in order, and
    together they are every window exactly once."""
    assert [d.row for d in fitted.documents] == rows
    cursor = 0
    for doc in fitted.documents:
        assert doc.first_window == cursor
        mine = fitted.windows[cursor:cursor + doc.n_windows]
        assert [(w.doc, w.index) for w in mine] == [(doc.row, k) for k in range(doc.n_windows)]
        cursor += doc.n_windows
    assert cursor == len(fitted.windows)


def check_slides(windows: list[FittedWindow], ref: list[int], offsets: list[tuple[int, int]],
                 room: int, overlap: int, sequence: int = 0) -> None:
    """Windows of ``room`` content tokens (the last may be shorter, but holds more than
    ``overlap``), each starting ``room - overlap`` after the previous one, hold exactly the
    tokenizer's tokens (and offsets) at those positions; the first starts at 0, the last ends
    at the end, and consecutive windows share exactly ``overlap`` tokens."""
    parts = [content(w, sequence) for w in windows]
    if len(ref) <= room:
        assert parts == [ref]
    start = 0
    for k, (w, part) in enumerate(zip(windows, parts, strict=True)):
        assert part == ref[start:start + len(part)]
        assert content_offsets(w, sequence) == offsets[start:start + len(part)]
        if k < len(windows) - 1:
            assert len(part) == room
            assert parts[k + 1][:overlap] == part[len(part) - overlap:]
            start += room - overlap
        else:
            assert start + len(part) == len(ref)
            assert len(windows) == 1 or len(part) > overlap
    rebuilt = parts[0] + [t for part in parts[1:] for t in part[overlap:]]
    assert rebuilt == ref


def hf_longest_first(a: list[int], b: list[int], budget: int) -> tuple[list[int], list[int]]:
    """transformers' Python ``truncate_sequences``: one token at a time from the longer text,
    a tie costing the second text."""
    for _ in range(max(0, len(a) + len(b) - budget)):
        if len(a) > len(b):
            a = a[:-1]
        else:
            b = b[:-1]
    return a, b


def short_texts(seed: int, n: int, most: int = 5) -> list[str]:
    """``n`` texts of 1 to ``most`` words cut from corpus sentences (capitals, digits, commas)."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(zoo.corpus()).split()[:rng.randint(1, most)]) for _ in range(n)]


def sample_texts(seed: int, n: int, most: int = 4) -> list[str]:
    rng = random.Random(seed)
    sentences = zoo.corpus()
    return [" ".join(rng.choice(sentences) for _ in range(rng.randint(0, most)))
            for _ in range(n)]


# Hypothesis: texts of 0-6 corpus sentences; "questions" of 0-6 words (short first texts).
TEXT = st.lists(st.integers(0, len(zoo.corpus()) - 1), max_size=6).map(
    lambda ix: " ".join(zoo.corpus()[i] for i in ix))
QUESTION = st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join)


def upper(limits: ModelLimits) -> int:
    return min(limits.max_tokens or 96, 96)


# ---------------------------------------------------------------- 1. texts that fit


@pytest.mark.parametrize("name", FAMILIES)
def test_a_text_that_fits_is_exactly_what_the_tokenizer_gives(name: str) -> None:
    tok, limits = family(name)
    texts = ["", "Hello world.", *short_texts(1, 12, most=6)]
    fitted = fit(texts, tokenizer=tok, model=limits, max_length=64, strategy="error")
    assert not fitted.skipped or name in NO_SPECIALS
    by_row = {w.doc: w for w in fitted.windows}
    for row, text in enumerate(texts):
        ref = tok(text, return_token_type_ids=True)
        if not ref["input_ids"]:
            assert fitted.skipped == [Skipped(row, "empty text, and the tokenizer adds no "
                                                   "special tokens")]
            continue
        window = by_row[row]
        assert window.input_ids == ref["input_ids"]
        assert window.attention_mask == ref["attention_mask"]
        if limits.uses_token_type_ids:
            assert window.token_type_ids == ref["token_type_ids"]
        else:
            assert window.token_type_ids is None
    assert all(len(w) <= 64 for w in fitted.windows)


@pytest.mark.parametrize("name", FAMILIES)
def test_a_pair_that_fits_is_exactly_what_the_tokenizer_gives(name: str) -> None:
    # The reference is the tokenizer's batch call: a single call tokenizer("q", "") treats the
    # empty second text as no pair at all, the batch path (and seqfit) keep the pair layout.
    tok, limits = family(name)
    firsts = ["", "What is it?", "", *short_texts(2, 8, most=3)]
    seconds = ["Hello world.", "", "", *short_texts(3, 8, most=3)]
    fitted = fit(firsts, text_pairs=seconds, tokenizer=tok, model=limits, max_length=128
                 if limits.max_tokens is None else limits.max_tokens, strategy="error")
    ref = tok(firsts, seconds, return_token_type_ids=True)
    by_row = {w.doc: w for w in fitted.windows}
    for row in range(len(firsts)):
        if not ref["input_ids"][row]:
            continue  # an empty pair without special tokens: see the test below
        window = by_row[row]
        assert window.input_ids == ref["input_ids"][row]
        assert window.attention_mask == ref["attention_mask"][row]
        if limits.uses_token_type_ids:
            assert window.token_type_ids == ref["token_type_ids"][row]
        else:
            assert window.token_type_ids is None
        if tok.is_fast:
            assert window.sequence_ids == ref.sequence_ids(row)


@pytest.mark.parametrize("name", ["deberta-v2", "bert", "canine"])
def test_without_limits_token_types_follow_the_tokenizers_model_input_names(name: str) -> None:
    tok, _ = family(name)
    assert "token_type_ids" in tok.model_input_names
    fitted = fit(["a text"], text_pairs=["and its pair"], tokenizer=tok, max_length=64)
    ref = tok(["a text"], ["and its pair"], return_token_type_ids=True)
    assert fitted.windows[0].token_type_ids == ref["token_type_ids"][0]


@pytest.mark.parametrize("name", ["xlnet", "bert", "roberta", "llama", "t5"])
def test_head_truncation_is_what_the_tokenizers_own_truncation_keeps(name: str) -> None:
    tok, _ = family(name)
    texts = sample_texts(4, 10, most=6)
    for max_length in (9, 33, 64):
        fitted = fit(texts, tokenizer=tok, max_length=max_length, strategy="head")
        ref = tok(texts, truncation=True, max_length=max_length)["input_ids"]
        assert [w.input_ids for w in fitted.windows] == ref


@pytest.mark.parametrize("name", ["bert", "roberta", "xlnet", "llama", "deberta-v2"])
@pytest.mark.parametrize("strategy", ["only_first", "only_second"])
def test_only_first_and_only_second_cut_what_the_tokenizers_own_truncation_cuts(
        name: str, strategy: str) -> None:
    tok, _ = family(name)
    a, b = sample_texts(5, 6, most=2), sample_texts(6, 6, most=2)
    short = [" ".join(t.split()[:3]) for t in (b if strategy == "only_first" else a)]
    firsts, seconds = (a, short) if strategy == "only_first" else (short, b)
    fitted = fit(firsts, text_pairs=seconds, tokenizer=tok, max_length=30, strategy=strategy)
    ref = tok(firsts, seconds, truncation=strategy, max_length=30)["input_ids"]
    assert [w.input_ids for w in fitted.windows] == ref


# ---------------------------------------------------------------- 2. every window fits


@SETTINGS
@given(data=st.data(), name=st.sampled_from(FAST),
       strategy=st.sampled_from(["head", "tail", "head+tail", "window"]),
       texts=st.lists(TEXT, min_size=1, max_size=4))
def test_every_window_fits_max_length_special_tokens_included(
        data: st.DataObject, name: str, strategy: str, texts: list[str]) -> None:
    tok, limits = family(name)
    n_single, _ = specials(name)
    max_length = data.draw(st.integers(n_single + 1, upper(limits)), label="max_length")
    budget = max_length - n_single
    overlap = data.draw(st.none() | st.integers(0, budget - 1), label="overlap")
    head = data.draw(st.none() | st.integers(0, budget), label="head")
    fitted = fit(texts, tokenizer=tok, model=limits, max_length=max_length, strategy=strategy,
                 overlap=overlap, head=head)
    assert fitted.max_length == max_length
    assert len(fitted.documents) + len(fitted.skipped) == len(texts)
    assert all(1 <= len(w) <= max_length for w in fitted.windows)
    assert fitted.lengths == [len(w) for w in fitted.windows]
    for w in fitted.windows:
        assert len(w.attention_mask) == len(w.offsets) == len(w.sequence_ids) == len(w)
        check_frame(name, w, pair=False)


@SETTINGS
@given(data=st.data(), name=st.sampled_from(FAST),
       strategy=st.sampled_from(["longest_first", "only_first", "only_second", "window"]),
       pairs=st.lists(st.tuples(QUESTION, TEXT), min_size=1, max_size=4))
def test_every_pair_window_fits_max_length_special_tokens_included(
        data: st.DataObject, name: str, strategy: str, pairs: list[tuple[str, str]]) -> None:
    tok, limits = family(name)
    _, n_pair = specials(name)
    firsts, seconds = [p[0] for p in pairs], [p[1] for p in pairs]
    n_a = [len(plain(tok, t)[0]) for t in firsts]
    n_b = [len(plain(tok, t)[0]) for t in seconds]
    # Enough room that every strategy can fit every pair (the failures have their own tests).
    need = {"longest_first": 1, "only_first": max(n_b) + 1, "only_second": max(n_a) + 1,
            "window": max(n_a) + 1}[strategy]
    lo = n_pair + need
    max_length = data.draw(st.integers(lo, max(lo, upper(limits))), label="max_length")
    room = max_length - n_pair - max(n_a)
    overlap = (data.draw(st.none() | st.integers(0, room - 1), label="overlap")
               if strategy == "window" else None)
    fitted = fit(firsts, text_pairs=seconds, tokenizer=tok, max_length=max_length,
                 strategy=strategy, overlap=overlap)
    assert all(1 <= len(w) <= max_length for w in fitted.windows)
    empty = [i for i, (a, b) in enumerate(pairs) if not n_a[i] + n_b[i] + n_pair]
    assert [s.row for s in fitted.skipped] == empty
    check_provenance(fitted, [i for i in range(len(pairs)) if i not in empty])
    for w in fitted.windows:
        check_frame(name, w, pair=True)


# ---------------------------------------------------------------- 3. windows cover every token


@SETTINGS
@given(data=st.data(), name=st.sampled_from(FAST), texts=st.lists(TEXT, min_size=1, max_size=3))
def test_windows_cover_every_token_and_share_exactly_overlap_tokens(
        data: st.DataObject, name: str, texts: list[str]) -> None:
    tok, limits = family(name)
    n_single, _ = specials(name)
    max_length = data.draw(st.integers(n_single + 1, upper(limits)), label="max_length")
    room = max_length - n_single
    overlap = data.draw(st.none() | st.integers(0, room - 1), label="overlap")
    fitted = fit(texts, tokenizer=tok, model=limits, max_length=max_length, strategy="window",
                 overlap=overlap)
    assert fitted.overlap == overlap
    shared = room // 4 if overlap is None else overlap
    if name in NO_SPECIALS:
        empty = [r for r, t in enumerate(texts) if not t]
        assert [s.row for s in fitted.skipped] == empty
    rows = [d.row for d in fitted.documents]
    check_provenance(fitted, rows)
    for doc in fitted.documents:
        ids, offsets = plain(tok, texts[doc.row])
        windows = fitted.windows[doc.first_window:doc.first_window + doc.n_windows]
        check_slides(windows, ids, offsets, room, shared)
        assert (doc.n_tokens, doc.truncated, doc.tokens_dropped) == (len(ids), False, 0)


@SETTINGS
@given(data=st.data(), name=st.sampled_from(FAST),
       pairs=st.lists(st.tuples(QUESTION, TEXT), min_size=1, max_size=3))
def test_pair_windows_repeat_the_first_text_whole_and_slide_the_second_with_exact_overlap(
        data: st.DataObject, name: str, pairs: list[tuple[str, str]]) -> None:
    tok, limits = family(name)
    _, n_pair = specials(name)
    firsts, seconds = [p[0] for p in pairs], [p[1] for p in pairs]
    n_a = [len(plain(tok, t)[0]) for t in firsts]
    lo = n_pair + max(n_a) + 1
    max_length = data.draw(st.integers(lo, max(lo, upper(limits))), label="max_length")
    budget = max_length - n_pair
    overlap = data.draw(st.none() | st.integers(0, budget - max(n_a) - 1), label="overlap")
    fitted = fit(firsts, text_pairs=seconds, tokenizer=tok, model=limits,
                 max_length=max_length, strategy="window", overlap=overlap)
    for doc in fitted.documents:
        ids_a, offsets_a = plain(tok, firsts[doc.row])
        ids_b, offsets_b = plain(tok, seconds[doc.row])
        room = budget - len(ids_a)
        windows = fitted.windows[doc.first_window:doc.first_window + doc.n_windows]
        for w in windows:
            assert content(w, 0) == ids_a
            assert content_offsets(w, 0) == offsets_a
        check_slides(windows, ids_b, offsets_b, room, room // 4 if overlap is None else overlap,
                     sequence=1)
        assert (doc.n_tokens, doc.tokens_dropped) == (len(ids_a) + len(ids_b), 0)


# ---------------------------------------------------------------- 4. truncation is counted


@SETTINGS
@given(data=st.data(), name=st.sampled_from(FAST),
       strategy=st.sampled_from(["head", "tail", "head+tail"]),
       texts=st.lists(TEXT, min_size=1, max_size=3))
def test_tokens_dropped_is_exact_and_head_tail_keep_the_documented_tokens(
        data: st.DataObject, name: str, strategy: str, texts: list[str]) -> None:
    tok, limits = family(name)
    n_single, _ = specials(name)
    max_length = data.draw(st.integers(n_single + 1, upper(limits)), label="max_length")
    budget = max_length - n_single
    head = data.draw(st.none() | st.integers(0, budget), label="head")
    fitted = fit(texts, tokenizer=tok, model=limits, max_length=max_length, strategy=strategy,
                 head=head)
    kept_head = (budget + 2) // 4 if head is None else head  # a quarter, rounded half up
    for doc in fitted.documents:
        ids, offsets = plain(tok, texts[doc.row])
        n = len(ids)
        keep = {"head": list(range(min(n, budget))), "tail": list(range(max(0, n - budget), n)),
                "head+tail": (list(range(n)) if n <= budget else
                              list(range(kept_head)) + list(range(n - (budget - kept_head), n)))
                }[strategy]
        (window,) = fitted.windows[doc.first_window:doc.first_window + doc.n_windows]
        assert content(window) == [ids[i] for i in keep]
        assert content_offsets(window) == [offsets[i] for i in keep]
        assert doc.n_tokens == n
        assert doc.tokens_dropped == max(0, n - budget)
        assert doc.truncated == (n > budget)
    assert fitted.tokens_dropped == sum(d.tokens_dropped for d in fitted.documents)
    summary = fitted.summary()
    assert summary["tokens_dropped"] == fitted.tokens_dropped
    assert summary["truncated_documents"] == sum(d.truncated for d in fitted.documents)


@SETTINGS
@given(data=st.data(), name=st.sampled_from(FAST),
       strategy=st.sampled_from(["longest_first", "only_first", "only_second"]),
       pairs=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=3))
def test_pair_truncation_drops_exactly_what_it_reports(
        data: st.DataObject, name: str, strategy: str, pairs: list[tuple[str, str]]) -> None:
    tok, limits = family(name)
    _, n_pair = specials(name)
    max_length = data.draw(st.integers(n_pair + 1, upper(limits)), label="max_length")
    budget = max_length - n_pair
    firsts, seconds = [p[0] for p in pairs], [p[1] for p in pairs]
    refs = [(plain(tok, a), plain(tok, b)) for a, b in pairs]
    other = {"only_first": 1, "only_second": 0}.get(strategy)
    blocked = [row for row, ((a, _), (b, _)) in enumerate(refs) if other is not None
               and len(a) + len(b) > budget and len((a, b)[other]) >= budget]
    if blocked:
        with pytest.raises(NoRoomError, match=rf"^row {blocked[0]}: "):
            fit(firsts, text_pairs=seconds, tokenizer=tok, model=limits,
                max_length=max_length, strategy=strategy)
        return
    fitted = fit(firsts, text_pairs=seconds, tokenizer=tok, model=limits,
                 max_length=max_length, strategy=strategy)
    empty = [row for row, ((a, _), (b, _)) in enumerate(refs) if not a + b and not n_pair]
    assert [s.row for s in fitted.skipped] == empty  # nothing at all to feed the model
    assert [d.row for d in fitted.documents] == [r for r in range(len(refs)) if r not in empty]
    for doc in fitted.documents:
        (ids_a, offsets_a), (ids_b, offsets_b) = refs[doc.row]
        total = len(ids_a) + len(ids_b)
        if total <= budget:
            keep_a, keep_b = ids_a, ids_b
        elif strategy == "longest_first":
            keep_a, keep_b = hf_longest_first(ids_a, ids_b, budget)
        elif strategy == "only_first":
            keep_a, keep_b = ids_a[:budget - len(ids_b)], ids_b
        else:
            keep_a, keep_b = ids_a, ids_b[:budget - len(ids_a)]
        (window,) = fitted.windows[doc.first_window:doc.first_window + doc.n_windows]
        assert (content(window, 0), content(window, 1)) == (keep_a, keep_b)
        assert content_offsets(window, 0) == offsets_a[:len(keep_a)]
        assert content_offsets(window, 1) == offsets_b[:len(keep_b)]
        assert doc.n_tokens == total
        assert doc.tokens_dropped == total - len(keep_a) - len(keep_b) == max(0, total - budget)
        assert doc.truncated == (total > budget)


def test_head_tail_and_head_plus_tail_keep_the_documented_tokens_on_bert() -> None:
    tok, limits = family("bert")
    text = " ".join(zoo.corpus()[:5])
    ids, _ = plain(tok, text)
    n = len(ids)
    keep = {s: content(fit([text], tokenizer=tok, model=limits, max_length=34,
                           strategy=s).windows[0]) for s in ("head", "tail", "head+tail")}
    assert n > 32
    assert keep["head"] == ids[:32]
    assert keep["tail"] == ids[-32:]
    assert keep["head+tail"] == ids[:8] + ids[n - 24:]  # default head: (32 + 2) // 4 = 8
    fitted = fit([text], tokenizer=tok, model=limits, max_length=34, strategy="head+tail",
                 head=5)
    assert content(fitted.windows[0]) == ids[:5] + ids[n - 27:]
    assert (fitted.documents[0].tokens_dropped, fitted.documents[0].truncated) == (n - 32, True)


# ---------------------------------------------------------------- 5. offsets and sequence ids


@pytest.mark.parametrize("name", [n for n in FAMILIES if family(n)[0].is_fast])
def test_offsets_and_sequence_ids_are_the_tokenizers_own_in_every_window(name: str) -> None:
    tok, _ = family(name)
    firsts = short_texts(7, 5)
    seconds = sample_texts(8, 5, most=6)
    _, n_pair = specials(name)
    fitted = fit(firsts, text_pairs=seconds, tokenizer=tok, max_length=64, strategy="window",
                 overlap=3)
    for w in fitted.windows:
        assert set(w.sequence_ids) <= {None, 0, 1}
        ids_a, offsets_a = plain(tok, firsts[w.doc])
        assert content_offsets(w, 0) == offsets_a
        ids_b, offsets_b = plain(tok, seconds[w.doc])
        start = w.index * (64 - n_pair - len(ids_a) - 3)
        part = content(w, 1)
        assert part == ids_b[start:start + len(part)]
        assert content_offsets(w, 1) == offsets_b[start:start + len(part)]
        assert all(o == (0, 0) for o, seq in zip(w.offsets, w.sequence_ids, strict=True)
                   if seq is None)
    single = fit(firsts, tokenizer=tok, max_length=64)
    for w in single.windows:
        ref = tok(firsts[w.doc], return_offsets_mapping=True)
        assert w.offsets == [tuple(o) for o in ref["offset_mapping"]]
        assert w.sequence_ids == ref.sequence_ids()


# ---------------------------------------------------------------- 6. provenance


@SETTINGS
@given(data=st.data(), name=st.sampled_from(FAST),
       rows=st.lists(st.one_of(TEXT, st.none(), st.integers()), min_size=1, max_size=6))
def test_every_window_maps_back_to_its_document_in_order(
        data: st.DataObject, name: str, rows: list[Any]) -> None:
    tok, limits = family(name)
    n_single, _ = specials(name)
    max_length = data.draw(st.integers(n_single + 2, upper(limits)), label="max_length")
    fitted = fit(rows, tokenizer=tok, model=limits, max_length=max_length, on_bad="skip")
    valid = [r for r, t in enumerate(rows) if isinstance(t, str)]
    empty_skipped = [r for r in valid if name in NO_SPECIALS and rows[r] == ""]
    kept = [r for r in valid if r not in empty_skipped]
    check_provenance(fitted, kept)
    assert sorted([s.row for s in fitted.skipped]) == sorted(
        [r for r in range(len(rows)) if r not in kept])
    assert [s.row for s in fitted.skipped] == sorted(s.row for s in fitted.skipped)
    assert len(fitted.documents) + len(fitted.skipped) == len(rows)
    assert fitted.summary()["documents"] == len(kept)
    for doc in fitted.documents:
        ids, _ = plain(tok, rows[doc.row])
        windows = fitted.windows[doc.first_window:doc.first_window + doc.n_windows]
        first = content(windows[0])
        assert first == ids[:len(first)]


# ---------------------------------------------------------------- 7. empty strings


@pytest.mark.parametrize("name", [n for n in FAMILIES if n not in NO_SPECIALS])
def test_an_empty_text_fits_as_the_special_tokens_alone(name: str) -> None:
    tok, limits = family(name)
    fitted = fit(["", "x"], tokenizer=tok, model=limits, max_length=16)
    window = fitted.windows[0]
    assert window.input_ids == tok("")["input_ids"]
    assert window.input_ids and content(window) == []
    assert fitted.documents[0].n_tokens == 0
    assert fitted.documents[0].n_windows == 1
    assert not fitted.skipped


def test_an_empty_bert_text_is_cls_sep() -> None:
    tok, limits = family("bert")
    window = fit([""], tokenizer=tok, model=limits).windows[0]
    assert tok.convert_ids_to_tokens(window.input_ids) == ["[CLS]", "[SEP]"]
    assert window.token_type_ids == [0, 0]
    assert window.sequence_ids == [None, None]


@pytest.mark.parametrize("name", NO_SPECIALS)
def test_an_empty_text_without_special_tokens_is_listed_in_skipped(name: str) -> None:
    tok, limits = family(name)
    fitted = fit(["one", "", "three"], tokenizer=tok, model=limits, max_length=16)
    assert fitted.skipped == [Skipped(1, "empty text, and the tokenizer adds no special "
                                         "tokens")]
    assert [d.row for d in fitted.documents] == [0, 2]
    assert [w.doc for w in fitted.windows] == [0, 2]
    assert all(len(w) > 0 for w in fitted.windows)
    assert fitted.summary()["skipped"] == [
        {"row": 1, "reason": "empty text, and the tokenizer adds no special tokens"}]


@pytest.mark.parametrize("name", NO_SPECIALS)
def test_an_empty_pair_without_special_tokens_is_listed_in_skipped(name: str) -> None:
    tok, limits = family(name)
    fitted = fit(["a", ""], text_pairs=["b", ""], tokenizer=tok, model=limits, max_length=16)
    assert all(len(w) > 0 for w in fitted.windows)
    assert [s.row for s in fitted.skipped] == [1]


# ---------------------------------------------------------------- 8. bad input, full messages

CLEAN_FIX = ("Fix: clean the data (e.g. texts = [t or '' for t in texts]), or "
             "seqfit.fit(..., on_bad='skip') to list such rows in Fitted.skipped")


def bert() -> tuple[Any, ModelLimits]:
    return family("bert")


def test_a_none_row_raises_input_error_naming_the_row() -> None:
    tok, limits = bert()
    with pytest.raises(InputError) as info:
        fit(["fine", "also fine", None], tokenizer=tok, model=limits)
    assert str(info.value) == f"row 2: text is None, not a string. {CLEAN_FIX}"
    assert info.value.row == 2


def test_a_float_row_raises_input_error_naming_the_row_and_its_type() -> None:
    tok, limits = bert()
    with pytest.raises(InputError) as info:
        fit(["fine", 2.5], tokenizer=tok, model=limits)
    assert str(info.value) == f"row 1: text is a float, not a string. {CLEAN_FIX}"


def test_an_int_row_raises_input_error_naming_the_row_in_plain_english() -> None:
    tok, limits = bert()
    with pytest.raises(InputError) as info:
        fit(["fine", 7], tokenizer=tok, model=limits)
    assert str(info.value) == f"row 1: text is an int, not a string. {CLEAN_FIX}"


def test_a_bad_text_pair_raises_input_error_naming_the_row_and_the_field() -> None:
    tok, limits = bert()
    with pytest.raises(InputError) as info:
        fit(["q0", "q1"], text_pairs=["ctx", None], tokenizer=tok, model=limits)
    assert str(info.value) == f"row 1: text_pair is None, not a string. {CLEAN_FIX}"
    with pytest.raises(InputError) as info:
        fit([None], text_pairs=[None], tokenizer=tok, model=limits)
    assert str(info.value) == f"row 0: text is None; text_pair is None, not a string. {CLEAN_FIX}"


def test_on_bad_skip_lists_bad_rows_with_their_reason() -> None:
    tok, limits = bert()
    fitted = fit([None, "good", 3.5, "also good"], tokenizer=tok, model=limits, on_bad="skip")
    assert fitted.skipped == [Skipped(0, "text is None"), Skipped(2, "text is a float")]
    assert [d.row for d in fitted.documents] == [1, 3]
    assert [w.doc for w in fitted.windows] == [1, 3]
    pairs = fit(["q", "q", None], text_pairs=[None, "ctx", None], tokenizer=tok, model=limits,
                on_bad="skip")
    assert pairs.skipped == [Skipped(0, "text_pair is None"),
                             Skipped(2, "text is None; text_pair is None")]
    assert [d.row for d in pairs.documents] == [1]


def test_texts_and_text_pairs_of_different_lengths_raise_input_error() -> None:
    tok, limits = bert()
    with pytest.raises(InputError) as info:
        fit(["a", "b"], text_pairs=["c", "d", "e"], tokenizer=tok, model=limits)
    assert str(info.value) == (
        "2 texts but 3 text_pairs; each text needs its pair. Fix: pass lists of the same "
        "length, e.g. text_pairs=[ctx for _ in questions]")


def test_an_invalid_strategy_raises_option_error_listing_every_valid_value() -> None:
    tok, limits = bert()
    with pytest.raises(OptionError) as info:
        fit(["a"], tokenizer=tok, model=limits, strategy="truncate")  # type: ignore[arg-type]
    assert str(info.value) == (
        "strategy='truncate' is not a strategy for single texts; valid: 'error', 'head', "
        "'tail', 'head+tail', 'window'. Fix: strategy='window'")
    assert (info.value.option, info.value.value) == ("strategy", "truncate")
    with pytest.raises(OptionError) as info:
        fit(["a"], text_pairs=["b"], tokenizer=tok, model=limits, strategy="head")
    assert str(info.value) == (
        "strategy='head' is not a strategy for text pairs; valid: 'error', 'longest_first', "
        "'only_first', 'only_second', 'window'. Fix: strategy='window'")


def test_an_invalid_on_bad_raises_option_error_listing_the_valid_values() -> None:
    tok, limits = bert()
    with pytest.raises(OptionError) as info:
        fit(["a"], tokenizer=tok, model=limits, on_bad="ignore")  # type: ignore[arg-type]
    assert str(info.value) == "on_bad='ignore'; valid: 'raise', 'skip'. Fix: on_bad='skip'"


def test_strategy_error_raises_too_long_error_naming_the_row_length_and_limit() -> None:
    tok, limits = bert()
    long = " ".join(zoo.corpus()[:10])
    n = len(plain(tok, long)[0])
    with pytest.raises(TooLongError) as info:
        fit(["short", long], tokenizer=tok, model=limits, max_length=32, strategy="error")
    assert str(info.value) == (
        f"row 1 has {n + 2} tokens ({n} of text + 2 special) but max_length is 32. Fix: "
        "strategy='window' to keep every token in windows, or strategy='head' (or 'tail', "
        "'head+tail') to truncate and count what is dropped")
    assert (info.value.row, info.value.length, info.value.limit) == (1, n + 2, 32)
    with pytest.raises(TooLongError) as info:
        fit(["q", "q"], text_pairs=["ctx", long], tokenizer=tok, model=limits, max_length=32,
            strategy="error")
    q = len(plain(tok, "q")[0])
    assert str(info.value) == (
        f"row 1 has {q + n + 3} tokens ({q + n} of text + 3 special) but max_length is 32. "
        "Fix: strategy='window' (the first text in every window, the second sliding), or "
        "strategy='longest_first' to truncate and count what is dropped")
    assert info.value.row == 1


def test_a_first_text_that_leaves_no_room_raises_no_room_error_naming_the_row() -> None:
    tok, limits = bert()
    long = " ".join(zoo.corpus()[:10])
    n = len(plain(tok, long)[0])
    c = len(plain(tok, "the context")[0])
    with pytest.raises(NoRoomError) as info:
        fit(["q", long], text_pairs=["ctx", "the context"], tokenizer=tok, model=limits,
            max_length=32, strategy="window")
    assert str(info.value) == (
        f"row 1: the first text has {n} content tokens and the budget is 29: "
        f'strategy="window" repeats the first text in every window, which leaves no room for '
        f"the second text ({c} tokens). Fix: shorten the first text (e.g. the question) to at "
        f"most 28 tokens, raise max_length by {n + 1 - 29}, or strategy=\"longest_first\"")
    assert (info.value.row, info.value.limit) == (1, 29)
    with pytest.raises(NoRoomError) as info:
        fit(["q", long], text_pairs=["ctx", "the context"], tokenizer=tok, model=limits,
            max_length=32, strategy="only_second")
    assert str(info.value) == (
        f'row 1: strategy="only_second" cuts only the second text, but the first text alone '
        f"has {n} content tokens and the budget is 29, which leaves the second text no token. "
        f'Fix: strategy="longest_first", or raise max_length by {n + 1 - 29}')


def test_max_length_above_the_models_limit_raises_option_error() -> None:
    tok, limits = bert()
    with pytest.raises(OptionError) as info:
        fit(["a"], tokenizer=tok, model=limits, max_length=65)
    assert str(info.value) == (
        "max_length=65 is above what the model accepts (64 tokens). Fix: max_length=64")
    assert (info.value.option, info.value.value, info.value.limit) == ("max_length", 65, 64)


def test_no_max_length_with_a_sentinel_tokenizer_and_no_limits_raises_option_error() -> None:
    tok, _ = family("xlnet")
    assert tok.model_max_length > 10**20
    with pytest.raises(OptionError) as info:
        fit(["a"], tokenizer=tok)
    assert str(info.value) == (
        "no max_length: the tokenizer's model_max_length is unset (the 1e30 sentinel) and no "
        "model limits were given. Fix: seqfit.fit(texts, model=name, tokenizer=tok), or "
        "max_length=512")


def test_no_max_length_with_limits_that_know_none_does_not_claim_limits_are_missing() -> None:
    tok, limits = family("xlnet")
    assert limits.effective_max_tokens is None
    with pytest.raises(OptionError) as info:
        fit(["a"], tokenizer=tok, model=limits)
    assert str(info.value) == (
        "no max_length: xlnet models have no hard length limit and neither the config nor the "
        "tokenizer says what length the model was trained on. Fix: max_length=512 (or the length "
        "the model card gives)")


# ---------------------------------------------------------------- 9. defaults


def long_text(n_sentences: int = 200) -> str:
    return " ".join(zoo.corpus()[:n_sentences])


def test_without_max_length_fit_uses_the_effective_limit_minilm_512() -> None:
    tok, limits = minilm()
    assert limits.effective_max_tokens == 512
    text = long_text()
    fitted = fit([text, "short"], tokenizer=tok, model=limits)
    assert fitted.max_length == 512
    assert fitted.overlap is None
    assert max(fitted.lengths) == 512
    assert all(len(w) <= 512 for w in fitted.windows)
    ids, offsets = plain(tok, text)
    doc = fitted.documents[0]
    assert doc.n_windows > 2
    # The default overlap: a quarter of the room, (512 - 2) // 4 = 127.
    check_slides(fitted.windows[:doc.n_windows], ids, offsets, 510, 127)
    # Without limits, the tokenizer's own model_max_length (512) is the default too.
    assert fit([text], tokenizer=tok).lengths == fitted.lengths[:doc.n_windows]


def test_default_pair_overlap_is_a_quarter_of_what_the_first_text_leaves() -> None:
    tok, limits = minilm()
    question = "what does the model read first?"
    text = long_text()
    fitted = fit([question], text_pairs=[text], tokenizer=tok, model=limits)
    assert max(fitted.lengths) == 512
    ids_q, _ = plain(tok, question)
    ids, offsets = plain(tok, text)
    room = 512 - 3 - len(ids_q)
    check_slides(fitted.windows, ids, offsets, room, room // 4, sequence=1)


def test_default_head_plus_tail_keeps_a_quarter_from_the_start() -> None:
    tok, limits = minilm()
    ids, _ = plain(tok, long_text())
    window = fit([long_text()], tokenizer=tok, model=limits, strategy="head+tail").windows[0]
    assert len(window) == 512
    assert content(window) == ids[:128] + ids[len(ids) - 382:]  # Sun et al.: 128 + 382
