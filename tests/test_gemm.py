"""The blocked, packed GEMM: every transpose combination, odd shapes, both dtypes, every ISA
path, alpha/beta, determinism across thread counts, and bad input."""
from __future__ import annotations

import numpy as np
import pytest

from traincore import _core
from traincore.testing import assert_close

# (M, N, K): edge tiles in both directions, several K blocks, and N >= 1024 (blocks of op(A) are
# copied before use) with several column slabs.
SHAPES = [(1, 1, 1), (1, 7, 63), (7, 1, 257), (63, 257, 7), (257, 63, 300), (128, 256, 784), (29, 513, 1),
          (19, 1100, 300)]


def operand(rng, rows, cols, dtype, transposed):
    return np.ascontiguousarray(rng.normal(size=(cols, rows) if transposed else (rows, cols)).astype(dtype))


@pytest.mark.parametrize("M,N,K", SHAPES)
@pytest.mark.parametrize("trans_a", [False, True], ids=["A", "At"])
@pytest.mark.parametrize("trans_b", [False, True], ids=["B", "Bt"])
def test_matches_numpy(M, N, K, trans_a, trans_b, dtype, isa, rng):
    A = operand(rng, M, K, dtype, trans_a)
    B = operand(rng, K, N, dtype, trans_b)
    C = _core.gemm(A, B, trans_a, trans_b)
    expected = (A.T if trans_a else A).astype(np.float64) @ (B.T if trans_b else B).astype(np.float64)
    assert C.dtype == dtype and C.shape == (M, N)
    assert_close(C, expected, dtype, scale=np.sqrt(K) * 4)


def test_alpha_beta_and_existing_c(dtype, isa, rng):
    A, B = operand(rng, 70, 40, dtype, False), operand(rng, 40, 90, dtype, False)
    C = rng.normal(size=(70, 90)).astype(dtype)
    expected = 0.5 * (A.astype(np.float64) @ B) - 2.0 * C
    out = _core.gemm(A, B, alpha=0.5, beta=-2.0, C=C)
    assert out is C or np.shares_memory(out, C)
    assert_close(C, expected, dtype, scale=30)
    poisoned = np.full((70, 90), np.nan, dtype)
    _core.gemm(A, B, beta=0.0, C=poisoned)  # beta = 0 never reads C
    assert np.isfinite(poisoned).all()
    empty_k = np.ones((70, 90), dtype)
    _core.gemm(np.zeros((70, 0), dtype), np.zeros((0, 90), dtype), beta=3.0, C=empty_k)
    np.testing.assert_array_equal(empty_k, 3.0)


def test_bit_identical_for_any_thread_count(dtype, isa, rng):
    A, B = operand(rng, 700, 300, dtype, False), operand(rng, 300, 500, dtype, True)
    one = _core.gemm(A, B, False, True, n_threads=1)
    two = _core.gemm(A, B, False, True, n_threads=2)
    np.testing.assert_array_equal(one, two)


@pytest.mark.parametrize("M,N,K", [(5, 1500, 300), (3, 700, 1000), (41, 1030, 70)])
@pytest.mark.parametrize("trans_a", [False, True], ids=["A", "At"])
@pytest.mark.parametrize("trans_b", [False, True], ids=["B", "Bt"])
def test_bit_identical_small_m_large_n(M, N, K, trans_a, trans_b, dtype, isa, rng):
    # Few row panels: the threads split the columns, some tiles' B panels are packed by both.
    A = operand(rng, M, K, dtype, trans_a)
    B = operand(rng, K, N, dtype, trans_b)
    one = _core.gemm(A, B, trans_a, trans_b, n_threads=1)
    two = _core.gemm(A, B, trans_a, trans_b, n_threads=2)
    np.testing.assert_array_equal(one, two)


def test_bad_input_raises():
    with pytest.raises(ValueError, match=r"B: op\(A\) is 3 x 4 but op\(B\) has 5 rows"):
        _core.gemm(np.zeros((3, 4)), np.zeros((5, 2)))
    with pytest.raises(TypeError, match=r"B: expected dtype float64, got float32"):
        _core.gemm(np.zeros((3, 4)), np.zeros((4, 2), np.float32))
    with pytest.raises(ValueError, match=r"C: expected shape \(3, 2\)"):
        _core.gemm(np.zeros((3, 4)), np.zeros((4, 2)), C=np.zeros((2, 3)))
    read_only = np.zeros((3, 2))
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match=r"C: array is read-only"):
        _core.gemm(np.zeros((3, 4)), np.zeros((4, 2)), C=read_only)
