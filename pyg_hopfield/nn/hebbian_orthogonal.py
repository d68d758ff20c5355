r"""Orthogonal Hebbian propagation, the default mode of
:class:`~pyg_hopfield.nn.HebbianPropagation` (pure tensor maths).

Embeddings are propagated along the symmetric transition probabilities
:math:`\mathbf{S} = \mathbf{D}^{-1/2} \mathbf{W} \mathbf{D}^{-1/2}` with a
momentum term whose weights follow a Chebyshev recurrence, and the block of
:math:`d` embedding columns is made orthonormal between rounds (as Cleora
whitens between iterations).  This is subspace iteration, so the embedding
converges to the leading eigenvectors of :math:`\mathbf{S}`; every step is
one propagation over the edges, :math:`O(|\mathcal{E}| d)`, and no
eigensolver is called.
"""

from collections.abc import Callable

import torch
from torch import Tensor
from torch_geometric.utils.sparse import index2ptr

from pyg_hopfield.nn.hebbian_functional import csr
from pyg_hopfield.nn.hebbian_options import (  # noqa: F401 (public names)
    DEGREE_DIRECTION_MIN_AVG_DEGREE,
    DEGREE_DIRECTION_MODES,
    DENSE_NUM_ITERATIONS,
    SPARSE_NUM_ITERATIONS,
)
from pyg_hopfield.nn.hebbian_shard import Shard


def connected_components(
    edge_index: Tensor,
    num_nodes: int,
    shard: Shard | None = None,
) -> Tensor:
    r"""The connected-component label of every node (edges read as
    undirected): the smallest node index of its component.

    Min-label propagation: every node takes the smallest label among itself
    and its in- and out-neighbours, then follows its label's own label
    (pointer jumping, :math:`\ell_v \leftarrow \ell_{\ell_v}`), until
    nothing changes; each round is :math:`O(|\mathcal{E}| + m)`.  A
    process of a sharded run needs only the in-edges of its rows
    (:obj:`edge_index[1]` in :obj:`[shard.start, shard.end)`; other edges
    are ignored) and the :class:`Shard`'s exchange hooks, and every process
    ends with the same labels as one process.
    """
    shard = Shard(num_nodes) if shard is None else shard
    src, dst = edge_index[0].long(), edge_index[1].long()
    if not shard.is_whole:
        keep = (dst >= shard.start) & (dst < shard.end)
        src, dst = src[keep], dst[keep]
    label = torch.arange(num_nodes, device=edge_index.device)
    while True:
        pulled = label[shard.start : shard.end].scatter_reduce(
            0, dst - shard.start, label[src], 'amin'
        )
        pushed = label.scatter_reduce(0, src, label[dst], 'amin')
        new = torch.minimum(
            shard.rows(pulled), torch.stack(shard.gather(pushed)).amin(0)
        )
        # A label is a node of the same component with a smaller or equal
        # index, whose own label is as good or better.
        jumped = new[new]
        while not torch.equal(jumped, new):
            new, jumped = jumped, jumped[jumped]
        if torch.equal(new, label):
            return label
        label = new


def trivial_directions(
    degree: Tensor,
    labels: Tensor,
    keep_largest: bool,
) -> Tensor:
    r"""The unit vectors :math:`\mathbf{u}_c = \mathbf{D}^{1/2}
    \mathbf{1}_c / \sqrt{\mathrm{vol}(c)}` of the components :math:`c`,
    summed into one vector (each node carries its own component's entry).
    On an undirected graph each :math:`\mathbf{u}_c` is an eigenvector of
    :math:`\mathbf{S}` with eigenvalue :math:`1` that carries nothing but
    degree and component membership.  With :obj:`keep_largest=True` the
    largest component's entries are zero, so its degree direction stays."""
    num_comp = int(labels.max()) + 1 if labels.numel() > 0 else 0
    volume = degree.new_zeros(num_comp).index_add_(0, labels, degree)
    u = (degree / volume.clamp_min(1e-30)[labels]).sqrt()
    if keep_largest and num_comp > 0:
        largest = torch.bincount(labels, minlength=num_comp).argmax()
        u = torch.where(labels == largest, torch.zeros_like(u), u)
    return u


