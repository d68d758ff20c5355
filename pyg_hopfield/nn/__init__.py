r"""Graph embedding modules."""

from .hebbian_propagation import HebbianPropagation
from .mhn_embedding import MHNEmbedding, MHNEpoch

__all__ = [
    'HebbianPropagation',
    'MHNEmbedding',
    'MHNEpoch',
]
