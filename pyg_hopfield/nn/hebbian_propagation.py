import dataclasses
import weakref
from collections.abc import Callable

import torch
from torch import Tensor
from torch_geometric.data import Data

from pyg_hopfield.nn.hebbian_loop import (
    HebbianGraph,
    hebbian_graph,
    hebbian_propagation,
)
from pyg_hopfield.nn.hebbian_options import (
    DEFAULTS,
    HebbianOptions,
    check_arguments,
)
from pyg_hopfield.nn.hebbian_presets import preset_settings
from pyg_hopfield.utils.graph_input import is_dgl_graph, to_edge_index


def _tensor_key(tensor: Tensor | None) -> tuple | None:
    if tensor is None:
        return None
    return (weakref.ref(tensor), tensor._version)


def _same_key(old: tuple, new: tuple) -> bool:
    r"""Whether two cache keys name the same, unmodified tensors (a weak
    reference dies with its tensor, so a new tensor at a freed address
    never matches)."""
    for a, b in zip(old, new):
        if (a is None) != (b is None):
            return False
        if a is not None and (
            a[0]() is None or a[0]() is not b[0]() or a[1] != b[1]
        ):
            return False
    return True


def check_node_index(index: Tensor, num_nodes: int, name: str) -> None:
    if (
        not isinstance(index, Tensor)
        or index.is_floating_point()
        or index.dtype == torch.bool
    ):
        raise ValueError(f"'{name}' must be an integer tensor of node indices")
    if index.numel() > 0 and (
        int(index.min()) < 0 or int(index.max()) >= num_nodes
    ):
        raise ValueError(
            f"'{name}' holds node indices outside [0, "
            f'{num_nodes}) (got {int(index.min())} .. '
            f'{int(index.max())}); negative indices are not '
            f'read from the end'
        )


