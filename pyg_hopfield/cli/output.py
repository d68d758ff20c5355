r"""The command line's output files, written atomically and never with NaN
or infinite values (then nothing is written and a previous file stays)."""

import json


def save_embedding(embedding, path: str) -> None:
    r"""Writes :obj:`embedding` to :obj:`path` (:obj:`.pt` or :obj:`.npy`)."""
    import torch

    from pyg_hopfield.utils import atomic_path, save_atomic

    if not path.endswith(('.pt', '.npy')):
        raise ValueError(f"'--out' must end in '.pt' or '.npy', got '{path}'")
    bad = int((~torch.isfinite(embedding)).sum())
    if bad:
        raise ValueError(
            f'the embedding has {bad:,} of {embedding.numel():,} values NaN '
            f"or infinite, so nothing was written to '--out {path}'; use "
            f"fewer '--iterations', a smaller '--lr' or "
            f"'--normalize iteration'"
        )
    if path.endswith('.npy'):
        import numpy as np

        with atomic_path(path) as tmp:
            np.save(tmp, embedding.numpy())
    else:
        save_atomic(embedding, path)


def write_json(path: str, obj: dict, flag: str = '--json') -> None:
    r"""Writes :obj:`obj` as JSON to :obj:`path`."""
    from pyg_hopfield.utils import atomic_write

    try:
        text = json.dumps(obj, indent=2, allow_nan=False)
    except ValueError as e:
        raise ValueError(
            f'the results hold NaN or infinite numbers, so nothing was '
            f"written to '{flag} {path}' ({e})"
        ) from e
    with atomic_write(path) as f:
        f.write(text)


def print_table(rows: list[dict], columns: list[tuple[str, str, str]]) -> None:
    r"""Prints :obj:`rows` under a header, one :obj:`(key, alignment and
    width, number format)` per column, e.g. :obj:`('auc', '>10', '.3f')`."""
    print(''.join(f'{key:{width}}' for key, width, _ in columns))
    for row in rows:
        print(''.join(f'{row[k]:{w}{f}}' for k, w, f in columns))
