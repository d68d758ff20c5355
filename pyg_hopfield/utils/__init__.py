r"""Graph checks, edge-list reading and the papers' link-split protocols."""

from .atomic import atomic_path, atomic_write, save_atomic
from .checks import (
    check_edge_index,
    check_edge_weight,
    check_finite,
    check_float,
    check_int,
    check_seed,
)
from .co_interaction import co_interaction_graph
from .edge_list import read_edge_list, read_histories
from .graph_input import is_dgl_graph, to_edge_index
from .link_split import (
    gem_link_split,
    mhn_link_split,
    sample_negative_pairs,
    seal_link_split,
    unique_undirected_pairs,
)
from .memory import available_memory, check_memory, estimate_embedding_memory
from .user_split import held_out_user_split, user_histories

__all__ = [
    'check_edge_index',
    'check_edge_weight',
    'check_finite',
    'check_float',
    'check_int',
    'check_seed',
    'atomic_path',
    'atomic_write',
    'save_atomic',
    'is_dgl_graph',
    'to_edge_index',
    'available_memory',
    'estimate_embedding_memory',
    'check_memory',
    'read_edge_list',
    'read_histories',
    'unique_undirected_pairs',
    'sample_negative_pairs',
    'gem_link_split',
    'seal_link_split',
    'mhn_link_split',
    'co_interaction_graph',
    'held_out_user_split',
    'user_histories',
]
