import numpy as np
import pytest
import torch
from torch_geometric.utils import remove_self_loops, to_undirected

from pyg_hopfield.nn import hebbian_functional as HF
from pyg_hopfield.utils.sparse_graph import (
    coalesced_csr,
    csr_connected_components,
    transition_csr,
    undirected_csr,
)


def random_pairs(num_nodes, num_pairs, seed=0):
    # Repeated pairs, both orientations and self-loops on purpose.
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, num_nodes, (2, num_pairs), generator=gen)


def reference_undirected(pairs, num_nodes, weight=None):
    # What read_edge_list builds: no self-loops, both directions, coalesced.
    edge_index, weight = remove_self_loops(pairs, weight)
    if weight is None:
        return to_undirected(edge_index, num_nodes=num_nodes)
    return to_undirected(edge_index, weight, num_nodes=num_nodes)


def csr_to_edge_index(crow, col):
    counts = (crow[1:] - crow[:-1]).long()
    row = torch.repeat_interleave(torch.arange(crow.numel() - 1), counts)
    return torch.stack([row, col.long()])


@pytest.mark.parametrize('weighted', [False, True])
def test_coalesced_csr_matches_coalesce(weighted):
    pairs = random_pairs(50, 400)
    weight = torch.rand(400) if weighted else None
    crow, col, value = coalesced_csr(pairs[0], pairs[1], 50, 50, weight)
    assert crow.dtype == col.dtype == torch.int32
    from torch_geometric.utils import coalesce

    if weighted:
        expected, expected_weight = coalesce(pairs, weight, num_nodes=50)
        assert torch.allclose(value, expected_weight)
    else:
        expected = coalesce(pairs, num_nodes=50)
        assert value is None
    assert torch.equal(csr_to_edge_index(crow, col), expected)


@pytest.mark.parametrize('layout', ['E2', '2E', 'tensor'])
def test_undirected_csr_matches_to_undirected(layout):
    pairs = random_pairs(40, 300, seed=1)
    data = {
        'E2': pairs.t().numpy().astype(np.int32),
        '2E': pairs.numpy(),
        'tensor': pairs,
    }[layout]
    crow, col, value = undirected_csr(data, 40, chunk_size=37)
    assert value is None
    expected = reference_undirected(pairs, 40)
    assert torch.equal(csr_to_edge_index(crow, col), expected)


def test_undirected_csr_sums_weights_of_both_directions():
    pairs = np.array([[0, 1], [1, 0], [1, 2], [2, 2]])
    weight = np.array([1.5, 2.0, 3.0, 9.0])
    crow, col, value = undirected_csr(pairs, 3, weight, chunk_size=3)
    expected, expected_weight = reference_undirected(
        torch.from_numpy(pairs).t(), 3, torch.from_numpy(weight).float()
    )
    assert torch.equal(csr_to_edge_index(crow, col), expected)
    assert torch.equal(value, expected_weight)
    assert value.tolist() == [3.5, 3.5, 3.0, 3.0]


def test_undirected_csr_rejects_bad_shape():
    with pytest.raises(ValueError, match=r"'pairs' must have shape"):
        undirected_csr(np.zeros((4, 3), dtype=np.int64), 5)


@pytest.mark.parametrize('transition', ['row', 'sym'])
@pytest.mark.parametrize('weighted', [False, True])
def test_transition_csr_is_bit_identical(transition, weighted):
    # Directed edges with duplicates and an isolated node, as
    # HF.transition_matrix receives them from the module.
    num_nodes = 60
    pairs = random_pairs(num_nodes - 1, 500, seed=2)
    weight = torch.rand(500) if weighted else None
    adj_ref, noise_ref = HF.transition_matrix(
        pairs, num_nodes, weight, transition
    )
    # Rows are targets: the CSR of (dst, src), duplicates summed.
    ones = torch.ones(500) if weight is None else weight
    crow, col, value = coalesced_csr(
        pairs[1], pairs[0], num_nodes, num_nodes, ones
    )
    adj, noise, in_degree = transition_csr(
        crow, col, num_nodes, value, transition, chunk_size=23
    )
    assert torch.equal(adj.crow_indices().long(), adj_ref.crow_indices())
    assert torch.equal(adj.col_indices().long(), adj_ref.col_indices())
    assert torch.equal(adj.values(), adj_ref.values())
    assert torch.equal(noise, noise_ref)
    expected_degree = torch.zeros(num_nodes).index_add_(0, pairs[1], ones)
    assert torch.allclose(in_degree, expected_degree)
    x = torch.randn(num_nodes, 8)
    assert torch.equal(adj @ x, adj_ref @ x)


@pytest.mark.parametrize('transition', ['row', 'sym'])
def test_transition_csr_of_a_row_range_is_bit_identical(transition):
    # A shard: the in-edges of nodes [10, 40) with the global out-degrees.
    num_nodes, start, end = 50, 10, 40
    pairs = random_pairs(num_nodes, 400, seed=4)
    weight = torch.rand(400)
    out_degree = torch.zeros(num_nodes).index_add_(0, pairs[0], weight)
    adj_ref, noise_ref = HF.transition_matrix(
        pairs,
        num_nodes,
        weight,
        transition,
        row_range=(start, end),
        out_degree=out_degree,
    )
    keep = (pairs[1] >= start) & (pairs[1] < end)
    crow, col, value = coalesced_csr(
        pairs[1, keep] - start,
        pairs[0, keep],
        end - start,
        num_nodes,
        weight[keep],
    )
    adj, noise, _ = transition_csr(
        crow, col, num_nodes, value, transition, out_degree, chunk_size=17
    )
    assert adj.size() == adj_ref.size() == (end - start, num_nodes)
    assert torch.equal(adj.col_indices().long(), adj_ref.col_indices())
    assert torch.equal(adj.values(), adj_ref.values())
    assert torch.equal(noise, noise_ref)


def test_coalesced_csr_keeps_float64_weights():
    _, _, value = coalesced_csr([0, 0], [1, 1], 2, 2, np.array([0.1, 0.2]))
    assert value.dtype == torch.float64
    assert value.tolist() == [0.1 + 0.2]


def test_transition_csr_rejects_unknown_transition():
    crow, col, _ = undirected_csr([[0, 1]], 2)
    with pytest.raises(ValueError, match=r"'transition' must be one of"):
        transition_csr(crow, col, 2, transition='walk')


def test_csr_connected_components_numbers_components_by_smallest_node():
    # Three components and an isolated node.
    pairs = torch.tensor([[0, 1, 3, 4, 6], [1, 2, 4, 5, 6]])
    crow, col, _ = undirected_csr(pairs, 8)
    labels = csr_connected_components(crow, col, 8)
    assert labels.tolist() == [0, 0, 0, 1, 1, 1, 2, 3]


def test_csr_connected_components_matches_scipy_on_edge_list():
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    pairs = random_pairs(300, 200, seed=3)  # sparse: many components
    edge_index = reference_undirected(pairs, 300)
    adj = sp.coo_matrix(
        (np.ones(edge_index.size(1)), edge_index.numpy()), shape=(300, 300)
    )
    _, expected = connected_components(adj, directed=False)
    crow, col, _ = undirected_csr(pairs.t().numpy(), 300)
    labels = csr_connected_components(crow, col, 300)
    assert torch.equal(labels, torch.from_numpy(expected).long())
    assert int(labels.max()) > 10
