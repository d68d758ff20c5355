r"""Running the sharded propagation: on every rank of a launched job
(:func:`embed_shards`, e.g. under ``torchrun``), or as :obj:`P` local
processes on one machine (:func:`embed_shards_local`, ``gloo`` on
``127.0.0.1``, what ``pyg-hopfield embed --edges DIR --nproc P`` runs)."""

import datetime
import os
import os.path as osp
import socket
import tempfile
import time
from collections.abc import Callable

import numpy as np
import torch
import torch.distributed as dist

from pyg_hopfield.distributed.shards import load_shard, read_metadata
from pyg_hopfield.utils.atomic import atomic_path, save_atomic

__all__ = ['embed_shards', 'embed_shards_local', 'run_local', 'save_output']


def save_output(embedding: torch.Tensor, path: str) -> None:
    r"""Writes :obj:`embedding` to :obj:`path` (``.pt`` with
    :func:`torch.save`, or ``.npy``) atomically; refuses (and writes
    nothing) if it holds NaN or infinite values."""
    if not path.endswith(('.pt', '.npy')):
        raise ValueError(f"'out' must end in .pt or .npy (got '{path}')")
    if not torch.isfinite(embedding).all():
        raise ValueError(
            f'the embedding holds non-finite values; nothing was written to '
            f"'{path}' (the paper's update grows as (1 + lr)^t: use fewer "
            f"iterations or normalize='iteration')"
        )
    if path.endswith('.pt'):
        save_atomic(embedding, path)
    else:
        with atomic_path(path) as tmp:
            np.save(tmp, embedding.numpy())


def embed_shards(
    directory: str,
    embedding_dim: int,
    out: str | None = None,
    group: dist.ProcessGroup | None = None,
    verify: bool = True,
    preset: str | None = None,
    device: str | torch.device | None = None,
    **options,
) -> torch.Tensor:
    r"""Computes the sharded Hebbian embedding
    (:func:`~pyg_hopfield.distributed.hebbian_propagation`) on every rank of
    :obj:`group`, each rank reading only its own shard of the partition
    :obj:`directory` (:func:`~pyg_hopfield.distributed.load_shard`, which
    checks all shards before the first collective of the propagation).

    Call it on every rank after :func:`torch.distributed.init_process_group`
    (e.g. in a script started by ``torchrun``).

    Args:
        directory (str): A partition written by
            :func:`~pyg_hopfield.distributed.partition` for as many parts
            as ranks.
        embedding_dim (int): The size :math:`d` of each embedding.
        out (str, optional): If given, rank 0 writes the :obj:`[m, d]`
            embedding there (``.pt`` or ``.npy``, atomically).
            (default: :obj:`None`)
        group (ProcessGroup, optional): The process group. (default: the
            world)
        verify (bool, optional): Check the shards' SHA-256 checksums.
            (default: :obj:`True`)
        preset (str, optional): A preset of
            :mod:`~pyg_hopfield.nn.hebbian_presets` (e.g. :obj:`'paper'`)
            whose settings :obj:`options` override. (default: :obj:`None`,
            the module's defaults)
        device (str or torch.device, optional): Where this rank computes,
            e.g. :obj:`f'cuda:{local_rank}'` with the ``nccl`` backend.
            (default: :obj:`None`, the CPU)
        **options: :obj:`seed` and the keyword arguments of
            :class:`~pyg_hopfield.nn.HebbianPropagation`
            (:obj:`num_iterations`, ...); :obj:`None` values are ignored.

    Returns:
        The :obj:`[m, d]` embedding (on every rank), equal bit for bit to
        the single-process :class:`~pyg_hopfield.nn.HebbianPropagation` on
        the graph :func:`~pyg_hopfield.io.read_edge_list` reads from the
        partitioned file (with one thread per process on both sides).
    """
    from pyg_hopfield.distributed.hebbian import hebbian_propagation
    from pyg_hopfield.nn.hebbian_presets import preset_settings

    settings = {} if preset is None else preset_settings(preset)
    settings.update({k: v for k, v in options.items() if v is not None})
    shard = load_shard(directory, group, verify)
    # Only this rank's in-edges: the loop filters nothing away and needs
    # no other rank's edges (out-degrees and components are exchanged).
    edge_weight = shard.weight
    embedding = hebbian_propagation(
        shard.edge_index().to(device),
        shard.num_nodes,
        embedding_dim,
        None if edge_weight is None else edge_weight.to(device),
        group=group,
        ranges=shard.meta['ranges'],
        **settings,
    )
    if out is not None and dist.get_rank(group) == 0:
        save_output(embedding.cpu(), out)
    return embedding


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _worker(
    rank: int,
    world_size: int,
    port: int,
    timeout: float,
    num_threads: int,
    error_dir: str,
    target: Callable,
    args: tuple,
) -> None:
    torch.set_num_threads(num_threads)
    os.environ['MASTER_ADDR'] = '127.0.0.1'
    os.environ['MASTER_PORT'] = str(port)
    dist.init_process_group(
        'gloo',
        rank=rank,
        world_size=world_size,
        timeout=datetime.timedelta(seconds=timeout),
    )
    try:
        target(*args)
    except ValueError as e:
        with open(osp.join(error_dir, f'{rank}.txt'), 'w') as f:
            f.write(str(e))
        raise
    finally:
        dist.destroy_process_group()


