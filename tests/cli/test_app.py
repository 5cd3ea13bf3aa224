"""The seqfit command line: results on stdout, one clear error line on stderr, exit 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from seqfit.cli import app

runner = CliRunner()


def test_inspect_without_a_model_shows_the_embedded_default() -> None:
    result = runner.invoke(app, ["inspect"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "all-MiniLM-L6-v2" in result.output
    assert "510 single, 509 pair" in result.output
    assert "[CLS] $A [SEP] $B [SEP]" in result.output


def test_inspect_json_has_the_same_facts_as_the_library() -> None:
    import seqfit

    result = runner.invoke(app, ["inspect", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(json.dumps(seqfit.inspect().to_dict()))
    assert data["max_tokens"] == 512 and data["max_content_tokens"] == 510


def test_a_bad_model_prints_one_line_and_exits_1() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "seqfit", "inspect", "./no/such/model"],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "300"},
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "error: './no/such/model' looks like a local path, but nothing is there. "
        "Fix: check the path, or give a hub name such as bert-base-uncased")


def test_seqfit_debug_shows_the_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "seqfit", "inspect", "./no/such/model"],
        capture_output=True, text=True, env={**os.environ, "SEQFIT_DEBUG": "1"},
    )
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ModelLoadError" in result.stderr


def test_explain_reads_a_file_stdin_or_the_option(tmp_path) -> None:
    log = tmp_path / "train.log"
    log.write_text("epoch 1\nTraceback (most recent call last):\n  File \"x.py\", line 1, in f\n"
                   "    model(**batch)\nIndexError: index 512 out of table with 511 rows\n")
    from_file = runner.invoke(app, ["explain", str(log), "--format", "json"])
    assert from_file.exit_code == 0, from_file.output
    data = json.loads(from_file.stdout)
    assert data["best"] == "over_max_positions"
    assert data["diagnoses"][0]["evidence"] == {"index": 512, "limit": 512}
    from_stdin = runner.invoke(app, ["explain", "-"], input=log.read_text())
    assert "Input longer than the model's position table" in from_stdin.output
    option = runner.invoke(app, ["explain", "--error", "CUDA error: device-side assert "
                                 "triggered"])
    assert "cuda_device_side_assert" in option.output


def test_explain_of_a_missing_file_is_one_line() -> None:
    result = subprocess.run([sys.executable, "-m", "seqfit", "explain", "nope.log"],
                            capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 1
    assert result.stderr.strip() == ("error: 'nope.log' is not a file. Fix: seqfit explain "
                                     "path/to/error.log")


def test_errors_print_paths_as_they_are_not_as_markup(tmp_path) -> None:
    folder = tmp_path / "data" / "[train]"
    folder.mkdir(parents=True)
    missing = folder / "x.jsonl"
    result = runner.invoke(app, ["profile", str(missing)], env={"COLUMNS": "400"})
    assert result.exit_code == 1
    assert f"{str(missing)!r} does not exist" in result.stderr


def test_errors_are_json_on_stdout_under_format_json() -> None:
    result = runner.invoke(app, ["inspect", "./no/such/model", "--format", "json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert (error["error"], error["code"], error["reason"]) == ("ModelLoadError", "model_load",
                                                               "not_found")
    assert error["fix"].startswith("check the path")


def test_choices_are_checked_by_the_command_line(tmp_path) -> None:
    data = tmp_path / "d.txt"
    data.write_text("one\n")
    for option, value in (("--by", "page"), ("--input-format", "xml")):
        result = runner.invoke(app, ["profile", str(data), option, value])
        assert result.exit_code == 2
        assert "Invalid value" in result.output


def test_every_option_a_fix_names_exists() -> None:
    """Fix hints of the readers and the profiler name options the commands reading data have."""
    import re
    from pathlib import Path

    import typer.main

    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    options = {opt for name in ("profile", "embed", "classify", "tag")
               for param in commands[name].params for opt in getattr(param, "opts", [])}
    src = Path(__file__).resolve().parents[2] / "src" / "seqfit"
    named = set()
    for module in ("data/readers.py", "profiling/runner.py"):
        for fix in re.findall(r"fix=([^)]*)", (src / module).read_text()):
            named |= set(re.findall(r"(--[a-z][a-z-]+)", fix))
    assert named, "the fixes name no options at all"
    assert named <= options, named - options
