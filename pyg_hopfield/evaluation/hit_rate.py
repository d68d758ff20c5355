r"""Hit rate of item-to-item recommendations."""

import torch
from torch import Tensor
from torch_geometric.utils import cumsum
from torch_geometric.utils.sparse import index2ptr

from pyg_hopfield.utils.checks import check_embedding, check_int

_CHUNK_ELEMENTS = 1 << 22


def _to_csr(histories: list[Tensor] | Tensor, num_items: int):
    if isinstance(histories, Tensor) and histories.layout == torch.sparse_csr:
        if histories.dim() != 2 or histories.size(1) != num_items:
            raise ValueError(
                f"'histories' must be a [num_users, num_items] "
                f'CSR matrix with num_items={num_items} (the '
                f'number of embedding rows), got shape '
                f'{list(histories.size())}'
            )
        return (
            histories.crow_indices().cpu().long(),
            histories.col_indices().cpu().long(),
        )
    if isinstance(histories, Tensor):
        raise ValueError(  # noqa: TRY004 (the contract asks for ValueError)
            f"'histories' must be a list of 1-D torch.long tensors or a "
            f'torch.sparse_csr [num_users, num_items] matrix (got a tensor '
            f'with layout {histories.layout}); convert it with '
            f'.to_sparse_csr()'
        )
    if not isinstance(histories, (list, tuple)):
        raise ValueError(  # noqa: TRY004
            f"'histories' must be a list of 1-D torch.long tensors (one per "
            f'user) or a torch.sparse_csr [num_users, num_items] matrix '
            f'(got {type(histories).__name__})'
        )
    for i, items in enumerate(histories):
        if (
            not isinstance(items, Tensor)
            or items.dtype != torch.long
            or items.dim() != 1
        ):
            raise ValueError(
                f"'histories[{i}]' must be a 1-D torch.long "
                f'tensor of item indices'
            )
    crow = cumsum(
        torch.tensor([items.numel() for items in histories], dtype=torch.long)
    )
    col = (
        torch.cat([items.cpu() for items in histories])
        if len(histories) > 0
        else torch.zeros(0, dtype=torch.long)
    )
    return crow, col


#: The protocols :func:`hit_rate_at_k` accepts.
PROTOCOLS = ('paper', 'leave-one-out')


