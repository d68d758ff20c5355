r"""A pure-PyTorch ``pyg::random_walk`` operator, so that PyG's own
:class:`torch_geometric.nn.Node2Vec` runs unmodified where ``pyg-lib`` cannot
be installed.

It matches pyg-lib's schema as called by ``torch_geometric`` 2.8
(``torch.ops.pyg.random_walk(rowptr, col, seed, walk_length, p, q)``
returning ``(node_seq [N, walk_length + 1], edge_seq [N, walk_length])``).
For ``p = q = 1`` the walk is uniform; otherwise the second-order node2vec
bias (return weight :math:`1/p`, in-out weight :math:`1/q`) is drawn by
vectorised rejection sampling, as pyg-lib does. A node without neighbours
stays put and gets edge id ``-1``.

    import random_walk_op
    random_walk_op.register()   # then: Node2Vec(...) as usual
"""

import torch
from torch import Tensor

__all__ = ['random_walk', 'register']


def random_walk(
    rowptr: Tensor,
    col: Tensor,
    seed: Tensor,
    walk_length: int,
    p: float = 1.0,
    q: float = 1.0,
):
    rowptr, col, seed = rowptr.long(), col.long(), seed.long()
    num_nodes = rowptr.numel() - 1
    deg = rowptr[1:] - rowptr[:-1]
    biased = p != 1.0 or q != 1.0
    if biased:
        # Sorted keys row * N + col answer "is x a neighbour of u?" by
        # binary search (Node2Vec passes a row- and column-sorted CSR).
        row = torch.repeat_interleave(torch.arange(num_nodes), deg)
        keys = row * num_nodes + col
        max_prob = max(1.0 / p, 1.0, 1.0 / q)

    def uniform_step(node):
        d = deg[node]
        edge = rowptr[node] + (torch.rand(node.numel()) * d).long()
        has = d > 0
        edge = torch.where(has, edge, torch.zeros_like(edge))
        nxt = torch.where(has, col[edge] if col.numel() else node, node)
        return nxt, torch.where(has, edge, torch.full_like(edge, -1))

    nodes, edges = [seed], []
    prev = None
    cur = seed
    for _ in range(walk_length):
        if not biased or prev is None:
            nxt, edge = uniform_step(cur)
        else:
            nxt, edge = uniform_step(cur)
            todo = deg[cur] > 0
            while bool(todo.any()):
                idx = todo.nonzero().view(-1)
                cand, cand_edge = uniform_step(cur[idx])
                key = prev[idx] * num_nodes + cand
                pos = torch.searchsorted(keys, key).clamp_(
                    max=keys.numel() - 1
                )
                is_nbr = keys[pos] == key
                weight = torch.where(
                    cand == prev[idx],
                    torch.full_like(cand, 1.0 / p, dtype=torch.float),
                    torch.where(
                        is_nbr,
                        torch.ones_like(cand, dtype=torch.float),
                        torch.full_like(cand, 1.0 / q, dtype=torch.float),
                    ),
                )
                accept = torch.rand(idx.numel()) * max_prob < weight
                nxt[idx[accept]] = cand[accept]
                edge[idx[accept]] = cand_edge[accept]
                todo[idx[accept]] = False
        nodes.append(nxt)
        edges.append(edge)
        prev, cur = cur, nxt
    node_seq = torch.stack(nodes, dim=1)
    edge_seq = (
        torch.stack(edges, dim=1) if edges else seed.new_empty(seed.numel(), 0)
    )
    return node_seq, edge_seq


_LIB = None


def register() -> None:
    r"""Defines ``torch.ops.pyg.random_walk`` (if pyg-lib has not) and tells
    PyG's Node2Vec module that the operator exists."""
    global _LIB
    import torch_geometric.nn.models.node2vec as node2vec

    if not hasattr(torch.ops.pyg, 'random_walk'):
        _LIB = torch.library.Library('pyg', 'FRAGMENT')
        _LIB.define(
            'random_walk(Tensor rowptr, Tensor col, Tensor seed, '
            'int walk_length, float p, float q) -> (Tensor, Tensor)'
        )
        _LIB.impl('random_walk', random_walk, 'CPU')
    # Node2Vec reads `WITH_PYG_LIB` at construction to refuse to run
    # without the operator; the operator now exists.
    node2vec.WITH_PYG_LIB = True
