"""Are torch-scatter / torch-sparse faster than what pyg_hopfield uses?
(issue 16, item 9).  In one run, on the same graphs and threads:

- SpMM, the propagation step: ``torch.sparse.mm`` over a CSR tensor (what
  HebbianPropagation and KHopContext use) against ``torch_sparse.matmul``
  over a ``SparseTensor`` (what PyG routes to when torch-sparse is
  installed);
- scatter-sum, the aggregation of edge values per node: ``Tensor.index_add_``
  / ``torch_geometric.utils.scatter`` against ``torch_scatter.scatter``.

    pip install --no-build-isolation torch-scatter torch-sparse
    python benchmarks/bench_sparse_backends.py

Writes benchmarks/results/sparse_backends.json. Not a timed test.
"""

import argparse
import os.path as osp

import torch

from _common import best_of, graph, write_json


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--graphs', nargs='+', default=['BlogCatalog', 'synthetic:1e7']
    )
    parser.add_argument('--dim', type=int, default=128)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument(
        '--out',
        default=osp.join(
            osp.dirname(__file__), 'results', 'sparse_backends.json'
        ),
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    import torch_scatter
    import torch_sparse
    from torch_geometric.utils import scatter, to_torch_csr_tensor

    rows = []
    for name in args.graphs:
        edge_index, num_nodes = graph(name)
        value = torch.rand(edge_index.size(1))
        x = torch.randn(num_nodes, args.dim)
        csr = to_torch_csr_tensor(
            edge_index.flip(0), value, (num_nodes, num_nodes)
        )
        sparse = torch_sparse.SparseTensor(
            row=edge_index[1],
            col=edge_index[0],
            value=value,
            sparse_sizes=(num_nodes, num_nodes),
        )
        assert torch.allclose(
            csr @ x, torch_sparse.matmul(sparse, x), atol=1e-3, rtol=1e-4
        )
        index = edge_index[1]
        out = torch.zeros(num_nodes)
        result = dict(
            graph=name,
            num_nodes=num_nodes,
            nnz=edge_index.size(1),
            spmm_torch_csr=best_of(lambda: csr @ x, args.repeats),
            spmm_torch_sparse=best_of(
                lambda: torch_sparse.matmul(sparse, x), args.repeats
            ),
            scatter_index_add=best_of(
                lambda: out.zero_().index_add_(0, index, value), args.repeats
            ),
            scatter_pyg=best_of(
                lambda: scatter(
                    value, index, 0, dim_size=num_nodes, reduce='sum'
                ),
                args.repeats,
            ),
            scatter_torch_scatter=best_of(
                lambda: torch_scatter.scatter(
                    value, index, 0, dim_size=num_nodes, reduce='sum'
                ),
                args.repeats,
            ),
        )
        rows.append(result)
        print(
            f'{name:14s} nnz {result["nnz"]:>11,d}  SpMM torch CSR '
            f'{result["spmm_torch_csr"]:.4f} s, torch_sparse '
            f'{result["spmm_torch_sparse"]:.4f} s '
            f'({result["spmm_torch_sparse"] / result["spmm_torch_csr"]:.2f}'
            f'x);  scatter index_add_ {result["scatter_index_add"]:.4f} '
            f's, PyG {result["scatter_pyg"]:.4f} s, torch_scatter '
            f'{result["scatter_torch_scatter"]:.4f} s',
            flush=True,
        )
    write_json(
        args.out,
        dict(
            dim=args.dim,
            threads=args.threads,
            versions=dict(
                torch=torch.__version__,
                torch_scatter=torch_scatter.__version__,
                torch_sparse=torch_sparse.__version__,
            ),
            rows=rows,
        ),
    )


if __name__ == '__main__':
    main()
