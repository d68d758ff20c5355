import json
import os

import numpy as np
import pytest
import torch
from torch_geometric.data import Data
from torch_geometric.utils import scatter

from pyg_hopfield.distributed import node_ranges
from pyg_hopfield.distributed import partitioning as partition_module
from pyg_hopfield.distributed.partitioning import (
    edge_ranges,
    partition,
    shard_file,
)
from pyg_hopfield.distributed.shards import (
    ShardError,
    read_degree,
    read_metadata,
    read_shard,
)
from pyg_hopfield.io import read_edge_list

# 11 nodes in two components plus node 10, a self-loop (3, 3), the edge
# (0, 1) listed three times (twice forwards), weights whose sums are exact.
PAIRS = np.array(
    [
        [0, 1],
        [1, 0],
        [1, 2],
        [2, 3],
        [3, 3],
        [3, 4],
        [4, 5],
        [5, 6],
        [6, 0],
        [7, 8],
        [8, 9],
        [9, 7],
        [0, 1],
        [2, 9],
        [10, 4],
    ]
)
WEIGHT = np.array(
    [
        1.0,
        0.5,
        2.0,
        0.25,
        3.0,
        1.5,
        1.0,
        4.0,
        0.75,
        1.0,
        2.0,
        0.5,
        1.0,
        8.0,
        3,
    ],
    dtype=np.float32,
)


def save_edges(tmp_path, layout='E2', dtype=np.int64, weighted=False):
    pairs = PAIRS.astype(dtype)
    path = str(tmp_path / 'edges.npy')
    np.save(path, pairs if layout == 'E2' else pairs.T)
    weights = None
    if weighted:
        weights = str(tmp_path / 'w.npy')
        np.save(weights, WEIGHT)
    return path, weights


def gather(directory, num_parts):
    shards = [read_shard(directory, r, num_parts) for r in range(num_parts)]
    edge_index = torch.cat([s.edge_index() for s in shards], dim=1)
    weight = None
    if shards[0].weight is not None:
        weight = torch.cat([s.weight for s in shards])
    return shards, edge_index, weight


def in_memory(path, weights, directed, one_based=False):
    # The single-process construction, in CSR order (target, source).
    data = read_edge_list(
        path, directed=directed, weights=weights, one_based=one_based
    )
    src, dst = data.edge_index
    perm = torch.argsort(dst * data.num_nodes + src)
    weight = None if weights is None else data.edge_weight[perm]
    return data, data.edge_index[:, perm], weight


@pytest.mark.parametrize('layout', ['E2', '2E'])
@pytest.mark.parametrize('dtype', [np.int32, np.int64])
@pytest.mark.parametrize('weighted', [False, True])
@pytest.mark.parametrize('directed', [False, True])
@pytest.mark.parametrize('num_parts', [1, 3])
@pytest.mark.parametrize('balance', ['edges', 'nodes'])
def test_partition_equals_in_memory(
    tmp_path, layout, dtype, weighted, directed, num_parts, balance
):
    path, weights = save_edges(tmp_path, layout, dtype, weighted)
    out = str(tmp_path / 'shards')
    meta = partition(
        path,
        num_parts,
        out,
        weights=weights,
        directed=directed,
        chunk_size=4,  # < E: several chunks
        balance=balance,
    )
    data, edge_index, weight = in_memory(path, weights, directed)
    shards, got_index, got_weight = gather(out, num_parts)
    assert torch.equal(got_index, edge_index)
    if weighted:
        assert torch.equal(got_weight, weight)
    else:
        assert got_weight is None
    assert meta['num_nodes'] == data.num_nodes == 11
    assert meta['nnz'] == edge_index.size(1)
    assert meta['num_input_edges'] == len(PAIRS)
    # The raw entries of every target (duplicates counted, self-loops not).
    pairs = PAIRS[PAIRS[:, 0] != PAIRS[:, 1]]
    targets = pairs[:, 1] if directed else pairs.reshape(-1)
    counts = np.bincount(targets, minlength=11)
    ranges = (edge_ranges(counts, num_parts) if balance == 'edges'
              else node_ranges(11, num_parts))  # fmt: skip
    assert meta['ranges'] == [list(r) for r in ranges]
    assert meta == read_metadata(out)
    for shard, (start, end) in zip(shards, ranges):
        assert (shard.start, shard.end) == (start, end)
        assert shard.indices.dtype == torch.int32  # 11 nodes fit int32
        dst = shard.edge_index()[1]
        assert bool(((dst >= start) & (dst < end)).all())
    expected_degree = scatter(
        torch.ones(edge_index.size(1)) if weight is None else weight,
        edge_index[0],
        0,
        dim_size=11,
        reduce='sum',
    )
    assert torch.equal(read_degree(out).float(), expected_degree)


