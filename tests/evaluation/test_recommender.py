import pytest
import torch

from pyg_hopfield.evaluation import item_recommender_hit_rate, item_scoring


def test_item_scoring_reference():
    gen = torch.Generator().manual_seed(0)
    embedding = torch.randn(5, 3, generator=gen)
    count = torch.tensor([0.0, 1.0, 4.0, 9.0, 2.0])
    edge_index = torch.tensor([[0, 1, 1, 2, 3, 4], [1, 0, 2, 1, 4, 3]])
    edge_weight = torch.tensor([2.0, 2.0, 1.0, 1.0, 3.0, 3.0])
    query, candidate = item_scoring(
        embedding,
        count,
        0.5,
        cosine=True,
        edge_index=edge_index,
        edge_weight=edge_weight,
    )
    # Slow literal reference:
    h = embedding / embedding.norm(dim=1, keepdim=True)
    w = torch.zeros(5, 5)
    w[edge_index[0], edge_index[1]] = edge_weight
    deg = w.sum(1)
    expected = torch.zeros(5, 5)
    for s in range(5):
        for j in range(5):
            g = sum(
                w[i, j] / (deg[i] * deg[j]).sqrt() * h[i] for i in range(5)
            )
            expected[s, j] = h[s] @ g * max(float(count[j]), 1.0) ** 0.5
    assert torch.allclose(query @ candidate.t(), expected, atol=1e-5)
    # Plain inner product by default:
    query, candidate = item_scoring(embedding)
    assert query is embedding and candidate is embedding


def test_item_scoring_needs_counts():
    with pytest.raises(ValueError, match="'item_count' must hold one"):
        item_scoring(torch.randn(4, 2), popularity_exponent=1.0)


def test_protocol_same_splits_for_every_recommender():
    # 40 users in two groups of 10 items; perfect group embeddings must hit
    # under the paper protocol and beat a random embedding.
    user = torch.arange(40).repeat_interleave(4)
    group = (torch.arange(40) % 2).repeat_interleave(4)
    item = group * 10 + (torch.arange(160) % 4 + user) % 10  # 4 distinct
    interaction_index = torch.stack([user, item])
    seen = []

    def perfect(train, num_items):
        seen.append(torch.unique(train[0]))
        return torch.nn.functional.one_hot(torch.arange(20) // 10).float()

    # k=9: the seed's whole group is recommended.
    out = item_recommender_hit_rate(
        perfect,
        interaction_index,
        20,
        k=9,
        num_splits=3,
        test_ratio=0.25,
        seed=1,
    )
    assert out['paper'] == [1.0, 1.0, 1.0] and out['paper_mean'] == 1.0
    assert out['leave-one-out'] == [1.0, 1.0, 1.0]
    assert out['num_test_users'] == [10, 10, 10]
    assert len(out['seconds']) == 3 and out['paper_std'] == 0.0
    # The fit sees the 30 training users only:
    assert all(users.numel() == 30 for users in seen)
    a, b = (
        item_recommender_hit_rate(
            lambda train, n, gen=gen: torch.randn(n, 4, generator=gen),
            interaction_index,
            20,
            k=3,
            num_splits=2,
            seed=1,
        )
        for gen in (
            torch.Generator().manual_seed(3),
            torch.Generator().manual_seed(3),
        )
    )
    assert a['leave-one-out'] == b['leave-one-out']
    # Asymmetric scorers (popularity) are accepted as a pair:
    pop = item_recommender_hit_rate(
        lambda train, n: (
            torch.ones(n, 1),
            torch.bincount(train[1], minlength=n).view(-1, 1).float(),
        ),
        interaction_index,
        20,
        k=3,
        num_splits=2,
        test_ratio=0.25,
        seed=1,
    )
    assert 0.0 <= pop['paper_mean'] <= 1.0
