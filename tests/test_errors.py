"""One registry of codes: every error seqfit raises has a documented code, every code an entry."""

from __future__ import annotations

import pickle
from typing import get_args

import pytest

import seqfit
from seqfit import errors
from seqfit.diagnose.codes import CODES
from seqfit.errors import Code

ERROR_CLASSES = [cls for cls in vars(errors).values()
                 if isinstance(cls, type) and issubclass(cls, errors.SeqfitError)]


def test_the_code_literal_and_the_diagnosis_table_list_the_same_codes():
    assert sorted(CODES) == sorted(get_args(Code))


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_seqfit_error_code_is_documented(cls: type[errors.SeqfitError]):
    assert cls.code in CODES


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_error_is_exported_from_the_package(cls: type[errors.SeqfitError]):
    assert getattr(seqfit, cls.__name__) is cls
    assert cls.__name__ in seqfit.__all__


def test_shape_and_mask_errors_have_distinct_codes():
    assert errors.ShapeError.code == "shape_mismatch"
    assert errors.MaskError.code == "bad_attention_mask"


def test_a_model_that_cannot_load_is_an_os_error_as_from_pretrained_users_expect():
    error = errors.ModelLoadError("gone", model="x", reason="not_found", fix="check the path")
    assert isinstance(error, OSError) and isinstance(error, ValueError)
    assert str(error) == "gone Fix: check the path"
    again = pickle.loads(pickle.dumps(error))
    assert (again.model, again.reason, str(again)) == ("x", "not_found", str(error))


def test_the_version_lives_in_one_place():
    from importlib.metadata import version

    assert version("seqfit") == seqfit.__version__
