"""Time and peak memory of KHopContext against the size of its output, on
random graphs up to 10^6 nodes: memory must grow with the context's non-zeros,
never with num_nodes^2 (a dense 10^6 x 10^6 float context would be 4 TB).

    python benchmarks/bench_khop_context.py --nodes 1e4 1e5 1e6 --k 1 2

Each measurement runs in a fresh process; peak memory is the peak resident
set (VmHWM, Linux) above the resident set before the call. Writes
benchmarks/results/khop_context.json. Not a timed test.
"""

import argparse
import multiprocessing as mp
import os.path as osp
import time

import torch

from _common import proc_status, write_json


def _measure(num_nodes, degree, k, queue):
    from pyg_hopfield.transforms import KHopContext

    gen = torch.Generator().manual_seed(0)
    half = torch.randint(
        num_nodes, (2, num_nodes * degree // 2), generator=gen
    )
    edge_index = torch.cat([half, half.flip(0)], dim=1)
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')  # reset the peak resident set
    before = proc_status('VmRSS')
    start = time.perf_counter()
    context = KHopContext(k=k).context(edge_index, num_nodes)
    seconds = time.perf_counter() - start
    peak_mib = (proc_status('VmHWM') - before) / 1024
    nnz = context._nnz()
    # CSR storage: int64 column index + float32 value per non-zero.
    output_mib = (nnz * 12 + (num_nodes + 1) * 8) / 2**20
    queue.put(
        dict(
            num_nodes=num_nodes,
            num_edges=edge_index.size(1),
            k=k,
            nnz=nnz,
            seconds=seconds,
            peak_mib=peak_mib,
            output_mib=output_mib,
            dense_mib=num_nodes**2 * 4 / 2**20,
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--nodes', nargs='+', type=float, default=[1e4, 1e5, 1e6]
    )
    parser.add_argument('--degree', type=int, default=10)
    parser.add_argument('--k', nargs='+', type=int, default=[1, 2])
    parser.add_argument(
        '--out',
        default=osp.join(
            osp.dirname(osp.abspath(__file__)), 'results', 'khop_context.json'
        ),
    )
    args = parser.parse_args()
    ctx = mp.get_context('spawn')
    rows = []
    print(
        f'{"nodes":>10}{"k":>3}{"nnz":>14}{"seconds":>10}'
        f'{"peak MiB":>10}{"output MiB":>12}{"peak/out":>10}'
    )
    for num_nodes in map(int, args.nodes):
        for k in args.k:
            queue = ctx.Queue()
            proc = ctx.Process(
                target=_measure, args=(num_nodes, args.degree, k, queue)
            )
            proc.start()
            row = queue.get()
            proc.join()
            rows.append(row)
            print(
                f'{num_nodes:>10,}{k:>3}{row["nnz"]:>14,}'
                f'{row["seconds"]:>10.2f}{row["peak_mib"]:>10.0f}'
                f'{row["output_mib"]:>12.0f}'
                f'{row["peak_mib"] / row["output_mib"]:>10.1f}'
            )
    write_json(args.out, {'degree': args.degree, 'rows': rows}, indent=2)


if __name__ == '__main__':
    main()
