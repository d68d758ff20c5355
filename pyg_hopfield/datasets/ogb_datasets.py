r"""Open Graph Benchmark datasets through :mod:`ogb`'s own PyG loaders, with
local copies staged from the mirror, a fix for :obj:`torch.load`'s
``weights_only`` default of PyTorch 2.6+, and the graph brought into the
package's canonical form (undirected, coalesced, without self-loops)."""

import contextlib
import os
import os.path as osp
from collections.abc import Callable, Iterator

import numpy as np
import torch

from pyg_hopfield.datasets._base import (
    MIRROR_ENV,
    OFFLINE_ENV,
    canonical_pre_transform,
    check_sha256,
    copy_file,
    is_offline,
    match_name,
    mirror_dir,
    resolve_root,
)
from pyg_hopfield.utils.atomic import atomic_write, save_atomic

LINK_NAMES = ['ogbl-ddi', 'ogbl-collab', 'ogbl-ppa']
NODE_NAMES = ['ogbn-arxiv']

# sha256 of the files of the project's mirror (relative to <mirror>/ogb/).
_SHA256: dict[str, str] = {
    'ogbl_ddi/RELEASE_v1.txt': '642c335e677fc2bd3fa1bd883b512ae3dd9110bbaa78a5c753d8cbde18d2c9f0',
    'ogbl_ddi/mapping/README.md': '99ff0e0597e2d10c1d85f832d0e3adec3691f30872e10f5ddfd4c2cc48c320aa',
    'ogbl_ddi/mapping/nodeidx2drugid.csv.gz': '06eca54dc8f24f112a307a435ed948a3dc6255185a133f4b64ff1ccb8e22caf0',
    'ogbl_ddi/raw/edge.csv.gz': 'b2c585f425f49b640ee5a3b451069124651ee0f2863a5b6ee6737a6b14c27a6e',
    'ogbl_ddi/raw/num-node-list.csv.gz': '8462870f1b8c5937c66600aeb460af98d4f9965639fcd30f72f97da95ab374e3',
    'ogbl_ddi/raw/num-edge-list.csv.gz': '52d2f0c08beb8817e8b42a95b5f110fd90028bd34fa6acef284847377d764d8a',
    'ogbl_ddi/split/target/valid.pt': '4a48348f01fad0980a5be269fff7ace300e963144eef22d5ec4fc9830df872ac',
    'ogbl_ddi/split/target/test.pt': 'b45cfcf1695babf5a13e90bdf08988be23570ca76af0737f9d517e005ea7e297',
}

#: Name of the marker file written next to a reconstructed ``train.pt``.
INFERRED_MARKER = 'TRAIN_INFERRED.txt'


@contextlib.contextmanager
def _trusted_torch_load() -> Iterator[None]:
    r"""Lets :obj:`torch.load(weights_only=True)` (the default since PyTorch
    2.6) read what :mod:`ogb` 1.3 writes: collated PyG data and pickled
    numpy integer arrays, and nothing else."""
    if not hasattr(torch.serialization, 'safe_globals'):  # PyTorch < 2.5
        yield
        return
    from torch_geometric.data.data import DataEdgeAttr, DataTensorAttr
    from torch_geometric.data.storage import AttrType, GlobalStorage

    try:
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct
    allowed = [
        DataEdgeAttr,
        DataTensorAttr,
        GlobalStorage,
        AttrType,
        np.ndarray,
        np.dtype,
        _reconstruct,
        (_reconstruct, 'numpy.core.multiarray._reconstruct'),
        (_reconstruct, 'numpy._core.multiarray._reconstruct'),
    ]
    allowed += [
        type(np.dtype(t))
        for t in (np.int64, np.int32, np.float32, np.float64, np.bool_)
    ]
    with torch.serialization.safe_globals(allowed):
        yield


def _dir_name(name: str) -> str:
    return name.replace('-', '_')


