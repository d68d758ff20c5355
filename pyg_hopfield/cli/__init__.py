r"""The ``pyg-hopfield`` console command: argument wiring over the library.

.. code-block:: console

    pyg-hopfield datasets
    pyg-hopfield info USAir
    pyg-hopfield embed --method hebbian --dataset USAir --dim 200 --seed 0 \
        --out emb.pt
    pyg-hopfield embed --method mhn --edges graph.txt --dim 2000 --out emb.pt
    pyg-hopfield evaluate --task link-auc --method hebbian --dataset USAir
    pyg-hopfield sweep --task reconstruction-map --method hebbian \
        --dataset GrQc --plot map.png
    pyg-hopfield reproduce hebbian-table6
    pyg-hopfield capacity --neurons 500 1000 --plot capacity.png

:mod:`~pyg_hopfield.cli.parser` holds the flags, :mod:`~.options` turns them
into keyword arguments of :mod:`pyg_hopfield.methods` and
:mod:`pyg_hopfield.protocols`, :mod:`~.commands` calls those. The library
(torch, torch_geometric, sklearn) is imported inside the commands, so
``--help`` and ``datasets`` start in a fraction of a second.
"""

import os
import sys

from pyg_hopfield.cli.parser import build_parser

__all__ = ['build_parser', 'main']


def exit_without_teardown(code: int) -> None:
    r"""Ends the console command with :obj:`code` once its output is
    flushed and the :mod:`atexit` handlers have run, skipping the
    interpreter's module teardown: after torch_geometric is imported,
    freeing its ~3,000 modules took 1.7-4 s on the project's 2-core machine
    (``benchmarks/bench_cli.py``), as long as embedding a million edges."""
    import atexit

    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()  # what a normal exit runs (pools, log files)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    r"""Runs the command line :obj:`argv` (default: :obj:`sys.argv`);
    returns 0, or 2 after printing a bad input's error."""
    if argv is None:  # the console command; Python callers pass argv
        exit_without_teardown(main(sys.argv[1:]))
    from pyg_hopfield.cli.commands import COMMANDS
    from pyg_hopfield.cli.options import check_arguments

    args = build_parser().parse_args(argv)
    try:
        check_arguments(args)
        COMMANDS[args.command](args)
    except (ValueError, OSError, RuntimeError) as error:
        print(f'pyg-hopfield {args.command}: error: {error}', file=sys.stderr)
        return 2
    return 0
