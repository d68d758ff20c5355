import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_geometric.data import Data
from torch_geometric.testing import withDevice

from pyg_hopfield.nn import HebbianPropagation as Module
from pyg_hopfield.nn import hebbian_functional as HF
from pyg_hopfield.nn.hebbian_presets import preset_settings


def HebbianPropagation(*args, **kwargs):
    # This file tests the paper's update (preset 'paper'); the orthogonal
    # default is tested in test_hebbian_orthogonal.py.
    return Module(*args, **{**preset_settings('paper'), **kwargs})


# A path 0-1-2 plus a triangle 2-3-4 and the isolated node 5 (undirected).
EDGE_INDEX = torch.tensor(
    [[0, 1, 1, 2, 2, 3, 3, 4, 4, 2], [1, 0, 2, 1, 3, 2, 4, 3, 2, 4]]
)
# Directed, weighted, with a self-loop and a duplicate edge.
DIRECTED = torch.tensor([[0, 0, 1, 2, 3, 3, 3], [1, 2, 2, 0, 3, 0, 0]])
WEIGHT = torch.tensor([1.0, 3.0, 0.5, 2.0, 1.0, 0.25, 0.75])
# An undirected ring of 30 nodes.
_RING = torch.arange(30)
RING = torch.cat(
    [
        torch.stack([_RING, (_RING + 1) % 30]),
        torch.stack([(_RING + 1) % 30, _RING]),
    ],
    dim=1,
)


def reference(
    edge_index,
    num_nodes,
    dim,
    edge_weight=None,
    num_iterations=10,
    lr=1.0,
    variance=10.0,
    variance_decay=1.1,
    negative_weight=0.5,
    num_negative_samples=1,
    gaussian='sample',
    transition='row',
    normalize=False,
    seed=0,
):
    r"""A slow, literal per-edge implementation of the docstring equations
    (it shares only the random draws with the library)."""
    gen = torch.Generator().manual_seed(seed)
    x = HF.draw_init(num_nodes, dim, variance, gen, torch.device('cpu'))
    x = x.double()
    edges = edge_index.t().tolist()
    weights = (
        [1.0] * len(edges) if edge_weight is None else edge_weight.tolist()
    )
    out_sum = [0.0] * num_nodes
    in_sum = [0.0] * num_nodes
    for (i, j), w in zip(edges, weights):
        out_sum[i] += w
        in_sum[j] += w
    prob = []
    for (i, j), w in zip(edges, weights):
        if transition == 'row':
            prob.append(w / out_sum[i])
        else:
            prob.append(w / math.sqrt(out_sum[i] * in_sum[j]))
    # Duplicate edges are one edge with the summed probability.
    merged = {}
    for (i, j), p in zip(edges, prob):
        merged[(i, j)] = merged.get((i, j), 0.0) + p
    sq = [0.0] * num_nodes
    for (i, j), p in merged.items():
        sq[j] += p * p

    def kernel(a, b, t):
        cos = float(a @ b / (a.norm() * b.norm()))
        return math.exp(-(variance_decay**t) * (1.0 - cos))

    for t in range(num_iterations):
        draws = HF.draw_iteration(
            num_nodes,
            dim,
            num_negative_samples,
            negative_weight,
            gaussian,
            gen,
            torch.device('cpu'),
        )
        var_t = variance / variance_decay**t
        new = x.clone()
        for (i, j), p in merged.items():
            g = kernel(x[i], x[j], t) if gaussian == 'kernel' else 1.0
            new[j] += lr * p * g * x[i]
        if gaussian == 'sample':
            for j in range(num_nodes):
                new[j] += (
                    lr
                    * math.sqrt(var_t)
                    * math.sqrt(sq[j])
                    * draws.noise[j].double()
                )
        if draws.neg_dst is not None:
            for k, v in enumerate(draws.neg_dst.tolist()):
                u = k % num_nodes
                c = negative_weight
                if gaussian == 'kernel':
                    c *= kernel(x[u], x[v], t)
                new[u] -= lr * c * x[v]
                new[v] -= lr * c * x[u]
        x = new
    if normalize:
        x = x / x.norm(dim=-1, keepdim=True)
    return x.float()


def whiten_reference(x):
    x = x.double() - x.double().mean(0)
    cov = x.t() @ x / x.size(0)
    val, vec = torch.linalg.eigh(cov)
    return x @ vec @ torch.diag(val.rsqrt()) @ vec.t()


