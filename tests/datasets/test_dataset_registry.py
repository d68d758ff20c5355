import os.path as osp

import pytest

import pyg_hopfield.datasets as datasets
from pyg_hopfield.datasets import available_datasets, default_root, load

REQUIRED = [
    'BlogCatalog',
    'PPI',
    'Wikipedia',
    'AstroPh',
    'HepTh',
    'CondMat',
    'GrQc',
    'HepPh',
    'USAir',
    'PB',
    'Power',
    'Celegans',
    'Cora',
    'CiteSeer',
    'PubMed',
    'ogbl-ddi',
    'ogbl-collab',
    'ogbn-arxiv',
    'ogbl-ppa',
]


def test_available_datasets():
    names = available_datasets()
    assert set(REQUIRED) <= set(names)
    assert len(names) == len(set(n.lower() for n in names))


def test_unknown_name_lists_available():
    with pytest.raises(ValueError, match="'name'.*'Karate'") as info:
        load('Karate')
    for name in REQUIRED:
        assert repr(name) in str(info.value)


def test_aliases_are_case_insensitive(data_mirror, cache_root):
    assert load('c.ele', cache_root, log=False)[0].num_nodes == 297
    assert str(load('node2vecppi', cache_root, log=False)) == 'Node2VecPPI()'


def test_public_api():
    for name in datasets.__all__:
        assert getattr(datasets, name) is not None


def test_default_root(monkeypatch, tmp_path):
    monkeypatch.setenv('PYG_HOPFIELD_ROOT', str(tmp_path))
    assert default_root() == str(tmp_path)
    monkeypatch.delenv('PYG_HOPFIELD_ROOT')
    assert default_root() == osp.join(
        osp.expanduser('~'), '.cache', 'pyg_hopfield'
    )


def test_root_none_uses_env(monkeypatch, tmp_path):
    monkeypatch.setenv('PYG_HOPFIELD_ROOT', str(tmp_path))
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    dataset = load('USAIR', log=False)
    assert osp.isfile(osp.join(str(tmp_path), 'USAir', 'processed', 'data.pt'))
    assert dataset[0].num_nodes == 332


def test_mirror_is_never_written(data_mirror, cache_root):
    def snapshot():
        out = {}
        for folder, _, files in __import__('os').walk(data_mirror):
            for file in files:
                path = osp.join(folder, file)
                out[path] = osp.getmtime(path)
        return out

    before = snapshot()
    load('Celegans', cache_root, log=False)
    load('HepTh', cache_root, log=False)
    assert snapshot() == before
    assert osp.isfile(osp.join(cache_root, 'HepTh', 'raw', 'ca-HepTh.txt.gz'))


def test_registry_matches_the_classes():
    # The registry lists names without importing the dataset modules; its
    # entries must name real classes and their families' names.
    import importlib

    from pyg_hopfield.datasets.registry import _REGISTRY

    families = {}
    for name, entry in _REGISTRY.items():
        module = importlib.import_module(
            f'pyg_hopfield.datasets.{entry.module}'
        )
        cls = getattr(module, entry.cls)
        if entry.family:
            assert name.lower() in {n.lower() for n in cls.names}
            families.setdefault(cls, set()).add(name.lower())
    for cls, names in families.items():
        assert names == {n.lower() for n in cls.names}, cls.__name__
