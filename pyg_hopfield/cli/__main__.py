r"""``python -m pyg_hopfield.cli``: the ``pyg-hopfield`` command."""

from pyg_hopfield.cli import main

if __name__ == '__main__':
    main()
