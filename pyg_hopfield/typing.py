r"""Optional-dependency flags.

Read them as module attributes at call time (``pyg_hopfield.typing.X``)
so that tests can switch an optional path off with ``monkeypatch``.
"""

import importlib.util

#: Whether the ``torch_sparse`` extension is importable.  PyG's
#: :func:`torch_geometric.utils.spmm` uses it by itself when present; we
#: never import it from model code.
WITH_TORCH_SPARSE: bool = importlib.util.find_spec('torch_sparse') is not None

#: Whether the ``torch_scatter`` extension is importable.
WITH_TORCH_SCATTER: bool = (
    importlib.util.find_spec('torch_scatter') is not None
)

#: Whether ``matplotlib`` is importable (plots in examples and the CLI).
WITH_MATPLOTLIB: bool = importlib.util.find_spec('matplotlib') is not None

__all__ = ['WITH_TORCH_SPARSE', 'WITH_TORCH_SCATTER', 'WITH_MATPLOTLIB']
