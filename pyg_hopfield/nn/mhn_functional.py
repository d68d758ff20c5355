r"""Pure tensor maths of the Modern Hopfield Network node embedding from the
`"Associative Learning for Network Embedding"
<https://arxiv.org/abs/2208.14376>`_ paper.

Every function here is stateless; :class:`pyg_hopfield.nn.MHNEmbedding` is a
thin module around them.  Shapes follow the paper with the batch first:
:math:`B` nodes, :math:`K` memories, :math:`m` graph nodes.  The memories are
stored the way :class:`torch.nn.Embedding` stores its table, one row per
graph node: ``context_memory`` is :math:`\Psi^{\top} \in \mathbb{R}^{m \times
K}` and ``target_memory`` is :math:`\Phi^{\top} \in \mathbb{R}^{m \times K}`,
so that reading the memories of a node's context is a contiguous row gather.
"""

import warnings

import torch
import torch.nn.functional as F
from torch import Tensor

__all__ = [
    'csr_rows',
    'mask_ego_rows',
    'walk_operator',
    'walk_memory',
    'sample_candidates',
    'context_projection',
    'gram_matrix',
    'retrieve_memory_space',
    'retrieve_literal',
    'energy_memory_space',
    'energy_literal',
    'target_logits',
]


def _check_csr(context: Tensor, num_nodes: int) -> None:
    if context.layout != torch.sparse_csr:
        raise ValueError(
            f"'context' must be a torch sparse CSR matrix (got layout "
            f'{context.layout}); build it with '
            f'pyg_hopfield.transforms.KHopContext or Tensor.to_sparse_csr()'
        )
    if context.dim() != 2 or context.size(1) != num_nodes:
        raise ValueError(
            f"'context' must have shape [num_rows, {num_nodes}] (one column "
            f'per training node) but has shape {tuple(context.size())}'
        )


def csr_rows(context: Tensor, index: Tensor) -> Tensor:
    r"""Selects the rows :obj:`index` of the sparse CSR matrix
    :obj:`context` as a new CSR matrix, without densifying.

    Args:
        context (torch.Tensor): A sparse CSR matrix of shape :obj:`[n, m]`.
        index (torch.Tensor): Row indices of shape :obj:`[B]`.

    Examples:
        >>> import torch
        >>> c = torch.tensor([[0., 1, 1], [1, 0, 0], [0, 1, 0]])
        >>> csr_rows(c.to_sparse_csr(), torch.tensor([2, 0])).to_dense()
        tensor([[0., 1., 0.],
                [0., 1., 1.]])
    """
    crow = context.crow_indices()
    col = context.col_indices()
    value = context.values()
    index = index.to(crow.device, torch.long)
    start = crow[index]
    count = crow[index + 1] - start
    new_crow = torch.zeros(
        index.numel() + 1, dtype=crow.dtype, device=crow.device
    )
    torch.cumsum(count, dim=0, out=new_crow[1:])
    nnz = int(new_crow[-1])
    offset = torch.repeat_interleave(
        start - new_crow[:-1], count, output_size=nnz
    )
    ptr = offset + torch.arange(nnz, device=crow.device)
    with warnings.catch_warnings():  # 'sparse CSR support is in beta'
        warnings.simplefilter('ignore', UserWarning)
        return torch.sparse_csr_tensor(
            new_crow,
            col[ptr],
            value[ptr],
            (index.numel(), context.size(1)),
            check_invariants=False,
        )


