import numpy as np
import pytest
import torch

from pyg_hopfield.evaluation import node_classification
from pyg_hopfield.evaluation.logistic_regression import (
    fit_one_vs_rest,
    one_vs_rest_scores,
)


def _problem(seed=0, n=400, d=12, c=4):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=gen, dtype=torch.float64)
    w = torch.randn(d, c, generator=gen, dtype=torch.float64)
    noise = 0.5 * torch.randn(n, c, generator=gen, dtype=torch.float64)
    return x, (x @ w + noise > 0.3).double()


@pytest.mark.parametrize('C', [0.1, 1.0, 10.0])
def test_fit_equals_liblinear_optimum(C):
    from sklearn.linear_model import LogisticRegression

    x, y = _problem()
    w = fit_one_vs_rest(x, y, C=C, tol=1e-9)
    for c in range(y.size(1)):
        ref = LogisticRegression(
            solver='liblinear', C=C, tol=1e-12, max_iter=100_000
        ).fit(x.numpy(), y[:, c].numpy())
        expected = np.concatenate([ref.coef_[0], ref.intercept_])
        assert np.allclose(w[:, c].numpy(), expected, atol=1e-6)


def test_constant_classes_are_scored_as_constants():
    x, y = _problem(n=50, c=3)
    y[:, 1] = 0.0  # never positive in training
    y[:, 2] = 1.0  # always positive
    score = one_vs_rest_scores(x, y, x[:5])
    assert bool((score[:, 1] == float('-inf')).all())
    assert bool((score[:, 2] == float('inf')).all())
    assert bool(torch.isfinite(score[:, 0]).all())


@pytest.mark.parametrize('multilabel', [False, True])
def test_torch_solver_gives_liblinear_scores(multilabel):
    gen = torch.Generator().manual_seed(1)
    embedding = torch.randn(300, 8, generator=gen)
    if multilabel:
        y = embedding[:, :5] + torch.randn(300, 5, generator=gen) > 0.5
        y = y.float()
        y[y.sum(1) == 0, 0] = 1.0
    else:
        y = (embedding[:, :3] + torch.randn(300, 3, generator=gen)).argmax(1)
    ref = node_classification(embedding, y, num_runs=3)
    out = node_classification(embedding, y, num_runs=3, solver='torch')
    assert out['micro_f1_runs'] == pytest.approx(ref['micro_f1_runs'])
    assert out['macro_f1_runs'] == pytest.approx(ref['macro_f1_runs'])
    assert 40.0 < out['micro_f1'] < 100.0


def test_solver_arguments_are_checked():
    y = torch.arange(20) % 2
    embedding = torch.randn(20, 3)
    with pytest.raises(ValueError, match="'solver' must be one of"):
        node_classification(embedding, y, solver='newton')
    with pytest.raises(ValueError, match="'device' is only used by"):
        node_classification(embedding, y, device='cpu')
