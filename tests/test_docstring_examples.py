r"""Runs every ``>>>`` example in the package's docstrings."""

import doctest
import importlib
import pkgutil

import pytest

import pyg_hopfield

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(pyg_hopfield.__path__, 'pyg_hopfield.')
)


@pytest.mark.parametrize('name', MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.failed == 0
