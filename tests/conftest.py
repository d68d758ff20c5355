import os
import os.path as osp

import pytest

SHARED_DATASETS = osp.abspath(
    osp.join(osp.dirname(__file__), '..', '..', 'shared', 'datasets')
)


@pytest.fixture
def data_mirror(monkeypatch) -> str:
    r"""The read-only local mirror of the real benchmark files, exported as
    ``PYG_HOPFIELD_DATA`` (CI sets it too)."""
    path = os.environ.get('PYG_HOPFIELD_DATA', SHARED_DATASETS)
    if not osp.isdir(path):
        raise RuntimeError(
            f"The dataset mirror '{path}' does not exist: set "
            f'PYG_HOPFIELD_DATA to the folder holding ../shared/datasets'
        )
    monkeypatch.setenv('PYG_HOPFIELD_DATA', path)
    return path


@pytest.fixture
def cache_root(tmp_path) -> str:
    r"""A writable dataset cache folder (``root``)."""
    return str(tmp_path / 'data')
