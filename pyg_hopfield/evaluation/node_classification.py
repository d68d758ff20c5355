r"""Node classification with a one-vs-rest logistic regression."""

import warnings

import numpy as np
import torch
from torch import Tensor

from pyg_hopfield.utils.checks import check_embedding, check_float, check_int

from .logistic_regression import one_vs_rest_scores

SOLVERS = ('liblinear', 'torch')


def _check_labels(y: Tensor, num_nodes: int) -> tuple:
    if not isinstance(y, Tensor):
        raise ValueError(  # noqa: TRY004
            f"'y' must be a torch.Tensor (got {type(y).__name__})"
        )
    if y.size(0) != num_nodes:
        raise ValueError(
            f"'y' has {y.size(0)} rows but 'embedding' has "
            f'{num_nodes}; pass one label row per embedded '
            f'node'
        )
    if y.dim() == 1:
        if y.dtype != torch.long:
            raise ValueError(
                f"single-label 'y' must have dtype torch.long "
                f'(got {y.dtype}); multi-label targets must be '
                f'a dense [num_nodes, num_classes] 0/1 matrix'
            )
        if int(y.min()) < 0:
            raise ValueError(
                f"'y' contains the negative class {int(y.min())}"
                f'; drop unlabelled nodes before evaluating'
            )
        if y.unique().numel() < 2:
            raise ValueError(
                "'y' holds a single class; node classification "
                'needs at least two'
            )
        return y.cpu().numpy(), False
    if y.dim() == 2:
        if y.is_complex() or not bool(((y == 0) | (y == 1)).all()):
            raise ValueError(
                "multi-label 'y' must be a dense {0, 1} matrix "
                'of shape [num_nodes, num_classes]'
            )
        return y.cpu().to(torch.int64).numpy(), True
    raise ValueError(
        f"'y' must have shape [num_nodes] (single-label) or "
        f'[num_nodes, num_classes] (multi-label), got '
        f'{list(y.size())}'
    )


def _top_k_prediction(proba: np.ndarray, k: np.ndarray) -> np.ndarray:
    # Rank the classes of every row by decreasing score (ties: lower class
    # index first) and mark the k[i] best of row i.
    order = np.argsort(-proba, axis=1, kind='stable')
    rank = np.empty_like(order)
    np.put_along_axis(
        rank,
        order,
        np.broadcast_to(np.arange(proba.shape[1]), proba.shape),
        axis=1,
    )
    return (rank < k[:, None]).astype(np.int64)


def _run(
    x: np.ndarray,
    y: np.ndarray,
    train_index: np.ndarray,
    test_index: np.ndarray,
    multilabel: bool,
    C: float,
    seed: int,
) -> tuple:
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    clf = OneVsRestClassifier(
        LogisticRegression(solver='liblinear', C=C, random_state=seed)
    )
    with warnings.catch_warnings():
        # A label that never (or always) occurs in the training split is
        # predicted as a constant; sklearn warns about it.
        warnings.filterwarnings('ignore', message='Label .* is present in all')
        warnings.filterwarnings('ignore', message='Label not .* is present')
        clf.fit(x[train_index], y[train_index])
        if multilabel:
            y_true = y[test_index]
            proba = clf.predict_proba(x[test_index])
            y_pred = _top_k_prediction(proba, y_true.sum(axis=1))
        else:
            y_true = y[test_index]
            y_pred = clf.predict(x[test_index])
    return _f1_scores(y_true, y_pred)


def _f1_scores(y_true: np.ndarray, y_pred: np.ndarray) -> tuple:
    from sklearn.metrics import f1_score

    micro = f1_score(y_true, y_pred, average='micro', zero_division=0)
    macro = f1_score(y_true, y_pred, average='macro', zero_division=0)
    return 100.0 * float(micro), 100.0 * float(macro)


