r"""How the ``pyg-hopfield`` command builds and runs each method, with the
papers' defaults and a progress bar."""

import argparse
import sys
from typing import Any

import torch
from torch import Tensor
from tqdm import tqdm

from pyg_hopfield.utils.checks import check_edge_index, check_int, check_seed

_FLAGS = {  # HebbianPropagation argument -> argparse destination
    'num_iterations': 'iterations',
    'lr': 'lr',
    'variance': 'variance',
    'variance_decay': 'variance_decay',
    'negative_weight': 'negative_weight',
    'num_negative_samples': 'num_negative_samples',
    'gaussian': 'gaussian',
    'transition': 'transition',
    'normalize': 'normalize',
    'whiten': 'whiten',
    'degree_direction': 'degree_direction',
    'eigenvalue_exponent': 'eigenvalue_exponent',
    'filter_degree': 'filter_degree',
}


def hebbian_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    r"""The :class:`~pyg_hopfield.nn.HebbianPropagation` keyword arguments of
    ``--preset`` (:mod:`pyg_hopfield.nn.hebbian_presets`) overridden by
    the flags that were given."""
    from pyg_hopfield.nn import hebbian_presets

    kwargs = hebbian_presets.preset_settings(
        getattr(args, 'preset', 'orthogonal')
    )
    for name, dest in _FLAGS.items():
        value = getattr(args, dest, None)
        if value is not None:
            kwargs[name] = value
    for name in ('normalize', 'whiten'):
        if kwargs.get(name) == 'none':
            kwargs[name] = False
    if kwargs.get('degree_direction') in ('true', 'false'):
        kwargs['degree_direction'] = kwargs['degree_direction'] == 'true'
    return kwargs


def _device(name: str) -> torch.device:
    if name.startswith('cuda') and not torch.cuda.is_available():
        raise ValueError(
            f"'--device {name}' was requested but CUDA is not "
            f"available; use '--device cpu'"
        )
    return torch.device(name)


def embed_hebbian(
    edge_index: Tensor,
    edge_weight: Tensor | None,
    num_nodes: int,
    args: argparse.Namespace,
) -> Tensor:
    r"""Runs :class:`~pyg_hopfield.nn.HebbianPropagation` with its defaults
    (orthogonal propagation, :obj:`d=200`) or a ``--preset``."""
    from pyg_hopfield.nn import HebbianPropagation

    check_edge_index(edge_index, num_nodes, edge_weight)
    device = _device(args.device)
    kwargs = hebbian_kwargs(args)
    model = HebbianPropagation(
        num_nodes, args.dim or 200, seed=check_seed(args.seed), **kwargs
    )
    edge_weight = None if edge_weight is None else edge_weight.to(device)
    with tqdm(
        total=model.iterations_for(edge_index),
        desc='hebbian',
        unit='it',
        disable=not getattr(args, 'progress', True),
    ) as bar:
        return model(
            edge_index.to(device), edge_weight, callback=lambda t: bar.update()
        )


#: Seconds per 10^12 floating-point operations of an MHN training epoch on
#: the project's 2-core CPU (measured: BlogCatalog, K=2000, 28.8 s/epoch).
MHN_SECONDS_PER_TFLOP = 5.2


def mhn_epoch_seconds(
    num_nodes: int,
    num_memories: int,
    num_steps: int = 7,
    batch_size: int = 1024,
) -> float:
    r"""A rough CPU estimate of one :meth:`MHNEmbedding.fit` epoch from its
    dense products: per batch the Gram matrix :math:`\Phi\Phi^{\top}`
    (:math:`mK^2`), per node :math:`T` steps in memory space (:math:`TK^2`)
    and the logits over all nodes (:math:`mK`), each about 6 flops with
    the backward pass."""
    m, k = num_nodes, num_memories
    batches = -(-m // batch_size)
    flops = 6.0 * (batches * m * k * k + m * num_steps * k * k + m * m * k)
    return flops / 1e12 * MHN_SECONDS_PER_TFLOP


def announce_mhn(
    num_nodes: int,
    num_memories: int,
    num_steps: int,
    batch_size: int,
    epochs: int,
    patience: int,
) -> None:
    r"""Says up front, on stderr, how long training will take when it is
    expected to take more than a minute."""
    per_epoch = mhn_epoch_seconds(
        num_nodes, num_memories, num_steps, batch_size
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
        f', stopping {patience} epochs after the best validation AUC'
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


def _minutes(seconds: float) -> str:
    return f'{seconds:.0f} s' if seconds < 120 else f'{seconds / 60:.0f} min'


def embed_mhn(
    edge_index: Tensor,
    edge_weight: Tensor | None,
    num_nodes: int,
    args: argparse.Namespace,
) -> Tensor:
    r"""Trains :class:`~pyg_hopfield.nn.MHNEmbedding` on :math:`k`-hop
    contexts (paper defaults: :math:`K=2000` memories, :math:`T=7` steps,
    Adam with learning rate 0.01) and returns :math:`\Psi\mathbf{c}` of
    the whole graph. With :obj:`args.patience > 0` it trains on 90% of the
    edges and stops on the link AUC of the other 10% (plus as many
    non-edges), keeping the best epoch, the untrained one included."""
    from pyg_hopfield.nn import MHNEmbedding
    from pyg_hopfield.transforms import KHopContext

    check_edge_index(edge_index, num_nodes, edge_weight)
    if (
        args.dim is not None
        and args.memories is not None
        and args.dim != args.memories
    ):
        raise ValueError(
            f"'--dim' ({args.dim}) and '--memories' "
            f'({args.memories}) disagree; for mhn they are the '
            f'same number K, give one'
        )
    num_memories = args.memories or args.dim or 2000
    device = _device(args.device)
    seed = check_seed(args.seed)
    torch.manual_seed(seed)
    context = KHopContext(k=args.k).context(edge_index, num_nodes)
    model = MHNEmbedding(
        num_nodes,
        num_memories,
        num_steps=args.steps,
        init_std=args.init_std,
        mask=args.mask,
    ).to(device)
    epochs = 20 if args.epochs is None else args.epochs  # 0: untrained
    patience = getattr(args, 'patience', 3)
    check_int(epochs, '--epochs', minimum=0)
    check_int(patience, '--patience', minimum=0)
    fit_context, validation = context, {}
    if epochs > 0 and patience > 0:  # early stopping on held-out edges
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
        else:
            fit_context = KHopContext(k=args.k).context(train, num_nodes)
            validation = dict(
                val_pos_edge_index=pos,
                val_neg_edge_index=neg,
                patience=patience,
            )
    batch_size = args.batch_size or 1024
    announce_mhn(
        num_nodes, num_memories, args.steps, batch_size, epochs, patience
    )
    progress = getattr(args, 'progress', True)
    with tqdm(
        total=epochs, desc='mhn', unit='epoch', disable=not progress
    ) as bar:

        def callback(epoch: int, loss: float) -> bool:
            postfix = {'loss': f'{loss:.4f}'}
            row = model.history[-1]
            if row.score is not None:
                best = max(model.history, key=lambda r: r.score)
                postfix['val_auc'] = f'{row.score:.4f}'
                postfix['best'] = f'{best.score:.4f}@{best.epoch}'
            bar.set_postfix(postfix)
            bar.update()
            return False

        history = model.fit(
            fit_context,
            max_epochs=epochs,
            batch_size=batch_size,
            lr=0.01 if args.lr is None else args.lr,
            seed=seed,
            callback=callback,
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
