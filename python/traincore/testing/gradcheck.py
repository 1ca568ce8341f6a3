"""Finite-difference derivative checks.

Central differences approximate a derivative with error O(h^2):

    f'(x) ~ (f(x + h) - f(x - h)) / (2 h).

The step is ``h = 1e-6 max(1, |x|)`` per element unless given; the actual
denominator used is ``(x + h) - (x - h)`` as represented in float64, which
removes the rounding of ``x +- h`` from the estimate.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

__all__ = ["numerical_derivative", "numerical_gradient", "check_derivative", "check_gradient"]


def numerical_derivative(f: Callable[[np.ndarray], np.ndarray], x,
                         eps: Optional[float] = None) -> np.ndarray:
    """Elementwise central-difference derivative of an elementwise function.

    Parameters
    ----------
    f : callable
        Maps a float64 array to an array of the same shape, with ``f(x)[i]``
        depending on ``x[i]`` only.
    x : array_like
        Evaluation point.
    eps : float, optional
        Step ``h``; default ``1e-6 max(1, |x|)`` per element.

    Returns
    -------
    numpy.ndarray
        ``(f(x + h) - f(x - h)) / (2 h)``, float64, shape of ``x``.
    """
    x = np.asarray(x, dtype=np.float64)
    h = 1e-6 * np.maximum(1.0, np.abs(x)) if eps is None else np.full_like(x, float(eps))
    xp, xm = x + h, x - h
    diff = np.asarray(f(xp), dtype=np.float64) - np.asarray(f(xm), dtype=np.float64)
    return diff / (xp - xm)


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function, one coordinate at a time.

    ``grad_i ~ (f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i)`` with
    ``h_i = eps max(1, |x_i|)``.  Costs ``2 x.size`` evaluations of ``f``, so
    it is meant for small arrays.

    Parameters
    ----------
    f : callable
        Maps a float64 array of the shape of ``x`` to a scalar.
    x : array_like
        Evaluation point.
    eps : float, default 1e-6
        Relative step size.

    Returns
    -------
    numpy.ndarray
        float64 gradient of the shape of ``x``.
    """
    x = np.asarray(x, dtype=np.float64)
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        h = eps * max(1.0, abs(x[i]))
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (float(f(xp)) - float(f(xm))) / (xp[i] - xm[i])
    return grad


def _assert_close(analytic, numerical, x: np.ndarray, rtol: float, atol: float,
                  what: str) -> None:
    """Raise AssertionError unless |a - n| <= atol + rtol |n| everywhere."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numerical, dtype=np.float64)
    if a.shape != n.shape:
        raise AssertionError(f"{what}: analytic shape {a.shape} != numerical shape {n.shape}")
    excess = np.abs(a - n) - (atol + rtol * np.abs(n))
    excess = np.where(np.isnan(excess), np.inf, excess)  # NaN counts as a mismatch
    bad = excess > 0
    if not np.any(bad):
        return
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(excess)), a.shape))
    xv = float(x[worst]) if x.shape == a.shape else x
    av, nv = float(a[worst]), float(n[worst])
    raise AssertionError(
        f"{what} mismatch in {int(bad.sum())} of {a.size} elements "
        f"(rtol={rtol}, atol={atol}); worst at index {worst}: x={xv!r}, "
        f"analytic={av!r}, numerical={nv!r}, abs diff={abs(av - nv)!r}")


def check_derivative(f: Callable[[np.ndarray], np.ndarray],
                     df: Callable[[np.ndarray], np.ndarray], x,
                     rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Assert that ``df`` is the elementwise derivative of ``f`` at ``x``.

    Compares ``df(x)`` with :func:`numerical_derivative` using
    ``|analytic - numerical| <= atol + rtol |numerical|``.

    Raises
    ------
    AssertionError
        With the worst index, ``x`` and both values when they disagree.
    """
    x = np.asarray(x, dtype=np.float64)
    _assert_close(df(x), numerical_derivative(f, x), x, rtol, atol, "derivative")


def check_gradient(f: Callable[[np.ndarray], float], grad: Callable[[np.ndarray], np.ndarray],
                   x, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Assert that ``grad`` is the gradient of the scalar function ``f`` at ``x``.

    Compares ``grad(x)`` with :func:`numerical_gradient` using
    ``|analytic - numerical| <= atol + rtol |numerical|``.

    Raises
    ------
    AssertionError
        With the worst index, ``x`` and both values when they disagree.
    """
    x = np.asarray(x, dtype=np.float64)
    _assert_close(grad(x), numerical_gradient(f, x), x, rtol, atol, "gradient")
