r"""Splitting an edge file into per-rank in-edge shards, streaming.

:func:`partition` writes, for :obj:`P` contiguous node ranges
(:func:`~pyg_hopfield.distributed.node_ranges`), the in-edges of each
range as the CSR rows of :math:`\mathbf{W}^{\top}` (row :math:`j - s_r`
holds the sources :math:`i` of the edges :math:`i \to j`, sorted), one
directory per partition::

    DIR/meta.json             format, version, num_nodes, ranges, checksums
    DIR/degree.npy            float64 [m]: weighted out-degree of every node
    DIR/part-00000.indptr.npy int64 [e_r - s_r + 1]
    DIR/part-00000.indices.npy int32 (int64 if m > 2^31 - 1) [nnz_r]
    DIR/part-00000.weight.npy float32 [nnz_r] (weighted graphs only)
    ...

The edges are those :func:`~pyg_hopfield.io.read_edge_list` builds, so a
sharded run sees exactly the graph a single process sees: self-loops
dropped, both directions of every edge unless :obj:`directed`, duplicates
merged (their weights summed, or kept once without weights).

**Why this layout and not** :mod:`torch_geometric.distributed`'s
(:class:`~torch_geometric.distributed.Partitioner`): PyG's partitions serve
sampling-based GNN training -- METIS (or random) node assignment, node and
edge feature stores, global-to-local id maps and a halo of remote nodes for
a neighbour sampler -- and its partitioner loads the whole graph into
memory first. A propagation embedding reads every in-edge of its rows once
per iteration and nothing else, so all a rank needs is the CSR of its rows,
which contiguous ranges give with no id maps (global id = row offset +
start) and which :func:`torch.sparse_csr_tensor` takes as it is on disk.

The writer streams: the edge file is read in chunks of :obj:`chunk_size`
edges (``.npy`` memory-mapped, see :class:`~pyg_hopfield.io.EdgeChunks`),
(1) to find the largest id, (2) to append each chunk's entries to one
scratch file per part; then each part is read back, sorted and merged
alone. Peak memory is :math:`O(\text{chunk\_size} + \max_r
\mathrm{nnz}_r + m)`, never :math:`O(|\mathcal{E}|)` for :math:`P > 1`.
Everything is written into a hidden temporary directory next to
:obj:`out` that is renamed into place when complete, so an interrupted run
never leaves a directory that looks like a finished partition.
"""

import hashlib
import json
import os
import os.path as osp
import shutil
import tempfile
import warnings

import numpy as np

from pyg_hopfield.distributed.hebbian import node_ranges
from pyg_hopfield.io import EdgeChunks
from pyg_hopfield.utils.atomic import atomic_write

__all__ = ['partition', 'FORMAT', 'VERSION']

#: The ``format`` field of ``meta.json``.
FORMAT = 'pyg-hopfield-shards'
#: The layout version written into ``meta.json``; readers refuse others.
VERSION = 1

META_FILE = 'meta.json'
DEGREE_FILE = 'degree.npy'
_INT32_MAX = np.iinfo(np.int32).max


def shard_file(rank: int, kind: str) -> str:
    r"""The file name of rank :obj:`rank`'s :obj:`kind` array
    (:obj:`'indptr'`, :obj:`'indices'` or :obj:`'weight'`)."""
    return f'part-{rank:05d}.{kind}.npy'


