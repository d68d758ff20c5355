r"""The CLI's start-up cost and its ``--edges`` formats."""

import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from pyg_hopfield.cli import main

HEAVY = ('torch_geometric', 'sklearn', 'ogb', 'scipy', 'matplotlib')

PROBE = """
import json, sys
{body}
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))
"""


def imported_after(body):
    out = subprocess.run(
        [sys.executable, '-c', PROBE.format(body=body)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    'body',
    [
        'import pyg_hopfield.cli',
        'from pyg_hopfield.cli import main\n'
        'try:\n    main(["--help"])\nexcept SystemExit:\n    pass',
        'from pyg_hopfield.cli import main\n'
        'try:\n    main(["embed", "--help"])\nexcept SystemExit:\n    pass',
    ],
)
def test_help_imports_no_library(body):
    modules = imported_after(body)
    assert not modules & set(HEAVY + ('torch',))


def test_datasets_command_imports_no_heavy_library():
    modules = imported_after(
        'from pyg_hopfield.cli import main\nassert main(["datasets"]) == 0'
    )
    assert not modules & set(HEAVY)


def test_lazy_subpackages_still_import():
    modules = imported_after(
        'import pyg_hopfield\n'
        'from pyg_hopfield.nn import HebbianPropagation\n'
        'assert pyg_hopfield.datasets.BlogCatalog\n'
        'assert "io" in dir(pyg_hopfield)'
    )
    assert 'torch_geometric' in modules


def embed(tmp_path, edges, *extra):
    out = tmp_path / 'emb.pt'
    code = main(
        [
            'embed',
            '--method',
            'hebbian',
            '--edges',
            str(edges),
            '--dim',
            '4',
            '--seed',
            '0',
            *extra,
            '--out',
            str(out),
        ]
    )
    return code, (torch.load(out) if code == 0 else None)


def test_embed_npy_and_pt_equal_text(tmp_path):
    pairs = np.array([[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]])
    weights = np.array([1.0, 2.0, 1.0, 0.5, 3.0])
    np.savetxt(
        tmp_path / 'g.txt',
        np.column_stack([pairs, weights]),
        fmt=['%d', '%d', '%.1f'],
    )
    np.save(tmp_path / 'g.npy', pairs.T.astype(np.int32))
    np.save(tmp_path / 'w.npy', weights)
    torch.save(
        Data(
            edge_index=torch.from_numpy(pairs.T),
            edge_weight=torch.from_numpy(weights).float(),
            num_nodes=4,
        ),
        tmp_path / 'g.pt',
    )
    _, text = embed(tmp_path, tmp_path / 'g.txt')
    _, npy = embed(
        tmp_path, tmp_path / 'g.npy', '--weights', str(tmp_path / 'w.npy')
    )
    _, pt = embed(tmp_path, tmp_path / 'g.pt')
    assert text.shape == (4, 4)
    assert torch.equal(text, npy) and torch.equal(text, pt)


def test_embed_one_based_warns_and_flag_fixes(tmp_path, capsys):
    (tmp_path / 'g.txt').write_text('1 2\n2 3\n3 1\n')
    code, embedding = embed(tmp_path, tmp_path / 'g.txt')
    assert code == 0 and embedding.size(0) == 4  # the phantom node 0
    err = capsys.readouterr().err
    assert 'pyg-hopfield embed: warning:' in err and '--one-based' in err
    code, embedding = embed(tmp_path, tmp_path / 'g.txt', '--one-based')
    assert code == 0 and embedding.size(0) == 3
    assert 'warning' not in capsys.readouterr().err


@pytest.mark.parametrize(
    'argv,match',
    [
        (['--edges', 'MISSING'], 'does not exist'),
        (
            ['--dataset', 'USAir', '--weights', 'w.npy'],
            "'--weights' only applies to '--edges'",
        ),
        (
            ['--dataset', 'USAir', '--one-based'],
            "'--one-based' only applies to '--edges'",
        ),
    ],
)
def test_embed_input_errors(tmp_path, capsys, argv, match):
    code = main(
        [
            'embed',
            '--method',
            'hebbian',
            *argv,
            '--out',
            str(tmp_path / 'emb.pt'),
        ]
    )
    assert code == 2
    assert match in capsys.readouterr().err


def test_embed_help_describes_formats(capsys):
    with pytest.raises(SystemExit):
        main(['embed', '--help'])
    out = capsys.readouterr().out
    assert '.npy' in out and '.pt' in out and '--one-based' in out
    assert '  0 1 2.5\n' in out and '  1 2 0.5\n' in out


@pytest.mark.parametrize(
    'argv,code,stream,text',
    [
        (['datasets'], 0, 'stdout', 'BlogCatalog\n'),
        (
            ['info', 'NoSuchGraph'],
            2,
            'stderr',
            "unknown dataset 'NoSuchGraph'",
        ),
    ],
)
def test_console_command_exit(argv, code, stream, text):
    # As the console command, main() ends the process without the module
    # teardown: the exit code and the flushed output must survive that.
    run = subprocess.run(
        [sys.executable, '-m', 'pyg_hopfield.cli', *argv],
        capture_output=True,
        text=True,
    )
    assert run.returncode == code
    assert text in getattr(run, stream)
