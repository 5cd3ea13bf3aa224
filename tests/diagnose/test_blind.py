"""The blind sets, each written by a session that read only ``codes.py`` (never the engine, its
catalogue or the other sets), from libraries' sources and from the way users report these errors;
the figure is printed per source, and the floors are what the engine reaches, not targets.

- ``errors/blind.jsonl`` (165 texts): measured before the engine changes that followed it; its
  misses were read later, so it is only partly blind now.
- ``errors/blind2.jsonl`` (205 texts, from packages and releases the catalogue had not mined):
  each record has a ``split``; the misses of ``dev`` were read while improving the engine, those
  of ``test`` never were, so ``test`` is the figure that measures texts the engine has not seen.
- ``errors/blind3.jsonl`` (195 texts: 65 user reports, 90 messages from sources the catalogue had
  not mined - older releases of transformers, trl, vLLM, torch, sentence-transformers, tokenizers,
  and paddlenlp, modelscope, spaCy, TensorFlow, tf-keras, flax, accelerate, optimum - and 40
  off-topic texts), split the same way by a hash of the id.
- ``errors/blind4.jsonl`` (210 texts: 100 messages read at their lines in 28 packages the
  catalogue had not mined - diffusers, gptqmodel, espnet, ludwig, exllamav2, speechbrain,
  torchaudio, timm, open_clip, dspy, petals, torchtext, ... -, 70 user reports and 40 off-topic
  texts), split the same way. Its packages were mined after its first measurement, so its library
  messages are in sample now.
- ``errors/blind5.jsonl`` (155 texts: 55 messages about input shape read at their lines in 34
  packages the catalogue has not mined - transformer_lens, ms-swift, lhotse, torchtitan,
  keras-nlp 0.6, x-transformers, fastembed, pytorch-crf, openrlhf, llamafactory, ... -, 45 user
  reports, and 55 texts that are not about input shape, 15 of them messages of those packages
  that look related), split the same way. First measured after the review of 2026-12: library
  messages 43 of 55 (``test`` 20 of 28), user reports 43 of 45 (``test`` 24 of 26), off-topic
  53 of 55. Its packages were mined on 2026-12-01, so its library messages are in sample now.
  Its writer and blind 4's disagree on one kind of message: blind 4 gives shape_mismatch to a
  metric's predictions against references of another length (sacreBLEU's "System and reference
  streams have different lengths", bert-score, rouge-score, nltk, torchtext, speechbrain: 7
  texts), blind 5 calls the same sacreBLEU message and jiwer's and trankit's off-topic (3 texts).
  The catalogue follows the larger group and the issue's "label/input shape mismatches", so
  blind 5's off-topic floor sits below those three.
- ``errors/blind6.jsonl`` (197 texts, written on 2026-12-01 after that day's mining: 50 messages
  of the issue's core libraries read in releases the catalogue has not mined - transformers
  4.18 to 4.53, torch 1.13 and 2.1, trl, accelerate, datasets, peft, sentence-transformers -,
  50 messages of 23 packages it has not mined - transformer-lens, OLMo, sockeye, llama-models,
  mistral-inference, local-attention, torch-struct, ... -, 45 user reports, 52 off-topic texts).
  First measured: old releases 47 of 50, other packages 29 of 50 (``test`` 37 of 51 for both),
  user reports 42 of 45 (``test`` 17 of 19), off-topic 47 of 52.
- ``errors/blind7.jsonl`` (210 texts, written on 2026-12-01 by three sessions that read only
  ``codes.py``: 50 messages of the core libraries in releases the catalogue has not mined -
  transformers 4.18, 4.28, 4.38, 4.44, torch 2.4, trl 0.7, 0.12, 0.17, peft 0.8, 0.14,
  accelerate 0.28, 1.5, datasets 2.14, 3.2, sentence-transformers 5.1 -, 50 messages of 26
  packages it has not mined - trax, tf-models-official, jax, gemma, curated-transformers,
  nnsight, voyageai, chonkie, wtpsplit, deeppavlov, verl, ... -, 52 user reports and 58
  off-topic texts; ids prefixed ``b7-``, the split taken from the writer's id). First measured:
  old releases 41 of 50, other packages 28 of 50 (``test`` 42 of 57 for both), user reports 46
  of 52 (``test`` 25 of 28), off-topic 53 of 58. Caution: until 2026-12-01's third session a
  helper script showed the misses of a ``dev`` half cut by a hash of the id, not this file's
  ``split``; 51 of the ``test`` texts fall in that half, and 7 of their misses were read, so the
  ``test`` figure of this set is no longer blind.
- ``errors/blind8.jsonl`` (197 texts, written on 2026-12-01 by three sessions that read only
  ``codes.py``: 50 messages of the core libraries in releases never mined - transformers 4.15,
  4.24, 4.32, 4.42, 4.49, 4.53, trl 0.9, 0.14, 0.20, peft 0.4, 0.12, 0.16, accelerate 0.24, 1.0,
  1.8, datasets 2.10, 3.6, 4.0, sentence-transformers 2.5, 4.1, torch 2.1 -, 50 messages of 29
  packages never mined - deepsparse, sparseml, llm2vec, lighteval, crfm-helm,
  optimum-graphcore, silero-vad, opencompass, xgrammar, pyctcdecode, model2vec, rerankers, ... -,
  52 user reports and 45 off-topic texts; ids prefixed ``b8-``, split by a hash of the id).
  First measured (before any change it led to): old releases 49 of 50 (``test`` 25 of 26),
  other packages 28 of 50 (``test`` 9 of 17), user reports 48 of 52 (``test`` 22 of 23),
  off-topic 43 of 45.
- ``errors/blind9.jsonl`` (150 texts, written the same day by two more such sessions: 60
  messages of 31 packages never mined - optimum-rbln, openprompt, xinference, mlx-vlm,
  intel-extension-for-transformers, kokoro, optimum-tpu, lmms-eval, aphrodite-engine, moshi,
  deepeval, executorch, coremltools, ... -, 50 user reports of tools other than plain
  transformers, 40 off-topic texts, ids prefixed ``b9-``). First measured after the changes
  blind 8's ``dev`` half led to: other packages 37 of 60 (``test`` 16 of 26), user reports 48
  of 50 (``test`` 21 of 22), off-topic 40 of 40.
- ``errors/blind12.jsonl`` (230 texts, written on 2026-12-02 by four sessions that read only
  ``codes.py`` and the list of what the catalogue had mined: 45 messages of the core libraries
  in releases never mined - transformers 4.20 to 4.56, torch 2.0 to 2.7, tokenizers 0.13, 0.15,
  0.20, trl, accelerate, peft, datasets 2.12, pyarrow 15, sentence-transformers 2.7 -, 95 of 65
  packages never mined - kvpress, gpt_index, hezar, bert4torch, langroid, exllamav3, tortoise,
  unsloth_zoo, mlx-audio, modelopt, paddlespeech, mindformers, transformer-engine, tritonclient,
  ... -, 35 user reports and 55 off-topic texts; ids prefixed ``b12-``, split by a hash of the
  id). First measured at 39601bb: old releases 44 of 45 (``test`` 15 of 16), other packages 67
  of 95 (``test`` 30 of 44), user reports 28 of 35 (``test`` 14 of 18), off-topic 54 of 55.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import seqfit
from seqfit.diagnose.codes import CODES

ERRORS = Path(__file__).parent / "errors"
#: per set: top-1 on the texts about input shape (user reports and library sources), and
#: unknown on the texts that are not
FLOORS = {"blind.jsonl": (0.75, 0.97), "blind2.jsonl": (0.75, 0.88),
          "blind3.jsonl": (0.75, 0.88), "blind4.jsonl": (0.8, 0.88),
          "blind5.jsonl": (0.85, 0.85), "blind6.jsonl": (0.8, 0.85),
          "blind7.jsonl": (0.8, 0.85), "blind8.jsonl": (0.85, 0.9),
          "blind9.jsonl": (0.8, 0.95), "blind10.jsonl": (0.75, 0.9),
          "blind11.jsonl": (0.6, 0.95),
          "blind12.jsonl": (0.75, 0.95)}


def load_blind(name: str) -> list[dict]:
    return [json.loads(line) for line in (ERRORS / name).read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_blind_set_is_labelled_with_known_codes(name: str) -> None:
    records = load_blind(name)
    assert len(records) >= 140 and len({r["id"] for r in records}) == len(records)
    # (blind 11 holds library messages and off-topic texts only: no user reports)
    assert {"library-source", "off-topic"} <= {r["source"] for r in records} <= {
        "user-report", "library-source", "off-topic"}
    assert all((r["code"] == "unknown") == (r["source"] == "off-topic") for r in records)
    assert set(r["code"] for r in records) <= set(CODES)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_top_1_on_the_blind_set(name: str) -> None:
    records = load_blind(name)
    right, total = Counter(), Counter()
    misses = []
    for record in records:
        got = seqfit.explain(record["text"]).best.code
        groups = [record["source"]] + ([f"{record['source']} ({record['split']})"]
                                       if "split" in record else [])
        for group in groups:
            total[group] += 1
            right[group] += got == record["code"]
        if got != record["code"] and record.get("split") != "test":  # test misses stay unread
            misses.append(f"{record['id']}: expected {record['code']}, got {got}")
    on_right = right["user-report"] + right["library-source"]
    on_total = total["user-report"] + total["library-source"]
    print(f"\n{name}: " + "; ".join(f"{s} {right[s]}/{total[s]} = {right[s] / total[s]:.1%}"
                                    for s in sorted(total)) +
          f"; on-topic {on_right}/{on_total} = {on_right / on_total:.1%}")
    for miss in misses:
        print("  miss:", miss)
    floor_on, floor_off = FLOORS[name]
    assert on_right / on_total >= floor_on
    assert right["off-topic"] / total["off-topic"] >= floor_off
