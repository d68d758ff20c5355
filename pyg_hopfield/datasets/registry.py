r"""The name -> dataset registry behind :func:`load`."""
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

from torch_geometric.data import InMemoryDataset

from pyg_hopfield.datasets.node2vec_datasets import (
    BlogCatalog,
    Node2VecPPI,
    WikipediaPOS,
)
from pyg_hopfield.datasets.planetoid import PlanetoidDataset
from pyg_hopfield.datasets.seal_datasets import SEALDataset
from pyg_hopfield.datasets.snap_collaboration import SNAPCollaboration


class _Entry(NamedTuple):
    factory: Callable[..., InMemoryDataset]
    aliases: Tuple[str, ...]


def _single(cls) -> Callable[..., InMemoryDataset]:
    def factory(root: Optional[str], **kwargs: Any) -> InMemoryDataset:
        return cls(root, **kwargs)

    return factory


def _family(cls, name: str) -> Callable[..., InMemoryDataset]:
    def factory(root: Optional[str], **kwargs: Any) -> InMemoryDataset:
        return cls(root, name, **kwargs)

    return factory


def _ogb(name: str) -> Callable[..., InMemoryDataset]:
    def factory(root: Optional[str], **kwargs: Any) -> InMemoryDataset:
        # Imported lazily: importing ogb starts a version-check thread.
        from pyg_hopfield.datasets.ogb_datasets import (
            OGBLinkDataset,
            OGBNodeDataset,
        )
        cls = OGBNodeDataset if name.startswith('ogbn') else OGBLinkDataset
        return cls(root, name, **kwargs)

    return factory


_REGISTRY: Dict[str, _Entry] = {
    'BlogCatalog': _Entry(_single(BlogCatalog), ()),
    'PPI': _Entry(_single(Node2VecPPI), ('Node2VecPPI', 'Homo_sapiens')),
    'Wikipedia': _Entry(_single(WikipediaPOS), ('WikipediaPOS', 'POS')),
}
for _name in SNAPCollaboration.names:
    _REGISTRY[_name] = _Entry(_family(SNAPCollaboration, _name),
                              (f'ca-{_name}', ))
for _name, _aliases in [('USAir', ()), ('PB', ()), ('Power', ()),
                        ('Celegans', ('C.Ele', 'C.elegans')),
                        ('arXiv', ('SEAL-arxiv', ))]:
    _REGISTRY[_name] = _Entry(_family(SEALDataset, _name), _aliases)
for _name in PlanetoidDataset.names:
    _REGISTRY[_name] = _Entry(_family(PlanetoidDataset, _name), ())
for _name in ['ogbl-ddi', 'ogbl-collab', 'ogbn-arxiv', 'ogbl-ppa']:
    _REGISTRY[_name] = _Entry(_ogb(_name), (_name.replace('-', '_'), ))

_LOOKUP: Dict[str, str] = {}
for _name, _entry in _REGISTRY.items():
    for _key in (_name, ) + _entry.aliases:
        _LOOKUP[_key.lower()] = _name


def available_datasets() -> List[str]:
    r"""The canonical names accepted by :func:`load` (aliases such as
    :obj:`"C.Ele"` and any letter case are accepted too).

    Examples:
        >>> 'USAir' in available_datasets()
        True
    """
    return list(_REGISTRY.keys())


def load(
    name: str,
    root: Optional[str] = None,
    **kwargs: Any,
) -> InMemoryDataset:
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
        raise ValueError(f"'name' got the unknown dataset '{name}'; use one "
                         f"of {available_datasets()} (case-insensitive)")
    return _REGISTRY[_LOOKUP[key]].factory(root, **kwargs)