def sha256(path: str, block: int = 1 << 24) -> str:
    r"""The SHA-256 hex digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        while chunk := f.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def _check_int(value, name: str, minimum: int = 1) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < minimum
    ):
        raise ValueError(
            f"'{name}' must be an integer >= {minimum} (got {value!r})"
        )


def _scan_ids(
    chunks: EdgeChunks,
    num_nodes: int | None,
    one_based: bool,
    directed: bool,
) -> tuple[int, np.ndarray]:
    # Pass 1: the number of nodes, and the entries (in-edges once
    # symmetrised, duplicates counted) of every node.
    smallest, largest = None, -1
    counts = np.zeros(0 if num_nodes is None else num_nodes, dtype=np.int64)
    for offset, ids, weight in chunks:
        low, high = int(ids.min()), int(ids.max())
        smallest = low if smallest is None else min(smallest, low)
        largest = max(largest, high)
        if num_nodes is not None and high - one_based >= num_nodes:
            bad = int(np.flatnonzero((ids - one_based >= num_nodes).any(0))[0])
            raise ValueError(
                f"'{chunks.path}', edge {offset + bad}: node "
                f'{int(ids[:, bad].max())} is out of range for '
                f"'num_nodes={num_nodes}'"
            )
        if one_based and low == 0:
            continue  # refused below
        dst, _, _ = _entries(ids, None, one_based, directed)
        chunk = np.bincount(dst, minlength=counts.size)
        if chunk.size > counts.size:
            chunk[: counts.size] += counts
            counts = chunk
        else:
            counts += chunk
    if one_based and smallest == 0:
        raise ValueError(
            f"'{chunks.path}' contains node 0, so its ids are not 1-based; "
            f"drop 'one_based=True' ('--one-based')"
        )
    if smallest == 1 and not one_based:
        warnings.warn(
            f"'{chunks.path}' has no node 0 (its smallest id is 1): if its "
            f'ids are 1-based, node 0 is a phantom isolated node and every '
            f"id is off by one. Pass 'one_based=True' ('--one-based')",
            stacklevel=3,
        )
    if num_nodes is None:
        num_nodes = largest + 1 - one_based
    if counts.size < num_nodes:
        counts = np.concatenate(
            [counts, np.zeros(num_nodes - counts.size, dtype=np.int64)]
        )
    return num_nodes, counts


def edge_ranges(counts: np.ndarray, num_parts: int) -> list[tuple[int, int]]:
    r"""Contiguous node ranges holding about equally many entries: range
    :math:`r` ends after the first node at which the running sum of
    :obj:`counts` reaches :math:`r + 1` parts in :obj:`num_parts` of the
    total (a node with more entries than a part gets a range of its own,
    and a range may then be empty).

    Examples:
        >>> edge_ranges(np.array([6, 1, 1, 1, 1, 1, 1]), 2)
        [(0, 1), (1, 7)]
    """
    num_nodes, total = counts.size, int(counts.sum())
    if total == 0:
        return node_ranges(num_nodes, num_parts)
    cumulative = np.cumsum(counts)
    targets = total * np.arange(1, num_parts) / num_parts
    ends = np.searchsorted(cumulative, targets, side='left') + 1
    bounds = [0, *np.minimum(ends, num_nodes).tolist(), num_nodes]
    return [(bounds[r], bounds[r + 1]) for r in range(num_parts)]


def _entries(ids, weight, one_based: bool, directed: bool):
    # The (target, source, weight) entries of one chunk: self-loops
    # dropped, both directions unless directed.
    src = ids[0].astype(np.int64) - one_based
    dst = ids[1].astype(np.int64) - one_based
    keep = src != dst
    src, dst = src[keep], dst[keep]
    weight = None if weight is None else weight[keep]
    if not directed:
        src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
        weight = None if weight is None else np.concatenate([weight, weight])
    return dst, src, weight


def _merge(keys: np.ndarray, weight: np.ndarray | None):
    # Sorts the keys (target * m + source) and merges duplicates, summing
    # their weights in file order (a stable sort), as PyG's coalesce does.
    if weight is None:
        keys.sort()
        first = np.ones(keys.size, dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        return keys[first], None
    order = np.argsort(keys, kind='stable')
    keys, weight = keys[order], weight[order]
    del order
    first = np.ones(keys.size, dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(first)
    summed = (
        np.add.reduceat(weight, starts) if starts.size else weight[:0].copy()
    )
    return keys[first], summed.astype(np.float32)


def partition(
    edges: str,
    num_parts: int,
    out: str,
    weights: str | None = None,
    num_nodes: int | None = None,
    directed: bool = False,
    one_based: bool = False,
    chunk_size: int = 1 << 22,
    overwrite: bool = False,
    balance: str = 'edges',
) -> dict:
    r"""Splits the graph of an edge file into :obj:`num_parts` in-edge
    shards (CSR rows of contiguous node ranges) in the directory
    :obj:`out`, streaming (see the module docstring for the layout and the
    memory bound); the shards are read back by
    :func:`~pyg_hopfield.distributed.read_shard`.

    Args:
        edges (str): A text, ``.npy`` (:obj:`[E, 2]` or :obj:`[2, E]`,
            :obj:`int32` or :obj:`int64`) or ``.pt`` edge file, as for
            :func:`~pyg_hopfield.io.read_edge_list`.
        num_parts (int): The number :obj:`P` of ranks that will read it.
        out (str): The output directory.
        weights (str, optional): A ``.npy`` file of edge weights.
            (default: :obj:`None`)
        num_nodes (int, optional): The number of nodes; default: the count
            stored in a ``.pt`` file, else the largest id plus one.
        directed (bool, optional): Keep edges as given (else both
            directions). (default: :obj:`False`)
        one_based (bool, optional): The ids start at 1. (default:
            :obj:`False`)
        chunk_size (int, optional): Edges read at a time; bounds the
            memory of the reading passes. (default: :obj:`4194304`)
        overwrite (bool, optional): Replace an existing :obj:`out`.
            (default: :obj:`False`)
        balance (str, optional): :obj:`'edges'`: contiguous node ranges
            holding about equally many in-edges (:func:`edge_ranges`; on a
            power-law graph whose ids follow the degree, equal node counts
            would give the first rank several times its share), or
            :obj:`'nodes'`: :func:`~pyg_hopfield.distributed.node_ranges`.
            (default: :obj:`'edges'`)

    Returns:
        The metadata written to ``meta.json`` (a :obj:`dict`).

    Examples:
        >>> import os.path as osp, tempfile
        >>> import numpy as np
        >>> root = tempfile.mkdtemp()
        >>> np.save(osp.join(root, 'edges.npy'), np.array([[0, 1], [1, 2]]))
        >>> meta = partition(osp.join(root, 'edges.npy'), 2,
        ...                  osp.join(root, 'shards'), chunk_size=1)
        >>> meta['num_nodes'], meta['ranges'], meta['nnz']
        (3, [[0, 2], [2, 3]], 4)
    """
    _check_int(num_parts, 'num_parts')
    if balance not in ('edges', 'nodes'):
        raise ValueError(
            f"'balance' must be 'edges' or 'nodes' (got {balance!r})"
        )
    if num_nodes is not None:
        _check_int(num_nodes, 'num_nodes')
    out = osp.abspath(os.fspath(out))
    if osp.exists(out) and not overwrite:
        raise ValueError(
            f"'out': '{out}' already exists; pass 'overwrite=True' "
            f"('--overwrite') or choose another directory"
        )
    chunks = EdgeChunks(edges, weights, chunk_size=chunk_size)
    if num_nodes is None:
        num_nodes = chunks.num_nodes
    num_nodes, counts = _scan_ids(chunks, num_nodes, one_based, directed)
    if num_parts > num_nodes:
        raise ValueError(
            f"'num_parts={num_parts}' exceeds the {num_nodes} nodes; use at "
            f'most one part per node'
        )
    if balance == 'edges':
        ranges = edge_ranges(counts, num_parts)
    else:
        ranges = node_ranges(num_nodes, num_parts)
    del counts
    bounds = np.array([s for s, _ in ranges] + [num_nodes], dtype=np.int64)
    weighted = chunks.weighted

    parent = osp.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=f'.{osp.basename(out)}.tmp-')
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp's 0o700 would hide it
    try:
        meta = _write(
            chunks,
            tmp,
            ranges,
            bounds,
            num_nodes,
            weighted,
            directed,
            one_based,
        )
        meta['source'] = osp.abspath(edges)
        with atomic_write(osp.join(tmp, META_FILE)) as f:
            json.dump(meta, f, indent=1)
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return meta


def _write(
    chunks: EdgeChunks,
    tmp: str,
    ranges: list[tuple[int, int]],
    bounds: np.ndarray,
    num_nodes: int,
    weighted: bool,
    directed: bool,
    one_based: bool,
) -> dict:
    num_parts = len(ranges)
    # Pass 2: unsorted keys (local target * m + source) and weights of
    # every part, appended to scratch files (plain writes: a memory map
    # would keep every written page in this process's resident set).
    scratch = osp.join(tmp, 'scratch')
    os.makedirs(scratch)
    kinds = ('keys', 'weight') if weighted else ('keys',)
    files = {
        (r, kind): open(osp.join(scratch, f'{r}.{kind}'), 'wb')
        for r in range(num_parts)
        for kind in kinds
    }
    try:
        for _, ids, weight in chunks:
            dst, src, weight = _entries(ids, weight, one_based, directed)
            part = np.searchsorted(bounds, dst, side='right') - 1
            order = np.argsort(part, kind='stable')
            ends = np.cumsum(np.bincount(part, minlength=num_parts))
            key = ((dst - bounds[part]) * num_nodes + src)[order]
            del dst, src
            weight = None if weight is None else weight[order]
            for r in range(num_parts):
                begin = 0 if r == 0 else int(ends[r - 1])
                if begin < ends[r]:
                    key[begin : ends[r]].tofile(files[r, 'keys'])
                    if weighted:
                        weight[begin : ends[r]].tofile(files[r, 'weight'])
    finally:
        for f in files.values():
            f.close()
    # Per part, one at a time: sort, merge duplicates, write the CSR.
    index_dtype = np.int32 if num_nodes - 1 <= _INT32_MAX else np.int64
    degree = np.zeros(num_nodes, dtype=np.float64)
    shards = []
    for r, (start, end) in enumerate(ranges):
        key = np.fromfile(osp.join(scratch, f'{r}.keys'), dtype=np.int64)
        weight = (
            np.fromfile(osp.join(scratch, f'{r}.weight'), dtype=np.float32)
            if weighted
            else None
        )
        key, weight = _merge(key, weight)
        row, col = np.divmod(key, num_nodes)
        del key
        indptr = np.zeros(end - start + 1, dtype=np.int64)
        np.cumsum(np.bincount(row, minlength=end - start), out=indptr[1:])
        del row
        degree += np.bincount(col, weights=weight, minlength=num_nodes)
        arrays = {'indptr': indptr, 'indices': col.astype(index_dtype)}
        del col
        if weighted:
            arrays['weight'] = weight
        files = {}
        for kind, array in arrays.items():
            name = shard_file(r, kind)
            np.save(osp.join(tmp, name), array)
            files[kind] = {
                'name': name,
                'shape': list(array.shape),
                'dtype': str(array.dtype),
                'sha256': sha256(osp.join(tmp, name)),
            }
        shards.append(
            {
                'rank': r,
                'start': start,
                'end': end,
                'nnz': int(indptr[-1]),
                'files': files,
            }
        )
        del arrays, indptr, weight
        for kind in kinds:
            os.remove(osp.join(scratch, f'{r}.{kind}'))
    shutil.rmtree(scratch)
    np.save(osp.join(tmp, DEGREE_FILE), degree)
    return {
        'format': FORMAT,
        'version': VERSION,
        'num_nodes': num_nodes,
        'num_parts': num_parts,
        'ranges': [list(r) for r in ranges],
        'nnz': int(sum(s['nnz'] for s in shards)),
        'num_input_edges': chunks.num_edges,
        'directed': bool(directed),
        'weighted': bool(weighted),
        'index_dtype': np.dtype(index_dtype).name,
        'degree': {
            'name': DEGREE_FILE,
            'shape': [num_nodes],
            'dtype': 'float64',
            'sha256': sha256(osp.join(tmp, DEGREE_FILE)),
        },
        'shards': shards,
    }


def _replace_dir(tmp: str, out: str) -> None:
    # Moves the finished directory into place; an existing one (allowed by
    # 'overwrite') is first moved aside, then deleted.
    old = None
    if osp.exists(out):
        old = tempfile.mkdtemp(
            dir=osp.dirname(out), prefix=f'.{osp.basename(out)}.old-'
        )
        os.rmdir(old)
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        if osp.isdir(old):
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.remove(old)
