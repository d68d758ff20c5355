r"""Sphinx configuration of the pyg_hopfield documentation.

Build (from the repository root)::

    python -m sphinx -W --keep-going -b html docs/source docs/build/html

Set ``PYG_HOPFIELD_DOCS_INTERSPHINX=1`` to link to the PyTorch, PyG, NumPy,
SciPy and scikit-learn docs (needs network access; off by default so that
the build works offline).
"""

import datetime
import glob
import importlib
import inspect
import os

import pyg_hopfield

SOURCE_DIR = os.path.dirname(os.path.abspath(__file__))

project = 'pyg_hopfield'
author = 'pyg-hopfield developers'
copyright = f'{datetime.datetime.now().year}, {author}'
version = pyg_hopfield.__version__
release = pyg_hopfield.__version__

extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.autosummary',
    'sphinx.ext.napoleon',
    'sphinx.ext.mathjax',
    'sphinx.ext.viewcode',
    'sphinx.ext.doctest',
]

templates_path = []
exclude_patterns = ['_build', 'generated']
html_theme = 'furo'
html_title = f'pyg_hopfield {version}'
html_static_path = []

add_module_names = False
autodoc_member_order = 'bysource'
autodoc_typehints = 'description'
autosummary_generate = False  # the reference pages are rendered below
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_custom_sections = [('Shapes', 'params_style')]
mathjax3_config = {'tex': {'macros': {}}}

# Cross-links to other projects need their inventories (network):
if os.environ.get('PYG_HOPFIELD_DOCS_INTERSPHINX', '0') == '1':
    extensions.append('sphinx.ext.intersphinx')
    intersphinx_mapping = {
        'python': ('https://docs.python.org/3', None),
        'numpy': ('https://numpy.org/doc/stable', None),
        'scipy': ('https://docs.scipy.org/doc/scipy', None),
        'sklearn': ('https://scikit-learn.org/stable', None),
        'torch': ('https://pytorch.org/docs/stable', None),
        'torch_geometric': (
            'https://pytorch-geometric.readthedocs.io/en/latest',
            None,
        ),
    }

# The subpackages of the package reference, one page each in modules/:
SUBPACKAGES = [
    'pyg_hopfield.utils',
    'pyg_hopfield.transforms',
    'pyg_hopfield.datasets',
    'pyg_hopfield.evaluation',
    'pyg_hopfield.nn',
    'pyg_hopfield.memory',
    'pyg_hopfield.distributed',
]


def _kind(obj) -> str:
    if inspect.ismodule(obj):
        return 'module'
    if inspect.isclass(obj):
        return 'class'
    if callable(obj):
        return 'function'
    return 'data'


def reference(module_name: str) -> str:
    r"""The reST of one reference page: a summary table and the full
    documentation of every name in the module's :obj:`__all__`, read at
    build time."""
    module = importlib.import_module(module_name)
    names = list(getattr(module, '__all__', []))
    lines = [f'.. automodule:: {module_name}', '']
    if not names:
        return '\n'.join(lines + ['Nothing is exported yet.', ''])
    lines += [
        f'.. currentmodule:: {module_name}',
        '',
        '.. autosummary::',
        '   :nosignatures:',
        '',
    ]
    lines += [f'   {name}' for name in names] + ['']
    for name in names:
        kind = _kind(getattr(module, name))
        lines += [f'.. currentmodule:: {module_name}', '']
        if kind == 'module':
            lines += [
                f'.. automodule:: {module_name}.{name}',
                '   :members:',
                '',
            ]
        elif kind == 'class':
            lines += [
                f'.. autoclass:: {name}',
                '   :members:',
                '   :show-inheritance:',
                '',
            ]
        else:
            lines += [f'.. auto{kind}:: {name}', '']
    return '\n'.join(lines)


def has_pages(folder: str) -> bool:
    r"""Whether :obj:`folder` (e.g. ``tutorials``) holds a page, so that
    its glob toctree is only emitted when it matches something (an empty
    glob is a warning, and we build with ``-W``)."""
    return bool(glob.glob(os.path.join(SOURCE_DIR, folder, '*.rst')))


def render_jinja(app, docname, source):
    r"""Renders the Jinja expressions of the index and the reference pages
    (``{{ reference('pyg_hopfield.nn') }}``)."""
    if docname == 'index' or docname.startswith('modules/'):
        import jinja2

        source[0] = jinja2.Template(source[0]).render(
            reference=reference, has_pages=has_pages
        )


def always_reread(app, env, added, changed, removed):
    # The index's toctrees depend on which tutorial and result pages exist,
    # and the reference pages on the packages' __all__: read them every time.
    return ['index'] + [
        docname for docname in env.found_docs if docname.startswith('modules/')
    ]


def setup(app):
    app.connect('source-read', render_jinja)
    app.connect('env-get-outdated', always_reread)
