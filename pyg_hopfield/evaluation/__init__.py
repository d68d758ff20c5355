r"""Downstream evaluation of node embeddings (scikit-learn underneath)."""

from .hit_rate import hit_rate_at_k
from .link_prediction import (
    jaccard_auc,
    jaccard_coefficient,
    link_prediction_auc,
)
from .mean_average_precision import link_prediction_map, reconstruction_map
from .node_classification import node_classification

__all__ = [
    'hit_rate_at_k',
    'jaccard_auc',
    'jaccard_coefficient',
    'link_prediction_auc',
    'link_prediction_map',
    'node_classification',
    'reconstruction_map',
]
