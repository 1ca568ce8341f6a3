"""Optimisers and learning-rate schedules for your own training loop, run by the C++ core.

An optimiser holds named numpy parameter arrays and updates them in place::

    w = np.zeros((10, 3), np.float32); b = np.zeros(3, np.float32)
    opt = Adam({"w": w, "b": b}, lr=1e-3)
    for epoch in range(100):
        grads = {"w": compute_dw(w, b), "b": compute_db(w, b)}
        opt.step(grads)                  # w and b are updated in place

Every rule follows ``torch.optim``'s documented update and defaults, hyper-parameter for
hyper-parameter, and keeps its state under torch's names (``exp_avg``, ``momentum_buffer`` ...).
Each step is one fused SIMD loop over parameters, gradients and state, parallel over fixed
blocks, so the result is bit-identical for any ``n_threads``.

``max_grad_norm`` clips the global L2 norm of the gradients inside the step (the gradient
arrays themselves are not modified); ``clip_grad_norm`` does it in place, as
``torch.nn.utils.clip_grad_norm_``. Schedulers (``StepLR``, ``CosineAnnealingLR`` ...) change an
optimiser's ``lr`` each time their ``step()`` is called, as ``torch.optim.lr_scheduler``.
"""
from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Optional, Union

import numpy as np

from . import _core
from ._validation import (
    check_bool, check_int, check_n_threads, check_number, check_writable_array,
)

__all__ = [
    "Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "get_optimizer", "OPTIMIZERS",
    "clip_grad_norm", "global_norm",
    "LRScheduler", "StepLR", "ExponentialLR", "InverseScalingLR", "CosineAnnealingLR", "LinearLR",
    "ConstantLR", "learning_rate",
]

Params = Union[Mapping[str, np.ndarray], Iterable[tuple[str, np.ndarray]]]


def _named_arrays(params: Params) -> dict[str, np.ndarray]:
    items: list[tuple[Any, Any]] = []
    if isinstance(params, Mapping):
        items = list(params.items())
    else:
        try:
            for name, array in params:
                items.append((name, array))
        except (TypeError, ValueError):
            raise TypeError("params: expected a dict of name -> numpy array") from None
    named: dict[str, np.ndarray] = {}
    for name, array in items:
        if not isinstance(name, str):
            raise TypeError(f"params: parameter names must be strings, got {name!r}")
        if name in named:
            raise ValueError(f"params: duplicate parameter name {name!r}")
        named[name] = check_writable_array(array, f"params[{name!r}]")
    if not named:
        raise ValueError("params: the optimiser needs at least one parameter array")
    dtypes = {a.dtype for a in named.values()}
    if len(dtypes) > 1:
        raise TypeError(f"params: all parameters must share one dtype, got {sorted(map(str, dtypes))}")
    names = list(named)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            if np.may_share_memory(named[first], named[second]):
                raise ValueError(f"params: {first!r} and {second!r} share memory")
    return named


