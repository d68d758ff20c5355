r"""One entry point to embed a graph with any method of the package:
:func:`embed`. The command line, the task protocols
(:mod:`pyg_hopfield.protocols`), the examples and the benchmarks all call it,
so a method is built and run in one place, with the same defaults.

.. code-block:: python

    from pyg_hopfield.methods import embed, load_graph

    data = load_graph(dataset='USAir')
    x = embed(data, 'hebbian', dim=128, seed=0)  # the orthogonal default
    x = embed(data, 'hebbian', preset='paper')  # the paper's literal update
    x = embed(data, 'mhn', dim=512, epochs=0)  # untrained memories
"""

__all__ = [
    'embed',
    'load_graph',
    'embed_hebbian',
    'embed_mhn',
    'hebbian_options',
    'check_embedding_memory',
    'mhn_epoch_seconds',
    'METHODS',
    'DEFAULT_DIM',
]

import sys
from typing import Any

import torch
from torch import Tensor
from tqdm import tqdm

from pyg_hopfield.utils.checks import check_edge_index, check_int, check_seed

METHODS = ('hebbian', 'mhn')

#: The embedding size of each method when :obj:`dim` is not given (for MHN
#: the number of memories :math:`K`, the paper's 2,000).
DEFAULT_DIM = {'hebbian': 200, 'mhn': 2000}

#: Seconds per 10^12 floating-point operations of an MHN training epoch on
#: the project's 2-core CPU, per step of the context window (measured on
#: BlogCatalog, K=2000: 28.8 s/epoch with the paper's 1-hop context, 55.8 s
#: with the default window (1, 2)).
MHN_SECONDS_PER_TFLOP = 5.2


def resolve_device(name: str | torch.device) -> torch.device:
    r"""The :class:`torch.device` called :obj:`name`; CUDA must be there."""
    if str(name).startswith('cuda') and not torch.cuda.is_available():
        raise ValueError(
            f"'device' '{name}' was requested but CUDA is not available; "
            f"use 'cpu' ('--device cpu')"
        )
    return torch.device(name)


def load_graph(
    dataset: str | None = None,
    edges: str | None = None,
    *,
    num_nodes: int | None = None,
    directed: bool = False,
    weights: str | None = None,
    one_based: bool = False,
    root: str | None = None,
):
    r"""The graph of a registered :obj:`dataset`
    (:func:`pyg_hopfield.datasets.load`) or read from an :obj:`edges` file
    (:func:`pyg_hopfield.io.read_edge_list`: text, ``.npy`` or ``.pt``)."""
    if (dataset is None) == (edges is None):
        raise ValueError("give exactly one of 'dataset' and 'edges'")
    if edges is not None:
        from pyg_hopfield.io import read_edge_list

        return read_edge_list(edges, num_nodes, directed, weights, one_based)
    for name, value in (
        ('num_nodes', num_nodes),
        ('weights', weights),
        ('one_based', one_based),
    ):
        if value:
            raise ValueError(
                f"'--{name.replace('_', '-')}' only applies to '--edges' "
                f"(arguments '{name}', 'edges')"
            )
    from pyg_hopfield.datasets import load

    return load(dataset, root)[0]


def check_embedding_memory(
    method: str,
    num_nodes: int,
    num_edges: int,
    dim: int,
    *,
    batch_size: int | None = None,
    device: str | torch.device = 'cpu',
    what: str | None = None,
) -> None:
    r"""Refuses up front, saying how much it would need, a run whose tables
    cannot fit in the memory of :obj:`device`
    (:func:`~pyg_hopfield.utils.estimate_embedding_memory`); :obj:`what`
    names the argument in the message."""
    from pyg_hopfield.utils import check_memory, estimate_embedding_memory

    need = estimate_embedding_memory(
        method, num_nodes, dim, num_edges, batch_size=batch_size
    )
    if str(device).startswith('cuda') and not torch.cuda.is_available():
        device = 'cpu'
    what = what or f"'dim={dim}'"
    check_memory(need, f'{what} ({method} on {num_nodes:,} nodes)', device)


def hebbian_options(
    preset: str = 'orthogonal', **options: Any
) -> dict[str, Any]:
    r"""The :class:`~pyg_hopfield.nn.HebbianPropagation` keyword arguments of
    :obj:`preset` (:mod:`pyg_hopfield.nn.hebbian_presets`) overridden by the
    :obj:`options` that are not :obj:`None`."""
    from pyg_hopfield.nn.hebbian_presets import preset_settings

    kwargs = preset_settings(preset)
    kwargs.update({k: v for k, v in options.items() if v is not None})
    return kwargs


