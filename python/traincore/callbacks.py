"""Callbacks, called by a fit at epoch boundaries (the only time the C++ loop enters Python).

A callback is an object with any of ``on_fit_begin(estimator)``,
``on_epoch_end(estimator, logs) -> bool`` (True asks the fit to stop) and
``on_fit_end(estimator, logs)``, or a plain callable ``f(logs) -> bool``. ``logs`` holds
``epoch``, ``loss`` (mean training loss of the epoch, penalty included), ``val_loss`` and
``val_score`` (None without validation data), ``lr`` and ``seconds`` (the epoch's wall time).
"""
from __future__ import annotations

import math
import sys
import time
from typing import Any, Callable, Optional, Sequence, TextIO, Union

import numpy as np

__all__ = ["Callback", "History", "EarlyStopping", "ProgressBar", "CallbackList"]


class Callback:
    """Base class: override the hooks you need."""

    def on_fit_begin(self, estimator: Any) -> None:
        pass

    def on_epoch_end(self, estimator: Any, logs: dict[str, Any]) -> bool:
        return False

    def on_fit_end(self, estimator: Any, logs: dict[str, Any]) -> None:
        pass


class History(Callback):
    """Records every epoch's logs: ``history.history["loss"]`` is the list of training losses."""

    def __init__(self) -> None:
        self.history: dict[str, list[Any]] = {}

    def on_epoch_end(self, estimator: Any, logs: dict[str, Any]) -> bool:
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        return False


class EarlyStopping(Callback):
    """Stops when ``monitor`` ("val_loss", "loss" or "val_score") has not improved by more than
    ``min_delta`` for ``patience`` epochs; with ``restore_best`` the estimator ends with the
    parameters of its best epoch."""

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 restore_best: bool = True) -> None:
        if monitor not in ("val_loss", "loss", "val_score"):
            raise ValueError(f"monitor: expected 'val_loss', 'loss' or 'val_score', got {monitor!r}")
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"patience: must be an int >= 1, got {patience!r}")
        if not (isinstance(min_delta, (int, float)) and math.isfinite(min_delta) and min_delta >= 0):
            raise ValueError(f"min_delta: must be a finite number >= 0, got {min_delta!r}")
        self.monitor, self.patience, self.min_delta, self.restore_best = monitor, patience, min_delta, restore_best

    def on_fit_begin(self, estimator: Any) -> None:
        self.best: Optional[float] = None
        self.best_epoch: Optional[int] = None
        self.wait = 0
        self._best_state: Optional[Any] = None

    def on_epoch_end(self, estimator: Any, logs: dict[str, Any]) -> bool:
        value = logs.get(self.monitor)
        if value is None:
            raise ValueError(f"EarlyStopping: the fit reports no {self.monitor!r}; give validation data "
                             "or monitor 'loss'")
        score = -value if self.monitor == "val_score" else value
        if self.best is None or score < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = score, logs["epoch"], 0
            if self.restore_best:
                self._best_state = estimator._snapshot()
        else:
            self.wait += 1
        return self.wait >= self.patience

    def on_fit_end(self, estimator: Any, logs: dict[str, Any]) -> None:
        if self.restore_best and self._best_state is not None:
            estimator._restore(self._best_state)


class ProgressBar(Callback):
    """One line per fit, rewritten each epoch: epoch, loss, validation loss and ETA. Silent when
    ``file`` is not a terminal (logs and pipelines stay clean)."""

    def __init__(self, file: Optional[TextIO] = None, force: bool = False) -> None:
        self.file, self.force = file, force

    def _out(self) -> TextIO:
        return self.file if self.file is not None else sys.stderr

    def _active(self) -> bool:
        out = self._out()
        return self.force or (hasattr(out, "isatty") and out.isatty())

    def on_fit_begin(self, estimator: Any) -> None:
        self._start = time.perf_counter()
        self._total = getattr(estimator, "max_epochs", None)

    def on_epoch_end(self, estimator: Any, logs: dict[str, Any]) -> bool:
        if not self._active():
            return False
        epoch = logs["epoch"]
        elapsed = time.perf_counter() - self._start
        text = f"epoch {epoch}" + (f"/{self._total}" if self._total else "") + f"  loss {logs['loss']:.5g}"
        if logs.get("val_loss") is not None:
            text += f"  val_loss {logs['val_loss']:.5g}"
        if self._total and epoch < self._total:
            text += f"  ETA {elapsed / epoch * (self._total - epoch):.1f}s"
        self._out().write("\r" + text.ljust(70))
        self._out().flush()
        return False

    def on_fit_end(self, estimator: Any, logs: dict[str, Any]) -> None:
        if self._active():
            self._out().write("\n")
            self._out().flush()


CallbackLike = Union[Callback, Callable[[dict[str, Any]], Any]]


class CallbackList:
    """Runs an estimator's callbacks in order; any of them may ask to stop."""

    def __init__(self, callbacks: Optional[Sequence[CallbackLike]]) -> None:
        if callbacks is None:
            callbacks = []
        if isinstance(callbacks, (Callback,)) or callable(callbacks):
            callbacks = [callbacks]  # type: ignore[list-item]
        for cb in callbacks:
            if not (isinstance(cb, Callback) or callable(cb)):
                raise TypeError(f"callbacks: expected Callback objects or callables, got {cb!r}")
        self.callbacks = list(callbacks)

    def on_fit_begin(self, estimator: Any) -> None:
        for cb in self.callbacks:
            if isinstance(cb, Callback):
                cb.on_fit_begin(estimator)

    def on_epoch_end(self, estimator: Any, logs: dict[str, Any]) -> bool:
        stop = False
        for cb in self.callbacks:
            result = cb.on_epoch_end(estimator, logs) if isinstance(cb, Callback) else cb(dict(logs))
            stop = stop or bool(result)
        return stop

    def on_fit_end(self, estimator: Any, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            if isinstance(cb, Callback):
                cb.on_fit_end(estimator, logs)


def epoch_logs(stats: dict[str, Any]) -> dict[str, Any]:
    """The logs passed to callbacks, from the core's per-epoch statistics."""
    def optional(value: float) -> Optional[float]:
        return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)

    return {"epoch": int(stats["epoch"]), "loss": float(stats["train_loss"]),
            "val_loss": optional(stats["validation_loss"]), "val_score": optional(stats["validation_score"]),
            "lr": float(stats["learning_rate"]), "seconds": float(stats["seconds"])}
