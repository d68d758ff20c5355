r"""The sharded Hebbian propagation checks its arguments once and raises the
same error on every rank (issue #16)."""

import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from pyg_hopfield.distributed import hebbian_propagation

EDGE_INDEX = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])

# (arguments of rank 0, arguments of rank 1, expected message)
CASES = [
    (
        dict(embedding_dim=0),
        dict(embedding_dim=0),
        "'embedding_dim' must be >= 1 (got 0) (on rank 0)",
    ),
    (
        dict(num_iterations=-1),
        dict(),
        "'num_iterations' must be >= 0 (got -1) (on rank 0)",
    ),
    (dict(), dict(lr=-1.0), "'lr' must be > 0.0 (got -1.0) (on rank 1)"),
    (
        dict(),
        dict(variance=float('inf')),
        "'variance' must be a finite number (got inf) (on rank 1)",
    ),
    (
        dict(negative_weight=float('nan')),
        dict(),
        "'negative_weight' must be a finite number (got nan) (on rank 0)",
    ),
    (
        dict(seed=0),
        dict(seed=1),
        "'seed' must be the same on every rank, got 0, 1",
    ),
    (
        dict(num_nodes=4),
        dict(num_nodes=5),
        "'num_nodes' must be the same on every rank, got 4, 5",
    ),
    (
        dict(),
        dict(filter_degree=3),
        "'filter_degree' must be the same on every rank, got 8, 3",
    ),
    (
        dict(),
        dict(transition='row'),
        "'transition='row'' belongs to the paper's propagation",
    ),
    (
        dict(orthogonalize=False, transition='row'),
        dict(orthogonalize=False, transition='sym'),
        "'transition' must be the same on every rank",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _worker(rank, world_size, port, out_dir):
    os.environ['MASTER_ADDR'] = '127.0.0.1'
    os.environ['MASTER_PORT'] = str(port)
    torch.set_num_threads(1)  # processes share the cores: no oversubscription
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    messages = []
    try:
        for case in CASES:
            kwargs = dict(
                num_nodes=4, embedding_dim=3, num_iterations=2, seed=0
            )
            kwargs.update(case[rank])
            num_nodes = kwargs.pop('num_nodes')
            embedding_dim = kwargs.pop('embedding_dim')
            try:
                hebbian_propagation(
                    EDGE_INDEX, num_nodes, embedding_dim, **kwargs
                )
                messages.append(None)
            except ValueError as e:
                messages.append(str(e))
        # The process group still works after the refusals:
        out = hebbian_propagation(EDGE_INDEX, 4, 3, num_iterations=2)
        messages.append(list(out.shape))
    finally:
        dist.destroy_process_group()
    torch.save(messages, os.path.join(out_dir, f'{rank}.pt'))


def test_bad_or_differing_arguments_raise_on_every_rank(tmp_path):
    mp.spawn(
        _worker, args=(2, _free_port(), str(tmp_path)), nprocs=2, join=True
    )
    rank0 = torch.load(tmp_path / '0.pt')
    rank1 = torch.load(tmp_path / '1.pt')
    assert rank0 == rank1  # the same error everywhere
    for message, (_, _, expected) in zip(rank0, CASES):
        assert message is not None and expected in message, message
    assert rank0[-1] == [4, 3]