class Optimizer:
    """Base class. Subclasses give the hyper-parameters and the core config type."""

    name: ClassVar[str]
    #: The hyper-parameters, in the order of the constructor's arguments.
    _hyperparameter_names: ClassVar[tuple[str, ...]]

    def __init__(self, params: Params, *, max_grad_norm: Optional[float] = None,
                 n_threads: Optional[int] = None, **hyperparameters: Any) -> None:
        self._params = _named_arrays(params)
        self._n_threads = check_n_threads(n_threads)
        self.max_grad_norm = max_grad_norm
        self._set_hyperparameters(hyperparameters)
        self.step_count = 0
        self._state = {
            name: {buf: self._initial_state(buf, p) for buf in self._config.state_names}
            for name, p in self._params.items()
        }

    # -- hyper-parameters -------------------------------------------------------------------
    def _set_hyperparameters(self, hyperparameters: Mapping[str, Any]) -> None:
        self._config = self._make_config(hyperparameters)
        self._hyperparameters = dict(hyperparameters)
        self._lr = float(hyperparameters["lr"])

    def _make_config(self, hyperparameters: Mapping[str, Any]) -> Any:
        """The core's validated config; raises naming a missing, unknown or bad value."""
        if not isinstance(hyperparameters, Mapping):
            raise TypeError("hyperparameters: expected a dict")
        missing = [k for k in self._hyperparameter_names if k not in hyperparameters]
        unknown = [k for k in hyperparameters if k not in self._hyperparameter_names]
        if missing or unknown:
            raise ValueError(f"hyperparameters: missing {missing}, unknown {unknown} for {self.name!r}")
        return self._config_from(hyperparameters)

    @classmethod
    def _config_from(cls, h: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def _initial_state(self, buffer_name: str, param: np.ndarray) -> np.ndarray:
        return np.zeros_like(param)

    @property
    def lr(self) -> float:
        """The learning rate of the next step. It starts at the ``lr`` given (which must be
        > 0); schedulers change it, and may take it down to 0."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        value = check_number(value, "lr")
        if value < 0:
            raise ValueError(f"lr: the learning rate must be >= 0, got {value}")
        self._lr = value

    @property
    def max_grad_norm(self) -> Optional[float]:
        return self._max_grad_norm

    @max_grad_norm.setter
    def max_grad_norm(self, value: Optional[float]) -> None:
        if value is not None:
            value = check_number(value, "max_grad_norm")
            if value <= 0:
                raise ValueError(f"max_grad_norm: must be None or > 0, got {value}")
        self._max_grad_norm = value

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return dict(self._hyperparameters)

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The parameter arrays (the caller's own arrays, updated in place)."""
        return dict(self._params)

    @property
    def state(self) -> dict[str, dict[str, np.ndarray]]:
        """The state buffers per parameter, under torch.optim's names."""
        return {name: dict(buffers) for name, buffers in self._state.items()}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self._hyperparameters.items())
        return f"{type(self).__name__}([{', '.join(self._params)}], {params})"

    # -- the step ---------------------------------------------------------------------------
    def step(self, grads: Mapping[str, np.ndarray]) -> Optional[float]:
        """Update every parameter in place from its gradient (a dict keyed like ``params``).

        Returns the global gradient norm before clipping when ``max_grad_norm`` is set."""
        if not isinstance(grads, Mapping):
            raise TypeError("grads: expected a dict of name -> gradient array")
        missing = [name for name in self._params if name not in grads]
        if missing:
            raise ValueError(f"grads: no gradient for parameter(s) {missing}")
        unknown = [name for name in grads if name not in self._params]
        if unknown:
            raise ValueError(f"grads: unknown parameter name(s) {unknown}")
        grad_list = []
        for name, param in self._params.items():
            grad = grads[name]
            label = f"grads[{name!r}]"
            if not isinstance(grad, np.ndarray):
                raise TypeError(f"{label}: expected a numpy array, got {type(grad).__name__}")
            if grad.dtype != param.dtype:
                raise TypeError(f"{label}: dtype {grad.dtype} differs from the parameter's {param.dtype}")
            if grad.shape != param.shape:
                raise ValueError(f"{label}: shape {grad.shape} differs from the parameter's {param.shape}")
            if not grad.flags.c_contiguous:
                raise ValueError(f"{label}: array is not C-contiguous")
            for other_name, other in self._params.items():
                if np.may_share_memory(grad, other):
                    raise ValueError(f"{label}: shares memory with the parameter {other_name!r}")
            grad_list.append(grad)
        state_lists = [list(self._state[name].values()) for name in self._params]
        norm = _core.optimizer_step(
            self._config, list(self._params.values()), grad_list, state_lists,
            self.step_count + 1, self.lr, self._max_grad_norm or 0.0, self._n_threads,
        )
        self.step_count += 1
        return norm if self._max_grad_norm is not None else None

    # -- checkpoints ------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """A copy of the optimiser's state: hyper-parameters, step count and state buffers."""
        return {
            "optimizer": self.name,
            "hyperparameters": dict(self._hyperparameters),
            "max_grad_norm": self._max_grad_norm,
            "lr": self._lr,
            "step": self.step_count,
            "state": {name: {buf: a.copy() for buf, a in buffers.items()}
                      for name, buffers in self._state.items()},
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a state saved by ``state_dict()`` of the same kind of optimiser over
        parameters with the same names and shapes. Nothing changes when it raises."""
        if not isinstance(state_dict, Mapping):
            raise TypeError("state_dict: expected the dict returned by state_dict()")
        for key in ("optimizer", "hyperparameters", "step", "state"):
            if key not in state_dict:
                raise ValueError(f"state_dict: missing the key {key!r}")
        if state_dict["optimizer"] != self.name:
            raise ValueError(
                f"state_dict: saved by a {state_dict['optimizer']!r} optimiser, cannot load into {self.name!r}"
            )
        step = check_int(state_dict["step"], "state_dict['step']", 0)
        saved = state_dict["state"]
        if not isinstance(saved, Mapping) or set(saved) != set(self._params):
            got = sorted(saved) if isinstance(saved, Mapping) else saved
            raise ValueError(
                f"state_dict: parameter names {got} do not match the optimiser's {sorted(self._params)}"
            )
        config = self._make_config(state_dict["hyperparameters"])
        expected_buffers = list(config.state_names)
        for name, param in self._params.items():
            buffers = saved[name]
            if not isinstance(buffers, Mapping) or list(buffers) != expected_buffers:
                raise ValueError(
                    f"state_dict: parameter {name!r} has state {list(buffers) if isinstance(buffers, Mapping) else buffers}, "
                    f"expected {expected_buffers}"
                )
            for buf, array in buffers.items():
                array = np.asarray(array)
                if array.shape != param.shape:
                    raise ValueError(
                        f"state_dict: {name!r}/{buf!r} has shape {array.shape}, the parameter has {param.shape}"
                    )
                if array.dtype.kind != "f":
                    raise TypeError(f"state_dict: {name!r}/{buf!r} has dtype {array.dtype}, expected floats")
        lr = check_number(state_dict.get("lr", state_dict["hyperparameters"]["lr"]), "state_dict['lr']")
        if lr < 0:
            raise ValueError(f"state_dict: the learning rate must be >= 0, got {lr}")
        self.max_grad_norm = state_dict.get("max_grad_norm")
        self._config = config
        self._hyperparameters = dict(state_dict["hyperparameters"])
        self._lr = lr
        self.step_count = step
        self._state = {
            name: {buf: np.ascontiguousarray(saved[name][buf], dtype=param.dtype).copy()
                   for buf in expected_buffers}
            for name, param in self._params.items()
        }


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, dampening, Nesterov and weight decay
    (torch.optim.SGD)."""

    name = "sgd"
    _hyperparameter_names = ("lr", "momentum", "dampening", "weight_decay", "nesterov")

    def __init__(self, params: Params, lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False, *,
                 max_grad_norm: Optional[float] = None, n_threads: Optional[int] = None) -> None:
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=nesterov,
                         max_grad_norm=max_grad_norm, n_threads=n_threads)

    @classmethod
    def _config_from(cls, h: Mapping[str, Any]) -> Any:
        return _core.SgdConfig(check_number(h["lr"], "lr"), check_number(h["momentum"], "momentum"),
                               check_number(h["dampening"], "dampening"),
                               check_number(h["weight_decay"], "weight_decay"),
                               check_bool(h["nesterov"], "nesterov"))


