r"""Atomic file output: every file the package or the command line writes
(embeddings, JSON, plots, checkpoints, processed datasets, downloads) is
written to a temporary file in the destination's folder and moved into place
with :func:`os.replace`, so an interrupted write (Ctrl-C, SIGKILL, a full
disk) leaves either the previous file or the new one, never a truncated
file.
"""

import os
import os.path as osp
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

__all__ = [
    'atomic_path',
    'atomic_write',
    'save_atomic',
]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


@contextmanager
def atomic_path(path: str) -> Iterator[str]:
    r"""A context manager yielding a temporary path next to :obj:`path`
    (same folder and suffix, so writers that infer the format from the
    extension, such as :func:`numpy.save` or :meth:`Figure.savefig`, keep
    working); when the block ends without an exception the temporary file
    is moved onto :obj:`path` with :func:`os.replace`, otherwise it is
    deleted and :obj:`path` is left untouched.

    Args:
        path (str): The destination file.

    Examples:
        >>> import os.path as osp, tempfile
        >>> path = osp.join(tempfile.mkdtemp(), 'out.txt')
        >>> with atomic_path(path) as tmp:
        ...     with open(tmp, 'w') as f:
        ...         _ = f.write('done')
        >>> open(path).read()
        'done'
    """
    path = os.fspath(path)
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    base = osp.basename(path)
    suffix = osp.splitext(base)[1]
    fd, tmp = tempfile.mkstemp(
        dir=directory, prefix=f'.{base}.', suffix=f'.tmp{suffix}'
    )
    os.close(fd)
    try:
        yield tmp
        if osp.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


@contextmanager
def atomic_write(path: str, mode: str = 'w', **kwargs: Any) -> Iterator[IO]:
    r"""Like :func:`open` for writing, but atomic (see
    :func:`atomic_path`): the data reaches :obj:`path` only when the block
    ends without an exception, flushed to disk.

    Args:
        path (str): The destination file.
        mode (str, optional): :obj:`'w'` or :obj:`'wb'`. (default:
            :obj:`'w'`)
        **kwargs (optional): Further arguments of :func:`open`.

    Examples:
        >>> import json, os.path as osp, tempfile
        >>> path = osp.join(tempfile.mkdtemp(), 'metrics.json')
        >>> with atomic_write(path) as f:
        ...     json.dump({'auc': 0.9}, f)
        >>> json.load(open(path))
        {'auc': 0.9}
    """
    if mode not in ('w', 'wb'):
        raise ValueError(f"'mode' must be 'w' or 'wb' (got {mode!r})")
    with atomic_path(path) as tmp:
        with open(tmp, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())


def save_atomic(obj: Any, path: str) -> None:
    r""":func:`torch.save` of :obj:`obj` to :obj:`path`, atomically (see
    :func:`atomic_path`).

    Examples:
        >>> import os.path as osp, tempfile, torch
        >>> path = osp.join(tempfile.mkdtemp(), 'emb.pt')
        >>> save_atomic(torch.ones(2), path)
        >>> torch.load(path)
        tensor([1., 1.])
    """
    import torch

    with atomic_write(path, 'wb') as f:
        torch.save(obj, f)
