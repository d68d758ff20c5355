r"""Storage capacity of the classic Hopfield network.

Stores P = alpha * N random patterns, starts the asynchronous dynamics
(random order per sweep) at each stored pattern, runs to a fixed point and
measures the overlap m with the start.  Amit, Gutfreund and Sompolinsky
(1987) predict a first-order breakdown at alpha_c ~= 0.138 for N -> oo
(m jumps from ~0.967 to a low value); at finite N the jump is smeared and
sharpens as N grows.  The fraction of initially unstable bits is compared
with the one-step signal-to-noise estimate Phi(-1/sqrt(alpha)) (Hertz, Krogh
and Palmer: 0.36% at alpha = 0.138).

    python examples/hopfield_capacity.py --out results/hopfield_capacity
"""

import argparse
import json
import math
import os
import os.path as osp
import time

import torch

from pyg_hopfield.memory import HopfieldNetwork
from pyg_hopfield.memory.functional import overlap

ALPHA_C = 0.138  # Amit, Gutfreund & Sompolinsky (1987)

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument(
    '--sizes', type=int, nargs='+', default=[500, 1000, 2000, 4000]
)
parser.add_argument(
    '--alphas',
    type=float,
    nargs='+',
    default=[round(0.06 + 0.01 * i, 2) for i in range(15)],
)
parser.add_argument(
    '--probes',
    type=int,
    default=256,
    help='stored patterns probed per (N, alpha); networks '
    'are redrawn until this many are measured',
)
parser.add_argument('--max-steps', type=int, default=200)
parser.add_argument('--mode', default='async', choices=['async', 'sync'])
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--threads', type=int, default=1)
parser.add_argument('--device', default='cpu')
parser.add_argument('--out', default='results/hopfield_capacity')
args = parser.parse_args()

torch.set_num_threads(args.threads)
device = torch.device(args.device)
os.makedirs(args.out, exist_ok=True)


def phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


@torch.no_grad()
def measure(N: int, alpha: float, seed: int) -> dict:
    P = max(1, round(alpha * N))
    per_net = min(P, args.probes)
    num_nets = math.ceil(args.probes / per_net)
    m_all, steps_all, unstable = [], [], []
    for k in range(num_nets):
        gen = torch.Generator(device).manual_seed(seed + 7919 * k)
        xi = torch.randint(0, 2, (P, N), generator=gen, device=device)
        xi = (2 * xi - 1).float()
        net = HopfieldNetwork(N)
        net.store(xi)
        probes = xi[:per_net]
        h = probes @ net.weight  # one-step stability of the stored bits
        unstable.append(((h * probes) < 0).float().mean().item())
        fixed, info = net.retrieve(
            probes,
            mode=args.mode,
            max_steps=args.max_steps,
            generator=gen,
            return_info=True,
        )
        m_all.append(overlap(fixed, probes).cpu())
        steps_all.append(info['num_steps'].float().cpu())
    m = torch.cat(m_all)
    return {
        'N': N,
        'alpha': alpha,
        'P': P,
        'networks': num_nets,
        'probes': m.numel(),
        'm_mean': m.mean().item(),
        'm_std': m.std().item() if m.numel() > 1 else 0.0,
        'frac_retrieved': (m > 0.9).float().mean().item(),
        'unstable_bits': sum(unstable) / len(unstable),
        'unstable_bits_theory': phi(-1.0 / math.sqrt(alpha)),
        'mean_steps': torch.cat(steps_all).mean().item(),
    }


def crossing(alphas, values, level):
    r"""Linear interpolation of the first alpha where values < level."""
    for i in range(1, len(alphas)):
        if values[i - 1] >= level > values[i]:
            a0, a1, v0, v1 = alphas[i - 1], alphas[i], values[i - 1], values[i]
            return a0 + (a1 - a0) * (v0 - level) / (v0 - v1)
    return None


rows, summary = [], []
print(
    f'{"N":>5} {"alpha":>6} {"P":>5} {"m":>7} {"+-":>6} {"f>0.9":>6} '
    f'{"unst":>7} {"theory":>7} {"steps":>6} {"sec":>6}'
)
for N in args.sizes:
    curve = []
    for j, alpha in enumerate(args.alphas):
        t = time.perf_counter()
        r = measure(N, alpha, args.seed + 100003 * j + N)
        r['seconds'] = time.perf_counter() - t
        curve.append(r)
        print(
            f'{N:5d} {alpha:6.3f} {r["P"]:5d} {r["m_mean"]:7.4f} '
            f'{r["m_std"]:6.3f} {r["frac_retrieved"]:6.3f} '
            f'{r["unstable_bits"]:7.4f} {r["unstable_bits_theory"]:7.4f} '
            f'{r["mean_steps"]:6.1f} {r["seconds"]:6.1f}',
            flush=True,
        )
    rows += curve
    a = [r['alpha'] for r in curve]
    f = [r['frac_retrieved'] for r in curve]
    hi, mid, lo = crossing(a, f, 0.9), crossing(a, f, 0.5), crossing(a, f, 0.1)
    summary.append(
        {
            'N': N,
            'alpha_50': mid,
            'alpha_90': hi,
            'alpha_10': lo,
            'width_90_10': (lo - hi)
            if hi is not None and lo is not None
            else None,
        }
    )

print('\nBreakdown (fraction of patterns retrieved with m > 0.9):')
print(
    f'{"N":>5} {"alpha@90%":>10} {"alpha@50%":>10} {"alpha@10%":>10} '
    f'{"width":>7}   (AGS N->oo: alpha_c = {ALPHA_C})'
)
for s in summary:

    def fmt(x):
        return f'{x:10.4f}' if x is not None else f'{"n/a":>10}'

    w = s['width_90_10']
    print(
        f'{s["N"]:5d} {fmt(s["alpha_90"])} {fmt(s["alpha_50"])} '
        f'{fmt(s["alpha_10"])} {w if w is None else round(w, 4)!s:>7}'
    )

with open(osp.join(args.out, 'hopfield_capacity.json'), 'w') as fh:
    json.dump(
        {
            'args': vars(args),
            'alpha_c_ags': ALPHA_C,
            'rows': rows,
            'summary': summary,
            'torch': torch.__version__,
            'threads': torch.get_num_threads(),
        },
        fh,
        indent=1,
    )

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for N in args.sizes:
    curve = [r for r in rows if r['N'] == N]
    a = [r['alpha'] for r in curve]
    axes[0].plot(a, [r['m_mean'] for r in curve], 'o-', ms=3, label=f'N={N}')
    axes[1].plot(
        a, [r['frac_retrieved'] for r in curve], 'o-', ms=3, label=f'N={N}'
    )
for ax in axes:
    ax.axvline(ALPHA_C, color='k', ls='--', lw=1)
    ax.set_xlabel(r'$\alpha = P / N$')
    ax.legend()
axes[0].axhline(0.967, color='gray', ls=':', lw=1)
axes[0].set_ylabel('mean overlap with the stored pattern')
axes[0].set_title(
    r'AGS: $\alpha_c \approx 0.138$, $m(\alpha_c) \approx 0.967$'
)
axes[1].set_ylabel('fraction retrieved (m > 0.9)')
axes[1].set_title(f'{args.mode} dynamics, {args.probes} probes per point')
fig.tight_layout()
fig.savefig(osp.join(args.out, 'hopfield_capacity.png'), dpi=120)
print(f'Wrote {args.out}/hopfield_capacity.{{json,png}}')
