r"""Link prediction: ROC-AUC of inner-product scores and the Jaccard
coefficient baseline."""

import torch
from torch import Tensor
from torch_geometric.utils.sparse import index2ptr

from pyg_hopfield.utils.checks import check_embedding, check_index, check_int


def _roc(pos_score: Tensor, neg_score: Tensor) -> dict[str, float | Tensor]:
    from sklearn.metrics import roc_auc_score, roc_curve

    score = torch.cat([pos_score, neg_score]).to(torch.float64)
    label = torch.cat(
        [
            torch.ones(pos_score.numel(), dtype=torch.long),
            torch.zeros(neg_score.numel(), dtype=torch.long),
        ]
    )
    auc = roc_auc_score(label.numpy(), score.numpy())
    fpr, tpr, _ = roc_curve(label.numpy(), score.numpy())
    return {
        'auc': float(auc),
        'fpr': torch.from_numpy(fpr),
        'tpr': torch.from_numpy(tpr),
        'scores': score,
        'labels': label,
    }


def link_prediction_auc(
    embedding: Tensor,
    pos_edge_index: Tensor,
    neg_edge_index: Tensor,
) -> dict[str, float | Tensor]:
    r"""The link prediction protocol from the `"Associative Learning for
    Network Embedding" <https://arxiv.org/abs/2208.14376>`_ paper: every
    node pair :math:`(i, j)` is scored by the probability

    .. math::
        p_{ij} = \sigma\left(\mathbf{h}_i^{\top} \mathbf{h}_j\right),

    where :math:`\mathbf{h}_i` is the embedding of node :math:`i` and
    :math:`\sigma` the logistic sigmoid, and the area under the ROC curve
    separating the positive from the negative pairs is reported.

    The ROC curve and its area are computed from the logits
    :math:`\mathbf{h}_i^{\top} \mathbf{h}_j`: they order the pairs exactly as
    :math:`p_{ij}` does, but do not round to ties when :math:`\sigma`
    saturates (:math:`\sigma(x) = 1` in floating point for large :math:`x`),
    so the AUC is the one of the exact probabilities.

    .. note::
        The paper draws 500 positive and 500 negative pairs, see
        :func:`pyg_hopfield.utils.mhn_link_split`.

    Args:
        embedding (torch.Tensor): The node embeddings
            :obj:`[num_nodes, embedding_dim]`.
        pos_edge_index (torch.Tensor): The positive pairs :obj:`[2, P]`.
        neg_edge_index (torch.Tensor): The negative pairs :obj:`[2, N]`.

    Returns:
        dict: :obj:`'auc'` (float), :obj:`'fpr'` and :obj:`'tpr'` (the ROC
        curve of :func:`sklearn.metrics.roc_curve`), :obj:`'scores'` (the
        probabilities :math:`p_{ij}`, positives first, :obj:`torch.float64`)
        and :obj:`'labels'` (:obj:`1` for positive, :obj:`0` for negative
        pairs).

    Examples:
        >>> import torch
        >>> from pyg_hopfield.evaluation import link_prediction_auc
        >>> embedding = torch.tensor([[1., 0.], [1., 0.], [0., 1.]])
        >>> pos = torch.tensor([[0], [1]])
        >>> neg = torch.tensor([[0], [2]])
        >>> link_prediction_auc(embedding, pos, neg)['auc']
        1.0
    """
    embedding = check_embedding(embedding)
    num_nodes = embedding.size(0)
    pos = check_index(pos_edge_index, 'pos_edge_index', num_nodes, False)
    neg = check_index(neg_edge_index, 'neg_edge_index', num_nodes, False)
    h = embedding.to(torch.float64)
    pos_logit = (h[pos[0]] * h[pos[1]]).sum(dim=-1)
    neg_logit = (h[neg[0]] * h[neg[1]]).sum(dim=-1)
    out = _roc(pos_logit, neg_logit)
    out['scores'] = torch.sigmoid(out['scores'])
    return out


