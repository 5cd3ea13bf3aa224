# `make demo` and `make test` work on a fresh machine: they create .venv and install everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The CPU wheel of torch lies on this machine's disk; a bare `torch` would pull a CUDA build.
TORCH := torch==2.13.0

.PHONY: install demo test test-fast test-ray lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(TORCH)
	$(PY) -m pip install -q -e '.[torch,plot,parquet,dev]'
	touch $(STAMP)

install: $(STAMP)

# The corpus is written once, so an interrupted demo resumes its embedding run where it stopped.
out/stdlib_docs.jsonl: | $(STAMP)
	$(PY) scripts/stdlib_corpus.py out/stdlib_docs.jsonl

demo: install out/stdlib_docs.jsonl
	$(VENV)/bin/seqfit inspect
	$(VENV)/bin/seqfit profile out/stdlib_docs.jsonl --report out/profile.html
	@echo "embedding every document (about 10 minutes on 2 CPU cores; Ctrl-C, then make demo resumes)"
	$(VENV)/bin/seqfit embed out/stdlib_docs.jsonl --id-column source \
		--output out/stdlib_embeddings.parquet --resume
	$(VENV)/bin/seqfit explain --error "RuntimeError: The size of tensor a (802) must match the size of tensor b (512) at non-singleton dimension 1"

lint: install
	$(VENV)/bin/ruff check src tests bench scripts

typecheck: install
	$(VENV)/bin/mypy

test: lint typecheck
	$(PY) -m pytest -q -p no:cacheprovider -m "not ray"

# The inner loop: no model forward passes, no sweeps over the whole zoo, no slow statistics.
test-fast: install
	$(PY) -m pytest -q -p no:cacheprovider -m "not forward and not zoo and not slow and not ray"

# Ray Data: the ray extra, local clusters and two-node ones (about four minutes on 2 cores).
test-ray: install
	$(PY) -m pip install -q -e '.[ray]'
	$(PY) -m pytest -q -p no:cacheprovider -m ray

bench: install
	$(PY) bench/startup.py
	$(PY) bench/batching.py
	$(PY) bench/profile_speed.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
