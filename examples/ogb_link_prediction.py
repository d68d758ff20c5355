r"""Link prediction on the Open Graph Benchmark (ogbl-ddi, ogbl-collab) with
associative-memory embeddings and the official :class:`ogb` evaluator.

The embeddings are computed once on the training graph (OGB's training
edges; ogbl-collab's repeated collaborations become edge weights), then
node pairs are scored by

* the dot product :math:`\mathbf{h}_i^{\top}\mathbf{h}_j` (no training), or
* an MLP link predictor on :math:`\mathbf{h}_i \odot \mathbf{h}_j` (as in
  OGB's reference examples), trained on the training edges against random
  negative pairs while the embeddings stay fixed (``--predictor mlp``),

and ranked against OGB's fixed negative pairs with
:class:`ogb.linkproppred.Evaluator` (Hits@K; the leaderboard metric is
Hits@20 for ogbl-ddi and Hits@50 for ogbl-collab).

Example::

    PYG_HOPFIELD_DATA=../shared/datasets \
        python examples/ogb_link_prediction.py --dataset ogbl-ddi \
        --method hebbian --out ddi.json

The data is read from ``<root>/<name with _>/`` in OGB's own layout, copied
from ``$PYG_HOPFIELD_DATA/ogb/`` when present, or downloaded by :mod:`ogb`.
"""

import argparse
import itertools
import sys
import time

import torch
import torch.nn.functional as F
from ogb.linkproppred import Evaluator

from pyg_hopfield.datasets import load

from _common import add_embedding_arguments, embed, save_results

HITS_AT = (10, 20, 50, 100)


def get_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description='OGB link prediction (ogbl-ddi, ogbl-collab) with '
        'Hebbian / MHN embeddings, scored with the official ogb Evaluator.'
    )
    parser.add_argument(
        '--dataset', default='ogbl-ddi', choices=['ogbl-ddi', 'ogbl-collab']
    )
    add_embedding_arguments(
        parser,
        'folder holding the OGB dataset folders',
        k=1,
        mhn_epochs=10,
        negative_samples=True,
    )
    parser.add_argument('--predictor', default='dot', choices=['dot', 'mlp'])
    parser.add_argument(
        '--epochs',
        type=int,
        default=20,
        help='mlp: training epochs of the link predictor',
    )
    parser.add_argument(
        '--hidden', type=int, default=256, help='mlp: hidden channels'
    )
    parser.add_argument('--lr', type=float, default=0.005, help='mlp: lr')
    parser.add_argument(
        '--batch-size',
        type=int,
        default=64 * 1024,
        help='mlp: positive edges per step',
    )
    parser.add_argument(
        '--out', default=None, help='write the results as JSON to this file'
    )
    return parser


class LinkPredictor(torch.nn.Module):
    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        num_layers: int = 3,
        dropout: float = 0.5,
    ):
        super().__init__()
        channels = [in_channels] + [hidden_channels] * (num_layers - 1) + [1]
        self.lins = torch.nn.ModuleList(
            [torch.nn.Linear(a, b) for a, b in itertools.pairwise(channels)]
        )
        self.dropout = dropout

    def forward(self, x_i, x_j):
        x = x_i * x_j
        for lin in self.lins[:-1]:
            x = lin(x).relu()
            x = F.dropout(x, p=self.dropout, training=self.training)
        return self.lins[-1](x).view(-1)


class DotProduct(torch.nn.Module):
    def forward(self, x_i, x_j):
        return (x_i * x_j).sum(dim=-1)


