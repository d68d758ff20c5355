r"""The figures of the command line and the examples, each written to a file
atomically (matplotlib's Agg backend; ``pip install pyg-hopfield[plot]``)."""

__all__ = [
    'roc_curve',
    'metric_against_dimension',
    'capacity_curve',
    'save_figure',
]

from collections.abc import Sequence
from typing import Any


def save_figure(fig, path: str) -> None:
    r"""Saves a matplotlib figure to :obj:`path` atomically (the format
    follows the suffix) and closes it."""
    import matplotlib.pyplot as plt

    from pyg_hopfield.utils import atomic_path

    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=120)
    finally:
        plt.close(fig)


def _axes(figsize: tuple[float, float]):
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)


def roc_curve(
    fpr: Sequence[float],
    tpr: Sequence[float],
    auc: float,
    path: str,
    label: str = '',
    title: str = '',
) -> None:
    r"""The ROC curve of a link-prediction run, with its AUC."""
    fig, ax = _axes((4, 4))
    ax.plot(fpr, tpr, label=f'{label} (AUC {auc:.3f})')
    ax.plot([0, 1], [0, 1], '--', color='grey', linewidth=0.8)
    ax.set_xlabel('False positive rate')
    ax.set_ylabel('True positive rate')
    ax.set_title(title)
    ax.legend(loc='lower right')
    fig.tight_layout()
    save_figure(fig, path)


def metric_against_dimension(
    rows: list[dict[str, Any]],
    metric: str,
    path: str,
    label: str = '',
    ylabel: str = '',
    title: str = '',
) -> None:
    r"""A metric (the :obj:`metric` key of :obj:`rows`) against the
    embedding dimension (:obj:`'dim'`), on a log axis."""
    fig, ax = _axes((4, 3))
    ax.plot(
        [r['dim'] for r in rows],
        [r[metric] for r in rows],
        marker='o',
        label=label,
    )
    ax.set_xscale('log')
    ax.set_xlabel('dimension d')
    ax.set_ylabel(ylabel or metric)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path)


def capacity_curve(rows: list[dict[str, Any]], path: str) -> None:
    r"""The retrieval overlap against the load :math:`\alpha = P/N`, one
    line per network size, with the classic capacity 0.138 marked
    (:func:`pyg_hopfield.memory.retrieval_capacity`)."""
    fig, ax = _axes((4, 3))
    for num_neurons in dict.fromkeys(r['N'] for r in rows):
        points = [
            (r['alpha'], r['overlap']) for r in rows if r['N'] == num_neurons
        ]
        ax.plot(*zip(*points), marker='o', label=f'N={num_neurons}')
    ax.axvline(0.138, color='grey', linestyle='--', linewidth=0.8)
    ax.set_xlabel('load alpha = P / N')
    ax.set_ylabel('retrieval overlap m')
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path)
