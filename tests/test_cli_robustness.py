r"""The command line never silently substitutes a value, never writes a
non-finite or half-written output (issue #16)."""

import json
import os

import pytest
import torch

from pyg_hopfield.cli import main

GRAPH = '0 1\n1 2\n2 3\n3 4\n4 5\n5 0\n0 3\n'


@pytest.fixture
def edges(tmp_path):
    path = tmp_path / 'graph.txt'
    path.write_text(GRAPH)
    return str(path)


def embed_argv(edges, out, *extra, method='hebbian'):
    return [
        'embed',
        '--method',
        method,
        '--edges',
        edges,
        '--dim',
        '4',
        '--out',
        str(out),
        *extra,
    ]


@pytest.mark.parametrize(
    'flag,value,minimum',
    [
        ('--dim', '0', 1),
        ('--memories', '0', 1),
        ('--batch-size', '0', 1),
        ('--epochs', '-1', 0),
        ('--steps', '-1', 0),
        ('--k', '0', 1),
        ('--num-nodes', '0', 1),
        ('--seed', '-1', 0),
    ],
)
def test_cli_refuses_zero_instead_of_a_default(
    tmp_path, capsys, edges, flag, value, minimum
):
    argv = embed_argv(edges, tmp_path / 'e.pt', method='mhn')
    argv = [a for a in argv if a not in ('--dim', '4')] + [flag, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"'{flag}' must be >= {minimum} (got {value})" in err
    assert not (tmp_path / 'e.pt').exists()


@pytest.mark.parametrize(
    'flag',
    [
        '--lr',
        '--variance',
        '--variance-decay',
        '--negative-weight',
        '--init-std',
    ],
)
@pytest.mark.parametrize('value', ['inf', 'nan', '-inf'])
def test_cli_refuses_non_finite_floats(tmp_path, capsys, edges, flag, value):
    assert main(embed_argv(edges, tmp_path / 'e.pt', f'{flag}={value}')) == 2
    assert f"'{flag}' must be a finite number" in capsys.readouterr().err


def test_cli_sweep_and_capacity_refuse_zero(tmp_path, capsys, edges):
    assert (
        main(
            [
                'sweep',
                '--task',
                'link-auc',
                '--method',
                'hebbian',
                '--edges',
                edges,
                '--dims',
                '4',
                '0',
            ]
        )
        == 2
    )
    assert "'--dims' must be >= 1 (got 0)" in capsys.readouterr().err
    assert main(['capacity', '--neurons', '20', '--probes', '0']) == 2
    assert "'--probes' must be >= 1 (got 0)" in capsys.readouterr().err
    assert (
        main(
            [
                'evaluate',
                '--task',
                'link-auc',
                '--method',
                'hebbian',
                '--edges',
                edges,
                '--test-ratio',
                'nan',
            ]
        )
        == 2
    )
    assert "'--test-ratio' must be a finite" in capsys.readouterr().err


def test_cli_mhn_epochs_zero_is_the_untrained_embedding(tmp_path, edges):
    out = tmp_path / 'e.pt'
    argv = embed_argv(edges, out, '--epochs', '0', '--seed', '3', method='mhn')
    assert main(argv) == 0
    from pyg_hopfield.nn import MHNEmbedding
    from pyg_hopfield.transforms import KHopContext
    from pyg_hopfield.utils import read_edge_list

    data = read_edge_list(edges)
    torch.manual_seed(3)
    model = MHNEmbedding(data.num_nodes, 4)
    context = KHopContext(k=1).context(data.edge_index, data.num_nodes)
    with torch.no_grad():
        assert torch.equal(torch.load(out), model(context))


def test_cli_never_writes_non_finite_output(
    tmp_path, capsys, edges, monkeypatch
):
    out = tmp_path / 'e.pt'
    out.write_bytes(b'previous file')
    import pyg_hopfield.methods as methods

    def overflowing(edge_index, edge_weight, num_nodes, **options):
        x = torch.ones(num_nodes, 4)
        x[1, 2] = float('nan')
        x[3, 0] = float('inf')
        return x

    monkeypatch.setattr(methods, 'embed_hebbian', overflowing)
    assert main(embed_argv(edges, out)) == 2
    err = capsys.readouterr().err
    assert 'the embedding has 2 of 24 values NaN or infinite' in err
    assert out.read_bytes() == b'previous file'
    assert main(embed_argv(edges, tmp_path / 'e.npy')) == 2
    assert sorted(os.listdir(tmp_path)) == ['e.pt', 'graph.txt']


def test_cli_interrupted_save_keeps_the_previous_file(
    tmp_path, edges, monkeypatch
):
    out = tmp_path / 'e.pt'
    assert main(embed_argv(edges, out, '--seed', '1')) == 0
    before = out.read_bytes()

    def dying_save(obj, f, *args, **kwargs):
        f.write(b'PK\x03\x04 half a zip')
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, 'save', dying_save)
    with pytest.raises(KeyboardInterrupt):
        main(embed_argv(edges, out, '--seed', '2'))
    assert out.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ['e.pt', 'graph.txt']


