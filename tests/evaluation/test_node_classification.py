import numpy as np
import pytest
import torch

from pyg_hopfield.evaluation import node_classification
from pyg_hopfield.evaluation.node_classification import _top_k_prediction

KEYS = {
    'micro_f1',
    'micro_f1_std',
    'macro_f1',
    'macro_f1_std',
    'micro_f1_runs',
    'macro_f1_runs',
}


def test_top_k_prediction_matches_loop():
    rng = np.random.default_rng(0)
    proba = rng.random((50, 7))
    proba[3, :] = 0.5  # ties go to the lower class index
    k = rng.integers(0, 8, size=50)
    out = _top_k_prediction(proba, k)
    for i in range(50):
        expected = np.zeros(7, dtype=np.int64)
        expected[sorted(range(7), key=lambda c: -proba[i, c])[: k[i]]] = 1
        assert (out[i] == expected).all()
    assert (out.sum(axis=1) == k).all()


@pytest.mark.parametrize('normalize', [False, True])
def test_perfect_single_label(normalize):
    y = torch.arange(60) % 3
    embedding = 5 * torch.nn.functional.one_hot(y).float()
    out = node_classification(embedding, y, num_runs=3, normalize=normalize)
    assert set(out) == KEYS
    assert out['micro_f1'] == out['macro_f1'] == 100.0
    assert out['micro_f1_std'] == out['macro_f1_std'] == 0.0
    assert out['micro_f1_runs'] == [100.0] * 3


def test_perfect_multi_label():
    gen = torch.Generator().manual_seed(0)
    y = (torch.rand(200, 5, generator=gen) < 0.4).float()
    y[y.sum(dim=1) == 0, 0] = 1.0
    out = node_classification(4 * (2 * y - 1), y, num_runs=4)
    assert out['micro_f1'] == out['macro_f1'] == 100.0


def test_random_multi_label_is_near_chance():
    gen = torch.Generator().manual_seed(0)
    embedding = torch.randn(1000, 16, generator=gen)
    y = (torch.rand(1000, 4, generator=gen) < 0.25).float()
    y[y.sum(dim=1) == 0, 0] = 1.0  # every node one or more labels
    out = node_classification(embedding, y, num_runs=5)
    # Random top-k guessing gets about the label density right:
    assert 25.0 < out['micro_f1'] < 55.0
    assert len(out['macro_f1_runs']) == 5


def test_random_single_label_is_near_chance():
    gen = torch.Generator().manual_seed(0)
    embedding = torch.randn(1000, 8, generator=gen)
    y = torch.randint(0, 4, (1000,), generator=gen)
    out = node_classification(embedding, y, num_runs=5)
    assert 15.0 < out['micro_f1'] < 35.0


def test_matches_literal_reference():
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import ShuffleSplit
    from sklearn.multiclass import OneVsRestClassifier

    gen = torch.Generator().manual_seed(1)
    y = (torch.rand(120, 4, generator=gen) < 0.3).float()
    y[y.sum(dim=1) == 0, 1] = 1.0
    embedding = y @ torch.randn(4, 6, generator=gen) + torch.randn(
        120, 6, generator=gen
    )
    out = node_classification(
        embedding, y, train_ratio=0.8, num_runs=3, seed=7, C=0.5
    )

    x, Y = embedding.double().numpy(), y.long().numpy()
    micro, macro = [], []
    split = ShuffleSplit(n_splits=3, train_size=0.8, random_state=7)
    for train, test in split.split(x):
        clf = OneVsRestClassifier(
            LogisticRegression(solver='liblinear', C=0.5, random_state=7)
        )
        clf.fit(x[train], Y[train])
        proba = clf.predict_proba(x[test])
        pred = np.zeros_like(Y[test])
        for i, row in enumerate(proba):  # DeepWalk's TopKRanker
            top = sorted(range(4), key=lambda c: -row[c])[: Y[test][i].sum()]
            pred[i, top] = 1
        micro.append(100 * f1_score(Y[test], pred, average='micro'))
        macro.append(
            100 * f1_score(Y[test], pred, average='macro', zero_division=0)
        )
    assert np.allclose(out['micro_f1_runs'], micro)
    assert np.allclose(out['macro_f1_runs'], macro)
    assert np.isclose(out['micro_f1'], np.mean(micro))
    assert np.isclose(out['macro_f1_std'], np.std(macro))


def test_seed_reproduces_and_n_jobs_does_not_matter():
    from joblib import parallel_backend

    gen = torch.Generator().manual_seed(2)
    embedding = torch.randn(150, 4, generator=gen)
    y = torch.randint(0, 3, (150,), generator=gen)
    a = node_classification(embedding, y, num_runs=3, seed=3)
    with parallel_backend('threading'):  # no process start-up in tests
        b = node_classification(embedding, y, num_runs=3, seed=3, n_jobs=2)
    c = node_classification(embedding, y, num_runs=3, seed=4)
    assert a == b
    assert a != c


def test_bad_input():
    embedding = torch.randn(10, 3)
    y = torch.arange(10) % 2
    with pytest.raises(ValueError, match="'y' has 9 rows"):
        node_classification(embedding, y[:9])
    with pytest.raises(ValueError, match="'y' must have dtype torch.long"):
        node_classification(embedding, y.float())
    with pytest.raises(ValueError, match="'y' contains the negative"):
        node_classification(embedding, y - 1)
    with pytest.raises(ValueError, match="'y' holds a single class"):
        node_classification(embedding, torch.zeros(10, dtype=torch.long))
    with pytest.raises(ValueError, match=r"multi-label 'y' must be"):
        node_classification(embedding, torch.full((10, 2), 0.5))
    with pytest.raises(ValueError, match="'y' must have shape"):
        node_classification(embedding, torch.zeros(10, 2, 2))
    bad = embedding.clone()
    bad[4, 1] = float('nan')
    with pytest.raises(ValueError, match="'embedding' contains NaN .* row 4"):
        node_classification(bad, y)
    with pytest.raises(ValueError, match="'embedding' must be a floating"):
        node_classification(embedding.long(), y)
    with pytest.raises(ValueError, match="'embedding' must be two-dim"):
        node_classification(embedding.view(-1), y)
    with pytest.raises(ValueError, match="'train_ratio'"):
        node_classification(embedding, y, train_ratio=1.0)
    with pytest.raises(ValueError, match="'num_runs'"):
        node_classification(embedding, y, num_runs=0)
    with pytest.raises(ValueError, match="'C'"):
        node_classification(embedding, y, C=0.0)


def test_progress_bar_changes_nothing(capsys):
    torch.manual_seed(0)
    embedding = torch.randn(60, 4)
    y = (embedding[:, 0] > 0).long()
    quiet = node_classification(embedding, y, num_runs=3)
    shown = node_classification(embedding, y, num_runs=3, progress=True)
    assert quiet == shown
    assert 'logistic regression' in capsys.readouterr().err
