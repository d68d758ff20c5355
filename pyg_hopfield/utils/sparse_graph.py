r"""Memory-lean graph construction for graphs of :math:`10^8` nonzeros.

The transition matrix of :class:`~pyg_hopfield.nn.HebbianPropagation` is a
CSR matrix whose rows are targets.  Built with
:func:`torch_geometric.utils.coalesce` from an :obj:`int64` edge list,
symmetrising, sorting and merging duplicates hold several full-size
:obj:`int64` copies at once (the stacked pairs, the sort keys, the sorted
keys and the permutation: about :math:`40` bytes a nonzero) and cost a
comparison sort.  Here the same matrix is built by a counting sort
(:meth:`scipy.sparse.coo_matrix.tocsr`, :math:`O(\mathrm{nnz} + m)`, one
pass over the pairs) from :obj:`int32` pairs, and kept with :obj:`int32`
indices wherever they fit (PyTorch's CSR kernels take either):

* :func:`coalesced_csr`: pairs :math:`\to` CSR sorted by (row, column),
  duplicates merged (weights summed, or kept once without weights);
* :func:`undirected_csr`: an edge array listing each undirected edge once
  (e.g. a memory-mapped :obj:`[E, 2]` ``.npy`` file) :math:`\to` the
  symmetric CSR without self-loops, read in chunks;
* :func:`transition_csr`: the CSR :math:`\to` the transition
  probabilities :math:`p_{ij}`, the noise scales and the degrees, computed
  in row chunks in the order of
  :func:`~pyg_hopfield.nn.hebbian_functional.transition_matrix` (so they
  are bit-identical to it), without an :obj:`int64` index per nonzero;
* :func:`csr_connected_components`: component labels straight from the
  CSR arrays.
"""

import warnings

import numpy as np
import torch
from torch import Tensor

from pyg_hopfield.utils.transition import (
    TRANSITIONS,
    transition_probabilities,
)

__all__ = [
    'coalesced_csr',
    'undirected_csr',
    'transition_csr',
    'csr_connected_components',
    'csr_to_edge_index',
]

_INT32_MAX = np.iinfo(np.int32).max

#: Nonzeros handled at once by the chunked passes (16 M: 64 MB of
#: :obj:`int32` indices, 128 MB of :obj:`int64` ones).
CHUNK_SIZE = 1 << 24


def index_dtype(num_nonzeros: int, num_cols: int) -> np.dtype:
    r""":obj:`int32` when the column ids and the row pointers fit, else
    :obj:`int64`."""
    fits = max(num_nonzeros, num_cols) <= _INT32_MAX
    return np.dtype(np.int32 if fits else np.int64)


def _as_numpy(array) -> np.ndarray:
    if isinstance(array, Tensor):
        return array.detach().cpu().numpy()
    return np.asarray(array)


