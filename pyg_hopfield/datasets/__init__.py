r"""Benchmark graphs of the Hopfield/associative-memory embedding papers, as
PyG :class:`~torch_geometric.data.InMemoryDataset` classes, and the
:func:`load` registry."""

import importlib
from typing import Any

from pyg_hopfield.datasets.registry import available_datasets, load

# Public name -> the module defining it, imported on first access (PEP 562):
# the dataset modules import torch_geometric (and the OGB ones ogb, which
# starts a network version check), which listing the registry must not.
_LAZY = {
    'BlogCatalog': 'node2vec_datasets',
    'Node2VecPPI': 'node2vec_datasets',
    'WikipediaPOS': 'node2vec_datasets',
    'SNAPCollaboration': 'snap_collaboration',
    'SEALDataset': 'seal_datasets',
    'PlanetoidDataset': 'planetoid',
    'OGBLinkDataset': 'ogb_datasets',
    'OGBNodeDataset': 'ogb_datasets',
    'MovieLens100K': 'movielens',
    'default_root': '_base',
}

__all__ = [
    'BlogCatalog',
    'Node2VecPPI',
    'WikipediaPOS',
    'SNAPCollaboration',
    'SEALDataset',
    'PlanetoidDataset',
    'OGBLinkDataset',
    'OGBNodeDataset',
    'MovieLens100K',
    'load',
    'available_datasets',
    'default_root',
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f'{__name__}.{_LAZY[name]}')
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
