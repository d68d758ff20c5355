"""How HebbianPropagation scales with the number of edges (issue 13 item 3).

On seeded Chung-Lu power-law graphs (benchmarks/scale_graphs.py, average
degree 100: 10^5 nonzeros on 10^3 nodes ... 10^8 nonzeros on 10^6 nodes;
undirected edges listed once in an int32 .npy file), at every size and in
the same run, each in its own process under ``/usr/bin/time -v`` (peak
RSS, wall time):

- ``bare``: a bare loop of ``--iterations`` ``torch.sparse.mm`` calls of the
  same shape ([m, m] CSR with int32 indices times [m, d]), after building
  the CSR with the lean construction of pyg_hopfield.utils.sparse_graph;
- ``api``: ``read_edge_list`` + ``HebbianPropagation(m, d,
  num_iterations=T)`` (otherwise defaults) in Python, load / construction /
  propagation timed apart;
- ``cli``: ``pyg-hopfield embed --method hebbian --edges FILE --dim d
  --iterations T``, the whole command (start-up, loading, construction,
  propagation, saving).

It reports seconds per iteration, edges (nonzeros) per second, peak RSS,
the CLI / API wall time over the bare loop, and the log-log slope of time
against nonzeros.  Every size holds the timing lock
(``/tmp/pyg_hopfield_timing.lock``) while its three processes run.

    python benchmarks/bench_scale.py                      # 1e5 .. 1e8
    python benchmarks/bench_scale.py --sizes 1e5 1e6 1e7  # minutes
    python benchmarks/bench_scale.py --device cuda        # on a GPU

Writes benchmarks/results/scale.json and scale.png (``--out``). Not a
timed test. Graphs go to ``--graph-dir`` (default /tmp/scale; 400 MB at
10^8).
"""

import argparse
import fcntl
import json
import math
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import time

HERE = osp.dirname(osp.abspath(__file__))
sys.path.insert(0, HERE)
LOCK = '/tmp/pyg_hopfield_timing.lock'
KINDS = ('bare', 'api', 'cli')
#: ogbl-collab's size: 235,868 nodes, 1,285,465 undirected edges.
COLLAB_NODES, COLLAB_EDGES = 235_868, 1_285_465


def sync(device: str) -> None:
    import torch

    if device.startswith('cuda'):
        torch.cuda.synchronize()


def worker_bare(args) -> dict:
    import numpy as np
    import torch

    from pyg_hopfield.utils.sparse_graph import undirected_csr

    start = time.perf_counter()
    pairs = np.load(args.edges, mmap_mode='r')
    crow, col, _ = undirected_csr(pairs, args.nodes)
    adj = torch.sparse_csr_tensor(
        crow, col, torch.rand(col.numel()), (args.nodes, args.nodes)
    ).to(args.device)
    x = torch.randn(args.nodes, args.dim, device=args.device)
    sync(args.device)
    built = time.perf_counter()
    for _ in range(args.iterations):
        out = torch.sparse.mm(adj, x)
    sync(args.device)
    loop = time.perf_counter() - built
    assert out.shape == x.shape
    # The random draw of one [m, d] table (the paper's update draws one an
    # iteration, the orthogonal one once).
    gen = torch.Generator(device=args.device).manual_seed(0)
    drawn = time.perf_counter()
    torch.randn(args.nodes, args.dim, generator=gen, device=args.device)
    sync(args.device)
    return dict(
        build_s=built - start,
        loop_s=loop,
        randn_s=time.perf_counter() - drawn,
        nnz=col.numel(),
        index_dtype=str(col.dtype),
    )


def worker_api(args) -> dict:

    from pyg_hopfield.nn import HebbianPropagation
    from pyg_hopfield.utils import read_edge_list

    start = time.perf_counter()
    data = read_edge_list(args.edges, num_nodes=args.nodes)
    edge_index = data.edge_index.to(args.device)
    loaded = time.perf_counter()
    model = HebbianPropagation(
        args.nodes, args.dim, num_iterations=args.iterations, seed=0
    )
    model.transition_matrix(edge_index)  # cached for the forward pass
    sync(args.device)
    built = time.perf_counter()
    out = model(edge_index)
    sync(args.device)
    done = time.perf_counter()
    assert out.shape == (args.nodes, args.dim)
    return dict(
        load_s=loaded - start,
        build_s=built - loaded,
        propagate_s=done - built,
        nnz=edge_index.size(1),
        index_dtype=str(edge_index.dtype),
    )


def worker_mhn(args) -> dict:
    import torch
    from torch_geometric.data import Data

    from pyg_hopfield.nn import MHNEmbedding
    from pyg_hopfield.transforms import KHopContext
    from pyg_hopfield.utils import read_edge_list

    start = time.perf_counter()
    data = read_edge_list(args.edges, num_nodes=args.nodes)
    context = KHopContext(k=1)(Data(**data)).context
    built = time.perf_counter()
    model = MHNEmbedding(
        args.nodes,
        args.dim,
        num_negative_samples=args.negatives,
        seed=0,
    )
    model.fit(context, max_epochs=1, batch_size=1024, seed=0)
    trained = time.perf_counter()
    with torch.no_grad():
        out = model(context)
    done = time.perf_counter()
    assert out.shape == (args.nodes, args.dim)
    return dict(
        load_and_context_s=built - start,
        epoch_s=trained - built,
        embed_s=done - trained,
        nnz=data.edge_index.size(1),
        context_nnz=context._nnz(),
        num_memories=args.dim,
        num_negative_samples=args.negatives,
    )


