"""Partitioning an edge file into per-rank shards, and exchanging rows
(issue 13 item 4).

Measures, on the Chung-Lu graphs of ``benchmarks/scale_graphs.py``
(``int32`` ``[E, 2]`` ``.npy``, each undirected edge listed once):

1. ``partition``: edges/s (input edges per second) and peak RSS of the
   partitioning process, each run in a fresh subprocess, against the chunk
   size and the number of parts (the memory bound is chunk-sized reads
   plus one part's sort, never the whole edge list); the RSS of a process
   that only imports the package is the baseline;
2. each rank's edge memory: the bytes of its shard (CSR pointer, indices,
   weights) against the whole graph's, for P = 1, 2, 4, 8;
3. row exchange per iteration with P = 2 gloo processes on 127.0.0.1:
   ``all_gather`` of the [m, d] blocks (what the propagation does) against
   a halo exchange (``all_to_all_single`` of only the rows the other
   rank's in-edges read), at two sizes, with the halo's share of rows.

    python benchmarks/bench_partition.py --nnz 1e7 1e8 --graphs /tmp/scale

Writes ``benchmarks/results/partition.json``.
"""

import argparse
import json
import os
import os.path as osp
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.distributed as dist

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from scale_graphs import make_graph  # noqa: E402

from pyg_hopfield.distributed.launch import run_local  # noqa: E402
from pyg_hopfield.distributed.shards import load_shard  # noqa: E402

RESULTS = osp.join(osp.dirname(osp.abspath(__file__)), 'results')

CHILD = """
import json, resource, sys, time
from pyg_hopfield.distributed.partitioning import partition
path, parts, out, chunk = sys.argv[1:5]
parts, chunk = int(parts), int(chunk)
start = time.perf_counter()
if parts > 0:
    meta = partition(path, parts, out, chunk_size=chunk)
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({'seconds': seconds, 'peak_rss': rss}))
"""


def banded_graph(directory: str, num_nonzeros: int, width: int = 50) -> str:
    r"""A graph with locality, the Chung-Lu graph's opposite for a halo:
    node :math:`u` links to :math:`u + k \bmod m`, :math:`k` uniform in
    :math:`[1, \text{width}]`, at the same average degree (100)."""
    num_nodes = num_nonzeros // 100
    path = osp.join(directory, f'banded_{num_nonzeros:.0e}.npy')
    if not osp.exists(path):
        os.makedirs(directory, exist_ok=True)
        generator = torch.Generator().manual_seed(0)
        num_edges = num_nonzeros // 2
        src = torch.randint(0, num_nodes, (num_edges,), generator=generator)
        step = torch.randint(1, width + 1, (num_edges,), generator=generator)
        pairs = torch.stack([src, (src + step) % num_nodes], dim=1)
        np.save(path, pairs.to(torch.int32).numpy())
    return path


def run_partition(path: str, parts: int, out: str, chunk: int) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, '-c', CHILD, path, str(parts), out, str(chunk)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def shard_bytes(directory: str) -> list[int]:
    meta = json.load(open(osp.join(directory, 'meta.json')))
    sizes = []
    for shard in meta['shards']:
        total = 0
        for spec in shard['files'].values():
            dtype = np.dtype(spec['dtype'])
            total += int(np.prod(spec['shape'])) * dtype.itemsize
        sizes.append(total)
    return sizes


