r"""Reading user files: edge lists and interaction histories."""
import os.path as osp
from typing import List, Optional

import numpy as np
import torch
from torch_geometric.data import Data
from torch_geometric.utils import coalesce, remove_self_loops, to_undirected


def read_edge_list(
    path: str,
    num_nodes: Optional[int] = None,
    directed: bool = False,
) -> Data:
    r"""Reads a whitespace-separated edge list: one edge a line, ``u v`` or
    ``u v weight``, 0-based integer node ids; lines starting with ``#`` and
    blank lines are ignored.

    The graph is made undirected (both directions) unless :obj:`directed`;
    duplicate edges are merged by summing their weights and self-loops are
    dropped. Weights must be finite and non-negative.

    Args:
        path (str): The file.
        num_nodes (int, optional): The number of nodes; at least the largest
            id plus one. (default: :obj:`None`)
        directed (bool, optional): Keep edges as given. (default:
            :obj:`False`)

    Raises:
        ValueError: Naming the file and the line of the first malformed
            entry, bad id or bad weight.
    """
    if not osp.isfile(path):
        raise ValueError(f"'--edges' file '{path}' does not exist")
    rows, cols, weights = [], [], []
    has_weight = None
    with open(path) as f:
        for line_no, line in enumerate(f, start=1):
            text = line.strip()
            if not text or text.startswith('#'):
                continue
            parts = text.split()
            where = f"{path}, line {line_no}: '{text}'"
            if len(parts) not in (2, 3):
                raise ValueError(f"{where}: expected 'u v' or 'u v weight'")
            if has_weight is None:
                has_weight = len(parts) == 3
            elif has_weight != (len(parts) == 3):
                raise ValueError(f"{where}: mixes weighted and unweighted "
                                 f"lines; give every line a weight or none")
            try:
                u, v = int(parts[0]), int(parts[1])
            except ValueError:
                raise ValueError(f"{where}: node ids must be integers")
            if u < 0 or v < 0:
                raise ValueError(f"{where}: node ids must be non-negative "
                                 f"(0-based)")
            if num_nodes is not None and max(u, v) >= num_nodes:
                raise ValueError(f"{where}: node {max(u, v)} is out of range "
                                 f"for --num-nodes {num_nodes}")
            if has_weight:
                try:
                    w = float(parts[2])
                except ValueError:
                    raise ValueError(f"{where}: the weight is not a number")
                if not np.isfinite(w) or w < 0:
                    raise ValueError(f"{where}: weights must be finite and "
                                     f"non-negative")
                weights.append(w)
            rows.append(u)
            cols.append(v)
    if not rows:
        raise ValueError(f"'{path}' contains no edges")
    edge_index = torch.tensor([rows, cols], dtype=torch.long)
    if num_nodes is None:
        num_nodes = int(edge_index.max()) + 1
    edge_weight = torch.tensor(weights) if has_weight else None
    edge_index, edge_weight = remove_self_loops(edge_index, edge_weight)
    if directed:
        edge_index, edge_weight = coalesce(edge_index, edge_weight,
                                           num_nodes=num_nodes)
    else:
        edge_index, edge_weight = to_undirected(edge_index, edge_weight,
                                                num_nodes=num_nodes)
    data = Data(edge_index=edge_index, num_nodes=num_nodes)
    if edge_weight is not None:
        data.edge_weight = edge_weight
    return data


def read_histories(path: str, num_items: int) -> List[torch.Tensor]:
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
            where = f"{path}, line {line_no}"
            try:
                items = [int(token) for token in text.split()]
            except ValueError:
                raise ValueError(f"{where}: item ids must be integers")
            bad = [i for i in items if not 0 <= i < num_items]
            if bad:
                raise ValueError(f"{where}: item {bad[0]} is not a node of "
                                 f"the graph (ids must lie in [0, "
                                 f"{num_items}))")
            histories.append(torch.tensor(items, dtype=torch.long))
    if not histories:
        raise ValueError(f"'{path}' contains no user history")
    return histories
