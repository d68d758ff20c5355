import pytest
import torch

from pyg_hopfield.evaluation import hit_rate_at_k


def hit_rate_reference(embedding, histories, k, seed_items):
    hits = []
    for items, s in zip(histories, seed_items):
        score = (embedding @ embedding[s]).tolist()
        ranked = sorted(
            (j for j in range(len(score)) if j != s), key=lambda j: -score[j]
        )[:k]
        hits.append(any(j in set(items.tolist()) for j in ranked))
    return sum(hits) / len(hits)


def seed_items(histories, seed):
    # The seed items hit_rate_at_k draws (one uniform draw per user):
    gen = torch.Generator().manual_seed(seed)
    count = torch.tensor([h.numel() for h in histories])
    offset = (
        torch.rand(len(histories), generator=gen, dtype=torch.float64) * count
    ).long()
    return [int(h[o]) for h, o in zip(histories, offset)]


def test_hand_computed():
    # Items 0, 1 point along x, 2, 3 along y.
    embedding = torch.tensor([[2.0, 0.0], [1.0, 0.0], [0.0, 2.0], [0.0, 1.0]])
    histories = [
        torch.tensor([0, 1]),  # always a hit: 0 <-> 1 are top-1
        torch.tensor([2, 3]),  # always a hit
        torch.tensor([0, 2]),  # never a hit with k=1
        torch.tensor([3]),  # only the seed item: never a hit
    ]
    assert hit_rate_at_k(embedding, histories, k=1) == 0.5
    assert hit_rate_at_k(embedding, histories, k=3) == 0.75


@pytest.mark.parametrize('k', [1, 5])
@pytest.mark.parametrize('seed', [0, 3])
def test_matches_reference_and_csr(k, seed):
    gen = torch.Generator().manual_seed(seed)
    embedding = torch.randn(30, 4, generator=gen)
    histories = [
        torch.randint(0, 30, (int(n),), generator=gen)
        for n in torch.randint(1, 6, (25,), generator=gen)
    ]
    out = hit_rate_at_k(embedding, histories, k=k, seed=seed)
    expected = hit_rate_reference(
        embedding, histories, k, seed_items(histories, seed)
    )
    assert out == pytest.approx(expected)

    row = torch.cat(
        [torch.full((h.numel(),), i) for i, h in enumerate(histories)]
    )
    col = torch.cat(histories)
    crow = torch.zeros(26, dtype=torch.long)
    crow[1:] = torch.bincount(row, minlength=25).cumsum(0)
    csr = torch.sparse_csr_tensor(
        crow, col, torch.ones(col.numel()), size=(25, 30)
    )
    assert hit_rate_at_k(embedding, csr, k=k, seed=seed) == out


def test_perfect_and_random():
    # 20 groups of 10 items; each user buys inside one group.
    group = torch.arange(200) // 10
    embedding = torch.nn.functional.one_hot(group).float()
    gen = torch.Generator().manual_seed(0)
    histories = [
        g * 10 + torch.randperm(10, generator=gen)[:3]
        for g in torch.randint(0, 20, (100,), generator=gen)
    ]
    assert hit_rate_at_k(embedding, histories, k=9) == 1.0
    # Random embeddings: P(hit) = 1 - C(197, 9) / C(199, 9) ~ 0.088.
    embedding = torch.randn(200, 8, generator=gen)
    many = histories * 20
    out = hit_rate_at_k(embedding, many, k=9)
    assert abs(out - 0.088) < 0.03


def test_empty_histories_are_ignored():
    embedding = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    histories = [torch.tensor([0, 1]), torch.zeros(0, dtype=torch.long)]
    assert hit_rate_at_k(embedding, histories, k=1) == 1.0


