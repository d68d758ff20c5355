import inspect
import weakref
from typing import Callable, Optional, Tuple, Union

import torch
from torch import Tensor
from torch_geometric.data import Data

from pyg_hopfield.nn import hebbian_functional as HF
from pyg_hopfield.nn import hebbian_orthogonal as HO
from pyg_hopfield.nn.hebbian_presets import preset_settings
from pyg_hopfield.utils.checks import check_float, check_int
from pyg_hopfield.utils.graph_input import is_dgl_graph, to_edge_index


def _check_orthogonal(negative_weight, gaussian, transition, normalize,
                      whiten) -> None:
    for name, value, neutral in (('negative_weight', negative_weight, 0.0),
                                 ('gaussian', gaussian, 'none'),
                                 ('transition', transition, 'sym')):
        if value != neutral:
            raise ValueError(
                f"'{name}={value!r}' belongs to the paper's propagation, "
                f"not to the orthogonal one (orthogonalize=True needs "
                f"{name}={neutral!r}); pass orthogonalize=False, or use "
                f"HebbianPropagation.from_preset('paper', ...)")
    for name, value in (('normalize', normalize), ('whiten', whiten)):
        if value == 'iteration':
            raise ValueError(
                f"'{name}='iteration'' would undo the orthonormal columns "
                f"of orthogonalize=True; use {name}=True (the output) or "
                f"orthogonalize=False")


def _tensor_key(tensor: Optional[Tensor]) -> Optional[Tuple]:
    if tensor is None:
        return None
    return (weakref.ref(tensor), tensor._version)


def _same_key(old: Tuple, new: Tuple) -> bool:
    r"""Whether two cache keys name the same, unmodified tensors (a weak
    reference dies with its tensor, so a new tensor at a freed address
    never matches)."""
    for a, b in zip(old, new):
        if (a is None) != (b is None):
            return False
        if a is not None and (a[0]() is None or a[0]() is not b[0]()
                              or a[1] != b[1]):
            return False
    return True


def check_node_index(index: Tensor, num_nodes: int, name: str) -> None:
    if not isinstance(index, Tensor) or index.dtype in (torch.float16,
                                                        torch.float32,
                                                        torch.float64,
                                                        torch.bool):
        raise ValueError(f"'{name}' must be an integer tensor of node "
                         f"indices")
    if index.numel() > 0 and (int(index.min()) < 0
                              or int(index.max()) >= num_nodes):
        raise ValueError(f"'{name}' holds node indices outside [0, "
                         f"{num_nodes}) (got {int(index.min())} .. "
                         f"{int(index.max())}); negative indices are not "
                         f"read from the end")


