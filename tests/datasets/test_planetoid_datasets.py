import os.path as osp

import pytest
from torch_geometric.io.planetoid import edge_index_from_dict, read_file

from pyg_hopfield.datasets import PlanetoidDataset, load


@pytest.mark.parametrize(
    'name,nodes,edges,features,classes',
    [
        ('Cora', 2708, 5278, 1433, 7),
        ('citeseer', 3327, 4552, 3703, 6),
    ],
)
def test_real_planetoid_counts(
    data_mirror, cache_root, name, nodes, edges, features, classes
):
    dataset = load(name, cache_root)
    assert isinstance(dataset, PlanetoidDataset)
    data = dataset[0]
    assert data.num_nodes == nodes
    assert data.edge_index.size(1) == 2 * edges
    assert data.x.size(1) == features and dataset.num_classes == classes
    assert data.y.dim() == 1
    assert data.is_undirected() and not data.has_self_loops()
    assert data.is_coalesced()


def test_real_pubmed_missing_allx(data_mirror, cache_root, monkeypatch):
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    with pytest.raises(FileNotFoundError, match='ind.pubmed.allx') as info:
        load('PubMed', cache_root)
    assert 'missing from the' in str(info.value)
    assert osp.join(cache_root, 'PubMed', 'raw') in str(info.value)
    # The other seven files were copied; the graph and labels are complete.
    folder = osp.join(cache_root, 'PubMed', 'raw')
    graph = read_file(folder, 'pubmed', 'graph')
    edge_index = edge_index_from_dict(graph, num_nodes=19717)
    assert edge_index.size(1) == 2 * 44324
    ally = read_file(folder, 'pubmed', 'ally')
    ty = read_file(folder, 'pubmed', 'ty')
    assert ally.size(0) + ty.size(0) == 19717 and ally.size(1) == 3


def test_planetoid_bad_name():
    with pytest.raises(ValueError, match="'name'.*'Corra'"):
        PlanetoidDataset(None, 'Corra')
