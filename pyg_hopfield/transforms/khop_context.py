import warnings

import torch
from torch import Tensor
from torch_geometric.data import Data
from torch_geometric.data.datapipes import functional_transform
from torch_geometric.transforms import BaseTransform
from torch_geometric.utils import scatter

from pyg_hopfield.utils.checks import check_int
from pyg_hopfield.utils.graph_input import is_dgl_graph, to_edge_index


@functional_transform('khop_context')
class KHopContext(BaseTransform):
    r"""Attaches to each node its :math:`k`-hop neighbourhood as a sparse
    context vector (functional name: :obj:`khop_context`), the input
    :math:`v_\textrm{context}` of the `"Associative Learning for Network
    Embedding" <https://arxiv.org/abs/2208.14376>`_ paper.

    The result, :obj:`data.context`, is a :obj:`torch.sparse_csr` matrix
    :math:`\mathbf{C} \in \mathbb{R}^{m \times m}` whose row :math:`i` is
    the context of node :math:`i`:

    .. math::
        C_{ij} = \begin{cases}
            \gamma^{h(i, j) - 1} & 1 \leq h(i, j) \leq k \\
            0 & \textrm{otherwise}
        \end{cases}

    where :math:`h(i, j)` is the hop distance (length of the shortest path
    along :obj:`edge_index`) from :math:`i` to :math:`j`, :math:`h(i, i) = 0`
    so the node itself is excluded, and :math:`\gamma` is :obj:`decay`
    (:obj:`decay=1` gives the paper's binary :math:`\{0, 1\}` context). With
    :obj:`normalize=True` every non-empty row is divided by its sum.

    The hops are found by sparse message passing: the frontier
    :math:`\mathbf{F}_h` (pairs at distance exactly :math:`h`, kept as
    sorted integer keys :math:`i \cdot m + j`) is pushed along the edges,
    :math:`\mathbf{F}_{h+1} = \mathrm{pattern}(\mathbf{F}_h \mathbf{A})
    \setminus \{\textrm{pairs already reached}\}`, expanding a bounded
    number of walks at a time. Nothing dense is built: time and memory are
    proportional to the non-zeros of the frontiers and of the result
    (``benchmarks/bench_khop_context.py``: a random graph with
    :math:`10^6` nodes and :math:`10^7` edges gets its 2-hop context of
    :math:`1.1 \cdot 10^8` non-zeros in 51 s at a peak of 6.2 GB, 4.9 times
    the CSR output, on the 2-core development machine).

    .. code-block:: python

        from pyg_hopfield.transforms import KHopContext

        data = KHopContext(k=2)(data)
        data.context  # sparse CSR [num_nodes, num_nodes]

    Args:
        k (int, optional): The number of hops. (default: :obj:`1`)
        decay (float, optional): The weight factor :math:`\gamma` per extra
            hop, in :math:`(0, 1]`. (default: :obj:`1.0`)
        normalize (bool, optional): Divide each row by its sum.
            (default: :obj:`False`)
        max_neighbors (int, optional): Fail with a clear error rather than
            build a context with more non-zeros than this (a guard for
            power-law graphs with large :math:`k`). (default: :obj:`None`)
    """

    def __init__(
        self,
        k: int = 1,
        decay: float = 1.0,
        normalize: bool = False,
        max_neighbors: int | None = None,
    ):
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"'k' must be a positive int, got {k!r}")
        if (
            isinstance(decay, bool)
            or not isinstance(decay, (int, float))
            or not 0.0 < decay <= 1.0
        ):  # NaN fails the comparison too
            raise ValueError(f"'decay' must lie in (0, 1], got {decay!r}")
        if max_neighbors is not None:
            check_int(max_neighbors, 'max_neighbors', minimum=0)
        self.k = k
        self.decay = decay
        self.normalize = normalize
        self.max_neighbors = max_neighbors

    def forward(self, data: Data) -> Data:
        # A DGL graph (duck-typed, dgl is never imported) gets the context
        # as the attribute `graph.context` too.
        edge_index, _, num_nodes = to_edge_index(data)
        data.context = self.context(edge_index, num_nodes)
        return data

    def context(
        self,
        edge_index: Tensor,
        num_nodes: int | None = None,
    ) -> Tensor:
        r"""Returns the context matrix of a graph as sparse CSR.

        Args:
            edge_index (torch.Tensor or Data or dgl.DGLGraph): The edge
                indices :obj:`[2, E]`, or a graph to read them from (see
                :func:`~pyg_hopfield.utils.to_edge_index`).
            num_nodes (int, optional): The number of nodes :math:`m` of an
                :obj:`edge_index` tensor (inferred if :obj:`None`). Nodes
                without neighbours get empty rows. (default: :obj:`None`)
        """
        if not isinstance(edge_index, Tensor) and (
            is_dgl_graph(edge_index) or hasattr(edge_index, 'edge_index')
        ):
            if num_nodes is not None:
                raise ValueError(
                    "'num_nodes' is read from the graph; pass "
                    "it only with an 'edge_index' tensor"
                )
            edge_index, _, num_nodes = to_edge_index(edge_index)
        else:
            edge_index, _, num_nodes = to_edge_index(
                edge_index, num_nodes=num_nodes
            )
        m = num_nodes
        device = edge_index.device
        row, col = edge_index[0], edge_index[1]
        keep = row != col
        # The adjacency pattern as sorted pair keys i * m + j, and its CSR:
        adj_key = torch.unique(row[keep] * m + col[keep])
        adj_col = adj_key % m
        rowptr = torch.zeros(m + 1, dtype=torch.long, device=device)
        torch.cumsum(
            torch.bincount(adj_key // m, minlength=m), 0, out=rowptr[1:]
        )

        nodes = torch.arange(m, device=device)
        reached = nodes * m + nodes  # hop 0: the node itself, sorted
        frontier = adj_key
        keys, hops = [], []
        for hop in range(1, self.k + 1):
            if hop > 1:
                frontier = self._push(frontier, rowptr, adj_col, m)
            pos = torch.searchsorted(reached, frontier).clamp_(
                max=reached.numel() - 1
            )
            frontier = frontier[reached[pos] != frontier]
            if frontier.numel() == 0:
                break
            keys.append(frontier)
            hops.append(
                torch.full(
                    (frontier.numel(),), hop, dtype=torch.int32, device=device
                )
            )
            reached = torch.cat([reached, frontier]).sort().values
            if (
                self.max_neighbors is not None
                and reached.numel() - m > self.max_neighbors
            ):
                raise ValueError(
                    f'The {hop}-hop context has more than max_neighbors='
                    f"{self.max_neighbors} non-zeros; lower 'k' or raise "
                    f"'max_neighbors'"
                )
        del reached

        if not keys:  # no edges between distinct nodes: all rows empty
            keys.append(adj_key)
            hops.append(torch.ones(0, dtype=torch.int32, device=device))
        key, order = torch.cat(keys).sort()
        value = self.decay ** (torch.cat(hops)[order].to(torch.float) - 1.0)
        del order
        ctx_row = key // m
        crow = torch.zeros(m + 1, dtype=torch.long, device=device)
        torch.cumsum(torch.bincount(ctx_row, minlength=m), 0, out=crow[1:])
        if self.normalize:
            row_sum = scatter(value, ctx_row, dim=0, dim_size=m, reduce='sum')
            value = value / row_sum[ctx_row]
        del ctx_row
        with warnings.catch_warnings():  # 'sparse CSR support is in beta'
            warnings.simplefilter('ignore', UserWarning)
            return torch.sparse_csr_tensor(
                crow, key % m, value, (m, m), check_invariants=False
            )

    @staticmethod
    def _push(
        frontier: Tensor,
        rowptr: Tensor,
        adj_col: Tensor,
        m: int,
        chunk: int = 1 << 24,
    ) -> Tensor:
        r"""One message-passing step on pair keys: every pair
        :math:`(i, j)` sends to :math:`(i, l)` for each edge
        :math:`j \to l`. Returns the sorted distinct keys, expanding at most
        :obj:`chunk` walks at a time to bound the peak memory."""
        src, mid = frontier // m, frontier % m
        count = rowptr[mid + 1] - rowptr[mid]
        bounds = torch.cumsum(count, 0)
        out, begin = [], 0
        while begin < frontier.numel():
            base = int(bounds[begin - 1]) if begin > 0 else 0
            end = int(torch.searchsorted(bounds, base + chunk, right=True))
            end = max(end, begin + 1)
            c = count[begin:end]
            walk_src = src[begin:end].repeat_interleave(c)
            offset = torch.arange(int(c.sum()), device=frontier.device)
            offset -= (torch.cumsum(c, 0) - c).repeat_interleave(c)
            walk_dst = adj_col[
                rowptr[mid[begin:end]].repeat_interleave(c) + offset
            ]
            out.append(torch.unique(walk_src * m + walk_dst))
            begin = end
        return torch.unique(torch.cat(out)) if len(out) > 1 else out[0]

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(k={self.k}, decay={self.decay}, '
            f'normalize={self.normalize})'
        )
