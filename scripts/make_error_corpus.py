"""Regenerate ``tests/diagnose/errors/corpus.jsonl``: real error texts, triggered on purpose.

Every record here comes from actually making transformers / torch / tokenizers / datasets fail
on a tiny model of ``tests/zoo.py`` and keeping what a user would paste: the traceback
(``traceback.format_exception`` minus this script's harness frame), preceded by whatever the
libraries logged or warned on the way (``[transformers] ...`` lines, Python warnings, a Rust
panic message). Some records are additionally embedded in a fake but plausible training log, to
test finding the relevant part of a long paste.

Hand-written texts of older releases and other frameworks live in
``tests/diagnose/errors/reconstructed.jsonl``; this script never touches that file.

Usage::

    HF_HUB_OFFLINE=1 .venv/bin/python scripts/make_error_corpus.py

Deterministic (fixed seeds, fixed case order) and quick (well under a minute on a laptop CPU).
It fails loudly if a case stops raising, or if a number recorded under ``expect`` is no longer in
the text, so that an upgrade of transformers cannot silently rot the corpus.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import os
import random
import re
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ["RUST_BACKTRACE"] = "0"  # one-line Rust panics, as most users see them
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "diagnose" / "errors" / "corpus.jsonl"
sys.path.insert(0, str(ROOT / "tests"))

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import (  # noqa: E402
    AutoModel,
    AutoModelForCausalLM,
    AutoModelForSeq2SeqLM,
    AutoModelForSequenceClassification,
    AutoModelForTokenClassification,
    DataCollatorForLanguageModeling,
    DataCollatorForTokenClassification,
    DataCollatorWithPadding,
    default_data_collator,
)

import zoo  # noqa: E402
from seqfit.diagnose.codes import SEQFIT_ONLY  # noqa: E402
from seqfit.errors import Code  # noqa: E402

# ------------------------------------------------------------------------------------------------
# Harness
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    code: str
    how: str
    model: str | None
    fn: Callable[[], Any]
    expect: dict[str, int] = field(default_factory=dict)
    log: str | None = None  # style of fake training log to embed the text in
    raises: bool = True  # False: the record is what was logged/warned (no exception happens)
    stderr: bool = False  # capture fd 2 too (Rust panics print there)


CASES: list[Case] = []


def case(id: str, code: str, how: str, *, model: str | None = None,
         expect: dict[str, int] | None = None, log: str | None = None, raises: bool = True,
         stderr: bool = False) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    def register(fn: Callable[[], Any]) -> Callable[[], Any]:
        CASES.append(Case(id, code, how, model, fn, expect or {}, log, raises, stderr))
        return fn
    return register


class NoError(RuntimeError):
    """A case that was supposed to fail ran without an error."""


def _capture_fd2(run: Callable[[], str]) -> tuple[str, str]:
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            text = run()
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        raw = tmp.read().decode("utf-8", "replace")
    # The panic line carries the OS thread id, e.g. "thread '<unnamed>' (18564) panicked";
    # it changes on every run, so it is the one thing normalised here.
    raw = re.sub(r"(thread '[^']*') \(\d+\)", r"\1 (1)", raw)
    return raw, text


def run_case(c: Case) -> str:
    """Run one case; return the text a user would paste (log output + traceback)."""
    buf = io.StringIO()
    handlers = [h for h in logging.getLogger("transformers").handlers
                if isinstance(h, logging.StreamHandler)]
    old_streams = [h.setStream(buf) for h in handlers]

    def show(message: Any, category: Any, filename: str, lineno: int, file: Any = None,
             line: str | None = None) -> None:
        buf.write(warnings.formatwarning(message, category, filename, lineno, line))

    def body() -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = show
            torch.manual_seed(0)
            random.seed(0)
            try:
                c.fn()
            except BaseException as exc:  # PanicException derives from BaseException
                if isinstance(exc, KeyboardInterrupt) or not c.raises:
                    raise
                tb = exc.__traceback__
                tb = tb.tb_next if tb is not None else None  # drop this harness frame
                return "".join(traceback.format_exception(type(exc), exc, tb))
        if c.raises:
            raise NoError(f"{c.id}: no error was raised")
        return ""

    try:
        if c.stderr:
            raw, tb_text = _capture_fd2(body)
        else:
            raw, tb_text = "", body()
    finally:
        for h, s in zip(handlers, old_streams, strict=True):
            h.setStream(s)
    text = buf.getvalue() + raw + tb_text
    if not text.strip():
        raise NoError(f"{c.id}: nothing was raised, logged or warned")
    return text


# ------------------------------------------------------------------------------------------------
# Fake training logs
# ------------------------------------------------------------------------------------------------


def _bar(rng: random.Random, done: int, total: int, unit: str = "it/s", prefix: str = "",
         rate: float | None = None) -> str:
    frac = done / total
    width = 10
    full = int(frac * width)
    blocks = "▏▎▍▌▋▊▉"
    part = blocks[int((frac * width - full) * len(blocks))] if full < width else ""
    bar = ("█" * full + part).ljust(width)
    rate = rng.uniform(1.5, 9.5) if rate is None else rate
    el = int(done / rate)
    left = int((total - done) / rate)
    return (f"{prefix}{int(frac * 100):3d}%|{bar}| {done}/{total} "
            f"[{el // 60:02d}:{el % 60:02d}<{left // 60:02d}:{left % 60:02d}, {rate:.2f}{unit}]")


def _trainer_log(rng: random.Random, text: str, model: str) -> str:
    steps = rng.choice([125, 250, 375, 1000])
    n = steps * 8
    lines = [
        f"Map: 100%|██████████| {n}/{n} [00:0{rng.randint(1, 9)}<00:00, "
        f"{rng.uniform(800, 5000):.2f} examples/s]",
        f"Some weights of {model} were not initialized from the model checkpoint at "
        "./checkpoints/base and are newly initialized: ['classifier.bias', 'classifier.weight']",
        "You should probably TRAIN this model on a down-stream task to be able to use it for "
        "predictions and inference.",
        "***** Running training *****",
        f"  Num examples = {n:,}",
        "  Num Epochs = 3",
        "  Instantaneous batch size per device = 8",
        "  Total train batch size (w. parallel, distributed & accumulation) = 8",
        "  Gradient Accumulation steps = 1",
        f"  Total optimization steps = {steps * 3:,}",
        f"  Number of trainable parameters = {rng.randint(100_000, 9_000_000):,}",
    ]
    done = rng.randint(3, steps - 1)
    rate = rng.uniform(2.0, 8.0)
    for k in range(1, done, max(1, done // 4)):
        lines.append(_bar(rng, k, steps * 3, rate=rate))
        if k > 1:
            lr = 5e-5 * (1 - k / (steps * 3))
            lines.append(f"{{'loss': {rng.uniform(0.3, 0.7):.4f}, 'grad_norm': "
                         f"{rng.uniform(0.5, 9):.4f}, 'learning_rate': {lr:.4e}, "
                         f"'epoch': {k / steps:.2f}}}")
    lines.append(_bar(rng, done, steps * 3, rate=rate))
    after = [
        "wandb: ",
        "wandb: 🚀 View run cosmic-river-17 at: https://wandb.ai/team/project/runs/3kq9x2ab",
        "wandb: Find logs at: wandb/run-20240311_140217-3kq9x2ab/logs",
    ]
    return "\n".join(lines) + "\n" + text + "\n".join(after) + "\n"


def _rank_log(rng: random.Random, text: str, model: str) -> str:
    pid = rng.randint(1000, 99999)
    before = [
        f"W0311 14:02:11.402000 {pid} torch/distributed/run.py:793] ",
        f"W0311 14:02:11.402000 {pid} torch/distributed/run.py:793] "
        "*****************************",
        f"W0311 14:02:11.402000 {pid} torch/distributed/run.py:793] Setting OMP_NUM_THREADS "
        "environment variable for each process to be 1 in default, to avoid your system being "
        "overloaded, please further tune the variable for optimal performance in your "
        "application as needed.",
        f"[rank0]:[W311 14:02:19.118{rng.randint(100, 999)} ProcessGroupNCCL.cpp:4561] "
        "[PG ID 0 PG GUID 0 Rank 0]  using GPU 0 to perform barrier as devices used by this "
        "process are currently unknown.",
        f"Epoch 1/3: {_bar(rng, rng.randint(2, 40), 250)}",
    ]
    ranked = "".join("[rank0]: " + line + "\n" for line in text.splitlines())
    after = [
        f"E0311 14:02:31.{rng.randint(100000, 999999)} {pid} torch/distributed/elastic/"
        f"multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 0 (pid: {pid + 1}) of "
        "binary: /usr/bin/python3",
        "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
        "============================================================",
        "train.py FAILED",
    ]
    return "\n".join(before) + "\n" + ranked + "\n".join(after) + "\n"


def _logging_log(rng: random.Random, text: str, model: str) -> str:
    t = rng.randint(0, 50)
    def stamp() -> str:
        return (f"2024-05-0{rng.randint(1, 9)} 09:{t:02d}:{rng.randint(10, 59)},"
                f"{rng.randint(100, 999)}")
    before = [
        f"{stamp()} - __main__ - INFO - Loading tokenizer and model from ./models/{model}",
        f"{stamp()} - __main__ - INFO - args: Namespace(batch_size=16, max_length=128, "
        "lr=2e-05, epochs=2, seed=42, fp16=False)",
        f"{stamp()} - __main__ - INFO - Read {rng.randint(2000, 9000)} rows from data/train.csv",
        f"{stamp()} - __main__ - WARNING - 37 rows have an empty 'text' field; dropping them",
        f"{stamp()} - __main__ - INFO - Starting epoch 1",
        _bar(rng, rng.randint(5, 90), 400, prefix="train: "),
        f"{stamp()} - __main__ - ERROR - batch {rng.randint(10, 99)} failed:",
    ]
    return "\n".join(before) + "\n" + text + f"{stamp()} - __main__ - INFO - shutting down\n"


def _eval_log(rng: random.Random, text: str, model: str) -> str:
    before = [
        "Loading checkpoint shards: 100%|██████████| 2/2 [00:03<00:00,  1.61s/it]",
        "Device set to use cpu",
        f"Evaluating {model} on 2,000 documents (max_length=512)",
        _bar(rng, rng.randint(2, 19), 20, unit="s/it", prefix="Evaluating: "),
    ]
    return "\n".join(before) + "\n" + text


LOG_STYLES: dict[str, Callable[[random.Random, str, str], str]] = {
    "trainer": _trainer_log,
    "rank": _rank_log,
    "logging": _logging_log,
    "eval": _eval_log,
}

# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------


def M(name: str, cls: Any = AutoModel, **overrides: Any) -> tuple[Any, Any]:
    """A fresh tiny model (eval mode) and a private copy of its zoo tokenizer."""
    config, tok = zoo.build(name)
    config = copy.deepcopy(config)
    for key, value in overrides.items():
        setattr(config, key, value)
    torch.manual_seed(0)
    return cls.from_config(config).eval(), copy.deepcopy(tok)


def ids(name: str, batch: int, length: int, seed: int = 0) -> torch.Tensor:
    """Ordinary (non-special) token ids of shape (batch, length) for ``name``'s vocabulary."""
    config, tok = zoo.build(name)
    if config.model_type == "canine":
        pool = torch.tensor([ord(ch) for ch in "abcdefghijklmnopqrstuvwxyz "])
    else:
        special = set(tok.all_special_ids)
        pool = torch.tensor([i for i in range(min(config.vocab_size, len(tok)))
                             if i not in special])
    g = torch.Generator().manual_seed(seed * 7919 + length)
    return pool[torch.randint(len(pool), (batch, length), generator=g)]


