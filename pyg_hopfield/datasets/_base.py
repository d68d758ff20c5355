r"""Shared machinery of the dataset classes: where raw files come from, how
they are checked, and how every graph is brought into one canonical form.

Raw files are looked up in this order (see :func:`fetch_raw_file`):

1. ``<root>/<name>/raw/<file>`` (files you put there yourself are trusted,
   as in PyG, and are not checksummed; a parse error still names them);
2. the local mirror folder named by the environment variable
   ``PYG_HOPFIELD_DATA``, laid out like the project's ``shared/datasets``
   folder (the file is sha256-checked, then *copied* into ``raw/``; the
   mirror is never written to);
3. a copy shipped inside the package (``pyg_hopfield/datasets/data/``, only
   USAir), sha256-checked and copied;
4. the canonical URL, through :func:`torch_geometric.data.download_url`,
   sha256-checked after the download (a mismatching download is deleted).
   Setting ``PYG_HOPFIELD_OFFLINE=1`` disables this step.

``root=None`` resolves to ``$PYG_HOPFIELD_ROOT`` if set, else to
``~/.cache/pyg_hopfield``.
"""

import hashlib
import os
import os.path as osp
import shutil
from collections.abc import Callable
from typing import ClassVar, NamedTuple

import numpy as np
import torch
from torch import Tensor
from torch_geometric.data import Data, InMemoryDataset, download_url
from torch_geometric.transforms import BaseTransform, Compose
from torch_geometric.utils import (
    coalesce,
    remove_self_loops,
    to_undirected,
)

from pyg_hopfield.utils.atomic import atomic_path, save_atomic

#: Environment variable naming a read-only local mirror of the raw files.
MIRROR_ENV = 'PYG_HOPFIELD_DATA'
#: Environment variable naming the default ``root`` folder.
ROOT_ENV = 'PYG_HOPFIELD_ROOT'
#: Environment variable that, when set to a true value, forbids downloads.
OFFLINE_ENV = 'PYG_HOPFIELD_OFFLINE'

PACKAGE_DATA_DIR = osp.join(osp.dirname(osp.abspath(__file__)), 'data')


class RawFile(NamedTuple):
    r"""One raw file of a dataset: its name inside ``raw/``, its canonical
    URL, its sha256 (:obj:`None` if unknown) and its path inside the
    mirror."""

    name: str
    url: str
    sha256: str | None
    mirror_path: str


def default_root() -> str:
    r"""The default dataset cache folder: ``$PYG_HOPFIELD_ROOT`` if set, else
    ``~/.cache/pyg_hopfield``."""
    root = os.environ.get(ROOT_ENV)
    if root:
        return osp.expanduser(root)
    return osp.join(osp.expanduser('~'), '.cache', 'pyg_hopfield')


def resolve_root(root: str | None) -> str:
    path = default_root() if root is None else osp.expanduser(str(root))
    if osp.exists(path) and not osp.isdir(path):
        raise ValueError(
            f"'root' must be a folder (the dataset cache), but "
            f"'{path}' is a file; pass a folder path"
        )
    return path


def drop_broken_files(raw_dir: str, processed_dir: str) -> None:
    r"""Removes what an interrupted write can have left behind in a dataset
    folder, so that it is fetched or processed again instead of read: empty
    raw files, and processed :obj:`.pt` files that are not complete
    :func:`torch.save` archives (an archive's directory is written last)."""
    import zipfile

    for folder, check in ((raw_dir, None), (processed_dir, 'pt')):
        if not osp.isdir(folder):
            continue
        for name in os.listdir(folder):
            path = osp.join(folder, name)
            if not osp.isfile(path):
                continue
            if osp.getsize(path) == 0 or (
                check and name.endswith('.pt') and not zipfile.is_zipfile(path)
            ):
                os.remove(path)


def is_offline() -> bool:
    return os.environ.get(OFFLINE_ENV, '').lower() in {'1', 'true', 'yes'}


def mirror_dir() -> str | None:
    path = os.environ.get(MIRROR_ENV)
    return osp.expanduser(path) if path else None