def coalesced_csr(
    row,
    col,
    num_rows: int,
    num_cols: int,
    weight=None,
) -> tuple[Tensor, Tensor, Tensor | None]:
    r"""The CSR form :obj:`(crow, col, weight)` of the pairs
    :obj:`(row[k], col[k])`, sorted by row and, within a row, by column;
    duplicate pairs are merged, their weights summed (without
    :obj:`weight`, a repeated pair is kept once).

    A counting sort (:math:`O(\mathrm{nnz} + m)`, no comparison sort); the
    indices come back as :obj:`int32` when they fit (:func:`index_dtype`),
    the weights as :obj:`float32` (:obj:`float64` ones stay so).

    Args:
        row (numpy.ndarray or torch.Tensor): Row ids :obj:`[E]`.
        col (numpy.ndarray or torch.Tensor): Column ids :obj:`[E]`.
        num_rows (int): The number of rows.
        num_cols (int): The number of columns.
        weight (numpy.ndarray or torch.Tensor, optional): Weights
            :obj:`[E]`. (default: :obj:`None`)

    Examples:
        >>> crow, col, w = coalesced_csr([1, 0, 1], [0, 1, 0], 2, 2, [1, 2, 3])
        >>> crow.tolist(), col.tolist(), w.tolist()
        ([0, 1, 2], [1, 0], [2.0, 4.0])
    """
    import scipy.sparse as sp

    row, col = _as_numpy(row), _as_numpy(col)
    dtype = index_dtype(row.size, max(num_rows, num_cols))
    row = row.astype(dtype, copy=False)
    col = col.astype(dtype, copy=False)
    if weight is None:
        data = np.ones(row.size, dtype=np.bool_)  # summing is OR: dedupe
    else:
        data = _as_numpy(weight)
        if data.dtype != np.float64:
            data = data.astype(np.float32, copy=False)
    mat = sp.coo_matrix((data, (row, col)), shape=(num_rows, num_cols))
    del row, col, data
    mat = mat.tocsr()  # counting sort, then per-row sort and merge
    mat.sum_duplicates()  # a no-op unless scipy left it unsorted
    crow = torch.from_numpy(mat.indptr.astype(dtype, copy=False))
    index = torch.from_numpy(mat.indices.astype(dtype, copy=False))
    out_weight = None if weight is None else torch.from_numpy(mat.data)
    return crow, index, out_weight


def _pairs_view(pairs) -> tuple[np.ndarray, np.ndarray]:
    pairs = _as_numpy(pairs)
    if pairs.ndim != 2 or 2 not in pairs.shape:
        raise ValueError(
            f"'pairs' must have shape [E, 2] or [2, E], got "
            f'{list(pairs.shape)}'
        )
    if pairs.shape[0] == 2 and pairs.shape[1] != 2:
        return pairs[0], pairs[1]
    return pairs[:, 0], pairs[:, 1]


def undirected_csr(
    pairs,
    num_nodes: int,
    weight=None,
    chunk_size: int = CHUNK_SIZE,
) -> tuple[Tensor, Tensor, Tensor | None]:
    r"""The symmetric CSR :obj:`(crow, col, weight)` of an undirected graph
    given by :obj:`pairs` (:obj:`[E, 2]` or :obj:`[2, E]`, e.g. a
    memory-mapped ``.npy`` array, each edge listed in either or both
    directions): both directions of every pair, self-loops dropped,
    duplicates merged (weights summed, or kept once without weights) --
    the graph :func:`~pyg_hopfield.io.read_edge_list` builds with
    :func:`torch_geometric.utils.to_undirected`, in CSR form.

    The pairs are read :obj:`chunk_size` at a time into two
    :obj:`int32` arrays of :math:`2E` entries (when the ids fit), so the
    peak is about :math:`13` bytes a nonzero plus the result, :math:`4`
    (:obj:`int32`) or :math:`8` bytes a nonzero.

    Args:
        pairs (numpy.ndarray or torch.Tensor): Node ids.
        num_nodes (int): The number of nodes :math:`m`.
        weight (numpy.ndarray or torch.Tensor, optional): One weight per
            listed pair. (default: :obj:`None`)
        chunk_size (int, optional): Pairs read at once.

    Examples:
        >>> crow, col, _ = undirected_csr([[0, 1], [1, 2], [2, 1], [2, 2]], 3)
        >>> crow.tolist(), col.tolist()
        ([0, 1, 3, 4], [1, 0, 2, 1])
    """
    src, dst = _pairs_view(pairs)
    num_pairs = src.shape[0]
    if weight is not None:
        weight = _as_numpy(weight)
    kept = 0
    for start in range(0, num_pairs, chunk_size):
        stop = start + chunk_size
        kept += int(np.count_nonzero(src[start:stop] != dst[start:stop]))
    dtype = index_dtype(2 * kept, num_nodes)
    row = np.empty(2 * kept, dtype=dtype)
    col = np.empty(2 * kept, dtype=dtype)
    data = None if weight is None else np.empty(2 * kept, np.float32)
    offset = 0
    for start in range(0, num_pairs, chunk_size):
        stop = start + chunk_size
        u, v = np.asarray(src[start:stop]), np.asarray(dst[start:stop])
        keep = u != v
        n = int(np.count_nonzero(keep))
        u, v = u[keep], v[keep]
        row[offset : offset + n], col[offset : offset + n] = u, v
        end = kept + offset
        row[end : end + n], col[end : end + n] = v, u
        if data is not None:
            w = np.asarray(weight[start:stop])[keep]
            data[offset : offset + n] = w
            data[end : end + n] = w
        offset += n
    return coalesced_csr(row, col, num_nodes, num_nodes, data)


