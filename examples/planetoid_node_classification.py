r"""Node classification on the Planetoid citation graphs (Cora, CiteSeer,
PubMed) with associative-memory embeddings.

The embeddings are computed once on the whole graph without labels
(:class:`pyg_hopfield.nn.HebbianPropagation` or
:class:`pyg_hopfield.nn.MHNEmbedding`) and then used

(a) by a logistic regression trained on the public Planetoid split (20
    labelled nodes per class), and optionally by the 9:1 protocol of the
    embedding papers (:func:`pyg_hopfield.evaluation.node_classification`);
(b) as input features of a 2-layer GCN, alone or concatenated to the raw
    bag-of-words features, compared with the same GCN on the raw features.

Example::

    PYG_HOPFIELD_DATA=../shared/datasets \
        python examples/planetoid_node_classification.py --dataset Cora \
        --method hebbian --out cora.json

Without ``--no-features`` the raw features are required: the project's
mirror lacks ``ind.pubmed.allx``, so PubMed only loads when that file can
be downloaded or is present in ``<root>/PubMed/raw/``.
"""

import argparse
import sys
import time
import warnings

import torch
import torch.nn.functional as F
from torch_geometric.nn import GCNConv
from torch_geometric.transforms import NormalizeFeatures

from pyg_hopfield.datasets import load
from pyg_hopfield.evaluation import node_classification

from _common import add_embedding_arguments, embed, save_results


def get_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description='Planetoid node classification with Hebbian / MHN '
        'embeddings: logistic regression on the embeddings and a GCN using '
        'them as input features.'
    )
    parser.add_argument(
        '--dataset', default='Cora', choices=['Cora', 'CiteSeer', 'PubMed']
    )
    add_embedding_arguments(
        parser,
        'dataset cache folder (raw files are also taken from '
        '$PYG_HOPFIELD_DATA when set)',
    )
    parser.add_argument(
        '--epochs', type=int, default=200, help='GCN training epochs'
    )
    parser.add_argument(
        '--hidden', type=int, default=64, help='GCN hidden channels'
    )
    parser.add_argument('--lr', type=float, default=0.01, help='GCN lr')
    parser.add_argument(
        '--protocol-runs',
        type=int,
        default=0,
        help='also run the 9:1 protocol of the embedding '
        'papers with this many random splits (0: off)',
    )
    parser.add_argument(
        '--no-features',
        action='store_true',
        help='ignore the raw node features: LR and a GCN on '
        'the embeddings only',
    )
    parser.add_argument(
        '--out', default=None, help='write the results as JSON to this file'
    )
    return parser


def load_data(name: str, root: str, no_features: bool = False):
    try:
        dataset = load(name, root, transform=NormalizeFeatures())
    except FileNotFoundError as e:
        raise SystemExit(f'Could not load {name}: {e}') from e
    data = dataset[0]
    if no_features:
        del data.x
    return data, dataset.num_classes


def logistic_regression(z: torch.Tensor, data) -> dict:
    r"""Accuracy of a logistic regression trained on the public training
    nodes, on the public validation and test nodes."""
    from sklearn.linear_model import LogisticRegression

    x, y = z.numpy(), data.y.numpy()
    train, val, test = (
        data.train_mask.numpy(),
        data.val_mask.numpy(),
        data.test_mask.numpy(),
    )
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # convergence warnings
        clf = LogisticRegression(max_iter=1000).fit(x[train], y[train])
    return {
        'val_acc': float(clf.score(x[val], y[val])),
        'test_acc': float(clf.score(x[test], y[test])),
    }


class GCN(torch.nn.Module):
    def __init__(
        self, in_channels: int, hidden_channels: int, out_channels: int
    ):
        super().__init__()
        self.conv1 = GCNConv(in_channels, hidden_channels, cached=True)
        self.conv2 = GCNConv(hidden_channels, out_channels, cached=True)

    def forward(self, x, edge_index):
        x = F.dropout(x, p=0.5, training=self.training)
        x = self.conv1(x, edge_index).relu()
        x = F.dropout(x, p=0.5, training=self.training)
        return self.conv2(x, edge_index)


