import gzip
import os
import os.path as osp

import numpy as np
import scipy.io
import scipy.sparse as sp


def write_mat(path: str, **arrays) -> str:
    os.makedirs(osp.dirname(path), exist_ok=True)
    scipy.io.savemat(path, arrays)
    return path


def sparse(rows, cols, shape, values=None) -> sp.csc_matrix:
    values = np.ones(len(rows)) if values is None else np.asarray(values)
    return sp.csc_matrix((values, (rows, cols)), shape=shape)


def write_text(path: str, text: str, compress: bool = False) -> str:
    os.makedirs(osp.dirname(path), exist_ok=True)
    data = text.encode()
    if compress:
        data = gzip.compress(data)
    with open(path, 'wb') as f:
        f.write(data)
    return path


def truncate(path: str, fraction: float = 0.5) -> None:
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[: int(len(data) * fraction)])


def edge_set(edge_index) -> set:
    return set(map(tuple, edge_index.t().tolist()))