def measure_mhn(args) -> dict:
    r"""KHopContext + MHNEmbedding (sampled softmax) on a random graph the
    size of ogbl-collab, one epoch, in a process of its own."""
    import numpy as np
    from scale_graphs import chung_lu_edges

    path = osp.join(args.graph_dir, 'chung_lu_collab_size.npy')
    if not osp.exists(path):
        pairs = chung_lu_edges(COLLAB_NODES, COLLAB_EDGES, args.seed)
        np.save(path, pairs)
    command = [
        sys.executable,
        __file__,
        '--worker',
        'mhn',
        '--edges',
        path,
        '--nodes',
        str(COLLAB_NODES),
        '--dim',
        str(args.mhn_memories),
        '--negatives',
        str(args.negatives),
    ]
    with open(LOCK, 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        row = run_measured(command, args.timeout)
    m, k = COLLAB_NODES, args.mhn_memories
    # O(nnz + K m): the memories, Adam's moments and gradients (8 m x K
    # float32 tables) and the context (int64 index + float32 value).
    row['model_bytes_8mK'] = 8 * m * k * 4
    row['context_bytes'] = row['context_nnz'] * 12
    print(f'  mhn: {row}', flush=True)
    return row


def parse_time_v(text: str) -> tuple[float, float]:
    r"""Wall seconds and peak RSS (bytes) from ``/usr/bin/time -v``."""
    rss = int(
        re.search(r'Maximum resident set size \(kbytes\): (\d+)', text)[1]
    )
    wall = re.search(r'Elapsed \(wall clock\) time.*: (\S+)', text)[1]
    seconds = 0.0
    for part in wall.split(':'):
        seconds = seconds * 60 + float(part)
    return seconds, rss * 1024


def run_measured(command: list[str], timeout: float) -> dict:
    r"""Runs :obj:`command` under ``/usr/bin/time -v``; its wall time, peak
    RSS and the JSON it printed last (if any)."""
    proc = subprocess.run(
        ['/usr/bin/time', '-v', *command],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f'{" ".join(command)} failed ({proc.returncode}):\n'
            f'{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}'
        )
    wall, rss = parse_time_v(proc.stderr)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith('{')]
    out = json.loads(lines[-1]) if lines else {}
    return dict(out, wall_s=wall, peak_rss_gb=rss / 1e9)


