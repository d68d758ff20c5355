r"""Transition probabilities of a weighted, possibly directed graph: the
one implementation behind
:class:`~pyg_hopfield.transforms.TransitionProbabilities` and
:class:`~pyg_hopfield.nn.HebbianPropagation`."""

import torch
from torch import Tensor
from torch_geometric.utils import scatter

TRANSITIONS = ('row', 'sym')


def transition_probabilities(
    edge_index: Tensor,
    edge_weight: Tensor,
    num_nodes: int,
    transition: str = 'row',
    out_degree: Tensor | None = None,
    in_degree: Tensor | None = None,
) -> Tensor:
    r"""The probability :math:`p_{ij}` of every edge :math:`i \to j`:

    .. math::
        p_{ij} = \frac{w_{ij}}{d^{out}_i} \quad (\texttt{'row'}), \qquad
        p_{ij} = \frac{w_{ij}}{\sqrt{d^{out}_i d^{in}_j}} \quad
        (\texttt{'sym'}),

    with the weighted degrees :math:`d^{out}_i = \sum_k w_{ik}` and
    :math:`d^{in}_j = \sum_k w_{kj}`, computed from :obj:`edge_index` unless
    given (a shard passes the global :obj:`out_degree`, which its own edges
    do not give).  An edge whose degree is zero gets :obj:`nan` or
    :obj:`inf`; the callers decide whether that is an error.

    Args:
        edge_index (torch.Tensor): The edges :obj:`[2, E]`.
        edge_weight (torch.Tensor): Their weights :math:`w_{ij}`.
        num_nodes (int): The size of the degree vectors.
        transition (str, optional): :obj:`'row'` or :obj:`'sym'`.
            (default: :obj:`'row'`)
        out_degree (torch.Tensor, optional): :math:`d^{out}`, indexed by
            :obj:`edge_index[0]`.
        in_degree (torch.Tensor, optional): :math:`d^{in}`, indexed by
            :obj:`edge_index[1]`.
    """
    if transition not in TRANSITIONS:
        raise ValueError(
            f"'transition' must be one of {TRANSITIONS} (got {transition!r})"
        )
    src, dst = edge_index[0], edge_index[1]
    if out_degree is None:
        out_degree = scatter(edge_weight, src, 0, num_nodes, reduce='sum')
    if transition == 'row':
        return edge_weight / out_degree[src]
    if in_degree is None:
        in_degree = scatter(edge_weight, dst, 0, num_nodes, reduce='sum')
    return edge_weight / (out_degree[src] * in_degree[dst]).sqrt()


def unit_weight(
    edge_index: Tensor,
    edge_weight: Tensor | None,
    dtype: torch.dtype | None = None,
) -> Tensor:
    r""":obj:`edge_weight` (as :obj:`dtype` if given), or ones (float32
    unless :obj:`dtype` says otherwise)."""
    if edge_weight is None:
        return torch.ones(
            edge_index.size(1),
            dtype=dtype or torch.float,
            device=edge_index.device,
        )
    return edge_weight if dtype is None else edge_weight.to(dtype)
