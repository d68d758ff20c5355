r"""How the ``pyg-hopfield`` command builds and runs each method, with the
papers' defaults and a progress bar."""
import argparse
from typing import Any, Dict, Optional

import torch
from torch import Tensor
from tqdm import tqdm

from pyg_hopfield.utils.checks import check_edge_index, check_seed

#: Settings of :class:`~pyg_hopfield.nn.HebbianPropagation` behind
#: ``--preset`` (flags given on the command line take precedence).
HEBBIAN_PRESETS: Dict[str, Dict[str, Any]] = {
    'paper': dict(num_iterations=10, lr=1.0, variance=10.0,
                  variance_decay=1.1, negative_weight=0.5,
                  num_negative_samples=1, gaussian='sample',
                  transition='row', normalize=False, whiten=False),
    'improved': dict(negative_weight=0.0, transition='sym', normalize=True),
    'classification': dict(num_iterations=13, lr=1e4, negative_weight=0.0,
                           transition='sym', gaussian='none',
                           normalize='iteration', whiten='iteration'),
}

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
}


def hebbian_kwargs(args: argparse.Namespace) -> Dict[str, Any]:
    r"""The :class:`~pyg_hopfield.nn.HebbianPropagation` keyword arguments of
    ``--preset`` overridden by the flags that were given."""
    kwargs = dict(HEBBIAN_PRESETS['paper'])
    kwargs.update(HEBBIAN_PRESETS[args.preset])
    for name, dest in _FLAGS.items():
        value = getattr(args, dest)
        if value is not None:
            kwargs[name] = value
    for name in ('normalize', 'whiten'):
        if kwargs[name] == 'none':
            kwargs[name] = False
    return kwargs


def _device(name: str) -> torch.device:
    if name.startswith('cuda') and not torch.cuda.is_available():
        raise ValueError(f"'--device {name}' was requested but CUDA is not "
                         f"available; use '--device cpu'")
    return torch.device(name)


def embed_hebbian(
    edge_index: Tensor,
    edge_weight: Optional[Tensor],
    num_nodes: int,
    args: argparse.Namespace,
) -> Tensor:
    r"""Runs :class:`~pyg_hopfield.nn.HebbianPropagation` (paper defaults:
    :obj:`d=200`, 10 iterations, learning rate 1, variance 10 divided by 1.1
    each iteration, one negative edge per node with weight 0.5)."""
    from pyg_hopfield.nn import HebbianPropagation
    check_edge_index(edge_index, num_nodes, edge_weight)
    device = _device(args.device)
    kwargs = hebbian_kwargs(args)
    model = HebbianPropagation(num_nodes, args.dim or 200,
                               seed=check_seed(args.seed), **kwargs)
    edge_weight = None if edge_weight is None else edge_weight.to(device)
    with tqdm(total=kwargs['num_iterations'], desc='hebbian', unit='it',
              disable=not getattr(args, 'progress', True)) as bar:
        return model(edge_index.to(device), edge_weight,
                     callback=lambda t: bar.update())


def embed_mhn(
    edge_index: Tensor,
    edge_weight: Optional[Tensor],
    num_nodes: int,
    args: argparse.Namespace,
) -> Tensor:
    r"""Trains :class:`~pyg_hopfield.nn.MHNEmbedding` on :math:`k`-hop
    contexts (paper defaults: :math:`K=2000` memories, :math:`T=7` steps,
    Adam with learning rate 0.01) and returns :math:`\Psi\mathbf{c}`."""
    from pyg_hopfield.nn import MHNEmbedding
    from pyg_hopfield.transforms import KHopContext
    check_edge_index(edge_index, num_nodes, edge_weight)
    if args.dim is not None and args.memories is not None and \
            args.dim != args.memories:
        raise ValueError(f"'--dim' ({args.dim}) and '--memories' "
                         f"({args.memories}) disagree; for mhn they are the "
                         f"same number K, give one")
    num_memories = args.memories or args.dim or 2000
    device = _device(args.device)
    seed = check_seed(args.seed)
    torch.manual_seed(seed)
    context = KHopContext(k=args.k).context(edge_index, num_nodes)
    model = MHNEmbedding(num_nodes, num_memories, num_steps=args.steps,
                         init_std=args.init_std,
                         mask=args.mask).to(device)
    epochs = args.epochs or 20
    with tqdm(total=epochs, desc='mhn', unit='epoch') as bar:

        def callback(epoch: int, loss: float) -> bool:
            bar.set_postfix(loss=f'{loss:.4f}')
            bar.update()
            return False

        model.fit(context, epochs=epochs, batch_size=args.batch_size or 1024,
                  lr=0.01 if args.lr is None else args.lr, seed=seed,
                  callback=callback)
    with torch.no_grad():
        return model(context.to(device))
