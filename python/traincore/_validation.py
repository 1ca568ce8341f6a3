"""The one place where inputs are checked and converted (DESIGN contract 1).

Arrays cross into the core without copies when they are already C-contiguous float32 or
float64. Everything else is converted here, explicitly: other numeric dtypes become float64,
non-contiguous arrays are made contiguous. Arrays the core writes into (``out=`` buffers,
parameters, optimiser state) are never converted: a wrong one raises instead, so an update can
never land in a silent copy.
"""
from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from . import _core
from .base import warn_column_vector

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def check_n_threads(n_threads: Optional[int]) -> int:
    """None means every available thread (passed to the core as 0); else an int >= 1."""
    if n_threads is None:
        return 0
    if isinstance(n_threads, bool) or not isinstance(n_threads, numbers.Integral):
        raise TypeError(f"n_threads: expected None or an int >= 1, got {n_threads!r}")
    if n_threads < 1:
        raise ValueError(f"n_threads: must be None or >= 1, got {n_threads}")
    return int(n_threads)


def _numeric_kind_or_raise(array: np.ndarray, name: str) -> None:
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name}: expected a numeric array, got dtype {array.dtype} "
            "(strings, objects and complex numbers are not accepted)"
        )


def as_float_array(
    x: object, name: str, *, dtype: Optional[np.dtype] = None, ndim: Optional[tuple[int, ...]] = None
) -> np.ndarray:
    """A C-contiguous float array for an input the core only reads.

    With ``dtype=None`` float32 stays float32 and every other numeric dtype becomes float64;
    with a dtype the array is converted to it. ``ndim`` lists the accepted dimensions.
    """
    array = np.asarray(x)
    _numeric_kind_or_raise(array, name)
    if ndim is not None and array.ndim not in ndim:
        expected = " or ".join(f"{d}-D" for d in ndim)
        raise ValueError(f"{name}: expected a {expected} array, got {array.ndim}-D")
    if dtype is None:
        dtype = array.dtype if array.dtype in FLOAT_DTYPES else np.dtype(np.float64)
    return np.ascontiguousarray(array, dtype=dtype)


def check_writable_array(
    x: object, name: str, *, dtype: Optional[np.dtype] = None, shape: Optional[tuple[int, ...]] = None
) -> np.ndarray:
    """An array the core writes into: must already be a C-contiguous, writeable float array
    of the right dtype and shape, because a converted copy would silently drop the writes."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name}: expected a numpy array, got {type(x).__name__}")
    _numeric_kind_or_raise(x, name)
    if dtype is None and x.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name}: expected dtype float32 or float64, got {x.dtype}")
    if dtype is not None and x.dtype != dtype:
        raise TypeError(f"{name}: expected dtype {np.dtype(dtype)}, got {x.dtype} (no implicit cast)")
    if shape is not None and x.shape != tuple(shape):
        raise ValueError(f"{name}: has shape {x.shape}, expected {tuple(shape)}")
    if not x.flags.c_contiguous:
        raise ValueError(f"{name}: array is not C-contiguous")
    if not x.flags.writeable:
        raise ValueError(f"{name}: array is read-only")
    return x


def output_array(
    out: Optional[np.ndarray], name: str, shape: tuple[int, ...], dtype: np.dtype,
    inputs: dict[str, Optional[np.ndarray]],
) -> np.ndarray:
    """A caller-owned ``out=`` buffer (checked) or a new one; it must not overlap any input."""
    if out is None:
        return np.empty(shape, dtype=dtype)
    check_writable_array(out, name, dtype=dtype, shape=shape)
    for other_name, other in inputs.items():
        if other is not None and np.may_share_memory(out, other):
            raise ValueError(f"{name}: must not share memory with {other_name}")
    return out


def check_number(value: object, name: str) -> float:
    """A real, finite hyper-parameter as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name}: must be finite, got {value}")
    return value


def check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: must be >= {minimum}, got {value}")
    return int(value)


