r"""Raw and processed dataset files are written atomically and a broken one
left by an interrupted write is never read (issue #16)."""

import os
import os.path as osp
import shutil

import pytest
from dataset_helpers import sparse, truncate, write_mat

import pyg_hopfield.datasets._base as base
from pyg_hopfield.datasets import PlanetoidDataset, SEALDataset, load

USAIR = osp.join(base.PACKAGE_DATA_DIR, 'USAir.mat')


@pytest.fixture
def offline_mirror(tmp_path, monkeypatch):
    mirror = tmp_path / 'mirror'
    os.makedirs(mirror / 'seal')
    shutil.copyfile(USAIR, mirror / 'seal' / 'USAir.mat')
    monkeypatch.setenv('PYG_HOPFIELD_DATA', str(mirror))
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    return mirror


def test_empty_raw_file_is_not_preferred_to_the_mirror(
    tmp_path, offline_mirror
):
    raw = tmp_path / 'root' / 'USAir' / 'raw' / 'USAir.mat'
    os.makedirs(raw.parent)
    raw.write_bytes(b'')  # what SIGKILL during a download leaves
    data = SEALDataset(str(tmp_path / 'root'), 'USAir', log=False)[0]
    assert data.num_nodes == 332
    assert raw.stat().st_size == osp.getsize(USAIR)


@pytest.mark.parametrize('damage', ['empty', 'truncated'])
def test_broken_processed_file_is_processed_again(
    tmp_path, offline_mirror, damage
):
    root = str(tmp_path / 'root')
    SEALDataset(root, 'USAir', log=False)
    path = osp.join(root, 'USAir', 'processed', 'data.pt')
    if damage == 'empty':
        open(path, 'wb').close()
    else:
        truncate(path, 0.5)
    data = SEALDataset(root, 'USAir', log=False)[0]
    assert data.num_nodes == 332 and data.edge_index.size(1) == 2 * 2126


def test_interrupted_processing_leaves_no_processed_file(
    tmp_path, offline_mirror, monkeypatch
):
    import torch

    root = str(tmp_path / 'root')

    def dying_save(obj, f, *args, **kwargs):
        f.write(b'PK\x03\x04 half an archive')
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, 'save', dying_save)
    with pytest.raises(KeyboardInterrupt):
        SEALDataset(root, 'USAir', log=False)
    monkeypatch.undo()
    processed = osp.join(root, 'USAir', 'processed')
    assert not osp.exists(osp.join(processed, 'data.pt'))
    assert [f for f in os.listdir(processed) if 'data.pt' in f] == []


def test_interrupted_download_never_becomes_the_raw_file(
    tmp_path, monkeypatch
):
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    monkeypatch.delenv('PYG_HOPFIELD_OFFLINE', raising=False)

    def interrupted(url, folder, log=True, filename=None):
        with open(osp.join(folder, filename), 'wb') as f:
            f.write(b'MATLAB 5.0 half')
        raise KeyboardInterrupt

    monkeypatch.setattr(base, 'download_url', interrupted)
    root = tmp_path / 'root'
    with pytest.raises(KeyboardInterrupt):
        SEALDataset(str(root), 'PB', log=False)
    assert os.listdir(root / 'PB' / 'raw') == []

    def good(url, folder, log=True, filename=None):
        path = osp.join(folder, filename)
        write_mat(path, net=sparse([0], [1], (2, 2)))  # wrong content
        return path

    monkeypatch.setattr(base, 'download_url', good)
    with pytest.raises(RuntimeError, match='Checksum mismatch'):
        SEALDataset(str(root), 'PB', log=False)
    assert os.listdir(root / 'PB' / 'raw') == []  # verified before the move


def test_root_that_is_a_file_is_a_clear_error(tmp_path):
    root = tmp_path / 'a_file'
    root.write_text('x')
    with pytest.raises(
        ValueError, match="'root' must be a folder .* is a file"
    ):
        load('USAir', str(root), log=False)


def test_planetoid_accepts_log_false(data_mirror, cache_root, capsys):
    dataset = load('Cora', cache_root, log=False)
    assert dataset.log is False
    assert dataset[0].num_nodes == 2708
    assert capsys.readouterr().err == ''


def test_planetoid_truncated_raw_file_is_named(data_mirror, cache_root):
    raw = osp.join(cache_root, 'Cora', 'raw')
    os.makedirs(raw)
    for name in PlanetoidDataset.raw_file_names.fget(
        type('P', (), {'name': 'Cora'})()
    ):
        shutil.copyfile(
            osp.join(data_mirror, 'planetoid', 'Cora', 'raw', name),
            osp.join(raw, name),
        )
    truncate(osp.join(raw, 'ind.cora.graph'), 0.5)
    with pytest.raises(
        RuntimeError,
        match="ind.cora.graph' as Planetoid data .* corrupt or truncated",
    ):
        PlanetoidDataset(cache_root, 'Cora', log=False)
