import hashlib
import os.path as osp
import shutil

import pytest
from dataset_helpers import sparse, truncate, write_mat

import pyg_hopfield.datasets._base as base
from pyg_hopfield.datasets import SEALDataset, load

USAIR_SHA = SEALDataset.files['USAir'].sha256


def test_seal_fake_mat(tmp_path):
    net = sparse([0, 1, 0, 2, 3], [1, 0, 2, 0, 3], (5, 5))
    write_mat(str(tmp_path / 'PB' / 'raw' / 'PB.mat'), net=net)
    dataset = SEALDataset(str(tmp_path), 'pb', log=False)
    assert str(dataset) == "SEALDataset(name='PB')"
    data = dataset[0]
    assert data.num_nodes == 5
    assert data.edge_index.tolist() == [[0, 0, 1, 2], [1, 2, 0, 0]]


def test_seal_truncated_mat_names_file(tmp_path):
    path = write_mat(
        str(tmp_path / 'Power' / 'raw' / 'Power.mat'),
        net=sparse(list(range(50)), list(range(1, 51)), (51, 51)),
    )
    truncate(path, 0.4)
    with pytest.raises(RuntimeError, match='Power.mat'):
        SEALDataset(str(tmp_path), 'Power', log=False)


def test_usair_packaged_offline(tmp_path, monkeypatch):
    # A fresh machine: no mirror, no network, empty root.
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    packaged = osp.join(base.PACKAGE_DATA_DIR, 'USAir.mat')
    with open(packaged, 'rb') as f:
        assert hashlib.sha256(f.read()).hexdigest() == USAIR_SHA

    data = load('usair', str(tmp_path), log=False)[0]
    assert data.num_nodes == 332
    assert data.edge_index.size(1) == 2 * 2126
    assert data.is_undirected() and not data.has_self_loops()


def test_missing_file_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv('PYG_HOPFIELD_DATA', str(tmp_path / 'empty'))
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    with pytest.raises(FileNotFoundError) as info:
        SEALDataset(str(tmp_path / 'root'), 'Celegans', log=False)
    msg = str(info.value)
    assert (
        osp.join(str(tmp_path), 'root', 'Celegans', 'raw', 'Celegans.mat')
        in msg
    )
    assert 'PYG_HOPFIELD_DATA' in msg and '<mirror>/seal/Celegans.mat' in msg
    assert 'https://raw.githubusercontent.com/muhanzhang/SEAL/' in msg


def test_download_is_checksum_verified(tmp_path, monkeypatch, data_mirror):
    real_pb = osp.join(data_mirror, 'seal', 'PB.mat')
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    monkeypatch.delenv('PYG_HOPFIELD_OFFLINE', raising=False)
    calls = []

    def fake_download(url, folder, log=True, filename=None):
        calls.append(url)
        path = osp.join(folder, filename)
        write_mat(path, net=sparse([0], [1], (2, 2)))  # wrong content
        return path

    monkeypatch.setattr(base, 'download_url', fake_download)
    root = tmp_path / 'root'
    with pytest.raises(RuntimeError, match='Checksum mismatch') as info:
        SEALDataset(str(root), 'PB', log=False)
    assert calls == [SEALDataset.files['PB'].url]
    assert str(root / 'PB' / 'raw' / 'PB.mat') in str(info.value)
    assert not (root / 'PB' / 'raw' / 'PB.mat').exists()

    def good_download(url, folder, log=True, filename=None):
        path = osp.join(folder, filename)
        shutil.copyfile(real_pb, path)
        return path

    monkeypatch.setattr(base, 'download_url', good_download)
    assert SEALDataset(str(root), 'PB', log=False)[0].num_nodes == 1222


def test_download_failure_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    monkeypatch.delenv('PYG_HOPFIELD_OFFLINE', raising=False)

    def no_network(url, folder, log=True, filename=None):
        raise OSError('network is unreachable')

    monkeypatch.setattr(base, 'download_url', no_network)
    with pytest.raises(
        FileNotFoundError,
        match='download failed.*unreachable.*Either put it at',
    ):
        SEALDataset(str(tmp_path), 'PB', log=False)


@pytest.mark.parametrize(
    'name,nodes,edges',
    [
        ('USAir', 332, 2126),
        ('PB', 1222, 16714),
        ('Power', 4941, 6594),
        ('Celegans', 297, 2148),
        ('C.Ele', 297, 2148),
        ('arXiv', 18772, 198050),
    ],
)
def test_real_seal_counts(data_mirror, cache_root, name, nodes, edges):
    data = load(name, cache_root, log=False)[0]
    assert data.num_nodes == nodes
    assert data.edge_index.size(1) == 2 * edges
    assert data.is_undirected() and not data.has_self_loops()
    assert data.is_coalesced()
