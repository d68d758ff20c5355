r"""The classic binary Hopfield network."""

import torch
from torch import Tensor

from pyg_hopfield.memory import functional as F

__all__ = ['HopfieldNetwork']

_MODES = ('sync', 'async', 'stochastic')
_ORDERS = ('random', 'fixed')
_NORMALIZATIONS = ('N', 'P')


def check_bipolar(
    name: str,
    x: Tensor,
    num_neurons: int | None = None,
    ndim: tuple[int, ...] = (2,),
) -> None:
    r"""Raises a :class:`ValueError` naming :obj:`name` unless :obj:`x` is a
    {-1, +1} tensor of the allowed rank with :obj:`num_neurons` columns."""
    if not isinstance(x, Tensor):
        raise ValueError(  # noqa: TRY004 (the contract asks for ValueError)
            f"'{name}' must be a torch.Tensor, got "
            f'{type(x).__name__}; wrap it with torch.as_tensor'
        )
    if x.dim() not in ndim:
        want = ' or '.join(f'{d}-D' for d in ndim)
        raise ValueError(
            f"'{name}' must be {want} ([num_rows, N]), got shape "
            f'{tuple(x.shape)}; reshape it to [num_rows, N]'
        )
    if x.is_complex() or x.dtype == torch.bool:
        raise ValueError(
            f"'{name}' must hold -1/+1 numbers, got dtype "
            f'{x.dtype}; map a {{0, 1}} tensor with 2 * x - 1'
        )
    if num_neurons is not None and x.size(-1) != num_neurons:
        raise ValueError(
            f"'{name}' has {x.size(-1)} neurons per row but the "
            f'network has N={num_neurons}; pass rows of length '
            f'{num_neurons}'
        )
    if x.numel() > 0:
        bad = (x != 1) & (x != -1)
        if bool(bad.any()):
            where = tuple(int(i) for i in bad.nonzero()[0])
            raise ValueError(
                f"'{name}' must contain only -1 and +1 values, got "
                f'{x[where].item()} at position {where}; map {{0, 1}} data '
                f'with 2 * x - 1 and use torch.where(x >= 0, 1, -1) for '
                f'real-valued data'
            )


