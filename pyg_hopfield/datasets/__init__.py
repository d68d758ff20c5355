r"""Benchmark graphs of the Hopfield/associative-memory embedding papers, as
PyG :class:`~torch_geometric.data.InMemoryDataset` classes, and the
:func:`load` registry."""
from typing import Any

from pyg_hopfield.datasets._base import default_root
from pyg_hopfield.datasets.node2vec_datasets import (
    BlogCatalog,
    Node2VecPPI,
    WikipediaPOS,
)
from pyg_hopfield.datasets.planetoid import PlanetoidDataset
from pyg_hopfield.datasets.registry import available_datasets, load
from pyg_hopfield.datasets.seal_datasets import SEALDataset
from pyg_hopfield.datasets.snap_collaboration import SNAPCollaboration

_LAZY = ['OGBLinkDataset', 'OGBNodeDataset']

__all__ = [
    'BlogCatalog',
    'Node2VecPPI',
    'WikipediaPOS',
    'SNAPCollaboration',
    'SEALDataset',
    'PlanetoidDataset',
    'OGBLinkDataset',
    'OGBNodeDataset',
    'load',
    'available_datasets',
    'default_root',
]


def __getattr__(name: str) -> Any:
    # The OGB classes subclass ogb's loaders; importing ogb starts a network
    # version check, so it happens on first use only.
    if name in _LAZY:
        from pyg_hopfield.datasets import ogb_datasets
        return getattr(ogb_datasets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
