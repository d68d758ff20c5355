r"""Sweeps per second of the Hopfield dynamics at N = 4,000, batch 64.

Compares, in one run, the blocked asynchronous sweep of
:func:`pyg_hopfield.memory.functional.async_sweep` (several block sizes),
the literal per-neuron rank-1 field update loop
(``for i in order: s[:, i] = sign(h[:, i]); h += dS_i * J[i]``) and the
synchronous update, in three regimes:

* ``random``: random start states (about half the neurons flip in the
  first sweep, the worst case),
* ``noisy``: stored patterns with 10% of the bits flipped (alpha = 0.05),
* ``fixed``: states already at a fixed point (the convergence check).

    python benchmarks/bench_hopfield.py --out benchmarks/results/hopfield.json
"""

import argparse
import json
import os
import os.path as osp
import platform
import time

import torch

from pyg_hopfield.memory import HopfieldNetwork
from pyg_hopfield.memory import functional as F

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('--num-neurons', type=int, default=4000)
parser.add_argument('--batch-size', type=int, default=64)
parser.add_argument('--alpha', type=float, default=0.05)
parser.add_argument(
    '--block-sizes', type=int, nargs='+', default=[32, 64, 128, 256]
)
parser.add_argument('--repeats', type=int, default=3)
parser.add_argument('--threads', type=int, default=1)
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--out', default='benchmarks/results/hopfield.json')
args = parser.parse_args()

torch.set_num_threads(args.threads)
N, B = args.num_neurons, args.batch_size
gen = torch.Generator().manual_seed(args.seed)
P = round(args.alpha * N)
xi = (2 * torch.randint(0, 2, (P, N), generator=gen) - 1).float()

t = time.perf_counter()
net = HopfieldNetwork(N)
net.store(xi)
store_s = time.perf_counter() - t
W = net.couplings
theta = torch.zeros(N)


def start_states(regime: str) -> torch.Tensor:
    g = torch.Generator().manual_seed(args.seed + 1)
    if regime == 'random':
        return (2 * torch.randint(0, 2, (B, N), generator=g) - 1).float()
    noisy = xi[torch.arange(B) % P] * torch.where(
        torch.rand(B, N, generator=g) < 0.1, -1.0, 1.0
    )
    if regime == 'noisy':
        return noisy
    return net.retrieve(noisy, mode='async', generator=g)  # fixed points


def literal_sweep(s, h, order):
    for i in order.tolist():
        new = torch.where(
            h[:, i] > 0, 1.0, torch.where(h[:, i] < 0, -1.0, s[:, i])
        )
        delta = new - s[:, i]
        h.addr_(delta, W[i])
        s[:, i] = new


def timed(fn, regime):
    best = float('inf')
    for r in range(args.repeats):
        s = start_states(regime)
        h = s @ W
        order = torch.randperm(N, generator=torch.Generator().manual_seed(r))
        t = time.perf_counter()
        fn(s, h, order)
        best = min(best, time.perf_counter() - t)
    return best


def sync_fn(s, h, order):
    F.sync_step(s, W, theta)


rows = []
for regime in ['random', 'noisy', 'fixed']:
    cands = [('literal rank-1 loop', literal_sweep)]
    for K in args.block_sizes:

        def blocked(s, h, order, K=K):
            F.async_sweep(s, h, W, theta, order, K)

        cands.append((f'async blocked K={K}', blocked))
    cands.append(('sync step', sync_fn))
    for name, fn in cands:
        sec = timed(fn, regime)
        rows.append(
            {
                'regime': regime,
                'method': name,
                'seconds': sec,
                'sweeps_per_s': 1.0 / sec,
            }
        )

# End to end: 64 noisy probes to their fixed points with the module.
end_to_end = {}
for mode in ['async', 'sync']:
    probes = start_states('noisy')
    t = time.perf_counter()
    out, info = net.retrieve(
        probes,
        mode=mode,
        return_info=True,
        generator=torch.Generator().manual_seed(0),
    )
    end_to_end[mode] = {
        'seconds': time.perf_counter() - t,
        'mean_steps': info['num_steps'].float().mean().item(),
        'converged': int(info['converged'].sum()),
        'mean_overlap': F.overlap(out, xi[torch.arange(B) % P]).mean().item(),
    }

print(
    f'N={N}, batch={B}, P={P}, threads={torch.get_num_threads()}, '
    f'store {store_s:.2f}s'
)
print(
    f'{"regime":>7} {"method":>22} {"ms/sweep":>10} {"sweeps/s":>9} '
    f'{"vs literal":>10}'
)
for regime in ['random', 'noisy', 'fixed']:
    base = next(r for r in rows if r['regime'] == regime)['seconds']
    for r in rows:
        if r['regime'] == regime:
            r['speedup_vs_literal'] = base / r['seconds']
            print(
                f'{regime:>7} {r["method"]:>22} {1e3 * r["seconds"]:10.1f} '
                f'{r["sweeps_per_s"]:9.2f} {r["speedup_vs_literal"]:9.1f}x'
            )
for mode, e in end_to_end.items():
    print(
        f'retrieve(mode={mode!r}) of {B} noisy probes: {e["seconds"]:.2f}s, '
        f'{e["mean_steps"]:.1f} steps, {e["converged"]}/{B} converged, '
        f'overlap {e["mean_overlap"]:.4f}'
    )

os.makedirs(osp.dirname(args.out) or '.', exist_ok=True)
with open(args.out, 'w') as fh:
    json.dump(
        {
            'args': vars(args),
            'num_patterns': P,
            'store_seconds': store_s,
            'rows': rows,
            'end_to_end': end_to_end,
            'threads': torch.get_num_threads(),
            'torch': torch.__version__,
            'machine': platform.processor() or platform.machine(),
            'cpu_count': os.cpu_count(),
        },
        fh,
        indent=1,
    )
print(f'Wrote {args.out}')
