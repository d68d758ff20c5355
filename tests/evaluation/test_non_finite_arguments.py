r"""The evaluation functions refuse non-finite arguments (issue #16)."""

import pytest
import torch

from pyg_hopfield.evaluation import node_classification
from pyg_hopfield.evaluation.logistic_regression import fit_one_vs_rest

X = torch.tensor([[-2.0], [-1.0], [1.0], [2.0]])
Y = torch.tensor([[0.0], [0.0], [1.0], [1.0]])


@pytest.mark.parametrize('value', [float('inf'), float('nan')])
def test_node_classification_refuses_non_finite_C(value):
    embedding = torch.randn(20, 4)
    y = torch.arange(20) % 2
    with pytest.raises(ValueError, match="'C' must be a finite number"):
        node_classification(embedding, y, num_runs=1, C=value)


@pytest.mark.parametrize(
    'kwargs,match',
    [
        ({'C': float('inf')}, "'C' must be a finite number"),
        ({'C': 0.0}, "'C' must be > 0.0"),
        ({'tol': float('nan')}, "'tol' must be a finite number"),
        ({'max_iter': -1}, "'max_iter' must be >= 0"),
        ({'max_cg_iter': 0}, "'max_cg_iter' must be >= 1"),
    ],
)
def test_fit_one_vs_rest_refuses_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fit_one_vs_rest(X, Y, **kwargs)


def test_fit_one_vs_rest_refuses_non_finite_inputs():
    x = X.clone()
    x[1, 0] = float('nan')
    with pytest.raises(ValueError, match="'x' contains NaN or infinite"):
        fit_one_vs_rest(x, Y)
    y = Y.clone()
    y[0, 0] = float('inf')
    with pytest.raises(ValueError, match="'y' contains NaN or infinite"):
        fit_one_vs_rest(X, y)
