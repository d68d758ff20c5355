r"""Side-by-side quality benchmark (issue 11, section 3): our
:class:`~pyg_hopfield.nn.HebbianPropagation` **as a user gets it**
(``HebbianPropagation(num_nodes, embedding_dim, seed=0)(edge_index)``, no
other argument, so it follows the library defaults), :class:`MHNEmbedding`
and the peers, on the same splits, with the same metrics, in one run.

Methods (``--methods``; timed in this order in every task):

- ``hebbian``: ours, library defaults.
- ``mhn``: :class:`~pyg_hopfield.nn.MHNEmbedding` with :math:`K = d`, built
  and trained by the CLI's own :func:`pyg_hopfield.methods.embed_mhn`
  (``--mhn-epochs``, default 0: the untrained embedding
  :math:`\Psi\mathbf{c}`; with epochs the CLI's early stopping on 10% of the
  training edges applies).
- ``spectral``: the top-:math:`d` eigenvectors of
  :math:`\mathbf{D}^{-1/2}\mathbf{A}\mathbf{D}^{-1/2}` (``eigsh``,
  ``which='LA'``, fixed ``v0``, ``tol=--spectral-tol``), scaled by
  :math:`\sqrt{|\lambda|}`. Where the graph has more connected components
  than Lanczos resolves (eigenvalue 1 has one eigenvector per component),
  eigsh is slow and returns fewer than the true number of eigenvalues 1:
  this is the spectral baseline as a user of scipy gets it, not the exact
  top-:math:`d` eigenspace.
- ``pycleora``: ``SparseMatrix.from_iterator`` of ``"u v"`` lines
  (``'complex::reflexive::node'``) and ``pycleora.embed(graph,
  feature_dim=d)`` (defaults: 40 iterations, left Markov propagation, L2
  and whitening each iteration); its rows follow ``graph.entity_ids``
  (strings, in first-seen order) and are mapped back to node ids. Nodes with
  no edge (isolated in a training graph) are unknown to it: zero rows.
- ``prone``: ``nodevectors.ProNE(n_components=d)`` defaults, fit on a scipy
  CSR matrix (node :math:`i` is row :math:`i`); its randomized SVD draws
  from numpy's global generator, seeded with 0 before each fit.
- ``fastrp``: ``fastrp.fit_csr(indptr, indices, data, n, d, seed=0)``
  defaults (weights ``[0, 1, 1]``), on the upper triangle of :math:`A`
  (``undirected=True`` adds the transpose). The package returns
  :math:`\sum_i w_i \mathbf{P}^i\mathbf{R}` with :math:`\mathbf{P} =
  \mathbf{D}^{-1}\mathbf{A}` and :math:`i` from **0** (:math:`\mathbf{R}`
  itself); it has neither per-iteration normalisation nor a degree
  exponent.
- ``fastrp-paper``: the settings of the FastRP authors' repository
  (``GTmac/FastRP``, BlogCatalog): :math:`\mathbf{U}_i =
  \mathbf{P}^i\mathbf{R}` for :math:`i = 1..4`, each row L2-normalised,
  summed with weights ``--fastrp-weights`` (default ``0 0 1 6.67``, on
  :math:`\mathbf{U}_1..\mathbf{U}_4`), then every column standardised
  (``sklearn.preprocessing.scale``). :math:`\mathbf{P}^3\mathbf{R}` comes
  from ``fit_csr(weights=[0, 0, 0, 1])``, :math:`\mathbf{U}_4 =
  \mathbf{P}\mathbf{U}_3` from one scipy product. Degree exponent 0: the
  package cannot apply one.
- ``fastrp-beta``: as ``fastrp-paper`` with the repository's degree
  exponent :math:`\beta` (``--fastrp-beta``, default -0.628):
  :math:`\mathbf{U}_1 = \mathbf{P}\,\mathbf{D}^{\beta}\mathbf{R}`, computed
  in scipy from the package's :math:`\mathbf{R}` (``fit_csr(weights=[1])``).

Tasks (``--tasks``); an embedding for a link task sees the training graph
only; every method uses seed 0, ``--seeds`` vary the splits:

- ``link``: SEAL split (10% of the undirected edges held out, as many random
  non-edges), inner-product AUC, :math:`d = 128`; mean over seeds per graph
  and the mean over graphs.
- ``map``: GEM reconstruction MAP (full graph) and link-prediction MAP (10%
  held out, :func:`~pyg_hopfield.utils.gem_link_split`), :math:`d = 200`,
  1,024 sampled nodes.
- ``nc``: one-vs-rest logistic regression on 90% of the nodes,
  micro/macro-F1 (``solver='torch'``, L2-normalised rows, ``--num-runs``
  splits), :math:`d = 128`.
- ``time``: each method's wall time on the full graph, :math:`d = 128`
  (graph in memory); plus, for ours and pycleora, the time from a text edge
  list in a temporary file (``u v`` per undirected edge): ours through
  :func:`pyg_hopfield.io.read_edge_list`, pycleora through its
  ``from_iterator`` over the file's lines.

Every method runs with ``--threads`` (2) torch / BLAS / OpenMP / numba /
rayon threads. Timings on a shared machine are noisy; compare ratios within
one run. Writes JSON (atomically, after every graph) with the settings, the
library defaults of ``HebbianPropagation`` at run time, the peers' versions,
the seeds, timings and the load average.

    export PYG_HOPFIELD_DATA=../shared/datasets
    python benchmarks/bench_quality.py           # everything
    python benchmarks/bench_quality.py --quick   # USAir, Power, BlogCatalog
    python benchmarks/bench_quality.py --tasks link --graphs USAir
"""

