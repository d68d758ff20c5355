r"""Mean average precision of graph reconstruction and link prediction,
following the GEM library."""

import torch
from torch import Tensor

from pyg_hopfield.utils.checks import check_embedding, check_index, check_int

# The number of score entries [rows, candidates] ranked at once.
_CHUNK_ELEMENTS = 1 << 22


def _sample_nodes(num_nodes: int, num_sampled_nodes: int, seed: int) -> Tensor:
    if num_nodes <= num_sampled_nodes:  # GEM keeps every node, in order
        return torch.arange(num_nodes)
    gen = torch.Generator().manual_seed(seed)
    return torch.randperm(num_nodes, generator=gen)[:num_sampled_nodes]


def _position(nodes: Tensor, num_nodes: int) -> Tensor:
    pos = torch.full((num_nodes,), -1, dtype=torch.long)
    pos[nodes] = torch.arange(nodes.numel())
    return pos


def _restrict(edge_index: Tensor, row_pos: Tensor, col_pos: Tensor) -> Tensor:
    # Keeps the edges from a sampled node to a candidate, re-indexed to
    # (sampled row, candidate column) and sorted by row.
    row, col = row_pos[edge_index[0]], col_pos[edge_index[1]]
    mask = (row >= 0) & (col >= 0)
    row, col = row[mask], col[mask]
    perm = torch.argsort(row, stable=True)
    return torch.stack([row[perm], col[perm]])


def _slice(index: Tensor, start: int, end: int) -> Tensor:
    # Rows [start, end) of a row-sorted COO index: two binary searches. Kept
    # by hand: a torch CSR tensor has no cheap row-range slice.
    lo, hi = torch.searchsorted(index[0], torch.tensor([start, end]))
    return index[:, int(lo) : int(hi)]


def _average_precision(score: Tensor, relevant: Tensor) -> Tensor:
    r"""GEM's average precision of every row of :obj:`score`
    (:obj:`[B, C]`): the candidates are sorted by decreasing score (stable,
    ties keep the column order), and the precision at the rank of each
    relevant candidate is averaged. Rows without a relevant candidate give
    :obj:`nan`. Candidates with score :obj:`-inf` must be irrelevant; they
    sort last and so never change the result."""
    # By hand, not sklearn's average_precision_score: that one averages
    # over tied scores, GEM ranks ties in column order (a stable sort).
    order = torch.argsort(score, dim=1, descending=True, stable=True)
    rel = relevant.gather(1, order).to(torch.float64)
    rank = torch.arange(1, score.size(1) + 1, dtype=torch.float64)
    precision = rel.cumsum(dim=1) / rank
    return (precision * rel).sum(dim=1) / rel.sum(dim=1)


