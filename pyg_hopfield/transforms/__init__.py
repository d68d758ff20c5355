r"""Graph transforms (:class:`torch_geometric.transforms.BaseTransform`)."""

from .khop_context import KHopContext
from .transition_probabilities import TransitionProbabilities

__all__ = [
    'KHopContext',
    'TransitionProbabilities',
]