def _check_betas(betas: Any) -> tuple[float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas: expected a pair (beta1, beta2), got {betas!r}")
    return check_number(betas[0], "beta1"), check_number(betas[1], "beta2")


class Adam(Optimizer):
    """Adam with the AMSGrad option (torch.optim.Adam); weight decay is added to the gradient."""

    name = "adam"
    _hyperparameter_names = ("lr", "betas", "eps", "weight_decay", "amsgrad")
    _decoupled = False

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False, *,
                 max_grad_norm: Optional[float] = None, n_threads: Optional[int] = None) -> None:
        super().__init__(params, lr=lr, betas=tuple(betas) if isinstance(betas, list) else betas,
                         eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         max_grad_norm=max_grad_norm, n_threads=n_threads)

    @classmethod
    def _config_from(cls, h: Mapping[str, Any]) -> Any:
        beta1, beta2 = _check_betas(h["betas"])
        return _core.AdamConfig(check_number(h["lr"], "lr"), beta1, beta2, check_number(h["eps"], "eps"),
                                check_number(h["weight_decay"], "weight_decay"),
                                check_bool(h["amsgrad"], "amsgrad"), cls._decoupled)


class AdamW(Adam):
    """Adam with decoupled weight decay, ``p <- p (1 - lr wd)`` (torch.optim.AdamW)."""

    name = "adamw"
    _decoupled = True

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 max_grad_norm: Optional[float] = None, n_threads: Optional[int] = None) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, max_grad_norm=max_grad_norm, n_threads=n_threads)


class RMSprop(Optimizer):
    """RMSProp with momentum and the centered variant (torch.optim.RMSprop)."""

    name = "rmsprop"
    _hyperparameter_names = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(self, params: Params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False, *,
                 max_grad_norm: Optional[float] = None, n_threads: Optional[int] = None) -> None:
        super().__init__(params, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                         momentum=momentum, centered=centered, max_grad_norm=max_grad_norm,
                         n_threads=n_threads)

    @classmethod
    def _config_from(cls, h: Mapping[str, Any]) -> Any:
        return _core.RmspropConfig(check_number(h["lr"], "lr"), check_number(h["alpha"], "alpha"),
                                   check_number(h["eps"], "eps"),
                                   check_number(h["weight_decay"], "weight_decay"),
                                   check_number(h["momentum"], "momentum"),
                                   check_bool(h["centered"], "centered"))


