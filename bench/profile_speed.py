"""Tokens/s of the whole `seqfit profile` (reading included) against the raw Rust batch path on
texts already in memory (the practical limit) and a naive per-text loop, in one process.

    .venv/bin/python bench/profile_speed.py [--mb 20] [--naive-rows 20000]

(Not bench/profile.py: that name would shadow the standard library's `profile` module, which
torch imports through cProfile, for every script in bench/.)

Prints ratios (these machines are noisy; never assert timings) and the peak RSS of the profile.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from pathlib import Path

from transformers import AutoTokenizer

from seqfit.model.loading import default_model_path
from seqfit.profiling.counting import _fast_backend
from seqfit.profiling.runner import profile

WORDS = ("the model reads every token of a long document and the window slides over the text "
         "while the batch keeps padding small so that compute goes to real tokens").split()


def corpus(path: Path, megabytes: float, seed: int = 0) -> list[str]:
    """A long-tailed JSONL corpus: most texts short, a few very long."""
    rng = random.Random(seed)
    texts: list[str] = []
    size = 0
    with path.open("w", encoding="utf-8") as out:
        while size < megabytes * 1e6:
            n = min(20000, int(rng.paretovariate(1.1) * 12))
            text = " ".join(rng.choice(WORDS) for _ in range(n))
            line = json.dumps({"id": len(texts), "text": text}) + "\n"
            out.write(line)
            size += len(line)
            texts.append(text)
    return texts


def best_of(runs: int, fn):  # type: ignore[no-untyped-def]
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--naive-rows", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tokenizer = AutoTokenizer.from_pretrained(default_model_path())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.jsonl"
        texts = corpus(path, args.mb)
        backend = _fast_backend(tokenizer).rust  # type: ignore[union-attr]

        def raw() -> int:
            total = 0
            for start in range(0, len(texts), 2000):
                total += sum(len(e) for e in backend.encode_batch_fast(texts[start:start + 2000]))
            return total

        t_raw, tokens = best_of(args.runs, raw)
        t_profile, result = best_of(args.runs, lambda: profile(str(path), tokenizer=tokenizer))
        subset = texts[:args.naive_rows]
        t_naive, naive_tokens = best_of(1, lambda: sum(
            len(tokenizer(t)["input_ids"]) for t in subset))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    raw_rate = tokens / t_raw
    profile_rate = result.tokens / t_profile
    naive_rate = naive_tokens / t_naive
    print(f"corpus: {args.mb:.0f} MB JSONL, {len(texts):,} texts, {tokens:,} tokens")
    print(f"raw encode_batch_fast (in memory): {raw_rate:,.0f} tokens/s")
    print(f"seqfit profile (reading included): {profile_rate:,.0f} tokens/s = "
          f"{profile_rate / raw_rate:.2f}x the raw limit (target >= 0.9x)")
    print(f"naive [len(tok(t)['input_ids'])] loop: {naive_rate:,.0f} tokens/s; seqfit is "
          f"{profile_rate / naive_rate:.1f}x faster (target >= 2x)")
    print(f"peak RSS of this process: {peak_mb:,.0f} MB (texts are also held in memory for "
          "the baselines)")


if __name__ == "__main__":
    main()