def stage_ogb(root: str, name: str) -> str:
    r"""Makes the OGB folder :obj:`root/<name with _>` ready for :mod:`ogb`
    without a download: copies (sha256-checked, never modifying the mirror)
    every file of :obj:`$PYG_HOPFIELD_DATA/ogb/<name with _>/` that the
    folder lacks, and, for :obj:`"ogbl-ddi"` only, reconstructs a missing
    :obj:`split/target/train.pt` from :obj:`raw/edge.csv.gz` (see
    :class:`OGBLinkDataset`). Returns the folder."""
    dir_name = _dir_name(name)
    dst_dir = osp.join(root, dir_name)
    mirror = mirror_dir()
    src_dir = None if mirror is None else osp.join(mirror, 'ogb', dir_name)
    if src_dir is not None and osp.isdir(src_dir):
        for folder, _, files in os.walk(src_dir):
            for file in files:
                src = osp.join(folder, file)
                rel = osp.relpath(src, src_dir)
                dst = osp.join(dst_dir, rel)
                if not osp.exists(dst):
                    check_sha256(
                        src,
                        _SHA256.get(f'{dir_name}/{rel}'.replace(os.sep, '/')),
                    )
                    copy_file(src, dst)

    release = osp.isdir(dst_dir) and any(
        f.startswith('RELEASE_v') for f in os.listdir(dst_dir)
    )
    if osp.isdir(dst_dir) and not release:
        # ogb would ask on stdin whether to delete the folder.
        raise FileNotFoundError(
            f"'{dst_dir}' exists but lacks OGB's 'RELEASE_v*.txt'; it is not "
            f'a complete OGB download. Delete it, or complete it with the '
            f"extracted OGB folder of '{name}'"
        )
    if not osp.isdir(dst_dir) and is_offline():
        raise FileNotFoundError(
            f"Could not find the OGB dataset '{name}': put the extracted OGB "
            f"folder at '{dst_dir}' (raw/, split/, RELEASE_v1.txt), or set "
            f"{MIRROR_ENV} to a mirror holding '<mirror>/ogb/{dir_name}/', "
            f'or unset {OFFLINE_ENV} to let ogb download it'
        )

    if name == 'ogbl-ddi' and osp.isdir(dst_dir):
        _infer_ddi_train_split(dst_dir)
    return dst_dir


def _infer_ddi_train_split(folder: str) -> None:
    split_dir = osp.join(folder, 'split', 'target')
    train_path = osp.join(split_dir, 'train.pt')
    edge_path = osp.join(folder, 'raw', 'edge.csv.gz')
    if osp.exists(train_path) or not osp.exists(edge_path):
        return
    import pandas as pd

    edge = pd.read_csv(edge_path, compression='gzip', header=None)
    edge = edge.to_numpy().astype(np.int64)
    # The marker first, then train.pt, each atomically: an interrupted run
    # never leaves a reconstructed train.pt that passes for OGB's own.
    with atomic_write(osp.join(split_dir, INFERRED_MARKER)) as f:
        f.write(
            'train.pt was reconstructed by pyg_hopfield from '
            "raw/edge.csv.gz (same edges in the same order); OGB's "
            'original train.pt was missing. The edge set is inferred, '
            'not verified.\n'
        )
    save_atomic({'edge': edge}, train_path)


def _prepare(root: str | None, name: str, force_reload: bool) -> str:
    root = resolve_root(root)
    folder = stage_ogb(root, name)
    if force_reload:
        processed = osp.join(folder, 'processed')
        if osp.isdir(processed):
            import shutil

            shutil.rmtree(processed)
    return root


def _ogb_link_class():
    from ogb.linkproppred import PygLinkPropPredDataset

    return PygLinkPropPredDataset


def _ogb_node_class():
    from ogb.nodeproppred import PygNodePropPredDataset

    return PygNodePropPredDataset


class _StagedOGB:
    # The constructor and repr shared by the OGB classes: the name is
    # matched, the mirror staged and CanonicalGraph put before the user's
    # pre_transform.
    names: list[str]
    task: str

    def __init__(
        self,
        root: str | None,
        name: str,
        transform: Callable | None = None,
        pre_transform: Callable | None = None,
        force_reload: bool = False,
    ) -> None:
        name = match_name(name, self.names)
        root = _prepare(root, name, force_reload)
        inverse = _ogb_meta(self.task, name)['add_inverse_edge'] == 'True'
        with _trusted_torch_load():
            super().__init__(
                name,
                root=root,
                transform=transform,
                pre_transform=canonical_pre_transform(inverse, pre_transform),
            )

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(name={self.name!r})'


