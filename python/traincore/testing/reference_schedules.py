"""Closed-form reference learning-rate schedules.

:func:`reference_lr` returns the learning rate after ``t`` scheduler steps
(``t = 0`` is the initial value), matching ``torch.optim.lr_scheduler``
(https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate):

=================  =====================================  ================================================
kind               parameters                             lr(t)
=================  =====================================  ================================================
constant           --                                     lr0
step               step_size, gamma=0.1                   lr0 gamma^floor(t / step_size)       (StepLR)
exponential        gamma                                  lr0 gamma^t                   (ExponentialLR)
inverse_scaling    power_t=0.5                            lr0 / (t + 1)^power_t  (sklearn invscaling)
cosine             T_max, eta_min=0.0                     eta_min + (lr0 - eta_min)
                                                          (1 + cos(pi t / T_max)) / 2
                                                          (CosineAnnealingLR closed form, no clamping)
linear             start_factor=1/3, end_factor=1.0,      lr0 (f0 + (f1 - f0) min(t, T) / T)
                   total_iters=5                          (LinearLR; f0, f1 the factors, T total_iters)
=================  =====================================  ================================================

Linear warm-up (every kind): with ``W = warmup_steps > 0`` and
``f = warmup_start_factor``, ``lr(t) = lr0 (f + (1 - f) t / W)`` for
``t < W`` and ``lr(t) = main(t - W)`` afterwards; this equals
``SequentialLR([LinearLR(opt, f, 1.0, W), main], milestones=[W])``.
"""

from __future__ import annotations

import math
from typing import Callable, Dict, Tuple

__all__ = ["SCHEDULE_KINDS", "reference_lr"]


def _constant(base_lr: float, t: int) -> float:
    """lr(t) = lr0."""
    return base_lr


def _step(base_lr: float, t: int, step_size: int, gamma: float = 0.1) -> float:
    """lr(t) = lr0 gamma^floor(t / step_size)."""
    return base_lr * float(gamma) ** (t // int(step_size))


def _exponential(base_lr: float, t: int, gamma: float) -> float:
    """lr(t) = lr0 gamma^t."""
    return base_lr * float(gamma) ** t


def _inverse_scaling(base_lr: float, t: int, power_t: float = 0.5) -> float:
    """lr(t) = lr0 / (t + 1)^power_t."""
    return base_lr / float(t + 1) ** float(power_t)


def _cosine(base_lr: float, t: int, T_max: int, eta_min: float = 0.0) -> float:
    """lr(t) = eta_min + (lr0 - eta_min) (1 + cos(pi t / T_max)) / 2."""
    eta_min = float(eta_min)
    return eta_min + (base_lr - eta_min) * (1.0 + math.cos(math.pi * t / T_max)) / 2.0


def _linear(base_lr: float, t: int, start_factor: float = 1.0 / 3.0,
            end_factor: float = 1.0, total_iters: int = 5) -> float:
    """lr(t) = lr0 (f0 + (f1 - f0) min(t, T) / T)."""
    f0, f1 = float(start_factor), float(end_factor)
    return base_lr * (f0 + (f1 - f0) * min(t, total_iters) / total_iters)


_SCHEDULES: Dict[str, Callable[..., float]] = {
    "constant": _constant,
    "step": _step,
    "exponential": _exponential,
    "inverse_scaling": _inverse_scaling,
    "cosine": _cosine,
    "linear": _linear,
}

#: Schedule kinds accepted by :func:`reference_lr`.
SCHEDULE_KINDS: Tuple[str, ...] = tuple(_SCHEDULES)


def reference_lr(kind: str, base_lr: float, t: int, *, warmup_steps: int = 0,
                 warmup_start_factor: float = 1.0 / 3.0, **params) -> float:
    """Learning rate after ``t`` scheduler steps.

    Parameters
    ----------
    kind : str
        One of :data:`SCHEDULE_KINDS`.
    base_lr : float
        Initial learning rate ``lr0``.
    t : int
        Number of scheduler steps taken (``t >= 0``).
    warmup_steps : int, default 0
        Length ``W`` of the linear warm-up.
    warmup_start_factor : float, default 1/3
        Warm-up factor ``f`` at ``t = 0``.
    **params
        Parameters of the schedule kind (see the module docstring).

    Returns
    -------
    float
        ``lr0 (f + (1 - f) t / W)`` if ``t < W``, else the kind's formula at
        ``t - W``.

    Raises
    ------
    ValueError
        If ``kind`` is unknown or ``t`` is negative.
    """
    try:
        fn = _SCHEDULES[kind]
    except KeyError:
        raise ValueError(f"unknown schedule {kind!r}; expected one of {SCHEDULE_KINDS}") from None
    t = int(t)
    if t < 0:
        raise ValueError(f"t must be non-negative, got {t}")
    base_lr = float(base_lr)
    warmup_steps = int(warmup_steps)
    if warmup_steps > 0 and t < warmup_steps:
        f = float(warmup_start_factor)
        return base_lr * (f + (1.0 - f) * t / warmup_steps)
    return float(fn(base_lr, t - max(warmup_steps, 0), **params))
