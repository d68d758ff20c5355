import os.path as osp
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn import Parameter
from torch.utils.data import DataLoader

from pyg_hopfield.nn import mhn_functional as MF
from pyg_hopfield.utils.atomic import save_atomic
from pyg_hopfield.utils.checks import (
    check_finite,
    check_float,
    check_int,
    check_seed,
)

DYNAMICS = ('memory', 'literal')
MASKS = ('node', 'ego')
READOUTS = ('context', 'state')


def _check_walk_weights(walk_weights) -> tuple[float, ...]:
    try:
        weights = tuple(float(w) for w in walk_weights)
    except (TypeError, ValueError):
        weights = ()
    if (
        not weights
        or isinstance(walk_weights, str)
        or not all(w >= 0.0 and w < float('inf') for w in weights)
        or weights[0] <= 0.0
    ):
        raise ValueError(
            f"'walk_weights' must be a non-empty sequence of finite, "
            f'non-negative hop weights with a positive first one, e.g. '
            f"(1.0,) for the paper's 1-hop context (got {walk_weights!r})"
        )
    return weights


class MHNEpoch(NamedTuple):
    r"""One epoch of :meth:`MHNEmbedding.fit`: the mean training loss, the
    validation AUC (:obj:`None` without validation pairs) and the seconds
    since training began."""

    epoch: int
    loss: float
    score: float | None
    seconds: float


