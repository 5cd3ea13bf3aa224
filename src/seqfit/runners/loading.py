"""A model loaded for a task: ``embed`` takes any transformers model, ``classify`` and ``tag``
need the head they read, checked from the config before the weights load (loading a model
without it would put a randomly initialised head on top, silently)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Literal

from ..errors import ModelLoadError, OptionError
from ..model.limits import ModelLimits, limits_of

TaskName = Literal["embed", "classify", "tag"]
HEADS = {"classify": "ForSequenceClassification", "tag": "ForTokenClassification"}


def load_for(task: TaskName, model: Any, tokenizer: Any, device: Any, dtype: Any
             ) -> tuple[str, ModelLimits, Any, Callable[[], Any]]:
    """``(name, limits, tokenizer, weights)`` for ``task``: the config, the tokenizer (a
    transformers one) and the head are read and checked now; calling ``weights()`` loads the
    model (or moves the one given) onto ``device``, once the caller's own checks pass."""
    from ..model.loading import load

    if model is None:
        raise OptionError(f"seqfit {task} needs a model, and none was given.", option="model",
                          value=None, fix=_model_fix(task))
    if isinstance(model, ModelLimits) or (hasattr(model, "model_type") and
                                          hasattr(model, "to_dict")):
        raise OptionError(
            f"seqfit {task} runs the model, so it needs its weights, not a "
            f"{type(model).__name__}.", option="model", value=type(model).__name__,
            fix=_model_fix(task))
    if isinstance(model, (str, os.PathLike)):
        name = os.fspath(model)
        loaded = load(name, tokenizer=tokenizer, fast=False)
        limits = limits_of(loaded)
        check_head(task, name, getattr(loaded.config, "architectures", None) or [], limits)
        return name, limits, _tokenizer(task, loaded.tokenizer, name), lambda: _weights(
            task, name, loaded.config, device, dtype)
    if not hasattr(model, "config") or not callable(model):
        raise ModelLoadError(
            f"seqfit {task} cannot run a {type(model).__name__}: expected a hub name, a folder "
            "or a loaded transformers model.", model=repr(model)[:80], reason="invalid",
            fix=_model_fix(task))
    name = str(getattr(model.config, "name_or_path", "") or type(model).__name__)
    loaded = load(model, tokenizer=tokenizer, fast=False)
    limits = limits_of(loaded)
    check_head(task, name, [type(model).__name__], limits)

    def given() -> Any:
        model.eval()
        if dtype is not None:
            model.to(dtype=dtype)
        return model.to(device)

    return name, limits, _tokenizer(task, loaded.tokenizer, name), given


def _model_fix(task: str) -> str:
    if task == "embed":
        return "seqfit.embed(texts, model='sentence-transformers/all-MiniLM-L6-v2') (a hub name, " \
               "a folder, or a loaded model)"
    head = HEADS[task]
    return (f"seqfit.{task}(texts, model=<a folder or hub name of a model fine-tuned with a "
            f"{head.removeprefix('For')} head (…{head})>)")


def check_head(task: TaskName, name: str, architectures: list[str], limits: ModelLimits
               ) -> None:
    """classify and tag need the head they read; say so before loading weights."""
    if task == "embed":
        sentence = limits.sentence
        if sentence is not None and sentence.unsupported:
            raise ModelLoadError(
                f"{name}'s sentence-transformers stack has {', '.join(sentence.unsupported)} "
                "after pooling, which seqfit embed does not apply: its vectors would differ "
                "from encode()'s.", model=name, reason="invalid",
                fix="SentenceTransformer(folder).encode(texts), which truncates at "
                    f"{sentence.max_seq_length or 'its limit'} tokens")
        if sentence is not None and sentence.default_prompt_name:
            raise ModelLoadError(
                f"{name} prepends the prompt {sentence.default_prompt_name!r} to every text by "
                "default, which seqfit embed does not do.", model=name, reason="invalid",
                fix="SentenceTransformer(folder).encode(texts)")
        return
    head = HEADS[task]
    if any(str(a).endswith(head) for a in architectures):
        return
    shown = ", ".join(architectures) or "none recorded"
    other = "seqfit embed" if task == "classify" else "seqfit classify or seqfit embed"
    raise ModelLoadError(
        f"{name} has no {head.removeprefix('For')} head (architectures: {shown}), so "
        f"seqfit {task} cannot read {'a label' if task == 'classify' else 'token labels'} from "
        "it; loading it anyway would put a randomly initialised head on top.", model=name,
        reason="invalid",
        fix=f"a model fine-tuned for this task (its config.json lists …{head}), or {other}")


def _tokenizer(task: str, tokenizer: Any, name: str) -> Any:
    if tokenizer is None:
        raise ModelLoadError(f"{name} has no tokenizer seqfit could load.", model=name,
                             reason="not_found",
                             fix=f"seqfit.{task}(texts, model=..., "
                                 "tokenizer=AutoTokenizer.from_pretrained(...))")
    if task == "tag" and not getattr(tokenizer, "is_fast", False):
        raise ModelLoadError(
            f"seqfit tag needs character offsets, which only a fast tokenizer gives, but {name}'s "
            f"is a {type(tokenizer).__name__}.", model=name, reason="invalid",
            fix="AutoTokenizer.from_pretrained(name, use_fast=True), or convert the tokenizer "
                "to tokenizer.json")
    return tokenizer


def _weights(task: TaskName, name: str, config: Any, device: Any, dtype: Any) -> Any:
    import transformers

    from ..model.loading import load_error

    auto = {"embed": transformers.AutoModel,
            "classify": transformers.AutoModelForSequenceClassification,
            "tag": transformers.AutoModelForTokenClassification}[task]
    from transformers.utils import logging

    shown = logging.is_progress_bar_enabled()
    logging.disable_progress_bar()  # seqfit's own progress is about documents
    try:
        model = auto.from_pretrained(name, config=config, dtype=dtype or "float32")
    except (OSError, ValueError, KeyError, ImportError) as exc:
        raise load_error(name, exc) from None
    finally:
        if shown:
            logging.enable_progress_bar()
    return model.to(device).eval()
