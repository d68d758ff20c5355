r"""Downstream evaluation of node embeddings (scikit-learn underneath, or
PyTorch for the one-vs-rest logistic regression)."""

from .hit_rate import hit_rate_at_k
from .link_prediction import (
    jaccard_auc,
    jaccard_coefficient,
    link_prediction_auc,
)
from .logistic_regression import fit_one_vs_rest
from .mean_average_precision import link_prediction_map, reconstruction_map
from .node_classification import node_classification
from .recommender import item_recommender_hit_rate, item_scoring

__all__ = [
    'fit_one_vs_rest',
    'hit_rate_at_k',
    'item_recommender_hit_rate',
    'item_scoring',
    'jaccard_auc',
    'jaccard_coefficient',
    'link_prediction_auc',
    'link_prediction_map',
    'node_classification',
    'reconstruction_map',
]
