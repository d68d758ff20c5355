"""Hand-written sparse plumbing against PyG / torch, and the paths it serves.

Part 1 (``--part choices``) times each hand-written piece beside the PyG /
torch call that replaces it or could, in the same process, on the same
tensors:

- canonicalising a raw edge list (datasets): ``remove_self_loops`` +
  ``to_undirected`` (what ``to_simple_undirected`` calls now) against the
  numpy int64 keys + ``np.unique`` it had;
- the undirected pairs of a split: ``torch.unique`` of keys against
  ``coalesce``;
- edge membership (Jaccard, negative sampling, hit rate): a binary search
  in the sorted keys against ``torch.isin``;
- CSR row pointers: ``bincount`` + ``cumsum`` against ``index2ptr``.

Part 2 (``--part paths``) times the affected public paths (dataset
canonicalisation, link splits, Jaccard AUC, GEM MAP, hit rate, user
histories). With ``--baseline DIR`` (a checkout of an older commit) each
path runs alternately in a subprocess on that tree and on this one, best
of ``--repeats``, so before/after are measured in one run.

    flock /tmp/pyg_hopfield_timing.lock \\
        python benchmarks/bench_sparse_plumbing.py --baseline /tmp/base
"""

import argparse
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import torch

from _common import best_of, graph, write_json

ROOT = osp.abspath(osp.join(osp.dirname(__file__), '..'))

# One path a call: python - <name> <repeats> prints its best time.
PATHS = {
    'to_simple_undirected (AstroPh raw)': """
from pyg_hopfield.datasets._base import to_simple_undirected
from pyg_hopfield.io import read_text_edges
import os
e, _ = read_text_edges(os.environ['PYG_HOPFIELD_DATA'] +
                       '/ca-AstroPh/ca-AstroPh.txt.gz')
n = int(e.max()) + 1
run = lambda: to_simple_undirected(e[:, 0], e[:, 1], n)
""",
    'seal_link_split (AstroPh)': """
from pyg_hopfield.utils import seal_link_split
run = lambda: seal_link_split(data.edge_index, data.num_nodes, 0.1, seed=0)
""",
    'gem_link_split (AstroPh)': """
from pyg_hopfield.utils import gem_link_split
run = lambda: gem_link_split(data.edge_index, data.num_nodes, 0.1, 0)
""",
    'jaccard_auc (AstroPh, 10% held out)': """
from pyg_hopfield.evaluation import jaccard_auc
from pyg_hopfield.utils import seal_link_split
s = seal_link_split(data.edge_index, data.num_nodes, 0.1, seed=0)
train, pos, neg = s[0], s[1], s[2]
run = lambda: jaccard_auc(train, data.num_nodes, pos, neg)
""",
    'reconstruction_map (AstroPh, d=128)': """
from pyg_hopfield.evaluation import reconstruction_map
gen = torch.Generator().manual_seed(0)
h = torch.randn(data.num_nodes, 128, generator=gen)
run = lambda: reconstruction_map(h, data.edge_index, seed=0)
""",
    'hit_rate_at_k (MovieLens, 943 users)': """
from pyg_hopfield.evaluation import hit_rate_at_k
from pyg_hopfield.utils import user_histories
ml = load('MovieLens100K', root=root)[0]
users = torch.unique(ml.interaction_index[0])
hist = user_histories(ml.interaction_index, users, ml.num_items)
gen = torch.Generator().manual_seed(0)
h = torch.randn(ml.num_items, 64, generator=gen)
run = lambda: hit_rate_at_k(h, hist, k=10, seed=0)
""",
    'user_histories (MovieLens)': """
from pyg_hopfield.utils import user_histories
ml = load('MovieLens100K', root=root)[0]
users = torch.unique(ml.interaction_index[0])
run = lambda: user_histories(ml.interaction_index, users, ml.num_items)
""",
}

PRELUDE = """
import sys, tempfile, time, warnings
import torch
warnings.filterwarnings('ignore')
torch.set_num_threads(1)
from pyg_hopfield.datasets import load
root = tempfile.mkdtemp()
data = load('AstroPh', root=root, log=False)[0]
"""

TIMER = """
run()
best = float('inf')
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); run(); best = min(best, time.perf_counter() - t)
print(best)
"""


