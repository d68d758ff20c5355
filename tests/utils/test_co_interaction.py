import math

import pytest
import torch

from pyg_hopfield.utils import co_interaction_graph

# Users 0..2 over items 0..3; user 1 repeats item 1 (counted once), user
# 7 (ids need not be contiguous) has item 3 alone.
INTERACTIONS = torch.tensor(
    [[0, 0, 0, 1, 1, 1, 2, 2, 7], [0, 1, 2, 1, 2, 1, 0, 1, 3]]
)


def reference(weighting):
    # Slow literal reference over the histories:
    histories = {}
    for u, i in INTERACTIONS.t().tolist():
        histories.setdefault(u, set()).add(i)
    num_users = len(histories)
    n = [sum(i in h for h in histories.values()) for i in range(4)]
    out = {}
    for i in range(4):
        for j in range(4):
            c = sum(i in h and j in h for h in histories.values())
            if i == j or c == 0:
                continue
            if weighting == 'count':
                w = c
            elif weighting == 'cosine':
                w = c / math.sqrt(n[i] * n[j])
            elif weighting == 'jaccard':
                w = c / (n[i] + n[j] - c)
            else:
                w = max(0.0, math.log(c * num_users / (n[i] * n[j])))
            if w > 1e-12:
                out[(i, j)] = w
    return out


@pytest.mark.parametrize('weighting', ['count', 'cosine', 'jaccard', 'pmi'])
def test_matches_reference(weighting):
    edge_index, edge_weight = co_interaction_graph(INTERACTIONS, 4, weighting)
    expected = reference(weighting)
    assert edge_weight.dtype == torch.float
    got = {
        tuple(e): w
        for e, w in zip(edge_index.t().tolist(), edge_weight.tolist())
    }
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-6)
    # Coalesced, symmetric, no self-loops:
    assert (edge_index[0] != edge_index[1]).all()
    key = edge_index[0] * 4 + edge_index[1]
    assert (key[1:] > key[:-1]).all()


def test_counts_hand_computed():
    edge_index, edge_weight = co_interaction_graph(INTERACTIONS, 4)
    # Items 0 and 1 share users 0 and 2; item 3 co-occurs with nothing.
    assert edge_index.tolist() == [[0, 0, 1, 1, 2, 2], [1, 2, 0, 2, 0, 1]]
    assert edge_weight.tolist() == [2.0, 1.0, 2.0, 2.0, 1.0, 2.0]


def test_empty_and_singletons():
    edge_index, edge_weight = co_interaction_graph(
        torch.tensor([[0, 1], [0, 1]]), 2
    )
    assert edge_index.shape == (2, 0) and edge_weight.numel() == 0


def test_bad_input():
    with pytest.raises(
        ValueError, match="'interaction_index' must be a torch.long tensor"
    ):
        co_interaction_graph(INTERACTIONS.float(), 4)
    with pytest.raises(
        ValueError, match='contains item 3 but num_items=3; pass num_items=4'
    ):
        co_interaction_graph(INTERACTIONS, 3)
    with pytest.raises(ValueError, match='negative id -1'):
        co_interaction_graph(torch.tensor([[0, -1], [0, 1]]), 4)
    with pytest.raises(ValueError, match="'weighting' must be one of"):
        co_interaction_graph(INTERACTIONS, 4, 'tfidf')
