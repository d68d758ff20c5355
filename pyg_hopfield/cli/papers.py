r"""The commands that re-run the papers' experiments: ``capacity`` (the
classic Hopfield network's overlap against the load) and ``reproduce`` (a
paper table, ours beside theirs)."""

import argparse

from pyg_hopfield.cli.output import print_table, write_json

#: The printed tables: (key, alignment and width, number format).
CAPACITY_COLUMNS = [
    ('N', '>6', ''),
    ('alpha', '>8', '.3f'),
    ('overlap', '>9', '.3f'),
    ('retrieved', '>11', '.3f'),
]
REPRODUCE_COLUMNS = [
    ('dataset', '<14', ''),
    ('paper', '>10', '.3f'),
    ('ours', '>10', '.3f'),
    ('seconds', '>10', '.1f'),
]


def cmd_capacity(args: argparse.Namespace) -> None:
    from pyg_hopfield.memory import retrieval_capacity

    rows = retrieval_capacity(
        args.neurons, args.alphas, args.probes, args.mode, args.seed
    )
    print_table(rows, CAPACITY_COLUMNS)
    if args.json:
        write_json(args.json, dict(mode=args.mode, seed=args.seed, rows=rows))
    if args.plot:
        from pyg_hopfield.plot import capacity_curve

        capacity_curve(rows, args.plot)
        print(f'overlap vs alpha -> {args.plot}')


def cmd_reproduce(args: argparse.Namespace) -> None:
    from pyg_hopfield import protocols
    from pyg_hopfield.paper_tables import PAPER_TABLES

    table = PAPER_TABLES[args.table]
    print(f'{args.table}: {table["title"]}')
    print(f'protocol: {table["protocol"]}')
    rows = protocols.reproduce(
        args.table,
        datasets=args.datasets,
        root=args.root,
        seed=args.seed,
        device=args.device,
    )
    print()
    print_table(rows, REPRODUCE_COLUMNS)
    if args.json:
        write_json(
            args.json, dict(table=args.table, seed=args.seed, rows=rows)
        )
