r"""The Hebbian propagation sharded over :mod:`torch.distributed`."""

import torch
import torch.distributed as dist
from torch import Tensor

from pyg_hopfield.nn.hebbian_loop import hebbian_propagation as propagate
from pyg_hopfield.nn.hebbian_options import check_arguments
from pyg_hopfield.nn.hebbian_shard import Shard
from pyg_hopfield.utils.checks import check_edge_index, check_seed


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
    # The split of torch.tensor_split, without materialising m indices.
    base, extra = divmod(num_nodes, world_size)
    ranges, start = [], 0
    for rank in range(world_size):
        end = start + base + (1 if rank < extra else 0)
        ranges.append((start, end))
        start = end
    return ranges


class ProcessGroupShard(Shard):
    r"""The :class:`~pyg_hopfield.nn.hebbian_shard.Shard` of this rank of
    :obj:`group`: the rows :func:`node_ranges` gives it, exchanged with
    :func:`torch.distributed.all_gather` (blocks padded to the largest)."""

    def __init__(
        self,
        num_nodes: int,
        group: dist.ProcessGroup | None = None,
        ranges: list[tuple[int, int]] | None = None,
    ):
        self.group = group
        world_size = dist.get_world_size(group)
        if ranges is None:
            ranges = node_ranges(num_nodes, world_size)
        ranges = [(int(s), int(e)) for s, e in ranges]
        if (
            len(ranges) != world_size
            or ranges[0][0] != 0
            or ranges[-1][1] != num_nodes
            or any(s > e for s, e in ranges)
            or any(a[1] != b[0] for a, b in zip(ranges, ranges[1:]))
        ):
            raise ValueError(
                f"'ranges' must be {world_size} contiguous [start, end) "
                f'ranges tiling [0, {num_nodes}) in rank order (got '
                f'{ranges})'
            )
        self.ranges = ranges
        start, end = self.ranges[dist.get_rank(group)]
        super().__init__(num_nodes, start, end)

    def rows(self, local: Tensor) -> Tensor:
        block = max(end - start for start, end in self.ranges)
        padded = local.new_zeros((block, *local.shape[1:]))
        padded[: local.size(0)] = local
        parts = self.gather(padded)
        return torch.cat(
            [p[: end - start] for p, (start, end) in zip(parts, self.ranges)]
        )

    def gather(self, tensor: Tensor) -> list[Tensor]:
        parts = [torch.empty_like(tensor) for _ in self.ranges]
        dist.all_gather(parts, tensor.contiguous(), group=self.group)
        return parts


def hebbian_propagation(
    edge_index: Tensor,
    num_nodes: int,
    embedding_dim: int,
    edge_weight: Tensor | None = None,
    seed: int = 0,
    group: dist.ProcessGroup | None = None,
    return_local: bool = False,
    ranges: list[tuple[int, int]] | None = None,
    **options,
) -> Tensor:
    r"""The Hebbian graph embedding of
    :class:`~pyg_hopfield.nn.HebbianPropagation`, sharded by node ranges over
    the processes of :obj:`group` -- the paper's parallelism "without any
    form of shared memory".

    It runs the loop of :mod:`pyg_hopfield.nn.hebbian_loop` with the
    module's defaults and :obj:`options` (both modes: the orthogonal default
    and :obj:`orthogonalize=False`, the paper's update) and returns the
    single-process result :obj:`HebbianPropagation(num_nodes, embedding_dim,
    seed=seed, **options)(edge_index, edge_weight)` bit for bit.  Rank
    :math:`r` owns the rows :math:`[s_r, e_r)` of :func:`node_ranges` and
    reads only their in-edges: it multiplies its CSR rows of
    :math:`\mathbf{P}^{\top}`, and one
    :func:`~torch.distributed.all_gather` per step gives every rank the whole
    :math:`\mathbf{H}`, on which it runs the dense steps (QR,
    Rayleigh--Ritz, whitening) itself; the global out-degrees and component
    labels come from exchanged :math:`O(m)` vectors.  The random numbers come
    from a generator seeded with :obj:`seed` on every rank, in the order of
    the single process.  Per rank: :math:`O(|\mathcal{E}_r| d)` for its
    SpMM and :math:`O(md)` (paper) or :math:`O(md^2)` (orthogonal, per
    round) for the full-matrix steps, :math:`O(md)` memory.

    Call it on every rank after
    :func:`torch.distributed.init_process_group` (any backend; ``gloo`` on
    CPU, ``nccl`` with the tensors on each rank's GPU).  The arguments are
    checked on every rank and compared between ranks: a bad or differing
    one raises the same :class:`ValueError` everywhere.

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
        ranges (list, optional): The :obj:`[start, end)` node range of
            every rank, e.g. the edge-balanced ranges of a partition
            (``meta.json``). (default: :func:`node_ranges`)
        **options: As :class:`~pyg_hopfield.nn.HebbianPropagation`, with
            its defaults.

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
        dict(
            options,
            num_nodes=num_nodes,
            embedding_dim=embedding_dim,
            seed=seed,
        ),
    )
    shard = ProcessGroupShard(num_nodes, group, ranges)
    out = propagate(
        edge_index,
        num_nodes,
        embedding_dim,
        edge_weight,
        generator=torch.Generator(edge_index.device).manual_seed(seed),
        shard=shard,
        **options,
    )
    return out[shard.start : shard.end] if return_local else out


def _resolve(
    edge_index: Tensor, edge_weight: Tensor | None, settings: dict
) -> tuple[str | None, dict | None]:
    # (the error message, or the settings with every default filled in)
    try:
        settings = dict(settings)
        seed = check_seed(settings.pop('seed'))
        options = check_arguments(**settings)
        check_edge_index(edge_index, settings['num_nodes'], edge_weight)
    except ValueError as e:
        return str(e), None
    return None, dict(
        num_nodes=settings['num_nodes'],
        embedding_dim=settings['embedding_dim'],
        seed=seed,
        **vars(options),
    )


def _check_arguments(
    group: dist.ProcessGroup | None,
    edge_index: Tensor,
    edge_weight: Tensor | None,
    settings: dict,
) -> None:
    r"""Validates the arguments on every rank, then exchanges the verdicts
    and the settings (one :func:`~torch.distributed.all_gather_object`), so
    that a bad argument on one rank, or settings that differ between ranks,
    raise the same :class:`ValueError` on every rank instead of leaving the
    others waiting in a collective."""
    error, resolved = _resolve(edge_index, edge_weight, settings)
    shared = None if error else {k: repr(v) for k, v in resolved.items()}
    gathered = [None] * dist.get_world_size(group)
    dist.all_gather_object(gathered, (error, shared), group=group)
    for rank, (message, _) in enumerate(gathered):
        if message is not None:
            raise ValueError(f'{message} (on rank {rank})')
    for key in shared:
        values = [ranked[key] for _, ranked in gathered]
        if len(set(values)) > 1:
            raise ValueError(
                f"'{key}' must be the same on every rank, got "
                f'{", ".join(values)} on ranks 0-'
                f'{len(values) - 1}; pass one value to all '
                f'ranks'
            )
