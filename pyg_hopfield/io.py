r"""Reading graph files: the one edge reader behind ``pyg-hopfield
--edges``, :func:`pyg_hopfield.utils.read_edge_list` and the dataset classes.

The format follows the file name:

* ``*.npy``: an ``int32`` or ``int64`` array of node ids of shape
  :obj:`[E, 2]` or :obj:`[2, E]` (a :obj:`[2, 2]` array is read as PyG's
  :obj:`[2, E]`), opened with ``mmap_mode='r'`` so the file is not read
  twice; weights, if any, come from a second ``.npy`` file of shape
  :obj:`[E]`.
* ``*.pt``: a :class:`torch_geometric.data.Data` saved with
  :func:`torch.save` (:obj:`edge_index`, optional :obj:`edge_weight`,
  :obj:`num_nodes`), loaded with ``weights_only=True``.
* anything else: text (plain or gzip), one edge a line, ``u v`` or
  ``u v weight``, 0-based integer ids separated by whitespace or commas,
  ``#`` or ``%`` comments and blank lines ignored. It is parsed vectorised
  by pandas' C parser; only a file that fails a check is scanned again line
  by line in Python, to name the first bad line.

This module sits below the datasets: it imports numpy and torch;
torch_geometric is imported by :func:`read_edge_list` when it builds a
:class:`~torch_geometric.data.Data`, so that ``pyg-hopfield --help`` stays
light.
"""

import gzip
import io
import itertools
import os.path as osp
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import Tensor

if TYPE_CHECKING:  # pragma: no cover
    from torch_geometric.data import Data

__all__ = [
    'EdgeChunks',
    'read_edge_list',
    'read_edges',
    'read_text_edges',
]

# ',' -> ' ' and '%' -> '#', so that pandas' C parser (one separator rule,
# one comment character) reads every accepted text layout.
_TRANSLATION = bytes.maketrans(b',%', b' #')

_NUMPY = {torch.int32: np.int32, torch.int64: np.int64}


def _check_file(path: str) -> None:
    if not osp.isfile(path):
        raise ValueError(f"'--edges' file '{path}' does not exist")


def _read_bytes(path: str) -> bytes:
    with open(path, 'rb') as f:
        raw = f.read()
    if raw[:2] == b'\x1f\x8b':
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, ValueError) as e:
            raise ValueError(
                f"'{path}' is not a readable gzip file "
                f'({type(e).__name__}: {e}); it is corrupt or '
                f'truncated'
            ) from e
    return raw


def _data_lines(path: str) -> Iterator[tuple[int, str, list[str]]]:
    # (line number, stripped line, fields) of every line holding data.
    text = _read_bytes(path).decode('utf-8', errors='replace')
    for line_no, line in enumerate(text.split('\n'), start=1):
        content = line.split('#', 1)[0].split('%', 1)[0].strip()
        if content:
            yield line_no, line.strip(), content.replace(',', ' ').split()


def _scan_text(path: str) -> int:
    # The slow path: checks a text edge list line by line and raises at the
    # first bad line; returns the number of edges if all lines are good.
    has_weight = None
    num_edges = 0
    for line_no, text, parts in _data_lines(path):
        where = f"{path}, line {line_no}: '{text}'"
        if len(parts) not in (2, 3):
            raise ValueError(f"{where}: expected 'u v' or 'u v weight'")
        if has_weight is None:
            has_weight = len(parts) == 3
        elif has_weight != (len(parts) == 3):
            raise ValueError(
                f'{where}: mixes weighted and unweighted '
                f'lines; give every line a weight or none'
            )
        try:
            u, v = int(parts[0]), int(parts[1])
        except ValueError:
            raise ValueError(f'{where}: node ids must be integers') from None
        if u < 0 or v < 0:
            raise ValueError(
                f'{where}: node ids must be non-negative (0-based)'
            )
        if has_weight:
            try:
                w = float(parts[2])
            except ValueError:
                raise ValueError(
                    f'{where}: the weight is not a number'
                ) from None
            if not np.isfinite(w) or w < 0:
                raise ValueError(
                    f'{where}: weights must be finite and non-negative'
                )
        num_edges += 1
    return num_edges


