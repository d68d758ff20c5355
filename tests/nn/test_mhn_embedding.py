import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_geometric import seed_everything

from pyg_hopfield.nn import MHNEmbedding
from pyg_hopfield.nn import mhn_functional as MF


@pytest.fixture(autouse=True)
def single_thread():
    # The models here are tiny: with several intra-op threads on a loaded
    # machine every op pays thread wake-ups (a 0.1 s fit took 50 s).
    num_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(num_threads)


def csr(edge_index, num_rows, num_cols=None, value=None):
    num_cols = num_rows if num_cols is None else num_cols
    if value is None:
        value = torch.ones(edge_index.size(1))
    coo = torch.sparse_coo_tensor(edge_index, value, (num_rows, num_cols))
    return coo.coalesce().to_sparse_csr()


def planted_graph(num_blocks=4, block_size=30, p_in=0.3, p_out=0.01, seed=0):
    gen = torch.Generator().manual_seed(seed)
    n = num_blocks * block_size
    y = torch.arange(n) // block_size
    prob = torch.where(y.view(-1, 1) == y.view(1, -1), p_in, p_out)
    adj = torch.rand(n, n, generator=gen) < prob
    adj = torch.triu(adj, diagonal=1)
    adj = adj | adj.t()
    return adj.nonzero().t(), y


def random_context(num_rows, num_nodes, density=0.3, seed=0):
    gen = torch.Generator().manual_seed(seed)
    mask = torch.rand(num_rows, num_nodes, generator=gen) < density
    return csr(
        mask.nonzero().t(),
        num_rows,
        num_nodes,
        torch.rand(int(mask.sum()), generator=gen) + 0.5,
    )


def test_mhn_embedding_repr_and_shapes():
    model = MHNEmbedding(3890, 2000)
    assert str(model) == 'MHNEmbedding(3890, 2000, steps=7)'
    assert model.psi.size() == (2000, 3890)
    assert model.phi.size() == (2000, 3890)
    assert (model.beta1, model.beta2, model.alpha) == (1.0, 0.5, 0.2)

    edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    context = csr(edge_index, 3)
    model = MHNEmbedding(3, 8, num_steps=3, walk_weights=(1.0,))
    assert str(model) == 'MHNEmbedding(3, 8, steps=3)'
    assert model(context).size() == (3, 8)
    assert model(context, torch.tensor([2])).size() == (1, 8)
    # The embedding is Psi c:
    assert torch.allclose(model(context), context.to_dense() @ model.psi.t())
    assert model.retrieve(context).size() == (3, 3)
    trajectory = model.retrieve(context, return_trajectory=True)
    assert len(trajectory) == 4 and bool((trajectory[0] == 0).all())
    assert model.energy(context, trajectory[-1]).size() == (3,)


def test_csr_rows():
    context = random_context(6, 5, seed=1)
    index = torch.tensor([4, 0, 4, 2])
    out = MF.csr_rows(context, index)
    assert out.layout == torch.sparse_csr
    assert torch.equal(out.to_dense(), context.to_dense()[index])


@pytest.mark.parametrize('negatives', [None, 3])
def test_memory_space_equals_literal(negatives):
    # v(t) = Phi^T a(t): the K-space dynamics are eq. 1-3, values and grads.
    seed_everything(0)
    m, K = 12, 5
    model = MHNEmbedding(
        m, K, num_steps=7, beta1=1.3, beta2=0.7, alpha=0.3, init_std=0.5
    ).double()
    literal = MHNEmbedding(
        m, K, num_steps=7, beta1=1.3, beta2=0.7, alpha=0.3, dynamics='literal'
    ).double()
    literal.load_state_dict(model.state_dict())
    context = random_context(m, m).double()
    model.set_walk(context)
    literal.set_walk(context)

    traj_a = model.retrieve(context, return_trajectory=True)
    traj_b = literal.retrieve(context, return_trajectory=True)
    for va, vb in zip(traj_a, traj_b):
        assert torch.allclose(va, vb, atol=1e-12)

    batch = torch.arange(m)
    model.num_negative_samples = negatives
    literal.num_negative_samples = negatives
    seed_everything(1)
    loss_a = model.loss(context, batch)
    loss_a.backward()
    seed_everything(1)
    loss_b = literal.loss(context, batch)
    loss_b.backward()
    assert torch.allclose(loss_a, loss_b, atol=1e-12)
    for pa, pb in zip(model.parameters(), literal.parameters()):
        assert torch.allclose(pa.grad, pb.grad, atol=1e-10)


