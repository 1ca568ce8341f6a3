"""Plain-numpy reference implementations of the traincore loss functions.

These functions are written from the mathematical definitions only and serve
as an independent oracle for the C++ kernels.  Everything is computed in
float64.

Notation
--------
``y`` is the target, ``z`` the raw prediction (``raw``), ``r = z - y`` the
residual, ``s = 2y - 1`` the signed label of a binary target ``y in {0, 1}``
and ``sigma(z) = 1 / (1 + exp(-z))`` the logistic sigmoid.  For every loss the
module provides the per-sample value ``L(y, z)``, its first derivative
``dL/dz`` ("gradient") and its second derivative ``d2L/dz2`` ("hessian").
At kinks (e.g. ``r = 0`` for the absolute error) a fixed sub-gradient is used,
as stated in each docstring.

======================  ==================================  =======================  ================
name                    loss L(y, z)                        dL/dz                    d2L/dz2
======================  ==================================  =======================  ================
squared_error           r^2 / 2                             r                        1
absolute_error          |r|                                 sign(r)                  0
huber (Huber 1964)      r^2/2 if |r| <= d                   clip(r, -d, d)           [|r| <= d]
                        else d (|r| - d/2)
quantile (pinball)      a (y-z) if y >= z                   -a if y > z else 1 - a   0
                        else (a-1)(y-z)
poisson                 exp(z) - y z                        exp(z) - y               exp(z)
binary_log_loss         log(1 + exp(z)) - y z               sigma(z) - y             sigma (1 - sigma)
multinomial_log_loss    logsumexp(z) - z[y]                 softmax(z) - onehot(y)   p (1 - p) (diag)
hinge                   max(0, 1 - s z)                     -s [s z < 1]             0
squared_hinge           max(0, 1 - s z)^2                   -2 s max(0, 1 - s z)     2 [s z < 1]
epsilon_insensitive     max(0, |r| - eps)                   sign(r) [|r| > eps]      0
======================  ==================================  =======================  ================

When ``sample_weight`` ``w`` is given, every per-sample value (loss, gradient
and hessian) is multiplied by ``w``; for the multinomial loss ``w`` of shape
``(n,)`` multiplies whole rows of the ``(n, K)`` gradient and hessian.

Numerical stability: the log-losses use ``log1p(exp(-|z|))``, a sigmoid that
only ever exponentiates non-positive numbers, and a max-shifted log-sum-exp,
so that values stay finite and accurate for ``|z|`` up to 1e4.  The Poisson
loss overflows to ``inf`` for ``z > ~709``; that is the correct float64 value
and is returned without a warning.

References
----------
P. J. Huber, "Robust Estimation of a Location Parameter", Annals of
Mathematical Statistics 35(1), 1964.
"""

from __future__ import annotations

import math
from typing import Callable, Tuple

import numpy as np

__all__ = [
    "LOSS_NAMES",
    "reference_loss",
    "reference_gradient",
    "reference_hessian",
    "reference_mean_loss",
]

