r"""Pure tensor maths of binary Hopfield networks.

Every function works on a batch of bipolar states ``[batch_size, N]`` and a
symmetric coupling matrix ``weight`` ``[N, N]`` with a zero diagonal, in the
units in which the local field is compared with the threshold:

.. math::
    h_i = \sum_{j} W_{ij} s_j, \qquad
    s_i \leftarrow \operatorname{sign}(h_i - \theta_i), \qquad
    E(\mathbf{s}) = -\frac{1}{2} \mathbf{s}^{\top} \mathbf{W} \mathbf{s}
    + \boldsymbol{\theta}^{\top} \mathbf{s}.

Ties (:math:`h_i = \theta_i`) keep the current state, so that an
asynchronous update never raises the energy and a fixed point is
well defined.  :class:`~pyg_hopfield.memory.HopfieldNetwork` passes the
integer-valued Hebbian counts :math:`\sum_\mu \xi^\mu_i \xi^\mu_j` as
``weight`` (and the thresholds divided by the normalisation), so that the
fields, updated incrementally, stay exact and ties are detected exactly.
"""

import numpy as np
import torch
from torch import Tensor

__all__ = [
    'async_sweep',
    'energy',
    'hebbian_couplings',
    'local_fields',
    'overlap',
    'sync_step',
]


def hebbian_couplings(
    patterns: Tensor,
    dtype: torch.dtype | None = None,
) -> Tensor:
    r"""The Hebbian coupling counts from the `"Neural networks and physical
    systems with emergent collective computational abilities"
    <https://www.pnas.org/doi/10.1073/pnas.79.8.2554>`_ paper, before any
    normalisation.

    .. math::
        C_{ij} = \sum_{\mu=1}^{P} \xi^{\mu}_i \xi^{\mu}_j
        \quad (i \neq j), \qquad C_{ii} = 0,

    where :math:`\xi^{\mu} \in \{-1, +1\}^N` is the :math:`\mu`-th row of
    :obj:`patterns`.  The entries are integers, exact in floating point.

    Args:
        patterns (torch.Tensor): Bipolar patterns ``[P, N]``.
        dtype (torch.dtype, optional): The floating dtype of the result.
            (default: :obj:`torch.float32`)

    Examples:
        >>> xi = torch.tensor([[1., -1., 1.]])
        >>> hebbian_couplings(xi)
        tensor([[ 0., -1.,  1.],
                [-1.,  0., -1.],
                [ 1., -1.,  0.]])
    """
    dtype = dtype or torch.float32
    xi = patterns.to(dtype)
    out = xi.t() @ xi
    out.diagonal().zero_()
    return out


def local_fields(states: Tensor, weight: Tensor) -> Tensor:
    r"""The local fields :math:`h = \mathbf{s} \mathbf{W}` of a batch of
    states ``[B, N]`` (:math:`\mathbf{W}` is symmetric)."""
    return states @ weight


def energy(
    states: Tensor,
    weight: Tensor,
    threshold: Tensor | None = None,
) -> Tensor:
    r"""The energy from the `"Neural networks and physical systems with
    emergent collective computational abilities"
    <https://www.pnas.org/doi/10.1073/pnas.79.8.2554>`_ paper.

    .. math::
        E(\mathbf{s}) = -\frac{1}{2} \sum_{i \neq j} W_{ij} s_i s_j
        + \sum_i \theta_i s_i,

    computed in double precision for every row of :obj:`states` ``[B, N]``.

    Args:
        states (torch.Tensor): Bipolar states ``[B, N]``.
        weight (torch.Tensor): Symmetric couplings ``[N, N]`` with a zero
            diagonal.
        threshold (torch.Tensor, optional): Thresholds ``[N]``.
            (default: :obj:`None`, all zero)

    Returns:
        torch.Tensor: The energies ``[B]`` (:obj:`torch.float64`).
    """
    s = states.to(weight.dtype)
    quad = (local_fields(s, weight).double() * s.double()).sum(-1)
    out = -0.5 * quad
    if threshold is not None:
        out = out + (s.double() * threshold.double()).sum(-1)
    return out


