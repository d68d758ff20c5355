r"""Does the label-free early-stopping signal of
:meth:`pyg_hopfield.nn.MHNEmbedding.fit` pick a good node-classification
embedding, and which recipe should be the default (MHN results page,
"Early stopping and the default recipe")?

10% of the undirected edges (plus as many non-edges) are held out of the
training context with :func:`pyg_hopfield.utils.seal_link_split` (seed
1000), as ``pyg-hopfield embed --method mhn`` does. For each recipe (mask,
initial standard deviation, learning rate, batch size, sampled-softmax
negatives) the memories are trained for ``--epochs`` epochs and, before the
first and after every epoch, the script records

* the validation link AUC of :math:`\Psi\mathbf{c}` on the held-out pairs
  (dot product, what ``fit`` uses) and of the L2-normalised embedding;
* as a check only (labels, never used for a choice): the micro-/macro-F1
  of the embedding of the full graph, 2 splits, L2-normalised,
  ``solver='torch'``.

    python examples/mhn_early_stopping.py --dataset BlogCatalog --memories 512
"""

import argparse
import json
import time

import torch
import torch.nn.functional as F

from pyg_hopfield.datasets import load
from pyg_hopfield.evaluation import link_prediction_auc, node_classification
from pyg_hopfield.nn import MHNEmbedding
from pyg_hopfield.transforms import KHopContext
from pyg_hopfield.utils import seal_link_split

RECIPES = {  # name -> (mask, init_std, lr, batch_size, negatives)
    'paper': ('node', 0.1, 0.01, 1024, None),
    'sampled': ('node', 0.1, 0.01, 1024, 1024),
    'batch2048': ('node', 0.1, 0.01, 2048, None),
    'ego': ('ego', 0.1, 0.01, 1024, None),
    'ego_std1': ('ego', 1.0, 0.01, 1024, None),
    'node_std1': ('node', 1.0, 0.01, 1024, None),
    'lr0.003': ('node', 0.1, 0.003, 1024, None),
}

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('--dataset', default='BlogCatalog')
parser.add_argument('--root', default=None)
parser.add_argument('--memories', type=int, default=512)
parser.add_argument('--epochs', type=int, default=5)
parser.add_argument(
    '--recipes',
    nargs='+',
    default=['paper', 'sampled'],
    choices=sorted(RECIPES),
)
parser.add_argument('--runs', type=int, default=2)
parser.add_argument('--threads', type=int, default=1)
parser.add_argument('--out', default=None, help='JSON results file')
args = parser.parse_args()
torch.set_num_threads(args.threads)

data = load(args.dataset, args.root)[0]
n = data.num_nodes
train, val_pos, val_neg = seal_link_split(data.edge_index, n, 0.1, 1000)
context = KHopContext(k=1).context(train, n)
full_context = KHopContext(k=1).context(data.edge_index, n)


@torch.no_grad()
def test(model):
    z = model(context)
    out = dict(
        auc=link_prediction_auc(z, val_pos, val_neg)['auc'],
        cos_auc=link_prediction_auc(F.normalize(z, dim=-1), val_pos, val_neg)[
            'auc'
        ],
    )
    res = node_classification(
        model(full_context),
        data.y,
        num_runs=args.runs,
        seed=0,
        normalize=True,
        solver='torch',
    )
    out.update(micro_f1=res['micro_f1'], macro_f1=res['macro_f1'])
    return out


results = []
for name in args.recipes:
    mask, init_std, lr, batch_size, negatives = RECIPES[name]
    torch.manual_seed(0)
    model = MHNEmbedding(
        n,
        args.memories,
        mask=mask,
        init_std=init_std,
        num_negative_samples=negatives,
    )
    rows = [dict(epoch=0, loss=None, train_seconds=0.0, **test(model))]
    print(name, rows[-1], flush=True)
    train_seconds, start = 0.0, time.perf_counter()

    def callback(epoch, loss):
        global train_seconds, start
        train_seconds += time.perf_counter() - start
        rows.append(
            dict(
                epoch=epoch,
                loss=loss,
                train_seconds=train_seconds,
                **test(model),
            )
        )
        print(name, rows[-1], flush=True)
        start = time.perf_counter()

    model.fit(
        context,
        max_epochs=args.epochs,
        batch_size=batch_size,
        lr=lr,
        seed=0,
        callback=callback,
    )
    best = max(rows, key=lambda row: row['auc'])  # what fit would keep
    results.append(
        dict(
            recipe=name,
            mask=mask,
            init_std=init_std,
            lr=lr,
            batch_size=batch_size,
            negatives=negatives,
            rows=rows,
            best_epoch=best['epoch'],
        )
    )

print(
    f'\n{"recipe":<10} {"best":>4} {"val AUC":>8} {"F1 there":>9} '
    f'{"F1 ep. 0":>9} {"s/epoch":>8}'
)
for res in results:
    rows = res['rows']
    best = rows[res['best_epoch']]
    per_epoch = rows[-1]['train_seconds'] / max(len(rows) - 1, 1)
    print(
        f'{res["recipe"]:<10} {best["epoch"]:>4} {best["auc"]:8.4f} '
        f'{best["micro_f1"]:9.2f} {rows[0]["micro_f1"]:9.2f} '
        f'{per_epoch:8.1f}'
    )
if args.out:
    with open(args.out, 'w') as f:
        json.dump(
            dict(
                dataset=args.dataset,
                memories=args.memories,
                runs=args.runs,
                results=results,
            ),
            f,
            indent=1,
        )