def test_gram_matrix_gradcheck():
    x = torch.randn(7, 3, dtype=torch.double, requires_grad=True)
    assert torch.autograd.gradcheck(MF.gram_matrix, (x,))


def test_sampled_softmax_covering_all_nodes_is_full_softmax():
    seed_everything(0)
    model = MHNEmbedding(10, 4, init_std=0.5).double()
    context = random_context(10, 10, seed=2).double()
    model.set_walk(context)
    batch = torch.arange(10)
    full = model.loss(context, batch)
    model.num_negative_samples = 10_000  # draws every node w.h.p.
    assert torch.allclose(model.loss(context, batch), full)


@settings(max_examples=30, deadline=None)
@given(
    alpha=st.floats(0.01, 1.0),
    beta1=st.floats(0.1, 5.0),
    beta2=st.floats(0.0, 5.0),
    std=st.floats(0.05, 2.0),
    seed=st.integers(0, 2**16),
    dynamics=st.sampled_from(['memory', 'literal']),
)
def test_energy_never_increases(alpha, beta1, beta2, std, seed, dynamics):
    torch.manual_seed(seed)
    model = MHNEmbedding(
        9,
        6,
        num_steps=15,
        beta1=beta1,
        beta2=beta2,
        alpha=alpha,
        init_std=std,
        dynamics=dynamics,
        walk_weights=(1.0,),
    ).double()
    context = random_context(4, 9, seed=seed).double()
    with torch.no_grad():
        trajectory = model.retrieve(context, return_trajectory=True)
        energy = torch.stack([model.energy(context, v) for v in trajectory])
    diff = energy[1:] - energy[:-1]
    assert bool((diff <= 1e-9 * (1 + energy[:-1].abs())).all()), diff.max()


def _accuracy(z_train, y_train, z_test, y_test):
    from sklearn.linear_model import LogisticRegression

    z_train = torch.nn.functional.normalize(z_train, dim=-1)
    z_test = torch.nn.functional.normalize(z_test, dim=-1)
    clf = LogisticRegression(max_iter=1000).fit(
        z_train.numpy(), y_train.numpy()
    )
    return clf.score(z_test.numpy(), y_test.numpy())


@pytest.mark.parametrize('mask', ['node', 'ego'])
def test_planted_communities_beat_chance(mask):
    seed_everything(0)
    edge_index, y = planted_graph()
    n = y.numel()
    context = csr(edge_index, n)
    model = MHNEmbedding(n, 32, init_std=0.1, mask=mask)
    history = model.fit(context, max_epochs=40, batch_size=40, lr=0.05, seed=0)
    assert [row.epoch for row in history] == list(range(1, 41))
    assert history[-1].loss < history[0].loss
    with torch.no_grad():
        z = model(context)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(0))
    train, test = perm[:80], perm[80:]
    # Chance is 0.25 on four equal communities.
    assert _accuracy(z[train], y[train], z[test], y[test]) >= 0.8


def test_inductive_embedding_of_unseen_nodes():
    seed_everything(0)
    edge_index, y = planted_graph(block_size=40)
    n = y.numel()
    seen = torch.arange(n) % 5 != 0  # every fifth node is never trained on
    old_index = torch.full((n,), -1).masked_scatter_(
        seen, torch.arange(int(seen.sum()))
    )
    m = int(seen.sum())

    row, col = edge_index
    keep = seen[row] & seen[col]
    train_context = csr(old_index[edge_index[:, keep]], m)
    model = MHNEmbedding(m, 32)
    model.fit(train_context, epochs=40, batch_size=32, lr=0.05, seed=0)

    # An unseen node's context: its edges to the training nodes only.
    unseen = (~seen).nonzero().view(-1)
    new_row = torch.full((n,), -1)
    new_row[unseen] = torch.arange(unseen.numel())
    keep = ~seen[row] & seen[col]
    new_context = csr(
        torch.stack([new_row[row[keep]], old_index[col[keep]]]),
        unseen.numel(),
        m,
    )
    with torch.no_grad():
        z_seen = model(train_context)
        z_new = model(new_context)
    assert z_new.size() == (unseen.numel(), 32)
    acc = _accuracy(z_seen, y[seen], z_new, y[unseen])
    assert acc >= 0.8


