"""Facts about transformers model types, without importing transformers where possible.

``transformers_table.json`` is generated from the installed transformers by
``scripts/make_model_table.py``: config defaults and attribute aliases per model type, which
types are causal or masked language models, the arguments of each base model's ``forward``,
each type's tokenizer class and each tokenizer class's defaults. It is used while the installed
transformers has the table's major version; otherwise, and for model types it does not list,
the answers come from transformers itself (the import path), as before.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("transformers_table.json")


@functools.cache
def table() -> dict[str, Any] | None:
    """The shipped table, or None where the installed transformers is another major release."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("transformers")
    except PackageNotFoundError:
        return None
    data: dict[str, Any] = json.loads(TABLE.read_text(encoding="utf-8"))
    if installed.split(".")[0] != str(data["transformers"]).split(".")[0]:
        return None
    return data


def model_entry(model_type: str) -> dict[str, Any] | None:
    """The table's entry for ``model_type`` (config defaults, aliases, forward arguments)."""
    data = table()
    return data["models"].get(model_type) if data is not None else None


def config_defaults(model_type: str) -> dict[str, Any] | None:
    """Every default of ``model_type``'s config class the table keeps, base defaults included."""
    data, entry = table(), model_entry(model_type)
    if data is None or entry is None:
        return None
    return {**data["base_config"], **entry["config"]}


@functools.cache
def _mapping(name: str) -> frozenset[str]:
    data = table()
    if data is not None:
        return frozenset(data[name])
    from transformers.models.auto import modeling_auto

    attribute = {"causal_lm": "MODEL_FOR_CAUSAL_LM_MAPPING_NAMES",
                 "masked_lm": "MODEL_FOR_MASKED_LM_MAPPING_NAMES"}[name]
    return frozenset(getattr(modeling_auto, attribute))


def is_causal_lm(model_type: str) -> bool:
    return model_type in _mapping("causal_lm")


def is_masked_lm(model_type: str) -> bool:
    return model_type in _mapping("masked_lm")


def forward_params(model_type: str) -> set[str] | None:
    """Names the base model's ``forward`` accepts (None if the class cannot be found); "kwargs"
    stands for a ``**kwargs`` catch-all, which in transformers 5 silently swallows unknown inputs
    such as token_type_ids."""
    entry = model_entry(model_type)
    if entry is not None:
        forward = entry.get("forward")
        return set(forward) if forward is not None else None
    return _imported_forward_params(model_type)


def _imported_forward_params(model_type: str) -> set[str] | None:
    import inspect

    try:
        import transformers
        from transformers.models.auto.modeling_auto import MODEL_MAPPING_NAMES
    except ImportError:  # pragma: no cover - transformers is a dependency
        return None
    found = MODEL_MAPPING_NAMES.get(model_type)
    name = found if isinstance(found, str) else (found[0] if found else None)
    try:
        cls = getattr(transformers, name) if name else None
        signature = inspect.signature(cls.forward) if cls is not None else None
    except (AttributeError, ImportError, RuntimeError, TypeError, ValueError):
        return None
    if signature is None:
        return None
    return {"kwargs" if p.kind is p.VAR_KEYWORD else n
            for n, p in signature.parameters.items() if n != "self"}


@functools.cache
def tokenizer_classes() -> dict[str, str]:
    """``model_type -> tokenizer class name`` (the first one transformers lists)."""
    data = table()
    if data is not None:
        return dict(data["tokenizer_of"])
    from transformers.models.auto.tokenization_auto import TOKENIZER_MAPPING_NAMES

    out: dict[str, str] = {}
    for model_type, names in TOKENIZER_MAPPING_NAMES.items():
        first = next((n for n in names if n), None) if isinstance(names, (list, tuple)) \
            else names
        if first:
            out[model_type] = first
    return out


def tokenizer_defaults(class_name: str) -> dict[str, Any] | None:
    """Padding side, input names and default special tokens of a tokenizer class."""
    data = table()
    return data["tokenizers"].get(class_name) if data is not None else None


@functools.cache
def incorrect_hub_tokenizer_classes() -> frozenset[str]:
    """Model types whose hub ``tokenizer_class`` transformers knows to be wrong."""
    data = table()
    if data is not None:
        return frozenset(data["incorrect_hub_tokenizer_class"])
    from transformers.models.auto.tokenization_auto import (
        MODELS_WITH_INCORRECT_HUB_TOKENIZER_CLASS,
    )

    return frozenset(MODELS_WITH_INCORRECT_HUB_TOKENIZER_CLASS)
