import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from pyg_hopfield.distributed import hebbian_propagation, node_ranges
from pyg_hopfield.nn import HebbianPropagation
from pyg_hopfield.nn.hebbian_presets import preset_settings

# Directed, weighted, with isolated nodes (7, 8): 9 nodes, uneven blocks.
DIRECTED = torch.tensor(
    [
        [0, 1, 1, 2, 2, 3, 4, 5, 6, 6, 0, 3],
        [1, 0, 2, 1, 3, 2, 5, 4, 4, 0, 6, 3],
    ]
)
DIRECTED_WEIGHT = torch.tensor(
    [1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 1.0, 0.25, 2.0, 1.0, 1.5, 0.5]
)


def _undirected(num_nodes=40, num_edges=90):
    # A random graph, a triangle and an isolated node, both directions,
    # with random (not dyadic) weights.
    gen = torch.Generator().manual_seed(0)
    src = torch.randint(0, num_nodes - 4, (num_edges,), generator=gen)
    dst = torch.randint(0, num_nodes - 4, (num_edges,), generator=gen)
    src = torch.cat([src, torch.tensor([36, 37, 38])])
    dst = torch.cat([dst, torch.tensor([37, 38, 36])])
    edge_index = torch.cat(
        [torch.stack([src, dst]), torch.stack([dst, src])], 1
    )
    weight = torch.rand(num_edges + 3, generator=gen) + 0.1
    return edge_index, torch.cat([weight, weight]), num_nodes


UNDIRECTED, UNDIRECTED_WEIGHT, _ = _undirected()
GRAPHS = {
    'directed': (DIRECTED, DIRECTED_WEIGHT, 9),
    'undirected': (UNDIRECTED, UNDIRECTED_WEIGHT, 40),
    'unweighted': (UNDIRECTED, None, 40),
}
PAPER = dict(preset_settings('paper'), num_iterations=4)
CONFIGS = [
    dict(num_iterations=12, filter_degree=3),  # orthogonal, 4 QR rounds
    dict(degree_direction=True, num_iterations=9, normalize=True),
    dict(eigenvalue_exponent=0.5, whiten=True, num_iterations=10),
    PAPER,
    dict(PAPER, gaussian='kernel', transition='sym', num_negative_samples=2),
    dict(PAPER, gaussian='none', negative_weight=0.0, normalize=True),
    dict(
        PAPER,
        negative_weight=0.0,
        lr=10.0,
        normalize='iteration',
        whiten='iteration',
    ),
]
# Every configuration on the weighted graphs; the module's defaults
# (orthogonal, 80 steps) once on each graph.
CASES = [(g, c) for g in ('directed', 'undirected') for c in CONFIGS]
CASES += [(g, {}) for g in GRAPHS]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _worker(rank, world_size, port, out_dir):
    os.environ['MASTER_ADDR'] = '127.0.0.1'
    os.environ['MASTER_PORT'] = str(port)
    torch.set_num_threads(1)  # processes share the cores: no oversubscription
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    results = {}
    try:
        for k, (name, kwargs) in enumerate(CASES):
            edge_index, edge_weight, num_nodes = GRAPHS[name]
            out = hebbian_propagation(
                edge_index, num_nodes, 6, edge_weight, seed=5, **kwargs
            )
            # A rank may pass only the in-edges of its own rows.
            start, end = node_ranges(num_nodes, world_size)[rank]
            mine = (edge_index[1] >= start) & (edge_index[1] < end)
            local = hebbian_propagation(
                edge_index[:, mine],
                num_nodes,
                6,
                None if edge_weight is None else edge_weight[mine],
                seed=5,
                return_local=True,
                **kwargs,
            )
            # The single process, in this very process (same threads).
            single = HebbianPropagation(num_nodes, 6, seed=5, **kwargs)(
                edge_index, edge_weight
            )
            results[k] = (out, local, single)
    finally:
        dist.destroy_process_group()
    torch.save(results, os.path.join(out_dir, f'{rank}.pt'))


@pytest.mark.parametrize('world_size', [2, 3])
def test_sharded_equals_single_process_bit_for_bit(tmp_path, world_size):
    mp.spawn(
        _worker,
        args=(world_size, _free_port(), str(tmp_path)),
        nprocs=world_size,
        join=True,
    )
    for rank in range(world_size):
        results = torch.load(tmp_path / f'{rank}.pt')
        assert len(results) == len(CASES)
        for k, (out, local, single) in results.items():
            name, kwargs = CASES[k]
            start, end = node_ranges(GRAPHS[name][2], world_size)[rank]
            assert torch.equal(out, single), (name, kwargs)
            assert torch.equal(local, single[start:end]), (name, kwargs)
            assert torch.isfinite(single).all() and single.abs().sum() > 0


def test_node_ranges_and_errors():
    assert node_ranges(7, 3) == [(0, 3), (3, 5), (5, 7)]
    assert node_ranges(2, 3) == [(0, 1), (1, 2), (2, 2)]
    with pytest.raises(ValueError, match="'world_size'"):
        node_ranges(5, 0)
    if not dist.is_initialized():
        with pytest.raises(ValueError, match='init_process_group'):
            hebbian_propagation(DIRECTED, 8, 4)