def embed_hebbian(
    edge_index: Tensor,
    edge_weight: Tensor | None,
    num_nodes: int,
    *,
    dim: int = 200,
    seed: int = 0,
    device: str | torch.device = 'cpu',
    progress: bool = True,
    preset: str = 'orthogonal',
    **options: Any,
) -> Tensor:
    r"""Runs :class:`~pyg_hopfield.nn.HebbianPropagation` (its defaults: the
    orthogonal propagation) or a :obj:`preset`, with :obj:`options`
    overriding single arguments."""
    from pyg_hopfield.nn import HebbianPropagation

    device = resolve_device(device)
    model = HebbianPropagation(
        num_nodes,
        dim,
        seed=check_seed(seed),
        **hebbian_options(preset, **options),
    )
    edge_weight = None if edge_weight is None else edge_weight.to(device)
    with tqdm(
        total=model.iterations_for(edge_index),
        desc='hebbian',
        unit='it',
        disable=not progress,
    ) as bar:
        return model(
            edge_index.to(device), edge_weight, callback=lambda t: bar.update()
        )


def mhn_epoch_seconds(
    num_nodes: int,
    num_memories: int,
    num_steps: int = 7,
    batch_size: int = 1024,
    walk_length: int = 2,
) -> float:
    r"""A rough CPU estimate of one :meth:`MHNEmbedding.fit` epoch from its
    dense products: per batch the Gram matrix :math:`\Phi\Phi^{\top}`
    (:math:`mK^2`), per node :math:`T` steps in memory space (:math:`TK^2`)
    and the logits over all nodes (:math:`mK`), each about 6 flops with
    the backward pass; a context window of :obj:`walk_length` steps
    repeats the context products (measured: about that many times the
    1-hop epoch)."""
    m, k = num_nodes, num_memories
    batches = -(-m // batch_size)
    flops = 6.0 * (batches * m * k * k + m * num_steps * k * k + m * m * k)
    return flops / 1e12 * MHN_SECONDS_PER_TFLOP * walk_length


def _minutes(seconds: float) -> str:
    return f'{seconds:.0f} s' if seconds < 120 else f'{seconds / 60:.0f} min'


def announce_mhn(
    num_nodes: int,
    num_memories: int,
    num_steps: int,
    batch_size: int,
    epochs: int,
    patience: int,
    walk_length: int = 2,
) -> None:
    r"""Says up front, on stderr, how long training will take when it is
    expected to take more than a minute."""
    per_epoch = mhn_epoch_seconds(
        num_nodes, num_memories, num_steps, batch_size, walk_length
    )
    if epochs == 0 or per_epoch * epochs <= 60:
        return
    low = per_epoch * min(epochs, patience) if patience else None
    span = (
        f'{_minutes(low)} to {_minutes(per_epoch * epochs)}'
        if low is not None and low < per_epoch * epochs
        else f'about {_minutes(per_epoch * epochs)}'
    )
    stop = (
        f', stopping {patience} epoch{"s" * (patience > 1)} after the best '
        f'validation AUC'
        if patience
        else ''
    )
    print(
        f'mhn: about {per_epoch:.0f} s per epoch on an idle 2-core CPU '
        f'({num_nodes:,} nodes, K={num_memories}); up to {epochs} '
        f'epochs{stop}: {span}. --epochs 0 gives the untrained embedding '
        f'in seconds.',
        file=sys.stderr,
    )


def _validation_split(
    edge_index: Tensor, num_nodes: int, seed: int, epochs: int, k: int
) -> tuple[Tensor | None, dict[str, Any]]:
    r"""10% of the edges (plus as many non-edges) held out for early
    stopping, and the context of the other 90%; none on a graph too small
    to hold any out."""
    from pyg_hopfield.transforms import KHopContext
    from pyg_hopfield.utils import seal_link_split

    try:
        train, pos, neg = seal_link_split(
            edge_index, num_nodes, 0.1, seed + 1000
        )
    except ValueError as error:  # too few edges or non-edges
        print(
            f'mhn: no validation split ({error}); training all '
            f'{epochs} epochs',
            file=sys.stderr,
        )
        return None, {}
    context = KHopContext(k=k).context(train, num_nodes)
    return context, dict(val_pos_edge_index=pos, val_neg_edge_index=neg)


def embed_mhn(
    edge_index: Tensor,
    edge_weight: Tensor | None,
    num_nodes: int,
    *,
    dim: int = 2000,
    seed: int = 0,
    device: str | torch.device = 'cpu',
    progress: bool = True,
    num_steps: int = 7,
    k: int = 1,
    mask: str = 'node',
    init_std: float = 0.1,
    epochs: int = 20,
    patience: int = 1,
    batch_size: int = 1024,
    lr: float = 0.01,
    walk_weights: tuple[float, ...] | None = None,
) -> Tensor:
    r"""Trains :class:`~pyg_hopfield.nn.MHNEmbedding` with :obj:`dim`
    memories on :math:`k`-hop contexts and returns :math:`\Psi\mathbf{c}` of
    the whole graph. With :obj:`patience > 0` it trains on 90% of the edges
    and stops on the link AUC of the other 10% (plus as many non-edges),
    keeping the best epoch, the untrained one included; :obj:`epochs=0`
    gives the untrained embedding. :obj:`patience` is 1: with the default
    random-walk window context every run measured kept the untrained
    embedding (docs: the MHN results page), so one epoch checks it."""
    from pyg_hopfield.nn import MHNEmbedding
    from pyg_hopfield.transforms import KHopContext

    check_int(epochs, 'epochs', minimum=0)
    check_int(patience, 'patience', minimum=0)
    device = resolve_device(device)
    seed = check_seed(seed)
    torch.manual_seed(seed)
    context = KHopContext(k=k).context(edge_index, num_nodes)
    window = {} if walk_weights is None else {'walk_weights': walk_weights}
    model = MHNEmbedding(
        num_nodes,
        dim,
        num_steps=num_steps,
        init_std=init_std,
        mask=mask,
        **window,
    ).to(device)
    fit_context, validation = context, {}
    if epochs > 0 and patience > 0:  # early stopping on held-out edges
        held_out_context, validation = _validation_split(
            edge_index, num_nodes, seed, epochs, k
        )
        if validation:
            fit_context, validation['patience'] = held_out_context, patience
    walk_length = len(model.walk_weights)
    announce_mhn(
        num_nodes, dim, num_steps, batch_size, epochs, patience, walk_length
    )
    history = model.fit(
        fit_context,
        max_epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        progress=progress,  # epoch, loss, validation AUC on the bar
        **validation,
    )
    if validation and progress:
        best = max(history, key=lambda r: r.score)
        print(
            f'mhn: kept epoch {best.epoch} of {history[-1].epoch} '
            f'(validation link AUC {best.score:.4f}, untrained '
            f'{history[0].score:.4f}) after {history[-1].seconds:.1f} s',
            file=sys.stderr,
        )
    with torch.no_grad():
        return model(context.to(device))


def embed(
    graph,
    method: str = 'hebbian',
    *,
    edge_index: Tensor | None = None,
    dim: int | None = None,
    check_memory: bool = True,
    **options: Any,
) -> Tensor:
    r"""Embeds :obj:`graph` with :obj:`method` and returns a CPU float
    tensor :obj:`[num_nodes, dim]`.

    Args:
        graph (torch_geometric.data.Data or a DGL graph): The graph (a DGL
            graph is read through what it offers, dgl is never imported).
        method (str, optional): :obj:`'hebbian'`
            (:class:`~pyg_hopfield.nn.HebbianPropagation`) or :obj:`'mhn'`
            (:class:`~pyg_hopfield.nn.MHNEmbedding`).
            (default: :obj:`'hebbian'`)
        edge_index (torch.Tensor, optional): Edges to embed instead of the
            graph's own, e.g. the training edges of a link split (their
            weights are then not used). (default: :obj:`None`)
        dim (int, optional): The embedding size (for MHN the number of
            memories :math:`K`). (default: :obj:`DEFAULT_DIM[method]`)
        check_memory (bool, optional): Refuse up front a run that cannot
            fit in memory. (default: :obj:`True`)
        **options: :obj:`seed`, :obj:`device`, :obj:`progress` and the
            keyword arguments of :func:`embed_hebbian` (a :obj:`preset` and
            any :class:`~pyg_hopfield.nn.HebbianPropagation` argument) or of
            :func:`embed_mhn`.
    """
    from pyg_hopfield.utils import to_edge_index

    if method not in METHODS:
        raise ValueError(f"'method' must be one of {METHODS}, got {method!r}")
    dim = DEFAULT_DIM[method] if dim is None else dim
    check_int(dim, 'dim', minimum=1)
    graph_index, graph_weight, num_nodes = to_edge_index(graph)
    edge_weight = graph_weight if edge_index is None else None
    edge_index = graph_index if edge_index is None else edge_index
    check_edge_index(edge_index, num_nodes, edge_weight)
    if check_memory:
        check_embedding_memory(
            method,
            num_nodes,
            edge_index.size(1),
            dim,
            batch_size=options.get('batch_size'),
            device=options.get('device', 'cpu'),
        )
    run = embed_hebbian if method == 'hebbian' else embed_mhn
    out = run(edge_index, edge_weight, num_nodes, dim=dim, **options)
    return out.detach().cpu()