@pytest.mark.parametrize('whiten', [False, 'output', 'iteration'])
@pytest.mark.parametrize('normalize', ['output', 'iteration'])
def test_normalize_and_whiten_options(whiten, normalize):
    kwargs = dict(
        num_iterations=3, lr=4.0, gaussian='none', negative_weight=0.0, seed=2
    )
    out = HebbianPropagation(
        30, 4, normalize=normalize, whiten=whiten, **kwargs
    )(RING)
    gen = torch.Generator().manual_seed(2)
    x = HF.draw_init(30, 4, 10.0, gen, torch.device('cpu')).double()
    adj = torch.zeros(30, 30)
    adj[RING[1], RING[0]] = 0.5  # P^T of the ring: p_ij = 1/2
    for _ in range(3):
        x = x + 4.0 * adj.double() @ x
        if whiten == 'iteration':
            x = whiten_reference(x)
        if normalize == 'iteration' or whiten == 'iteration':
            x = x / x.norm(dim=-1, keepdim=True)
    if whiten == 'output':
        x = whiten_reference(x)
    x = x / x.norm(dim=-1, keepdim=True)
    assert torch.allclose(out, x.float(), atol=1e-4)


@pytest.mark.parametrize('gaussian', ['sample', 'kernel', 'none'])
@pytest.mark.parametrize('transition', ['row', 'sym'])
@pytest.mark.parametrize('negative_weight', [0.0, 0.5])
@pytest.mark.parametrize('graph', ['undirected', 'directed_weighted'])
def test_matches_literal_reference(
    gaussian, transition, negative_weight, graph
):
    if graph == 'undirected':
        edge_index, edge_weight, num_nodes = EDGE_INDEX, None, 6
    else:
        edge_index, edge_weight, num_nodes = DIRECTED, WEIGHT, 5
    kwargs = dict(
        num_iterations=4,
        lr=0.5,
        gaussian=gaussian,
        transition=transition,
        negative_weight=negative_weight,
        seed=3,
    )
    model = HebbianPropagation(num_nodes, 8, **kwargs)
    out = model(edge_index, edge_weight)
    expected = reference(edge_index, num_nodes, 8, edge_weight, **kwargs)
    assert out.shape == (num_nodes, 8)
    assert torch.allclose(out, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize('num_negative_samples', [1, 3])
@pytest.mark.parametrize('normalize', [False, True])
@pytest.mark.parametrize('variance_decay', [1.0, 1.1])
def test_options_match_reference(
    num_negative_samples, normalize, variance_decay
):
    kwargs = dict(
        num_iterations=3,
        num_negative_samples=num_negative_samples,
        normalize=normalize,
        variance_decay=variance_decay,
        variance=2.0,
        gaussian='kernel',
        seed=1,
    )
    out = HebbianPropagation(6, 4, **kwargs)(EDGE_INDEX)
    expected = reference(EDGE_INDEX, 6, 4, **kwargs)
    assert torch.allclose(out, expected, rtol=1e-4, atol=1e-4)
    if normalize:
        assert torch.allclose(out.norm(dim=-1), torch.ones(6))


def test_paper_defaults_and_repr():
    model = HebbianPropagation(10312, 200)
    assert str(model) == (
        'HebbianPropagation(10312, 200, num_iterations=10, '
        'orthogonalize=False, negative_weight=0.5, '
        "gaussian='sample', transition='row')"
    )
    assert str(Module(10312, 200)) == 'HebbianPropagation(10312, 200)'
    assert (
        model.num_iterations,
        model.lr,
        model.variance,
        model.variance_decay,
        model.negative_weight,
        model.gaussian,
    ) == (10, 1.0, 10.0, 1.1, 0.5, 'sample')
    model = HebbianPropagation(
        5, 8, num_iterations=3, transition='sym', normalize=True, seed=0
    )
    assert str(model) == (
        'HebbianPropagation(5, 8, num_iterations=3, '
        'orthogonalize=False, negative_weight=0.5, '
        "gaussian='sample', normalize=True, seed=0)"
    )
    assert list(model.parameters()) == []


def test_seed_reproducible_bit_for_bit():
    model = HebbianPropagation(6, 16, seed=12)
    out1 = model(EDGE_INDEX)
    out2 = HebbianPropagation(6, 16, seed=12)(EDGE_INDEX)
    assert torch.equal(out1, out2)
    assert torch.equal(out1, model(EDGE_INDEX))  # cached CSR, fresh draws
    assert not torch.equal(
        out1, HebbianPropagation(6, 16, seed=13)(EDGE_INDEX)
    )
    torch.manual_seed(0)
    a = HebbianPropagation(6, 16)(EDGE_INDEX)
    torch.manual_seed(0)
    assert torch.equal(a, HebbianPropagation(6, 16)(EDGE_INDEX))


def test_isolated_and_directed_nodes():
    # No Gaussian noise, no negatives: a node without in-edges keeps its
    # initial draw.
    model = HebbianPropagation(
        6, 4, gaussian='none', negative_weight=0.0, seed=0
    )
    init = HF.draw_init(
        6, 4, 10.0, torch.Generator().manual_seed(0), torch.device('cpu')
    )
    out = model(EDGE_INDEX)
    assert torch.equal(out[5], init[5])  # isolated
    assert not torch.equal(out[0], init[0])
    # Directed: 0 -> 1 only; node 0 keeps its draw, node 1 receives.
    model = HebbianPropagation(
        3, 4, num_iterations=2, gaussian='none', negative_weight=0.0, seed=0
    )
    out = model(torch.tensor([[0], [1]]))
    init = HF.draw_init(
        3, 4, 10.0, torch.Generator().manual_seed(0), torch.device('cpu')
    )
    assert torch.equal(out[0], init[0])
    assert torch.allclose(out[1], init[1] + 2 * init[0])
    # With everything switched on the isolated node stays finite.
    out = HebbianPropagation(6, 4, gaussian='kernel', seed=0)(EDGE_INDEX)
    assert bool(torch.isfinite(out).all())


def test_weighted_edges_respected():
    edge_index = torch.tensor([[0, 1], [2, 2]])
    model = HebbianPropagation(
        3, 4, num_iterations=1, gaussian='none', negative_weight=0.0, seed=0
    )
    init = HF.draw_init(
        3, 4, 10.0, torch.Generator().manual_seed(0), torch.device('cpu')
    )
    out = model(edge_index, torch.tensor([1.0, 3.0]))
    # Each source has one out-edge: p = 1 whatever its weight ('row').
    assert torch.allclose(out[2], init[2] + init[0] + init[1])
    model = HebbianPropagation(
        3,
        4,
        num_iterations=1,
        gaussian='none',
        negative_weight=0.0,
        transition='sym',
        seed=0,
    )
    out = model(edge_index, torch.tensor([1.0, 3.0]))
    expected = init[2] + init[0] / 2.0 + init[1] * 3.0 / math.sqrt(12.0)
    assert torch.allclose(out[2], expected)


def test_data_input_batch_and_cache():
    data = Data(edge_index=EDGE_INDEX, num_nodes=6)
    model = HebbianPropagation(6, 8, seed=0)
    out = model(data)
    assert torch.equal(out, model(EDGE_INDEX))
    cache = model._cache
    model(EDGE_INDEX)
    assert model._cache is cache  # reused
    assert torch.equal(model(data, batch=torch.tensor([4, 1])), out[[4, 1]])
    model(DIRECTED[:, :3])
    assert model._cache is not cache  # a new graph rebuilds it
    data.edge_weight = torch.rand(EDGE_INDEX.size(1))
    assert not torch.equal(model(data), out)
    model.reset_parameters()
    assert model._cache is None
    with pytest.raises(ValueError, match='num_nodes'):
        model(Data(edge_index=EDGE_INDEX, num_nodes=7))


@withDevice
def test_device_agnostic(device):
    model = HebbianPropagation(6, 8, gaussian='kernel', seed=0)
    out = model(EDGE_INDEX.to(device))
    assert out.device.type == device.type
    assert bool(torch.isfinite(out).all())
    model = HebbianPropagation(6, 8, num_negative_samples=2, seed=0)
    assert model(EDGE_INDEX.to(device)).shape == (6, 8)


@pytest.mark.parametrize(
    'kwargs,match',
    [
        (dict(edge_weight=torch.tensor([-1.0] + [1.0] * 9)), "'edge_weight'"),
        (
            dict(edge_weight=torch.tensor([float('nan')] + [1.0] * 9)),
            "'edge_weight'.*NaN",
        ),
        (dict(edge_weight=torch.ones(10, dtype=torch.long)), "'edge_weight'"),
        (dict(edge_weight=torch.ones(3)), "'edge_weight'"),
        (dict(edge_index=EDGE_INDEX.float()), "'edge_index'.*dtype"),
        (dict(edge_index=EDGE_INDEX.t()), "'edge_index'.*shape"),
        (dict(edge_index=EDGE_INDEX + 6), "'edge_index' contains node 10"),
        (dict(edge_index=EDGE_INDEX - 1), "'edge_index'.*negative"),
        (
            dict(edge_index=torch.empty(2, 0, dtype=torch.long)),
            "'edge_index' is empty",
        ),
        (dict(num_nodes=3), 'num_nodes=3'),
    ],
)
def test_bad_input(kwargs, match):
    num_nodes = kwargs.pop('num_nodes', 6)
    edge_index = kwargs.pop('edge_index', EDGE_INDEX)
    with pytest.raises(ValueError, match=match):
        HebbianPropagation(num_nodes, 4)(edge_index, **kwargs)


@pytest.mark.parametrize(
    'kwargs,match',
    [
        (dict(num_nodes=0), "'num_nodes'"),
        (dict(embedding_dim=2.5), "'embedding_dim'"),
        (dict(num_iterations=-1), "'num_iterations'"),
        (dict(lr=0.0), "'lr'"),
        (dict(variance=-1.0), "'variance'"),
        (dict(variance_decay=0.0), "'variance_decay'"),
        (dict(negative_weight=-0.5), "'negative_weight'"),
        (dict(gaussian='laplace'), "'gaussian'"),
        (dict(transition='col'), "'transition'"),
        (dict(normalize='each'), "'normalize'"),
        (dict(whiten=1), "'whiten'"),
    ],
)
def test_bad_hyper_parameters(kwargs, match):
    args = dict(num_nodes=6, embedding_dim=4)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        HebbianPropagation(**args)


@settings(max_examples=20, deadline=None)
@given(
    st.integers(2, 7),
    st.integers(1, 12),
    st.integers(0, 4),
    st.integers(0, 2**16),
)
def test_linear_propagation_property(
    num_nodes, num_edges, num_iterations, seed
):
    # Without noise, negatives and kernel the method is the linear map
    # H^(T) = (I + lr P^T)^T H^(0).
    gen = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, num_nodes, (2, num_edges), generator=gen)
    weight = torch.rand(num_edges, generator=gen) + 0.1
    out = HebbianPropagation(
        num_nodes,
        3,
        num_iterations=num_iterations,
        lr=0.7,
        gaussian='none',
        negative_weight=0.0,
        seed=seed,
    )(edge_index, weight)
    dense = torch.zeros(num_nodes, num_nodes).index_put_(
        (edge_index[0], edge_index[1]), weight, accumulate=True
    )
    prob = dense / dense.sum(1, keepdim=True).clamp(min=1e-30)
    step = torch.eye(num_nodes) + 0.7 * prob.t()
    init = HF.draw_init(
        num_nodes,
        3,
        10.0,
        torch.Generator().manual_seed(seed),
        torch.device('cpu'),
    )
    expected = torch.linalg.matrix_power(step, num_iterations) @ init
    assert torch.allclose(out, expected, rtol=1e-4, atol=1e-3)


