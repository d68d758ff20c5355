import pytest

from pyg_hopfield.utils import (
    available_memory,
    check_memory,
    estimate_embedding_memory,
)


def test_estimates_grow_with_the_tables():
    small = estimate_embedding_memory('hebbian', 332, 200, 4252)
    big = estimate_embedding_memory('hebbian', 332, 10_000_000, 4252)
    assert 5 * 332 * 200 * 4 <= small < big
    assert big >= 5 * 332 * 10_000_000 * 4  # 66 GB: refused on any laptop
    mhn = estimate_embedding_memory('mhn', 1000, 2000, 10_000, 1024)
    assert mhn >= 8 * 1000 * 2000 * 4  # memories, grads, two Adam moments


def test_estimate_bad_method():
    with pytest.raises(ValueError, match="'method' must be 'hebbian' or"):
        estimate_embedding_memory('node2vec', 10, 10)


def test_check_memory_says_how_much():
    check_memory(10, 'tiny', available=100)
    with pytest.raises(
        ValueError,
        match=r'needs at least 3\.0 GB .* only '
        r'1\.0 GB is available on cpu',
    ):
        check_memory(3 * 1024**3, 'embed', available=1024**3)
    assert available_memory('cpu') > 0
