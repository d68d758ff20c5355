r"""Link prediction with :class:`pyg_hopfield.nn.MHNEmbedding`
(Table 3 and Fig. 2 of "Associative Learning for Network Embedding").

500 positive pairs are held out of the graph (:func:`mhn_link_split`), the
embedding is trained on the rest, and 500 positive vs. 500 negative pairs
are scored by :math:`\sigma(\mathbf{h}_i^\top\mathbf{h}_j)`; the Jaccard
coefficient on the training graph is the heuristic baseline on the same
pairs. ROC curves are saved as PNG.

    python examples/mhn_link_prediction.py --dataset PPI
"""

import argparse
import json
import os.path as osp
import time

import torch
from torch_geometric import seed_everything

from pyg_hopfield.datasets import load
from pyg_hopfield.evaluation import jaccard_auc, link_prediction_auc
from pyg_hopfield.nn import MHNEmbedding
from pyg_hopfield.transforms import KHopContext
from pyg_hopfield.utils import mhn_link_split

PAPER = {'BlogCatalog': 0.92, 'PPI': 0.91, 'Wikipedia': 0.87}  # Table 3
PAPER_JACCARD = {'BlogCatalog': 0.77, 'PPI': 0.86, 'Wikipedia': 0.67}

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('--dataset', default='PPI', choices=sorted(PAPER))
parser.add_argument('--root', default=osp.join('data', 'mhn'))
parser.add_argument('--k', type=int, default=1, help='context hops')
parser.add_argument('--memories', type=int, default=2000, help='K')
parser.add_argument('--steps', type=int, default=7, help='T')
parser.add_argument('--init_std', type=float, default=0.1)
parser.add_argument('--negatives', type=int, default=None)
parser.add_argument('--mask', default='node', choices=['node', 'ego'])
parser.add_argument(
    '--epochs', type=int, default=10, help='0 scores the untrained memories'
)
parser.add_argument('--batch_size', type=int, default=1024)
parser.add_argument('--lr', type=float, default=0.01)
parser.add_argument('--weight_decay', type=float, default=0.0)
parser.add_argument('--threads', type=int, default=None)
parser.add_argument('--device', default='cpu')
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--out', default=None, help='JSON results file')
parser.add_argument('--png', default=None, help='ROC curve PNG file')
args = parser.parse_args()
print(vars(args), flush=True)
if args.threads:
    torch.set_num_threads(args.threads)

seed_everything(args.seed)
data = load(args.dataset, args.root)[0]
train_edge_index, pos, neg = mhn_link_split(
    data.edge_index, data.num_nodes, num_pairs=500, seed=args.seed
)
context = KHopContext(k=args.k).context(train_edge_index, data.num_nodes)

model = MHNEmbedding(
    data.num_nodes,
    args.memories,
    num_steps=args.steps,
    num_negative_samples=args.negatives,
    init_std=args.init_std,
    mask=args.mask,
).to(args.device)
print(model, flush=True)
start = time.perf_counter()
if args.epochs > 0:
    model.fit(
        context.to(args.device),
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        weight_decay=args.weight_decay,
        seed=args.seed,
        verbose=True,
    )
train_time = time.perf_counter() - start
with torch.no_grad():
    z = model(context.to(args.device)).cpu()

ours = link_prediction_auc(z, pos, neg)
jac = jaccard_auc(train_edge_index, data.num_nodes, pos, neg)
print(
    f'\n{"Dataset":<12} {"MHN AUC":>8} {"paper":>6} {"Jaccard":>8} '
    f'{"paper":>6}'
)
print(
    f'{args.dataset:<12} {ours["auc"]:>8.4f} {PAPER[args.dataset]:>6.2f} '
    f'{jac["auc"]:>8.4f} {PAPER_JACCARD[args.dataset]:>6.2f}'
)

if args.png:
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 4))
    ax.plot(ours['fpr'], ours['tpr'], label=f'MHN ({ours["auc"]:.3f})')
    ax.plot(jac['fpr'], jac['tpr'], label=f'Jaccard ({jac["auc"]:.3f})')
    ax.plot([0, 1], [0, 1], 'k:', lw=0.8)
    ax.set(
        xlabel='False positive rate',
        ylabel='True positive rate',
        title=f'{args.dataset}: 500 + 500 held-out pairs',
    )
    ax.legend(loc='lower right')
    fig.tight_layout()
    fig.savefig(args.png, dpi=120)
if args.out:
    with open(args.out, 'w') as f:
        json.dump(
            dict(
                args=vars(args),
                auc=ours['auc'],
                jaccard_auc=jac['auc'],
                paper=PAPER[args.dataset],
                paper_jaccard=PAPER_JACCARD[args.dataset],
                train_time=train_time,
            ),
            f,
            indent=1,
        )
