r"""The SNAP arXiv collaboration networks (``ca-*`` edge lists)."""

import numpy as np
import torch
from torch_geometric.data import Data

from pyg_hopfield.datasets._base import (
    RawFile,
    RawFileDataset,
    open_error,
    to_simple_undirected,
)
from pyg_hopfield.io import read_text_edges

_MOSELEY = (
    'https://raw.githubusercontent.com/sammyjmoseley/CS6820Project/'
    '660b0044f719e1f0a3c3897ee132addc550945ed/data'
)


class SNAPCollaboration(RawFileDataset):
    r"""The arXiv co-authorship networks from the `"Graph Evolution:
    Densification and Shrinking Diameters"
    <https://arxiv.org/abs/physics/0603229>`_ paper, as published by SNAP
    (`snap.stanford.edu/data <https://snap.stanford.edu/data/#canets>`_):
    authors are nodes and an edge joins two authors of a common paper in
    the :obj:`"AstroPh"`, :obj:`"CondMat"`, :obj:`"GrQc"`, :obj:`"HepPh"`
    or :obj:`"HepTh"` category.

    SNAP node ids are not contiguous: nodes are relabelled to
    :obj:`0, ..., n - 1` in increasing order of their SNAP id, and
    :obj:`data.node_id[i]` keeps the SNAP id of node :obj:`i` (so
    :obj:`torch.searchsorted(data.node_id, snap_ids)` maps back). SNAP's
    edge counts include self-loops (e.g. ca-HepTh: 25,998 = 25,973
    undirected edges + 25 loops); we drop the loops but keep their nodes,
    so :obj:`num_nodes` equals SNAP's node count.

    .. note::
        Table 2 of the hebbian graph embeddings paper quotes 27,770 nodes
        and 352,807 edges for HepTh; these are the figures of SNAP's
        *citation* graph cit-HepTh, not of the collaboration graph ca-HepTh
        that the paper names and that is loaded here.

    .. note::
        For :obj:`"AstroPh"`, the canonical file is a reshuffled,
        space-separated, header-less copy of SNAP's ``ca-AstroPh.txt.gz``
        with the same SNAP ids and the same edge set (SNAP's byte-original
        could not be pinned by checksum). The other four are SNAP's own
        files (HepTh gzip, the others decompressed). Files come from
        pinned GitHub commits so their sha256 can be checked; a SNAP
        original you put into :obj:`raw/` yourself (plain or gzip) is read
        the same way.

    Args:
        root (str, optional): Root directory where the dataset should be
            saved (under :obj:`root/<name>`). If :obj:`None`, uses
            :obj:`$PYG_HOPFIELD_ROOT` or :obj:`~/.cache/pyg_hopfield`.
        name (str): The name of the dataset (:obj:`"AstroPh"`,
            :obj:`"CondMat"`, :obj:`"GrQc"`, :obj:`"HepPh"`,
            :obj:`"HepTh"`; case-insensitive).
        transform, pre_transform, force_reload, log (optional): As in
            :class:`~torch_geometric.data.InMemoryDataset`.

    **STATS:**

    .. list-table::
        :widths: 10 10 10 10 10
        :header-rows: 1

        * - Name
          - #nodes
          - #edges (SNAP, incl. loops)
          - #self-loops (dropped)
          - #edges (undirected, stored)
        * - AstroPh
          - 18,772
          - 198,110
          - 60
          - 198,050
        * - CondMat
          - 23,133
          - 93,497
          - 58
          - 93,439
        * - GrQc
          - 5,242
          - 14,496
          - 12
          - 14,484
        * - HepPh
          - 12,008
          - 118,521
          - 32
          - 118,489
        * - HepTh
          - 9,877
          - 25,998
          - 25
          - 25,973
    """

    files: dict[str, RawFile] = {
        'AstroPh': RawFile(
            'ca-AstroPh.txt.gz',
            'https://raw.githubusercontent.com/wnyabuto20/'
            'Triest_Triangle_counting_Algorithms/'
            '8d87cf19ca1848eef022215fcad8499e71f189e7/input/'
            'ca-AstroPh.txt.gz',
            'd36f76998a7ac257bc79dc90d54a5f7abee7d452294b46526c7ae56ab0079b61',
            'ca-AstroPh/ca-AstroPh.txt.gz',
        ),
        'CondMat': RawFile(
            'CA-CondMat.txt',
            'https://raw.githubusercontent.com/taylorkrn/new_katz_parameter/'
            '46fdd350afccf854e60135cf4a55180809a2f55e/data/CA-CondMat.txt',
            '70ace92a6f7f29625d28bbc376a21c32eb10063071f485bd4936aa5348ec4eaf',
            'ca-CondMat/CA-CondMat.txt',
        ),
        'GrQc': RawFile(
            'ca-GrQc.txt',
            f'{_MOSELEY}/ca-GrQc.txt',
            'f8ce6e931e068b878044b783da99ef603f566c87bcbce7991cd53720879f1660',
            'ca-GrQc/ca-GrQc.txt',
        ),
        'HepPh': RawFile(
            'CA-HepPh.txt',
            'https://raw.githubusercontent.com/sgk98/distributed_pagerank/'
            'cd31c29a2fffc5c54d0d30073dc630e9174e02ff/datasets/CA-HepPh.txt',
            'bfb289b97d5b8025da0f9c39d9f9404c10ea9f190d877bad42128749e74237c4',
            'ca-HepPh/CA-HepPh.txt',
        ),
        'HepTh': RawFile(
            'ca-HepTh.txt.gz',
            f'{_MOSELEY}/ca-HepTh.txt.gz',
            '7235c7e11887f8a32dfd03a3aa0c77efdf89d41591a959c7d6e4ca11b1299bb5',
            'ca-HepTh/ca-HepTh.txt.gz',
        ),
    }
    names = list(files.keys())

    def read(self) -> Data:
        path = self.raw_paths[0]
        try:
            edges, _ = read_text_edges(path)
        except ValueError as e:
            raise open_error(
                path, 'a whitespace-separated edge list', e
            ) from e
        node_id, inverse = np.unique(edges.reshape(-1), return_inverse=True)
        inverse = inverse.reshape(-1, 2)
        num_nodes = int(node_id.shape[0])
        edge_index, _ = to_simple_undirected(
            inverse[:, 0], inverse[:, 1], num_nodes
        )
        return Data(
            edge_index=edge_index,
            num_nodes=num_nodes,
            node_id=torch.from_numpy(node_id),
        )
