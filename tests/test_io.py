import gzip
import warnings

import numpy as np
import pytest
import torch
from torch_geometric.data import Data

import pyg_hopfield.io as pio
from pyg_hopfield.io import read_edge_list, read_edges, read_text_edges

PATH = [[0, 1, 1, 2], [1, 0, 2, 1]]  # 0 - 1 - 2, both directions


def write(tmp_path, text, name='edges.txt'):
    path = tmp_path / name
    if name.endswith('.gz'):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_bytes(text.encode())
    return str(path)


@pytest.fixture
def no_slow_scan(monkeypatch):
    # A good file must never reach the per-line Python scan.
    def fail(path):
        raise AssertionError('the slow scan ran on a good file')

    monkeypatch.setattr(pio, '_scan_text', fail)


@pytest.mark.parametrize(
    'text,name',
    [
        ('0 1\n1 2\n', 'edges.txt'),
        ('0\t1\n1\t2\n', 'edges.tsv'),
        ('0,1\n1,2\n', 'edges.csv'),
        ('0, 1\n1, 2\n', 'edges.csv'),
        ('# SNAP header\n0 1\r\n\n1 2\r\n', 'edges.txt'),
        ('% MatrixMarket-style comment\n  0 1 % inline\n1 2\n', 'edges.txt'),
        ('0 1\n1 2\n', 'edges.txt.gz'),
    ],
)
def test_text_layouts(tmp_path, no_slow_scan, text, name):
    ids, weights = read_text_edges(write(tmp_path, text, name))
    assert ids.dtype == np.int64
    assert ids.tolist() == [[0, 1], [1, 2]]
    assert weights is None
    assert (
        read_edge_list(write(tmp_path, text, name)).edge_index.tolist() == PATH
    )


def test_text_weights(tmp_path, no_slow_scan):
    data = read_edge_list(write(tmp_path, '0,1,0.5\n1,2,2\n'))
    assert data.edge_index.tolist() == PATH
    assert torch.allclose(data.edge_weight, torch.tensor([0.5, 0.5, 2.0, 2.0]))


@pytest.mark.parametrize(
    'text,match',
    [
        ('0 1\n% c\n1 x\n', "line 3: '1 x': node ids must be integers"),
        ('0,1\n1,2,3,4\n', "line 2.*'u v' or 'u v weight'"),
        ('0 1\n1 2 3\n', 'line 2.*mixes'),
        ('0 1 3\n1 2\n', 'line 2.*mixes'),
        ('0 1 1\n2 3 -1\n', 'line 2.*non-negative'),
        ('0 1 1\n2 3 inf\n', 'line 2.*finite'),
        ('# c\n\n5 -3\n', 'line 3.*non-negative'),
        ('% nothing\n', 'contains no edges'),
        ('', 'contains no edges'),
    ],
)
def test_text_errors_name_file_and_line(tmp_path, text, match):
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=match) as info:
        read_text_edges(path)
    assert path in str(info.value)


def test_truncated_gzip(tmp_path):
    path = tmp_path / 'edges.txt.gz'
    path.write_bytes(gzip.compress(b'0 1\n' * 1000)[:40])
    with pytest.raises(ValueError, match='edges.txt.gz.*truncated'):
        read_text_edges(str(path))


@pytest.mark.parametrize('dtype', [np.int32, np.int64])
@pytest.mark.parametrize('layout', ['E2', '2E'])
def test_npy(tmp_path, dtype, layout):
    pairs = np.array([[0, 1], [1, 2], [2, 3]], dtype=dtype)
    np.save(tmp_path / 'edges.npy', pairs if layout == 'E2' else pairs.T)
    np.save(tmp_path / 'w.npy', np.array([1.0, 2.0, 3.0]))
    edge_index, edge_weight, num_nodes = read_edges(
        str(tmp_path / 'edges.npy'), weights=str(tmp_path / 'w.npy')
    )
    assert edge_index.dtype == torch.long
    assert edge_index.tolist() == [[0, 1, 2], [1, 2, 3]]
    assert edge_weight.tolist() == [1.0, 2.0, 3.0]
    assert num_nodes is None
    data = read_edge_list(
        str(tmp_path / 'edges.npy'),
        num_nodes=5,
        directed=True,
        weights=str(tmp_path / 'w.npy'),
    )
    assert data.num_nodes == 5
    assert data.edge_weight.dtype == torch.float


