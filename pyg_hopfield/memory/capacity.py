r"""The storage capacity of the classic Hopfield network, measured: the
retrieval overlap against the load :math:`\alpha = P/N` (Amit, Gutfreund and
Sompolinsky: retrieval breaks down near :math:`\alpha_c \approx 0.138`)."""

from collections.abc import Sequence
from typing import Any

import torch

from pyg_hopfield.memory.hopfield_network import HopfieldNetwork
from pyg_hopfield.utils.checks import check_seed


def retrieval_capacity(
    neurons: Sequence[int] = (500, 1000),
    alphas: Sequence[float] = (0.05, 0.1, 0.12, 0.14, 0.16, 0.2),
    num_probes: int = 32,
    mode: str = 'async',
    seed: int = 0,
    progress: bool = True,
) -> list[dict[str, Any]]:
    r"""For every network size :math:`N` in :obj:`neurons` and load
    :math:`\alpha` in :obj:`alphas`, stores :math:`P = \mathrm{round}(\alpha
    N)` random :math:`\pm 1` patterns with the Hebbian rule, starts the
    dynamics (:obj:`mode`) from :obj:`num_probes` of them and reports the
    mean overlap :math:`m = \frac{1}{N} \mathbf{s}^{\top} \boldsymbol{\xi}`
    of the fixed point with its pattern, and the fraction retrieved
    (:math:`m > 0.9`)."""
    from tqdm import tqdm

    generator = torch.Generator().manual_seed(check_seed(seed))
    rows = []
    points = [(n, a) for n in neurons for a in alphas]
    for num_neurons, alpha in tqdm(
        points, desc='capacity', unit='point', disable=not progress
    ):
        if not 0.0 < alpha <= 1.0 or num_neurons < 2:
            raise ValueError(
                f"'--alphas' must lie in (0, 1] and '--neurons' be >= 2 "
                f"(arguments 'alphas', 'neurons'), got alpha={alpha}, "
                f'N={num_neurons}'
            )
        num_patterns = max(1, round(alpha * num_neurons))
        bits = torch.randint(
            0, 2, (num_patterns, num_neurons), generator=generator
        )
        patterns = 2.0 * bits - 1.0
        net = HopfieldNetwork(num_neurons)
        net.store(patterns)
        probes = patterns[:num_probes]
        fixed = net.retrieve(probes, mode=mode, generator=generator)
        overlap = (fixed.float() * probes).sum(dim=1) / num_neurons
        rows.append(
            {
                'N': num_neurons,
                'alpha': alpha,
                'P': num_patterns,
                'overlap': float(overlap.mean()),
                'retrieved': float((overlap > 0.9).float().mean()),
            }
        )
    return rows
