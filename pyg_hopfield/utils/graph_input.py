r"""One reader for every way a graph can be handed to the package: an
:obj:`edge_index` tensor, a PyG :class:`~torch_geometric.data.Data` or a
DGL graph (:class:`dgl.DGLGraph`, taken by what it offers — ``g.edges()``,
``g.num_nodes()``, ``g.edata`` — so :mod:`dgl` is never imported)."""

from typing import Any

import torch
from torch import Tensor

from pyg_hopfield.utils.checks import check_edge_index

__all__ = ['is_dgl_graph', 'to_edge_index']


def is_dgl_graph(graph: Any) -> bool:
    r"""Whether :obj:`graph` looks like a :class:`dgl.DGLGraph`: it has
    callable :meth:`edges` and :meth:`num_nodes` and an :obj:`edata`
    mapping (checked by duck typing; :mod:`dgl` is not imported)."""
    return (
        not isinstance(graph, Tensor)
        and callable(getattr(graph, 'edges', None))
        and callable(getattr(graph, 'num_nodes', None))
        and hasattr(graph, 'edata')
    )


def _from_dgl(
    graph: Any,
    weight_key: str | None,
) -> tuple[Tensor, Tensor | None, int]:
    ntypes = getattr(graph, 'ntypes', None)
    etypes = getattr(graph, 'canonical_etypes', None)
    if (ntypes is not None and len(ntypes) > 1) or (
        etypes is not None and len(etypes) > 1
    ):
        raise ValueError(
            f"'graph' is a heterogeneous DGL graph (node types "
            f'{list(ntypes or [])}, edge types '
            f'{list(etypes or [])}); pass a homogeneous one, '
            f'e.g. dgl.to_homogeneous(graph)'
        )
    src, dst = graph.edges()
    edge_index = torch.stack(
        [torch.as_tensor(src), torch.as_tensor(dst)]
    ).long()
    num_nodes = int(graph.num_nodes())
    edge_weight = None
    if weight_key is not None:
        if weight_key not in graph.edata:
            raise ValueError(
                f"'weight_key' names the edge feature "
                f'{weight_key!r}, but the DGL graph has only '
                f'{sorted(graph.edata.keys())}'
            )
        edge_weight = torch.as_tensor(graph.edata[weight_key])
        if edge_weight.dim() == 2 and edge_weight.size(1) == 1:
            edge_weight = edge_weight.view(-1)
    return edge_index, edge_weight, num_nodes


def to_edge_index(
    graph: Any,
    edge_weight: Tensor | None = None,
    weight_key: str | None = None,
    num_nodes: int | None = None,
    allow_empty: bool = True,
) -> tuple[Tensor, Tensor | None, int]:
    r"""Reads a graph given as an :obj:`edge_index` tensor, a PyG
    :class:`~torch_geometric.data.Data` or a DGL graph into
    :obj:`(edge_index, edge_weight, num_nodes)`, validated by
    :func:`~pyg_hopfield.utils.check_edge_index`.

    * a :class:`torch.Tensor` is the :obj:`[2, E]` :obj:`edge_index` itself,
      with :obj:`edge_weight` and :obj:`num_nodes` as given (the number of
      nodes is inferred if :obj:`None`);
    * a :class:`~torch_geometric.data.Data` gives :obj:`data.edge_index`,
      :obj:`data.num_nodes` and the edge attribute :obj:`weight_key`
      (:obj:`'edge_weight'` if :obj:`None` and present);
    * a DGL graph gives :obj:`g.edges()` (cast to :obj:`torch.long`),
      :obj:`g.num_nodes()` and :obj:`g.edata[weight_key]` if
      :obj:`weight_key` is given.

    Args:
        graph (torch.Tensor or Data or dgl.DGLGraph): The graph.
        edge_weight (torch.Tensor, optional): Edge weights, if :obj:`graph`
            is a tensor (or to override the graph's). (default: :obj:`None`)
        weight_key (str, optional): The edge attribute holding the weights
            of a :obj:`Data` or DGL graph. (default: :obj:`None`)
        num_nodes (int, optional): The number of nodes of a tensor graph.
            (default: :obj:`None`)
        allow_empty (bool, optional): Accept a graph without edges.
            (default: :obj:`True`)

    Examples:
        >>> import torch
        >>> from torch_geometric.data import Data
        >>> edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
        >>> to_edge_index(Data(edge_index=edge_index, num_nodes=4))[2]
        4
    """
    if isinstance(graph, Tensor):
        edge_index = graph
    elif is_dgl_graph(graph):
        if num_nodes is not None:
            raise ValueError(
                "'num_nodes' is read from the DGL graph; do not "
                'pass it as well'
            )
        edge_index, graph_weight, num_nodes = _from_dgl(graph, weight_key)
        edge_weight = graph_weight if edge_weight is None else edge_weight
    elif hasattr(graph, 'edge_index') and hasattr(graph, 'num_nodes'):
        if num_nodes is not None:
            raise ValueError(
                "'num_nodes' is read from the Data object; do "
                'not pass it as well'
            )
        edge_index = graph.edge_index
        num_nodes = graph.num_nodes
        if edge_weight is None:
            key = 'edge_weight' if weight_key is None else weight_key
            if weight_key is not None and key not in graph:
                raise ValueError(
                    f"'weight_key' names the edge attribute "
                    f'{key!r}, but the Data object has only '
                    f'{sorted(graph.keys())}'
                )
            edge_weight = graph.get(key) if key in graph else None
    else:
        raise ValueError(
            f"'graph' must be an edge_index tensor, a "
            f'torch_geometric.data.Data or a dgl.DGLGraph (got '
            f'{type(graph).__name__})'
        )
    if (
        edge_weight is not None
        and isinstance(edge_weight, Tensor)
        and edge_weight.dim() == 2
        and edge_weight.size(1) == 1
    ):
        edge_weight = edge_weight.view(-1)
    num_nodes = check_edge_index(
        edge_index, num_nodes, edge_weight, allow_empty=allow_empty
    )
    return edge_index, edge_weight, num_nodes