@pytest.mark.parametrize(
    'array,weights,match',
    [
        (np.zeros((3, 3), dtype=np.int64), None, r'shape \[3, 3\].*\[E, 2\]'),
        (np.zeros((3, 2)), None, 'float64 node ids.*int32 or int64'),
        (
            np.array([[0, 1], [2, -4]]),
            None,
            'edges.npy, edge 1: .*non-negative',
        ),
        (np.array([[0, 1], [2, 3]]), np.ones(3), r'w.npy.*shape \[3\].*\[2\]'),
        (
            np.array([[0, 1], [2, 3]]),
            np.array([1.0, np.nan]),
            'w.npy, edge 1: weights must be finite',
        ),
    ],
)
def test_npy_errors(tmp_path, array, weights, match):
    np.save(tmp_path / 'edges.npy', array)
    kwargs = {}
    if weights is not None:
        np.save(tmp_path / 'w.npy', weights)
        kwargs['weights'] = str(tmp_path / 'w.npy')
    with pytest.raises(ValueError, match=match):
        read_edge_list(str(tmp_path / 'edges.npy'), **kwargs)


def test_weights_twice(tmp_path):
    np.save(tmp_path / 'w.npy', np.ones(2))
    path = write(tmp_path, '0 1 1\n1 2 1\n')
    with pytest.raises(ValueError, match='already holds edge weights'):
        read_edge_list(path, weights=str(tmp_path / 'w.npy'))
    with pytest.raises(ValueError, match="'--weights' must be an existing"):
        read_edge_list(
            write(tmp_path, '0 1\n1 2\n'), weights=str(tmp_path / 'w.txt')
        )


def test_pt(tmp_path):
    data = Data(
        edge_index=torch.tensor([[0, 1], [1, 2]]),
        edge_weight=torch.tensor([2.0, 3.0]),
        num_nodes=4,
    )
    torch.save(data, tmp_path / 'graph.pt')
    out = read_edge_list(str(tmp_path / 'graph.pt'))
    assert out.num_nodes == 4  # the stored count, node 3 is isolated
    assert out.edge_index.tolist() == PATH
    assert out.edge_weight.tolist() == [2.0, 2.0, 3.0, 3.0]
    torch.save(data.to_dict(), tmp_path / 'dict.pt')  # a plain dictionary
    assert torch.equal(
        read_edge_list(str(tmp_path / 'dict.pt')).edge_index, out.edge_index
    )
    torch.save(
        Data(x=torch.zeros(6, 1), edge_index=data.edge_index),
        tmp_path / 'x.pt',
    )
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # no PyG num_nodes inference warning
        assert read_edge_list(str(tmp_path / 'x.pt')).num_nodes == 6
        torch.save(Data(edge_index=data.edge_index), tmp_path / 'bare.pt')
        assert read_edge_list(str(tmp_path / 'bare.pt')).num_nodes == 3
    torch.save({'x': torch.zeros(3)}, tmp_path / 'bad.pt')
    with pytest.raises(
        ValueError, match="bad.pt.*without a tensor 'edge_index'"
    ):
        read_edge_list(str(tmp_path / 'bad.pt'))


def test_one_based_warns(tmp_path):
    path = write(tmp_path, '1 2\n2 3\n')
    with pytest.warns(UserWarning, match="no node 0.*'--one-based'") as rec:
        data = read_edge_list(path)
    assert rec[0].filename == __file__  # stacklevel=2: the caller's line
    assert data.num_nodes == 4  # the phantom node 0 the warning is about
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        data = read_edge_list(path, one_based=True)
    assert data.num_nodes == 3
    assert data.edge_index.tolist() == PATH


def test_one_based_errors(tmp_path):
    with pytest.raises(ValueError, match="contains node 0.*'--one-based'"):
        read_edge_list(write(tmp_path, '0 1\n'), one_based=True)
    # A 1-based file with --num-nodes equal to its largest id:
    with pytest.raises(
        ValueError,
        match='line 2.*node 3 is out of range '
        'for --num-nodes 3.*looks 1-based',
    ):
        read_edge_list(write(tmp_path, '1 2\n2 3\n'), num_nodes=3)
    data = read_edge_list(
        write(tmp_path, '1 2\n2 3\n'), num_nodes=3, one_based=True
    )
    assert data.edge_index.tolist() == PATH


@pytest.mark.parametrize('num_nodes', [0, -2, 2.5, True])
def test_bad_num_nodes(tmp_path, num_nodes):
    with pytest.raises(ValueError, match="'num_nodes' must be a positive"):
        read_edge_list(write(tmp_path, '0 1\n'), num_nodes=num_nodes)


