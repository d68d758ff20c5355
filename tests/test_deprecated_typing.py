import pytest


def test_typing_module_is_a_deprecated_alias_of_pyg_flags():
    import torch_geometric.typing

    import pyg_hopfield

    assert 'typing' not in pyg_hopfield.__all__
    with pytest.warns(DeprecationWarning, match='torch_geometric.typing'):
        flags = pyg_hopfield.typing
    assert flags is torch_geometric.typing
    assert isinstance(flags.WITH_TORCH_SPARSE, bool)
