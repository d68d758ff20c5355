r"""Input validation shared by every public entry point.

Each check raises one :class:`ValueError` that names the argument, the bad
value and the fix, so that nothing downstream is silently wrong.
"""

import math

import torch
from torch import Tensor


def _check_index_tensor(index: Tensor, name: str, columns: str) -> None:
    # The shape and dtype of an index tensor [2, columns].
    if not isinstance(index, Tensor):
        raise ValueError(  # noqa: TRY004 (the contract asks for ValueError)
            f"'{name}' must be a torch.Tensor of shape [2, {columns}], "
            f'got {type(index).__name__}'
        )
    if index.dim() != 2 or index.size(0) != 2:
        raise ValueError(
            f"'{name}' must have shape [2, {columns}], got "
            f'{list(index.shape)}; transpose an [E, 2] list with '
            f"'{name}.t()'"
        )
    if index.dtype != torch.long:
        raise ValueError(
            f"'{name}' must have dtype torch.long, got {index.dtype}; "
            f"convert it with '{name}.long()'"
        )


def _check_index_range(
    index: Tensor,
    name: str,
    num_nodes: int | None,
    fix: str,
) -> int:
    # Node ids in [0, num_nodes) (num_nodes inferred if None); `fix` is
    # formatted with the smallest valid num_nodes.
    min_index = int(index.min())
    if min_index < 0:
        raise ValueError(
            f"'{name}' contains the negative node index {min_index}; "
            f'node ids must be 0-based and non-negative'
        )
    max_index = int(index.max())
    if num_nodes is None:
        return max_index + 1
    if max_index >= num_nodes:
        raise ValueError(
            f"'{name}' contains node {max_index} but "
            f'num_nodes={num_nodes}; {fix.format(max_index + 1)}'
        )
    return num_nodes


def check_edge_index(
    edge_index: Tensor,
    num_nodes: int | None = None,
    edge_weight: Tensor | None = None,
    allow_empty: bool = False,
) -> int:
    r"""Validates a graph given as :obj:`edge_index` (and optional
    :obj:`edge_weight`) and returns its number of nodes.

    Args:
        edge_index (torch.Tensor): The edge indices of shape :obj:`[2, E]`
            and dtype :obj:`torch.long`.
        num_nodes (int, optional): The number of nodes. Inferred as
            :obj:`edge_index.max() + 1` when :obj:`None`.
            (default: :obj:`None`)
        edge_weight (torch.Tensor, optional): Edge weights of shape
            :obj:`[E]`, finite and non-negative. (default: :obj:`None`)
        allow_empty (bool, optional): If :obj:`False`, a graph without
            edges raises. (default: :obj:`False`)

    Returns:
        int: The number of nodes.

    Examples:
        >>> edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
        >>> check_edge_index(edge_index)
        3
        >>> check_edge_index(edge_index, num_nodes=2)
        Traceback (most recent call last):
        ...
        ValueError: 'edge_index' contains node 2 but num_nodes=2; pass ...
    """
    _check_index_tensor(edge_index, 'edge_index', 'num_edges')
    num_edges = edge_index.size(1)
    if num_nodes is not None:
        if isinstance(num_nodes, bool) or not isinstance(num_nodes, int):
            raise ValueError(f"'num_nodes' must be an int, got {num_nodes!r}")
        if num_nodes < 0:
            raise ValueError(
                f"'num_nodes' must be non-negative, got {num_nodes}"
            )
    if num_edges == 0:
        if not allow_empty:
            raise ValueError(
                "'edge_index' is empty: the graph has no edges "
                'to embed or evaluate; pass a graph with at '
                'least one edge'
            )
        if num_nodes is None or num_nodes == 0:
            raise ValueError(
                "'num_nodes' must be given and positive for a "
                'graph without edges'
            )
        return num_nodes
    num_nodes = _check_index_range(
        edge_index,
        'edge_index',
        num_nodes,
        'pass num_nodes>={} or relabel the nodes',
    )
    if edge_weight is not None:
        check_edge_weight(edge_weight, num_edges)
    return num_nodes


