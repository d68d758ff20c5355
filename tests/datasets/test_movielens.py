import os.path as osp

import pytest
import torch
from dataset_helpers import write_text

from pyg_hopfield.datasets import MovieLens100K, load

BASE = '1\t2\t5\t881250949\n2\t1\t3\t891717742\n1\t1\t4\t878887116\n'
TEST = '3\t2\t1\t880606923\n'


def write_fake(root):
    raw = osp.join(str(root), 'MovieLens100K', 'raw')
    write_text(osp.join(raw, 'u1.base'), BASE)
    write_text(osp.join(raw, 'u1.test'), TEST)
    return raw


def test_fake_files(tmp_path):
    write_fake(tmp_path)
    dataset = MovieLens100K(str(tmp_path), log=False)
    assert str(dataset) == 'MovieLens100K()'
    data = dataset[0]
    assert data.num_users == 3 and data.num_items == 2
    # Sorted by user, then item; 0-based:
    assert data.interaction_index.tolist() == [[0, 0, 1, 2], [0, 1, 0, 1]]
    assert data.rating.tolist() == [4, 5, 3, 1]
    assert data.timestamp.tolist()[0] == 878887116
    # The bipartite graph: users 0..2, items 3..4, both directions.
    assert data.num_nodes == 5
    assert set(map(tuple, data.edge_index.t().tolist())) == {
        (0, 3),
        (3, 0),
        (0, 4),
        (4, 0),
        (1, 3),
        (3, 1),
        (2, 4),
        (4, 2),
    }


def test_truncated_file_names_it(tmp_path):
    raw = write_fake(tmp_path)
    write_text(osp.join(raw, 'u1.test'), '3\t2\t1\n')
    with pytest.raises(RuntimeError, match='u1.test.*4 columns'):
        MovieLens100K(str(tmp_path), log=False)


def test_offline_without_mirror_says_how(tmp_path, monkeypatch):
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    with pytest.raises(
        FileNotFoundError, match='u1.base.*PYG_HOPFIELD_DATA.*ml-100k.zip'
    ):
        MovieLens100K(str(tmp_path), log=False)


def test_real_counts(data_mirror, cache_root):
    dataset = load('ml-100k', cache_root, log=False)
    assert isinstance(dataset, MovieLens100K)
    data = dataset[0]
    assert data.interaction_index.size(1) == 100_000
    assert data.num_users == 943 and data.num_items == 1682
    assert torch.unique(data.interaction_index[0]).numel() == 943
    assert torch.unique(data.interaction_index[1]).numel() == 1682
    assert data.rating.min() == 1 and data.rating.max() == 5
    # Every user rated at least 20 movies:
    assert torch.bincount(data.interaction_index[0]).min() == 20
    assert data.edge_index.size(1) == 200_000
    assert osp.isfile(osp.join(cache_root, 'MovieLens100K', 'raw', 'u1.base'))
