r"""From parsed flags to the library's keyword arguments, and the checks
that refuse a bad flag by name before any work."""

import argparse
from typing import Any

#: Integer flags (argparse destinations) and their smallest valid value; a
#: flag that is not given keeps its documented default, a given value is
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
    'patience': 0,
    'parts': 1,
    'nproc': 1,
    'chunk_size': 1,
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
    'walk_weights',
)
#: HebbianPropagation argument -> flag destination.
HEBBIAN_OPTIONS = {
    'num_iterations': 'iterations',
    'lr': 'lr',
    'variance': 'variance',
    'variance_decay': 'variance_decay',
    'negative_weight': 'negative_weight',
    'num_negative_samples': 'num_negative_samples',
    'gaussian': 'gaussian',
    'transition': 'transition',
    'normalize': 'normalize',
    'whiten': 'whiten',
    'degree_direction': 'degree_direction',
    'eigenvalue_exponent': 'eigenvalue_exponent',
    'filter_degree': 'filter_degree',
}
#: embed_mhn argument -> flag destination (None: the library's default).
MHN_OPTIONS = {
    'num_steps': 'steps',
    'k': 'k',
    'mask': 'mask',
    'init_std': 'init_std',
    'epochs': 'epochs',
    'patience': 'patience',
    'batch_size': 'batch_size',
    'lr': 'lr',
    'walk_weights': 'walk_weights',
}
#: Flag words that stand for booleans of these arguments.
_WORDS = {
    'normalize': {'none': False},
    'whiten': {'none': False},
    'degree_direction': {'true': True, 'false': False},
}


def check_arguments(args: argparse.Namespace) -> None:
    r"""Refuses integer flags below their smallest value (:obj:`INT_FLAGS`:
    ``--dim 0`` is an error, never the default) and NaN or infinite float
    flags, naming the flag."""
    if all(
        getattr(args, dest, None) is None
        for dest in (*INT_FLAGS, *FLOAT_FLAGS)
    ):
        return  # e.g. 'datasets': nothing to check, no library to import
    from pyg_hopfield.utils import check_float, check_int

    for dest in (*INT_FLAGS, *FLOAT_FLAGS):
        values = getattr(args, dest, None)
        flag = '--' + dest.replace('_', '-')
        for value in values if isinstance(values, list) else [values]:
            if value is None:
                continue
            if dest in INT_FLAGS:
                check_int(value, flag, minimum=INT_FLAGS[dest])
            else:
                check_float(value, flag)
    ratio = getattr(args, 'test_ratio', None)
    if ratio is not None and not 0.0 < ratio < 1.0:
        raise ValueError(f"'--test-ratio' must lie in (0, 1) (got {ratio})")
    if args.command in ('embed', 'evaluate', 'sweep') and args.method == 'mhn':
        if args.dim and args.memories and args.dim != args.memories:
            raise ValueError(
                f"'--dim' ({args.dim}) and '--memories' ({args.memories}) "
                f'disagree; for mhn they are the same number K, give one'
            )


def graph_options(args: argparse.Namespace) -> dict[str, Any]:
    r"""The keyword arguments of :func:`pyg_hopfield.methods.load_graph`."""
    return dict(
        dataset=args.dataset,
        edges=args.edges,
        num_nodes=args.num_nodes,
        directed=args.directed,
        weights=args.weights,
        one_based=args.one_based,
        root=args.root,
    )


def method_options(args: argparse.Namespace) -> dict[str, Any]:
    r"""The keyword arguments of :func:`pyg_hopfield.methods.embed` given by
    the flags (flags not given keep the library's defaults)."""
    names = HEBBIAN_OPTIONS if args.method == 'hebbian' else MHN_OPTIONS
    options = {'seed': args.seed, 'device': args.device}
    if args.method == 'hebbian':
        options['preset'] = args.preset
    for name, dest in names.items():
        value = getattr(args, dest, None)
        if value is not None:
            words = _WORDS.get(name, {})
            options[name] = words.get(value, value) if words else value
    dim = args.memories if args.method == 'mhn' else None
    options['dim'] = dim or args.dim
    return options


def memory_flag(args: argparse.Namespace) -> tuple[str, int]:
    r"""The flag that sets the embedding size, and the size."""
    from pyg_hopfield.methods import DEFAULT_DIM

    if args.method == 'mhn' and args.memories:
        return '--memories', args.memories
    return '--dim', args.dim or DEFAULT_DIM[args.method]