def _where(path: str, index: int) -> str:
    # Names edge number `index` (0-based) of a file: its line in a text
    # file, found by the slow scan (only ever called to report an error).
    if path.endswith(('.npy', '.pt')):
        return f'{path}, edge {index}'
    for line_no, text, _ in itertools.islice(
        _data_lines(path), index, index + 1
    ):
        return f"{path}, line {line_no}: '{text}'"
    return f'{path}, edge {index}'


def read_text_edges(path: str) -> tuple[np.ndarray, np.ndarray | None]:
    r"""Reads a text edge list (see the module docstring for the layout)
    into node ids of shape :obj:`[E, 2]` (:obj:`int64`) and, if the lines
    carry a third column, weights of shape :obj:`[E]` (:obj:`float64`).

    Every line is checked: two or three fields, integer non-negative ids,
    finite non-negative weights, all lines weighted or none.

    Raises:
        ValueError: Naming the file and the line of the first malformed
            entry, bad id or bad weight.

    Examples:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), 'edges.csv')
        >>> _ = open(path, 'w').write('% a triangle\n0,1,2.5\n1,2,1\n')
        >>> ids, weights = read_text_edges(path)
        >>> ids.tolist(), weights.tolist()
        ([[0, 1], [1, 2]], [2.5, 1.0])
    """
    import pandas as pd

    _check_file(path)
    raw = _read_bytes(path)
    if b',' in raw or b'%' in raw:
        raw = raw.translate(_TRANSLATION)
    try:
        frame = pd.read_csv(
            io.BytesIO(raw),
            sep=r'\s+',
            comment='#',
            header=None,
            dtype={0: np.int64, 1: np.int64, 2: np.float64},
        )
        ok = frame.shape[1] in (2, 3)
    except Exception as e:  # a tokenizer error, a bad literal, no data
        error: Exception | None = e
        ok = False
    else:
        error = None
    if ok:
        ids = frame.iloc[:, :2].to_numpy(dtype=np.int64)
        weights = None
        if frame.shape[1] == 3:
            weights = frame.iloc[:, 2].to_numpy(dtype=np.float64)
        ok = bool((ids >= 0).all()) and (
            weights is None
            or bool((np.isfinite(weights) & (weights >= 0)).all())
        )
        if ok:
            return ids, weights
    if _scan_text(path) == 0:
        raise ValueError(f"'{path}' contains no edges")
    raise ValueError(
        f"'{path}' could not be read as an edge list "
        f'({type(error).__name__}: {error})'
    ) from error


def _memory_map(path: str) -> np.ndarray:
    # The read-only memory map of a .npy file, or one clear error.
    try:
        return np.load(path, mmap_mode='r', allow_pickle=False)
    except Exception as e:
        raise ValueError(
            f"'{path}' is not a readable .npy array ({type(e).__name__}: {e})"
        ) from e


def _open_npy(path: str) -> np.ndarray:
    # The memory map of a checked [E, 2] or [2, E] int32/int64 array.
    array = _memory_map(path)
    if array.ndim != 2 or 2 not in array.shape:
        raise ValueError(
            f"'{path}' holds an array of shape "
            f'{list(array.shape)}; expected node ids of shape '
            f'[E, 2] or [2, E]'
        )
    if array.dtype not in (np.int32, np.int64):
        raise ValueError(
            f"'{path}' holds {array.dtype} node ids; expected "
            f"int32 or int64 (save 'ids.astype(np.int64)')"
        )
    return array


def _pairs(array: np.ndarray, start: int = 0, end: int | None = None):
    # Edges [start, end) of a checked memory map, as a [2, n] view.
    if array.shape[0] == 2:
        return array[:, start:end]
    return array[start:end].T


def _read_npy(path: str, index_dtype: torch.dtype | None) -> Tensor:
    array = _open_npy(path)
    # Widening happens in the copy; narrowing int64 -> int32 is left to
    # _cast_ids, which checks the range first.
    dtype = np.int64 if index_dtype == torch.long else array.dtype
    # The one copy: the memory map becomes an in-memory [2, E].
    return torch.from_numpy(np.array(_pairs(array), dtype=dtype, order='C'))


