r"""The tensor maths of the paper's update of
:class:`~pyg_hopfield.nn.HebbianPropagation` (:obj:`orthogonalize=False`).

Every function here is stateless and device-agnostic and works on the rows
:obj:`[start, end)` of one process; the one loop that runs it, in one
process or sharded, is :mod:`pyg_hopfield.nn.hebbian_loop`.
"""

import math
import warnings
from typing import NamedTuple

import torch
from torch import Tensor
from torch_geometric.utils import coalesce, scatter
from torch_geometric.utils.sparse import index2ptr

from pyg_hopfield.nn.hebbian_options import (  # noqa: F401 (public names)
    GAUSSIAN_MODES,
    NORMALIZE_MODES,
    TRANSITIONS,
    WHITEN_MODES,
    check_mode,
)
from pyg_hopfield.utils.sparse_graph import coalesced_csr, transition_csr
from pyg_hopfield.utils.transition import transition_probabilities, unit_weight


def csr(crow: Tensor, col: Tensor, value: Tensor, size) -> Tensor:
    r""":func:`torch.sparse_csr_tensor`, without its beta-support warnings
    (scoped here, not silenced process-wide)."""
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', '.*Sparse CSR tensor support.*')
        warnings.filterwarnings('ignore', '.*Sparse invariant checks.*')
        return torch.sparse_csr_tensor(crow, col, value, size)


def whiten(x: Tensor, eps: float = 1e-12) -> Tensor:
    r"""Centres the columns of :obj:`x` and decorrelates them to unit
    variance (ZCA whitening, :math:`O(md^2 + d^3)`), as Cleora does."""
    x = x - x.mean(dim=0, keepdim=True)
    cov = (x.t() @ x).double() / max(x.size(0), 1)
    eigval, eigvec = torch.linalg.eigh(cov)
    inv_sqrt = (eigvec / eigval.clamp(min=eps).sqrt()) @ eigvec.t()
    return x @ inv_sqrt.to(x.dtype)


def post_iteration(x: Tensor, normalize, whiten_mode) -> Tensor:
    r"""The per-iteration post-processing of the *whole* :math:`\mathbf{H}`
    (:obj:`'iteration'` modes): whitening, then L2 row normalisation."""
    if whiten_mode == 'iteration':
        x = whiten(x)
    if normalize == 'iteration' or whiten_mode == 'iteration':
        x = torch.nn.functional.normalize(x, dim=-1, eps=1e-12)
    return x


def finish(x: Tensor, normalize, whiten_mode) -> Tensor:
    r"""The output post-processing: whitening (:obj:`True`/:obj:`'output'`),
    then L2 row normalisation (any mode but :obj:`False`, and after any
    whitening)."""
    if whiten_mode is True or whiten_mode == 'output':
        x = whiten(x)
    if normalize is not False or whiten_mode is not False:
        x = torch.nn.functional.normalize(x, dim=-1, eps=1e-12)
    return x


class HebbianDraws(NamedTuple):
    r"""The random numbers one iteration consumes, drawn in a fixed order so
    that every process of a sharded run draws the same ones."""

    neg_dst: Tensor | None  # [m * K] random negative partner per draw
    noise: Tensor | None  # [m, d] standard normal (``'sample'`` only)


