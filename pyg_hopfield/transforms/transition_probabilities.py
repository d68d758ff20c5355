import torch
from torch_geometric.data import Data
from torch_geometric.data.datapipes import functional_transform
from torch_geometric.transforms import BaseTransform

from pyg_hopfield.utils.checks import check_edge_index
from pyg_hopfield.utils.transition import transition_probabilities, unit_weight


@functional_transform('transition_probabilities')
class TransitionProbabilities(BaseTransform):
    r"""Replaces :obj:`edge_weight` by the random-walk transition
    probabilities of the graph (functional name:
    :obj:`transition_probabilities`), as used by the `"Hebbian Graph
    Embeddings" <https://arxiv.org/abs/1908.08037>`_ paper:

    .. math::
        p_{ij} = \frac{w_{ij}}{\sum_{k \in \mathcal{N}(i)} w_{ik}}

    where :math:`w_{ij}` is the weight of edge :math:`(i, j)` (:obj:`1` if
    :obj:`edge_weight` is absent) and the sum runs over the out-edges of
    :math:`i` (:obj:`edge_index[0] == i`), so each node's out-going
    probabilities sum to :obj:`1`. Directed and weighted graphs are
    respected: for an undirected graph listed in both directions
    :math:`p_{ij} \neq p_{ji}` in general, which is the "weighted,
    asymmetric" graph the paper propagates on.

    .. code-block:: python

        from pyg_hopfield.transforms import TransitionProbabilities

        data = TransitionProbabilities()(data)
        data.edge_weight  # sums to 1 over each node's out-edges
    """

    def forward(self, data: Data) -> Data:
        num_nodes = check_edge_index(
            data.edge_index, data.num_nodes, data.get('edge_weight')
        )
        weight = unit_weight(data.edge_index, data.get('edge_weight'))
        prob = transition_probabilities(data.edge_index, weight, num_nodes)
        if not bool(torch.isfinite(prob).all()):
            raise ValueError(
                "'edge_weight' sums to zero over the out-edges "
                'of some node, so its transition '
                'probabilities are undefined; drop zero-weight '
                'edges first'
            )
        data.edge_weight = prob
        return data
