r"""What the example scripts share (not part of the package): the embedding
options and the label-free Hebbian / MHN embedding of the OGB and Planetoid
examples, the Hebbian settings the recorded figures were computed with,
and where results are written.

The scripts import it as ``_common``: ``python examples/<script>.py`` puts
``examples/`` on :obj:`sys.path` first.
"""

import argparse
import json
import os.path as osp

import torch
import torch.nn.functional as F

from pyg_hopfield.nn import HebbianPropagation, MHNEmbedding
from pyg_hopfield.nn.hebbian_presets import preset_settings
from pyg_hopfield.transforms import KHopContext

#: The dataset cache of the examples: ``data/`` next to ``examples/``.
DEFAULT_ROOT = osp.join(osp.dirname(osp.realpath(__file__)), '..', 'data')

#: The paper's literal settings (its update, HebbianPropagation's preset
#: 'paper'); the Hebbian examples build their variants on them, as the
#: figures recorded in docs/source/results/hebbian.rst were.
PAPER_SETTINGS = preset_settings('paper')
#: The paper's update without negative edges, with the symmetric transition
#: and unit-norm rows.
IMPROVED_SETTINGS = dict(
    PAPER_SETTINGS, negative_weight=0.0, transition='sym', normalize=True
)


def results_path(file_name: str) -> str:
    r"""``benchmarks/results/<file_name>``, where the examples write their
    JSON by default."""
    return osp.join(
        osp.dirname(osp.abspath(__file__)),
        '..',
        'benchmarks',
        'results',
        file_name,
    )


def add_embedding_arguments(
    parser: argparse.ArgumentParser,
    root_help: str,
    k: int = 2,
    mhn_epochs: int = 20,
    hebbian: bool = True,
    negative_samples: bool = False,
) -> None:
    r"""Adds ``--root``, ``--method``, ``--dim``, ``--seed``, ``--device``,
    the Hebbian options ``--num-iterations`` / ``--negative-weight`` (if
    :obj:`hebbian`) and the MHN options ``--k``, ``--mhn-epochs`` and
    ``--num-negative-samples`` (if :obj:`negative_samples`)."""
    parser.add_argument('--root', default=DEFAULT_ROOT, help=root_help)
    parser.add_argument(
        '--method', default='hebbian', choices=['hebbian', 'mhn']
    )
    parser.add_argument(
        '--dim',
        type=int,
        default=128,
        help='embedding size (memories for mhn)',
    )
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--device', default='cpu')
    if hebbian:
        parser.add_argument(
            '--num-iterations',
            type=int,
            default=10,
            help="hebbian: iterations of the paper's update (preset 'paper')",
        )
        parser.add_argument(
            '--negative-weight',
            type=float,
            default=0.5,
            help='hebbian: weight of the random negative edges (0 '
            'switches them off)',
        )
    parser.add_argument(
        '--k', type=int, default=k, help='mhn: hops of the KHopContext'
    )
    parser.add_argument(
        '--mhn-epochs',
        type=int,
        default=mhn_epochs,
        help='mhn: training epochs of the memories',
    )
    if negative_samples:
        parser.add_argument(
            '--num-negative-samples',
            type=int,
            default=None,
            help='mhn: sampled-softmax negatives (default: full '
            'softmax up to 50,000 nodes, else 4096)',
        )


def embed(data, args: argparse.Namespace) -> torch.Tensor:
    r"""Label-free embedding of every node of :obj:`data` (its
    :obj:`edge_weight` too, if any): HebbianPropagation's preset
    ``'paper'`` with unit-norm rows, or an MHNEmbedding trained on the
    :class:`KHopContext` (a sampled softmax of 4096 negatives above 50,000
    nodes unless ``--num-negative-samples`` says otherwise), rows
    L2-normalised."""
    device = torch.device(args.device)
    if args.method == 'hebbian':
        # The paper's update (its negative edges are not part of the
        # orthogonal propagation, HebbianPropagation's default).
        model = HebbianPropagation.from_preset(
            'paper',
            data.num_nodes,
            args.dim,
            num_iterations=args.num_iterations,
            negative_weight=args.negative_weight,
            normalize=True,
            seed=args.seed,
        )
        edge_weight = data.get('edge_weight', None)
        edge_weight = None if edge_weight is None else edge_weight.to(device)
        return model(data.edge_index.to(device), edge_weight).cpu()

    torch.manual_seed(args.seed)
    context = KHopContext(k=args.k)(data.clone()).context
    num_neg = getattr(args, 'num_negative_samples', None)
    if num_neg is None and data.num_nodes > 50_000:
        num_neg = 4096
    model = MHNEmbedding(
        data.num_nodes, args.dim, num_negative_samples=num_neg
    ).to(device)

    def log(epoch: int, loss: float) -> None:
        print(f'MHN Epoch: {epoch:03d}, Loss: {loss:.4f}')

    model.fit(
        context,
        epochs=args.mhn_epochs,
        batch_size=256,
        seed=args.seed,
        callback=log,
    )
    with torch.no_grad():
        return F.normalize(model(context), dim=-1).cpu()


def save_results(
    args: argparse.Namespace,
    results: object,
    embedding_time_s: float,
    total_time_s: float,
    **fields: object,
) -> dict:
    r"""The run's record (dataset, method, arguments, :obj:`fields`, times
    and :obj:`results`), written as JSON to ``args.out`` unless that is
    :obj:`None`, and returned."""
    record = {
        'dataset': args.dataset,
        'method': args.method,
        'args': vars(args),
        **fields,
        'embedding_time_s': embedding_time_s,
        'total_time_s': total_time_s,
        'results': results,
    }
    if args.out is not None:
        with open(args.out, 'w') as f:
            json.dump(record, f, indent=2)
        print(f'Saved results to {args.out}')
    return record