@pytest.mark.parametrize('mask', ['node', 'ego'])
def test_seed_reproducibility(mask):
    edge_index, _ = planted_graph(block_size=10)
    context = csr(edge_index, 40)
    out = []
    for _ in range(2):
        seed_everything(123)
        model = MHNEmbedding(40, 8, num_negative_samples=5, mask=mask)
        model.fit(context, epochs=3, batch_size=16, seed=7)
        with torch.no_grad():
            out.append(model(context))
    assert torch.equal(out[0], out[1])


def test_loader():
    edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    context = csr(edge_index, 3)
    model = MHNEmbedding(3, 4)
    batch, rows = next(iter(model.loader(context, batch_size=2)))
    assert batch.tolist() == [0, 1]
    assert torch.equal(rows.to_dense(), context.to_dense()[:2])
    assert model.loss(rows, batch).dim() == 0


def test_mask_ego_rows_masks_one_member_of_each_ego_network():
    edge_index, _ = planted_graph(block_size=10)
    context = csr(edge_index, 40)
    dense = context.to_dense()
    closed = dense + torch.eye(40)
    index = torch.arange(40).repeat(50)
    gen = torch.Generator().manual_seed(0)
    rows, target = MF.mask_ego_rows(context, index, gen)
    rows = rows.to_dense()
    # Adding the masked member back gives the closed neighbourhood:
    restored = rows.clone()
    restored[torch.arange(index.numel()), target] = closed[index, target]
    assert torch.equal(restored, closed[index])
    assert bool((closed[index, target] > 0).all())
    assert bool((rows[torch.arange(index.numel()), target] == 0).all())
    # Every member of every ego network is drawn (2,000 draws, <= 16 each):
    drawn = torch.zeros(40, 40)
    drawn[index, target] = 1.0
    assert torch.equal(drawn, (closed > 0).float())


def test_ego_loader_yields_masked_targets():
    edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    context = csr(edge_index, 3)
    model = MHNEmbedding(3, 4, mask='ego')
    assert str(model) == "MHNEmbedding(3, 4, steps=7, mask='ego')"
    gen = torch.Generator().manual_seed(0)
    target, rows = next(iter(model.loader(context, gen, batch_size=3)))
    closed = context.to_dense() + torch.eye(3)
    assert bool((closed[torch.arange(3), target] == 1).all())
    assert torch.equal(rows.to_dense().sum(1), closed.sum(1) - 1)
    assert model.loss(rows, target).dim() == 0


@pytest.mark.parametrize(
    'kwargs,match',
    [
        (dict(num_nodes=0), 'num_nodes'),
        (dict(num_memories=-1), 'num_memories'),
        (dict(num_memories=2.5), 'num_memories'),
        (dict(num_steps=-1), 'num_steps'),
        (dict(alpha=0.0), 'alpha'),
        (dict(alpha=1.5), 'alpha'),
        (dict(beta1=0.0), 'beta1'),
        (dict(beta2=-1.0), 'beta2'),
        (dict(num_negative_samples=0), 'num_negative_samples'),
        (dict(dynamics='fast'), 'dynamics'),
        (dict(init_std=0.0), 'init_std'),
        (dict(mask='self'), 'mask'),
        (dict(walk_weights=()), 'walk_weights'),
        (dict(walk_weights=(0.0, 1.0)), 'walk_weights'),
        (dict(walk_weights=(1.0, -1.0)), 'walk_weights'),
        (dict(walk_weights=(1.0, float('nan'))), 'walk_weights'),
        (dict(walk_weights='12'), 'walk_weights'),
        (dict(readout='memory'), 'readout'),
    ],
)
def test_bad_hyper_parameters(kwargs, match):
    args = dict(num_nodes=3, num_memories=4)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        MHNEmbedding(**args)


