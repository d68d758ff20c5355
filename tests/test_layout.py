r"""The package's floors (docs/source/layout.rst): a module imports only from
its own floor or the floors below, never upwards."""

import ast
import pathlib

import pyg_hopfield

FLOORS = {
    'io': 2,  # the edge reader builds its CSR with utils.sparse_graph
    'utils': 2,
    'transforms': 3,
    'evaluation': 3,
    'memory': 3,
    'datasets': 3,
    'plot': 3,
    'nn': 4,
    'methods': 5,
    'distributed': 5,
    'protocols': 6,
    'paper_tables': 6,
    'cli': 7,
}
ROOT = pathlib.Path(pyg_hopfield.__file__).parent


def imported_parts(tree: ast.AST) -> set[str]:
    r"""The top-level parts of :obj:`pyg_hopfield` a module imports,
    including imports inside functions."""
    parts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = node.module.split('.')
            if names[0] != 'pyg_hopfield':
                continue
            if len(names) > 1:
                parts.add(names[1])
            else:  # from pyg_hopfield import nn, utils
                parts.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split('.')
                if names[0] == 'pyg_hopfield' and len(names) > 1:
                    parts.add(names[1])
    return parts


def test_every_part_has_a_floor():
    parts = {
        path.stem if path.is_file() else path.name
        for path in ROOT.iterdir()
        if (path.suffix == '.py' and path.stem != '__init__')
        or (path.is_dir() and (path / '__init__.py').exists())
    }
    assert parts == set(FLOORS)


def test_no_module_imports_upwards():
    upward = []
    for path in ROOT.rglob('*.py'):
        relative = path.relative_to(ROOT)
        if relative.name == '__init__.py' and len(relative.parts) == 1:
            continue  # the package's lazy attribute access
        part = relative.parts[0].removesuffix('.py')
        tree = ast.parse(path.read_text())
        for other in imported_parts(tree) - {part, '__version__'}:
            if FLOORS[other] > FLOORS[part]:
                upward.append(f'{relative} imports pyg_hopfield.{other}')
    assert upward == []


def test_the_checker_sees_imports_in_functions():
    tree = ast.parse(
        'def f():\n    from pyg_hopfield import cli, nn\n'
        'import pyg_hopfield.methods\n'
    )
    assert imported_parts(tree) == {'cli', 'nn', 'methods'}
