r"""Associative-memory graph embeddings for PyTorch Geometric."""

import importlib
import warnings
from typing import Any

__version__ = '0.1.0'

__all__ = [
    'io',
    'utils',
    'transforms',
    'datasets',
    'evaluation',
    'nn',
    'memory',
    'distributed',
    'methods',
    'protocols',
    'plot',
    '__version__',
]

# The subpackages are imported on first access (PEP 562), not here: they
# pull in torch_geometric, sklearn and scipy (seconds of start-up), which
# `pyg-hopfield --help` and `pyg-hopfield datasets` do not need.
# `import pyg_hopfield.nn` and `from pyg_hopfield.nn import ...` work as
# always; `pyg_hopfield.nn` imports the subpackage when first touched.
_SUBPACKAGES = frozenset(__all__) - {'__version__'}


def __getattr__(name: str) -> Any:
    if name == 'typing':  # the module is gone: PyG's flags cover it
        warnings.warn(
            "'pyg_hopfield.typing' is deprecated and will be removed; read "
            "the optional-dependency flags from 'torch_geometric.typing'",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module('torch_geometric.typing')
    if name in _SUBPACKAGES:
        module = importlib.import_module(f'{__name__}.{name}')
        globals()[name] = module
        return module
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBPACKAGES)
