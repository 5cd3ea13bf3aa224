"""What a sentence-transformers (or cross-encoder) folder adds to a transformers model.

sentence-transformers keeps its own facts next to ``config.json``: ``modules.json`` lists the
stack (Transformer, Pooling, Normalize, ...), ``sentence_bert_config.json`` holds the length it
truncates at (``max_seq_length``, often below the position table: 256 for all-MiniLM-L6-v2,
whose table has 512 rows), ``1_Pooling/config.json`` the pooling, and
``config_sentence_transformers.json`` the prompts and whether it is a CrossEncoder. Cross-encoders
saved by older versions mark ``config.json`` itself (``sentence_transformers.activation_fn``).

This module reads those files with the standard library only, so ``seqfit inspect`` stays fast
and the file path and the transformers path read the same facts.

>>> SentenceConfig(kind="sentence-transformers", max_seq_length=256,
...                length_source="sentence_bert_config.json", pooling=("mean",),
...                normalize=True).describe()
'mean pooling, normalized; truncates at 256 tokens'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .._checks import known_limit

SentenceKind = Literal["sentence-transformers", "cross-encoder"]
#: What sentence-transformers' Transformer module reads, first found wins.
TRANSFORMER_CONFIGS = ("sentence_bert_config.json", "sentence_roberta_config.json",
                       "sentence_distilbert_config.json", "sentence_camembert_config.json",
                       "sentence_albert_config.json", "sentence_xlm-roberta_config.json",
                       "sentence_xlnet_config.json")
#: Legacy boolean pooling keys, in the order sentence-transformers concatenates them.
LEGACY_POOLING = (("pooling_mode_cls_token", "cls"), ("pooling_mode_max_tokens", "max"),
                  ("pooling_mode_mean_tokens", "mean"),
                  ("pooling_mode_mean_sqrt_len_tokens", "mean_sqrt_len_tokens"),
                  ("pooling_mode_weightedmean_tokens", "weightedmean"),
                  ("pooling_mode_lasttoken", "lasttoken"))
#: Modules seqfit applies itself; any other module in the stack is listed in ``unsupported``.
APPLIED = ("Transformer", "Pooling", "Normalize")


@dataclass(frozen=True)
class SentenceConfig:
    """The sentence-transformers facts of a model folder.

    ``max_seq_length`` is where sentence-transformers truncates (None: at the tokenizer's limit,
    capped by the position table); ``length_source`` names the file (and key) it came from.
    ``pooling`` lists the pooling modes in order (several are concatenated), ``normalize`` says
    whether a Normalize module follows. ``unsupported`` lists modules of the stack seqfit does
    not apply (Dense, LayerNorm, ...); ``activation`` is a cross-encoder's activation function.
    """

    kind: SentenceKind
    max_seq_length: int | None = None
    length_source: str | None = None
    modules: tuple[str, ...] = ()
    pooling: tuple[str, ...] = ()
    include_prompt: bool = True
    normalize: bool = False
    do_lower_case: bool = False
    default_prompt_name: str | None = None
    activation: str | None = None
    unsupported: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for people: the stack and where it truncates."""
        if self.kind == "cross-encoder":
            parts = [f"activation {self.activation or 'default'}"]
        else:
            parts = [(" + ".join(self.pooling) or "no") + " pooling"
                     + (", normalized" if self.normalize else "")]
        if self.unsupported:
            parts.append("modules seqfit does not apply: " + ", ".join(self.unsupported))
        length = (f"truncates at {self.max_seq_length} tokens" if self.max_seq_length
                  else "truncates at the tokenizer's limit")
        return "; ".join([*parts, length])


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def read_sentence_config(folder: str | Path | None) -> SentenceConfig | None:
    """The sentence-transformers facts of ``folder``, or None where it holds none (a plain
    transformers folder, or no folder at all)."""
    if folder is None:
        return None
    root = Path(folder).expanduser()
    if not root.is_dir():
        return None
    settings = _dict(_json(root / "config_sentence_transformers.json"))
    config = _dict(_json(root / "config.json"))
    modules = _json(root / "modules.json")
    ce_marks = _dict(config.get("sentence_transformers"))
    activation = settings.get("activation_fn") or ce_marks.get("activation_fn") or config.get(
        "sbert_ce_default_activation_function")
    cross = settings.get("model_type") == "CrossEncoder" or activation is not None
    if not isinstance(modules, list):
        if not cross:
            return None
        return SentenceConfig(kind="cross-encoder", activation=_str(activation),
                              default_prompt_name=_str(settings.get("default_prompt_name")))
    facts: dict[str, Any] = {"kind": "cross-encoder" if cross else "sentence-transformers"}
    names: list[str] = []
    unsupported: list[str] = []
    for module in modules:
        if not isinstance(module, dict):
            continue
        kind = str(module.get("type", "")).rsplit(".", 1)[-1]
        names.append(kind)
        path = root / str(module.get("path", "") or "")
        if kind == "Transformer":
            facts.update(_transformer(path, root))
        elif kind == "Pooling":
            facts.update(_pooling(path))
        elif kind == "Normalize":
            facts["normalize"] = True
        elif kind not in APPLIED:
            unsupported.append(kind)
    if facts.pop("task", None) == "sequence-classification":
        facts["kind"] = "cross-encoder"
    return SentenceConfig(modules=tuple(names), unsupported=tuple(unsupported),
                          activation=_str(activation),
                          default_prompt_name=_str(settings.get("default_prompt_name")),
                          **facts)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _transformer(path: Path, root: Path) -> dict[str, Any]:
    """``max_seq_length`` (or a ``model_max_length`` given to the tokenizer) and lowercasing."""
    for name in TRANSFORMER_CONFIGS:
        data = _json(path / name)
        if isinstance(data, dict):
            break
    else:
        return {}
    where = str((path / name).relative_to(root))
    out: dict[str, Any] = {"do_lower_case": bool(data.get("do_lower_case", False)),
                           "task": data.get("transformer_task")}
    length = known_limit(data.get("max_seq_length"))
    source = f"{where} max_seq_length"
    for key in ("processor_kwargs", "tokenizer_args"):  # sentence-transformers reads these first
        given = known_limit(_dict(data.get(key)).get("model_max_length"))
        if given is not None:
            length, source = given, f"{where} {key}.model_max_length"
            break
    if length is not None:
        out.update(max_seq_length=length, length_source=source)
    return out


