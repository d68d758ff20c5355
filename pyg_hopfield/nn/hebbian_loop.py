r"""The one Hebbian loop: both modes of
:class:`~pyg_hopfield.nn.HebbianPropagation` (the orthogonal default and
the paper's update), over the rows one process owns.

The module, the functional form :func:`hebbian_propagation` and the sharded
:func:`pyg_hopfield.distributed.hebbian_propagation` all run
:func:`hebbian_propagation`; they differ only in the :class:`Shard` they
pass (its row range and its exchange hooks).  A process reads only the
in-edges of its rows: the CSR rows of :math:`\mathbf{P}^{\top}`, the row
sums (degrees) and its part of the component labels come from them, the
rest from :math:`O(m)` vectors exchanged through the hooks.
"""

from collections.abc import Callable
from typing import NamedTuple

import torch
from torch import Tensor
from torch_geometric.utils import scatter

from pyg_hopfield.nn import hebbian_functional as HF
from pyg_hopfield.nn import hebbian_orthogonal as HO
from pyg_hopfield.nn.hebbian_options import check_arguments
from pyg_hopfield.nn.hebbian_shard import Shard
from pyg_hopfield.utils.sparse_graph import csr_connected_components
from pyg_hopfield.utils.transition import unit_weight


class HebbianGraph(NamedTuple):
    r"""What the loop needs of a graph, for the rows of one :class:`Shard`
    (the cache of :class:`~pyg_hopfield.nn.HebbianPropagation`)."""

    adj_t: Tensor  # rows [start, end) of P^T, CSR [end - start, m]
    noise_scale: Tensor  # s_j of those rows
    degree: Tensor | None  # [m] weighted in-degree (orthogonal mode)
    labels: Tensor | None  # [m] component labels (orthogonal mode)
    num_edges: int  # |E| of the whole graph


def hebbian_graph(
    edge_index: Tensor,
    num_nodes: int,
    edge_weight: Tensor | None = None,
    transition: str = 'sym',
    components: bool = True,
    shard: Shard | None = None,
) -> HebbianGraph:
    r"""Builds the :class:`HebbianGraph` of the rows of :obj:`shard` from
    their in-edges (edges with :obj:`edge_index[1]` outside the rows are
    ignored, so a process may pass only its own).

    The weighted out-degrees :math:`\sum_k w_{ik}` (which the in-edges of a
    shard do not give) are summed in float64 from every process's partial
    sums; the in-degrees and the CSR rows are row-local; the component
    labels (with :obj:`components=True`) come from
    :func:`~pyg_hopfield.nn.hebbian_orthogonal.connected_components`.
    Every process gets the same :obj:`degree` and :obj:`labels`.
    """
    shard = Shard(num_nodes) if shard is None else shard
    src, dst = edge_index[0].long(), edge_index[1].long()
    weight = unit_weight(edge_index, edge_weight, torch.float)
    if not shard.is_whole:
        keep = (dst >= shard.start) & (dst < shard.end)
        src, dst, weight = src[keep], dst[keep], weight[keep]
    # One process on a long edge_index: itself, not a stacked copy.
    whole = shard.is_whole and edge_index.dtype == torch.long
    local = edge_index if whole else torch.stack([src, dst])
    partial = scatter(weight.double(), src, 0, num_nodes, reduce='sum')
    out_degree = torch.stack(shard.gather(partial)).sum(0)
    adj_t, noise_scale = HF.transition_matrix(
        local,
        num_nodes,
        weight,
        transition,
        row_range=(shard.start, shard.end),
        out_degree=out_degree.to(weight.dtype),
    )
    count = torch.tensor([src.numel()], device=src.device)
    num_edges = int(torch.stack(shard.gather(count)).sum())
    degree = labels = None
    if components:
        row_degree = scatter(
            weight, dst - shard.start, 0, shard.num_rows, reduce='sum'
        )
        degree = shard.rows(row_degree)
        if shard.is_whole and adj_t.device.type == 'cpu':
            # The same labels from the CSR in one linear pass (scipy),
            # not rounds of label propagation over the edge list.
            labels = csr_connected_components(
                adj_t.crow_indices(),
                adj_t.col_indices(),
                num_nodes,
                smallest_node=True,
            )
        else:
            labels = HO.connected_components(local, num_nodes, shard)
    return HebbianGraph(adj_t, noise_scale, degree, labels, num_edges)


