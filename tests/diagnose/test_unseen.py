"""The unseen set (``errors/unseen.jsonl``): messages as users paste them that neither the
catalogue nor the corpus holds. It measures how the engine's general mechanisms carry over; the
figure is printed, and the floor is one the engine reaches, not a target."""

from __future__ import annotations

import json
from pathlib import Path

import seqfit

UNSEEN = Path(__file__).parent / "errors" / "unseen.jsonl"
FLOOR_ON_TOPIC = 0.95  # top-1 on texts about input shape
FLOOR_OFF_TOPIC = 0.97  # unknown on texts that are not


def load_unseen() -> list[dict]:
    return [json.loads(line) for line in UNSEEN.read_text().splitlines() if line.strip()]


def test_the_unseen_set_is_labelled_and_a_quarter_of_it_is_off_topic() -> None:
    records = load_unseen()
    assert len(records) >= 120
    assert all(r["source"] == "reconstructed-unseen" and r["note"] for r in records)
    assert len({r["id"] for r in records}) == len(records)
    assert sum(r["code"] == "unknown" for r in records) >= 25


def test_top_1_on_the_unseen_set() -> None:
    records = load_unseen()
    on = [r for r in records if r["code"] != "unknown"]
    off = [r for r in records if r["code"] == "unknown"]
    misses = []
    right_on = right_off = 0
    for record in records:
        got = seqfit.explain(record["text"]).best.code
        if got == record["code"]:
            right_on += record["code"] != "unknown"
            right_off += record["code"] == "unknown"
        else:
            misses.append(f"{record['id']}: expected {record['code']}, got {got}")
    print(f"\nunseen: top-1 {right_on + right_off}/{len(records)}; on-topic {right_on}/{len(on)} "
          f"= {right_on / len(on):.1%}; off-topic unknown {right_off}/{len(off)} = "
          f"{right_off / len(off):.1%}")
    for miss in misses:
        print("  miss:", miss)
    assert right_on / len(on) >= FLOOR_ON_TOPIC
    assert right_off / len(off) >= FLOOR_OFF_TOPIC