def _exchange(directory: str, sizes: list, reps: int, out: str) -> None:
    # Per size: seconds per all_gather of the blocks, and per halo
    # exchange (all_to_all_single of the rows the other ranks' in-edges
    # read from this rank), after one untimed round of each.
    shard = load_shard(directory, verify=False)
    rank, world = dist.get_rank(), dist.get_world_size()
    ranges = shard.meta['ranges']
    sources = torch.unique(shard.indices.long())
    # The rows this rank needs from each rank (its own excluded).
    need = [
        sources[(sources >= s) & (sources < e)] if r != rank else sources[:0]
        for r, (s, e) in enumerate(ranges)
    ]
    send_counts = torch.tensor([n.numel() for n in need])
    recv_counts = torch.empty_like(send_counts)
    dist.all_to_all_single(recv_counts, send_counts)
    wanted = torch.empty(int(recv_counts.sum()), dtype=torch.long)
    dist.all_to_all_single(
        wanted, torch.cat(need), recv_counts.tolist(), send_counts.tolist()
    )
    wanted -= shard.start  # rows of this rank's block the others read
    halo_rows = int(send_counts.sum())
    rows = []
    for m, d in sizes:
        block = max(e - s for s, e in ranges)
        local = torch.randn(block, d)
        parts = [torch.empty_like(local) for _ in range(world)]
        halo = torch.empty(halo_rows, d)
        timings = {'all_gather': [], 'halo': []}
        for rep in range(reps + 1):
            dist.barrier()
            t = time.perf_counter()
            dist.all_gather(parts, local)
            timings['all_gather'].append(time.perf_counter() - t)
            dist.barrier()
            t = time.perf_counter()
            send = local[wanted]
            dist.all_to_all_single(
                halo, send, send_counts.tolist(), recv_counts.tolist()
            )
            timings['halo'].append(time.perf_counter() - t)
        rows.append(
            {
                'rank': rank,
                'd': d,
                'num_nodes': shard.num_nodes,
                'halo_rows': halo_rows,
                'remote_rows': shard.num_nodes - (shard.end - shard.start),
                'all_gather_s': float(np.median(timings['all_gather'][1:])),
                'halo_s': float(np.median(timings['halo'][1:])),
            }
        )
    torch.save(rows, osp.join(out, f'{rank}.pt'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--nnz', type=float, nargs='+', default=[1e7, 1e8])
    parser.add_argument('--graphs', default='/tmp/scale')
    parser.add_argument('--parts', type=int, nargs='+', default=[4, 16])
    parser.add_argument(
        '--chunks', type=int, nargs='+', default=[1 << 16, 1 << 20, 1 << 22]
    )
    parser.add_argument('--dims', type=int, nargs='+', default=[32, 128])
    parser.add_argument('--reps', type=int, default=5)
    parser.add_argument('--scratch', default=None)
    parser.add_argument(
        '--sections', type=int, nargs='+', default=[1, 2, 3],
        help='Run only these sections (the JSON keeps the others)',
    )  # fmt: skip
    args = parser.parse_args()
    scratch = args.scratch or tempfile.mkdtemp(prefix='bench_partition_')
    os.makedirs(scratch, exist_ok=True)
    baseline = run_partition('', 0, '', 0)['peak_rss']
    print(f'baseline RSS (imports only): {baseline / 2**20:.0f} MiB')
    path = osp.join(RESULTS, 'partition.json')
    report = json.load(open(path)) if osp.exists(path) else {}
    report['baseline_rss'] = baseline
    for section, key in ((1, 'partition'), (2, 'memory'), (3, 'exchange')):
        if section in args.sections:
            report[key] = []

    if 1 in args.sections:
        partition_section(args, scratch, baseline, report)
    if 2 in args.sections:
        memory_section(args, scratch, report)
    if 3 in args.sections:
        exchange_section(args, scratch, report)
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(RESULTS, exist_ok=True)
    with open(path, 'w') as f:
        json.dump(report, f, indent=1)
    print(f'\nwrote {path}')


def partition_section(args, scratch, baseline, report) -> None:
    print('\n1. partition: edges/s and peak RSS')
    print(
        f'{"nnz":>8} {"edges":>11} {"P":>3} {"chunk":>9} {"s":>7} '
        f'{"edges/s":>10} {"RSS MiB":>8} {"- base":>7}'
    )
    for nnz in args.nnz:
        path, num_nodes = make_graph(args.graphs, int(nnz))
        num_edges = int(np.load(path, mmap_mode='r').shape[0])
        out = osp.join(scratch, 'parts')
        settings = [(p, max(args.chunks)) for p in args.parts]
        settings += [(min(args.parts), c) for c in args.chunks[:-1]]
        for parts, chunk in settings:
            r = run_partition(path, parts, out, chunk)
            row = dict(
                nnz=int(nnz),
                num_nodes=num_nodes,
                num_edges=num_edges,
                parts=parts,
                chunk_size=chunk,
                seconds=r['seconds'],
                edges_per_s=num_edges / r['seconds'],
                peak_rss=r['peak_rss'],
            )
            report['partition'].append(row)
            print(
                f'{nnz:8.0e} {num_edges:11,} {parts:3d} {chunk:9,} '
                f'{r["seconds"]:7.1f} {row["edges_per_s"]:10.3g} '
                f'{r["peak_rss"] / 2**20:8.0f} '
                f'{(r["peak_rss"] - baseline) / 2**20:7.0f}'
            )


def memory_section(args, scratch, report) -> None:
    print("\n2. each rank's edge memory (shard bytes)")
    print(f'{"nnz":>8} {"P":>3} {"max MiB":>8} {"whole MiB":>9} {"ratio":>6}')
    nnz = min(args.nnz)
    path, _ = make_graph(args.graphs, int(nnz))
    whole = None
    for parts in (1, 2, 4, 8):
        out = osp.join(scratch, f'mem{parts}')
        run_partition(path, parts, out, 1 << 22)
        sizes = shard_bytes(out)
        whole = sum(sizes) if parts == 1 else whole
        row = dict(
            nnz=int(nnz),
            parts=parts,
            shard_bytes=sizes,
            max_fraction=max(sizes) / whole,
        )
        report['memory'].append(row)
        print(
            f'{nnz:8.0e} {parts:3d} {max(sizes) / 2**20:8.1f} '
            f'{whole / 2**20:9.1f} {max(sizes) / whole:6.3f}'
        )


def exchange_section(args, scratch, report) -> None:
    print('\n3. row exchange per iteration, P = 2 (gloo, 127.0.0.1)')
    print(
        f'{"graph":>8} {"m":>9} {"d":>4} {"halo rows":>9} {"of remote":>9} '
        f'{"all_gather ms":>13} {"halo ms":>8}'
    )
    graphs = [('chung-lu', nnz) for nnz in args.nnz]
    graphs += [('banded', nnz) for nnz in args.nnz]
    for kind, nnz in graphs:
        if kind == 'banded':
            path = banded_graph(scratch, int(nnz))
        else:
            path, _ = make_graph(args.graphs, int(nnz))
        out = osp.join(scratch, 'x2')
        run_partition(path, 2, out, 1 << 22)
        timings = osp.join(scratch, 'timings')
        os.makedirs(timings, exist_ok=True)
        sizes = [(None, d) for d in args.dims]
        run_local(_exchange, 2, (out, sizes, args.reps, timings), timeout=3600)
        for rank in range(2):
            for row in torch.load(osp.join(timings, f'{rank}.pt')):
                row.update(nnz=int(nnz), graph=kind)
                report['exchange'].append(row)
                print(
                    f'{kind:>8} {row["num_nodes"]:9,} {row["d"]:4d} '
                    f'{row["halo_rows"]:9,} '
                    f'{row["halo_rows"] / row["remote_rows"]:9.2f} '
                    f'{row["all_gather_s"] * 1e3:13.1f} '
                    f'{row["halo_s"] * 1e3:8.1f}  (rank {rank})'
                )


if __name__ == '__main__':
    main()
