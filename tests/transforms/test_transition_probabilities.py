import pytest
import torch
from torch_geometric.data import Data

from pyg_hopfield.transforms import TransitionProbabilities


def test_transition_probabilities_unweighted():
    edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    data = TransitionProbabilities()(Data(edge_index=edge_index, num_nodes=3))
    assert torch.allclose(data.edge_weight, torch.tensor([1.0, 0.5, 0.5, 1.0]))


def test_transition_probabilities_weighted_directed():
    edge_index = torch.tensor([[0, 0, 1, 2], [1, 2, 2, 0]])
    edge_weight = torch.tensor([1.0, 3.0, 2.0, 5.0])
    data = Data(edge_index=edge_index, edge_weight=edge_weight, num_nodes=4)
    data = TransitionProbabilities()(data)
    assert torch.allclose(
        data.edge_weight, torch.tensor([0.25, 0.75, 1.0, 1.0])
    )


def test_transition_probabilities_bad_input():
    edge_index = torch.tensor([[0, 1], [1, 0]])
    data = Data(
        edge_index=edge_index,
        edge_weight=torch.tensor([1.0, -1.0]),
        num_nodes=2,
    )
    with pytest.raises(ValueError, match='negative weight'):
        TransitionProbabilities()(data)
    data.edge_weight = torch.tensor([0.0, 1.0])
    with pytest.raises(ValueError, match='sums to zero'):
        TransitionProbabilities()(data)
    assert str(TransitionProbabilities()) == 'TransitionProbabilities()'


def test_same_probabilities_as_hebbian_propagation():
    # One implementation: the transform's p_ij are the entries of the
    # module's transposed transition matrix.
    from pyg_hopfield.nn.hebbian_functional import transition_matrix

    edge_index = torch.tensor([[0, 0, 1, 2, 3], [1, 2, 2, 0, 0]])
    edge_weight = torch.tensor([1.0, 3.0, 2.0, 5.0, 0.3])
    data = Data(edge_index=edge_index, edge_weight=edge_weight, num_nodes=4)
    data = TransitionProbabilities()(data)
    adj_t, _ = transition_matrix(edge_index, 4, edge_weight)
    dense = adj_t.to_dense()
    assert torch.equal(dense[edge_index[1], edge_index[0]], data.edge_weight)
    assert data.edge_weight.dtype == torch.float
