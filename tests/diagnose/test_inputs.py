"""What ``explain`` is given: a failing batch (every error ``seqfit.check`` raises explains to its
own code), logs of any size and shape, bad inputs, and ordinary errors that are not about input
shape at all."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
import traceback

import numpy as np
import pytest

import seqfit
from seqfit import errors
from seqfit.model.limits import Padding


@pytest.fixture(scope="module")
def limits() -> seqfit.ModelLimits:
    return seqfit.inspect()  # the embedded all-MiniLM-L6-v2: 512 positions, 30522 ids, pad 0


def ids(rows: int, length: int, value: int = 5) -> np.ndarray:
    return np.full((rows, length), value, dtype=np.int64)


def batches(limits: seqfit.ModelLimits) -> dict[type[errors.SeqfitError], tuple[dict, object]]:
    """One failing batch (and the model it fails on) per error class of seqfit.check."""
    vocab = ids(1, 8)
    vocab[0, 3] = 40000
    types = {"input_ids": ids(1, 8), "token_type_ids": ids(1, 8, 3)}
    mask = {"input_ids": ids(1, 8), "attention_mask": ids(1, 8, 2)}
    left = {"input_ids": ids(2, 6), "attention_mask": np.array([[0, 0, 1, 1, 1, 1]] * 2)}
    left["input_ids"][:, :2] = 0
    return {
        errors.TooLongError: ({"input_ids": ids(1, 600)}, limits),
        errors.TooShortError: ({"input_ids": ids(1, 3)},
                               dataclasses.replace(limits, min_tokens=5)),
        errors.TokenIdError: ({"input_ids": vocab}, limits),
        errors.TokenTypeError: (types, limits),
        errors.UnexpectedTokenTypesError: (types, dataclasses.replace(
            limits, accepts_token_type_ids=False, ignores_unknown_inputs=False)),
        errors.ShapeError: ({"input_ids": ids(2, 8), "attention_mask": ids(2, 7, 1)}, limits),
        errors.RaggedBatchError: ({"input_ids": [[1, 2, 3], [1, 2]]}, limits),
        errors.MissingPadTokenError: ({"input_ids": [[1, 2, 3], [1, 2]]},
                                      dataclasses.replace(limits, pad_token_id=None)),
        errors.MaskError: (mask, limits),
        errors.PaddingSideError: (left, dataclasses.replace(limits, padding=Padding(
            "right", "unsafe", "any", "this model's outputs change with left padding."))),
    }


CHECK_ERRORS = [errors.TooLongError, errors.TooShortError, errors.TokenIdError,
                errors.TokenTypeError, errors.UnexpectedTokenTypesError, errors.ShapeError,
                errors.RaggedBatchError, errors.MissingPadTokenError, errors.MaskError,
                errors.PaddingSideError]


@pytest.mark.parametrize("cls", CHECK_ERRORS, ids=lambda c: c.__name__)
def test_every_error_check_raises_explains_to_its_own_code(cls, limits) -> None:
    batch, model = batches(limits)[cls]
    with pytest.raises(cls) as raised:
        seqfit.check(batch, model=model)
    assert type(raised.value) is cls
    from_text = seqfit.explain("IndexError: index out of range in self", batch=batch,
                               model=model)
    from_error = seqfit.explain(raised.value, batch=batch, model=model)
    assert from_text.best.code == cls.code
    assert from_error.best.code == cls.code


def test_the_numbers_of_the_batch_become_evidence(limits) -> None:
    batch, model = batches(limits)[errors.TooLongError]
    best = seqfit.explain("IndexError: index out of range in self", batch=batch,
                          model=model).best
    assert (best.evidence["length"], best.evidence["limit"]) == (600, 512)


# --- ordinary errors are not length errors --------------------------------------------------------
ORDINARY = [
    "KeyError: 'max_new_tokens'",
    "ValueError: too many values to unpack (expected 2)",
    "ValueError: not enough values to unpack (expected 2, got 1)",
    "IndexError: index 10 is out of bounds for dimension 0 with size 5",
    "RuntimeError: CUDA error: out of memory\nCUDA kernel errors might be asynchronously "
    "reported at some other API call, so the stacktrace below might be incorrect.\nFor "
    "debugging consider passing CUDA_LAUNCH_BLOCKING=1",
    "OverflowError: Python int too large to convert to C long",
    "AttributeError: 'NoneType' object has no attribute 'max_length'",
    "TypeError: forward() got an unexpected keyword argument 'labels_mask'",
    "ModuleNotFoundError: No module named 'padding_utils'",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_an_error_that_is_not_about_input_shape_is_unknown(text: str) -> None:
    assert seqfit.explain(text).best.code == "unknown"


def test_an_ordinary_exception_raised_for_real_is_unknown() -> None:
    import torch

    try:
        torch.zeros(5)[10]
    except IndexError as exc:
        assert seqfit.explain(exc).best.code == "unknown"


# --- logs -------------------------------------------------------------------------------------
def test_the_first_cause_in_a_log_is_reported() -> None:
    log = "\n".join([
        "epoch 1: 10%|#         | 10/100 [00:01<00:09, 9.8it/s]",
        "../aten/src/ATen/native/cuda/Indexing.cu:1141: indexSelectLargeIndex: block: [0,0,0], "
        "thread: [0,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
        "Traceback (most recent call last):",
        '  File "train.py", line 9, in <module>',
        "    loss.backward()",
        "RuntimeError: CUDA error: device-side assert triggered",
        "Traceback (most recent call last):",
        '  File "torchrun", line 8, in <module>',
        "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: train.py FAILED",
    ])
    assert seqfit.explain(log).best.code == "cuda_device_side_assert"


def test_a_warning_before_an_unrelated_crash_does_not_make_it_a_length_error() -> None:
    log = ("[transformers] Token indices sequence length is longer than the specified maximum "
           "sequence length for this model (600 > 512). Running this sequence through the model "
           "will result in indexing errors\nTraceback (most recent call last):\n"
           '  File "train.py", line 3, in <module>\n    labels = mapping[name]\n'
           "KeyError: 'Neutral'\n")
    assert seqfit.explain(log).best.code == "unknown"


def test_a_big_log_is_read_as_a_stream_and_keeps_the_error(tmp_path) -> None:
    lines = [f"step {i}: loss 0.{i % 97} 12.3 it/s" for i in range(60_000)]
    lines[30_000:30_000] = [
        "Traceback (most recent call last):", '  File "train.py", line 3, in <module>',
        "    model(**batch)",
        "RuntimeError: The size of tensor a (802) must match the size of tensor b (512) at "
        "non-singleton dimension 1"]
    path = tmp_path / "train.log"
    path.write_text("\n".join(lines))
    with path.open("rb") as stream:
        best = seqfit.explain(stream).best
    assert best.code == "over_max_positions"
    assert best.evidence == {"length": 802, "limit": 512}


def test_a_utf16_log_is_decoded() -> None:
    text = "ValueError: Asking to pad but the tokenizer does not have a padding token."
    stream = io.BytesIO(text.encode("utf-16"))
    assert seqfit.explain(stream).best.code == "missing_pad_token"


def test_a_huge_single_line_is_cut_not_held() -> None:
    blob = "x" * 5_000_000 + "\nValueError: Asking to pad but the tokenizer does not have a " \
        "padding token.\n"
    assert seqfit.explain(io.BytesIO(blob.encode())).best.code == "missing_pad_token"


def test_captured_bytes_and_a_log_path_are_read_like_a_log_file(tmp_path) -> None:
    """subprocess.run(..., capture_output=True).stderr is bytes; a pathlib.Path names a log."""
    text = "ValueError: Asking to pad but the tokenizer does not have a padding token.\n"
    assert seqfit.explain(text.encode()).best.code == "missing_pad_token"
    assert seqfit.explain(bytearray(text.encode("utf-16"))).best.code == "missing_pad_token"
    log = tmp_path / "train.log"
    log.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert seqfit.explain(log).best.code == "missing_pad_token"
    with pytest.raises(errors.InputError, match="no log file at"):
        seqfit.explain(tmp_path / "missing.log")
    with pytest.raises(errors.InputError, match="binary file"):
        seqfit.explain(b"\x7fELF\x02\x01\x00\x00\x00binary")


def test_the_lines_of_a_formatted_exception_are_one_text() -> None:
    try:
        raise ValueError("Asking to pad but the tokenizer does not have a padding token.")
    except ValueError as error:
        lines = traceback.format_exception(error)
    assert len(lines) > 1 and seqfit.explain(lines).best.code == "missing_pad_token"
    assert seqfit.explain(["Epoch 1", lines[-1].strip()]).best.code == "missing_pad_token"


@pytest.mark.parametrize(("data", "message"), [
    (b"\x7fELF\x02\x01\x00\x00\x00binary", "binary file"),
    (b"", "nothing to explain"),
    (b"\n\n  \n", "nothing to explain"),
])
def test_bad_input_is_one_seqfit_error(data: bytes, message: str) -> None:
    with pytest.raises(errors.InputError, match=message):
        seqfit.explain(io.BytesIO(data))


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "seqfit", *args], input=stdin,
                          capture_output=True)


@pytest.mark.parametrize("setup", ["binary", "folder", "missing", "empty", "utf16"])
def test_the_command_line_never_shows_a_traceback_for_bad_input(tmp_path, setup: str) -> None:
    path = tmp_path / "x.log"
    if setup == "binary":
        path.write_bytes(b"\x00\x01\x02" * 100)
    elif setup == "folder":
        path.mkdir()
    elif setup == "empty":
        path.write_bytes(b"")
    elif setup == "utf16":
        path.write_bytes("IndexError: index out of range in self\n".encode("utf-16"))
    result = _cli("explain", str(path))
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    if setup == "utf16":
        assert result.returncode == 0 and b"over_max_positions" in result.stdout
    else:
        assert result.returncode == 1
        assert stderr.startswith("error: ") and len(stderr.strip().splitlines()) == 1


# --- seqfit run -------------------------------------------------------------------------------
def test_run_puts_the_scripts_folder_on_the_path(tmp_path) -> None:
    (tmp_path / "helper.py").write_text("VALUE = 42\n")
    script = tmp_path / "main.py"
    script.write_text("import helper\nprint(helper.VALUE)\n")
    result = _cli("run", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().strip() == "42"


def test_run_prints_sys_exit_messages_and_exits_1(tmp_path) -> None:
    script = tmp_path / "main.py"
    script.write_text("import sys\nsys.exit('no data found')\n")
    result = _cli("run", str(script))
    assert result.returncode == 1
    assert result.stderr.decode().strip() == "no data found"


def test_run_of_a_missing_script_is_one_line(tmp_path) -> None:
    result = _cli("run", str(tmp_path / "nope.py"))
    assert result.returncode == 1
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "does not exist" in lines[0]


def test_run_prints_nothing_above_an_unknown_error(tmp_path) -> None:
    script = tmp_path / "main.py"
    script.write_text("settings = {}\nsettings['max_new_tokens']\n")
    result = _cli("run", str(script))
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert stderr.startswith("Traceback (most recent call last):")
    assert "seqfit:" not in stderr


def test_run_explains_a_length_error_above_the_traceback(tmp_path) -> None:
    script = tmp_path / "main.py"
    script.write_text("raise ValueError('Asking to pad but the tokenizer does not have a padding "
                      "token.')\n")
    result = _cli("run", str(script))
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert stderr.startswith("seqfit: The tokenizer has no pad token [missing_pad_token")
    assert "Traceback (most recent call last):" in stderr
