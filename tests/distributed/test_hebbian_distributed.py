import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from pyg_hopfield.distributed import hebbian_propagation, node_ranges
from pyg_hopfield.nn import HebbianPropagation

# Directed, weighted, with an isolated nodes (7, 8): 9 nodes, uneven blocks.
EDGE_INDEX = torch.tensor(
    [
        [0, 1, 1, 2, 2, 3, 4, 5, 6, 6, 0, 3],
        [1, 0, 2, 1, 3, 2, 5, 4, 4, 0, 6, 3],
    ]
)
EDGE_WEIGHT = torch.tensor(
    [1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 1.0, 0.25, 2.0, 1.0, 1.5, 0.5]
)
CONFIGS = [
    dict(),
    dict(gaussian='kernel', transition='sym', num_negative_samples=2),
    dict(gaussian='none', negative_weight=0.0, normalize=True),
    dict(
        negative_weight=0.0, lr=10.0, normalize='iteration', whiten='iteration'
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _worker(rank, world_size, port, out_dir):
    os.environ['MASTER_ADDR'] = '127.0.0.1'
    os.environ['MASTER_PORT'] = str(port)
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    try:
        for k, kwargs in enumerate(CONFIGS):
            out = hebbian_propagation(
                EDGE_INDEX,
                9,
                6,
                EDGE_WEIGHT,
                num_iterations=4,
                seed=5,
                **kwargs,
            )
            local = hebbian_propagation(
                EDGE_INDEX,
                9,
                6,
                EDGE_WEIGHT,
                num_iterations=4,
                seed=5,
                return_local=True,
                **kwargs,
            )
            torch.save((out, local), os.path.join(out_dir, f'{rank}_{k}.pt'))
    finally:
        dist.destroy_process_group()


@pytest.mark.parametrize('world_size', [2])
def test_sharded_equals_single_process(tmp_path, world_size):
    mp.spawn(
        _worker,
        args=(world_size, _free_port(), str(tmp_path)),
        nprocs=world_size,
        join=True,
    )
    ranges = node_ranges(9, world_size)
    for k, kwargs in enumerate(CONFIGS):
        # The sharded function runs the paper's update (preset 'paper').
        expected = HebbianPropagation.from_preset(
            'paper', 9, 6, num_iterations=4, seed=5, **kwargs
        )(EDGE_INDEX, EDGE_WEIGHT)
        for rank in range(world_size):
            out, local = torch.load(tmp_path / f'{rank}_{k}.pt')
            assert torch.allclose(out, expected, rtol=1e-5, atol=1e-4)
            start, end = ranges[rank]
            assert torch.allclose(
                local, expected[start:end], rtol=1e-5, atol=1e-4
            )


def test_node_ranges_and_errors():
    assert node_ranges(7, 3) == [(0, 3), (3, 5), (5, 7)]
    assert node_ranges(2, 3) == [(0, 1), (1, 2), (2, 2)]
    with pytest.raises(ValueError, match="'world_size'"):
        node_ranges(5, 0)
    if not dist.is_initialized():
        with pytest.raises(ValueError, match='init_process_group'):
            hebbian_propagation(EDGE_INDEX, 8, 4)
