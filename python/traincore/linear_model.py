"""Linear models: iterative ones trained by traincore's C++ training loop.

``SGDRegressor`` and ``SGDClassifier`` fit ``raw = X W^T + b`` by minibatch gradient steps with
any loss of :mod:`traincore.losses` and any optimiser of :mod:`traincore.optim`, an L2, L1 or
elastic-net penalty, a learning-rate schedule (advanced once per epoch), early stopping on the
training loss or on validation data, and callbacks. The whole fit runs in C++ without the GIL;
Python is entered only at epoch ends.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, ClassVar, Optional, Sequence

import numpy as np

from . import _core
from ._validation import (
    check_n_threads, check_regression_targets, check_sample_weight, check_targets, check_X,
    feature_names_of,
)
from ._training import _GradientTrainedEstimator, positive_number
from .base import TraincoreEstimator, _sklearn_compatible, check_random_state, optional_int

__all__ = ["LinearRegression", "Ridge", "LogisticRegression", "SGDRegressor", "SGDClassifier"]

_PENALTIES = {"l2": 0.0, "l1": 1.0, "elasticnet": None, None: 0.0}
_CLASSIFICATION_LOSSES = ("log_loss", "hinge", "squared_hinge")
_REGRESSION_LOSSES = ("squared_error", "absolute_error", "huber", "quantile", "poisson",
                      "epsilon_insensitive")


class _SGDBase(_GradientTrainedEstimator):
    """What SGDRegressor and SGDClassifier share: parameters, the loop call, persistence."""

    loss: str
    penalty: Optional[str]
    alpha: float
    l1_ratio: float
    fit_intercept: bool

    _loss_name: str
    classes_: np.ndarray
    n_features_in_: int
    _fitted_attributes: ClassVar[tuple[str, ...]] = ("coef_", "intercept_", "n_features_in_", "n_iter_", "t_",
                          "history_", "_params", "_state", "_step_counts", "_epochs_run",
                          "_seed", "_loss_name")

    # -- hooks for subclasses -------------------------------------------------------------------
    def _core_loss_name(self, n_classes: int) -> str:
        raise NotImplementedError

    # -- checks ---------------------------------------------------------------------------------
    def _checked_settings(self) -> dict[str, Any]:
        """Every hyper-parameter checked, as the values the core takes."""
        if self.penalty not in _PENALTIES:
            raise ValueError(f"penalty: expected 'l2', 'l1', 'elasticnet' or None, got {self.penalty!r}")
        l1_ratio = _PENALTIES[self.penalty]
        if l1_ratio is None:
            l1_ratio = positive_number(self.l1_ratio, "l1_ratio", allow_zero=True)
            if l1_ratio > 1:
                raise ValueError(f"l1_ratio: must be in [0, 1], got {l1_ratio}")
        alpha = 0.0 if self.penalty is None else positive_number(self.alpha, "alpha", allow_zero=True)
        return dict(self._loop_settings(), alpha=alpha, l1_ratio=l1_ratio)

    # -- the fit --------------------------------------------------------------------------------
    def _train(self, X: np.ndarray, targets: list[np.ndarray], sample_weight: Optional[np.ndarray],
               validation: Optional[tuple[np.ndarray, list[np.ndarray], Optional[np.ndarray]]],
               n_outputs: int, loss_spec: Any, settings: dict[str, Any], epochs: int,
               early_stop: bool) -> None:
        """Runs the C++ loop for every head (one, or one per class for one-vs-rest)."""
        def train_head(head: int, loop: Any, on_epoch_end: Any) -> dict[str, Any]:
            val_args: tuple[Any, Any, Any] = (None, None, None)
            if validation is not None:
                val_args = (validation[0], validation[1][head], validation[2])
            return _core.train_linear(
                settings["optimizer"], X, targets[head], sample_weight, *val_args,
                self._params[head], list(self._state[head]), int(self._step_counts[head]),
                settings["max_grad_norm"], n_outputs, bool(self.fit_intercept), settings["alpha"],
                settings["l1_ratio"], loss_spec, loop, on_epoch_end)

        self._run_loop(train_head, settings, epochs, early_stop,
                       self.classes_ if len(targets) > 1 else None)

    def _set_public_attributes(self) -> None:
        n_features = self.n_features_in_
        n_outputs = self._n_outputs_per_head()
        weights = self._params[:, :n_outputs * n_features]
        self.coef_ = weights.reshape(-1, n_features)
        if self.fit_intercept:
            self.intercept_ = self._params[:, n_outputs * n_features:].reshape(-1)
        else:
            self.intercept_ = np.zeros(self.coef_.shape[0], dtype=self._params.dtype)

    def _n_outputs_per_head(self) -> int:
        return 1

    # -- prediction -----------------------------------------------------------------------------
    def _raw(self, X: Any) -> np.ndarray:
        self._check_is_fitted()
        X = check_X(X, dtype=self._params.dtype)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                             f"{self.n_features_in_} features as input.")
        n_outputs = self._n_outputs_per_head()
        columns = [_core.predict_linear(X, np.ascontiguousarray(p), n_outputs, bool(self.fit_intercept))
                   for p in self._params]
        return np.concatenate(columns, axis=1)

    def _check_fitted_state(self) -> None:
        self._check_training_state()
        expected = self._n_outputs_per_head() * (self.n_features_in_ + (1 if self.fit_intercept else 0))
        if self._params.shape[1] != expected:
            raise ValueError(f"{self._params.shape[1]} parameters per head, expected {expected}")
        self._set_public_attributes()


class SGDRegressor(_SGDBase):
    """A linear regression model trained by minibatch gradient steps.

    ``loss`` is any regression loss of :mod:`traincore.losses` (``"squared_error"``,
    ``"absolute_error"``, ``"huber"``, ``"quantile"``, ``"poisson"`` (log link: predictions are
    ``exp(X w + b)``), ``"epsilon_insensitive"``), with its hyper-parameters in ``loss_params``
    (e.g. ``{"delta": 1.0}``). ``optimizer`` names an optimiser of :mod:`traincore.optim` with
    ``learning_rate`` and ``optimizer_params`` (e.g. ``{"momentum": 0.9}``); ``schedule`` a
    learning-rate schedule, stepped once per epoch, with ``schedule_params``. The default, plain
    SGD at 0.01, suits standardised features; its step grows with the residuals, so unscaled
    targets converge quickly (Adam's steps are bounded by the learning rate).
    """

    def __init__(self, loss: str = "squared_error", *, loss_params: Optional[dict] = None,
                 penalty: Optional[str] = "l2", alpha: float = 1e-4, l1_ratio: float = 0.15,
                 fit_intercept: bool = True, optimizer: str = "sgd", learning_rate: float = 0.01,
                 optimizer_params: Optional[dict] = None, schedule: str = "constant",
                 schedule_params: Optional[dict] = None, max_grad_norm: Optional[float] = None,
                 batch_size: int = 32, max_epochs: int = 100, tol: Optional[float] = 1e-3,
                 n_iter_no_change: int = 5, early_stopping: bool = False,
                 validation_fraction: float = 0.1, shuffle: bool = True, random_state: Any = None,
                 warm_start: bool = False, callbacks: Optional[Sequence[Any]] = None,
                 n_threads: Optional[int] = None) -> None:
        self._store_params(locals())

    def _core_loss_name(self, n_classes: int = 0) -> str:
        if self.loss not in _REGRESSION_LOSSES:
            raise ValueError(f"loss: {self.loss!r} is not a regression loss; choose one of "
                             f"{', '.join(_REGRESSION_LOSSES)}")
        return self.loss

    def fit(self, X: Any, y: Any, sample_weight: Any = None, *,
            validation_data: Optional[tuple[Any, Any]] = None) -> "SGDRegressor":
        """Fit from scratch (or from the current model with ``warm_start=True``)."""
        return self._fit(X, y, sample_weight, validation_data, partial=False)

    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> "SGDRegressor":
        """One epoch over (X, y), continuing from the current parameters and optimiser state."""
        return self._fit(X, y, sample_weight, None, partial=True)

    def _fit(self, X: Any, y: Any, sample_weight: Any, validation_data: Any, partial: bool) -> "SGDRegressor":
        settings = self._checked_settings()
        loss_name = self._core_loss_name()
        spec = self._loss_spec(loss_name)
        continuing = self._is_fitted() and (partial or self.warm_start)
        X = self._prepare_X(X, reset=not continuing)
        y = check_regression_targets(check_targets(y, X.shape[0]), X.dtype)
        if loss_name == "poisson" and (y < 0).any():
            raise ValueError("y: the poisson loss needs non-negative targets")
        w = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        if continuing and self._params.dtype != X.dtype:
            X = X.astype(self._params.dtype)
            y = y.astype(self._params.dtype)
            w = None if w is None else w.astype(self._params.dtype)
        if not continuing:
            self._seed = check_random_state(self.random_state)
            self._loss_name = loss_name
            self._init_training_state(1, X.shape[1] + (1 if self.fit_intercept else 0), X.dtype, settings)
        validation = None
        early_stop = not partial
        if validation_data is not None:
            X_val = self._prepare_X(validation_data[0], reset=False).astype(X.dtype, copy=False)
            y_val = check_regression_targets(check_targets(validation_data[1], X_val.shape[0], "y_val"), X.dtype)
            validation = (X_val, [y_val], None)
        elif self.early_stopping and not partial:
            train_rows, val_rows = self._validation_split(X.shape[0])
            validation = (np.ascontiguousarray(X[val_rows]), [y[val_rows]], None if w is None else w[val_rows])
            X, y, w = np.ascontiguousarray(X[train_rows]), y[train_rows], None if w is None else w[train_rows]
        self._train(X, [y], w, validation, 1, spec, settings, 1 if partial else settings["max_epochs"], early_stop)
        return self

    def predict(self, X: Any) -> np.ndarray:
        raw = self._raw(X)[:, 0]
        return np.exp(raw) if self._loss_name == "poisson" else raw

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """R^2 of the predictions."""
        prediction = self.predict(X)
        y = check_regression_targets(check_targets(y, prediction.shape[0]), np.dtype(np.float64))
        w = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        mean = np.average(y, weights=w)
        spread = float(np.sum(w * (y - mean) ** 2))
        residual = float(np.sum(w * (y - prediction) ** 2))
        return 1.0 - residual / spread if spread > 0 else (1.0 if residual == 0 else 0.0)

    def __sklearn_tags__(self) -> Any:
        from ._sklearn import regressor_tags
        return regressor_tags(self)


def _is_small_int_range(y: np.ndarray) -> bool:
    return y.dtype.kind in "iu" and y.size > 0


def _unique_labels(y: Any) -> np.ndarray:
    """Sorted distinct labels; integer labels in a small range are counted, not sorted."""
    y = np.asarray(y)
    if _is_small_int_range(y):
        low, high = int(y.min()), int(y.max())
        if high - low < 1 << 16:
            present = np.bincount((y - low).ravel(), minlength=high - low + 1) > 0
            return (np.flatnonzero(present) + low).astype(y.dtype)
    return np.unique(y)


class _LinearClassifierMixin:
    """Labels, class weights and the predictions shared by the linear classifiers; they need
    ``classes_``, ``class_weight`` and ``_raw(X)`` (raw scores, one column or one per class)."""

    classes_: np.ndarray
    class_weight: Any
    _raw: Callable[[Any], np.ndarray]

    def _fit_labels(self, y: Any, n_samples: int, classes: Any, continuing: bool, partial: bool) -> np.ndarray:
        """Checks the labels of a fit, sets ``classes_`` (unless continuing) and returns the class
        index of every sample."""
        y = check_targets(y, n_samples)
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            raise ValueError("y: contains NaN or infinity")
        if y.dtype.kind == "O":
            y = y.astype(str) if all(isinstance(v, str) for v in y) else y
        if y.dtype.kind == "f" and not np.all(y == np.round(y)):
            raise ValueError("Unknown label type: continuous. y: a classifier needs class labels; "
                             "for real-valued targets use a regressor")
        if continuing:
            if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
                raise ValueError("classes: differ from the classes of the previous partial_fit calls")
        else:
            if partial and classes is None:
                raise ValueError("classes: the first call to partial_fit needs every class label")
            labels = _unique_labels(classes if classes is not None else y)
            if len(labels) < 2:
                raise ValueError(f"y: needs samples of at least 2 classes, got 1 class ({labels.tolist()})")
            self.classes_ = labels
        return self._encode_labels(y)

    def _encode_labels(self, y: np.ndarray, name: str = "y") -> np.ndarray:
        if _is_small_int_range(y) and np.array_equal(self.classes_, np.arange(len(self.classes_))):
            if y.min() >= 0 and y.max() < len(self.classes_):
                return y  # labels 0..K-1 are their own indices
        index = np.searchsorted(self.classes_, y)
        index = np.clip(index, 0, len(self.classes_) - 1)
        unknown = self.classes_[index] != y
        if np.any(unknown):
            raise ValueError(f"{name}: labels {np.unique(y[unknown])[:5].tolist()} are not among the classes "
                             f"{self.classes_.tolist()}")
        return index

    def _class_weights(self, y_index: np.ndarray, n_classes: int, dtype: np.dtype) -> Optional[np.ndarray]:
        if self.class_weight is None:
            return None
        if isinstance(self.class_weight, str):
            if self.class_weight != "balanced":
                raise ValueError(f"class_weight: expected a dict, 'balanced' or None, got {self.class_weight!r}")
            counts = np.bincount(y_index, minlength=n_classes)
            per_class = len(y_index) / (n_classes * np.maximum(counts, 1))
        elif isinstance(self.class_weight, dict):
            per_class = np.ones(n_classes)
            labels = list(self.classes_.tolist())
            for label, weight in self.class_weight.items():
                if label not in labels:
                    raise ValueError(f"class_weight: label {label!r} is not one of the classes {labels}")
                per_class[labels.index(label)] = positive_number(weight, f"class_weight[{label!r}]", allow_zero=True)
        else:
            raise TypeError(f"class_weight: expected a dict, 'balanced' or None, got {self.class_weight!r}")
        return per_class[y_index].astype(dtype)

    def decision_function(self, X: Any) -> np.ndarray:
        """Raw scores: shape (n_samples,) for two classes, (n_samples, n_classes) otherwise."""
        raw = self._raw(X)
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def predict(self, X: Any) -> np.ndarray:
        raw = self._raw(X)
        index = (raw[:, 0] > 0).astype(np.intp) if raw.shape[1] == 1 else np.argmax(raw, axis=1)
        return self.classes_[index]

    def _predict_proba(self, X: Any) -> np.ndarray:
        raw = self._raw(X).astype(np.float64)
        if raw.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-raw[:, 0]))
            return np.column_stack([1.0 - p, p])
        raw -= raw.max(axis=1, keepdims=True)
        e = np.exp(raw)
        return e / e.sum(axis=1, keepdims=True)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy of the predictions."""
        prediction = self.predict(X)
        y = check_targets(y, prediction.shape[0])
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        return float(np.average(prediction == y, weights=w))

    def __sklearn_tags__(self) -> Any:
        from ._sklearn import classifier_tags
        return classifier_tags(self)


class SGDClassifier(_LinearClassifierMixin, _SGDBase):
    """A linear classifier trained by minibatch gradient steps.

    ``loss="log_loss"`` is logistic regression (binary) or multinomial logistic regression
    (softmax over the classes); ``"hinge"`` and ``"squared_hinge"`` are linear SVMs, trained
    one-vs-rest for more than two classes. Labels may be any ints or strings. ``class_weight``
    (a dict or ``"balanced"``) multiplies sample weights per class. The default optimiser,
    Adam at 0.01, is insensitive to the scale of the features.
    """

    _fitted_attributes = _SGDBase._fitted_attributes + ("classes_",)

    def __init__(self, loss: str = "log_loss", *, loss_params: Optional[dict] = None,
                 penalty: Optional[str] = "l2", alpha: float = 1e-4, l1_ratio: float = 0.15,
                 fit_intercept: bool = True, optimizer: str = "adam", learning_rate: float = 0.01,
                 optimizer_params: Optional[dict] = None, schedule: str = "constant",
                 schedule_params: Optional[dict] = None, max_grad_norm: Optional[float] = None,
                 batch_size: int = 32, max_epochs: int = 100, tol: Optional[float] = 1e-3,
                 n_iter_no_change: int = 5, early_stopping: bool = False,
                 validation_fraction: float = 0.1, shuffle: bool = True, random_state: Any = None,
                 warm_start: bool = False, class_weight: Any = None,
                 callbacks: Optional[Sequence[Any]] = None, n_threads: Optional[int] = None) -> None:
        self._store_params(locals())

    def _core_loss_name(self, n_classes: int) -> str:
        if self.loss not in _CLASSIFICATION_LOSSES:
            raise ValueError(f"loss: {self.loss!r} is not a classification loss; choose one of "
                             f"{', '.join(_CLASSIFICATION_LOSSES)}")
        if self.loss == "log_loss":
            return "binary_log_loss" if n_classes == 2 else "multinomial_log_loss"
        return self.loss

    def _n_outputs_per_head(self) -> int:
        return len(self.classes_) if self._loss_name == "multinomial_log_loss" else 1

    def fit(self, X: Any, y: Any, sample_weight: Any = None, *,
            validation_data: Optional[tuple[Any, Any]] = None) -> "SGDClassifier":
        """Fit from scratch (or from the current model with ``warm_start=True``)."""
        return self._fit(X, y, sample_weight, validation_data, classes=None, partial=False)

    def partial_fit(self, X: Any, y: Any, classes: Any = None, sample_weight: Any = None) -> "SGDClassifier":
        """One epoch over (X, y), continuing from the current parameters and optimiser state.
        The first call needs ``classes`` (every label that will ever be seen)."""
        return self._fit(X, y, sample_weight, None, classes=classes, partial=True)

    def _fit(self, X: Any, y: Any, sample_weight: Any, validation_data: Any, classes: Any,
             partial: bool) -> "SGDClassifier":
        settings = self._checked_settings()
        continuing = self._is_fitted() and (partial or self.warm_start)
        X = self._prepare_X(X, reset=not continuing)
        y_index = self._fit_labels(y, X.shape[0], classes, continuing, partial)
        n_classes = len(self.classes_)
        loss_name = self._core_loss_name(n_classes)
        spec = self._loss_spec(loss_name)
        w = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        class_w = self._class_weights(y_index, n_classes, X.dtype)
        if class_w is not None:
            w = class_w if w is None else w * class_w
        dtype = self._params.dtype if continuing else X.dtype
        X = X.astype(dtype, copy=False)
        w = None if w is None else w.astype(dtype, copy=False)
        if not continuing:
            self._seed = check_random_state(self.random_state)
            self._loss_name = loss_name
            n_outputs = n_classes if loss_name == "multinomial_log_loss" else 1
            n_heads = n_classes if (loss_name in ("hinge", "squared_hinge") and n_classes > 2) else 1
            self._init_training_state(n_heads, n_outputs * (X.shape[1] + (1 if self.fit_intercept else 0)), dtype, settings)
        targets = self._head_targets(y_index, dtype)
        validation = None
        if validation_data is not None:
            X_val = self._prepare_X(validation_data[0], reset=False).astype(dtype, copy=False)
            y_val = self._encode_labels(check_targets(validation_data[1], X_val.shape[0], "y_val"), "y_val")
            validation = (X_val, self._head_targets(y_val, dtype), None)
        elif self.early_stopping and not partial:
            train_rows, val_rows = self._validation_split(X.shape[0])
            validation = (np.ascontiguousarray(X[val_rows]), [t[val_rows] for t in targets],
                          None if w is None else w[val_rows])
            X = np.ascontiguousarray(X[train_rows])
            targets = [t[train_rows] for t in targets]
            w = None if w is None else w[train_rows]
        self._train(X, targets, w, validation, self._n_outputs_per_head(), spec, settings,
                    1 if partial else settings["max_epochs"], early_stop=not partial)
        return self

    def _head_targets(self, y_index: np.ndarray, dtype: np.dtype) -> list[np.ndarray]:
        """Targets of each head: class indices (multinomial), 0/1 (binary), or one 0/1 target
        per class (one-vs-rest)."""
        if self._params.shape[0] > 1:
            return [np.ascontiguousarray(y_index == k, dtype=dtype) for k in range(len(self.classes_))]
        return [np.ascontiguousarray(y_index, dtype=dtype)]

    @property
    def predict_proba(self) -> Any:
        """Class probabilities (log loss only): sigmoid or softmax of the raw scores."""
        if self.loss != "log_loss":
            raise AttributeError(f"predict_proba is not available for loss={self.loss!r}")
        return self._predict_proba

    @property
    def predict_log_proba(self) -> Any:
        if self.loss != "log_loss":
            raise AttributeError(f"predict_log_proba is not available for loss={self.loss!r}")
        return lambda X: np.log(np.clip(self._predict_proba(X), 1e-300, None))


class _ClosedFormBase(TraincoreEstimator):
    """Least squares with an optional ridge penalty, solved in closed form by the core."""

    fit_intercept: bool
    n_threads: Optional[int]
    coef_: np.ndarray
    intercept_: float
    n_features_in_: int

    _fitted_attributes = ("coef_", "intercept_", "rank_", "n_features_in_")

    def _fit_closed_form(self, X: Any, y: Any, sample_weight: Any, alpha: float) -> "_ClosedFormBase":
        names = feature_names_of(X)
        X = check_X(X)
        y = check_regression_targets(check_targets(y, X.shape[0]), X.dtype)
        w = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise TypeError(f"fit_intercept: expected True or False, got {self.fit_intercept!r}")
        result = _core.least_squares(X, y, w, bool(self.fit_intercept), alpha, check_n_threads(self.n_threads))
        self.n_features_in_ = X.shape[1]
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.coef_ = result["coef"].astype(X.dtype)
        self.intercept_ = float(result["intercept"])
        self.rank_ = int(result["rank"])
        return self

    def predict(self, X: Any) -> np.ndarray:
        self._check_is_fitted()
        X = check_X(X, dtype=self.coef_.dtype)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                             f"{self.n_features_in_} features as input.")
        params = np.append(self.coef_, self.coef_.dtype.type(self.intercept_))
        return _core.predict_linear(X, params, 1, True)[:, 0]

    score = SGDRegressor.score

    def _check_fitted_state(self) -> None:
        if self.coef_.shape != (self.n_features_in_,) or not np.isfinite(self.coef_).all():
            raise ValueError("coef_ does not match n_features_in_ or is not finite")

    def __sklearn_tags__(self) -> Any:
        from ._sklearn import regressor_tags
        return regressor_tags(self)


