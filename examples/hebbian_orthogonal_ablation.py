r"""What each part of the orthogonal Hebbian propagation buys: link AUC
(10% of the edges held out, as many random non-edges, inner-product score)
of HebbianPropagation's default and of variants with one part changed, on
the SEAL graphs and GrQc, beside the spectral embedding (scipy ``eigsh`` of
D^-1/2 A D^-1/2, top d, scaled by sqrt|lambda|) on the same splits.

    python examples/hebbian_orthogonal_ablation.py
    python examples/hebbian_orthogonal_ablation.py --datasets Power --seeds 0

About 5 minutes on a 2-core CPU. Writes
benchmarks/results/hebbian_orthogonal_ablation.json.
"""

import argparse
import json
import os.path as osp
import time

import numpy as np
import torch

from pyg_hopfield.datasets import load
from pyg_hopfield.evaluation import link_prediction_auc
from pyg_hopfield.nn import HebbianPropagation
from pyg_hopfield.utils import seal_link_split
from pyg_hopfield.utils.atomic import atomic_write

#: Variants: keyword arguments on top of the module's defaults (or of a
#: preset, for the paper's update).
VARIANTS = {
    'default (T=80, Chebyshev k=8, auto, alpha=1)': dict(),
    'T=10': dict(num_iterations=10),
    'T=40': dict(num_iterations=40),
    'no momentum (k=1: shifted power iteration + QR)': dict(filter_degree=1),
    'degree direction always kept': dict(degree_direction=True),
    'degree direction always removed': dict(degree_direction=False),
    'alpha=0.5 (spectral scaling)': dict(eigenvalue_exponent=0.5),
    "paper's update (preset 'paper')": dict(preset='paper'),
    "paper's update (preset 'improved')": dict(preset='improved'),
}


def spectral(edge_index, num_nodes, dim):
    import scipy.sparse as sp
    from scipy.sparse.linalg import eigsh

    index = edge_index.numpy()
    adj = sp.csr_matrix(
        (np.ones(index.shape[1]), (index[0], index[1])),
        shape=(num_nodes, num_nodes),
    )
    deg = np.asarray(adj.sum(1)).ravel()
    inv = np.zeros_like(deg)
    inv[deg > 0] = deg[deg > 0] ** -0.5
    norm = sp.diags(inv) @ adj @ sp.diags(inv)
    value, vector = eigsh(
        norm,
        k=dim,
        which='LA',
        tol=1e-6,
        v0=np.ones(num_nodes) / np.sqrt(num_nodes),
    )
    return torch.from_numpy(vector * np.sqrt(np.abs(value))).float()


def embed(variant, edge_index, num_nodes, dim, seed):
    kwargs = dict(variant)
    preset = kwargs.pop('preset', None)
    if preset is None:
        model = HebbianPropagation(num_nodes, dim, seed=seed, **kwargs)
    else:
        model = HebbianPropagation.from_preset(
            preset, num_nodes, dim, seed=seed, **kwargs
        )
    return model(edge_index)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--datasets',
        nargs='+',
        default=['USAir', 'PB', 'Celegans', 'Power', 'GrQc'],
    )
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    parser.add_argument('--dim', type=int, default=128)
    parser.add_argument(
        '--out',
        default=osp.join(
            osp.dirname(__file__),
            '..',
            'benchmarks',
            'results',
            'hebbian_orthogonal_ablation.json',
        ),
    )
    args = parser.parse_args()

    names = ['spectral (scipy eigsh)'] + list(VARIANTS)
    results = {name: {} for name in names}
    for dataset in args.datasets:
        data = load(dataset)[0]
        for name in names:
            results[name][dataset] = []
        for seed in args.seeds:
            train, pos, neg = seal_link_split(
                data.edge_index, data.num_nodes, 0.1, seed=seed
            )
            for name in names:
                start = time.perf_counter()
                if name.startswith('spectral'):
                    x = spectral(train, data.num_nodes, args.dim)
                else:
                    x = embed(
                        VARIANTS[name], train, data.num_nodes, args.dim, seed
                    )
                auc = link_prediction_auc(x, pos, neg)['auc']
                results[name][dataset].append(
                    dict(
                        seed=seed, auc=auc, seconds=time.perf_counter() - start
                    )
                )
                print(
                    f'{dataset:9s} seed {seed} {name:48s} AUC {auc:.4f}',
                    flush=True,
                )

    print(
        f'\n{"variant":48s} '
        + ' '.join(f'{d:>9s}' for d in args.datasets)
        + '      mean'
    )
    for name in names:
        means = [
            np.mean([r['auc'] for r in results[name][d]])
            for d in args.datasets
        ]
        print(
            f'{name:48s} '
            + ' '.join(f'{m:9.4f}' for m in means)
            + f' {np.mean(means):9.4f}'
        )
    with atomic_write(args.out, 'w') as f:
        json.dump(
            dict(
                dim=args.dim,
                seeds=args.seeds,
                protocol=('seal_link_split 10%, inner-product AUC'),
                variants={k: v for k, v in VARIANTS.items()},
                results=results,
            ),
            f,
            indent=1,
        )


if __name__ == '__main__':
    main()
