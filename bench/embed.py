"""Documents/s of `seqfit embed` against what people use today, on a generated long-tailed
corpus (2,000 documents of 5 to 5,000 tokens by default), in one run:

    .venv/bin/python bench/embed.py [--docs 2000] [--rounds 8] [--device cpu]

Truncating at 256 tokens (sentence-transformers' own limit for all-MiniLM-L6-v2), for a fair
comparison:

- ``seqfit-lib``: ``seqfit.embed(texts, model=..., strategy="head", max_length=256)``;
- ``st``: sentence-transformers ``encode(texts, batch_size=32)``;
- ``pipeline``: transformers' ``pipeline("feature-extraction")`` at its default batch size, told
  to truncate at 256 (or it crashes past 512 tokens), mean-pooled and normalized;
- ``seqfit-cli``: the ``seqfit embed corpus.jsonl -o out.npy --strategy head --max-length 256``
  command end to end (start-up, model load, reading and writing included).

Windows, nothing truncated: ``seqfit-windows`` (seqfit.embed's defaults) against ``hf-windows``
(the tokenizer's ``return_overflowing_tokens`` + ``stride`` windows, 32 documents per batch in
input order, what people write by hand), and against ``uniform``: the same model on batches of
full 256-token rows making the same total tokens (no padding, no tokenizing, no bookkeeping).

Shared machines change speed under sustained load, so the library methods run in rounds over
slices of the corpus, interleaved (each round in a new order), and their times add up over
rounds; the pipeline, much slower, runs on a quarter of each slice. Each method's peak memory is
the most its calls raised the process's resident memory (sampled every 5 ms). The command runs
in its own process after the rounds, beside one more library pass for its ratio. Ratios only:
these machines are noisy; tests never assert timings.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import psutil

WORDS = ("the of and to in a is that for it as was with be by on not he this are or his from at "
         "which but have an they you were her she there one all we their has been would when "
         "model token window batch length padding text document every long short tail reads "
         "slides compute real sentence embedding vector pooling mean layer attention head words "
         "river garden city country people child water light night year time world life hand "
         "part place case week company system program question work government number point "
         "home room mother area money story fact month lot right study book eye job business "
         "issue side kind house service friend father power hour game line end member law car "
         "Alice Bob Paris London Monday January Python English 1984 2026 3.14, (note) e.g.").split()
TRUNCATE = 256
STRIDE = 64  # tokens the HF windows share; seqfit's default overlap at 256 is 63


def long_tailed(docs: int, tokenizer: Any, seed: int = 0) -> list[str]:
    """``docs`` texts of 5 to 5,000 tokens: log-normal lengths (median 80 tokens), clipped."""
    rng = random.Random(seed)
    lengths = [min(5000, max(5, int(rng.lognormvariate(np.log(80), 1.2)))) for _ in range(docs)]
    lengths[0], lengths[1] = 5, 5000  # the whole range, every run
    texts = []
    for target in lengths:
        text = " ".join(rng.choice(WORDS) for _ in range(target))
        offsets = tokenizer(text, add_special_tokens=False,
                            return_offsets_mapping=True)["offset_mapping"]
        texts.append(text[:offsets[target - 1][1]] if len(offsets) > target else text)
    return texts


class PeakMemory:
    """The most resident memory rose above its level at the start, while the block ran."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = 0

    def __enter__(self) -> PeakMemory:
        self.start = self.process.memory_info().rss
        self.top = self.start
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while self.running:
            self.top = max(self.top, self.process.memory_info().rss)
            time.sleep(0.005)

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()
        self.peak = self.top - self.start


