"""What the estimators trained by traincore's C++ loop share (the SGD linear models and the
MLPs): the checks of the optimiser, schedule and loop parameters, the loss, the validation
split, and the run of the loop with callbacks, history, Ctrl-C and resumable optimiser state."""
from __future__ import annotations

import warnings
from typing import Any, Callable, ClassVar, Optional, Sequence

import numpy as np

from . import _core
from ._validation import check_n_threads, check_X, feature_names_of
from .base import TraincoreEstimator, optional_int
from .callbacks import CallbackList, epoch_logs
from .losses import LOSSES
from .optim import core_optimizer

_PURPOSE_VALIDATION_SPLIT = 2
_HISTORY_KEYS = ("epoch", "loss", "val_loss", "val_score", "lr", "seconds")

#: Trains one head through the core: (head, loop config, epoch hook or None) -> summary dict.
HeadTrainer = Callable[[int, Any, Optional[Callable[[dict[str, Any]], bool]]], dict[str, Any]]


def positive_number(value: Any, name: str, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name}: must be a finite number {'>=' if allow_zero else '>'} 0, got {value}")
    return value


class _GradientTrainedEstimator(TraincoreEstimator):
    """Base of the estimators fit by minibatch gradient steps in the C++ loop.

    Subclasses have these parameters; fitted state: ``_params`` (heads x parameters),
    ``_state`` (heads x optimiser buffers x parameters), ``_step_counts``, ``_epochs_run``,
    ``_seed`` and ``history_``.
    """

    optimizer: str
    learning_rate: float
    optimizer_params: Optional[dict]
    schedule: str
    schedule_params: Optional[dict]
    max_grad_norm: Optional[float]
    batch_size: Any
    max_epochs: int
    tol: Optional[float]
    n_iter_no_change: int
    early_stopping: bool
    validation_fraction: float
    shuffle: bool
    random_state: Any
    warm_start: bool
    callbacks: Optional[Sequence[Any]]
    n_threads: Optional[int]
    loss_params: Optional[dict]

    #: What batch_size="auto" means (None: "auto" is not accepted); the loop clips it to the data.
    _auto_batch_size: ClassVar[Optional[int]] = None
    _seed: int
    _params: np.ndarray
    _state: np.ndarray
    _step_counts: np.ndarray
    _epochs_run: int
    history_: dict[str, list[Any]]
    n_features_in_: int

    def _loop_settings(self) -> dict[str, Any]:
        """The optimiser, schedule and loop parameters checked, as the values the core takes."""
        auto = self._auto_batch_size is not None and isinstance(self.batch_size, str) and self.batch_size == "auto"
        batch_size = self._auto_batch_size if auto else optional_int(self.batch_size, "batch_size", 1)
        max_epochs = optional_int(self.max_epochs, "max_epochs", 1)
        n_iter_no_change = optional_int(self.n_iter_no_change, "n_iter_no_change", 1)
        tol = None if self.tol is None else positive_number(self.tol, "tol", allow_zero=True)
        if not isinstance(self.early_stopping, (bool, np.bool_)):
            raise TypeError(f"early_stopping: expected True or False, got {self.early_stopping!r}")
        fraction = positive_number(self.validation_fraction, "validation_fraction")
        if fraction >= 1:
            raise ValueError(f"validation_fraction: must be in (0, 1), got {fraction}")
        lr = positive_number(self.learning_rate, "learning_rate")
        opt_params = dict(self.optimizer_params or {})
        if "lr" in opt_params:
            raise ValueError("optimizer_params: give the learning rate as learning_rate=, not lr")
        config, state_names, initial = core_optimizer(self.optimizer, {**opt_params, "lr": lr})
        schedule_params = dict(self.schedule_params or {})
        if self.schedule == "cosine":
            schedule_params.setdefault("T_max", max_epochs)
        if not isinstance(self.schedule, str):
            raise TypeError(f"schedule: expected a schedule name, got {self.schedule!r}")
        try:
            schedule = _core.ScheduleConfig(self.schedule, **schedule_params)
        except TypeError as error:
            raise ValueError(f"schedule_params: {error}") from None
        max_grad_norm = 0.0 if self.max_grad_norm is None else positive_number(self.max_grad_norm, "max_grad_norm")
        return dict(batch_size=batch_size, max_epochs=max_epochs,
                    n_iter_no_change=n_iter_no_change if tol is not None else 0, tol=tol or 0.0,
                    optimizer=config, state_names=state_names, initial_state=initial,
                    schedule=schedule, max_grad_norm=max_grad_norm,
                    n_threads=check_n_threads(self.n_threads))

    def _loss_spec(self, name: str) -> Any:
        params = dict(self.loss_params or {})
        if name not in LOSSES:
            raise ValueError(f"loss: unknown loss {name!r}")
        try:
            loss = LOSSES[name](**params)
        except TypeError as error:
            raise ValueError(f"loss_params: {error}") from None
        return loss._spec

    def _init_training_state(self, n_heads: int, n_params: int, dtype: np.dtype,
                             settings: dict[str, Any]) -> None:
        self._params = np.zeros((n_heads, n_params), dtype=dtype)
        self._state = np.full((n_heads, len(settings["state_names"]), n_params),
                              settings["initial_state"], dtype=dtype)
        self._step_counts = np.zeros(n_heads, dtype=np.int64)
        self._epochs_run = 0
        self.history_ = {key: [] for key in _HISTORY_KEYS}

    def _validation_split(self, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
        """Sorted (training rows, validation rows), drawn from the seed."""
        order = _core.shuffled_indices(n_samples, self._seed, _PURPOSE_VALIDATION_SPLIT, 0)
        n_validation = max(1, int(round(self.validation_fraction * n_samples)))
        if n_validation >= n_samples:
            raise ValueError(f"validation_fraction: leaves no training data with {n_samples} samples")
        return np.sort(order[n_validation:]), np.sort(order[:n_validation])

    def _run_loop(self, train_head: HeadTrainer, settings: dict[str, Any], epochs: int,
                  early_stop: bool, head_labels: Optional[np.ndarray] = None) -> None:
        """Runs the C++ loop for every head (one, or one per class for one-vs-rest) for up to
        ``epochs`` more epochs, with the callbacks; head 0's epochs go into ``history_``."""
        self._set_public_attributes()  # fitted attributes are live views during the fit
        callbacks = CallbackList(self.callbacks)
        callbacks.on_fit_begin(self)
        first_epoch = self._epochs_run
        loop = _core.LoopConfig(
            max_epochs=first_epoch + epochs, first_epoch=first_epoch, batch_size=settings["batch_size"],
            shuffle=bool(self.shuffle), seed=self._seed, tol=settings["tol"],
            n_iter_no_change=settings["n_iter_no_change"] if early_stop else 0,
            restore_best=True, schedule=settings["schedule"], n_threads=settings["n_threads"])
        last_logs: dict[str, Any] = {}
        epochs_run = []
        n_heads = self._params.shape[0]
        for head in range(n_heads):
            def on_epoch_end(stats: dict[str, Any], head: int = head) -> bool:
                nonlocal last_logs
                logs = epoch_logs(stats)
                if head_labels is not None:
                    label = head_labels[head]
                    logs["class"] = label.item() if hasattr(label, "item") else label
                last_logs = logs
                if head == 0:
                    for key in self.history_:
                        self.history_[key].append(logs[key])
                return callbacks.on_epoch_end(self, logs)

            result = train_head(head, loop, on_epoch_end if (self.callbacks or head == 0) else None)
            self._step_counts[head] = result["step_count"]
            epochs_run.append(result["epochs_run"])
            if result["reason"] == "interrupted":
                warnings.warn(f"fit interrupted (Ctrl-C) in epoch {first_epoch + result['epochs_run'] + 1}; "
                              "the model keeps the parameters of its last step and can be used or fit further",
                              RuntimeWarning, stacklevel=4)
                break
        self._epochs_run = first_epoch + max(epochs_run)
        self.n_iter_ = max(epochs_run)
        self.t_ = int(self._step_counts.max())
        self._set_public_attributes()
        callbacks.on_fit_end(self, last_logs)

    def _prepare_X(self, X: Any, reset: bool) -> np.ndarray:
        names = feature_names_of(X)
        X = check_X(X)
        if reset:
            self.n_features_in_ = X.shape[1]
            if names is not None:
                self.feature_names_in_ = names
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        elif X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                             f"{self.n_features_in_} features as input.")
        return X

    def _set_public_attributes(self) -> None:
        raise NotImplementedError

    def _snapshot(self) -> Any:
        return self._params.copy()

    def _restore(self, snapshot: Any) -> None:
        self._params[...] = snapshot
        self._set_public_attributes()

    @property
    def loss_curve_(self) -> list[float]:
        """The mean training loss of every epoch (penalty included)."""
        self._check_is_fitted()
        return list(self.history_["loss"])

    def _check_training_state(self) -> None:
        """Loaded state: consistent shapes, finite parameters."""
        if self._params.ndim != 2 or self._state.ndim != 3 or self._state.shape[0] != self._params.shape[0] \
                or self._state.shape[2] != self._params.shape[1] or self._step_counts.shape != (self._params.shape[0],):
            raise ValueError("parameter and optimiser-state shapes disagree")
        if not np.isfinite(self._params).all():
            raise ValueError("the parameters are not finite")
