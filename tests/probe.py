"""Ground truth by experiment: which input lengths a model's forward pass really accepts.

Everything here runs the model (eval mode, ``torch.no_grad``) on ids drawn from the non-special
part of the vocabulary with a full attention mask; encoder-decoders also get
``decoder_input_ids`` of length 1 (or a short encoder input while the decoder side is probed).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import torch


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str | None = None  # "ExceptionType: message" when not ok


def _special_ids(config: Any, tokenizer: Any) -> set[int]:
    ids: set[int] = set()
    if tokenizer is not None:
        ids.update(int(i) for i in getattr(tokenizer, "all_special_ids", []) if i is not None)
    for name in ("pad_token_id", "bos_token_id", "eos_token_id", "sep_token_id", "cls_token_id",
                 "decoder_start_token_id"):
        value = getattr(config, name, None)
        if isinstance(value, int):
            ids.add(value)
    return ids


def content_ids(config: Any, tokenizer: Any = None) -> torch.Tensor:
    """Ids of ordinary (non-special) tokens the model can embed."""
    if getattr(config, "model_type", None) == "canine":
        return torch.tensor([ord(c) for c in "abcdefghijklmnopqrstuvwxyz "])
    vocab = getattr(config, "vocab_size", None)
    if tokenizer is not None:
        vocab = min(vocab or len(tokenizer), len(tokenizer))
    if not isinstance(vocab, int) or vocab < 2:
        raise ValueError("cannot tell the vocabulary size")
    special = _special_ids(config, tokenizer)
    pool = [i for i in range(vocab) if i not in special]
    if tokenizer is not None:  # drop added (special) tokens and sentinels such as <extra_id_3>
        added = set(getattr(tokenizer, "added_tokens_encoder", {}).values())
        pool = [i for i in pool if i not in added] or pool
    return torch.tensor(pool)


def _batch(pool: torch.Tensor, n: int, seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed * 100_003 + n)
    return pool[torch.randint(len(pool), (1, n), generator=g)]


def decoder_start(config: Any) -> int:
    for name in ("decoder_start_token_id", "bos_token_id", "pad_token_id", "eos_token_id"):
        value = getattr(config, name, None)
        if isinstance(value, int):
            return value
    return 0


def run_forward(model: Any, config: Any, n: int, *, decoder_n: int | None = None,
                tokenizer: Any = None, seed: int = 0) -> Outcome:
    """Forward ``n`` encoder tokens (and ``decoder_n`` decoder tokens for encoder-decoders)."""
    pool = content_ids(config, tokenizer)
    ids = _batch(pool, n, seed)
    kwargs: dict[str, Any] = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
    if getattr(config, "is_encoder_decoder", False):
        dn = 1 if decoder_n is None else decoder_n
        dec = _batch(pool, dn, seed + 1)
        dec[0, 0] = decoder_start(config)
        kwargs["decoder_input_ids"] = dec
    model.eval()
    saved = _attention_types(model)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model(**kwargs)
    except Exception as exc:  # any exception is the answer we are after
        return Outcome(False, f"{type(exc).__name__}: {exc}")
    finally:
        _restore_attention_types(model, saved)
    return Outcome(True)


def _attention_types(model: Any) -> list[tuple[Any, str]]:
    """Modules that can switch attention type at run time (BigBird, BigBirdPegasus), and theirs.

    A BigBird model that sees an input too short for block-sparse attention switches ITSELF to
    ``original_full`` for good (``set_attention_type``), and then accepts lengths the fresh model
    rejects. Each probe must see the model as ``from_config`` built it.
    """
    return [(m, m.attention_type) for m in model.modules()
            if hasattr(m, "set_attention_type") and isinstance(getattr(m, "attention_type", None),
                                                              str)]


def _restore_attention_types(model: Any, saved: list[tuple[Any, str]]) -> None:
    for module, value in saved:  # parents first: they cascade to their layers
        if module.attention_type != value:
            module.set_attention_type(value)


def _search(works: Any, lo: int, upper: int) -> int | None:
    """Largest n in [lo, upper] with works(n), given works(lo); None if works(upper)."""
    if works(upper):
        return None
    hi = upper  # fails
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if works(mid):
            lo = mid
        else:
            hi = mid
    return lo


def probe_min_tokens(model: Any, config: Any, *, upper: int = 64, tokenizer: Any = None,
                     decoder: bool = False) -> int:
    """Smallest length that runs (CANINE, Funnel and friends may need more than 1)."""
    for n in range(1, upper + 1):
        ok = (run_forward(model, config, 4, decoder_n=n, tokenizer=tokenizer) if decoder
              else run_forward(model, config, n, tokenizer=tokenizer)).ok
        if ok:
            return n
    raise RuntimeError(f"no length in 1..{upper} runs: "
                       f"{run_forward(model, config, 1, tokenizer=tokenizer).error}")


def probe_max_tokens(model: Any, config: Any, *, upper: int, tokenizer: Any = None,
                     min_tokens: int | None = None) -> int | None:
    """Largest encoder input length <= ``upper`` whose forward pass runs (None: all of them)."""
    lo = min_tokens or probe_min_tokens(model, config, upper=upper, tokenizer=tokenizer)
    return _search(lambda n: run_forward(model, config, n, tokenizer=tokenizer).ok, lo, upper)


def probe_decoder_max_tokens(model: Any, config: Any, *, upper: int, tokenizer: Any = None,
                             encoder_tokens: int = 8) -> int | None:
    """Largest ``decoder_input_ids`` length <= ``upper`` that runs with a short encoder input."""
    def works(n: int) -> bool:
        return run_forward(model, config, encoder_tokens, decoder_n=n, tokenizer=tokenizer).ok

    if not works(1):
        raise RuntimeError("decoder length 1 does not run")
    return _search(works, 1, upper)


def failing_lengths(model: Any, config: Any, lengths: range, *, tokenizer: Any = None,
                    decoder: bool = False) -> list[int]:
    """Every length in ``lengths`` that fails: a full scan, to catch non-monotone limits."""
    out = []
    for n in lengths:
        ok = (run_forward(model, config, 8, decoder_n=n, tokenizer=tokenizer) if decoder
              else run_forward(model, config, n, tokenizer=tokenizer)).ok
        if not ok:
            out.append(n)
    return out
