r"""Does training help the MHN node-classification embedding?

Trains :class:`pyg_hopfield.nn.MHNEmbedding` for a fixed wall-time budget
(Adam, one thread), saves the embedding :math:`\Psi\mathbf{c}` at the start
(the random initialisation, step 0) and at three checkpoints, and scores each
saved embedding with the paper's node-classification protocol
(:func:`pyg_hopfield.evaluation.node_classification`, L2-normalised).

    python examples/mhn_nc_study.py train --dataset BlogCatalog --tag C \
        --batch_size 256 --lr 0.01 --budget 240
    python examples/mhn_nc_study.py eval --dataset BlogCatalog \
        --embedding study/C_3.pt --runs 1
    python examples/mhn_nc_study.py random --dataset BlogCatalog --k 1
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

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('mode', choices=['train', 'eval', 'random'])
parser.add_argument('--dataset', default='BlogCatalog')
parser.add_argument('--root', default=osp.join('data', 'mhn'))
parser.add_argument('--out_dir', default='study')
parser.add_argument('--tag', default='run')
parser.add_argument('--k', type=int, default=1)
parser.add_argument('--decay', type=float, default=1.0)
parser.add_argument('--normalize_context', action='store_true')
parser.add_argument('--init_std', type=float, default=0.1)
parser.add_argument('--batch_size', type=int, default=256)
parser.add_argument('--lr', type=float, default=0.01)
parser.add_argument(
    '--budget',
    type=float,
    default=240.0,
    help='training seconds; checkpoints at 1/3, 2/3, 3/3',
)
parser.add_argument('--embedding', default=None)
parser.add_argument('--runs', type=int, default=1)
parser.add_argument('--standardize', action='store_true')
parser.add_argument('--seed', type=int, default=0)
args = parser.parse_args()
torch.set_num_threads(1)
os.makedirs(args.out_dir, exist_ok=True)
data = load(args.dataset, args.root)[0]


def evaluate(z):
    if args.standardize:
        z = torch.nn.functional.normalize(z, dim=-1)
        z = (z - z.mean(0)) / z.std(0).clamp_min(1e-12)
    start = time.perf_counter()
    out = node_classification(
        z,
        data.y,
        num_runs=args.runs,
        seed=args.seed,
        normalize=not args.standardize,
    )
    print(
        f'{args.dataset} micro-F1 {out["micro_f1"]:.2f} macro-F1 '
        f'{out["macro_f1"]:.2f} ({args.runs} splits, '
        f'{time.perf_counter() - start:.0f}s)',
        flush=True,
    )
    return out


if args.mode == 'eval':
    out = evaluate(torch.load(args.embedding))
    with open(args.embedding + '.json', 'w') as f:
        json.dump(dict(args=vars(args), result=out), f, indent=1)
    raise SystemExit

context = KHopContext(
    k=args.k, decay=args.decay, normalize=args.normalize_context
)(data).context
torch.manual_seed(args.seed)
model = MHNEmbedding(data.num_nodes, 2000, init_std=args.init_std)
if args.mode == 'random':  # the untrained embedding (step 0)
    with torch.no_grad():
        out = evaluate(model(context))
    name = f'random_{args.dataset}_k{args.k}_d{args.decay}.json'
    with open(osp.join(args.out_dir, name), 'w') as f:
        json.dump(dict(args=vars(args), result=out), f, indent=1)
    raise SystemExit

optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
loader = model.loader(
    context,
    batch_size=args.batch_size,
    shuffle=True,
    generator=torch.Generator().manual_seed(args.seed),
)
checkpoints = [args.budget / 3, 2 * args.budget / 3, args.budget]
log, step, start = [], 0, time.perf_counter()
with torch.no_grad():
    torch.save(model(context), osp.join(args.out_dir, f'{args.tag}_0.pt'))
while len(log) < len(checkpoints):
    for batch, rows in loader:
        optimizer.zero_grad()
        loss = model.loss(rows, batch)
        loss.backward()
        optimizer.step()
        step += 1
        elapsed = time.perf_counter() - start
        if step % 5 == 0:
            print(
                f'Step: {step:03d}, Loss: {loss:.4f}, Time: {elapsed:.0f}s',
                flush=True,
            )
        if elapsed >= checkpoints[len(log)]:
            path = osp.join(args.out_dir, f'{args.tag}_{len(log) + 1}.pt')
            with torch.no_grad():
                torch.save(model(context), path)
            log.append(
                dict(step=step, time=elapsed, loss=float(loss.detach()))
            )
            if len(log) == len(checkpoints):
                break
with open(osp.join(args.out_dir, f'{args.tag}.json'), 'w') as f:
    json.dump(dict(args=vars(args), checkpoints=log), f, indent=1)
