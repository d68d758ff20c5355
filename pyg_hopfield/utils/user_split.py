r"""Held-out-user splits of interaction data, the protocol of the
`"Hebbian Graph Embeddings" <https://arxiv.org/abs/1908.08037>`_ paper's
recommender (Section 3.2: "10% of the users are held out as the test
set")."""

from typing import NamedTuple

import torch
from torch import Tensor
from torch_geometric.utils.sparse import index2ptr

from pyg_hopfield.utils.checks import (
    check_int,
    check_interaction_index,
    check_seed,
)


class UserSplit(NamedTuple):
    r"""The sorted user ids of each part of a :func:`held_out_user_split`."""

    train: Tensor
    val: Tensor
    test: Tensor


def held_out_user_split(
    num_users: int,
    test_ratio: float = 0.1,
    val_ratio: float = 0.0,
    seed: int = 0,
) -> UserSplit:
    r"""Splits the users :math:`0, \ldots, |\mathcal{U}| - 1` at random into
    training, validation and test users: :math:`\mathrm{round}(
    \rho_{test} |\mathcal{U}|)` test users, :math:`\mathrm{round}(
    \rho_{val} |\mathcal{U}|)` validation users and the rest for training.
    All interactions of a user go to one part; the item graph is built
    from the training users only (see :func:`co_interaction_graph`).

    Args:
        num_users (int): The number of users.
        test_ratio (float, optional): The fraction of test users.
            (default: :obj:`0.1`)
        val_ratio (float, optional): The fraction of validation users.
            (default: :obj:`0.0`)
        seed (int, optional): The seed of the permutation.
            (default: :obj:`0`)

    Returns:
        UserSplit: The sorted :obj:`train`, :obj:`val` and :obj:`test`
        user ids.

    Examples:
        >>> from pyg_hopfield.utils import held_out_user_split
        >>> split = held_out_user_split(10, test_ratio=0.2, val_ratio=0.1)
        >>> [part.numel() for part in split]
        [7, 1, 2]
    """
    check_int(num_users, 'num_users')
    check_seed(seed)
    for name, ratio in (('test_ratio', test_ratio), ('val_ratio', val_ratio)):
        if not 0.0 <= float(ratio) < 1.0:
            raise ValueError(f"'{name}' must lie in [0, 1) (got {ratio!r})")
    num_test = round(test_ratio * num_users)
    num_val = round(val_ratio * num_users)
    if num_test + num_val >= num_users:
        raise ValueError(
            f"'test_ratio' ({test_ratio}) and 'val_ratio' "
            f'({val_ratio}) leave no training user out of '
            f'{num_users}; lower them'
        )
    gen = torch.Generator().manual_seed(seed)
    perm = torch.randperm(num_users, generator=gen)
    test = perm[:num_test].sort().values
    val = perm[num_test : num_test + num_val].sort().values
    train = perm[num_test + num_val :].sort().values
    return UserSplit(train, val, test)


def user_histories(
    interaction_index: Tensor,
    users: Tensor,
    num_items: int,
) -> Tensor:
    r"""The interaction histories of :obj:`users` as a
    :obj:`torch.sparse_csr` matrix :obj:`[len(users), num_items]` (row
    :obj:`r` holds the items of user :obj:`users[r]`, repeated interactions
    once), the input of :func:`~pyg_hopfield.evaluation.hit_rate_at_k`.

    Examples:
        >>> import torch
        >>> from pyg_hopfield.utils import user_histories
        >>> interaction_index = torch.tensor([[0, 1, 1, 2], [2, 0, 1, 1]])
        >>> user_histories(interaction_index, torch.tensor([1, 2]),
        ...                num_items=3).to_dense()
        tensor([[1., 1., 0.],
                [0., 1., 0.]])
    """
    check_interaction_index(interaction_index, num_items)
    return histories_csr(interaction_index, users, num_items)


def histories_csr(
    interaction_index: Tensor,
    users: Tensor,
    num_items: int,
) -> Tensor:
    r""":func:`user_histories` without the checks, for callers that
    checked :obj:`interaction_index` once already."""
    users = torch.as_tensor(users, dtype=torch.long).view(-1)
    # Row of every user id in 'users' (-1 if absent):
    num_ids = max(
        int(interaction_index[0].max()) + 1
        if interaction_index.numel()
        else 0,
        int(users.max()) + 1 if users.numel() else 0,
    )
    row_of = torch.full((num_ids,), -1, dtype=torch.long)
    row_of[users] = torch.arange(users.numel())
    row = row_of[interaction_index[0]]
    mask = row >= 0
    key = torch.unique(row[mask] * num_items + interaction_index[1, mask])
    row, col = key // num_items, key % num_items  # sorted by row
    crow = index2ptr(row, users.numel())
    return torch.sparse_csr_tensor(
        crow, col, torch.ones(col.numel()), size=(users.numel(), num_items)
    )
