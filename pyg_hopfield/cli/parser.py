r"""The ``pyg-hopfield`` argument parser: flags as tables, one sub-command
per library entry point (nothing here imports torch)."""

import argparse

from pyg_hopfield.cli.help_texts import EDGE_FORMATS, HISTORY_FORMAT

TASKS = ('node', 'link-auc', 'reconstruction-map', 'link-map', 'hit-rate')
PRESETS = ('orthogonal', 'paper', 'improved', 'classification')
MODES = ('none', 'output', 'iteration')

# (flag, type or action, default, help) of each group; a None default
# leaves the library's default (or the --preset's) in place.
GRAPH_FLAGS = [
    ('--weights', str, None, 'A .npy of edge weights, one per stored edge'),
    ('--one-based', 'store_true', False, 'The --edges ids start at 1'),
    ('--root', str, None, 'Writable data set cache folder (default: '
     '$PYG_HOPFIELD_ROOT or ~/.cache/pyg_hopfield)'),
    ('--num-nodes', int, None, 'Number of nodes for --edges'),
    ('--directed', 'store_true', False, 'Treat --edges as directed'),
]  # fmt: skip
HEBBIAN_FLAGS = [
    ('--iterations', int, None, 'propagation iterations (auto: 24 when the '
     'average degree is >= 10, else 80; paper 10)'),
    ('--degree-direction', ('auto', 'true', 'false'), None, 'orthogonal: '
     "keep the degree direction ('auto': when the average degree is >= 10)"),
    ('--eigenvalue-exponent', float, None, 'orthogonal: output V '
     '|Lambda|^alpha (1.0)'),
    ('--filter-degree', int, None, 'orthogonal: propagation steps between '
     'two orthonormalisations (8)'),
    ('--lr', float, None, 'hebbian learning rate (1.0) / mhn Adam lr (0.01)'),
    ('--variance', float, None, 'initial variance sigma^2 (10)'),
    ('--variance-decay', float, None, 'sigma^2 is divided by this every '
     'iteration (1.1)'),
    ('--negative-weight', float, None, 'weight of the negative edges (0.5)'),
    ('--num-negative-samples', int, None, 'negative partners per node (1)'),
    ('--gaussian', ('sample', 'kernel', 'none'), None, 'reading of the '
     "Gaussian mixture ('sample')"),
    ('--transition', ('row', 'sym'), None, "transition probabilities "
     "('row')"),
    ('--normalize', MODES, None, "L2 normalisation ('none')"),
    ('--whiten', MODES, None, "ZCA whitening ('none')"),
]  # fmt: skip
MHN_FLAGS = [
    ('--epochs', int, None, 'largest number of training epochs (20); 0 '
     'gives the untrained embedding'),
    ('--patience', int, 1, 'stop when the link AUC on 10%% held-out '
     'training edges has not improved for this many epochs and keep the '
     'best epoch (0 trains all --epochs on all edges)'),
    ('--memories', int, None, 'alias of --dim for mhn'),
    ('--batch-size', int, None, 'nodes per training batch (1024)'),
    ('--steps', int, 7, 'retrieval steps T'),
    ('--k', int, 1, 'context hops'),
    ('--mask', ('node', 'ego'), 'node', "masked node of a training sample: "
     "the node ('node', the paper) or a member of its ego network ('ego')"),
    ('--init-std', float, 0.1, 'standard deviation of the initial memories'),
    ('--walk-weights', [float], None, 'weights of the 1-, 2-, ... step '
     'random-walk window of a context (1 2); 1 alone: the paper\'s 1-hop '
     'context'),
]  # fmt: skip
EVALUATE_FLAGS = [
    ('--test-ratio', float, 0.1, 'held-out edge fraction (seal and gem '
     'splits); test-user fraction for hit-rate on MovieLens100K'),
    ('--split', ('seal', 'mhn'), 'seal', 'link-auc protocol: SEAL '
     '(test-ratio of edges + as many non-edges) or MHN (500 + 500 pairs)'),
    ('--histories', str, None, 'hit-rate with --edges: test users, one a '
     'line, the item (node) ids they interacted with; see below'),
    ('--hits-k', int, 10, 'hit-rate: recommendations per seed item'),
    ('--splits', int, 10, 'hit-rate with an interaction data set '
     '(MovieLens100K): held-out-user splits'),
    ('--weighting', ('count', 'cosine', 'jaccard', 'pmi'), 'count',
     'hit-rate with an interaction data set: weights of the item graph'),
    ('--popularity-exponent', float, 0.0, 'hit-rate with an interaction '
     'data set: candidate scores times popularity^beta'),
    ('--propagate-candidates', 'store_true', False, 'hit-rate with an '
     'interaction data set: candidates propagated one step over the graph'),
    ('--select', 'store_true', False, 'link-auc with hebbian: choose the '
     'setting on a validation split of the training edges (never the test '
     'edges)'),
    ('--runs', int, 20, 'node classification: seeded LR runs'),
    ('--solver', ('liblinear', 'torch'), 'torch', 'node classification: '
     'LIBLINEAR or the same objective solved in torch (faster)'),
    ('--l2', argparse.BooleanOptionalAction, True, 'node classification: '
     'L2-normalise the embedding rows first (--no-l2: raw features)'),
    ('--plot', str, None, 'ROC curve PNG (link-auc)'),
    ('--json', str, None, 'Write the metrics to this JSON file'),
]  # fmt: skip
PARTITION_FLAGS = [
    ('--parts', int, None, 'Number of shards P (one per process)'),
    ('--out', str, None, 'Output directory (written whole or not at all)'),
    ('--chunk-size', int, 1 << 22, 'Edges read at a time (bounds memory)'),
    ('--overwrite', 'store_true', False, 'Replace an existing --out'),
]  # fmt: skip
CAPACITY_FLAGS = [
    ('--neurons', [int], [500, 1000], 'network sizes N'),
    ('--alphas', [float], [0.05, 0.1, 0.12, 0.14, 0.16, 0.2], 'loads P/N'),
    ('--probes', int, 32, 'stored patterns used as probes per point'),
    ('--mode', ('sync', 'async'), 'async', 'update rule'),
    ('--seed', int, 0, 'random seed'),
    ('--plot', str, None, 'PNG of the overlap against the load'),
    ('--json', str, None, 'Write the rows to this JSON file'),
]  # fmt: skip


