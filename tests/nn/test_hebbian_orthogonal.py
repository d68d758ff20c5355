import pytest
import torch

from pyg_hopfield.nn import HebbianPropagation
from pyg_hopfield.nn import hebbian_orthogonal as HO


def two_components(num_big: int = 24, seed: int = 0):
    # A random graph on `num_big` nodes plus a triangle and an isolated
    # node, both directions listed.
    gen = torch.Generator().manual_seed(seed)
    src = torch.randint(0, num_big, (80,), generator=gen)
    dst = torch.randint(0, num_big, (80,), generator=gen)
    ring = torch.arange(num_big)
    src = torch.cat(
        [src, ring, torch.tensor([num_big, num_big + 1, num_big + 2])]
    )
    dst = torch.cat(
        [
            dst,
            (ring + 1) % num_big,
            torch.tensor([num_big + 1, num_big + 2, num_big]),
        ]
    )
    keep = src != dst
    edge_index = torch.stack([src[keep], dst[keep]])
    edge_index = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    edge_index = torch.unique(edge_index, dim=1)
    return edge_index, num_big + 4  # the last node is isolated


def reference(edge_index, num_nodes, dim, keep_degree, alpha):
    # Dense literal form: the top-`dim` eigenpairs (largest algebraic) of
    # S - sum_c u_c u_c^T, output V |Lambda|^alpha.
    adj = torch.zeros(num_nodes, num_nodes, dtype=torch.float64)
    adj[edge_index[0], edge_index[1]] = 1.0
    deg = adj.sum(1)
    inv = torch.where(deg > 0, deg.rsqrt(), torch.zeros_like(deg))
    s = inv[:, None] * adj * inv[None, :]
    labels = HO.connected_components(edge_index, num_nodes)
    for c in labels.unique():
        mask = labels == c
        if keep_degree and mask.sum() == torch.bincount(labels).max():
            continue
        u = torch.where(mask, deg.sqrt(), torch.zeros_like(deg))
        if u.norm() > 0:
            u = u / u.norm()
            s = s - torch.outer(u, u)
    value, vector = torch.linalg.eigh(s)
    value, vector = value.flip(0)[:dim], vector.flip(1)[:, :dim]
    return vector * value.abs().pow(alpha), value


@pytest.mark.parametrize('keep_degree', [True, False])
@pytest.mark.parametrize('alpha', [0.5, 1.0])
def test_converges_to_the_deflated_spectral_embedding(keep_degree, alpha):
    edge_index, num_nodes = two_components()
    model = HebbianPropagation(
        num_nodes,
        2,
        num_iterations=300,
        degree_direction=keep_degree,
        eigenvalue_exponent=alpha,
        seed=0,
    )
    out = model(edge_index)
    expected, _ = reference(edge_index, num_nodes, 2, keep_degree, alpha)
    # Inner products are basis-free: compare the Gram matrices (float32
    # propagation against a float64 eigendecomposition).
    assert torch.allclose(
        out.double() @ out.double().t(), expected @ expected.t(), atol=5e-4
    )


def test_ritz_values_and_trivial_directions():
    edge_index, num_nodes = two_components()
    model = HebbianPropagation(num_nodes, 4, num_iterations=300, seed=0)
    graph = model.transition_matrix(edge_index)
    degree, labels = graph.degree, graph.labels
    assert labels.unique().numel() == 3  # big part, triangle, isolated
    _, ritz = HO.orthogonal_propagation(
        graph.adj_t,
        degree,
        labels,
        4,
        300,
        degree_direction=True,
        generator=torch.Generator().manual_seed(0),
    )
    _, expected = reference(edge_index, num_nodes, 4, True, 1.0)
    assert torch.allclose(ritz.double(), expected, atol=1e-4)
    assert abs(float(ritz[0]) - 1.0) < 1e-5  # the kept degree direction
    u = HO.trivial_directions(degree, labels, keep_largest=True)
    assert torch.all(u[:24] == 0) and torch.all(u[24:27] > 0)
    assert u[27] == 0  # isolated: no direction
    assert torch.allclose(u[24:27].norm(), torch.tensor(1.0))


def test_isolated_node_gets_zero_embedding():
    edge_index, num_nodes = two_components()
    out = HebbianPropagation(num_nodes, 8, seed=0)(edge_index)
    assert torch.all(out[-1] == 0)
    assert out[:-1].abs().sum(dim=1).min() > 0


def test_degree_direction_auto_rule():
    sparse, num_nodes = two_components()  # average degree < 10
    model = HebbianPropagation(num_nodes, 2)
    assert not model.keeps_degree_direction(sparse)
    full = torch.combinations(torch.arange(12)).t()
    full = torch.cat([full, full.flip(0)], dim=1)  # average degree 11
    assert HebbianPropagation(12, 2).keeps_degree_direction(full)
    assert (
        HebbianPropagation(
            12, 2, degree_direction=False
        ).keeps_degree_direction(full)
        is False
    )


def test_seeded_bit_for_bit_and_more_columns_than_nodes():
    edge_index, num_nodes = two_components()
    a = HebbianPropagation(num_nodes, 8, seed=3)(edge_index)
    assert torch.equal(a, HebbianPropagation(num_nodes, 8, seed=3)(edge_index))
    wide = HebbianPropagation(num_nodes, num_nodes + 5, seed=0)(edge_index)
    assert wide.shape == (num_nodes, num_nodes + 5)
    assert torch.isfinite(wide).all() and torch.all(wide[:, num_nodes:] == 0)


