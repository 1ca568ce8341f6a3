"""Multilayer perceptrons trained by traincore's C++ loop: ``MLPClassifier`` and ``MLPRegressor``.

The network is ``layer_sizes = [n_features, *hidden_layer_sizes, n_outputs]`` of dense layers
with one hidden activation (``"relu"``, ``"leaky_relu"``, ``"tanh"``, ``"sigmoid"``, ``"gelu"``,
``"identity"``) and a linear output layer whose link the loss folds in: softmax with the
multinomial log loss, sigmoid with the binary log loss, any regression loss of
:mod:`traincore.losses` for regression. All weights and biases live in one flat buffer;
``coefs_[l]`` (fan_in x fan_out) and ``intercepts_[l]`` are views into it.

Each minibatch runs forward, loss gradient, backward and the optimiser step in C++ without the
GIL, on the library's GEMM (threads split output tiles, so the model is bit-identical for any
``n_threads``). Dropout (``dropout`` = rate of the hidden layers, training only) and the
initialisation (He uniform for the rectifiers and GELU, Glorot uniform otherwise) draw from
counter-based streams keyed by ``random_state``.

``alpha`` is the L2 penalty ``alpha / 2 * sum ||W||^2`` added to the mean loss (biases are not
penalised), as ``weight_decay`` in a torch loop with plain SGD. scikit-learn's ``MLPClassifier``
divides its ``alpha`` penalty by the batch size: its ``alpha`` = ours times ``batch_size``.
"""
from __future__ import annotations

import numbers
from typing import Any, ClassVar, Optional, Sequence

import numpy as np

from . import _core
from ._training import _GradientTrainedEstimator, positive_number
from ._validation import check_n_threads, check_regression_targets, check_sample_weight, check_targets
from .base import check_random_state
from .linear_model import SGDRegressor, _LinearClassifierMixin

__all__ = ["MLPClassifier", "MLPRegressor", "ACTIVATIONS"]

ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid", "gelu", "identity")
_REGRESSION_LOSSES = ("squared_error", "absolute_error", "huber", "quantile", "poisson",
                      "epsilon_insensitive")
_OUTPUT_ACTIVATIONS = {"multinomial_log_loss": "softmax", "binary_log_loss": "logistic",
                       "poisson": "exp"}


def _hidden_sizes(value: Any) -> list[int]:
    sizes = [value] if isinstance(value, numbers.Integral) and not isinstance(value, bool) else value
    try:
        sizes = list(sizes)
    except TypeError:
        raise TypeError(f"hidden_layer_sizes: expected an int or a sequence of ints, got {value!r}") from None
    if not sizes:
        raise ValueError("hidden_layer_sizes: needs at least one hidden layer, got an empty sequence")
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral):
            raise TypeError(f"hidden_layer_sizes: expected ints, got {size!r}")
        if size < 1:
            raise ValueError(f"hidden_layer_sizes: every size must be >= 1, got {list(sizes)}")
    return [int(s) for s in sizes]