def overlap(states: Tensor, reference: Tensor) -> Tensor:
    r"""The overlap (magnetisation) :math:`m = \frac{1}{N} \sum_i s_i
    \xi_i` between matching rows of two bipolar batches ``[B, N]``."""
    return (states.to(torch.float32) * reference.to(torch.float32)).mean(-1)


def _tie_sign(u: Tensor, s: Tensor) -> Tensor:
    # sign(u) where u != 0, the current state where u == 0.
    return torch.where(u > 0, 1.0, torch.where(u < 0, -1.0, s)).to(s.dtype)


def sync_step(
    states: Tensor,
    weight: Tensor,
    threshold: Tensor | None = None,
) -> Tensor:
    r"""One synchronous (Little) update of every neuron at once.

    .. math::
        s_i^{(t+1)} = \operatorname{sign}\Big(\sum_j W_{ij} s_j^{(t)}
        - \theta_i\Big),

    where a zero argument keeps :math:`s_i^{(t)}`.

    Args:
        states (torch.Tensor): Bipolar states ``[B, N]``.
        weight (torch.Tensor): Symmetric couplings ``[N, N]``.
        threshold (torch.Tensor, optional): Thresholds ``[N]``.
            (default: :obj:`None`)

    Returns:
        torch.Tensor: The new states ``[B, N]``.
    """
    u = local_fields(states, weight)
    if threshold is not None:
        u = u - threshold
    return _tie_sign(u, states)