class HopfieldNetwork(torch.nn.Module):
    r"""The binary associative memory from the `"Neural networks and
    physical systems with emergent collective computational abilities"
    <https://www.pnas.org/doi/10.1073/pnas.79.8.2554>`_ paper.

    :math:`N` bipolar neurons :math:`s_i \in \{-1, +1\}` store :math:`P`
    patterns :math:`\xi^{\mu}` with the Hebb rule

    .. math::
        J_{ij} = \frac{1}{Z} \sum_{\mu=1}^{P} \xi^{\mu}_i \xi^{\mu}_j
        \quad (i \neq j), \qquad J_{ii} = 0,

    and retrieve them as fixed points of

    .. math::
        s_i \leftarrow \operatorname{sign}\Big(\sum_{j} J_{ij} s_j -
        \theta_i\Big),

    which never raises the energy

    .. math::
        E(\mathbf{s}) = -\frac{1}{2} \mathbf{s}^{\top} \mathbf{J} \mathbf{s}
        + \boldsymbol{\theta}^{\top} \mathbf{s},

    where :math:`Z = N` (:obj:`normalization='N'`, used by Hopfield, by
    Amit, Gutfreund and Sompolinsky, whose capacity
    :math:`\alpha_c = P / N \approx 0.138` refers to it, and by the
    random-feature Hopfield papers) or :math:`Z = P` (:obj:`normalization=
    'P'`, the classic tutorial text's "divide by the number of patterns"),
    :math:`\theta_i` the thresholds, and a zero argument of the sign keeps
    the current state (our choice: it guarantees :math:`\Delta E \le 0` and
    well-defined fixed points; the tutorial sets :math:`-1` instead).  With
    zero thresholds both normalisations give the same deterministic
    dynamics; they differ with thresholds, temperatures and energies.

    Three dynamics are available in :meth:`retrieve`: synchronous (all
    neurons at once), asynchronous (one neuron at a time, in a fixed or a
    fresh random order every sweep) and stochastic Glauber dynamics at
    temperature :math:`T = 1 / \beta`,

    .. math::
        P(s_i = +1) = \frac{1}{1 + \exp(-2 \beta (h_i - \theta_i))}.

    The couplings are held as exact integer counts :math:`Z J_{ij}` (in
    :obj:`float32`, or :obj:`float64` when :math:`P (N - 1) \ge 2^{24}`), so
    the incrementally updated fields of the asynchronous sweep never drift.
    Memory is dense: :math:`N^2` floats (64 MB at :math:`N = 4000`).  The
    device follows the stored patterns.

    .. note::

        For examples see :obj:`examples/hopfield_capacity.py` and
        :obj:`examples/hopfield_pattern_demo.py` in the repository.

    Args:
        num_neurons (int): The number of neurons :math:`N`.
        normalization (str, optional): :obj:`'N'` or :obj:`'P'`, the
            divisor :math:`Z` of the Hebb rule. (default: :obj:`'N'`)
        threshold (float or torch.Tensor, optional): The thresholds
            :math:`\theta`, a scalar or ``[N]``. (default: :obj:`0.0`)

    Examples:
        >>> net = HopfieldNetwork(4)
        >>> net.store(torch.tensor([[1., -1., 1., -1.]]))
        >>> net.retrieve(torch.tensor([[1., 1., 1., -1.]]), mode='sync')
        tensor([[ 1., -1.,  1., -1.]])
    """

    couplings: Tensor
    threshold: Tensor
    patterns: Tensor

    def __init__(
        self,
        num_neurons: int,
        normalization: str = 'N',
        threshold: float | Tensor = 0.0,
    ) -> None:
        super().__init__()
        if not isinstance(num_neurons, int) or num_neurons < 1:
            raise ValueError(
                f"'num_neurons' must be a positive int, got {num_neurons!r}"
            )
        if normalization not in _NORMALIZATIONS:
            raise ValueError(
                f"'normalization' must be 'N' (J = xi^T xi / N, "
                f"the literature's) or 'P' (J = xi^T xi / P), "
                f'got {normalization!r}'
            )
        self.num_neurons = num_neurons
        self.normalization = normalization
        theta = torch.as_tensor(threshold, dtype=torch.float32)
        if theta.dim() == 0:
            theta = theta.expand(num_neurons).clone()
        if theta.shape != (num_neurons,):
            raise ValueError(
                f"'threshold' must be a scalar or of shape "
                f'[{num_neurons}], got {tuple(theta.shape)}'
            )
        self.register_buffer('threshold', theta)
        self.register_buffer('couplings', torch.empty(0))
        self.register_buffer('patterns', torch.empty(0))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        r"""Forgets all stored patterns (:math:`\mathbf{J} = 0`)."""
        device = self.threshold.device
        N = self.num_neurons
        self.couplings = torch.zeros(N, N, device=device)
        self.patterns = torch.zeros(0, N, dtype=torch.int8, device=device)

    # ------------------------------------------------------------------ #
    @property
    def num_patterns(self) -> int:
        r"""The number of stored patterns :math:`P`."""
        return self.patterns.size(0)

    @property
    def scale(self) -> float:
        r"""The factor :math:`1 / Z` turning the integer counts into
        :math:`\mathbf{J}`."""
        if self.normalization == 'N':
            return 1.0 / self.num_neurons
        return 1.0 / max(self.num_patterns, 1)

    @property
    def weight(self) -> Tensor:
        r"""The coupling matrix :math:`\mathbf{J}` ``[N, N]``
        (:obj:`float32`, zero diagonal)."""
        return (self.couplings * self.scale).to(torch.float32)

    @property
    def device(self) -> torch.device:
        return self.couplings.device

    # ------------------------------------------------------------------ #
    @torch.no_grad()
    def store(self, patterns: Tensor, append: bool = False) -> None:
        r"""Stores :obj:`patterns` ``[P, N]`` with the Hebb rule.

        The network moves to the patterns' device.

        Args:
            patterns (torch.Tensor): Bipolar patterns ``[P, N]`` (a single
                pattern ``[N]`` is accepted).
            append (bool, optional): Add to the patterns already stored
                instead of replacing them. (default: :obj:`False`)
        """
        check_bipolar('patterns', patterns, self.num_neurons, ndim=(1, 2))
        patterns = patterns.view(-1, self.num_neurons)
        device = patterns.device
        if append and self.num_patterns > 0:
            if self.device != device:
                raise ValueError(
                    f"'patterns' are on {device} but the stored "
                    f'ones on {self.device}; move them with '
                    f'.to({str(self.device)!r})'
                )
            old = self.patterns
        else:
            old = self.patterns.new_zeros(0, self.num_neurons).to(device)
        new = patterns.to(torch.int8)
        total = old.size(0) + new.size(0)
        dtype = self._counts_dtype(total)
        if append and old.size(0) > 0:
            counts = self.couplings.to(dtype)
            counts += F.hebbian_couplings(new, dtype)
        else:
            counts = F.hebbian_couplings(new, dtype)
        self.couplings = counts
        self.patterns = torch.cat([old, new], dim=0)
        self.threshold = self.threshold.to(device)

    def _counts_dtype(self, num_patterns: int) -> torch.dtype:
        # Integer sums stay exact in float32 below 2**24.
        bound = num_patterns * (self.num_neurons - 1)
        return torch.float32 if bound < 2**24 else torch.float64

    # ------------------------------------------------------------------ #
    def _check_states(self, name: str, states: Tensor) -> tuple[Tensor, bool]:
        check_bipolar(name, states, self.num_neurons, ndim=(1, 2))
        if states.device != self.device:
            raise ValueError(
                f"'{name}' are on {states.device} but the network"
                f' on {self.device}; move them with '
                f'.to({str(self.device)!r})'
            )
        single = states.dim() == 1
        return states.view(-1, self.num_neurons), single

    @torch.no_grad()
    def energy(self, states: Tensor) -> Tensor:
        r"""The energy :math:`E(\mathbf{s}) = -\frac{1}{2}
        \mathbf{s}^{\top}\mathbf{J}\mathbf{s} + \boldsymbol{\theta}^{\top}
        \mathbf{s}` of every row of :obj:`states` ``[B, N]``, as ``[B]``
        (:obj:`float64`)."""
        s, single = self._check_states('states', states)
        scale = self.scale
        out = F.energy(s, self.couplings, self.threshold / scale) * scale
        return out[0] if single else out

    @torch.no_grad()
    def overlaps(self, states: Tensor) -> Tensor:
        r"""The overlaps :math:`m^{\mu} = \frac{1}{N} \sum_i \xi^{\mu}_i s_i`
        of :obj:`states` ``[B, N]`` with every stored pattern, ``[B, P]``."""
        s, _ = self._check_states('states', states)
        return (s.float() @ self.patterns.float().t()) / self.num_neurons

    @torch.no_grad()
    def retrieve(
        self,
        probes: Tensor,
        mode: str = 'async',
        max_steps: int = 100,
        order: str = 'random',
        temperature: float | None = None,
        generator: torch.Generator | None = None,
        block_size: int = 64,
        return_info: bool = False,
    ) -> Tensor | tuple[Tensor, dict[str, Tensor]]:
        r"""Runs the dynamics from every probe and returns the final states.

        :obj:`'sync'` and :obj:`'async'` stop each probe at its fixed point
        (a step or sweep in which no neuron changes) or after
        :obj:`max_steps`; :obj:`'stochastic'` (Glauber dynamics, random
        sequential order) always runs :obj:`max_steps` sweeps.  One step is
        a synchronous update or a sweep over all :math:`N` neurons.
        Converged probes leave the batch, so the work shrinks as they settle.
        In random order every sweep draws one fresh permutation from
        :obj:`generator`, shared by the whole batch.

        Args:
            probes (torch.Tensor): Bipolar start states ``[B, N]`` or ``[N]``.
            mode (str, optional): :obj:`'sync'`, :obj:`'async'` or
                :obj:`'stochastic'`. (default: :obj:`'async'`)
            max_steps (int, optional): The step limit. (default: :obj:`100`)
            order (str, optional): :obj:`'random'` or :obj:`'fixed'`
                (:math:`0, \ldots, N - 1`), for the sequential modes.
                (default: :obj:`'random'`)
            temperature (float, optional): :math:`T = 1 / \beta > 0`,
                required for :obj:`'stochastic'`. (default: :obj:`None`)
            generator (torch.Generator, optional): The random source of the
                orders and Glauber draws. (default: :obj:`None`, global)
            block_size (int, optional): Neurons per block of the
                asynchronous sweep (see
                :func:`~pyg_hopfield.memory.functional.async_sweep`).
                (default: :obj:`64`)
            return_info (bool, optional): Also return a dict with
                :obj:`'num_steps'` ``[B]`` and :obj:`'converged'` ``[B]``.
                (default: :obj:`False`)
        """
        if mode not in _MODES:
            raise ValueError(f"'mode' must be one of {_MODES}, got {mode!r}")
        if order not in _ORDERS:
            raise ValueError(
                f"'order' must be one of {_ORDERS}, got {order!r}"
            )
        if not isinstance(max_steps, int) or max_steps < 0:
            raise ValueError(
                f"'max_steps' must be a non-negative int, got {max_steps!r}"
            )
        if not isinstance(block_size, int) or block_size < 1:
            raise ValueError(
                f"'block_size' must be a positive int, got {block_size!r}"
            )
        beta = None
        if mode == 'stochastic':
            if temperature is None or not temperature > 0:
                raise ValueError(
                    f"'temperature' must be a positive float for "
                    f"mode='stochastic', got {temperature!r}; "
                    f"use mode='async' for T = 0"
                )
            beta = self.scale / temperature
        elif temperature is not None:
            raise ValueError(
                f"'temperature' is only used by "
                f"mode='stochastic', got {temperature!r} with "
                f'mode={mode!r}'
            )
        s, single = self._check_states('probes', probes)
        W = self.couplings
        theta = (self.threshold / self.scale).to(W.dtype)
        s = s.to(W.dtype).clone()
        B, N = s.shape
        device = s.device
        num_steps = torch.zeros(B, dtype=torch.long, device=device)
        converged = torch.zeros(B, dtype=torch.bool, device=device)

        active = torch.arange(B, device=device)
        if mode == 'sync':
            for _ in range(max_steps):
                if active.numel() == 0:
                    break
                sa = s[active]
                new = F.sync_step(sa, W, theta)
                stable = (new == sa).all(dim=1)
                s[active] = new
                num_steps[active] += 1
                converged[active[stable]] = True
                active = active[~stable]
        else:
            sa = s.clone()
            ha = F.local_fields(sa, W)
            for _ in range(max_steps):
                if active.numel() == 0:
                    break
                if order == 'random':
                    perm = self._randperm(N, generator, device)
                else:
                    perm = torch.arange(N, device=device)
                uniforms = None
                if beta is not None:
                    uniforms = self._rand(B, N, generator, device, W.dtype)
                    uniforms = uniforms[active]
                flips = F.async_sweep(
                    sa,
                    ha,
                    W,
                    theta,
                    perm,
                    block_size,
                    beta=beta,
                    uniforms=uniforms,
                )
                num_steps[active] += 1
                if beta is not None:
                    continue
                stable = flips == 0
                if bool(stable.any()):
                    s[active] = sa
                    converged[active[stable]] = True
                    keep = ~stable
                    active, sa, ha = active[keep], sa[keep], ha[keep]
            s[active] = sa

        out = s.to(probes.dtype)
        if single:
            out = out[0]
            num_steps, converged = num_steps[0], converged[0]
        if return_info:
            return out, {'num_steps': num_steps, 'converged': converged}
        return out

    def forward(self, probes: Tensor, **kwargs) -> Tensor:
        r"""Alias of :meth:`retrieve`."""
        return self.retrieve(probes, **kwargs)

    @staticmethod
    def _randperm(
        n: int, generator: torch.Generator | None, device: torch.device
    ) -> Tensor:
        gdev = generator.device if generator is not None else device
        return torch.randperm(n, generator=generator, device=gdev).to(device)

    @staticmethod
    def _rand(
        b: int,
        n: int,
        generator: torch.Generator | None,
        device: torch.device,
        dtype: torch.dtype,
    ) -> Tensor:
        gdev = generator.device if generator is not None else device
        return torch.rand(
            b, n, generator=generator, device=gdev, dtype=dtype
        ).to(device)

    # ------------------------------------------------------------------ #
    @torch.no_grad()
    def to_data(self):
        r"""The couplings as a PyG :class:`~torch_geometric.data.Data`
        graph: one directed edge :math:`(i, j)` per non-zero
        :math:`J_{ij}` (both directions, coalesced, no self-loops), with
        :obj:`edge_weight` :math:`J_{ij}`, :obj:`num_nodes` :math:`N` and
        the thresholds as :obj:`threshold` ``[N]``."""
        from torch_geometric.data import Data

        W = self.couplings
        edge_index = (W != 0).nonzero().t().contiguous()
        edge_weight = (W[edge_index[0], edge_index[1]] * self.scale).to(
            torch.float32
        )
        return Data(
            edge_index=edge_index,
            edge_weight=edge_weight,
            num_nodes=self.num_neurons,
            threshold=self.threshold.clone(),
        )

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}({self.num_neurons}, '
            f'patterns={self.num_patterns}, '
            f'normalization={self.normalization!r})'
        )
