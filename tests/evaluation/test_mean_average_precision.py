import pytest
import torch

import pyg_hopfield.evaluation.mean_average_precision as mean_ap
from pyg_hopfield.evaluation import link_prediction_map, reconstruction_map


def map_reference(embedding, truth, exclude, sample, candidates):
    r"""A slow, literal version of GEM's precision-averaging MAP."""
    truth = set(map(tuple, truth.t().tolist()))
    exclude = set(map(tuple, exclude.t().tolist()))
    aps = []
    for i in sample.tolist():
        ranked = [
            (j, float(embedding[i] @ embedding[j]))
            for j in candidates.tolist()
            if j != i and (i, j) not in exclude
        ]
        ranked = sorted(ranked, key=lambda x: x[1], reverse=True)  # stable
        correct, precisions = 0, []
        for k, (j, _) in enumerate(ranked):
            if (i, j) in truth:
                correct += 1
                precisions.append(correct / (k + 1))
        if correct > 0:
            aps.append(sum(precisions) / correct)
    return sum(aps) / len(aps)


def random_graph(num_nodes, num_edges, seed):
    gen = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, num_nodes, (2, num_edges), generator=gen)
    edge_index = edge_index[:, edge_index[0] != edge_index[1]]
    return torch.cat([edge_index, edge_index.flip(0)], dim=1)


def test_hand_computed():
    # Node 0 ranks 1 (hit), 2 (miss), 3 (hit): AP = (1/1 + 2/3) / 2.
    # Node 1 ranks 0 (hit), 2, 3: AP = 1.  Node 3 ranks 0 (hit): AP = 1/3.
    # Node 2 has no neighbour and is skipped.
    embedding = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.7, 0.2], [0.0, 0.5]])
    edge_index = torch.tensor([[0, 1, 0, 3], [1, 0, 3, 0]])
    out = reconstruction_map(embedding, edge_index)
    assert out == pytest.approx((5 / 6 + 1 + 1 / 3) / 3)


@pytest.mark.parametrize('candidates', ['all', 'sampled'])
@pytest.mark.parametrize('num_sampled_nodes', [7, 1024])
def test_reconstruction_matches_reference(candidates, num_sampled_nodes):
    num_nodes = 40
    edge_index = random_graph(num_nodes, 80, seed=0)
    gen = torch.Generator().manual_seed(1)
    embedding = torch.randn(num_nodes, 3, generator=gen)
    embedding[5] = embedding[6]  # ties
    out = reconstruction_map(
        embedding, edge_index, num_sampled_nodes, seed=3, candidates=candidates
    )
    sample = mean_ap._sample_nodes(num_nodes, num_sampled_nodes, 3)
    cand = torch.arange(num_nodes) if candidates == 'all' else sample
    expected = map_reference(
        embedding, edge_index, torch.zeros(2, 0), sample, cand
    )
    assert out == pytest.approx(expected)


def test_sample_is_seeded_and_sized():
    a = mean_ap._sample_nodes(100, 10, seed=0)
    assert a.numel() == a.unique().numel() == 10
    assert torch.equal(a, mean_ap._sample_nodes(100, 10, seed=0))
    assert not torch.equal(a, mean_ap._sample_nodes(100, 10, seed=1))
    assert torch.equal(mean_ap._sample_nodes(5, 10, 0), torch.arange(5))


def test_ties_follow_candidate_order():
    # All scores tie: node 0 ranks 1, 2, 3 in index order (hit at rank 3),
    # node 3 ranks 0, 1, 2 (hit at rank 1), as GEM's stable sort does.
    embedding = torch.ones(4, 2)
    edge_index = torch.tensor([[0, 3], [3, 0]])
    assert reconstruction_map(embedding, edge_index) == pytest.approx(
        (1 / 3 + 1) / 2
    )


