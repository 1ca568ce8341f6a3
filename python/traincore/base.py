"""The estimator base: the scikit-learn protocol (parameters, cloning, fitted attributes),
persistence through traincore's model format, and the input checks estimators share."""
from __future__ import annotations

import inspect
import numbers
import sys
import warnings
from typing import Any, ClassVar, Optional

import numpy as np

from . import io

__all__ = ["TraincoreEstimator", "NotFittedError", "DataConversionWarning", "ESTIMATOR_REGISTRY"]

#: Every estimator class by name: what ``traincore.load`` may construct.
ESTIMATOR_REGISTRY: dict[str, type] = {}


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before ``fit`` (as scikit-learn's NotFittedError)."""


class DataConversionWarning(UserWarning):
    """Input was converted in a way the user may not expect (as scikit-learn's warning)."""


def _sklearn_compatible(ours: type, sklearn_name: str) -> type:
    """``ours``, or, when scikit-learn is in use, a subclass of both ``ours`` and
    scikit-learn's class of that name, so its checks and meta-estimators recognise it; this never
    imports scikit-learn itself."""
    sklearn_exceptions = sys.modules.get("sklearn.exceptions")
    if sklearn_exceptions is None:
        return ours
    both = type(ours.__name__, (ours, getattr(sklearn_exceptions, sklearn_name)), {})
    both.__module__ = __name__
    return both


def _not_fitted_error(message: str) -> NotFittedError:
    return _sklearn_compatible(NotFittedError, "NotFittedError")(message)


def warn_column_vector(name: str) -> None:
    warnings.warn(f"A column-vector y was passed when a 1d array was expected ({name}); it is "
                  "flattened: pass an array of shape (n_samples,), for example with y.ravel().",
                  _sklearn_compatible(DataConversionWarning, "DataConversionWarning"), stacklevel=4)


def _encode(value: Any) -> Any:
    """A JSON-ready form of a parameter value (tuples and dicts with non-str keys tagged)."""
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, tuple):  # tagged, so that a loaded estimator's parameters equal the saved ones
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"__items__": [[_encode(k), _encode(v)] for k, v in value.items()]}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__tuple__"} and isinstance(value["__tuple__"], list):
            return tuple(_decode(v) for v in value["__tuple__"])
        if set(value) == {"__items__"}:
            # Keys are hashable: tuples (tagged; plain lists in files of version 0.1) or scalars.
            return {(tuple(k) if isinstance(k, list) else _decode(k)): _decode(v) for k, v in value["__items__"]}
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


class TraincoreEstimator:
    """Base class of traincore's estimators.

    ``__init__`` only stores its arguments; ``fit`` sets attributes ending in ``_``. Subclasses
    list the fitted attributes that persistence saves in ``_fitted_attributes``.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ()
    #: Parameters that cannot be saved (callables): saved as None.
    _unsaved_params: ClassVar[tuple[str, ...]] = ("callbacks",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            ESTIMATOR_REGISTRY[cls.__name__] = cls

    # -- parameters ---------------------------------------------------------------------------
    @classmethod
    def _get_param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in signature.parameters.values()
                      if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))

    def _store_params(self, values: dict[str, Any]) -> None:
        """``__init__``'s one job: keep every argument, unchanged, under its own name
        (call as ``self._store_params(locals())``)."""
        for name in self._get_param_names():
            setattr(self, name, values[name])

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params: Any) -> "TraincoreEstimator":
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"{name}: not a parameter of {type(self).__name__}; parameters: {', '.join(valid)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = []
        for name, value in self.get_params().items():
            default = defaults.get(name, inspect.Parameter.empty)
            try:
                same = bool(value == default) if not isinstance(value, np.ndarray) else False
            except (TypeError, ValueError):
                same = False
            if not same:
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"

    # -- fitted state -------------------------------------------------------------------------
    def _is_fitted(self) -> bool:
        return all(hasattr(self, name) for name in self._fitted_attributes)

    def _check_is_fitted(self) -> None:
        if not self._is_fitted():
            raise _not_fitted_error(
                f"This {type(self).__name__} instance is not fitted yet; call 'fit' first.")

    def _get_fitted_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        values: dict[str, Any] = {"fitted": self._is_fitted()}
        arrays: dict[str, np.ndarray] = {}
        if not values["fitted"]:
            return values, arrays
        for name in self._fitted_attributes:
            value = getattr(self, name)
            if isinstance(value, np.ndarray) and value.dtype.kind in "fiub":
                arrays[name] = value
            elif isinstance(value, np.ndarray):
                values[name] = {"__labels__": [_encode(v) for v in value.tolist()], "dtype": value.dtype.kind}
            else:
                values[name] = _encode(value)
        return values, arrays

    def _set_fitted_state(self, values: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        if not values.get("fitted"):
            return
        for name in self._fitted_attributes:
            if name in arrays:
                setattr(self, name, arrays[name])
            elif name in values:
                value = values[name]
                if isinstance(value, dict) and "__labels__" in value:
                    labels = value["__labels__"]
                    value = np.array(labels, dtype=object if value.get("dtype") == "O" else None)
                setattr(self, name, _decode(value) if not isinstance(value, np.ndarray) else value)
            else:
                raise ValueError(f"the fitted attribute {name!r} is missing")
        self._check_fitted_state()

    def _check_fitted_state(self) -> None:
        """Subclasses check that loaded attributes are consistent with each other."""

    # -- persistence --------------------------------------------------------------------------
    def save(self, path: Any) -> None:
        """Save the estimator (parameters and fitted state) in traincore's model format."""
        io.save(self, path)

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return (io.loads, (io.dumps(self),))

    def _saved_params(self) -> dict[str, Any]:
        params = self.get_params(deep=False)
        for name in self._unsaved_params:
            if name in params:
                params[name] = None
        return {k: _encode(v) for k, v in params.items()}


def check_random_state(random_state: Any) -> int:
    """A 64-bit seed from None (fresh entropy), an int, or a numpy RandomState / Generator."""
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])
    if isinstance(random_state, (bool, np.bool_)):
        raise TypeError(f"random_state: expected None, an int or a numpy random generator, got {random_state!r}")
    if isinstance(random_state, numbers.Integral):
        if random_state < 0:
            raise ValueError(f"random_state: must be >= 0, got {random_state}")
        return int(random_state) & 0xFFFFFFFFFFFFFFFF
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63 - 1))
    raise TypeError(f"random_state: expected None, an int or a numpy random generator, got {random_state!r}")


def optional_int(value: Optional[int], name: str, minimum: int) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: must be >= {minimum}, got {value}")
    return int(value)
