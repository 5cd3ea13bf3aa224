"""``seqfit.guard``: check every forward call's inputs, and explain any failure.

>>> import seqfit                                      # doctest: +SKIP
>>> with seqfit.guard(model):                          # doctest: +SKIP
...     model(**batch)          # a SeqfitError naming length and limit, not "index out of range"
"""

from __future__ import annotations

import functools
import inspect as _pyinspect
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from .check import check, limits_for
from .errors import SeqfitError
from .explain import explain

F = TypeVar("F", bound=Callable[..., Any])
INPUT_KEYS = ("input_ids", "attention_mask", "token_type_ids", "position_ids", "labels",
              "decoder_input_ids", "inputs_embeds")


class GuardedError(SeqfitError):
    """A forward pass failed; the message is seqfit's explanation, chained to the original."""

    code = "guarded"


class guard:
    """Context manager and decorator: while active, ``model``'s forward checks its inputs with
    :func:`seqfit.check` first (so an over-long batch never reaches the model), and any exception
    from the forward pass is re-raised as a :class:`GuardedError` carrying the explanation.

    Guards nest and restore the model's own ``forward`` on exit.
    """

    def __init__(self, model: Any, *, limits: Any = None, check_inputs: bool = True) -> None:
        self.model = model
        self.limits = limits_for(limits if limits is not None else model)
        self.check_inputs = check_inputs
        self._saved: list[Any] = []

    def __enter__(self) -> Any:
        original = self.model.forward
        had_own = "forward" in vars(self.model)
        self._saved.append((original, had_own))
        signature = _pyinspect.signature(original)

        @functools.wraps(original)
        def forward(*args: Any, **kwargs: Any) -> Any:
            batch = _inputs(signature, args, kwargs)
            if self.check_inputs:
                try:
                    check(batch, self.limits)
                except SeqfitError as exc:
                    raise exc.with_context(f"seqfit.guard({type(self.model).__name__})") \
                        from None
            try:
                return original(*args, **kwargs)
            except SeqfitError:
                raise
            except Exception as exc:
                explanation = explain(exc, model=self.limits, batch=batch)
                if explanation.best.code == "unknown":
                    raise
                raise GuardedError(explanation.render(), code_found=explanation.best.code,
                                   evidence=explanation.best.evidence) from exc

        self.model.forward = forward
        return self.model

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        original, had_own = self._saved.pop()
        if had_own:
            self.model.forward = original
        else:
            del self.model.forward

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return wrapped  # type: ignore[return-value]


def _inputs(signature: _pyinspect.Signature, args: tuple[Any, ...],
            kwargs: dict[str, Any]) -> dict[str, Any]:
    try:
        bound = signature.bind_partial(*args, **kwargs).arguments
    except TypeError:
        bound = dict(kwargs)
    extra = bound.pop("kwargs", None)
    if isinstance(extra, dict):
        bound.update(extra)
    return {k: v for k, v in bound.items() if k in INPUT_KEYS and v is not None}


def run_script(path: str, argv: list[str], *, write: Callable[[str], Any]) -> int:
    """Run a Python script as ``__main__``; on a length, padding or vocabulary error, write the
    explanation above the traceback. Returns the exit status."""
    import runpy
    import sys
    import traceback

    saved = sys.argv
    sys.argv = [path, *argv]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except BaseException as exc:  # the script's own failure, whatever it is, is reported
        explanation = explain(exc)
        if explanation.best.code != "unknown":
            write("seqfit: " + explanation.render().replace("\n", "\nseqfit: ") + "\n\n")
        write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        return 1
    finally:
        sys.argv = saved
    return 0
