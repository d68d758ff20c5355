r"""Input checks shared by the evaluation functions (private)."""

import torch
from torch import Tensor


def check_embedding(embedding: Tensor, name: str = 'embedding') -> Tensor:
    r"""Checks that :obj:`embedding` is a finite, floating-point
    :obj:`[num_nodes, embedding_dim]` tensor and returns it detached on the
    CPU."""
    if not isinstance(embedding, Tensor):
        raise ValueError(  # noqa: TRY004
            f"'{name}' must be a torch.Tensor of shape "
            f'[num_nodes, embedding_dim] (got '
            f'{type(embedding).__name__}); convert it with '
            f'torch.as_tensor(...)'
        )
    if embedding.dim() != 2:
        raise ValueError(
            f"'{name}' must be two-dimensional "
            f'[num_nodes, embedding_dim] (got shape '
            f'{list(embedding.size())}); reshape it'
        )
    if not embedding.is_floating_point():
        raise ValueError(
            f"'{name}' must be a floating-point tensor (got "
            f'dtype {embedding.dtype}); call .float()'
        )
    if embedding.numel() == 0:
        raise ValueError(
            f"'{name}' is empty (shape "
            f'{list(embedding.size())}); pass at least one '
            f'node and one dimension'
        )
    embedding = embedding.detach().cpu()
    if not bool(torch.isfinite(embedding).all()):
        bad = int((~torch.isfinite(embedding)).any(dim=1).nonzero()[0])
        raise ValueError(
            f"'{name}' contains NaN or infinite values (first "
            f'in row {bad}); fix the embedding before '
            f'evaluating it'
        )
    return embedding


def check_index(
    index: Tensor,
    name: str,
    num_nodes: int,
    allow_empty: bool = True,
) -> Tensor:
    r"""Checks that :obj:`index` is a :obj:`torch.long` tensor of shape
    :obj:`[2, num_pairs]` with node indices in :obj:`[0, num_nodes)` and
    returns it on the CPU."""
    if not isinstance(index, Tensor):
        raise ValueError(  # noqa: TRY004
            f"'{name}' must be a torch.Tensor of shape "
            f'[2, num_pairs] (got {type(index).__name__})'
        )
    if index.dtype != torch.long:
        raise ValueError(
            f"'{name}' must have dtype torch.long (got "
            f'{index.dtype}); call .long()'
        )
    if index.dim() != 2 or index.size(0) != 2:
        raise ValueError(
            f"'{name}' must have shape [2, num_pairs] (got "
            f'{list(index.size())}); transpose or stack it'
        )
    if not allow_empty and index.size(1) == 0:
        raise ValueError(f"'{name}' is empty; pass at least one pair")
    index = index.cpu()
    if index.numel() > 0:
        lo, hi = int(index.min()), int(index.max())
        if lo < 0:
            raise ValueError(
                f"'{name}' contains the negative node index "
                f'{lo}; node indices must be non-negative'
            )
        if hi >= num_nodes:
            raise ValueError(
                f"'{name}' contains node {hi} but "
                f'num_nodes={num_nodes} (the number of '
                f'embedding rows); pass an embedding for '
                f'every node'
            )
    return index
