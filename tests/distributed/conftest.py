"""The Ray cluster the distributed tests share: one local node per test module (Ray is imported
only by the tests that need it; ``make test`` runs without it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()