class MHNEmbedding(torch.nn.Module):
    r"""The Modern Hopfield Network node embedding from the
    `"Associative Learning for Network Embedding"
    <https://arxiv.org/abs/2208.14376>`_ paper: two memory matrices
    :math:`\Psi, \Phi \in \mathbb{R}^{K \times m}` learn to retrieve a
    masked node from its context.

    **Context.** Row :math:`i` of the context matrix :math:`C` is the context
    :math:`\mathbf{c}_i \in \mathbb{R}^m` of node :math:`i` (its 1-hop
    neighbours, the node itself excluded, as built by
    :class:`~pyg_hopfield.transforms.KHopContext`).  The model reads it
    through a random-walk window of :math:`T_w` steps with weights
    :math:`w_1, \dots, w_{T_w}` (:obj:`walk_weights`) on the walk
    :math:`P = D_C^{-1}C` of the context graph,

    .. math::
        \tilde{\mathbf{c}}^{\top} = \frac{1}{\sum_r w_r}\sum_{r=1}^{T_w}
        w_r\,\mathbf{c}^{\top}P^{r-1},

    so :obj:`walk_weights=(1.0,)` is the paper's context
    :math:`\tilde{\mathbf{c}} = \mathbf{c}` and the default
    :obj:`(1.0, 2.0)` is, for binary 1-hop contexts, :math:`d_i` times
    :math:`(P + 2P^2)_i / 3` (the NetMF view of a window-2 random walk).
    It is computed as :math:`\Psi\tilde{\mathbf{c}} = \tilde{\Psi}
    \mathbf{c}` with :math:`\tilde{\Psi}^{\top} = \sum_r w_r P^{r-1}
    \Psi^{\top} / \sum_r w_r` (:func:`~pyg_hopfield.nn.mhn_functional.
    walk_memory`), :math:`T_w - 1` sparse products with the memories, so
    the multi-hop context is never built.

    **Retrieval (eq. 1-3).** From :math:`\mathbf{v}^{(0)} = \mathbf{0}`,
    with :math:`\boldsymbol{\xi} = \Psi\tilde{\mathbf{c}}`, for
    :math:`t = 0, \dots, T - 1`

    .. math::
        D^{(t)} &= \mathrm{softmax}\left(\beta_1\Phi\mathbf{v}^{(t)} +
        \beta_2\boldsymbol{\xi}\right) \\
        \mathbf{v}^{(t+1)} &= \mathbf{v}^{(t)} + \alpha\left(\Phi^{\top}
        D^{(t)} - \mathbf{v}^{(t)}\right).

    **Energy.** Each step is a gradient step of size :math:`\alpha` on

    .. math::
        E(\mathbf{v}) = \frac{1}{2}\lVert\mathbf{v}\rVert^2 - \frac{1}{\beta_1}
        \log\sum_{\mu=1}^{K}\exp\left(\beta_1\Phi_{\mu}\mathbf{v} +
        \beta_2\xi_{\mu}\right),

    since :math:`\nabla E = \mathbf{v} - \Phi^{\top}D`, so :math:`E` never
    increases for :math:`0 < \alpha \le 1`
    (:math:`E(\mathbf{v}^{(t+1)}) - E(\mathbf{v}^{(t)}) \le
    -\alpha(1 - \alpha/2)\lVert\nabla E\rVert^2`).

    **Training and embedding.** Training minimises the cross-entropy
    between the logits :math:`\mathbf{v}^{(T)}` and the masked node (the
    node itself with :obj:`mask='node'`, the paper; a uniformly drawn member
    of the ego network with :obj:`mask='ego'`,
    :func:`~pyg_hopfield.nn.mhn_functional.mask_ego_rows`).  The embedding
    is

    .. math::
        \mathbf{h} = \Psi\tilde{\mathbf{c}} \in \mathbb{R}^{K}
        \quad (\texttt{readout='context'}), \qquad
        \mathbf{h} = \mathbf{a}^{(T)} \in \mathbb{R}^{K}
        \quad (\texttt{readout='state'}),

    where :math:`\mathbf{a}^{(T)}` are the memory activations of the
    retrieval state, :math:`\mathbf{v}^{(T)} = \Phi^{\top}\mathbf{a}^{(T)}`.

    **Exact speed-up.** :math:`\mathbf{v}^{(t)} = \Phi^{\top}\mathbf{a}^{(t)}`
    with :math:`\mathbf{a}^{(t+1)} = (1-\alpha)\mathbf{a}^{(t)} + \alpha
    D^{(t)}` and :math:`\Phi\mathbf{v}^{(t)} = G\mathbf{a}^{(t)}`,
    :math:`G = \Phi\Phi^{\top}`, so :obj:`dynamics='memory'` runs the
    :math:`T` steps in :math:`K` dimensions (:math:`O(BK^2)` each after one
    :math:`O(mK^2)` Gram product per batch), the same function in values
    and gradients as :obj:`dynamics='literal'` (eq. 1-3 as written,
    :math:`O(BKm)` per step).

    The memories are stored as :math:`\Psi^{\top}, \Phi^{\top}`
    (:obj:`[m, K]` tables like :class:`torch.nn.Embedding`, attributes
    :obj:`context_memory` and :obj:`target_memory`), initialised
    :math:`\mathcal{N}(0, \sigma^2)`.  A node unseen in training is embedded
    inductively from its context row over the :math:`m` training nodes
    (after :meth:`set_walk` or :meth:`fit`).  Measurements behind the
    defaults: the MHN results page of the documentation.

    .. note::

        For an example of using MHNEmbedding, see
        `examples/mhn_node_classification.py` and
        `examples/mhn_link_prediction.py`.

    Args:
        num_nodes (int): The number of training nodes :math:`m` (context
            columns and retrieval targets).
        num_memories (int, optional): The number of memories :math:`K`, also
            the embedding size. (default: :obj:`2000`)
        num_steps (int, optional): The number of retrieval steps :math:`T`.
            (default: :obj:`7`)
        beta1 (float, optional): The inverse temperature :math:`\beta_1` of
            the target block. (default: :obj:`1.0`)
        beta2 (float, optional): The inverse temperature :math:`\beta_2` of
            the context block. (default: :obj:`0.5`)
        alpha (float, optional): The update rate :math:`\alpha \in (0, 1]`.
            (default: :obj:`0.2`)
        num_negative_samples (int, optional): If set, use a sampled softmax
            over the batch targets plus this many uniform negatives instead of
            the full :math:`m`-way softmax. (default: :obj:`None`)
        dynamics (str, optional): :obj:`'memory'` (exact :math:`K`-space
            dynamics) or :obj:`'literal'` (eq. 1-3 in :math:`m` dimensions).
            (default: :obj:`'memory'`)
        init_std (float, optional): The standard deviation :math:`\sigma` of
            the initial memories. (default: :obj:`0.1`)
        mask (str, optional): The masked node of a training sample:
            :obj:`'node'` (the node itself, as the paper) or :obj:`'ego'`
            (a random member of its ego network). (default: :obj:`'node'`)
        seed (int, optional): Seeds the initial memories (drawn on the CPU,
            so equal on every device); if :obj:`None`, they come from the
            global generator (:func:`torch.manual_seed`). (default:
            :obj:`None`)
        walk_weights (Sequence[float], optional): The hop weights
            :math:`w_1, \dots, w_{T_w}` of the random-walk window; the first
            must be positive, :obj:`(1.0,)` is the paper's 1-hop context.
            (default: :obj:`(1.0, 2.0)`)
        readout (str, optional): The embedding: :obj:`'context'`
            (:math:`\Psi\tilde{\mathbf{c}}`) or :obj:`'state'` (the memory
            activations :math:`\mathbf{a}^{(T)}`). (default:
            :obj:`'context'`)

    Shapes:
        - **input:** context :math:`(B, m)` sparse CSR
        - **output:** embedding :math:`(B, K)`

    Examples:
        >>> import torch
        >>> from pyg_hopfield.transforms import KHopContext
        >>> edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
        >>> context = KHopContext(k=1).context(edge_index, 3)  # CSR [3, 3]
        >>> model = MHNEmbedding(3, 16)
        >>> model
        MHNEmbedding(3, 16, steps=7)
        >>> history = model.fit(context, max_epochs=2, batch_size=3)
        >>> model(context).size()
        torch.Size([3, 16])
    """

    def __init__(
        self,
        num_nodes: int,
        num_memories: int = 2000,
        num_steps: int = 7,
        beta1: float = 1.0,
        beta2: float = 0.5,
        alpha: float = 0.2,
        num_negative_samples: int | None = None,
        dynamics: str = 'memory',
        init_std: float = 0.1,
        mask: str = 'node',
        seed: int | None = None,
        walk_weights: Sequence[float] = (1.0, 2.0),
        readout: str = 'context',
    ):
        super().__init__()
        check_int(num_nodes, 'num_nodes')
        check_int(num_memories, 'num_memories')
        check_int(num_steps, 'num_steps', minimum=0)
        for name, value in (
            ('alpha', alpha),
            ('beta1', beta1),
            ('beta2', beta2),
            ('init_std', init_std),
        ):
            check_float(value, name)  # a real, finite number
        if not 0.0 < float(alpha) <= 1.0:
            raise ValueError(
                f"'alpha' must lie in (0, 1] so that the energy "
                f'never increases (got {alpha!r})'
            )
        if not float(beta1) > 0.0:
            raise ValueError(f"'beta1' must be positive (got {beta1!r})")
        if not float(beta2) >= 0.0:
            raise ValueError(f"'beta2' must be non-negative (got {beta2!r})")
        if seed is not None:
            check_seed(seed)
        if num_negative_samples is not None:
            check_int(num_negative_samples, 'num_negative_samples')
        if dynamics not in DYNAMICS:
            raise ValueError(
                f"'dynamics' must be one of {DYNAMICS} (got {dynamics!r})"
            )
        if mask not in MASKS:
            raise ValueError(f"'mask' must be one of {MASKS} (got {mask!r})")
        walk_weights = _check_walk_weights(walk_weights)
        if readout not in READOUTS:
            raise ValueError(
                f"'readout' must be one of {READOUTS} (got {readout!r})"
            )
        if not float(init_std) > 0.0:
            raise ValueError(f"'init_std' must be positive (got {init_std!r})")

        self.num_nodes = num_nodes
        self.num_memories = num_memories
        self.num_steps = num_steps
        self.beta1 = float(beta1)
        self.beta2 = float(beta2)
        self.alpha = float(alpha)
        self.num_negative_samples = num_negative_samples
        self.dynamics = dynamics
        self.init_std = float(init_std)
        self.mask = mask
        self.seed = seed
        self.walk_weights = walk_weights
        self.readout = readout
        # The random walk P of the training context (set by `loader` and
        # `fit`), used for context rows that are not a square [m, m] matrix:
        self._walk: Tensor | None = None

        # Psi^T and Phi^T, one row per node (see the class docstring):
        self.context_memory = Parameter(torch.empty(num_nodes, num_memories))
        self.target_memory = Parameter(torch.empty(num_nodes, num_memories))

        self.reset_parameters()

    def reset_parameters(self):
        r"""Resets all learnable parameters of the module (drawn from a
        generator seeded with :obj:`seed` if given, else from the global
        one)."""
        if self.seed is None:
            torch.nn.init.normal_(self.context_memory, std=self.init_std)
            torch.nn.init.normal_(self.target_memory, std=self.init_std)
            return
        generator = torch.Generator().manual_seed(self.seed)
        with torch.no_grad():
            for table in (self.context_memory, self.target_memory):
                table.copy_(
                    torch.randn(table.size(), generator=generator).mul_(
                        self.init_std
                    )
                )

    @property
    def psi(self) -> Tensor:
        r"""The context memories :math:`\Psi \in \mathbb{R}^{K \times m}`
        (a transposed view)."""
        return self.context_memory.t()

    @property
    def phi(self) -> Tensor:
        r"""The target memories :math:`\Phi \in \mathbb{R}^{K \times m}`
        (a transposed view)."""
        return self.target_memory.t()

    def _check_context(self, context: Tensor) -> Tensor:
        if not isinstance(context, Tensor):
            raise ValueError(
                f"'context' must be a torch sparse CSR tensor "
                f'(got {type(context).__name__})'
            )
        if context.layout == torch.sparse_coo:
            context = context.to_sparse_csr()
        if context.layout != torch.sparse_csr:
            raise ValueError(
                f"'context' must be a torch sparse CSR matrix (got layout "
                f'{context.layout}); build it with '
                f'pyg_hopfield.transforms.KHopContext or '
                f'Tensor.to_sparse_csr()'
            )
        if context.dim() != 2 or context.size(1) != self.num_nodes:
            raise ValueError(
                f"'context' must have shape [num_rows, {self.num_nodes}] (one "
                f'column per training node) but has shape '
                f'{tuple(context.size())}'
            )
        return check_finite(context, 'context')

    def _check_batch(self, batch: Tensor, size: int, name: str) -> Tensor:
        batch = torch.as_tensor(batch, device=self.context_memory.device)
        if batch.dtype not in (torch.long, torch.int):
            raise ValueError(
                f"'{name}' must hold integer node indices (got "
                f'dtype {batch.dtype})'
            )
        if batch.numel() > 0 and (
            int(batch.min()) < 0 or int(batch.max()) >= size
        ):
            raise ValueError(
                f"'{name}' contains index {int(batch.max())} "
                f'(or a negative one) but must lie in '
                f'[0, {size})'
            )
        return batch.long().view(-1)

    def set_walk(self, context: Tensor) -> None:
        r"""Sets the random walk :math:`P = D_C^{-1}C` of the window context
        (:func:`~pyg_hopfield.nn.mhn_functional.walk_operator`) from the
        square training context matrix :obj:`context` :obj:`[m, m]`; the
        walk of context rows that are not a square matrix (training
        batches, unseen nodes).  :meth:`loader` and :meth:`fit` call it."""
        context = self._check_context(context)
        self._walk = (
            MF.walk_operator(context) if len(self.walk_weights) > 1 else None
        )

    def _walk_for(self, context: Tensor) -> Tensor | None:
        if len(self.walk_weights) == 1:
            return None
        if context.size(0) == self.num_nodes:
            return MF.walk_operator(context)
        if self._walk is None:
            raise ValueError(
                f"'context' has {context.size(0)} rows, not one per training "
                f'node, so its random walk is unknown; call set_walk() (or '
                f'fit()) with the [{self.num_nodes}, {self.num_nodes}] '
                f'training context first, or use walk_weights=(1.0,)'
            )
        return self._walk

    def _project(
        self,
        context: Tensor,
        walk: Tensor | None,
        batch: Tensor | None = None,
    ) -> Tensor:
        # xi = Psi c~ for the rows `batch` of `context`, c~ the window context
        device = self.context_memory.device
        memory = self.context_memory
        if walk is not None:
            memory = MF.walk_memory(
                walk.to(device), self.context_memory, self.walk_weights
            )
        if batch is not None:
            context = MF.csr_rows(context, batch)
        return MF.context_projection(context.to(device), memory)

    def context_embedding(
        self,
        context: Tensor,
        batch: Tensor | None = None,
    ) -> Tensor:
        r"""Returns :math:`\boldsymbol{\xi} = \Psi\tilde{\mathbf{c}}` of the
        rows of :obj:`context` (or only the rows :obj:`batch`), the input of
        the retrieval dynamics.  A square :obj:`[m, m]` context defines its
        own random walk; other shapes use the one of :meth:`set_walk`.

        Args:
            context (torch.Tensor): Sparse CSR contexts :obj:`[n, m]` over the
                :math:`m` training nodes; rows may be unseen nodes
                (inductive).
            batch (torch.Tensor, optional): Row indices. (default:
                :obj:`None`)
        """
        context = self._check_context(context)
        if batch is not None:
            batch = self._check_batch(batch, context.size(0), 'batch')
        return self._project(context, self._walk_for(context), batch)

    def forward(
        self,
        context: Tensor,
        batch: Tensor | None = None,
        batch_size: int = 4096,
    ) -> Tensor:
        r"""Returns the embeddings of the rows of :obj:`context` (or only the
        rows :obj:`batch`): :math:`\Psi\tilde{\mathbf{c}}`
        (:obj:`readout='context'`) or the memory activations
        :math:`\mathbf{a}^{(T)}` (:obj:`readout='state'`).

        Args:
            context (torch.Tensor): Sparse CSR contexts :obj:`[n, m]` over the
                :math:`m` training nodes; rows may be unseen nodes
                (inductive, see :meth:`set_walk`).
            batch (torch.Tensor, optional): Row indices. (default:
                :obj:`None`)
            batch_size (int, optional): Rows per retrieval with
                :obj:`readout='state'`. (default: :obj:`4096`)
        """
        xi = self.context_embedding(context, batch)
        if self.readout == 'context':
            return xi
        check_int(batch_size, 'batch_size')
        gram = MF.gram_matrix(self.target_memory)
        return torch.cat(
            [
                MF.retrieve_memory_space(
                    gram,
                    part,
                    self.num_steps,
                    self.beta1,
                    self.beta2,
                    self.alpha,
                )
                for part in xi.split(batch_size)
            ]
        )

    def _memory_state(
        self,
        xi: Tensor,
        num_steps: int,
        return_trajectory: bool = False,
    ) -> Tensor | list[Tensor]:
        gram = MF.gram_matrix(self.target_memory)
        return MF.retrieve_memory_space(
            gram,
            xi,
            num_steps,
            self.beta1,
            self.beta2,
            self.alpha,
            return_trajectory,
        )

    def retrieve(
        self,
        context: Tensor,
        num_steps: int | None = None,
        return_trajectory: bool = False,
        batch: Tensor | None = None,
    ) -> Tensor | list[Tensor]:
        r"""Runs the retrieval dynamics from :math:`\mathbf{v}^{(0)} =
        \mathbf{0}` and returns :math:`\mathbf{v}^{(T)}` of shape
        :obj:`[n, m]`, or the list :math:`[\mathbf{v}^{(0)}, \dots,
        \mathbf{v}^{(T)}]` if :obj:`return_trajectory=True`.

        The result has :math:`m` columns per row, so over all :math:`m`
        nodes it is a dense :math:`m \times m` matrix (:math:`T + 1` of
        them with the trajectory): pass :obj:`batch` to retrieve a few rows
        at a time, and use :meth:`energy` without :obj:`v` for energies,
        which never forms an :math:`m`-wide state.

        Args:
            context (torch.Tensor): Sparse CSR contexts :obj:`[n, m]`.
            num_steps (int, optional): Overrides :math:`T`. (default:
                :obj:`None`)
            return_trajectory (bool, optional): Return every state.
                (default: :obj:`False`)
            batch (torch.Tensor, optional): Only these rows of
                :obj:`context`. (default: :obj:`None`)
        """
        num_steps = self.num_steps if num_steps is None else num_steps
        check_int(num_steps, 'num_steps', minimum=0)
        xi = self.context_embedding(context, batch)
        if self.dynamics == 'literal':
            return MF.retrieve_literal(
                self.target_memory,
                xi,
                num_steps,
                self.beta1,
                self.beta2,
                self.alpha,
                return_trajectory,
            )
        out = self._memory_state(xi, num_steps, return_trajectory)
        if return_trajectory:
            return [MF.target_logits(a, self.target_memory) for a in out]
        return MF.target_logits(out, self.target_memory)

    def energy(
        self,
        context: Tensor,
        v: Tensor | None = None,
        num_steps: int | None = None,
        return_trajectory: bool = False,
        batch_size: int = 1024,
    ) -> Tensor:
        r"""The Lyapunov energy :math:`E(\mathbf{v})` of states :obj:`v`
        (:obj:`[n, m]`) given the contexts (:obj:`[n, m]` sparse CSR).

        Without :obj:`v`, returns the energy of the retrieval states
        :math:`\mathbf{v}^{(T)}` (or of every state
        :math:`\mathbf{v}^{(0)}, \dots, \mathbf{v}^{(T)}` with
        :obj:`return_trajectory=True`), computed in the :math:`K`-dimensional
        memory space (:func:`~pyg_hopfield.nn.mhn_functional.
        energy_memory_space`, exact since :math:`\mathbf{v}^{(t)} =
        \Phi^{\top}\mathbf{a}^{(t)}`) :obj:`batch_size` rows at a time, so
        no :math:`n \times m` tensor is built.

        Args:
            context (torch.Tensor): Sparse CSR contexts :obj:`[n, m]`.
            v (torch.Tensor, optional): States :obj:`[n, m]`. (default:
                :obj:`None`)
            num_steps (int, optional): Overrides :math:`T` when :obj:`v` is
                :obj:`None`. (default: :obj:`None`)
            return_trajectory (bool, optional): Energies of every state when
                :obj:`v` is :obj:`None`. (default: :obj:`False`)
            batch_size (int, optional): Rows per batch. (default:
                :obj:`1024`)

        Returns:
            torch.Tensor: :obj:`[n]`, or :obj:`[n, T + 1]` with
            :obj:`return_trajectory=True`.
        """
        check_int(batch_size, 'batch_size')
        context = self._check_context(context)
        if v is not None:
            if return_trajectory or num_steps is not None:
                raise ValueError(
                    "'return_trajectory' and 'num_steps' apply "
                    "only without 'v' (the retrieval states)"
                )
            if (
                not isinstance(v, Tensor)
                or v.dim() != 2
                or v.size(0) != context.size(0)
                or v.size(1) != self.num_nodes
            ):
                shape = tuple(v.size()) if isinstance(v, Tensor) else v
                raise ValueError(
                    f"'v' must have shape [{context.size(0)}, "
                    f'{self.num_nodes}] (got {shape})'
                )
            check_finite(v, 'v')
        num_steps = self.num_steps if num_steps is None else num_steps
        check_int(num_steps, 'num_steps', minimum=0)
        gram = MF.gram_matrix(self.target_memory) if v is None else None
        out = []
        walk = self._walk_for(context)
        for rows in torch.arange(context.size(0)).split(batch_size):
            xi = self._project(context, walk, rows)
            if v is not None:
                out.append(
                    MF.energy_literal(
                        v[rows.to(v.device)].to(xi.dtype),
                        self.target_memory,
                        xi,
                        self.beta1,
                        self.beta2,
                    )
                )
                continue
            states = MF.retrieve_memory_space(
                gram,
                xi,
                num_steps,
                self.beta1,
                self.beta2,
                self.alpha,
                return_trajectory,
            )
            if not return_trajectory:
                states = [states]
            out.append(
                torch.stack(
                    [
                        MF.energy_memory_space(
                            a, gram, xi, self.beta1, self.beta2
                        )
                        for a in states
                    ],
                    dim=-1,
                )
            )
        if not out:
            width = (num_steps + 1,) if return_trajectory else ()
            return self.context_memory.new_zeros((0,) + width)
        out = torch.cat(out, dim=0)
        return out if v is not None or return_trajectory else out[:, 0]

    def sample(
        self,
        context: Tensor,
        batch: list[int] | Tensor,
        generator: torch.Generator | None = None,
    ) -> tuple[Tensor, Tensor]:
        r"""Collates a list of nodes into :obj:`(targets, context_rows)`:
        the nodes and their contexts (:obj:`mask='node'`) or the masked ego
        members and the rest of each ego network (:obj:`mask='ego'`,
        drawn with :obj:`generator`)."""
        if not isinstance(batch, Tensor):
            batch = torch.tensor(batch, dtype=torch.long)
        if self.mask == 'ego':
            rows, target = MF.mask_ego_rows(context, batch, generator)
            return target, rows
        return batch, MF.csr_rows(context, batch)

    def loader(
        self,
        context: Tensor,
        mask_generator: torch.Generator | None = None,
        **kwargs,
    ) -> DataLoader:
        r"""A :class:`torch.utils.data.DataLoader` over the nodes (the rows
        of :obj:`context`) yielding :obj:`(targets, context_rows)` pairs for
        :meth:`loss` (see :meth:`sample`); :obj:`mask_generator` draws the
        masked ego members, :obj:`kwargs` go to the loader
        (:obj:`batch_size`, :obj:`shuffle`, ...)."""
        context = self._check_context(context)
        if context.size(0) != self.num_nodes:
            raise ValueError(
                f"'context' must have one row per training node "
                f'([{self.num_nodes}, {self.num_nodes}]) for '
                f'training, got {tuple(context.size())}'
            )
        self.set_walk(context)
        return DataLoader(
            range(context.size(0)),
            collate_fn=partial(self.sample, context, generator=mask_generator),
            **kwargs,
        )

    def loss(self, context: Tensor, batch: Tensor) -> Tensor:
        r"""The masked-node cross-entropy: each context row must retrieve its
        target (the node itself, or the masked ego member with
        :obj:`mask='ego'`), the logits being :math:`\mathbf{v}^{(T)}`.

        Args:
            context (torch.Tensor): Sparse CSR contexts :obj:`[B, m]` (as
                yielded by :meth:`loader`).
            batch (torch.Tensor): The target node indices :obj:`[B]`.
        """
        context = self._check_context(context)
        batch = self._check_batch(batch, self.num_nodes, 'batch')
        if batch.numel() != context.size(0):
            raise ValueError(
                f"'batch' must hold one target per context row "
                f'({context.size(0)}) but holds {batch.numel()}'
            )
        if len(self.walk_weights) > 1 and self._walk is None:
            raise ValueError(
                'the random walk of the training context is unknown; build '
                'the batches with loader() or call set_walk() first'
            )
        xi = self._project(context, self._walk)
        index = None
        target = batch
        if self.num_negative_samples is not None:
            index, target = MF.sample_candidates(
                batch, self.num_nodes, self.num_negative_samples
            )
        if self.dynamics == 'literal':
            v = MF.retrieve_literal(
                self.target_memory,
                xi,
                self.num_steps,
                self.beta1,
                self.beta2,
                self.alpha,
            )
            logits = v if index is None else v[:, index]
        else:
            a = self._memory_state(xi, self.num_steps)
            logits = MF.target_logits(a, self.target_memory, index)
        return F.cross_entropy(logits, target)

    def fit(
        self,
        context: Tensor,
        max_epochs: int = 20,
        batch_size: int = 1024,
        lr: float = 0.01,
        weight_decay: float = 0.0,
        seed: int | None = None,
        callback: Callable[[int, float], bool | None] | None = None,
        verbose: bool = False,
        val_pos_edge_index: Tensor | None = None,
        val_neg_edge_index: Tensor | None = None,
        patience: int = 3,
        epochs: int | None = None,
        checkpoint: str | None = None,
        progress: bool = False,
    ) -> list[MHNEpoch]:
        r"""Trains the memories with Adam (the paper's optimiser) on the
        masked-node loss, one pass over the shuffled nodes per epoch.

        Given validation pairs (node pairs held out of :obj:`context`, e.g.
        from :func:`~pyg_hopfield.utils.seal_link_split` of the training
        edges), training is stopped early on a label-free signal: after
        every epoch, and once before the first, the link AUC of the
        embeddings :math:`\Psi\mathbf{c}` of :obj:`context` on these pairs
        (:func:`~pyg_hopfield.evaluation.link_prediction_auc`) is computed;
        when it has not improved for :obj:`patience` epochs, training stops
        and the memories of the best epoch are restored.  The untrained
        memories (epoch :obj:`0`) are a candidate, so a model whose training
        only lowers the validation AUC comes back untrained.

        Args:
            context (torch.Tensor): Sparse CSR contexts :obj:`[m, m]`.
            max_epochs (int, optional): The largest number of passes over
                the nodes; :obj:`0` leaves the memories untrained.
                (default: :obj:`20`)
            batch_size (int, optional): Nodes per step. (default:
                :obj:`1024`)
            lr (float, optional): Adam learning rate. (default: :obj:`0.01`)
            weight_decay (float, optional): Adam weight decay. (default:
                :obj:`0.0`)
            seed (int, optional): Seeds the node shuffling. (default:
                :obj:`None`)
            callback (callable, optional): Called as
                :obj:`callback(epoch, loss)` after each epoch (the full row
                is :obj:`self.history[-1]`); returning :obj:`True` stops
                training. (default: :obj:`None`)
            verbose (bool, optional): Print every epoch. (default:
                :obj:`False`)
            val_pos_edge_index (torch.Tensor, optional): Held-out positive
                pairs :obj:`[2, P]` for early stopping. (default:
                :obj:`None`)
            val_neg_edge_index (torch.Tensor, optional): Negative pairs
                :obj:`[2, N]` for early stopping. (default: :obj:`None`)
            patience (int, optional): Epochs without a better validation
                AUC before training stops. (default: :obj:`3`)
            epochs (int, optional): The former name of :obj:`max_epochs`,
                kept for existing code. (default: :obj:`None`)
            checkpoint (str, optional): A file that receives, atomically
                after every epoch, the memories, the optimiser state, the
                shuffling and masking generators, the global random state
                and the history; if it exists when :meth:`fit` is called,
                training resumes after its last epoch (up to
                :obj:`max_epochs` in all), so two epochs and then two more
                equal four straight epochs bit for bit.  The settings must
                match the ones it was written with. (default: :obj:`None`)
            progress (bool, optional): Show a :obj:`tqdm` progress bar over
                the epochs whose postfix holds the last epoch's loss and
                validation AUC and the best epoch so far. (default:
                :obj:`False`)

        Returns:
            List[MHNEpoch]: One :obj:`(epoch, loss, score, seconds)` row per
            epoch (also kept as :obj:`self.history`): the mean training
            loss, the validation AUC (:obj:`None` without validation pairs)
            and the seconds since training began, validation included.  With
            validation pairs the first row is the untrained epoch :obj:`0`
            (loss :obj:`nan`).
        """
        if epochs is not None:
            max_epochs = epochs
        name = 'epochs' if epochs is not None else 'max_epochs'
        check_int(max_epochs, name, minimum=0)
        check_int(batch_size, 'batch_size')
        check_int(patience, 'patience')
        check_float(lr, 'lr')
        check_float(weight_decay, 'weight_decay')
        if not float(lr) > 0.0:
            raise ValueError(f"'lr' must be positive (got {lr!r})")
        if not float(weight_decay) >= 0.0:
            raise ValueError(
                f"'weight_decay' must be non-negative (got {weight_decay!r})"
            )
        if (val_pos_edge_index is None) != (val_neg_edge_index is None):
            raise ValueError(
                "'val_pos_edge_index' and 'val_neg_edge_index' "
                'must be given together (or neither)'
            )
        context = self._check_context(context)
        generator = mask_generator = None
        if seed is not None:
            generator = torch.Generator().manual_seed(seed)
            mask_generator = torch.Generator().manual_seed(seed + 1)
        loader = self.loader(
            context,
            mask_generator,
            batch_size=batch_size,
            shuffle=True,
            generator=generator,
        )
        device = self.context_memory.device
        # The fused kernel: one pass over each [m, K] table per step (the
        # default multi-tensor Adam took 1.06 s against 0.16 s per step at
        # m = 10312, K = 2000 on one CPU thread).
        optimizer = torch.optim.Adam(
            self.parameters(),
            lr=lr,
            weight_decay=weight_decay,
            fused=device.type in ('cpu', 'cuda'),
        )
        validate = val_pos_edge_index is not None
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=max_epochs, desc='mhn', unit='epoch')
        start = time.perf_counter()
        self.history: list[MHNEpoch] = []
        best_state, best, best_epoch = None, None, 0

        def log(epoch: int, loss: float) -> None:
            nonlocal best_state, best, best_epoch
            score = None
            if validate:
                score = self.validation_auc(
                    context, val_pos_edge_index, val_neg_edge_index
                )
                if best is None or score > best:
                    best, best_epoch = score, epoch
                    best_state = {
                        key: value.detach().clone()
                        for key, value in self.state_dict().items()
                    }
            row = MHNEpoch(epoch, loss, score, time.perf_counter() - start)
            self.history.append(row)
            if bar is not None:
                bar.set_postfix(self._postfix())
                bar.update(min(epoch, max_epochs) - bar.n)
            if verbose:
                val = '' if score is None else f', Val AUC: {score:.4f}'
                print(
                    f'Epoch: {epoch:03d}, Loss: {loss:.4f}{val}, '
                    f'Time: {row.seconds:.1f}s'
                )

        first_epoch = 1
        config = dict(
            num_nodes=self.num_nodes,
            num_memories=self.num_memories,
            num_rows=context.size(0),
            batch_size=batch_size,
            lr=float(lr),
            weight_decay=float(weight_decay),
            seed=seed,
            patience=patience,
            validate=validate,
        )
        resumed = None
        if checkpoint is not None and osp.exists(checkpoint):
            resumed = self._load_checkpoint(
                checkpoint, config, optimizer, generator, mask_generator
            )
        if resumed is not None:
            first_epoch = resumed['epoch'] + 1
            self.history = [MHNEpoch(*row) for row in resumed['history']]
            best, best_epoch = resumed['best'], resumed['best_epoch']
            best_state = resumed['best_state']
            if self.history:
                start -= self.history[-1].seconds
            if resumed['stopped']:
                first_epoch = max_epochs + 1
        elif validate:
            log(0, float('nan'))
        self.train()
        for epoch in range(first_epoch, max_epochs + 1):
            total, count = 0.0, 0
            for batch, rows in loader:
                optimizer.zero_grad()
                loss = self.loss(rows.to(device), batch.to(device))
                loss.backward()
                optimizer.step()
                total += float(loss.detach()) * batch.numel()
                count += batch.numel()
            self.eval()
            log(epoch, total / count)
            if checkpoint is not None:
                self._save_checkpoint(
                    checkpoint,
                    config,
                    epoch,
                    optimizer,
                    generator,
                    mask_generator,
                    best,
                    best_epoch,
                    best_state,
                    stopped=validate and epoch - best_epoch >= patience,
                )
            self.train()
            if callback is not None and callback(epoch, total / count):
                break
            if validate and epoch - best_epoch >= patience:
                break
        self.eval()
        if bar is not None:
            bar.close()
        if best_state is not None and best_epoch != self.history[-1].epoch:
            self.load_state_dict(best_state)
        return self.history

    def _postfix(self) -> dict[str, str]:
        row = self.history[-1]
        postfix = {'epoch': str(row.epoch)}
        if row.loss == row.loss:  # not the untrained epoch's nan
            postfix['loss'] = f'{row.loss:.4f}'
        if row.score is not None:
            best = max(self.history, key=lambda r: r.score)
            postfix['val_auc'] = f'{row.score:.4f}'
            postfix['best'] = f'{best.score:.4f}@{best.epoch}'
        return postfix

    def _save_checkpoint(
        self,
        path: str,
        config: dict,
        epoch: int,
        optimizer: torch.optim.Optimizer,
        generator: torch.Generator | None,
        mask_generator: torch.Generator | None,
        best: float | None,
        best_epoch: int,
        best_state: dict | None,
        stopped: bool,
    ) -> None:
        state = {
            'format': 'pyg_hopfield.MHNEmbedding.fit/1',
            'config': config,
            'epoch': epoch,
            'model': self.state_dict(),
            'optimizer': optimizer.state_dict(),
            'generator': None if generator is None else generator.get_state(),
            'mask_generator': None
            if mask_generator is None
            else mask_generator.get_state(),
            'rng': torch.get_rng_state(),
            'cuda_rng': torch.cuda.get_rng_state_all()
            if torch.cuda.is_initialized()
            else None,
            'history': [tuple(row) for row in self.history],
            'best': best,
            'best_epoch': best_epoch,
            'best_state': best_state,
            'stopped': stopped,
        }
        save_atomic(state, path)

    def _load_checkpoint(
        self,
        path: str,
        config: dict,
        optimizer: torch.optim.Optimizer,
        generator: torch.Generator | None,
        mask_generator: torch.Generator | None,
    ) -> dict:
        try:
            state = torch.load(path, map_location='cpu', weights_only=False)
        except Exception as e:
            raise ValueError(
                f"'checkpoint' {path!r} could not be read "
                f'({type(e).__name__}: {e}); delete it to train '
                f'from scratch'
            ) from e
        if (
            not isinstance(state, dict)
            or state.get('format') != 'pyg_hopfield.MHNEmbedding.fit/1'
        ):
            raise ValueError(
                f"'checkpoint' {path!r} is not a checkpoint of "
                f'MHNEmbedding.fit; pass another path'
            )
        for key, value in config.items():
            if state['config'].get(key) != value:
                raise ValueError(
                    f"'checkpoint' {path!r} was written with {key}="
                    f'{state["config"].get(key)!r} but this call has {key}='
                    f'{value!r}; resume with the same settings or pass '
                    f'another path'
                )
        self.load_state_dict(state['model'])
        optimizer.load_state_dict(state['optimizer'])
        if generator is not None:
            generator.set_state(state['generator'])
        if mask_generator is not None:
            mask_generator.set_state(state['mask_generator'])
        torch.set_rng_state(state['rng'])
        if state['cuda_rng'] is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state['cuda_rng'])
        return state

    @torch.no_grad()
    def validation_auc(
        self,
        context: Tensor,
        pos_edge_index: Tensor,
        neg_edge_index: Tensor,
    ) -> float:
        r"""The label-free score of early stopping: the link AUC of the
        embeddings of :obj:`context` on held-out positive and negative node
        pairs (:func:`~pyg_hopfield.evaluation.link_prediction_auc`)."""
        from pyg_hopfield.evaluation import link_prediction_auc

        embedding = self(context).cpu()
        return link_prediction_auc(
            embedding, pos_edge_index.cpu(), neg_edge_index.cpu()
        )['auc']

    def __repr__(self) -> str:
        mask = '' if self.mask == 'node' else f", mask='{self.mask}'"
        return (
            f'{self.__class__.__name__}({self.num_nodes}, '
            f'{self.num_memories}, steps={self.num_steps}{mask})'
        )
