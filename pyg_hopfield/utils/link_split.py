r"""Link-prediction splits of the protocols used by the papers we
reproduce.

All three work on the undirected edge set: every unordered pair
:math:`\{u, v\}`, :math:`u \neq v`, counts once, whichever directions
:obj:`edge_index` lists. Held-out pairs are returned once each as
:math:`(u, v)` with :math:`u < v`; training graphs are returned with both
directions, coalesced, on the same :obj:`num_nodes` (no node is dropped, so
embeddings stay aligned with node ids). They are seeded with their own
:class:`torch.Generator` and never touch the global RNG.

For the general-purpose PyG splitter use
:class:`torch_geometric.transforms.RandomLinkSplit`; these functions
implement the papers' exact protocols, which it does not cover (a single
held-out set, GEM's MAP candidates, fixed pair counts).
"""

import torch
from torch import Tensor
from torch_geometric.utils import to_undirected

from pyg_hopfield.utils.checks import check_seed
from pyg_hopfield.utils.graph_input import to_edge_index


def unique_undirected_pairs(edge_index: Tensor) -> Tensor:
    r"""Returns each undirected edge of :obj:`edge_index` once, as
    :math:`(u, v)` with :math:`u < v`, sorted; self-loops are dropped.

    Examples:
        >>> edge_index = torch.tensor([[0, 1, 1, 2, 2], [1, 0, 2, 1, 2]])
        >>> unique_undirected_pairs(edge_index)
        tensor([[0, 1],
                [1, 2]])
    """
    row, col = edge_index
    mask = row != col
    low = torch.minimum(row[mask], col[mask])
    high = torch.maximum(row[mask], col[mask])
    num_nodes = int(edge_index.max()) + 1 if edge_index.numel() else 1
    key = torch.unique(low * num_nodes + high)
    return torch.stack([key // num_nodes, key % num_nodes], dim=0)


def sample_negative_pairs(
    edge_index: Tensor,
    num_nodes: int,
    num_samples: int,
    generator: torch.Generator,
) -> Tensor:
    r"""Samples :obj:`num_samples` distinct unordered node pairs
    :math:`(u, v)`, :math:`u < v`, uniformly among the pairs that are not
    edges of :obj:`edge_index` (vectorised rejection sampling).

    Raises:
        ValueError: If the graph has fewer non-edges than requested.
    """
    pairs = unique_undirected_pairs(edge_index)
    num_free = num_nodes * (num_nodes - 1) // 2 - pairs.size(1)
    if num_samples > num_free:
        raise ValueError(
            f"'num_samples'={num_samples} negative pairs were "
            f'requested but the graph has only {num_free} '
            f'non-edges; hold out fewer edges'
        )
    # Our own rejection sampler, not PyG's negative_sampling: that one draws
    # from the global RNG, these splits from their own generator.
    edge_keys = pairs[0] * num_nodes + pairs[1]  # sorted by construction
    found = torch.empty(0, dtype=torch.long)
    while found.numel() < num_samples:
        batch = 2 * (num_samples - found.numel()) + 16
        u = torch.randint(num_nodes, (batch,), generator=generator)
        v = torch.randint(num_nodes, (batch,), generator=generator)
        low, high = torch.minimum(u, v), torch.maximum(u, v)
        key = (low * num_nodes + high)[low != high]
        pos = torch.searchsorted(edge_keys, key).clamp_(
            max=max(edge_keys.numel() - 1, 0)
        )
        if edge_keys.numel() > 0:
            key = key[edge_keys[pos] != key]
        # Keep first occurrences only, in sampling order:
        key = torch.cat([found, key])
        uniq, inverse = torch.unique(key, return_inverse=True)
        first = torch.full((uniq.numel(),), key.numel(), dtype=torch.long)
        first.scatter_reduce_(0, inverse, torch.arange(key.numel()), 'amin')
        found = key[first.sort().values]
    found = found[:num_samples]
    return torch.stack([found // num_nodes, found % num_nodes], dim=0)


def _hold_out(
    edge_index: Tensor,
    num_nodes: int,
    num_test: int,
    generator: torch.Generator,
) -> tuple[Tensor, Tensor]:
    pairs = unique_undirected_pairs(edge_index)
    if not 0 < num_test < pairs.size(1):
        raise ValueError(
            f'Cannot hold out {num_test} of the '
            f"{pairs.size(1)} undirected edges of 'edge_index'; "
            f'choose a test size between 1 and '
            f'{pairs.size(1) - 1}'
        )
    perm = torch.randperm(pairs.size(1), generator=generator)
    test = pairs[:, perm[:num_test]]
    train = pairs[:, perm[num_test:]]
    train_edge_index = to_undirected(train, num_nodes=num_nodes)
    return train_edge_index, test


def _read_graph(graph, num_nodes: int | None) -> tuple[Tensor, int]:
    if isinstance(graph, Tensor):
        edge_index, _, num_nodes = to_edge_index(
            graph, num_nodes=num_nodes, allow_empty=False
        )
        return edge_index, num_nodes
    edge_index, _, graph_nodes = to_edge_index(graph, allow_empty=False)
    if num_nodes is not None and num_nodes != graph_nodes:
        raise ValueError(
            f"'num_nodes' is {num_nodes} but the graph has "
            f"{graph_nodes} nodes; leave 'num_nodes' out"
        )
    return edge_index, graph_nodes


def _check_ratio(test_ratio: float) -> None:
    if not 0.0 < test_ratio < 1.0:
        raise ValueError(f"'test_ratio' must lie in (0, 1), got {test_ratio}")


def _prepare_split(
    edge_index,
    num_nodes: int | None,
    test_ratio: float,
    seed: int,
) -> tuple[Tensor, int, int, torch.Generator]:
    # The checked graph, the number of pairs to hold out and the generator.
    edge_index, num_nodes = _read_graph(edge_index, num_nodes)
    _check_ratio(test_ratio)
    generator = torch.Generator().manual_seed(check_seed(seed))
    num_pairs = unique_undirected_pairs(edge_index).size(1)
    return (
        edge_index,
        num_nodes,
        max(1, round(test_ratio * num_pairs)),
        generator,
    )


def _hold_out_with_negatives(
    edge_index: Tensor,
    num_nodes: int,
    num_test: int,
    generator: torch.Generator,
) -> tuple[Tensor, Tensor, Tensor]:
    # Held-out positives, then as many negatives of the full graph.
    train_edge_index, test_pos = _hold_out(
        edge_index, num_nodes, num_test, generator
    )
    test_neg = sample_negative_pairs(
        edge_index, num_nodes, num_test, generator
    )
    return train_edge_index, test_pos, test_neg


def gem_link_split(
    edge_index: Tensor,
    num_nodes: int | None = None,
    test_ratio: float = 0.1,
    seed: int = 0,
) -> tuple[Tensor, Tensor]:
    r"""The link-prediction split of the GEM benchmark
    (`"Graph Embedding Techniques, Applications, and Performance: A Survey"
    <https://arxiv.org/abs/1705.02801>`_), used by the Hebbian graph
    embeddings paper: a fraction :obj:`test_ratio` of the undirected edges
    is held out; the model is trained on the rest and MAP is computed over
    the held-out edges (see
    :func:`pyg_hopfield.evaluation.link_prediction_map`).

    GEM draws each edge into the test set independently with probability
    :obj:`test_ratio`; we hold out exactly
    :math:`\mathrm{round}(\textrm{test\_ratio} \cdot |E|)` edges of a seeded
    permutation, which has the same expectation and a fixed size.

    Args:
        edge_index (torch.Tensor or Data or dgl.DGLGraph): The graph's
            edges, or a graph to read them from (see
            :func:`~pyg_hopfield.utils.to_edge_index`).
        num_nodes (int, optional): The number of nodes of an
            :obj:`edge_index` tensor (inferred if :obj:`None`).
        test_ratio (float, optional): Fraction of undirected edges held out.
            (default: :obj:`0.1`)
        seed (int, optional): The random seed. (default: :obj:`0`)

    Returns:
        (torch.Tensor, torch.Tensor): The undirected training
        :obj:`edge_index` (both directions) and the held-out pairs
        :obj:`[2, num_test]`.
    """
    edge_index, num_nodes, num_test, generator = _prepare_split(
        edge_index, num_nodes, test_ratio, seed
    )
    return _hold_out(edge_index, num_nodes, num_test, generator)


def seal_link_split(
    edge_index: Tensor,
    num_nodes: int | None = None,
    test_ratio: float = 0.1,
    seed: int = 0,
) -> tuple[Tensor, Tensor, Tensor]:
    r"""The link-prediction split of the SEAL paper (`"Link Prediction Based
    on Graph Neural Networks" <https://arxiv.org/abs/1802.09691>`_): a
    fraction :obj:`test_ratio` of the undirected edges is held out as test
    positives and as many non-edges of the full graph, drawn uniformly, are
    the test negatives; AUC is computed over both.

    Args:
        edge_index, num_nodes, test_ratio, seed: As in
            :func:`gem_link_split`.

    Returns:
        (torch.Tensor, torch.Tensor, torch.Tensor): The training
        :obj:`edge_index` (both directions), the positive test pairs and the
        negative test pairs, each :obj:`[2, num_test]`.
    """
    edge_index, num_nodes, num_test, generator = _prepare_split(
        edge_index, num_nodes, test_ratio, seed
    )
    return _hold_out_with_negatives(edge_index, num_nodes, num_test, generator)


def mhn_link_split(
    edge_index: Tensor,
    num_nodes: int | None = None,
    num_pairs: int = 500,
    seed: int = 0,
) -> tuple[Tensor, Tensor, Tensor]:
    r"""The link-prediction protocol of the MHN graph embedding paper
    (`"Associative Learning for Network Embedding"
    <https://arxiv.org/abs/2208.14376>`_, section 4.2): random
    :obj:`num_pairs` positive and :obj:`num_pairs` negative node pairs.

    The paper does not say whether the positive pairs stay in the training
    graph; we hold them out, since an embedding trained on the very edges it
    is asked to predict measures reconstruction, not prediction.

    Args:
        edge_index (torch.Tensor or Data or dgl.DGLGraph): The graph's
            edges, or a graph to read them from (see
            :func:`~pyg_hopfield.utils.to_edge_index`).
        num_nodes (int, optional): The number of nodes of an
            :obj:`edge_index` tensor (inferred if :obj:`None`).
        num_pairs (int, optional): Positive and negative pairs each.
            (default: :obj:`500`)
        seed (int, optional): The random seed. (default: :obj:`0`)

    Returns:
        (torch.Tensor, torch.Tensor, torch.Tensor): The training
        :obj:`edge_index` (both directions), the positive test pairs and the
        negative test pairs, each :obj:`[2, num_pairs]`.
    """
    edge_index, num_nodes = _read_graph(edge_index, num_nodes)
    if (
        isinstance(num_pairs, bool)
        or not isinstance(num_pairs, int)
        or num_pairs <= 0
    ):
        raise ValueError(
            f"'num_pairs' must be a positive int, got {num_pairs!r}"
        )
    generator = torch.Generator().manual_seed(check_seed(seed))
    return _hold_out_with_negatives(
        edge_index, num_nodes, num_pairs, generator
    )