def train(model, optimizer, x, data) -> float:
    model.train()
    optimizer.zero_grad()
    out = model(x, data.edge_index)
    loss = F.cross_entropy(out[data.train_mask], data.y[data.train_mask])
    loss.backward()
    optimizer.step()
    return float(loss)


@torch.no_grad()
def test(model, x, data) -> list:
    model.eval()
    pred = model(x, data.edge_index).argmax(dim=-1)
    accs = []
    for mask in [data.train_mask, data.val_mask, data.test_mask]:
        accs.append(float((pred[mask] == data.y[mask]).float().mean()))
    return accs


def run_gcn(x, data, num_classes: int, args, name: str) -> dict:
    r"""Trains a GCN on input :obj:`x`; reports the test accuracy at the
    epoch of best validation accuracy."""
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    data = data.to(device)
    x = x.to(device)
    model = GCN(x.size(-1), args.hidden, num_classes).to(device)
    optimizer = torch.optim.Adam(
        [
            {'params': model.conv1.parameters(), 'weight_decay': 5e-4},
            {'params': model.conv2.parameters(), 'weight_decay': 0},
        ],
        lr=args.lr,
    )
    best_val = test_acc = 0.0
    for epoch in range(1, args.epochs + 1):
        loss = train(model, optimizer, x, data)
        train_acc, val_acc, tmp_test_acc = test(model, x, data)
        if val_acc > best_val:
            best_val, test_acc = val_acc, tmp_test_acc
        if epoch % 50 == 0 or epoch == args.epochs:
            print(
                f'[{name}] Epoch: {epoch:03d}, Loss: {loss:.4f}, '
                f'Train: {train_acc:.4f}, Val: {val_acc:.4f}, '
                f'Test: {tmp_test_acc:.4f}'
            )
    return {'val_acc': best_val, 'test_acc': test_acc}


def print_table(rows: dict) -> None:
    print(f'\n{"model":<22} {"input":<24} {"val acc":>8} {"test acc":>9}')
    for (model, inputs), res in rows.items():
        print(
            f'{model:<22} {inputs:<24} {100 * res["val_acc"]:>8.2f} '
            f'{100 * res["test_acc"]:>9.2f}'
        )


def main(argv=None) -> dict:
    args = get_parser().parse_args(argv)
    torch.manual_seed(args.seed)
    data, num_classes = load_data(args.dataset, args.root, args.no_features)
    print(f'{args.dataset}: {data}')

    start = time.perf_counter()
    z = embed(data, args)
    embed_time = time.perf_counter() - start
    print(f'Embedding ({args.method}, dim={args.dim}): {embed_time:.2f}s')

    rows = {}
    rows[('LogReg (public split)', 'embedding')] = logistic_regression(z, data)
    # Unit-norm embedding rows are on the scale of the row-normalised
    # bag-of-words features, so the two can be concatenated as they are.
    gcn_inputs = {'embedding': z}
    if data.get('x') is not None:
        gcn_inputs = {
            'raw features': data.x,
            'embedding': z,
            'raw features + embedding': torch.cat([data.x, z], dim=-1),
        }
    for inputs, x in gcn_inputs.items():
        rows[('GCN (public split)', inputs)] = run_gcn(
            x, data, num_classes, args, inputs
        )

    protocol = None
    if args.protocol_runs > 0:
        protocol = node_classification(
            z,
            data.y,
            train_ratio=0.9,
            num_runs=args.protocol_runs,
            seed=args.seed,
        )
        protocol = {
            k: v for k, v in protocol.items() if not k.endswith('_runs')
        }

    total_time = time.perf_counter() - start
    print_table(rows)
    if protocol is not None:
        print(
            f'LogReg 9:1 protocol ({args.protocol_runs} runs): micro-F1 '
            f'{protocol["micro_f1"]:.2f} +- {protocol["micro_f1_std"]:.2f}'
            f', macro-F1 {protocol["macro_f1"]:.2f} +- '
            f'{protocol["macro_f1_std"]:.2f}'
        )

    results = [
        {'model': model, 'input': inputs, **res}
        for (model, inputs), res in rows.items()
    ]
    return save_results(
        args, results, embed_time, total_time, protocol_9_1=protocol
    )


if __name__ == '__main__':
    main(sys.argv[1:])
