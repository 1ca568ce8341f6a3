"""Shared fixtures: every kernel test runs over dtypes, thread counts and ISA paths."""
from __future__ import annotations

import numpy as np
import pytest

from traincore.testing import available_isas, using_isa

DTYPES = [np.float32, np.float64]
THREADS = [1, 2]


@pytest.fixture(params=available_isas())
def isa(request: pytest.FixtureRequest):
    """Runs the test on the kernels of each instruction set this CPU supports."""
    with using_isa(request.param):
        yield request.param


@pytest.fixture(params=DTYPES, ids=["float32", "float64"])
def dtype(request: pytest.FixtureRequest) -> type:
    return request.param


@pytest.fixture(params=THREADS, ids=["1thread", "2threads"])
def n_threads(request: pytest.FixtureRequest) -> int:
    return request.param


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261128)
