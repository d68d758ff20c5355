import pytest
import torch

from pyg_hopfield.cli import main


def test_cli_lists_datasets(capsys):
    assert main(['datasets']) == 0
    names = capsys.readouterr().out.split()
    assert {'BlogCatalog', 'PPI', 'Wikipedia', 'USAir', 'Cora'} <= set(names)


def test_cli_info_on_the_shipped_graph(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    assert main(['info', 'USAir', '--root', str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert 'nodes:            332' in out
    assert 'undirected edges: 2,126' in out


def test_cli_unknown_dataset_is_one_clear_error(capsys, tmp_path):
    code = main(['info', 'NoSuchGraph', '--root', str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert 'NoSuchGraph' in err and 'BlogCatalog' in err


@pytest.mark.parametrize(
    'method,dim,extra',
    [
        ('hebbian', 16, []),
        ('mhn', 8, []),
        ('mhn', 8, ['--mask', 'ego', '--init-std', '1.0']),
    ],
)
def test_cli_embed_edge_list(tmp_path, capsys, method, dim, extra):
    edges = tmp_path / 'graph.txt'
    edges.write_text(
        '# a 6-cycle with a chord\n0 1\n1 2\n2 3\n3 4\n4 5\n5 0\n0 3\n'
    )
    out = tmp_path / 'emb.pt'
    argv = [
        'embed',
        '--method',
        method,
        '--edges',
        str(edges),
        '--num-nodes',
        '7',
        '--dim',
        str(dim),
        '--seed',
        '1',
    ]
    if method == 'mhn':
        argv += ['--epochs', '2', '--batch-size', '4']
    argv += extra + ['--out', str(out)]
    assert main(argv) == 0
    embedding = torch.load(out)
    assert embedding.dtype == torch.float32
    assert embedding.shape == (7, dim)  # node 6 is isolated but present
    assert f'with {method} in ' in capsys.readouterr().out  # wall time
    # A fixed seed gives identical embeddings:
    assert main(argv[:-1] + [str(tmp_path / 'again.pt')]) == 0
    assert torch.equal(embedding, torch.load(tmp_path / 'again.pt'))


def test_cli_embed_npy(tmp_path):
    import numpy as np

    edges = tmp_path / 'graph.txt'
    edges.write_text('0 1 2.0\n1 2 0.5\n')
    out = tmp_path / 'emb.npy'
    assert (
        main(
            [
                'embed',
                '--method',
                'hebbian',
                '--edges',
                str(edges),
                '--dim',
                '4',
                '--out',
                str(out),
            ]
        )
        == 0
    )
    assert np.load(out).shape == (3, 4)


@pytest.mark.parametrize(
    'text,needle',
    [
        ('0 1\n1 two\n', 'line 2'),
        ('0 1\n1 9\n', 'node 9 is out of range'),
    ],
)
def test_cli_bad_edge_file_names_the_line(tmp_path, capsys, text, needle):
    edges = tmp_path / 'graph.txt'
    edges.write_text(text)
    code = main(
        [
            'embed',
            '--method',
            'hebbian',
            '--edges',
            str(edges),
            '--num-nodes',
            '5',
            '--dim',
            '4',
            '--out',
            str(tmp_path / 'e.pt'),
        ]
    )
    assert code == 2
    assert needle in capsys.readouterr().err


def test_cli_bad_output_suffix(tmp_path, capsys):
    edges = tmp_path / 'graph.txt'
    edges.write_text('0 1\n')
    code = main(
        [
            'embed',
            '--method',
            'hebbian',
            '--edges',
            str(edges),
            '--dim',
            '4',
            '--out',
            str(tmp_path / 'e.txt'),
        ]
    )
    assert code == 2
    assert "'--out' must end in '.pt' or '.npy'" in capsys.readouterr().err


def test_cli_evaluate_link_auc_on_usair(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    result = tmp_path / 'metrics.json'
    plot = tmp_path / 'roc.png'
    assert (
        main(
            [
                'evaluate',
                '--task',
                'link-auc',
                '--method',
                'hebbian',
                '--preset',
                'improved',
                '--dataset',
                'USAir',
                '--root',
                str(tmp_path),
                '--json',
                str(result),
                '--plot',
                str(plot),
            ]
        )
        == 0
    )
    import json

    metrics = json.loads(result.read_text())
    assert 0.8 < metrics['auc'] <= 1.0
    assert 0.8 < metrics['jaccard_auc'] <= 1.0
    assert plot.stat().st_size > 0


def test_cli_presets_and_flags(tmp_path):
    from pyg_hopfield.cli import build_parser
    from pyg_hopfield.cli.options import method_options
    from pyg_hopfield.methods import hebbian_options

    def hebbian_kwargs(args):  # what the CLI hands HebbianPropagation
        options = method_options(args)
        for name in ('seed', 'device', 'dim'):
            options.pop(name)
        return hebbian_options(**options)

    parse = build_parser().parse_args
    base = [
        'embed',
        '--method',
        'hebbian',
        '--edges',
        'g.txt',
        '--out',
        'e.pt',
    ]
    assert hebbian_kwargs(parse(base)) == {}  # the module's defaults
    paper = hebbian_kwargs(parse(base + ['--preset', 'paper']))
    assert paper['negative_weight'] == 0.5 and paper['num_iterations'] == 10
    assert paper['orthogonalize'] is False
    orthogonal = hebbian_kwargs(
        parse(
            base
            + ['--degree-direction', 'false', '--eigenvalue-exponent', '0.5']
        )
    )
    assert orthogonal == dict(degree_direction=False, eigenvalue_exponent=0.5)
    improved = hebbian_kwargs(parse(base + ['--preset', 'improved']))
    assert improved['negative_weight'] == 0.0
    assert improved['transition'] == 'sym' and improved['normalize'] is True
    override = hebbian_kwargs(
        parse(
            base
            + [
                '--preset',
                'improved',
                '--negative-weight',
                '0.25',
                '--normalize',
                'none',
            ]
        )
    )
    assert override['negative_weight'] == 0.25
    assert override['normalize'] is False


def test_cli_select_uses_only_training_edges(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    result = tmp_path / 'metrics.json'
    assert (
        main(
            [
                'evaluate',
                '--task',
                'link-auc',
                '--method',
                'hebbian',
                '--select',
                '--dataset',
                'USAir',
                '--root',
                str(tmp_path),
                '--json',
                str(result),
            ]
        )
        == 0
    )
    import json

    metrics = json.loads(result.read_text())
    assert set(metrics['selected']) == {
        'degree_direction',
        'eigenvalue_exponent',
    }
    assert 0.9 < metrics['auc'] <= 1.0  # 0.9535 at seed 0 (paper preset 0.933)
    assert 'selected on validation' in capsys.readouterr().out
    code = main(
        [
            'evaluate',
            '--task',
            'link-auc',
            '--method',
            'mhn',
            '--select',
            '--dataset',
            'USAir',
            '--root',
            str(tmp_path),
        ]
    )
    assert code == 2
    assert (
        "'--select' is implemented for '--method hebbian'"
        in capsys.readouterr().err
    )


def test_cli_reproduce_a_table_row(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    out = tmp_path / 'table.json'
    assert (
        main(
            [
                'reproduce',
                'hebbian-table6',
                '--datasets',
                'USAir',
                '--root',
                str(tmp_path),
                '--json',
                str(out),
            ]
        )
        == 0
    )
    import json

    rows = json.loads(out.read_text())['rows']
    assert rows[0]['dataset'] == 'USAir' and rows[0]['paper'] == 95.92
    assert 50.0 < rows[0]['ours'] <= 100.0
    assert (
        main(
            [
                'reproduce',
                'hebbian-table6',
                '--datasets',
                'Nope',
                '--root',
                str(tmp_path),
            ]
        )
        == 2
    )


def test_cli_hit_rate_on_a_co_occurrence_graph(tmp_path, capsys):
    # Two disjoint item cliques {0..4} and {5..9}; every test user stays
    # inside one clique, so inner-product neighbours must hit.
    edges = tmp_path / 'items.txt'
    edges.write_text(
        ''.join(
            f'{i} {j}\n'
            for base in (0, 5)
            for i in range(base, base + 5)
            for j in range(i + 1, base + 5)
        )
    )
    histories = tmp_path / 'users.txt'
    histories.write_text('# user items\n0 1 2\n5 6\n3 4 0\n7 8 9\n')
    result = tmp_path / 'hr.json'
    assert (
        main(
            [
                'evaluate',
                '--task',
                'hit-rate',
                '--method',
                'hebbian',
                '--preset',
                'improved',
                '--edges',
                str(edges),
                '--histories',
                str(histories),
                '--hits-k',
                '4',
                '--dim',
                '32',
                '--json',
                str(result),
            ]
        )
        == 0
    )
    import json

    metrics = json.loads(result.read_text())
    assert metrics['num_users'] == 4
    assert metrics['hit_rate@4'] == 1.0
    histories.write_text('0 1\n2 12\n')
    assert (
        main(
            [
                'evaluate',
                '--task',
                'hit-rate',
                '--method',
                'hebbian',
                '--edges',
                str(edges),
                '--histories',
                str(histories),
                '--dim',
                '8',
            ]
        )
        == 2
    )
    assert 'line 2: item 12 is not a node' in capsys.readouterr().err


def test_cli_sweep_map_against_dimension(tmp_path, monkeypatch):
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    plot, out = tmp_path / 'map.png', tmp_path / 'map.json'
    assert (
        main(
            [
                'sweep',
                '--task',
                'reconstruction-map',
                '--method',
                'hebbian',
                '--preset',
                'improved',
                '--dataset',
                'USAir',
                '--root',
                str(tmp_path),
                '--dims',
                '4',
                '64',
                '--plot',
                str(plot),
                '--json',
                str(out),
            ]
        )
        == 0
    )
    import json

    rows = json.loads(out.read_text())['rows']
    assert [row['dim'] for row in rows] == [4, 64]
    assert all(0.0 < row['map'] <= 1.0 for row in rows)
    assert rows[1]['map'] > rows[0]['map']  # more dimensions, better MAP
    assert plot.stat().st_size > 0


def test_cli_capacity_curve(tmp_path):
    plot, out = tmp_path / 'cap.png', tmp_path / 'cap.json'
    assert (
        main(
            [
                'capacity',
                '--neurons',
                '200',
                '--alphas',
                '0.05',
                '0.4',
                '--probes',
                '8',
                '--plot',
                str(plot),
                '--json',
                str(out),
            ]
        )
        == 0
    )
    import json

    low, high = json.loads(out.read_text())['rows']
    assert low['overlap'] > 0.95  # far below alpha_c = 0.138: retrieved
    assert high['overlap'] < 0.8  # far above it: broken down
    assert plot.stat().st_size > 0
    assert main(['capacity', '--neurons', '200', '--alphas', '1.5']) == 2


@pytest.mark.parametrize('solver', ['liblinear', 'torch', None])
def test_cli_node_classification_on_cora(
    data_mirror, tmp_path, capsys, solver, monkeypatch
):
    import importlib

    # The module, not the function of the same name the package exports:
    nc = importlib.import_module('pyg_hopfield.evaluation.node_classification')
    calls = []
    torch_scores = nc.one_vs_rest_scores
    monkeypatch.setattr(
        nc,
        'one_vs_rest_scores',
        lambda *a, **kw: calls.append(1) or torch_scores(*a, **kw),
    )
    result = tmp_path / 'node.json'
    assert (
        main(
            [
                'evaluate',
                '--task',
                'node',
                '--method',
                'hebbian',
                '--preset',
                'classification',
                '--dim',
                '32',
                '--runs',
                '2',
                '--dataset',
                'Cora',
                '--root',
                str(tmp_path),
                '--json',
                str(result),
            ]
            + (['--solver', solver] if solver else [])
        )
        == 0
    )
    import json

    metrics = json.loads(result.read_text())
    solver = solver or 'torch'  # the default
    assert metrics['solver'] == solver
    assert metrics['l2_normalised'] is True  # the default
    assert len(calls) == (2 if solver == 'torch' else 0)  # one per run
    assert 40.0 < metrics['micro_f1'] <= 100.0  # 7 classes: chance ~ 30
    assert 'logistic regression' in capsys.readouterr().err


def _chorded_cycle(tmp_path, n=12):
    edges = tmp_path / 'graph.txt'
    lines = [f'{i} {(i + 1) % n}' for i in range(n)]
    lines += [f'{i} {(i + 3) % n}' for i in range(0, n, 2)]
    edges.write_text('\n'.join(lines) + '\n')
    return edges


def test_cli_mhn_zero_epochs_is_the_untrained_embedding(tmp_path):
    from pyg_hopfield.nn import MHNEmbedding
    from pyg_hopfield.transforms import KHopContext
    from pyg_hopfield.utils import read_edge_list

    edges = _chorded_cycle(tmp_path)
    out = tmp_path / 'emb.pt'
    argv = [
        'embed',
        '--method',
        'mhn',
        '--edges',
        str(edges),
        '--dim',
        '8',
        '--seed',
        '3',
        '--epochs',
        '0',
        '--out',
        str(out),
    ]
    assert main(argv) == 0
    data = read_edge_list(str(edges))
    torch.manual_seed(3)
    model = MHNEmbedding(data.num_nodes, 8)
    with torch.no_grad():
        expected = model(
            KHopContext(k=1).context(data.edge_index, data.num_nodes)
        )
    assert torch.equal(torch.load(out), expected)
    trained = tmp_path / 'trained.pt'
    assert (
        main(
            argv[:-4]
            + [
                '--epochs',
                '2',
                '--patience',
                '0',
                '--batch-size',
                '4',
                '--out',
                str(trained),
            ]
        )
        == 0
    )
    assert not torch.equal(torch.load(trained), expected)


def test_cli_mhn_progress_shows_validation_and_keeps_best(tmp_path, capsys):
    edges = _chorded_cycle(tmp_path)
    assert (
        main(
            [
                'embed',
                '--method',
                'mhn',
                '--edges',
                str(edges),
                '--dim',
                '8',
                '--epochs',
                '4',
                '--patience',
                '2',
                '--batch-size',
                '4',
                '--out',
                str(tmp_path / 'emb.pt'),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert 'loss=' in err and 'val_auc=' in err and 'best=' in err
    assert 'mhn: kept epoch ' in err and 'validation link AUC' in err


@pytest.mark.parametrize(
    'flag,value', [('--epochs', '-1'), ('--patience', '-2')]
)
def test_cli_mhn_bad_epochs_and_patience(tmp_path, capsys, flag, value):
    edges = _chorded_cycle(tmp_path)
    assert (
        main(
            [
                'embed',
                '--method',
                'mhn',
                '--edges',
                str(edges),
                '--dim',
                '8',
                flag,
                value,
                '--out',
                str(tmp_path / 'e.pt'),
            ]
        )
        == 2
    )
    assert f"'{flag}' must be >= 0 (got {value})" in capsys.readouterr().err


def test_cli_mhn_announces_long_training(tmp_path, capsys, monkeypatch):
    from pyg_hopfield import methods

    # the measured BlogCatalog epochs, K=2000: window (1, 2) and 1-hop
    assert methods.mhn_epoch_seconds(10312, 2000) == pytest.approx(
        55.8, rel=0.1
    )
    assert methods.mhn_epoch_seconds(
        10312, 2000, walk_length=1
    ) == pytest.approx(28.8, rel=0.1)
    edges = _chorded_cycle(tmp_path)
    argv = [
        'embed',
        '--method',
        'mhn',
        '--edges',
        str(edges),
        '--dim',
        '8',
        '--epochs',
        '1',
        '--out',
        str(tmp_path / 'e.pt'),
    ]
    assert main(argv) == 0
    assert 'per epoch' not in capsys.readouterr().err  # a short run
    monkeypatch.setattr(methods, 'MHN_SECONDS_PER_TFLOP', 1e12)
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert 's per epoch on an idle 2-core CPU' in err
    assert 'up to 1 epochs' in err


def test_cli_announces_long_node_classification(capsys):
    from pyg_hopfield.protocols import announce_node_classification

    y = torch.zeros(10312, 39)  # BlogCatalog: 39 labels
    announce_node_classification(torch.zeros(10312, 2000), y, 20, 'torch')
    err = capsys.readouterr().err  # ~6 s a run measured: about 2 min
    assert 'about 2 min' in err and '20 runs, torch solver' in err
    announce_node_classification(torch.zeros(3890, 128), y[:3890], 20, 'torch')
    assert capsys.readouterr().err == ''  # short: nothing said
    x = torch.zeros(3890, 2000)
    announce_node_classification(x, y[:3890], 20, 'liblinear')
    assert 'liblinear solver' in capsys.readouterr().err


def test_cli_mhn_graph_too_small_for_validation(tmp_path, capsys):
    edges = tmp_path / 'graph.txt'
    edges.write_text('0 1\n')  # one edge: nothing to hold out
    out = tmp_path / 'emb.pt'
    assert (
        main(
            [
                'embed',
                '--method',
                'mhn',
                '--edges',
                str(edges),
                '--dim',
                '4',
                '--epochs',
                '2',
                '--out',
                str(out),
            ]
        )
        == 0
    )
    assert 'no validation split' in capsys.readouterr().err
    assert torch.load(out).shape == (2, 4)


def test_cli_node_classification_l2_flag(data_mirror, tmp_path, monkeypatch):
    from pyg_hopfield import evaluation

    seen = []
    monkeypatch.setattr(
        evaluation,
        'node_classification',
        lambda *args, **kwargs: (
            seen.append(kwargs['normalize']) or {'micro_f1': 50.0}
        ),
    )
    for flag, expected in [([], True), (['--no-l2'], False)]:
        result = tmp_path / 'node.json'
        assert (
            main(
                [
                    'evaluate',
                    '--task',
                    'node',
                    '--method',
                    'hebbian',
                    '--dim',
                    '8',
                    '--runs',
                    '1',
                    '--dataset',
                    'Cora',
                    '--root',
                    str(tmp_path),
                    '--json',
                    str(result),
                ]
                + flag
            )
            == 0
        )
        import json

        assert json.loads(result.read_text())['l2_normalised'] is expected
    assert seen == [True, False]


def test_cli_mhn_walk_weights_flag(tmp_path):
    from pyg_hopfield.io import read_edge_list
    from pyg_hopfield.nn import MHNEmbedding
    from pyg_hopfield.transforms import KHopContext

    edges = _chorded_cycle(tmp_path)
    data = read_edge_list(str(edges))
    context = KHopContext(k=1).context(data.edge_index, data.num_nodes)
    outputs = {}
    for weights in (['1'], ['1', '2']):
        out = tmp_path / f'{len(weights)}.pt'
        argv = ['embed', '--method', 'mhn', '--edges', str(edges), '--dim']
        argv += ['8', '--epochs', '0', '--walk-weights', *weights]
        assert main(argv + ['--out', str(out)]) == 0
        torch.manual_seed(0)
        walk = tuple(float(w) for w in weights)
        model = MHNEmbedding(data.num_nodes, 8, walk_weights=walk)
        with torch.no_grad():
            assert torch.equal(torch.load(out), model(context))
        outputs[walk] = torch.load(out)
    assert not torch.equal(outputs[(1.0,)], outputs[(1.0, 2.0)])


def test_cli_select_overrides_a_flag_it_selects(tmp_path, capsys):
    # --select chooses the degree direction itself; a flag that sets it is
    # replaced by the choice, never a crash.
    edges = _chorded_cycle(tmp_path)
    argv = ['evaluate', '--task', 'link-auc', '--method', 'hebbian']
    argv += ['--edges', str(edges), '--select', '--degree-direction', 'true']
    assert main(argv + ['--dim', '4']) == 0
    assert 'selected on validation' in capsys.readouterr().out