def _open_npy_weights(path: str, num_edges: int) -> np.ndarray:
    # The memory map of a checked [E] array of numbers.
    if not path.endswith('.npy') or not osp.isfile(path):
        raise ValueError(
            f"'--weights' must be an existing .npy file, got '{path}'"
        )
    array = _memory_map(path)
    if array.shape != (num_edges,) or array.dtype.kind not in 'fiu':
        raise ValueError(
            f"'{path}' holds {array.dtype} weights of shape "
            f'{list(array.shape)}; expected numbers of shape '
            f'[{num_edges}], one per edge'
        )
    return array


def _read_npy_weights(path: str, num_edges: int) -> Tensor:
    array = _open_npy_weights(path, num_edges)
    return torch.from_numpy(np.array(array, dtype=np.float32))


def _read_pt(path: str) -> tuple[Tensor, Tensor | None, int | None]:
    # torch_geometric.data allow-lists Data itself for weights_only loading;
    # a pickled Data also holds these internal classes of PyG's.
    from torch_geometric.data.data import DataEdgeAttr, DataTensorAttr
    from torch_geometric.data.storage import GlobalStorage

    try:
        with torch.serialization.safe_globals(
            [DataEdgeAttr, DataTensorAttr, GlobalStorage]
        ):
            obj = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as e:
        raise ValueError(
            f"'{path}' could not be loaded by torch.load("
            f'weights_only=True) ({type(e).__name__}: {e}); '
            f'save a torch_geometric.data.Data with '
            f'torch.save(data, path)'
        ) from e
    edge_index = obj.get('edge_index') if hasattr(obj, 'get') else None
    if not isinstance(edge_index, Tensor):
        raise ValueError(
            f"'{path}' holds a {type(obj).__name__} without a "
            f"tensor 'edge_index'; save a "
            f'torch_geometric.data.Data with torch.save(data, '
            f'path)'
        )
    edge_weight = obj.get('edge_weight')
    # The stored count, else the rows of 'x'; never PyG's inference from
    # edge_index (it warns), which read_edge_list does itself.
    num_nodes = obj['num_nodes'] if 'num_nodes' in obj else None
    if num_nodes is None and isinstance(obj.get('x'), Tensor):
        num_nodes = obj.get('x').size(0)
    if (
        edge_index.dim() != 2
        or edge_index.size(0) != 2
        or edge_index.is_floating_point()
    ):
        raise ValueError(
            f"'{path}': 'edge_index' must be an integer tensor "
            f'of shape [2, E], got {edge_index.dtype} of shape '
            f'{list(edge_index.shape)}'
        )
    if edge_weight is not None:
        edge_weight = edge_weight.view(-1).to(torch.float)
        if edge_weight.numel() != edge_index.size(1):
            raise ValueError(
                f"'{path}': 'edge_weight' has "
                f'{edge_weight.numel()} entries for '
                f'{edge_index.size(1)} edges'
            )
    return (
        edge_index.long(),
        edge_weight,
        None if num_nodes is None else int(num_nodes),
    )