def check_edge_weight(edge_weight: Tensor, num_edges: int) -> None:
    r"""Validates edge weights: a floating :obj:`[E]` tensor of finite,
    non-negative values."""
    if not isinstance(edge_weight, Tensor):
        raise ValueError(
            f"'edge_weight' must be a torch.Tensor, got "
            f'{type(edge_weight).__name__}'
        )
    if not edge_weight.is_floating_point():
        raise ValueError(
            f"'edge_weight' must be a floating-point tensor, "
            f'got {edge_weight.dtype}; convert it with '
            f"'edge_weight.float()'"
        )
    if edge_weight.dim() != 1 or edge_weight.numel() != num_edges:
        raise ValueError(
            f"'edge_weight' must have shape [{num_edges}] "
            f'(one weight per edge), got '
            f'{list(edge_weight.shape)}'
        )
    if not bool(torch.isfinite(edge_weight).all()):
        raise ValueError(
            "'edge_weight' contains NaN or infinite values; "
            'clean the weights before embedding'
        )
    if bool((edge_weight < 0).any()):
        raise ValueError(
            f"'edge_weight' contains the negative weight "
            f'{float(edge_weight.min())}; transition '
            f'probabilities need non-negative weights'
        )
    float32_max = torch.finfo(torch.float32).max
    if edge_weight.numel() > 0 and float(edge_weight.max()) > float32_max:
        raise ValueError(
            f"'edge_weight' contains the weight "
            f'{float(edge_weight.max()):.4g}, beyond the '
            f'float32 range ({float32_max:.4g}) the embeddings '
            f'are computed in; rescale the weights (e.g. '
            f'divide by their maximum)'
        )


