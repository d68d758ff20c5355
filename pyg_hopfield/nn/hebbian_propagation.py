import inspect
import weakref
from collections.abc import Callable

import torch
from torch import Tensor
from torch_geometric.data import Data
from torch_geometric.utils import scatter

from pyg_hopfield.nn import hebbian_functional as HF
from pyg_hopfield.nn import hebbian_orthogonal as HO
from pyg_hopfield.nn.hebbian_presets import preset_settings
from pyg_hopfield.utils.checks import check_float, check_int
from pyg_hopfield.utils.graph_input import is_dgl_graph, to_edge_index


def _check_orthogonal(
    negative_weight, gaussian, transition, normalize, whiten
) -> None:
    for name, value, neutral in (
        ('negative_weight', negative_weight, 0.0),
        ('gaussian', gaussian, 'none'),
        ('transition', transition, 'sym'),
    ):
        if value != neutral:
            raise ValueError(
                f"'{name}={value!r}' belongs to the paper's propagation, "
                f'not to the orthogonal one (orthogonalize=True needs '
                f'{name}={neutral!r}); pass orthogonalize=False, or use '
                f"HebbianPropagation.from_preset('paper', ...)"
            )
    for name, value in (('normalize', normalize), ('whiten', whiten)):
        if value == 'iteration':
            raise ValueError(
                f"'{name}='iteration'' would undo the orthonormal columns "
                f'of orthogonalize=True; use {name}=True (the output) or '
                f'orthogonalize=False'
            )


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
    <https://arxiv.org/abs/1908.08037>`_ paper: a parameter-free associative
    propagation of random embeddings over the transition probabilities of a
    (weighted) graph, here in an orthogonal form that converges, by default.

    **Default: orthogonal propagation** (:obj:`orthogonalize=True`).  With
    the symmetric transition probabilities
    :math:`\mathbf{S} = \mathbf{D}^{-1/2}\mathbf{W}\mathbf{D}^{-1/2}`
    (:math:`s_{ij} = w_{ij} / \sqrt{d_i d_j}`) and, per connected component
    :math:`c`, its degree direction :math:`\mathbf{u}_c = \mathbf{D}^{1/2}
    \mathbf{1}_c / \sqrt{\mathrm{vol}(c)}` (an eigenvector of
    :math:`\mathbf{S}` with eigenvalue 1 that carries only degree and
    membership), embeddings are propagated along

    .. math::
        \tilde{\mathbf{S}} = \mathbf{S} - \sum_{c \in \mathcal{C}}
        \mathbf{u}_c \mathbf{u}_c^{\top},

    where :math:`\mathcal{C}` holds every component but the largest when
    the average degree :math:`|\mathcal{E}| / m` is at least 10 (there the
    degree direction is the best single predictor of links), and every
    component otherwise (:obj:`degree_direction='auto'`, chosen on
    training edges, see the results page).  :math:`d` random columns
    :math:`\mathbf{H}^{(0)}` (zero rows for nodes without edges) are
    propagated in rounds of :math:`k` steps (:obj:`filter_degree`) with a
    momentum term,

    .. math::
        \mathbf{Y}_{1} = \frac{\tilde{\mathbf{S}}\mathbf{H} - a\mathbf{H}}
        {e}, \qquad
        \mathbf{Y}_{s+1} = \frac{2}{e}\big(\tilde{\mathbf{S}}\mathbf{Y}_s -
        a\mathbf{Y}_s\big) - \mathbf{Y}_{s-1}, \qquad
        \mathbf{H} \leftarrow \mathrm{orth}(\mathbf{Y}_k),

    a Chebyshev recurrence that damps the eigenvalues in :math:`[-1, b]`
    (:math:`a = (b - 1)/2`, :math:`e = (b + 1)/2`, :math:`b` the smallest
    Ritz value of the current block, a few buffer columns beyond :math:`d`)
    and amplifies those above :math:`b`; :math:`\mathrm{orth}` is a QR
    factorisation, the whitening Cleora applies between iterations.  After
    :math:`T` (:obj:`num_iterations`: 24 when the average degree is at
    least 10, else 80) steps, Rayleigh--Ritz gives
    :math:`\mathbf{V}` and :math:`\boldsymbol{\Lambda}` and the embedding is

    .. math::
        \mathbf{H} = \mathbf{V} |\boldsymbol{\Lambda}|^{\alpha}

    (:math:`\alpha` = :obj:`eigenvalue_exponent`), so that
    :math:`\mathbf{h}_i^{\top}\mathbf{h}_j` approximates
    :math:`(\tilde{\mathbf{S}}^{2\alpha})_{ij}` at rank :math:`d`.  This is
    subspace iteration: it converges to the leading eigenvectors of
    :math:`\tilde{\mathbf{S}}`, each step is one propagation over the edges
    (:math:`O(|\mathcal{E}| d)`, plus :math:`O(m d^2)` per round), and no
    eigensolver is called.

    **The paper's update** (:obj:`orthogonalize=False`, e.g.
    :meth:`from_preset` with :obj:`'paper'`; its equations were
    lost, this is our reading of its prose): :math:`\mathbf{h}^{(0)}_i \sim
    \mathcal{N}(\mathbf{0}, \sigma_0^2 \mathbf{I})`,
    :math:`\sigma_t^2 = \sigma_0^2 / \gamma^t`, and synchronously

    .. math::
        \mathbf{h}^{(t+1)}_j = \mathbf{h}^{(t)}_j + \eta \Big(
        \sum_{i \to j} p_{ij} \, \mathbf{x}^{(t)}_{ij}
        - \lambda \sum_{(j, v) \in \mathcal{N}^{(t)}} c^{(t)}_{jv}
          \mathbf{h}^{(t)}_v
        - \lambda \sum_{(u, j) \in \mathcal{N}^{(t)}} c^{(t)}_{uj}
          \mathbf{h}^{(t)}_u \Big),

    where :math:`p_{ij}` is :obj:`'row'` :math:`w_{ij} / \sum_k w_{ik}` or
    :obj:`'sym'` :math:`w_{ij} / \sqrt{d^{out}_i d^{in}_j}`,
    :math:`\mathcal{N}^{(t)}` holds :math:`K` uniform negative pairs per
    node, and the Gaussian mixture :math:`\mathbf{h}_j \sim \sum_i p_{ij}
    \mathcal{N}(\mathbf{h}_i, \sigma_t^2 \mathbf{I})` is read as
    :obj:`'sample'` (:math:`\mathbf{x}_{ij} \sim \mathcal{N}(\mathbf{h}_i,
    \sigma_t^2 \mathbf{I})`, drawn exactly as :math:`(\mathbf{P}^{\top}
    \mathbf{H})_j + \sigma_t (\sum_i p_{ij}^2)^{1/2}
    \boldsymbol{\epsilon}_j`; :math:`c = 1`), :obj:`'kernel'`
    (:math:`\mathbf{x}_{ij} = g_{ij}\mathbf{h}_i`, :math:`g_{ij} =
    \exp(-\gamma^t (1 - \cos(\mathbf{h}_i, \mathbf{h}_j)))`, :math:`c_{uv}
    = g_{uv}`) or :obj:`'none'` (:math:`\mathbf{x}_{ij} = \mathbf{h}_i`).
    Every assumption is discussed on the Hebbian results page.

    Both modes: :obj:`normalize=True` scales output rows to unit norm;
    :obj:`whiten=True` centres and decorrelates the output columns (ZCA);
    :obj:`'iteration'` applies either after every iteration of the paper's
    update.  With a :obj:`seed`, every call draws from a fresh
    :class:`torch.Generator` and is bit-identical on CPU.

    .. note::

        For examples, see `examples/hebbian_gem.py`,
        `examples/hebbian_seal.py`, `examples/hebbian_node_classification.py`
        and `benchmarks/bench_quality.py` (ours beside spectral, Cleora,
        ProNE, FastRP); results in ``docs/source/results/hebbian.rst``.
        The sharded :func:`pyg_hopfield.distributed.hebbian_propagation`
        runs the paper's update.

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
        num_iterations: int | str = 'auto',
        orthogonalize: bool = True,
        degree_direction: bool | str = 'auto',
        eigenvalue_exponent: float = 1.0,
        filter_degree: int = 8,
        lr: float = 1.0,
        variance: float = 10.0,
        variance_decay: float = 1.1,
        negative_weight: float = 0.0,
        num_negative_samples: int = 1,
        gaussian: str = 'none',
        transition: str = 'sym',
        normalize: bool | str = False,
        whiten: bool | str = False,
        seed: int | None = None,
        cached: bool = True,
    ):
        super().__init__()
        check_int(num_nodes, 'num_nodes')
        check_int(embedding_dim, 'embedding_dim')
        if num_iterations != 'auto' or not orthogonalize:
            check_int(num_iterations, 'num_iterations', minimum=0)
        check_int(filter_degree, 'filter_degree')
        check_int(num_negative_samples, 'num_negative_samples', minimum=0)
        for name, value in (
            ('lr', lr),
            ('variance', variance),
            ('variance_decay', variance_decay),
        ):
            check_float(value, name, minimum=0.0, strict=True)
        check_float(negative_weight, 'negative_weight', minimum=0.0)
        check_float(eigenvalue_exponent, 'eigenvalue_exponent', minimum=0.0)
        if gaussian not in HF.GAUSSIAN_MODES:
            raise ValueError(
                f"'gaussian' must be one of "
                f'{HF.GAUSSIAN_MODES} (got {gaussian!r})'
            )
        HF.check_mode('normalize', normalize, HF.NORMALIZE_MODES)
        HF.check_mode('whiten', whiten, HF.WHITEN_MODES)
        HF.check_mode(
            'degree_direction', degree_direction, HO.DEGREE_DIRECTION_MODES
        )
        if transition not in HF.TRANSITIONS:
            raise ValueError(
                f"'transition' must be one of "
                f'{HF.TRANSITIONS} (got {transition!r})'
            )
        if orthogonalize:
            _check_orthogonal(
                negative_weight, gaussian, transition, normalize, whiten
            )
        self.num_nodes = num_nodes
        self.embedding_dim = embedding_dim
        self.num_iterations = num_iterations
        self.orthogonalize = bool(orthogonalize)
        self.degree_direction = degree_direction
        self.eigenvalue_exponent = float(eigenvalue_exponent)
        self.filter_degree = filter_degree
        self.lr = float(lr)
        self.variance = float(variance)
        self.variance_decay = float(variance_decay)
        self.negative_weight = float(negative_weight)
        self.num_negative_samples = num_negative_samples
        self.gaussian = gaussian
        self.transition = transition
        self.normalize = normalize
        self.whiten = whiten
        self.seed = seed
        self.cached = cached
        self._cache_key: tuple | None = None
        self._cache: tuple | None = None
        self.reset_parameters()

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
    ) -> tuple[Tensor, ...]:
        r"""Returns the (cached) CSR matrix :math:`\mathbf{P}^{\top}` and the
        noise scales :math:`s_j` (and, in the orthogonal mode, the weighted
        degrees and connected-component labels).

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
        out = HF.transition_matrix(
            edge_index, self.num_nodes, edge_weight, self.transition
        )
        if self.orthogonalize:
            weight = (
                torch.ones(edge_index.size(1), device=edge_index.device)
                if edge_weight is None
                else edge_weight.float()
            )
            degree = scatter(
                weight,
                edge_index[1].long(),
                0,
                dim_size=self.num_nodes,
                reduce='sum',
            )
            out = out + (
                degree,
                HO.connected_components(edge_index, self.num_nodes),
            )
        if self.cached:
            self._cache_key, self._cache = key, out
        return out

    def iterations_for(self, edge_index: Tensor) -> int:
        r"""The number of propagation steps: :obj:`num_iterations`, or with
        :obj:`'auto'` 24 (three rounds) when the average degree is at least
        10 (dense graphs mix fast: more steps change nothing measurable)
        and 80 otherwise."""
        if self.num_iterations != 'auto':
            return self.num_iterations
        return (
            HO.DENSE_NUM_ITERATIONS
            if self._is_dense(edge_index)
            else HO.SPARSE_NUM_ITERATIONS
        )

    def _is_dense(self, edge_index: Tensor) -> bool:
        # The one graph statistic behind both 'auto' rules.
        average_degree = edge_index.size(1) / max(self.num_nodes, 1)
        return average_degree >= HO.DEGREE_DIRECTION_MIN_AVG_DEGREE

    def keeps_degree_direction(self, edge_index: Tensor) -> bool:
        r"""Whether the largest component's degree direction is kept:
        :obj:`degree_direction`, or with :obj:`'auto'` whether the average
        degree :math:`|\mathcal{E}| / m` is at least
        :data:`~pyg_hopfield.nn.hebbian_orthogonal.DEGREE_DIRECTION_MIN_AVG_DEGREE`."""
        if self.degree_direction != 'auto':
            return bool(self.degree_direction)
        return self._is_dense(edge_index)

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
        cache = self.transition_matrix(edge_index, edge_weight)
        generator = self.generator(edge_index.device)
        if self.orthogonalize:
            adj_t, _, degree, labels = cache
            out, _ = HO.orthogonal_propagation(
                adj_t,
                degree,
                labels,
                self.embedding_dim,
                num_iterations=self.iterations_for(edge_index),
                filter_degree=self.filter_degree,
                eigenvalue_exponent=self.eigenvalue_exponent,
                degree_direction=self.keeps_degree_direction(edge_index),
                generator=generator,
                callback=callback,
            )
            out = HF.finish(out, self.normalize, self.whiten)
        else:
            out = HF.hebbian_propagation(
                edge_index,
                self.num_nodes,
                self.embedding_dim,
                num_iterations=self.num_iterations,
                lr=self.lr,
                variance=self.variance,
                variance_decay=self.variance_decay,
                negative_weight=self.negative_weight,
                num_negative_samples=self.num_negative_samples,
                gaussian=self.gaussian,
                transition=self.transition,
                normalize=self.normalize,
                whiten=self.whiten,
                generator=generator,
                adj_t=cache,
                callback=callback,
            )
        if not torch.isfinite(out).all():
            raise ValueError(
                f'the embedding overflowed (non-finite values) after '
                f"num_iterations={self.num_iterations}: the paper's update "
                f'grows as (1 + lr)^t; use fewer iterations, '
                f"normalize='iteration' or orthogonalize=True"
            )
        return out if batch is None else out[batch]

    def __repr__(self) -> str:
        # Hyper-parameters that differ from the __init__ defaults (the one
        # source of defaults), by keyword.
        params = inspect.signature(type(self).__init__).parameters
        extra = ''.join(
            f', {name}={getattr(self, name)!r}'
            for name, param in params.items()
            if name not in ('self', 'num_nodes', 'embedding_dim', 'cached')
            and getattr(self, name) != param.default
        )
        return (
            f'{self.__class__.__name__}({self.num_nodes}, '
            f'{self.embedding_dim}{extra})'
        )
