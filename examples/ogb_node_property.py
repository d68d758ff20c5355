r"""Node property prediction on the Open Graph Benchmark (ogbn-arxiv) with
associative-memory embeddings and the official :class:`ogb` evaluator.

The embeddings are computed once on the (symmetrised) citation graph
without labels, then a classifier is trained on OGB's time split with, as
input, the embeddings, the paper's 128-dimensional word features, or both
concatenated:

* ``--classifier logreg``: a linear softmax classifier (logistic
  regression), trained full-batch with Adam;
* ``--classifier mlp``: OGB's reference MLP (batch norm, dropout).

Accuracy is measured by :class:`ogb.nodeproppred.Evaluator` at the epoch of
best validation accuracy.

Example::

    python examples/ogb_node_property.py --method hebbian --classifier mlp \
        --out arxiv.json

The data is read from ``<root>/ogbn_arxiv/`` in OGB's own layout, copied
from ``$PYG_HOPFIELD_DATA/ogb/`` when present, or downloaded by :mod:`ogb`.
"""

import argparse
import itertools
import sys
import time

import torch
import torch.nn.functional as F
from ogb.nodeproppred import Evaluator

from pyg_hopfield.datasets import load

from _common import add_embedding_arguments, embed, save_results


def get_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description='OGB node property prediction (ogbn-arxiv) with '
        'Hebbian / MHN embeddings (+ features), scored with the official '
        'ogb Evaluator.'
    )
    parser.add_argument(
        '--dataset', default='ogbn-arxiv', choices=['ogbn-arxiv']
    )
    add_embedding_arguments(
        parser,
        'folder holding the OGB dataset folders',
        k=1,
        mhn_epochs=5,
        negative_samples=True,
    )
    parser.add_argument(
        '--classifier', default='mlp', choices=['logreg', 'mlp']
    )
    parser.add_argument(
        '--inputs',
        default='all',
        choices=['all', 'embedding', 'features', 'both'],
        help="classifier inputs to compare ('all': each of the three)",
    )
    parser.add_argument(
        '--epochs', type=int, default=300, help='classifier training epochs'
    )
    parser.add_argument(
        '--hidden', type=int, default=256, help='mlp: hidden channels'
    )
    parser.add_argument('--lr', type=float, default=0.01)
    parser.add_argument(
        '--out', default=None, help='write the results as JSON to this file'
    )
    return parser


class MLP(torch.nn.Module):
    r"""OGB's reference MLP; with :obj:`num_layers=1` a logistic
    regression."""

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 3,
        dropout: float = 0.5,
    ):
        super().__init__()
        channels = (
            [in_channels]
            + [hidden_channels] * (num_layers - 1)
            + [out_channels]
        )
        self.lins = torch.nn.ModuleList(
            [torch.nn.Linear(a, b) for a, b in itertools.pairwise(channels)]
        )
        self.bns = torch.nn.ModuleList(
            [torch.nn.BatchNorm1d(c) for c in channels[1:-1]]
        )
        self.dropout = dropout

    def forward(self, x):
        for lin, bn in zip(self.lins[:-1], self.bns):
            x = F.relu(bn(lin(x)))
            x = F.dropout(x, p=self.dropout, training=self.training)
        return self.lins[-1](x)


def train(model, x, y, train_idx, optimizer) -> float:
    model.train()
    optimizer.zero_grad()
    out = model(x[train_idx])
    loss = F.cross_entropy(out, y[train_idx])
    loss.backward()
    optimizer.step()
    return float(loss)


@torch.no_grad()
def test(model, x, y, split_idx, evaluator) -> list:
    model.eval()
    y_pred = model(x).argmax(dim=-1, keepdim=True)
    y_true = y.view(-1, 1)
    return [
        evaluator.eval(
            {
                'y_true': y_true[split_idx[split]],
                'y_pred': y_pred[split_idx[split]],
            }
        )['acc']
        for split in ['train', 'valid', 'test']
    ]


def run_classifier(
    x, y, split_idx, evaluator, num_classes, args, name
) -> dict:
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    x, y = x.to(device), y.to(device)
    split_idx = {k: v.to(device) for k, v in split_idx.items()}
    num_layers = 1 if args.classifier == 'logreg' else 3
    model = MLP(x.size(-1), args.hidden, num_classes, num_layers).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    best = {'train_acc': 0.0, 'valid_acc': -1.0, 'test_acc': 0.0}
    for epoch in range(1, args.epochs + 1):
        loss = train(model, x, y, split_idx['train'], optimizer)
        train_acc, valid_acc, test_acc = test(
            model, x, y, split_idx, evaluator
        )
        if valid_acc > best['valid_acc']:
            best = {
                'epoch': epoch,
                'train_acc': train_acc,
                'valid_acc': valid_acc,
                'test_acc': test_acc,
            }
        if epoch % 50 == 0 or epoch == args.epochs:
            print(
                f'[{name}] Epoch: {epoch:03d}, Loss: {loss:.4f}, '
                f'Train: {100 * train_acc:.2f}%, '
                f'Valid: {100 * valid_acc:.2f}%, '
                f'Test: {100 * test_acc:.2f}%'
            )
    return best


def print_table(rows: dict, classifier: str) -> None:
    print(
        f'\n{"classifier":<10} {"input":<22} {"train":>7} {"valid":>7} '
        f'{"test":>7}'
    )
    for inputs, res in rows.items():
        print(
            f'{classifier:<10} {inputs:<22} '
            f'{100 * res["train_acc"]:>7.2f} '
            f'{100 * res["valid_acc"]:>7.2f} {100 * res["test_acc"]:>7.2f}'
        )


def main(argv=None) -> dict:
    args = get_parser().parse_args(argv)
    torch.manual_seed(args.seed)

    dataset = load(args.dataset, args.root)
    data = dataset[0]
    split_idx = dataset.get_idx_split()
    evaluator = Evaluator(name=args.dataset)
    print(f'{args.dataset}: {data}')

    start = time.perf_counter()
    z = embed(data, args)
    embed_time = time.perf_counter() - start
    print(f'Embedding ({args.method}, dim={args.dim}): {embed_time:.2f}s')

    x = data.x.float()
    inputs = {
        'embedding': z,
        'features': x,
        'features + embedding': torch.cat([x, z], dim=-1),
    }
    if args.inputs == 'both':
        inputs = {'features + embedding': inputs['features + embedding']}
    elif args.inputs != 'all':
        inputs = {args.inputs: inputs[args.inputs]}

    rows = {}
    for name, x_in in inputs.items():
        rows[name] = run_classifier(
            x_in, data.y, split_idx, evaluator, dataset.num_classes, args, name
        )

    total_time = time.perf_counter() - start
    print_table(rows, args.classifier)
    return save_results(
        args, rows, embed_time, total_time, official_metric='acc'
    )


if __name__ == '__main__':
    main(sys.argv[1:])