def check_int(
    value: int,
    name: str,
    minimum: int = 1,
    maximum: int | None = None,
) -> int:
    r"""Checks that :obj:`value` is an :obj:`int` (not a :obj:`bool`) in
    :obj:`[minimum, maximum]` and returns it.

    Examples:
        >>> check_int(3, 'num_runs')
        3
        >>> check_int(0, 'num_runs')
        Traceback (most recent call last):
        ...
        ValueError: 'num_runs' must be >= 1 (got 0)
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"'{name}' must be an int (got {value!r})")
    if value < minimum or (maximum is not None and value > maximum):
        upper = '' if maximum is None else f' and <= {maximum}'
        raise ValueError(f"'{name}' must be >= {minimum}{upper} (got {value})")
    return value


def check_seed(seed: int) -> int:
    r"""Validates a random seed (a non-negative :obj:`int`)."""
    return check_int(seed, 'seed', minimum=0)


def check_float(
    value: float,
    name: str,
    minimum: float | None = None,
    maximum: float | None = None,
    strict: bool = False,
) -> float:
    r"""Checks that :obj:`value` is a finite real number (not a
    :obj:`bool`, NaN or infinity) in :obj:`[minimum, maximum]` (or
    :obj:`(minimum, maximum]` with :obj:`strict=True`) and returns it as a
    :obj:`float`.

    Examples:
        >>> check_float(0.5, 'lr', minimum=0.0, strict=True)
        0.5
        >>> check_float(float('inf'), 'lr')
        Traceback (most recent call last):
        ...
        ValueError: 'lr' must be a finite number (got inf)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if not (isinstance(value, Tensor) and value.numel() == 1):
            raise ValueError(f"'{name}' must be a real number (got {value!r})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"'{name}' must be a finite number (got {value})")
    if minimum is not None and (
        value <= minimum if strict else value < minimum
    ):
        relation = '>' if strict else '>='
        raise ValueError(
            f"'{name}' must be {relation} {minimum} (got {value})"
        )
    if maximum is not None and value > maximum:
        raise ValueError(f"'{name}' must be <= {maximum} (got {value})")
    return value


def check_finite(tensor: Tensor, name: str) -> Tensor:
    r"""Checks that every value of :obj:`tensor` is finite (no NaN or
    infinity) and returns it; the error names the first bad position.

    Examples:
        >>> check_finite(torch.tensor([1.0, float('nan')]), 'context')
        Traceback (most recent call last):
        ...
        ValueError: 'context' contains NaN or infinite values (nan at ...
    """
    if tensor.is_sparse or tensor.layout != torch.strided:
        values = tensor.values()
    else:
        values = tensor
    if values.is_floating_point() or values.is_complex():
        bad = ~torch.isfinite(values)
        if bool(bad.any()):
            first = int(bad.reshape(-1).nonzero()[0])
            value = values.reshape(-1)[first].item()
            where = 'stored value' if values is not tensor else 'flat index'
            raise ValueError(
                f"'{name}' contains NaN or infinite values "
                f'({value} at {where} {first}); replace them '
                f'with finite numbers'
            )
    return tensor


def check_embedding(embedding: Tensor, name: str = 'embedding') -> Tensor:
    r"""Checks that :obj:`embedding` is a finite, floating-point
    :obj:`[num_nodes, embedding_dim]` tensor and returns it detached on the
    CPU."""
    if not isinstance(embedding, Tensor):
        raise ValueError(  # noqa: TRY004
            f"'{name}' must be a torch.Tensor of shape "
            f'[num_nodes, embedding_dim] (got '
            f'{type(embedding).__name__}); convert it with '
            f'torch.as_tensor(...)'
        )
    if embedding.dim() != 2:
        raise ValueError(
            f"'{name}' must be two-dimensional "
            f'[num_nodes, embedding_dim] (got shape '
            f'{list(embedding.size())}); reshape it'
        )
    if not embedding.is_floating_point():
        raise ValueError(
            f"'{name}' must be a floating-point tensor (got "
            f'dtype {embedding.dtype}); call .float()'
        )
    if embedding.numel() == 0:
        raise ValueError(
            f"'{name}' is empty (shape "
            f'{list(embedding.size())}); pass at least one '
            f'node and one dimension'
        )
    embedding = embedding.detach().cpu()
    if not bool(torch.isfinite(embedding).all()):
        bad = int((~torch.isfinite(embedding)).any(dim=1).nonzero()[0])
        raise ValueError(
            f"'{name}' contains NaN or infinite values (first "
            f'in row {bad}); fix the embedding before '
            f'evaluating it'
        )
    return embedding


def check_index(
    index: Tensor,
    name: str,
    num_nodes: int,
    allow_empty: bool = True,
) -> Tensor:
    r"""Checks that :obj:`index` is a :obj:`torch.long` tensor of shape
    :obj:`[2, num_pairs]` with node indices in :obj:`[0, num_nodes)` (the
    rows of an embedding) and returns it on the CPU.

    Examples:
        >>> check_index(torch.tensor([[0], [3]]), 'pairs', num_nodes=3)
        Traceback (most recent call last):
        ...
        ValueError: 'pairs' contains node 3 but num_nodes=3; pass an ...
    """
    _check_index_tensor(index, name, 'num_pairs')
    if not allow_empty and index.size(1) == 0:
        raise ValueError(f"'{name}' is empty; pass at least one pair")
    index = index.cpu()
    if index.numel() > 0:
        _check_index_range(
            index,
            name,
            num_nodes,
            'pass an embedding for every node (one row a node)',
        )
    return index


def check_interaction_index(
    interaction_index: Tensor,
    num_items: int,
    num_users: int | None = None,
) -> None:
    r"""Raises a :class:`ValueError` naming the problem and the fix unless
    :obj:`interaction_index` is a :obj:`torch.long` tensor
    :obj:`[2, num_interactions]` of (user, item) pairs with
    :obj:`0 <= item < num_items` (and :obj:`0 <= user < num_users`)."""
    if (
        not isinstance(interaction_index, Tensor)
        or interaction_index.dtype != torch.long
        or interaction_index.dim() != 2
        or interaction_index.size(0) != 2
    ):
        what = (
            f'{interaction_index.dtype} tensor of shape '
            f'{list(interaction_index.shape)}'
            if isinstance(interaction_index, Tensor)
            else type(interaction_index).__name__
        )
        raise ValueError(
            f"'interaction_index' must be a torch.long tensor "
            f'[2, num_interactions] of (user, item) pairs, got '
            f'a {what}'
        )
    check_int(num_items, 'num_items')
    if interaction_index.numel() == 0:
        return
    if int(interaction_index.min()) < 0:
        raise ValueError(
            f"'interaction_index' contains the negative id "
            f'{int(interaction_index.min())}; ids are 0-based'
        )
    item = int(interaction_index[1].max())
    if item >= num_items:
        raise ValueError(
            f"'interaction_index' contains item {item} but "
            f'num_items={num_items}; pass num_items='
            f'{item + 1} or more'
        )
    if num_users is not None:
        check_int(num_users, 'num_users')
        user = int(interaction_index[0].max())
        if user >= num_users:
            raise ValueError(
                f"'interaction_index' contains user {user} but "
                f'num_users={num_users}; pass num_users='
                f'{user + 1} or more'
            )
