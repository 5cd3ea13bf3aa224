"""A saved model folder read straight from its files, without importing transformers.

``seqfit inspect`` and ``seqfit profile`` need a model's config and its tokenizer's special
tokens, limit, pad token and vocabulary, not the model; importing transformers alone costs more
than a second. For a folder with ``config.json`` and ``tokenizer.json`` whose model type and
tokenizer class the shipped table (:mod:`seqfit.model.table`) knows, this module builds a
:class:`FileConfig` and a :class:`FileTokenizer` that answer what seqfit asks the way
transformers' own classes do (a test compares both on every zoo architecture). Anything else
(sub-configs, a tokenizer without ``tokenizer.json``, a Python-only tokenizer class) returns None
and is loaded by transformers, as before.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import table

SENTINEL = int(1e30)  # transformers' model_max_length when the tokenizer knows no limit
SPECIAL_ATTRIBUTES = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token",
                      "cls_token", "mask_token")


class FileConfig:
    """A model config as ``config.json`` plus the class defaults it leaves out, with the class's
    attribute aliases (``n_positions`` for GPT-2's ``max_position_embeddings``)."""

    def __init__(self, values: dict[str, Any], aliases: dict[str, str], name_or_path: str) -> None:
        self._aliases = aliases
        self._values = {aliases.get(k, k): v for k, v in values.items()}
        self.name_or_path = name_or_path

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("_values", {})
        if name in values:
            return values[name]
        alias = self.__dict__.get("_aliases", {}).get(name)
        if alias is not None and alias in values:
            return values[alias]
        raise AttributeError(name)

    def get_text_config(self) -> FileConfig:
        return self

    def to_dict(self) -> dict[str, Any]:
        return dict(self._values)


class FileTokenizer:
    """What seqfit reads from a transformers tokenizer, built from ``tokenizer.json`` and
    ``tokenizer_config.json`` as transformers 5's ``TokenizersBackend`` builds it.

    ``backend_tokenizer`` is the Rust tokenizer; calling the object encodes like
    ``tokenizer(text)`` (ids, token types, mask, offsets).
    """

    is_fast = True

    def __init__(self, backend: Any, class_name: str, settings: dict[str, Any],
                 defaults: dict[str, Any], name_or_path: str) -> None:
        backend.no_truncation()
        backend.no_padding()
        self.backend_tokenizer = backend
        self.class_name = class_name
        self.name_or_path = name_or_path
        self.model_max_length = settings.get("model_max_length") or SENTINEL
        self.padding_side = settings.get("padding_side") or defaults["padding_side"]
        self.truncation_side = settings.get("truncation_side") or defaults["truncation_side"]
        self.model_input_names = list(settings.get("model_input_names")
                                      or defaults["model_input_names"])
        self.special: dict[str, str | None] = {}
        for attribute in SPECIAL_ATTRIBUTES:
            value = settings.get(attribute, defaults["special_tokens"].get(attribute))
            self.special[attribute] = _content(value)
        extra = settings.get("extra_special_tokens") or settings.get(
            "additional_special_tokens") or []
        self.extra_special = [t for t in (_content(v) for v in _listed(extra)) if t]
        missing = [t for t in (*self.special.values(), *self.extra_special)
                   if t is not None and backend.token_to_id(t) is None]
        if missing:  # transformers adds special tokens the vocabulary lacks, as new ids
            from tokenizers import AddedToken

            backend.add_special_tokens([AddedToken(t, special=True, normalized=False)
                                        for t in dict.fromkeys(missing)])

    def __getattr__(self, name: str) -> Any:
        special = self.__dict__.get("special", {})
        if name in special:
            return special[name]
        if name.endswith("_token_id") and name[:-3] in special:
            token = special[name[:-3]]
            return self.backend_tokenizer.token_to_id(token) if token is not None else None
        raise AttributeError(name)

    def __len__(self) -> int:
        return int(self.backend_tokenizer.get_vocab_size(with_added_tokens=True))

    @property
    def all_special_ids(self) -> list[int]:
        tokens = [t for t in (*self.special.values(), *self.extra_special) if t is not None]
        ids = (self.backend_tokenizer.token_to_id(t) for t in dict.fromkeys(tokens))
        return [i for i in ids if i is not None]

    def num_special_tokens_to_add(self, pair: bool = False) -> int:
        processor = self.backend_tokenizer.post_processor
        return int(processor.num_special_tokens_to_add(pair)) if processor is not None else 0

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str | None]:
        return [self.backend_tokenizer.id_to_token(int(i)) for i in ids]

    def __call__(self, text: str | Sequence[str], text_pair: str | Sequence[str] | None = None,
                 *, add_special_tokens: bool = True, return_token_type_ids: bool | None = None,
                 return_attention_mask: bool | None = None,
                 return_offsets_mapping: bool = False, **_: Any) -> dict[str, Any]:
        single = isinstance(text, str)
        texts = [text] if single else list(text)
        pairs = None if text_pair is None else (
            [text_pair] if isinstance(text_pair, str) else list(text_pair))
        inputs: list[Any] = texts if pairs is None else list(zip(texts, pairs, strict=True))
        encodings = self.backend_tokenizer.encode_batch(inputs,
                                                        add_special_tokens=add_special_tokens)
        out: dict[str, Any] = {"input_ids": [e.ids for e in encodings]}
        if return_token_type_ids or (return_token_type_ids is None and
                                     "token_type_ids" in self.model_input_names):
            out["token_type_ids"] = [e.type_ids for e in encodings]
        if return_attention_mask or (return_attention_mask is None and
                                     "attention_mask" in self.model_input_names):
            out["attention_mask"] = [e.attention_mask for e in encodings]
        if return_offsets_mapping:
            out["offset_mapping"] = [e.offsets for e in encodings]
        return {k: v[0] for k, v in out.items()} if single else out


