r"""The papers' evaluation protocols, each a function of a graph and a method:
split the graph, embed it with :func:`pyg_hopfield.methods.embed`, score
it with :mod:`pyg_hopfield.evaluation`. The command line's ``evaluate``,
``sweep`` and ``reproduce`` are these functions;
:mod:`~pyg_hopfield.evaluation` itself only scores tensors and never builds a
model.

.. code-block:: python

    from pyg_hopfield import protocols
    from pyg_hopfield.methods import load_graph

    data = load_graph(dataset='USAir')
    protocols.link_auc(data, 'hebbian', select=True, seed=0)['auc']
"""

__all__ = [
    'evaluate',
    'link_auc',
    'node_classification',
    'reconstruction_map',
    'link_map',
    'hit_rate',
    'recommender_hit_rate',
    'select_hebbian',
    'sweep',
    'reproduce',
    'TASKS',
]

import sys
import time
from typing import Any

import torch
from torch import Tensor

from pyg_hopfield import evaluation
from pyg_hopfield.methods import embed
from pyg_hopfield.utils import (
    gem_link_split,
    mhn_link_split,
    seal_link_split,
)

TASKS = ('node', 'link-auc', 'reconstruction-map', 'link-map', 'hit-rate')

#: The settings :func:`select_hebbian` chooses from: for the orthogonal
#: propagation, and for the paper's update (presets paper / improved /
#: classification) without negative edges.
SELECTION_GRID = [
    dict(degree_direction=dd, eigenvalue_exponent=alpha)
    for dd in (True, False)
    for alpha in (0.5, 1.0)
]
PAPER_SELECTION_GRID = [
    dict(num_iterations=t, transition=tr, normalize=nz)
    for tr in ('row', 'sym')
    for t in (2, 3, 5, 10, 20)
    for nz in (False, 'output')
]

#: Seconds of one node-classification run per node x dimension x class on
#: the project's 2-core CPU with the torch solver (measured 3.6e-9 on PPI
#: and 7.7e-9 on BlogCatalog, 2,000 dimensions); LIBLINEAR is about 12x
#: slower (9-16x measured).
NODE_SECONDS_PER_UNIT = {'torch': 6e-9, 'liblinear': 7e-8}


def announce_node_classification(
    embedding: Tensor, y: Tensor, runs: int, solver: str
) -> None:
    r"""Says on stderr how long the classification runs will take when
    they are expected to take more than a minute."""
    classes = y.size(1) if y.dim() == 2 else int(y.max()) + 1
    seconds = NODE_SECONDS_PER_UNIT[solver] * runs * embedding.numel()
    seconds *= classes
    if seconds > 60:
        print(
            f'node classification: about {seconds / 60:.0f} min on a '
            f'2-core CPU ({runs} runs, {solver} solver, '
            f'{embedding.size(1)} dimensions, {classes} classes)',
            file=sys.stderr,
        )


def node_classification(
    data,
    method: str = 'hebbian',
    *,
    runs: int = 20,
    solver: str = 'torch',
    l2: bool = True,
    seed: int = 0,
    **options: Any,
) -> dict[str, Any]:
    r"""Embeds the whole graph, then one-vs-rest logistic regression on 90%
    of the labelled nodes, micro/macro-F1 on the rest, :obj:`runs` seeded
    splits (:func:`pyg_hopfield.evaluation.node_classification`)."""
    from pyg_hopfield.methods import resolve_device

    if data.get('y') is None:
        raise ValueError(
            "'--task node' needs node labels (argument 'task'); the graph "
            'has none'
        )
    embedding = embed(data, method, seed=seed, **options)
    announce_node_classification(embedding, data.y, runs, solver)
    extra = {}
    if solver == 'torch':
        extra['device'] = resolve_device(options.get('device', 'cpu'))
    result = evaluation.node_classification(
        embedding,
        data.y,
        num_runs=runs,
        seed=seed,
        normalize=l2,
        progress=True,
        solver=solver,
        **extra,
    )
    out = {'solver': solver, 'l2_normalised': l2}
    out.update({k: v for k, v in result.items() if not k.endswith('_runs')})
    return out


