"""Shared, session-scoped fixtures: the tiny-architecture zoo (see tests/zoo.py)."""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings

# CI runs the property tests with a fixed seed, so a submission's result does not depend on luck;
# locally they explore new examples on every run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config: pytest.Config) -> None:
    # the caches seqfit writes (the wording index as SQLite) go to a folder of this run, not to
    # the user's ~/.cache; subprocesses of the tests inherit it
    os.environ.setdefault("SEQFIT_CACHE_DIR", tempfile.mkdtemp(prefix="seqfit-cache-"))
    config.addinivalue_line(
        "markers", "extended: zoo architectures beyond the REQUIRED list (informative, still "
        "expected to pass)")
    config.addinivalue_line(
        "markers", "forward: runs model forward passes (zoo or real); `make test-fast` skips them")
    config.addinivalue_line(
        "markers", "ray: starts Ray (the ray extra); `make test-ray` runs them")
    config.addinivalue_line(
        "markers", "slow: seconds of statistics, millions of rows or plots; `make test-fast` "
        "skips them")
    config.addinivalue_line(
        "markers", "zoo: sweeps every zoo architecture or transformers config; `make test-fast` "
        "skips them")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that build zoo models run forward passes; tests parametrized over the whole zoo
    sweep it."""
    import zoo

    everyone = len(zoo.ZOO)
    swept: dict[str, int] = {}
    for item in items:
        if "zoo_model" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.forward)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("name") in zoo.ZOO:
            key = item.nodeid.split("[")[0]
            swept[key] = swept.get(key, 0) + 1
    for item in items:
        if swept.get(item.nodeid.split("[")[0], 0) >= everyone // 2:
            item.add_marker(pytest.mark.zoo)


@pytest.fixture(scope="session")
def zoo_build() -> Callable[[str], tuple[Any, Any]]:
    """``zoo_build(name) -> (config, tokenizer)``, cached for the session; treat as read-only."""
    import zoo

    return zoo.build


@pytest.fixture(scope="session")
def zoo_model(zoo_build: Callable[[str], tuple[Any, Any]]) -> Callable[[str], Any]:
    """``zoo_model(name)``: ``AutoModel.from_config(config).eval()``, cached per session."""
    import torch
    import transformers

    cache: dict[str, Any] = {}
    torch.manual_seed(0)

    def get(name: str) -> Any:
        if name not in cache:
            config, _ = zoo_build(name)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cache[name] = transformers.AutoModel.from_config(config).eval()
        return cache[name]

    return get
