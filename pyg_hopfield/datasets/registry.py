r"""The name -> dataset registry behind :func:`load`.

The registry is data: each name, its aliases and where its class lives.
Listing the names (:func:`available_datasets`, ``pyg-hopfield datasets``)
imports no dataset module, hence neither torch_geometric nor ogb;
:func:`load` imports the one module it needs."""

import importlib
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from torch_geometric.data import InMemoryDataset


class _Entry(NamedTuple):
    module: str  # the module inside pyg_hopfield.datasets
    cls: str  # the class in it
    family: bool  # the class takes the dataset name: cls(root, name)
    aliases: tuple[str, ...] = ()


# The family names repeat the classes' `names` lists (checked by
# tests/datasets/test_dataset_registry.py) so that listing them stays cheap.
_REGISTRY: dict[str, _Entry] = {
    'BlogCatalog': _Entry('node2vec_datasets', 'BlogCatalog', False),
    'PPI': _Entry(
        'node2vec_datasets',
        'Node2VecPPI',
        False,
        ('Node2VecPPI', 'Homo_sapiens'),
    ),
    'Wikipedia': _Entry(
        'node2vec_datasets', 'WikipediaPOS', False, ('WikipediaPOS', 'POS')
    ),
}
for _name in ['AstroPh', 'CondMat', 'GrQc', 'HepPh', 'HepTh']:
    _REGISTRY[_name] = _Entry(
        'snap_collaboration', 'SNAPCollaboration', True, (f'ca-{_name}',)
    )
for _name, _aliases in [
    ('USAir', ()),
    ('PB', ()),
    ('Power', ()),
    ('Celegans', ('C.Ele', 'C.elegans')),
    ('arXiv', ('SEAL-arxiv',)),
]:
    _REGISTRY[_name] = _Entry('seal_datasets', 'SEALDataset', True, _aliases)
for _name in ['Cora', 'CiteSeer', 'PubMed']:
    _REGISTRY[_name] = _Entry('planetoid', 'PlanetoidDataset', True)
for _name in ['ogbl-ddi', 'ogbl-collab', 'ogbn-arxiv', 'ogbl-ppa']:
    # Importing ogb starts a version-check thread: only on load().
    _REGISTRY[_name] = _Entry(
        'ogb_datasets',
        'OGBNodeDataset' if _name.startswith('ogbn') else 'OGBLinkDataset',
        True,
        (_name.replace('-', '_'),),
    )
_REGISTRY['MovieLens100K'] = _Entry(
    'movielens', 'MovieLens100K', False, ('ml-100k', 'MovieLens-100K')
)

_LOOKUP: dict[str, str] = {}
for _name, _entry in _REGISTRY.items():
    for _key in (_name,) + _entry.aliases:
        _LOOKUP[_key.lower()] = _name


def available_datasets() -> list[str]:
    r"""The canonical names accepted by :func:`load` (aliases such as
    :obj:`"C.Ele"` and any letter case are accepted too).

    Examples:
        >>> 'USAir' in available_datasets()
        True
    """
    return list(_REGISTRY.keys())


def load(
    name: str,
    root: str | None = None,
    **kwargs: Any,
) -> 'InMemoryDataset':
    r"""Loads the dataset :obj:`name` (case-insensitive, see
    :func:`available_datasets`); :obj:`dataset[0]` is a
    :class:`~torch_geometric.data.Data` with an undirected, coalesced,
    self-loop-free :obj:`edge_index`, :obj:`num_nodes` and, where the
    dataset has them, :obj:`y` (multi-label: dense float :obj:`{0, 1}`
    :obj:`[N, C]`; single-label: :obj:`long` :obj:`[N]`) and
    :obj:`edge_weight`.

    Raw files come from :obj:`root/<name>/raw`, else from the mirror folder
    :obj:`$PYG_HOPFIELD_DATA` (laid out like the project's
    ``shared/datasets``; never written to), else from a copy shipped in the
    package (USAir), else from the canonical URL (sha256-checked; disabled
    by :obj:`PYG_HOPFIELD_OFFLINE=1`).

    Args:
        name (str): The dataset name, e.g. :obj:`"BlogCatalog"`,
            :obj:`"HepTh"`, :obj:`"USAir"`, :obj:`"Cora"`,
            :obj:`"ogbl-ddi"`.
        root (str, optional): The cache folder. If :obj:`None`, uses
            :obj:`$PYG_HOPFIELD_ROOT` or :obj:`~/.cache/pyg_hopfield`.
            (default: :obj:`None`)
        **kwargs (optional): Further arguments of the dataset class
            (:obj:`transform`, :obj:`pre_transform`,
            :obj:`force_reload`, ...).

    Examples:
        >>> import tempfile
        >>> dataset = load('USAir', root=tempfile.mkdtemp(), log=False)
        >>> dataset[0]
        Data(edge_index=[2, 4252], num_nodes=332)
    """
    key = str(name).lower()
    if key not in _LOOKUP:
        raise ValueError(
            f"'name' got the unknown dataset '{name}'; use one "
            f'of {available_datasets()} (case-insensitive)'
        )
    name = _LOOKUP[key]
    entry = _REGISTRY[name]
    module = importlib.import_module(f'pyg_hopfield.datasets.{entry.module}')
    cls = getattr(module, entry.cls)
    if entry.family:
        return cls(root, name, **kwargs)
    return cls(root, **kwargs)
