import pytest
import torch
from torch_geometric.testing import withDevice

from pyg_hopfield.memory import HopfieldNetwork
from pyg_hopfield.memory.functional import overlap

# The classic text's 4x4 demo: four stored patterns, one corrupted probe.
DEMO_PATTERNS = torch.tensor(
    [
        [-1, 1, 1, -1, -1, 1, 1, -1, -1, 1, 1, -1, -1, 1, 1, -1],
        [-1, -1, -1, -1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1],
        [-1, -1, 1, 1, -1, -1, 1, 1, 1, 1, -1, -1, 1, 1, -1, -1],
        [1, 1, -1, -1, 1, 1, -1, -1, -1, -1, 1, 1, -1, -1, 1, 1],
    ],
    dtype=torch.float,
)
DEMO_PROBE = torch.tensor(
    [1, -1, 1, 1, -1, -1, 1, 1, -1, 1, -1, -1, 1, 1, 1, 1], dtype=torch.float
)


def random_patterns(P, N, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return (2 * torch.randint(0, 2, (P, N), generator=gen) - 1).float()


def test_repr_and_weight():
    net = HopfieldNetwork(4000)
    assert str(net) == "HopfieldNetwork(4000, patterns=0, normalization='N')"
    net = HopfieldNetwork(4000)
    net.store(random_patterns(120, 4000))
    assert str(net) == "HopfieldNetwork(4000, patterns=120, normalization='N')"
    net = HopfieldNetwork(3, normalization='P')
    xi = torch.tensor([[1.0, -1.0, 1.0], [1.0, 1.0, 1.0]])
    net.store(xi)
    assert str(net) == "HopfieldNetwork(3, patterns=2, normalization='P')"
    expected = (xi.t() @ xi) / 2
    expected.fill_diagonal_(0)
    assert torch.allclose(net.weight, expected)
    net_n = HopfieldNetwork(3)
    net_n.store(xi)
    assert torch.allclose(net_n.weight, expected * 2 / 3)


def test_store_append():
    xi = random_patterns(6, 20)
    net = HopfieldNetwork(20, normalization='P')
    net.store(xi[:2])
    net.store(xi[2:], append=True)
    ref = HopfieldNetwork(20, normalization='P')
    ref.store(xi)
    assert net.num_patterns == 6
    assert torch.equal(net.weight, ref.weight)
    net.store(xi[:1])  # replaces
    assert net.num_patterns == 1


@pytest.mark.parametrize('mode', ['sync', 'async'])
@pytest.mark.parametrize('order', ['random', 'fixed'])
def test_classic_4x4_demo(mode, order):
    net = HopfieldNetwork(16, normalization='P')
    net.store(DEMO_PATTERNS)
    out, info = net.retrieve(
        DEMO_PROBE,
        mode=mode,
        order=order,
        max_steps=10,
        return_info=True,
        generator=torch.Generator().manual_seed(0),
    )
    assert out.shape == (16,)
    assert bool(info['converged'])
    # Patterns 2 and 3 are each other's negation; the probe is 4 bits away
    # from pattern 2 and the network recovers it, as in the text's figure.
    assert torch.equal(out, DEMO_PATTERNS[2])
    assert int((DEMO_PROBE != DEMO_PATTERNS[2]).sum()) == 4
    assert net.energy(out) < net.energy(DEMO_PROBE)


def test_stored_patterns_are_fixed_points_at_low_load():
    xi = random_patterns(10, 400)  # alpha = 0.025
    net = HopfieldNetwork(400)
    net.store(xi)
    gen = torch.Generator().manual_seed(0)
    noisy = xi * torch.where(
        torch.rand(xi.shape, generator=gen) < 0.15, -1.0, 1.0
    )
    for mode in ['sync', 'async']:
        out, info = net.retrieve(
            noisy, mode=mode, generator=gen, return_info=True
        )
        assert torch.equal(out, xi)
        assert bool(info['converged'].all())
        assert torch.equal(net.retrieve(xi, mode=mode), xi)
    assert torch.allclose(net.overlaps(xi).diagonal(), torch.ones(10))


def test_async_energy_decreases_and_reproducible():
    xi = random_patterns(30, 200, seed=3)
    net = HopfieldNetwork(200, threshold=0.05)
    net.store(xi)
    probes = random_patterns(8, 200, seed=4)
    e0 = net.energy(probes)
    out1 = net.retrieve(probes, generator=torch.Generator().manual_seed(5))
    out2 = net.retrieve(probes, generator=torch.Generator().manual_seed(5))
    assert torch.equal(out1, out2)
    assert bool((net.energy(out1) <= e0).all())
    # a fixed point: one more sweep changes nothing
    _, info = net.retrieve(out1, return_info=True)
    assert bool((info['num_steps'] == 1).all())


def test_stochastic_dynamics():
    xi = random_patterns(5, 300, seed=1)
    net = HopfieldNetwork(300)
    net.store(xi)
    gen = torch.Generator().manual_seed(0)
    cold = net.retrieve(
        xi, mode='stochastic', temperature=0.05, max_steps=5, generator=gen
    )
    assert bool((overlap(cold, xi) > 0.99).all())
    hot = net.retrieve(
        xi, mode='stochastic', temperature=50.0, max_steps=5, generator=gen
    )
    assert bool((overlap(hot, xi).abs() < 0.3).all())
    a = net.retrieve(
        xi,
        mode='stochastic',
        temperature=1.0,
        max_steps=3,
        generator=torch.Generator().manual_seed(7),
    )
    b = net.retrieve(
        xi,
        mode='stochastic',
        temperature=1.0,
        max_steps=3,
        generator=torch.Generator().manual_seed(7),
    )
    assert torch.equal(a, b)


def test_to_data_equals_couplings():
    net = HopfieldNetwork(6, threshold=torch.arange(6.0))
    net.store(
        torch.tensor(
            [
                [1.0, -1.0, 1.0, 1.0, -1.0, 1.0],
                [1.0, 1.0, 1.0, -1.0, -1.0, 1.0],
            ]
        )
    )
    data = net.to_data()
    J = net.weight
    assert data.num_nodes == 6
    dense = torch.zeros(6, 6)
    dense[data.edge_index[0], data.edge_index[1]] = data.edge_weight
    assert torch.equal(dense, J)
    assert data.edge_index.size(1) == int((J != 0).sum())
    assert bool((data.edge_weight != 0).all())
    assert bool((data.edge_index[0] != data.edge_index[1]).all())
    assert torch.equal(data.threshold, torch.arange(6.0))


def test_float64_counts_for_large_loads():
    net = HopfieldNetwork(4)
    assert net._counts_dtype(2**23) == torch.float64
    assert net._counts_dtype(10) == torch.float32


def test_bad_inputs():
    net = HopfieldNetwork(4)
    with pytest.raises(ValueError, match="'patterns' must contain only -1"):
        net.store(torch.tensor([[1.0, 0.0, 1.0, -1.0]]))
    with pytest.raises(ValueError, match="'patterns' has 3 neurons per row"):
        net.store(torch.ones(2, 3))
    with pytest.raises(ValueError, match="'patterns' must be 1-D or 2-D"):
        net.store(torch.ones(2, 2, 4))
    with pytest.raises(ValueError, match='2 \\* x - 1'):
        net.store(torch.ones(2, 4, dtype=torch.bool))
    with pytest.raises(ValueError, match='must be a torch.Tensor'):
        net.store([[1, -1, 1, -1]])
    net.store(torch.ones(1, 4))
    with pytest.raises(
        ValueError,
        match="'probes' has 5 neurons per row but the network has N=4",
    ):
        net.retrieve(torch.ones(2, 5))
    with pytest.raises(ValueError, match="'probes' must contain only"):
        net.retrieve(torch.full((2, 4), 0.5))
    with pytest.raises(ValueError, match="'mode' must be one of"):
        net.retrieve(torch.ones(1, 4), mode='parallel')
    with pytest.raises(ValueError, match="'order' must be one of"):
        net.retrieve(torch.ones(1, 4), order='reverse')
    with pytest.raises(ValueError, match="'temperature' must be a positive"):
        net.retrieve(torch.ones(1, 4), mode='stochastic')
    with pytest.raises(ValueError, match="only used by mode='stochastic'"):
        net.retrieve(torch.ones(1, 4), temperature=1.0)
    with pytest.raises(ValueError, match="'max_steps'"):
        net.retrieve(torch.ones(1, 4), max_steps=-1)
    with pytest.raises(ValueError, match="'states' has 2 neurons"):
        net.energy(torch.ones(1, 2))
    with pytest.raises(ValueError, match="'normalization' must be 'N'"):
        HopfieldNetwork(4, normalization='sqrt')
    with pytest.raises(ValueError, match="'num_neurons' must be a positive"):
        HopfieldNetwork(0)
    with pytest.raises(ValueError, match="'threshold' must be a scalar"):
        HopfieldNetwork(4, threshold=torch.zeros(3))


@withDevice
def test_device_follows_patterns(device):
    xi = random_patterns(20, 100)
    probes = random_patterns(6, 100, seed=1)
    cpu = HopfieldNetwork(100)
    cpu.store(xi)
    net = HopfieldNetwork(100)
    net.store(xi.to(device))
    assert net.weight.device.type == device.type
    for mode in ['sync', 'async']:
        a = cpu.retrieve(probes, mode=mode, order='fixed')
        b = net.retrieve(probes.to(device), mode=mode, order='fixed')
        assert b.device.type == device.type
        assert torch.equal(a, b.cpu())
    assert torch.allclose(
        cpu.energy(probes), net.energy(probes.to(device)).cpu()
    )
