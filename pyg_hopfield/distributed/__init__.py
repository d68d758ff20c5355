r"""Sharded (multi-process) versions of the propagation embeddings."""

from .hebbian import ProcessGroupShard, hebbian_propagation, node_ranges

__all__ = [
    'ProcessGroupShard',
    'hebbian_propagation',
    'node_ranges',
]
