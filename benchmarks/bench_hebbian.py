"""Speed and memory of HebbianPropagation against a bare torch.sparse.mm
loop of the same shape (10 iterations of H <- H + A H over the same CSR), in
the same run; each measurement runs in a fresh process, and its peak memory
is the peak resident set (VmHWM, reset after a warm-up run) above the
resident set before the timed runs (Linux only).

The paper's update (preset 'paper' and variants of it) runs
``--num-iterations`` iterations, like the bare loop; the default orthogonal
propagation runs its own default number of steps ('auto': 24 at average
degree >= 10, else 80), so its time is that of a whole default embedding,
and its edge-dim throughput counts its steps.

    python benchmarks/bench_hebbian.py
    python benchmarks/bench_hebbian.py --scaling-edges 1e5 1e6 1e7

Writes benchmarks/results/hebbian.json. Not a timed test: the figures are
only comparable within one run on one machine.
"""

import argparse
import multiprocessing as mp
import os.path as osp
import time

import torch

from _common import graph, proc_status, reset_peak_memory, write_json

#: Method -> (preset of HebbianPropagation.from_preset, overrides); the
#: paper's rows build the paper's update with ``--num-iterations``.
METHODS = {
    'bare torch.sparse.mm loop': None,
    "HebbianPropagation (paper: 'sample' + negatives)": ('paper', {}),
    "HebbianPropagation (gaussian='kernel')": (
        'paper',
        dict(gaussian='kernel'),
    ),
    'HebbianPropagation (improved)': (
        'paper',
        dict(negative_weight=0.0, transition='sym', normalize=True),
    ),
    'HebbianPropagation (default: orthogonal)': ('orthogonal', {}),
}


def _measure(spec, root, method, dim, num_iterations, repeats, queue):
    from pyg_hopfield.nn import HebbianPropagation
    from pyg_hopfield.nn import hebbian_functional as HF

    edge_index, num_nodes = graph(spec, root)
    entry = METHODS[method]
    if entry is None:
        adj_t, _ = HF.transition_matrix(edge_index, num_nodes)

        def run():
            x = torch.randn(num_nodes, dim)
            for _ in range(num_iterations):
                x = torch.addmm(x, adj_t, x)
            return x
    else:
        preset, kwargs = entry
        if preset == 'paper':
            kwargs = dict(kwargs, num_iterations=num_iterations)
        model = HebbianPropagation.from_preset(
            preset, num_nodes, dim, seed=0, **kwargs
        )
        num_iterations = model.iterations_for(edge_index)  # 'auto' resolved
        model.transition_matrix(edge_index)  # cache the CSR, as the bare loop

        def run():
            return model(edge_index)

    run()  # warm-up
    base = reset_peak_memory()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    peak = proc_status('VmHWM') - base
    queue.put(
        dict(
            seconds=min(times),
            seconds_all=times,
            peak_mib=peak / 1024,
            num_nodes=num_nodes,
            num_edges=edge_index.size(1),
            num_iterations=num_iterations,
        )
    )


def measure(spec, root, method, dim, num_iterations, repeats):
    ctx = mp.get_context('spawn')
    queue = ctx.Queue()
    proc = ctx.Process(
        target=_measure,
        args=(spec, root, method, dim, num_iterations, repeats, queue),
    )
    proc.start()
    out = queue.get()
    proc.join()
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--datasets', nargs='+', default=['BlogCatalog', 'AstroPh']
    )
    parser.add_argument('--dim', type=int, default=200)
    parser.add_argument(
        '--num-iterations',
        type=int,
        default=10,
        help='iterations of the bare loop and of the '
        "paper's update (the orthogonal default runs its "
        'own 80)',
    )
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument(
        '--scaling-edges', nargs='*', type=float, default=[1e5, 1e6, 1e7]
    )
    parser.add_argument('--scaling-dim', type=int, default=64)
    parser.add_argument('--root', default=None)
    parser.add_argument(
        '--out',
        default=osp.join(
            osp.dirname(osp.abspath(__file__)), 'results', 'hebbian.json'
        ),
    )
    args = parser.parse_args()

    rows = []
    specs = [(d, args.dim, list(METHODS)) for d in args.datasets]
    specs += [
        (f'synthetic:{e:g}', args.scaling_dim, list(METHODS)[:2])
        for e in args.scaling_edges
    ]
    for spec, dim, methods in specs:
        bare = None
        for method in methods:
            r = measure(
                spec, args.root, method, dim, args.num_iterations, args.repeats
            )
            bare = bare or r
            r.update(
                graph=spec,
                method=method,
                dim=dim,
                ratio_to_bare=r['seconds'] / bare['seconds'],
                memory_ratio_to_bare=r['peak_mib']
                / max(bare['peak_mib'], 1e-9),
                edge_dims_per_second=r['num_edges']
                * dim
                * r['num_iterations']
                / r['seconds'],
            )
            rows.append(r)
            print(
                f'{spec:18s} d={dim:3d} T={r["num_iterations"]:2d} '
                f'{method:50s} '
                f'{r["seconds"]:7.3f} s ({r["ratio_to_bare"]:.2f}x bare) '
                f'peak {r["peak_mib"]:7.1f} MiB '
                f'({r["memory_ratio_to_bare"]:.2f}x) '
                f'{r["edge_dims_per_second"] / 1e9:.2f} G edge-dim/s',
                flush=True,
            )
    write_json(
        args.out,
        dict(
            num_iterations=args.num_iterations,
            torch=torch.__version__,
            threads=torch.get_num_threads(),
            results=rows,
        ),
    )


if __name__ == '__main__':
    main()
