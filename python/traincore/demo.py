"""The demo: logistic regression on real data, trained with every optimiser of traincore.optim
through the low-level API (a hand-written minibatch loop), and a table of the results.

The loop is the one a user writes for a custom model: forward pass ``raw = X w + b``, the loss
and its gradient with respect to ``raw`` from ``traincore.losses``, the backward pass
``dL/dw = X^T g / n``, ``dL/db = mean(g)``, and ``optimizer.step(grads)``.
"""
from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from . import optim
from .datasets import load_breast_cancer
from .losses import BinaryLogLoss

# Each optimiser with a learning rate suited to it (and its other options left at torch's
# defaults unless named).
OPTIMIZER_SETTINGS: list[tuple[str, Callable[..., optim.Optimizer], dict[str, Any]]] = [
    ("SGD", optim.SGD, {"lr": 0.1}),
    ("SGD momentum + Nesterov", optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adam", optim.Adam, {"lr": 0.01}),
    ("Adam AMSGrad", optim.Adam, {"lr": 0.01, "amsgrad": True}),
    ("AdamW", optim.AdamW, {"lr": 0.01, "weight_decay": 0.01}),
    ("RMSprop", optim.RMSprop, {"lr": 0.005}),
    ("RMSprop centered + momentum", optim.RMSprop, {"lr": 0.002, "momentum": 0.9, "centered": True}),
    ("Adagrad", optim.Adagrad, {"lr": 0.1}),
]


def _split_and_standardise(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    data = load_breast_cancer()
    order = np.random.default_rng(seed).permutation(len(data.y))
    n_test = len(order) // 4
    test, train = order[:n_test], order[n_test:]
    mean, std = data.X[train].mean(axis=0), data.X[train].std(axis=0)
    X = (data.X - mean) / std
    return X[train], data.y[train], X[test], data.y[test]


def train_logistic(make_optimizer: Callable[..., optim.Optimizer], hyper: dict[str, Any],
                   X: np.ndarray, y: np.ndarray, epochs: int, batch_size: int, seed: int,
                   ) -> tuple[np.ndarray, float, list[float]]:
    """Minibatch training of a logistic model: returns the parameters (w then b), the final
    training loss and the training loss after each epoch."""
    rng = np.random.default_rng(seed)
    w = np.zeros(X.shape[1])
    b = np.zeros(1)
    opt = make_optimizer({"w": w, "b": b}, **hyper)
    schedule = optim.CosineAnnealingLR(opt, T_max=epochs, warmup_steps=2)
    loss = BinaryLogLoss()
    curve = []
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            Xb, yb = X[batch], y[batch]
            g = loss.gradient(yb, Xb @ w + b)
            opt.step({"w": Xb.T @ g / len(yb), "b": np.array([g.mean()])})
        schedule.step()
        curve.append(loss(y, X @ w + b))
    return np.concatenate([w, b]), curve[-1], curve


def run_demo(epochs: int = 30, batch_size: int = 32, seed: int = 0, print_fn: Callable[[str], None] = print,
             ) -> list[dict[str, Any]]:
    """Train with every optimiser and print the table; returns its rows."""
    X_train, y_train, X_test, y_test = _split_and_standardise(seed)
    loss = BinaryLogLoss()
    print_fn(f"traincore demo: logistic regression on breast_cancer ({len(y_train)} train / "
             f"{len(y_test)} test rows, 30 features), {epochs} epochs, batch {batch_size}, "
             "cosine schedule with 2 warm-up epochs")
    header = f"{'optimiser':<30}{'lr':>8}{'loss ep 1':>11}{'loss ep 10':>12}{'final loss':>12}{'test loss':>11}{'test acc':>10}{'time ms':>9}"
    print_fn(header)
    print_fn("-" * len(header))
    rows = []
    for name, make, hyper in OPTIMIZER_SETTINGS:
        start = time.perf_counter()
        params, final, curve = train_logistic(make, hyper, X_train, y_train, epochs, batch_size, seed)
        elapsed = (time.perf_counter() - start) * 1e3
        raw_test = X_test @ params[:-1] + params[-1]
        row = {"optimizer": name, "lr": hyper["lr"], "curve": curve, "final_train_loss": final,
               "test_loss": loss(y_test, raw_test),
               "test_accuracy": float(np.mean((raw_test > 0) == (y_test == 1))), "ms": elapsed}
        rows.append(row)
        print_fn(f"{name:<30}{hyper['lr']:>8g}{curve[0]:>11.4f}{curve[min(9, epochs - 1)]:>12.4f}"
                 f"{final:>12.4f}{row['test_loss']:>11.4f}{row['test_accuracy']:>10.3f}{elapsed:>9.1f}")
    return rows
