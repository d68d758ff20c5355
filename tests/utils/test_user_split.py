import pytest
import torch

from pyg_hopfield.utils import held_out_user_split, user_histories


@pytest.mark.parametrize('seed', [0, 5])
@pytest.mark.parametrize('val_ratio', [0.0, 0.2])
def test_partition(seed, val_ratio):
    split = held_out_user_split(
        20, test_ratio=0.1, val_ratio=val_ratio, seed=seed
    )
    assert split.test.numel() == 2
    assert split.val.numel() == round(20 * val_ratio)
    everyone = torch.cat(list(split)).sort().values
    assert everyone.tolist() == list(range(20))
    for part in split:
        assert (part[1:] > part[:-1]).all()
    again = held_out_user_split(20, 0.1, val_ratio, seed)
    assert all(torch.equal(a, b) for a, b in zip(split, again))


def test_user_histories():
    interaction_index = torch.tensor([[0, 1, 1, 1, 3], [2, 0, 1, 0, 1]])
    out = user_histories(interaction_index, torch.tensor([3, 1, 2]), 3)
    assert out.layout == torch.sparse_csr
    assert out.to_dense().tolist() == [[0, 1, 0], [1, 1, 0], [0, 0, 0]]


def test_bad_input():
    with pytest.raises(ValueError, match="'test_ratio' must lie in"):
        held_out_user_split(10, test_ratio=1.0)
    with pytest.raises(ValueError, match='leave no training user'):
        held_out_user_split(10, test_ratio=0.5, val_ratio=0.5)
    with pytest.raises(ValueError, match="'num_users' must be"):
        held_out_user_split(0)
