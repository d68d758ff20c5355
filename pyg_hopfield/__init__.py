r"""Associative-memory graph embeddings for PyTorch Geometric."""
import pyg_hopfield.typing
import pyg_hopfield.utils
import pyg_hopfield.transforms
import pyg_hopfield.datasets
import pyg_hopfield.evaluation
import pyg_hopfield.nn
import pyg_hopfield.memory
import pyg_hopfield.distributed

__version__ = '0.1.0'

__all__ = [
    '__version__',
]