class LinearRegression(_ClosedFormBase):
    """Ordinary least squares in closed form: the normal equations, accumulated in double over
    fixed row blocks (SIMD, parallel) and solved by Cholesky, with the minimum-norm solution of
    ``numpy.linalg.lstsq`` when X is rank-deficient. ``rank_`` is the rank found."""

    def __init__(self, *, fit_intercept: bool = True, n_threads: Optional[int] = None) -> None:
        self._store_params(locals())

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "LinearRegression":
        return self._fit_closed_form(X, y, sample_weight, 0.0)  # type: ignore[return-value]


class Ridge(_ClosedFormBase):
    """Least squares with an L2 penalty ``alpha ||coef||^2`` (the intercept is not penalised),
    in closed form: ``(Xc^T Xc + alpha I) coef = Xc^T yc`` by Cholesky."""

    alpha: float

    def __init__(self, alpha: float = 1.0, *, fit_intercept: bool = True,
                 n_threads: Optional[int] = None) -> None:
        self._store_params(locals())

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "Ridge":
        alpha = positive_number(self.alpha, "alpha", allow_zero=True)
        return self._fit_closed_form(X, y, sample_weight, alpha)  # type: ignore[return-value]


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped before reaching its tolerance."""


class LogisticRegression(_LinearClassifierMixin, TraincoreEstimator):
    """L2-regularised logistic regression, binary or multinomial (softmax over the classes),
    with scikit-learn's objective

        (1 / sw) * sum_i w_i * log_loss_i + ||W||^2 / (2 C sw)     (intercepts not penalised)

    solved by an L-BFGS in the core (strong-Wolfe line search) to ``tol`` on the largest
    gradient component. Labels may be any ints or strings; ``class_weight`` is a dict or
    ``"balanced"``; ``warm_start`` starts from the previous solution.
    """

    _fitted_attributes = ("coef_", "intercept_", "classes_", "n_features_in_", "n_iter_")
    C: float
    fit_intercept: bool
    tol: float
    max_iter: int
    warm_start: bool
    n_threads: Optional[int]
    coef_: np.ndarray
    intercept_: np.ndarray
    n_features_in_: int

    def __init__(self, C: float = 1.0, *, fit_intercept: bool = True, tol: float = 1e-4,
                 max_iter: int = 100, class_weight: Any = None, warm_start: bool = False,
                 n_threads: Optional[int] = None) -> None:
        self._store_params(locals())

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "LogisticRegression":
        C = positive_number(self.C, "C")
        tol = positive_number(self.tol, "tol", allow_zero=True)
        max_iter = int(optional_int(self.max_iter, "max_iter", 1) or 0)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise TypeError(f"fit_intercept: expected True or False, got {self.fit_intercept!r}")
        names = feature_names_of(X)
        X = check_X(X)
        previous = (self.coef_, self.intercept_, self.classes_) if self.warm_start and self._is_fitted() else None
        y_index = self._fit_labels(y, X.shape[0], None, continuing=False, partial=False)
        labels = self.classes_
        n_classes = len(labels)
        w = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        class_w = self._class_weights(y_index, n_classes, X.dtype)
        if class_w is not None:
            w = class_w if w is None else w * class_w
        n_outputs = 1 if n_classes == 2 else n_classes
        initial = None
        if previous is not None and previous[0].shape == (n_outputs, X.shape[1]) \
                and np.array_equal(previous[2], labels):
            parts = [previous[0].ravel()] + ([previous[1]] if self.fit_intercept else [])
            initial = np.ascontiguousarray(np.concatenate(parts), dtype=np.float64)
        result = _core.fit_logistic(X, np.ascontiguousarray(y_index, dtype=X.dtype), w, n_outputs,
                                    bool(self.fit_intercept), C, tol, max_iter,
                                    check_n_threads(self.n_threads), initial)
        if not result["converged"]:
            warnings.warn(f"lbfgs did not converge in {max_iter} iterations ({result['message']}; largest "
                          f"gradient {result['gradient_max']:.3g} > tol={tol}); increase max_iter or scale the data",
                          _sklearn_compatible(ConvergenceWarning, "ConvergenceWarning"), stacklevel=2)
        params = result["params"].astype(X.dtype)
        d = X.shape[1]
        self.coef_ = params[:n_outputs * d].reshape(n_outputs, d)
        self.intercept_ = params[n_outputs * d:] if self.fit_intercept else np.zeros(n_outputs, X.dtype)
        self.n_iter_ = np.array([result["n_iter"]], dtype=np.int64)
        self.n_features_in_ = d
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return self

    def _raw(self, X: Any) -> np.ndarray:
        self._check_is_fitted()
        X = check_X(X, dtype=self.coef_.dtype)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                             f"{self.n_features_in_} features as input.")
        params = np.concatenate([self.coef_.ravel(), self.intercept_]).astype(self.coef_.dtype)
        return _core.predict_linear(X, params, self.coef_.shape[0], True)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities: sigmoid (binary) or softmax of the raw scores."""
        return self._predict_proba(X)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        return np.log(np.clip(self._predict_proba(X), 1e-300, None))

    def _check_fitted_state(self) -> None:
        k = 1 if len(self.classes_) == 2 else len(self.classes_)
        if self.coef_.shape != (k, self.n_features_in_) or self.intercept_.shape != (k,):
            raise ValueError("coef_ / intercept_ do not match the classes and features")
        if not (np.isfinite(self.coef_).all() and np.isfinite(self.intercept_).all()):
            raise ValueError("the coefficients are not finite")
