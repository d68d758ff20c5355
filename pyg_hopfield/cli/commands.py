r"""The sub-commands: each reads its flags, calls one library function
(:mod:`pyg_hopfield.methods`, :mod:`pyg_hopfield.protocols`,
:mod:`pyg_hopfield.memory`, :mod:`pyg_hopfield.plot`) and prints."""

import argparse
import os.path as osp
import sys
import time
import warnings

from pyg_hopfield.cli.options import graph_options, memory_flag, method_options
from pyg_hopfield.cli.output import save_embedding, write_json
from pyg_hopfield.cli.papers import cmd_capacity, cmd_reproduce
from pyg_hopfield.cli.sharded import cmd_partition, embed_partition

#: The protocol flags (argparse destinations) each task takes.
TASK_FLAGS = {
    'node': ('runs', 'solver', 'l2'),
    'link-auc': ('split', 'test_ratio', 'select'),
    'reconstruction-map': (),
    'link-map': ('test_ratio',),
    'hit-rate': ('hits_k',),
}
RECOMMENDER_FLAGS = ('splits', 'test_ratio', 'weighting')
RECOMMENDER_FLAGS += ('popularity_exponent', 'propagate_candidates')


def load_graph(args: argparse.Namespace):
    r"""The graph of ``--dataset`` or ``--edges``; the reader's warnings
    (e.g. a 1-based file) are printed as the command's."""
    from pyg_hopfield.methods import load_graph

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        data = load_graph(**graph_options(args))
    for warning in caught:
        print(
            f'pyg-hopfield {args.command}: warning: {warning.message}',
            file=sys.stderr,
        )
    return data


def check_memory(args: argparse.Namespace, data) -> None:
    r"""Refuses up front a ``--dim`` that cannot fit, naming the flag."""
    from pyg_hopfield.methods import check_embedding_memory

    flag, dim = memory_flag(args)
    num_edges = data.edge_index.size(1) if 'edge_index' in data else 0
    check_embedding_memory(
        args.method,
        data.num_nodes,
        num_edges,
        dim,
        batch_size=args.batch_size,
        device=args.device,
        what=f"'{flag} {dim}'",
    )


def cmd_datasets(args: argparse.Namespace) -> None:
    from pyg_hopfield.datasets import available_datasets

    print('\n'.join(available_datasets()))


def cmd_info(args: argparse.Namespace) -> None:
    from pyg_hopfield.datasets import load
    from pyg_hopfield.utils import unique_undirected_pairs

    dataset = load(args.name, args.root)
    data = dataset[0]
    pairs = unique_undirected_pairs(data.edge_index).size(1)
    print(f'{dataset!r}')
    print(f'  nodes:            {data.num_nodes:,}')
    print(f'  undirected edges: {pairs:,}')
    print(f'  stored edges:     {data.edge_index.size(1):,}')
    print(f'  weighted:         {"edge_weight" in data}')
    y = data.get('y')
    if y is not None:
        labels = y.size(1) if y.dim() == 2 else int(y.max()) + 1
        kind = 'multi-label' if y.dim() == 2 else 'single-label'
        print(f'  labels:           {labels} ({kind})')


def cmd_embed(args: argparse.Namespace) -> None:
    from pyg_hopfield.methods import embed

    if not args.out.endswith(('.pt', '.npy')):
        raise ValueError(
            f"'--out' must end in '.pt' or '.npy', got '{args.out}'"
        )
    if args.nproc is not None:
        return embed_partition(args)
    data = load_graph(args)
    check_memory(args, data)
    start = time.perf_counter()
    x = embed(data, args.method, check_memory=False, **method_options(args))
    seconds = time.perf_counter() - start
    save_embedding(x, args.out)
    print(
        f'Embedded {data.num_nodes:,} nodes into {x.size(1)} dimensions '
        f'with {args.method} in {seconds:.2f} s -> {args.out}'
    )


def protocol_options(args: argparse.Namespace, data) -> dict:
    r"""The keyword arguments of :func:`pyg_hopfield.protocols.evaluate`."""
    names = TASK_FLAGS[args.task]
    kwargs = {name: getattr(args, name) for name in names}
    if args.task == 'hit-rate' and 'interaction_index' in data:
        kwargs.update(
            {name: getattr(args, name) for name in RECOMMENDER_FLAGS}
        )
        kwargs['histories'] = args.histories
    elif args.task == 'hit-rate' and args.histories is not None:
        from pyg_hopfield.utils import read_histories

        kwargs['histories'] = read_histories(args.histories, data.num_nodes)
    if args.task == 'link-auc':
        kwargs['roc'] = bool(args.plot)
    return {**kwargs, **method_options(args), 'check_memory': False}


def cmd_evaluate(args: argparse.Namespace) -> None:
    from pyg_hopfield import protocols

    data = load_graph(args)
    check_memory(args, data)
    metrics = {
        'method': args.method,
        'task': args.task,
        'graph': args.dataset or args.edges,
        'seed': args.seed,
    }
    options = protocol_options(args, data)
    metrics.update(protocols.evaluate(data, args.task, args.method, **options))
    roc = metrics.pop('roc', None)
    for key, value in metrics.items():
        print(
            f'{key:>14}: {value:.4f}'
            if isinstance(value, float)
            else f'{key:>14}: {value}'
        )
    if args.json:
        write_json(args.json, metrics)
    if roc is not None:
        from pyg_hopfield.plot import roc_curve

        title = args.dataset or osp.basename(args.edges)
        roc_curve(*roc, metrics['auc'], args.plot, args.method, title)
        print(f'ROC curve -> {args.plot}')


def cmd_sweep(args: argparse.Namespace) -> None:
    from pyg_hopfield import protocols

    data = load_graph(args)
    options = method_options(args)
    options.pop('dim')
    if args.task != 'reconstruction-map':
        options['test_ratio'] = args.test_ratio
    rows = protocols.sweep(
        data, args.task, args.method, dims=args.dims, **options
    )
    metric = 'auc' if args.task == 'link-auc' else 'map'
    graph = args.dataset or args.edges
    if args.json:
        write_json(
            args.json,
            {
                'task': args.task,
                'method': args.method,
                'graph': graph,
                'seed': args.seed,
                'rows': rows,
            },
        )
    if args.plot:
        from pyg_hopfield.plot import metric_against_dimension

        metric_against_dimension(
            rows,
            metric,
            args.plot,
            label=args.method,
            ylabel=f'{args.task} ({metric.upper()})',
            title=args.dataset or osp.basename(args.edges),
        )
        print(f'{metric.upper()} vs dimension -> {args.plot}')


COMMANDS = {
    'datasets': cmd_datasets,
    'info': cmd_info,
    'embed': cmd_embed,
    'evaluate': cmd_evaluate,
    'reproduce': cmd_reproduce,
    'sweep': cmd_sweep,
    'capacity': cmd_capacity,
    'partition': cmd_partition,
}
