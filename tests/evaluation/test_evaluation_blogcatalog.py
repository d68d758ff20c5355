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


def test_blogcatalog_torch_solver_equals_liblinear(data_mirror):
    # The multi-label protocol on the real labels: both solvers reach the
    # same one-vs-rest models, so the top-k predictions and F1 agree.
    from pyg_hopfield.evaluation import node_classification

    mat = scipy.io.loadmat(
        osp.join(data_mirror, 'blogcatalog', 'blogcatalog.mat')
    )
    adj = mat['network'].tocsr().astype(np.float32)
    y = torch.from_numpy(np.asarray(mat['group'].todense())).long()
    gen = np.random.default_rng(0)
    embedding = torch.from_numpy(adj @ gen.standard_normal((10312, 32)))
    ref = node_classification(embedding, y, num_runs=1, normalize=True)
    out = node_classification(
        embedding, y, num_runs=1, normalize=True, solver='torch'
    )
    assert 15.0 < ref['micro_f1'] < 40.0
    assert out['micro_f1'] == pytest.approx(ref['micro_f1'], abs=0.05)
    assert out['macro_f1'] == pytest.approx(ref['macro_f1'], abs=0.05)