def read_edges(
    path: str,
    weights: str | None = None,
    index_dtype: torch.dtype | None = torch.long,
) -> tuple[Tensor, Tensor | None, int | None]:
    r"""Reads the edges of a text, ``.npy`` or ``.pt`` file (see the
    module docstring) as they are stored: no symmetrising, no
    de-duplication.

    Args:
        path (str): The file.
        weights (str, optional): A ``.npy`` file of :obj:`E` edge weights,
            for edge files that hold none. (default: :obj:`None`)
        index_dtype (torch.dtype, optional): :obj:`torch.long` or
            :obj:`torch.int32` node ids; :obj:`None` keeps the dtype of a
            ``.npy`` or ``.pt`` file (half the memory for :obj:`int32`
            files; text is read as :obj:`long`).
            (default: :obj:`torch.long`)

    Returns:
        :obj:`(edge_index, edge_weight, num_nodes)`: :obj:`[2, E]` node
        ids, :obj:`float` :obj:`[E]` weights or :obj:`None`, and the node
        count stored in a ``.pt`` file or :obj:`None`.

    Raises:
        ValueError: Naming the file (and, for text, the line) of the first
            bad entry: negative ids, weights that are negative or not
            finite, a wrong shape or dtype.

    Examples:
        >>> import os, tempfile
        >>> import numpy as np
        >>> path = os.path.join(tempfile.mkdtemp(), 'edges.npy')
        >>> pairs = np.array([[0, 1], [1, 2], [2, 0]], dtype=np.int32)
        >>> np.save(path, pairs)  # [E, 2]; [2, E] is read the same
        >>> edge_index, edge_weight, num_nodes = read_edges(path)
        >>> edge_index
        tensor([[0, 1, 2],
                [1, 2, 0]])
        >>> read_edges(path, index_dtype=None)[0].dtype
        torch.int32
    """
    if index_dtype not in (None, *_NUMPY):
        raise ValueError(
            f"'index_dtype' must be torch.long, torch.int32 or None "
            f'(got {index_dtype!r})'
        )
    _check_file(path)
    num_nodes = None
    if path.endswith('.npy'):
        edge_index, edge_weight = _read_npy(path, index_dtype), None
    elif path.endswith('.pt'):
        edge_index, edge_weight, num_nodes = _read_pt(path)
    else:
        ids, w = read_text_edges(path)
        edge_index = torch.from_numpy(np.ascontiguousarray(ids.T))
        edge_weight = (
            None if w is None else torch.from_numpy(w.astype(np.float32))
        )
    if index_dtype is not None and edge_index.dtype != index_dtype:
        edge_index = _cast_ids(path, edge_index, index_dtype)
    if weights is not None:
        if edge_weight is not None:
            raise ValueError(
                f"'{path}' already holds edge weights; drop "
                f"'--weights {weights}'"
            )
        edge_weight = _read_npy_weights(weights, edge_index.size(1))
    if edge_index.numel() == 0:
        raise ValueError(f"'{path}' contains no edges")
    _check_values(path, weights, edge_index, edge_weight)
    return edge_index, edge_weight, num_nodes


def _cast_ids(path: str, edge_index: Tensor, dtype: torch.dtype) -> Tensor:
    if dtype == torch.int32 and edge_index.numel() > 0:
        largest = int(edge_index.max())
        if largest > torch.iinfo(torch.int32).max:
            raise ValueError(
                f"'{path}' holds node id {largest}, too large for "
                f"'index_dtype=torch.int32'; use torch.long"
            )
    return edge_index.to(dtype)


def _check_values(
    path: str,
    weights: str | None,
    edge_index: Tensor,
    edge_weight: Tensor | None,
    offset: int = 0,
) -> None:
    # Negative ids, and weights that are negative or not finite; `offset`
    # is the number of the first edge (for chunks of a file).
    bad = (edge_index < 0).any(dim=0).nonzero()
    if bad.numel() > 0:
        raise ValueError(
            f'{_where(path, offset + int(bad[0]))}: node ids must be '
            f'non-negative (0-based)'
        )
    if edge_weight is not None:
        bad = (~torch.isfinite(edge_weight) | (edge_weight < 0)).nonzero()
        if bad.numel() > 0:
            where = _where(weights or path, offset + int(bad[0]))
            raise ValueError(
                f'{where}: weights must be finite and '
                f'non-negative, got {float(edge_weight[bad[0]])}'
            )


def _release(array: np.ndarray | None) -> None:
    # Drops the pages of a read-only memory map from the resident set
    # (they stay in the page cache): without it, streaming a file through
    # a map leaves all of it counted in the process's RSS.
    mapping = getattr(array, '_mmap', None)
    if mapping is not None and hasattr(mapping, 'madvise'):
        import mmap

        if hasattr(mmap, 'MADV_DONTNEED'):
            mapping.madvise(mmap.MADV_DONTNEED)


