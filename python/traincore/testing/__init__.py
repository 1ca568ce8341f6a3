"""Plain numpy reference implementations of every kernel, and the checks built on them.

Public API: these are written independently of the C++ core, from the maths (each module's
docstring states it), and double as documentation of what the core computes. The tests compare
the core with them over float32 and float64, thread counts, sample weights and every ISA path.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from .. import _core
from .gradcheck import check_derivative, check_gradient, numerical_derivative, numerical_gradient
from .reference_losses import (
    LOSS_NAMES, reference_gradient, reference_hessian, reference_loss, reference_mean_loss,
)
from .reference_mlp import (
    reference_backward as reference_mlp_backward, reference_forward as reference_mlp_forward,
    reference_init as reference_mlp_init, reference_mlp_loss_and_gradient,
)
from .reference_optim import (
    ReferenceAdagrad, ReferenceAdam, ReferenceAdamW, ReferenceRMSprop, ReferenceSGD,
    reference_clip_grad_norm,
)
from .reference_schedules import SCHEDULE_KINDS, reference_lr
from .tolerances import TOLERANCES, assert_close, tolerance

__all__ = [
    "LOSS_NAMES", "reference_loss", "reference_gradient", "reference_hessian",
    "reference_mean_loss", "ReferenceSGD", "ReferenceAdam", "ReferenceAdamW", "ReferenceRMSprop",
    "ReferenceAdagrad", "reference_clip_grad_norm", "SCHEDULE_KINDS", "reference_lr",
    "numerical_derivative", "numerical_gradient", "check_derivative", "check_gradient",
    "TOLERANCES", "tolerance", "assert_close", "available_isas", "using_isa",
    "reference_mlp_forward", "reference_mlp_backward", "reference_mlp_init", "reference_mlp_loss_and_gradient",
]


def available_isas() -> list[str]:
    """The kernel instruction sets this CPU can run, lowest first."""
    return list(_core.supported_isas())


@contextlib.contextmanager
def using_isa(name: str) -> Iterator[None]:
    """Run the enclosed code on the kernels built for ``name`` (generic, avx2 or avx512), then
    switch back. For tests: not safe while other threads run kernels."""
    previous = _core.isa()
    _core._select_isa(name)
    try:
        yield
    finally:
        _core._select_isa(previous)
