r"""Sharded (multi-process) versions of the propagation embeddings."""

from .hebbian import hebbian_propagation, node_ranges

__all__ = [
    'hebbian_propagation',
    'node_ranges',
]
