r"""Sharded (multi-process) versions of the propagation embeddings: the
propagation itself, the partition of an edge file into per-rank shards,
their validated reader and the launchers."""

from .hebbian import ProcessGroupShard, hebbian_propagation, node_ranges
from .launch import embed_shards, embed_shards_local, run_local
from .partitioning import partition
from .shards import (
    EdgeShard,
    ShardError,
    load_shard,
    read_metadata,
    read_shard,
)

__all__ = [
    'ProcessGroupShard',
    'hebbian_propagation',
    'node_ranges',
    'partition',
    'read_shard',
    'read_metadata',
    'load_shard',
    'EdgeShard',
    'ShardError',
    'embed_shards',
    'embed_shards_local',
    'run_local',
]