def _content(value: Any) -> str | None:
    """A special token as its text: transformers saves them as strings or AddedToken dicts."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else None


def _listed(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, (list, tuple)) else []


def _json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_config(folder: Path, name: str) -> FileConfig | None:
    """``config.json`` with its class defaults, if the table knows its model type and it has no
    sub-configs (multimodal and encoder-decoder configs load through transformers)."""
    raw = _json(folder / "config.json")
    model_type = raw.get("model_type") if raw is not None else None
    if raw is None or not isinstance(model_type, str):
        return None
    entry = table.model_entry(model_type)
    defaults = table.config_defaults(model_type)
    if entry is None or defaults is None or entry.get("sub_configs") or any(
            isinstance(v, dict) and "model_type" in v for v in raw.values()):
        return None
    return FileConfig({**defaults, **raw}, entry.get("aliases", {}), name)


def read_tokenizer(folder: Path, model_type: str, name: str) -> FileTokenizer | None:
    """The tokenizer of ``folder`` from ``tokenizer.json``, if its class is one transformers
    builds from that file alone (a ``TokenizersBackend``)."""
    if not (folder / "tokenizer.json").is_file():
        return None
    settings = _json(folder / "tokenizer_config.json") or {}
    class_name = _class_name(settings, model_type, folder)
    defaults = table.tokenizer_defaults(class_name) if class_name else None
    if class_name is None or defaults is None or not defaults.get("tokenizers_backend"):
        return None
    if "added_tokens_decoder" not in settings:  # older folders keep special tokens apart
        for key, value in (_json(folder / "special_tokens_map.json") or {}).items():
            settings.setdefault(key, value)
    from tokenizers import Tokenizer

    try:
        backend = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception:  # a file tokenizers cannot read: let transformers say why
        return None
    if backend.get_vocab_size() > 100_000 and "mistral" in model_type:
        return None  # transformers may patch Mistral's pre-tokenizer regex on load
    return FileTokenizer(backend, class_name, settings, defaults, name)


GENERIC = ("TokenizersBackend", "PythonBackend", "PreTrainedTokenizerFast", "MistralCommonBackend")


def _class_name(settings: dict[str, Any], model_type: str, folder: Path) -> str | None:
    """The class ``AutoTokenizer`` builds for this folder (transformers 5's rules), or None
    where only transformers can tell (remote code, Mistral formats, a hub class at odds with
    the model type's)."""
    configured = settings.get("tokenizer_class")
    hub = configured.removesuffix("Fast") if isinstance(configured, str) and configured else None
    registered = table.tokenizer_classes().get(model_type, "").removesuffix("Fast") or None
    if "auto_map" in settings or "Mistral" in (registered or ""):
        return None
    if hub is not None and registered is not None and hub != registered:
        # transformers trusts the hub's class where the model type has a class of its own
        # (unless the hub is known to be wrong), else loads tokenizer.json as it is
        if registered not in GENERIC:
            chosen = registered if model_type in table.incorrect_hub_tokenizer_classes() else hub
            found = table.tokenizer_defaults(chosen)
            if found is None:
                return None  # a class the table does not know: transformers decides
            if chosen not in GENERIC:
                return str(found["class"])
        return "TokenizersBackend"
    name = hub or registered
    if name == "LlamaTokenizer" and model_type not in table.incorrect_hub_tokenizer_classes() \
            and '"ByteLevel"' in (folder / "tokenizer.json").read_text(encoding="utf-8"):
        name = "TokenizersBackend"  # LlamaTokenizer hard-codes Metaspace; transformers swaps
    if name == "PreTrainedTokenizerFast":
        name = "TokenizersBackend"
    defaults = table.tokenizer_defaults(name) if name is not None else None
    return str(defaults["class"]) if defaults is not None else None


def hub_snapshot(name: str) -> Path | None:
    """The cached snapshot folder of hub repository ``name`` at ``main``, if it is cached."""
    if name.count("/") > 1 or name.startswith((".", "/", "~")):
        return None
    try:
        from huggingface_hub.constants import HF_HUB_CACHE
    except ImportError:  # pragma: no cover - transformers depends on huggingface_hub
        return None
    repo = Path(HF_HUB_CACHE) / f"models--{name.replace('/', '--')}"
    try:
        commit = (repo / "refs" / "main").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    snapshot = repo / "snapshots" / commit
    return snapshot if snapshot.is_dir() else None


def fast_path_disabled() -> bool:
    """``SEQFIT_IMPORT_PATH=1`` loads every model through transformers (for comparisons)."""
    return os.environ.get("SEQFIT_IMPORT_PATH", "") not in ("", "0")
