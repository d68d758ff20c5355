r"""The classic text's 4x4 pattern demo: store four bipolar 4x4 images with
the Hebb rule (divided by the number of patterns, as the text does), present
a corrupted probe and recover the stored image, with each dynamics.

    python examples/hopfield_pattern_demo.py --out results/hopfield_demo
"""

import argparse
import json
import os
import os.path as osp

import torch

from pyg_hopfield.memory import HopfieldNetwork

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--temperature', type=float, default=0.1)
parser.add_argument('--out', default='results/hopfield_demo')
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)

patterns = torch.tensor(
    [
        [-1, 1, 1, -1, -1, 1, 1, -1, -1, 1, 1, -1, -1, 1, 1, -1],
        [-1, -1, -1, -1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1],
        [-1, -1, 1, 1, -1, -1, 1, 1, 1, 1, -1, -1, 1, 1, -1, -1],
        [1, 1, -1, -1, 1, 1, -1, -1, -1, -1, 1, 1, -1, -1, 1, 1],
    ],
    dtype=torch.float,
)
probe = torch.tensor(
    [1, -1, 1, 1, -1, -1, 1, 1, -1, 1, -1, -1, 1, 1, 1, 1], dtype=torch.float
)

net = HopfieldNetwork(16, normalization='P')
net.store(patterns)
print(net)
results = {'probe_overlaps': net.overlaps(probe[None])[0].tolist()}
recovered = {}
print(
    f'{"dynamics":>12} {"steps":>5} {"E(probe)":>9} {"E(out)":>8} '
    f'{"best match":>10} {"overlap":>7}'
)
for mode in ['sync', 'async', 'stochastic']:
    gen = torch.Generator().manual_seed(args.seed)
    kwargs = {'temperature': args.temperature} if mode == 'stochastic' else {}
    out, info = net.retrieve(
        probe,
        mode=mode,
        max_steps=10,
        generator=gen,
        return_info=True,
        **kwargs,
    )
    m = net.overlaps(out[None])[0]
    best = int(m.argmax())
    recovered[mode] = out
    results[mode] = {
        'state': out.tolist(),
        'steps': int(info['num_steps']),
        'energy_probe': net.energy(probe).item(),
        'energy_out': net.energy(out).item(),
        'best_pattern': best,
        'overlap': m[best].item(),
    }
    r = results[mode]
    print(
        f'{mode:>12} {r["steps"]:5d} {r["energy_probe"]:9.3f} '
        f'{r["energy_out"]:8.3f} {best:10d} {r["overlap"]:7.3f}'
    )

with open(osp.join(args.out, 'hopfield_pattern_demo.json'), 'w') as fh:
    json.dump(results, fh, indent=1)

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 8, figsize=(14, 2.4))
images = [(f'stored {i}', patterns[i]) for i in range(4)]
images += [('corrupted probe', probe)]
images += [(f'{mode}', out) for mode, out in recovered.items()]
for ax, (title, img) in zip(axes, images):
    ax.matshow(img.view(4, 4), cmap='gray', vmin=-1, vmax=1)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
fig.savefig(osp.join(args.out, 'hopfield_pattern_demo.png'), dpi=120)
print(f'Wrote {args.out}/hopfield_pattern_demo.{{json,png}}')
