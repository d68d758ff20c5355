r"""The commands for graphs too big for one process: ``partition`` writes
each rank's in-edge shard, ``embed --edges DIR --nproc P`` runs the sharded
propagation over them."""

import argparse
import time

from pyg_hopfield.cli.options import method_options


def embed_partition(args: argparse.Namespace) -> None:
    r"""``embed --edges DIR --nproc P``: the sharded propagation of a
    partition, one local process per shard."""
    from pyg_hopfield.distributed import embed_shards_local
    from pyg_hopfield.methods import DEFAULT_DIM

    if args.method != 'hebbian' or args.edges is None or args.device != 'cpu':
        raise ValueError(
            "'--nproc' runs --method hebbian on the CPU over --edges DIR, a "
            "'pyg-hopfield partition' directory (GPUs: torchrun, see the "
            'distributed tutorial)'
        )
    for flag in ('weights', 'num_nodes', 'directed', 'one_based'):
        if getattr(args, flag):
            name = '--' + flag.replace('_', '-')
            raise ValueError(f"'{name}' is set by 'partition', not '--nproc'")
    options = method_options(args)
    del options['device']
    dim = options.pop('dim') or DEFAULT_DIM['hebbian']
    start = time.perf_counter()
    embed_shards_local(args.edges, args.out, args.nproc, dim, **options)
    print(
        f'Embedded the partition {args.edges} into {dim} dimensions with '
        f'{args.nproc} processes in {time.perf_counter() - start:.2f} s '
        f'-> {args.out}'
    )


def cmd_partition(args: argparse.Namespace) -> None:
    from pyg_hopfield.distributed.partitioning import partition

    for flag in ('parts', 'out'):
        if getattr(args, flag) is None:
            raise ValueError(f"'--{flag}' is required for 'partition'")
    start = time.perf_counter()
    meta = partition(
        args.edges,
        args.parts,
        args.out,
        weights=args.weights,
        num_nodes=args.num_nodes,
        directed=args.directed,
        one_based=args.one_based,
        chunk_size=args.chunk_size,
        overwrite=args.overwrite,
    )
    print(
        f'Partitioned {meta["num_nodes"]:,} nodes and {meta["nnz"]:,} '
        f'nonzeros into {meta["num_parts"]} shards in '
        f'{time.perf_counter() - start:.2f} s -> {args.out}'
    )
