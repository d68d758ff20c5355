import pytest
import torch
from torch_geometric.data import Data
from torch_geometric.utils import erdos_renyi_graph, to_dense_adj

from pyg_hopfield.transforms import KHopContext


def reference_context(edge_index, num_nodes, k, decay):
    r"""Slow literal reference: dense BFS distances."""
    adj = to_dense_adj(edge_index, max_num_nodes=num_nodes)[0] > 0
    dist = torch.full((num_nodes, num_nodes), -1)
    for source in range(num_nodes):
        dist[source, source] = 0
        frontier = {source}
        for hop in range(1, k + 1):
            nxt = set()
            for u in frontier:
                for v in adj[u].nonzero().view(-1).tolist():
                    if dist[source, v] < 0:
                        dist[source, v] = hop
                        nxt.add(v)
            frontier = nxt
    out = torch.zeros(num_nodes, num_nodes)
    mask = dist > 0
    out[mask] = decay ** (dist[mask].float() - 1)
    return out


@pytest.mark.parametrize('k', [1, 2, 3])
@pytest.mark.parametrize('decay', [1.0, 0.5])
def test_khop_context_matches_bfs(k, decay):
    torch.manual_seed(0)
    edge_index = erdos_renyi_graph(25, 0.08, directed=True)
    data = Data(edge_index=edge_index, num_nodes=25)
    context = KHopContext(k=k, decay=decay)(data).context
    assert context.layout == torch.sparse_csr
    expected = reference_context(edge_index, 25, k, decay)
    assert torch.allclose(context.to_dense(), expected)


def test_khop_context_path_graph_and_normalize():
    edge_index = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])
    data = Data(edge_index=edge_index, num_nodes=5)  # node 4 is isolated
    dense = KHopContext(k=2, decay=0.5)(data).context.to_dense()
    assert dense.tolist() == [
        [0.0, 1.0, 0.5, 0.0, 0.0],
        [1.0, 0.0, 1.0, 0.5, 0.0],
        [0.5, 1.0, 0.0, 1.0, 0.0],
        [0.0, 0.5, 1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
    ]
    norm = KHopContext(k=2, normalize=True)(data).context.to_dense()
    assert torch.allclose(norm.sum(dim=1), torch.tensor([1.0, 1, 1, 1, 0]))


def test_khop_context_is_sparse_on_a_large_graph():
    # 10^5 nodes: a dense context would need 40 GB.
    num_nodes = 100_000
    gen = torch.Generator().manual_seed(0)
    src = torch.randint(num_nodes, (300_000,), generator=gen)
    dst = torch.randint(num_nodes, (300_000,), generator=gen)
    edge_index = torch.stack([torch.cat([src, dst]), torch.cat([dst, src])])
    context = KHopContext(k=2).context(edge_index, num_nodes)
    assert context.layout == torch.sparse_csr
    assert 0 < context._nnz() < 50 * num_nodes


def test_khop_context_bad_input():
    with pytest.raises(ValueError, match="'k' must be a positive int"):
        KHopContext(k=0)
    with pytest.raises(ValueError, match="'decay' must lie in"):
        KHopContext(decay=0.0)
    transform = KHopContext(k=3, max_neighbors=4)
    edge_index = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])
    with pytest.raises(ValueError, match='max_neighbors=4'):
        transform(Data(edge_index=edge_index, num_nodes=4))
    assert (
        str(KHopContext(k=2)) == 'KHopContext(k=2, decay=1.0, normalize=False)'
    )


@pytest.mark.parametrize(
    'edge_index,num_nodes,match',
    [
        (
            torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]]),
            2,
            'contains node 2 but num_nodes=2',
        ),
        (torch.tensor([[0, -1], [1, 0]]), 3, 'negative node index -1'),
        (torch.tensor([[0, 1]]), 3, r'shape \[2, num_edges\]'),
        (torch.tensor([[0, 1], [1, 0]], dtype=torch.int32), 3, 'torch.long'),
        (
            torch.zeros(2, 0, dtype=torch.long),
            None,
            "'num_nodes' must be given",
        ),
    ],
)
def test_khop_context_validates_its_graph(edge_index, num_nodes, match):
    with pytest.raises(ValueError, match=match):
        KHopContext(k=2).context(edge_index, num_nodes)


@pytest.mark.parametrize(
    'edge_index,num_nodes',
    [
        (torch.tensor([[0, 1], [0, 1]]), 3),  # self-loops only
        (torch.zeros(2, 0, dtype=torch.long), 1),  # a single node
        (torch.zeros(2, 0, dtype=torch.long), 4),  # no edges at all
    ],
)
def test_khop_context_without_distinct_neighbours(edge_index, num_nodes):
    for normalize in (False, True):
        context = KHopContext(k=2, normalize=normalize).context(
            edge_index, num_nodes
        )
        assert context.layout == torch.sparse_csr
        assert context.size() == (num_nodes, num_nodes)
        assert context._nnz() == 0


def test_khop_context_bad_arguments():
    with pytest.raises(ValueError, match="'decay' must lie in"):
        KHopContext(decay=float('nan'))
    with pytest.raises(ValueError, match="'max_neighbors' must be >= 0"):
        KHopContext(max_neighbors=-1)


class FakeDGLGraph:
    r"""The slice of :class:`dgl.DGLGraph` the transform uses."""

    def __init__(self, src, dst, num_nodes):
        self._src, self._dst, self._num_nodes = src.int(), dst.int(), num_nodes
        self.edata = {}

    def edges(self, form='uv', order='eid', etype=None):
        return self._src, self._dst

    def num_nodes(self, ntype=None):
        return self._num_nodes


def test_khop_context_accepts_data_and_dgl_graphs():
    edge_index = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])
    expected = KHopContext(k=2).context(edge_index, 5).to_dense()
    data = Data(edge_index=edge_index, num_nodes=5)
    assert torch.equal(KHopContext(k=2).context(data).to_dense(), expected)
    g = FakeDGLGraph(edge_index[0], edge_index[1], 5)
    assert torch.equal(KHopContext(k=2).context(g).to_dense(), expected)
    assert torch.equal(KHopContext(k=2)(g).context.to_dense(), expected)
    with pytest.raises(ValueError, match="'num_nodes' is read from the "):
        KHopContext(k=2).context(g, 5)


def test_khop_context_real_dgl_graph():
    dgl = pytest.importorskip('dgl')
    edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    g = dgl.graph((edge_index[0], edge_index[1]), num_nodes=4)
    expected = KHopContext(k=2).context(edge_index, 4).to_dense()
    assert torch.equal(KHopContext(k=2).context(g).to_dense(), expected)
