"""A multilayer perceptron for your own training loop, with :mod:`traincore.optim` and
:mod:`traincore.losses`::

    net = MLP([784, 256, 10], "relu", random_state=0)          # float32 by default
    opt = Adam(net.parameters(), lr=1e-3)
    loss = MultinomialLogLoss()
    for X_batch, y_batch in batches:
        raw = net.forward(X_batch, training=True)
        net.backward(loss.gradient(y_batch, raw) / len(y_batch))  # d mean loss / d raw
        opt.step(net.gradients())

``parameters()`` and ``gradients()`` are named numpy views (``W1``, ``b1``, ``W2`` ...; ``W`` is
fan_in x fan_out) into one flat buffer each, so an optimiser updates the network in place. The
network is the one :class:`traincore.neural_network.MLPClassifier` trains (see its module for
the maths); the forward and backward passes run in C++ without the GIL.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from . import _core
from ._validation import check_n_threads, check_X, check_writable_array
from .base import check_random_state

__all__ = ["MLP"]


class MLP:
    """Dense layers ``layer_sizes = [n_in, hidden..., n_out]`` with one hidden ``activation``
    and a linear output. ``alpha`` adds ``alpha * W`` to the weight gradients (the gradient of
    ``alpha / 2 * sum ||W||^2``, see ``penalty()``); ``dropout`` is the rate applied to hidden
    activations in training forward passes, drawn per ``step`` from ``random_state``'s stream."""

    def __init__(self, layer_sizes: Sequence[int], activation: str = "relu", *,
                 negative_slope: float = 0.01, alpha: float = 0.0, dropout: float = 0.0,
                 dtype: Any = np.float32, random_state: Any = None,
                 n_threads: Optional[int] = None) -> None:
        dtype = np.dtype(dtype)
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise TypeError(f"dtype: expected float32 or float64, got {dtype}")
        try:
            sizes = [int(s) for s in layer_sizes]
        except (TypeError, ValueError):
            raise TypeError(f"layer_sizes: expected a sequence of ints, got {layer_sizes!r}") from None
        seed = check_random_state(random_state)
        self._config = _core.MlpConfig(sizes, activation, float(negative_slope), float(alpha),
                                       float(dropout), seed, check_n_threads(n_threads))
        self._network = (_core.MlpFloat32 if dtype == np.float32 else _core.MlpFloat64)(self._config)
        self.params = np.zeros(self._config.n_params, dtype=dtype)
        self.grads = np.zeros_like(self.params)
        _core.mlp_initialize(self._config, seed, self.params)
        #: Optimiser steps taken (counted by backward); keys the dropout draws of each step.
        self.step = 0
        self._names: list[tuple[str, slice, tuple[int, ...]]] = []
        for l, (w, b) in enumerate(self._config.offsets()):
            fan_in, fan_out = sizes[l], sizes[l + 1]
            self._names.append((f"W{l + 1}", slice(w, b), (fan_in, fan_out)))
            self._names.append((f"b{l + 1}", slice(b, b + fan_out), (fan_out,)))

    @property
    def layer_sizes(self) -> list[int]:
        return list(self._config.layer_sizes)

    def _views(self, buffer: np.ndarray) -> dict[str, np.ndarray]:
        return {name: buffer[where].reshape(shape) for name, where, shape in self._names}

    def parameters(self) -> dict[str, np.ndarray]:
        """Named views of the weights and biases (writing to them changes the network)."""
        return self._views(self.params)

    def gradients(self) -> dict[str, np.ndarray]:
        """Named views of the gradients of the last ``backward``."""
        return self._views(self.grads)

    def forward(self, X: Any, training: bool = False) -> np.ndarray:
        """Raw outputs (n_samples, n_out). ``training=True`` applies dropout and keeps the
        activations that ``backward`` needs."""
        X = check_X(X, dtype=self.params.dtype)
        check_writable_array(self.params, "params")
        return self._network.forward(X, self.params, bool(training), self.step)

    __call__ = forward

    def backward(self, grad_output: Any) -> dict[str, np.ndarray]:
        """Gradients of ``sum(grad_output * raw)`` over the last training forward's rows (pass
        the derivative of your loss with respect to the raw outputs), plus the penalty's; fills
        and returns ``gradients()`` and counts a step."""
        grad_output = np.ascontiguousarray(grad_output, dtype=self.params.dtype)
        if grad_output.ndim == 1:
            grad_output = grad_output.reshape(-1, 1)
        self._network.backward(grad_output, self.params, self.grads)
        self.step += 1
        return self.gradients()

    def penalty(self) -> float:
        """``alpha / 2 * sum ||W||^2``."""
        return float(self._network.penalty(self.params))