@torch.no_grad()
def hebbian_propagation(
    edge_index: Tensor,
    num_nodes: int,
    embedding_dim: int,
    edge_weight: Tensor | None = None,
    *,
    generator: torch.Generator | None = None,
    graph: HebbianGraph | None = None,
    shard: Shard | None = None,
    return_all: bool = False,
    callback: Callable[[int], None] | None = None,
    **options,
) -> Tensor | list[Tensor]:
    r"""Functional form of :class:`~pyg_hopfield.nn.HebbianPropagation`
    (see there for the equations and the :obj:`options`, with the same
    defaults), over the rows of :obj:`shard`.

    Args:
        edge_index (torch.Tensor): The edges, or at least the in-edges of
            the rows of :obj:`shard` (others are ignored).
        num_nodes (int): The number :math:`m` of nodes of the whole graph.
        embedding_dim (int): The size :math:`d` of each embedding.
        edge_weight (torch.Tensor, optional): Weights of :obj:`edge_index`.
        generator (torch.Generator, optional): Draws every random number;
            a sharded run passes the same seed to every process, which draw
            the same numbers.
        graph (HebbianGraph, optional): A cached :func:`hebbian_graph` of
            :obj:`edge_index` (then :obj:`edge_index` is not read).
        shard (Shard, optional): The rows this process owns and its exchange
            hooks. (default: one process)
        return_all (bool, optional): The paper's update only: returns the
            embeddings after every iteration (for plots).
        callback (callable, optional): Called as :obj:`callback(t)` after
            propagation step :obj:`t`.

    Returns:
        The :obj:`[m, d]` embeddings of all nodes, on every process.
    """
    opts = check_arguments(num_nodes, embedding_dim, **options)
    if return_all and opts.orthogonalize:
        raise ValueError(
            "'return_all=True' needs orthogonalize=False: the orthogonal "
            'propagation has no embedding between its rounds'
        )
    shard = Shard(num_nodes) if shard is None else shard
    if graph is None:
        graph = hebbian_graph(
            edge_index,
            num_nodes,
            edge_weight,
            opts.transition,
            components=opts.orthogonalize,
            shard=shard,
        )
    num_iterations = opts.iterations_for(graph.num_edges, num_nodes)
    if opts.orthogonalize:
        out, _ = HO.orthogonal_propagation(
            graph.adj_t,
            graph.degree,
            graph.labels,
            embedding_dim,
            num_iterations=num_iterations,
            filter_degree=opts.filter_degree,
            eigenvalue_exponent=opts.eigenvalue_exponent,
            degree_direction=opts.keeps_degree_direction(
                graph.num_edges, num_nodes
            ),
            generator=generator,
            callback=callback,
            shard=shard,
        )
        out = HF.finish(out, opts.normalize, opts.whiten)
    else:
        out = _paper_loop(
            graph, embedding_dim, opts, generator, shard, return_all, callback
        )
    last = out[-1] if return_all else out
    if not torch.isfinite(last).all():
        raise ValueError(
            f'the embedding overflowed (non-finite values) after '
            f"num_iterations={opts.num_iterations}: the paper's update "
            f'grows as (1 + lr)^t; use fewer iterations, '
            f"normalize='iteration' or orthogonalize=True"
        )
    return out


def _paper_loop(
    graph, embedding_dim, opts, generator, shard, return_all, callback
):
    # The paper's update: every process draws all random numbers (the
    # same ones), updates its rows and receives the others'.
    num_nodes, dtype = shard.num_nodes, graph.adj_t.dtype
    device = graph.adj_t.device
    x = HF.draw_init(
        num_nodes, embedding_dim, opts.variance, generator, device, dtype
    )
    history: list[Tensor] = []
    for t in range(opts.num_iterations):
        draws = HF.draw_iteration(
            num_nodes,
            embedding_dim,
            opts.num_negative_samples,
            opts.negative_weight,
            opts.gaussian,
            generator,
            device,
            dtype,
        )
        local = HF.hebbian_update(
            x,
            graph.adj_t,
            graph.noise_scale,
            draws,
            t,
            opts.lr,
            opts.variance,
            opts.variance_decay,
            opts.negative_weight,
            opts.num_negative_samples,
            opts.gaussian,
            shard.start,
            shard.end,
        )
        x = HF.post_iteration(shard.rows(local), opts.normalize, opts.whiten)
        if return_all:
            history.append(HF.finish(x, opts.normalize, opts.whiten))
        if callback is not None:
            callback(t)
    if return_all:
        return history
    return HF.finish(x, opts.normalize, opts.whiten)
