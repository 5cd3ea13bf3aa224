"""Every error seqfit raises.

Each error says what happened (with the offending values), what was expected, and the exact fix
to type. The values also live in structured fields, so the CLI and ``--format json`` can render
them without parsing the message.

>>> err = TooLongError(length=802, limit=512, row=3, fix="seqfit.fit(texts, strategy='window')")
>>> print(err)
row 3 has 802 tokens but the limit is 512. Fix: seqfit.fit(texts, strategy='window')
>>> err.to_dict()["length"]
802
"""

from __future__ import annotations

from typing import Any, Literal, get_args

#: Every stable code seqfit uses, for its own errors and for the diagnoses of ``seqfit.explain``.
#: ``seqfit.diagnose.codes.CODES`` documents each one (a test keeps the two in step).
Code = Literal[
    # what goes wrong in a forward pass, a tokenizer call or generate()
    "over_max_positions", "under_min_length", "token_id_out_of_vocab", "token_type_out_of_range",
    "unexpected_token_type_ids", "ragged_batch_no_padding", "missing_pad_token",
    "shape_mismatch", "bad_attention_mask", "label_alignment", "generation_length",
    "padding_side", "pair_truncation", "stride_overflow", "model_max_length_sentinel",
    "export_fixed_length", "length_multiple_constraint", "map_column_length_mismatch",
    "cuda_device_side_assert", "label_out_of_range", "truncation_padding_options",
    # what seqfit itself refuses before any work
    "model_load", "missing_dependency", "bad_input", "bad_data", "bad_option", "bad_batch",
    "seqfit_error",
    # nothing recognised
    "unknown",
]
CODE_NAMES: tuple[Code, ...] = get_args(Code)
_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class defined in Python, not a built-in


class SeqfitError(ValueError):
    """Base class of every error seqfit raises on purpose.

    Subclasses set ``code`` (a stable identifier) and keep the numbers that explain the error as
    attributes; ``fix`` is the exact change to make.
    """

    code: Code = "seqfit_error"

    def __init__(self, message: str, *, fix: str | None = None, **fields: Any) -> None:
        self.message = message
        self.fix = fix
        self.fields = fields
        for name, value in fields.items():
            setattr(self, name, value)
        super().__init__(self._render())

    def _render(self) -> str:
        return f"{self.message} Fix: {self.fix}" if self.fix else self.message

    def with_context(self, where: str, **fields: Any) -> SeqfitError:
        """A copy of this error whose message starts with ``where`` (e.g. ``"row 3"``), for a
        public entry point to add what the inner check did not know; raise it ``from None``."""
        new = _rebuild(type(self), dict(self.__dict__))
        new.message = f"{where}: {self.message}"
        new.fields = {**self.fields, **fields}
        for name, value in fields.items():
            setattr(new, name, value)
        new.args = (new._render(),)
        return new

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take keyword-only fields, so the default (cls(*args)) cannot rebuild them:
        # restore the state directly, which keeps errors picklable across processes.
        return _rebuild, (type(self), dict(self.__dict__))

    def to_dict(self) -> dict[str, Any]:
        """The error as plain data: its code, message, fix and fields."""
        return {
            "error": type(self).__name__,
            "code": self.code,
            "message": self.message,
            "fix": self.fix,
            **{k: _plain(v) for k, v in self.fields.items()},
        }


def _rebuild(cls: type[SeqfitError], state: dict[str, Any]) -> SeqfitError:
    # Errors that also subclass OSError or ImportError must be made by that built-in's __new__
    # (the solid base Python picked): walk up the classes defined in Python to reach it.
    base: Any = cls
    while base.__flags__ & _HEAP_TYPE:
        base = base.__base__
    error: SeqfitError = base.__new__(cls)
    error.__dict__.update(state)
    error.args = (error._render(),)
    return error


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


class ModelLoadError(SeqfitError, OSError):
    """A model or tokenizer could not be found or loaded (path, network, gated, remote code).

    ``reason`` is one of ``not_found``, ``offline``, ``gated``, ``remote_code``,
    ``unknown_architecture``, ``invalid``.
    """

    code: Code = "model_load"
    model: str
    reason: str

    def __init__(self, message: str, *, model: str, reason: str, fix: str | None = None) -> None:
        super().__init__(message, fix=fix, model=model, reason=reason)


