from typing import Callable, Optional, Tuple, Union

import torch
from torch import Tensor
from torch_geometric.data import Data

from pyg_hopfield.nn import hebbian_functional as HF
from pyg_hopfield.utils.checks import check_edge_index, check_int


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
        num_iterations: int = 10,
        lr: float = 1.0,
        variance: float = 10.0,
        variance_decay: float = 1.1,
        negative_weight: float = 0.5,
        num_negative_samples: int = 1,
        gaussian: str = 'sample',
        transition: str = 'row',
        normalize: Union[bool, str] = False,
        whiten: Union[bool, str] = False,
        seed: Optional[int] = None,
        cached: bool = True,
    ):
        super().__init__()
        check_int(num_nodes, 'num_nodes')
        check_int(embedding_dim, 'embedding_dim')
        check_int(num_iterations, 'num_iterations', minimum=0)
        check_int(num_negative_samples, 'num_negative_samples',
                  minimum=0)
        for name, value in (('lr', lr), ('variance', variance),
                            ('variance_decay', variance_decay)):
            if not float(value) > 0:
                raise ValueError(f"'{name}' must be > 0 (got {value!r})")
        if not float(negative_weight) >= 0:
            raise ValueError(f"'negative_weight' must be >= 0 (got "
                             f"{negative_weight!r}); use 0.0 to switch "
                             f"negative edges off")
        if gaussian not in HF.GAUSSIAN_MODES:
            raise ValueError(f"'gaussian' must be one of "
                             f"{HF.GAUSSIAN_MODES} (got {gaussian!r})")
        HF.check_mode('normalize', normalize, HF.NORMALIZE_MODES)
        HF.check_mode('whiten', whiten, HF.WHITEN_MODES)
        if transition not in HF.TRANSITIONS:
            raise ValueError(f"'transition' must be one of "
                             f"{HF.TRANSITIONS} (got {transition!r})")
        self.num_nodes = num_nodes
        self.embedding_dim = embedding_dim
        self.num_iterations = num_iterations
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
        self._cache: Optional[Tuple[Tensor, Tensor]] = None
        self.reset_parameters()

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
    ) -> Tuple[Tensor, Tensor]:
        r"""Validates the graph and returns the (cached) CSR matrix
        :math:`\mathbf{P}^{\top}` and the noise scales :math:`s_j`."""
        key = (edge_index.data_ptr(), tuple(edge_index.shape),
               edge_index._version, edge_index.device,
               None if edge_weight is None else
               (edge_weight.data_ptr(), edge_weight._version))
        if self.cached and self._cache is not None \
                and self._cache_key == key:
            return self._cache
        check_edge_index(edge_index, self.num_nodes, edge_weight)
        out = HF.transition_matrix(edge_index, self.num_nodes, edge_weight,
                                   self.transition)
        if self.cached:
            self._cache_key, self._cache = key, out
        return out

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
            edge_index (torch.Tensor or Data): The edge indices, or a
                :class:`~torch_geometric.data.Data` object with
                :obj:`edge_index`, optional :obj:`edge_weight` and
                :obj:`num_nodes`.
            edge_weight (torch.Tensor, optional): Non-negative edge weights.
                (default: :obj:`None`)
            batch (torch.Tensor, optional): Node indices to return.
                (default: :obj:`None`)
            callback (callable, optional): Called as :obj:`callback(t)`
                after each iteration :obj:`t`, e.g. to advance a progress
                bar. (default: :obj:`None`)
        """
        if isinstance(edge_index, Data):
            data = edge_index
            if edge_weight is None:
                edge_weight = data.get('edge_weight', None)
            if data.num_nodes is not None \
                    and data.num_nodes != self.num_nodes:
                raise ValueError(f"'data.num_nodes' is {data.num_nodes} but "
                                 f"the module was built with num_nodes="
                                 f"{self.num_nodes}")
            edge_index = data.edge_index
        adj_t = self.transition_matrix(edge_index, edge_weight)
        out = HF.hebbian_propagation(
            edge_index, self.num_nodes, self.embedding_dim,
            num_iterations=self.num_iterations, lr=self.lr,
            variance=self.variance, variance_decay=self.variance_decay,
            negative_weight=self.negative_weight,
            num_negative_samples=self.num_negative_samples,
            gaussian=self.gaussian, transition=self.transition,
            normalize=self.normalize, whiten=self.whiten,
            generator=self.generator(edge_index.device), adj_t=adj_t,
            callback=callback)
        return out if batch is None else out[batch]

    def __repr__(self) -> str:
        defaults = dict(lr=1.0, variance=10.0, variance_decay=1.1,
                        negative_weight=0.5, num_negative_samples=1,
                        gaussian='sample', transition='row', normalize=False,
                        whiten=False, seed=None)
        extra = ''.join(f', {k}={getattr(self, k)!r}'
                        for k, v in defaults.items() if getattr(self, k) != v)
        return (f'{self.__class__.__name__}({self.num_nodes}, '
                f'{self.embedding_dim}, num_iterations='
                f'{self.num_iterations}{extra})')
