r"""One-vs-rest L2-regularised logistic regression solved in PyTorch: the
objective LIBLINEAR minimises, for all classes at once, on any device."""

import torch
import torch.nn.functional as F
from torch import Tensor

from pyg_hopfield.utils.checks import check_float, check_int

__all__ = ['fit_one_vs_rest', 'one_vs_rest_scores']


def _objective(x: Tensor, y: Tensor, w: Tensor, C: float) -> Tensor:
    z = x @ w
    return 0.5 * (w * w).sum(0) + C * (F.softplus(z) - y * z).sum(0)


# By hand, not sklearn: every class in one batched Newton solve, on any
# device, to LIBLINEAR's own optimum (tests/evaluation/
# test_logistic_regression.py compares the two).
def fit_one_vs_rest(
    x: Tensor,
    y: Tensor,
    C: float = 1.0,
    tol: float = 1e-5,
    max_iter: int = 100,
    max_cg_iter: int = 250,
) -> Tensor:
    r"""Fits one binary logistic regression per column of :obj:`y` by
    minimising, for every class :math:`c` independently, LIBLINEAR's primal
    objective (:obj:`-s 0`, as scikit-learn's
    :obj:`LogisticRegression(solver='liblinear')` calls it, bias feature
    :math:`1` regularised like the weights):

    .. math::
        f_c(\mathbf{w}_c) = \frac{1}{2}\lVert\mathbf{w}_c\rVert^2 +
        C\sum_{i=1}^{n}\left[\log\left(1 + e^{z_{ic}}\right) -
        y_{ic}z_{ic}\right], \qquad z_{ic} = [\mathbf{x}_i, 1]^{\top}
        \mathbf{w}_c,

    with :math:`y_{ic} \in \{0, 1\}`.  The objective is strictly convex, so
    its minimiser is unique and any exact solver finds LIBLINEAR's model.
    We use LIBLINEAR's own method, truncated Newton: each step solves
    :math:`(I + C X^{\top} D X)\,\mathbf{d} = -\nabla f` by conjugate
    gradients (:math:`D = \mathrm{diag}(\sigma(z)(1 - \sigma(z)))`, only
    Hessian-vector products, batched over the classes as matrix
    products), then backtracks until the Armijo condition holds.  It stops
    when :math:`\lVert\nabla f_c\rVert \le \mathrm{tol} \cdot
    \lVert\nabla f_c(\mathbf{0})\rVert` for every class (LIBLINEAR's default
    in scikit-learn is the looser :math:`10^{-4}` scaled by the minority
    class share).

    Args:
        x (torch.Tensor): Features :obj:`[n, d]` (floating point).
        y (torch.Tensor): Binary targets :obj:`[n, c]`.
        C (float, optional): Inverse regularisation strength.
            (default: :obj:`1.0`)
        tol (float, optional): Relative gradient-norm tolerance.
            (default: :obj:`1e-5`)
        max_iter (int, optional): Newton steps at most. (default: :obj:`100`)
        max_cg_iter (int, optional): Conjugate-gradient steps per Newton
            step at most. (default: :obj:`250`)

    Returns:
        torch.Tensor: The weights :obj:`[d + 1, c]`, the bias in the last
        row.

    Examples:
        >>> import torch
        >>> x = torch.tensor([[-2.0], [-1.0], [1.0], [2.0]])
        >>> y = torch.tensor([[0.0], [0.0], [1.0], [1.0]])
        >>> w = fit_one_vs_rest(x, y, C=10.0)
        >>> (x @ w[:-1] + w[-1] > 0).view(-1).tolist()
        [False, False, True, True]
    """
    check_float(C, 'C', minimum=0.0, strict=True)
    check_float(tol, 'tol', minimum=0.0)
    check_int(max_iter, 'max_iter', minimum=0)
    check_int(max_cg_iter, 'max_cg_iter')
    for name, value in (('x', x), ('y', y)):
        if not bool(torch.isfinite(value).all()):
            raise ValueError(
                f"'{name}' contains NaN or infinite values; "
                f'clean it before fitting'
            )
    x = torch.cat([x, x.new_ones(x.size(0), 1)], dim=1)
    y = y.to(x.dtype)
    w = x.new_zeros(x.size(1), y.size(1))

    def gradient(w: Tensor) -> tuple[Tensor, Tensor]:
        p = torch.sigmoid(x @ w)
        return w + C * (x.t() @ (p - y)), p * (1.0 - p)

    g, curvature = gradient(w)
    g0_norm = g.norm(dim=0)
    f = _objective(x, y, w, C)
    for _ in range(max_iter):
        g_norm = g.norm(dim=0)
        active = g_norm > tol * g0_norm
        if not bool(active.any()):
            break
        # Conjugate gradients on (I + C X^T D X) d = -g, column-wise:
        d = torch.zeros_like(w)
        r = torch.where(active, -g, torch.zeros_like(g))
        p = r.clone()
        rs = (r * r).sum(0)
        cg_tol = (0.1 * g_norm) ** 2
        for _ in range(max_cg_iter):
            running = rs > cg_tol  # classes whose CG has not converged
            if not bool(running.any()):
                break
            hp = p + C * (x.t() @ (curvature * (x @ p)))
            step = rs / (p * hp).sum(0).clamp_min(1e-30)
            step = torch.where(running, step, torch.zeros_like(step))
            d += step * p
            r -= step * hp
            rs_new = (r * r).sum(0)
            beta = torch.where(running, rs_new / rs.clamp_min(1e-30), 1.0)
            p = torch.where(running, r + beta * p, p)
            rs = rs_new
        # Armijo backtracking, one step length per class:
        slope = (g * d).sum(0)
        t = torch.ones_like(f)
        for _ in range(30):
            f_new = _objective(x, y, w + t * d, C)
            ok = f_new <= f + 1e-4 * t * slope
            if bool(ok.all()):
                break
            t = torch.where(ok, t, 0.5 * t)
        w = w + t * d
        f = _objective(x, y, w, C)
        g, curvature = gradient(w)
    return w


def one_vs_rest_scores(
    x_train: Tensor,
    y_train: Tensor,
    x_test: Tensor,
    C: float = 1.0,
    tol: float = 1e-5,
) -> Tensor:
    r"""Fits :func:`fit_one_vs_rest` and returns the test decision values
    :obj:`[n_test, c]`.  As scikit-learn's :class:`OneVsRestClassifier`
    does, a class with no positive (or no negative) training example is
    predicted as a constant: its score is :math:`-\infty`
    (:math:`+\infty`)."""
    w = fit_one_vs_rest(x_train, y_train, C=C, tol=tol)
    score = x_test @ w[:-1] + w[-1]
    num_pos = y_train.sum(0)
    score[:, num_pos == 0] = float('-inf')
    score[:, num_pos == y_train.size(0)] = float('inf')
    return score
