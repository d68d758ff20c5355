r"""The ``pyg-hopfield`` console command: parses, calls the library, prints.

.. code-block:: console

    pyg-hopfield datasets
    pyg-hopfield info USAir
    pyg-hopfield embed --method hebbian --dataset USAir --dim 200 --seed 0 \
        --out emb.pt
    pyg-hopfield embed --method mhn --edges graph.txt --dim 2000 --out emb.pt
    pyg-hopfield evaluate --task link-auc --method hebbian --dataset USAir
    pyg-hopfield sweep --task reconstruction-map --method hebbian \
        --dataset GrQc --plot map.png
    pyg-hopfield reproduce hebbian-table6
    pyg-hopfield capacity --neurons 500 1000 --plot capacity.png

The library (torch, torch_geometric, sklearn) is imported inside the command
functions, so ``--help`` and ``datasets`` start in a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import sys
import time
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import torch
    from torch_geometric.data import Data

TASKS = ('node', 'link-auc', 'reconstruction-map', 'link-map', 'hit-rate')


#: The ``--edges`` formats, shown by ``--help`` (read by
#: :func:`pyg_hopfield.io.read_edge_list`).
EDGE_FORMATS = """\
edge files (--edges), by suffix:
  text  one edge a line, 'u v' or 'u v weight', 0-based integer ids,
        whitespace or commas, '#' or '%' comments, gzip ok; e.g.
          0 1 2.5
          1 2 0.5
  .npy  int32/int64 node ids of shape [E, 2] or [2, E], memory-mapped;
        weights from a second file: --weights W.npy (shape [E])
  .pt   a torch_geometric Data saved with torch.save(data, 'graph.pt')
        (edge_index, optional edge_weight, num_nodes)
  ids that start at 1 give a warning (node 0 would be a phantom isolated
  node): pass --one-based."""


#: The ``--histories`` format, shown by ``evaluate --help`` (read by
#: :func:`pyg_hopfield.utils.read_histories`).
HISTORY_FORMAT = """\
history files (--histories, --task hit-rate with --edges): one test user a
  line, the 0-based item (node) ids of the graph they interacted with,
  whitespace-separated, '#' comments; e.g.
    0 5 17
    3 5
  ids must be nodes of the graph: pass --num-nodes if the largest item id
  has no edge. '--dataset MovieLens100K' needs no file: its users are split
  (--splits, --test-ratio) and the item graph is built from the training
  users' co-ratings."""


def _add_graph_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EDGE_FORMATS
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        '--dataset',
        help="A registered data set name ('pyg-hopfield datasets' lists them)",
    )
    source.add_argument(
        '--edges',
        help='An edge file: text (.txt, .csv, '
        '.gz, ...), .npy or .pt; see below',
    )
    parser.add_argument(
        '--weights',
        default=None,
        help='A .npy file of edge weights, one per stored edge of --edges',
    )
    parser.add_argument(
        '--one-based',
        action='store_true',
        help='The --edges ids start at 1: subtract 1',
    )
    parser.add_argument(
        '--root',
        default=None,
        help='Writable data set '
        'cache folder (default: $PYG_HOPFIELD_ROOT or '
        '~/.cache/pyg_hopfield)',
    )
    parser.add_argument(
        '--num-nodes',
        type=int,
        default=None,
        help='Number of nodes for --edges',
    )
    parser.add_argument(
        '--directed', action='store_true', help='Treat --edges as directed'
    )


