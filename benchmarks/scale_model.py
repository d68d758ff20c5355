"""A throughput model of HebbianPropagation on P workers (issue 13 item 6).

From the rates benchmarks/bench_scale.py measured at its largest size, it
projects the wall time of the paper's recommender graph (200,000 nodes,
13.1 billion edges, d = 250, 10 iterations) on P = 1, 4, 16, 64 workers of
one core each, communication included:

    T(P) = nnz / (P r_build)
           + T_it (f nnz d / (P r_spmm d0)          SpMM
                   + (P - 1) / P * 4 m d / B        all-gather
                   + m d / (P r_rng))               random draws

where r_spmm is the bare loop's nonzeros a second per core at d0 columns,
f our propagation time over the bare loop's, r_build the nonzeros a second
per core of loading and construction, r_rng the normal draws a second per
core (one m x d table an iteration, as the paper's update draws), and the
all-gather term a ring all-gather of the m x d float32 embedding every
iteration at B bytes a second per worker.  Per-core rates are the 2-core
machine's divided by its 2 cores, i.e. linear scaling in cores is assumed
(optimistic for a memory-bound SpMM).

    python benchmarks/scale_model.py   # reads benchmarks/results/scale.json

Writes benchmarks/results/scale_model.json.
"""

import argparse
import json
import os.path as osp

HERE = osp.dirname(osp.abspath(__file__))

#: The paper's recommender graph: 200 k items, 13.1 B edges, read as
#: undirected edges (2 nonzeros each), d = 250, 10 iterations.
PAPER = dict(num_nodes=200_000, num_edges=13.1e9, dim=250, iterations=10)


def project(
    rates: dict,
    workers: int,
    num_nodes: int,
    nnz: float,
    dim: int,
    iterations: int,
    bandwidth: float,
) -> dict:
    r"""The projected seconds of each term for :obj:`workers` workers."""
    p = workers
    build = nnz / (p * rates['build_nnz_per_s_core'])
    spmm = (
        rates['overhead']
        * nnz
        * dim
        / (p * rates['spmm_nnz_per_s_core'] * rates['dim'])
    )
    comm = (p - 1) / p * 4 * num_nodes * dim / bandwidth
    rng = num_nodes * dim / (p * rates['randn_per_s_core'])
    total = build + iterations * (spmm + comm + rng)
    return dict(
        workers=p,
        build_s=build,
        spmm_s_per_iter=spmm,
        allgather_s_per_iter=comm,
        rng_s_per_iter=rng,
        total_s=total,
        total_h=total / 3600,
        edge_bytes_per_worker=nnz * 8 / p,
    )


def measured_rates(scale: dict) -> dict:
    r"""Per-core rates at the largest size of a bench_scale.py result."""

    def largest(kind):
        return max(
            (r for r in scale['rows'] if kind in r), key=lambda r: r['nnz']
        )

    cores = scale.get('threads') or 1
    t = scale['iterations']
    row = largest('bare')  # the SpMM rate: the largest graph measured
    bare = row['bare']
    over = largest('api')  # ours: the largest size with the API measured
    api = over['api']
    return dict(
        spmm_nnz=row['nnz'],
        api_nnz=over['nnz'],
        dim=scale['dim'],
        cores=cores,
        spmm_nnz_per_s_core=row['nnz'] * t / bare['loop_s'] / cores,
        overhead=api['propagate_s'] / over['bare']['loop_s'],
        build_nnz_per_s_core=over['nnz']
        / (api['load_s'] + api['build_s'])
        / cores,
        randn_per_s_core=row['num_nodes']
        * scale['dim']
        / bare['randn_s']
        / cores,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--scale', default=osp.join(HERE, 'results', 'scale.json')
    )
    parser.add_argument(
        '--bandwidth',
        type=float,
        default=1.25e9,
        help='bytes/s per worker for the all-gather (10 Gbit/s)',
    )
    parser.add_argument(
        '--workers', type=int, nargs='+', default=[1, 4, 16, 64]
    )
    parser.add_argument(
        '--out', default=osp.join(HERE, 'results', 'scale_model.json')
    )
    args = parser.parse_args()
    with open(args.scale) as f:
        rates = measured_rates(json.load(f))
    nnz = 2 * PAPER['num_edges']
    rows = [
        project(
            rates,
            p,
            PAPER['num_nodes'],
            nnz,
            PAPER['dim'],
            PAPER['iterations'],
            args.bandwidth,
        )
        for p in args.workers
    ]
    print('measured per-core rates:', json.dumps(rates, indent=1))
    print(
        f'{"P":>4} {"build h":>8} {"spmm s/it":>10} {"comm s/it":>10} '
        f'{"total h":>8} {"edge GB/worker":>14}'
    )
    for r in rows:
        print(
            f'{r["workers"]:4d} {r["build_s"] / 3600:8.2f} '
            f'{r["spmm_s_per_iter"]:10.1f} {r["allgather_s_per_iter"]:10.2f} '
            f'{r["total_h"]:8.2f} {r["edge_bytes_per_worker"] / 1e9:14.1f}'
        )
    result = dict(
        issue=13,
        graph=dict(PAPER, nonzeros=nnz),
        bandwidth_bytes_per_s=args.bandwidth,
        rates=rates,
        projection=rows,
    )
    with open(args.out, 'w') as f:
        json.dump(result, f, indent=2)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