def sha256sum(path: str) -> str:
    r"""The hex sha256 of the file at :obj:`path`."""
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def check_sha256(path: str, expected: str | None) -> None:
    r"""Raises a :class:`RuntimeError` naming :obj:`path` if its sha256 is
    not :obj:`expected` (nothing is checked if :obj:`expected` is
    :obj:`None`)."""
    if expected is None:
        return
    actual = sha256sum(path)
    if actual != expected:
        raise RuntimeError(
            f"Checksum mismatch for '{path}': sha256 is {actual} but "
            f'{expected} was expected. The file is corrupt, truncated or a '
            f'different version; replace it with the original file'
        )


def copy_file(src: str, dst: str) -> None:
    r"""Copies the bytes only (never the read-only mode of a mirror),
    atomically."""
    with atomic_path(dst) as tmp:
        shutil.copyfile(src, tmp)


def missing_file_message(
    dataset: str, raw_file: RawFile, dst: str, reason: str
) -> str:
    return (
        f"Could not find the raw file '{raw_file.name}' of dataset "
        f"'{dataset}' ({reason}). Either put it at '{dst}', or set the "
        f'environment variable {MIRROR_ENV} to a mirror folder holding '
        f"'<mirror>/{raw_file.mirror_path}', or let it be downloaded "
        f'from {raw_file.url} (unset {OFFLINE_ENV})'
    )


def fetch_raw_file(
    raw_file: RawFile,
    raw_dir: str,
    dataset: str,
    packaged: bool = False,
    log: bool = True,
) -> str:
    r"""Brings :obj:`raw_file` into :obj:`raw_dir` (see the module docstring
    for the lookup order) and returns its path there."""
    dst = osp.join(raw_dir, raw_file.name)
    if osp.isfile(dst):
        if osp.getsize(dst) > 0:
            return dst
        os.remove(dst)  # left by an interrupted write: never preferred

    sources: list[str] = []
    mirror = mirror_dir()
    if mirror is not None:
        sources.append(osp.join(mirror, raw_file.mirror_path))
    if packaged:
        sources.append(osp.join(PACKAGE_DATA_DIR, raw_file.name))
    for src in sources:
        if osp.isfile(src):
            check_sha256(src, raw_file.sha256)
            copy_file(src, dst)
            return dst

    if is_offline():
        raise FileNotFoundError(
            missing_file_message(
                dataset,
                raw_file,
                dst,
                f'downloads are disabled by {OFFLINE_ENV}',
            )
        )
    # Downloaded to a temporary name, verified, then moved into place: an
    # interrupted or corrupt download never becomes `dst`.
    part = f'.{raw_file.name}.download'
    path = osp.join(raw_dir, part)
    if osp.exists(path):
        os.remove(path)
    try:
        try:
            download_url(raw_file.url, raw_dir, log=log, filename=part)
        except Exception as e:  # no network, HTTP error, ...
            raise FileNotFoundError(
                missing_file_message(
                    dataset, raw_file, dst, f'the download failed: {e!r}'
                )
            ) from e
        try:
            check_sha256(path, raw_file.sha256)
        except RuntimeError as e:
            raise RuntimeError(
                f'{str(e).replace(path, dst)} (downloaded from '
                f"{raw_file.url}; the download was deleted, '{dst}' was not "
                f'written)'
            ) from None
        os.replace(path, dst)
    except BaseException:
        if osp.exists(path):
            os.remove(path)
        raise
    return dst


def save_processed(cls, data_list, path: str) -> None:
    r"""What :meth:`InMemoryDataset.save` writes, written atomically."""
    data, slices = cls.collate(data_list)
    save_atomic((data.to_dict(), slices, data.__class__), path)


def open_error(path: str, what: str, e: BaseException) -> RuntimeError:
    return RuntimeError(
        f"Could not parse '{path}' as {what} ({type(e).__name__}: {e}). The "
        f'file is corrupt or truncated: delete it and load the dataset '
        f'again to fetch a fresh copy'
    )


def is_gzip(path: str) -> bool:
    with open(path, 'rb') as f:
        return f.read(2) == b'\x1f\x8b'


