"""What a user waits for before seqfit does anything: whole commands, start-up included.

Each figure is the median wall time of ``--runs`` fresh processes, measured in this one run next
to the baselines it is compared with, so a noisy machine moves both:

- ``seqfit inspect`` of the embedded model, against reading the same folder with transformers'
  ``AutoConfig`` + ``AutoTokenizer`` (what inspect did before reading the files itself);
- ``seqfit profile`` until its first batch of rows is counted, and end to end on a small corpus;
- ``seqfit explain`` of one message, ``import seqfit``, and an empty Python for reference.

Targets (issue 8): inspect at most 1.0 s; profile's first row within 1.5 s.

Usage: ``.venv/bin/python bench/startup.py [--runs 5]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
FIRST_ROW = """
import os, sys, time
from seqfit.profiling.runner import profile
def first(done, rows, tokens):
    sys.stdout.write(f"{rows}\\n"); sys.stdout.flush(); os._exit(0)
profile(sys.argv[1], on_progress=first)
"""


def wall(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env={**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def corpus(folder: Path, rows: int) -> Path:
    rng = random.Random(0)
    words = "the model reads every token of a long document and windows fit the limit".split()
    path = folder / "corpus.jsonl"
    with path.open("w") as out:
        for i in range(rows):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 400)))
            out.write(json.dumps({"id": i, "text": text}) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from seqfit.model.loading import default_model_path

    model = str(default_model_path())
    seqfit = str(BIN / "seqfit")
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        small = corpus(Path(tmp), 5000)
        figures = {
            "python -c pass": wall([python, "-c", "pass"], args.runs),
            "import seqfit": wall([python, "-c", "import seqfit"], args.runs),
            "AutoConfig + AutoTokenizer (baseline)": wall([python, "-c", (
                "import sys; from transformers import AutoConfig, AutoTokenizer; "
                "AutoConfig.from_pretrained(sys.argv[1]); "
                "AutoTokenizer.from_pretrained(sys.argv[1])"
            ), model], args.runs),
            "seqfit inspect": wall([seqfit, "inspect"], args.runs),
            "seqfit inspect --format json": wall([seqfit, "inspect", "--format", "json"],
                                                 args.runs),
            "seqfit profile: first row counted": wall([python, "-c", FIRST_ROW, str(small)],
                                                      args.runs),
            "seqfit profile (5,000 rows, end to end)": wall([seqfit, "profile", str(small)],
                                                            args.runs),
            "seqfit explain --error": wall([seqfit, "explain", "--error",
                                            "IndexError: index out of range in self"],
                                           args.runs),
        }
    baseline = figures["AutoConfig + AutoTokenizer (baseline)"]
    width = max(map(len, figures))
    print(f"median of {args.runs} fresh processes each, this machine, this run")
    for name, seconds in figures.items():
        print(f"{name:<{width}}  {seconds:6.2f} s   {seconds / baseline:5.2f}x the baseline")
    inspect, first = figures["seqfit inspect"], figures["seqfit profile: first row counted"]
    print(f"\ninspect: {inspect:.2f} s (target <= 1.0 s): {'met' if inspect <= 1.0 else 'MISSED'}")
    print(f"profile first row: {first:.2f} s (target <= 1.5 s): "
          f"{'met' if first <= 1.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