def time_path(name: str, tree: str, repeats: int) -> float:
    env = dict(os.environ, PYTHONPATH=tree)
    out = subprocess.run(
        [sys.executable, '-', name, str(repeats)],
        input=PRELUDE + PATHS[name] + TIMER,
        capture_output=True,
        text=True,
        env=env,
        cwd='/tmp',
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def part_paths(args) -> list[dict]:
    rows = []
    for name in PATHS:
        row = dict(path=name)
        trees = [('after', ROOT)]
        if args.baseline:
            trees.insert(0, ('before', args.baseline))
        for _ in range(args.rounds):  # alternate the trees
            for label, tree in trees:
                t = time_path(name, tree, args.repeats)
                row[label] = min(row.get(label, float('inf')), t)
        if args.baseline:
            row['after_over_before'] = row['after'] / row['before']
        rows.append(row)
        before = f'{row["before"]:8.4f} s  ' if args.baseline else ''
        ratio = f'{row["after_over_before"]:5.2f}x' if args.baseline else ''
        print(f'{name:40s} {before}{row["after"]:8.4f} s  {ratio}', flush=True)
    return rows


def part_choices(args) -> list[dict]:
    from torch_geometric.utils import (
        coalesce,
    )
    from torch_geometric.utils.sparse import index2ptr

    from pyg_hopfield.datasets._base import to_simple_undirected

    rows = []
    for spec in args.graphs:
        edge_index, n = graph(spec)
        row, col = edge_index
        row_np, col_np = row.numpy(), col.numpy()

        def numpy_simple():  # the hand-written code to_simple_undirected had
            mask = row_np != col_np
            low = np.minimum(row_np[mask], col_np[mask])
            high = np.maximum(row_np[mask], col_np[mask])
            keys = np.unique(low * n + high)
            low, high = keys // n, keys % n
            keys = np.concatenate([keys, high * n + low])
            keys.sort()
            return torch.from_numpy(np.stack([keys // n, keys % n], axis=0))

        def pyg_simple():  # what it calls now
            return to_simple_undirected(row_np, col_np, n)[0]

        assert torch.equal(numpy_simple(), pyg_simple())

        mask = row != col
        low, high = (
            torch.minimum(row[mask], col[mask]),
            torch.maximum(row[mask], col[mask]),
        )

        def unique_pairs():
            key = torch.unique(low * n + high)
            return torch.stack([key // n, key % n])

        def coalesce_pairs():
            return coalesce(torch.stack([low, high]), num_nodes=n)

        assert torch.equal(unique_pairs(), coalesce_pairs())

        key = torch.unique(low * n + high)
        gen = torch.Generator().manual_seed(0)
        member = {}
        for label, size in [
            ('1/4 of keys', key.numel() // 4),
            ('1,000', 1000),
        ]:
            query = torch.randint(n * n, (size,), generator=gen)

            def search(query=query):
                pos = torch.searchsorted(key, query).clamp_(
                    max=key.numel() - 1
                )
                return key[pos] == query

            assert torch.equal(search(), torch.isin(query, key))
            member[label] = dict(
                searchsorted=best_of(search, args.repeats),
                isin=best_of(
                    lambda query=query: torch.isin(query, key), args.repeats
                ),
            )
        src = key // n

        def bincount_ptr():
            ptr = torch.zeros(n + 1, dtype=torch.long)
            ptr[1:] = torch.bincount(src, minlength=n).cumsum(0)
            return ptr

        assert torch.equal(bincount_ptr(), index2ptr(src, n))
        result = dict(
            graph=spec,
            num_nodes=n,
            num_edges=edge_index.size(1),
            simple_numpy_unique=best_of(numpy_simple, args.repeats),
            simple_pyg=best_of(pyg_simple, args.repeats),
            pairs_torch_unique=best_of(unique_pairs, args.repeats),
            pairs_pyg_coalesce=best_of(coalesce_pairs, args.repeats),
            membership=member,
            ptr_bincount_cumsum=best_of(bincount_ptr, args.repeats),
            ptr_index2ptr=best_of(lambda: index2ptr(src, n), args.repeats),
        )
        rows.append(result)
        r = result
        print(
            f'{spec:18s} E={r["num_edges"]:>10,d}  canonical: numpy '
            f'{r["simple_numpy_unique"]:.4f} s, PyG {r["simple_pyg"]:.4f} s'
            f' | pairs: unique {r["pairs_torch_unique"]:.4f} s, coalesce '
            f'{r["pairs_pyg_coalesce"]:.4f} s | ptr: bincount '
            f'{r["ptr_bincount_cumsum"]:.5f} s, index2ptr '
            f'{r["ptr_index2ptr"]:.5f} s',
            flush=True,
        )
        for label, m in member.items():
            print(
                f'{"":18s} membership of {label:12s} queries: searchsorted '
                f'{m["searchsorted"]:.5f} s, isin {m["isin"]:.5f} s '
                f'({m["isin"] / m["searchsorted"]:.2f}x)',
                flush=True,
            )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--part',
        nargs='+',
        default=['choices', 'paths'],
        choices=['choices', 'paths'],
    )
    parser.add_argument(
        '--graphs', nargs='+', default=['AstroPh', 'synthetic:4e6']
    )
    parser.add_argument('--baseline', default=None, help='an older tree')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--rounds', type=int, default=2)
    parser.add_argument(
        '--out',
        default=osp.join(
            ROOT, 'benchmarks', 'results', 'sparse_plumbing.json'
        ),
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    out = dict(threads=1, torch=torch.__version__, np=np.__version__)
    if 'choices' in args.part:
        out['choices'] = part_choices(args)
    if 'paths' in args.part:
        out['paths'] = part_paths(args)
        out['baseline'] = args.baseline
    write_json(args.out, out)


if __name__ == '__main__':
    main()
