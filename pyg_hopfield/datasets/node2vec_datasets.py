r"""The multi-label node classification graphs of DeepWalk and node2vec
(MATLAB ``.mat`` files with a ``network`` adjacency and a ``group``
node-label matrix)."""

import torch
from torch_geometric.data import Data

from pyg_hopfield.datasets._base import (
    RawFile,
    SingleRawFileDataset,
    read_mat,
    to_simple_undirected,
)

_OPENNE = (
    'https://raw.githubusercontent.com/thunlp/OpenNE/'
    '78eda10eee0fb060f831de4f449a60c6095fa8a1/data'
)


class _MatClassificationDataset(SingleRawFileDataset):
    file: RawFile
    weighted: bool = False

    def raw_files(self) -> list[RawFile]:
        return [self.file]

    def read(self) -> Data:
        import scipy.sparse as sp

        path = self.raw_paths[0]
        mat = read_mat(path, ('network', 'group'))
        adj = sp.coo_matrix(mat['network'])
        group = sp.csr_matrix(mat['group'])
        if adj.shape[0] != adj.shape[1] or adj.shape[0] != group.shape[0]:
            raise RuntimeError(
                f"'{path}' holds a {adj.shape} 'network' and a "
                f"{group.shape} 'group' matrix; expected a square network "
                f"with one 'group' row a node"
            )
        num_nodes = adj.shape[0]
        edge_index, edge_weight = to_simple_undirected(
            adj.row, adj.col, num_nodes, adj.data if self.weighted else None
        )
        y = torch.from_numpy(group.toarray() != 0).to(torch.float)
        data = Data(edge_index=edge_index, num_nodes=num_nodes, y=y)
        if edge_weight is not None:
            data.edge_weight = edge_weight
        return data

    @property
    def num_classes(self) -> int:
        return int(self._data.y.size(-1))


class BlogCatalog(_MatClassificationDataset):
    r"""The BlogCatalog social network from the `"DeepWalk: Online Learning
    of Social Representations" <https://arxiv.org/abs/1403.6652>`_ paper:
    bloggers are nodes, friendships are edges and the 39 labels are the
    interest groups of each blogger (multi-label, up to 11 a node).

    The raw file is DeepWalk's ``example_graphs/blogcatalog.mat``.
    :obj:`data.y` is a dense :obj:`{0, 1}` float matrix of shape
    :obj:`[10312, 39]`; the graph is unweighted and has no self-loops.

    Args:
        root (str, optional): Root directory where the dataset should be
            saved (under :obj:`root/BlogCatalog`). If :obj:`None`, uses
            :obj:`$PYG_HOPFIELD_ROOT` or :obj:`~/.cache/pyg_hopfield`.
            (default: :obj:`None`)
        transform, pre_transform, force_reload, log (optional): As in
            :class:`~torch_geometric.data.InMemoryDataset`.

    **STATS:**

    .. list-table::
        :widths: 10 10 10 10
        :header-rows: 1

        * - #nodes
          - #edges (undirected)
          - #edge_index columns
          - #classes (multi-label)
        * - 10,312
          - 333,983
          - 667,966
          - 39
    """

    dataset_name = 'BlogCatalog'
    url = (
        'https://raw.githubusercontent.com/phanein/deepwalk/'
        'abe220b60dd08bb270aa08cb19f2050feb9b1664/example_graphs/'
        'blogcatalog.mat'
    )
    file = RawFile(
        'blogcatalog.mat',
        url,
        'd4f4fb89ce1ccd4b7e2a183386c000773cc9362cc61f1be5b246a6d9c259da8f',
        'blogcatalog/blogcatalog.mat',
    )