def deflation_operator(
    u: Tensor,
    labels: Tensor,
) -> tuple[Tensor, Tensor] | None:
    r"""The component basis :math:`\mathbf{B} = [\mathbf{u}_c]_c` as two
    sparse CSR matrices, :math:`\mathbf{B}^{\top}` (components x nodes) and
    :math:`\mathbf{B}` (nodes x components, one entry a row), over the nodes
    with :math:`u_i \neq 0`; :obj:`None` if there is nothing to deflate."""
    nodes = u.nonzero().view(-1)
    if nodes.numel() == 0:
        return None
    _, comp = torch.unique(labels[nodes], return_inverse=True)
    num_comp, num_nodes = int(comp.max()) + 1, u.numel()
    values = u[nodes]
    order = torch.argsort(comp, stable=True)
    basis_t = csr(
        index2ptr(comp[order], num_comp),
        nodes[order],
        values[order],
        (num_comp, num_nodes),
    )
    # nonzero() returns the nodes sorted: they are the CSR rows as they are.
    basis = csr(
        index2ptr(nodes, num_nodes), comp, values, (num_nodes, num_comp)
    )
    return basis_t, basis


def deflate(y: Tensor, operator: tuple[Tensor, Tensor] | None) -> Tensor:
    r""":math:`\mathbf{Y} - \mathbf{B}\mathbf{B}^{\top}\mathbf{Y} =
    \mathbf{Y} - \sum_c \mathbf{u}_c \mathbf{u}_c^{\top} \mathbf{Y}`, in
    place, by two sparse products with one entry per node,
    :math:`O(md)`."""
    if operator is not None:
        basis_t, basis = operator
        y.addmm_(basis, basis_t @ y, alpha=-1.0)
    return y


