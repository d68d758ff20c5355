import json
import os
import os.path as osp
import subprocess
import sys

import pytest

EXAMPLE = osp.join(
    osp.dirname(__file__), '..', '..', 'examples', 'recommender.py'
)


def test_recommender_example_on_fake_ratings(tmp_path):
    pytest.importorskip('implicit')
    sys.path.insert(0, osp.join(osp.dirname(__file__), '..'))
    from test_cli_recommender import write_fake_movielens

    write_fake_movielens(tmp_path, num_users=40, num_items=20)
    out = tmp_path / 'rec.json'
    env = dict(os.environ, PYG_HOPFIELD_OFFLINE='1')
    env.pop('PYG_HOPFIELD_DATA', None)
    run = subprocess.run(
        [
            sys.executable,
            EXAMPLE,
            '--root',
            str(tmp_path),
            '--splits',
            '2',
            '--dims',
            '4',
            '--k',
            '3',
            '--val-draws',
            '1',
            '--methods',
            'popularity',
            'item_knn',
            'als',
            'spectral',
            'hebbian_paper',
            'hebbian',
            '--json',
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert 'paper protocol' in run.stdout and 'leave-one-out' in run.stdout
    results = json.loads(out.read_text())['results']
    assert set(results) == {
        'popularity',
        'item-kNN cosine (implicit)',
        'ALS 100 factors (implicit)',
        'spectral d=4',
        'Hebbian, paper settings d=4',
        'Hebbian d=4',
    }
    for method in results.values():
        assert len(method['paper']) == 2
        assert 0.0 <= method['leave-one-out_mean'] <= 1.0
        assert min(method['seconds']) >= 0.0