def test_cli_json_is_atomic_and_finite(tmp_path, capsys, monkeypatch):
    from pyg_hopfield.cli.output import write_json

    path = tmp_path / 'm.json'
    write_json(str(path), {'auc': 0.5})
    assert json.loads(path.read_text()) == {'auc': 0.5}
    with pytest.raises(ValueError, match="nothing was written to '--json "):
        write_json(str(path), {'auc': float('nan')})
    assert json.loads(path.read_text()) == {'auc': 0.5}
    assert os.listdir(tmp_path) == ['m.json']


def test_cli_capacity_plot_and_json(tmp_path):
    pytest.importorskip('matplotlib')
    plot, out = tmp_path / 'c.png', tmp_path / 'c.json'
    assert (
        main(
            [
                'capacity',
                '--neurons',
                '20',
                '--alphas',
                '0.1',
                '--probes',
                '2',
                '--plot',
                str(plot),
                '--json',
                str(out),
            ]
        )
        == 0
    )
    assert plot.read_bytes()[:4] == b'\x89PNG'
    assert json.loads(out.read_text())['rows'][0]['N'] == 20
    assert sorted(os.listdir(tmp_path)) == ['c.json', 'c.png']


def test_cli_refuses_a_dimension_that_cannot_fit(
    tmp_path, capsys, edges, monkeypatch
):
    import pyg_hopfield.utils.memory as memory

    monkeypatch.setattr(memory, 'available_memory', lambda device: 2**30)
    argv = embed_argv(edges, tmp_path / 'e.pt')
    argv[argv.index('--dim') + 1] = '10000000'
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert (
        "'--dim 10000000' (hebbian on 6 nodes) needs at least 1.1 GB" in err
        and 'only 1.0 GB is available on cpu' in err
    )
    argv = embed_argv(
        edges, tmp_path / 'e.pt', '--memories', '200000', method='mhn'
    )
    argv.remove('--dim'), argv.remove('4')
    assert main(argv) == 2
    assert (
        "'--memories 200000' (mhn on 6 nodes) needs" in capsys.readouterr().err
    )


def test_cli_info_on_a_file_root(tmp_path, capsys):
    root = tmp_path / 'a_file'
    root.write_text('not a folder')
    assert main(['info', 'USAir', '--root', str(root)]) == 2
    assert str(root) in capsys.readouterr().err


def test_cli_embed_accepts_a_dgl_like_graph():
    from pyg_hopfield.methods import embed

    class FakeDGLGraph:
        edata = {}

        def edges(self, form='uv', order='eid', etype=None):
            return (
                torch.tensor([0, 1, 1, 2], dtype=torch.int32),
                torch.tensor([1, 0, 2, 1], dtype=torch.int32),
            )

        def num_nodes(self, ntype=None):
            return 4

    x = embed(FakeDGLGraph(), 'hebbian', dim=3, progress=False)
    assert x.shape == (4, 3)
