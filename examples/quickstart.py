r"""Quickstart: embed a graph with each method, evaluate, plot.

Runs offline on USAir (shipped inside the package) and, when the data mirror
or the internet is available, on PPI for node classification.

    python examples/quickstart.py --out results/quickstart
"""

import argparse
import json
import os
import os.path as osp
import time

import torch

from pyg_hopfield.datasets import load
from pyg_hopfield.evaluation import (
    jaccard_auc,
    link_prediction_auc,
    node_classification,
)
from pyg_hopfield.nn import HebbianPropagation, MHNEmbedding
from pyg_hopfield.transforms import KHopContext
from pyg_hopfield.utils import seal_link_split


def hebbian(edge_index, num_nodes, dim, seed, preset, **kwargs):
    model = HebbianPropagation.from_preset(
        preset, num_nodes, dim, seed=seed, **kwargs
    )
    return model(edge_index)


def mhn(edge_index, num_nodes, memories, epochs, seed):
    torch.manual_seed(seed)
    context = KHopContext(k=1).context(edge_index, num_nodes)
    model = MHNEmbedding(num_nodes, memories)
    model.fit(context, epochs=epochs, batch_size=256, seed=seed)
    with torch.no_grad():
        return model(context)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--root', default=None)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--mhn-epochs', type=int, default=20)
    parser.add_argument('--out', default='results/quickstart')
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    data = load('USAir', args.root)[0]
    train, pos, neg = seal_link_split(
        data.edge_index, data.num_nodes, seed=args.seed
    )
    results = {}
    curves = {}
    for name, run in [
        # The paper's update with the settings --select chooses here.
        (
            'hebbian',
            lambda: hebbian(
                train,
                data.num_nodes,
                200,
                args.seed,
                'paper',
                num_iterations=5,
                transition='sym',
                negative_weight=0.0,
            ),
        ),
        (
            'mhn',
            lambda: mhn(
                train, data.num_nodes, 2000, args.mhn_epochs, args.seed
            ),
        ),
    ]:
        start = time.perf_counter()
        embedding = run()
        seconds = time.perf_counter() - start
        result = link_prediction_auc(embedding, pos, neg)
        results[name] = {'auc': result['auc'], 'seconds': seconds}
        curves[name] = (result['fpr'], result['tpr'], result['auc'])
    jac = jaccard_auc(train, data.num_nodes, pos, neg)
    results['jaccard'] = {'auc': jac['auc'], 'seconds': 0.0}
    curves['jaccard'] = (jac['fpr'], jac['tpr'], jac['auc'])

    print(f'{"USAir link AUC":<16}{"AUC":>8}{"seconds":>10}')
    for name, row in results.items():
        print(f'{name:<16}{row["auc"]:>8.4f}{row["seconds"]:>10.3f}')

    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 4))
    for name, (fpr, tpr, auc) in curves.items():
        ax.plot(fpr, tpr, label=f'{name} ({auc:.3f})')
    ax.plot([0, 1], [0, 1], '--', color='grey', linewidth=0.8)
    ax.set_xlabel('False positive rate')
    ax.set_ylabel('True positive rate')
    ax.set_title('USAir, SEAL split (10% held out)')
    ax.legend(loc='lower right')
    fig.tight_layout()
    fig.savefig(osp.join(args.out, 'usair_roc.png'), dpi=120)

    try:
        ppi = load('PPI', args.root)[0]
    except (FileNotFoundError, RuntimeError) as error:
        print(f'PPI skipped: {error}')
    else:
        # The node-classification setting (see the Hebbian results page):
        # the paper's update with num_iterations=13, lr=1e4,
        # negative_weight=0.0, transition='sym', gaussian='none',
        # normalize='iteration', whiten='iteration'.
        start = time.perf_counter()
        embedding = hebbian(
            ppi.edge_index, ppi.num_nodes, 128, args.seed, 'classification'
        )
        seconds = time.perf_counter() - start
        f1 = node_classification(embedding, ppi.y, seed=args.seed)
        results['ppi_hebbian_node'] = {
            k: v for k, v in f1.items() if not k.endswith('_runs')
        }
        print(
            f'PPI node classification (hebbian, d=128, {seconds:.2f} s): '
            f'micro-F1 '
            f'{f1["micro_f1"]:.2f} +- {f1["micro_f1_std"]:.2f}, macro-F1 '
            f'{f1["macro_f1"]:.2f} +- {f1["macro_f1_std"]:.2f}'
        )

    with open(osp.join(args.out, 'quickstart.json'), 'w') as f:
        json.dump(results, f, indent=2)


if __name__ == '__main__':
    main()
