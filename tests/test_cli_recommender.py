import json
import os.path as osp

import torch

from pyg_hopfield.cli import build_parser, main


def write_fake_movielens(root, num_users=30, num_items=16, seed=0):
    # Two taste groups: users rate 6 items of their half of the catalogue.
    gen = torch.Generator().manual_seed(seed)
    lines = []
    for user in range(num_users):
        half = (user % 2) * (num_items // 2)
        items = half + torch.randperm(num_items // 2, generator=gen)[:6]
        lines += [f'{user + 1}\t{i + 1}\t4\t881250949\n' for i in items]
    raw = osp.join(str(root), 'MovieLens100K', 'raw')
    import os

    os.makedirs(raw)
    with open(osp.join(raw, 'u1.base'), 'w') as f:
        f.writelines(lines[:-20])
    with open(osp.join(raw, 'u1.test'), 'w') as f:
        f.writelines(lines[-20:])


def test_help_describes_both_formats():
    text = (
        build_parser()
        ._subparsers._group_actions[0]
        .choices['evaluate']
        .format_help()
    )
    assert 'edge files (--edges)' in text and '0 1 2.5' in text
    assert 'history files (--histories' in text
    assert '    0 5 17\n    3 5' in text
    assert '--num-nodes' in text and 'MovieLens100K' in text


def test_hit_rate_protocol_on_interactions(tmp_path, monkeypatch):
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    write_fake_movielens(tmp_path)
    out = tmp_path / 'hr.json'
    argv = [
        'evaluate',
        '--task',
        'hit-rate',
        '--method',
        'hebbian',
        '--dataset',
        'MovieLens100K',
        '--root',
        str(tmp_path),
        '--dim',
        '8',
        '--transition',
        'sym',
        '--negative-weight',
        '0',
        '--gaussian',
        'none',
        '--splits',
        '2',
        '--test-ratio',
        '0.2',
        '--hits-k',
        '3',
        '--json',
        str(out),
    ]
    assert main(argv) == 0
    metrics = json.loads(out.read_text())
    assert metrics['num_users'] == 6 and metrics['splits'] == 2
    for key in ('hit_rate@3', 'loo_hit_rate@3'):
        assert 0.0 <= metrics[key] <= 1.0
    # Within-group co-ratings: the paper protocol nearly always hits.
    assert metrics['hit_rate@3'] >= 0.8
    assert (
        main(
            argv
            + [
                '--weighting',
                'cosine',
                '--propagate-candidates',
                '--popularity-exponent',
                '0.5',
            ]
        )
        == 0
    )
    assert json.loads(out.read_text())['weighting'] == 'cosine'


def test_hit_rate_errors_say_how_to_fix(tmp_path, capsys, monkeypatch):
    edges = tmp_path / 'items.txt'
    edges.write_text(''.join(f'{i} {i + 1}\n' for i in range(11)))
    histories = tmp_path / 'users.txt'
    histories.write_text('0 1\n2 14\n')
    base = [
        'evaluate',
        '--task',
        'hit-rate',
        '--method',
        'hebbian',
        '--edges',
        str(edges),
        '--dim',
        '4',
    ]
    assert main(base + ['--histories', str(histories)]) == 2
    err = capsys.readouterr().err
    assert 'line 2: item 14 is not a node' in err
    assert "'--num-nodes 15'" in err
    assert main(base) == 2
    assert "needs '--histories FILE'" in capsys.readouterr().err
    histories.write_text('0 1\n')
    assert main(base + ['--histories', str(histories), '--hits-k', '12']) == 2
    assert "'--hits-k' must lie in [1, 11]" in capsys.readouterr().err
    monkeypatch.setenv('PYG_HOPFIELD_OFFLINE', '1')
    monkeypatch.delenv('PYG_HOPFIELD_DATA', raising=False)
    write_fake_movielens(tmp_path)
    ml = [
        'evaluate',
        '--task',
        'hit-rate',
        '--method',
        'hebbian',
        '--dataset',
        'MovieLens100K',
        '--root',
        str(tmp_path),
        '--dim',
        '4',
    ]
    assert main(ml + ['--histories', str(histories)]) == 2
    assert "'--histories' does not apply" in capsys.readouterr().err
    assert main(ml + ['--hits-k', '16']) == 2
    assert "'--hits-k' must lie in [1, 15]" in capsys.readouterr().err
    assert main(ml + ['--splits', '0']) == 2
    assert '--splits' in capsys.readouterr().err