def csr_to_edge_index(crow: Tensor, col: Tensor) -> Tensor:
    r"""The :obj:`long` :obj:`[2, nnz]` :obj:`edge_index` (row, column) of
    a CSR matrix, in its order.

    Examples:
        >>> crow, col, _ = undirected_csr([[0, 1], [1, 2]], 3)
        >>> csr_to_edge_index(crow, col).tolist()
        [[0, 1, 1, 2], [1, 0, 2, 1]]
    """
    edge_index = torch.empty(2, col.numel(), dtype=torch.long)
    counts = (crow[1:] - crow[:-1]).long()
    num_rows = crow.numel() - 1
    edge_index[0] = torch.repeat_interleave(
        torch.arange(num_rows), counts, output_size=col.numel()
    )
    edge_index[1] = col
    return edge_index


def _row_chunks(crow: Tensor, chunk_size: int):
    # Row ranges [a, b) of at most chunk_size nonzeros (or one row), so
    # that no row's sum is split between two chunks.
    num_rows = crow.numel() - 1
    a = 0
    while a < num_rows:
        limit = int(crow[a]) + chunk_size
        b = int(torch.searchsorted(crow, limit, right=True)) - 1
        b = min(max(b, a + 1), num_rows)
        yield a, b
        a = b


def _rows_of(crow: Tensor, a: int, b: int) -> Tensor:
    counts = (crow[a + 1 : b + 1] - crow[a:b]).long()
    return torch.repeat_interleave(torch.arange(a, b), counts)


