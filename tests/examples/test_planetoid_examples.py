import json

import pytest


def test_planetoid_node_classification_cora(
    data_mirror, cache_root, import_example, tmp_path
):
    example = import_example('planetoid_node_classification')
    out = tmp_path / 'cora.json'
    results = example.main(
        [
            '--dataset',
            'Cora',
            '--root',
            cache_root,
            '--dim',
            '16',
            '--epochs',
            '10',
            '--protocol-runs',
            '2',
            '--out',
            str(out),
        ]
    )
    rows = {(r['model'], r['input']): r for r in results['results']}
    assert set(rows) == {
        ('LogReg (public split)', 'embedding'),
        ('GCN (public split)', 'raw features'),
        ('GCN (public split)', 'embedding'),
        ('GCN (public split)', 'raw features + embedding'),
    }
    for row in rows.values():
        assert 0.0 <= row['val_acc'] <= 1.0
        assert 0.0 <= row['test_acc'] <= 1.0
    # Seven classes: even 10 GCN epochs on the raw features beat chance.
    assert rows[('GCN (public split)', 'raw features')]['test_acc'] > 0.5
    protocol = results['protocol_9_1']
    assert 100 / 7 < protocol['micro_f1'] <= 100.0
    with open(out) as f:
        saved = json.load(f)
    assert saved['dataset'] == 'Cora'
    assert saved['results'] == results['results']


def test_planetoid_node_classification_mhn_no_features(
    data_mirror, cache_root, import_example
):
    example = import_example('planetoid_node_classification')
    results = example.main(
        [
            '--dataset',
            'Cora',
            '--root',
            cache_root,
            '--method',
            'mhn',
            '--dim',
            '8',
            '--k',
            '1',
            '--mhn-epochs',
            '1',
            '--epochs',
            '5',
            '--no-features',
        ]
    )
    inputs = [r['input'] for r in results['results']]
    assert inputs == ['embedding', 'embedding']  # LR and GCN, no raw x
    for row in results['results']:
        assert 0.0 <= row['test_acc'] <= 1.0


def test_planetoid_pubmed_without_allx(
    data_mirror, cache_root, import_example, monkeypatch
):
    # The mirror lacks ind.pubmed.allx; offline, the script must say so.
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    example = import_example('planetoid_node_classification')
    with pytest.raises(SystemExit, match='ind.pubmed.allx'):
        example.main(['--dataset', 'PubMed', '--root', cache_root])


@pytest.mark.parametrize('method', ['hebbian', 'mhn'])
def test_pyg_pipeline(
    data_mirror, cache_root, import_example, tmp_path, method
):
    example = import_example('pyg_pipeline')
    out = tmp_path / 'pipeline.json'
    results = example.main(
        [
            '--root',
            cache_root,
            '--method',
            method,
            '--dim',
            '8',
            '--k',
            '1',
            '--mhn-epochs',
            '1',
            '--epochs',
            '5',
            '--out',
            str(out),
        ]
    )
    rows = {(r['model'], r['input']): r for r in results['results']}
    assert set(rows) == {
        ('dot product, no training', 'embedding'),
        ('GCN link predictor', 'raw features'),
        ('GCN link predictor', 'embedding'),
        ('GCN link predictor', 'raw features + embedding'),
    }
    for row in rows.values():
        assert 0.0 <= row['val_auc'] <= 1.0
        assert 0.0 <= row['test_auc'] <= 1.0
    if method == 'hebbian':  # embeddings of the training graph find links
        assert (
            rows[('dot product, no training', 'embedding')]['test_auc'] > 0.55
        )
    with open(out) as f:
        assert json.load(f)['results'] == results['results']