class Adagrad(Optimizer):
    """Adagrad with learning-rate decay and weight decay (torch.optim.Adagrad)."""

    name = "adagrad"
    _hyperparameter_names = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, params: Params, lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10, *, max_grad_norm: Optional[float] = None,
                 n_threads: Optional[int] = None) -> None:
        super().__init__(params, lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                         initial_accumulator_value=initial_accumulator_value, eps=eps,
                         max_grad_norm=max_grad_norm, n_threads=n_threads)

    @classmethod
    def _config_from(cls, h: Mapping[str, Any]) -> Any:
        return _core.AdagradConfig(check_number(h["lr"], "lr"), check_number(h["lr_decay"], "lr_decay"),
                                   check_number(h["weight_decay"], "weight_decay"),
                                   check_number(h["initial_accumulator_value"], "initial_accumulator_value"),
                                   check_number(h["eps"], "eps"))

    def _initial_state(self, buffer_name: str, param: np.ndarray) -> np.ndarray:
        return np.full_like(param, self._hyperparameters["initial_accumulator_value"])


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Adam, AdamW, RMSprop, Adagrad)
}


def core_optimizer(name: str, hyperparameters: Mapping[str, Any]) -> tuple[Any, list[str], float]:
    """For estimators: the core config of optimiser ``name`` with torch's defaults for the
    hyper-parameters not given, its state-buffer names, and their initial value."""
    if not isinstance(name, str):
        raise TypeError(f"optimizer: expected an optimiser name, got {name!r}")
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer: unknown optimiser {name!r}; known: {', '.join(OPTIMIZERS)}")
    cls = OPTIMIZERS[name]
    signature = inspect.signature(cls.__init__).parameters
    defaults = {k: signature[k].default for k in cls._hyperparameter_names}
    unknown = sorted(set(hyperparameters) - set(defaults))
    if unknown:
        raise ValueError(f"optimizer_params: {unknown} are not hyper-parameters of {name!r}; "
                         f"known: {sorted(defaults)}")
    h = {**defaults, **hyperparameters}
    config = cls._config_from(h)
    initial = float(h.get("initial_accumulator_value", 0.0))
    return config, list(config.state_names), initial


def get_optimizer(name: str, params: Params, **hyperparameters: Any) -> Optimizer:
    """The optimiser called ``name`` (``"sgd"``, ``"adam"``, ``"adamw"``, ``"rmsprop"``,
    ``"adagrad"``) over ``params``."""
    if not isinstance(name, str):
        raise TypeError(f"optimizer: expected an optimiser name, got {name!r}")
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer: unknown optimiser {name!r}; known: {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name](params, **hyperparameters)


def _gradient_list(grads: Union[Mapping[str, np.ndarray], Iterable[np.ndarray]]) -> list[np.ndarray]:
    items = list(grads.items()) if isinstance(grads, Mapping) else list(enumerate(grads))
    arrays = [check_writable_array(g, f"grads[{k!r}]") for k, g in items]
    if len({a.dtype for a in arrays}) > 1:
        raise TypeError("grads: all arrays must share one dtype")
    return arrays


def global_norm(grads: Union[Mapping[str, np.ndarray], Iterable[np.ndarray]], *,
                n_threads: Optional[int] = None) -> float:
    """The L2 norm of all arrays together, ``sqrt(sum_i ||g_i||^2)``, accumulated in double."""
    return _core.global_norm(_gradient_list(grads), check_n_threads(n_threads))


def clip_grad_norm(grads: Union[Mapping[str, np.ndarray], Iterable[np.ndarray]], max_norm: float, *,
                   n_threads: Optional[int] = None) -> float:
    """Scale the arrays in place by ``min(1, max_norm / (norm + 1e-6))`` so that their global
    L2 norm is at most ``max_norm`` (torch.nn.utils.clip_grad_norm_). Returns the norm before."""
    max_norm = check_number(max_norm, "max_norm")
    return _core.clip_grad_norm(_gradient_list(grads), max_norm, check_n_threads(n_threads))


# -- learning-rate schedules ----------------------------------------------------------------

def learning_rate(kind: str, base_lr: float, t: int, **params: Any) -> float:
    """The learning rate after ``t`` scheduler steps of the schedule ``kind`` ("constant",
    "step", "exponential", "inverse_scaling", "cosine", "linear"), in closed form."""
    if not isinstance(kind, str):
        raise TypeError(f"schedule: expected a schedule name, got {kind!r}")
    config = _core.ScheduleConfig(kind, **params)
    return config.learning_rate(check_number(base_lr, "base_lr"), check_int(t, "t", 0))


