import pytest
import torch

from pyg_hopfield.utils import check_edge_index, check_seed

EDGE_INDEX = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])


def test_check_edge_index_infers_num_nodes():
    assert check_edge_index(EDGE_INDEX) == 3
    assert check_edge_index(EDGE_INDEX, num_nodes=5) == 5


@pytest.mark.parametrize(
    'edge_index,num_nodes,match',
    [
        ([[0, 1], [1, 0]], None, 'torch.Tensor'),
        (torch.tensor([0, 1, 2]), None, r'shape \[2, num_edges\]'),
        (
            torch.tensor([[0, 1], [1, 0]], dtype=torch.int32),
            None,
            'torch.long',
        ),
        (torch.tensor([[0, -1], [1, 0]]), None, 'negative node index -1'),
        (EDGE_INDEX, 2, 'contains node 2 but num_nodes=2'),
        (EDGE_INDEX, -1, "'num_nodes' must be non-negative"),
        (EDGE_INDEX, 2.5, "'num_nodes' must be an int"),
        (torch.empty(2, 0, dtype=torch.long), 4, "'edge_index' is empty"),
    ],
)
def test_check_edge_index_rejects(edge_index, num_nodes, match):
    with pytest.raises(ValueError, match=match):
        check_edge_index(edge_index, num_nodes)


def test_check_edge_index_allows_empty_when_asked():
    empty = torch.empty(2, 0, dtype=torch.long)
    assert check_edge_index(empty, 4, allow_empty=True) == 4
    with pytest.raises(ValueError, match="'num_nodes' must be given"):
        check_edge_index(empty, allow_empty=True)


@pytest.mark.parametrize(
    'edge_weight,match',
    [
        (torch.tensor([1.0, 2.0, float('nan'), 1.0]), 'NaN'),
        (torch.tensor([1.0, -2.0, 1.0, 1.0]), 'negative weight -2.0'),
        (torch.tensor([1, 2, 3, 4]), 'floating-point'),
        (torch.tensor([1.0, 2.0]), r'shape \[4\]'),
    ],
)
def test_check_edge_weight_rejects(edge_weight, match):
    with pytest.raises(ValueError, match=match):
        check_edge_index(EDGE_INDEX, edge_weight=edge_weight)


@pytest.mark.parametrize('seed', [-1, 1.5, True, '3'])
def test_check_seed_rejects(seed):
    with pytest.raises(ValueError, match="'seed'"):
        check_seed(seed)


@pytest.mark.parametrize(
    'value,kwargs,match',
    [
        (float('inf'), {}, "'x' must be a finite number \\(got inf\\)"),
        (float('nan'), {}, "'x' must be a finite number \\(got nan\\)"),
        (True, {}, "'x' must be a real number"),
        ('1', {}, "'x' must be a real number"),
        (0.0, dict(minimum=0.0, strict=True), "'x' must be > 0.0"),
        (-1.0, dict(minimum=0.0), "'x' must be >= 0.0"),
        (2.0, dict(maximum=1.0), "'x' must be <= 1.0"),
    ],
)
def test_check_float_rejects(value, kwargs, match):
    from pyg_hopfield.utils import check_float

    with pytest.raises(ValueError, match=match):
        check_float(value, 'x', **kwargs)


def test_check_float_and_finite_accept():
    from pyg_hopfield.utils import check_finite, check_float

    assert check_float(3, 'x') == 3.0
    assert check_float(torch.tensor(0.5), 'x', 0.0, 1.0) == 0.5
    t = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    assert check_finite(t, 't') is t
    t[1, 0] = float('nan')
    with pytest.raises(ValueError, match="'t' contains NaN .* flat index 2"):
        check_finite(t, 't')
    with pytest.raises(ValueError, match="'c' contains NaN .* stored value"):
        check_finite(t.to_sparse_csr(), 'c')


def test_check_edge_weight_beyond_float32():
    from pyg_hopfield.utils import check_edge_weight

    weight = torch.tensor([1.0, 1e39], dtype=torch.float64)
    with pytest.raises(
        ValueError,
        match="'edge_weight' contains the weight "
        '1e\\+39, beyond the float32 range',
    ):
        check_edge_weight(weight, 2)
