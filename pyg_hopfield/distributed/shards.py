r"""Reading the in-edge shards written by
:func:`~pyg_hopfield.distributed.partition`, validated, on one rank
(:func:`read_shard`) or on all ranks of a process group at once
(:func:`load_shard`), so that a missing or corrupt file on one rank makes
every rank raise the same error instead of leaving the others waiting in
the next collective."""

import json
import os.path as osp
import warnings
from typing import NamedTuple

import numpy as np
import torch
from torch import Tensor

from pyg_hopfield.distributed.partitioning import (
    DEGREE_FILE,
    FORMAT,
    META_FILE,
    VERSION,
    sha256,
)

__all__ = [
    'EdgeShard',
    'ShardError',
    'load_shard',
    'read_metadata',
    'read_shard',
]


class ShardError(ValueError):
    r"""A partition directory or shard file that is missing, corrupt or
    does not match its metadata (the message names the file and the
    rank)."""


class EdgeShard(NamedTuple):
    r"""The in-edges of the nodes :obj:`[start, end)`: CSR rows of
    :math:`\mathbf{W}^{\top}` (row :obj:`j - start` holds the sources
    :obj:`indices[indptr[j - start]:indptr[j - start + 1]]` of the edges
    into node :obj:`j`, sorted), as :func:`partition` wrote them."""

    rank: int
    start: int
    end: int
    num_nodes: int
    indptr: Tensor  # int64 [end - start + 1]
    indices: Tensor  # int32 or int64 [nnz]
    weight: Tensor | None  # float32 [nnz]
    meta: dict

    @property
    def nnz(self) -> int:
        r"""The number of stored in-edges."""
        return self.indices.numel()

    def edge_index(self) -> Tensor:
        r"""The shard's in-edges as a :obj:`long` :obj:`[2, nnz]`
        :obj:`edge_index` with global node ids (sources, targets)."""
        counts = self.indptr.diff()
        dst = torch.arange(self.start, self.end).repeat_interleave(counts)
        return torch.stack([self.indices.long(), dst])

    def adj_t(self) -> Tensor:
        r"""The shard as a :obj:`[end - start, m]` sparse CSR tensor of the
        weights (ones for an unweighted graph)."""
        weight = torch.ones(self.nnz) if self.weight is None else self.weight
        with warnings.catch_warnings():  # 'CSR support is in beta'
            warnings.simplefilter('ignore', UserWarning)
            return torch.sparse_csr_tensor(
                self.indptr,
                self.indices.long(),
                weight,
                (self.end - self.start, self.num_nodes),
            )


def _fail(directory: str, rank: int | None, name: str, problem: str):
    where = f' (rank {rank})' if rank is not None else ''
    return ShardError(
        f"shard file '{osp.join(directory, name)}'{where}: {problem}; "
        f'write the partition again (pyg-hopfield partition)'
    )


def read_metadata(directory: str, rank: int | None = None) -> dict:
    r"""Reads and checks ``meta.json`` of a partition directory.

    Raises:
        ShardError: If it is missing (an unfinished or foreign
            directory), unreadable, of another format or version, or
            inconsistent.
    """
    path = osp.join(directory, META_FILE)
    if not osp.isfile(path):
        problem = (
            'is missing (not a finished partition directory)'
            if osp.isdir(directory)
            else 'is missing (the directory does not exist)'
        )
        raise _fail(directory, rank, META_FILE, problem)
    try:
        with open(path) as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        raise _fail(
            directory, rank, META_FILE, f'is not readable JSON ({e})'
        ) from e
    if not isinstance(meta, dict) or meta.get('format') != FORMAT:
        raise _fail(directory, rank, META_FILE, f"has no 'format': {FORMAT!r}")
    if meta.get('version') != VERSION:
        raise _fail(
            directory,
            rank,
            META_FILE,
            f'has format version {meta.get("version")!r}; this reader '
            f'reads version {VERSION}',
        )
    try:
        num_nodes, num_parts = int(meta['num_nodes']), int(meta['num_parts'])
        ranges = [tuple(r) for r in meta['ranges']]
        shards = meta['shards']
        ok = (
            len(ranges) == num_parts == len(shards)
            and ranges[0][0] == 0
            and ranges[-1][1] == num_nodes
            and all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
            and all(
                (s['start'], s['end']) == r for s, r in zip(shards, ranges)
            )
        )
    except (KeyError, TypeError, IndexError, ValueError) as e:
        raise _fail(
            directory, rank, META_FILE, f'lacks a field or value ({e!r})'
        ) from e
    if not ok:
        raise _fail(
            directory,
            rank,
            META_FILE,
            'has node ranges that do not tile [0, num_nodes) or do not '
            'match its shards',
        )
    return meta


