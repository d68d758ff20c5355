r"""Associative-memory graph embeddings for PyTorch Geometric."""
from pyg_hopfield import typing
from pyg_hopfield import utils
from pyg_hopfield import transforms
from pyg_hopfield import datasets
from pyg_hopfield import evaluation
from pyg_hopfield import nn
from pyg_hopfield import memory
from pyg_hopfield import distributed

__version__ = '0.1.0'

__all__ = [
    'typing',
    'utils',
    'transforms',
    'datasets',
    'evaluation',
    'nn',
    'memory',
    'distributed',
    '__version__',
]
