r"""The random-feature Hopfield model (RFHM)."""

import torch
from torch import Tensor

from pyg_hopfield.memory import functional as F
from pyg_hopfield.memory.hopfield_network import HopfieldNetwork, check_bipolar

__all__ = ['RandomFeatureHopfield']

_TIES = ('random', 'positive')


class RandomFeatureHopfield(torch.nn.Module):
    r"""The random-feature Hopfield model from the `"Random Feature Hopfield
    Networks generalize retrieval to previously unseen examples"
    <https://nips.cc/virtual/2023/78168>`_ paper.

    Examples are random projections of sparse latent vectors,

    .. math::
        \xi^{\nu} = \operatorname{sign}(\mathbf{F} \mathbf{c}^{\nu}),
        \qquad \mathbf{F} \in \{-1, +1\}^{N \times D},

    and :math:`P = \alpha N` of them (the *train* examples) are stored with
    the Hebb rule :math:`J_{ij} = \frac{1}{N} \sum_{\nu} \xi^{\nu}_i
    \xi^{\nu}_j` of eq. (1) in a :class:`HopfieldNetwork`, where
    :math:`\mathbf{F}` has i.i.d. uniform entries (its columns
    :math:`\mathbf{f}_k` are the *features*), each coefficient vector
    :math:`\mathbf{c}^{\nu} \in \{-1, 0, +1\}^D` has exactly :math:`L`
    non-zero entries at uniformly random positions with uniform random signs
    (sparse case :math:`L = O(1)`, dense case :math:`L = D`), and
    :math:`\alpha_D = D / N`.

    The magnetisations of §3 start the network at a train example, at a
    *test* example (fresh coefficients, never stored) or at a feature, run
    the sequential rule (1) to a fixed point :math:`\tilde{\mathbf{s}}` and
    measure

    .. math::
        m = \frac{1}{N} \sum_{i=1}^{N} \tilde{s}_i s^{(0)}_i,

    giving :math:`m^{\text{train}}`, :math:`m^{\text{test}}` and :math:`\mu`.

    Choices where the paper is silent: a zero component of
    :math:`\mathbf{F}\mathbf{c}` (possible when :math:`L` is even) becomes
    an independent fair :math:`\pm 1` (:obj:`tie='random'`, unbiased) or
    :math:`+1` (:obj:`tie='positive'`, which biases every example towards
    the all-ones state; use odd :math:`L` to avoid ties altogether); a test
    example is rejected if its coefficients equal :math:`\pm` those of a
    train example (:math:`-\xi` is stored whenever :math:`\xi` is); the
    dynamics visit the neurons in a fresh random order every sweep.

    .. note::

        For an example see :obj:`examples/hopfield_random_features.py` in
        the repository.

    Args:
        num_neurons (int): The number of neurons :math:`N`.
        num_features (int): The number of features :math:`D`.
        num_active (int, optional): The non-zero coefficients per example
            :math:`L`, :obj:`None` for the dense case :math:`L = D`.
            (default: :obj:`None`)
        tie (str, optional): :obj:`'random'` or :obj:`'positive'`, the value
            of :math:`\operatorname{sign}(0)`. (default: :obj:`'random'`)
        seed (int, optional): The seed of the model's own
            :class:`torch.Generator`, used for the features and for every
            draw made without an explicit generator. (default: :obj:`0`)
        device (torch.device, optional): Where to build the model.
            (default: :obj:`None`, CPU)
    """

    features: Tensor
    train_coefficients: Tensor

    def __init__(
        self,
        num_neurons: int,
        num_features: int,
        num_active: int | None = None,
        tie: str = 'random',
        seed: int = 0,
        device: str | torch.device | None = None,
    ) -> None:
        super().__init__()
        for name, value in (
            ('num_neurons', num_neurons),
            ('num_features', num_features),
        ):
            if not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"'{name}' must be a positive int, got {value!r}"
                )
        if num_active is None:
            num_active = num_features
        if (
            not isinstance(num_active, int)
            or not 1 <= num_active <= num_features
        ):
            raise ValueError(
                f"'num_active' (L) must be an int in [1, "
                f'num_features={num_features}], got '
                f'{num_active!r}; pass None for the dense case '
                f'L = D'
            )
        if tie not in _TIES:
            raise ValueError(f"'tie' must be one of {_TIES}, got {tie!r}")
        self.num_neurons = num_neurons
        self.num_features = num_features
        self.num_active = num_active
        self.tie = tie
        self.seed = seed
        device = torch.device(device or 'cpu')
        self.generator = torch.Generator(device)
        self.network = HopfieldNetwork(num_neurons, normalization='N')
        self.register_buffer('features', torch.empty(0, device=device))
        self.register_buffer(
            'train_coefficients', torch.empty(0, device=device)
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        r"""Re-seeds the generator, draws new features :math:`\mathbf{F}`
        and forgets the stored examples."""
        device = self.features.device
        self.generator = torch.Generator(device).manual_seed(self.seed)
        N, D = self.num_neurons, self.num_features
        bits = torch.randint(
            0, 2, (N, D), generator=self.generator, device=device
        )
        self.features = (2 * bits - 1).to(torch.float32)
        self.train_coefficients = torch.zeros(0, D, device=device)
        self.network.reset_parameters()

    @property
    def alpha(self) -> float:
        r"""The load :math:`\alpha = P / N`."""
        return self.num_train / self.num_neurons

    @property
    def alpha_D(self) -> float:
        r""":math:`\alpha_D = D / N`."""
        return self.num_features / self.num_neurons

    @property
    def num_train(self) -> int:
        r"""The number of stored (train) examples :math:`P`."""
        return self.train_coefficients.size(0)

    def _gen(self, generator: torch.Generator | None) -> torch.Generator:
        return self.generator if generator is None else generator

    # ------------------------------------------------------------------ #
    @torch.no_grad()
    def sample_coefficients(
        self,
        num_examples: int,
        generator: torch.Generator | None = None,
    ) -> Tensor:
        r"""Draws coefficient vectors ``[num_examples, D]`` with exactly
        :math:`L` non-zero :math:`\pm 1` entries at random positions."""
        if not isinstance(num_examples, int) or num_examples < 0:
            raise ValueError(
                f"'num_examples' must be a non-negative int, "
                f'got {num_examples!r}'
            )
        gen = self._gen(generator)
        D, L = self.num_features, self.num_active
        device = self.features.device
        signs = (
            2
            * torch.randint(
                0, 2, (num_examples, L), generator=gen, device=gen.device
            )
            - 1
        )
        c = torch.zeros(num_examples, D, device=gen.device)
        if L == D:
            c.copy_(signs)
        else:
            keys = torch.rand(
                num_examples, D, generator=gen, device=gen.device
            )
            where = keys.argsort(dim=1)[:, :L]
            c.scatter_(1, where, signs.to(c.dtype))
        return c.to(device)

    @torch.no_grad()
    def project(
        self,
        coefficients: Tensor,
        generator: torch.Generator | None = None,
    ) -> Tensor:
        r"""The examples :math:`\xi = \operatorname{sign}(\mathbf{F}
        \mathbf{c})` ``[B, N]`` of coefficient vectors ``[B, D]``, with the
        tie rule of :obj:`tie`."""
        if coefficients.dim() != 2 or coefficients.size(1) != (
            self.num_features
        ):
            raise ValueError(
                f"'coefficients' must have shape [num_examples, "
                f'D={self.num_features}], got '
                f'{tuple(coefficients.shape)}'
            )
        z = coefficients.to(self.features) @ self.features.t()
        out = torch.sign(z)
        ties = out == 0
        if self.tie == 'positive':
            out[ties] = 1.0
        elif bool(ties.any()):
            gen = self._gen(generator)
            coin = torch.randint(
                0, 2, z.shape, generator=gen, device=gen.device
            ).to(z.device)
            out = torch.where(ties, (2 * coin - 1).to(out.dtype), out)
        return out

    @torch.no_grad()
    def sample_examples(
        self,
        num_examples: int,
        generator: torch.Generator | None = None,
        exclude_train: bool = False,
    ) -> tuple[Tensor, Tensor]:
        r"""Draws :obj:`num_examples` examples; returns ``(examples [B, N],
        coefficients [B, D])``.

        Args:
            num_examples (int): How many.
            generator (torch.Generator, optional): The random source.
                (default: :obj:`None`, the model's)
            exclude_train (bool, optional): Reject coefficients equal to
                :math:`\pm` those of a stored example, so that the examples
                are *test* examples. (default: :obj:`False`)
        """
        c = self.sample_coefficients(num_examples, generator)
        if exclude_train and self.num_train > 0 and num_examples > 0:
            L = self.num_active
            for _ in range(100):
                clash = ((c @ self.train_coefficients.t()).abs() == L).any(1)
                num_bad = int(clash.sum())
                if num_bad == 0:
                    break
                c[clash] = self.sample_coefficients(num_bad, generator)
            else:
                raise ValueError(
                    f'could not draw {num_examples} test examples outside the '
                    f'{self.num_train} train examples: the coefficient space '
                    f'of D={self.num_features}, L={self.num_active} is '
                    f"nearly exhausted; increase 'num_features' or lower the "
                    f'number of train examples'
                )
        return self.project(c, generator), c

    @torch.no_grad()
    def store(
        self,
        num_examples: int,
        generator: torch.Generator | None = None,
    ) -> Tensor:
        r"""Draws :math:`P` = :obj:`num_examples` train examples, stores
        them in :attr:`network` (replacing earlier ones) and returns them
        ``[P, N]``."""
        xi, c = self.sample_examples(num_examples, generator)
        self.network.store(xi)
        self.train_coefficients = c
        return xi

    @torch.no_grad()
    def magnetization(
        self,
        states: Tensor,
        max_steps: int = 100,
        generator: torch.Generator | None = None,
        mode: str = 'async',
    ) -> Tensor:
        r"""Runs the dynamics (1) from every row of :obj:`states` ``[B, N]``
        to a fixed point :math:`\tilde{\mathbf{s}}` and returns
        :math:`\frac{1}{N} \sum_i \tilde{s}_i s^{(0)}_i` ``[B]``."""
        check_bipolar('states', states, self.num_neurons)
        fixed = self.network.retrieve(
            states,
            mode=mode,
            max_steps=max_steps,
            generator=self._gen(generator),
        )
        return F.overlap(fixed, states)

    @torch.no_grad()
    def magnetizations(
        self,
        num_samples: int = 20,
        max_steps: int = 100,
        generator: torch.Generator | None = None,
        mode: str = 'async',
    ) -> dict[str, Tensor]:
        r"""The three magnetisations of §3 for the stored examples.

        Starts at :obj:`num_samples` train examples (the first ones stored),
        fresh test examples and random features (all :math:`D` if fewer),
        runs them in one batch and returns a dict with :obj:`'m_train'`,
        :obj:`'m_test'` and :obj:`'mu'`, each ``[num_samples]``.
        """
        if self.num_train == 0:
            raise ValueError(
                'no train examples are stored; call store(num_examples) first'
            )
        gen = self._gen(generator)
        n_train = min(num_samples, self.num_train)
        train = self.network.patterns[:n_train].to(torch.float32)
        test, _ = self.sample_examples(num_samples, gen, exclude_train=True)
        n_feat = min(num_samples, self.num_features)
        cols = torch.randperm(
            self.num_features, generator=gen, device=gen.device
        )[:n_feat]
        feats = self.features[:, cols.to(self.features.device)].t()
        start = torch.cat([train, test, feats], dim=0)
        m = self.magnetization(start, max_steps, gen, mode)
        return {
            'm_train': m[:n_train],
            'm_test': m[n_train : n_train + num_samples],
            'mu': m[n_train + num_samples :],
        }

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}({self.num_neurons}, '
            f'{self.num_features}, {self.num_active}, '
            f'examples={self.num_train}, tie={self.tie!r})'
        )
