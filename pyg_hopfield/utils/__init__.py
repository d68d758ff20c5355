r"""Graph checks, edge-list reading and the papers' link-split protocols."""
from .checks import (
    check_edge_index,
    check_edge_weight,
    check_int,
    check_seed,
)
from .edge_list import read_edge_list, read_histories
from .link_split import (
    unique_undirected_pairs,
    sample_negative_pairs,
    gem_link_split,
    seal_link_split,
    mhn_link_split,
)

__all__ = [
    'check_edge_index',
    'check_edge_weight',
    'check_int',
    'check_seed',
    'read_edge_list',
    'read_histories',
    'unique_undirected_pairs',
    'sample_negative_pairs',
    'gem_link_split',
    'seal_link_split',
    'mhn_link_split',
]
