r"""The Planetoid citation graphs, through PyG's own
:class:`torch_geometric.datasets.Planetoid`, with raw files taken from the
local mirror when one is set."""

import os.path as osp
import pickle
from collections.abc import Callable

from torch_geometric.datasets import Planetoid

from pyg_hopfield.datasets._base import (
    MIRROR_ENV,
    OFFLINE_ENV,
    RawFile,
    canonical_pre_transform,
    drop_broken_files,
    fetch_raw_file,
    match_name,
    resolve_root,
    save_processed,
    sha256sum,
)

_PLANETOID = (
    'https://raw.githubusercontent.com/kimiyoung/planetoid/'
    'af6abf468a772cc055bec88c52e4d6f51b7c37e3/data'
)

# sha256 of kimiyoung/planetoid's data/ind.* files (ind.pubmed.allx unknown).
_SHA256 = {
    'ind.cora.allx': '9419ba2f26f5c35243db64aba110e0f35a04851609e0dc5433450676ca6b8543',
    'ind.cora.ally': '2b998f5cc7fedc86e7f97ca2498f47a1ffc1462c29e2d578b23bf3f62b6e7d71',
    'ind.cora.graph': '58f13302f39dde8852dad6fe6d15b89b077b6d7f837626bce671ef80344b383d',
    'ind.cora.test.index': '297ce89af2b51a6a194181c7dbe1796c6a1cf9cd9349a88383b1b1e227867875',
    'ind.cora.tx': 'b9afbaa4a400df991f6f02ef677e1e44da55ffc04801fd02f9e673987829226a',
    'ind.cora.ty': '41f5ac76596a1699cc33f53084a2419e92961c42bb75f36fc38e616d348532ad',
    'ind.cora.x': '23cfa55d91c6f624233f5eb7b6e3f141f1bd2b2ae39608a63cf5d084bb27baab',
    'ind.cora.y': '94465c14eb53e04ca262198dcbb2521ee8af60fb3f3d546cd6ca24a511b0e7d1',
    'ind.citeseer.allx': '2ac30345d95c9ec933a817ee0bdd6a5f077f8c184a20e696910192d534414668',
    'ind.citeseer.ally': 'f704b2d986dde6c2669934de1f3ae5696a6cf9455c0f6b2646a2d135ea0a1c95',
    'ind.citeseer.graph': 'd79a4ef9d3e7169aee8946145f6b7306e35bc79bffad26346cfb94e10e9912a7',
    'ind.citeseer.test.index': '2af990671580b6b2df5d158d1038f8292e30c9cd821b5453f399659b25b723d4',
    'ind.citeseer.tx': '539a8906a2da97628d212f2fdd668c109a8b3f0d36574b59e5d3fd5b5303da21',
    'ind.citeseer.ty': '55e5bd1ba1e733a04598753ad1a8d57957f4b8f89e74519f41f4f4938767e4ce',
    'ind.citeseer.x': 'd20de19150741e555de0ed037195630fc194114ebc7fd72ced62810148aa22f6',
    'ind.citeseer.y': '8ba87e515d8e3ee3cf52f6d2c5b86aa73f11ecad825a808455209ec26cd54924',
    'ind.pubmed.allx': None,
    'ind.pubmed.ally': '0c37bbe3b5014ec365e9d393cf4791925e5ed94fb194305d74f064a8d7b50f0e',
    'ind.pubmed.graph': '5b89f0036ca22909471f1e6558eb42fa06e0c730a577bde5b058b40638f81dc9',
    'ind.pubmed.test.index': 'b101d421688bbaecbd82e8a18f1e282378d6830f3a37666f28ebc47f844341b5',
    'ind.pubmed.tx': '4eb5f5d0f30f26497eb0ac6ac9719d09c67e284f1ed0385c93f3ef27a671da3d',
    'ind.pubmed.ty': 'ee2e0d4819d9fbcc403689c3bf2e49face401b605932f093bc58ab6461130fdd',
    'ind.pubmed.x': 'fbe9cb5c47200d1b7769a26e579be3b7130b556831f9d850e77c4c74f2599b33',
    'ind.pubmed.y': 'e6c807633307a07ed659249006536a147c7999c797f11a2560752990181b41b3',
}