def hit_rate_at_k(
    embedding: Tensor,
    histories: list[Tensor] | Tensor,
    k: int = 10,
    seed: int = 0,
    protocol: str = 'paper',
    candidate_embedding: Tensor | None = None,
) -> float:
    r"""The hit rate at :math:`k` from the `"Hebbian Graph Embeddings"
    <https://arxiv.org/abs/1908.08037>`_ paper (Section 3.2). For every
    user :math:`u` with interaction history :math:`\mathcal{H}_u`, one item
    :math:`s_u \in \mathcal{H}_u` is drawn uniformly at random, the
    :math:`k` items with the largest inner product
    :math:`\mathbf{h}_{s_u}^{\top} \mathbf{h}_j` over all items
    :math:`j \neq s_u` are recommended, and

    .. math::
        \mathrm{HR@}k = \frac{1}{|\mathcal{U}|} \sum_{u \in \mathcal{U}}
        \mathbb{1}\left[\mathrm{top}_k(s_u) \cap \mathcal{H}_u \neq
        \emptyset\right],

    where :math:`\mathcal{U}` are the users with a non-empty history. A
    user whose history holds only :math:`s_u` therefore always misses, as in
    the paper, which divides by the number of test users.

    With long histories this protocol is lenient (recommending the most
    popular items almost always hits), so :obj:`protocol='leave-one-out'`
    draws, besides :math:`s_u`, one *target* :math:`t_u \in \mathcal{H}_u
    \setminus \{s_u\}` uniformly at random and counts a hit only if
    :math:`t_u \in \mathrm{top}_k(s_u)`; :math:`\mathcal{U}` are then the
    users with at least two distinct items (repeated items count once).

    Scores are :math:`\mathbf{h}_{s}^{\top} \mathbf{g}_j` with
    :math:`\mathbf{g}_j` the rows of :obj:`candidate_embedding`
    (default: :math:`\mathbf{g} = \mathbf{h}`), so asymmetric
    recommenders fit too: popularity is :math:`\mathbf{h}_s = 1`,
    :math:`g_j = n_j`; a precomputed item-item similarity
    :math:`\mathbf{S}` is :math:`\mathbf{h} = \mathbf{S}`,
    :math:`\mathbf{g} = \mathbf{I}`. The top :math:`k` come from one
    matrix product per batch of seed items; ties are broken by
    :func:`torch.topk`.

    Args:
        embedding (torch.Tensor): The item embeddings
            :obj:`[num_items, embedding_dim]`.
        histories (list[torch.Tensor] or torch.Tensor): The test users'
            interaction histories, either a list with one 1-D
            :obj:`torch.long` tensor of item indices per user, or a
            :obj:`torch.sparse_csr` matrix :obj:`[num_users, num_items]`
            whose stored entries (whatever their values) are the
            interactions. Duplicates are allowed; users with an empty
            history are ignored.
        k (int, optional): The number of recommendations per seed item.
            (default: :obj:`10`)
        seed (int, optional): The seed of the random seed items (and
            targets). (default: :obj:`0`)
        protocol (str, optional): :obj:`'paper'` (a hit if any
            recommendation is in the history) or :obj:`'leave-one-out'`
            (a hit if the one held-out target is recommended).
            (default: :obj:`'paper'`)
        candidate_embedding (torch.Tensor, optional): The embeddings
            :obj:`[num_items, embedding_dim]` the seed embeddings are
            scored against; :obj:`None` uses :obj:`embedding`.
            (default: :obj:`None`)

    Returns:
        float: The hit rate in :math:`[0, 1]`.

    Examples:
        >>> import torch
        >>> from pyg_hopfield.evaluation import hit_rate_at_k
        >>> embedding = torch.tensor([[1., 0.], [1., 0.], [0., 1.]])
        >>> histories = [torch.tensor([0, 1]), torch.tensor([2, 0])]
        >>> hit_rate_at_k(embedding, histories, k=1)
        0.5
        >>> hit_rate_at_k(embedding, histories, k=1,
        ...               protocol='leave-one-out')
        1.0
    """
    embedding = check_embedding(embedding)
    num_items = embedding.size(0)
    if candidate_embedding is None:
        candidate_embedding = embedding
    else:
        candidate_embedding = check_embedding(candidate_embedding)
        if candidate_embedding.shape != embedding.shape:
            raise ValueError(
                f"'candidate_embedding' must have the shape of 'embedding' "
                f'{list(embedding.shape)}, got '
                f'{list(candidate_embedding.shape)}'
            )
    check_int(k, 'k', minimum=1, maximum=num_items - 1)
    check_int(seed, 'seed', minimum=0)
    if protocol not in PROTOCOLS:
        raise ValueError(
            f"'protocol' must be one of {PROTOCOLS} (got {protocol!r})"
        )
    crow, col = _to_csr(histories, num_items)
    if col.numel() > 0 and (int(col.min()) < 0 or int(col.max()) >= num_items):
        bad = int(col.min()) if int(col.min()) < 0 else int(col.max())
        raise ValueError(
            f"'histories' contains item {bad} but there are "
            f'{num_items} embedding rows (items 0...'
            f'{num_items - 1})'
        )

    count = crow[1:] - crow[:-1]
    # Sorted keys user * num_items + item of every interaction:
    row = torch.repeat_interleave(torch.arange(count.numel()), count)
    key = torch.unique(row * num_items + col)
    if protocol == 'leave-one-out':
        # Distinct items per user, then users with at least two of them:
        col = key % num_items
        crow = index2ptr(key // num_items, count.numel())
        count = crow.diff()
        users = (count > 1).nonzero().view(-1)
    else:
        users = (count > 0).nonzero().view(-1)
    if users.numel() == 0:
        raise ValueError(
            "'histories' holds no interaction; pass at least "
            'one user with a non-empty history'
            if protocol == 'paper'
            else "'histories' holds no user with two distinct items, "
            "which protocol='leave-one-out' needs (a seed and a target)"
        )
    # Seeds (and targets) drawn with our own generator, vectorised over the
    # users: torch.multinomial or PyG's samplers cannot draw one uniform
    # position per CSR row in a single call.
    gen = torch.Generator().manual_seed(seed)
    offset = (
        (
            torch.rand(users.numel(), generator=gen, dtype=torch.float64)
            * count[users]
        )
        .long()
        .clamp(max=count[users] - 1)
    )
    seed_item = col[crow[users] + offset]
    target = None
    if protocol == 'leave-one-out':
        # A uniform draw among the other count - 1 items:
        other = (
            (
                torch.rand(users.numel(), generator=gen, dtype=torch.float64)
                * (count[users] - 1)
            )
            .long()
            .clamp(max=count[users] - 2)
        )
        other = other + (other >= offset).long()
        target = col[crow[users] + other]

    batch_size = max(1, _CHUNK_ELEMENTS // num_items)
    hits = []
    for start in range(0, users.numel(), batch_size):
        end = min(start + batch_size, users.numel())
        s = seed_item[start:end]
        score = embedding[s] @ candidate_embedding.t()
        score[torch.arange(end - start), s] = float('-inf')
        top = score.topk(k, dim=1).indices
        if target is not None:
            hits.append((top == target[start:end, None]).any(dim=1))
            continue
        query = users[start:end, None] * num_items + top
        pos = torch.searchsorted(key, query).clamp(max=key.numel() - 1)
        hits.append((key[pos] == query).any(dim=1))
    return float(torch.cat(hits).double().mean())
