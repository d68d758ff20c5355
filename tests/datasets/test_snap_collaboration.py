import os.path as osp

import numpy as np
import pytest
import torch
from dataset_helpers import truncate, write_text

from pyg_hopfield.datasets import SNAPCollaboration
from pyg_hopfield.io import read_text_edges

SNAP_TEXT = (
    '# Directed graph (each unordered pair of nodes is saved once): '
    'CA-Fake.txt\r\n'
    '# Nodes: 5 Edges: 9\r\n'
    '# FromNodeId\tToNodeId\r\n'
    '30\t7\r\n7\t30\r\n30\t1000\r\n1000\t30\r\n'
    '30\t7\r\n'  # duplicate
    '42\t42\r\n'  # self-loop of a node with no other edge
    '7\t7\r\n'  # self-loop
    '5\t1000\r\n1000\t5\r\n'
)


@pytest.mark.parametrize('compress', [False, True])
def test_snap_fake_relabel_dedup_loops(tmp_path, compress):
    write_text(
        str(tmp_path / 'HepTh' / 'raw' / 'ca-HepTh.txt.gz'),
        SNAP_TEXT,
        compress,
    )

    dataset = SNAPCollaboration(str(tmp_path), 'hepth', log=False)
    assert str(dataset) == "SNAPCollaboration(name='HepTh')"
    data = dataset[0]
    # Sorted SNAP ids 5, 7, 30, 42, 1000 -> 0, 1, 2, 3, 4.
    assert data.node_id.tolist() == [5, 7, 30, 42, 1000]
    assert data.num_nodes == 5
    assert data.edge_index.tolist() == [
        [0, 1, 2, 2, 4, 4],
        [4, 2, 1, 4, 0, 2],
    ]
    # Map back to SNAP ids:
    snap = data.node_id[data.edge_index]
    assert set(map(tuple, snap.t().tolist())) == {
        (7, 30),
        (30, 7),
        (30, 1000),
        (1000, 30),
        (5, 1000),
        (1000, 5),
    }
    assert torch.searchsorted(data.node_id, torch.tensor([42])).item() == 3


def test_snap_space_separated_without_header(tmp_path):
    # The layout of the AstroPh course copy: spaces, no header, reshuffled.
    write_text(
        str(tmp_path / 'AstroPh' / 'raw' / 'ca-AstroPh.txt.gz'),
        '9 3\n3 9\n3 4\n4 3\n',
        compress=True,
    )
    data = SNAPCollaboration(str(tmp_path), 'AstroPh', log=False)[0]
    assert data.node_id.tolist() == [3, 4, 9]
    assert data.edge_index.tolist() == [[0, 0, 1, 2], [1, 2, 0, 0]]


def test_snap_truncated_line_names_file(tmp_path):
    path = write_text(
        str(tmp_path / 'GrQc' / 'raw' / 'ca-GrQc.txt'),
        '# header\n1\t2\n2\t1\n3\t',
    )
    with pytest.raises(RuntimeError, match='ca-GrQc.txt') as info:
        SNAPCollaboration(str(tmp_path), 'GrQc', log=False)
    assert path in str(info.value)


def test_snap_truncated_gzip_names_file(tmp_path):
    path = write_text(
        str(tmp_path / 'HepTh' / 'raw' / 'ca-HepTh.txt.gz'),
        SNAP_TEXT * 200,
        compress=True,
    )
    truncate(path, 0.5)
    with pytest.raises(RuntimeError, match='ca-HepTh.txt.gz'):
        SNAPCollaboration(str(tmp_path), 'HepTh', log=False)


def test_snap_bad_name():
    with pytest.raises(ValueError, match="'name'.*'HepTx'.*HepTh"):
        SNAPCollaboration(None, 'HepTx')


# name, SNAP nodes, SNAP edges (incl. loops), loops, file in the mirror
SNAP_COUNTS = [
    ('AstroPh', 18772, 198110, 60, 'ca-AstroPh/ca-AstroPh.txt.gz'),
    ('CondMat', 23133, 93497, 58, 'ca-CondMat/CA-CondMat.txt'),
    ('GrQc', 5242, 14496, 12, 'ca-GrQc/ca-GrQc.txt'),
    ('HepPh', 12008, 118521, 32, 'ca-HepPh/CA-HepPh.txt'),
    ('HepTh', 9877, 25998, 25, 'ca-HepTh/ca-HepTh.txt.gz'),
]


@pytest.mark.parametrize('name,nodes,edges,loops,file', SNAP_COUNTS)
def test_real_snap_counts(
    data_mirror, cache_root, name, nodes, edges, loops, file
):
    # SNAP's count from the raw file: unordered pairs incl. self-loops.
    raw, _ = read_text_edges(osp.join(data_mirror, file))
    pairs = np.unique(np.sort(raw, axis=1), axis=0)
    assert pairs.shape[0] == edges
    assert (pairs[:, 0] == pairs[:, 1]).sum() == loops

    data = SNAPCollaboration(cache_root, name, log=False)[0]
    assert data.num_nodes == nodes == data.node_id.numel()
    assert data.edge_index.size(1) == 2 * (edges - loops)
    assert data.is_undirected() and not data.has_self_loops()
    assert bool((data.node_id[1:] > data.node_id[:-1]).all())
    if name == 'HepTh':  # Not cit-HepTh's 27,770 / 352,807.
        assert (data.num_nodes, edges) != (27770, 352807)
