"""Whatever the mix of good and bad lines, every line is either counted or reported bad."""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqfit.data.readers import read_batches

GOOD = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
               max_size=40).filter(str.strip)
BAD_JSONL = st.sampled_from([b"", b"   ", b"{not json", b"[1, 2]", b'"string"', b"42",
                             b'{"text": null}', b'{"text": 3}', b'{"other": "x"}',
                             b'{"text": "caf\xe9"}', b'{"text": ""}', b'{"text": "\\ud83d"}'])
ENDS = st.sampled_from([b"\n", b"\r\n", b"\r"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(GOOD.map(lambda t: ("good", t)), BAD_JSONL.map(lambda b: ("bad", b))),
                min_size=1, max_size=60), ENDS, st.booleans(), st.integers(1, 7))
def test_jsonl_rows_in_equal_rows_counted_plus_rows_reported(lines, end, bom, batch_size):
    body = [json.dumps({"text": value}).encode() if kind == "good" else value
            for kind, value in lines]
    if lines[0][0] == "bad":  # the first good row names the column; keep one first
        body.insert(0, b'{"text": "first"}')
    data = (b"\xef\xbb\xbf" if bom else b"") + end.join(body) + end
    import io

    counted = reported = 0
    for batch in read_batches(io.BytesIO(data), input_format="jsonl", batch_size=batch_size):
        counted += len(batch.texts)
        reported += len(batch.invalid)
        assert all(line >= 1 and reason for line, reason in batch.invalid)
    assert counted + reported == len(body)
    assert counted == sum(kind == "good" for kind, _ in lines) + (lines[0][0] == "bad")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(GOOD, st.sampled_from(["", "  ", "\t"])), min_size=1, max_size=60),
       ENDS, st.integers(0, 2 ** 16))
def test_text_lines_in_equal_lines_counted_plus_lines_reported(rows, end, seed):
    rows = [r.replace("\r", " ").replace("\n", " ") for r in rows]
    rng = random.Random(seed)
    bad_bytes = {i for i in range(len(rows)) if rng.random() < 0.2}
    encoded = [r.encode() + (b"\xff" if i in bad_bytes else b"") for i, r in enumerate(rows)]
    data = end.join(encoded) + end
    import io

    counted = reported = 0
    for batch in read_batches(io.BytesIO(data), input_format="text", batch_size=5):
        counted += len(batch.texts)
        reported += len(batch.invalid)
    assert counted + reported == len(rows)


def test_a_csv_with_a_malformed_row_reports_it_and_reads_on(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(b'id,text\n1,"ab"c\n2,fine\n3,also fine\n')
    batches = list(read_batches(path))
    assert sum(len(b.texts) for b in batches) == 2
    assert [line for b in batches for line, _ in b.invalid] == [2]
