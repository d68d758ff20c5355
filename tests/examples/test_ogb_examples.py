import json

import pytest


def check_json(path, results):
    with open(path) as f:
        saved = json.load(f)
    assert saved['results'] == json.loads(json.dumps(results['results']))
    return saved


@pytest.mark.parametrize('name', ['ogbl-ddi', 'ogbl-collab'])
@pytest.mark.parametrize('method', ['hebbian', 'mhn'])
def test_ogb_link_prediction(
    tmp_path, offline, import_example, ogb_folder, name, method
):
    example = import_example('ogb_link_prediction')
    ogb_folder(name)
    out = tmp_path / 'results.json'
    predictor = 'mlp' if method == 'hebbian' else 'dot'
    results = example.main(
        [
            '--dataset',
            name,
            '--root',
            str(tmp_path),
            '--method',
            method,
            '--dim',
            '16',
            '--mhn-epochs',
            '2',
            '--predictor',
            predictor,
            '--epochs',
            '2',
            '--batch-size',
            '64',
            '--hidden',
            '16',
            '--out',
            str(out),
        ]
    )
    official = {'ogbl-ddi': 'hits@20', 'ogbl-collab': 'hits@50'}[name]
    assert results['official_metric'] == official
    assert set(results['results']) == (
        {'dot', 'mlp'} if predictor == 'mlp' else {'dot'}
    )
    for res in results['results'].values():
        assert len(res) == 2 * len(example.HITS_AT)
        assert all(0.0 <= value <= 1.0 for value in res.values())
    # The communities are planted, so the dot product must beat chance:
    assert results['results']['dot']['valid_hits@100'] > 0.0
    saved = check_json(out, results)
    assert saved['args']['dataset'] == name
    assert saved['train_split_inferred'] is False


def test_ogb_node_property(tmp_path, offline, import_example, ogb_folder):
    example = import_example('ogb_node_property')
    ogb_folder('ogbn-arxiv')
    out = tmp_path / 'results.json'
    results = example.main(
        [
            '--root',
            str(tmp_path),
            '--dim',
            '16',
            '--epochs',
            '30',
            '--hidden',
            '16',
            '--out',
            str(out),
        ]
    )
    assert results['official_metric'] == 'acc'
    assert set(results['results']) == {
        'embedding',
        'features',
        'features + embedding',
    }
    for res in results['results'].values():
        for key in ['train_acc', 'valid_acc', 'test_acc']:
            assert 0.0 <= res[key] <= 1.0
    # Three planted classes, found by the graph and by the features:
    assert results['results']['embedding']['test_acc'] > 1 / 3
    assert results['results']['features']['test_acc'] > 1 / 3
    check_json(out, results)


def test_ogb_node_property_mhn_logreg(
    tmp_path, offline, import_example, ogb_folder
):
    example = import_example('ogb_node_property')
    ogb_folder('ogbn-arxiv')
    results = example.main(
        [
            '--root',
            str(tmp_path),
            '--method',
            'mhn',
            '--dim',
            '16',
            '--mhn-epochs',
            '2',
            '--classifier',
            'logreg',
            '--inputs',
            'both',
            '--epochs',
            '10',
        ]
    )
    assert set(results['results']) == {'features + embedding'}
    assert 0.0 <= results['results']['features + embedding']['test_acc'] <= 1


@pytest.mark.parametrize(
    'name',
    [
        'ogb_link_prediction',
        'ogb_node_property',
        'planetoid_node_classification',
    ],
)
def test_help(import_example, capsys, name):
    example = import_example(name)
    with pytest.raises(SystemExit) as exc:
        example.main(['--help'])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for flag in ['--root', '--method', '--dim', '--seed', '--device', '--out']:
        assert flag in out
