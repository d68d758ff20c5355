import pytest
import torch

from pyg_hopfield.utils import read_edge_list


def write(tmp_path, text):
    path = tmp_path / 'edges.txt'
    path.write_text(text)
    return str(path)


def test_read_edge_list_undirected(tmp_path):
    path = write(tmp_path, '# comment\n0 1\n1 2\n\n2 2\n1 0\n')
    data = read_edge_list(path)
    assert data.num_nodes == 3
    assert data.edge_index.tolist() == [[0, 1, 1, 2], [1, 0, 2, 1]]
    assert 'edge_weight' not in data


def test_read_edge_list_weighted_directed(tmp_path):
    path = write(tmp_path, '0 1 0.5\n2 0 2\n')
    data = read_edge_list(path, num_nodes=4, directed=True)
    assert data.num_nodes == 4
    assert data.edge_index.tolist() == [[0, 2], [1, 0]]
    assert torch.allclose(data.edge_weight, torch.tensor([0.5, 2.0]))


@pytest.mark.parametrize(
    'text,kwargs,match',
    [
        ('0 1\n1 x\n', {}, 'line 2.*integers'),
        ('0 1\n1\n', {}, "line 2.*'u v' or 'u v weight'"),
        ('0 1 1.0\n1 2\n', {}, 'line 2.*mixes'),
        ('0 -1\n', {}, 'line 1.*non-negative'),
        ('0 1 -2\n', {}, 'line 1.*non-negative'),
        ('0 1 nan\n', {}, 'line 1.*finite'),
        ('0 1\n0 7\n', {'num_nodes': 5}, 'line 2.*node 7 is out of range'),
        ('# nothing\n', {}, 'contains no edges'),
    ],
)
def test_read_edge_list_errors_name_the_line(tmp_path, text, kwargs, match):
    with pytest.raises(ValueError, match=match):
        read_edge_list(write(tmp_path, text), **kwargs)


def test_read_edge_list_missing_file(tmp_path):
    with pytest.raises(ValueError, match='does not exist'):
        read_edge_list(str(tmp_path / 'nope.txt'))
