r"""LIBLINEAR against ``solver='torch'`` in
:func:`pyg_hopfield.evaluation.node_classification`, on the real labels.

The embedding is the untrained 2,000-dimensional MHN embedding
:math:`\Psi\mathbf{c}` (the size that makes LIBLINEAR slow), L2-normalised;
both solvers score the same splits, one after the other in this process, so
the time ratio is measured in one run. Writes
``benchmarks/results/node_classification_solvers.json``.

    python benchmarks/bench_node_classification.py --datasets BlogCatalog PPI
"""

import argparse
import json
import os
import os.path as osp
import time

import torch

from pyg_hopfield.datasets import load
from pyg_hopfield.evaluation import node_classification
from pyg_hopfield.nn import MHNEmbedding
from pyg_hopfield.transforms import KHopContext

RESULTS = osp.join(
    osp.dirname(osp.abspath(__file__)),
    'results',
    'node_classification_solvers.json',
)

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('--datasets', nargs='+', default=['BlogCatalog', 'PPI'])
parser.add_argument('--root', default=osp.join('data', 'mhn'))
parser.add_argument('--memories', type=int, default=2000)
parser.add_argument('--runs', type=int, default=2)
parser.add_argument('--out', default=RESULTS)
args = parser.parse_args()

results = dict(
    config=vars(args),
    torch=torch.__version__,
    threads=torch.get_num_threads(),
    load_average=os.getloadavg(),
    datasets={},
)
print(f'{"dataset":<12} {"solver":<10} {"seconds":>8} {"micro-F1 runs":>30}')
for name in args.datasets:
    data = load(name, args.root)[0]
    context = KHopContext(k=1).context(data.edge_index, data.num_nodes)
    torch.manual_seed(0)
    with torch.no_grad():
        z = MHNEmbedding(data.num_nodes, args.memories)(context)
    out = {}
    for solver in ['liblinear', 'torch']:
        start = time.perf_counter()
        res = node_classification(
            z, data.y, num_runs=args.runs, normalize=True, solver=solver
        )
        out[solver] = dict(
            seconds=time.perf_counter() - start,
            micro_f1_runs=res['micro_f1_runs'],
            macro_f1_runs=res['macro_f1_runs'],
        )
        runs = ' '.join(f'{v:.4f}' for v in res['micro_f1_runs'])
        print(
            f'{name:<12} {solver:<10} {out[solver]["seconds"]:>8.1f} '
            f'{runs:>30}',
            flush=True,
        )
    out['speedup'] = out['liblinear']['seconds'] / out['torch']['seconds']
    out['max_abs_micro_diff'] = max(
        abs(a - b)
        for a, b in zip(
            out['liblinear']['micro_f1_runs'], out['torch']['micro_f1_runs']
        )
    )
    out['max_abs_macro_diff'] = max(
        abs(a - b)
        for a, b in zip(
            out['liblinear']['macro_f1_runs'], out['torch']['macro_f1_runs']
        )
    )
    print(
        f'{name:<12} speed-up {out["speedup"]:.1f}x, largest F1 '
        f'difference micro {out["max_abs_micro_diff"]:.4f} / macro '
        f'{out["max_abs_macro_diff"]:.4f}',
        flush=True,
    )
    results['datasets'][name] = out

os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
with open(args.out, 'w') as f:
    json.dump(results, f, indent=1)
