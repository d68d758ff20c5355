"""Random power-law graphs for benchmarks/bench_scale.py (issue 13).

A Chung-Lu graph drawn with torch: node :math:`i` has expected degree
:math:`w_i \\propto (i + i_0)^{-1/(\\gamma - 1)}` (a power law with
exponent :math:`\\gamma`, the offset :math:`i_0` capping the largest
expected degree at :math:`\\sqrt{2E}` so that no pair is expected twice),
both endpoints of every edge are drawn with probability proportional to
:math:`w`, self-loops and repeated pairs are dropped and the draw is topped
up until exactly :math:`E` distinct undirected edges remain.  The edges are
written once each (:math:`u < v` is *not* imposed: each pair appears in one
random orientation) as an ``int32`` :obj:`[E, 2]` ``.npy`` file, so the
graph has :math:`2E` nonzeros once symmetrised.

    python benchmarks/scale_graphs.py --nnz 1e8 --out /tmp/scale
"""

import argparse
import os
import os.path as osp

import numpy as np
import torch

#: Average degree (nonzeros per node) of every graph of the scale series:
#: 10^8 nonzeros on 10^6 nodes, as issue 13 asks.
AVERAGE_DEGREE = 100


def expected_degrees(
    num_nodes: int,
    num_nonzeros: int,
    exponent: float = 2.5,
) -> torch.Tensor:
    r"""Chung-Lu weights :math:`w_i \propto (i + i_0)^{-1/(\gamma-1)}`
    summing to :obj:`num_nonzeros`, the largest at most
    :math:`\sqrt{\mathrm{nnz}}` (the offset :math:`i_0` is found by
    bisection)."""
    alpha = 1.0 / (exponent - 1.0)
    cap = num_nonzeros**0.5
    index = torch.arange(num_nodes, dtype=torch.float64)

    def weights(offset):
        w = (index + offset).pow(-alpha)
        return w * (num_nonzeros / w.sum())

    low, high = 1.0, float(num_nodes)
    for _ in range(60):
        mid = (low * high) ** 0.5
        low, high = (mid, high) if weights(mid)[0] > cap else (low, mid)
    return weights(high)


def chung_lu_edges(
    num_nodes: int,
    num_edges: int,
    seed: int = 0,
    exponent: float = 2.5,
    chunk_size: int = 10_000_000,
) -> np.ndarray:
    r"""Exactly :obj:`num_edges` distinct undirected edges (no self-loops)
    of a Chung-Lu graph, as an ``int32`` :obj:`[E, 2]` array in random
    order and orientation."""
    gen = torch.Generator().manual_seed(seed)
    cdf = expected_degrees(num_nodes, 2 * num_edges, exponent).cumsum(0)
    cdf /= cdf[-1].clone()
    keys = torch.empty(0, dtype=torch.long)
    while keys.numel() < num_edges:
        missing = num_edges - keys.numel()
        draw = int(missing * 1.05) + 1000
        parts = [keys]
        for start in range(0, draw, chunk_size):
            n = min(chunk_size, draw - start)
            ends = torch.searchsorted(
                cdf, torch.rand(2, n, dtype=torch.float64, generator=gen)
            ).clamp_(max=num_nodes - 1)
            low, high = ends.min(0).values, ends.max(0).values
            keep = low != high
            parts.append(low[keep] * num_nodes + high[keep])
        keys = torch.unique(torch.cat(parts))
    keys = keys[torch.randperm(keys.numel(), generator=gen)[:num_edges]]
    low, high = keys // num_nodes, keys % num_nodes
    flip = torch.rand(num_edges, generator=gen) < 0.5
    src = torch.where(flip, high, low).to(torch.int32)
    dst = torch.where(flip, low, high).to(torch.int32)
    return torch.stack([src, dst], 1).numpy()


def graph_path(directory: str, num_nonzeros: int, seed: int = 0) -> str:
    return osp.join(directory, f'chung_lu_{num_nonzeros:.0e}_{seed}.npy')


def make_graph(
    directory: str,
    num_nonzeros: int,
    seed: int = 0,
) -> tuple[str, int]:
    r"""Writes (once) the graph of :obj:`num_nonzeros` nonzeros, returns its
    path and its number of nodes."""
    num_nodes = num_nonzeros // AVERAGE_DEGREE
    path = graph_path(directory, num_nonzeros, seed)
    if not osp.exists(path):
        os.makedirs(directory, exist_ok=True)
        pairs = chung_lu_edges(num_nodes, num_nonzeros // 2, seed)
        np.save(path + '.tmp.npy', pairs)
        os.replace(path + '.tmp.npy', path)
    return path, num_nodes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--nnz', type=float, nargs='+', required=True)
    parser.add_argument('--out', default='/tmp/scale')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    for nnz in args.nnz:
        path, num_nodes = make_graph(args.out, int(nnz), args.seed)
        print(f'{path}: {num_nodes:,} nodes, {int(nnz):,} nonzeros')


if __name__ == '__main__':
    main()