class HebbianPropagation(torch.nn.Module):
    r"""The Hebbian graph embedding from the `"Hebbian Graph Embeddings"
    <https://arxiv.org/abs/1908.08037>`_ paper: a parameter-free, error-free
    associative propagation of random Gaussian embeddings over the
    transition probabilities of a (weighted, possibly directed) graph, with
    an annealed mixture variance and random negative edges.

    The paper's equations were lost; this is what we compute, from its prose
    (every choice the prose leaves open is marked *assumption*).
    Embeddings start as

    .. math::
        \mathbf{h}^{(0)}_i \sim \mathcal{N}(\mathbf{0}, \sigma_0^2
        \mathbf{I}_d), \qquad \sigma_t^2 = \sigma_0^2 / \gamma^t,

    and for :math:`t = 0, \ldots, T-1` every node :math:`j` is updated
    *synchronously* (all messages read :math:`\mathbf{H}^{(t)}`; the paper's
    Spark implementation is a bulk-synchronous job) by

    .. math::
        \mathbf{h}^{(t+1)}_j = \mathbf{h}^{(t)}_j + \eta \Big(
        \sum_{i \to j} p_{ij} \, \mathbf{x}^{(t)}_{ij}
        - \lambda \sum_{(j, v) \in \mathcal{N}^{(t)}} c^{(t)}_{jv}
          \mathbf{h}^{(t)}_v
        - \lambda \sum_{(u, j) \in \mathcal{N}^{(t)}} c^{(t)}_{uj}
          \mathbf{h}^{(t)}_u \Big),

    where the propagated term :math:`\mathbf{x}^{(t)}_{ij}` of the edge
    :math:`i \to j` reads the Gaussian mixture
    :math:`\mathbf{h}_j \sim \sum_i p_{ij} \mathcal{N}(\mathbf{h}_i,
    \sigma_t^2 \mathbf{I})` in one of three ways (:obj:`gaussian`):

    * :obj:`'sample'` (default, *assumption*: the paper's literal reading) --
      a draw of the mixture component,
      :math:`\mathbf{x}_{ij} \sim \mathcal{N}(\mathbf{h}_i, \sigma_t^2
      \mathbf{I})`, independent per edge; summed over the in-edges this is
      *exactly* (in distribution)
      :math:`(\mathbf{P}^{\top} \mathbf{H})_j + \sigma_t s_j
      \boldsymbol{\epsilon}_j` with
      :math:`s_j = (\sum_i p_{ij}^2)^{1/2}` and
      :math:`\boldsymbol{\epsilon}_j \sim \mathcal{N}(\mathbf{0},
      \mathbf{I})`, which is what we draw (:math:`O(md)`, not
      :math:`O(|\mathcal{E}|d)`, random numbers); :math:`c_{uv} = 1`.
    * :obj:`'kernel'` -- a Gaussian weighting of the neighbour,
      :math:`\mathbf{x}_{ij} = g_{ij} \mathbf{h}_i` with
      :math:`g_{ij} = \exp(-\lVert \tilde{\mathbf{h}}_i -
      \tilde{\mathbf{h}}_j \rVert^2 / (2 d \sigma_t^2)) =
      \exp(-\gamma^t (1 - \cos(\mathbf{h}_i, \mathbf{h}_j)))`, where
      :math:`\tilde{\mathbf{h}} = \sigma_0 \sqrt{d}\, \mathbf{h} /
      \lVert \mathbf{h} \rVert` is the embedding rescaled to its initial
      norm (*assumption*: a :math:`d`-dimensional density
      :math:`\propto e^{-\lVert \cdot \rVert^2 / 2\sigma^2}` underflows to
      :math:`0` for :math:`d = 200`, so we use its per-coordinate
      (geometric-mean) form on scale-free embeddings, which grow as
      :math:`(1 + \eta)^t`); negative pairs are weighted alike,
      :math:`c_{uv} = g_{uv}`.  One sampled dense-dense product
      (:func:`torch.sparse.sampled_addmm`) per iteration.
    * :obj:`'none'` -- :math:`\mathbf{x}_{ij} = \mathbf{h}_i`,
      :math:`c_{uv} = 1` (the ablation without the Gaussian).

    The remaining symbols:

    * :math:`p_{ij}` is the transition probability of the edge
      :math:`i \to j` with weight :math:`w_{ij} \geq 0`: :obj:`'row'`
      (default) :math:`p_{ij} = w_{ij} / \sum_k w_{ik}` (out-going
      probabilities of :math:`i` sum to one, as in PageRank), or
      :obj:`'sym'` :math:`p_{ij} = w_{ij} / \sqrt{d^{out}_i d^{in}_j}`;
      messages flow along :obj:`edge_index[0] -> edge_index[1]`, so an
      undirected graph must list both directions (PyG convention); a
      directed or asymmetrically weighted one is respected as given.
    * :math:`\mathcal{N}^{(t)}` holds :math:`K` negative pairs
      :math:`(u, v)` per node :math:`u`, with :math:`v` uniform over all
      nodes, redrawn every iteration (*assumption*: uniform, not excluding
      neighbours); the negated embeddings go to *both* ends with the fixed
      probability :math:`\lambda` (paper: :math:`0.5`).
    * :math:`\eta` is the learning rate (:math:`1`), :math:`T` the number of
      iterations (:math:`10`), :math:`\sigma_0^2` the initial variance
      (:math:`10`) and :math:`\gamma` the annealing factor (:math:`1.1`).
      Options that are *not* in the paper (off by default): with
      :obj:`normalize=True` the output rows are scaled to unit norm (inner
      products become cosine similarities); :obj:`normalize='iteration'`
      rescales every row to unit norm after each iteration,
      :math:`\mathbf{h}_j \leftarrow \mathbf{h}_j / \lVert \mathbf{h}_j
      \rVert`; :obj:`whiten` applies ZCA whitening
      :math:`\mathbf{H} \leftarrow (\mathbf{H} - \bar{\mathbf{h}})
      \mathbf{C}^{-1/2}` (:math:`\mathbf{C}` the column covariance) to the
      output or after each iteration.

    Nodes without in-edges keep their initial draw (plus negatives);
    self-loops are propagated like other edges.  Runs on CPU and CUDA; with
    a :obj:`seed`, every :meth:`forward` call draws from a fresh
    :class:`torch.Generator` and is bit-identical on CPU.

    .. note::

        For examples, see `examples/hebbian_gem.py` (reconstruction and
        link-prediction MAP), `examples/hebbian_seal.py` (AUC),
        `examples/hebbian_node_classification.py` and
        `examples/hebbian_ablation.py`; results are in
        ``docs/source/results/hebbian.rst``.  For the sharded version see
        :func:`pyg_hopfield.distributed.hebbian_propagation`.

    Args:
        num_nodes (int): The number of nodes :math:`m`.
        embedding_dim (int): The size :math:`d` of each embedding.
        num_iterations (int, optional): The number of iterations :math:`T`.
            (default: :obj:`10`)
        lr (float, optional): The learning rate :math:`\eta`.
            (default: :obj:`1.0`)
        variance (float, optional): The initial variance
            :math:`\sigma_0^2`. (default: :obj:`10.0`)
        variance_decay (float, optional): The annealing factor
            :math:`\gamma`; :obj:`1.0` switches annealing off.
            (default: :obj:`1.1`)
        negative_weight (float, optional): The transition probability
            :math:`\lambda` of a negative edge; :obj:`0.0` switches negative
            edges off. (default: :obj:`0.5`)
        num_negative_samples (int, optional): The number :math:`K` of
            negative edges drawn per node and iteration.
            (default: :obj:`1`)
        gaussian (str, optional): :obj:`'sample'`, :obj:`'kernel'` or
            :obj:`'none'` (see above). (default: :obj:`'sample'`)
        transition (str, optional): :obj:`'row'` or :obj:`'sym'`.
            (default: :obj:`'row'`)
        normalize (bool or str, optional): :obj:`True` (or
            :obj:`'output'`) L2-normalises the returned rows;
            :obj:`'iteration'` normalises the rows after every iteration
            (then :math:`\eta` sets the weight of the walk against the
            node's own state, see the results page). (default: :obj:`False`)
        whiten (bool or str, optional): :obj:`True` (or :obj:`'output'`)
            whitens the returned embeddings (centred, decorrelated, unit
            variance columns, then unit rows); :obj:`'iteration'` does so
            after every iteration, as Cleora does.
            (default: :obj:`False`)
        seed (int, optional): Seeds a private generator for the initial
            draw, the negatives and the noise; :obj:`None` uses PyTorch's
            global generator. (default: :obj:`None`)
        cached (bool, optional): If :obj:`True`, caches the CSR transition
            matrix of the last graph seen and reuses it while the same
            :obj:`edge_index` / :obj:`edge_weight` tensors (unchanged) are
            passed again. (default: :obj:`True`)

    Shapes:
        - **input:** edge indices :math:`(2, |\mathcal{E}|)`, optional edge
          weights :math:`(|\mathcal{E}|)` (or a :class:`Data` holding both),
          optional :obj:`batch` node indices :math:`(b)`
        - **output:** node embeddings :math:`(m, d)`, or :math:`(b, d)`
    """
    def __init__(
        self,
        num_nodes: int,
        embedding_dim: int,
        num_iterations: int = 80,
        orthogonalize: bool = True,
        degree_direction: Union[bool, str] = 'auto',
        eigenvalue_exponent: float = 1.0,
        filter_degree: int = 8,
        lr: float = 1.0,
        variance: float = 10.0,
        variance_decay: float = 1.1,
        negative_weight: float = 0.0,
        num_negative_samples: int = 1,
        gaussian: str = 'none',
        transition: str = 'sym',
        normalize: Union[bool, str] = False,
        whiten: Union[bool, str] = False,
        seed: Optional[int] = None,
        cached: bool = True,
    ):
        super().__init__()
        check_int(num_nodes, 'num_nodes')
        check_int(embedding_dim, 'embedding_dim')
        check_int(num_iterations, 'num_iterations', minimum=0)
        check_int(filter_degree, 'filter_degree')
        check_int(num_negative_samples, 'num_negative_samples',
                  minimum=0)
        for name, value in (('lr', lr), ('variance', variance),
                            ('variance_decay', variance_decay)):
            check_float(value, name, minimum=0.0, strict=True)
        check_float(negative_weight, 'negative_weight', minimum=0.0)
        check_float(eigenvalue_exponent, 'eigenvalue_exponent', minimum=0.0)
        if gaussian not in HF.GAUSSIAN_MODES:
            raise ValueError(f"'gaussian' must be one of "
                             f"{HF.GAUSSIAN_MODES} (got {gaussian!r})")
        HF.check_mode('normalize', normalize, HF.NORMALIZE_MODES)
        HF.check_mode('whiten', whiten, HF.WHITEN_MODES)
        HF.check_mode('degree_direction', degree_direction,
                      HO.DEGREE_DIRECTION_MODES)
        if transition not in HF.TRANSITIONS:
            raise ValueError(f"'transition' must be one of "
                             f"{HF.TRANSITIONS} (got {transition!r})")
        if orthogonalize:
            _check_orthogonal(negative_weight, gaussian, transition,
                              normalize, whiten)
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
        self._cache_key: Optional[Tuple] = None
        self._cache: Optional[Tuple] = None
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
        return cls(num_nodes, embedding_dim,
                   **{**preset_settings(preset), **kwargs})

    def reset_parameters(self):
        r"""Resets all learnable parameters of the module (it has none) and
        clears the cached transition matrix."""
        self._cache_key = None
        self._cache = None

    def generator(self, device: torch.device) -> Optional[torch.Generator]:
        r"""A fresh generator on :obj:`device` seeded with :obj:`seed`, or
        :obj:`None` without a seed."""
        if self.seed is None:
            return None
        return torch.Generator(device=device).manual_seed(self.seed)

    def transition_matrix(
        self,
        edge_index: Tensor,
        edge_weight: Optional[Tensor] = None,
    ) -> Tuple[Tensor, ...]:
        r"""Returns the (cached) CSR matrix :math:`\mathbf{P}^{\top}` and the
        noise scales :math:`s_j` (and, in the orthogonal mode, the weighted
        degrees and connected-component labels).

        The cache holds weak references to the very tensors it was built
        from and their version counters, so a new (or modified) tensor is
        never mistaken for the old one, even at the same address."""
        key = (_tensor_key(edge_index), _tensor_key(edge_weight))
        if self.cached and self._cache is not None \
                and _same_key(self._cache_key, key):
            return self._cache
        out = HF.transition_matrix(edge_index, self.num_nodes, edge_weight,
                                   self.transition)
        if self.orthogonalize:
            weight = (torch.ones(edge_index.size(1), device=edge_index.device)
                      if edge_weight is None else edge_weight.float())
            degree = torch.zeros(self.num_nodes, device=edge_index.device)
            degree.index_add_(0, edge_index[1].long(), weight)
            out = out + (degree,
                         HO.connected_components(edge_index, self.num_nodes))
        if self.cached:
            self._cache_key, self._cache = key, out
        return out

    def keeps_degree_direction(self, edge_index: Tensor) -> bool:
        r"""Whether the largest component's degree direction is kept:
        :obj:`degree_direction`, or with :obj:`'auto'` whether the average
        degree :math:`|\mathcal{E}| / m` is at least
        :data:`~pyg_hopfield.nn.hebbian_orthogonal.DEGREE_DIRECTION_MIN_AVG_DEGREE`."""
        if self.degree_direction != 'auto':
            return bool(self.degree_direction)
        average_degree = edge_index.size(1) / max(self.num_nodes, 1)
        return average_degree >= HO.DEGREE_DIRECTION_MIN_AVG_DEGREE

    @torch.no_grad()
    def forward(
        self,
        edge_index: Union[Tensor, Data],
        edge_weight: Optional[Tensor] = None,
        batch: Optional[Tensor] = None,
        callback: Optional[Callable[[int], None]] = None,
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
        graph_nodes = None if isinstance(edge_index, Tensor) else True
        if is_dgl_graph(edge_index) and edge_weight is None and \
                'edge_weight' in getattr(edge_index, 'edata', {}):
            edge_weight = edge_index.edata['edge_weight']
        edge_index, edge_weight, num_nodes = to_edge_index(
            edge_index, edge_weight,
            num_nodes=None if graph_nodes else self.num_nodes,
            allow_empty=False)
        if num_nodes != self.num_nodes:
            raise ValueError(f"the graph has {num_nodes} nodes ('num_nodes' "
                             f"of the Data or DGL graph) but the module was "
                             f"built with num_nodes={self.num_nodes}")
        if batch is not None:
            check_node_index(batch, self.num_nodes, 'batch')
        cache = self.transition_matrix(edge_index, edge_weight)
        generator = self.generator(edge_index.device)
        if self.orthogonalize:
            adj_t, _, degree, labels = cache
            out, _ = HO.orthogonal_propagation(
                adj_t, degree, labels, self.embedding_dim,
                num_iterations=self.num_iterations,
                filter_degree=self.filter_degree,
                eigenvalue_exponent=self.eigenvalue_exponent,
                degree_direction=self.keeps_degree_direction(edge_index),
                generator=generator, callback=callback)
            out = HF.finish(out, self.normalize, self.whiten)
        else:
            out = HF.hebbian_propagation(
                edge_index, self.num_nodes, self.embedding_dim,
                num_iterations=self.num_iterations, lr=self.lr,
                variance=self.variance, variance_decay=self.variance_decay,
                negative_weight=self.negative_weight,
                num_negative_samples=self.num_negative_samples,
                gaussian=self.gaussian, transition=self.transition,
                normalize=self.normalize, whiten=self.whiten,
                generator=generator, adj_t=cache, callback=callback)
        if not torch.isfinite(out).all():
            raise ValueError(
                f"the embedding overflowed (non-finite values) after "
                f"num_iterations={self.num_iterations}: the paper's update "
                f"grows as (1 + lr)^t; use fewer iterations, "
                f"normalize='iteration' or orthogonalize=True")
        return out if batch is None else out[batch]

    def __repr__(self) -> str:
        # Hyper-parameters that differ from the __init__ defaults (the one
        # source of defaults), by keyword.
        params = inspect.signature(type(self).__init__).parameters
        extra = ''.join(
            f', {name}={getattr(self, name)!r}'
            for name, param in params.items()
            if name not in ('self', 'num_nodes', 'embedding_dim', 'cached')
            and getattr(self, name) != param.default)
        return (f'{self.__class__.__name__}({self.num_nodes}, '
                f'{self.embedding_dim}{extra})')