def test_callback_counts_propagation_steps():
    edge_index, num_nodes = two_components()
    steps = []
    HebbianPropagation(
        num_nodes, 4, num_iterations=19, filter_degree=8, seed=0
    )(edge_index, callback=steps.append)
    assert steps == list(range(19))


def test_cache_never_returns_another_graph():
    # Issue #16: a new tensor allocated where a freed one was must not hit
    # the cache.
    gen = torch.Generator().manual_seed(0)
    edge_index = torch.randint(0, 300, (2, 3000), generator=gen)
    model = HebbianPropagation.from_preset('paper', 300, 8, seed=0)
    for _ in range(10):
        weight = torch.rand(3000)
        model(edge_index, weight)
        del weight
        weight2 = torch.rand(3000)
        fresh = HebbianPropagation.from_preset('paper', 300, 8, seed=0)
        assert torch.equal(
            model(edge_index, weight2), fresh(edge_index, weight2)
        )
    cached = model.transition_matrix(edge_index, weight2)
    assert model.transition_matrix(edge_index, weight2) is cached
    weight2.mul_(2.0)  # in place: the version counter changes
    assert model.transition_matrix(edge_index, weight2) is not cached


def test_dgl_like_graph_input():
    edge_index, num_nodes = two_components()

    class Graph:  # what a DGLGraph offers
        edata = {}

        def edges(self):
            return edge_index[0].int(), edge_index[1].int()

        def num_nodes(self):
            return num_nodes

    out = HebbianPropagation(num_nodes, 4, seed=0)(Graph())
    assert torch.equal(
        out, HebbianPropagation(num_nodes, 4, seed=0)(edge_index)
    )


@pytest.mark.parametrize(
    'kwargs,match',
    [
        (dict(negative_weight=0.5), "'negative_weight=0.5'.*orthogonalize"),
        (dict(gaussian='sample'), "'gaussian='sample''"),
        (dict(transition='row'), "'transition='row''"),
        (dict(normalize='iteration'), "normalize='iteration'"),
        (dict(eigenvalue_exponent=-1.0), "'eigenvalue_exponent'"),
        (dict(lr=float('inf')), "'lr' must be a finite number"),
        (dict(filter_degree=0), "'filter_degree'"),
        (dict(degree_direction='yes'), "'degree_direction'"),
    ],
)
def test_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        HebbianPropagation(10, 4, **kwargs)


def test_bad_batch_and_overflow():
    edge_index, num_nodes = two_components()
    model = HebbianPropagation(num_nodes, 4, seed=0)
    with pytest.raises(ValueError, match="'batch'.*negative indices"):
        model(edge_index, batch=torch.tensor([-1]))
    assert model(edge_index, batch=torch.tensor([0, 2])).shape == (2, 4)
    paper = HebbianPropagation.from_preset(
        'paper', num_nodes, 4, num_iterations=400, seed=0
    )
    with pytest.raises(ValueError, match='overflowed.*num_iterations=400'):
        paper(edge_index)


def test_repr_and_presets():
    assert str(HebbianPropagation(10, 4)) == 'HebbianPropagation(10, 4)'
    model = HebbianPropagation.from_preset('improved', 10, 4)
    assert str(model) == (
        'HebbianPropagation(10, 4, num_iterations=10, '
        "orthogonalize=False, gaussian='sample', "
        'normalize=True)'
    )
    with pytest.raises(ValueError, match="'preset' must be one of"):
        HebbianPropagation.from_preset('best', 10, 4)


def test_auto_iterations_rule():
    sparse, num_nodes = two_components()
    model = HebbianPropagation(num_nodes, 2)
    assert model.iterations_for(sparse) == 80
    steps = []
    model(sparse, callback=steps.append)
    assert len(steps) == 80
    full = torch.combinations(torch.arange(12)).t()
    full = torch.cat([full, full.flip(0)], dim=1)  # average degree 11
    assert HebbianPropagation(12, 2).iterations_for(full) == 24
    assert (
        HebbianPropagation(12, 2, num_iterations=5).iterations_for(full) == 5
    )
    with pytest.raises(ValueError, match="'num_iterations'"):
        HebbianPropagation(
            12, 2, num_iterations='auto', orthogonalize=False, transition='row'
        )


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_connected_components_match_scipy(seed):
    # Labels are the smallest node index of each component (edges read as
    # undirected), whatever the direction of the edges.
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    gen = torch.Generator().manual_seed(seed)
    num_nodes = 60
    edge_index = torch.randint(0, num_nodes, (2, 45), generator=gen)
    adj = sp.csr_matrix(
        (np.ones(45), (edge_index[0].numpy(), edge_index[1].numpy())),
        shape=(num_nodes, num_nodes),
    )
    _, expected = connected_components(adj, directed=False)
    labels = HO.connected_components(edge_index, num_nodes)
    for c in np.unique(expected):
        members = torch.from_numpy(np.flatnonzero(expected == c))
        assert torch.all(labels[members] == members.min())
    # A path listed in one direction only, longest labels first: many
    # rounds of propagation, shortened by pointer jumping.
    path = torch.stack([torch.arange(1, 50), torch.arange(0, 49)])
    assert torch.all(HO.connected_components(path, 50) == 0)
