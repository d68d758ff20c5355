r"""Graph embedding modules."""
from .hebbian_propagation import HebbianPropagation
from .mhn_embedding import MHNEmbedding

__all__ = [
    'HebbianPropagation',
    'MHNEmbedding',
]
