"""Regenerate ``src/seqfit/model/transformers_table.json`` from the installed transformers.

``seqfit inspect`` and ``seqfit profile`` read a model folder's ``config.json`` and
``tokenizer.json`` without importing transformers (whose import alone costs over a second). What
those files leave out comes from this table: each model type's config defaults and attribute
aliases, whether it is a causal or masked language model, which arguments its base model's
``forward`` takes, and its tokenizer class; each tokenizer class's padding side, input names and
default special tokens. ``tests/model/test_files.py`` checks that the fast path and the import
path agree on every zoo architecture.

Usage::

    .venv/bin/python scripts/make_model_table.py

Deterministic for a given transformers release; run it after upgrading transformers.
"""

from __future__ import annotations

import inspect
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import transformers
from transformers import CONFIG_MAPPING, PretrainedConfig
from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES
from transformers.models.auto.modeling_auto import (
    MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
    MODEL_FOR_MASKED_LM_MAPPING_NAMES,
    MODEL_MAPPING_NAMES,
)
from transformers.models.auto.tokenization_auto import (
    MODELS_WITH_INCORRECT_HUB_TOKENIZER_CLASS,
    TOKENIZER_MAPPING_NAMES,
)

OUT = Path(__file__).resolve().parents[1] / "src" / "seqfit" / "model" / "transformers_table.json"
MAX_LIST = 64  # longer list defaults (vocabularies, layer lists) are not length facts
SKIP = {"transformers_version", "_name_or_path", "id2label", "label2id", "architectures"}


def _kept(key: str, value: Any) -> bool:
    """Defaults that can bear on lengths: not dropout rates or epsilons (floats), except the
    rotary ones whose presence marks a rotary model."""
    if isinstance(value, float) and not any(w in key for w in ("rope", "rotary")):
        return False
    return key not in SKIP and _plain(value)


def _plain(value: Any) -> bool:
    """JSON scalars, and short lists or dicts of them (rope_parameters, attention_window)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)) and len(value) <= MAX_LIST:
        return all(v is None or isinstance(v, (bool, int, float, str)) for v in value)
    if isinstance(value, dict) and len(value) <= MAX_LIST and "model_type" not in value:
        return all(v is None or isinstance(v, (bool, int, float, str)) for v in value.values())
    return False


def _first(name: Any) -> str | None:
    if isinstance(name, (list, tuple)):
        return next((n for n in name if n), None)
    return name or None


def config_entry(model_type: str, base: dict[str, Any]) -> dict[str, Any] | None:
    try:
        config = CONFIG_MAPPING[model_type]()
    except Exception as exc:  # a config that needs arguments: the import path handles it
        print(f"  {model_type}: no default config ({type(exc).__name__})", file=sys.stderr)
        return None
    data = config.to_dict()
    defaults = {k: v for k, v in data.items()
                if _kept(k, v) and (k not in base or base[k] != v)}
    subs = {k: v["model_type"] for k, v in data.items()
            if isinstance(v, dict) and isinstance(v.get("model_type"), str)}
    aliases = dict(getattr(type(config), "attribute_map", {}) or {})
    entry: dict[str, Any] = {"config": defaults}
    if aliases:
        entry["aliases"] = aliases
    if subs:
        entry["sub_configs"] = subs
    forward = forward_params(model_type)
    if forward is not None:
        entry["forward"] = forward
    return entry


def forward_params(model_type: str) -> list[str] | None:
    """Argument names of the base model's forward ("kwargs" for a ``**kwargs`` catch-all)."""
    name = _first(MODEL_MAPPING_NAMES.get(model_type))
    try:
        cls = getattr(transformers, name) if name else None
        signature = inspect.signature(cls.forward) if cls is not None else None
    except Exception:
        return None
    if signature is None:
        return None
    return sorted("kwargs" if p.kind is p.VAR_KEYWORD else n
                  for n, p in signature.parameters.items() if n != "self")


def tokenizer_entry(name: str) -> dict[str, Any] | None:
    try:
        cls = getattr(transformers, name)
        if not hasattr(cls, "SPECIAL_TOKENS_ATTRIBUTES"):  # a composite (RAG): import path
            return None
    except Exception:  # a class whose backend is not installed (pretty_midi, ...)
        return None
    specials = {}
    try:
        parameters = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        parameters = {}
    for attribute in cls.SPECIAL_TOKENS_ATTRIBUTES:
        p = parameters.get(attribute)
        if p is not None and isinstance(p.default, str):
            specials[attribute] = p.default
    return {
        "class": cls.__name__,  # aliases (BertTokenizerFast, DistilBertTokenizer) name the class
        "padding_side": cls.padding_side,
        "truncation_side": cls.truncation_side,
        "model_input_names": list(cls.model_input_names),
        "special_tokens": specials,
        "tokenizers_backend": any(b.__name__ == "TokenizersBackend" for b in cls.__mro__),
    }


def main() -> int:
    warnings.simplefilter("ignore")
    transformers.logging.set_verbosity_error()
    base = {k: v for k, v in PretrainedConfig().to_dict().items() if _plain(v)}
    models: dict[str, Any] = {}
    for model_type in sorted(CONFIG_MAPPING_NAMES):
        entry = config_entry(model_type, base)
        if entry is not None:
            models[model_type] = entry
    tokenizer_of = {m: t for m, names in TOKENIZER_MAPPING_NAMES.items()
                    if (t := _first(names))}
    exported = {n for n in dir(transformers) if n.endswith(("Tokenizer", "TokenizerFast"))}
    names = sorted({*tokenizer_of.values(), *exported, "PreTrainedTokenizerFast",
                    "TokenizersBackend"})
    tokenizers = {n: e for n in names if (e := tokenizer_entry(n)) is not None}
    table = {"transformers": transformers.__version__, "base_config": base, "models": models,
             "causal_lm": sorted(MODEL_FOR_CAUSAL_LM_MAPPING_NAMES),
             "masked_lm": sorted(MODEL_FOR_MASKED_LM_MAPPING_NAMES),
             "tokenizer_of": tokenizer_of, "tokenizers": tokenizers,
             "incorrect_hub_tokenizer_class": sorted(MODELS_WITH_INCORRECT_HUB_TOKENIZER_CLASS)}
    OUT.write_text(json.dumps(table, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {len(models)} model types and {len(tokenizers)} tokenizer classes to "
          f"{OUT.relative_to(OUT.parents[3])} ({OUT.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
