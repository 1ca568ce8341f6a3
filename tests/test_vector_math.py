"""The vectorisable exp, log, log1p, expm1, tanh and sigmoid of the kernels, on every ISA path: error in ulp against
long-double numpy over the whole range, and IEEE special values."""
from __future__ import annotations

import numpy as np
import pytest

from traincore import _core

# Largest error allowed, in units in the last place of the result.
MAX_ULP = {"exp": 2.0, "log": 2.5, "log1p": 4.0, "expm1": 4.0, "tanh": 5.0, "sigmoid": 4.0}


def exact_value(function: str, x: np.ndarray) -> np.ndarray:
    """The function in long double."""
    x = x.astype(np.longdouble)
    if function == "sigmoid":
        return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))
    return getattr(np, function)(x)


def apply(function: str, x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    _core.vector_math(function, x, out)
    return out


def ulp_error(computed: np.ndarray, exact: np.ndarray, dtype: type) -> np.ndarray:
    spacing = np.spacing(np.abs(exact.astype(dtype))).astype(np.longdouble)
    return np.abs(computed.astype(np.longdouble) - exact) / spacing


def sample(function: str, dtype: type, rng: np.random.Generator) -> np.ndarray:
    info = np.finfo(dtype)
    top = float(np.log(info.max))
    if function == "exp":
        x = np.concatenate([rng.uniform(np.log(info.tiny), top, 200_000), rng.uniform(-1, 1, 50_000)])
    elif function == "log":
        x = np.exp(rng.uniform(np.log(info.tiny), top, 200_000))
        x = np.concatenate([x, rng.uniform(0.5, 2.0, 50_000)])
    elif function == "log1p":
        x = np.concatenate([rng.uniform(-0.999, 10, 100_000), np.exp(rng.uniform(-60, top - 1, 100_000))])
    else:  # expm1, tanh, sigmoid: both signs, magnitudes from tiny to saturation
        magnitude = np.concatenate([np.exp(rng.uniform(-40, np.log(top), 100_000)), rng.uniform(0, 2, 100_000)])
        x = magnitude * rng.choice([-1.0, 1.0], magnitude.size)
    return x.astype(dtype)


@pytest.mark.parametrize("function", sorted(MAX_ULP))
def test_accuracy_in_ulp(function, dtype, isa, rng):
    x = sample(function, dtype, rng)
    with np.errstate(over="ignore"):
        exact = exact_value(function, x)
        representable = np.isfinite(exact.astype(dtype))
    x, exact = x[representable], exact[representable]
    error = ulp_error(apply(function, x), exact, dtype)
    worst = int(np.argmax(error))
    assert error[worst] <= MAX_ULP[function], f"{function}({x[worst]!r}): {error[worst]:.2f} ulp"


def test_exp_through_the_subnormals(dtype, isa, rng):
    info = np.finfo(dtype)
    x = rng.uniform(np.log(float(info.smallest_subnormal)) - 1, np.log(float(info.tiny)), 50_000).astype(dtype)
    exact = np.exp(x.astype(np.longdouble))
    error = np.abs(apply("exp", x).astype(np.longdouble) - exact) / np.longdouble(info.smallest_subnormal)
    assert error.max() <= 1.0


def test_log_of_subnormals(dtype, isa, rng):
    info = np.finfo(dtype)
    x = np.exp(rng.uniform(np.log(float(info.smallest_subnormal)), np.log(float(info.tiny)), 10_000)).astype(dtype)
    x = x[x > 0]
    exact = np.log(x.astype(np.longdouble))
    assert ulp_error(apply("log", x), exact, dtype).max() <= MAX_ULP["log"]


@pytest.mark.parametrize("function", sorted(MAX_ULP))
def test_special_values_as_ieee(function, dtype, isa):
    info = np.finfo(dtype)
    x = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 1.0, -1.0, -2.0, 1000.0, -1000.0,
                  float(info.max), float(info.tiny), float(info.smallest_subnormal)], dtype=dtype)
    with np.errstate(all="ignore"):
        exact = exact_value(function, x)
        expected = exact.astype(dtype)
    computed = apply(function, x)
    np.testing.assert_array_equal(np.isnan(computed), np.isnan(expected))
    np.testing.assert_array_equal(computed[np.isinf(expected)], expected[np.isinf(expected)])
    exact_values = (expected == 0) | (expected == 1)
    np.testing.assert_array_equal(computed[exact_values], expected[exact_values])
    np.testing.assert_array_equal(np.signbit(computed[expected == 0]), np.signbit(expected[expected == 0]))
    finite = np.isfinite(expected) & (expected != 0)
    assert ulp_error(computed[finite], exact[finite], dtype).max() <= MAX_ULP[function]


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match=r"function: unknown function 'sin'"):
        _core.vector_math("sin", np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"out: must have the shape of x"):
        _core.vector_math("exp", np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match=r"out: expected dtype float64, got float32"):
        _core.vector_math("exp", np.zeros(3), np.zeros(3, np.float32))