class OGBLinkDataset(_StagedOGB, _ogb_link_class()):
    r"""The link-prediction datasets (:obj:`"ogbl-ddi"`,
    :obj:`"ogbl-collab"`, :obj:`"ogbl-ppa"`) from the `"Open Graph
    Benchmark: Datasets for Machine Learning on Graphs"
    <https://arxiv.org/abs/2005.00687>`_ paper, through :mod:`ogb`'s
    :class:`~ogb.linkproppred.PygLinkPropPredDataset`.

    Before :mod:`ogb` looks at :obj:`root/<name with _>/`, the files it
    lacks are copied from :obj:`$PYG_HOPFIELD_DATA/ogb/<name with _>/`
    (sha256-checked for ogbl-ddi), so no download happens when the mirror
    has them; otherwise :mod:`ogb` downloads the zip from
    snap.stanford.edu/ogb (unless :obj:`$PYG_HOPFIELD_OFFLINE` is set).
    :obj:`data.edge_index` is made undirected, coalesced and loop-free by
    :class:`CanonicalGraph` before any :obj:`pre_transform`
    (ogbl-collab: duplicate per-year edges are merged, their
    :obj:`edge_weight` summed, :obj:`edge_year` dropped).
    :meth:`get_edge_split` works with PyTorch 2.6+.

    .. note::
        The project's mirror copy of ogbl-ddi lacks
        :obj:`split/target/train.pt`. When it is missing, it is
        **reconstructed from** :obj:`raw/edge.csv.gz` (the same 1,067,911
        edges, in file order) and a :obj:`TRAIN_INFERRED.txt` marker is
        written next to it; :attr:`train_split_inferred` is then
        :obj:`True`. This is inferred, not verified: the raw edges have
        the training count and are disjoint from the valid/test
        positives and negatives, but OGB's original row order is unknown.

    Args:
        root (str, optional): Root directory of OGB folders. If
            :obj:`None`, uses :obj:`$PYG_HOPFIELD_ROOT` or
            :obj:`~/.cache/pyg_hopfield`.
        name (str): The name of the dataset (:obj:`"ogbl-ddi"`,
            :obj:`"ogbl-collab"`, :obj:`"ogbl-ppa"`; case-insensitive).
        transform, force_reload (optional): As in
            :class:`~torch_geometric.data.InMemoryDataset`.
        pre_transform (callable, optional): Applied once, after
            :class:`CanonicalGraph`, before saving. (default: :obj:`None`)

    **STATS:**

    .. list-table::
        :widths: 10 10 10 10
        :header-rows: 1

        * - Name
          - #nodes
          - #edges (train / valid / test)
          - measured here
        * - ogbl-ddi
          - 4,267
          - 1,067,911 / 133,489 / 133,489
          - yes (mirror copy)
        * - ogbl-collab
          - 235,868
          - 1,285,465 in all (OGB's figure)
          - no local copy
        * - ogbl-ppa
          - 576,289
          - 30,326,273 in all (OGB's figure)
          - no local copy
    """

    names = LINK_NAMES
    task = 'link'

    @property
    def train_split_inferred(self) -> bool:
        r"""Whether :obj:`train.pt` was reconstructed by this package."""
        return osp.exists(
            osp.join(
                self.root,
                'split',
                str(self.meta_info['split']),
                INFERRED_MARKER,
            )
        )

    def get_edge_split(self, split_type: str | None = None) -> dict:
        r"""OGB's train/valid/test edge split (a dict of dicts of tensors)."""
        with _trusted_torch_load():
            return super().get_edge_split(split_type)


class OGBNodeDataset(_StagedOGB, _ogb_node_class()):
    r"""The node-property datasets (:obj:`"ogbn-arxiv"`) from the `"Open
    Graph Benchmark: Datasets for Machine Learning on Graphs"
    <https://arxiv.org/abs/2005.00687>`_ paper, through :mod:`ogb`'s
    :class:`~ogb.nodeproppred.PygNodePropPredDataset`, staged from the
    mirror like :class:`OGBLinkDataset`. The directed citation graph is
    symmetrised (as OGB's own arxiv examples do with
    :class:`~torch_geometric.transforms.ToUndirected`) by
    :class:`CanonicalGraph`, and :obj:`y` has shape :obj:`[N]`.

    Args:
        root (str, optional): Root directory of OGB folders. If
            :obj:`None`, uses :obj:`$PYG_HOPFIELD_ROOT` or
            :obj:`~/.cache/pyg_hopfield`.
        name (str): The name of the dataset (:obj:`"ogbn-arxiv"`).
        transform, force_reload (optional): As in
            :class:`~torch_geometric.data.InMemoryDataset`.
        pre_transform (callable, optional): Applied once, after
            :class:`CanonicalGraph`, before saving. (default: :obj:`None`)

    **STATS:**

    .. list-table::
        :widths: 10 10 10 10 10
        :header-rows: 1

        * - Name
          - #nodes
          - #edges (directed, OGB's figure)
          - #features
          - #classes
        * - ogbn-arxiv
          - 169,343
          - 1,166,243 (no local copy: not measured here)
          - 128
          - 40
    """

    names = NODE_NAMES
    task = 'node'

    def get_idx_split(self, split_type: str | None = None) -> dict:
        r"""OGB's train/valid/test node split."""
        with _trusted_torch_load():
            return super().get_idx_split(split_type)


def _ogb_meta(task: str, name: str) -> dict[str, str]:
    import ogb
    import pandas as pd

    path = osp.join(osp.dirname(ogb.__file__), f'{task}proppred', 'master.csv')
    master = pd.read_csv(path, index_col=0, keep_default_na=False)
    return master[name]


def ogb_names() -> list[str]:
    return LINK_NAMES + NODE_NAMES
