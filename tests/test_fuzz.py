r"""Fuzzing the public entry points with random, often broken, graphs
(issue #16): empty graphs, isolated nodes, self-loops, duplicate edges,
out-of-range and negative ids, int32 / int64, non-contiguous views, and
weights that are 0, NaN, infinite, negative or huge.

The property, for every entry point: either one :class:`ValueError` that
names the argument at fault, or a finite result of the right shape.
"""

import warnings

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch_geometric.data import Data

from pyg_hopfield import evaluation, utils
from pyg_hopfield.nn import HebbianPropagation, MHNEmbedding
from pyg_hopfield.transforms import KHopContext

ARGUMENTS = (
    "'edge_index'",
    "'edge_weight'",
    "'num_nodes'",
    "'graph'",
    "'context'",
    "'embedding'",
    "'pos_edge_index'",
    "'neg_edge_index'",
    "'num_samples'",
    "'num_pairs'",
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
WEIGHTS = st.sampled_from(
    [0.0, 1.0, 0.5, 2.5, 1e-30, 1e30, 1e39, float('nan'), float('inf'), -1.0]
)


@pytest.fixture(autouse=True)
def single_thread():
    num_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(num_threads)


@st.composite
def graphs(draw, valid: bool = False):
    r"""A graph as :obj:`(edge_index, edge_weight, num_nodes)`; with
    :obj:`valid=True` only well-formed graphs (but still empty, isolated,
    self-looped or duplicated)."""
    num_nodes = draw(st.integers(1, 7))
    num_edges = draw(st.integers(0, 14))
    low, high = (0, num_nodes - 1) if valid else (-1, num_nodes + 1)
    ids = draw(
        st.lists(
            st.integers(low, high),
            min_size=2 * num_edges,
            max_size=2 * num_edges,
        )
    )
    edge_index = torch.tensor(ids, dtype=torch.long).view(2, num_edges)
    layout = draw(st.sampled_from(['plain', 'transposed', 'strided']))
    if layout == 'transposed':  # a non-contiguous view
        edge_index = edge_index.t().contiguous().t()
    elif layout == 'strided':
        edge_index = torch.stack([edge_index, edge_index], 2)[:, :, 0]
    if not valid and draw(st.booleans()):
        edge_index = edge_index.to(torch.int32)
    edge_weight = None
    if draw(st.booleans()):
        if valid:
            values = draw(
                st.lists(
                    st.floats(0.0, 10.0),
                    min_size=num_edges,
                    max_size=num_edges,
                )
            )
        else:
            values = draw(
                st.lists(WEIGHTS, min_size=num_edges, max_size=num_edges)
            )
        dtype = draw(st.sampled_from([torch.float32, torch.float64]))
        edge_weight = torch.tensor(values, dtype=torch.float64).to(dtype)
    if not valid and draw(st.booleans()):
        num_nodes = draw(st.sampled_from([0, -1, num_nodes // 2]))
    return edge_index, edge_weight, num_nodes


def finite_or_named(fn, *args, **kwargs):
    r"""Calls :obj:`fn`; a :class:`ValueError` must name an argument,
    anything else must be finite. Returns the result or :obj:`None`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            out = fn(*args, **kwargs)
    except ValueError as error:
        assert any(name in str(error) for name in ARGUMENTS), str(error)
        return None
    for value in out if isinstance(out, (tuple, list)) else [out]:
        if isinstance(value, torch.Tensor) and value.is_floating_point():
            dense = (
                value.to_dense() if value.layout != torch.strided else value
            )
            assert bool(torch.isfinite(dense).all()), value
        elif isinstance(value, float):
            assert value == value and abs(value) != float('inf')
    return out


@FUZZ
@given(graphs())
def test_fuzz_graph_readers(graph):
    edge_index, edge_weight, num_nodes = graph
    n = finite_or_named(
        utils.check_edge_index,
        edge_index,
        num_nodes,
        edge_weight,
        allow_empty=True,
    )
    out = finite_or_named(
        utils.to_edge_index, edge_index, edge_weight, num_nodes=num_nodes
    )
    assert (n is None) == (out is None)
    data = Data(edge_index=edge_index, num_nodes=num_nodes)
    if edge_weight is not None:
        data.edge_weight = edge_weight
    finite_or_named(utils.to_edge_index, data)


@FUZZ
@given(graphs(), st.integers(1, 3), st.booleans())
def test_fuzz_khop_context(graph, k, normalize):
    edge_index, _, num_nodes = graph
    context = finite_or_named(
        KHopContext(k=k, normalize=normalize).context, edge_index, num_nodes
    )
    if context is not None:
        n = utils.check_edge_index(edge_index, num_nodes, allow_empty=True)
        assert context.size() == (n, n)
        dense = context.to_dense()
        assert bool((dense.diagonal() == 0).all())
        assert bool(((dense >= 0) & (dense <= 1)).all())


@FUZZ
@given(graphs(), st.sampled_from(['gem', 'seal', 'mhn']))
def test_fuzz_link_splits(graph, split):
    edge_index, _, num_nodes = graph
    fn = getattr(utils, f'{split}_link_split')
    kwargs = {'num_pairs': 2} if split == 'mhn' else {'test_ratio': 0.3}
    out = finite_or_named(fn, edge_index, num_nodes, seed=0, **kwargs)
    if out is not None:
        for part in out:
            assert part.dim() == 2 and part.size(0) == 2
            assert int(part.max()) < num_nodes


@FUZZ
@given(
    graphs(valid=True),
    st.sampled_from([None, float('nan'), float('inf'), 1e30]),
)
def test_fuzz_mhn_embedding(graph, poison):
    edge_index, _, num_nodes = graph
    context = KHopContext(k=1).context(edge_index, num_nodes)
    if poison is not None and context._nnz() > 0:
        values = context.values().clone()
        values[0] = poison
        context = torch.sparse_csr_tensor(
            context.crow_indices(),
            context.col_indices(),
            values,
            context.size(),
        )
    model = MHNEmbedding(num_nodes, 3, num_steps=2, seed=0)
    out = finite_or_named(model, context)
    if out is not None:
        assert out.size() == (num_nodes, 3)
        energy = finite_or_named(model.energy, context)
        if poison is None:  # a 1e30 context may overflow the energy
            assert energy is not None and energy.size() == (num_nodes,)


@FUZZ
@given(graphs())
def test_fuzz_hebbian_propagation(graph):
    edge_index, edge_weight, num_nodes = graph
    try:
        model = HebbianPropagation(num_nodes, 3, num_iterations=2, seed=0)
    except ValueError as error:
        assert "'num_nodes'" in str(error)
        return
    out = finite_or_named(model, edge_index, edge_weight)
    if out is not None:
        assert out.size() == (num_nodes, 3)


@FUZZ
@given(st.integers(2, 6), WEIGHTS, st.integers(-1, 7))
def test_fuzz_link_prediction_auc(num_nodes, value, node):
    embedding = torch.ones(num_nodes, 2, dtype=torch.float64)
    embedding[0, 0] = value
    pos = torch.tensor([[0, 1], [1, node]])
    neg = torch.tensor([[0], [num_nodes - 1]])
    out = finite_or_named(evaluation.link_prediction_auc, embedding, pos, neg)
    if out is not None:
        assert 0.0 <= out['auc'] <= 1.0