def _load_array(directory: str, rank: int, spec: dict, verify: bool):
    name = spec['name']
    path = osp.join(directory, name)
    if not osp.isfile(path):
        raise _fail(directory, rank, name, 'is missing')
    if verify and sha256(path) != spec['sha256']:
        raise _fail(
            directory,
            rank,
            name,
            'fails its SHA-256 checksum (corrupt or changed since it '
            'was written)',
        )
    try:
        array = np.load(path, allow_pickle=False)
    except Exception as e:
        raise _fail(
            directory, rank, name, f'is not a readable .npy array ({e})'
        ) from e
    if list(array.shape) != spec['shape'] or str(array.dtype) != spec['dtype']:
        raise _fail(
            directory,
            rank,
            name,
            f'holds {array.dtype} of shape {list(array.shape)}, but '
            f'meta.json says {spec["dtype"]} of shape {spec["shape"]}',
        )
    return array


def read_shard(
    directory: str,
    rank: int,
    world_size: int | None = None,
    verify: bool = True,
) -> EdgeShard:
    r"""Reads the shard of rank :obj:`rank` from a partition directory
    written by :func:`~pyg_hopfield.distributed.partition`, and only that
    shard.

    Args:
        directory (str): The partition directory.
        rank (int): The rank whose shard to read.
        world_size (int, optional): The number of ranks; must equal the
            number of parts. (default: :obj:`None`, not checked)
        verify (bool, optional): Check the SHA-256 checksums (reads each
            file twice; the second read comes from the page cache).
            (default: :obj:`True`)

    Raises:
        ShardError: Naming the file and the rank: a missing, unreadable or
            corrupt file, a shape or dtype other than ``meta.json`` says,
            CSR pointers or node ids out of range, a partition for another
            number of ranks.
    """
    meta = read_metadata(directory, rank)
    num_parts = meta['num_parts']
    if world_size is not None and world_size != num_parts:
        raise _fail(
            directory,
            rank,
            META_FILE,
            f'describes {num_parts} parts but {world_size} ranks read it; '
            f'partition with --parts {world_size} or launch {num_parts} '
            f'processes',
        )
    if not 0 <= rank < num_parts:
        raise _fail(directory, rank, META_FILE, f'has no part for rank {rank}')
    spec = meta['shards'][rank]
    start, end = spec['start'], spec['end']
    arrays = {
        kind: _load_array(directory, rank, file_spec, verify)
        for kind, file_spec in spec['files'].items()
    }
    if 'indptr' not in arrays or 'indices' not in arrays:
        raise _fail(
            directory, rank, META_FILE, f'lists no CSR arrays for rank {rank}'
        )
    if meta['weighted'] != ('weight' in arrays):
        raise _fail(
            directory, rank, META_FILE, 'lists no weights of a weighted graph'
        )
    indptr, indices = arrays['indptr'], arrays['indices']
    name = spec['files']['indptr']['name']
    if (
        indptr.shape != (end - start + 1,)
        or indptr[0] != 0
        or indptr[-1] != indices.size
        or (np.diff(indptr) < 0).any()
    ):
        raise _fail(
            directory,
            rank,
            name,
            f'is not a CSR pointer of {end - start} rows over '
            f'{indices.size} entries',
        )
    if indices.size and (
        int(indices.min()) < 0 or int(indices.max()) >= meta['num_nodes']
    ):
        raise _fail(
            directory,
            rank,
            spec['files']['indices']['name'],
            f'holds node ids outside [0, {meta["num_nodes"]})',
        )
    weight = arrays.get('weight')
    return EdgeShard(
        rank=rank,
        start=start,
        end=end,
        num_nodes=meta['num_nodes'],
        indptr=torch.from_numpy(indptr),
        indices=torch.from_numpy(indices),
        weight=None if weight is None else torch.from_numpy(weight),
        meta=meta,
    )


def read_degree(directory: str, rank: int | None = None) -> Tensor:
    r"""The weighted out-degree of every node (``degree.npy``,
    :obj:`float64` :obj:`[m]`), checked against ``meta.json``."""
    meta = read_metadata(directory, rank)
    spec = {'name': DEGREE_FILE, **meta['degree']}
    return torch.from_numpy(_load_array(directory, rank, spec, True))


def load_shard(
    directory: str,
    group=None,
    verify: bool = True,
) -> EdgeShard:
    r"""Reads this rank's shard (:func:`read_shard`) on every rank of
    :obj:`group`, then exchanges the verdicts (one
    :func:`~torch.distributed.all_gather_object`) before any other
    collective, so that if any rank's shard is missing or corrupt, all
    ranks raise the same :class:`ShardError`, naming the files and ranks,
    and none is left waiting.

    Args:
        directory (str): The partition directory.
        group (ProcessGroup, optional): The process group. (default: the
            world)
        verify (bool, optional): Check the SHA-256 checksums.
            (default: :obj:`True`)
    """
    import torch.distributed as dist

    if not dist.is_available() or not dist.is_initialized():
        raise ValueError(
            "'group': torch.distributed is not initialised; call "
            'torch.distributed.init_process_group first'
        )
    rank, world_size = dist.get_rank(group), dist.get_world_size(group)
    shard, error = None, None
    try:
        shard = read_shard(directory, rank, world_size, verify)
    except Exception as e:  # reported on every rank below
        error = str(e) if isinstance(e, ShardError) else f'rank {rank}: {e!r}'
    errors = [None] * world_size
    dist.all_gather_object(errors, error, group=group)
    failed = [message for message in errors if message is not None]
    if failed:
        raise ShardError('; '.join(failed))
    return shard