def text_of(n_words: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(zoo.corpus()).rstrip(".?!") for _ in range(n_words // 8 + 1))


def mask(batch: int, length: int) -> torch.Tensor:
    return torch.ones(batch, length, dtype=torch.long)


# ------------------------------------------------------------------------------------------------
# over_max_positions
# ------------------------------------------------------------------------------------------------


@case("pos-bert-raw-ids", "over_max_positions", model="bert", expect={"length": 80, "limit": 64},
      how="BertModel(input_ids) with 80 ids and no token_type_ids; table has 64 positions")
def _() -> None:
    m, _t = M("bert")
    m(input_ids=ids("bert", 1, 80))


@case("pos-bert-tokenizer-output", "over_max_positions", model="bert",
      expect={"length": 310, "limit": 64},
      how="BertModel(**tokenizer(two long texts, padding=True)) without truncation, batch 2")
def _() -> None:
    m, tok = M("bert")
    batch = tok([text_of(150, 1), text_of(60, 2)], padding=True, return_tensors="pt")
    m(**batch)


@case("pos-bert-pipeline", "over_max_positions", model="bert",
      expect={"length": 336, "limit": 64},
      how="text-classification pipeline on a 160-word text, no truncation",
      log="eval")
def _() -> None:
    m, tok = M("bert", AutoModelForSequenceClassification)
    pipe = transformers.pipeline("text-classification", model=m, tokenizer=tok)
    pipe(text_of(160, 3))


@case("pos-gpt2-causal", "over_max_positions", model="gpt2",
      how="GPT2LMHeadModel(input_ids, labels=input_ids) with 100 tokens; wpe has 64 rows",
      log="trainer")
def _() -> None:
    m, _t = M("gpt2", AutoModelForCausalLM)
    x = ids("gpt2", 1, 100)
    m(input_ids=x, labels=x)


@case("pos-distilbert-batch4", "over_max_positions", model="distilbert",
      expect={"length": 130, "limit": 64}, log="rank",
      how="DistilBertForSequenceClassification on a batch of 4 x 130 ids")
def _() -> None:
    m, _t = M("distilbert", AutoModelForSequenceClassification)
    m(input_ids=ids("distilbert", 4, 130), attention_mask=mask(4, 130))


@case("pos-roberta", "over_max_positions", model="roberta", expect={"limit": 66},
      how="RobertaModel with 70 ids; positions start at pad_token_id+1=2, table 66 rows")
def _() -> None:
    m, _t = M("roberta")
    m(input_ids=ids("roberta", 1, 70))


@case("pos-xlm-roberta-cls", "over_max_positions", model="xlm-roberta", expect={"limit": 66},
      how="XLMRobertaForSequenceClassification, batch 3 x 200 ids", log="logging")
def _() -> None:
    m, _t = M("xlm-roberta", AutoModelForSequenceClassification)
    m(input_ids=ids("xlm-roberta", 3, 200), attention_mask=mask(3, 200))


@case("pos-deberta-v2", "over_max_positions", model="deberta-v2",
      expect={"length": 65, "limit": 64},
      how="DebertaV2Model (position_biased_input=True) with 65 ids: one over")
def _() -> None:
    m, _t = M("deberta-v2")
    m(input_ids=ids("deberta-v2", 1, 65))


@case("pos-reformer", "over_max_positions", model="reformer",
      expect={"length": 72, "limit": 64},
      how="ReformerModel (eval) with 65 ids; padded to the chunk multiple 72 before the check")
def _() -> None:
    m, _t = M("reformer")
    m(input_ids=ids("reformer", 1, 65))


@case("pos-gptj", "over_max_positions", model="gptj", expect={"limit": 64},
      how="GPTJModel with 90 ids; sinusoidal table embed_positions has 64 rows")
def _() -> None:
    m, _t = M("gptj")
    m(input_ids=ids("gptj", 2, 90))


@case("pos-codegen-causal", "over_max_positions", model="codegen", expect={"limit": 64},
      how="CodeGenForCausalLM with labels, 128 tokens")
def _() -> None:
    m, _t = M("codegen", AutoModelForCausalLM)
    x = ids("codegen", 1, 128)
    m(input_ids=x, labels=x)


@case("pos-ctrl", "over_max_positions", model="ctrl", expect={"limit": 64},
      how="CTRLModel with 70 ids")
def _() -> None:
    m, _t = M("ctrl")
    m(input_ids=ids("ctrl", 1, 70))


@case("pos-bart-encoder", "over_max_positions", model="bart",
      how="BartForConditionalGeneration: 100-token source, short labels", log="trainer")
def _() -> None:
    m, _t = M("bart", AutoModelForSeq2SeqLM)
    m(input_ids=ids("bart", 2, 100), attention_mask=mask(2, 100), labels=ids("bart", 2, 12))


@case("pos-pegasus-encoder", "over_max_positions", model="pegasus",
      how="PegasusForConditionalGeneration with a 65-token source (one over)")
def _() -> None:
    m, _t = M("pegasus", AutoModelForSeq2SeqLM)
    m(input_ids=ids("pegasus", 1, 65), labels=ids("pegasus", 1, 8))


@case("pos-marian-encoder", "over_max_positions", model="marian",
      how="MarianMTModel with a 150-token source, batch 2")
def _() -> None:
    m, _t = M("marian", AutoModelForSeq2SeqLM)
    m(input_ids=ids("marian", 2, 150), labels=ids("marian", 2, 10))


@case("pos-opt", "over_max_positions", model="opt",
      how="OPTForCausalLM with 80 tokens (tokenizer has the 1e30 sentinel, so nothing warned)")
def _() -> None:
    m, _t = M("opt", AutoModelForCausalLM)
    m(input_ids=ids("opt", 1, 80))


@case("pos-mbart-labels", "over_max_positions", model="mbart", log="trainer",
      how="MBartForConditionalGeneration: short source but 90-token labels (decoder positions)")
def _() -> None:
    m, _t = M("mbart", AutoModelForSeq2SeqLM)
    m(input_ids=ids("mbart", 2, 20), labels=ids("mbart", 2, 90))


@case("pos-led-decoder", "over_max_positions", model="led",
      how="LEDForConditionalGeneration: encoder fine (48), labels 40 > 32 decoder positions")
def _() -> None:
    m, _t = M("led", AutoModelForSeq2SeqLM)
    m(input_ids=ids("led", 1, 48), labels=ids("led", 1, 40))


@case("pos-albert", "over_max_positions", model="albert", expect={"length": 257, "limit": 64},
      how="AlbertModel with 257 ids")
def _() -> None:
    m, _t = M("albert")
    m(input_ids=ids("albert", 1, 257))


@case("pos-mpt", "over_max_positions", model="mpt", expect={"length": 65, "limit": 64},
      how="MptForCausalLM with 65 ids (ALiBi model with a max_seq_len check in the bias)")
def _() -> None:
    m, _t = M("mpt", AutoModelForCausalLM)
    m(input_ids=ids("mpt", 1, 65))


@case("pos-canine", "over_max_positions", model="canine", expect={"length": 100, "limit": 64},
      how="CanineModel with 100 characters")
def _() -> None:
    m, _t = M("canine")
    m(input_ids=ids("canine", 1, 100))


@case("pos-big-bird", "over_max_positions", model="big_bird",
      expect={"length": 96, "limit": 64},
      how="BigBirdModel (block_sparse) with 96 ids")
def _() -> None:
    m, _t = M("big_bird")
    m(input_ids=ids("big_bird", 1, 96))


@case("pos-esm-absolute", "over_max_positions", model="esm-absolute",
      how="EsmModel with absolute positions, 120 residues")
def _() -> None:
    m, _t = M("esm-absolute")
    m(input_ids=ids("esm-absolute", 1, 120))


@case("pos-mobilebert", "over_max_positions", model="mobilebert",
      expect={"length": 75, "limit": 64}, log="logging",
      how="MobileBertForSequenceClassification with batch 8 x 75")
def _() -> None:
    m, _t = M("mobilebert", AutoModelForSequenceClassification)
    m(input_ids=ids("mobilebert", 8, 75), attention_mask=mask(8, 75))


@case("pos-prophetnet-decoder", "over_max_positions", model="prophetnet",
      how="ProphetNetForConditionalGeneration with 70-token labels (decoder side)")
def _() -> None:
    m, _t = M("prophetnet", AutoModelForSeq2SeqLM)
    m(input_ids=ids("prophetnet", 1, 20), labels=ids("prophetnet", 1, 70))


@case("pos-jit-traced-bert", "over_max_positions", model="bert",
      how="torch.jit.trace(BertModel) at length 16, then called with 80 ids (> 64 positions)")
def _() -> None:
    m, _t = M("bert")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traced = torch.jit.trace(m, (ids("bert", 1, 16),), strict=False)
    traced(ids("bert", 1, 80))


# ------------------------------------------------------------------------------------------------
# token_id_out_of_vocab
# ------------------------------------------------------------------------------------------------


@case("vocab-added-tokens-no-resize", "token_id_out_of_vocab", model="bert",
      how="tokenizer.add_tokens(['<chem>', '</chem>']) without model.resize_token_embeddings")
def _() -> None:
    m, tok = M("bert", AutoModelForSequenceClassification)
    tok.add_tokens(["<chem>", "</chem>"])
    m(**tok(["the <chem> model </chem> is small"], return_tensors="pt"))


@case("vocab-gpt2-added-pad", "token_id_out_of_vocab", model="gpt2", log="trainer",
      how="GPT-2: add_special_tokens({'pad_token': '[PAD]'}) without resize, padded batch")
def _() -> None:
    m, tok = M("gpt2", AutoModelForCausalLM)
    tok.add_special_tokens({"pad_token": "[PAD]"})
    batch = tok([text_of(20, 4), text_of(6, 5)], padding=True, return_tensors="pt")
    m(**batch, labels=batch["input_ids"])


@case("vocab-foreign-tokenizer", "token_id_out_of_vocab", model="t5",
      how="T5 model (310 rows) fed ids from the llama tokenizer (556 tokens)")
def _() -> None:
    m, _t = M("t5", AutoModelForSeq2SeqLM)
    _c, llama_tok = zoo.build("llama")
    enc = llama_tok(["Alice reads the long book in the garden on Monday"] * 2,
                    return_tensors="pt")
    m(**enc, labels=enc["input_ids"][:, :5])


@case("vocab-off-by-one", "token_id_out_of_vocab", model="llama",
      how="LlamaForCausalLM: ids include vocab_size itself (an off-by-one id), batch 4")
def _() -> None:
    m, _t = M("llama", AutoModelForCausalLM)
    x = ids("llama", 4, 24)
    x[2, 7] = m.config.vocab_size
    m(input_ids=x)


@case("vocab-negative-ids", "token_id_out_of_vocab", model="roberta",
      how="-100 label padding copied into input_ids (ids outside [0, vocab))")
def _() -> None:
    m, _t = M("roberta", AutoModelForTokenClassification)
    x = ids("roberta", 2, 16)
    x[1, 10:] = -100
    m(input_ids=x)


# ------------------------------------------------------------------------------------------------
# token_type_out_of_range
# ------------------------------------------------------------------------------------------------


@case("tt-roberta-pair", "token_type_out_of_range", model="roberta",
      how="RobertaForSequenceClassification given token_type_ids (0/1) from a BERT pair encoding; "
          "type_vocab_size=1")
def _() -> None:
    m, _t = M("roberta", AutoModelForSequenceClassification)
    _c, bert_tok = zoo.build("bert")
    enc = bert_tok(["is the model small"], ["the model is tiny"], return_tensors="pt")
    m(input_ids=ids("roberta", 1, enc["input_ids"].shape[1]),
      token_type_ids=enc["token_type_ids"], attention_mask=enc["attention_mask"])


@case("tt-camembert-manual", "token_type_out_of_range", model="camembert", log="logging",
      how="CamembertModel with hand-built segment ids [0]*8+[1]*8, batch 2")
def _() -> None:
    m, _t = M("camembert")
    tt = torch.tensor([[0] * 8 + [1] * 8] * 2)
    m(input_ids=ids("camembert", 2, 16), token_type_ids=tt)


@case("tt-bert-three-segments", "token_type_out_of_range", model="bert",
      how="BertModel with token_type_ids up to 2 (three segments) but type_vocab_size=2")
def _() -> None:
    m, _t = M("bert")
    tt = torch.tensor([[0] * 6 + [1] * 6 + [2] * 6])
    m(input_ids=ids("bert", 1, 18), token_type_ids=tt)


# ------------------------------------------------------------------------------------------------
# unexpected_token_type_ids  (forward() swallows it in transformers 5; generate() still refuses)
# ------------------------------------------------------------------------------------------------


@case("tti-llama-generate", "unexpected_token_type_ids", model="llama",
      how="LlamaForCausalLM.generate(**bert-style encoding incl. token_type_ids)")
def _() -> None:
    m, _t = M("llama", AutoModelForCausalLM)
    x = ids("llama", 1, 6)
    m.generate(input_ids=x, attention_mask=mask(1, 6), token_type_ids=torch.zeros_like(x),
               max_new_tokens=4)


@case("tti-bart-generate", "unexpected_token_type_ids", model="bart", log="eval",
      how="BartForConditionalGeneration.generate with token_type_ids, batch 2")
def _() -> None:
    m, _t = M("bart", AutoModelForSeq2SeqLM)
    x = ids("bart", 2, 10)
    m.generate(input_ids=x, token_type_ids=torch.zeros_like(x), max_new_tokens=4)


@case("tti-t5-generate", "unexpected_token_type_ids", model="t5",
      how="T5ForConditionalGeneration.generate(**BertTokenizer(...)) (token_type_ids included)")
def _() -> None:
    m, _t = M("t5", AutoModelForSeq2SeqLM)
    _c, bert_tok = zoo.build("bert")
    enc = bert_tok(["the model is small"], return_tensors="pt")
    m.generate(**enc, max_new_tokens=3)


# ------------------------------------------------------------------------------------------------
# ragged_batch_no_padding
# ------------------------------------------------------------------------------------------------


@case("ragged-fast-tokenizer", "ragged_batch_no_padding", model="bert",
      how="tokenizer(3 texts of different lengths, return_tensors='pt') without padding")
def _() -> None:
    _c, tok = zoo.build("bert")
    tok([text_of(8, 1), text_of(30, 2), text_of(12, 3)], return_tensors="pt")


@case("ragged-python-tokenizer", "ragged_batch_no_padding", model="ctrl",
      how="CTRLTokenizer (python backend), 2 texts, return_tensors='pt', no padding")
def _() -> None:
    _c, tok = zoo.build("ctrl")
    tok(["the model", "the model is a long one"], return_tensors="pt")


@case("ragged-torch-tensor", "ragged_batch_no_padding", model="bert",
      expect={}, how="torch.tensor(tokenizer(texts)['input_ids']) on unpadded lists")
def _() -> None:
    _c, tok = zoo.build("bert")
    enc = tok([text_of(16, 4), text_of(40, 5)])
    torch.tensor(enc["input_ids"])


@case("ragged-default-collate", "ragged_batch_no_padding", model="distilbert", log="trainer",
      how="DataLoader(batch_size=4) default_collate over per-example tensors of varying length")
def _() -> None:
    _c, tok = zoo.build("distilbert")
    data = [{k: torch.tensor(v) for k, v in tok(text_of(n, n)).items()} for n in (5, 9, 14, 7)]
    loader = torch.utils.data.DataLoader(data, batch_size=4)
    next(iter(loader))


@case("ragged-default-data-collator", "ragged_batch_no_padding", model="bert",
      how="transformers.default_data_collator on tokenized features of different lengths")
def _() -> None:
    _c, tok = zoo.build("bert")
    feats = [dict(tok(text_of(n, n)), label=n % 2) for n in (10, 25)]
    default_data_collator(feats)


# ------------------------------------------------------------------------------------------------
# missing_pad_token
# ------------------------------------------------------------------------------------------------


@case("pad-gpt2-tokenizer", "missing_pad_token", model="gpt2",
      how="GPT-2 tokenizer(texts, padding=True) with no pad token")
def _() -> None:
    _m, tok = M("gpt2")
    tok([text_of(5, 1), text_of(20, 2)], padding=True, return_tensors="pt")


@case("pad-llama-tokenizer", "missing_pad_token", model="llama",
      how="Llama tokenizer(texts, padding='longest', truncation=True, max_length=32), no pad")
def _() -> None:
    _m, tok = M("llama")
    tok([text_of(5, 1), text_of(20, 2)], padding="longest", truncation=True, max_length=32)


@case("pad-gpt2-seqcls", "missing_pad_token", model="gpt2", log="trainer",
      how="GPT2ForSequenceClassification forward with batch 4 and config.pad_token_id=None")
def _() -> None:
    m, _t = M("gpt2", AutoModelForSequenceClassification)
    m(input_ids=ids("gpt2", 4, 12), labels=torch.tensor([0, 1, 1, 0]))


@case("pad-collator-clm", "missing_pad_token", model="codegen",
      how="DataCollatorForLanguageModeling(mlm=False) with a CodeGen tokenizer without pad token")
def _() -> None:
    _m, tok = M("codegen")
    collate = DataCollatorForLanguageModeling(tok, mlm=False)
    collate([tok(text_of(9, 1)), tok(text_of(17, 2))])


@case("pad-collator-with-padding-loop", "missing_pad_token", model="gpt_neo", log="logging",
      how="DataLoader(collate_fn=DataCollatorWithPadding(gpt-neo tokenizer)) in a loop")
def _() -> None:
    _m, tok = M("gpt_neo")
    feats = [dict(tok(text_of(n, n)), label=n % 2) for n in (6, 11, 15, 4)]
    loader = torch.utils.data.DataLoader(feats, batch_size=2,
                                         collate_fn=DataCollatorWithPadding(tok))
    for _batch in loader:
        pass


# ------------------------------------------------------------------------------------------------
# shape_mismatch
# ------------------------------------------------------------------------------------------------


@case("mask-passed-twice", "shape_mismatch", model="bert",
      how="BertModel(input_ids, attention_mask, attention_mask=attention_mask)")
def _() -> None:
    m, _t = M("bert")
    x = ids("bert", 2, 20)
    m(x, mask(2, 20), attention_mask=mask(2, 20))


@case("mask-shorter-opt", "shape_mismatch", model="opt",
      how="OPTModel: input_ids 2x20 with an attention_mask of 2x16")
def _() -> None:
    m, _t = M("opt")
    m(input_ids=ids("opt", 2, 20), attention_mask=mask(2, 16))


@case("mask-shorter-bloom", "shape_mismatch", model="bloom", log="eval",
      how="BloomModel: input_ids 2x20, attention_mask 2x16")
def _() -> None:
    m, _t = M("bloom")
    m(input_ids=ids("bloom", 2, 20), attention_mask=mask(2, 16))


@case("mask-batch-deberta", "shape_mismatch", model="deberta-v2",
      how="DebertaV2Model: input_ids batch 2, attention_mask batch 3")
def _() -> None:
    m, _t = M("deberta-v2")
    m(input_ids=ids("deberta-v2", 2, 20), attention_mask=mask(3, 20))


@case("mask-longer-xlnet", "shape_mismatch", model="xlnet",
      how="XLNetModel: input_ids 1x30, attention_mask 1x32 (mask from another batch)")
def _() -> None:
    m, _t = M("xlnet")
    m(input_ids=ids("xlnet", 1, 30), attention_mask=mask(1, 32))


@case("labels-batch-seqcls", "shape_mismatch", model="roberta",
      how="RobertaForSequenceClassification, batch of 2 inputs with 3 labels")
def _() -> None:
    m, _t = M("roberta", AutoModelForSequenceClassification)
    m(input_ids=ids("roberta", 2, 20), labels=torch.tensor([0, 1, 1]))


# ------------------------------------------------------------------------------------------------
# bad_attention_mask
# ------------------------------------------------------------------------------------------------


@case("mask-missing-deberta", "bad_attention_mask", model="deberta", raises=False,
      how="DebertaModel on a right-padded batch without attention_mask (warning only)")
def _() -> None:
    m, tok = M("deberta")
    batch = tok([text_of(4, 6), text_of(12, 7)], padding=True, return_tensors="pt")
    m(input_ids=batch["input_ids"])


@case("mask-missing-generate-gpt2", "bad_attention_mask", model="gpt2", raises=False, log="eval",
      how="GPT-2 batched generate from input_ids alone, no pad token set (warning only)")
def _() -> None:
    m, _t = M("gpt2", AutoModelForCausalLM)
    m.generate(input_ids=ids("gpt2", 2, 6), max_new_tokens=2)


# ------------------------------------------------------------------------------------------------
# label_alignment
# ------------------------------------------------------------------------------------------------


@case("labels-word-level-tokcls", "label_alignment", model="bert",
      how="BertForTokenClassification: word-level labels (2x14) for word-piece ids (2x20)")
def _() -> None:
    m, _t = M("bert", AutoModelForTokenClassification, num_labels=5)
    m(input_ids=ids("bert", 2, 20), labels=torch.zeros(2, 14, dtype=torch.long))


@case("labels-word-level-roberta-log", "label_alignment", model="roberta", log="trainer",
      how="RobertaForTokenClassification, batch 1: 9 word labels for 37 tokens")
def _() -> None:
    m, _t = M("roberta", AutoModelForTokenClassification, num_labels=7)
    m(input_ids=ids("roberta", 1, 37), labels=torch.arange(9).unsqueeze(0) % 7)


@case("labels-collator-tokcls", "label_alignment", model="bert",
      how="DataCollatorForTokenClassification with labels longer than input_ids (6 vs 4)")
def _() -> None:
    _m, tok = M("bert")
    collate = DataCollatorForTokenClassification(tok)
    collate([{"input_ids": [2, 15, 16, 3], "labels": [0, 1, 2, 0, 0, 1]},
             {"input_ids": [2, 15, 3], "labels": [0, 1, 0]}])


# ------------------------------------------------------------------------------------------------
# generation_length
# ------------------------------------------------------------------------------------------------


@case("gen-max-length-below-input", "generation_length", model="gpt2",
      expect={"length": 20, "limit": 10},
      how="GPT2LMHeadModel.generate(20-token prompt, max_length=10)")
def _() -> None:
    m, _t = M("gpt2", AutoModelForCausalLM)
    m.generate(input_ids=ids("gpt2", 1, 20), max_length=10)


@case("gen-past-position-table-gpt2", "generation_length", model="gpt2", expect={"limit": 64},
      how="GPT-2 generate: 30-token prompt + max_new_tokens=50 > 64 positions", log="eval")
def _() -> None:
    m, _t = M("gpt2", AutoModelForCausalLM)
    m.generate(input_ids=ids("gpt2", 1, 30), max_new_tokens=50, do_sample=False)


@case("gen-past-position-table-opt", "generation_length", model="opt",
      how="OPT generate: batch 2 x 40-token prompt + max_new_tokens=40")
def _() -> None:
    m, _t = M("opt", AutoModelForCausalLM)
    m.generate(input_ids=ids("opt", 2, 40), attention_mask=mask(2, 40), max_new_tokens=40,
               do_sample=False)


@case("gen-bart-max-length", "generation_length", model="bart", expect={"limit": 64},
      how="BART generate(max_length=100, min_length=90) > 64 decoder positions")
def _() -> None:
    m, _t = M("bart", AutoModelForSeq2SeqLM)
    m.generate(input_ids=ids("bart", 1, 12), max_length=100, min_length=90, num_beams=1)


@case("gen-both-lengths-warning", "generation_length", model="gpt2", raises=False,
      expect={"limit": 12},
      how="generate(max_new_tokens=5, max_length=12): warning only, no exception")
def _() -> None:
    m, _t = M("gpt2", AutoModelForCausalLM)
    m.generate(input_ids=ids("gpt2", 1, 10), max_new_tokens=5, max_length=12)


# ------------------------------------------------------------------------------------------------
# padding_side
# ------------------------------------------------------------------------------------------------


@case("padside-gpt2-right", "padding_side", model="gpt2", raises=False,
      how="GPT-2 batched generate with pad=eos and the default right padding (warning only)")
def _() -> None:
    m, tok = M("gpt2", AutoModelForCausalLM)
    tok.pad_token = tok.eos_token
    m.generation_config.pad_token_id = tok.eos_token_id
    batch = tok([text_of(4, 1), text_of(14, 2)], padding=True, return_tensors="pt")
    m.generate(**batch, max_new_tokens=3)


@case("padside-qwen2-right-log", "padding_side", model="qwen2", raises=False, log="eval",
      how="Qwen2 batched generate, tokenizer padding_side='right' (warning only)")
def _() -> None:
    m, tok = M("qwen2", AutoModelForCausalLM)
    tok.padding_side = "right"
    batch = tok([text_of(3, 3), text_of(16, 4), text_of(9, 5)], padding=True,
                return_tensors="pt")
    m.generate(**batch, max_new_tokens=2)


# ------------------------------------------------------------------------------------------------
# pair_truncation
# ------------------------------------------------------------------------------------------------


@case("pair-only-second-fast", "pair_truncation", model="bert",
      how="fast BertTokenizer(question of ~60 tokens, short context, truncation='only_second', "
          "max_length=20)")
def _() -> None:
    _c, tok = zoo.build("bert")
    tok(text_of(60, 1), "the model is small", truncation="only_second", max_length=20)


@case("pair-only-first-fast", "pair_truncation", model="roberta", log="logging",
      how="fast RobertaTokenizer pairs, truncation='only_first' with a long second text, batch 2")
def _() -> None:
    _c, tok = zoo.build("roberta")
    tok(["is it small", "why"], [text_of(50, 2), text_of(70, 3)], truncation="only_first",
        max_length=24)


@case("pair-only-second-batch", "pair_truncation", model="deberta-v2",
      how="DebertaV2 tokenizer, batch of 3 pairs, one first text longer than max_length=32")
def _() -> None:
    _c, tok = zoo.build("deberta-v2")
    tok([text_of(5, 1), text_of(80, 2), text_of(6, 3)],
        [text_of(30, 4), text_of(30, 5), text_of(30, 6)],
        truncation="only_second", max_length=32, padding=True)


# ------------------------------------------------------------------------------------------------
# stride_overflow
# ------------------------------------------------------------------------------------------------


@case("stride-rust-panic", "stride_overflow", model="bert", stderr=True,
      expect={"limit": 18},
      how="fast tokenizer, max_length=20, stride=18 (== 20 - 2 specials), overflowing tokens: "
          "Rust panic (stderr captured; the panic's thread id normalised to 1)")
def _() -> None:
    _c, tok = zoo.build("bert")
    tok(text_of(60, 1), truncation=True, max_length=20, stride=18,
        return_overflowing_tokens=True)


@case("stride-transformers-check", "stride_overflow", model="bert",
      expect={"limit": 18},
      how="fast tokenizer, max_length=20, stride=20: transformers' own check")
def _() -> None:
    _c, tok = zoo.build("bert")
    tok(text_of(60, 1), truncation=True, max_length=20, stride=20,
        return_overflowing_tokens=True)


@case("stride-pair-panic-log", "stride_overflow", model="roberta", stderr=True, log="trainer",
      how="RoBERTa QA-style preprocessing: pairs, truncation='only_second', max_length=32, "
          "stride=24 == 32 - 4 question tokens - 4 specials (Rust panic, thread id normalised)")
def _() -> None:
    _c, tok = zoo.build("roberta")
    tok(["is the model small"], [text_of(80, 2)], truncation="only_second", max_length=32,
        stride=24,
        return_overflowing_tokens=True, return_offsets_mapping=True, padding="max_length")


# ------------------------------------------------------------------------------------------------
# model_max_length_sentinel
# ------------------------------------------------------------------------------------------------


@case("sentinel-truncate-to-model-max", "model_max_length_sentinel", model="gpt_neox",
      how="tokenizer(texts, truncation=True, max_length=tokenizer.model_max_length) where it is "
          "int(1e30)")
def _() -> None:
    _c, tok = zoo.build("gpt_neox")
    tok([text_of(10, 1)], truncation=True, max_length=tok.model_max_length)


@case("sentinel-pad-to-model-max", "model_max_length_sentinel", model="xlnet",
      how="padding='max_length', max_length=tokenizer.model_max_length (int(1e30))")
def _() -> None:
    _c, tok = zoo.build("xlnet")
    tok([text_of(10, 1), text_of(3, 2)], padding="max_length", max_length=tok.model_max_length)


@case("sentinel-pad-max-length-silently-skipped", "model_max_length_sentinel", model="bloom",
      how="padding='max_length' with no max_length on a 1e30-sentinel tokenizer: padding is "
          "silently skipped, so return_tensors='pt' hits the ragged-batch error")
def _() -> None:
    _c, tok = zoo.build("bloom")
    tok([text_of(10, 1), text_of(3, 2)], padding="max_length", return_tensors="pt")


@case("sentinel-arange", "model_max_length_sentinel", model="llama",
      how="torch.arange(tokenizer.model_max_length) to build position ids")
def _() -> None:
    _c, tok = zoo.build("llama")
    torch.arange(tok.model_max_length)


@case("sentinel-numpy-buffer", "model_max_length_sentinel", model="gemma",
      how="np.zeros((n, tokenizer.model_max_length), dtype=np.int64) as a padded buffer")
def _() -> None:
    import numpy as np
    _c, tok = zoo.build("gemma")
    np.zeros((4, tok.model_max_length), dtype=np.int64)


# ------------------------------------------------------------------------------------------------
# export_fixed_length
# ------------------------------------------------------------------------------------------------


@case("export-guard", "export_fixed_length", model="bert", expect={"limit": 16},
      how="torch.export.export(BertModel) on a (1, 16) example, module() called with (1, 24)")
def _() -> None:
    m, _t = M("bert")
    program = torch.export.export(m, (ids("bert", 1, 16),))
    program.module()(ids("bert", 1, 24))


@case("export-guard-gpt2-log", "export_fixed_length", model="gpt2", expect={"limit": 32},
      log="logging",
      how="torch.export.export(GPT2Model) on (2, 32) input_ids, then called with (2, 48)")
def _() -> None:
    m, _t = M("gpt2")
    m.config.use_cache = False
    program = torch.export.export(m, (ids("gpt2", 2, 32),))
    program.module()(ids("gpt2", 2, 48))


# ------------------------------------------------------------------------------------------------
# length_multiple_constraint
# ------------------------------------------------------------------------------------------------


@case("multiple-reformer-train", "length_multiple_constraint", model="reformer",
      expect={"length": 40, "limit": 64},
      how="ReformerModelWithLMHead in train mode with 40 tokens (axial shape 8x8)")
def _() -> None:
    m, _t = M("reformer", AutoModelForCausalLM, is_decoder=True)
    m.train()
    x = ids("reformer", 1, 40)
    m(input_ids=x, labels=x)


@case("multiple-longformer-odd-window", "length_multiple_constraint", model="longformer",
      how="LongformerModel built with attention_window=[7, 7] (odd)")
def _() -> None:
    m, _t = M("longformer", attention_window=[7, 7])
    m(input_ids=ids("longformer", 1, 20))


@case("min-funnel-too-short", "under_min_length", model="funnel",
      how="FunnelModel on a 3-token input (pooling blocks need more)")
def _() -> None:
    m, _t = M("funnel")
    m(input_ids=ids("funnel", 1, 3))


@case("min-canine-too-short", "under_min_length", model="canine",
      how="CanineModel on 2 characters (downsampling_rate=4)")
def _() -> None:
    m, _t = M("canine")
    m(input_ids=ids("canine", 1, 2))


@case("multiple-nystromformer-landmarks", "length_multiple_constraint",
      model="nystromformer-landmarks",
      how="Nystromformer with num_landmarks=8 on 40 tokens (length must be a landmark multiple)")
def _() -> None:
    m, _t = M("nystromformer-landmarks")
    m(input_ids=ids("nystromformer-landmarks", 1, 40))


@case("multiple-big-bird-fallback-warning", "length_multiple_constraint", model="big_bird",
      raises=False, expect={"length": 20, "limit": 36},
      how="BigBird block_sparse on 20 tokens: falls back to full attention (warning only)")
def _() -> None:
    m, _t = M("big_bird")
    m(input_ids=ids("big_bird", 1, 20))


# ------------------------------------------------------------------------------------------------
# map_column_length_mismatch
# ------------------------------------------------------------------------------------------------


def _dataset(n: int) -> Any:
    import datasets
    datasets.disable_progress_bars()
    return datasets.Dataset.from_dict({
        "id": list(range(n)),
        "text": [text_of(30 + (i * 37) % 90, i) for i in range(n)],
        "label": [i % 3 for i in range(n)],
    })


@case("map-overflow-columns", "map_column_length_mismatch", model="bert",
      how="datasets.map(batched=True) with return_overflowing_tokens=True, max_length=32, "
          "original columns kept")
def _() -> None:
    _c, tok = zoo.build("bert")
    _dataset(60).map(lambda b: tok(b["text"], truncation=True, max_length=32,
                                   return_overflowing_tokens=True), batched=True)


@case("map-overflow-columns-stride-log", "map_column_length_mismatch", model="roberta",
      log="trainer",
      how="datasets.map(batched=True, batch_size=16) with overflow + stride=8, max_length=24")
def _() -> None:
    _c, tok = zoo.build("roberta")
    _dataset(40).map(lambda b: tok(b["text"], truncation=True, max_length=24, stride=8,
                                   return_overflowing_tokens=True),
                     batched=True, batch_size=16)


# ------------------------------------------------------------------------------------------------
# label_out_of_range and truncation_padding_options
# ------------------------------------------------------------------------------------------------


@case("labels-class-out-of-range", "label_out_of_range", model="bert",
      how="BertForSequenceClassification (num_labels=2) trained with a label 7")
def _() -> None:
    m, _t = M("bert", AutoModelForSequenceClassification)
    m(input_ids=ids("bert", 2, 8), labels=torch.tensor([1, 7]))


@case("labels-class-out-of-range-log", "label_out_of_range", model="distilbert", log="trainer",
      how="DistilBertForSequenceClassification (num_labels=2) with labels 0..4 in a training log")
def _() -> None:
    m, _t = M("distilbert", AutoModelForSequenceClassification)
    m(input_ids=ids("distilbert", 4, 8), labels=torch.tensor([0, 4, 2, 1]))


@case("options-max-length-ignored", "truncation_padding_options", model="bert",
      raises=False,
      how="tokenizer(texts, padding=True, max_length=8) without truncation (warning only)")
def _() -> None:
    _m, tok = M("bert")
    tok([text_of(20, 3), text_of(5, 4)], padding=True, max_length=8)


@case("options-not-a-multiple", "truncation_padding_options", model="bert",
      how="tokenizer(..., padding='max_length', truncation=True, max_length=10, "
          "pad_to_multiple_of=8)")
def _() -> None:
    _m, tok = M("bert")
    tok([text_of(20, 3)], padding="max_length", truncation=True, max_length=10,
        pad_to_multiple_of=8)


# ------------------------------------------------------------------------------------------------
# unknown: errors that are NOT length errors
# ------------------------------------------------------------------------------------------------


@case("unknown-keyerror-max-new-tokens", "unknown", model=None,
      how="a generation settings dict read with a key it lacks")
def _() -> None:
    settings: dict[str, int] = {"max_length": 20}
    print(settings["max_new_tokens"])


@case("unknown-unpack", "unknown", model=None,
      how="a user's tuple unpacking of a 3-tuple into 2 names")
def _() -> None:
    row = (1, 2, 3)
    _first, _second = row  # type: ignore[misc]


@case("unknown-tensor-index", "unknown", model=None,
      how="torch.zeros(5)[10] in user code: a plain index past a small tensor")
def _() -> None:
    torch.zeros(5)[10]


@case("unknown-numpy-int", "unknown", model=None,
      how="numpy array from a Python int too large for int64")
def _() -> None:
    import numpy as np

    np.array([2 ** 70], dtype=np.int64)


@case("unknown-keyerror-label", "unknown", model=None,
      how="user code: label2id['Neutral'] with a missing key while building a dataset")
def _() -> None:
    label2id = {"negative": 0, "neutral": 1, "positive": 2}
    rows = [{"text": "ok", "label": "neutral"}, {"text": "meh", "label": "Neutral"}]
    [label2id[r["label"]] for r in rows]


@case("unknown-file-not-found", "unknown", model=None,
      how="open('data/train_512.jsonl') that does not exist")
def _() -> None:
    with open(ROOT / "data" / "train_512.jsonl", encoding="utf-8") as fh:
        fh.read()


@case("unknown-user-linear", "unknown", model="bert", log="logging",
      how="user head nn.Linear(768, 2) on a 32-dim tiny-BERT pooled output")
def _() -> None:
    m, _t = M("bert")
    head = torch.nn.Linear(768, 2)
    out = m(input_ids=ids("bert", 8, 16))
    head(out.pooler_output)


@case("unknown-import", "unknown", model=None,
      how="from transformers import a name that does not exist")
def _() -> None:
    exec("from transformers import BertForLongSequenceClassification", {})


@case("unknown-list-index", "unknown", model=None,
      how="user code: predictions[512] on a list of 512 (an IndexError that is not the model's)")
def _() -> None:
    predictions = [0] * 512
    predictions[512]


@case("unknown-float-ids", "unknown", model="bert",
      how="input_ids passed as a float tensor")
def _() -> None:
    m, _t = M("bert")
    m(input_ids=ids("bert", 1, 12).float())


@case("unknown-training-args-kwarg", "unknown", model=None,
      how="TrainingArguments(evaluation_strategy=...) removed in transformers 5")
def _() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        transformers.TrainingArguments(output_dir=tmp, evaluation_strategy="epoch")


# ------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------


def _check(c: Case) -> None:
    if c.code not in CODES:
        raise ValueError(f"{c.id}: unknown code {c.code!r}")


CODES = tuple(code for code in get_args(Code) if code not in SEQFIT_ONLY)


def main() -> int:
    transformers.logging.set_verbosity_warning()
    seen: set[str] = set()
    records = []
    failed: list[str] = []
    for c in CASES:
        _check(c)
        if c.id in seen:
            raise ValueError(f"duplicate id {c.id}")
        seen.add(c.id)
        try:
            text = run_case(c)
            for key, value in c.expect.items():
                if str(value) not in text:
                    raise ValueError(f"{c.id}: expect[{key}]={value} is not in the text:\n{text}")
        except (NoError, ValueError) as exc:
            if "--keep-going" not in sys.argv:
                raise
            failed.append(f"{exc}")
            continue
        how = c.how
        if c.log:
            rng = random.Random(c.id)  # by id: stable when cases are added or moved
            text = LOG_STYLES[c.log](rng, text, c.model or "model")
            how += f" (embedded in a fake '{c.log}' log)"
        record: dict[str, Any] = {"id": c.id, "code": c.code, "source": "triggered",
                                  "how": how, "text": text, "model": c.model,
                                  "log": c.log is not None}
        if c.expect:
            record["expect"] = dict(c.expect)
        records.append(record)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} records to {OUT.relative_to(ROOT)}")
    for line in failed:
        print("FAILED:", line, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