def measure_size(args, nnz: int) -> dict:
    from scale_graphs import make_graph

    path, nodes = make_graph(args.graph_dir, nnz, args.seed)
    common = [
        '--edges',
        path,
        '--nodes',
        str(nodes),
        '--dim',
        str(args.dim),
        '--iterations',
        str(args.iterations),
        '--device',
        args.device,
    ]
    cli = shutil.which('pyg-hopfield') or 'pyg-hopfield'
    commands = {
        'bare': [sys.executable, __file__, '--worker', 'bare', *common],
        'api': [sys.executable, __file__, '--worker', 'api', *common],
        'cli': [
            cli,
            'embed',
            '--method',
            'hebbian',
            '--edges',
            path,
            '--num-nodes',
            str(nodes),
            '--dim',
            str(args.dim),
            '--iterations',
            str(args.iterations),
            '--device',
            args.device,
            '--out',
            osp.join(args.graph_dir, 'embedding.npy'),
        ],
    }
    row = dict(nnz=nnz, num_nodes=nodes, edges_file=path)
    with open(LOCK, 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the same lock as flock(1)
        for kind in args.kinds:
            row[kind] = run_measured(commands[kind], args.timeout)
            print(f'  {nnz:.0e} {kind}: {row[kind]}', flush=True)
    t = args.iterations
    bare = row.get('bare')
    if bare:
        bare['s_per_iter'] = bare['loop_s'] / t
        bare['edges_per_s'] = nnz * t / bare['loop_s']
    api = row.get('api')
    if api:
        api['s_per_iter'] = api['propagate_s'] / t
        api['edges_per_s'] = nnz * t / api['propagate_s']
    for kind in ('api', 'cli'):
        if bare and row.get(kind):
            row[kind]['wall_over_bare_loop'] = (
                row[kind]['wall_s'] / bare['loop_s']
            )
    return row


def loglog_slope(xs, ys) -> float | None:
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx


#: The curves of the figure and of the slopes: (kind, field, label).
SERIES = [
    ('bare', 'loop_s', 'bare loop of T torch.sparse.mm'),
    ('api', 'propagate_s', 'HebbianPropagation (propagation)'),
    ('api', 'wall_s', 'Python API, whole process'),
    ('cli', 'wall_s', 'CLI pyg-hopfield embed, whole process'),
]


def summarise(rows: list[dict]) -> dict:
    slopes = {}
    for kind, field, _ in SERIES:
        pts = [(r['nnz'], r[kind][field]) for r in rows if kind in r]
        # The slope over the sizes where the work dominates start-up.
        big = [p for p in pts if p[0] >= 1e6] or pts
        slopes[f'{kind}.{field}'] = loglog_slope(*zip(*big)) if big else None
    return slopes


def plot(result: dict, path: str) -> None:
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    rows = result['rows']
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(11, 4.2))
    for kind, field, label in SERIES:
        pts = [(r['nnz'], r[kind][field]) for r in rows if kind in r]
        if pts:
            slope = result['loglog_slope'].get(f'{kind}.{field}')
            extra = '' if slope is None else f' (slope {slope:.2f})'
            ax_t.loglog(*zip(*pts), 'o-', label=label + extra)
    ax_t.set_xlabel('nonzeros (2 x undirected edges)')
    ax_t.set_ylabel(
        f'seconds ({result["iterations"]} iterations, d={result["dim"]})'
    )
    ax_t.grid(True, which='both', alpha=0.3)
    ax_t.legend(fontsize=7)
    for kind in KINDS:
        pts = [(r['nnz'], r[kind]['peak_rss_gb']) for r in rows if kind in r]
        if pts:
            ax_m.loglog(*zip(*pts), 'o-', label=kind)
    ax_m.axhline(12, color='k', ls='--', lw=0.8, label='12 GB target')
    ax_m.set_xlabel('nonzeros')
    ax_m.set_ylabel('peak RSS (GB)')
    ax_m.grid(True, which='both', alpha=0.3)
    ax_m.legend(fontsize=7)
    fig.suptitle(f'Chung-Lu graphs, average degree 100, {result["device"]}')
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def git_commit() -> str | None:
    try:
        return subprocess.run(
            ['git', 'rev-parse', 'HEAD'],
            capture_output=True,
            text=True,
            cwd=HERE,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--sizes', type=float, nargs='+', default=[1e5, 1e6, 1e7, 1e8]
    )
    parser.add_argument('--dim', type=int, default=128)
    parser.add_argument('--iterations', type=int, default=10)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--kinds', nargs='+', default=list(KINDS))
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--graph-dir', default='/tmp/scale')
    parser.add_argument('--timeout', type=float, default=1800)
    parser.add_argument(
        '--commit', default=None, help='Recorded commit (default: HEAD)'
    )
    parser.add_argument(
        '--out', default=osp.join(HERE, 'results', 'scale.json')
    )
    parser.add_argument(
        '--mhn',
        action='store_true',
        help='Only the MHN run at ogbl-collab size (merged into --out)',
    )
    parser.add_argument('--mhn-memories', type=int, default=256)
    parser.add_argument('--negatives', type=int, default=1024)
    parser.add_argument(
        '--worker', choices=('bare', 'api', 'mhn'), default=None
    )
    parser.add_argument('--edges', default=None)
    parser.add_argument('--nodes', type=int, default=None)
    args = parser.parse_args()
    if args.worker is not None:
        run = dict(bare=worker_bare, api=worker_api, mhn=worker_mhn)
        print(json.dumps(run[args.worker](args)))
        return
    if args.mhn:
        result = {}
        if osp.exists(args.out):
            with open(args.out) as f:
                result = json.load(f)
        result['mhn_collab_size'] = measure_mhn(args)
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=2)
        return
    rows = []
    for size in args.sizes:
        rows.append(measure_size(args, int(size)))
    # Rows of other sizes already in --out stay (each size is one run).
    if osp.exists(args.out):
        with open(args.out) as f:
            old = json.load(f).get('rows', [])
        sizes = {r['nnz'] for r in rows}
        rows = sorted(
            [r for r in old if r['nnz'] not in sizes] + rows,
            key=lambda r: r['nnz'],
        )
    import torch

    result = dict(
        issue=13,
        device=args.device,
        dim=args.dim,
        iterations=args.iterations,
        threads=torch.get_num_threads(),
        cpu_count=os.cpu_count(),
        commit=args.commit or git_commit(),
        torch=torch.__version__,
        date=time.strftime('%Y-%m-%d %H:%M:%S'),
        rows=rows,
    )
    result['loglog_slope'] = summarise(rows)
    print(
        f'{"nnz":>8} {"kind":>5} {"s/iter":>8} {"edges/s":>10} '
        f'{"wall s":>8} {"RSS GB":>7} {"/bare":>6}'
    )
    for r in rows:
        for kind in [k for k in KINDS if k in r]:
            m = r[kind]
            print(
                f'{r["nnz"]:8.0e} {kind:>5} '
                f'{m.get("s_per_iter", float("nan")):8.3f} '
                f'{m.get("edges_per_s", float("nan")):10.3g} '
                f'{m["wall_s"]:8.1f} {m["peak_rss_gb"]:7.2f} '
                f'{m.get("wall_over_bare_loop", float("nan")):6.2f}'
            )
    print('log-log slopes (sizes >= 1e6):', result['loglog_slope'])
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(result, f, indent=2)
    plot(result, osp.splitext(args.out)[0] + '.png')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
