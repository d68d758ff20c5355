import json
import os.path as osp
import subprocess
import sys

EXAMPLE = osp.join(
    osp.dirname(__file__), '..', '..', 'examples', 'mhn_early_stopping.py'
)


def test_mhn_early_stopping_study_on_cora(data_mirror, cache_root, tmp_path):
    out = tmp_path / 'study.json'
    subprocess.run(
        [
            sys.executable,
            EXAMPLE,
            '--dataset',
            'Cora',
            '--root',
            cache_root,
            '--memories',
            '8',
            '--epochs',
            '2',
            '--runs',
            '1',
            '--recipes',
            'paper',
            'ego',
            '--out',
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    results = json.loads(out.read_text())['results']
    assert [res['recipe'] for res in results] == ['paper', 'ego']
    for res in results:
        assert [row['epoch'] for row in res['rows']] == [0, 1, 2]
        aucs = [row['auc'] for row in res['rows']]
        assert res['best_epoch'] == aucs.index(max(aucs))
        assert all(0.0 <= row['micro_f1'] <= 100.0 for row in res['rows'])
