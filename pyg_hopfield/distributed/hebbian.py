r"""The Hebbian propagation sharded over :mod:`torch.distributed`."""
from typing import List, Optional, Tuple

import torch
import torch.distributed as dist
import torch_geometric.utils as pyg_utils
from torch import Tensor

from pyg_hopfield.nn import hebbian_functional as HF
from pyg_hopfield.utils.checks import check_edge_index


def node_ranges(num_nodes: int, world_size: int) -> List[Tuple[int, int]]:
    r"""Splits the nodes :obj:`0, ..., num_nodes - 1` into
    :obj:`world_size` contiguous ranges :obj:`[start, end)` whose sizes
    differ by at most one (the first ones are larger).

    Examples:
        >>> node_ranges(7, 3)
        [(0, 3), (3, 5), (5, 7)]
    """
    if world_size < 1:
        raise ValueError(f"'world_size' must be >= 1 (got {world_size})")
    base, extra = divmod(num_nodes, world_size)
    ranges, start = [], 0
    for rank in range(world_size):
        end = start + base + (1 if rank < extra else 0)
        ranges.append((start, end))
        start = end
    return ranges


@torch.no_grad()
def hebbian_propagation(
    edge_index: Tensor,
    num_nodes: int,
    embedding_dim: int,
    edge_weight: Optional[Tensor] = None,
    num_iterations: int = 10,
    lr: float = 1.0,
    variance: float = 10.0,
    variance_decay: float = 1.1,
    negative_weight: float = 0.5,
    num_negative_samples: int = 1,
    gaussian: str = 'sample',
    transition: str = 'row',
    normalize=False,
    whiten=False,
    seed: int = 0,
    group: Optional[dist.ProcessGroup] = None,
    return_local: bool = False,
) -> Tensor:
    r"""The Hebbian graph embedding from the `"Hebbian Graph Embeddings"
    <https://arxiv.org/abs/1908.08037>`_ paper, sharded by node ranges over
    the processes of :obj:`group` -- the paper's parallelism "without any
    form of shared memory".

    It computes exactly the iteration of
    :class:`~pyg_hopfield.nn.HebbianPropagation` (see there for the
    equations).  Rank :math:`r` owns the rows
    :math:`[s_r, e_r)` of :func:`node_ranges`: it keeps the in-edges of its
    nodes (the CSR rows of :math:`\mathbf{P}^{\top}` it needs), gets the
    global weighted out-degrees :math:`\sum_k w_{ik}` with one
    :func:`~torch.distributed.all_reduce`, updates only its rows each
    iteration, and the blocks are exchanged with one
    :func:`~torch.distributed.all_gather` per iteration, so that every rank
    reads :math:`\mathbf{H}^{(t)}` of its in-neighbours and negative
    partners.  The random numbers (initial draw, negative partners, mixture
    noise) come from a generator seeded with :obj:`seed` on every rank, in
    the same order as in the single-process module, so the result equals
    :obj:`HebbianPropagation(..., seed=seed)` up to floating-point
    rounding.  Each rank draws all :math:`m \times d` numbers and keeps its
    rows: :math:`O(md)` work and memory per rank, next to the
    :math:`O(|\mathcal{E}_r| d)` of its SpMM.

    Call it on every rank after
    :func:`torch.distributed.init_process_group` (any backend; ``gloo`` on
    CPU, ``nccl`` with the tensors on each rank's GPU).

    Args:
        edge_index (torch.Tensor): The whole graph, or at least every edge
            whose target lies in this rank's node range (other edges are
            ignored).
        num_nodes (int): The number of nodes :math:`m` of the whole graph.
        embedding_dim (int): The size :math:`d` of each embedding.
        edge_weight (torch.Tensor, optional): Weights of :obj:`edge_index`.
        seed (int, optional): The seed shared by all ranks.
            (default: :obj:`0`)
        group (ProcessGroup, optional): The process group.
            (default: the world)
        return_local (bool, optional): If :obj:`True`, returns only this
            rank's rows. (default: :obj:`False`)
        **others: As :class:`~pyg_hopfield.nn.HebbianPropagation`.

    Returns:
        The :obj:`[m, d]` embeddings on every rank (or the local rows).
    """
    if not dist.is_available() or not dist.is_initialized():
        raise ValueError("'group': torch.distributed is not initialised; "
                         "call torch.distributed.init_process_group first")
    if gaussian not in HF.GAUSSIAN_MODES:
        raise ValueError(f"'gaussian' must be one of {HF.GAUSSIAN_MODES} "
                         f"(got {gaussian!r})")
    HF.check_mode('normalize', normalize, HF.NORMALIZE_MODES)
    HF.check_mode('whiten', whiten, HF.WHITEN_MODES)
    check_edge_index(edge_index, num_nodes, edge_weight)
    rank = dist.get_rank(group)
    world_size = dist.get_world_size(group)
    ranges = node_ranges(num_nodes, world_size)
    start, end = ranges[rank]
    block = max(e - s for s, e in ranges)
    device = edge_index.device

    # Local in-edges and global out-degrees (one all_reduce).
    dst = edge_index[1]
    keep = (dst >= start) & (dst < end)
    local_index = edge_index[:, keep]
    local_weight = None if edge_weight is None else edge_weight[keep]
    weight = torch.ones(local_index.size(1), device=device) \
        if local_weight is None else local_weight.float()
    out_degree = pyg_utils.scatter(weight, local_index[0], 0,
                                   dim_size=num_nodes, reduce='sum')
    dist.all_reduce(out_degree, group=group)
    adj_t, noise_scale = HF.transition_matrix(local_index, num_nodes,
                                              local_weight, transition,
                                              row_range=(start, end),
                                              out_degree=out_degree)

    generator = torch.Generator(device=device).manual_seed(seed)
    dtype = adj_t.values().dtype
    x = HF.draw_init(num_nodes, embedding_dim, variance, generator, device,
                     dtype)
    for t in range(num_iterations):
        draws = HF.draw_iteration(num_nodes, embedding_dim,
                                  num_negative_samples, negative_weight,
                                  gaussian, generator, device, dtype)
        local = HF.hebbian_update(x, adj_t, noise_scale, draws, t, lr,
                                  variance, variance_decay, negative_weight,
                                  num_negative_samples, gaussian, start, end)
        x = _all_gather_rows(local, ranges, block, group)
        x = HF.post_iteration(x, normalize, whiten)  # same on every rank
    out = HF.finish(x, normalize, whiten)
    return out[start:end] if return_local else out


def _all_gather_rows(local: Tensor, ranges: List[Tuple[int, int]],
                     block: int, group) -> Tensor:
    # all_gather needs equal shapes: pad every block to the largest one.
    padded = local.new_zeros(block, local.size(1))
    padded[:local.size(0)] = local
    parts = [torch.empty_like(padded) for _ in ranges]
    dist.all_gather(parts, padded, group=group)
    return torch.cat([p[:e - s] for p, (s, e) in zip(parts, ranges)], dim=0)
