r"""Named settings of :class:`~pyg_hopfield.nn.HebbianPropagation`: data
that override its ``__init__`` defaults (the one source of defaults)."""

from typing import Any

#: The settings behind :meth:`HebbianPropagation.from_preset` and the CLI's
#: ``--preset``.
HEBBIAN_PRESETS: dict[str, dict[str, Any]] = {
    # The default: Chebyshev-accelerated orthogonal propagation.
    'orthogonal': dict(),
    # The paper's literal reading (the defaults before 0.2).
    'paper': dict(
        num_iterations=10,
        orthogonalize=False,
        lr=1.0,
        variance=10.0,
        variance_decay=1.1,
        negative_weight=0.5,
        num_negative_samples=1,
        gaussian='sample',
        transition='row',
        normalize=False,
        whiten=False,
    ),
}
# The paper's propagation with symmetric transitions, no negatives and
# unit-norm output (best MAP / AUC of the paper's update).
HEBBIAN_PRESETS['improved'] = dict(
    HEBBIAN_PRESETS['paper'],
    negative_weight=0.0,
    transition='sym',
    normalize=True,
)
# The paper's update turned into whitened power iteration (Cleora-like).
HEBBIAN_PRESETS['classification'] = dict(
    HEBBIAN_PRESETS['paper'],
    num_iterations=13,
    lr=1e4,
    negative_weight=0.0,
    transition='sym',
    gaussian='none',
    normalize='iteration',
    whiten='iteration',
)


def preset_settings(name: str) -> dict[str, Any]:
    r"""A copy of the keyword arguments of preset :obj:`name`."""
    if name not in HEBBIAN_PRESETS:
        raise ValueError(
            f"'preset' must be one of {sorted(HEBBIAN_PRESETS)} (got {name!r})"
        )
    return dict(HEBBIAN_PRESETS[name])