def async_sweep(
    states: Tensor,
    fields: Tensor,
    weight: Tensor,
    threshold: Tensor,
    order: Tensor,
    block_size: int = 64,
    beta: float | None = None,
    uniforms: Tensor | None = None,
) -> Tensor:
    r"""One asynchronous (sequential) sweep over the neurons in ``order``,
    applied in place to :obj:`states` and :obj:`fields`.

    The neurons are visited one at a time in :obj:`order` (the same order
    for every row of the batch).  Without :obj:`beta` the update is the
    zero-temperature rule :math:`s_i \leftarrow \operatorname{sign}(h_i -
    \theta_i)` (ties keep :math:`s_i`); with :obj:`beta` it is Glauber
    dynamics,

    .. math::
        P(s_i = +1) = \frac{1}{1 + \exp(-2 \beta (h_i - \theta_i))},

    realised as :math:`s_i = +1` iff :math:`r_i < P(s_i = +1)` with the
    pre-drawn uniform :math:`r_i` of :obj:`uniforms`.

    The result equals the literal one-neuron-at-a-time loop bit for bit, but
    no Python work is done per neuron that does not flip: the order is cut
    into blocks of :obj:`block_size` neurons; inside a block every row
    proposes all updates at once from its current fields, the first proposal
    that changes a state is exact (nothing before it changed), it is applied
    with a rank-1 update of the block's fields, and the proposals after it
    are re-evaluated.  A block thus costs one Python iteration per flip of
    its busiest row, plus one GEMM ``[B, K] x [K, N]`` that brings the fields
    of all neurons up to date.  Near a fixed point almost no neuron flips and
    a sweep costs :math:`N / K` small iterations.  When the busiest row
    proposes more than :math:`K / 8` flips, the block is instead stepped
    neuron by neuron with rank-1 updates of the ``[B, K]`` block fields only
    (through NumPy views on CPU, where per-call overhead dominates), never
    of the full ``[B, N]`` fields.  The fields stay exact when
    :obj:`weight` holds integers (as the Hebbian counts do).

    Args:
        states (torch.Tensor): Bipolar states ``[B, N]`` (updated in place).
        fields (torch.Tensor): Their local fields ``states @ weight``
            ``[B, N]`` (updated in place).
        weight (torch.Tensor): Symmetric couplings ``[N, N]``, zero diagonal.
        threshold (torch.Tensor): Thresholds ``[N]``.
        order (torch.Tensor): A permutation of ``range(N)``.
        block_size (int, optional): Neurons per block. (default: :obj:`64`)
        beta (float, optional): Inverse temperature of Glauber dynamics;
            :obj:`None` for the deterministic rule. (default: :obj:`None`)
        uniforms (torch.Tensor, optional): Uniform numbers ``[B, N]`` in
            :obj:`order`'s positions, required with :obj:`beta`.
            (default: :obj:`None`)

    Returns:
        torch.Tensor: The number of neurons that changed state in each row
        ``[B]``.
    """
    B, N = states.shape
    device = states.device
    flips = torch.zeros(B, dtype=torch.long, device=device)
    if B == 0:
        return flips
    if beta is not None and uniforms is None:
        raise ValueError(
            "'uniforms' is required when 'beta' is given; pass "
            'torch.rand(batch_size, N)'
        )
    contiguous = bool((order == torch.arange(N, device=order.device)).all())
    for start in range(0, N, block_size):
        end = min(start + block_size, N)
        K = end - start
        if contiguous:
            idx = slice(start, end)
            w_rows = weight[start:end]
            w_block = w_rows[:, start:end]
        else:
            idx = order[start:end]
            w_rows = weight.index_select(0, idx)
            w_block = w_rows.index_select(1, idx)
        s_old = states[:, idx]
        s_blk = s_old.clone()
        u_blk = fields[:, idx] - threshold[idx]
        rand = None if uniforms is None else uniforms[:, start:end]
        pos = torch.arange(K, device=device)
        first_open = torch.zeros(B, dtype=torch.long, device=device)
        rows_all = torch.arange(B, device=device)
        changed_any = False
        dense = _dense_block(u_blk, s_blk, rand, beta, K)
        if dense and beta is None and device.type == 'cpu':
            _dense_block_numpy(u_blk, s_blk, w_block)
            changed_any = True
        elif dense:
            # Many flips: step neuron by neuron inside the block, O(B K) each.
            for k in range(K):
                u, old = u_blk[:, k], s_blk[:, k]
                if beta is None:
                    new = _tie_sign(u, old)
                else:
                    prob = torch.sigmoid((2.0 * beta) * u)
                    new = torch.where(rand[:, k] < prob, 1.0, -1.0).to(old)
                u_blk.addr_(new - old, w_block[k])
                s_blk[:, k] = new
            changed_any = True
        while not dense:
            if beta is None:
                flip = (u_blk * s_blk) < 0
            else:
                prob = torch.sigmoid((2.0 * beta) * u_blk)
                flip = torch.where(rand < prob, 1.0, -1.0).to(s_blk.dtype)
                flip = flip != s_blk
            flip &= pos >= first_open.unsqueeze(1)
            first = flip.to(torch.uint8).argmax(dim=1)
            has = flip[rows_all, first]
            rows = has.nonzero().view(-1)
            if rows.numel() == 0:
                break
            changed_any = True
            f = first[rows]
            old = s_blk[rows, f]
            s_blk[rows, f] = -old
            u_blk[rows] -= (2.0 * old).unsqueeze(1) * w_block[f]
            first_open[rows] = f + 1
        if changed_any:
            delta = s_blk - s_old
            fields += delta @ w_rows
            states[:, idx] = s_blk
            flips += (delta != 0).sum(dim=1)
    return flips


def _dense_block(
    u: Tensor, s: Tensor, rand: Tensor | None, beta: float | None, K: int
) -> bool:
    # Whether the busiest row proposes more than K / 8 flips at once, in
    # which case the speculative loop would take as many Python iterations
    # as a plain neuron-by-neuron loop over the block, each one dearer.
    if K < 16:
        return False
    if beta is None:
        proposed = (u * s) < 0
    else:
        prob = torch.sigmoid((2.0 * beta) * u)
        proposed = torch.where(rand < prob, 1.0, -1.0).to(s) != s
    return int(proposed.sum(dim=1).max()) > K // 8


def _dense_block_numpy(u: Tensor, s: Tensor, w: Tensor) -> None:
    # The deterministic neuron-by-neuron block loop on CPU through NumPy
    # views of the same memory: the arithmetic is on integers, so the result
    # is bit for bit the torch loop's, at a third of the per-call overhead.
    un, sn, wn = u.numpy(), s.numpy(), w.numpy()
    for k in range(un.shape[1]):
        old = sn[:, k]
        flip = (un[:, k] * old) < 0
        if flip.any():
            delta = np.where(flip, -2 * old, 0).astype(un.dtype, copy=False)
            un += np.outer(delta, wn[k])
            old += delta