def test_edge_ranges():
    # A hub: equal node counts would give rank 0 most of the entries.
    counts = np.array([40, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4])
    assert edge_ranges(counts, 2) == [(0, 1), (1, 11)]
    assert edge_ranges(counts, 3) == [(0, 1), (1, 5), (5, 11)]
    assert edge_ranges(np.ones(7, dtype=np.int64), 3) == [
        (0, 3),
        (3, 5),
        (5, 7),
    ]
    assert edge_ranges(np.zeros(4, dtype=np.int64), 2) == [(0, 2), (2, 4)]
    ranges = edge_ranges(np.array([0, 100, 0, 0, 1]), 3)
    assert ranges[0][0] == 0 and ranges[-1][1] == 5
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))


def test_adj_t(tmp_path):
    path, weights = save_edges(tmp_path, weighted=True)
    partition(path, 2, str(tmp_path / 's'), weights=weights)
    shard = read_shard(str(tmp_path / 's'), 1, 2)
    dense = shard.adj_t().to_dense()
    assert dense.shape == (shard.end - shard.start, 11)
    src, dst = shard.edge_index()
    expected = torch.zeros_like(dense)
    expected[dst - shard.start, src] = shard.weight
    assert torch.equal(dense, expected)


@pytest.mark.parametrize('name', ['edges.txt', 'graph.pt'])
def test_text_and_pt_inputs(tmp_path, name):
    path = str(tmp_path / name)
    if name.endswith('.txt'):
        with open(path, 'w') as f:
            f.writelines(f'{u} {v} {w}\n' for (u, v), w in zip(PAIRS, WEIGHT))
    else:
        torch.save(
            Data(
                edge_index=torch.from_numpy(PAIRS.T.copy()),
                edge_weight=torch.from_numpy(WEIGHT),
                num_nodes=13,  # two isolated nodes past the largest id
            ),
            path,
        )
    meta = partition(path, 2, str(tmp_path / 's'), chunk_size=5)
    data, edge_index, _ = in_memory(path, None, False)
    _, got_index, got_weight = gather(str(tmp_path / 's'), 2)
    assert meta['num_nodes'] == data.num_nodes
    assert torch.equal(got_index, edge_index)
    perm = torch.argsort(
        data.edge_index[1] * data.num_nodes + data.edge_index[0]
    )
    assert torch.equal(got_weight, data.edge_weight[perm])


def test_one_based_and_num_nodes(tmp_path):
    path = str(tmp_path / 'edges.npy')
    np.save(path, PAIRS + 1)
    meta = partition(path, 2, str(tmp_path / 's'), one_based=True)
    assert meta['num_nodes'] == 11
    _, got_index, _ = gather(str(tmp_path / 's'), 2)
    _, edge_index, _ = in_memory(path, None, False, one_based=True)
    assert torch.equal(got_index, edge_index)
    with pytest.warns(UserWarning, match="no node 0.*'--one-based'"):
        meta = partition(
            path, 2, str(tmp_path / 't'), num_nodes=20, balance='nodes'
        )
    assert meta['num_nodes'] == 20 and meta['ranges'][1] == [10, 20]


def test_partition_errors(tmp_path):
    path, _ = save_edges(tmp_path)
    out = str(tmp_path / 's')
    partition(path, 2, out)
    with pytest.raises(ValueError, match="'out'.*already exists.*overwrite"):
        partition(path, 2, out)
    with pytest.raises(ValueError, match="'num_parts=12' exceeds the 11"):
        partition(path, 12, str(tmp_path / 'u'))
    with pytest.raises(ValueError, match="'num_parts' must be an integer"):
        partition(path, 0, str(tmp_path / 'u'))
    with pytest.raises(ValueError, match='edge 14: node 10 is out of range'):
        partition(path, 2, str(tmp_path / 'u'), num_nodes=10)
    with pytest.raises(ValueError, match='contains node 0.*not 1-based'):
        partition(path, 2, str(tmp_path / 'u'), one_based=True)
    with pytest.raises(ValueError, match="'balance' must be 'edges'"):
        partition(path, 2, str(tmp_path / 'u'), balance='degree')
    with pytest.raises(ValueError, match="'chunk_size' must be a positive"):
        partition(path, 2, str(tmp_path / 'u'), chunk_size=0)
    assert not os.path.exists(tmp_path / 'u')


