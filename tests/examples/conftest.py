r"""Fixtures of the example-script tests: the scripts imported as modules,
and tiny graphs written in the on-disk layout that :mod:`ogb`'s
:class:`PygLinkPropPredDataset` / :class:`PygNodePropPredDataset` read
(``<root>/<name with _>/raw/*.csv.gz``, ``split/<type>/...``,
``RELEASE_v1.txt``), so no download is attempted."""

import importlib.util
import os
import os.path as osp
import sys

import numpy as np
import pandas as pd
import pytest
import torch

EXAMPLES_DIR = osp.join(osp.dirname(__file__), '..', '..', 'examples')


def _import_example(name: str):
    # As `python examples/<name>.py` does: examples/ first on sys.path, so
    # that the scripts find their shared examples/_common.py.
    if osp.abspath(EXAMPLES_DIR) not in sys.path:
        sys.path.insert(0, osp.abspath(EXAMPLES_DIR))
    path = osp.abspath(osp.join(EXAMPLES_DIR, f'{name}.py'))
    spec = importlib.util.spec_from_file_location(f'example_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _csv(path: str, array) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    pd.DataFrame(np.asarray(array)).to_csv(
        path, header=False, index=False, compression='gzip'
    )


def _release(folder: str) -> None:
    with open(osp.join(folder, 'RELEASE_v1.txt'), 'w') as f:
        f.write('v1, test fixture\n')


def _planted_graph(num_nodes: int, num_groups: int, seed: int):
    r"""A graph of :obj:`num_groups` dense communities with a few links
    between them (each unordered pair once, :obj:`u < v`), and the group of
    every node."""
    rng = np.random.default_rng(seed)
    group = np.arange(num_nodes) % num_groups
    u, v = np.triu_indices(num_nodes, k=1)
    prob = np.where(group[u] == group[v], 0.5, 0.02)
    keep = rng.random(u.size) < prob
    return np.stack([u[keep], v[keep]], axis=1), group


def _split_pairs(edge: np.ndarray, num_nodes: int, seed: int):
    rng = np.random.default_rng(seed)
    edge = edge[rng.permutation(len(edge))]
    n = len(edge) // 10
    valid, test, train = edge[:n], edge[n : 2 * n], edge[2 * n :]
    existing = {tuple(e) for e in edge.tolist()}
    neg = []
    while len(neg) < 4 * n:
        a, b = sorted(rng.choice(num_nodes, size=2, replace=False).tolist())
        if (a, b) not in existing:
            neg.append((a, b))
    neg = np.asarray(neg, dtype=np.int64)
    return train, valid, test, neg[: 2 * n], neg[2 * n :]


def write_ogbl(
    root: str, name: str, num_nodes: int = 60, seed: int = 0
) -> str:
    r"""Writes a tiny :obj:`ogbl-ddi` or :obj:`ogbl-collab` folder."""
    folder = osp.join(root, name.replace('-', '_'))
    raw = osp.join(folder, 'raw')
    edge, _ = _planted_graph(num_nodes, 3, seed)
    train, valid, test, valid_neg, test_neg = _split_pairs(
        edge, num_nodes, seed
    )
    _csv(osp.join(raw, 'edge.csv.gz'), train)
    _csv(osp.join(raw, 'num-node-list.csv.gz'), [num_nodes])
    _csv(osp.join(raw, 'num-edge-list.csv.gz'), [len(train)])
    splits = {
        'train': {'edge': train},
        'valid': {'edge': valid, 'edge_neg': valid_neg},
        'test': {'edge': test, 'edge_neg': test_neg},
    }
    if name == 'ogbl-collab':
        rng = np.random.default_rng(seed)
        _csv(
            osp.join(raw, 'node-feat.csv.gz'),
            rng.standard_normal((num_nodes, 8)).astype(np.float32),
        )
        weight = rng.integers(1, 4, size=(len(train), 1))
        year = rng.integers(2000, 2018, size=(len(train), 1))
        _csv(osp.join(raw, 'edge_weight.csv.gz'), weight)
        _csv(osp.join(raw, 'edge_year.csv.gz'), year)
        splits['train'].update(
            weight=weight.reshape(-1), year=year.reshape(-1)
        )
        for split in ['valid', 'test']:
            size = len(splits[split]['edge'])
            splits[split].update(
                weight=np.ones(size, dtype=np.int64),
                year=np.full(size, 2019, dtype=np.int64),
            )
        split_dir = osp.join(folder, 'split', 'time')
    else:
        split_dir = osp.join(folder, 'split', 'target')
    os.makedirs(split_dir, exist_ok=True)
    for split, value in splits.items():
        torch.save(value, osp.join(split_dir, f'{split}.pt'))
    _release(folder)
    return folder


def write_ogbn_arxiv(
    root: str, num_nodes: int = 90, num_classes: int = 40, seed: int = 0
) -> str:
    r"""Writes a tiny :obj:`ogbn-arxiv` folder (directed edges, 128
    features, labels in :obj:`[0, 40)`, a time split)."""
    folder = osp.join(root, 'ogbn_arxiv')
    raw = osp.join(folder, 'raw')
    rng = np.random.default_rng(seed)
    edge, group = _planted_graph(num_nodes, 3, seed)
    edge = np.where(rng.random((len(edge), 1)) < 0.5, edge, edge[:, ::-1])
    label = (group * 7) % num_classes  # three of the 40 classes
    feat = rng.standard_normal((num_nodes, 128)).astype(np.float32)
    feat[:, :3] += 2.0 * np.eye(3, dtype=np.float32)[group]
    _csv(osp.join(raw, 'edge.csv.gz'), edge)
    _csv(osp.join(raw, 'num-node-list.csv.gz'), [num_nodes])
    _csv(osp.join(raw, 'num-edge-list.csv.gz'), [len(edge)])
    _csv(osp.join(raw, 'node-feat.csv.gz'), feat)
    _csv(
        osp.join(raw, 'node_year.csv.gz'),
        rng.integers(2000, 2021, size=(num_nodes, 1)),
    )
    _csv(osp.join(raw, 'node-label.csv.gz'), label.reshape(-1, 1))
    perm = rng.permutation(num_nodes)
    n = num_nodes // 5
    split_dir = osp.join(folder, 'split', 'time')
    _csv(osp.join(split_dir, 'train.csv.gz'), np.sort(perm[2 * n :]))
    _csv(osp.join(split_dir, 'valid.csv.gz'), np.sort(perm[:n]))
    _csv(osp.join(split_dir, 'test.csv.gz'), np.sort(perm[n : 2 * n]))
    _release(folder)
    return folder


@pytest.fixture
def import_example():
    r"""Imports :obj:`examples/<name>.py` as a module."""
    return _import_example


@pytest.fixture
def offline(monkeypatch):
    r"""No mirror and no download: the tiny OGB folders must suffice."""
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')


@pytest.fixture
def ogb_folder(tmp_path):
    r"""Writes the tiny OGB folder of a dataset name under :obj:`tmp_path`
    and returns :obj:`tmp_path` (the :obj:`root`)."""

    def write(name: str) -> str:
        if name == 'ogbn-arxiv':
            write_ogbn_arxiv(str(tmp_path))
        else:
            write_ogbl(str(tmp_path), name)
        return str(tmp_path)

    return write


@pytest.fixture(autouse=True)
def single_thread():
    r"""The examples run tiny budgets here: with several intra-op threads on
    a busy machine, each small kernel waits for its threads (a 30-epoch MLP
    on 90 nodes took 47 s with 2 threads under load, 0.4 s with 1)."""
    num_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(num_threads)
