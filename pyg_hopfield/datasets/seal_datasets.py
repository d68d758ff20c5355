r"""The link-prediction graphs of SEAL (MATLAB ``.mat`` files with a ``net``
adjacency)."""

from torch_geometric.data import Data

from pyg_hopfield.datasets._base import (
    RawFile,
    RawFileDataset,
    read_mat,
    to_simple_undirected,
)

_SEAL = (
    'https://raw.githubusercontent.com/muhanzhang/SEAL/'
    'ca1f019a15fb0c21796042165b4e6bee73981dd3/Python/data'
)


def _seal_file(name: str, sha256: str) -> RawFile:
    return RawFile(
        f'{name}.mat', f'{_SEAL}/{name}.mat', sha256, f'seal/{name}.mat'
    )


class SEALDataset(RawFileDataset):
    r"""The link-prediction graphs from the `"Link Prediction Based on Graph
    Neural Networks" <https://arxiv.org/abs/1802.09691>`_ paper (SEAL),
    read from SEAL's ``Python/data/<name>.mat`` files: :obj:`"USAir"` (US
    airlines), :obj:`"PB"` (political blogs), :obj:`"Power"` (US power
    grid), :obj:`"Celegans"` (C. elegans neural network) and
    :obj:`"arxiv"` (SNAP's ca-AstroPh relabelled :obj:`1..n` by SEAL; its 60
    self-loops are dropped here).

    All graphs are unweighted and undirected; :obj:`data` has no labels.
    :obj:`"USAir"` (5 KB) is also shipped inside the package, so it loads
    offline on a fresh machine.

    Args:
        root (str, optional): Root directory where the dataset should be
            saved (under :obj:`root/<name>`). If :obj:`None`, uses
            :obj:`$PYG_HOPFIELD_ROOT` or :obj:`~/.cache/pyg_hopfield`.
        name (str): The name of the dataset (:obj:`"USAir"`, :obj:`"PB"`,
            :obj:`"Power"`, :obj:`"Celegans"`, :obj:`"arxiv"`;
            case-insensitive).
        transform, pre_transform, force_reload, log (optional): As in
            :class:`~torch_geometric.data.InMemoryDataset`.

    **STATS:**

    .. list-table::
        :widths: 10 10 10 10
        :header-rows: 1

        * - Name
          - #nodes
          - #edges (undirected)
          - #edge_index columns
        * - USAir
          - 332
          - 2,126
          - 4,252
        * - PB
          - 1,222
          - 16,714
          - 33,428
        * - Power
          - 4,941
          - 6,594
          - 13,188
        * - Celegans
          - 297
          - 2,148
          - 4,296
        * - arxiv
          - 18,772
          - 198,050
          - 396,100
    """

    files: dict[str, RawFile] = {
        'USAir': _seal_file(
            'USAir',
            '6b48a37e2bb398234e5383787c30dca087de704366a2b7b05d64cc2f53210e0b',
        ),
        'PB': _seal_file(
            'PB',
            'c0eca0a3b5bac0ecd46491c2a1e080ec22e445d28f9975bc776dc07b3d672d88',
        ),
        'Power': _seal_file(
            'Power',
            '87d7b9d5449b6a18fad4fdd662efd33be84c805ea66692f9e2e0791569c5a478',
        ),
        'Celegans': _seal_file(
            'Celegans',
            '450bb6f3ca833a65f53ee59103945ef87da70de2c6d262b1a760b9eefce287d6',
        ),
        'arxiv': _seal_file(
            'arxiv',
            'e485598f704282323a2463179b05ebfb1da303d89b3bd9cf75f5eeaa5e823468',
        ),
    }
    names = list(files.keys())
    packaged_files = ('USAir.mat',)

    def read(self) -> Data:
        import scipy.sparse as sp

        path = self.raw_paths[0]
        adj = read_mat(path, ('net',))['net']
        if adj.ndim != 2 or adj.shape[0] != adj.shape[1]:
            raise RuntimeError(
                f"'{path}' holds a {adj.shape} 'net' matrix; "
                f'expected a square adjacency matrix'
            )
        adj = sp.coo_matrix(adj)
        num_nodes = int(adj.shape[0])
        edge_index, _ = to_simple_undirected(adj.row, adj.col, num_nodes)
        return Data(edge_index=edge_index, num_nodes=num_nodes)