def _run_torch(
    x: Tensor,
    y: np.ndarray,
    train_index: np.ndarray,
    test_index: np.ndarray,
    multilabel: bool,
    C: float,
) -> tuple:
    # The same one-vs-rest model as `_run`, solved by batched truncated
    # Newton in torch (see `logistic_regression.fit_one_vs_rest`).
    target = torch.from_numpy(y).to(x.device)
    if not multilabel:
        target = torch.nn.functional.one_hot(target, int(y.max()) + 1)
    train = torch.from_numpy(train_index).to(x.device)
    test = torch.from_numpy(test_index).to(x.device)
    score = one_vs_rest_scores(x[train], target[train], x[test], C=C)
    y_true = y[test_index]
    if multilabel:
        y_pred = _top_k_prediction(score.cpu().numpy(), y_true.sum(axis=1))
    else:
        y_pred = score.argmax(dim=1).cpu().numpy()
    return _f1_scores(y_true, y_pred)


def node_classification(
    embedding: Tensor,
    y: Tensor,
    train_ratio: float = 0.9,
    num_runs: int = 20,
    seed: int = 0,
    normalize: bool = False,
    C: float = 1.0,
    n_jobs: int | None = None,
    progress: bool = False,
    solver: str = 'liblinear',
    device: str | torch.device | None = None,
) -> dict[str, float | list[float]]:
    r"""The node classification protocol from the `"DeepWalk: Online
    Learning of Social Representations" <https://arxiv.org/abs/1403.6652>`_
    paper, as used by the `"Associative Learning for Network Embedding"
    <https://arxiv.org/abs/2208.14376>`_ paper: a one-vs-rest logistic
    regression (LIBLINEAR) is trained on a random :obj:`train_ratio` share of
    the nodes and tested on the rest, :obj:`num_runs` times, and the mean and
    standard deviation of the micro- and macro-F1 scores are reported in
    percent.

    For **multi-label** targets (a dense :math:`\{0, 1\}` matrix
    :obj:`[num_nodes, num_classes]`) every test node :math:`i` with
    :math:`k_i` true labels is assigned its :math:`k_i` highest-scoring
    classes, as DeepWalk's :obj:`TopKRanker` does:

    .. math::
        \hat{Y}_{ic} = \mathbb{1}\left[\,|\{c' : p_{ic'} > p_{ic}\}| <
        k_i\,\right], \qquad k_i = \sum_c Y_{ic},

    where :math:`p_{ic}` is the probability that the :math:`c`-th binary
    classifier gives to node :math:`i` (ties go to the lower class index).
    The true label count is thus known at test time, which is the standard,
    if optimistic, protocol of DeepWalk, LINE, node2vec and the MHN paper.
    For **single-label** targets (a :obj:`torch.long` vector) the class with
    the highest one-vs-rest score is predicted.

    Micro-F1 pools the true and false positives of all classes; macro-F1
    averages the per-class F1 (a class never predicted nor present scores
    :obj:`0`, see :obj:`zero_division`). The standard deviation is the
    population one (:obj:`ddof=0`) over the runs.

    .. note::
        A LIBLINEAR run on BlogCatalog (10,312 nodes, 39 labels) takes a few
        seconds at 200 dimensions but minutes at 2,000; use :obj:`n_jobs` to
        spread the runs over processes, or :obj:`solver='torch'`, which
        minimises the same strictly convex objective (so it finds the same
        model, up to the solvers' tolerances) for all classes at once with
        batched truncated Newton steps
        (:func:`~pyg_hopfield.evaluation.fit_one_vs_rest`),
        on the CPU or a GPU.

    Args:
        embedding (torch.Tensor): The node embeddings
            :obj:`[num_nodes, embedding_dim]`.
        y (torch.Tensor): The targets, either :obj:`[num_nodes]` class
            indices (:obj:`torch.long`) or a dense multi-label
            :obj:`[num_nodes, num_classes]` 0/1 matrix.
        train_ratio (float, optional): The share of nodes used for training
            in every run. (default: :obj:`0.9`)
        num_runs (int, optional): The number of random splits.
            (default: :obj:`20`)
        seed (int, optional): The seed of the splits (run :obj:`r` uses the
            :obj:`r`-th split of :class:`sklearn.model_selection.ShuffleSplit`
            with :obj:`random_state=seed`) and of LIBLINEAR.
            (default: :obj:`0`)
        normalize (bool, optional): If set to :obj:`True`, L2-normalises
            every embedding row before training. Off by default, as in the
            original protocol. (default: :obj:`False`)
        C (float, optional): The inverse L2-regularisation strength of the
            logistic regression (scikit-learn's default).
            (default: :obj:`1.0`)
        n_jobs (int, optional): The number of processes running the splits
            in parallel (:class:`joblib.Parallel`; :obj:`None` means one,
            :obj:`-1` all cores). The result does not depend on it.
            (default: :obj:`None`)
        progress (bool, optional): Show a progress bar over the runs.
            (default: :obj:`False`)
        solver (str, optional): :obj:`'liblinear'` (scikit-learn's
            LIBLINEAR, the papers' tool) or :obj:`'torch'` (the same
            objective solved in PyTorch). (default: :obj:`'liblinear'`)
        device (torch.device, optional): Where :obj:`solver='torch'` runs.
            (default: :obj:`None`, the CPU)

    Returns:
        dict: :obj:`'micro_f1'`, :obj:`'micro_f1_std'`, :obj:`'macro_f1'`,
        :obj:`'macro_f1_std'` (floats in percent) and
        :obj:`'micro_f1_runs'`, :obj:`'macro_f1_runs'` (lists with one score
        per run).

    Examples:
        >>> import torch
        >>> from pyg_hopfield.evaluation import node_classification
        >>> y = torch.arange(40) % 2
        >>> embedding = torch.nn.functional.one_hot(y).float()
        >>> out = node_classification(embedding, y, num_runs=2)
        >>> out['micro_f1'], out['macro_f1']
        (100.0, 100.0)
    """
    from joblib import Parallel, delayed
    from sklearn.model_selection import ShuffleSplit
    from tqdm import tqdm

    embedding = check_embedding(embedding)
    y_np, multilabel = _check_labels(y, embedding.size(0))
    if not 0.0 < float(train_ratio) < 1.0:
        raise ValueError(
            f"'train_ratio' must lie strictly between 0 and 1 "
            f'(got {train_ratio})'
        )
    check_int(num_runs, 'num_runs')
    check_float(C, 'C', minimum=0.0, strict=True)

    if solver not in SOLVERS:
        raise ValueError(f"'solver' must be one of {SOLVERS} (got {solver!r})")
    if device is not None and solver != 'torch':
        raise ValueError(
            "'device' is only used by solver='torch'; drop it or set "
            "solver='torch'"
        )

    if normalize:
        embedding = torch.nn.functional.normalize(embedding, p=2.0, dim=-1)

    splitter = ShuffleSplit(
        n_splits=num_runs, train_size=float(train_ratio), random_state=seed
    )
    splits = tqdm(
        splitter.split(y_np),
        total=num_runs,
        desc='logistic regression',
        unit='run',
        disable=not progress,
    )
    if solver == 'torch':
        x = embedding.to(device or 'cpu', torch.float64)
        scores = [
            _run_torch(x, y_np, train_index, test_index, multilabel, float(C))
            for train_index, test_index in splits
        ]
    else:
        x = embedding.to(torch.float64).numpy()
        scores = Parallel(n_jobs=n_jobs)(
            delayed(_run)(
                x, y_np, train_index, test_index, multilabel, float(C), seed
            )
            for train_index, test_index in splits
        )

    micro = [s[0] for s in scores]
    macro = [s[1] for s in scores]
    return {
        'micro_f1': float(np.mean(micro)),
        'micro_f1_std': float(np.std(micro)),
        'macro_f1': float(np.mean(macro)),
        'macro_f1_std': float(np.std(macro)),
        'micro_f1_runs': micro,
        'macro_f1_runs': macro,
    }