class EdgeChunks:
    r"""The edges of a text, ``.npy`` or ``.pt`` file (see the module
    docstring) in chunks of at most :obj:`chunk_size` edges, as stored (no
    symmetrising, no de-duplication), each chunk checked like
    :func:`read_edges`.

    A ``.npy`` edge array and a ``.npy`` weight file are memory-mapped and
    only one chunk is ever in memory, so a file larger than the memory can
    be streamed (e.g. by :func:`pyg_hopfield.distributed.partition`); text
    and ``.pt`` files are read whole by :func:`read_edges` first (they are
    meant for graphs that fit).

    Args:
        path (str): The file.
        weights (str, optional): A ``.npy`` file of :obj:`E` edge weights.
            (default: :obj:`None`)
        chunk_size (int, optional): The number of edges per chunk.
            (default: :obj:`4194304`)

    Attributes:
        num_edges (int): The number :obj:`E` of stored edges.
        num_nodes (int or None): The node count stored in a ``.pt`` file.
        weighted (bool): Whether the edges carry weights.

    Examples:
        >>> import os, tempfile
        >>> import numpy as np
        >>> path = os.path.join(tempfile.mkdtemp(), 'edges.npy')
        >>> np.save(path, np.array([[0, 1], [1, 2], [2, 0]], np.int32))
        >>> chunks = EdgeChunks(path, chunk_size=2)
        >>> [(offset, ids.tolist()) for offset, ids, _ in chunks]
        [(0, [[0, 1], [1, 2]]), (2, [[2], [0]])]
    """

    def __init__(
        self,
        path: str,
        weights: str | None = None,
        chunk_size: int = 1 << 22,
    ):
        if (
            isinstance(chunk_size, bool)
            or not isinstance(chunk_size, int)
            or chunk_size < 1
        ):
            raise ValueError(
                f"'chunk_size' must be a positive integer (got {chunk_size!r})"
            )
        _check_file(path)
        self.path = path
        self.weights = weights
        self.chunk_size = chunk_size
        self.num_nodes: int | None = None
        self._array: np.ndarray | None = None
        self._weight_array: np.ndarray | None = None
        self._edges: tuple[Tensor, Tensor | None] | None = None
        if path.endswith('.npy'):
            self._array = _open_npy(path)
            self.num_edges = int(self._array.size // 2)
            if self.num_edges == 0:
                raise ValueError(f"'{path}' contains no edges")
            if weights is not None:
                self._weight_array = _open_npy_weights(weights, self.num_edges)
            self.weighted = weights is not None
        else:
            edge_index, edge_weight, self.num_nodes = read_edges(
                path, weights, index_dtype=None
            )
            self._edges = (edge_index, edge_weight)
            self.num_edges = edge_index.size(1)
            self.weighted = edge_weight is not None

    def __iter__(self) -> Iterator[tuple[int, np.ndarray, np.ndarray | None]]:
        r"""Yields :obj:`(offset, ids, weights)`: the number of the chunk's
        first edge, its :obj:`[2, n]` node ids (the file's integer dtype)
        and its :obj:`float32` :obj:`[n]` weights or :obj:`None`."""
        for start in range(0, self.num_edges, self.chunk_size):
            end = min(start + self.chunk_size, self.num_edges)
            if self._edges is not None:
                edge_index, edge_weight = self._edges
                ids = edge_index[:, start:end].numpy()
                weight = (
                    None
                    if edge_weight is None
                    else edge_weight[start:end].numpy()
                )
                yield start, ids, weight
                continue
            # Copies, so the chunk is in memory and writable; then the
            # mapped pages read so far leave this process's resident set.
            ids = np.array(_pairs(self._array, start, end), order='C')
            weight = None
            if self._weight_array is not None:
                weight = np.array(
                    self._weight_array[start:end], dtype=np.float32
                )
            _release(self._array)
            _release(self._weight_array)
            _check_values(
                self.path,
                self.weights,
                torch.from_numpy(ids),
                None if weight is None else torch.from_numpy(weight),
                offset=start,
            )
            yield start, ids, weight


def read_edge_list(
    path: str,
    num_nodes: int | None = None,
    directed: bool = False,
    weights: str | None = None,
    one_based: bool = False,
) -> 'Data':
    r"""Reads a graph from a text edge list (``u v`` or ``u v weight`` a
    line), a ``.npy`` edge array or a ``.pt`` :class:`Data` file (see the
    module docstring) into a :class:`~torch_geometric.data.Data`.

    The graph is made undirected (both directions) unless :obj:`directed`;
    duplicate edges are merged by summing their weights and self-loops are
    dropped. Weights must be finite and non-negative.

    A file whose smallest id is 1 is probably 1-based: read as it is, it
    gets a phantom isolated node 0 and every id off by one, so a warning
    says to pass :obj:`one_based=True` (``--one-based``).

    Args:
        path (str): The file.
        num_nodes (int, optional): The number of nodes; at least the largest
            id plus one. If :obj:`None`, the number stored in a ``.pt`` file,
            else the largest id plus one. (default: :obj:`None`)
        directed (bool, optional): Keep edges as given. (default:
            :obj:`False`)
        weights (str, optional): A ``.npy`` file of edge weights, one per
            stored edge. (default: :obj:`None`)
        one_based (bool, optional): The ids start at 1; subtract 1.
            (default: :obj:`False`)

    Raises:
        ValueError: Naming the file and the line (or edge) of the first
            malformed entry, bad id or bad weight.

    Examples:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), 'edges.txt')
        >>> _ = open(path, 'w').write('# a path\n0 1\n1 2\n')
        >>> read_edge_list(path)
        Data(edge_index=[2, 4], num_nodes=3)
    """
    from torch_geometric.data import Data
    from torch_geometric.utils import coalesce, remove_self_loops

    from pyg_hopfield.utils.sparse_graph import (
        csr_to_edge_index,
        undirected_csr,
    )

    if num_nodes is not None and (
        isinstance(num_nodes, bool)
        or not isinstance(num_nodes, int)
        or num_nodes < 1
    ):
        raise ValueError(
            f"'num_nodes' must be a positive integer, got {num_nodes!r}"
        )
    # int32 ids of an int32 .npy file stay int32 (half the memory).
    edge_index, edge_weight, stored = read_edges(path, weights, None)
    smallest = int(edge_index.min())
    if one_based:
        if smallest == 0:
            raise ValueError(
                f"'{path}' contains node 0, so its ids are not "
                f"1-based; drop 'one_based=True' "
                f"('--one-based')"
            )
        edge_index -= 1
    num_nodes = stored if num_nodes is None else num_nodes
    largest = int(edge_index.max())
    if num_nodes is not None and largest >= num_nodes:
        index = int((edge_index >= num_nodes).any(dim=0).nonzero()[0])
        hint = ''
        if smallest == 1 and not one_based:
            hint = (
                '; the file has no node 0, so it looks 1-based: pass '
                "'one_based=True' ('--one-based')"
            )
        raise ValueError(
            f'{_where(path, index)}: node '
            f'{int(edge_index[:, index].max()) + one_based} is '
            f'out of range for --num-nodes {num_nodes}{hint}'
        )
    if num_nodes is None:
        num_nodes = largest + 1
    if smallest == 1 and not one_based:
        warnings.warn(
            f"'{path}' has no node 0 (its smallest id is 1): if its ids are "
            f'1-based, node 0 is a phantom isolated node and every id is '
            f"off by one. Pass 'one_based=True' ('--one-based') or subtract "
            f'1 from the ids',
            stacklevel=2,
        )
    if directed:
        edge_index, edge_weight = remove_self_loops(
            edge_index.long(), edge_weight
        )
        edge_index, edge_weight = coalesce(
            edge_index, edge_weight, num_nodes=num_nodes
        )
    else:
        # The graph to_undirected gives (self-loops dropped), by a counting
        # sort of int32 pairs: no int64 sort keys for 10^8 nonzeros.
        crow, col, edge_weight = undirected_csr(
            edge_index, num_nodes, edge_weight
        )
        edge_index = csr_to_edge_index(crow, col)
        del crow, col
    data = Data(edge_index=edge_index, num_nodes=num_nodes)
    if edge_weight is not None:
        data.edge_weight = edge_weight
    return data
