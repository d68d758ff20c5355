r"""The item-to-item recommender protocol of the `"Hebbian Graph Embeddings"
<https://arxiv.org/abs/1908.08037>`_ paper (Section 3.2) on repeated
held-out-user splits, for any recommender that scores items by inner
products."""

import time
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from pyg_hopfield.evaluation.hit_rate import PROTOCOLS, hit_rate_at_k
from pyg_hopfield.utils.checks import (
    check_edge_index,
    check_int,
    check_interaction_index,
    check_seed,
)
from pyg_hopfield.utils.user_split import held_out_user_split, histories_csr

#: What a recommender's :obj:`fit` returns: item embeddings (scored by
#: inner products with themselves) or (seed, candidate) embeddings.
Scorer = Tensor | tuple[Tensor, Tensor]


def item_scoring(
    embedding: Tensor,
    item_count: Tensor | None = None,
    popularity_exponent: float = 0.0,
    cosine: bool = False,
    edge_index: Tensor | None = None,
    edge_weight: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    r"""The (seed, candidate) embeddings of an item-to-item recommender
    that scores candidate :math:`j` for seed :math:`s` by

    .. math::
        \mathrm{score}(s, j) = \tilde{\mathbf{h}}_s^{\top}
        \mathbf{g}_j \, (\max(n_j, 1))^{\beta}, \qquad
        \mathbf{g}_j = \tilde{\mathbf{h}}_j \;\text{or}\;
        \mathbf{g}_j = \sum_i \frac{w_{ij}}{\sqrt{d_i d_j}}
        \tilde{\mathbf{h}}_i,

    where :math:`\tilde{\mathbf{h}} = \mathbf{h} / \lVert \mathbf{h}
    \rVert` if :obj:`cosine` else :math:`\mathbf{h}`, :math:`n_j` is the
    number of training users of item :math:`j`, :math:`\beta` the
    :obj:`popularity_exponent` (:math:`\beta > 0` favours popular items,
    :math:`\beta < 0` debiases towards rare ones, :math:`\beta = 0` is the
    paper's plain inner product) and, if the item graph
    (:obj:`edge_index`, weights :math:`w_{ij}`, weighted degrees
    :math:`d_i`) is given, the candidates are propagated one symmetric
    step over it: the seed meets what its neighbours' embeddings send to
    :math:`j`.

    Args:
        embedding (torch.Tensor): The item embeddings :obj:`[n, d]`.
        item_count (torch.Tensor, optional): The item popularity
            :math:`n_j` :obj:`[n]`; needed if :math:`\beta \neq 0`.
            (default: :obj:`None`)
        popularity_exponent (float, optional): :math:`\beta`.
            (default: :obj:`0.0`)
        cosine (bool, optional): L2-normalise the embeddings first.
            (default: :obj:`False`)
        edge_index (torch.Tensor, optional): The item graph that propagates
            the candidates; :obj:`None` keeps them.
            (default: :obj:`None`)
        edge_weight (torch.Tensor, optional): Its weights.
            (default: :obj:`None`)

    Examples:
        >>> import torch
        >>> seed, candidate = item_scoring(torch.ones(3, 1),
        ...                                torch.tensor([1., 4., 9.]), 0.5)
        >>> (seed @ candidate.t())[0]
        tensor([1., 2., 3.])
    """
    if cosine:
        embedding = torch.nn.functional.normalize(embedding, dim=-1)
    num_items = embedding.size(0)
    candidate = embedding
    if edge_index is not None:
        from torch_geometric.utils import scatter, to_torch_csr_tensor

        check_edge_index(edge_index, num_items, edge_weight)
        if edge_weight is None:
            edge_weight = torch.ones(edge_index.size(1))
        weight = edge_weight.to(embedding.dtype)
        row, col = edge_index
        deg = scatter(weight, row, dim=0, dim_size=num_items, reduce='sum')
        inv_sqrt = deg.pow(-0.5).masked_fill(deg == 0, 0.0)
        weight = inv_sqrt[row] * weight * inv_sqrt[col]
        adj_t = to_torch_csr_tensor(
            edge_index.flip(0), weight, size=(num_items, num_items)
        )
        candidate = adj_t @ embedding
    if popularity_exponent != 0:
        if item_count is None or item_count.numel() != num_items:
            raise ValueError(
                f"'item_count' must hold one count per embedding row "
                f'({num_items}) when popularity_exponent='
                f'{popularity_exponent}'
            )
        scale = (
            item_count.to(embedding.dtype)
            .clamp(min=1)
            .pow(float(popularity_exponent))
        )
        candidate = candidate * scale.view(-1, 1)
    return embedding, candidate


def item_recommender_hit_rate(
    fit: Callable[[Tensor, int], Scorer],
    interaction_index: Tensor,
    num_items: int,
    k: int = 10,
    num_splits: int = 10,
    test_ratio: float = 0.1,
    seed: int = 0,
    progress: bool = False,
) -> dict[str, Any]:
    r"""Runs the paper's recommender protocol :obj:`num_splits` times: the
    users are split by :func:`~pyg_hopfield.utils.held_out_user_split`
    (seed :obj:`seed + i` for split :obj:`i`), :obj:`fit` sees the
    interactions of the training users only and returns item embeddings,
    and :func:`hit_rate_at_k` scores the test users under both protocols
    (:obj:`'paper'` and :obj:`'leave-one-out'`, seed items drawn with
    seed :obj:`seed + i`, so every recommender meets the same seeds).

    Args:
        fit (callable): :obj:`fit(train_interaction_index, num_items)`
            returns the item embeddings :obj:`[num_items, d]`, or a
            (seed, candidate) pair as :func:`item_scoring` does. Any model
            selection must happen inside, on the training users.
        interaction_index (torch.Tensor): All (user, item) pairs
            :obj:`[2, num_interactions]`.
        num_items (int): The number of items.
        k (int, optional): Recommendations per seed item.
            (default: :obj:`10`)
        num_splits (int, optional): The number of user splits.
            (default: :obj:`10`)
        test_ratio (float, optional): The fraction of test users.
            (default: :obj:`0.1`)
        seed (int, optional): The first split's seed. (default: :obj:`0`)
        progress (bool, optional): Print one line per split.
            (default: :obj:`False`)

    Returns:
        dict: :obj:`'paper'` and :obj:`'leave-one-out'` (lists of hit
        rates, one per split), their :obj:`'<protocol>_mean'` and
        :obj:`'<protocol>_std'` (sample standard deviation), the
        :obj:`'seconds'` :obj:`fit` took per split and :obj:`'num_test_users'`.
    """
    check_interaction_index(interaction_index, num_items)
    check_int(num_splits, 'num_splits')
    check_seed(seed)
    num_users = int(interaction_index[0].max()) + 1
    out: dict[str, Any] = {p: [] for p in PROTOCOLS}
    out['seconds'] = []
    out['num_test_users'] = []
    for i in range(num_splits):
        split = held_out_user_split(num_users, test_ratio, seed=seed + i)
        mask = torch.isin(interaction_index[0], split.train)
        start = time.perf_counter()
        scorer = fit(interaction_index[:, mask], num_items)
        out['seconds'].append(time.perf_counter() - start)
        query, candidate = (
            scorer if isinstance(scorer, tuple) else (scorer, None)
        )
        histories = histories_csr(interaction_index, split.test, num_items)
        out['num_test_users'].append(split.test.numel())
        for protocol in PROTOCOLS:
            out[protocol].append(
                hit_rate_at_k(
                    query,
                    histories,
                    k=k,
                    seed=seed + i,
                    protocol=protocol,
                    candidate_embedding=candidate,
                )
            )
        if progress:
            print(
                f'Split: {i:02d}, HR@{k}: {out["paper"][-1]:.4f} '
                f'(paper), {out["leave-one-out"][-1]:.4f} '
                f'(leave-one-out), fit: {out["seconds"][-1]:.2f} s',
                flush=True,
            )
    for protocol in PROTOCOLS + ('seconds',):
        values = torch.tensor(out[protocol], dtype=torch.float64)
        out[f'{protocol}_mean'] = float(values.mean())
        out[f'{protocol}_std'] = (
            float(values.std()) if values.numel() > 1 else 0.0
        )
    return out