def transition_matrix(
    edge_index: Tensor,
    num_nodes: int,
    edge_weight: Tensor | None = None,
    transition: str = 'row',
    dtype: torch.dtype = torch.float,
    row_range: tuple[int, int] | None = None,
    out_degree: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    r"""Builds the transposed transition matrix :math:`\mathbf{P}^{\top}` as
    a sparse CSR tensor (row :math:`j` holds the in-edges :math:`i \to j` of
    node :math:`j` with value :math:`p_{ij}`), and the per-node noise scale
    :math:`s_j = \sqrt{\sum_i p_{ij}^2}`.

    :obj:`transition='row'` gives :math:`p_{ij} = w_{ij} / \sum_k w_{ik}`
    (the random-walk probability of stepping from :math:`i` to :math:`j`);
    :obj:`transition='sym'` gives :math:`p_{ij} = w_{ij} /
    \sqrt{d^{out}_i d^{in}_j}`.  Duplicate edges are summed.

    For a shard, :obj:`row_range=(start, end)` keeps the in-edges of the
    nodes :obj:`start, ..., end - 1` (an :obj:`[end - start, m]` matrix) and
    :obj:`out_degree` passes the global weighted out-degrees, which the
    shard's own edges alone do not give.
    """
    check_mode('transition', transition, TRANSITIONS)
    src, dst = edge_index[0].long(), edge_index[1].long()
    weight = unit_weight(edge_index, edge_weight, dtype)
    start, end = (0, num_nodes) if row_range is None else row_range
    num_rows = end - start
    if num_rows != num_nodes:
        keep = (dst >= start) & (dst < end)
        src, dst, weight = src[keep], dst[keep] - start, weight[keep]
    if src.device.type == 'cpu':
        # The same matrix by a counting sort of int32 pairs, the values in
        # row chunks: no int64 sort keys at 10^8 nonzeros (issue 13).
        crow, col, weight = coalesced_csr(
            dst, src, num_rows, num_nodes, weight
        )
        adj_t, noise_scale, _ = transition_csr(
            crow, col, num_nodes, weight, transition, out_degree, dtype
        )
        return adj_t, noise_scale
    # Sort by (dst, src) and merge duplicates: CSR rows are targets.
    (dst, src), weight = coalesce(
        torch.stack([dst, src]), weight, num_nodes=num_nodes, reduce='sum'
    )
    if out_degree is None:
        out_degree = scatter(weight, src, 0, num_nodes, reduce='sum')
    in_degree = scatter(weight, dst, 0, num_rows, reduce='sum')
    value = transition_probabilities(
        torch.stack([src, dst]),
        weight,
        num_nodes,
        transition,
        out_degree=out_degree.to(dtype),
        in_degree=in_degree,
    )
    value = torch.nan_to_num(value, nan=0.0, posinf=0.0)  # zero-weight rows
    noise_scale = scatter(value * value, dst, 0, num_rows, reduce='sum')
    adj_t = csr(index2ptr(dst, num_rows), src, value, (num_rows, num_nodes))
    return adj_t, noise_scale.sqrt()


def variance_at(variance: float, variance_decay: float, t: int) -> float:
    r"""The annealed variance :math:`\sigma_t^2 = \sigma_0^2 / \gamma^t`."""
    return variance / variance_decay**t


def draw_init(
    num_nodes: int,
    embedding_dim: int,
    variance: float,
    generator: torch.Generator | None,
    device: torch.device,
    dtype: torch.dtype = torch.float,
) -> Tensor:
    r"""Draws :math:`\mathbf{H}^{(0)} \sim \mathcal{N}(0, \sigma_0^2)`."""
    x = torch.randn(
        num_nodes,
        embedding_dim,
        generator=generator,
        device=device,
        dtype=dtype,
    )
    return x.mul_(math.sqrt(variance))


def draw_iteration(
    num_nodes: int,
    embedding_dim: int,
    num_negative_samples: int,
    negative_weight: float,
    gaussian: str,
    generator: torch.Generator | None,
    device: torch.device,
    dtype: torch.dtype = torch.float,
) -> HebbianDraws:
    r"""Draws the random negative partners (if :obj:`negative_weight > 0`)
    and then the mixture noise (if :obj:`gaussian='sample'`) of one
    iteration, always in this order."""
    neg_dst = noise = None
    if negative_weight > 0 and num_negative_samples > 0:
        neg_dst = torch.randint(
            0,
            num_nodes,
            (num_nodes * num_negative_samples,),
            generator=generator,
            device=device,
        )
    if gaussian == 'sample':
        noise = torch.randn(
            num_nodes,
            embedding_dim,
            generator=generator,
            device=device,
            dtype=dtype,
        )
    return HebbianDraws(neg_dst, noise)


def gaussian_kernel(
    x_dst: Tensor,
    x_src: Tensor,
    kappa: float,
) -> Tensor:
    r"""Row-wise :math:`g = \exp(-\kappa_t (1 - \cos(\mathbf{h}_i,
    \mathbf{h}_j)))` for aligned rows of :obj:`x_dst` and :obj:`x_src`."""
    cos = torch.nn.functional.cosine_similarity(
        x_dst, x_src, dim=-1, eps=1e-12
    )
    return torch.exp((cos - 1.0) * kappa)


def hebbian_update(
    x: Tensor,
    adj_t: Tensor,
    noise_scale: Tensor,
    draws: HebbianDraws,
    t: int,
    lr: float = 1.0,
    variance: float = 10.0,
    variance_decay: float = 1.1,
    negative_weight: float = 0.5,
    num_negative_samples: int = 1,
    gaussian: str = 'sample',
    start: int = 0,
    end: int | None = None,
    x_norm: Tensor | None = None,
) -> Tensor:
    r"""One synchronous iteration of the paper's update (see
    :class:`~pyg_hopfield.nn.HebbianPropagation`) for the rows
    :obj:`[start, end)`.

    The Gaussian mixture :math:`\mathbf{h}_j \sim \sum_i p_{ij}
    \mathcal{N}(\mathbf{h}_i, \sigma_t^2 \mathbf{I})` is read as
    :obj:`'sample'`: :math:`\mathbf{x}_{ij} \sim \mathcal{N}(\mathbf{h}_i,
    \sigma_t^2 \mathbf{I})`, drawn exactly as

    .. math::
        \sum_i p_{ij} \mathbf{x}_{ij} = (\mathbf{P}^{\top}\mathbf{H})_j +
        \sigma_t \Big(\sum_i p_{ij}^2\Big)^{1/2} \boldsymbol{\epsilon}_j,
        \qquad c = 1;

    :obj:`'kernel'`: :math:`\mathbf{x}_{ij} = g_{ij}\mathbf{h}_i` and
    :math:`c_{uv} = g_{uv}` with :math:`g_{ij} = \exp(-\gamma^t (1 -
    \cos(\mathbf{h}_i, \mathbf{h}_j)))`; :obj:`'none'`:
    :math:`\mathbf{x}_{ij} = \mathbf{h}_i`, :math:`c = 1`.

    Args:
        x (torch.Tensor): All current embeddings :math:`\mathbf{H}^{(t)}`,
            shape :obj:`[m, d]`.
        adj_t (torch.Tensor): Rows :obj:`[start, end)` of
            :math:`\mathbf{P}^{\top}` (sparse CSR, shape
            :obj:`[end - start, m]`).
        noise_scale (torch.Tensor): :math:`s_j` of those rows.
        draws (HebbianDraws): This iteration's random numbers (all rows).
        t (int): The iteration, from :obj:`0`.
        x_norm (torch.Tensor, optional): Row-normalised :obj:`x`, if the
            caller already has it (``'kernel'`` only).

    Returns:
        The updated rows :math:`\mathbf{H}^{(t+1)}_{[start, end)}`.
    """
    num_nodes = x.size(0)
    end = num_nodes if end is None else end
    full = start == 0 and end == num_nodes
    x_blk = x if full else x[start:end]
    var_t = variance_at(variance, variance_decay, t)
    kappa = variance / var_t  # = variance_decay ** t

    # Positive messages: h_j + lr * sum_i p_ij g_ij h_i (one fused SpMM).
    if gaussian == 'kernel':
        if x_norm is None:
            x_norm = torch.nn.functional.normalize(x, dim=-1, eps=1e-12)
        xn_blk = x_norm if full else x_norm[start:end]
        pattern = csr(
            adj_t.crow_indices(),
            adj_t.col_indices(),
            torch.ones_like(adj_t.values()),
            adj_t.size(),
        )
        cos = torch.sparse.sampled_addmm(
            pattern, xn_blk, x_norm.t(), beta=0.0
        ).values()
        value = adj_t.values() * torch.exp((cos - 1.0) * kappa)
        adj_t = csr(
            adj_t.crow_indices(), adj_t.col_indices(), value, adj_t.size()
        )
    out = torch.addmm(x_blk, adj_t, x, alpha=lr)

    # Mixture draw: sum_i p_ij N(h_i, var_t) = P^T H + var_t^.5 s_j eps_j.
    if gaussian == 'sample':
        noise = draws.noise if full else draws.noise[start:end]
        out.addcmul_(
            noise, noise_scale.unsqueeze(-1), value=lr * math.sqrt(var_t)
        )

    # Negative edges (u, v): h_u -= lr c h_v and h_v -= lr c h_u.
    if draws.neg_dst is not None:
        neg_dst = draws.neg_dst
        neg_src = torch.arange(num_nodes, device=x.device).repeat(
            neg_dst.numel() // num_nodes
        )
        coef = torch.full(
            (neg_src.numel(),),
            -lr * negative_weight,
            dtype=x.dtype,
            device=x.device,
        )
        if gaussian == 'kernel':
            coef = coef * gaussian_kernel(x[neg_src], x[neg_dst], kappa)
        # Both directions in one CSR, accumulated in place (no m x d temp).
        pairs_addmm_(
            out,
            torch.cat([neg_src, neg_dst]),
            torch.cat([neg_dst, neg_src]),
            torch.cat([coef, coef]),
            x,
            start,
            end,
        )

    return out


def pairs_addmm_(
    out: Tensor,
    target: Tensor,
    source: Tensor,
    coef: Tensor,
    x: Tensor,
    start: int,
    end: int,
) -> Tensor:
    r"""Adds rows :obj:`[start, end)` of :math:`\sum_k c_k \mathbf{e}_{t_k}
    \mathbf{x}_{s_k}^{\top}` for the pairs :math:`(t_k, s_k)` to
    :obj:`out` in place, as one CSR SpMM (faster than
    :meth:`~torch.Tensor.index_add_` on CPU, and without an
    :obj:`[m, d]` temporary)."""
    if start != 0 or end != x.size(0):
        mask = (target >= start) & (target < end)
        target, source, coef = target[mask] - start, source[mask], coef[mask]
    num_rows = end - start
    # Stable: each row keeps its pairs in order, in one process or sharded.
    target, perm = torch.sort(target, stable=True)
    mat = csr(
        index2ptr(target, num_rows),
        source[perm],
        coef[perm],
        (num_rows, x.size(0)),
    )
    return out.addmm_(mat, x)


def __getattr__(name: str):
    # Deprecated alias (lazy: the loop imports this module).
    if name == 'hebbian_propagation':
        warnings.warn(
            'pyg_hopfield.nn.hebbian_functional.hebbian_propagation is '
            'deprecated; use pyg_hopfield.nn.hebbian_loop.'
            "hebbian_propagation (the module's defaults) with the "
            "settings of HEBBIAN_PRESETS['paper'], which this alias fills",
            DeprecationWarning,
            stacklevel=2,
        )
        return _paper_hebbian_propagation
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def _paper_hebbian_propagation(
    edge_index, num_nodes, embedding_dim, edge_weight=None, **kwargs
):
    from pyg_hopfield.nn.hebbian_loop import HebbianGraph, hebbian_propagation
    from pyg_hopfield.nn.hebbian_presets import preset_settings

    kwargs.setdefault('adj_t', None)
    graph = kwargs.pop('adj_t')
    if graph is not None:  # the old (adj_t, noise_scale) pair
        graph = HebbianGraph(*graph, None, None, edge_index.size(1))
    return hebbian_propagation(
        edge_index,
        num_nodes,
        embedding_dim,
        edge_weight,
        graph=graph,
        **{**preset_settings('paper'), **kwargs},
    )