class HebbianPropagation(torch.nn.Module):
    r"""The Hebbian graph embedding from the `"Hebbian Graph Embeddings"
    <https://arxiv.org/abs/1908.08037>`_ paper: a parameter-free propagation
    of random embeddings over the transition probabilities of a (weighted)
    graph, by default in an orthogonal form that converges.

    **Orthogonal propagation** (default, :obj:`orthogonalize=True`;
    :func:`~pyg_hopfield.nn.hebbian_orthogonal.orthogonal_propagation` has
    the Chebyshev recurrence): subspace iteration on

    .. math::
        \tilde{\mathbf{S}} = \mathbf{D}^{-1/2}\mathbf{W}\mathbf{D}^{-1/2}
        - \sum_{c \in \mathcal{C}} \mathbf{u}_c \mathbf{u}_c^{\top},
        \qquad \mathbf{u}_c = \mathbf{D}^{1/2}\mathbf{1}_c /
        \sqrt{\mathrm{vol}(c)},

    with :math:`\mathcal{C}` every connected component, or every one but
    the largest (:obj:`degree_direction`), and after :math:`T` steps

    .. math::
        \mathbf{H} = \mathbf{V} |\boldsymbol{\Lambda}|^{\alpha}

    from the Rayleigh--Ritz pairs :math:`(\mathbf{V},
    \boldsymbol{\Lambda})` of the block.

    **The paper's update** (:obj:`orthogonalize=False`, e.g.
    :meth:`from_preset` with :obj:`'paper'`;
    :func:`~pyg_hopfield.nn.hebbian_functional.hebbian_update` has the
    readings of :obj:`gaussian`): :math:`\mathbf{h}^{(0)}_i \sim
    \mathcal{N}(\mathbf{0}, \sigma_0^2 \mathbf{I})`, :math:`\sigma_t^2 =
    \sigma_0^2 / \gamma^t`, and synchronously

    .. math::
        \mathbf{h}^{(t+1)}_j = \mathbf{h}^{(t)}_j + \eta \Big(
        \sum_{i \to j} p_{ij} \, \mathbf{x}^{(t)}_{ij}
        - \lambda \sum_{(j, v) \in \mathcal{N}^{(t)}} c^{(t)}_{jv}
          \mathbf{h}^{(t)}_v
        - \lambda \sum_{(u, j) \in \mathcal{N}^{(t)}} c^{(t)}_{uj}
          \mathbf{h}^{(t)}_u \Big)

    with :math:`K` uniform negative pairs :math:`\mathcal{N}^{(t)}` per node.

    Both modes: :obj:`normalize` scales rows to unit norm, :obj:`whiten`
    centres and decorrelates columns (ZCA), at the output or
    (:obj:`'iteration'`, the paper's update only) after every iteration.
    With a :obj:`seed`, every call draws from a fresh
    :class:`torch.Generator` and is bit-identical on CPU.  Why each default
    was chosen, the paper's assumptions and the figures are on the Hebbian
    results page (``docs/source/results/hebbian.rst``); the sharded
    :func:`pyg_hopfield.distributed.hebbian_propagation` gives the same
    embedding bit for bit.

    Args:
        num_nodes (int): The number of nodes :math:`m`.
        embedding_dim (int): The size :math:`d` of each embedding.
        num_iterations (int or str, optional): The number :math:`T` of
            propagation steps; :obj:`'auto'` (orthogonal mode only) takes 24
            when the average degree is at least 10 and 80 otherwise.
            (default: :obj:`'auto'`; the paper: :obj:`10`)
        orthogonalize (bool, optional): The orthogonal propagation
            (:obj:`True`) or the paper's update. (default: :obj:`True`)
        degree_direction (bool or str, optional): Keep the largest
            component's degree direction (:obj:`True`), project it out
            (:obj:`False`) or decide by the average degree
            (:obj:`'auto'`). (default: :obj:`'auto'`)
        eigenvalue_exponent (float, optional): :math:`\alpha`.
            (default: :obj:`1.0`)
        filter_degree (int, optional): Steps :math:`k` between two
            orthonormalisations. (default: :obj:`8`)
        lr (float, optional): The paper's learning rate :math:`\eta`.
            (default: :obj:`1.0`)
        variance (float, optional): The paper's initial variance
            :math:`\sigma_0^2`. (default: :obj:`10.0`)
        variance_decay (float, optional): The paper's annealing factor
            :math:`\gamma`. (default: :obj:`1.1`)
        negative_weight (float, optional): The weight :math:`\lambda` of the
            paper's negative edges. (default: :obj:`0.0`; the paper:
            :obj:`0.5`)
        num_negative_samples (int, optional): :math:`K`.
            (default: :obj:`1`)
        gaussian (str, optional): :obj:`'sample'`, :obj:`'kernel'` or
            :obj:`'none'`. (default: :obj:`'none'`; the paper:
            :obj:`'sample'`)
        transition (str, optional): :obj:`'row'` or :obj:`'sym'`.
            (default: :obj:`'sym'`; the paper: :obj:`'row'`)
        normalize (bool or str, optional): :obj:`True` / :obj:`'output'`
            or :obj:`'iteration'`. (default: :obj:`False`)
        whiten (bool or str, optional): :obj:`True` / :obj:`'output'` or
            :obj:`'iteration'`. (default: :obj:`False`)
        seed (int, optional): Seeds a private generator; :obj:`None` uses
            PyTorch's global generator. (default: :obj:`None`)
        cached (bool, optional): Caches the transition matrix of the last
            graph, keyed on weak references to its very tensors and their
            version counters. (default: :obj:`True`)

    Shapes:
        - **input:** edge indices :math:`(2, |\mathcal{E}|)`, optional edge
          weights :math:`(|\mathcal{E}|)` (or a :class:`Data` or DGL graph),
          optional :obj:`batch` node indices :math:`(b)`
        - **output:** node embeddings :math:`(m, d)`, or :math:`(b, d)`
    """

    def __init__(
        self,
        num_nodes: int,
        embedding_dim: int,
        num_iterations: int | str = DEFAULTS.num_iterations,
        orthogonalize: bool = DEFAULTS.orthogonalize,
        degree_direction: bool | str = DEFAULTS.degree_direction,
        eigenvalue_exponent: float = DEFAULTS.eigenvalue_exponent,
        filter_degree: int = DEFAULTS.filter_degree,
        lr: float = DEFAULTS.lr,
        variance: float = DEFAULTS.variance,
        variance_decay: float = DEFAULTS.variance_decay,
        negative_weight: float = DEFAULTS.negative_weight,
        num_negative_samples: int = DEFAULTS.num_negative_samples,
        gaussian: str = DEFAULTS.gaussian,
        transition: str = DEFAULTS.transition,
        normalize: bool | str = DEFAULTS.normalize,
        whiten: bool | str = DEFAULTS.whiten,
        seed: int | None = None,
        cached: bool = True,
    ):
        super().__init__()
        self.options = check_arguments(
            num_nodes,
            embedding_dim,
            num_iterations=num_iterations,
            orthogonalize=orthogonalize,
            degree_direction=degree_direction,
            eigenvalue_exponent=eigenvalue_exponent,
            filter_degree=filter_degree,
            lr=lr,
            variance=variance,
            variance_decay=variance_decay,
            negative_weight=negative_weight,
            num_negative_samples=num_negative_samples,
            gaussian=gaussian,
            transition=transition,
            normalize=normalize,
            whiten=whiten,
        )
        self.num_nodes = num_nodes
        self.embedding_dim = embedding_dim
        self.seed = seed
        self.cached = cached
        self._cache_key: tuple | None = None
        self._cache: HebbianGraph | None = None
        self.reset_parameters()

    def __getattr__(self, name: str):
        # The hyper-parameters read through (model.lr, ...) from the one
        # validated, immutable HebbianOptions.
        options = self.__dict__.get('options')
        if options is not None and name in HebbianOptions.__dataclass_fields__:
            return getattr(options, name)
        return super().__getattr__(name)

    def __setattr__(self, name: str, value):
        # Setting a hyper-parameter (model.lr = 2.0) validates it again and
        # drops the cached graph, which depends on some of them.
        if name in HebbianOptions.__dataclass_fields__:
            self.options = dataclasses.replace(self.options, **{name: value})
            self.reset_parameters()
        else:
            super().__setattr__(name, value)

    @classmethod
    def from_preset(
        cls,
        preset: str,
        num_nodes: int,
        embedding_dim: int,
        **kwargs,
    ) -> 'HebbianPropagation':
        r"""Builds the module with the settings of a named preset of
        :data:`~pyg_hopfield.nn.hebbian_presets.HEBBIAN_PRESETS` (e.g.
        :obj:`'paper'`, the paper's literal reading); :obj:`kwargs` override
        them."""
        return cls(
            num_nodes, embedding_dim, **{**preset_settings(preset), **kwargs}
        )

    def reset_parameters(self):
        r"""Resets all learnable parameters of the module (it has none) and
        clears the cached transition matrix."""
        self._cache_key = None
        self._cache = None

    def generator(self, device: torch.device) -> torch.Generator | None:
        r"""A fresh generator on :obj:`device` seeded with :obj:`seed`, or
        :obj:`None` without a seed."""
        if self.seed is None:
            return None
        return torch.Generator(device=device).manual_seed(self.seed)

    def transition_matrix(
        self,
        edge_index: Tensor,
        edge_weight: Tensor | None = None,
    ) -> HebbianGraph:
        r"""Returns the (cached)
        :class:`~pyg_hopfield.nn.hebbian_loop.HebbianGraph`: the CSR matrix
        :math:`\mathbf{P}^{\top}`, the noise scales :math:`s_j` and, in
        the orthogonal mode, the weighted degrees and connected-component
        labels.

        The cache holds weak references to the very tensors it was built
        from and their version counters, so a new (or modified) tensor is
        never mistaken for the old one, even at the same address."""
        key = (_tensor_key(edge_index), _tensor_key(edge_weight))
        if (
            self.cached
            and self._cache is not None
            and _same_key(self._cache_key, key)
        ):
            return self._cache
        graph = hebbian_graph(
            edge_index,
            self.num_nodes,
            edge_weight,
            self.transition,
            components=self.orthogonalize,
        )
        if self.cached:
            self._cache_key, self._cache = key, graph
        return graph

    def iterations_for(self, edge_index: Tensor) -> int:
        r"""The number of propagation steps: :obj:`num_iterations`, or with
        :obj:`'auto'` 24 (three rounds) when the average degree is at least
        10 (dense graphs mix fast: more steps change nothing measurable)
        and 80 otherwise."""
        return self.options.iterations_for(edge_index.size(1), self.num_nodes)

    def keeps_degree_direction(self, edge_index: Tensor) -> bool:
        r"""Whether the largest component's degree direction is kept:
        :obj:`degree_direction`, or with :obj:`'auto'` whether the average
        degree :math:`|\mathcal{E}| / m` is at least
        :data:`~pyg_hopfield.nn.hebbian_options.DEGREE_DIRECTION_MIN_AVG_DEGREE`."""
        return self.options.keeps_degree_direction(
            edge_index.size(1), self.num_nodes
        )

    @torch.no_grad()
    def forward(
        self,
        edge_index: Tensor | Data,
        edge_weight: Tensor | None = None,
        batch: Tensor | None = None,
        callback: Callable[[int], None] | None = None,
    ) -> Tensor:
        r"""Computes the embeddings of all nodes (or of the nodes in
        :obj:`batch`).

        Args:
            edge_index (torch.Tensor or Data or dgl.DGLGraph): The edge
                indices, or a :class:`~torch_geometric.data.Data` object
                (:obj:`edge_index`, optional :obj:`edge_weight`,
                :obj:`num_nodes`), or a DGL graph (:obj:`g.edges()`,
                :obj:`g.num_nodes()`; weights from
                :obj:`g.edata['edge_weight']` if present).
            edge_weight (torch.Tensor, optional): Non-negative edge weights.
                (default: :obj:`None`)
            batch (torch.Tensor, optional): Node indices to return.
                (default: :obj:`None`)
            callback (callable, optional): Called as :obj:`callback(t)`
                after each iteration :obj:`t`, e.g. to advance a progress
                bar. (default: :obj:`None`)
        """
        if (
            is_dgl_graph(edge_index)
            and edge_weight is None
            and 'edge_weight' in getattr(edge_index, 'edata', {})
        ):
            edge_weight = edge_index.edata['edge_weight']
        edge_index, edge_weight, num_nodes = to_edge_index(
            edge_index,
            edge_weight,
            num_nodes=self.num_nodes
            if isinstance(edge_index, Tensor)
            else None,
            allow_empty=False,
        )
        if num_nodes != self.num_nodes:
            raise ValueError(
                f"the graph has {num_nodes} nodes ('num_nodes' "
                f'of the Data or DGL graph) but the module was '
                f'built with num_nodes={self.num_nodes}'
            )
        if batch is not None:
            check_node_index(batch, self.num_nodes, 'batch')
        out = hebbian_propagation(
            edge_index,
            self.num_nodes,
            self.embedding_dim,
            generator=self.generator(edge_index.device),
            graph=self.transition_matrix(edge_index, edge_weight),
            callback=callback,
            **vars(self.options),
        )
        return out if batch is None else out[batch]

    def __repr__(self) -> str:
        # The settings that differ from the defaults, by keyword.
        changed = self.options.changed()
        if self.seed is not None:
            changed['seed'] = self.seed
        extra = ''.join(f', {k}={v!r}' for k, v in changed.items())
        return (
            f'{self.__class__.__name__}({self.num_nodes}, '
            f'{self.embedding_dim}{extra})'
        )
