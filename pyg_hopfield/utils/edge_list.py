r"""Reading user files: edge lists (the one reader lives in
:mod:`pyg_hopfield.io`) and interaction histories."""

import os.path as osp

import torch

from pyg_hopfield.io import read_edge_list

__all__ = ['read_edge_list', 'read_histories']


def read_histories(path: str, num_items: int) -> list[torch.Tensor]:
    r"""Reads user interaction histories for
    :func:`~pyg_hopfield.evaluation.hit_rate_at_k`: one user a line, the
    whitespace-separated 0-based ids of the items (graph nodes) the user
    interacted with; lines starting with ``#`` and blank lines are ignored.

    Raises:
        ValueError: Naming the file and the line of the first id that is
            not an integer in :obj:`[0, num_items)`.
    """
    if not osp.isfile(path):
        raise ValueError(f"'--histories' file '{path}' does not exist")
    histories = []
    with open(path) as f:
        for line_no, line in enumerate(f, start=1):
            text = line.strip()
            if not text or text.startswith('#'):
                continue
            where = f'{path}, line {line_no}'
            try:
                items = [int(token) for token in text.split()]
            except ValueError:
                raise ValueError(f'{where}: item ids must be integers')
            bad = [i for i in items if not 0 <= i < num_items]
            if bad:
                raise ValueError(
                    f'{where}: item {bad[0]} is not a node of '
                    f'the graph (ids must lie in [0, '
                    f'{num_items})); if the edge list leaves '
                    f'the last items without edges, pass '
                    f"'--num-nodes {max(bad) + 1}' (or the "
                    f"number of items) with '--edges'"
                )
            histories.append(torch.tensor(items, dtype=torch.long))
    if not histories:
        raise ValueError(f"'{path}' contains no user history")
    return histories