import argparse
import os
import os.path as osp
import sys

THREADS = 2
if '--threads' in sys.argv:  # before numpy / torch / numba are imported
    THREADS = int(sys.argv[sys.argv.index('--threads') + 1])
for _var in (
    'OMP_NUM_THREADS',
    'OPENBLAS_NUM_THREADS',
    'MKL_NUM_THREADS',
    'NUMBA_NUM_THREADS',
    'RAYON_NUM_THREADS',
    'NUMEXPR_NUM_THREADS',
):
    os.environ[_var] = str(THREADS)

import datetime
import importlib.metadata
import inspect
import json
import tempfile
import time
import warnings

import numpy as np
import scipy.sparse as sp
import torch

torch.set_num_threads(THREADS)

from pyg_hopfield.datasets import load
from pyg_hopfield.evaluation import (
    link_prediction_auc,
    link_prediction_map,
    node_classification,
    reconstruction_map,
)
from pyg_hopfield.nn import HebbianPropagation
from pyg_hopfield.utils import (
    atomic_write,
    gem_link_split,
    seal_link_split,
)

RESULTS = osp.join(
    osp.dirname(osp.abspath(__file__)), 'results', 'quality.json'
)
METHODS = [
    'hebbian',
    'mhn',
    'spectral',
    'pycleora',
    'prone',
    'fastrp',
    'fastrp-paper',
    'fastrp-beta',
]
TASK_GRAPHS = {
    'link': [
        'USAir',
        'PB',
        'Celegans',
        'Power',
        'PPI',
        'Wikipedia',
        'BlogCatalog',
    ],
    'map': ['BlogCatalog', 'AstroPh', 'CondMat', 'GrQc', 'HepPh', 'HepTh'],
    'nc': ['BlogCatalog', 'PPI', 'Wikipedia'],
    'time': [
        'USAir',
        'PB',
        'Celegans',
        'Power',
        'PPI',
        'Wikipedia',
        'BlogCatalog',
        'AstroPh',
        'CondMat',
        'GrQc',
        'HepPh',
        'HepTh',
    ],
}
QUICK = ['USAir', 'Power', 'BlogCatalog']
DIM = {'link': 128, 'map': 200, 'nc': 128, 'time': 128}
PEERS = [
    'torch',
    'torch_geometric',
    'numpy',
    'scipy',
    'scikit-learn',
    'pycleora',
    'nodevectors',
    'csrgraph',
    'fastrp',
    'pyg_hopfield',
]

parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
parser.add_argument(
    '--tasks', nargs='+', default=list(TASK_GRAPHS), choices=list(TASK_GRAPHS)
)
parser.add_argument(
    '--graphs',
    nargs='+',
    default=None,
    help="Graphs for every task (default: each task's "
    'own list; nc skips graphs without labels)',
)
parser.add_argument('--methods', nargs='+', default=METHODS, choices=METHODS)
parser.add_argument(
    '--seeds',
    nargs='+',
    type=int,
    default=[0, 1],
    help='Split seeds (link, map)',
)
parser.add_argument(
    '--quick', action='store_true', help='Only USAir, Power and BlogCatalog'
)
parser.add_argument(
    '--num-runs', type=int, default=10, help='Node-classification splits'
)
parser.add_argument(
    '--mhn-epochs',
    type=int,
    default=0,
    help='MHN training epochs through the CLI (0: the untrained embedding)',
)
parser.add_argument(
    '--fastrp-weights',
    nargs='+',
    type=float,
    default=[0.0, 0.0, 1.0, 6.67],
    help='fastrp-paper weights of P^1 R .. P^q R',
)
parser.add_argument(
    '--fastrp-beta',
    type=float,
    default=-0.628,
    help='fastrp-beta degree exponent',
)
parser.add_argument(
    '--spectral-tol',
    type=float,
    default=0.0,
    help="eigsh 'tol' (0: machine precision, scipy's default)",
)
parser.add_argument('--threads', type=int, default=THREADS)
parser.add_argument('--root', default=None, help='Data set cache folder')
parser.add_argument('--out', default=RESULTS)


# --------------------------------------------------------------- helpers --
def adjacency(edge_index: torch.Tensor, num_nodes: int) -> sp.csr_matrix:
    r"""The symmetric 0/1 adjacency matrix of an undirected
    :obj:`edge_index` (both directions stored)."""
    row, col = edge_index.numpy()
    A = sp.csr_matrix(
        (np.ones(row.size), (row, col)), shape=(num_nodes, num_nodes)
    )
    A.sum_duplicates()
    A.data[:] = 1.0
    return A


def undirected_pairs(edge_index: torch.Tensor) -> np.ndarray:
    r"""Each undirected edge once, :obj:`[E, 2]` with :obj:`u < v`."""
    row, col = edge_index.numpy()
    mask = row < col
    return np.stack([row[mask], col[mask]], axis=1)


def transition(A: sp.csr_matrix) -> sp.csr_matrix:
    deg = np.asarray(A.sum(axis=1)).ravel()
    inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
    return (sp.diags(inv) @ A).tocsr()


# --------------------------------------------------------------- methods --
def embed_hebbian(edge_index, num_nodes, dim, args):
    return HebbianPropagation(num_nodes, dim, seed=0)(edge_index)


def embed_mhn(edge_index, num_nodes, dim, args):
    from pyg_hopfield.methods import embed_mhn as cli_embed_mhn

    return cli_embed_mhn(
        edge_index,
        None,
        num_nodes,
        dim=dim,
        epochs=args.mhn_epochs,
        seed=0,
        progress=False,
    )


def embed_spectral(edge_index, num_nodes, dim, args):
    from scipy.sparse.linalg import eigsh

    A = adjacency(edge_index, num_nodes)
    deg = np.asarray(A.sum(axis=1)).ravel()
    inv = np.divide(1.0, np.sqrt(deg), out=np.zeros_like(deg), where=deg > 0)
    S = (sp.diags(inv) @ A @ sp.diags(inv)).tocsr()
    k = min(dim, num_nodes - 1)
    v0 = np.random.default_rng(0).standard_normal(num_nodes)
    vals, vecs = eigsh(S, k=k, which='LA', v0=v0, tol=args.spectral_tol)
    out = np.zeros((num_nodes, dim))
    out[:, :k] = vecs * np.sqrt(np.abs(vals))
    return out


