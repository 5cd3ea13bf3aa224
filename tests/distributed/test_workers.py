"""How many Ray actors run the model and what each reserves (no Ray needed)."""

from __future__ import annotations

import pytest

from seqfit.distributed.ray_runners import Workers, block_digest, plan_workers
from seqfit.errors import OptionError


@pytest.mark.parametrize(("cpus", "gpus", "workers", "device", "nodes", "expected"), [
    # a 2-CPU laptop: one worker, one CPU left unreserved for reading, both CPUs' threads
    (2, 0, None, None, 1, Workers(1, 1.0, 0.0, 2)),
    (2, 0, 2, None, 1, Workers(2, 0.5, 0.0, 1)),
    (16, 0, None, None, 1, Workers(4, 3.75, 0.0, 4)),
    (64, 0, None, None, 4, Workers(16, 3.75, 0.0, 4)),  # fits 4 per 16-CPU node, 1 left each
    (16, 2, None, None, 1, Workers(2, 1.0, 1.0, 4)),
    (16, 2, None, "cpu", 1, Workers(4, 3.75, 0.0, 4)),
])
def test_workers_leave_a_cpu_per_node_for_ray_data(cpus: float, gpus: float, workers: int | None,
                                                   device: str | None, nodes: int,
                                                   expected: Workers) -> None:
    assert plan_workers(cpus, gpus, workers, device, nodes) == expected


def test_too_many_workers_say_how_many_fit() -> None:
    with pytest.raises(OptionError, match="--workers 4") as caught:
        plan_workers(2, 0, 8, None)
    assert caught.value.fix == "--workers 4"
    with pytest.raises(OptionError, match="2 GPUs"):
        plan_workers(16, 2, 3, None)


def test_a_block_digest_is_its_content() -> None:
    assert block_digest(["a", "b"], None, None) == block_digest(["a", "b"], None, None)
    assert block_digest(["a", "b"], None, None) != block_digest(["ab"], None, None)
    assert block_digest(["a"], None, [1]) != block_digest(["a"], None, ["1"])
    assert block_digest(["a"], None, None) != block_digest(["a"], [""], None)
