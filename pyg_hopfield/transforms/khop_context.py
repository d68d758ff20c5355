import warnings
from typing import Optional

import torch
from torch import Tensor
from torch_geometric.data import Data
from torch_geometric.data.datapipes import functional_transform
from torch_geometric.transforms import BaseTransform
from torch_geometric.utils import scatter

from pyg_hopfield.utils.checks import check_edge_index


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

    The hops are found by sparse message passing, one sparse-sparse product
    per hop: the frontier :math:`\mathbf{F}_h` (pairs at distance exactly
    :math:`h`) is pushed along the edges,
    :math:`\mathbf{F}_{h+1} = \mathrm{pattern}(\mathbf{F}_h \mathbf{A})
    \setminus \{\textrm{pairs already reached}\}`. Nothing dense is
    built: time and memory are proportional to the non-zeros of the
    frontiers and of the result.

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
        max_neighbors: Optional[int] = None,
    ):
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"'k' must be a positive int, got {k!r}")
        if not 0.0 < decay <= 1.0:
            raise ValueError(f"'decay' must lie in (0, 1], got {decay}")
        self.k = k
        self.decay = decay
        self.normalize = normalize
        self.max_neighbors = max_neighbors

    def forward(self, data: Data) -> Data:
        num_nodes = check_edge_index(data.edge_index, data.num_nodes)
        data.context = self.context(data.edge_index, num_nodes)
        return data

    def context(self, edge_index: Tensor, num_nodes: int) -> Tensor:
        r"""Returns the context matrix of a graph as sparse CSR."""
        m = num_nodes
        row, col = edge_index[0], edge_index[1]
        keep = row != col
        adj = torch.sparse_coo_tensor(
            torch.stack([row[keep], col[keep]]),
            torch.ones(int(keep.sum()), device=edge_index.device),
            (m, m), check_invariants=False).coalesce()

        # Pairs reached so far (hop 0 is the diagonal), as sorted keys:
        nodes = torch.arange(m, device=edge_index.device)
        reached = nodes * m + nodes
        frontier = adj
        keys, hops = [], []
        for hop in range(1, self.k + 1):
            if hop > 1:
                frontier = torch.sparse.mm(frontier, adj).coalesce()
            idx = frontier.indices()
            key = idx[0] * m + idx[1]
            pos = torch.searchsorted(reached, key).clamp_(
                max=reached.numel() - 1)
            new = reached[pos] != key
            if not bool(new.any()):
                break
            key = key[new]
            keys.append(key)
            hops.append(torch.full_like(key, hop))
            reached = torch.cat([reached, key]).sort().values
            if self.max_neighbors is not None and \
                    reached.numel() - m > self.max_neighbors:
                raise ValueError(
                    f"The {hop}-hop context has more than max_neighbors="
                    f"{self.max_neighbors} non-zeros; lower 'k' or raise "
                    f"'max_neighbors'")
            frontier = torch.sparse_coo_tensor(
                torch.stack([key // m, key % m]),
                torch.ones(key.numel(), device=key.device), (m, m),
                is_coalesced=True, check_invariants=False)

        key = torch.cat(keys)
        hop = torch.cat(hops)
        value = self.decay**(hop.to(torch.float) - 1.0)
        order = key.argsort()
        key, value = key[order], value[order]
        ctx_row, ctx_col = key // m, key % m
        if self.normalize:
            row_sum = scatter(value, ctx_row, dim=0, dim_size=m,
                              reduce='sum')
            value = value / row_sum[ctx_row]
        with warnings.catch_warnings():  # 'sparse CSR support is in beta'
            warnings.simplefilter('ignore', UserWarning)
            return torch.sparse_coo_tensor(
                torch.stack([ctx_row, ctx_col]), value, (m, m),
                is_coalesced=True, check_invariants=False).to_sparse_csr()

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(k={self.k}, decay={self.decay}, '
                f'normalize={self.normalize})')
