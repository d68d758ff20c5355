r"""The Hebbian propagation sharded over :mod:`torch.distributed`."""

import torch
import torch.distributed as dist
import torch_geometric.utils as pyg_utils
from torch import Tensor

from pyg_hopfield.nn import hebbian_functional as HF
from pyg_hopfield.utils.checks import (
    check_edge_index,
    check_float,
    check_int,
    check_seed,
)


def node_ranges(num_nodes: int, world_size: int) -> list[tuple[int, int]]:
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
    edge_weight: Tensor | None = None,
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
    group: dist.ProcessGroup | None = None,
    return_local: bool = False,
) -> Tensor:
    r"""The Hebbian graph embedding from the `"Hebbian Graph Embeddings"
    <https://arxiv.org/abs/1908.08037>`_ paper, sharded by node ranges over
    the processes of :obj:`group` -- the paper's parallelism "without any
    form of shared memory".

    It computes exactly the paper's update of
    :class:`~pyg_hopfield.nn.HebbianPropagation`
    (:obj:`orthogonalize=False`, preset :obj:`'paper'`; see there for the
    equations). Rank :math:`r` owns the rows :math:`[s_r, e_r)` of
    :func:`node_ranges`: it keeps the in-edges of its nodes (the CSR rows of
    :math:`\mathbf{P}^{\top}` it needs), gets the global weighted
    out-degrees :math:`\sum_k w_{ik}` with one
    :func:`~torch.distributed.all_reduce`, updates only its rows each
    iteration, and the blocks are exchanged with one
    :func:`~torch.distributed.all_gather` per iteration, so that every rank
    reads :math:`\mathbf{H}^{(t)}` of its in-neighbours and negative
    partners. The random numbers (initial draw, negative partners, mixture
    noise) come from a generator seeded with :obj:`seed` on every rank, in
    the same order as in the single-process module, so the result equals
    :obj:`HebbianPropagation.from_preset('paper', ..., seed=seed)` up to
    floating-point rounding. Each rank draws all :math:`m \times d` numbers
    and keeps its rows: :math:`O(md)` work and memory per rank, next to the
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
        **others: As :class:`~pyg_hopfield.nn.HebbianPropagation`, with the
            defaults of its preset :obj:`'paper'`.

    Returns:
        The :obj:`[m, d]` embeddings on every rank (or the local rows).
    """
    if not dist.is_available() or not dist.is_initialized():
        raise ValueError(
            "'group': torch.distributed is not initialised; "
            'call torch.distributed.init_process_group first'
        )
    _check_arguments(
        group,
        edge_index,
        edge_weight,
        num_nodes=num_nodes,
        embedding_dim=embedding_dim,
        num_iterations=num_iterations,
        lr=lr,
        variance=variance,
        variance_decay=variance_decay,
        negative_weight=negative_weight,
        num_negative_samples=num_negative_samples,
        gaussian=gaussian,
        transition=transition,
        normalize=normalize,
        whiten=whiten,
        seed=seed,
    )
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
    weight = (
        torch.ones(local_index.size(1), device=device)
        if local_weight is None
        else local_weight.float()
    )
    out_degree = pyg_utils.scatter(
        weight, local_index[0], 0, dim_size=num_nodes, reduce='sum'
    )
    dist.all_reduce(out_degree, group=group)
    adj_t, noise_scale = HF.transition_matrix(
        local_index,
        num_nodes,
        local_weight,
        transition,
        row_range=(start, end),
        out_degree=out_degree,
    )

    generator = torch.Generator(device=device).manual_seed(seed)
    dtype = adj_t.values().dtype
    x = HF.draw_init(
        num_nodes, embedding_dim, variance, generator, device, dtype
    )
    for t in range(num_iterations):
        draws = HF.draw_iteration(
            num_nodes,
            embedding_dim,
            num_negative_samples,
            negative_weight,
            gaussian,
            generator,
            device,
            dtype,
        )
        local = HF.hebbian_update(
            x,
            adj_t,
            noise_scale,
            draws,
            t,
            lr,
            variance,
            variance_decay,
            negative_weight,
            num_negative_samples,
            gaussian,
            start,
            end,
        )
        x = _all_gather_rows(local, ranges, block, group)
        x = HF.post_iteration(x, normalize, whiten)  # same on every rank
    out = HF.finish(x, normalize, whiten)
    return out[start:end] if return_local else out


def _local_error(
    edge_index: Tensor, edge_weight: Tensor | None, settings: dict
) -> str | None:
    try:
        check_int(settings['num_nodes'], 'num_nodes')
        check_int(settings['embedding_dim'], 'embedding_dim')
        check_int(settings['num_iterations'], 'num_iterations', minimum=0)
        check_int(
            settings['num_negative_samples'], 'num_negative_samples', minimum=0
        )
        check_seed(settings['seed'])
        for name in ('lr', 'variance', 'variance_decay'):
            check_float(settings[name], name, minimum=0.0, strict=True)
        check_float(
            settings['negative_weight'], 'negative_weight', minimum=0.0
        )
        if settings['gaussian'] not in HF.GAUSSIAN_MODES:
            raise ValueError(
                f"'gaussian' must be one of "
                f'{HF.GAUSSIAN_MODES} (got '
                f'{settings["gaussian"]!r})'
            )
        if settings['transition'] not in HF.TRANSITIONS:
            raise ValueError(
                f"'transition' must be one of "
                f'{HF.TRANSITIONS} (got '
                f'{settings["transition"]!r})'
            )
        HF.check_mode('normalize', settings['normalize'], HF.NORMALIZE_MODES)
        HF.check_mode('whiten', settings['whiten'], HF.WHITEN_MODES)
        check_edge_index(edge_index, settings['num_nodes'], edge_weight)
    except ValueError as e:
        return str(e)
    return None


def _check_arguments(
    group: dist.ProcessGroup | None,
    edge_index: Tensor,
    edge_weight: Tensor | None,
    **settings,
) -> None:
    r"""Validates the arguments on every rank, then exchanges the verdicts
    and the settings (one :func:`~torch.distributed.all_gather_object`), so
    that a bad argument on one rank, or settings that differ between ranks,
    raise the same :class:`ValueError` on every rank instead of leaving the
    others waiting in a collective."""
    error = _local_error(edge_index, edge_weight, settings)
    shared = (
        None
        if error is not None
        else {key: repr(value) for key, value in settings.items()}
    )
    gathered = [None] * dist.get_world_size(group)
    dist.all_gather_object(gathered, (error, shared), group=group)
    for rank, (message, _) in enumerate(gathered):
        if message is not None:
            raise ValueError(f'{message} (on rank {rank})')
    for key in settings:
        values = [ranked[key] for _, ranked in gathered]
        if len(set(values)) > 1:
            raise ValueError(
                f"'{key}' must be the same on every rank, got "
                f'{", ".join(values)} on ranks 0-'
                f'{len(values) - 1}; pass one value to all '
                f'ranks'
            )


def _all_gather_rows(
    local: Tensor, ranges: list[tuple[int, int]], block: int, group
) -> Tensor:
    # all_gather needs equal shapes: pad every block to the largest one.
    padded = local.new_zeros(block, local.size(1))
    padded[: local.size(0)] = local
    parts = [torch.empty_like(padded) for _ in ranges]
    dist.all_gather(parts, padded, group=group)
    return torch.cat([p[: e - s] for p, (s, e) in zip(parts, ranges)], dim=0)
