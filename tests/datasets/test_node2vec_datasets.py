import os.path as osp

import pytest
import scipy.io
import torch
from dataset_helpers import edge_set, sparse, truncate, write_mat

from pyg_hopfield.datasets import BlogCatalog, Node2VecPPI, WikipediaPOS


def test_blogcatalog_fake_mat(tmp_path):
    # Directed entry 0->1 only, duplicated 1-2, self-loop 3-3, isolated 4.
    network = sparse([0, 1, 2, 1, 3], [1, 2, 1, 2, 3], (5, 5))
    group = sparse([0, 1, 1, 2, 3, 4], [0, 0, 2, 1, 2, 0], (5, 3))
    write_mat(
        str(tmp_path / 'BlogCatalog' / 'raw' / 'blogcatalog.mat'),
        network=network,
        group=group,
    )

    dataset = BlogCatalog(str(tmp_path), log=False)
    assert str(dataset) == 'BlogCatalog()'
    assert len(dataset) == 1 and dataset.num_classes == 3
    data = dataset[0]
    assert data.num_nodes == 5
    assert edge_set(data.edge_index) == {(0, 1), (1, 0), (1, 2), (2, 1)}
    assert data.edge_index.tolist() == [[0, 1, 1, 2], [1, 0, 2, 1]]
    assert 'edge_weight' not in data
    assert data.y.dtype == torch.float
    assert data.y.tolist() == [
        [1, 0, 0],
        [1, 0, 1],
        [0, 1, 0],
        [0, 0, 1],
        [1, 0, 0],
    ]


def test_wikipedia_pos_fake_weights(tmp_path):
    # Symmetric weighted matrix with a weighted self-loop.
    network = sparse(
        [0, 1, 1, 2, 2], [1, 0, 2, 1, 2], (3, 3), [0.5, 0.5, 2.0, 2.0, 7.0]
    )
    group = sparse([0, 1, 2], [0, 1, 1], (3, 2))
    write_mat(
        str(tmp_path / 'Wikipedia' / 'raw' / 'POS.mat'),
        network=network,
        group=group,
    )

    data = WikipediaPOS(str(tmp_path), log=False)[0]
    assert data.edge_index.tolist() == [[0, 1, 1, 2], [1, 0, 2, 1]]
    assert data.edge_weight.tolist() == [0.5, 0.5, 2.0, 2.0]


def test_mat_missing_key_and_truncated(tmp_path):
    path = write_mat(
        str(tmp_path / 'PPI' / 'raw' / 'Homo_sapiens.mat'),
        net=sparse([0], [1], (2, 2)),
    )
    with pytest.raises(RuntimeError, match='no variable'):
        Node2VecPPI(str(tmp_path), log=False)

    write_mat(
        path,
        network=sparse([0, 1], [1, 0], (2, 2)),
        group=sparse([0, 1], [0, 0], (2, 1)),
    )
    truncate(path, 0.3)
    with pytest.raises(RuntimeError, match='Homo_sapiens.mat'):
        Node2VecPPI(str(tmp_path), log=False)


def test_mirror_checksum_mismatch_names_file(tmp_path, monkeypatch):
    mirror = tmp_path / 'mirror'
    bad = write_mat(
        str(mirror / 'blogcatalog' / 'blogcatalog.mat'),
        network=sparse([0], [1], (2, 2)),
        group=sparse([0], [0], (2, 1)),
    )
    monkeypatch.setenv('PYG_HOPFIELD_DATA', str(mirror))
    root = tmp_path / 'root'
    with pytest.raises(RuntimeError, match='Checksum mismatch') as info:
        BlogCatalog(str(root), log=False)
    assert bad in str(info.value)
    assert not osp.exists(root / 'BlogCatalog' / 'raw' / 'blogcatalog.mat')


def test_real_blogcatalog(data_mirror, cache_root):
    data = BlogCatalog(cache_root, log=False)[0]
    assert data.num_nodes == 10312
    assert data.edge_index.size(1) == 2 * 333983  # DeepWalk: undirected
    assert data.y.size() == (10312, 39)
    assert data.y.sum() == 14476 and data.y.sum(1).min() == 1
    assert data.is_undirected() and not data.has_self_loops()


def test_real_node2vec_ppi(data_mirror, cache_root):
    # The paper's 76,584 is the nnz of the raw adjacency (loops included):
    raw = scipy.io.loadmat(osp.join(data_mirror, 'ppi', 'Homo_sapiens.mat'))
    assert raw['network'].nnz == 76584
    assert raw['network'].diagonal().sum() == 894

    data = Node2VecPPI(cache_root, log=False)[0]
    assert data.num_nodes == 3890
    # Stored: the 894 self-loops are dropped, 37,845 undirected edges.
    assert data.edge_index.size(1) == 76584 - 894 == 2 * 37845
    assert data.y.size() == (3890, 50) and data.y.sum() == 6640
    assert data.is_undirected() and not data.has_self_loops()


def test_real_wikipedia_pos(data_mirror, cache_root):
    raw = scipy.io.loadmat(osp.join(data_mirror, 'wikipedia_pos', 'POS.mat'))
    assert raw['network'].nnz == 184812
    assert (raw['network'].diagonal() != 0).sum() == 222

    data = WikipediaPOS(cache_root, log=False)[0]
    assert data.num_nodes == 4777
    assert data.edge_index.size(1) == 184812 - 222 == 2 * 92295
    assert data.y.size() == (4777, 40) and data.y.sum() == 6770
    assert data.edge_weight.min() == 0.5
    loops = float(raw['network'].diagonal().sum())
    assert float(data.edge_weight.sum()) == pytest.approx(328685 - loops)
    assert data.is_undirected() and not data.has_self_loops()