class MissingDependencyError(SeqfitError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

    code: Code = "missing_dependency"
    feature: str
    package: str
    extra: str

    def __init__(self, feature: str, package: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs {package}, which is not installed.",
            fix=f"pip install 'seqfit[{extra}]'",
            feature=feature,
            package=package,
            extra=extra,
        )


class InputError(SeqfitError):
    """An input row is not what seqfit can work on (None, not a string, ...)."""

    code: Code = "bad_input"
    row: int | None

    def __init__(self, message: str, *, row: int | None = None, fix: str | None = None,
                 **fields: Any) -> None:
        super().__init__(message, fix=fix, row=row, **fields)


class DataError(InputError):
    """A data source cannot be read: missing, empty, corrupt, or without the column asked for."""

    code: Code = "bad_data"


class OptionError(SeqfitError):
    """An option has a value seqfit cannot use; the message lists the valid values."""

    code: Code = "bad_option"
    option: str
    value: Any

    def __init__(self, message: str, *, option: str, value: Any, fix: str | None = None,
                 **fields: Any) -> None:
        super().__init__(message, fix=fix, option=option, value=value, **fields)


class TooLongError(SeqfitError):
    """An input is longer than the model or the chosen max_length accepts."""

    code: Code = "over_max_positions"
    length: int
    limit: int
    row: int | None

    def __init__(self, *, length: int, limit: int, row: int | None = None,
                 message: str | None = None, fix: str | None = None, **fields: Any) -> None:
        where = f"row {row} has" if row is not None else "the input has"
        super().__init__(
            message or f"{where} {length} tokens but the limit is {limit}.",
            fix=fix,
            length=length,
            limit=limit,
            row=row,
            **fields,
        )


class TooShortError(SeqfitError):
    """An input is shorter than the architecture needs (CANINE, Funnel)."""

    code: Code = "under_min_length"
    length: int
    minimum: int
    row: int | None

    def __init__(self, *, length: int, minimum: int, row: int | None = None,
                 message: str | None = None, fix: str | None = None) -> None:
        where = f"row {row} has" if row is not None else "the input has"
        super().__init__(
            message or f"{where} {length} tokens but the model needs at least {minimum}.",
            fix=fix,
            length=length,
            minimum=minimum,
            row=row,
        )


class NoRoomError(SeqfitError):
    """The special tokens, or the first text of a pair, leave no room for content."""

    code: Code = "pair_truncation"
    needed: int
    limit: int
    row: int | None

    def __init__(self, message: str, *, needed: int, limit: int, row: int | None = None,
                 fix: str | None = None) -> None:
        super().__init__(message, fix=fix, needed=needed, limit=limit, row=row)


class BatchError(SeqfitError):
    """A batch that would fail, or silently give wrong outputs, in the forward pass.

    ``seqfit.check`` raises one subclass per cause; ``field`` names the offending key of the batch.
    """

    code: Code = "bad_batch"
    field: str | None

    def __init__(self, message: str, *, field: str | None = None, fix: str | None = None,
                 **fields: Any) -> None:
        super().__init__(message, fix=fix, field=field, **fields)


class TokenIdError(BatchError):
    """An id is negative or not below the embedding table's size."""

    code: Code = "token_id_out_of_vocab"


class TokenTypeError(BatchError):
    """token_type_ids outside ``type_vocab_size``, or given to a model that does not take them."""

    code: Code = "token_type_out_of_range"


class UnexpectedTokenTypesError(TokenTypeError):
    """token_type_ids given to a model whose forward has no such argument."""

    code: Code = "unexpected_token_type_ids"


class DtypeError(BatchError):
    """Ids, token types or positions of a type an embedding lookup cannot take (floats,
    booleans, small or unsigned integers)."""


class ShapeError(BatchError):
    """Shapes of ids, mask, token types, positions or labels disagree."""

    code: Code = "shape_mismatch"


class RaggedBatchError(BatchError):
    """Rows of different lengths that were never padded."""

    code: Code = "ragged_batch_no_padding"


class MissingPadTokenError(BatchError):
    """Rows must be padded but the tokenizer has no pad token."""

    code: Code = "missing_pad_token"


class MaskError(BatchError):
    """An attention mask that is not 0/1, is missing, or attends to padding."""

    code: Code = "bad_attention_mask"


class PaddingSideError(BatchError):
    """Padding on a side that changes this model's outputs."""

    code: Code = "padding_side"