def check_bool(value: object, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {value!r}")
    return bool(value)


# -- estimator inputs ---------------------------------------------------------------------------

def feature_names_of(X: object) -> Optional[np.ndarray]:
    """Column names of a pandas DataFrame whose columns are all strings, else None."""
    columns = getattr(X, "columns", None)
    if columns is None or not hasattr(X, "iloc"):
        return None
    names = list(columns)
    if names and all(isinstance(c, str) for c in names):
        return np.asarray(names, dtype=object)
    return None


def check_X(X: object, name: str = "X", dtype: Optional[np.dtype] = None) -> np.ndarray:
    """A 2-D, C-contiguous, finite float array for an estimator input.

    float32 stays float32 and every other numeric dtype becomes float64 (unless ``dtype`` is
    given). The caller's array is never modified: it is only read, and copied when it is not
    already C-contiguous of the right dtype. Sparse matrices are rejected with a clear error."""
    if hasattr(X, "tocsr") and hasattr(X, "nnz"):
        raise TypeError(f"{name}: sparse input is not supported by this estimator; pass a dense array")
    try:
        array = np.asarray(X)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name}: cannot be read as a numeric array ({error})") from None
    if array.dtype.kind == "c":
        raise ValueError(f"{name}: Complex data not supported")
    if array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{name}: could not convert to float: {error}") from None
    if array.dtype.kind in "USV":
        raise TypeError(f"{name}: expected numeric values, got dtype {array.dtype} (strings are not features)")
    _numeric_kind_or_raise(array, name)
    if array.ndim != 2:
        hint = ("; Reshape your data either using X.reshape(-1, 1) if it has a single feature "
                "or X.reshape(1, -1) if it contains a single sample") if array.ndim == 1 else ""
        raise ValueError(f"{name}: expected a 2-D array, got {array.ndim}-D{hint}")
    if array.shape[0] < 1:
        raise ValueError(f"{name}: found array with 0 sample(s) (shape={array.shape}) while a minimum of 1 is required.")
    if array.shape[1] < 1:
        raise ValueError(f"{name}: found array with 0 feature(s) (shape={array.shape}) while a minimum of 1 is required.")
    if dtype is None:
        dtype = array.dtype if array.dtype in FLOAT_DTYPES else np.dtype(np.float64)
    array = np.ascontiguousarray(array, dtype=dtype)
    if not all_finite(array):
        raise ValueError(f"{name}: contains NaN or infinity")
    return array


def all_finite(array: np.ndarray) -> bool:
    """No NaN or infinity in a C-contiguous float array (one parallel pass, no temporary)."""
    return bool(_core.all_finite(array.reshape(-1), 0))


def check_targets(y: object, n_samples: int, name: str = "y") -> np.ndarray:
    """A 1-D array of targets with one per sample (a column vector is accepted)."""
    if y is None:
        raise ValueError(f"{name}: this estimator requires y to be passed, but the target y is None")
    array = np.asarray(y)
    if array.ndim == 2 and array.shape[1] == 1:
        warn_column_vector(name)
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of targets, got shape {array.shape}")
    if array.shape[0] != n_samples:
        raise ValueError(f"{name}: has {array.shape[0]} entries but X has {n_samples} samples")
    return array


def check_regression_targets(y: np.ndarray, dtype: np.dtype, name: str = "y") -> np.ndarray:
    if y.dtype.kind not in "biuf":
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{name}: regression targets must be numeric, got dtype {y.dtype}") from None
    y = np.ascontiguousarray(y, dtype=dtype)
    if not np.isfinite(y).all():
        raise ValueError(f"{name}: contains NaN or infinity")
    return y


def check_sample_weight(sample_weight: object, n_samples: int, dtype: np.dtype) -> Optional[np.ndarray]:
    if sample_weight is None:
        return None
    if np.isscalar(sample_weight):
        sample_weight = np.full(n_samples, sample_weight)
    w = as_float_array(sample_weight, "sample_weight", dtype=dtype, ndim=(1,))
    if w.shape[0] != n_samples:
        raise ValueError(f"sample_weight: has {w.shape[0]} entries but X has {n_samples} samples")
    if not np.isfinite(w).all():
        raise ValueError("sample_weight: contains NaN or infinity")
    if (w < 0).any():
        raise ValueError("sample_weight: negative weights are not allowed")
    if not (w > 0).any():
        raise ValueError("sample_weight: all weights are zero; at least one must be positive")
    return w