def orthogonal_propagation(
    adj_t: Tensor,
    degree: Tensor,
    labels: Tensor,
    embedding_dim: int,
    num_iterations: int = 40,
    filter_degree: int = 8,
    eigenvalue_exponent: float = 1.0,
    degree_direction=True,
    generator: torch.Generator | None = None,
    callback: Callable[[int], None] | None = None,
    shard: Shard | None = None,
) -> tuple[Tensor, Tensor]:
    r"""Chebyshev-accelerated orthogonal propagation, the default of
    :class:`~pyg_hopfield.nn.HebbianPropagation`.

    Random columns :math:`\mathbf{H}^{(0)}` (:math:`d` plus a few buffer
    columns; zero rows for nodes without edges) are propagated along
    :math:`\tilde{\mathbf{S}}` (:func:`deflate` after the SpMM) in rounds of
    :math:`k` steps with a momentum term,

    .. math::
        \mathbf{Y}_{1} = \frac{\tilde{\mathbf{S}}\mathbf{H} - a\mathbf{H}}
        {e}, \qquad
        \mathbf{Y}_{s+1} = \frac{2}{e}\big(\tilde{\mathbf{S}}\mathbf{Y}_s -
        a\mathbf{Y}_s\big) - \mathbf{Y}_{s-1}, \qquad
        \mathbf{H} \leftarrow \mathrm{orth}(\mathbf{Y}_k),

    a Chebyshev recurrence that damps the eigenvalues in :math:`[-1, b]`
    (:math:`a = (b - 1)/2`, :math:`e = (b + 1)/2`, :math:`b` the smallest
    Ritz value of the block) and amplifies those above; :math:`\mathrm{orth}`
    is a QR factorisation.  After :math:`T` steps Rayleigh--Ritz gives
    :math:`\mathbf{V}, \boldsymbol{\Lambda}` and the output is
    :math:`\mathbf{V}|\boldsymbol{\Lambda}|^{\alpha}`.  Each step is one
    SpMM, :math:`O(|\mathcal{E}| d)`, plus :math:`O(md^2)` per round.

    Args:
        adj_t (torch.Tensor): The rows :obj:`[shard.start, shard.end)` of
            :math:`\mathbf{S}` as a sparse CSR matrix (symmetric transition
            probabilities, rows are targets).
        degree (torch.Tensor): The weighted degree of every node.
        labels (torch.Tensor): The connected-component label of every node.
        embedding_dim (int): The number :math:`d` of columns.
        num_iterations (int): The number :math:`T` of propagation steps.
        filter_degree (int): Steps between two orthonormalisations.
        eigenvalue_exponent (float): The output is :math:`\mathbf{V}
            |\boldsymbol{\Lambda}|^{\alpha}` with this :math:`\alpha`.
        degree_direction (bool): Keep the largest component's degree
            direction :math:`\mathbf{u}_c` (else it is projected out, as
            those of the smaller components always are).
        generator (torch.Generator, optional): For the initial draw.
        callback (callable, optional): Called as :obj:`callback(t)` after
            each propagation step :obj:`t`.
        shard (Shard, optional): The rows this process owns and its
            exchange hooks. (default: one process, every row)

    Returns:
        The embeddings :obj:`[m, d]` and the Ritz values :obj:`[d]`
        (descending).
    """
    num_nodes = adj_t.size(1)
    shard = Shard(num_nodes) if shard is None else shard
    u = trivial_directions(degree, labels, keep_largest=degree_direction)
    # A few buffer columns beyond d, so that the filter's damped interval
    # ends below the d-th eigenvalue and the d-th column converges too.
    width = min(embedding_dim + max(4, embedding_dim // 10), num_nodes)

    operator = deflation_operator(u, labels)

    def propagate(x: Tensor) -> Tensor:  # (S - sum_c u_c u_c^T) x
        # Every process multiplies its rows, then holds all of S x.
        return deflate(shard.rows(adj_t @ x), operator)

    x = torch.randn(
        num_nodes,
        width,
        generator=generator,
        device=adj_t.device,
        dtype=adj_t.dtype,
    )
    # A node without edges carries no information: its row starts (and,
    # as every step combines rows of S X and X, stays) exactly zero.
    x[degree == 0] = 0.0
    x = torch.linalg.qr(deflate(x, operator))[0]
    lower, step = -1.0, 0
    while True:
        # Ritz values of span(X): the filter needs only the smallest (the
        # filter is linear, so X need not be rotated until the end).
        sx = propagate(x)
        gram = x.t() @ sx
        gram = (gram + gram.t()) / 2
        if step >= num_iterations:
            # Rayleigh-Ritz: the best basis of span(X), by eigenvalue.
            ritz, rotation = torch.linalg.eigh(gram)
            ritz, x = ritz.flip(0), x @ rotation.flip(1)
            break
        ritz = torch.linalg.eigvalsh(gram).flip(0)
        # Chebyshev filter damping [-1, b], b = the smallest Ritz value:
        # Y_{k+1} = 2 (S - c) Y_k / e - Y_{k-1}, i.e. a propagation with a
        # momentum term (in place), renormalised column-wise every few
        # steps against overflow.
        upper = float(ritz[-1]) if width > 0 else 0.0
        center, half = (upper + lower) / 2, max((upper - lower) / 2, 1e-6)
        prev, cur = x, sx.sub_(x, alpha=center).div_(half)
        step += 1
        if callback is not None:
            callback(step - 1)
        for k in range(min(filter_degree, num_iterations - step + 1) - 1):
            nxt = propagate(cur).sub_(cur, alpha=center)
            nxt.mul_(2.0 / half).sub_(prev)
            prev, cur = cur, nxt
            if k % 4 == 3:
                scale = cur.norm(dim=0).clamp_min(1e-30)
                prev, cur = prev.div_(scale), cur.div_(scale)
            step += 1
            if callback is not None:
                callback(step - 1)
        x = torch.linalg.qr(cur)[0]
    x, ritz = x[:, :embedding_dim], ritz[:embedding_dim]
    out = x * ritz.abs().pow(eigenvalue_exponent)
    if out.size(1) < embedding_dim:  # fewer nodes than columns: zeros
        missing = embedding_dim - out.size(1)
        out = torch.cat([out, out.new_zeros(num_nodes, missing)], dim=1)
        ritz = torch.cat([ritz, ritz.new_zeros(missing)])
    return out, ritz