def embed_pycleora(edge_index, num_nodes, dim, args, lines=None):
    import pycleora

    if lines is None:
        lines = [f'{u} {v}' for u, v in undirected_pairs(edge_index)]
    graph = pycleora.SparseMatrix.from_iterator(
        iter(lines), 'complex::reflexive::node'
    )
    emb = pycleora.embed(graph, feature_dim=dim)
    out = np.zeros((num_nodes, emb.shape[1]), dtype=emb.dtype)
    out[np.asarray(graph.entity_ids, dtype=np.int64)] = emb
    return out


def embed_prone(edge_index, num_nodes, dim, args):
    import nodevectors

    A = adjacency(edge_index, num_nodes)
    np.random.seed(0)  # ProNE's randomized_svd(random_state=None)
    model = nodevectors.ProNE(n_components=dim, verbose=False)
    model.fit(A)
    return np.stack([model.model[i] for i in range(num_nodes)])


def _fastrp_upper(edge_index, num_nodes):
    U = sp.triu(adjacency(edge_index, num_nodes), k=1).tocsr()
    return U.indptr, U.indices, U.data


def embed_fastrp(edge_index, num_nodes, dim, args):
    import fastrp

    indptr, indices, data = _fastrp_upper(edge_index, num_nodes)
    return fastrp.fit_csr(indptr, indices, data, num_nodes, dim, seed=0)


def _fastrp_merge(iterates, weights):
    from sklearn.preprocessing import normalize, scale

    out = sum(
        w * normalize(u, norm='l2', axis=1) for w, u in zip(weights, iterates)
    )
    return scale(out)


def embed_fastrp_paper(edge_index, num_nodes, dim, args):
    import fastrp

    weights = args.fastrp_weights
    q = len(weights)
    first = next(i for i, w in enumerate(weights) if w != 0)  # 0-based
    indptr, indices, data = _fastrp_upper(edge_index, num_nodes)
    # P^(first+1) R from the package, the later powers by scipy products:
    u = fastrp.fit_csr(
        indptr,
        indices,
        data,
        num_nodes,
        dim,
        weights=[0.0] * (first + 1) + [1.0],
        seed=0,
    )
    P = transition(adjacency(edge_index, num_nodes))
    iterates = [u]
    for _ in range(first + 1, q):
        iterates.append(P @ iterates[-1])
    return _fastrp_merge(iterates, weights[first:])


def embed_fastrp_beta(edge_index, num_nodes, dim, args):
    import fastrp

    indptr, indices, data = _fastrp_upper(edge_index, num_nodes)
    R = fastrp.fit_csr(
        indptr, indices, data, num_nodes, dim, weights=[1.0], seed=0
    )
    A = adjacency(edge_index, num_nodes)
    deg = np.asarray(A.sum(axis=1)).ravel()
    scaled = np.power(
        deg, args.fastrp_beta, out=np.zeros_like(deg), where=deg > 0
    )
    P = transition(A)
    iterates = [P @ (scaled[:, None] * R)]
    for _ in range(1, len(args.fastrp_weights)):
        iterates.append(P @ iterates[-1])
    return _fastrp_merge(iterates, args.fastrp_weights)


EMBED = {
    'hebbian': embed_hebbian,
    'mhn': embed_mhn,
    'spectral': embed_spectral,
    'pycleora': embed_pycleora,
    'prone': embed_prone,
    'fastrp': embed_fastrp,
    'fastrp-paper': embed_fastrp_paper,
    'fastrp-beta': embed_fastrp_beta,
}


def run(method, edge_index, num_nodes, dim, args, log=print):
    r"""Embeds and returns :obj:`(float32 tensor [num_nodes, dim], seconds)`
    (conversion to a tensor included); :obj:`(None, error message)` if the
    method fails, so that one failure does not end a long run."""
    start = time.perf_counter()
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter('ignore')
            out = EMBED[method](edge_index, num_nodes, dim, args)
            if not isinstance(out, torch.Tensor):
                out = torch.from_numpy(np.ascontiguousarray(out))
            out = out.detach().to(torch.float32)
    except Exception as error:  # noqa: BLE001 (reported and recorded)
        log(f'  {method} failed: {type(error).__name__}: {error}')
        return None, f'{type(error).__name__}: {error}'
    seconds = time.perf_counter() - start
    if out.shape != (num_nodes, dim):
        raise RuntimeError(
            f'{method} returned {tuple(out.shape)}, expected '
            f'{(num_nodes, dim)}'
        )
    if not torch.isfinite(out).all():
        log(f'  warning: {method} returned non-finite values; set to 0')
        out = torch.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)
    return out, seconds