def add_flags(parser, flags: list) -> None:
    r"""Adds each :obj:`(flag, kind, default, help)` of :obj:`flags`: a
    type, a tuple of choices, a one-type list (:obj:`nargs='+'`) or an
    action."""
    for flag, kind, default, text in flags:
        kwargs = dict(default=default, help=text)
        if isinstance(kind, tuple):
            kwargs['choices'] = kind
        elif isinstance(kind, list):
            kwargs.update(nargs='+', type=kind[0])
        elif isinstance(kind, str) or issubclass(kind, argparse.Action):
            kwargs['action'] = kind
        else:
            kwargs['type'] = kind
        parser.add_argument(flag, **kwargs)


def add_graph_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EDGE_FORMATS
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--dataset', help='A registered data set name '
                        "('pyg-hopfield datasets' lists them)")  # fmt: skip
    source.add_argument('--edges', help='An edge file: text (.txt, .csv, '
                        '.gz, ...), .npy or .pt; see below')  # fmt: skip
    add_flags(parser, GRAPH_FLAGS)


def add_method_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--method', choices=('hebbian', 'mhn'), required=True)
    parser.add_argument('--dim', type=int, default=None, help='Embedding '
                        'size (hebbian, default 200); for mhn the number of '
                        'memories K (default 2000)')  # fmt: skip
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--device', default='cpu')
    hebbian = parser.add_argument_group('hebbian (a --preset fills the rest)')
    hebbian.add_argument('--preset', choices=PRESETS, default='orthogonal',
                         help='orthogonal (default): Chebyshev-accelerated '
                         "orthogonal propagation; paper: the paper's literal "
                         "settings; improved: the paper's update without "
                         'negative edges, symmetric transitions, normalised '
                         "output; classification: the paper's update as "
                         'whitened power iteration')  # fmt: skip
    add_flags(hebbian, HEBBIAN_FLAGS)
    add_flags(parser.add_argument_group('mhn (paper defaults)'), MHN_FLAGS)


