import os

import pytest
import torch

from pyg_hopfield.utils import atomic_path, atomic_write, save_atomic


def test_atomic_write_replaces_only_on_success(tmp_path):
    path = tmp_path / 'out.json'
    path.write_text('old')
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(path) as f:
            f.write('half')
            raise KeyboardInterrupt
    assert path.read_text() == 'old'  # the previous file survives
    assert os.listdir(tmp_path) == ['out.json']  # no temporary left over
    with atomic_write(path) as f:
        f.write('new')
    assert path.read_text() == 'new'
    assert os.listdir(tmp_path) == ['out.json']


def test_atomic_path_keeps_the_suffix_and_mode(tmp_path):
    import numpy as np

    path = tmp_path / 'sub' / 'emb.npy'
    with atomic_path(path) as tmp:
        assert tmp.endswith('.npy')
        assert os.path.dirname(tmp) == str(tmp_path / 'sub')
        np.save(tmp, np.ones(3))
    assert np.load(path).tolist() == [1.0, 1.0, 1.0]
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~mask


def test_save_atomic_interrupted_keeps_previous(tmp_path, monkeypatch):
    path = tmp_path / 'emb.pt'
    save_atomic(torch.zeros(3), path)

    real_save = torch.save

    def dying_save(obj, f, *args, **kwargs):
        f.write(b'PK\x03\x04 half a zip')
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, 'save', dying_save)
    with pytest.raises(KeyboardInterrupt):
        save_atomic(torch.ones(3), path)
    monkeypatch.setattr(torch, 'save', real_save)
    assert torch.equal(torch.load(path), torch.zeros(3))
    assert os.listdir(tmp_path) == ['emb.pt']


def test_atomic_write_bad_mode(tmp_path):
    with pytest.raises(ValueError, match="'mode' must be 'w' or 'wb'"):
        with atomic_write(tmp_path / 'x', 'a'):
            pass
