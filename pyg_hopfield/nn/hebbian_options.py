r"""The settings of :class:`~pyg_hopfield.nn.HebbianPropagation`: their
defaults (the one source of them) and their validation (the one place),
shared by the module, its functional form
:func:`~pyg_hopfield.nn.hebbian_functional.hebbian_propagation` and the
sharded :func:`pyg_hopfield.distributed.hebbian_propagation`."""

import dataclasses
from dataclasses import dataclass
from typing import Any

from pyg_hopfield.utils.checks import check_float, check_int

GAUSSIAN_MODES = ('sample', 'kernel', 'none')
TRANSITIONS = ('row', 'sym')
NORMALIZE_MODES = (False, True, 'output', 'iteration')
WHITEN_MODES = (False, True, 'output', 'iteration')
DEGREE_DIRECTION_MODES = ('auto', True, False)

#: The average degree :math:`|\mathcal{E}| / m` from which the ``'auto'``
#: rules count a graph as dense: ``degree_direction='auto'`` keeps the
#: degree direction of the largest component (chosen on the training edges
#: of USAir, PB, C.elegans, Power and GrQc; see the Hebbian results page)
#: and ``num_iterations='auto'`` takes :data:`DENSE_NUM_ITERATIONS`.
DEGREE_DIRECTION_MIN_AVG_DEGREE = 10.0

#: ``num_iterations='auto'``: propagation steps on dense graphs (fast
#: mixing: three Chebyshev rounds) and on sparser graphs (long diameters
#: converge slowly; Power gains 0.04 AUC from 40 to 80 steps).
DENSE_NUM_ITERATIONS = 24
SPARSE_NUM_ITERATIONS = 80


def check_mode(name: str, value, modes) -> None:
    # `is` for the booleans: 1 == True must not pass as a mode.
    if not any(
        value is m or (isinstance(m, str) and value == m) for m in modes
    ):
        raise ValueError(f"'{name}' must be one of {modes} (got {value!r})")


@dataclass(frozen=True)
class HebbianOptions:
    r"""The hyper-parameters of :class:`~pyg_hopfield.nn.HebbianPropagation`
    (see there), validated on construction: a bad value raises one
    :class:`ValueError` naming the argument."""

    num_iterations: int | str = 'auto'
    orthogonalize: bool = True
    degree_direction: bool | str = 'auto'
    eigenvalue_exponent: float = 1.0
    filter_degree: int = 8
    lr: float = 1.0
    variance: float = 10.0
    variance_decay: float = 1.1
    negative_weight: float = 0.0
    num_negative_samples: int = 1
    gaussian: str = 'none'
    transition: str = 'sym'
    normalize: bool | str = False
    whiten: bool | str = False

    def __post_init__(self):
        if self.num_iterations != 'auto' or not self.orthogonalize:
            check_int(self.num_iterations, 'num_iterations', minimum=0)
        check_int(self.filter_degree, 'filter_degree')
        check_int(self.num_negative_samples, 'num_negative_samples', 0)
        for name in ('lr', 'variance', 'variance_decay'):
            check_float(getattr(self, name), name, minimum=0.0, strict=True)
        check_float(self.negative_weight, 'negative_weight', minimum=0.0)
        check_float(self.eigenvalue_exponent, 'eigenvalue_exponent', 0.0)
        check_mode('gaussian', self.gaussian, GAUSSIAN_MODES)
        check_mode('transition', self.transition, TRANSITIONS)
        check_mode('normalize', self.normalize, NORMALIZE_MODES)
        check_mode('whiten', self.whiten, WHITEN_MODES)
        check_mode(
            'degree_direction', self.degree_direction, DEGREE_DIRECTION_MODES
        )
        if self.orthogonalize:
            self._check_orthogonal()
        for name in (
            'eigenvalue_exponent',
            'lr',
            'variance',
            'variance_decay',
            'negative_weight',
        ):
            object.__setattr__(self, name, float(getattr(self, name)))
        object.__setattr__(self, 'orthogonalize', bool(self.orthogonalize))

    def _check_orthogonal(self) -> None:
        for name, neutral in (
            ('negative_weight', 0.0),
            ('gaussian', 'none'),
            ('transition', 'sym'),
        ):
            value = getattr(self, name)
            if value != neutral:
                raise ValueError(
                    f"'{name}={value!r}' belongs to the paper's propagation, "
                    f'not to the orthogonal one (orthogonalize=True needs '
                    f'{name}={neutral!r}); pass orthogonalize=False, or use '
                    f"HebbianPropagation.from_preset('paper', ...)"
                )
        for name in ('normalize', 'whiten'):
            if getattr(self, name) == 'iteration':
                raise ValueError(
                    f"'{name}='iteration'' would undo the orthonormal "
                    f'columns of orthogonalize=True; use {name}=True (the '
                    f'output) or orthogonalize=False'
                )

    def changed(self) -> dict[str, Any]:
        r"""The settings that differ from the defaults, in field order."""
        return {
            field.name: getattr(self, field.name)
            for field in dataclasses.fields(self)
            if getattr(self, field.name) != field.default
        }

    def is_dense(self, num_edges: int, num_nodes: int) -> bool:
        r"""The one graph statistic behind both ``'auto'`` rules: whether
        the average degree :math:`|\mathcal{E}| / m` reaches
        :data:`DEGREE_DIRECTION_MIN_AVG_DEGREE`."""
        average_degree = num_edges / max(num_nodes, 1)
        return average_degree >= DEGREE_DIRECTION_MIN_AVG_DEGREE

    def iterations_for(self, num_edges: int, num_nodes: int) -> int:
        r""":obj:`num_iterations`, or with :obj:`'auto'`
        :data:`DENSE_NUM_ITERATIONS` on dense graphs and
        :data:`SPARSE_NUM_ITERATIONS` otherwise."""
        if self.num_iterations != 'auto':
            return self.num_iterations
        if self.is_dense(num_edges, num_nodes):
            return DENSE_NUM_ITERATIONS
        return SPARSE_NUM_ITERATIONS

    def keeps_degree_direction(self, num_edges: int, num_nodes: int) -> bool:
        r""":obj:`degree_direction`, or with :obj:`'auto'` whether the graph
        is dense."""
        if self.degree_direction != 'auto':
            return bool(self.degree_direction)
        return self.is_dense(num_edges, num_nodes)


#: The defaults of every entry point.
DEFAULTS = HebbianOptions()


def check_arguments(
    num_nodes: int, embedding_dim: int, **options
) -> HebbianOptions:
    r"""Validates the arguments every entry point shares and returns the
    options (unknown names raise a :class:`ValueError`, not a
    :class:`TypeError`)."""
    check_int(num_nodes, 'num_nodes')
    check_int(embedding_dim, 'embedding_dim')
    names = {field.name for field in dataclasses.fields(HebbianOptions)}
    unknown = sorted(set(options) - names)
    if unknown:
        raise ValueError(
            f'unknown Hebbian option(s) {unknown}; the options are '
            f'{sorted(names)}'
        )
    return HebbianOptions(**options)
