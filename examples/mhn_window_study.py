r"""How the context and the read-out of :class:`pyg_hopfield.nn.MHNEmbedding`
move node classification, chosen on validation data only (results page,
"Choosing the default context").

For each setting the untrained embedding of the whole graph (seed 0) is
scored two ways, neither of which touches the evaluation's test labels:

* node classification on a *development* set of 80% of the nodes (drawn
  with ``--dev_seed``; the other 20% never enter a choice): one-vs-rest
  logistic regression on 90% of the development nodes, tested on the other
  10%, ``--runs`` splits, L2-normalised features, ``solver='torch'``;
* the label-free link AUC of held-out edges: 10% of the edges and as many
  non-edges (:func:`~pyg_hopfield.utils.seal_link_split`), the embedding
  computed from the other 90%.

Settings: ``--walks`` (hop weights of the random-walk window, e.g. ``1``
for the paper's 1-hop context, ``1,2`` for :math:`(P + 2P^2)/3`) and
``--readouts`` (``context`` for :math:`\Psi\tilde{\mathbf{c}}`, ``state``
for the memory activations after :math:`T` steps).

    python examples/mhn_window_study.py --dataset PPI --walks 1 1,1 1,2
"""

import argparse
import json
import os.path as osp
import time

import torch
import torch.nn.functional as F

from pyg_hopfield.datasets import load
from pyg_hopfield.evaluation import link_prediction_auc, node_classification
from pyg_hopfield.nn import MHNEmbedding
from pyg_hopfield.transforms import KHopContext
from pyg_hopfield.utils import seal_link_split

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('--dataset', default='PPI')
parser.add_argument('--root', default=osp.join('data', 'mhn'))
parser.add_argument('--memories', type=int, default=2000)
parser.add_argument('--walks', nargs='+', default=['1', '1,1', '1,2'])
parser.add_argument('--readouts', nargs='+', default=['context'])
parser.add_argument('--runs', type=int, default=4)
parser.add_argument('--dev_seed', type=int, default=123)
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--threads', type=int, default=None)
parser.add_argument('--out', default=None, help='JSON results file')
args = parser.parse_args()
if args.threads:
    torch.set_num_threads(args.threads)

data = load(args.dataset, args.root)[0]
m = data.num_nodes
perm = torch.randperm(
    m, generator=torch.Generator().manual_seed(args.dev_seed)
)
dev = perm[: int(0.8 * m)].sort().values
context = KHopContext(k=1).context(data.edge_index, m)
train, pos, neg = seal_link_split(data.edge_index, m, 0.1, args.seed + 1000)
train_context = KHopContext(k=1).context(train, m)
rows = []
for walk in args.walks:
    weights = tuple(float(w) for w in walk.split(','))
    for readout in args.readouts:
        torch.manual_seed(args.seed)
        model = MHNEmbedding(
            m, args.memories, walk_weights=weights, readout=readout
        )
        start = time.perf_counter()
        with torch.no_grad():
            z = model(context)
            auc = link_prediction_auc(model(train_context), pos, neg)['auc']
        seconds = time.perf_counter() - start
        out = node_classification(
            F.normalize(z[dev], dim=-1),
            data.y[dev],
            num_runs=args.runs,
            seed=args.seed,
            solver='torch',
        )
        rows.append(
            dict(
                walk_weights=weights,
                readout=readout,
                dev_micro_f1=out['micro_f1'],
                dev_macro_f1=out['macro_f1'],
                dev_micro_f1_std=out['micro_f1_std'],
                val_link_auc=auc,
                embed_seconds=seconds,
            )
        )
        print(
            f'{args.dataset} walk {walk:<8} {readout:<8} dev F1 '
            f'{out["micro_f1"]:6.2f} / {out["macro_f1"]:6.2f}  '
            f'val AUC {auc:.4f}  ({seconds:.1f} s)',
            flush=True,
        )

if args.out:
    with open(args.out, 'w') as f:
        json.dump(dict(args=vars(args), rows=rows), f, indent=1)
