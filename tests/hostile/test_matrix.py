"""Every bad input gets a correct result, a one-line error with a fix, or rows reported with
their line and reason: never a traceback, a refusal of valid input, or a silently wrong answer
(the matrix and its rules: tests/hostile/matrix.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostile.matrix import CASES, outcome

pytestmark = pytest.mark.slow  # 369 cases: the whole suite runs them, make test-fast does not


def test_the_matrix_is_large_and_covers_every_area() -> None:
    assert len(CASES) >= 300
    assert {c.area for c in CASES} >= {"profile", "cli", "model", "fit", "batches", "check",
                                       "plan", "training", "explain", "run"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_input_ends_cleanly(case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    status, detail = outcome(case, tmp_path)
    assert status == "clean", f"{case.id}: {status}: {detail}"