def jaccard_coefficient(
    edge_index: Tensor,
    num_nodes: int,
    pairs: Tensor,
) -> Tensor:
    r"""The Jaccard coefficient link-prediction heuristic, the reference
    baseline of the `"Associative Learning for Network Embedding"
    <https://arxiv.org/abs/2208.14376>`_ paper:

    .. math::
        J(u, v) = \frac{|\mathcal{N}(u) \cap \mathcal{N}(v)|}
        {|\mathcal{N}(u) \cup \mathcal{N}(v)|},

    where :math:`\mathcal{N}(u)` is the set of nodes :math:`w` with an edge
    :math:`(u, w)` in :obj:`edge_index` (pass both directions of an
    undirected graph; duplicate edges count once). :math:`J(u, v) = 0` when
    both sets are empty.

    Sparse: the intersection is counted by looking up the neighbours of the
    lower-degree endpoint in the sorted edge keys of the other one, in
    :math:`O(\sum_p \min(d_u, d_v) \log |E|)` time and memory, without a
    dense :math:`[N, N]` matrix.

    Args:
        edge_index (torch.Tensor): The graph :obj:`[2, num_edges]`.
        num_nodes (int): The number of nodes.
        pairs (torch.Tensor): The node pairs to score :obj:`[2, P]`.

    Returns:
        torch.Tensor: The coefficients :obj:`[P]` (:obj:`torch.float`).

    Examples:
        >>> import torch
        >>> from pyg_hopfield.evaluation import jaccard_coefficient
        >>> edge_index = torch.tensor([[0, 1, 1, 2, 1, 3],
        ...                            [1, 0, 2, 1, 3, 1]])
        >>> jaccard_coefficient(edge_index, 4, torch.tensor([[0, 0], [2, 1]]))
        tensor([1., 0.])
    """
    check_int(num_nodes, 'num_nodes')
    edge_index = check_index(edge_index, 'edge_index', num_nodes)
    pairs = check_index(pairs, 'pairs', num_nodes)
    return _jaccard(edge_index, num_nodes, pairs)


def _jaccard(edge_index: Tensor, num_nodes: int, pairs: Tensor) -> Tensor:
    # jaccard_coefficient on checked arguments.
    key = torch.unique(edge_index[0] * num_nodes + edge_index[1])  # sorted
    row, col = key // num_nodes, key % num_nodes
    ptr = index2ptr(row, num_nodes)
    deg = ptr.diff()

    u, v = pairs
    swap = deg[u] > deg[v]  # walk over the smaller neighbourhood
    u, v = torch.where(swap, v, u), torch.where(swap, u, v)

    # Enumerate (pair p, neighbour w of u_p) without a Python loop:
    count = deg[u]
    pair_id = torch.repeat_interleave(torch.arange(u.numel()), count)
    start = torch.repeat_interleave(ptr[u], count)
    offset = torch.arange(pair_id.numel()) - torch.repeat_interleave(
        count.cumsum(0) - count, count
    )
    w = col[start + offset]

    # Is (v_p, w) an edge? A binary search in the sorted keys (torch.isin
    # sorts the queries and keys together: slower, measured in
    # benchmarks/bench_sparse_plumbing.py).
    query = v[pair_id] * num_nodes + w
    # (w exists, so key is non-empty whenever query is.)
    pos = torch.searchsorted(key, query).clamp(max=max(key.numel() - 1, 0))
    hit = key[pos] == query
    inter = torch.zeros(u.numel(), dtype=torch.long)
    inter.scatter_add_(0, pair_id, hit.long())
    union = deg[u] + deg[v] - inter
    return inter.float() / union.clamp(min=1).float()


def jaccard_auc(
    edge_index: Tensor,
    num_nodes: int,
    pos_edge_index: Tensor,
    neg_edge_index: Tensor,
) -> dict[str, float | Tensor]:
    r"""The ROC-AUC of the :func:`jaccard_coefficient` heuristic on the same
    positive and negative pairs as :func:`link_prediction_auc`, the
    reference row of the `"Associative Learning for Network Embedding"
    <https://arxiv.org/abs/2208.14376>`_ paper.

    Args:
        edge_index (torch.Tensor): The training graph :obj:`[2, num_edges]`
            (both directions of every undirected edge, without the test
            pairs).
        num_nodes (int): The number of nodes.
        pos_edge_index (torch.Tensor): The positive pairs :obj:`[2, P]`.
        neg_edge_index (torch.Tensor): The negative pairs :obj:`[2, N]`.

    Returns:
        dict: The same keys as :func:`link_prediction_auc`, with the Jaccard
        coefficients as :obj:`'scores'`.
    """
    check_int(num_nodes, 'num_nodes')
    edge_index = check_index(edge_index, 'edge_index', num_nodes)
    pos = check_index(pos_edge_index, 'pos_edge_index', num_nodes, False)
    neg = check_index(neg_edge_index, 'neg_edge_index', num_nodes, False)
    return _roc(
        _jaccard(edge_index, num_nodes, pos),
        _jaccard(edge_index, num_nodes, neg),
    )
