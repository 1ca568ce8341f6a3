"""Reference of the linear model trained by gradient steps, and of one run of the training loop.

Model (K outputs, d features), parameters flat: W (K x d, row-major) then b (K)::

    raw = X W^T + b
    dL/dW = G^T X,  dL/db = sum_i G_i        (G = dL/draw, one row per sample)
    penalty = alpha * (r * |W|_1 + (1 - r) / 2 * ||W||^2),   r = l1_ratio (b is not penalised)
    d penalty / dW = alpha * (r * sign(W) + (1 - r) * W)

The loop, per epoch e (0-based): the rows in the order of the Philox shuffle for (seed, e); per
minibatch, the gradient of the weighted mean loss over the batch plus the penalty gradient; one
optimiser step at learning rate schedule(lr, e).
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .reference_losses import reference_gradient
from .reference_rng import shuffled_order


def split_params(params: np.ndarray, n_features: int, n_outputs: int, fit_intercept: bool
                 ) -> tuple[np.ndarray, np.ndarray]:
    W = np.asarray(params[:n_outputs * n_features], dtype=np.float64).reshape(n_outputs, n_features)
    b = np.asarray(params[n_outputs * n_features:], dtype=np.float64) if fit_intercept else np.zeros(n_outputs)
    return W, b


def reference_forward(X: np.ndarray, params: np.ndarray, n_outputs: int, fit_intercept: bool) -> np.ndarray:
    W, b = split_params(params, X.shape[1], n_outputs, fit_intercept)
    return np.asarray(X, dtype=np.float64) @ W.T + b


def reference_penalty(params: np.ndarray, n_features: int, n_outputs: int, alpha: float,
                      l1_ratio: float) -> tuple[float, np.ndarray]:
    """The penalty's value and its gradient over the whole flat parameter vector."""
    W = np.asarray(params[:n_outputs * n_features], dtype=np.float64)
    value = alpha * (l1_ratio * np.abs(W).sum() + (1 - l1_ratio) * 0.5 * (W ** 2).sum())
    grad = np.zeros(len(params))
    grad[:W.size] = alpha * (l1_ratio * np.sign(W) + (1 - l1_ratio) * W)
    return float(value), grad


def reference_backward(X: np.ndarray, grad_raw: np.ndarray, fit_intercept: bool) -> np.ndarray:
    """Flat gradient (dW, then db) of sum_i grad_raw_i . raw_i."""
    G = np.asarray(grad_raw, dtype=np.float64).reshape(X.shape[0], -1)
    dW = G.T @ np.asarray(X, dtype=np.float64)
    parts = [dW.ravel()] + ([G.sum(axis=0)] if fit_intercept else [])
    return np.concatenate(parts)


def reference_train(X: np.ndarray, y: np.ndarray, sample_weight: Optional[np.ndarray], loss: str,
                    loss_params: dict[str, Any], optimizer: Any, n_outputs: int, fit_intercept: bool,
                    alpha: float, l1_ratio: float, epochs: int, batch_size: int, seed: int,
                    shuffle: bool = True, lr_at_epoch: Optional[Callable[[int], float]] = None,
                    ) -> np.ndarray:
    """Parameters after ``epochs`` epochs of the loop, from zeros, with a reference optimiser
    (``traincore.testing.ReferenceSGD`` ... over a single parameter named "p")."""
    n, d = X.shape
    params = optimizer.params["p"]
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    for epoch in range(epochs):
        if lr_at_epoch is not None:
            optimizer.lr = lr_at_epoch(epoch)
        order = shuffled_order(n, seed, epoch) if shuffle else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            params = optimizer.params["p"]
            raw = reference_forward(X[rows], params, n_outputs, fit_intercept)
            raw = raw if n_outputs > 1 else raw[:, 0]
            g = reference_gradient(loss, y[rows], raw, w[rows], **loss_params) / w[rows].sum()
            grad = reference_backward(X[rows], g, fit_intercept)
            grad += reference_penalty(params, d, n_outputs, alpha, l1_ratio)[1]
            optimizer.step({"p": grad})
    return optimizer.params["p"]