def read_mat(path: str, keys: tuple[str, ...]) -> dict:
    r"""Reads the arrays :obj:`keys` from a MATLAB file, raising an error
    naming :obj:`path` if it cannot be parsed."""
    import scipy.io

    try:
        mat = scipy.io.loadmat(path)
    except Exception as e:
        raise open_error(path, 'a MATLAB .mat file', e) from e
    missing = [key for key in keys if key not in mat]
    if missing:
        raise RuntimeError(
            f"'{path}' has no variable(s) {missing} (found "
            f'{sorted(k for k in mat if not k.startswith("__"))}); it is not '
            f'the expected file'
        )
    return mat


def to_simple_undirected(
    row: np.ndarray,
    col: np.ndarray,
    num_nodes: int,
    edge_weight: np.ndarray | None = None,
) -> tuple[Tensor, Tensor | None]:
    r"""Turns a list of (possibly directed, duplicated or self-looped) edges
    into a simple undirected graph: every unordered pair :math:`\{u, v\}`,
    :math:`u \neq v`, stored once in each direction, sorted (coalesced),
    with self-loops dropped. Weights of the two directions of a pair are
    averaged, so a symmetric weighted matrix keeps its weights."""
    row = torch.from_numpy(np.asarray(row, dtype=np.int64))
    col = torch.from_numpy(np.asarray(col, dtype=np.int64))
    weight = None
    if edge_weight is not None:
        weight = torch.from_numpy(np.asarray(edge_weight, dtype=np.float32))
        weight = weight.clone()
    edge_index, weight = remove_self_loops(torch.stack([row, col]), weight)
    edge_index, weight = to_undirected(
        edge_index, weight, num_nodes=num_nodes, reduce='mean'
    )
    return edge_index, weight


def match_name(name: str, names: list[str], argument: str = 'name') -> str:
    r"""Case-insensitive lookup of :obj:`name` in :obj:`names`."""
    lookup = {n.lower(): n for n in names}
    key = str(name).lower()
    if key not in lookup:
        raise ValueError(
            f"'{argument}' got the unknown dataset '{name}'; "
            f'use one of {names}'
        )
    return lookup[key]


class CanonicalGraph(BaseTransform):
    r"""Brings an OGB graph into the package's canonical form: every
    unordered pair :math:`\{u, v\}`, :math:`u \neq v`, once in each
    direction, coalesced. If :obj:`inverse_added` (OGB stored each edge and
    its inverse), the inverse half is dropped before merging duplicates;
    otherwise directed edges are symmetrised. Duplicate edges (e.g. one per
    year in ogbl-collab) are merged and their :obj:`edge_weight` summed;
    other per-edge attributes (:obj:`edge_attr`, :obj:`edge_year`) are
    dropped. A single-column label :obj:`y` of shape :obj:`[N, 1]` becomes
    :obj:`[N]`."""

    def __init__(self, inverse_added: bool) -> None:
        self.inverse_added = inverse_added

    def forward(self, data: Data) -> Data:
        num_nodes = data.num_nodes
        row, col = data.edge_index
        weight = data.get('edge_weight', None)
        if weight is not None:
            weight = weight.view(-1).to(torch.float)
        if self.inverse_added:
            mask = row < col
        else:
            row, col = torch.minimum(row, col), torch.maximum(row, col)
            mask = row != col
        edge_index = torch.stack([row[mask], col[mask]], dim=0)
        weight = None if weight is None else weight[mask]
        # PyG's functional coalesce / to_undirected rather than its
        # RemoveDuplicatedEdges / ToUndirected transforms: those call
        # Data.is_edge_attr(), which caches an AttrType in the storage that
        # torch.load(weights_only=True) rejects when OGB saves the Data; and
        # summing duplicates after folding (u, v) onto u < v keeps the
        # float sums (ogbl-collab weights) in the order they always had.
        edge_index, weight = coalesce(
            edge_index, weight, num_nodes, reduce='sum'
        )
        # OGB names every per-edge attribute 'edge_*' (edge_attr from
        # edge-feat.csv.gz, edge_year, ...).
        for key in list(data.keys()):
            if key.startswith('edge_') and key != 'edge_index':
                del data[key]
        if weight is None:
            data.edge_index = to_undirected(edge_index, num_nodes=num_nodes)
        else:
            data.edge_index, data.edge_weight = to_undirected(
                edge_index, weight, num_nodes=num_nodes
            )
        data.num_nodes = num_nodes
        y = data.get('y', None)
        if y is not None and y.dim() == 2 and y.size(-1) == 1:
            data.y = y.view(-1)
        return data

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(inverse_added={self.inverse_added})'