def transition_csr(
    crow: Tensor,
    col: Tensor,
    num_nodes: int,
    weight: Tensor | None = None,
    transition: str = 'row',
    out_degree: Tensor | None = None,
    dtype: torch.dtype = torch.float,
    chunk_size: int = CHUNK_SIZE,
) -> tuple[Tensor, Tensor, Tensor]:
    r"""The transposed transition matrix :math:`\mathbf{P}^{\top}` of a
    coalesced CSR graph whose rows are targets (row :math:`j` holds the
    in-edges :math:`i \to j`), its noise scales :math:`s_j = \sqrt{\sum_i
    p_{ij}^2}` and the weighted in-degrees :math:`d^{in}_j`:

    .. math::
        p_{ij} = \frac{w_{ij}}{d^{out}_i} \;(\text{'row'}), \qquad
        p_{ij} = \frac{w_{ij}}{\sqrt{d^{out}_i d^{in}_j}} \;(\text{'sym'}),

    where :math:`d^{out}_i = \sum_j w_{ij}` (or :obj:`out_degree`, for a
    shard whose rows are a range of the targets) and :math:`d^{in}_j =
    \sum_i w_{ij}` (zero-degree entries give :math:`0`).  The sums run in
    the order of :func:`~pyg_hopfield.nn.hebbian_functional.transition_matrix`
    over the same coalesced edges, so every value is bit-identical to it;
    the work runs in row chunks of about :obj:`chunk_size` nonzeros, so no
    :obj:`int64` index per nonzero is ever held.

    Args:
        crow (torch.Tensor): Row pointers :obj:`[num_rows + 1]`.
        col (torch.Tensor): Sorted column ids (sources) per row.
        num_nodes (int): The number of columns :math:`m`.
        weight (torch.Tensor, optional): Weights, aligned with :obj:`col`.
        transition (str, optional): :obj:`'row'` or :obj:`'sym'`.
        out_degree (torch.Tensor, optional): :math:`d^{out}` of all
            :math:`m` nodes.
        dtype (torch.dtype, optional): The dtype of the values.

    Returns:
        :obj:`(adj_t, noise_scale, in_degree)`, :obj:`adj_t` a sparse CSR
        tensor sharing :obj:`crow` and :obj:`col`.
    """
    if transition not in TRANSITIONS:
        raise ValueError(
            f"'transition' must be one of {TRANSITIONS} (got {transition!r})"
        )
    num_rows = crow.numel() - 1
    chunks = list(_row_chunks(crow, chunk_size))

    def span(a: int, b: int) -> tuple[int, int, Tensor]:
        lo, hi = int(crow[a]), int(crow[b])
        if weight is None:
            return lo, hi, torch.ones(hi - lo, dtype=dtype)
        return lo, hi, weight[lo:hi].to(dtype)

    # The degrees as scatter sums in CSR order (sequential, like one
    # scatter over the coalesced edges).
    in_degree = torch.zeros(num_rows, dtype=dtype)
    given = out_degree is not None
    out_degree = (
        out_degree.to(dtype) if given else torch.zeros(num_nodes, dtype=dtype)
    )
    for a, b in chunks:
        lo, hi, w = span(a, b)
        if not given:
            out_degree.scatter_add_(0, col[lo:hi].long(), w)
        in_degree.scatter_add_(0, _rows_of(crow, a, b), w)
    value = torch.empty(col.numel(), dtype=dtype)
    noise = torch.zeros(num_rows, dtype=dtype)
    for a, b in chunks:
        lo, hi, w = span(a, b)
        src, dst = col[lo:hi].long(), _rows_of(crow, a, b)
        v = transition_probabilities(
            torch.stack([src, dst]),
            w,
            num_nodes,
            transition,
            out_degree=out_degree,
            in_degree=in_degree,
        )
        v = torch.nan_to_num(v, nan=0.0, posinf=0.0)
        value[lo:hi] = v
        noise.scatter_add_(0, dst, v * v)
    with warnings.catch_warnings():  # CSR "beta" warnings, scoped here
        warnings.filterwarnings('ignore', '.*Sparse CSR tensor support.*')
        warnings.filterwarnings('ignore', '.*Sparse invariant checks.*')
        adj_t = torch.sparse_csr_tensor(
            crow, col, value, (num_rows, num_nodes)
        )
    return adj_t, noise.sqrt(), in_degree


def csr_connected_components(
    crow: Tensor,
    col: Tensor,
    num_nodes: int,
    smallest_node: bool = False,
) -> Tensor:
    r"""The connected-component label of every node of a CSR graph (edges
    read as undirected), by :func:`scipy.sparse.csgraph.connected_components`
    on the CSR arrays as they are (no copy of the edges), :math:`O(m +
    \mathrm{nnz})`.  Components are numbered :obj:`0, 1, ...` in the order
    of their smallest node, or (:obj:`smallest_node=True`, the labels of
    :func:`~pyg_hopfield.nn.hebbian_orthogonal.connected_components`) by
    that node itself; either way the labels do not depend on edge order or
    direction."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    indptr, indices = crow.numpy(), col.numpy()
    data = np.ones(indices.size, dtype=np.int8)
    adj = sp.csr_matrix(
        (data, indices, indptr), shape=(num_nodes, num_nodes), copy=False
    )
    _, labels = connected_components(adj, directed=False)
    if smallest_node:
        # scipy numbers components in the order of their smallest node.
        labels = np.unique(labels, return_index=True)[1][labels]
    return torch.from_numpy(labels.astype(np.int64))