class LRScheduler:
    """Sets an optimiser's ``lr`` from a closed-form schedule of the number of ``step()`` calls,
    like torch.optim.lr_scheduler. Every scheduler accepts a linear warm-up:
    ``warmup_steps`` steps rising from ``warmup_start_factor * lr`` to ``lr`` before the
    schedule itself starts."""

    kind: ClassVar[str]

    def __init__(self, optimizer: Optimizer, *, warmup_steps: int = 0,
                 warmup_start_factor: float = 1.0 / 3.0, **params: Any) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer: expected a traincore optimiser, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self._params = dict(params, warmup_steps=check_int(warmup_steps, "warmup_steps", 0),
                            warmup_start_factor=check_number(warmup_start_factor, "warmup_start_factor"))
        self._config = _core.ScheduleConfig(self.kind, **self._params)
        self.base_lr = optimizer.lr
        self.last_step = 0
        optimizer.lr = self._config.learning_rate(self.base_lr, 0)

    def step(self) -> None:
        """Advance one step and set the optimiser's learning rate."""
        self.last_step += 1
        self.optimizer.lr = self._config.learning_rate(self.base_lr, self.last_step)

    def get_last_lr(self) -> float:
        return self.optimizer.lr

    def lr_at(self, t: int) -> float:
        """The learning rate after ``t`` steps."""
        return self._config.learning_rate(self.base_lr, check_int(t, "t", 0))

    def state_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "params": dict(self._params), "base_lr": self.base_lr,
                "last_step": self.last_step}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        if not isinstance(state_dict, Mapping) or state_dict.get("kind") != self.kind:
            raise ValueError(f"state_dict: not the state of a {self.kind!r} schedule")
        config = _core.ScheduleConfig(self.kind, **state_dict["params"])
        self.base_lr = check_number(state_dict["base_lr"], "base_lr")
        self.last_step = check_int(state_dict["last_step"], "last_step", 0)
        self._params = dict(state_dict["params"])
        self._config = config
        self.optimizer.lr = config.learning_rate(self.base_lr, self.last_step)


class ConstantLR(LRScheduler):
    """A constant learning rate (useful with ``warmup_steps``)."""

    kind = "constant"

    def __init__(self, optimizer: Optimizer, *, warmup_steps: int = 0,
                 warmup_start_factor: float = 1.0 / 3.0) -> None:
        super().__init__(optimizer, warmup_steps=warmup_steps, warmup_start_factor=warmup_start_factor)


class StepLR(LRScheduler):
    """``lr * gamma ** (t // step_size)`` (torch's StepLR)."""

    kind = "step"

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, **warmup: Any) -> None:
        super().__init__(optimizer, step_size=check_int(step_size, "step_size", 1),
                         gamma=check_number(gamma, "gamma"), **warmup)


class ExponentialLR(LRScheduler):
    """``lr * gamma ** t`` (torch's ExponentialLR)."""

    kind = "exponential"

    def __init__(self, optimizer: Optimizer, gamma: float, **warmup: Any) -> None:
        super().__init__(optimizer, gamma=check_number(gamma, "gamma"), **warmup)


class InverseScalingLR(LRScheduler):
    """``lr / (t + 1) ** power_t`` (scikit-learn's "invscaling")."""

    kind = "inverse_scaling"

    def __init__(self, optimizer: Optimizer, power_t: float = 0.5, **warmup: Any) -> None:
        super().__init__(optimizer, power_t=check_number(power_t, "power_t"), **warmup)


class CosineAnnealingLR(LRScheduler):
    """``eta_min + (lr - eta_min) (1 + cos(pi t / T_max)) / 2`` (torch's CosineAnnealingLR)."""

    kind = "cosine"

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, **warmup: Any) -> None:
        super().__init__(optimizer, T_max=check_int(T_max, "T_max", 1),
                         eta_min=check_number(eta_min, "eta_min"), **warmup)


class LinearLR(LRScheduler):
    """``lr * (start + (end - start) min(t, total_iters) / total_iters)`` (torch's LinearLR):
    with the defaults, a linear warm-up from lr / 3 to lr over 5 steps."""

    kind = "linear"

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3.0, end_factor: float = 1.0,
                 total_iters: int = 5, **warmup: Any) -> None:
        super().__init__(optimizer, start_factor=check_number(start_factor, "start_factor"),
                         end_factor=check_number(end_factor, "end_factor"),
                         total_iters=check_int(total_iters, "total_iters", 1), **warmup)
