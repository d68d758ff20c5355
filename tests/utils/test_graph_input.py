import pytest
import torch
from torch_geometric.data import Data

from pyg_hopfield.utils import is_dgl_graph, to_edge_index

EDGE_INDEX = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
WEIGHT = torch.tensor([1.0, 2.0, 3.0, 4.0])


class FakeDGLGraph:
    r"""The slice of :class:`dgl.DGLGraph` the package uses, with DGL's
    signatures (int32 ids as ``idtype=torch.int32`` gives)."""

    def __init__(self, src, dst, num_nodes, edata=None, ntypes=('_N',)):
        self._src, self._dst = src.int(), dst.int()
        self._num_nodes = num_nodes
        self.edata = dict(edata or {})
        self.ntypes = list(ntypes)
        self.canonical_etypes = [('_N', '_E', '_N')]

    def edges(self, form='uv', order='eid', etype=None):
        return self._src, self._dst

    def num_nodes(self, ntype=None):
        return self._num_nodes


def fake_graph(**kwargs):
    return FakeDGLGraph(EDGE_INDEX[0], EDGE_INDEX[1], 4, **kwargs)


def test_tensor_and_data():
    assert to_edge_index(EDGE_INDEX) == (EDGE_INDEX, None, 3)
    edge_index, weight, n = to_edge_index(EDGE_INDEX, WEIGHT, num_nodes=5)
    assert n == 5 and weight is WEIGHT
    data = Data(edge_index=EDGE_INDEX, edge_weight=WEIGHT, num_nodes=4)
    edge_index, weight, n = to_edge_index(data)
    assert edge_index is EDGE_INDEX and weight is WEIGHT and n == 4
    data = Data(edge_index=EDGE_INDEX, w=WEIGHT.view(-1, 1), num_nodes=4)
    assert torch.equal(to_edge_index(data, weight_key='w')[1], WEIGHT)


def test_dgl_like_graph():
    g = fake_graph(edata={'w': WEIGHT.view(-1, 1)})
    assert is_dgl_graph(g) and not is_dgl_graph(EDGE_INDEX)
    assert not is_dgl_graph(Data(edge_index=EDGE_INDEX))
    edge_index, weight, n = to_edge_index(g)
    assert edge_index.dtype == torch.long
    assert torch.equal(edge_index, EDGE_INDEX) and weight is None and n == 4
    _, weight, _ = to_edge_index(g, weight_key='w')
    assert torch.equal(weight, WEIGHT)


@pytest.mark.parametrize(
    'graph,kwargs,match',
    [
        ([[0, 1], [1, 0]], {}, "'graph' must be an edge_index tensor"),
        (
            fake_graph(),
            dict(weight_key='w'),
            "'weight_key' names the edge feature 'w'",
        ),
        (fake_graph(ntypes=('user', 'item')), {}, 'heterogeneous DGL graph'),
        (fake_graph(), dict(num_nodes=3), "'num_nodes' is read from the DGL"),
        (
            Data(edge_index=EDGE_INDEX, num_nodes=3),
            dict(weight_key='w'),
            "'weight_key' names the edge attribute 'w'",
        ),
        (
            Data(edge_index=EDGE_INDEX, num_nodes=2),
            {},
            'contains node 2 but num_nodes=2',
        ),
    ],
)
def test_bad_graphs(graph, kwargs, match):
    with pytest.raises(ValueError, match=match):
        to_edge_index(graph, **kwargs)


def test_real_dgl_graph():
    dgl = pytest.importorskip('dgl')
    g = dgl.graph((EDGE_INDEX[0], EDGE_INDEX[1]), num_nodes=4)
    g.edata['w'] = WEIGHT
    edge_index, weight, n = to_edge_index(g, weight_key='w')
    assert torch.equal(edge_index, EDGE_INDEX) and n == 4
    assert torch.equal(weight, WEIGHT)


@pytest.mark.parametrize('split', ['gem', 'seal', 'mhn'])
def test_link_splits_accept_data_and_dgl_graphs(split):
    from pyg_hopfield import utils

    src = torch.arange(12)
    edge_index = torch.stack([src, (src + 1) % 12])
    edge_index = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    fn = getattr(utils, f'{split}_link_split')
    kwargs = {'num_pairs': 3} if split == 'mhn' else {}
    expected = fn(edge_index, 12, seed=1, **kwargs)
    g = FakeDGLGraph(edge_index[0], edge_index[1], 12)
    for graph in (Data(edge_index=edge_index, num_nodes=12), g):
        out = fn(graph, seed=1, **kwargs)
        assert all(torch.equal(a, b) for a, b in zip(out, expected))
    with pytest.raises(
        ValueError, match="'num_nodes' is 13 but the graph has 12 nodes"
    ):
        fn(g, 13, seed=1, **kwargs)
