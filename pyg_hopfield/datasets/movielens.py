r"""GroupLens' MovieLens-100K ratings, as user-item interactions for the
item-to-item recommender protocol."""

import os
import os.path as osp
import shutil
from typing import ClassVar

import numpy as np
import torch
from torch_geometric.data import Data, download_url, extract_zip

from pyg_hopfield.datasets._base import (
    RawFile,
    SingleRawFileDataset,
    check_sha256,
    copy_file,
    is_offline,
    mirror_dir,
    missing_file_message,
    open_error,
    to_simple_undirected,
)


class MovieLens100K(SingleRawFileDataset):
    r"""The MovieLens-100K data set from the `"The MovieLens Datasets:
    History and Context" <https://doi.org/10.1145/2827872>`_ paper: 100,000
    ratings (1-5) by 943 users on 1,682 movies, each user with at least 20
    ratings, used here for the item-to-item recommender of the
    `"Hebbian Graph Embeddings" <https://arxiv.org/abs/1908.08037>`_ paper
    (Section 3.2; see :func:`~pyg_hopfield.utils.co_interaction_graph` and
    :func:`~pyg_hopfield.evaluation.item_recommender_hit_rate`).

    :obj:`dataset[0]` holds

    * :obj:`interaction_index` :obj:`[2, 100000]`: the (user, item) pair of
      every rating, 0-based (GroupLens ids minus one), sorted by user, then
      item; :obj:`rating` and :obj:`timestamp` (Unix seconds) align with it;
    * :obj:`num_users` (943) and :obj:`num_items` (1,682);
    * the bipartite user-item graph in the package's canonical form (as
      every :func:`~pyg_hopfield.datasets.load` graph): users are nodes
      :obj:`0..942`, item :obj:`i` is node :obj:`943 + i`, :obj:`edge_index`
      holds each rating's pair in both directions.

    The raw files are GroupLens' ``u1.base`` and ``u1.test`` (its first
    cross-validation fold, a partition of all ratings; ``u.data`` is the
    same ratings in one file). They come from the mirror, else from the
    canonical zip (``url``), whose members are sha256-checked after
    extraction. :class:`torch_geometric.datasets.MovieLens100K` reads the
    same zip but gives a :class:`~torch_geometric.data.HeteroData` built
    from ``u.data``, which the mirror lacks; hence this class.

    .. warning::
        The GroupLens licence allows research use and forbids
        redistributing the data: it is downloaded, never shipped in the
        package.

    .. note::
        For an example, see `examples/recommender.py`; results are in
        ``docs/source/results/recommender.rst``.

    Args:
        root (str, optional): Root directory where the dataset should be
            saved (under :obj:`root/MovieLens100K`). If :obj:`None`, uses
            :obj:`$PYG_HOPFIELD_ROOT` or :obj:`~/.cache/pyg_hopfield`.
        transform (callable, optional): A function/transform that takes in
            a :class:`~torch_geometric.data.Data` object and returns a
            transformed version, applied on every access.
            (default: :obj:`None`)
        pre_transform (callable, optional): Like :obj:`transform`, applied
            once before saving. (default: :obj:`None`)
        force_reload (bool, optional): Whether to re-process the dataset.
            (default: :obj:`False`)
        log (bool, optional): Print progress. (default: :obj:`True`)

    **STATS:**

    .. list-table::
        :widths: 10 10 10 10
        :header-rows: 1

        * - #users
          - #items
          - #ratings
          - #nodes (bipartite)
        * - 943
          - 1,682
          - 100,000
          - 2,625
    """

    dataset_name = 'MovieLens100K'
    url = 'https://files.grouplens.org/datasets/movielens/ml-100k.zip'

    #: sha256 of the two raw files (GroupLens' originals).
    sha256: ClassVar[dict[str, str]] = {
        'u1.base': (
            'ce253ec86c448b44fb3ba9a30d12dcfc2e9210cbde71efada3730c22e9ac212a'
        ),
        'u1.test': (
            '18c6014a4b2c7324f250a63f8904a7b16b2b19f911129e346141507b0cbac950'
        ),
    }

    def raw_files(self) -> list[RawFile]:
        return [
            RawFile(name, self.url, sha, f'movielens/ml-100k/{name}')
            for name, sha in self.sha256.items()
        ]

    def download(self) -> None:
        missing = []
        for raw_file in self.raw_files():
            dst = osp.join(self.raw_dir, raw_file.name)
            mirror = mirror_dir()
            src = (
                None
                if mirror is None
                else osp.join(mirror, raw_file.mirror_path)
            )
            if osp.isfile(dst):
                continue
            if src is not None and osp.isfile(src):
                check_sha256(src, raw_file.sha256)
                copy_file(src, dst)
            else:
                missing.append(raw_file)
        if not missing:
            return
        first = missing[0]
        dst = osp.join(self.raw_dir, first.name)
        if is_offline():
            raise FileNotFoundError(
                missing_file_message(
                    self.name,
                    first,
                    dst,
                    'downloads are disabled by PYG_HOPFIELD_OFFLINE',
                )
            )
        try:
            path = download_url(self.url, self.raw_dir, log=self.log)
        except Exception as e:  # no network, HTTP error, ...
            raise FileNotFoundError(
                missing_file_message(
                    self.name, first, dst, f'the download failed: {e!r}'
                )
            ) from e
        extract_zip(path, self.raw_dir, log=self.log)
        folder = osp.join(self.raw_dir, 'ml-100k')
        try:
            for raw_file in missing:
                src = osp.join(folder, raw_file.name)
                check_sha256(src, raw_file.sha256)
                os.replace(src, osp.join(self.raw_dir, raw_file.name))
        finally:
            os.remove(path)
            shutil.rmtree(folder, ignore_errors=True)

    def read(self) -> Data:
        import pandas as pd

        frames = []
        for path in self.raw_paths:
            try:
                frame = pd.read_csv(
                    path, sep='\t', header=None, dtype=np.int64
                )
                if frame.shape[1] != 4:
                    raise ValueError(
                        f'expected 4 columns, got {frame.shape[1]}'
                    )
            except Exception as e:
                raise open_error(
                    path,
                    'a MovieLens ratings file (user<TAB>item<TAB>'
                    'rating<TAB>timestamp a line)',
                    e,
                ) from e
            frames.append(frame.to_numpy())
        values = np.concatenate(frames)
        values = values[np.lexsort((values[:, 1], values[:, 0]))]
        user, item = values[:, 0] - 1, values[:, 1] - 1
        if user.min() < 0 or item.min() < 0:
            raise open_error(
                self.raw_paths[0],
                'a MovieLens ratings file',
                ValueError('ids must be 1-based'),
            )
        num_users, num_items = int(user.max()) + 1, int(item.max()) + 1
        edge_index, _ = to_simple_undirected(
            user, item + num_users, num_users + num_items
        )
        return Data(
            edge_index=edge_index,
            num_nodes=num_users + num_items,
            interaction_index=torch.from_numpy(np.stack([user, item])),
            rating=torch.from_numpy(values[:, 2]),
            timestamp=torch.from_numpy(values[:, 3]),
            num_users=num_users,
            num_items=num_items,
        )