class _MLPBase(_GradientTrainedEstimator):
    """What MLPClassifier and MLPRegressor share: the network, the fit, persistence."""

    hidden_layer_sizes: Any
    activation: str
    alpha: float
    dropout: float

    _loss_name: str
    _layer_sizes: list[int]
    _auto_batch_size = 200
    _fitted_attributes: ClassVar[tuple[str, ...]] = ("n_features_in_", "n_outputs_", "n_iter_", "t_", "history_", "_params",
                          "_state", "_step_counts", "_epochs_run", "_seed", "_loss_name", "_layer_sizes")

    # -- the network ----------------------------------------------------------------------------
    def _network_settings(self) -> dict[str, Any]:
        hidden = _hidden_sizes(self.hidden_layer_sizes)
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation: unknown activation {self.activation!r}; choose one of "
                             f"{', '.join(ACTIVATIONS)}")
        alpha = positive_number(self.alpha, "alpha", allow_zero=True)
        dropout = positive_number(self.dropout, "dropout", allow_zero=True)
        if dropout >= 1:
            raise ValueError(f"dropout: must be in [0, 1), got {dropout}")
        return dict(self._loop_settings(), hidden=hidden, alpha=alpha, dropout=dropout)

    def _network(self, n_threads: int = 0) -> Any:
        return _core.MlpConfig(self._layer_sizes, self.activation, 0.01, float(self.alpha),
                               float(self.dropout), self._seed, n_threads)

    def _set_public_attributes(self) -> None:
        params = self._params[0]
        coefs, intercepts = [], []
        for l, (w_offset, b_offset) in enumerate(self._network().offsets()):
            fan_in, fan_out = self._layer_sizes[l], self._layer_sizes[l + 1]
            coefs.append(params[w_offset:b_offset].reshape(fan_in, fan_out))
            intercepts.append(params[b_offset:b_offset + fan_out])
        self.coefs_ = coefs
        self.intercepts_ = intercepts
        self.n_layers_ = len(self._layer_sizes)
        self.out_activation_ = _OUTPUT_ACTIVATIONS.get(self._loss_name, "identity")

    # -- the fit --------------------------------------------------------------------------------
    def _fit_network(self, X: np.ndarray, target: np.ndarray, w: Optional[np.ndarray],
                     validation: Optional[tuple[np.ndarray, np.ndarray, Optional[np.ndarray]]],
                     loss_name: str, n_outputs: int, settings: dict[str, Any], continuing: bool,
                     partial: bool) -> None:
        if not continuing:
            self._loss_name = loss_name
            self._layer_sizes = [X.shape[1], *settings["hidden"], n_outputs]
            self.n_outputs_ = n_outputs
            network = self._network()
            self._init_training_state(1, network.n_params, X.dtype, settings)
            _core.mlp_initialize(network, self._seed, self._params[0])
        elif settings["hidden"] != self._layer_sizes[1:-1]:
            raise ValueError(f"hidden_layer_sizes: changed from {self._layer_sizes[1:-1]} since the model "
                             "was fit; warm_start and partial_fit continue the same network")
        network = self._network(settings["n_threads"])
        spec = self._loss_spec(loss_name)

        def train_head(head: int, loop: Any, on_epoch_end: Any) -> dict[str, Any]:
            val_args: tuple[Any, Any, Any] = (None, None, None) if validation is None else validation
            return _core.train_mlp(settings["optimizer"], X, target, w, *val_args, self._params[0],
                                   list(self._state[0]), int(self._step_counts[0]),
                                   settings["max_grad_norm"], network, spec, loop, on_epoch_end)

        self._run_loop(train_head, settings, 1 if partial else settings["max_epochs"], early_stop=not partial)
        if validation is not None:
            self.validation_scores_ = list(self.history_["val_score"])
            self.best_validation_score_ = max(self.validation_scores_) if self.validation_scores_ else None
        self.best_loss_ = min(self.history_["loss"]) if self.history_["loss"] else None

    def _start_fit(self, X: Any, partial: bool) -> tuple[dict[str, Any], bool, np.ndarray]:
        """(checked settings, whether the fit continues the current model, checked X); a new
        fit draws its seed here."""
        settings = self._network_settings()
        continuing = self._is_fitted() and (partial or self.warm_start)
        X = self._prepare_X(X, reset=not continuing)
        if not continuing:
            self._seed = check_random_state(self.random_state)
        return settings, continuing, X

    def _split_validation(self, X: np.ndarray, target: np.ndarray, w: Optional[np.ndarray],
                          validation_data: Any, partial: bool, encode: Any) -> tuple[Any, ...]:
        """(X, target, w, validation): validation data given, split off (early_stopping), or none."""
        if validation_data is not None:
            X_val = self._prepare_X(validation_data[0], reset=False).astype(X.dtype, copy=False)
            y_val = encode(check_targets(validation_data[1], X_val.shape[0], "y_val"), X.dtype)
            return X, target, w, (X_val, y_val, None)
        if self.early_stopping and not partial:
            train_rows, val_rows = self._validation_split(X.shape[0])
            validation = (np.ascontiguousarray(X[val_rows]), target[val_rows], None if w is None else w[val_rows])
            return (np.ascontiguousarray(X[train_rows]), target[train_rows],
                    None if w is None else w[train_rows], validation)
        return X, target, w, None

    # -- prediction -----------------------------------------------------------------------------
    def _raw(self, X: Any) -> np.ndarray:
        self._check_is_fitted()
        X = self._prepare_X(X, reset=False).astype(self._params.dtype, copy=False)
        return _core.mlp_predict(self._network(check_n_threads(self.n_threads)), X, self._params[0])

    def _check_fitted_state(self) -> None:
        self._check_training_state()
        sizes = self._layer_sizes
        if not (isinstance(sizes, list) and len(sizes) >= 3 and all(isinstance(s, int) and s >= 1 for s in sizes)):
            raise ValueError(f"layer sizes {sizes!r} are not a list of at least 3 positive ints")
        if sizes[0] != self.n_features_in_ or sizes[-1] != self.n_outputs_:
            raise ValueError("layer sizes disagree with n_features_in_ / n_outputs_")
        if self._params.shape != (1, self._network().n_params):
            raise ValueError(f"{self._params.shape[1]} parameters, expected {self._network().n_params}")
        self._set_public_attributes()


