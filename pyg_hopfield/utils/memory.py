r"""Memory estimates, so that a call that cannot fit is refused up front
with the amount it would need, instead of swapping or hanging."""

import os

import torch

__all__ = [
    'available_memory',
    'estimate_embedding_memory',
    'check_memory',
]

_FLOAT = 4  # bytes of a float32
_LONG = 8  # bytes of an int64


def available_memory(device: str | torch.device = 'cpu') -> int:
    r"""The bytes that can still be allocated on :obj:`device`: the free
    memory of a CUDA device, else the available system memory (from
    :mod:`psutil` if installed, else :func:`os.sysconf`)."""
    device = torch.device(device)
    if device.type == 'cuda' and torch.cuda.is_available():
        free, _ = torch.cuda.mem_get_info(device)
        return int(free)
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:  # pragma: no cover
        pages = os.sysconf('SC_AVPHYS_PAGES')
        return int(pages * os.sysconf('SC_PAGE_SIZE'))


def estimate_embedding_memory(
    method: str,
    num_nodes: int,
    embedding_dim: int,
    num_edges: int = 0,
    batch_size: int | None = None,
    context_nnz: int | None = None,
) -> int:
    r"""A lower bound of the peak bytes an embedding run allocates.

    * :obj:`'hebbian'`: five :math:`m \times d` float32 tables live at once
      (the embedding, its update, the initial draw, the mixture noise and
      the negative partners' rows) plus the sparse transition matrix;
    * :obj:`'mhn'`: the two :math:`m \times K` memories, their gradients and
      Adam's two moments (eight tables), one :math:`K \times K` Gram matrix
      and its gradient, the :math:`B \times m` logits of a batch and the
      context matrix.

    Args:
        method (str): :obj:`'hebbian'` or :obj:`'mhn'`.
        num_nodes (int): :math:`m`.
        embedding_dim (int): :math:`d` (for MHN the number of memories
            :math:`K`).
        num_edges (int, optional): :math:`|\mathcal{E}|`. (default:
            :obj:`0`)
        batch_size (int, optional): The MHN batch size :math:`B`.
            (default: :obj:`None`, i.e. 1024)
        context_nnz (int, optional): Non-zeros of the MHN context matrix
            (default: :obj:`None`, i.e. :obj:`num_edges`)

    Examples:
        >>> estimate_embedding_memory('hebbian', 332, 10_000_000) > 13e9
        True
    """
    m, d = int(num_nodes), int(embedding_dim)
    sparse = num_edges * (2 * _LONG + _FLOAT) + (m + 1) * _LONG
    if method == 'hebbian':
        return 5 * m * d * _FLOAT + 2 * sparse
    if method == 'mhn':
        batch = min(m, 1024 if batch_size is None else int(batch_size))
        nnz = num_edges if context_nnz is None else int(context_nnz)
        return (
            (8 * m * d + 2 * d * d + 3 * batch * m + 2 * batch * d) * _FLOAT
            + nnz * (_LONG + _FLOAT)
            + sparse
        )
    raise ValueError(f"'method' must be 'hebbian' or 'mhn' (got {method!r})")


def _format(num_bytes: float) -> str:
    for unit in ('B', 'KB', 'MB', 'GB'):
        if num_bytes < 1024 or unit == 'GB':
            return (
                f'{num_bytes:.1f} {unit}'
                if unit != 'B'
                else f'{int(num_bytes)} B'
            )
        num_bytes /= 1024
    return f'{num_bytes:.1f} TB'  # pragma: no cover


def check_memory(
    num_bytes: int,
    what: str,
    device: str | torch.device = 'cpu',
    available: int | None = None,
) -> None:
    r"""Raises a :class:`ValueError` saying how much memory :obj:`what`
    would need if :obj:`num_bytes` exceeds the memory :obj:`available` on
    :obj:`device` (default: :func:`available_memory`).

    Examples:
        >>> check_memory(2 * 1024**3, 'this embedding', available=1024**3)
        Traceback (most recent call last):
        ...
        ValueError: this embedding needs at least 2.0 GB of memory but ...
    """
    if available is None:
        available = available_memory(device)
    if num_bytes > available:
        raise ValueError(
            f'{what} needs at least {_format(num_bytes)} of '
            f'memory but only {_format(available)} is available '
            f'on {torch.device(device)}; lower the dimension '
            f'or the batch size, or use a larger machine'
        )
