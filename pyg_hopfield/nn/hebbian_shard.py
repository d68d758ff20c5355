r"""The node rows one process owns in a Hebbian propagation, and how it
exchanges them with the other processes (the one loop in
:mod:`pyg_hopfield.nn.hebbian_loop` runs the same arithmetic in one process
and sharded)."""

from torch import Tensor


class Shard:
    r"""The rows :obj:`[start, end)` of the :obj:`num_nodes` nodes that this
    process updates, and its two exchange hooks.  This base class is the
    single process: it owns every row, and both hooks are identities.
    :class:`pyg_hopfield.distributed.hebbian.ProcessGroupShard` implements
    them with :func:`torch.distributed.all_gather`.

    Every process receives the same full tensors from the hooks, so that it
    can run the dense :math:`O(md^2)` steps (QR, Rayleigh--Ritz, whitening)
    itself on identical inputs, and the global :math:`O(m)` vectors
    (degrees, component labels) are built by the same arithmetic in one
    process and in many.

    Args:
        num_nodes (int): The number :math:`m` of nodes of the whole graph.
        start (int, optional): The first row this process owns.
            (default: :obj:`0`)
        end (int, optional): One past the last row it owns.
            (default: :obj:`num_nodes`)
    """

    def __init__(self, num_nodes: int, start: int = 0, end: int | None = None):
        self.num_nodes = num_nodes
        self.start = start
        self.end = num_nodes if end is None else end

    @property
    def num_rows(self) -> int:
        return self.end - self.start

    @property
    def is_whole(self) -> bool:
        r"""Whether this process owns every row."""
        return self.start == 0 and self.end == self.num_nodes

    def rows(self, local: Tensor) -> Tensor:
        r"""Concatenates the rows :obj:`[start, end)` of every process
        (:obj:`local`, shape :obj:`[end - start, ...]`) into the rows of all
        :math:`m` nodes, in node order."""
        return local

    def gather(self, tensor: Tensor) -> list[Tensor]:
        r"""The :obj:`tensor` of every process (same shape everywhere), in
        rank order."""
        return [tensor]

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}({self.num_nodes}, '
            f'start={self.start}, end={self.end})'
        )
