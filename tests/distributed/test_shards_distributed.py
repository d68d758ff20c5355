import os
import re

import numpy as np
import pytest
import torch
import torch.distributed as dist

from pyg_hopfield.distributed.launch import run_local
from pyg_hopfield.distributed.partitioning import partition, shard_file
from pyg_hopfield.distributed.shards import ShardError, load_shard

PAIRS = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [4, 0], [5, 6], [2, 6]])


def corrupt(path):
    data = bytearray(open(path, 'rb').read())
    data[-1] ^= 0xFF
    open(path, 'wb').write(bytes(data))


def _load_all(directories, out_dir):
    # Every rank tries every directory and records what happened; a rank
    # left waiting in a collective would make run_local time out.
    rank = dist.get_rank()
    outcomes = []
    for directory in directories:
        try:
            shard = load_shard(directory)
            outcomes.append(('ok', shard.start, shard.end, shard.nnz))
        except ShardError as e:
            outcomes.append(('error', str(e)))
        dist.barrier()  # the next collective still pairs up
    torch.save(outcomes, os.path.join(out_dir, f'{rank}.pt'))
    load_shard(directories[1])  # uncaught: run_local raises it again


@pytest.fixture
def partitions(tmp_path):
    np.save(tmp_path / 'edges.npy', PAIRS)
    names = ['good', 'corrupt', 'missing', 'no_meta', 'three_parts']
    for name in names:
        parts = 3 if name == 'three_parts' else 2
        partition(str(tmp_path / 'edges.npy'), parts, str(tmp_path / name))
    corrupt(tmp_path / 'corrupt' / shard_file(1, 'indices'))
    os.remove(tmp_path / 'missing' / shard_file(0, 'indptr'))
    os.remove(tmp_path / 'no_meta' / 'meta.json')
    return [str(tmp_path / name) for name in names]


def test_all_ranks_raise_together(tmp_path, partitions):
    # One launch (a process start costs seconds): the verdicts of every
    # rank on every directory, then the error run_local raises again.
    with pytest.raises(
        ValueError, match=r"part-00001.indices.npy' \(rank 1\)"
    ):
        run_local(_load_all, 2, (partitions, str(tmp_path)), timeout=240)
    by_rank = [torch.load(tmp_path / f'{rank}.pt') for rank in range(2)]
    good, bad_sum, missing, no_meta, three = zip(*by_rank)
    assert good == (('ok', 0, 3, 7), ('ok', 3, 7, 7))  # edge-balanced
    for outcomes, pattern in [
        (bad_sum, r"corrupt/part-00001.indices.npy' \(rank 1\).*SHA-256"),
        (missing, r"missing/part-00000.indptr.npy' \(rank 0\): is missing"),
        (no_meta, r"no_meta/meta.json' \(rank 0\).*not a finished"),
        (three, 'describes 3 parts but 2 ranks'),
    ]:
        # The same error on both ranks, naming the file and the rank.
        assert outcomes[0] == outcomes[1]
        assert outcomes[0][0] == 'error'
        assert re.search(pattern, outcomes[0][1]), outcomes[0][1]


def test_run_local_errors():
    with pytest.raises(ValueError, match="'nproc' must be a positive"):
        run_local(load_shard, 0, ('nowhere',))