def _mean(values):
    values = [v for v in values if v is not None]
    return float(np.mean(values)) if values else None


# ----------------------------------------------------------------- tasks --
def task_link(data, args, log):
    out = {m: {'auc_runs': [], 'seconds_runs': []} for m in args.methods}
    for seed in args.seeds:
        train, pos, neg = seal_link_split(
            data.edge_index, data.num_nodes, 0.1, seed=seed
        )
        for m in args.methods:
            z, sec = run(m, train, data.num_nodes, DIM['link'], args, log)
            if z is None:
                out[m]['error'] = sec
                out[m]['auc_runs'].append(None)
                continue
            auc = link_prediction_auc(z, pos, neg)['auc']
            out[m]['auc_runs'].append(auc)
            out[m]['seconds_runs'].append(sec)
            log(f'  seed {seed} {m:<13} AUC {auc:.4f} ({sec:.1f} s)')
    for m in args.methods:
        out[m]['auc'] = _mean(out[m]['auc_runs'])
    return out


def task_map(data, args, log):
    out = {
        m: {
            'reconstruction_map': None,
            'link_map_runs': [],
            'seconds_runs': [],
        }
        for m in args.methods
    }
    for m in args.methods:
        z, sec = run(m, data.edge_index, data.num_nodes, DIM['map'], args, log)
        if z is None:
            out[m]['error'] = sec
            continue
        value = reconstruction_map(z, data.edge_index, seed=0)
        out[m]['reconstruction_map'] = value
        out[m]['reconstruction_seconds'] = sec
        log(f'  full   {m:<13} reconstruction MAP {value:.4f} ({sec:.1f} s)')
    for seed in args.seeds:
        train, test = gem_link_split(
            data.edge_index, data.num_nodes, 0.1, seed=seed
        )
        for m in args.methods:
            z, sec = run(m, train, data.num_nodes, DIM['map'], args, log)
            if z is None:
                out[m]['error'] = sec
                out[m]['link_map_runs'].append(None)
                continue
            value = link_prediction_map(z, train, test, seed=seed)
            out[m]['link_map_runs'].append(value)
            out[m]['seconds_runs'].append(sec)
            log(f'  seed {seed} {m:<13} link MAP {value:.4f} ({sec:.1f} s)')
    for m in args.methods:
        out[m]['link_map'] = _mean(out[m]['link_map_runs'])
    return out


def task_nc(data, args, log):
    out = {}
    for m in args.methods:
        z, sec = run(m, data.edge_index, data.num_nodes, DIM['nc'], args, log)
        if z is None:
            out[m] = {'micro_f1': None, 'macro_f1': None, 'error': sec}
            continue
        res = node_classification(
            z,
            data.y,
            train_ratio=0.9,
            num_runs=args.num_runs,
            solver='torch',
            normalize=True,
        )
        out[m] = {
            'micro_f1': res['micro_f1'],
            'macro_f1': res['macro_f1'],
            'micro_f1_std': res['micro_f1_std'],
            'macro_f1_std': res['macro_f1_std'],
            'seconds': sec,
        }
        log(
            f'  {m:<13} micro-F1 {res["micro_f1"]:.2f} macro-F1 '
            f'{res["macro_f1"]:.2f} ({sec:.1f} s)'
        )
    return out