@pytest.mark.parametrize('dtype', [np.int32, np.int64])
@pytest.mark.parametrize('layout', ['E2', '2E'])
def test_npy_index_dtype(tmp_path, dtype, layout):
    pairs = np.array([[0, 1], [1, 2], [2, 3]], dtype=dtype)
    np.save(tmp_path / 'edges.npy', pairs if layout == 'E2' else pairs.T)
    path = str(tmp_path / 'edges.npy')
    kept = read_edges(path, index_dtype=None)[0]
    assert kept.dtype == torch.from_numpy(pairs).dtype  # int32 stays int32
    assert kept.tolist() == [[0, 1, 2], [1, 2, 3]]
    assert read_edges(path, index_dtype=torch.int32)[0].dtype == torch.int32
    assert read_edges(path)[0].dtype == torch.long
    with pytest.raises(ValueError, match="'index_dtype' must be"):
        read_edges(path, index_dtype=torch.float)


def test_npy_square_is_2e(tmp_path):
    # A [2, 2] array is read as PyG's [2, E]: rows are sources, targets.
    np.save(tmp_path / 'edges.npy', np.array([[0, 1], [2, 3]]))
    edge_index = read_edges(str(tmp_path / 'edges.npy'))[0]
    assert edge_index.tolist() == [[0, 1], [2, 3]]


def test_int32_cast_overflow(tmp_path):
    np.save(tmp_path / 'edges.npy', np.array([[0, 2**31]], dtype=np.int64))
    with pytest.raises(ValueError, match='too large.*torch.long'):
        read_edges(str(tmp_path / 'edges.npy'), index_dtype=torch.int32)


def test_npy_weights_length_mismatch(tmp_path):
    np.save(tmp_path / 'edges.npy', np.array([[0, 1], [1, 2], [2, 3]]))
    np.save(tmp_path / 'w.npy', np.ones(4, dtype=np.float32))
    with pytest.raises(ValueError, match=r'w.npy.*shape \[4\].*\[3\], one'):
        read_edges(
            str(tmp_path / 'edges.npy'), weights=str(tmp_path / 'w.npy')
        )
    with pytest.raises(ValueError, match=r'w.npy.*shape \[4\].*\[3\], one'):
        pio.EdgeChunks(
            str(tmp_path / 'edges.npy'), weights=str(tmp_path / 'w.npy')
        )


@pytest.mark.parametrize('name', ['edges.npy', 'edges.txt', 'graph.pt'])
@pytest.mark.parametrize('chunk_size', [1, 2, 3, 100])
def test_edge_chunks(tmp_path, name, chunk_size):
    pairs = np.array([[0, 1], [1, 2], [2, 3], [3, 0], [4, 4]], np.int32)
    weight = np.array([0.5, 1.0, 2.0, 3.0, 4.0], dtype=np.float32)
    path, weights = str(tmp_path / name), None
    if name.endswith('.npy'):
        np.save(path, pairs.T)
        np.save(tmp_path / 'w.npy', weight)
        weights = str(tmp_path / 'w.npy')
    elif name.endswith('.txt'):
        write(
            tmp_path,
            ''.join(f'{u} {v} {w}\n' for (u, v), w in zip(pairs, weight)),
        )
    else:
        torch.save(
            Data(
                edge_index=torch.from_numpy(pairs.T.copy()),
                edge_weight=torch.from_numpy(weight),
                num_nodes=7,
            ),
            path,
        )
    chunks = pio.EdgeChunks(path, weights, chunk_size=chunk_size)
    assert chunks.num_edges == 5 and chunks.weighted
    assert chunks.num_nodes == (7 if name.endswith('.pt') else None)
    offsets, ids, ws = zip(*chunks)
    assert list(offsets) == list(range(0, 5, chunk_size))
    assert all(i.shape[1] <= chunk_size for i in ids)
    assert np.concatenate(ids, axis=1).tolist() == pairs.T.tolist()
    assert np.concatenate(ws).tolist() == weight.tolist()


def test_edge_chunks_errors(tmp_path):
    np.save(tmp_path / 'edges.npy', np.array([[0, 1], [1, 2], [2, -3]]))
    chunks = pio.EdgeChunks(str(tmp_path / 'edges.npy'), chunk_size=2)
    with pytest.raises(ValueError, match='edges.npy, edge 2: .*non-negative'):
        list(chunks)
    with pytest.raises(ValueError, match="'chunk_size' must be a positive"):
        pio.EdgeChunks(str(tmp_path / 'edges.npy'), chunk_size=0)
    np.save(tmp_path / 'empty.npy', np.zeros((0, 2), dtype=np.int64))
    with pytest.raises(ValueError, match='contains no edges'):
        pio.EdgeChunks(str(tmp_path / 'empty.npy'))