def build_parser() -> argparse.ArgumentParser:
    from pyg_hopfield.paper_tables import PAPER_TABLES

    parser = argparse.ArgumentParser(
        prog='pyg-hopfield',
        description='Associative-memory graph embeddings for PyG.',
        epilog="--edges reads text, .npy and .pt edge files; 'pyg-hopfield "
        "embed --help' shows the formats.",
    )
    sub = parser.add_subparsers(dest='command', required=True)
    sub.add_parser('datasets', help='List the registered data sets')
    info = sub.add_parser('info', help='Load a data set, print statistics')
    info.add_argument('name')
    info.add_argument('--root', default=None)

    embed = sub.add_parser('embed', help='Embed a graph and save the '
                           'embedding [num_nodes, dim]')  # fmt: skip
    add_graph_arguments(embed)
    add_method_arguments(embed)
    embed.add_argument('--out', required=True, help='Output file, .pt '
                       '(torch.save) or .npy')  # fmt: skip
    embed.add_argument('--nproc', type=int, default=None, help='hebbian '
                       "with --edges DIR from 'pyg-hopfield partition': "
                       'P local processes (gloo, 127.0.0.1), each reading '
                       'only its shard')  # fmt: skip

    evaluate = sub.add_parser('evaluate', help='Embed and evaluate with a '
                              'paper protocol')  # fmt: skip
    add_graph_arguments(evaluate)
    add_method_arguments(evaluate)
    evaluate.epilog = EDGE_FORMATS + '\n\n' + HISTORY_FORMAT
    evaluate.add_argument('--task', choices=TASKS, required=True)
    add_flags(evaluate, EVALUATE_FLAGS)

    sweep = sub.add_parser('sweep', help='A metric against the dimension, '
                           'as a table, JSON and a PNG plot')  # fmt: skip
    add_graph_arguments(sweep)
    add_method_arguments(sweep)
    sweep.add_argument('--task', required=True, choices=TASKS[1:4])
    dims = [10, 20, 50, 100, 200, 300, 400, 500]
    sweep.add_argument('--dims', nargs='+', type=int, default=dims)
    sweep.add_argument('--test-ratio', type=float, default=0.1)
    sweep.add_argument('--plot', default=None, help='PNG of the metric')
    sweep.add_argument('--json', default=None)

    part = sub.add_parser('partition', help='Split an edge file into '
                          'per-rank in-edge shards (CSR rows of node '
                          'ranges) for embed --nproc or torchrun, '
                          'streaming')  # fmt: skip
    part.epilog = EDGE_FORMATS
    part.formatter_class = argparse.RawDescriptionHelpFormatter
    part.add_argument('--edges', required=True, help='An edge file: text, '
                      '.npy (memory-mapped) or .pt')  # fmt: skip
    add_flags(part, [f for f in GRAPH_FLAGS if f[0] != '--root'])
    add_flags(part, PARTITION_FLAGS)

    capacity = sub.add_parser('capacity', help='Classic Hopfield network: '
                              'retrieval overlap (magnetisation) against the '
                              'load alpha = P/N, with a PNG plot')  # fmt: skip
    add_flags(capacity, CAPACITY_FLAGS)

    reproduce = sub.add_parser('reproduce', help="Reproduce a paper table "
                               "with the paper's protocol, ours beside "
                               'theirs')  # fmt: skip
    reproduce.add_argument('table', choices=sorted(PAPER_TABLES))
    reproduce.add_argument('--root', default=None)
    reproduce.add_argument('--seed', type=int, default=0)
    reproduce.add_argument('--device', default='cpu')
    reproduce.add_argument('--datasets', nargs='+', default=None,
                           help='Only these rows of the table')  # fmt: skip
    reproduce.add_argument('--json', default=None)
    return parser