def train(predictor, z, pos_train_edge, optimizer, batch_size) -> float:
    r"""One epoch of the MLP link predictor on the training edges against
    as many uniformly random node pairs."""
    predictor.train()
    total_loss = total_examples = 0
    perm = torch.randperm(pos_train_edge.size(0))
    for idx in perm.split(batch_size):
        optimizer.zero_grad()
        edge = pos_train_edge[idx].t()
        pos_out = predictor(z[edge[0]], z[edge[1]])
        neg = torch.randint(0, z.size(0), edge.size(), dtype=torch.long)
        neg_out = predictor(z[neg[0]], z[neg[1]])
        loss = F.binary_cross_entropy_with_logits(
            torch.cat([pos_out, neg_out]),
            torch.cat([torch.ones_like(pos_out), torch.zeros_like(neg_out)]),
        )
        loss.backward()
        optimizer.step()
        total_loss += float(loss) * idx.numel()
        total_examples += idx.numel()
    return total_loss / total_examples


@torch.no_grad()
def score(predictor, z, edge, batch_size=64 * 1024) -> torch.Tensor:
    predictor.eval()
    out = [predictor(z[e[:, 0]], z[e[:, 1]]) for e in edge.split(batch_size)]
    return torch.cat(out).cpu()


@torch.no_grad()
def test(predictor, z, split_edge, evaluator) -> dict:
    r"""Hits@K of the valid and test positives against OGB's negatives."""
    results = {}
    for split in ['valid', 'test']:
        pos = score(predictor, z, split_edge[split]['edge'])
        neg = score(predictor, z, split_edge[split]['edge_neg'])
        for K in HITS_AT:
            evaluator.K = K
            hits = evaluator.eval({'y_pred_pos': pos, 'y_pred_neg': neg})
            results[f'{split}_hits@{K}'] = float(hits[f'hits@{K}'])
    return results


def print_table(rows: dict, official: int) -> None:
    print(
        f'\n{"predictor":<10} {"split":<6} '
        + ' '.join(f'{"Hits@" + str(K):>9}' for K in HITS_AT)
        + f'   (official: Hits@{official})'
    )
    for name, res in rows.items():
        for split in ['valid', 'test']:
            print(
                f'{name:<10} {split:<6} '
                + ' '.join(
                    f'{100 * res[f"{split}_hits@{K}"]:>9.2f}' for K in HITS_AT
                )
            )


def main(argv=None) -> dict:
    args = get_parser().parse_args(argv)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)

    dataset = load(args.dataset, args.root)
    data = dataset[0]
    split_edge = dataset.get_edge_split()
    evaluator = Evaluator(name=args.dataset)
    official = evaluator.K
    print(f'{args.dataset}: {data}')

    start = time.perf_counter()
    z = embed(data, args)
    embed_time = time.perf_counter() - start
    print(f'Embedding ({args.method}, dim={args.dim}): {embed_time:.2f}s')
    z = z.to(device)
    for split in split_edge.values():
        for key in ['edge', 'edge_neg']:
            if key in split:
                split[key] = split[key].to(device)

    rows = {'dot': test(DotProduct(), z, split_edge, evaluator)}

    if args.predictor == 'mlp':
        predictor = LinkPredictor(z.size(-1), args.hidden).to(device)
        optimizer = torch.optim.Adam(predictor.parameters(), lr=args.lr)
        best_valid, best = -1.0, None
        for epoch in range(1, args.epochs + 1):
            loss = train(
                predictor,
                z,
                split_edge['train']['edge'],
                optimizer,
                args.batch_size,
            )
            res = test(predictor, z, split_edge, evaluator)
            valid = res[f'valid_hits@{official}']
            if valid > best_valid:
                best_valid, best = valid, res
            print(
                f'Epoch: {epoch:03d}, Loss: {loss:.4f}, '
                f'Valid Hits@{official}: {100 * valid:.2f}, '
                f'Test Hits@{official}: '
                f'{100 * res[f"test_hits@{official}"]:.2f}'
            )
        rows['mlp'] = best  # at the epoch of best validation Hits@K

    total_time = time.perf_counter() - start
    print_table(rows, official)
    return save_results(
        args,
        rows,
        embed_time,
        total_time,
        official_metric=f'hits@{official}',
        train_split_inferred=bool(
            getattr(dataset, 'train_split_inferred', False)
        ),
    )


if __name__ == '__main__':
    main(sys.argv[1:])