_Triple = Tuple[np.ndarray, np.ndarray, np.ndarray]


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def _sigmoid(z: np.ndarray) -> np.ndarray:
    """Stable logistic sigmoid ``1 / (1 + exp(-z))``.

    Uses ``e = exp(-|z|) <= 1``: ``sigma(z) = 1/(1+e)`` for ``z >= 0`` and
    ``e/(1+e)`` for ``z < 0``, so ``exp`` never overflows.
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# ---------------------------------------------------------------------------
# per-loss triples (loss, gradient, hessian); y, z are float64 arrays
# ---------------------------------------------------------------------------

def _squared_error(y: np.ndarray, z: np.ndarray) -> _Triple:
    """L = r^2 / 2,  dL/dz = r,  d2L/dz2 = 1,  with r = z - y."""
    r = z - y
    return 0.5 * r * r, r, np.ones_like(r)


def _absolute_error(y: np.ndarray, z: np.ndarray) -> _Triple:
    """L = |r|,  dL/dz = sign(r) (0 at r = 0),  d2L/dz2 = 0."""
    r = z - y
    return np.abs(r), np.sign(r), np.zeros_like(r)


def _huber(y: np.ndarray, z: np.ndarray, delta: float = 1.0) -> _Triple:
    """Huber (1964) loss with threshold ``delta`` (d).

    L = r^2/2 if |r| <= d else d (|r| - d/2);
    dL/dz = r if |r| <= d else d sign(r);
    d2L/dz2 = 1 if |r| <= d else 0.
    """
    d = float(delta)
    r = z - y
    a = np.abs(r)
    inner = a <= d
    loss = np.where(inner, 0.5 * r * r, d * (a - 0.5 * d))
    grad = np.where(inner, r, d * np.sign(r))
    hess = np.where(inner, 1.0, 0.0)
    return loss, grad, hess


def _quantile(y: np.ndarray, z: np.ndarray, alpha: float = 0.5) -> _Triple:
    """Pinball loss for quantile level ``alpha`` (a), with d = y - z.

    L = a d if d >= 0 else (a - 1) d;
    dL/dz = -a if y > z else 1 - a;
    d2L/dz2 = 0.
    """
    a = float(alpha)
    d = y - z
    loss = np.where(d >= 0, a * d, (a - 1.0) * d)
    grad = np.where(y > z, -a, 1.0 - a)
    return loss, grad, np.zeros_like(d)


def _poisson(y: np.ndarray, z: np.ndarray) -> _Triple:
    """Poisson deviance-style loss with log link (constant terms dropped).

    L = exp(z) - y z,  dL/dz = exp(z) - y,  d2L/dz2 = exp(z).
    ``exp(z)`` is ``inf`` for z > ~709.78, which is the true float64 value.
    """
    with np.errstate(over="ignore"):
        ez = np.exp(z)
        return ez - y * z, ez - y, ez


def _binary_log_loss(y: np.ndarray, z: np.ndarray) -> _Triple:
    """Logistic loss on the logit z, y in {0, 1}.

    L = log(1 + exp(z)) - y z = (max(z, 0) - y z) + log1p(exp(-|z|))
    (the bracket is exact for y in {0, 1}, so tiny losses keep full precision);
    dL/dz = sigma(z) - y;
    d2L/dz2 = sigma(z) (1 - sigma(z)) = sigma(z) sigma(-z).
    """
    loss = (np.maximum(z, 0.0) - y * z) + np.log1p(np.exp(-np.abs(z)))
    p = _sigmoid(z)
    return loss, p - y, p * _sigmoid(-z)


def _multinomial_log_loss(y: np.ndarray, z: np.ndarray) -> _Triple:
    """Softmax cross-entropy; z has shape (n, K), y holds class indices.

    With m = max_k z_k attained at k = j, and p = softmax(z):
    L = logsumexp(z) - z_y = log1p(sum_{k != j} exp(z_k - m)) - (z_y - m);
    dL/dz_k = p_k - [k = y];
    d2L/dz_k^2 = p_k (1 - p_k)  (diagonal of the Hessian).
    """
    if z.ndim != 2:
        raise ValueError(f"multinomial_log_loss needs raw of shape (n, K), got {z.shape}")
    n, k = z.shape
    if y.shape != (n,):
        raise ValueError(f"multinomial_log_loss needs y of shape ({n},), got {y.shape}")
    if not np.all((y == np.floor(y)) & (y >= 0) & (y < k)):
        raise ValueError(f"multinomial_log_loss needs integer class indices in [0, {k})")
    cls = y.astype(np.intp)
    rows = np.arange(n)
    top = np.argmax(z, axis=1)
    shifted = z - z[rows, top][:, None]          # z_k - m <= 0, exactly 0 at k = top
    e = np.exp(shifted)
    e[rows, top] = 0.0
    rest = e.sum(axis=1)                         # sum_{k != top} exp(z_k - m)
    loss = np.log1p(rest) - shifted[rows, cls]   # log(1 + rest) keeps tiny losses accurate
    e[rows, top] = 1.0
    p = e / (1.0 + rest)[:, None]
    grad = p.copy()
    grad[rows, cls] -= 1.0
    return loss, grad, p * (1.0 - p)


def _hinge(y: np.ndarray, z: np.ndarray) -> _Triple:
    """Hinge loss, s = 2y - 1 for y in {0, 1}.

    L = max(0, 1 - s z),  dL/dz = -s if s z < 1 else 0,  d2L/dz2 = 0.
    """
    s = 2.0 * y - 1.0
    sz = s * z
    loss = np.maximum(0.0, 1.0 - sz)
    grad = np.where(sz < 1.0, -s, 0.0)
    return loss, grad, np.zeros_like(sz)


def _squared_hinge(y: np.ndarray, z: np.ndarray) -> _Triple:
    """Squared hinge loss, s = 2y - 1 for y in {0, 1}.

    L = max(0, 1 - s z)^2,  dL/dz = -2 s max(0, 1 - s z),
    d2L/dz2 = 2 if s z < 1 else 0.
    """
    s = 2.0 * y - 1.0
    sz = s * z
    m = np.maximum(0.0, 1.0 - sz)
    hess = np.where(sz < 1.0, 2.0, 0.0)
    return m * m, -2.0 * s * m, hess


def _epsilon_insensitive(y: np.ndarray, z: np.ndarray, epsilon: float = 0.1) -> _Triple:
    """Epsilon-insensitive loss (support-vector regression).

    L = max(0, |r| - eps),  dL/dz = sign(r) if |r| > eps else 0,  d2L/dz2 = 0.
    """
    eps = float(epsilon)
    r = z - y
    a = np.abs(r)
    loss = np.maximum(0.0, a - eps)
    grad = np.where(a > eps, np.sign(r), 0.0)
    return loss, grad, np.zeros_like(r)


_LOSSES: dict[str, Callable[..., _Triple]] = {
    "squared_error": _squared_error,
    "absolute_error": _absolute_error,
    "huber": _huber,
    "quantile": _quantile,
    "poisson": _poisson,
    "binary_log_loss": _binary_log_loss,
    "multinomial_log_loss": _multinomial_log_loss,
    "hinge": _hinge,
    "squared_hinge": _squared_hinge,
    "epsilon_insensitive": _epsilon_insensitive,
}

#: Names accepted by the ``reference_*`` functions.
LOSS_NAMES: Tuple[str, ...] = tuple(_LOSSES)


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------

def _evaluate(name: str, y, raw, sample_weight, params: dict) -> _Triple:
    """Compute the (optionally weighted) loss, gradient and hessian."""
    try:
        fn = _LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; expected one of {LOSS_NAMES}") from None
    y = np.asarray(y, dtype=np.float64)
    z = np.asarray(raw, dtype=np.float64)
    if name != "multinomial_log_loss":
        y, z = np.broadcast_arrays(y, z)
    loss, grad, hess = fn(y, z, **params)
    if sample_weight is not None:
        w = np.asarray(sample_weight, dtype=np.float64)
        wk = w[:, None] if (name == "multinomial_log_loss" and w.ndim == 1) else w
        with np.errstate(invalid="ignore"):
            loss, grad, hess = w * loss, wk * grad, wk * hess
    return (np.asarray(loss, dtype=np.float64),
            np.asarray(grad, dtype=np.float64),
            np.asarray(hess, dtype=np.float64))


def reference_loss(name: str, y, raw, sample_weight=None, **params) -> np.ndarray:
    """Per-sample loss values ``w * L(y, z)``.

    Parameters
    ----------
    name : str
        One of :data:`LOSS_NAMES`.
    y : array_like
        Targets, shape ``(n,)`` (class indices for ``multinomial_log_loss``).
    raw : array_like
        Raw predictions ``z``, shape ``(n,)`` or ``(n, K)`` for the
        multinomial loss.
    sample_weight : array_like, optional
        Per-sample weights ``w`` (default: all ones).
    **params
        Loss hyper-parameters: ``delta`` (huber), ``alpha`` (quantile),
        ``epsilon`` (epsilon_insensitive).

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(n,)``.

    Raises
    ------
    ValueError
        If ``name`` is unknown.
    """
    return _evaluate(name, y, raw, sample_weight, params)[0]


def reference_gradient(name: str, y, raw, sample_weight=None, **params) -> np.ndarray:
    """Per-sample first derivative ``w * dL/dz`` (shape of ``raw``).

    See :func:`reference_loss` for the parameters.
    """
    return _evaluate(name, y, raw, sample_weight, params)[1]


def reference_hessian(name: str, y, raw, sample_weight=None, **params) -> np.ndarray:
    """Per-sample second derivative ``w * d2L/dz2`` (shape of ``raw``).

    For ``multinomial_log_loss`` this is the diagonal ``p_k (1 - p_k)`` of
    the per-sample Hessian.  See :func:`reference_loss` for the parameters.
    """
    return _evaluate(name, y, raw, sample_weight, params)[2]


def reference_mean_loss(name: str, y, raw, sample_weight=None, **params) -> float:
    """Weighted mean loss ``sum_i w_i L_i / sum_i w_i``.

    Both sums are computed with :func:`math.fsum` (exactly rounded) over the
    float64 values; ``w`` defaults to all ones.  See :func:`reference_loss`
    for the parameters.
    """
    weighted = reference_loss(name, y, raw, sample_weight, **params)
    if sample_weight is None:
        w = np.ones(weighted.shape, dtype=np.float64)
    else:
        w = np.broadcast_to(np.asarray(sample_weight, dtype=np.float64), weighted.shape)
    return math.fsum(weighted.ravel().tolist()) / math.fsum(w.ravel().tolist())