def test_bad_input():
    embedding = torch.randn(12, 2)
    histories = [torch.tensor([0, 1])]
    with pytest.raises(ValueError, match="'histories' contains item 12"):
        hit_rate_at_k(embedding, [torch.tensor([0, 12])])
    with pytest.raises(ValueError, match="'histories' contains item -1"):
        hit_rate_at_k(embedding, [torch.tensor([0, -1])])
    with pytest.raises(ValueError, match=r"'histories\[0\]' must be a 1-D"):
        hit_rate_at_k(embedding, [torch.tensor([0.0, 1.0])])
    with pytest.raises(ValueError, match="'histories' must be a list"):
        hit_rate_at_k(embedding, torch.tensor([[0, 1]]))
    with pytest.raises(ValueError, match="'histories' must be a"):
        hit_rate_at_k(embedding, torch.eye(3).to_sparse_csr())
    with pytest.raises(ValueError, match="'histories' holds no interaction"):
        hit_rate_at_k(embedding, [torch.zeros(0, dtype=torch.long)])
    with pytest.raises(ValueError, match="'k' must be >= 1 and <= 11"):
        hit_rate_at_k(embedding, histories, k=12)
    with pytest.raises(ValueError, match="'embedding' contains NaN"):
        hit_rate_at_k(embedding * float('nan'), histories)


def loo_draws(histories, seed):
    # The (seed, target) pairs of protocol='leave-one-out': distinct sorted
    # items, users with two or more, a seed then a target among the others.
    gen = torch.Generator().manual_seed(seed)
    items = [sorted(set(h.tolist())) for h in histories]
    items = [h for h in items if len(h) > 1]
    count = torch.tensor([len(h) for h in items])
    first = torch.rand(len(items), generator=gen, dtype=torch.float64)
    second = torch.rand(len(items), generator=gen, dtype=torch.float64)
    out = []
    for h, n, a, b in zip(items, count.tolist(), first, second):
        s = int(a * n)
        t = int(b * (n - 1))
        t += t >= s
        out.append((h[s], h[t]))
    return out


@pytest.mark.parametrize('k', [1, 4])
@pytest.mark.parametrize('seed', [0, 2])
def test_leave_one_out_matches_reference(k, seed):
    gen = torch.Generator().manual_seed(seed)
    embedding = torch.randn(20, 3, generator=gen)
    histories = [
        torch.randint(0, 20, (int(n),), generator=gen)
        for n in torch.randint(1, 7, (40,), generator=gen)
    ]
    hits = []
    for s, t in loo_draws(histories, seed):
        score = (embedding @ embedding[s]).tolist()
        ranked = sorted(
            (j for j in range(20) if j != s), key=lambda j: -score[j]
        )[:k]
        hits.append(t in ranked)
    out = hit_rate_at_k(
        embedding, histories, k=k, seed=seed, protocol='leave-one-out'
    )
    assert out == pytest.approx(sum(hits) / len(hits))


def test_leave_one_out_is_stricter():
    # Items 0..4 are one tight cluster: the paper protocol always hits,
    # leave-one-out only when the target is among the top k.
    embedding = torch.tensor([[1.0, 0.0]] * 5 + [[0.0, 1.0]] * 5)
    embedding = embedding + 0.01 * torch.arange(10.0).view(-1, 1)
    histories = [torch.tensor([0, 1, 2, 3, 4])] * 50
    assert hit_rate_at_k(embedding, histories, k=1) == 1.0
    loo = hit_rate_at_k(embedding, histories, k=1, protocol='leave-one-out')
    assert 0.1 < loo < 0.6
    assert (
        hit_rate_at_k(embedding, histories, k=4, protocol='leave-one-out')
        == 1.0
    )


def test_candidate_embedding_popularity():
    # Popularity as an asymmetric scorer: every seed recommends item 3.
    query = torch.ones(4, 1)
    candidate = torch.tensor([[1.0], [2.0], [3.0], [9.0]])
    histories = [torch.tensor([0, 3]), torch.tensor([1, 2])]
    out = hit_rate_at_k(
        query,
        histories,
        k=1,
        protocol='leave-one-out',
        candidate_embedding=candidate,
    )
    # User 0 hits iff its seed is 0 (target 3); user 1 never hits.
    seeds = [s for s, _ in loo_draws(histories, 0)]
    assert out == (seeds[0] == 0) / 2


def test_bad_protocol_and_candidates():
    embedding = torch.randn(12, 2)
    histories = [torch.tensor([0, 1])]
    with pytest.raises(ValueError, match="'protocol' must be one of"):
        hit_rate_at_k(embedding, histories, protocol='loo')
    with pytest.raises(
        ValueError, match="'candidate_embedding' must have the shape"
    ):
        hit_rate_at_k(
            embedding, histories, candidate_embedding=torch.randn(11, 2)
        )
    with pytest.raises(ValueError, match='two distinct items'):
        hit_rate_at_k(
            embedding, [torch.tensor([1, 1])], protocol='leave-one-out'
        )