def test_partition_is_atomic(tmp_path, monkeypatch):
    path, _ = save_edges(tmp_path)
    out = tmp_path / 's'
    partition(path, 2, str(out))
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    # Interrupted while writing the shards: the old directory is intact and
    # no temporary directory is left behind.
    monkeypatch.setattr(partition_module, '_merge', interrupted)
    with pytest.raises(KeyboardInterrupt):
        partition(path, 3, str(out), overwrite=True)
    with pytest.raises(KeyboardInterrupt):
        partition(path, 3, str(tmp_path / 'new'))
    assert sorted(os.listdir(tmp_path)) == ['edges.npy', 's']
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    monkeypatch.undo()
    meta = partition(path, 3, str(out), overwrite=True)
    assert read_metadata(str(out))['num_parts'] == meta['num_parts'] == 3
    assert sorted(os.listdir(tmp_path)) == ['edges.npy', 's']


def corrupt(path):
    data = bytearray(open(path, 'rb').read())
    data[-1] ^= 0xFF
    open(path, 'wb').write(bytes(data))


def test_reader_errors(tmp_path):
    path, weights = save_edges(tmp_path, weighted=True)
    out = tmp_path / 's'
    partition(path, 2, str(out), weights=weights)
    indices = str(out / shard_file(1, 'indices'))

    with pytest.raises(ShardError, match='describes 2 parts but 3 ranks'):
        read_shard(str(out), 0, 3)

    corrupt(indices)
    with pytest.raises(
        ShardError, match=r"part-00001.indices.npy' \(rank 1\).*SHA-256"
    ):
        read_shard(str(out), 1, 2)
    read_shard(str(out), 0, 2)  # rank 0's shard is fine

    np.save(indices, np.zeros(3, dtype=np.int32))  # a wrong shape
    meta = json.loads((out / 'meta.json').read_text())
    spec = meta['shards'][1]['files']['indices']
    spec['sha256'] = partition_module.sha256(indices)
    (out / 'meta.json').write_text(json.dumps(meta))
    with pytest.raises(ShardError, match=r'indices.npy.*rank 1.*shape \[3\]'):
        read_shard(str(out), 1, 2)

    os.remove(out / shard_file(0, 'weight'))
    with pytest.raises(
        ShardError, match=r"part-00000.weight.npy' \(rank 0\): is missing"
    ):
        read_shard(str(out), 0, 2)

    meta['version'] = 99
    (out / 'meta.json').write_text(json.dumps(meta))
    with pytest.raises(ShardError, match='version 99; this reader reads'):
        read_shard(str(out), 0, 2)
    (out / 'meta.json').write_text('{"format": ')
    with pytest.raises(ShardError, match='meta.json.*not readable JSON'):
        read_shard(str(out), 0, 2)
    os.remove(out / 'meta.json')
    with pytest.raises(
        ShardError, match=r'meta.json.*rank 0.*not a finished partition'
    ):
        read_shard(str(out), 0, 2)
    with pytest.raises(ShardError, match='directory does not exist'):
        read_shard(str(tmp_path / 'nowhere'), 0, 2)
    assert issubclass(ShardError, ValueError)


def test_cli_partition(tmp_path, capsys):
    from pyg_hopfield.cli import main

    path, weights = save_edges(tmp_path, weighted=True)
    out = str(tmp_path / 's')
    argv = ['partition', '--edges', path, '--weights', weights]
    assert (
        main(argv + ['--parts', '3', '--out', out, '--chunk-size', '4']) == 0
    )
    assert 'into 3 shards' in capsys.readouterr().out
    _, got_index, got_weight = gather(out, 3)
    _, edge_index, weight = in_memory(path, weights, False)
    assert torch.equal(got_index, edge_index)
    assert torch.equal(got_weight, weight)
    assert main(argv + ['--parts', '2', '--out', out]) == 2
    assert 'already exists' in capsys.readouterr().err
    assert main(argv + ['--parts', '2', '--out', out, '--overwrite']) == 0
    assert read_metadata(out)['num_parts'] == 2
    assert main(argv + ['--out', out]) == 2
    assert "'--parts' is required" in capsys.readouterr().err
