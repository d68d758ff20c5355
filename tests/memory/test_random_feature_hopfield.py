import pytest
import torch

from pyg_hopfield.memory import HopfieldNetwork, RandomFeatureHopfield


def test_repr_and_shapes():
    model = RandomFeatureHopfield(200, 10, 3)
    assert str(model) == (
        "RandomFeatureHopfield(200, 10, 3, examples=0, tie='random')"
    )
    assert model.features.shape == (200, 10)
    assert set(model.features.unique().tolist()) == {-1.0, 1.0}
    xi = model.store(30)
    assert xi.shape == (30, 200)
    assert str(model) == (
        "RandomFeatureHopfield(200, 10, 3, examples=30, tie='random')"
    )
    assert isinstance(model.network, HopfieldNetwork)
    assert model.network.num_patterns == 30
    assert model.alpha == pytest.approx(0.15)
    assert model.alpha_D == pytest.approx(0.05)
    dense = RandomFeatureHopfield(50, 7)
    assert dense.num_active == 7


@pytest.mark.parametrize('L', [1, 2, 5, 12])
def test_exactly_L_nonzero_coefficients(L):
    model = RandomFeatureHopfield(64, 12, L)
    c = model.sample_coefficients(500)
    assert c.shape == (500, 12)
    assert bool(((c != 0).sum(1) == L).all())
    assert set(c.unique().tolist()) <= {-1.0, 0.0, 1.0}
    # positions and signs are uniform
    assert abs((c != 0).float().mean(0) - L / 12).max() < 0.1
    assert abs(c.sum().item()) / (500 * L) < 0.1


def test_examples_and_tie_rule():
    model = RandomFeatureHopfield(2000, 6, 2, tie='positive')
    xi, c = model.sample_examples(50)
    z = c @ model.features.t()
    assert torch.equal(xi[z != 0], torch.sign(z[z != 0]))
    assert bool((xi[z == 0] == 1).all())  # ties -> +1
    assert 0.3 < (z == 0).float().mean() < 0.7  # L = 2: half the sites tie

    model = RandomFeatureHopfield(2000, 6, 2, tie='random')
    xi, c = model.sample_examples(50)
    z = c @ model.features.t()
    assert torch.equal(xi[z != 0], torch.sign(z[z != 0]))
    ties = xi[z == 0]
    assert set(ties.unique().tolist()) == {-1.0, 1.0}
    assert abs(ties.mean().item()) < 0.05  # unbiased coin

    odd = RandomFeatureHopfield(300, 9, 3)
    xi, c = odd.sample_examples(20)
    assert torch.equal(xi, torch.sign(c @ odd.features.t()))  # no ties


def test_seeded_reproducible():
    a = RandomFeatureHopfield(100, 8, 3, seed=4)
    b = RandomFeatureHopfield(100, 8, 3, seed=4)
    assert torch.equal(a.features, b.features)
    assert torch.equal(a.store(20), b.store(20))
    a.reset_parameters()
    c = RandomFeatureHopfield(100, 8, 3, seed=5)
    assert not torch.equal(a.features, c.features)
    assert a.num_train == 0


def test_test_examples_are_unseen():
    model = RandomFeatureHopfield(100, 6, 3, seed=1)
    model.store(100)  # 80 distinct +- classes exist, many are used
    _, c = model.sample_examples(40, exclude_train=True)
    clash = (c @ model.train_coefficients.t()).abs() == 3
    assert not bool(clash.any())
    with pytest.raises(ValueError, match='nearly exhausted'):
        small = RandomFeatureHopfield(50, 3, 1)  # 3 classes up to sign
        small.store(200)
        small.sample_examples(5, exclude_train=True)


def test_magnetizations():
    # Low alpha: the train examples are stored (m_train ~ 1).
    model = RandomFeatureHopfield(1000, 100, 3, seed=0)
    model.store(10)
    m = model.magnetizations(num_samples=10)
    assert set(m) == {'m_train', 'm_test', 'mu'}
    for value in m.values():
        assert value.shape == (10,)
        assert bool(((value >= -1) & (value <= 1)).all())
    assert m['m_train'].mean() > 0.99
    # Many examples of few features: the features are learned (mu ~ 1).
    model = RandomFeatureHopfield(500, 10, 3, seed=0)
    model.store(400)
    m = model.magnetizations(num_samples=5)
    assert m['mu'].mean() > 0.95
    assert bool(((m['m_test'] >= -1) & (m['m_test'] <= 1)).all())
    states = model.features.t()[:2]
    assert model.magnetization(states).shape == (2,)


def test_bad_inputs():
    with pytest.raises(ValueError, match="'num_active' \\(L\\) must be"):
        RandomFeatureHopfield(10, 4, 5)
    with pytest.raises(ValueError, match="'num_features' must be a positive"):
        RandomFeatureHopfield(10, 0, 1)
    with pytest.raises(ValueError, match="'tie' must be one of"):
        RandomFeatureHopfield(10, 4, 2, tie='zero')
    model = RandomFeatureHopfield(10, 4, 2)
    with pytest.raises(ValueError, match="'coefficients' must have shape"):
        model.project(torch.ones(3, 5))
    with pytest.raises(ValueError, match='call store'):
        model.magnetizations()
    with pytest.raises(ValueError, match="'num_examples' must be"):
        model.sample_coefficients(-1)
    model.store(3)
    with pytest.raises(ValueError, match="'states' has 9 neurons"):
        model.magnetization(torch.ones(2, 9))