def canonical_pre_transform(
    inverse_added: bool,
    pre_transform: Callable | None,
) -> Callable:
    r""":class:`CanonicalGraph`, then the user's :obj:`pre_transform`."""
    canonical = CanonicalGraph(inverse_added)
    if pre_transform is None:
        return canonical
    return Compose([canonical, pre_transform])


class RawFileDataset(InMemoryDataset):
    r"""Base class of the datasets built from a few raw files: ``raw/`` and
    ``processed/`` live under ``root/name``, :meth:`download` fetches every
    :class:`RawFile` of :meth:`raw_files` through :func:`fetch_raw_file`,
    and :meth:`process` builds one :class:`~torch_geometric.data.Data`
    through :meth:`read`, applies ``pre_transform`` and saves it.

    A family of graphs sets :attr:`files` (one raw file a name) and
    :attr:`names`: ``name`` is then matched case-insensitively."""

    #: The raw file of each dataset of the family, by name.
    files: ClassVar[dict[str, RawFile]] = {}
    #: The accepted names (the keys of :attr:`files` for a family).
    names: ClassVar[list[str]] = []
    #: The names of the raw files shipped inside the package.
    packaged_files: tuple[str, ...] = ()

    def __init__(
        self,
        root: str | None,
        name: str,
        transform: Callable | None = None,
        pre_transform: Callable | None = None,
        force_reload: bool = False,
        log: bool = True,
    ) -> None:
        self.name = match_name(name, self.names) if self.names else name
        root = resolve_root(root)
        drop_broken_files(
            osp.join(root, self.name, 'raw'),
            osp.join(root, self.name, 'processed'),
        )
        super().__init__(
            root, transform, pre_transform, force_reload=force_reload, log=log
        )
        self.load(self.processed_paths[0])

    def raw_files(self) -> list[RawFile]:
        return [self.files[self.name]]

    def read(self):
        raise NotImplementedError

    @property
    def raw_dir(self) -> str:
        return osp.join(self.root, self.name, 'raw')

    @property
    def processed_dir(self) -> str:
        return osp.join(self.root, self.name, 'processed')

    @property
    def raw_file_names(self) -> list[str]:
        return [raw_file.name for raw_file in self.raw_files()]

    @property
    def processed_file_names(self) -> str:
        return 'data.pt'

    def download(self) -> None:
        for raw_file in self.raw_files():
            fetch_raw_file(
                raw_file,
                self.raw_dir,
                self.name,
                packaged=raw_file.name in self.packaged_files,
                log=self.log,
            )

    def process(self) -> None:
        data = self.read()
        data = data if self.pre_transform is None else self.pre_transform(data)
        self.save([data], self.processed_paths[0])

    @classmethod
    def save(cls, data_list, path: str) -> None:
        r""":meth:`InMemoryDataset.save`, atomically: a processed file is
        complete or absent."""
        save_processed(cls, data_list, path)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(name={self.name!r})'


class SingleRawFileDataset(RawFileDataset):
    r"""A :class:`RawFileDataset` of one graph, :attr:`dataset_name`: it
    takes no ``name``."""

    dataset_name: ClassVar[str]

    def __init__(
        self,
        root: str | None = None,
        transform: Callable | None = None,
        pre_transform: Callable | None = None,
        force_reload: bool = False,
        log: bool = True,
    ) -> None:
        super().__init__(
            root,
            self.dataset_name,
            transform,
            pre_transform,
            force_reload=force_reload,
            log=log,
        )

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}()'