def test_bad_inputs():
    edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    context = csr(edge_index, 3)
    model = MHNEmbedding(3, 4)
    with pytest.raises(ValueError, match="'context'.*CSR"):
        model(context.to_dense())
    with pytest.raises(ValueError, match="'context'.*shape"):
        model(csr(edge_index, 3, 5))
    with pytest.raises(ValueError, match="'batch'"):
        model(context, torch.tensor([3]))
    with pytest.raises(ValueError, match="'batch'"):
        model.loss(context, torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="'v'"):
        model.energy(context, torch.zeros(3, 2))
    with pytest.raises(ValueError, match="'max_epochs'"):
        model.fit(context, max_epochs=-1)
    with pytest.raises(ValueError, match="'epochs'"):
        model.fit(context, epochs=-1)
    with pytest.raises(ValueError, match="'patience'"):
        model.fit(context, patience=0)
    with pytest.raises(ValueError, match="'val_neg_edge_index'"):
        model.fit(context, val_pos_edge_index=edge_index)
    with pytest.raises(ValueError, match="'lr'"):
        model.fit(context, lr=0.0)
    with pytest.raises(ValueError, match="'batch_size'"):
        model.fit(context, batch_size=0)


def _scripted_validation(model, scores):
    # Replaces the link AUC by a fixed sequence, one score per call.
    scores = iter(scores)
    model.validation_auc = lambda *args: next(scores)


@pytest.mark.parametrize(
    'scores,patience,best,last',
    [
        ([0.9, 0.8, 0.85, 0.7], 2, 0, 2),
        ([0.5, 0.6, 0.9, 0.7, 0.8, 0.6, 0.95], 3, 2, 5),
        ([0.5, 0.6, 0.7], 3, 2, 2),
    ],
)
def test_fit_early_stopping_restores_best_epoch(scores, patience, best, last):
    edge_index, _ = planted_graph(block_size=10)
    context = csr(edge_index, 40)
    torch.manual_seed(0)
    model = MHNEmbedding(40, 8)
    states = [model.context_memory.detach().clone()]

    def keep(epoch, loss):
        states.append(model.context_memory.detach().clone())

    _scripted_validation(model, scores)
    pairs = torch.tensor([[0], [1]])
    history = model.fit(
        context,
        max_epochs=len(scores) - 1,
        batch_size=16,
        lr=0.05,
        seed=0,
        callback=keep,
        val_pos_edge_index=pairs,
        val_neg_edge_index=pairs,
        patience=patience,
    )
    assert [row.epoch for row in history] == list(range(last + 1))
    assert [row.score for row in history] == scores[: last + 1]
    assert model.history is history
    assert torch.isnan(torch.tensor(history[0].loss))
    assert all(row.loss > 0 for row in history[1:])
    seconds = [row.seconds for row in history]
    assert seconds == sorted(seconds)
    assert torch.equal(model.context_memory, states[best])
    assert not torch.equal(states[0], states[1])


def test_fit_zero_epochs_is_untrained():
    edge_index, _ = planted_graph(block_size=10)
    context = csr(edge_index, 40)
    model = MHNEmbedding(40, 8)
    before = model.context_memory.detach().clone()
    assert model.fit(context, max_epochs=0) == []
    pairs = torch.tensor([[0, 2], [1, 3]])
    history = model.fit(
        context,
        max_epochs=0,
        val_pos_edge_index=pairs,
        val_neg_edge_index=pairs.flip(0) + 10,
    )
    assert len(history) == 1 and history[0].epoch == 0
    assert 0.0 <= history[0].score <= 1.0
    assert torch.equal(model.context_memory, before)


