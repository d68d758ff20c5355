r"""Storage, learning and generalisation in the random-feature Hopfield model.

Reproduces, at CPU scale, Fig. 1 and Fig. 3a of "Random Feature Hopfield
Networks generalize retrieval to previously unseen examples" (Negri et al.,
NeurIPS 2023 AMHN workshop): for P = alpha * N stored examples
xi = sign(F c) (L non-zero coefficients out of D = alpha_D * N features),
start the sequential dynamics (1) at train examples, unseen test examples
and features, run to a fixed point and measure the magnetisations m_train,
m_test and mu (§3).

    python examples/hopfield_random_features.py --experiment fig1 \
        --out results/hopfield_rfhm
"""

import argparse
import json
import os
import os.path as osp
import time

import torch

from pyg_hopfield.memory import RandomFeatureHopfield

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument(
    '--experiment', default='all', choices=['fig1', 'fig3a', 'all']
)
parser.add_argument('--fig1-N', type=int, default=2000)
parser.add_argument('--fig1-alpha-D', type=float, default=0.02)
parser.add_argument('--fig1-L', type=int, default=3)
parser.add_argument(
    '--fig1-alphas',
    type=float,
    nargs='+',
    default=[
        0.005,
        0.01,
        0.02,
        0.04,
        0.07,
        0.1,
        0.15,
        0.2,
        0.3,
        0.5,
        0.7,
        1.0,
        1.5,
        2.0,
        3.0,
        4.0,
    ],
)
parser.add_argument('--fig3a-N', type=int, default=1000)
parser.add_argument(
    '--fig3a-alpha-D', type=float, nargs='+', default=[0.01, 0.02]
)
parser.add_argument('--fig3a-L', type=int, nargs='+', default=[3, 5, 7])
parser.add_argument(
    '--fig3a-alphas',
    type=float,
    nargs='+',
    default=[0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 4.0],
)
parser.add_argument(
    '--networks',
    type=int,
    default=2,
    help='independent (F, train set) samples per point',
)
parser.add_argument(
    '--samples',
    type=int,
    default=20,
    help='train / test examples and features probed per network',
)
parser.add_argument('--max-steps', type=int, default=100)
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--threads', type=int, default=1)
parser.add_argument('--device', default='cpu')
parser.add_argument('--out', default='results/hopfield_rfhm')
args = parser.parse_args()

torch.set_num_threads(args.threads)
os.makedirs(args.out, exist_ok=True)


@torch.no_grad()
def point(N: int, alpha_D: float, L: int, alpha: float, seed: int) -> dict:
    D = max(1, round(alpha_D * N))
    P = max(1, round(alpha * N))
    out = {'m_train': [], 'm_test': [], 'mu': []}
    for k in range(args.networks):
        model = RandomFeatureHopfield(
            N, D, L, seed=seed + 7919 * k, device=args.device
        )
        model.store(P)
        try:
            m = model.magnetizations(
                num_samples=args.samples, max_steps=args.max_steps
            )
        except ValueError as e:  # no unseen coefficients left (small D)
            print(f'  skipped N={N} D={D} L={L} alpha={alpha}: {e}')
            m = {key: torch.tensor([float('nan')]) for key in out}
        for key, values in out.items():
            values.append(m[key].cpu())
    res = {
        'N': N,
        'D': D,
        'L': L,
        'alpha_D': alpha_D,
        'alpha': alpha,
        'P': P,
        'networks': args.networks,
        'samples': args.samples,
    }
    for key, vals in out.items():
        v = torch.cat(vals)
        res[key] = v.mean().item()
        res[key + '_std'] = v.std().item() if v.numel() > 1 else 0.0
    return res


def run_curve(N, alpha_D, L, alphas, tag):
    rows = []
    for j, alpha in enumerate(alphas):
        t = time.perf_counter()
        r = point(N, alpha_D, L, alpha, args.seed + 1009 * j)
        r['seconds'] = time.perf_counter() - t
        rows.append(r)
        print(
            f'{tag:>6} {N:5d} {r["D"]:4d} {L:3d} {alpha:6.3f} {r["P"]:6d} '
            f'{r["m_train"]:8.3f} {r["m_test"]:8.3f} {r["mu"]:8.3f} '
            f'{r["seconds"]:6.1f}',
            flush=True,
        )
    return rows


header = (
    f'{"exp":>6} {"N":>5} {"D":>4} {"L":>3} {"alpha":>6} {"P":>6} '
    f'{"m_train":>8} {"m_test":>8} {"mu":>8} {"sec":>6}'
)

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt

results = {
    'args': vars(args),
    'torch': torch.__version__,
    'threads': torch.get_num_threads(),
}
if args.experiment in ('fig1', 'all'):
    print(header)
    rows = run_curve(
        args.fig1_N, args.fig1_alpha_D, args.fig1_L, args.fig1_alphas, 'fig1'
    )
    results['fig1'] = rows
    a = [r['alpha'] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, color, label in (
        ('mu', 'C0', r'$\mu$ (features)'),
        ('m_train', 'C1', r'$m^{train}$'),
        ('m_test', 'C3', r'$m^{test}$'),
    ):
        ax.errorbar(
            a,
            [r[key] for r in rows],
            yerr=[r[key + '_std'] for r in rows],
            color=color,
            marker='o',
            ms=3,
            capsize=2,
            label=label,
        )
    ax.set_xscale('log')
    ax.set_xlabel(r'$\alpha = P / N$')
    ax.set_ylabel('magnetisation')
    ax.set_title(
        f'RFHM, N={args.fig1_N}, '
        rf'$\alpha_D$={args.fig1_alpha_D}, L={args.fig1_L}'
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig(osp.join(args.out, 'hopfield_rfhm_fig1.png'), dpi=120)

if args.experiment in ('fig3a', 'all'):
    print(header)
    rows = []
    for alpha_D in args.fig3a_alpha_D:
        for L in args.fig3a_L:
            rows += run_curve(
                args.fig3a_N, alpha_D, L, args.fig3a_alphas, 'fig3a'
            )
    results['fig3a'] = rows
    n = len(args.fig3a_alpha_D)
    fig, axes = plt.subplots(1, n, figsize=(5 * n, 4), squeeze=False)
    for ax, alpha_D in zip(axes[0], args.fig3a_alpha_D):
        for c, L in enumerate(args.fig3a_L):
            curve = [
                r for r in rows if r['alpha_D'] == alpha_D and r['L'] == L
            ]
            a = [r['alpha'] for r in curve]
            ax.plot(a, [r['mu'] for r in curve], '--', color=f'C{c}')
            ax.plot(
                a,
                [r['m_test'] for r in curve],
                'o-',
                ms=3,
                color=f'C{c}',
                label=f'L={L}',
            )
        ax.set_xscale('log')
        ax.set_ylim(-0.05, 1.05)
        ax.set_xlabel(r'$\alpha = P / N$')
        ax.set_title(
            rf'$\alpha_D$={alpha_D}, N={args.fig3a_N} '
            r'(dashed $\mu$, solid $m^{test}$)'
        )
        ax.legend()
    axes[0][0].set_ylabel('magnetisation')
    fig.tight_layout()
    fig.savefig(osp.join(args.out, 'hopfield_rfhm_fig3a.png'), dpi=120)

name = osp.join(args.out, f'hopfield_rfhm_{args.experiment}.json')
with open(name, 'w') as fh:
    json.dump(results, fh, indent=1)
print(f'Wrote {name} and the PNG plots in {args.out}')
