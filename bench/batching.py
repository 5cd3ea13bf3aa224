"""Padding waste of seqfit's batches vs fixed-size batches, and the cost of seqfit.check.

Prints ratios measured in one process (these machines are noisy; never assert timings):

    .venv/bin/python bench/batching.py [--rows 20000] [--repeats 30]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import torch
from transformers import AutoModel, AutoTokenizer

import seqfit
from seqfit.model.loading import default_model_path
from seqfit.plan import plan_batches, plan_fixed_batches


def long_tailed_lengths(rows: int, seed: int = 0, limit: int = 512) -> list[int]:
    """Token lengths with a Pareto tail, like reviews or support tickets."""
    rng = random.Random(seed)
    return [min(limit, 8 + int(rng.paretovariate(1.3) * 24)) for _ in range(rows)]


def padding(rows: int) -> None:
    lengths = long_tailed_lengths(rows)
    print(f"padding on {rows} long-tailed rows (mean {statistics.mean(lengths):.0f}, "
          f"max {max(lengths)} tokens)")
    for batch_size in (16, 32, 64):
        fixed = plan_fixed_batches(lengths, batch_size=batch_size)
        ordered = plan_batches(lengths, max_batch_size=batch_size)
        print(f"  batch size {batch_size:>3}: input order pads {fixed.padding_share:6.1%}, "
              f"seqfit length order {ordered.padding_share:6.1%} "
              f"({fixed.padded_tokens / ordered.padded_tokens:.2f}x fewer tokens computed)")
    budget = plan_batches(lengths, batch_tokens=16384)
    print(f"  token budget 16384: {budget.n_batches} batches, padding {budget.padding_share:.1%}")


def check_cost(repeats: int) -> None:
    path = default_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path).eval()
    limits = seqfit.inspect(path)
    words = ("seqfit checks a batch against the model before the forward pass").split()
    rng = random.Random(0)
    texts = [" ".join(rng.choice(words) for _ in range(200)) for _ in range(32)]
    batch = dict(tokenizer(texts, padding="max_length", truncation=True, max_length=128,
                           return_tensors="pt"))
    torch.set_num_threads(torch.get_num_threads())
    with torch.no_grad():
        model(**batch)  # warm up
        forward, checking = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            model(**batch)
            forward.append(time.perf_counter() - start)
            start = time.perf_counter()
            seqfit.check(batch, model=limits)
            checking.append(time.perf_counter() - start)
    f, c = statistics.median(forward), statistics.median(checking)
    print(f"check on a 32x128 batch, all-MiniLM-L6-v2 on CPU: forward {f * 1e3:.1f} ms, "
          f"check {c * 1e3:.3f} ms = {c / f:.2%} of the forward pass (target <= 2%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    padding(args.rows)
    check_cost(args.repeats)


if __name__ == "__main__":
    main()