def _pooling(path: Path) -> dict[str, Any]:
    data = _dict(_json(path / "config.json"))
    mode = data.get("pooling_mode")
    if isinstance(mode, str):
        modes: tuple[str, ...] = (mode,)
    elif isinstance(mode, list):
        modes = tuple(str(m) for m in mode)
    else:
        modes = tuple(m for key, m in LEGACY_POOLING if data.get(key)) or ("mean",)
    return {"pooling": modes, "include_prompt": bool(data.get("include_prompt", True))}


def run_length(sentence: SentenceConfig | None, effective: int | None,
               max_tokens: int | None) -> int | None:
    """The length seqfit's runners (embed, classify, tag) fit to by default: sentence-transformers'
    ``max_seq_length`` where the folder sets one (capped by the model's hard limit), else the
    model's usable length.

    >>> config = SentenceConfig(kind="sentence-transformers", max_seq_length=256)
    >>> run_length(config, 512, 512), run_length(config, 512, 128), run_length(None, 512, 512)
    (256, 128, 512)
    """
    if sentence is None or sentence.max_seq_length is None:
        return effective
    if max_tokens is not None:
        return min(sentence.max_seq_length, max_tokens)
    return sentence.max_seq_length


def sentence_sentence(sentence: SentenceConfig, effective: int | None,
                      max_tokens: int | None) -> str:
    """The derivation sentence ``seqfit inspect`` shows: both limits, which one runs use, why."""
    what = ("This is a cross-encoder folder" if sentence.kind == "cross-encoder"
            else "This is a sentence-transformers folder")
    run = run_length(sentence, effective, max_tokens)
    if sentence.max_seq_length is None:
        return (f"{what}; sentence-transformers truncates at the tokenizer's limit, so "
                f"seqfit embed, classify and tag fit to {run} tokens, as fit does.")
    limit = sentence.max_seq_length
    source = sentence.length_source or "its config"
    if max_tokens is not None and limit > max_tokens:
        return (f"{what}: sentence-transformers would truncate at {limit} tokens ({source}), "
                f"above the {max_tokens} the model accepts; seqfit embed, classify and tag fit "
                f"to {run}.")
    if limit == effective:
        return (f"{what}: sentence-transformers truncates at {limit} tokens ({source}), the "
                f"same limit; seqfit embed, classify and tag fit windows of {run} tokens.")
    accepts = (f"below the {effective} tokens the model accepts" if effective is not None
               else "and the model has no hard limit")
    keep = f"keep {effective}" if effective is not None else "need max_length"
    return (f"{what}: sentence-transformers truncates at {limit} tokens ({source}), {accepts}. "
            f"seqfit embed, classify and tag fit windows of {run} tokens by default, the length "
            f"the model was tuned at, so a text that fits gives what encode() gives and a longer "
            f"one is windowed, not cut; fit and profile {keep} unless max_length is given.")
