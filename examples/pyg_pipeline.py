r"""Plugging pyg_hopfield into an existing PyTorch Geometric link-prediction
pipeline (see ``docs/source/tutorials/pyg_pipeline.rst``).

1. PyG's own transforms split a Planetoid graph:
   ``Compose([NormalizeFeatures(), ToUndirected(), RandomLinkSplit(...)])``.
2. Our transforms prepare the *training* graph only (no validation or test
   edge leaks into the embedding): ``Compose([ToUndirected(),
   TransitionProbabilities()])`` for :class:`HebbianPropagation`, or
   ``Compose([ToUndirected(), KHopContext(k=2)])`` for
   :class:`MHNEmbedding`.
3. The embeddings are scored directly (dot product, no training) and used
   as input features of the GAE-style GCN link predictor of PyG's
   ``examples/link_pred.py``, alone or next to the raw features.

Every model is evaluated by ROC-AUC on RandomLinkSplit's held-out positive
and negative pairs.

Example::

    PYG_HOPFIELD_DATA=../shared/datasets \
        python examples/pyg_pipeline.py --dataset Cora --method hebbian
"""

import argparse
import sys
import time

import torch
import torch.nn.functional as F
import torch_geometric.transforms as T
from sklearn.metrics import roc_auc_score
from torch_geometric import seed_everything
from torch_geometric.data import Data
from torch_geometric.nn import GCNConv
from torch_geometric.utils import negative_sampling

from pyg_hopfield.datasets import load
from pyg_hopfield.evaluation import link_prediction_auc
from pyg_hopfield.nn import HebbianPropagation, MHNEmbedding
from pyg_hopfield.transforms import KHopContext, TransitionProbabilities

from _common import add_embedding_arguments, save_results


def get_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description='Hebbian / MHN embeddings inside a PyG link-prediction '
        'pipeline (RandomLinkSplit, a GCN using them as input features).'
    )
    parser.add_argument(
        '--dataset', default='Cora', choices=['Cora', 'CiteSeer', 'PubMed']
    )
    add_embedding_arguments(
        parser,
        'dataset cache folder (raw files are also taken from '
        '$PYG_HOPFIELD_DATA when set)',
        hebbian=False,
    )
    parser.add_argument(
        '--epochs',
        type=int,
        default=100,
        help='GCN link predictor training epochs',
    )
    parser.add_argument('--lr', type=float, default=0.01, help='GCN lr')
    parser.add_argument(
        '--out', default=None, help='write the results as JSON to this file'
    )
    return parser


def split_data(args):
    r"""PyG's transforms: features, an undirected graph and a link split
    with held-out positive and negative pairs."""
    transform = T.Compose(
        [
            T.NormalizeFeatures(),
            T.ToUndirected(),
            T.RandomLinkSplit(
                num_val=0.05,
                num_test=0.1,
                is_undirected=True,
                split_labels=True,
                add_negative_train_samples=False,
            ),
        ]
    )
    dataset = load(args.dataset, args.root, transform=transform)
    return dataset[0]  # (train_data, val_data, test_data)


def embed(train_data, args) -> torch.Tensor:
    r"""Our embeddings, computed on the training edges only."""
    graph = Data(
        edge_index=train_data.edge_index, num_nodes=train_data.num_nodes
    )
    if args.method == 'hebbian':
        graph = T.Compose([T.ToUndirected(), TransitionProbabilities()])(graph)
        # The paper's update, which propagates along these transition
        # probabilities (preset 'paper'), with unit-norm rows.
        model = HebbianPropagation.from_preset(
            'paper', graph.num_nodes, args.dim, normalize=True, seed=args.seed
        )
        return model(graph.edge_index, graph.edge_weight)  # [N, dim]

    graph = T.Compose([T.ToUndirected(), KHopContext(k=args.k)])(graph)
    model = MHNEmbedding(graph.num_nodes, args.dim).to(graph.context.device)

    def log(epoch: int, loss: float) -> None:
        print(f'MHN Epoch: {epoch:03d}, Loss: {loss:.4f}')

    model.fit(
        graph.context,
        epochs=args.mhn_epochs,
        batch_size=256,
        seed=args.seed,
        callback=log,
    )
    with torch.no_grad():
        return F.normalize(model(graph.context), dim=-1)  # [N, dim]


