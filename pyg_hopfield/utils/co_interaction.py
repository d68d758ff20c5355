r"""The item graph of co-interactions (two items are linked when one user
interacted with both), from the `"Hebbian Graph Embeddings"
<https://arxiv.org/abs/1908.08037>`_ paper's recommender (Section 3.2)."""

import torch
from torch import Tensor
from torch_geometric.utils import remove_self_loops, to_torch_coo_tensor

from pyg_hopfield.utils.checks import check_interaction_index

#: The weightings :func:`co_interaction_graph` accepts.
WEIGHTINGS = ('count', 'cosine', 'jaccard', 'pmi')


def co_interaction_graph(
    interaction_index: Tensor,
    num_items: int,
    weighting: str = 'count',
) -> tuple[Tensor, Tensor]:
    r"""The weighted item graph of co-interactions: with the binary
    incidence matrix :math:`\mathbf{X} \in \{0, 1\}^{|\mathcal{U}| \times
    n}` (:math:`x_{ui} = 1` if user :math:`u` interacted with item
    :math:`i`, repeated interactions counted once), the co-interaction
    counts are one sparse product,

    .. math::
        \mathbf{C} = \mathbf{X}^{\top} \mathbf{X}, \qquad
        c_{ij} = |\{u : x_{ui} = x_{uj} = 1\}|, \qquad
        n_i = c_{ii},

    and every pair :math:`i \neq j` with :math:`c_{ij} > 0` becomes an edge
    (both directions) weighted by :obj:`weighting`:

    * :obj:`'count'` -- :math:`w_{ij} = c_{ij}` (the paper: "two products
      viewed by the same consumer" are linked; we count the consumers);
    * :obj:`'cosine'` -- :math:`w_{ij} = c_{ij} / \sqrt{n_i n_j}`;
    * :obj:`'jaccard'` -- :math:`w_{ij} = c_{ij} / (n_i + n_j - c_{ij})`;
    * :obj:`'pmi'` -- positive pointwise mutual information,
      :math:`w_{ij} = \max(0, \log(c_{ij} |\mathcal{U}| / (n_i n_j)))`,
      where :math:`|\mathcal{U}|` is the number of users in
      :obj:`interaction_index`; pairs with :math:`w_{ij} = 0` are dropped.

    :math:`\mathbf{X}^{\top} \mathbf{X}` is a sparse-sparse product: memory
    grows with the number of co-interacting pairs, never with :math:`n^2`
    unless every pair co-occurs.

    Args:
        interaction_index (torch.Tensor): The (user, item) pairs
            :obj:`[2, num_interactions]`, 0-based :obj:`torch.long` ids.
        num_items (int): The number of items :math:`n` (graph nodes).
        weighting (str, optional): :obj:`'count'`, :obj:`'cosine'`,
            :obj:`'jaccard'` or :obj:`'pmi'`. (default: :obj:`'count'`)

    Returns:
        (torch.Tensor, torch.Tensor): The coalesced :obj:`edge_index`
        :obj:`[2, |E|]` (both directions, no self-loops) and the
        :obj:`float` :obj:`edge_weight` :obj:`[|E|]`.

    Examples:
        >>> import torch
        >>> from pyg_hopfield.utils import co_interaction_graph
        >>> interaction_index = torch.tensor([[0, 0, 1, 1, 1],
        ...                                   [0, 1, 0, 1, 2]])
        >>> edge_index, edge_weight = co_interaction_graph(
        ...     interaction_index, num_items=3)
        >>> edge_index
        tensor([[0, 0, 1, 1, 2, 2],
                [1, 2, 0, 2, 0, 1]])
        >>> edge_weight
        tensor([2., 1., 2., 1., 1., 1.])
    """
    check_interaction_index(interaction_index, num_items)
    if weighting not in WEIGHTINGS:
        raise ValueError(
            f"'weighting' must be one of {WEIGHTINGS} (got {weighting!r})"
        )
    user, item = interaction_index
    # Renumber the users 0..U-1 and merge repeated interactions:
    user_ids, user = torch.unique(user, return_inverse=True)
    num_users = user_ids.numel()
    key = torch.unique(user * num_items + item)
    index = torch.stack([key // num_items, key % num_items])
    ones = torch.ones(key.numel(), dtype=torch.float64)
    x = to_torch_coo_tensor(index, ones, size=(num_users, num_items))
    x_t = to_torch_coo_tensor(index.flip(0), ones, size=(num_items, num_users))
    count = torch.sparse.mm(x_t, x).coalesce()  # the one sparse product
    edge_index, c = remove_self_loops(count.indices(), count.values())
    n = torch.bincount(index[1], minlength=num_items).to(torch.float64)
    n_i, n_j = n[edge_index[0]], n[edge_index[1]]
    if weighting == 'count':
        weight = c
    elif weighting == 'cosine':
        weight = c / (n_i * n_j).sqrt()
    elif weighting == 'jaccard':
        weight = c / (n_i + n_j - c)
    else:
        weight = (c * num_users / (n_i * n_j)).log()
        keep = weight > 1e-12
        edge_index, weight = edge_index[:, keep], weight[keep]
    return edge_index, weight.to(torch.float)
