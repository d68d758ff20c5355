r"""What the benchmark scripts share: the graphs they time, best-of timing,
the peak resident memory of the process, and writing the JSON results.

The scripts import it as ``_common``: ``python benchmarks/<script>.py``
puts ``benchmarks/`` on :obj:`sys.path` first.
"""

import json
import os
import os.path as osp
import time
from collections.abc import Callable

import torch


def graph(spec: str, root: str | None = None) -> tuple[torch.Tensor, int]:
    r"""The :obj:`edge_index` and number of nodes of :obj:`spec`: a
    dataset name of :func:`pyg_hopfield.datasets.load`, or
    ``synthetic:<E>`` for :obj:`E` random directed edges (both directions
    of :obj:`E / 2` uniform pairs, seed 0) among :obj:`E / 10` nodes
    (average degree 10)."""
    if spec.startswith('synthetic:'):
        num_edges = int(float(spec.split(':')[1]))
        num_nodes = max(num_edges // 10, 10)
        gen = torch.Generator().manual_seed(0)
        half = torch.randint(0, num_nodes, (2, num_edges // 2), generator=gen)
        return torch.cat([half, half.flip(0)], 1), num_nodes
    from pyg_hopfield.datasets import load

    data = load(spec, root=root)[0]
    return data.edge_index, data.num_nodes


def best_of(fn: Callable[[], object], repeats: int) -> float:
    r"""The fastest of :obj:`repeats` calls of :obj:`fn` in seconds, after
    one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def proc_status(key: str) -> int:
    r"""A field of ``/proc/self/status`` in KiB (:obj:`'VmHWM'`: the peak
    resident memory, :obj:`'VmRSS'`: the current one); 0 if absent."""
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1])
    return 0


def reset_peak_memory() -> int:
    r"""Resets the peak resident memory (``VmHWM``) to the current one and
    returns it in KiB (Linux: writing 5 to ``/proc/self/clear_refs``)."""
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')
    return proc_status('VmRSS')


def write_json(path: str, obj: object, indent: int = 1) -> None:
    r"""Writes :obj:`obj` as JSON to :obj:`path` atomically (its folder is
    created) and says so."""
    from pyg_hopfield.utils.atomic import atomic_write

    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with atomic_write(path, 'w') as f:
        json.dump(obj, f, indent=indent)
    print(f'wrote {path}')