def _add_method_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--method', choices=('hebbian', 'mhn'), required=True)
    parser.add_argument(
        '--dim',
        type=int,
        default=None,
        help='Embedding '
        'size (hebbian, default 200); for mhn the number of '
        'memories K (default 2000)',
    )
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--device', default='cpu')
    hebbian = parser.add_argument_group(
        'hebbian (a --preset fills the flags not given)'
    )
    hebbian.add_argument(
        '--preset',
        choices=('orthogonal', 'paper', 'improved', 'classification'),
        default='orthogonal',
        help='orthogonal (default): '
        'Chebyshev-accelerated orthogonal propagation; '
        "paper: the paper's literal settings; "
        "improved: the paper's update without negative "
        'edges, symmetric transitions, L2-normalised '
        "output; classification: the paper's update as "
        'whitened power iteration',
    )
    hebbian.add_argument(
        '--iterations',
        type=int,
        default=None,
        help='propagation iterations (auto: 24 when the '
        'average degree is >= 10, else 80; paper 10)',
    )
    hebbian.add_argument(
        '--degree-direction',
        choices=('auto', 'true', 'false'),
        default=None,
        help='orthogonal: keep the degree direction '
        "('auto': when the average degree is >= 10)",
    )
    hebbian.add_argument(
        '--eigenvalue-exponent',
        type=float,
        default=None,
        help='orthogonal: output V |Lambda|^alpha (1.0)',
    )
    hebbian.add_argument(
        '--filter-degree',
        type=int,
        default=None,
        help='orthogonal: propagation steps between two '
        'orthonormalisations (8)',
    )
    hebbian.add_argument(
        '--lr',
        type=float,
        default=None,
        help='hebbian learning rate (1.0) / mhn Adam lr (0.01)',
    )
    hebbian.add_argument(
        '--variance',
        type=float,
        default=None,
        help='initial variance sigma^2 (10)',
    )
    hebbian.add_argument(
        '--variance-decay',
        type=float,
        default=None,
        help='sigma^2 is divided by this every iteration (1.1)',
    )
    hebbian.add_argument(
        '--negative-weight',
        type=float,
        default=None,
        help='weight of the random negative edges (0.5)',
    )
    hebbian.add_argument(
        '--num-negative-samples',
        type=int,
        default=None,
        help='negative partners per node (1)',
    )
    hebbian.add_argument(
        '--gaussian',
        choices=('sample', 'kernel', 'none'),
        default=None,
        help="reading of the Gaussian mixture ('sample')",
    )
    hebbian.add_argument(
        '--transition',
        choices=('row', 'sym'),
        default=None,
        help="transition probabilities ('row')",
    )
    hebbian.add_argument(
        '--normalize',
        choices=('none', 'output', 'iteration'),
        default=None,
        help="L2 normalisation ('none')",
    )
    hebbian.add_argument(
        '--whiten',
        choices=('none', 'output', 'iteration'),
        default=None,
        help="ZCA whitening ('none')",
    )
    mhn = parser.add_argument_group('mhn (paper defaults)')
    mhn.add_argument(
        '--epochs',
        type=int,
        default=None,
        help='largest number of training epochs (20); 0 '
        'gives the untrained embedding',
    )
    mhn.add_argument(
        '--patience',
        type=int,
        default=3,
        help='stop when the link AUC on 10%% held-out '
        'training edges has not improved for this many epochs '
        'and keep the best epoch (0 trains all --epochs on '
        'all edges)',
    )
    mhn.add_argument(
        '--memories', type=int, default=None, help='alias of --dim for mhn'
    )
    mhn.add_argument('--batch-size', type=int, default=None)
    mhn.add_argument('--steps', type=int, default=7)
    mhn.add_argument('--k', type=int, default=1, help='context hops')
    mhn.add_argument(
        '--mask',
        choices=('node', 'ego'),
        default='node',
        help='masked node of a training sample: the node '
        "('node', the paper) or a random member of its ego "
        "network ('ego')",
    )
    mhn.add_argument(
        '--init-std',
        type=float,
        default=0.1,
        help='standard deviation of the initial memories',
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='pyg-hopfield',
        description='Associative-memory graph embeddings for PyG.',
        epilog='--edges reads text, .npy and .pt edge files; '
        "'pyg-hopfield embed --help' shows the formats.",
    )
    sub = parser.add_subparsers(dest='command', required=True)

    sub.add_parser('datasets', help='List the registered data sets')

    info = sub.add_parser(
        'info', help='Load a data set and print its statistics'
    )
    info.add_argument('name')
    info.add_argument('--root', default=None)

    embed = sub.add_parser(
        'embed', help='Embed a graph and save the embedding [num_nodes, dim]'
    )
    _add_graph_arguments(embed)
    _add_method_arguments(embed)
    embed.add_argument(
        '--out', required=True, help='Output file, .pt (torch.save) or .npy'
    )

    evaluate = sub.add_parser(
        'evaluate', help='Embed and evaluate with a paper protocol'
    )
    _add_graph_arguments(evaluate)
    _add_method_arguments(evaluate)
    evaluate.epilog = EDGE_FORMATS + '\n\n' + HISTORY_FORMAT
    evaluate.add_argument('--task', choices=TASKS, required=True)
    evaluate.add_argument(
        '--test-ratio',
        type=float,
        default=0.1,
        help='Held-out edge fraction (seal and gem splits)',
    )
    evaluate.add_argument(
        '--split',
        choices=('seal', 'mhn'),
        default='seal',
        help='link-auc protocol: SEAL '
        '(test-ratio of edges + as many non-edges) or MHN '
        '(500 + 500 pairs)',
    )
    evaluate.add_argument(
        '--histories',
        default=None,
        help='hit-rate '
        'with --edges: test users, one a line, the item '
        '(node) ids they interacted with; see below',
    )
    evaluate.add_argument(
        '--hits-k',
        type=int,
        default=10,
        help='hit-rate: recommendations per seed item',
    )
    evaluate.add_argument(
        '--splits',
        type=int,
        default=10,
        help='hit-rate with an interaction data set '
        '(MovieLens100K): held-out-user splits; '
        '--test-ratio is the test-user fraction',
    )
    evaluate.add_argument(
        '--weighting',
        default='count',
        choices=('count', 'cosine', 'jaccard', 'pmi'),
        help='hit-rate with an interaction data set: '
        'weights of the item co-interaction graph',
    )
    evaluate.add_argument(
        '--popularity-exponent',
        type=float,
        default=0.0,
        help='hit-rate with an interaction data set: '
        'candidate scores times popularity^beta (>0 '
        'favours popular items, <0 debiases)',
    )
    evaluate.add_argument(
        '--propagate-candidates',
        action='store_true',
        help='hit-rate with an interaction data set: '
        'score seeds against candidates propagated one '
        'step over the item graph',
    )
    evaluate.add_argument(
        '--select',
        action='store_true',
        help='link-auc with hebbian: choose iterations, '
        'transitions and normalisation on a validation '
        'split of the training edges (never the test '
        'edges)',
    )
    evaluate.add_argument(
        '--runs',
        type=int,
        default=20,
        help='node classification: seeded LR runs',
    )
    evaluate.add_argument(
        '--solver',
        choices=('liblinear', 'torch'),
        default='torch',
        help='node classification: LIBLINEAR or the same '
        'objective solved in torch (faster; on --device)',
    )
    evaluate.add_argument(
        '--l2',
        action=argparse.BooleanOptionalAction,
        default=True,
        help='node classification: '
        'L2-normalise the embedding rows first, as the '
        'results pages do (--no-l2: raw features, slower '
        'to fit and lower F1 for mhn)',
    )
    evaluate.add_argument(
        '--plot', default=None, help='ROC curve PNG (link-auc)'
    )
    evaluate.add_argument(
        '--json', default=None, help='Write the metrics to this JSON file'
    )

    sweep = sub.add_parser(
        'sweep',
        help='A metric against the embedding '
        'dimension, as a table, JSON and a PNG plot',
    )
    _add_graph_arguments(sweep)
    _add_method_arguments(sweep)
    sweep.add_argument(
        '--task',
        choices=('reconstruction-map', 'link-map', 'link-auc'),
        required=True,
    )
    sweep.add_argument(
        '--dims',
        nargs='+',
        type=int,
        default=[10, 20, 50, 100, 200, 300, 400, 500],
    )
    sweep.add_argument('--test-ratio', type=float, default=0.1)
    sweep.add_argument(
        '--plot', default=None, help='PNG of the metric against the dimension'
    )
    sweep.add_argument('--json', default=None)

    capacity = sub.add_parser(
        'capacity',
        help='Classic Hopfield network: '
        'retrieval overlap (magnetisation) against '
        'the load alpha = P/N, with a PNG plot',
    )
    capacity.add_argument(
        '--neurons', nargs='+', type=int, default=[500, 1000]
    )
    capacity.add_argument(
        '--alphas',
        nargs='+',
        type=float,
        default=[0.05, 0.1, 0.12, 0.14, 0.16, 0.2],
    )
    capacity.add_argument(
        '--probes',
        type=int,
        default=32,
        help='stored patterns used as probes per point',
    )
    capacity.add_argument('--mode', choices=('sync', 'async'), default='async')
    capacity.add_argument('--seed', type=int, default=0)
    capacity.add_argument('--plot', default=None)
    capacity.add_argument('--json', default=None)

    from pyg_hopfield.paper_tables import PAPER_TABLES

    reproduce = sub.add_parser(
        'reproduce',
        help='Reproduce a paper table '
        "with the paper's protocol, ours beside "
        'theirs',
    )
    reproduce.add_argument('table', choices=sorted(PAPER_TABLES))
    reproduce.add_argument('--root', default=None)
    reproduce.add_argument('--seed', type=int, default=0)
    reproduce.add_argument('--device', default='cpu')
    reproduce.add_argument(
        '--datasets',
        nargs='+',
        default=None,
        help='Only these rows of the table',
    )
    reproduce.add_argument('--json', default=None)
    return parser