def test_validation_auc_of_planted_graph():
    from pyg_hopfield.utils import seal_link_split

    edge_index, _ = planted_graph()
    n = 120
    train, pos, neg = seal_link_split(edge_index, n, 0.2, seed=0)
    context = csr(train, n)
    torch.manual_seed(0)
    model = MHNEmbedding(n, 64, walk_weights=(1.0,))
    history = model.fit(
        context,
        max_epochs=30,
        batch_size=40,
        lr=0.05,
        seed=0,
        val_pos_edge_index=pos,
        val_neg_edge_index=neg,
        patience=3,
    )
    scores = [row.score for row in history]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    # Held-out edges first get more predictable, then less (the loss keeps
    # falling): training stops 3 epochs after the best and returns to it.
    assert 0 < best < 30 and len(history) == best + 4
    assert scores[best] > scores[0] + 0.05 and scores[-1] < scores[best]
    assert model.validation_auc(context, pos, neg) == scores[best]


def test_fit_uses_the_fused_adam_kernel(monkeypatch):
    seen = []
    adam = torch.optim.Adam

    def spy(*args, **kwargs):
        seen.append(kwargs.get('fused'))
        return adam(*args, **kwargs)

    monkeypatch.setattr(torch.optim, 'Adam', spy)
    edge_index, _ = planted_graph(block_size=10)
    model = MHNEmbedding(40, 8)
    model.fit(csr(edge_index, 40), max_epochs=1, batch_size=16)
    assert seen == [True]


@pytest.mark.parametrize('weights', [(1.0, 2.0), (1.0, 0.0, 3.0)])
def test_window_context_is_psi_of_the_random_walk_window(weights):
    # xi = Psi c~, c~ = sum_r w_r c P^(r-1) / sum_r w_r, P = D_C^-1 C:
    seed_everything(0)
    m = 9
    context = random_context(m, m, seed=3).double()
    model = MHNEmbedding(m, 5, walk_weights=weights).double()
    dense = context.to_dense()
    walk = dense / dense.sum(-1, keepdim=True).clamp_min(1e-300)
    window = sum(
        w * dense @ torch.linalg.matrix_power(walk, r)
        for r, w in enumerate(weights)
    ) / sum(weights)
    expected = window @ model.psi.t()
    assert torch.allclose(model(context), expected, atol=1e-12)
    assert torch.allclose(
        model(context, torch.tensor([4, 1])), expected[[4, 1]]
    )
    # Rows that are not the square training context use the stored walk:
    rows = MF.csr_rows(context, torch.tensor([2, 7, 2]))
    with pytest.raises(ValueError, match='set_walk'):
        model(rows)
    model.set_walk(context)
    assert torch.allclose(model(rows), expected[[2, 7, 2]], atol=1e-12)


def test_loss_needs_the_walk_of_the_training_context():
    seed_everything(0)
    context = random_context(6, 6, seed=4)
    model = MHNEmbedding(6, 4)
    with pytest.raises(ValueError, match='loader'):
        model.loss(context, torch.arange(6))
    target, rows = next(iter(model.loader(context, batch_size=6)))
    loss = model.loss(rows, target)
    loss.backward()
    assert model.context_memory.grad.abs().sum() > 0


def test_state_readout_is_the_memory_activation_after_t_steps():
    seed_everything(0)
    context = random_context(8, 8, seed=5)
    model = MHNEmbedding(8, 6, num_steps=4, readout='state')
    with torch.no_grad():
        xi = model.context_embedding(context)
        a = MF.retrieve_memory_space(
            MF.gram_matrix(model.target_memory), xi, 4, 1.0, 0.5, 0.2
        )
        assert torch.allclose(model(context, batch_size=3), a, atol=1e-6)
        # v(T) = Phi^T a(T), the retrieval of the same contexts:
        assert torch.allclose(
            model.retrieve(context), a @ model.phi, atol=1e-5
        )


def test_fit_progress_bar_shows_loss_and_validation_auc(capsys):
    from pyg_hopfield.utils import seal_link_split

    edge_index, _ = planted_graph()
    train, pos, neg = seal_link_split(edge_index, 120, 0.2, seed=0)
    model = MHNEmbedding(120, 16, seed=0)
    history = model.fit(
        csr(train, 120),
        max_epochs=2,
        batch_size=60,
        seed=0,
        val_pos_edge_index=pos,
        val_neg_edge_index=neg,
        progress=True,
    )
    err = capsys.readouterr().err
    assert '2/2' in err and f'loss={history[-1].loss:.4f}' in err
    assert f'val_auc={history[-1].score:.4f}' in err and 'best=' in err