def test_callback_sees_every_iteration_and_changes_nothing():
    edge_index = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])
    model = HebbianPropagation(4, 8, num_iterations=5, seed=3)
    seen = []
    out = model(edge_index, callback=seen.append)
    assert seen == [0, 1, 2, 3, 4]
    assert torch.equal(out, model(edge_index))


def test_functional_form_and_deprecated_alias():
    from pyg_hopfield.nn.hebbian_loop import hebbian_propagation

    def gen():
        return torch.Generator().manual_seed(4)

    # The functional form has the module's defaults (orthogonal).
    assert torch.equal(
        hebbian_propagation(EDGE_INDEX, 6, 8, generator=gen()),
        Module(6, 8, seed=4)(EDGE_INDEX),
    )
    with pytest.warns(DeprecationWarning, match='hebbian_loop'):
        paper = HF.hebbian_propagation
    # The old name keeps the paper's defaults.
    assert torch.equal(
        paper(EDGE_INDEX, 6, 8, num_iterations=3, generator=gen()),
        HebbianPropagation(6, 8, num_iterations=3, seed=4)(EDGE_INDEX),
    )
    history = hebbian_propagation(
        EDGE_INDEX,
        6,
        8,
        generator=gen(),
        return_all=True,
        **preset_settings('paper'),
    )
    assert len(history) == 10
    assert torch.equal(
        history[-1], HebbianPropagation(6, 8, seed=4)(EDGE_INDEX)
    )
    with pytest.raises(ValueError, match='unknown Hebbian option'):
        hebbian_propagation(EDGE_INDEX, 6, 8, learning_rate=1.0)
    with pytest.raises(ValueError, match="'return_all=True' needs"):
        hebbian_propagation(EDGE_INDEX, 6, 8, return_all=True)


def test_setting_a_hyper_parameter_validates_and_applies():
    model = HebbianPropagation(6, 8, num_iterations=3, seed=0)
    model(EDGE_INDEX)
    model.transition = 'sym'  # drops the cached graph of 'row'
    assert model._cache is None and model.options.transition == 'sym'
    assert torch.equal(
        model(EDGE_INDEX),
        HebbianPropagation(6, 8, num_iterations=3, transition='sym', seed=0)(
            EDGE_INDEX
        ),
    )
    with pytest.raises(ValueError, match="'lr' must be > 0.0"):
        model.lr = -1.0
    assert model.lr == 1.0