class Node2VecPPI(_MatClassificationDataset):
    r"""The human protein-protein interaction graph from the `"node2vec:
    Scalable Feature Learning for Networks"
    <https://arxiv.org/abs/1607.00653>`_ paper (a BioGRID subgraph whose 50
    multi-labels are hallmark gene sets). Not to be confused with PyG's
    :class:`torch_geometric.datasets.PPI` (the 24 inductive GraphSAGE
    graphs).

    The raw file is node2vec's ``Homo_sapiens.mat`` (as kept by OpenNE).
    node2vec's "76,584 edges" count the stored non-zeros of the symmetric
    adjacency: :math:`2 \cdot 37{,}845` undirected edges plus 894
    self-loops. We drop the self-loops, so :obj:`data.edge_index` holds
    :obj:`75,690` columns (37,845 undirected edges, each in both
    directions). :obj:`data.y` is a dense :obj:`{0, 1}` float matrix of
    shape :obj:`[3890, 50]`.

    Args:
        root (str, optional): Root directory where the dataset should be
            saved (under :obj:`root/PPI`). If :obj:`None`, uses
            :obj:`$PYG_HOPFIELD_ROOT` or :obj:`~/.cache/pyg_hopfield`.
            (default: :obj:`None`)
        transform, pre_transform, force_reload, log (optional): As in
            :class:`~torch_geometric.data.InMemoryDataset`.

    **STATS:**

    .. list-table::
        :widths: 10 10 10 10 10
        :header-rows: 1

        * - #nodes
          - #nnz in the paper (incl. 894 loops)
          - #edges (undirected, stored)
          - #edge_index columns
          - #classes (multi-label)
        * - 3,890
          - 76,584
          - 37,845
          - 75,690
          - 50
    """

    dataset_name = 'PPI'
    url = f'{_OPENNE}/PPI/Homo_sapiens.mat'
    file = RawFile(
        'Homo_sapiens.mat',
        url,
        '8a32b88b0576276f02d7aaa3fd282e8617a3e6db8d39abb6212a283363bf1183',
        'ppi/Homo_sapiens.mat',
    )


class WikipediaPOS(_MatClassificationDataset):
    r"""The Wikipedia word co-occurrence graph from the `"node2vec: Scalable
    Feature Learning for Networks" <https://arxiv.org/abs/1607.00653>`_
    paper: words of the first million bytes of Wikipedia are nodes, the 40
    multi-labels are Part-of-Speech tags inferred by the Stanford tagger.

    The raw file is node2vec's ``POS.mat`` (as kept by OpenNE). The graph is
    **weighted**: :obj:`data.edge_weight` keeps the co-occurrence weights
    (0.5 upward). node2vec's "184,812 edges" count the stored non-zeros:
    :math:`2 \cdot 92{,}295` undirected edges plus 222 self-loops. We drop
    the self-loops, so :obj:`data.edge_index` holds :obj:`184,590` columns.
    :obj:`data.y` is a dense :obj:`{0, 1}` float matrix :obj:`[4777, 40]`.

    Args:
        root (str, optional): Root directory where the dataset should be
            saved (under :obj:`root/Wikipedia`). If :obj:`None`, uses
            :obj:`$PYG_HOPFIELD_ROOT` or :obj:`~/.cache/pyg_hopfield`.
            (default: :obj:`None`)
        transform, pre_transform, force_reload, log (optional): As in
            :class:`~torch_geometric.data.InMemoryDataset`.

    **STATS:**

    .. list-table::
        :widths: 10 10 10 10 10
        :header-rows: 1

        * - #nodes
          - #nnz in the paper (incl. 222 loops)
          - #edges (undirected, stored)
          - #edge_index columns
          - #classes (multi-label)
        * - 4,777
          - 184,812
          - 92,295
          - 184,590
          - 40
    """

    dataset_name = 'Wikipedia'
    weighted = True
    url = f'{_OPENNE}/Wikipedia/POS.mat'
    file = RawFile(
        'POS.mat',
        url,
        'b40977b48dec1d5016af0f6d5d2bce6f1c1037ccab948c2bbe324cea16754835',
        'wikipedia_pos/POS.mat',
    )