class Bench:
    """The model loaded once per stack, and one function per method over a list of texts."""

    def __init__(self, device: str) -> None:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers import AutoModel, AutoTokenizer, pipeline

        from seqfit.model.loading import default_model_path

        self.torch = torch
        self.device = device
        path = str(default_model_path())
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).to(device).eval()
        self.st = SentenceTransformer(path, device=device)
        self.pipe = pipeline("feature-extraction", model=path, device=device)
        self.tokens: dict[str, int] = {}
        self.last_lengths: list[int] = []

    def methods(self) -> dict[str, Callable[[list[str]], Any]]:
        return {"seqfit-lib": self.seqfit_lib, "st": self.sentence_transformers,
                "pipeline": self.pipeline, "seqfit-windows": self.seqfit_windows,
                "hf-windows": self.hf_windows, "uniform": self.uniform}

    def seqfit_lib(self, texts: list[str]) -> np.ndarray:
        import seqfit

        return seqfit.embed(texts, model=self.model, tokenizer=self.tokenizer,
                            strategy="head", max_length=TRUNCATE, device=self.device).vectors

    def sentence_transformers(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.st.encode(texts, batch_size=32))

    def pipeline(self, texts: list[str]) -> np.ndarray:
        rows = self.pipe(texts, tokenize_kwargs={"truncation": True, "max_length": TRUNCATE})
        vectors = np.stack([np.asarray(r[0]).mean(0) for r in rows])
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def seqfit_windows(self, texts: list[str]) -> np.ndarray:
        import seqfit

        return seqfit.embed(texts, model=self.model, tokenizer=self.tokenizer,
                            device=self.device).vectors

    def window_lengths(self, texts: list[str]) -> list[int]:
        """The windows seqfit-windows runs (what uniform runs too), counted outside the clock."""
        import seqfit

        return seqfit.fit(texts, model=self.model, tokenizer=self.tokenizer,
                          max_length=TRUNCATE).lengths

    def hf_windows(self, texts: list[str], batch_docs: int = 32) -> np.ndarray:
        torch = self.torch
        vectors = np.zeros((len(texts), self.model.config.hidden_size))
        weights = np.zeros(len(texts))
        for start in range(0, len(texts), batch_docs):
            enc = self.tokenizer(texts[start:start + batch_docs], truncation=True,
                                 max_length=TRUNCATE, stride=STRIDE, padding=True,
                                 return_overflowing_tokens=True, return_tensors="pt")
            owners = enc.pop("overflow_to_sample_mapping").numpy() + start
            mask = enc["attention_mask"]
            with torch.inference_mode():
                hidden = self.model(**{k: v.to(self.device) for k, v in enc.items()}
                                    ).last_hidden_state
            m = mask.to(self.device).unsqueeze(-1).to(hidden.dtype)
            pooled = ((hidden * m).sum(1) / m.sum(1)).float().cpu().numpy()
            counts = mask.sum(1).numpy()
            np.add.at(vectors, owners, pooled * counts[:, None])
            np.add.at(weights, owners, counts)
        vectors /= weights[:, None]
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def uniform(self, texts: list[str]) -> np.ndarray:
        """Full rows of 256 tokens, as many as make the tokens seqfit-windows ran, in batches of
        the same token budget: the same model on uniform-length batches."""
        from seqfit.runners.engine import CPU_BATCH_TOKENS

        torch = self.torch
        rows = (CPU_BATCH_TOKENS if self.device == "cpu" else 16384) // TRUNCATE
        left = sum(self.last_lengths)
        with torch.inference_mode():
            while left > 0:
                n = min(rows, -(-left // TRUNCATE))
                ids = torch.randint(1000, 20000, (n, TRUNCATE), device=self.device)
                self.model(input_ids=ids, attention_mask=torch.ones_like(ids))
                left -= n * TRUNCATE
        return np.zeros((0, 0))


def rounds(bench: Bench, texts: list[str], n_rounds: int, pipeline_share: float,
           seed: int = 0) -> dict[str, dict[str, float]]:
    rng = random.Random(seed)
    order = list(range(len(texts)))
    rng.shuffle(order)
    slices = [[texts[i] for i in order[r::n_rounds]] for r in range(n_rounds)]
    methods = bench.methods()
    totals = {name: {"seconds": 0.0, "docs": 0, "tokens": 0, "peak_mb": 0.0} for name in methods}
    check: dict[str, list[np.ndarray]] = {"seqfit-lib": [], "st": []}
    for number, part in enumerate(slices):
        lengths = bench.window_lengths(part)
        bench.last_lengths = lengths
        names = list(methods)
        rng.shuffle(names)
        for name in names:
            docs = part[:max(1, int(len(part) * pipeline_share))] if name == "pipeline" else part
            with PeakMemory() as memory:
                start = time.perf_counter()
                vectors = methods[name](docs)
                if bench.device.startswith("cuda"):
                    bench.torch.cuda.synchronize()
                seconds = time.perf_counter() - start
            entry = totals[name]
            entry["seconds"] += seconds
            entry["docs"] += len(docs)
            entry["peak_mb"] = max(entry["peak_mb"], memory.peak / 2**20)
            if name in ("seqfit-windows", "uniform"):
                entry["tokens"] += sum(lengths)  # uniform rounds up to whole rows: < 256 more
            if name in check:
                check[name].append(vectors)
        print(f"  round {number + 1}/{n_rounds}: "
              + ", ".join(f"{n} {totals[n]['docs'] / totals[n]['seconds']:.1f}"
                          for n in methods) + " docs/s so far", flush=True)
    a, b = np.concatenate(check["seqfit-lib"]), np.concatenate(check["st"])
    cosine = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    totals["seqfit-lib"]["cosine_min"] = float(cosine.min())
    return totals


def command_pass(bench: Bench, corpus: Path, texts: list[str], device: str
                 ) -> dict[str, dict[str, float]]:
    """The command end to end on the whole corpus, between two whole library passes."""
    out: dict[str, dict[str, float]] = {}
    library = []
    for step in ("lib", "cli", "lib"):
        start = time.perf_counter()
        if step == "cli":
            done = subprocess.run(
                [sys.executable, "-m", "seqfit", "embed", str(corpus), "-o",
                 str(corpus.with_suffix(".npy")), "--strategy", "head", "--max-length",
                 str(TRUNCATE), "--overwrite", "--device", device, "--format", "json"],
                check=True, capture_output=True, text=True)
            out["seqfit-cli"] = {"seconds": time.perf_counter() - start,
                                 "docs": json.loads(done.stdout)["rows"],
                                 "peak_mb": _child_peak_mb()}
        else:
            bench.seqfit_lib(texts)
            library.append(time.perf_counter() - start)
    out["seqfit-lib (whole corpus)"] = {"seconds": sum(library) / 2, "docs": len(texts)}
    return out


def _child_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--pipeline-share", type=float, default=0.25)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--no-command", action="store_true", help="skip the command pass")
    args = parser.parse_args()

    bench = Bench(args.device)
    texts = long_tailed(args.docs, bench.tokenizer)
    lengths = np.array([len(x) for x in bench.tokenizer(texts, add_special_tokens=False,
                                                        verbose=False)["input_ids"]])
    print(f"corpus: {len(texts)} documents, {lengths.sum():,} tokens, {lengths.min()} to "
          f"{lengths.max()} per document (median {int(np.median(lengths))}, "
          f"{(lengths > TRUNCATE - 2).mean():.0%} over {TRUNCATE - 2}); device {args.device}, "
          f"{os.cpu_count()} CPU cores, torch {bench.torch.__version__}, "
          f"{bench.torch.get_num_threads()} threads")
    bench.seqfit_lib(texts[:64])
    bench.sentence_transformers(texts[:64])  # warm-up
    results = rounds(bench, texts, args.rounds, args.pipeline_share)
    if not args.no_command:
        folder = Path(tempfile.mkdtemp(prefix="seqfit-bench-"))
        corpus = folder / "corpus.jsonl"
        with corpus.open("w", encoding="utf-8") as out:
            for i, text in enumerate(texts):
                out.write(json.dumps({"id": i, "text": text}) + "\n")
        results.update(command_pass(bench, corpus, texts, args.device))
    report(results)


def report(results: dict[str, dict[str, float]]) -> None:
    print("\nmethod                       docs/s    tokens/s   peak memory (above the model)")
    for name, r in results.items():
        rate = r["docs"] / r["seconds"]
        tokens = f"{r['tokens'] / r['seconds']:10,.0f}" if r.get("tokens") else " " * 10
        peak = f"{r['peak_mb']:8,.0f} MB" if "peak_mb" in r else ""
        if name == "seqfit-cli":
            peak = f"{r['peak_mb']:8,.0f} MB (whole process, start-up and model included)"
        print(f"  {name:<26} {rate:8.1f}  {tokens}   {peak}")

    def docs(name: str) -> float:
        return results[name]["docs"] / results[name]["seconds"]

    def ratio(a: str, b: str, target: float | None = None, tokens: bool = False) -> None:
        if a not in results or b not in results:
            return
        value = (results[a]["tokens"] / results[a]["seconds"]) / (
            results[b]["tokens"] / results[b]["seconds"]) if tokens else docs(a) / docs(b)
        goal = f"   (target: at least {target}x)" if target else ""
        print(f"  {a} / {b}: {value:.2f}x {'tokens/s' if tokens else 'docs/s'}{goal}")

    print("\ntruncating at 256:")
    ratio("seqfit-lib", "st", 1.2)
    ratio("seqfit-lib", "pipeline", 3.0)
    ratio("seqfit-cli", "seqfit-lib (whole corpus)")
    if "seqfit-cli" in results:
        through = docs("seqfit-cli") / docs("seqfit-lib (whole corpus)") * docs("seqfit-lib")
        print(f"  seqfit-cli / st (through seqfit-lib): {through / docs('st'):.2f}x docs/s; "
              f"seqfit-cli / pipeline: {through / docs('pipeline'):.2f}x docs/s")
    print("windows, nothing truncated:")
    ratio("seqfit-windows", "hf-windows")
    ratio("seqfit-windows", "uniform", 0.9, tokens=True)
    print(f"check: cosine of seqfit-lib and st vectors, lowest of {results['st']['docs']:.0f}: "
          f"{results['seqfit-lib']['cosine_min']:.6f}")


if __name__ == "__main__":
    main()