def mask_ego_rows(
    context: Tensor,
    index: Tensor,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    r"""Training samples that mask one member of each node's ego network:
    for every node :math:`i` of :obj:`index`, the context row
    :math:`\mathbf{c}_i` is extended by the node itself (value :math:`1`),
    one member :math:`j` of the ego network :math:`\mathrm{supp}
    (\mathbf{c}_i) \cup \{i\}` is drawn uniformly and masked (its value
    set to :math:`0`), and :math:`j` becomes the target:

    .. math::
        \tilde{\mathbf{c}}_i = \mathbf{c}_i + \mathbf{e}_i -
        (\mathbf{c}_i + \mathbf{e}_i)_j\,\mathbf{e}_j, \qquad
        j \sim \mathcal{U}\left(\mathrm{supp}(\mathbf{c}_i) \cup
        \{i\}\right).

    Drawing :math:`j = i` gives the paper's sample (the node retrieved from
    its own context); any other draw asks the memory to complete the ego
    network from the rest of it, so one context no longer maps to a single
    target.  The masked entry stays in the CSR structure with value
    :math:`0`.

    Args:
        context (torch.Tensor): Sparse CSR contexts :obj:`[m, m]`, node
            :math:`i` excluded from its own row.
        index (torch.Tensor): The centre nodes :obj:`[B]`.
        generator (torch.Generator, optional): Draws the masked members.
            (default: :obj:`None`)

    Returns:
        (torch.Tensor, torch.Tensor): The masked CSR rows :obj:`[B, m]` and
        the targets :obj:`[B]`.

    Examples:
        >>> import torch
        >>> c = torch.tensor([[0., 1, 1], [1, 0, 0], [1, 0, 0]])
        >>> rows, target = mask_ego_rows(c.to_sparse_csr(), torch.tensor([1]))
        >>> rows.to_dense() + torch.nn.functional.one_hot(target, 3)
        tensor([[1., 1., 0.]])
    """
    rows = csr_rows(context, index)
    crow, col, value = (rows.crow_indices(), rows.col_indices(), rows.values())
    device = crow.device
    index = index.to(device, torch.long)
    count = crow[1:] - crow[:-1]
    new_crow = torch.zeros_like(crow)
    torch.cumsum(count + 1, dim=0, out=new_crow[1:])
    nnz = int(new_crow[-1])
    # Entry e of row r moves right by r (one appended slot per earlier row):
    row = torch.repeat_interleave(
        torch.arange(index.numel(), device=device),
        count,
        output_size=col.numel(),
    )
    new_col = col.new_empty(nnz)
    new_value = value.new_empty(nnz)
    position = torch.arange(col.numel(), device=device) + row
    new_col[position] = col
    new_value[position] = value
    new_col[new_crow[1:] - 1] = index.to(col.dtype)
    new_value[new_crow[1:] - 1] = 1.0
    draw = torch.rand(
        index.numel(),
        generator=generator,
        device=generator.device if generator else device,
    )
    pick = new_crow[:-1] + (draw.to(device) * (count + 1)).long()
    pick = torch.minimum(pick, new_crow[1:] - 1)
    target = new_col[pick].long()
    new_value[pick] = 0.0
    with warnings.catch_warnings():  # 'sparse CSR support is in beta'
        warnings.simplefilter('ignore', UserWarning)
        masked = torch.sparse_csr_tensor(
            new_crow, new_col, new_value, rows.size(), check_invariants=False
        )
    return masked, target


def walk_operator(context: Tensor) -> Tensor:
    r"""The random walk on the context graph: :math:`P = D_C^{-1}C`, the
    square context matrix :math:`C` (row :math:`i` the context of node
    :math:`i`) with every non-empty row divided by its sum, so that
    :math:`P_{ij}` is the probability of a step :math:`i \to j` (for binary
    1-hop contexts :math:`P = D^{-1}A`).

    Args:
        context (torch.Tensor): Sparse CSR contexts :obj:`[m, m]`.

    Returns:
        torch.Tensor: :math:`P` as sparse CSR :obj:`[m, m]`.
    """
    if context.dim() != 2 or context.size(0) != context.size(1):
        raise ValueError(
            f"'context' must be the square [m, m] context matrix of the "
            f'training nodes to define a random walk (got shape '
            f'{tuple(context.size())})'
        )
    _check_csr(context, context.size(1))
    crow = context.crow_indices()
    value = context.values()
    row = torch.repeat_interleave(
        torch.arange(context.size(0), device=crow.device),
        crow[1:] - crow[:-1],
        output_size=value.numel(),
    )
    row_sum = torch.zeros(
        context.size(0), dtype=value.dtype, device=crow.device
    )
    row_sum.index_add_(0, row, value)
    row_sum = torch.where(row_sum != 0, row_sum, torch.ones_like(row_sum))
    with warnings.catch_warnings():  # 'sparse CSR support is in beta'
        warnings.simplefilter('ignore', UserWarning)
        return torch.sparse_csr_tensor(
            crow,
            context.col_indices(),
            value / row_sum[row],
            context.size(),
            check_invariants=False,
        )


def walk_memory(
    walk: Tensor,
    context_memory: Tensor,
    walk_weights: tuple[float, ...],
) -> Tensor:
    r"""The context memories seen through a random-walk window of
    :math:`T_w` steps with weights :math:`w_1, \dots, w_{T_w}`,

    .. math::
        \tilde{\Psi}^{\top} = \frac{1}{\sum_r w_r}\sum_{r=1}^{T_w} w_r
        P^{r-1}\Psi^{\top},

    so that :math:`\tilde{\Psi}\mathbf{c} = \Psi\tilde{\mathbf{c}}` with
    the window context :math:`\tilde{\mathbf{c}}^{\top} = \sum_r w_r
    \mathbf{c}^{\top}P^{r-1} / \sum_r w_r` (the NetMF view of DeepWalk:
    for a binary 1-hop context :math:`\mathbf{c}_i = A_i`,
    :math:`\tilde{\mathbf{c}}_i` is :math:`d_i` times the weighted mean of
    the rows :math:`(P^r)_i`).  It costs :math:`T_w - 1` sparse products
    with the :math:`[m, K]` table, :math:`O(T_w\,\mathrm{nnz}(C)\,K)`,
    and never builds the multi-hop context, which on a small-world graph is
    dense after two or three hops.

    Args:
        walk (torch.Tensor): :math:`P`, sparse CSR :obj:`[m, m]`
            (:func:`walk_operator`).
        context_memory (torch.Tensor): :math:`\Psi^{\top}`, :obj:`[m, K]`.
        walk_weights (tuple of float): :math:`(w_1, \dots, w_{T_w})`;
            :obj:`(1.0,)` returns :obj:`context_memory` itself.
    """
    if len(walk_weights) == 1:
        return context_memory
    hop = context_memory
    total = walk_weights[0] * hop
    for weight in walk_weights[1:]:
        hop = torch.sparse.mm(walk, hop)
        total = total + weight * hop
    return total / sum(walk_weights)


def context_projection(context: Tensor, context_memory: Tensor) -> Tensor:
    r"""Computes :math:`\boldsymbol{\epsilon} = \Psi\mathbf{c}` for each row
    :math:`\mathbf{c}` of the sparse context matrix, i.e. the MHN node
    embedding.

    The product is a weighted row gather of :math:`\Psi^{\top}`
    (:func:`torch.nn.functional.embedding_bag`), so it costs
    :math:`O(\mathrm{nnz} \cdot K)` and never forms a dense context.

    Args:
        context (torch.Tensor): Sparse CSR contexts of shape :obj:`[B, m]`.
        context_memory (torch.Tensor): :math:`\Psi^{\top}`, shape
            :obj:`[m, K]`.

    Returns:
        torch.Tensor: :obj:`[B, K]`.
    """
    _check_csr(context, context_memory.size(0))
    crow = context.crow_indices().long()
    col = context.col_indices().long()
    value = context.values().to(context_memory.dtype)
    if col.numel() == 0:
        return context_memory.new_zeros(
            context.size(0), context_memory.size(1)
        )
    return F.embedding_bag(
        col,
        context_memory,
        crow,
        mode='sum',
        per_sample_weights=value,
        include_last_offset=True,
    )


class _Gram(torch.autograd.Function):
    # G = X^T X with the one-matmul backward dX = X (dG + dG^T); autograd's
    # generic rule for `X.t() @ X` would run two [m, K] x [K, K] products.
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return x.t() @ x

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return x @ (grad + grad.t())


def gram_matrix(target_memory: Tensor) -> Tensor:
    r"""Computes :math:`G = \Phi\Phi^{\top} \in \mathbb{R}^{K \times K}` from
    :math:`\Phi^{\top}` of shape :obj:`[m, K]` (one :math:`O(mK^2)` product
    forward and one backward)."""
    if target_memory.requires_grad and torch.is_grad_enabled():
        return _Gram.apply(target_memory)
    return target_memory.t() @ target_memory


def retrieve_memory_space(
    gram: Tensor,
    xi: Tensor,
    num_steps: int,
    beta1: float,
    beta2: float,
    alpha: float,
    return_trajectory: bool = False,
) -> Tensor | list[Tensor]:
    r"""Runs the retrieval dynamics of eq. (1)-(3) exactly, in the
    :math:`K`-dimensional memory space.

    Since :math:`\mathbf{v}^{(0)} = \mathbf{0}` and every update adds a
    multiple of :math:`\Phi^{\top} D`, the state stays in the row space of
    :math:`\Phi`: :math:`\mathbf{v}^{(t)} = \Phi^{\top}\mathbf{a}^{(t)}` with

    .. math::
        D^{(t)} &= \mathrm{softmax}\left(\beta_1 G \mathbf{a}^{(t)} +
        \beta_2 \boldsymbol{\epsilon}\right) \\
        \mathbf{a}^{(t+1)} &= (1 - \alpha)\,\mathbf{a}^{(t)} +
        \alpha D^{(t)}, \qquad \mathbf{a}^{(0)} = \mathbf{0}

    where :math:`G = \Phi\Phi^{\top}` and :math:`\boldsymbol{\epsilon} =
    \Psi\mathbf{c}`.  Each step costs :math:`O(BK^2)` instead of
    :math:`O(BKm)`.

    Args:
        gram (torch.Tensor): :math:`G`, shape :obj:`[K, K]`.
        xi (torch.Tensor): :math:`\boldsymbol{\epsilon}`, shape :obj:`[B, K]`.
        num_steps (int): :math:`T`.
        beta1 (float): :math:`\beta_1`.
        beta2 (float): :math:`\beta_2`.
        alpha (float): :math:`\alpha`.
        return_trajectory (bool, optional): Return
            :math:`[\mathbf{a}^{(0)}, \dots, \mathbf{a}^{(T)}]` instead of
            :math:`\mathbf{a}^{(T)}`. (default: :obj:`False`)
    """
    bias = beta2 * xi
    a = xi.new_zeros(xi.size())
    trajectory = [a]
    for _ in range(num_steps):
        # `G` is symmetric, so `a @ G` equals `(G a^T)^T`:
        d = torch.softmax(torch.addmm(bias, a, gram, alpha=beta1), dim=-1)
        a = torch.lerp(a, d, alpha)
        trajectory.append(a)
    return trajectory if return_trajectory else a


def retrieve_literal(
    target_memory: Tensor,
    xi: Tensor,
    num_steps: int,
    beta1: float,
    beta2: float,
    alpha: float,
    return_trajectory: bool = False,
) -> Tensor | list[Tensor]:
    r"""Runs the retrieval dynamics of eq. (1)-(3) literally, in the
    :math:`m`-dimensional target space (the slow reference):

    .. math::
        D &= \mathrm{softmax}\left(\beta_1 \Phi \mathbf{v}^{(t)} +
        \beta_2 \Psi \mathbf{c}\right) \\
        \mathbf{v}^{(t+1)} &= \mathbf{v}^{(t)} + \alpha\left(\Phi^{\top} D
        - \mathbf{v}^{(t)}\right), \qquad \mathbf{v}^{(0)} = \mathbf{0}

    Args:
        target_memory (torch.Tensor): :math:`\Phi^{\top}`, shape
            :obj:`[m, K]`.
        xi (torch.Tensor): :math:`\Psi\mathbf{c}`, shape :obj:`[B, K]`.
        num_steps (int): :math:`T`.
        beta1 (float): :math:`\beta_1`.
        beta2 (float): :math:`\beta_2`.
        alpha (float): :math:`\alpha`.
        return_trajectory (bool, optional): Return
            :math:`[\mathbf{v}^{(0)}, \dots, \mathbf{v}^{(T)}]`.
            (default: :obj:`False`)
    """
    bias = beta2 * xi
    v = xi.new_zeros(xi.size(0), target_memory.size(0))
    trajectory = [v]
    for _ in range(num_steps):
        d = torch.softmax(
            torch.addmm(bias, v, target_memory, alpha=beta1), dim=-1
        )
        v = v + alpha * (d @ target_memory.t() - v)
        trajectory.append(v)
    return trajectory if return_trajectory else v


def energy_literal(
    v: Tensor,
    target_memory: Tensor,
    xi: Tensor,
    beta1: float,
    beta2: float,
) -> Tensor:
    r"""The Lyapunov energy of section 3.1, with the temperature factor that
    makes it exact for any :math:`\beta_1 > 0`:

    .. math::
        E(\mathbf{v}) = \frac{1}{2}\lVert\mathbf{v}\rVert^2 - \frac{1}{\beta_1}
        \log\sum_{\mu=1}^{K}\exp\left(\beta_1 \Phi_{\mu}\mathbf{v} + \beta_2
        \epsilon_{\mu}\right)

    Its gradient is :math:`\mathbf{v} - \Phi^{\top}D`, so eq. (3) is a
    gradient step of size :math:`\alpha` and the energy never increases for
    :math:`0 < \alpha < 2` (see :class:`~pyg_hopfield.nn.MHNEmbedding`).

    Args:
        v (torch.Tensor): States, shape :obj:`[B, m]`.
        target_memory (torch.Tensor): :math:`\Phi^{\top}`, :obj:`[m, K]`.
        xi (torch.Tensor): :math:`\boldsymbol{\epsilon}`, :obj:`[B, K]`.
        beta1 (float): :math:`\beta_1`.
        beta2 (float): :math:`\beta_2`.

    Returns:
        torch.Tensor: :obj:`[B]`.
    """
    score = beta1 * (v @ target_memory) + beta2 * xi
    return 0.5 * (v * v).sum(-1) - torch.logsumexp(score, dim=-1) / beta1


def energy_memory_space(
    a: Tensor,
    gram: Tensor,
    xi: Tensor,
    beta1: float,
    beta2: float,
) -> Tensor:
    r"""The energy :func:`energy_literal` of the state
    :math:`\mathbf{v} = \Phi^{\top}\mathbf{a}`, computed in memory space:
    :math:`\frac{1}{2}\mathbf{a}^{\top}G\mathbf{a} - \beta_1^{-1}
    \log\sum_\mu \exp(\beta_1 (G\mathbf{a})_\mu + \beta_2\epsilon_\mu)`."""
    ga = a @ gram
    score = beta1 * ga + beta2 * xi
    return 0.5 * (a * ga).sum(-1) - torch.logsumexp(score, dim=-1) / beta1


def target_logits(
    a: Tensor,
    target_memory: Tensor,
    index: Tensor | None = None,
) -> Tensor:
    r"""The final state :math:`\mathbf{v}^{(T)} = \Phi^{\top}\mathbf{a}^{(T)}`
    used as logits over nodes, for all :math:`m` nodes or only the columns
    :obj:`index` (sampled softmax).

    Returns:
        torch.Tensor: :obj:`[B, m]` or :obj:`[B, len(index)]`.
    """
    if index is None:
        return a @ target_memory.t()
    return a @ target_memory[index].t()


def sample_candidates(
    target: Tensor,
    num_nodes: int,
    num_negative_samples: int,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    r"""Candidate columns for a sampled softmax: the batch's own targets
    plus :obj:`num_negative_samples` nodes drawn uniformly (a constant
    proposal, so no :math:`\log Q` correction is needed).

    Returns:
        (torch.Tensor, torch.Tensor): The sorted unique candidates and the
        position of each target among them.
    """
    neg = torch.randint(
        num_nodes,
        (num_negative_samples,),
        device=target.device,
        generator=generator,
    )
    candidates = torch.cat([target, neg]).unique()
    return candidates, torch.searchsorted(candidates, target)