def task_time(data, args, log):
    from pyg_hopfield.io import read_edge_list

    n, dim = data.num_nodes, DIM['time']
    out = {}
    for m in args.methods:
        z, sec = run(m, data.edge_index, n, dim, args, log)
        out[m] = (
            {'seconds': sec}
            if z is not None
            else {'seconds': None, 'error': sec}
        )
        if z is not None:
            log(f'  {m:<13} {sec:.2f} s')
    with tempfile.TemporaryDirectory() as folder:
        path = osp.join(folder, 'edges.txt')
        np.savetxt(path, undirected_pairs(data.edge_index), fmt='%d')
        if 'hebbian' in args.methods:
            start = time.perf_counter()
            graph = read_edge_list(path, num_nodes=n)
            z, _ = run('hebbian', graph.edge_index, n, dim, args, log)
            out['hebbian']['seconds_with_loading'] = (
                time.perf_counter() - start if z is not None else None
            )
        if 'pycleora' in args.methods:
            start = time.perf_counter()
            with open(path) as f:
                lines = (line.rstrip('\n') for line in f)
                z = embed_pycleora(None, n, dim, args, lines=lines)
                torch.from_numpy(z)
            out['pycleora']['seconds_with_loading'] = (
                time.perf_counter() - start
            )
        for m in ('hebbian', 'pycleora'):
            if out.get(m, {}).get('seconds_with_loading') is not None:
                log(
                    f'  {m:<13} {out[m]["seconds_with_loading"]:.2f} s '
                    f'with loading the text edge list'
                )
    return out


TASKS = {'link': task_link, 'map': task_map, 'nc': task_nc, 'time': task_time}


# ----------------------------------------------------------------- table --
def mhn_label(args):
    return (
        'mhn (untrained)'
        if args.mhn_epochs == 0
        else f'mhn (<= {args.mhn_epochs} ep.)'
    )


def table(
    title, rows, methods, args, fmt, lower_is_better=False, mean_row=False
):
    r"""Prints rows (graph -> method -> value), the best of a row marked
    with ``*``."""
    names = [mhn_label(args) if m == 'mhn' else m for m in methods]
    width = max(11, max(len(n) for n in names) + 1)
    print(f'\n{title}')
    print(f'{"graph":<12}' + ''.join(f'{n:>{width}}' for n in names))
    if mean_row and len(rows) > 1:
        rows = dict(rows)
        rows['mean'] = {  # over the graphs where the method ran
            m: _mean([r.get(m) for r in rows.values()]) for m in methods
        }
    for graph, row in rows.items():
        values = [row.get(m) for m in methods]
        present = [v for v in values if v is not None]
        best = (min if lower_is_better else max)(present) if present else 0
        cells = []
        for v in values:
            if v is None:
                cells.append(f'{"-":>{width}}')
            else:
                mark = '*' if v == best else ' '
                cells.append(f'{format(v, fmt) + mark:>{width}}')
        print(f'{graph:<12}' + ''.join(cells))
    return rows


def print_tables(results, args):
    res = results['results']
    methods = args.methods
    if res.get('link'):
        rows = {
            g: {m: r[m]['auc'] for m in methods}
            for g, r in res['link'].items()
        }
        rows = table(
            f'Link AUC (SEAL split, 10% held out, d={DIM["link"]},'
            f' mean of seeds {args.seeds})',
            rows,
            methods,
            args,
            '.4f',
            mean_row=True,
        )
        if 'mean' in rows:
            results['summary']['link_auc_mean_over_graphs'] = rows['mean']
    if res.get('map'):
        table(
            f'GEM reconstruction MAP (d={DIM["map"]})',
            {
                g: {m: r[m]['reconstruction_map'] for m in methods}
                for g, r in res['map'].items()
            },
            methods,
            args,
            '.4f',
        )
        table(
            f'GEM link-prediction MAP (10% held out, d={DIM["map"]}, '
            f'mean of seeds {args.seeds})',
            {
                g: {m: r[m]['link_map'] for m in methods}
                for g, r in res['map'].items()
            },
            methods,
            args,
            '.4f',
        )
    if res.get('nc'):
        for key in ('micro_f1', 'macro_f1'):
            table(
                f'Node classification {key.replace("_", "-")} (90% '
                f'train, d={DIM["nc"]}, {args.num_runs} runs)',
                {
                    g: {m: r[m][key] for m in methods}
                    for g, r in res['nc'].items()
                },
                methods,
                args,
                '.2f',
            )
    if res.get('time'):
        rows = {
            g: {m: r[m]['seconds'] for m in methods}
            for g, r in res['time'].items()
        }
        table(
            f'Wall time, s (full graph in memory, d={DIM["time"]}, '
            f'{args.threads} threads; noisy)',
            rows,
            methods,
            args,
            '.2f',
            lower_is_better=True,
        )
        load_methods = [m for m in ('hebbian', 'pycleora') if m in methods]
        if load_methods:
            table(
                'Wall time, s, including reading a text edge list',
                {
                    g: {
                        m: r[m].get('seconds_with_loading')
                        for m in load_methods
                    }
                    for g, r in res['time'].items()
                },
                load_methods,
                args,
                '.2f',
                lower_is_better=True,
            )