class MLPClassifier(_LinearClassifierMixin, _MLPBase):
    """A multilayer perceptron classifier: softmax over the classes (multinomial log loss), or
    one sigmoid output (binary log loss) for two classes.

    Parameters follow scikit-learn's ``MLPClassifier`` where the meaning is the same
    (``hidden_layer_sizes``, ``activation``, ``alpha``, ``batch_size``, ``early_stopping``,
    ``validation_fraction``, ``n_iter_no_change``, ``tol``, ``shuffle``, ``random_state``,
    ``warm_start``); the optimiser is any of :mod:`traincore.optim` (``optimizer``,
    ``learning_rate``, ``optimizer_params``), stepped on a ``schedule``; ``max_epochs`` bounds the
    passes over the data. ``batch_size="auto"`` is min(200, n_samples); a larger batch size is
    clipped to the data. Labels may be any ints or strings; ``class_weight`` (a dict or
    ``"balanced"``) and ``sample_weight`` weight the loss.
    """

    _fitted_attributes = _MLPBase._fitted_attributes + ("classes_",)

    def __init__(self, hidden_layer_sizes: Any = (100,), activation: str = "relu", *,
                 alpha: float = 1e-4, dropout: float = 0.0, optimizer: str = "adam",
                 learning_rate: float = 1e-3, optimizer_params: Optional[dict] = None,
                 schedule: str = "constant", schedule_params: Optional[dict] = None,
                 max_grad_norm: Optional[float] = None, batch_size: Any = "auto",
                 max_epochs: int = 200, tol: Optional[float] = 1e-4, n_iter_no_change: int = 10,
                 early_stopping: bool = False, validation_fraction: float = 0.1,
                 shuffle: bool = True, random_state: Any = None, warm_start: bool = False,
                 class_weight: Any = None, callbacks: Optional[Sequence[Any]] = None,
                 n_threads: Optional[int] = None) -> None:
        self._store_params(locals())

    loss_params = None  # the loss is fixed: the log loss

    def fit(self, X: Any, y: Any, sample_weight: Any = None, *,
            validation_data: Optional[tuple[Any, Any]] = None) -> "MLPClassifier":
        """Fit from scratch (or from the current model with ``warm_start=True``)."""
        return self._fit(X, y, sample_weight, validation_data, None, partial=False)

    def partial_fit(self, X: Any, y: Any, classes: Any = None, sample_weight: Any = None) -> "MLPClassifier":
        """One epoch over (X, y), continuing from the current parameters and optimiser state.
        The first call needs ``classes`` (every label that will ever be seen)."""
        return self._fit(X, y, sample_weight, None, classes, partial=True)

    def _fit(self, X: Any, y: Any, sample_weight: Any, validation_data: Any, classes: Any,
             partial: bool) -> "MLPClassifier":
        settings, continuing, X = self._start_fit(X, partial)
        y_index = self._fit_labels(y, X.shape[0], classes, continuing, partial)
        n_classes = len(self.classes_)
        dtype = self._params.dtype if continuing else X.dtype
        X = X.astype(dtype, copy=False)
        w = check_sample_weight(sample_weight, X.shape[0], dtype)
        class_w = self._class_weights(y_index, n_classes, dtype)
        if class_w is not None:
            w = class_w if w is None else w * class_w
        target = np.ascontiguousarray(y_index, dtype=dtype)
        X, target, w, validation = self._split_validation(
            X, target, w, validation_data, partial,
            lambda y_val, dt: np.ascontiguousarray(self._encode_labels(y_val, "y_val"), dtype=dt))
        loss_name = "binary_log_loss" if n_classes == 2 else "multinomial_log_loss"
        self._fit_network(X, target, w, validation, loss_name, 1 if n_classes == 2 else n_classes,
                          settings, continuing, partial)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities: softmax of the outputs (sigmoid for two classes)."""
        return self._predict_proba(X)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        return np.log(np.clip(self._predict_proba(X), 1e-300, None))


class MLPRegressor(_MLPBase):
    """A multilayer perceptron regressor with one output, trained on any regression loss of
    :mod:`traincore.losses` (``loss``, with ``loss_params``; ``"poisson"`` predicts
    ``exp(output)``). Other parameters as :class:`MLPClassifier`."""

    loss: str
    loss_params: Optional[dict]

    def __init__(self, hidden_layer_sizes: Any = (100,), activation: str = "relu", *,
                 loss: str = "squared_error", loss_params: Optional[dict] = None,
                 alpha: float = 1e-4, dropout: float = 0.0, optimizer: str = "adam",
                 learning_rate: float = 1e-3, optimizer_params: Optional[dict] = None,
                 schedule: str = "constant", schedule_params: Optional[dict] = None,
                 max_grad_norm: Optional[float] = None, batch_size: Any = "auto",
                 max_epochs: int = 200, tol: Optional[float] = 1e-4, n_iter_no_change: int = 10,
                 early_stopping: bool = False, validation_fraction: float = 0.1,
                 shuffle: bool = True, random_state: Any = None, warm_start: bool = False,
                 callbacks: Optional[Sequence[Any]] = None, n_threads: Optional[int] = None) -> None:
        self._store_params(locals())

    def fit(self, X: Any, y: Any, sample_weight: Any = None, *,
            validation_data: Optional[tuple[Any, Any]] = None) -> "MLPRegressor":
        """Fit from scratch (or from the current model with ``warm_start=True``)."""
        return self._fit(X, y, sample_weight, validation_data, partial=False)

    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> "MLPRegressor":
        """One epoch over (X, y), continuing from the current parameters and optimiser state."""
        return self._fit(X, y, sample_weight, None, partial=True)

    def _fit(self, X: Any, y: Any, sample_weight: Any, validation_data: Any, partial: bool) -> "MLPRegressor":
        if self.loss not in _REGRESSION_LOSSES:
            raise ValueError(f"loss: {self.loss!r} is not a regression loss; choose one of "
                             f"{', '.join(_REGRESSION_LOSSES)}")
        settings, continuing, X = self._start_fit(X, partial)
        y = y if y is None else np.asarray(y)
        if y is not None and y.ndim == 2 and y.shape[1] > 1:
            raise ValueError(f"y: MLPRegressor fits one target; got {y.shape[1]} columns")
        dtype = self._params.dtype if continuing else X.dtype
        X = X.astype(dtype, copy=False)
        target = check_regression_targets(check_targets(y, X.shape[0]), dtype)
        if self.loss == "poisson" and (target < 0).any():
            raise ValueError("y: the poisson loss needs non-negative targets")
        w = check_sample_weight(sample_weight, X.shape[0], dtype)
        X, target, w, validation = self._split_validation(
            X, target, w, validation_data, partial,
            lambda y_val, dt: check_regression_targets(y_val, dt, "y_val"))
        self._fit_network(X, target, w, validation, self.loss, 1, settings, continuing, partial)
        return self

    def predict(self, X: Any) -> np.ndarray:
        raw = self._raw(X)[:, 0]
        return np.exp(raw) if self._loss_name == "poisson" else raw

    score = SGDRegressor.score

    def __sklearn_tags__(self) -> Any:
        from ._sklearn import regressor_tags
        return regressor_tags(self)
