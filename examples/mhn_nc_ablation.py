r"""Ablations behind the MHN node-classification shortfall (results page,
"Where we fall short and why"), on the untrained or briefly trained
embedding :math:`\Psi\mathbf{c}` and the paper's protocol (L2-normalised,
``solver='torch'``, the same splits for every row):

* ``contexts``: the untrained embedding of 1-hop contexts whose column
  :math:`j` is reweighted by :math:`1/d_j`, :math:`1/\sqrt{d_j}` or
  :math:`1/\log(1 + d_j)`, and of hop-decayed 2-hop contexts.
* ``scale``: the untrained embedding, L2-normalised and then multiplied by
  a constant before the classifier (a stand-in for the unstated feature
  scale of the paper's classifier).
* ``dropout``: ego masking with :math:`\sigma = 1`, and half of every
  context's entries dropped at random in each training step.

    python examples/mhn_nc_ablation.py --study contexts
"""

import argparse
import json
import os.path as osp
import time

import torch
import torch.nn.functional as F

from pyg_hopfield.datasets import load
from pyg_hopfield.evaluation import node_classification
from pyg_hopfield.nn import MHNEmbedding
from pyg_hopfield.transforms import KHopContext

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument(
    '--study', required=True, choices=['contexts', 'scale', 'dropout']
)
parser.add_argument('--dataset', default='BlogCatalog')
parser.add_argument('--root', default=osp.join('data', 'mhn'))
parser.add_argument('--memories', type=int, default=2000)
parser.add_argument('--runs', type=int, default=4)
parser.add_argument('--scales', type=float, nargs='+', default=[1.0, 3.0])
parser.add_argument('--drop', type=float, default=0.5)
parser.add_argument('--epochs', type=int, default=12)
parser.add_argument('--eval_epochs', type=int, nargs='+', default=[4, 8, 12])
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--out', default=None, help='JSON results file')
args = parser.parse_args()

data = load(args.dataset, args.root)[0]
m = data.num_nodes
deg = torch.bincount(data.edge_index[0], minlength=m).float().clamp_min(1)
rows = []


def score(name, z, **extra):
    start = time.perf_counter()
    out = node_classification(
        F.normalize(z, dim=-1),
        data.y,
        num_runs=args.runs,
        seed=args.seed,
        solver='torch',
    )
    rows.append(
        dict(
            name=name,
            micro_f1=out['micro_f1'],
            macro_f1=out['macro_f1'],
            **extra,
        )
    )
    print(
        f'{name:<32} {out["micro_f1"]:6.2f} / {out["macro_f1"]:6.2f} '
        f'({time.perf_counter() - start:.0f} s)',
        flush=True,
    )


def scale_columns(context, weight):
    return torch.sparse_csr_tensor(
        context.crow_indices(),
        context.col_indices(),
        context.values() * weight[context.col_indices()],
        context.size(),
    )


torch.manual_seed(args.seed)
context = KHopContext(k=1).context(data.edge_index, m)
if args.study == 'contexts':
    model = MHNEmbedding(m, args.memories)
    with torch.no_grad():
        score('1-hop, binary', model(context))
        for label, weight in [
            ('1 / d_j', 1 / deg),
            ('1 / sqrt(d_j)', deg.rsqrt()),
            ('1 / log(1 + d_j)', 1 / torch.log1p(deg)),
        ]:
            score(f'1-hop, {label}', model(scale_columns(context, weight)))
        for decay in [0.1, 0.02]:
            two_hop = KHopContext(k=2, decay=decay).context(data.edge_index, m)
            score(f'2-hop, decay {decay}', model(two_hop))
            score(
                f'2-hop, decay {decay}, 1 / sqrt(d_j)',
                model(scale_columns(two_hop, deg.rsqrt())),
            )
            del two_hop
elif args.study == 'scale':
    with torch.no_grad():
        z = F.normalize(MHNEmbedding(m, args.memories)(context), dim=-1)
    for s in args.scales:
        start = time.perf_counter()
        out = node_classification(
            s * z, data.y, num_runs=args.runs, seed=args.seed, solver='torch'
        )
        rows.append(
            dict(
                name=f'L2 x {s:g}',
                micro_f1=out['micro_f1'],
                macro_f1=out['macro_f1'],
            )
        )
        print(
            f'{rows[-1]["name"]:<32} {out["micro_f1"]:6.2f} / '
            f'{out["macro_f1"]:6.2f} ({time.perf_counter() - start:.0f} s)',
            flush=True,
        )
else:
    model = MHNEmbedding(m, args.memories, init_std=1.0, mask='ego')
    with torch.no_grad():
        score('untrained', model(context), epoch=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    gen = torch.Generator().manual_seed(args.seed)
    loader = model.loader(
        context,
        torch.Generator().manual_seed(1),
        batch_size=1024,
        shuffle=True,
        generator=gen,
    )
    for epoch in range(1, args.epochs + 1):
        for target, rows_ in loader:
            keep = torch.rand(rows_.values().numel(), generator=gen)
            dropped = torch.sparse_csr_tensor(
                rows_.crow_indices(),
                rows_.col_indices(),
                rows_.values() * (keep >= args.drop),
                rows_.size(),
            )
            optimizer.zero_grad()
            loss = model.loss(dropped, target)
            loss.backward()
            optimizer.step()
        print(f'Epoch: {epoch:03d}, Loss: {loss:.4f}', flush=True)
        if epoch in args.eval_epochs:
            with torch.no_grad():
                score(
                    f'ego, dropout {args.drop}, epoch {epoch}',
                    model(context),
                    epoch=epoch,
                )

if args.out:
    with open(args.out, 'w') as f:
        json.dump(dict(args=vars(args), rows=rows), f, indent=1)