def load_graph(args: argparse.Namespace) -> Data:
    r"""The graph named by ``--dataset`` or read from ``--edges``."""
    from pyg_hopfield.datasets import load
    from pyg_hopfield.utils import read_edge_list

    if args.edges is not None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            data = read_edge_list(
                args.edges,
                args.num_nodes,
                args.directed,
                weights=args.weights,
                one_based=args.one_based,
            )
        for warning in caught:  # e.g. a 1-based file
            print(
                f'pyg-hopfield {args.command}: warning: {warning.message}',
                file=sys.stderr,
            )
        return data
    for flag in ('num_nodes', 'weights', 'one_based'):
        if getattr(args, flag):
            raise ValueError(
                f"'--{flag.replace('_', '-')}' only applies to '--edges'"
            )
    return load(args.dataset, args.root)[0]


def embed(
    data: Data,
    args: argparse.Namespace,
    edge_index: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""Runs the chosen method on :obj:`data` (or on :obj:`edge_index`, the
    training edges of a split) and returns a CPU float tensor."""
    from pyg_hopfield.cli_methods import embed_hebbian, embed_mhn
    from pyg_hopfield.utils import to_edge_index

    # A Data or a DGL graph (read by what it offers, dgl never imported):
    graph_index, graph_weight, num_nodes = to_edge_index(data)
    edge_weight = graph_weight if edge_index is None else None
    edge_index = graph_index if edge_index is None else edge_index
    check_embedding_memory(args, num_nodes, edge_index.size(1))
    run = embed_hebbian if args.method == 'hebbian' else embed_mhn
    return run(edge_index, edge_weight, num_nodes, args).detach().cpu()


def check_embedding_memory(
    args: argparse.Namespace,
    num_nodes: int,
    num_edges: int,
) -> None:
    r"""Refuses up front, saying how much it would need, a run whose tables
    cannot fit in the memory of :obj:`args.device`
    (:func:`~pyg_hopfield.utils.estimate_embedding_memory`)."""
    import torch

    from pyg_hopfield.utils import check_memory, estimate_embedding_memory

    if args.method == 'hebbian':
        dim, flag = args.dim or 200, '--dim'
    else:
        dim = args.memories or args.dim or 2000
        flag = '--memories' if args.memories else '--dim'
    need = estimate_embedding_memory(
        args.method, num_nodes, dim, num_edges, batch_size=args.batch_size
    )
    device = (
        'cpu'
        if str(args.device).startswith('cuda')
        and not torch.cuda.is_available()
        else args.device
    )
    check_memory(
        need, f"'{flag} {dim}' ({args.method} on {num_nodes:,} nodes)", device
    )


def save_embedding(embedding: torch.Tensor, path: str) -> None:
    r"""Writes :obj:`embedding` to :obj:`path` (:obj:`.pt` or :obj:`.npy`)
    atomically, and never one with NaN or infinite values: then nothing is
    written and a previous file at :obj:`path` is left untouched."""
    import torch

    from pyg_hopfield.utils import atomic_path, save_atomic

    if not path.endswith(('.pt', '.npy')):
        raise ValueError(f"'--out' must end in '.pt' or '.npy', got '{path}'")
    bad = int((~torch.isfinite(embedding)).sum())
    if bad:
        raise ValueError(
            f'the embedding has {bad:,} of '
            f'{embedding.numel():,} values NaN or infinite, so '
            f"nothing was written to '--out {path}'; use fewer "
            f"'--iterations', a smaller '--lr' or "
            f"'--normalize iteration'"
        )
    if path.endswith('.npy'):
        import numpy as np

        with atomic_path(path) as tmp:
            np.save(tmp, embedding.numpy())
    else:
        save_atomic(embedding, path)


def write_json(path: str, obj: dict, flag: str = '--json') -> None:
    r"""Writes :obj:`obj` as JSON to :obj:`path` atomically; NaN or
    infinite numbers are refused (nothing is written)."""
    from pyg_hopfield.utils import atomic_write

    try:
        text = json.dumps(obj, indent=2, allow_nan=False)
    except ValueError as e:
        raise ValueError(
            f'the results hold NaN or infinite numbers, so '
            f"nothing was written to '{flag} {path}' ({e})"
        ) from e
    with atomic_write(path) as f:
        f.write(text)


def save_figure(fig, path: str) -> None:
    r"""Saves a matplotlib figure to :obj:`path` atomically (the format
    follows the suffix) and closes it."""
    import matplotlib.pyplot as plt

    from pyg_hopfield.utils import atomic_path

    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=120)
    finally:
        plt.close(fig)


def cmd_datasets(args: argparse.Namespace) -> None:
    from pyg_hopfield.datasets import available_datasets

    for name in available_datasets():
        print(name)


def cmd_info(args: argparse.Namespace) -> None:
    from pyg_hopfield.datasets import load
    from pyg_hopfield.utils import unique_undirected_pairs

    dataset = load(args.name, args.root)
    data = dataset[0]
    print(f'{dataset!r}')
    print(f'  nodes:            {data.num_nodes:,}')
    print(
        f'  undirected edges: '
        f'{unique_undirected_pairs(data.edge_index).size(1):,}'
    )
    print(f'  stored edges:     {data.edge_index.size(1):,}')
    print(f'  weighted:         {"edge_weight" in data}')
    y = data.get('y')
    if y is not None:
        labels = y.size(1) if y.dim() == 2 else int(y.max()) + 1
        kind = 'multi-label' if y.dim() == 2 else 'single-label'
        print(f'  labels:           {labels} ({kind})')


def cmd_embed(args: argparse.Namespace) -> None:
    if not args.out.endswith(('.pt', '.npy')):
        raise ValueError(
            f"'--out' must end in '.pt' or '.npy', got '{args.out}'"
        )
    data = load_graph(args)
    start = time.perf_counter()
    embedding = embed(data, args)
    seconds = time.perf_counter() - start
    save_embedding(embedding, args.out)
    print(
        f'Embedded {data.num_nodes:,} nodes into '
        f'{embedding.size(1)} dimensions with {args.method} in '
        f'{seconds:.2f} s -> {args.out}'
    )


#: The Hebbian settings ``--select`` chooses from (argparse destinations)
#: for the orthogonal propagation, and for the paper's update (presets
#: paper / improved / classification) without negative edges.
SELECTION_GRID = [
    dict(degree_direction=dd, eigenvalue_exponent=alpha)
    for dd in ('true', 'false')
    for alpha in (0.5, 1.0)
]
PAPER_SELECTION_GRID = [
    dict(iterations=t, transition=tr, normalize=nz)
    for tr in ('row', 'sym')
    for t in (2, 3, 5, 10, 20)
    for nz in ('none', 'output')
]


def select_hebbian_setting(
    data: Data,
    train_edge_index: torch.Tensor,
    args: argparse.Namespace,
) -> argparse.Namespace:
    r"""Model selection without touching the test edges: holds out 10% of
    the *training* edges (plus as many non-edges) as a validation split,
    scores every setting of :obj:`SELECTION_GRID` on it and returns
    :obj:`args` with the best one."""
    from pyg_hopfield import evaluation
    from pyg_hopfield.utils import seal_link_split

    if args.method != 'hebbian':
        raise ValueError(
            f"'--select' is implemented for '--method "
            f"hebbian', got '{args.method}'"
        )
    fit, val_pos, val_neg = seal_link_split(
        train_edge_index, data.num_nodes, 0.1, args.seed + 1000
    )
    from tqdm import tqdm

    grid = (
        SELECTION_GRID if args.preset == 'orthogonal' else PAPER_SELECTION_GRID
    )
    best, best_auc = None, -1.0
    for setting in tqdm(grid, desc='select', unit='setting'):
        trial = argparse.Namespace(
            **{
                **vars(args),
                **setting,
                'negative_weight': 0.0,
                'progress': False,
            }
        )
        embedding = embed(data, trial, edge_index=fit)
        auc = evaluation.link_prediction_auc(embedding, val_pos, val_neg)[
            'auc'
        ]
        if auc > best_auc:
            best, best_auc = trial, auc
    print(
        f'selected on validation (AUC {best_auc:.4f}): '
        + ', '.join(f'{key}={getattr(best, key)}' for key in grid[0])
    )
    best.progress = True
    return best


def cmd_evaluate(args: argparse.Namespace) -> None:
    metrics = _evaluate(args)
    for key, value in metrics.items():
        if isinstance(value, float):
            print(f'{key:>14}: {value:.4f}')
        else:
            print(f'{key:>14}: {value}')
    if args.json:
        write_json(args.json, metrics)


#: Seconds of one node-classification run per node x dimension x class on
#: the project's 2-core CPU with the torch solver (measured 3.6e-9 on PPI
#: and 7.7e-9 on BlogCatalog, 2,000 dimensions); LIBLINEAR is about 12x
#: slower (9-16x measured).
NODE_SECONDS_PER_UNIT = {'torch': 6e-9, 'liblinear': 7e-8}


def announce_node_classification(
    embedding: torch.Tensor,
    y: torch.Tensor,
    args: argparse.Namespace,
) -> None:
    r"""Says on stderr how long the classification runs will take when
    they are expected to take more than a minute."""
    classes = y.size(1) if y.dim() == 2 else int(y.max()) + 1
    seconds = (
        NODE_SECONDS_PER_UNIT[args.solver]
        * args.runs
        * embedding.numel()
        * classes
    )
    if seconds > 60:
        print(
            f'node classification: about {seconds / 60:.0f} min on a '
            f'2-core CPU ({args.runs} runs, {args.solver} solver, '
            f'{embedding.size(1)} dimensions, {classes} classes)',
            file=sys.stderr,
        )


def _hit_rate_protocol(data: Data, args: argparse.Namespace) -> dict:
    r"""The paper's recommender protocol on an interaction data set: per
    held-out-user split, the co-interaction item graph of the training
    users is embedded with ``--method`` and scored on the test users
    (:func:`pyg_hopfield.evaluation.item_recommender_hit_rate`)."""
    import torch
    from torch_geometric.data import Data

    from pyg_hopfield import evaluation
    from pyg_hopfield.utils import co_interaction_graph

    num_items = data.num_items
    if not 1 <= args.hits_k < num_items:
        raise ValueError(
            f"'--hits-k' must lie in [1, {num_items - 1}] "
            f"('{args.dataset}' has {num_items} items), got "
            f'{args.hits_k}'
        )
    if args.splits < 1 or not 0.0 < args.test_ratio < 1.0:
        raise ValueError(
            f"'--splits' must be >= 1 and '--test-ratio' lie "
            f'in (0, 1), got {args.splits} and '
            f'{args.test_ratio}'
        )
    print(
        f'hit-rate: {args.splits} held-out-user splits of '
        f'{args.dataset} ({data.interaction_index.size(1):,} '
        f'interactions, {num_items:,} items), one {args.method} '
        f'embedding each',
        file=sys.stderr,
    )

    def fit(train: torch.Tensor, num_items: int):
        edge_index, edge_weight = co_interaction_graph(
            train, num_items, args.weighting
        )
        graph = Data(
            edge_index=edge_index, edge_weight=edge_weight, num_nodes=num_items
        )
        embedding = embed(graph, args)
        pairs = torch.unique(train[0] * num_items + train[1])
        count = torch.bincount(pairs % num_items, minlength=num_items)
        propagate = args.propagate_candidates
        return evaluation.item_scoring(
            embedding,
            count,
            args.popularity_exponent,
            edge_index=edge_index if propagate else None,
            edge_weight=edge_weight if propagate else None,
        )

    out = evaluation.item_recommender_hit_rate(
        fit,
        data.interaction_index,
        num_items,
        k=args.hits_k,
        num_splits=args.splits,
        test_ratio=args.test_ratio,
        seed=args.seed,
        progress=True,
    )
    k = args.hits_k
    return {
        'weighting': args.weighting,
        'popularity_exponent': args.popularity_exponent,
        'propagate_candidates': args.propagate_candidates,
        'splits': args.splits,
        f'hit_rate@{k}': out['paper_mean'],
        f'hit_rate@{k}_std': out['paper_std'],
        f'loo_hit_rate@{k}': out['leave-one-out_mean'],
        f'loo_hit_rate@{k}_std': out['leave-one-out_std'],
        'num_users': out['num_test_users'][0],
        'fit_seconds': out['seconds_mean'],
    }


def _evaluate(args: argparse.Namespace) -> dict:
    from pyg_hopfield import evaluation
    from pyg_hopfield.utils import (
        gem_link_split,
        mhn_link_split,
        seal_link_split,
    )

    data = load_graph(args)
    start = time.perf_counter()
    metrics = {
        'method': args.method,
        'task': args.task,
        'graph': args.dataset or args.edges,
        'seed': args.seed,
    }
    if args.task == 'node':
        if data.get('y') is None:
            raise ValueError(
                f"'--task node' needs node labels, but "
                f"'{metrics['graph']}' has none"
            )
        embedding = embed(data, args)
        announce_node_classification(embedding, data.y, args)
        solver = {'solver': args.solver}
        if args.solver == 'torch':
            from pyg_hopfield.cli_methods import _device

            solver['device'] = _device(args.device)
        result = evaluation.node_classification(
            embedding,
            data.y,
            num_runs=args.runs,
            seed=args.seed,
            normalize=args.l2,
            progress=True,
            **solver,
        )
        metrics['solver'] = args.solver
        metrics['l2_normalised'] = args.l2
        metrics.update(
            {k: v for k, v in result.items() if not k.endswith('_runs')}
        )
    elif args.task == 'hit-rate' and 'interaction_index' in data:
        if args.histories is not None:
            raise ValueError(
                f"'--histories' does not apply to "
                f"'{args.dataset}': its test users are held "
                f'out of its own interactions (--splits, '
                f"--test-ratio); drop '--histories'"
            )
        metrics.update(_hit_rate_protocol(data, args))
    elif args.task == 'hit-rate':
        from pyg_hopfield.utils import read_histories

        if args.histories is None:
            raise ValueError(
                "'--task hit-rate' needs '--histories FILE' "
                '(one test user a line, 0-based item ids; '
                "see 'pyg-hopfield evaluate --help'), or an "
                "interaction data set: '--dataset "
                "MovieLens100K'"
            )
        histories = read_histories(args.histories, data.num_nodes)
        if not 1 <= args.hits_k < data.num_nodes:
            raise ValueError(
                f"'--hits-k' must lie in [1, "
                f'{data.num_nodes - 1}] (the graph has '
                f'{data.num_nodes} items), got {args.hits_k}'
            )
        embedding = embed(data, args)
        metrics[f'hit_rate@{args.hits_k}'] = evaluation.hit_rate_at_k(
            embedding, histories, k=args.hits_k, seed=args.seed
        )
        metrics['num_users'] = len(histories)
    elif args.task == 'reconstruction-map':
        embedding = embed(data, args)
        metrics['map'] = evaluation.reconstruction_map(
            embedding, data.edge_index, seed=args.seed
        )
    elif args.task == 'link-map':
        train, test = gem_link_split(
            data.edge_index, data.num_nodes, args.test_ratio, args.seed
        )
        embedding = embed(data, args, edge_index=train)
        metrics['map'] = evaluation.link_prediction_map(
            embedding, train, test, seed=args.seed
        )
    else:
        if args.split == 'mhn':
            train, pos, neg = mhn_link_split(
                data.edge_index, data.num_nodes, seed=args.seed
            )
        else:
            train, pos, neg = seal_link_split(
                data.edge_index, data.num_nodes, args.test_ratio, args.seed
            )
        if args.select:
            args = select_hebbian_setting(data, train, args)
            grid = (
                SELECTION_GRID
                if args.preset == 'orthogonal'
                else PAPER_SELECTION_GRID
            )
            metrics['selected'] = {key: getattr(args, key) for key in grid[0]}
        embedding = embed(data, args, edge_index=train)
        result = evaluation.link_prediction_auc(embedding, pos, neg)
        metrics['auc'] = result['auc']
        metrics['jaccard_auc'] = evaluation.jaccard_auc(
            train, data.num_nodes, pos, neg
        )['auc']
        if args.plot:
            _plot_roc(result['fpr'], result['tpr'], result['auc'], args)
    metrics['seconds'] = time.perf_counter() - start
    return metrics


def cmd_reproduce(args: argparse.Namespace) -> None:
    from pyg_hopfield.paper_tables import PAPER_TABLES

    table = PAPER_TABLES[args.table]
    rows = table['rows']
    if args.datasets:
        unknown = sorted(set(args.datasets) - set(rows))
        if unknown:
            raise ValueError(
                f"'--datasets' {unknown} are not rows of "
                f'{args.table}; choose from {sorted(rows)}'
            )
        rows = {name: rows[name] for name in args.datasets}
    print(f'{args.table}: {table["title"]}')
    print(f'protocol: {table["protocol"]}')
    results = []
    for name, paper in rows.items():
        run = argparse.Namespace(
            **vars(
                build_parser().parse_args(
                    ['evaluate', '--dataset', name] + table['argv']
                )
            )
        )
        run.root, run.seed, run.device = args.root, args.seed, args.device
        run.json = run.plot = None
        metrics = _evaluate(run)
        ours = metrics[table['metric']] * table.get('scale', 1.0)
        results.append(
            {
                'dataset': name,
                'paper': paper,
                'ours': ours,
                'seconds': metrics['seconds'],
            }
        )
    print(f'\n{"dataset":<14}{"paper":>10}{"ours":>10}{"seconds":>10}')
    for row in results:
        print(
            f'{row["dataset"]:<14}{row["paper"]:>10.3f}'
            f'{row["ours"]:>10.3f}{row["seconds"]:>10.1f}'
        )
    if args.json:
        write_json(
            args.json,
            {'table': args.table, 'seed': args.seed, 'rows': results},
        )


def cmd_sweep(args: argparse.Namespace) -> None:
    metric = 'auc' if args.task == 'link-auc' else 'map'
    rows = []
    for dim in args.dims:
        run = argparse.Namespace(
            **{
                **vars(args),
                'dim': dim,
                'split': 'seal',
                'select': False,
                'plot': None,
            }
        )
        metrics = _evaluate(run)
        rows.append(
            {
                'dim': dim,
                metric: metrics[metric],
                'seconds': metrics['seconds'],
            }
        )
        print(
            f'd={dim:<5}{metric}={metrics[metric]:.4f}  '
            f'({metrics["seconds"]:.1f} s)'
        )
    if args.json:
        write_json(
            args.json,
            {
                'task': args.task,
                'method': args.method,
                'graph': args.dataset or args.edges,
                'seed': args.seed,
                'rows': rows,
            },
        )
    if args.plot:
        import matplotlib

        matplotlib.use('Agg')
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot(
            [r['dim'] for r in rows],
            [r[metric] for r in rows],
            marker='o',
            label=args.method,
        )
        ax.set_xscale('log')
        ax.set_xlabel('dimension d')
        ax.set_ylabel(f'{args.task} ({metric.upper()})')
        ax.set_title(args.dataset or osp.basename(args.edges))
        ax.legend()
        fig.tight_layout()
        save_figure(fig, args.plot)
        print(f'{metric.upper()} vs dimension -> {args.plot}')


def cmd_capacity(args: argparse.Namespace) -> None:
    import torch
    from tqdm import tqdm

    from pyg_hopfield.memory import HopfieldNetwork
    from pyg_hopfield.utils import check_seed

    generator = torch.Generator().manual_seed(check_seed(args.seed))
    rows = []
    points = [(n, a) for n in args.neurons for a in args.alphas]
    for num_neurons, alpha in tqdm(points, desc='capacity', unit='point'):
        if not 0.0 < alpha <= 1.0 or num_neurons < 2:
            raise ValueError(
                f"'--alphas' must lie in (0, 1] and "
                f"'--neurons' be >= 2, got alpha={alpha}, "
                f'N={num_neurons}'
            )
        num_patterns = max(1, round(alpha * num_neurons))
        patterns = (
            2.0
            * torch.randint(
                0, 2, (num_patterns, num_neurons), generator=generator
            )
            - 1.0
        )
        net = HopfieldNetwork(num_neurons)
        net.store(patterns)
        probes = patterns[: args.probes]
        fixed = net.retrieve(probes, mode=args.mode, generator=generator)
        overlap = (fixed.float() * probes).sum(dim=1) / num_neurons
        rows.append(
            {
                'N': num_neurons,
                'alpha': alpha,
                'P': num_patterns,
                'overlap': float(overlap.mean()),
                'retrieved': float((overlap > 0.9).float().mean()),
            }
        )
    print(f'{"N":>6}{"alpha":>8}{"overlap":>9}{"retrieved":>11}')
    for row in rows:
        print(
            f'{row["N"]:>6}{row["alpha"]:>8.3f}{row["overlap"]:>9.3f}'
            f'{row["retrieved"]:>11.3f}'
        )
    if args.json:
        write_json(
            args.json, {'mode': args.mode, 'seed': args.seed, 'rows': rows}
        )
    if args.plot:
        import matplotlib

        matplotlib.use('Agg')
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(4, 3))
        for num_neurons in args.neurons:
            pts = [
                (r['alpha'], r['overlap'])
                for r in rows
                if r['N'] == num_neurons
            ]
            ax.plot(*zip(*pts), marker='o', label=f'N={num_neurons}')
        ax.axvline(0.138, color='grey', linestyle='--', linewidth=0.8)
        ax.set_xlabel('load alpha = P / N')
        ax.set_ylabel('retrieval overlap m')
        ax.legend()
        fig.tight_layout()
        save_figure(fig, args.plot)
        print(f'overlap vs alpha -> {args.plot}')


def _plot_roc(fpr, tpr, auc: float, args: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 4))
    ax.plot(fpr, tpr, label=f'{args.method} (AUC {auc:.3f})')
    ax.plot([0, 1], [0, 1], '--', color='grey', linewidth=0.8)
    ax.set_xlabel('False positive rate')
    ax.set_ylabel('True positive rate')
    ax.set_title(args.dataset or osp.basename(args.edges))
    ax.legend(loc='lower right')
    fig.tight_layout()
    save_figure(fig, args.plot)
    print(f'ROC curve -> {args.plot}')


#: Integer flags (argparse destinations) and their smallest valid value;
#: a flag that is not given keeps its documented default, a given value is
#: used as given or refused, never replaced by a default.
INT_FLAGS = {
    'dim': 1,
    'memories': 1,
    'batch_size': 1,
    'epochs': 0,
    'steps': 0,
    'k': 1,
    'num_nodes': 1,
    'seed': 0,
    'runs': 1,
    'hits_k': 1,
    'dims': 1,
    'probes': 1,
    'neurons': 2,
    'splits': 1,
}
#: Float flags that must be finite (their ranges are checked where used).
FLOAT_FLAGS = (
    'lr',
    'variance',
    'variance_decay',
    'negative_weight',
    'init_std',
    'test_ratio',
    'alphas',
    'popularity_exponent',
)


def check_arguments(args: argparse.Namespace) -> None:
    r"""Refuses, before any work, integer flags below their smallest value
    (:obj:`INT_FLAGS`: ``--dim 0`` is an error, never the default) and
    NaN or infinite float flags, naming the flag."""
    if all(
        getattr(args, dest, None) is None
        for dest in (*INT_FLAGS, *FLOAT_FLAGS)
    ):
        return  # e.g. 'datasets': nothing to check, no library to import
    from pyg_hopfield.utils import check_float, check_int

    for dest, minimum in INT_FLAGS.items():
        values = getattr(args, dest, None)
        flag = '--' + dest.replace('_', '-')
        for value in values if isinstance(values, list) else [values]:
            if value is not None:
                check_int(value, flag, minimum=minimum)
    for dest in FLOAT_FLAGS:
        values = getattr(args, dest, None)
        flag = '--' + dest.replace('_', '-')
        for value in values if isinstance(values, list) else [values]:
            if value is not None:
                check_float(value, flag)
    ratio = getattr(args, 'test_ratio', None)
    if ratio is not None and not 0.0 < ratio < 1.0:
        raise ValueError(f"'--test-ratio' must lie in (0, 1) (got {ratio})")


COMMANDS = {
    'datasets': cmd_datasets,
    'info': cmd_info,
    'embed': cmd_embed,
    'evaluate': cmd_evaluate,
    'reproduce': cmd_reproduce,
    'sweep': cmd_sweep,
    'capacity': cmd_capacity,
}


def exit_without_teardown(code: int) -> None:
    r"""Ends the console command with :obj:`code` once its output is
    flushed and the :mod:`atexit` handlers have run, skipping the
    interpreter's module teardown: after torch_geometric is imported,
    freeing its ~3,000 modules took 1.7-4 s on the project's 2-core machine
    (``benchmarks/bench_cli.py``), as long as embedding a million edges."""
    import atexit

    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()  # what a normal exit runs (pools, log files)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the console command; Python callers pass argv
        exit_without_teardown(main(sys.argv[1:]))
    args = build_parser().parse_args(argv)
    try:
        check_arguments(args)
        COMMANDS[args.command](args)
    except (ValueError, OSError, RuntimeError) as error:
        print(f'pyg-hopfield {args.command}: error: {error}', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