class PlanetoidDataset(Planetoid):
    r"""The citation graphs :obj:`"Cora"`, :obj:`"CiteSeer"` and
    :obj:`"PubMed"` from the `"Revisiting Semi-Supervised Learning with
    Graph Embeddings" <https://arxiv.org/abs/1603.08861>`_ paper: PyG's
    :class:`~torch_geometric.datasets.Planetoid` (same arguments, same
    :obj:`data`: :obj:`x`, single-label :obj:`y` of dtype :obj:`long`,
    split masks, undirected :obj:`edge_index` without self-loops, here also
    coalesced by :class:`~pyg_hopfield.datasets._base.CanonicalGraph` before
    any :obj:`pre_transform`), whose
    :meth:`download` first copies the raw files from the local mirror
    :obj:`$PYG_HOPFIELD_DATA` (layout
    :obj:`planetoid/<Name>/raw/ind.<name>.*`, sha256-checked) and downloads
    only the files it lacks, from kimiyoung/planetoid at a pinned commit.

    .. note::
        The project's mirror lacks :obj:`ind.pubmed.allx` (the features of
        PubMed's first 18,717 nodes), so :obj:`"PubMed"` needs that one
        file from the internet; offline it raises a
        :class:`FileNotFoundError` saying where to put it.

    Args:
        root (str, optional): Root directory where the dataset should be
            saved (under :obj:`root/<name>`). If :obj:`None`, uses
            :obj:`$PYG_HOPFIELD_ROOT` or :obj:`~/.cache/pyg_hopfield`.
        name (str): The name of the dataset (:obj:`"Cora"`,
            :obj:`"CiteSeer"`, :obj:`"PubMed"`; case-insensitive).
        **kwargs (optional): Further arguments of
            :class:`torch_geometric.datasets.Planetoid` (:obj:`split`,
            :obj:`transform`, :obj:`pre_transform`, :obj:`force_reload`,
            ...).

    **STATS:**

    .. list-table::
        :widths: 10 10 10 10 10
        :header-rows: 1

        * - Name
          - #nodes
          - #edges (undirected)
          - #features
          - #classes
        * - Cora
          - 2,708
          - 5,278
          - 1,433
          - 7
        * - CiteSeer
          - 3,327
          - 4,552
          - 3,703
          - 6
        * - PubMed
          - 19,717
          - 44,324
          - 500
          - 3
    """

    names = ['Cora', 'CiteSeer', 'PubMed']
    pinned_url = _PLANETOID

    def __init__(
        self,
        root: str | None,
        name: str,
        transform: Callable | None = None,
        pre_transform: Callable | None = None,
        force_reload: bool = False,
        log: bool = True,
        **kwargs,
    ) -> None:
        name = match_name(name, self.names)
        root = resolve_root(root)
        drop_broken_files(
            osp.join(root, name, 'raw'), osp.join(root, name, 'processed')
        )
        # Planetoid does not forward `log` to Dataset, whose __init__ then
        # sets `self.log = True`; the property below keeps this value.
        self.__dict__['_log'] = log
        super().__init__(
            root,
            name,
            transform=transform,
            pre_transform=canonical_pre_transform(False, pre_transform),
            force_reload=force_reload,
            **kwargs,
        )

    @property
    def log(self) -> bool:
        return self.__dict__.get('_log', True)

    @log.setter
    def log(self, value: bool) -> None:
        self.__dict__.setdefault('_log', value)

    @classmethod
    def save(cls, data_list, path: str) -> None:
        r""":meth:`InMemoryDataset.save`, atomically: a processed file is
        complete or absent."""
        save_processed(cls, data_list, path)

    def process(self) -> None:
        try:
            super().process()
        except (
            pickle.UnpicklingError,
            EOFError,
            ValueError,
            IndexError,
            TypeError,
            AttributeError,
        ) as e:
            bad = [
                name
                for name in self.raw_file_names
                if _SHA256.get(name) is not None
                and sha256sum(osp.join(self.raw_dir, name)) != _SHA256[name]
            ]
            if not bad and not isinstance(
                e, (pickle.UnpicklingError, EOFError)
            ):
                raise
            where = (
                f"'{osp.join(self.raw_dir, bad[0])}'"
                if bad
                else f"the raw files in '{self.raw_dir}'"
            )
            raise RuntimeError(
                f'Could not parse {where} as Planetoid data '
                f'({type(e).__name__}: {e}). The file is corrupt or '
                f'truncated: delete it and load the dataset again to fetch '
                f'a fresh copy'
            ) from e

    def download(self) -> None:
        missing: list[tuple[str, FileNotFoundError]] = []
        for file_name in self.raw_file_names:
            raw_file = RawFile(
                file_name,
                f'{self.pinned_url}/{file_name}',
                _SHA256.get(file_name),
                f'planetoid/{self.name}/raw/{file_name}',
            )
            try:
                fetch_raw_file(raw_file, self.raw_dir, self.name, log=self.log)
            except FileNotFoundError as e:
                missing.append((file_name, e))
        if not missing:
            return
        msg = (
            f"Dataset '{self.name}' lacks the raw file(s) "
            f"{[name for name, _ in missing]} in '{self.raw_dir}'. "
        )
        if any(name == 'ind.pubmed.allx' for name, _ in missing):
            msg += (
                "'ind.pubmed.allx' holds the features of PubMed's first "
                '18,717 nodes and is known to be missing from the '
                "project's shared mirror. "
            )
        msg += (
            f"Put the file(s) into '{self.raw_dir}', or into "
            f"'<mirror>/planetoid/{self.name}/raw/' with {MIRROR_ENV} "
            f'set, or allow the download from {self.pinned_url} (unset '
            f'{OFFLINE_ENV}). First error: {missing[0][1]}'
        )
        raise FileNotFoundError(msg)