@pytest.mark.parametrize('candidates', ['all', 'sampled'])
def test_perfect_embedding_is_one(candidates):
    # Four cliques of ten nodes, one-hot clique embeddings:
    cluster = torch.arange(40) // 10
    row, col = torch.meshgrid(
        torch.arange(40), torch.arange(40), indexing='ij'
    )
    mask = (cluster[row] == cluster[col]) & (row != col)
    edge_index = torch.stack([row[mask], col[mask]])
    embedding = torch.nn.functional.one_hot(cluster).float()
    assert (
        reconstruction_map(embedding, edge_index, 16, candidates=candidates)
        == 1.0
    )
    # Hold out a few edges: the training edges are filtered, so the test
    # edges are again ranked first.
    test = edge_index[:, ::7]
    train = edge_index[:, torch.arange(edge_index.size(1)) % 7 != 0]
    assert link_prediction_map(embedding, train, test) == 1.0


def test_random_embedding_is_near_chance():
    num_nodes = 600
    edge_index = random_graph(num_nodes, 3000, seed=0)  # mean degree ~10
    gen = torch.Generator().manual_seed(0)
    embedding = torch.randn(num_nodes, 16, generator=gen)
    out = reconstruction_map(embedding, edge_index, 200, candidates='all')
    # A uniformly random ranking of R positives among N candidates has
    # E[AP] = H_N / N + (R - 1) / (N - 1) * (1 - H_N / N):
    sample = mean_ap._sample_nodes(num_nodes, 200, 0)
    deg = torch.zeros(num_nodes).index_add_(
        0,
        edge_index.unique(dim=1)[0],
        torch.ones(edge_index.unique(dim=1).size(1)),
    )[sample]
    deg = deg[deg > 0]
    N = num_nodes - 1
    H = float((1 / torch.arange(1, N + 1, dtype=torch.float64)).sum())
    chance = (H / N + (deg - 1) / (N - 1) * (1 - H / N)).mean()
    assert abs(out - float(chance)) < 0.01
    assert out < 0.1


def test_link_prediction_matches_reference():
    num_nodes = 50
    edge_index = random_graph(num_nodes, 120, seed=2)
    gen = torch.Generator().manual_seed(0)
    is_test = torch.rand(edge_index.size(1), generator=gen) < 0.2
    test, train = edge_index[:, is_test], edge_index[:, ~is_test]
    embedding = torch.randn(num_nodes, 4, generator=gen)
    for candidates in ['all', 'sampled']:
        out = link_prediction_map(
            embedding, train, test, 20, seed=5, candidates=candidates
        )
        sample = mean_ap._sample_nodes(num_nodes, 20, 5)
        cand = torch.arange(num_nodes) if candidates == 'all' else sample
        assert out == pytest.approx(
            map_reference(embedding, test, train, sample, cand)
        )


def test_chunking_does_not_change_the_result(monkeypatch):
    edge_index = random_graph(300, 1500, seed=4)
    embedding = torch.randn(300, 8, generator=torch.Generator().manual_seed(4))
    full = reconstruction_map(embedding, edge_index, 100, seed=1)
    monkeypatch.setattr(mean_ap, '_CHUNK_ELEMENTS', 700)  # 2 rows at a time
    assert reconstruction_map(embedding, edge_index, 100, seed=1) == full


def test_bad_input():
    embedding = torch.randn(4, 2)
    edge_index = torch.tensor([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="'edge_index' contains node 7"):
        reconstruction_map(embedding, edge_index + 6)
    with pytest.raises(ValueError, match="'edge_index' must have dtype"):
        reconstruction_map(embedding, edge_index.float())
    with pytest.raises(ValueError, match="'embedding' contains NaN"):
        reconstruction_map(embedding * float('nan'), edge_index)
    with pytest.raises(ValueError, match="'num_sampled_nodes'"):
        reconstruction_map(embedding, edge_index, num_sampled_nodes=0)
    with pytest.raises(ValueError, match="'candidates'"):
        reconstruction_map(embedding, edge_index, candidates='some')
    with pytest.raises(ValueError, match='none of the sampled nodes'):
        reconstruction_map(embedding, edge_index[:, :0])
    with pytest.raises(ValueError, match="'train_edge_index' contains node"):
        link_prediction_map(embedding, edge_index + 4, edge_index)
    with pytest.raises(ValueError, match="'test_edge_index' is empty"):
        link_prediction_map(embedding, edge_index, edge_index[:, :0])
    with pytest.raises(ValueError, match="'test_edge_index' must have shape"):
        link_prediction_map(embedding, edge_index, edge_index.t()[:1])
