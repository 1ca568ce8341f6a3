"""The one tolerance table: how close the core must come to the float64 numpy references.

``kernel`` applies to one evaluation (a loss over arrays, one optimiser step); ``trajectory``
to many chained steps (optimiser runs of 200 steps, where rounding differences compound).
float32 results are compared with float64 references, so their tolerances reflect float32
rounding; float64 ones only allow for a different order of operations (and FMA contraction on
the SIMD paths).
"""
from __future__ import annotations

from typing import Any

import numpy as np

TOLERANCES: dict[str, dict[str, dict[str, float]]] = {
    "float32": {
        "kernel": {"rtol": 2e-5, "atol": 2e-6},
        "trajectory": {"rtol": 2e-4, "atol": 2e-5},
    },
    "float64": {
        "kernel": {"rtol": 1e-12, "atol": 1e-13},
        "trajectory": {"rtol": 1e-9, "atol": 1e-11},
    },
}


def tolerance(dtype: Any, kind: str = "kernel") -> dict[str, float]:
    """``{"rtol": ..., "atol": ...}`` for results computed in ``dtype``."""
    return dict(TOLERANCES[np.dtype(dtype).name][kind])


def assert_close(actual: Any, desired: Any, dtype: Any, kind: str = "kernel",
                 scale: float = 1.0, err_msg: str = "") -> None:
    """``assert_allclose`` with the table's tolerance for ``dtype``; ``scale`` multiplies the
    absolute tolerance for quantities whose natural size is larger than 1."""
    tol = tolerance(dtype, kind)
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), desired,
                               rtol=tol["rtol"], atol=tol["atol"] * scale, err_msg=err_msg)
