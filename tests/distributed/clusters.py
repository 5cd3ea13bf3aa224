"""A two-node Ray cluster in one machine, for the tests that check work is shared."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def two_nodes(cpus: int) -> Iterator[None]:
    """Ray connected to a cluster of two nodes of ``cpus`` CPUs each; a Ray already running (a
    module's local one) is shut down first."""
    import ray
    from ray.cluster_utils import Cluster

    if ray.is_initialized():
        ray.shutdown()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": cpus})
    cluster.add_node(num_cpus=cpus)
    try:
        ray.init(address=cluster.address, log_to_driver=False)
        yield
    finally:
        ray.shutdown()
        cluster.shutdown()
