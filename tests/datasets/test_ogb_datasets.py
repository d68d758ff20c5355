import gzip
import os
import os.path as osp

import numpy as np
import pytest
import torch

from pyg_hopfield.datasets import OGBLinkDataset, OGBNodeDataset, load


def _csv_gz(path: str, rows) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    text = ''.join(','.join(str(v) for v in row) + '\n' for row in rows)
    with gzip.open(path, 'wt') as f:
        f.write(text)


def _write_ogb_graph(folder: str, edges, num_nodes: int) -> None:
    with open(osp.join(folder, 'RELEASE_v1.txt'), 'w') as f:
        f.write('v1\n')
    _csv_gz(osp.join(folder, 'raw', 'edge.csv.gz'), edges)
    _csv_gz(osp.join(folder, 'raw', 'num-node-list.csv.gz'), [[num_nodes]])
    _csv_gz(osp.join(folder, 'raw', 'num-edge-list.csv.gz'), [[len(edges)]])


def test_ogbl_ddi_fake_layout(tmp_path, monkeypatch):
    # A 6-node graph in OGB's on-disk layout, without split/target/train.pt.
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    folder = tmp_path / 'ogbl_ddi'
    os.makedirs(folder / 'split' / 'target')
    edges = [[0, 1], [2, 1], [3, 4], [0, 2]]
    _write_ogb_graph(str(folder), edges, 6)
    for split in ['valid', 'test']:
        torch.save(
            {'edge': np.array([[4, 5]]), 'edge_neg': np.array([[0, 5]])},
            str(folder / 'split' / 'target' / f'{split}.pt'),
        )

    dataset = load('ogbl_ddi', str(tmp_path))
    assert isinstance(dataset, OGBLinkDataset)
    assert str(dataset) == "OGBLinkDataset(name='ogbl-ddi')"
    data = dataset[0]
    assert data.num_nodes == 6
    assert data.edge_index.tolist() == [
        [0, 0, 1, 1, 2, 2, 3, 4],
        [1, 2, 0, 2, 0, 1, 4, 3],
    ]
    assert dataset.train_split_inferred
    split = dataset.get_edge_split()
    assert split['train']['edge'].tolist() == edges
    assert split['valid']['edge'].tolist() == [[4, 5]]
    assert split['test']['edge_neg'].tolist() == [[0, 5]]

    # Loading again reads the processed file (no re-processing needed).
    assert load('ogbl-ddi', str(tmp_path))[0].edge_index.size(1) == 8


def test_ogbn_arxiv_fake_layout(tmp_path, monkeypatch):
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    folder = tmp_path / 'ogbn_arxiv'
    os.makedirs(folder)
    # Directed citations incl. a reciprocal pair and a self-citation.
    edges = [[0, 1], [1, 0], [2, 1], [3, 3], [3, 0]]
    _write_ogb_graph(str(folder), edges, 4)
    _csv_gz(str(folder / 'raw' / 'node-feat.csv.gz'), [[0.5, 1.0]] * 4)
    _csv_gz(str(folder / 'raw' / 'node-label.csv.gz'), [[0], [2], [1], [2]])
    _csv_gz(str(folder / 'raw' / 'node_year.csv.gz'), [[2019]] * 4)
    for split, idx in [('train', [0, 1]), ('valid', [2]), ('test', [3])]:
        _csv_gz(
            str(folder / 'split' / 'time' / f'{split}.csv.gz'),
            [[i] for i in idx],
        )

    dataset = OGBNodeDataset(str(tmp_path), 'OGBN-ARXIV')
    data = dataset[0]
    # Symmetrised pairs {0, 1}, {1, 2}, {0, 3}; the self-citation is gone.
    assert data.edge_index.tolist() == [[0, 0, 1, 1, 2, 3], [1, 3, 0, 2, 1, 0]]
    assert data.is_coalesced() and not data.has_self_loops()
    assert data.y.tolist() == [0, 2, 1, 2]
    assert data.x.size() == (4, 2)
    assert dataset.get_idx_split()['valid'].tolist() == [2]


def test_ogb_missing_offline(tmp_path, monkeypatch):
    monkeypatch.setenv('PYG_HOPFIELD_DATA', str(tmp_path / 'mirror'))
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    with pytest.raises(
        FileNotFoundError, match=r'ogbl-collab.*ogbl_collab.*PYG_HOPFIELD_DATA'
    ):
        load('ogbl-collab', str(tmp_path / 'root'))


def test_ogb_incomplete_folder(tmp_path, monkeypatch):
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    os.makedirs(tmp_path / 'ogbl_ppa' / 'raw')
    with pytest.raises(FileNotFoundError, match='RELEASE_v'):
        load('ogbl-ppa', str(tmp_path))


def test_real_ogbl_ddi(data_mirror, cache_root):
    dataset = load('ogbl-ddi', cache_root)
    data = dataset[0]
    assert data.num_nodes == 4267
    assert data.edge_index.size(1) == 2 * 1067911
    assert data.is_coalesced() and not data.has_self_loops()
    # train.pt is missing from the mirror: reconstructed (inferred) in root.
    assert dataset.train_split_inferred
    assert not osp.exists(
        osp.join(data_mirror, 'ogb', 'ogbl_ddi', 'split', 'target', 'train.pt')
    )
    split = dataset.get_edge_split()
    assert split['train']['edge'].size() == (1067911, 2)
    assert split['valid']['edge'].size() == (133489, 2)
    assert split['test']['edge'].size() == (133489, 2)
    assert split['valid']['edge_neg'].size(0) == 101882
    assert split['test']['edge_neg'].size(0) == 95599
