import os
import shutil

import numpy as np
import pytest
import torch
import torch.distributed as dist

from pyg_hopfield.distributed.launch import (
    embed_shards,
    run_local,
)
from pyg_hopfield.distributed.partitioning import partition
from pyg_hopfield.io import read_edge_list
from pyg_hopfield.nn import HebbianPropagation
from pyg_hopfield.nn.hebbian_presets import preset_settings

NUM_NODES, DIM = 41, 6

# The default (orthogonal) and the paper's update, unweighted and weighted.
CONFIGS = [
    ('default', False, dict(num_iterations=12)),
    ('default', True, dict(num_iterations=12, filter_degree=4)),
    ('paper', False, dict(num_iterations=4)),
    ('paper', True, dict(num_iterations=4, gaussian='kernel')),
]


def graph(tmp_path):
    # Two components (nodes 0-29 and 30-39) and an isolated node 40, a few
    # duplicate and reversed pairs; weights with exact float32 sums.
    generator = np.random.default_rng(0)
    first = generator.integers(0, 30, (90, 2))
    second = generator.integers(30, 40, (20, 2))
    pairs = np.concatenate([first, second, first[:5, ::-1]]).astype(np.int32)
    weight = generator.integers(1, 8, len(pairs)).astype(np.float32) / 4
    np.save(tmp_path / 'edges.npy', pairs)
    np.save(tmp_path / 'w.npy', weight)
    return str(tmp_path / 'edges.npy'), str(tmp_path / 'w.npy')


def settings(mode, kwargs):
    # The distributed function takes the module's keyword arguments.
    return {**(preset_settings('paper') if mode == 'paper' else {}), **kwargs}


def _embed_all(directories, out_dir):
    rank = dist.get_rank()
    for k, (mode, weighted, kwargs) in enumerate(CONFIGS):
        out = embed_shards(
            directories[weighted], DIM, seed=3, **settings(mode, kwargs)
        )
        torch.save(out, os.path.join(out_dir, f'{rank}_{k}.pt'))


def expected(path, weights, mode, kwargs, threads=1):
    data = read_edge_list(path, num_nodes=NUM_NODES, weights=weights)
    model = HebbianPropagation(
        NUM_NODES, DIM, seed=3, **settings(mode, kwargs)
    )
    threads = torch.get_num_threads()
    torch.set_num_threads(threads)  # as each rank: the same BLAS bits
    try:
        return model(data)
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize('world_size', [2, 3])
def test_shards_equal_single_process(tmp_path, world_size):
    path, weights = graph(tmp_path)
    directories = []
    for weighted in (False, True):
        out = str(tmp_path / f'parts{weighted:d}')
        partition(
            path,
            world_size,
            out,
            weights=weights if weighted else None,
            num_nodes=NUM_NODES,
            chunk_size=16,
        )
        directories.append(out)
    run_local(
        _embed_all,
        world_size,
        (directories, str(tmp_path)),
        timeout=300,
        num_threads=1,
    )
    for k, (mode, weighted, kwargs) in enumerate(CONFIGS):
        reference = expected(path, weights if weighted else None, mode, kwargs)
        for rank in range(world_size):
            got = torch.load(tmp_path / f'{rank}_{k}.pt')
            assert torch.equal(got, reference), (mode, weighted, rank)


def test_cli_embed_nproc(tmp_path, capsys):
    from pyg_hopfield.cli import main

    path, weights = graph(tmp_path)
    parts = str(tmp_path / 'parts')
    argv = ['partition', '--edges', path, '--weights', weights]
    argv += ['--num-nodes', str(NUM_NODES), '--parts', '2']
    assert main(argv + ['--out', parts]) == 0
    out = str(tmp_path / 'x.npy')
    argv = ['embed', '--method', 'hebbian', '--edges', parts, '--nproc', '2']
    argv += ['--dim', str(DIM), '--seed', '3', '--iterations', '12']
    assert main(argv + ['--out', out]) == 0, capsys.readouterr().err
    assert 'with 2 processes' in capsys.readouterr().out
    # Each process runs with the cores / 2 threads: so does the reference.
    threads = max(1, (os.cpu_count() or 1) // 2)
    reference = expected(
        path, weights, 'default', dict(num_iterations=12), threads=threads
    )
    assert torch.equal(torch.from_numpy(np.load(out)), reference)
    assert main(argv + ['--out', out, '--directed']) == 2
    assert "'--directed' is set by 'partition'" in capsys.readouterr().err
    assert main(argv + ['--out', str(tmp_path / 'x.txt')]) == 2
    assert "'--out' must end in '.pt' or '.npy'" in capsys.readouterr().err
    assert argv[5:7] == ['--nproc', '2']
    assert main(argv[:6] + ['3'] + argv[7:] + ['--out', out]) == 2
    assert 'a partition for 2 processes' in capsys.readouterr().err
    shutil.rmtree(parts)
    assert main(argv + ['--out', str(tmp_path / 'y.npy')]) == 2
    error = capsys.readouterr().err
    assert "parts/meta.json'" in error and 'does not exist' in error
    assert not os.path.exists(tmp_path / 'y.npy')