def run_local(
    target: Callable,
    nproc: int,
    args: tuple = (),
    timeout: float = 3600.0,
    num_threads: int | None = None,
) -> None:
    r"""Runs :obj:`target(*args)` in :obj:`nproc` local processes that
    form a ``gloo`` process group on ``127.0.0.1`` (a free port), as
    ``torchrun --nproc-per-node`` would.

    A :class:`ValueError` raised on any rank is raised again here (with the
    rank's message); when one process fails, :func:`torch.multiprocessing`
    stops the others, and after :obj:`timeout` seconds all are stopped.

    Args:
        target (callable): A picklable (module-level) function.
        nproc (int): The number of processes.
        args (tuple, optional): Its arguments. (default: :obj:`()`)
        timeout (float, optional): Seconds before the run (and each
            collective) is given up. (default: :obj:`3600.0`)
        num_threads (int, optional): Torch threads per process.
            (default: the CPU cores divided by :obj:`nproc`)
    """
    import torch.multiprocessing as mp

    if isinstance(nproc, bool) or not isinstance(nproc, int) or nproc < 1:
        raise ValueError(f"'nproc' must be a positive integer (got {nproc!r})")
    if num_threads is None:
        num_threads = max(1, (os.cpu_count() or 1) // nproc)
    with tempfile.TemporaryDirectory(prefix='pyg_hopfield_run_') as errors:
        context = mp.spawn(
            _worker,
            args=(
                nproc,
                _free_port(),
                timeout,
                num_threads,
                errors,
                target,
                args,
            ),
            nprocs=nproc,
            join=False,
        )
        deadline = time.monotonic() + timeout
        try:
            while not context.join(timeout=1.0):
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f'{nproc} local processes did not finish within '
                        f'{timeout:g} s; stopped them'
                    )
        except mp.ProcessRaisedException:
            messages = [
                open(osp.join(errors, name)).read()
                for name in sorted(os.listdir(errors))
            ]
            if messages:
                raise ValueError(messages[0]) from None
            raise
        finally:
            for process in context.processes:
                if process.is_alive():
                    process.terminate()
                    process.join()


def embed_shards_local(
    directory: str,
    out: str,
    nproc: int,
    embedding_dim: int,
    timeout: float = 3600.0,
    num_threads: int | None = None,
    verify: bool = True,
    preset: str | None = None,
    **options,
) -> None:
    r"""Computes the sharded Hebbian embedding of a partition with
    :obj:`nproc` local processes (:func:`run_local`), each reading only its
    own shard (:func:`embed_shards`); rank 0 writes the :obj:`[m, d]`
    embedding to :obj:`out` (``.pt`` or ``.npy``, atomically).

    Args:
        directory (str): A partition for :obj:`nproc` parts.
        out (str): The output file.
        nproc (int): The number of processes.
        embedding_dim (int): The size :math:`d` of each embedding.
        timeout (float, optional): Seconds before the run is given up.
            (default: :obj:`3600.0`)
        num_threads (int, optional): Torch threads per process.
            (default: the CPU cores divided by :obj:`nproc`)
        verify (bool, optional): Check the shards' SHA-256 checksums.
            (default: :obj:`True`)
        preset (str, optional): A preset whose settings :obj:`options`
            override. (default: :obj:`None`)
        **options: :obj:`seed` and the keyword arguments of
            :class:`~pyg_hopfield.nn.HebbianPropagation`, as for
            :func:`embed_shards`.

    Raises:
        ValueError: A bad setting, or a missing or corrupt shard (naming
            the file and the rank), raised by the ranks together.
    """
    if not out.endswith(('.pt', '.npy')):
        raise ValueError(f"'out' must end in .pt or .npy (got '{out}')")
    # Before starting processes: a missing directory or a partition for
    # another number of ranks fails here, in seconds.
    num_parts = read_metadata(directory)['num_parts']
    if num_parts != nproc:
        raise ValueError(
            f"'nproc={nproc}': '{directory}' is a partition for "
            f'{num_parts} processes; pass nproc={num_parts} or partition '
            f'again with --parts {nproc}'
        )
    run_local(
        _embed_target,
        nproc,
        (directory, embedding_dim, out, verify, preset, options),
        timeout=timeout,
        num_threads=num_threads,
    )


def _embed_target(directory, embedding_dim, out, verify, preset, options):
    embed_shards(
        directory,
        embedding_dim,
        out=out,
        verify=verify,
        preset=preset,
        **options,
    )
