"""seqfit profile end to end: a file in, every figure out, as JSON and as an HTML report."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from transformers import AutoTokenizer
from typer.testing import CliRunner

import seqfit
from seqfit.cli import app
from seqfit.model.loading import default_model_path
from seqfit.profiling.runner import profile

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda".split()


@pytest.fixture(scope="module")
def tok():
    return AutoTokenizer.from_pretrained(default_model_path())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[str]]:
    rng = random.Random(0)
    texts = [" ".join(rng.choice(WORDS) for _ in range(min(900, int(rng.paretovariate(1.3) * 20))))
             for _ in range(3000)]
    path = tmp_path_factory.mktemp("data") / "corpus.jsonl"
    with path.open("w") as out:
        for i, text in enumerate(texts):
            out.write(json.dumps({"id": i, "text": text}) + "\n")
    return path, texts


def test_a_jsonl_profile_counts_tokens_like_the_tokenizer(tok, corpus) -> None:
    path, texts = corpus
    result = profile(str(path), tokenizer=tok, model=seqfit.inspect(default_model_path()))
    truth = np.array([len(tok(t)["input_ids"]) for t in texts])
    assert result.rows == len(texts) and result.invalid_count == 0
    assert result.tokens == truth.sum()
    assert result.percentiles["p95"].value == np.percentile(truth, 95, method="inverted_cdf")
    assert result.over_limit.value == pytest.approx((truth > 512).mean())
    assert result.max_length == 512 and result.special_tokens == 2


def test_a_sample_estimates_the_whole_file_with_intervals(tok, corpus) -> None:
    path, texts = corpus
    limits = seqfit.inspect(default_model_path())
    whole = profile(str(path), model=limits, tokenizer=tok)
    sampled = profile(str(path), model=limits, tokenizer=tok, sample=500, seed=1)
    assert sampled.rows == len(texts) and sampled.sample_size == 500
    p95 = sampled.percentiles["p95"]
    assert p95.low is not None and p95.high is not None
    assert p95.low <= whole.percentiles["p95"].value <= p95.high


@pytest.mark.slow
def test_the_cli_writes_json_and_a_report_with_three_plots(corpus, tmp_path) -> None:
    path, texts = corpus
    report = tmp_path / "profile.html"
    result = CliRunner().invoke(app, ["profile", str(path), "--format", "json", "--report",
                                      str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rows"] == len(texts)
    assert {c["strategy"].split(":")[0] for c in data["costs"]} >= {"pad to max_length",
                                                                     "seqfit"}
    page = report.read_text()
    assert page.count("data:image/png;base64,") == 3


def test_the_human_summary_names_the_figures(corpus) -> None:
    path, _ = corpus
    result = CliRunner().invoke(app, ["profile", str(path), "--max-length", "128"],
                                env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    for words in ("p95", "over 128", "tokens lost", "max_length for 95%", "Batching cost",
                  "no padding (the limit)"):
        assert words in result.output


def test_a_missing_file_is_one_clear_line(tmp_path) -> None:
    result = CliRunner().invoke(app, ["profile", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 1
    assert "nope.jsonl" in result.output and "Traceback" not in result.output


def test_a_model_without_any_length_limit_asks_for_max_length(tmp_path, zoo_build) -> None:
    config, tokenizer = zoo_build("xlnet")  # relative positions, a 1e30-sentinel tokenizer
    limits = seqfit.inspect(config, tokenizer=tokenizer)
    assert limits.effective_max_tokens is None
    data = tmp_path / "d.txt"
    data.write_text("one two\nthree\n")
    with pytest.raises(seqfit.OptionError) as info:
        profile(str(data), model=limits, tokenizer=tokenizer)
    assert info.value.option == "max_length"
    assert "--max-length 4096" in str(info.value)
    assert profile(str(data), model=limits, tokenizer=tokenizer, max_length=64).rows == 2
