"""The linear model's forward and backward passes and penalty, and whole training-loop runs,
against the numpy references of traincore.testing."""
from __future__ import annotations

import numpy as np
import pytest

from traincore import _core
from traincore.linear_model import SGDClassifier, SGDRegressor
from traincore.testing import (
    ReferenceAdam, ReferenceSGD, assert_close, check_gradient, reference_lr,
)
from traincore.testing.reference_linear import (
    reference_backward, reference_forward, reference_penalty, reference_train,
)


def make_problem(rng, n=57, d=6, n_outputs=1, dtype=np.float64, fit_intercept=True):
    X = rng.normal(size=(n, d)).astype(dtype)
    n_params = n_outputs * d + (n_outputs if fit_intercept else 0)
    params = rng.normal(size=n_params).astype(dtype)
    grad_raw = rng.normal(size=(n, n_outputs)).astype(dtype)
    return X, params, grad_raw


@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_forward_matches_reference(n_outputs, fit_intercept, dtype, isa, rng):
    X, params, _ = make_problem(rng, n_outputs=n_outputs, dtype=dtype, fit_intercept=fit_intercept)
    raw = _core.predict_linear(X, params, n_outputs, fit_intercept)
    assert raw.dtype == dtype and raw.shape == (X.shape[0], n_outputs)
    assert_close(raw, reference_forward(X, params, n_outputs, fit_intercept), dtype, scale=10)


@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha,l1_ratio", [(0.0, 0.0), (0.1, 0.0), (0.05, 1.0), (0.2, 0.3)])
def test_backward_and_penalty_match_reference(n_outputs, fit_intercept, alpha, l1_ratio, dtype, isa, rng):
    X, params, grad_raw = make_problem(rng, n_outputs=n_outputs, dtype=dtype, fit_intercept=fit_intercept)
    grad, penalty = _core.linear_backward(X, grad_raw, params, n_outputs, fit_intercept, alpha, l1_ratio)
    ref_value, ref_penalty_grad = reference_penalty(params, X.shape[1], n_outputs, alpha, l1_ratio)
    expected = reference_backward(X, grad_raw, fit_intercept) + ref_penalty_grad
    assert_close(grad, expected, dtype, scale=50)
    assert penalty == pytest.approx(ref_value, rel=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_backward_is_the_gradient_of_the_forward_pass(n_outputs, rng):
    """d/dparams of sum(G * forward(params)) + penalty(params) equals backward(G) (finite differences)."""
    X, params, grad_raw = make_problem(rng, n=20, d=4, n_outputs=n_outputs)
    alpha, l1_ratio = 0.3, 0.4
    params[np.abs(params) < 1e-3] += 0.01  # away from the L1 kink

    def objective(p):
        raw = _core.predict_linear(X, np.ascontiguousarray(p), n_outputs, True)
        return float(np.sum(grad_raw * raw)) + _core.linear_backward(X, grad_raw, np.ascontiguousarray(p),
                                                                     n_outputs, True, alpha, l1_ratio)[1]

    def gradient(p):
        return _core.linear_backward(X, grad_raw, np.ascontiguousarray(p), n_outputs, True, alpha, l1_ratio)[0]

    check_gradient(objective, gradient, params.copy(), rtol=1e-6, atol=1e-6)


LOOP_CASES = {
    "squared-sgd-l2": dict(cls=SGDRegressor, loss="squared_error", core="squared_error", optimizer="sgd",
                           opt=dict(momentum=0.9), ref=ReferenceSGD, penalty="l2", alpha=0.01),
    "huber-adam-elasticnet": dict(cls=SGDRegressor, loss="huber", core="huber", optimizer="adam", opt={},
                                  ref=ReferenceAdam, penalty="elasticnet", alpha=0.01, loss_params={"delta": 0.5}),
    "binary-sgd-l1": dict(cls=SGDClassifier, loss="log_loss", core="binary_log_loss", optimizer="sgd",
                          opt={}, ref=ReferenceSGD, penalty="l1", alpha=0.001),
    "multinomial-adam": dict(cls=SGDClassifier, loss="log_loss", core="multinomial_log_loss",
                             optimizer="adam", opt={}, ref=ReferenceAdam, penalty="l2", alpha=0.001),
}


@pytest.mark.parametrize("case", list(LOOP_CASES))
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_training_loop_matches_reference(case, weighted, dtype, n_threads, rng):
    """Three epochs of shuffled minibatches (the last one short) against the numpy loop."""
    c = LOOP_CASES[case]
    n, d = 70, 5
    X = rng.normal(size=(n, d)).astype(dtype)
    multinomial = c["core"] == "multinomial_log_loss"
    if c["cls"] is SGDClassifier:
        y = rng.integers(0, 3 if multinomial else 2, n)
    else:
        y = X @ rng.normal(size=d) + rng.normal(size=n)
    w = rng.uniform(0.2, 2.0, n).astype(dtype) if weighted else None
    n_outputs = 3 if multinomial else 1
    l1_ratio = {"l2": 0.0, "l1": 1.0, "elasticnet": 0.15}[c["penalty"]]
    est = c["cls"](loss=c["loss"], loss_params=c.get("loss_params"), optimizer=c["optimizer"],
                   learning_rate=0.05, optimizer_params=c["opt"], penalty=c["penalty"], alpha=c["alpha"],
                   batch_size=16, max_epochs=3, tol=None, random_state=7, n_threads=n_threads,
                   schedule="step", schedule_params={"step_size": 1, "gamma": 0.5})
    est.fit(X, y, sample_weight=w)
    n_params = n_outputs * (d + 1)
    reference = c["ref"]({"p": np.zeros(n_params)}, lr=0.05, **c["opt"])
    expected = reference_train(X.astype(np.float64), y.astype(np.float64), w, c["core"], c.get("loss_params") or {},
                               reference, n_outputs, True, c["alpha"], l1_ratio, epochs=3, batch_size=16,
                               seed=7, lr_at_epoch=lambda e: reference_lr("step", 0.05, e, step_size=1, gamma=0.5))
    assert_close(est._params[0], expected, dtype, "trajectory", scale=10)