def _gem_map(
    embedding: Tensor,
    truth: Tensor,
    exclude: Tensor | None,
    num_sampled_nodes: int,
    seed: int,
    candidates: str,
) -> float:
    num_nodes = embedding.size(0)
    sample = _sample_nodes(num_nodes, num_sampled_nodes, seed)
    cand = torch.arange(num_nodes) if candidates == 'all' else sample
    row_pos, col_pos = _position(sample, num_nodes), _position(cand, num_nodes)

    truth = _restrict(truth, row_pos, col_pos)
    self_loops = torch.stack([sample, sample])  # a node never predicts itself
    exclude = (
        self_loops
        if exclude is None
        else torch.cat([self_loops, exclude], dim=1)
    )
    exclude = _restrict(exclude, row_pos, col_pos)

    h_cand = embedding[cand]
    batch_size = max(1, _CHUNK_ELEMENTS // cand.numel())
    ap = []
    for start in range(0, sample.numel(), batch_size):  # chunks of rows
        end = min(start + batch_size, sample.numel())
        score = embedding[sample[start:end]] @ h_cand.t()
        relevant = torch.zeros(score.size(), dtype=torch.bool)
        t = _slice(truth, start, end)
        relevant[t[0] - start, t[1]] = True
        e = _slice(exclude, start, end)
        relevant[e[0] - start, e[1]] = False
        score[e[0] - start, e[1]] = float('-inf')
        ap.append(_average_precision(score, relevant))
    ap = torch.cat(ap)
    ap = ap[~torch.isnan(ap)]  # nodes without a true edge are skipped
    if ap.numel() == 0:
        raise ValueError(
            'none of the sampled nodes has a true edge among '
            'the candidates, so the MAP is undefined; sample '
            "more nodes ('num_sampled_nodes') or pass "
            "candidates='all'"
        )
    return float(ap.mean())


def _check_common(embedding, num_sampled_nodes, seed, candidates):
    embedding = check_embedding(embedding)
    check_int(num_sampled_nodes, 'num_sampled_nodes')
    check_int(seed, 'seed', minimum=0)
    if candidates not in ('all', 'sampled'):
        raise ValueError(
            f"'candidates' must be 'all' or 'sampled' (got {candidates!r})"
        )
    return embedding


def reconstruction_map(
    embedding: Tensor,
    edge_index: Tensor,
    num_sampled_nodes: int = 1024,
    seed: int = 0,
    candidates: str = 'sampled',
) -> float:
    r"""The graph reconstruction mean average precision (MAP) from the
    `"Graph Embedding Techniques, Applications, and Performance: A Survey"
    <https://arxiv.org/abs/1705.02801>`_ paper (GEM library), as used by the
    `"Hebbian Graph Embeddings" <https://arxiv.org/abs/1908.08037>`_ paper.
    :obj:`num_sampled_nodes` nodes :math:`\mathcal{S}` are drawn at random
    (all nodes, in order, if there are not more), each ranks the
    candidates :math:`j \neq i` by the inner product
    :math:`\mathbf{h}_i^{\top} \mathbf{h}_j`, and

    .. math::
        \mathrm{MAP} = \frac{1}{|\mathcal{S}'|} \sum_{i \in \mathcal{S}'}
        \frac{\sum_{k} \mathrm{P@}k(i) \cdot \Delta_i(k)}
        {\sum_k \Delta_i(k)},

    where :math:`\mathrm{P@}k(i)` is the share of true neighbours among the
    :math:`k` best-ranked candidates of node :math:`i`, :math:`\Delta_i(k)
    \in \{0, 1\}` says whether the :math:`k`-th candidate is a neighbour,
    and :math:`\mathcal{S}' \subseteq \mathcal{S}` are the sampled nodes
    with at least one neighbour among the candidates.

    **Candidates.** As GEM, which evaluates the subgraph induced by the
    sample, we rank only the other *sampled* nodes and count only the edges
    among them (:obj:`candidates='sampled'`), so the numbers compare with
    those computed with GEM. :obj:`candidates='all'` ranks *every* node
    instead, so that a sampled node's truth is all its edges; it is a
    harder, lower-scoring task (random 200-dimensional embeddings of
    BlogCatalog score about 0.007 with :obj:`'all'`, 0.014 with
    :obj:`'sampled'`).

    **Differences from GEM's code.** GEM
    (:obj:`gem/evaluation/metrics.py`,
    :obj:`evaluate_graph_reconstruction.py` and
    :obj:`evaluate_link_prediction.py`) computes the same
    precision-averaging AP, but through an edge list that adds the following
    quirks, which are *not* reproduced:

    * GEM's undirected edge list keeps each pair once, :math:`(i, j)` with
      :math:`i < j` in the sampled order, so node :math:`i` ranks only the
      nodes after it. We rank all candidates :math:`j \neq i` (what GEM
      does for directed graphs).
    * GEM drops candidates with score :math:`\leq 0` from the ranking
      (:obj:`threshold=0.0`), which also removes their true edges from the
      AP's denominator. We rank every candidate.
    * GEM's undirected reconstruction averages over *all* sampled nodes,
      with :math:`\mathrm{AP} = 0` for nodes without a true edge. We skip
      them (GEM's directed code and its link prediction do the same).
    * GEM repeats the evaluation for several samples (:obj:`rounds`) and
      reports their mean; call this function with several seeds for that.

    With :obj:`candidates='sampled'` and scores that are all positive, the
    result therefore equals GEM's :obj:`computeMAP` with
    :obj:`is_undirected=False` on the same sample; ties are broken as in
    GEM's stable sort (lower candidate position first). We do not use
    :func:`sklearn.metrics.average_precision_score`: it gives tied scores a
    single threshold, unlike GEM, and would need one Python call per node.

    The scores are computed in chunks of sampled rows against all
    candidates, never as a :obj:`[num_nodes, num_nodes]` matrix.

    Args:
        embedding (torch.Tensor): The node embeddings
            :obj:`[num_nodes, embedding_dim]`.
        edge_index (torch.Tensor): The graph to reconstruct
            :obj:`[2, num_edges]` (both directions of every undirected
            edge).
        num_sampled_nodes (int, optional): The number of sampled nodes.
            (default: :obj:`1024`)
        seed (int, optional): The seed of the node sample.
            (default: :obj:`0`)
        candidates (str, optional): :obj:`'sampled'` or :obj:`'all'`, see
            above. (default: :obj:`'sampled'`)

    Returns:
        float: The MAP in :math:`[0, 1]`.

    Examples:
        >>> import torch
        >>> from pyg_hopfield.evaluation import reconstruction_map
        >>> edge_index = torch.tensor([[0, 1, 2, 3], [1, 0, 3, 2]])
        >>> embedding = torch.tensor([[1., 0.], [1., 0.], [0., 1.], [0., 1.]])
        >>> reconstruction_map(embedding, edge_index)
        1.0
    """
    embedding = _check_common(embedding, num_sampled_nodes, seed, candidates)
    edge_index = check_index(edge_index, 'edge_index', embedding.size(0))
    return _gem_map(
        embedding, edge_index, None, num_sampled_nodes, seed, candidates
    )


def link_prediction_map(
    embedding: Tensor,
    train_edge_index: Tensor,
    test_edge_index: Tensor,
    num_sampled_nodes: int = 1024,
    seed: int = 0,
    candidates: str = 'sampled',
) -> float:
    r"""The link prediction mean average precision (MAP) from the `"Graph
    Embedding Techniques, Applications, and Performance: A Survey"
    <https://arxiv.org/abs/1705.02801>`_ paper (GEM library), as used by the
    `"Hebbian Graph Embeddings" <https://arxiv.org/abs/1908.08037>`_ paper.
    It is :func:`reconstruction_map` with the held-out edges as the truth:
    each sampled node ranks the candidates :math:`j \neq i` that are not its
    neighbours in the training graph (GEM filters predicted edges that are
    training edges) by :math:`\mathbf{h}_i^{\top} \mathbf{h}_j`, and the
    average precision of its test edges is averaged over the sampled nodes
    with at least one test edge among the candidates,

    .. math::
        \mathrm{MAP} = \frac{1}{|\mathcal{S}'|} \sum_{i \in \mathcal{S}'}
        \frac{\sum_{k} \mathrm{P@}k(i) \cdot \Delta_i(k)}
        {\sum_k \Delta_i(k)},

    where :math:`\mathrm{P@}k(i)` is the share of test edges among the
    :math:`k` best-ranked candidates of node :math:`i` and
    :math:`\Delta_i(k) \in \{0, 1\}` says whether the :math:`k`-th one is a
    test edge.

    **Candidates.** As in :func:`reconstruction_map`, GEM ranks only the
    sampled nodes (:obj:`candidates='sampled'`, the default; GEM always
    samples 1,024 nodes for link prediction); :obj:`candidates='all'` ranks
    every node.

    The differences from GEM's code listed in :func:`reconstruction_map`
    apply here too.

    .. note::
        Split the edges with :func:`pyg_hopfield.utils.gem_link_split`.
        Unlike GEM, which may keep only the largest connected component of
        the training graph, the split keeps every node.

    Args:
        embedding (torch.Tensor): The node embeddings, learned on the
            training graph :obj:`[num_nodes, embedding_dim]`.
        train_edge_index (torch.Tensor): The training edges
            :obj:`[2, num_train_edges]` (both directions).
        test_edge_index (torch.Tensor): The held-out edges
            :obj:`[2, num_test_edges]` (both directions).
        num_sampled_nodes (int, optional): The number of sampled nodes.
            (default: :obj:`1024`)
        seed (int, optional): The seed of the node sample.
            (default: :obj:`0`)
        candidates (str, optional): :obj:`'sampled'` or :obj:`'all'`.
            (default: :obj:`'sampled'`)

    Returns:
        float: The MAP in :math:`[0, 1]`.
    """
    embedding = _check_common(embedding, num_sampled_nodes, seed, candidates)
    num_nodes = embedding.size(0)
    train = check_index(train_edge_index, 'train_edge_index', num_nodes)
    test = check_index(test_edge_index, 'test_edge_index', num_nodes, False)
    return _gem_map(
        embedding, test, train, num_sampled_nodes, seed, candidates
    )
