import pytest
import torch

from pyg_hopfield.utils import check_edge_index, check_seed

EDGE_INDEX = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])


def test_check_edge_index_infers_num_nodes():
    assert check_edge_index(EDGE_INDEX) == 3
    assert check_edge_index(EDGE_INDEX, num_nodes=5) == 5


@pytest.mark.parametrize('edge_index,num_nodes,match', [
    ([[0, 1], [1, 0]], None, 'torch.Tensor'),
    (torch.tensor([0, 1, 2]), None, r'shape \[2, num_edges\]'),
    (torch.tensor([[0, 1], [1, 0]], dtype=torch.int32), None, 'torch.long'),
    (torch.tensor([[0, -1], [1, 0]]), None, 'negative node index -1'),
    (EDGE_INDEX, 2, "contains node 2 but num_nodes=2"),
    (EDGE_INDEX, -1, "'num_nodes' must be non-negative"),
    (EDGE_INDEX, 2.5, "'num_nodes' must be an int"),
    (torch.empty(2, 0, dtype=torch.long), 4, "'edge_index' is empty"),
])
def test_check_edge_index_rejects(edge_index, num_nodes, match):
    with pytest.raises(ValueError, match=match):
        check_edge_index(edge_index, num_nodes)


def test_check_edge_index_allows_empty_when_asked():
    empty = torch.empty(2, 0, dtype=torch.long)
    assert check_edge_index(empty, 4, allow_empty=True) == 4
    with pytest.raises(ValueError, match="'num_nodes' must be given"):
        check_edge_index(empty, allow_empty=True)


@pytest.mark.parametrize('edge_weight,match', [
    (torch.tensor([1.0, 2.0, float('nan'), 1.0]), 'NaN'),
    (torch.tensor([1.0, -2.0, 1.0, 1.0]), 'negative weight -2.0'),
    (torch.tensor([1, 2, 3, 4]), 'floating-point'),
    (torch.tensor([1.0, 2.0]), r'shape \[4\]'),
])
def test_check_edge_weight_rejects(edge_weight, match):
    with pytest.raises(ValueError, match=match):
        check_edge_index(EDGE_INDEX, edge_weight=edge_weight)


@pytest.mark.parametrize('seed', [-1, 1.5, True, '3'])
def test_check_seed_rejects(seed):
    with pytest.raises(ValueError, match="'seed'"):
        check_seed(seed)