def select_hebbian(
    data,
    train_edge_index: Tensor,
    *,
    seed: int = 0,
    **options: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    r"""Model selection without touching the test edges: holds out 10% of
    the *training* edges (plus as many non-edges) as a validation split,
    scores every setting of :obj:`SELECTION_GRID` (the orthogonal default)
    or :obj:`PAPER_SELECTION_GRID` (a paper preset) on it and returns the
    options with the best setting, and the setting."""
    from tqdm import tqdm

    fit, val_pos, val_neg = seal_link_split(
        train_edge_index, data.num_nodes, 0.1, seed + 1000
    )
    paper = options.get('preset', 'orthogonal') != 'orthogonal'
    grid = PAPER_SELECTION_GRID if paper else SELECTION_GRID
    best, best_auc = None, -1.0
    quiet = {**options, 'negative_weight': 0.0, 'progress': False}
    for setting in tqdm(grid, desc='select', unit='setting'):
        x = embed(
            data, 'hebbian', edge_index=fit, seed=seed, **{**quiet, **setting}
        )
        auc = evaluation.link_prediction_auc(x, val_pos, val_neg)['auc']
        if auc > best_auc:
            best, best_auc = setting, auc
    print(
        f'selected on validation (AUC {best_auc:.4f}): '
        + ', '.join(f'{key}={value}' for key, value in best.items())
    )
    return {**options, 'negative_weight': 0.0, **best}, best


def link_auc(
    data,
    method: str = 'hebbian',
    *,
    split: str = 'seal',
    test_ratio: float = 0.1,
    select: bool = False,
    roc: bool = False,
    seed: int = 0,
    **options: Any,
) -> dict[str, Any]:
    r"""Link-prediction AUC of :math:`\sigma(\mathbf{h}_i^{\top}
    \mathbf{h}_j)` on held-out edges and as many non-edges: the SEAL split
    (:obj:`test_ratio` of the edges) or the MHN paper's 500 + 500 pairs;
    the embedding sees only the training edges. With :obj:`select`, Hebbian
    settings are chosen on a validation split of the training edges
    (:func:`select_hebbian`); with :obj:`roc`, the curve is returned as
    :obj:`'roc'`: :obj:`(fpr, tpr)`."""
    if split == 'mhn':
        train, pos, neg = mhn_link_split(
            data.edge_index, data.num_nodes, seed=seed
        )
    else:
        train, pos, neg = seal_link_split(
            data.edge_index, data.num_nodes, test_ratio, seed
        )
    out = {}
    if select:
        if method != 'hebbian':
            raise ValueError(
                f"'--select' is implemented for '--method hebbian' "
                f"(arguments 'select', 'method'), got '{method}'"
            )
        options, out['selected'] = select_hebbian(
            data, train, seed=seed, **options
        )
    embedding = embed(data, method, edge_index=train, seed=seed, **options)
    result = evaluation.link_prediction_auc(embedding, pos, neg)
    out['auc'] = result['auc']
    out['jaccard_auc'] = evaluation.jaccard_auc(
        train, data.num_nodes, pos, neg
    )['auc']
    if roc:
        out['roc'] = (result['fpr'], result['tpr'])
    return out


def reconstruction_map(
    data, method: str = 'hebbian', *, seed: int = 0, **options: Any
) -> dict[str, Any]:
    r"""GEM's graph-reconstruction MAP of the whole graph's embedding."""
    embedding = embed(data, method, seed=seed, **options)
    return {
        'map': evaluation.reconstruction_map(
            embedding, data.edge_index, seed=seed
        )
    }


def link_map(
    data,
    method: str = 'hebbian',
    *,
    test_ratio: float = 0.1,
    seed: int = 0,
    **options: Any,
) -> dict[str, Any]:
    r"""GEM's link-prediction MAP over :obj:`test_ratio` held-out edges."""
    train, test = gem_link_split(
        data.edge_index, data.num_nodes, test_ratio, seed
    )
    embedding = embed(data, method, edge_index=train, seed=seed, **options)
    return {
        'map': evaluation.link_prediction_map(
            embedding, train, test, seed=seed
        )
    }


def hit_rate(
    data,
    method: str = 'hebbian',
    *,
    histories: list[Tensor],
    hits_k: int = 10,
    seed: int = 0,
    **options: Any,
) -> dict[str, Any]:
    r"""The Hebbian paper's HitRate@k of test users' :obj:`histories` (item
    ids, nodes of the item graph :obj:`data`)."""
    if not 1 <= hits_k < data.num_nodes:
        raise ValueError(
            f"'--hits-k' must lie in [1, {data.num_nodes - 1}] (argument "
            f"'hits_k'; the graph has {data.num_nodes} items), got {hits_k}"
        )
    embedding = embed(data, method, seed=seed, **options)
    return {
        f'hit_rate@{hits_k}': evaluation.hit_rate_at_k(
            embedding, histories, k=hits_k, seed=seed
        ),
        'num_users': len(histories),
    }


def recommender_hit_rate(
    data,
    method: str = 'hebbian',
    *,
    hits_k: int = 10,
    splits: int = 10,
    test_ratio: float = 0.1,
    weighting: str = 'count',
    popularity_exponent: float = 0.0,
    propagate_candidates: bool = False,
    seed: int = 0,
    **options: Any,
) -> dict[str, Any]:
    r"""The paper's recommender protocol on an interaction data set: per
    held-out-user split, the co-interaction item graph of the training
    users is embedded with :obj:`method` and scored on the test users
    (:func:`pyg_hopfield.evaluation.item_recommender_hit_rate`)."""
    from torch_geometric.data import Data

    from pyg_hopfield.utils import co_interaction_graph

    num_items = data.num_items
    if not 1 <= hits_k < num_items:
        raise ValueError(
            f"'--hits-k' must lie in [1, {num_items - 1}] (argument "
            f"'hits_k'; the data set has {num_items} items), got {hits_k}"
        )
    if splits < 1 or not 0.0 < test_ratio < 1.0:
        raise ValueError(
            f"'--splits' must be >= 1 and '--test-ratio' lie in (0, 1) "
            f"(arguments 'splits', 'test_ratio'), got {splits} and "
            f'{test_ratio}'
        )
    print(
        f'hit-rate: {splits} held-out-user splits '
        f'({data.interaction_index.size(1):,} interactions, '
        f'{num_items:,} items), one {method} embedding each',
        file=sys.stderr,
    )

    def fit(train: Tensor, num_items: int):
        edge_index, edge_weight = co_interaction_graph(
            train, num_items, weighting
        )
        graph = Data(
            edge_index=edge_index, edge_weight=edge_weight, num_nodes=num_items
        )
        embedding = embed(graph, method, seed=seed, **options)
        pairs = torch.unique(train[0] * num_items + train[1])
        count = torch.bincount(pairs % num_items, minlength=num_items)
        return evaluation.item_scoring(
            embedding,
            count,
            popularity_exponent,
            edge_index=edge_index if propagate_candidates else None,
            edge_weight=edge_weight if propagate_candidates else None,
        )

    out = evaluation.item_recommender_hit_rate(
        fit,
        data.interaction_index,
        num_items,
        k=hits_k,
        num_splits=splits,
        test_ratio=test_ratio,
        seed=seed,
        progress=True,
    )
    return {
        'weighting': weighting,
        'popularity_exponent': popularity_exponent,
        'propagate_candidates': propagate_candidates,
        'splits': splits,
        f'hit_rate@{hits_k}': out['paper_mean'],
        f'hit_rate@{hits_k}_std': out['paper_std'],
        f'loo_hit_rate@{hits_k}': out['leave-one-out_mean'],
        f'loo_hit_rate@{hits_k}_std': out['leave-one-out_std'],
        'num_users': out['num_test_users'][0],
        'fit_seconds': out['seconds_mean'],
    }


_PROTOCOLS = {
    'node': node_classification,
    'link-auc': link_auc,
    'reconstruction-map': reconstruction_map,
    'link-map': link_map,
}


def evaluate(
    data, task: str, method: str = 'hebbian', **kwargs: Any
) -> dict[str, Any]:
    r"""Runs protocol :obj:`task` (one of :obj:`TASKS`) with its keyword
    arguments and the method's options; :obj:`'hit-rate'` is
    :func:`recommender_hit_rate` on an interaction data set (MovieLens) and
    :func:`hit_rate` with :obj:`histories` otherwise. The result carries
    the wall time in :obj:`'seconds'`."""
    start = time.perf_counter()
    if task == 'hit-rate' and 'interaction_index' in data:
        if kwargs.pop('histories', None) is not None:
            raise ValueError(
                "'--histories' does not apply to an interaction "
                'data set: its test users are held out of its own '
                "interactions (--splits, --test-ratio); drop '--histories'"
            )
        out = recommender_hit_rate(data, method, **kwargs)
    elif task == 'hit-rate':
        if kwargs.get('histories') is None:
            raise ValueError(
                "'--task hit-rate' needs '--histories FILE' (one test user a "
                "line, 0-based item ids; see 'pyg-hopfield evaluate --help'),"
                " or an interaction data set: '--dataset MovieLens100K'"
            )
        out = hit_rate(data, method, **kwargs)
    elif task in _PROTOCOLS:
        out = _PROTOCOLS[task](data, method, **kwargs)
    else:
        raise ValueError(f"'task' must be one of {TASKS}, got {task!r}")
    out['seconds'] = time.perf_counter() - start
    return out


def sweep(
    data,
    task: str,
    method: str = 'hebbian',
    *,
    dims: list[int],
    **kwargs: Any,
) -> list[dict[str, Any]]:
    r"""The metric of :obj:`task` (a MAP task or :obj:`'link-auc'`) against
    the embedding dimension, one row per entry of :obj:`dims`."""
    metric = 'auc' if task == 'link-auc' else 'map'
    rows = []
    for dim in dims:
        out = evaluate(data, task, method, dim=dim, **kwargs)
        rows.append(
            {'dim': dim, metric: out[metric], 'seconds': out['seconds']}
        )
        print(
            f'd={dim:<5}{metric}={out[metric]:.4f}  ({out["seconds"]:.1f} s)'
        )
    return rows


def reproduce(
    table: str,
    *,
    datasets: list[str] | None = None,
    root: str | None = None,
    seed: int = 0,
    device: str = 'cpu',
) -> list[dict[str, Any]]:
    r"""Re-runs a paper table of :data:`pyg_hopfield.paper_tables.PAPER_TABLES`
    with its protocol, one row (the paper's figure and ours) per data set."""
    from pyg_hopfield.methods import load_graph
    from pyg_hopfield.paper_tables import PAPER_TABLES

    spec = PAPER_TABLES[table]
    rows = spec['rows']
    if datasets:
        unknown = sorted(set(datasets) - set(rows))
        if unknown:
            raise ValueError(
                f"'--datasets' {unknown} are not rows of {table} (argument "
                f"'datasets'); choose from {sorted(rows)}"
            )
        rows = {name: rows[name] for name in datasets}
    results = []
    for name, paper in rows.items():
        data = load_graph(dataset=name, root=root)
        out = evaluate(
            data, seed=seed, device=device, **spec['protocol_options']
        )
        ours = out[spec['metric']] * spec.get('scale', 1.0)
        results.append(
            {
                'dataset': name,
                'paper': paper,
                'ours': ours,
                'seconds': out['seconds'],
            }
        )
    return results
