import pytest
import torch

from pyg_hopfield.evaluation import (
    jaccard_auc,
    jaccard_coefficient,
    link_prediction_auc,
)

# A path 0 - 1 - 2 - 3 plus the triangle 1 - 2 - 4:
EDGE_INDEX = torch.tensor(
    [
        [0, 1, 1, 2, 2, 3, 1, 4, 2, 4],
        [1, 0, 2, 1, 3, 2, 4, 1, 4, 2],
    ]
)


def jaccard_reference(edge_index, pairs):
    neighbours = {}
    for u, v in edge_index.t().tolist():
        neighbours.setdefault(u, set()).add(v)
    out = []
    for u, v in pairs.t().tolist():
        a, b = neighbours.get(u, set()), neighbours.get(v, set())
        out.append(len(a & b) / len(a | b) if a | b else 0.0)
    return torch.tensor(out)


def test_jaccard_hand_computed():
    pairs = torch.tensor([[0, 1, 3, 4, 0, 2], [2, 2, 4, 1, 0, 1]])
    out = jaccard_coefficient(EDGE_INDEX, 5, pairs)
    # N(0)={1}, N(1)={0,2,4}, N(2)={1,3,4}, N(3)={2}, N(4)={1,2}
    expected = torch.tensor([1 / 3, 1 / 5, 1 / 2, 1 / 4, 1.0, 1 / 5])
    assert torch.allclose(out, expected)
    assert out.dtype == torch.float


@pytest.mark.parametrize('num_nodes', [30, 200])
@pytest.mark.parametrize('seed', [0, 1])
def test_jaccard_matches_sets(num_nodes, seed):
    gen = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, num_nodes, (2, 4 * num_nodes), generator=gen)
    edge_index = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    edge_index = torch.cat([edge_index, edge_index[:, :7]], dim=1)  # dups
    pairs = torch.randint(0, num_nodes + 5, (2, 300), generator=gen)
    out = jaccard_coefficient(edge_index, num_nodes + 5, pairs)
    assert torch.allclose(out, jaccard_reference(edge_index, pairs))


def test_jaccard_isolated_and_empty():
    pairs = torch.tensor([[5, 5], [6, 0]])
    out = jaccard_coefficient(EDGE_INDEX, 7, pairs)
    assert out.tolist() == [0.0, 0.0]
    empty = torch.zeros(2, 0, dtype=torch.long)
    assert jaccard_coefficient(empty, 3, pairs[:, :0] * 0).numel() == 0
    assert jaccard_coefficient(empty, 7, pairs).tolist() == [0.0, 0.0]


def test_link_prediction_auc_perfect_and_reference():
    from sklearn.metrics import roc_auc_score

    embedding = torch.tensor([[3.0, 0.0], [3.0, 0.0], [0.0, 3.0], [0.0, 3.0]])
    pos = torch.tensor([[0, 2], [1, 3]])
    neg = torch.tensor([[0, 1], [2, 3]])
    out = link_prediction_auc(embedding, pos, neg)
    assert set(out) == {'auc', 'fpr', 'tpr', 'scores', 'labels'}
    assert out['auc'] == 1.0
    assert torch.allclose(
        out['scores'],
        torch.sigmoid(torch.tensor([9.0, 9.0, 0.0, 0.0])).double(),
    )
    assert out['labels'].tolist() == [1, 1, 0, 0]
    assert out['fpr'][0] == 0 and out['tpr'][-1] == 1

    gen = torch.Generator().manual_seed(0)
    embedding = torch.randn(50, 4, generator=gen)
    pos = torch.randint(0, 50, (2, 40), generator=gen)
    neg = torch.randint(0, 50, (2, 30), generator=gen)
    out = link_prediction_auc(embedding, pos, neg)
    score = [
        float(embedding[u] @ embedding[v])
        for u, v in torch.cat([pos, neg], dim=1).t().tolist()
    ]
    assert out['auc'] == pytest.approx(
        roc_auc_score([1] * 40 + [0] * 30, score)
    )


def test_link_prediction_auc_does_not_saturate():
    # sigma(60) == sigma(80) == 1.0 in float64, the logits still rank them:
    embedding = torch.tensor([[8.0, 0.0], [10.0, 0.0], [7.5, 0.0]])
    pos = torch.tensor([[0], [1]])  # logit 80
    neg = torch.tensor([[0], [2]])  # logit 60
    assert link_prediction_auc(embedding, pos, neg)['auc'] == 1.0


def test_link_prediction_auc_random_is_near_chance():
    gen = torch.Generator().manual_seed(0)
    embedding = torch.randn(2000, 32, generator=gen)
    pos = torch.randint(0, 2000, (2, 2000), generator=gen)
    neg = torch.randint(0, 2000, (2, 2000), generator=gen)
    assert abs(link_prediction_auc(embedding, pos, neg)['auc'] - 0.5) < 0.05


def test_jaccard_auc():
    pos = torch.tensor([[0, 3], [2, 4]])  # share neighbours 1 and 2
    neg = torch.tensor([[0, 3], [3, 0]])  # share none
    out = jaccard_auc(EDGE_INDEX, 5, pos, neg)
    assert out['auc'] == 1.0
    assert out['scores'].tolist() == pytest.approx([1 / 3, 1 / 2, 0.0, 0.0])


def test_bad_input():
    embedding = torch.randn(4, 2)
    pos = torch.tensor([[0], [1]])
    with pytest.raises(ValueError, match="'pos_edge_index' contains node 4"):
        link_prediction_auc(embedding, pos + 3, pos)
    with pytest.raises(ValueError, match="'neg_edge_index' contains the neg"):
        link_prediction_auc(embedding, pos, pos - 1)
    with pytest.raises(ValueError, match="'neg_edge_index' must have dtype"):
        link_prediction_auc(embedding, pos, pos.int())
    with pytest.raises(ValueError, match=r"'pos_edge_index' must have shape"):
        link_prediction_auc(embedding, pos.t(), pos)
    with pytest.raises(ValueError, match="'pos_edge_index' is empty"):
        link_prediction_auc(embedding, pos[:, :0], pos)
    with pytest.raises(ValueError, match="'embedding' contains NaN"):
        link_prediction_auc(embedding / 0 * 0, pos, pos)
    with pytest.raises(ValueError, match="'edge_index' contains node 4"):
        jaccard_coefficient(EDGE_INDEX, 4, pos)
    with pytest.raises(ValueError, match="'pairs' contains node 9"):
        jaccard_coefficient(EDGE_INDEX[:, :2], 5, pos + 8)
    with pytest.raises(ValueError, match="'num_nodes'"):
        jaccard_coefficient(EDGE_INDEX, 0, pos)