# ------------------------------------------------------------------ main --
def versions():
    out = {}
    for name in PEERS:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def hebbian_defaults():
    sig = inspect.signature(HebbianPropagation.__init__)
    return {
        k: (
            v.default
            if isinstance(v.default, (int, float, str, bool, type(None)))
            else repr(v.default)
        )
        for k, v in sig.parameters.items()
        if v.default is not inspect.Parameter.empty
    }


def source_state():
    r"""The commit, the uncommitted package files and a hash of the
    Hebbian sources, which tie the results to the defaults that ran."""
    import glob
    import hashlib
    import subprocess

    root = osp.dirname(osp.dirname(osp.abspath(__file__)))

    def git(*cmd):
        try:
            return subprocess.run(
                ['git', *cmd],
                cwd=root,
                text=True,
                capture_output=True,
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return None

    digest = hashlib.sha256()
    for path in sorted(
        glob.glob(osp.join(root, 'pyg_hopfield', 'nn', 'hebbian_*.py'))
    ):
        with open(path, 'rb') as f:
            digest.update(f.read())
    status = git('status', '--porcelain', '--', 'pyg_hopfield')
    return {
        'commit': (git('rev-parse', 'HEAD') or '').strip() or None,
        'uncommitted': None
        if status is None
        else [line[3:] for line in status.splitlines()],
        'hebbian_sha256': digest.hexdigest(),
    }


def save(results, path):
    results['finished'] = datetime.datetime.now(
        datetime.timezone.utc
    ).isoformat(timespec='seconds')
    with atomic_write(path) as f:
        json.dump(results, f, indent=1)


def main(argv=None):
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    results = {
        'settings': dict(
            vars(args),
            dims=DIM,
            split_test_ratio=0.1,
            method_seed=0,
            map_sampled_nodes=1024,
            nc={'train_ratio': 0.9, 'solver': 'torch', 'normalize': True},
            mhn=mhn_label(args),
        ),
        'hebbian_defaults': hebbian_defaults(),
        'source': source_state(),
        'versions': versions(),
        'threads': {
            'torch': torch.get_num_threads(),
            'env': os.environ.get('OMP_NUM_THREADS'),
        },
        'started': datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec='seconds'
        ),
        'load_average_start': os.getloadavg(),
        'results': {},
        'summary': {},
    }
    print(f'HebbianPropagation defaults: {results["hebbian_defaults"]}')
    print(f'versions: {results["versions"]}', flush=True)

    def log(message):
        print(message, flush=True)

    for task in args.tasks:
        graphs = args.graphs or TASK_GRAPHS[task]
        if args.quick:
            graphs = [g for g in graphs if g in QUICK]
        results['results'][task] = {}
        for name in graphs:
            data = load(name, args.root)[0]
            if task == 'nc' and getattr(data, 'y', None) is None:
                log(f'[{task}] {name}: no labels, skipped')
                continue
            log(
                f'[{task}] {name}: {data.num_nodes:,} nodes, '
                f'{data.edge_index.size(1) // 2:,} edges'
            )
            results['results'][task][name] = TASKS[task](data, args, log)
            results['seconds'] = time.perf_counter() - started
            save(results, args.out)
    results['load_average_end'] = os.getloadavg()
    print_tables(results, args)
    results['seconds'] = time.perf_counter() - started
    save(results, args.out)
    print(f'\n{results["seconds"]:.0f} s; wrote {args.out}')


if __name__ == '__main__':
    main()
