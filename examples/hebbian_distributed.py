r"""HebbianPropagation sharded over torch.distributed (gloo on CPU): every
process owns a node range, and the result equals the single-process
embedding with the same settings bit for bit (the module's defaults, or
``--preset paper`` for the paper's update).

    python examples/hebbian_distributed.py --dataset BlogCatalog --world-size 2
    python examples/hebbian_distributed.py --preset paper --iterations 10

Under ``torchrun --nproc-per-node N examples/hebbian_distributed.py
--torchrun`` the processes come from torchrun instead of this script.
"""

import argparse
import json
import os
import socket
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from pyg_hopfield.datasets import load
from pyg_hopfield.distributed import hebbian_propagation, node_ranges
from pyg_hopfield.nn import HebbianPropagation
from pyg_hopfield.nn.hebbian_presets import preset_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run(rank: int, world_size: int, args: argparse.Namespace) -> None:
    if not args.torchrun:
        os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(args.port))
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    torch.set_num_threads(1)
    data = load(args.dataset, args.root)[0]
    settings = preset_settings(args.preset)
    if args.iterations is not None:
        settings['num_iterations'] = args.iterations
    start = time.perf_counter()
    local = hebbian_propagation(
        data.edge_index,
        data.num_nodes,
        args.dim,
        seed=args.seed,
        return_local=True,
        **settings,
    )
    seconds = time.perf_counter() - start
    begin, end = node_ranges(data.num_nodes, world_size)[rank]
    print(f'rank {rank}: nodes [{begin}, {end}) in {seconds:.2f} s')
    blocks = [None] * world_size
    dist.all_gather_object(blocks, (local, seconds))
    if rank == 0:
        sharded = torch.cat([block for block, _ in blocks])
        torch.set_num_threads(1)
        start = time.perf_counter()
        single = HebbianPropagation(
            data.num_nodes, args.dim, seed=args.seed, **settings
        )(data.edge_index)
        single_seconds = time.perf_counter() - start
        diff = float((sharded - single).abs().max())
        scale = float(single.abs().max())
        result = {
            'dataset': args.dataset,
            'dim': args.dim,
            'preset': args.preset,
            'iterations': settings.get('num_iterations', 'auto'),
            'seed': args.seed,
            'world_size': world_size,
            'sharded_seconds': max(s for _, s in blocks),
            'single_process_seconds': single_seconds,
            'max_abs_difference': diff,
            'bit_for_bit': bool(torch.equal(sharded, single)),
            'max_abs_value': scale,
        }
        print(
            f'sharded ({world_size} processes, 1 thread each): '
            f'{result["sharded_seconds"]:.2f} s; single process (1 '
            f'thread): {single_seconds:.2f} s; max |difference| '
            f'{diff:.2e} of values up to {scale:.2e} (bit for bit: '
            f'{result["bit_for_bit"]})'
        )
        if args.out:
            with open(args.out, 'w') as f:
                json.dump(result, f, indent=2)
    dist.destroy_process_group()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--dataset', default='BlogCatalog')
    parser.add_argument('--root', default=None)
    parser.add_argument('--dim', type=int, default=200)
    parser.add_argument(
        '--preset',
        default='orthogonal',
        help="'orthogonal' (the defaults) or 'paper'",
    )
    parser.add_argument(
        '--iterations',
        type=int,
        default=None,
        help="num_iterations (default: the preset's)",
    )
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--world-size', type=int, default=2)
    parser.add_argument(
        '--torchrun',
        action='store_true',
        help='processes were started by torchrun',
    )
    parser.add_argument('--out', default=None, help='JSON results')
    args = parser.parse_args()
    load(args.dataset, args.root)  # process once, before the workers
    if args.torchrun:
        run(int(os.environ['RANK']), int(os.environ['WORLD_SIZE']), args)
    else:
        args.port = free_port()
        mp.spawn(run, args=(args.world_size, args), nprocs=args.world_size)


if __name__ == '__main__':
    main()
