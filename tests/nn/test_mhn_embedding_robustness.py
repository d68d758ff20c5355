r"""MHNEmbedding: non-finite arguments, seeded initial memories, resumable
training and batched energies (issue #16)."""

import pytest
import torch

from pyg_hopfield.nn import MHNEmbedding
from pyg_hopfield.transforms import KHopContext

EDGE_INDEX = torch.tensor(
    [
        [0, 1, 1, 2, 2, 3, 3, 4, 4, 0, 0, 2],
        [1, 0, 2, 1, 3, 2, 4, 3, 0, 4, 2, 0],
    ]
)


@pytest.fixture(autouse=True)
def single_thread():
    num_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(num_threads)


def context(num_nodes=5):
    return KHopContext(k=2).context(EDGE_INDEX, num_nodes)


@pytest.mark.parametrize('name', ['beta1', 'beta2', 'alpha', 'init_std'])
@pytest.mark.parametrize('value', [float('inf'), float('nan'), float('-inf')])
def test_non_finite_hyper_parameters_are_refused(name, value):
    with pytest.raises(ValueError, match=f"'{name}' must be a finite number"):
        MHNEmbedding(5, 4, **{name: value})


@pytest.mark.parametrize('name', ['lr', 'weight_decay'])
@pytest.mark.parametrize('value', [float('inf'), float('nan')])
def test_non_finite_fit_arguments_are_refused(name, value):
    model = MHNEmbedding(5, 4)
    with pytest.raises(ValueError, match=f"'{name}' must be a finite number"):
        model.fit(context(), max_epochs=1, **{name: value})


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_non_finite_context_values_are_refused(value):
    c = context()
    values = c.values().clone()
    values[3] = value
    bad = torch.sparse_csr_tensor(
        c.crow_indices(), c.col_indices(), values, c.size()
    )
    model = MHNEmbedding(5, 4)
    with pytest.raises(
        ValueError,
        match="'context' contains NaN or infinite values .* stored value 3",
    ):
        model(bad)
    with pytest.raises(ValueError, match="'context' contains NaN"):
        model.fit(bad, max_epochs=1)
    with pytest.raises(ValueError, match="'v' contains NaN"):
        model.energy(c, torch.full((5, 5), value))


def test_seed_reproduces_the_initial_memories():
    a = MHNEmbedding(5, 4, seed=3)
    torch.manual_seed(0)
    b = MHNEmbedding(5, 4, seed=3)
    assert torch.equal(a.context_memory, b.context_memory)
    assert torch.equal(a.target_memory, b.target_memory)
    assert not torch.equal(
        a.context_memory, MHNEmbedding(5, 4, seed=4).context_memory
    )
    torch.manual_seed(0)
    unseeded = MHNEmbedding(5, 4, init_std=0.5)
    assert torch.allclose(
        unseeded.context_memory.std(), torch.tensor(0.5), atol=0.3
    )
    with pytest.raises(ValueError, match="'seed' must be >= 0"):
        MHNEmbedding(5, 4, seed=-1)


@pytest.mark.parametrize('mask', ['node', 'ego'])
@pytest.mark.parametrize('num_negative_samples', [None, 2])
def test_checkpoint_resumes_bit_for_bit(tmp_path, mask, num_negative_samples):
    c = context()
    kwargs = dict(batch_size=2, lr=0.05, seed=7)
    make = dict(mask=mask, num_negative_samples=num_negative_samples, seed=1)
    straight = MHNEmbedding(5, 4, **make)
    torch.manual_seed(0)  # the sampled softmax draws from the global one
    history = straight.fit(c, max_epochs=4, **kwargs)

    path = tmp_path / 'ckpt.pt'
    first = MHNEmbedding(5, 4, **make)
    torch.manual_seed(0)
    first.fit(c, max_epochs=2, checkpoint=str(path), **kwargs)
    torch.manual_seed(12345)  # the global generator is restored too
    second = MHNEmbedding(5, 4, **make)  # fresh weights, overwritten
    resumed = second.fit(c, max_epochs=4, checkpoint=str(path), **kwargs)
    assert torch.equal(second.context_memory, straight.context_memory)
    assert torch.equal(second.target_memory, straight.target_memory)
    assert [row.loss for row in resumed] == [row.loss for row in history]
    assert [row.epoch for row in resumed] == [1, 2, 3, 4]
    assert sorted(p.name for p in tmp_path.iterdir()) == ['ckpt.pt']


def test_checkpoint_settings_must_match(tmp_path):
    c = context()
    path = str(tmp_path / 'ckpt.pt')
    MHNEmbedding(5, 4, seed=0).fit(
        c, max_epochs=1, batch_size=2, seed=0, checkpoint=path
    )
    with pytest.raises(
        ValueError,
        match='was written with batch_size=2 but this call has batch_size=3',
    ):
        MHNEmbedding(5, 4).fit(
            c, max_epochs=2, batch_size=3, seed=0, checkpoint=path
        )
    (tmp_path / 'junk.pt').write_bytes(b'')
    with pytest.raises(ValueError, match='could not be read'):
        MHNEmbedding(5, 4).fit(
            c, max_epochs=1, checkpoint=str(tmp_path / 'junk.pt')
        )


@pytest.mark.parametrize('dynamics', ['memory', 'literal'])
def test_batched_energy_equals_the_literal_one(dynamics):
    c = context()
    model = MHNEmbedding(5, 4, dynamics=dynamics, seed=0, init_std=1.0)
    with torch.no_grad():
        trajectory = model.retrieve(c, return_trajectory=True)
        literal = torch.stack([model.energy(c, v) for v in trajectory], 1)
        batched = model.energy(c, return_trajectory=True, batch_size=2)
        final = model.energy(c, batch_size=3)
    assert batched.size() == (5, model.num_steps + 1)
    assert torch.allclose(batched, literal, atol=1e-5)
    assert torch.allclose(final, literal[:, -1], atol=1e-5)
    assert torch.allclose(
        model.energy(c, trajectory[-1], batch_size=2), literal[:, -1]
    )
    rows = torch.tensor([4, 1])
    assert torch.allclose(
        model.retrieve(c, batch=rows), trajectory[-1][rows], atol=1e-6
    )
    with pytest.raises(
        ValueError,
        match="'return_trajectory' and 'num_steps' apply only without 'v'",
    ):
        model.energy(c, trajectory[-1], return_trajectory=True)
    with pytest.raises(ValueError, match="'batch_size' must be >= 1"):
        model.energy(c, batch_size=0)
