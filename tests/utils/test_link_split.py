import pytest
import torch
from torch_geometric.utils import erdos_renyi_graph, is_undirected

from pyg_hopfield.utils import (
    gem_link_split,
    mhn_link_split,
    sample_negative_pairs,
    seal_link_split,
    unique_undirected_pairs,
)


def pair_set(pairs):
    return {tuple(p) for p in pairs.t().tolist()}


@pytest.fixture
def graph():
    torch.manual_seed(12345)
    return erdos_renyi_graph(60, 0.2), 60


def test_unique_undirected_pairs():
    edge_index = torch.tensor([[0, 1, 1, 2, 2, 3, 3], [1, 0, 2, 1, 2, 0, 1]])
    assert unique_undirected_pairs(edge_index).tolist() == [
        [0, 0, 1, 1],
        [1, 3, 2, 3],
    ]


@pytest.mark.parametrize('test_ratio', [0.1, 0.5])
def test_gem_link_split_partitions_edges(graph, test_ratio):
    edge_index, num_nodes = graph
    train, test = gem_link_split(edge_index, num_nodes, test_ratio, seed=1)
    all_pairs = pair_set(unique_undirected_pairs(edge_index))
    train_pairs = pair_set(unique_undirected_pairs(train))
    test_pairs = pair_set(test)
    assert is_undirected(train)
    assert train_pairs.isdisjoint(test_pairs)
    assert train_pairs | test_pairs == all_pairs
    assert len(test_pairs) == round(test_ratio * len(all_pairs))
    assert bool((test[0] < test[1]).all())


def test_splits_are_seeded(graph):
    edge_index, num_nodes = graph
    state = torch.get_rng_state()
    a = seal_link_split(edge_index, num_nodes, seed=3)
    b = seal_link_split(edge_index, num_nodes, seed=3)
    c = seal_link_split(edge_index, num_nodes, seed=4)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(a[1], c[1])
    assert torch.equal(state, torch.get_rng_state())  # global RNG untouched


def test_seal_link_split_negatives_are_non_edges(graph):
    edge_index, num_nodes = graph
    train, pos, neg = seal_link_split(edge_index, num_nodes, 0.1, seed=0)
    all_pairs = pair_set(unique_undirected_pairs(edge_index))
    assert pos.size(1) == neg.size(1) == round(0.1 * len(all_pairs))
    assert pair_set(neg).isdisjoint(all_pairs)
    assert len(pair_set(neg)) == neg.size(1)
    assert bool((neg[0] < neg[1]).all())
    assert pair_set(pos) <= all_pairs
    assert pair_set(pos).isdisjoint(pair_set(unique_undirected_pairs(train)))


def test_mhn_link_split_counts(graph):
    edge_index, num_nodes = graph
    train, pos, neg = mhn_link_split(edge_index, num_nodes, num_pairs=25)
    assert pos.size() == neg.size() == (2, 25)
    held_out = pair_set(pos)
    assert held_out.isdisjoint(pair_set(unique_undirected_pairs(train)))
    assert train.size(1) == edge_index.size(1) - 2 * 25


def test_sample_negative_pairs_exhausts_complement():
    # Path 0-1-2-3: the complement has exactly 3 pairs.
    edge_index = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])
    gen = torch.Generator().manual_seed(0)
    neg = sample_negative_pairs(edge_index, 4, 3, gen)
    assert pair_set(neg) == {(0, 2), (0, 3), (1, 3)}
    with pytest.raises(ValueError, match='only 3 non-edges'):
        sample_negative_pairs(edge_index, 4, 4, gen)


def test_split_bad_input(graph):
    edge_index, num_nodes = graph
    with pytest.raises(ValueError, match="'test_ratio' must lie in"):
        gem_link_split(edge_index, num_nodes, test_ratio=1.5)
    with pytest.raises(ValueError, match="'num_pairs' must be a positive"):
        mhn_link_split(edge_index, num_nodes, num_pairs=0)
    with pytest.raises(ValueError, match='Cannot hold out'):
        mhn_link_split(edge_index, num_nodes, num_pairs=10**6)
    with pytest.raises(ValueError, match='contains node'):
        seal_link_split(edge_index, 10)
