r"""Binary associative memories: the classic Hopfield network and the
random-feature Hopfield model."""

from pyg_hopfield.memory import functional
from pyg_hopfield.memory.capacity import retrieval_capacity
from pyg_hopfield.memory.hopfield_network import HopfieldNetwork
from pyg_hopfield.memory.random_feature_hopfield import RandomFeatureHopfield

__all__ = [
    'HopfieldNetwork',
    'RandomFeatureHopfield',
    'functional',
    'retrieval_capacity',
]