class Net(torch.nn.Module):
    r"""The GCN encoder and dot-product decoder of PyG's
    ``examples/link_pred.py``."""

    def __init__(self, in_channels, hidden_channels, out_channels):
        super().__init__()
        self.conv1 = GCNConv(in_channels, hidden_channels)
        self.conv2 = GCNConv(hidden_channels, out_channels)

    def encode(self, x, edge_index):
        x = self.conv1(x, edge_index).relu()
        return self.conv2(x, edge_index)

    def decode(self, z, edge_label_index):
        return (z[edge_label_index[0]] * z[edge_label_index[1]]).sum(dim=-1)


def train(model, optimizer, x, train_data) -> float:
    model.train()
    optimizer.zero_grad()
    z = model.encode(x, train_data.edge_index)
    pos = train_data.pos_edge_label_index
    # A new round of negative pairs for every epoch:
    neg = negative_sampling(
        train_data.edge_index,
        num_nodes=train_data.num_nodes,
        num_neg_samples=pos.size(1),
    )
    edge_label_index = torch.cat([pos, neg], dim=-1)
    edge_label = torch.cat(
        [torch.ones(pos.size(1)), torch.zeros(neg.size(1))]
    ).to(x.device)
    out = model.decode(z, edge_label_index)
    loss = F.binary_cross_entropy_with_logits(out, edge_label)
    loss.backward()
    optimizer.step()
    return float(loss)


@torch.no_grad()
def test(model, x, data) -> float:
    model.eval()
    z = model.encode(x, data.edge_index)
    pos, neg = data.pos_edge_label_index, data.neg_edge_label_index
    out = model.decode(z, torch.cat([pos, neg], dim=-1)).sigmoid()
    label = torch.cat([torch.ones(pos.size(1)), torch.zeros(neg.size(1))])
    return float(roc_auc_score(label.numpy(), out.cpu().numpy()))


def run_gcn(x, train_data, val_data, test_data, args, name) -> dict:
    seed_everything(args.seed)  # negative_sampling also uses `random`
    model = Net(x.size(-1), 128, 64).to(x.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    best = {'val_auc': -1.0, 'test_auc': 0.0}
    for epoch in range(1, args.epochs + 1):
        loss = train(model, optimizer, x, train_data)
        val_auc = test(model, x, val_data)
        test_auc = test(model, x, test_data)
        if val_auc > best['val_auc']:
            best = {'val_auc': val_auc, 'test_auc': test_auc}
        if epoch % 25 == 0 or epoch == args.epochs:
            print(
                f'[{name}] Epoch: {epoch:03d}, Loss: {loss:.4f}, '
                f'Val: {val_auc:.4f}, Test: {test_auc:.4f}'
            )
    return best


def main(argv=None) -> dict:
    args = get_parser().parse_args(argv)
    seed_everything(args.seed)
    device = torch.device(args.device)

    train_data, val_data, test_data = split_data(args)
    print(f'{args.dataset} training graph: {train_data}')

    start = time.perf_counter()
    z = embed(train_data.to(device), args).cpu()
    embed_time = time.perf_counter() - start
    print(f'Embedding ({args.method}, dim={args.dim}): {embed_time:.2f}s')

    rows = {}
    rows[('dot product, no training', 'embedding')] = {
        f'{split}_auc': link_prediction_auc(
            z, data.pos_edge_label_index, data.neg_edge_label_index
        )['auc']
        for split, data in [('val', val_data), ('test', test_data)]
    }
    train_data, val_data, test_data = (
        train_data.to(device),
        val_data.to(device),
        test_data.to(device),
    )
    z = z.to(device)
    inputs = {
        'raw features': train_data.x,
        'embedding': z,
        'raw features + embedding': torch.cat([train_data.x, z], dim=-1),
    }
    for name, x in inputs.items():
        rows[('GCN link predictor', name)] = run_gcn(
            x, train_data, val_data, test_data, args, name
        )
    total_time = time.perf_counter() - start

    print(f'\n{"model":<24} {"input":<26} {"val AUC":>8} {"test AUC":>9}')
    for (model, name), res in rows.items():
        print(
            f'{model:<24} {name:<26} {100 * res["val_auc"]:>8.2f} '
            f'{100 * res["test_auc"]:>9.2f}'
        )

    results = [
        {'model': model, 'input': name, **res}
        for (model, name), res in rows.items()
    ]
    return save_results(args, results, embed_time, total_time)


if __name__ == '__main__':
    main(sys.argv[1:])
