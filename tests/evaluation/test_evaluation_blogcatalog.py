import os.path as osp

import numpy as np
import pytest
import scipy.io
import torch

from pyg_hopfield.evaluation import jaccard_coefficient, reconstruction_map
from pyg_hopfield.evaluation.mean_average_precision import _sample_nodes


@pytest.fixture
def blogcatalog(data_mirror):
    path = osp.join(data_mirror, 'blogcatalog', 'blogcatalog.mat')
    adj = scipy.io.loadmat(path)['network'].tocoo()
    edge_index = torch.from_numpy(np.vstack([adj.row, adj.col])).long()
    return edge_index, adj.shape[0]


def test_blogcatalog_random_map_is_chance(blogcatalog):
    edge_index, num_nodes = blogcatalog
    assert num_nodes == 10312 and edge_index.size(1) == 2 * 333983
    gen = torch.Generator().manual_seed(0)
    embedding = torch.randn(num_nodes, 64, generator=gen)
    out = reconstruction_map(embedding, edge_index, seed=0)

    # E[AP] of a random ranking of R positives among N = 1023 candidates:
    sample = _sample_nodes(num_nodes, 1024, seed=0)
    in_sample = torch.zeros(num_nodes, dtype=torch.bool)
    in_sample[sample] = True
    mask = in_sample[edge_index[0]] & in_sample[edge_index[1]]
    deg = torch.bincount(edge_index[0, mask], minlength=num_nodes)[sample]
    deg = deg[deg > 0].double()
    N = 1023
    H = float((1 / torch.arange(1, N + 1, dtype=torch.float64)).sum())
    chance = float((H / N + (deg - 1) / (N - 1) * (1 - H / N)).mean())
    assert abs(out - chance) < 0.005


def test_blogcatalog_jaccard_matches_sets(blogcatalog):
    edge_index, num_nodes = blogcatalog
    gen = torch.Generator().manual_seed(0)
    pairs = torch.randint(0, num_nodes, (2, 200), generator=gen)
    pairs[:, :100] = edge_index[:, : 100 * 3000 : 3000]  # some true edges
    out = jaccard_coefficient(edge_index, num_nodes, pairs)

    row, col = edge_index.tolist()
    neighbours = [set() for _ in range(num_nodes)]
    for u, v in zip(row, col):
        neighbours[u].add(v)
    for p, (u, v) in enumerate(pairs.t().tolist()):
        a, b = neighbours[u], neighbours[v]
        assert out[p] == pytest.approx(len(a & b) / len(a | b))
