"""The MLP's kernels and passes against the numpy reference of traincore.testing.reference_mlp
(activations, initialisation, dropout, forward, backward, penalty), by finite differences, and
whole training runs against the reference loop and against PyTorch (torch.nn + torch.optim)."""
from __future__ import annotations

import numpy as np
import pytest

from traincore import _core
from traincore.losses import MultinomialLogLoss, get_loss
from traincore.neural_network import MLPClassifier, MLPRegressor
from traincore.nn import MLP
from traincore.optim import Adam
from traincore.testing import ReferenceAdam, ReferenceSGD, assert_close, check_gradient
from traincore.testing.reference_mlp import (
    ACTIVATIONS, reference_activation, reference_activation_derivative, reference_backward,
    reference_dropout_mask, reference_forward, reference_init, reference_mlp_loss_and_gradient,
    reference_penalty, reference_penalty_gradient,
)
from traincore.testing.reference_rng import shuffled_order

SHAPES = [[5, 3], [6, 7, 4], [9, 16, 5, 8, 3]]


def network(sizes, activation="relu", alpha=0.0, dropout=0.0, seed=0, n_threads=1, dtype=np.float64):
    config = _core.MlpConfig(sizes, activation, 0.01, alpha, dropout, seed, n_threads)
    net = (_core.MlpFloat32 if dtype == np.float32 else _core.MlpFloat64)(config)
    return config, net


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_kernels_match_reference(activation, dtype, isa, rng):
    Z = np.concatenate([rng.normal(scale=3, size=(40, 13)), np.linspace(-30, 30, 13)[None], np.zeros((1, 13))])
    Z = Z.astype(dtype)
    bias = rng.normal(size=13).astype(dtype)
    A = _core.activation_forward(activation, Z, bias, slope=0.1)
    pre = Z.astype(np.float64) + bias
    assert_close(A, reference_activation(activation, pre, 0.1), dtype, scale=10)
    delta = rng.normal(size=Z.shape).astype(dtype)
    mask = np.where(rng.random(Z.shape) < 0.3, 0.0, 1 / 0.7).astype(dtype)
    for m in (None, mask):
        out, bias_grad = _core.activation_backward(activation, A, (Z + bias).astype(dtype), m, delta, slope=0.1)
        expected = delta * (1.0 if m is None else m) * reference_activation_derivative(activation, pre, 0.1)
        assert_close(out, expected, dtype, scale=10)
        assert_close(bias_grad, expected.sum(axis=0), dtype, scale=50)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("sizes", SHAPES, ids=["linear", "one-hidden", "three-hidden"])
def test_initialisation_matches_reference(sizes, activation, dtype):
    config, _ = network(sizes, activation)
    params = np.empty(config.n_params, dtype)
    _core.mlp_initialize(config, 1234, params)
    np.testing.assert_array_equal(params, reference_init(sizes, activation, 1234, dtype=dtype, slope=0.01))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("sizes", SHAPES, ids=["linear", "one-hidden", "three-hidden"])
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_forward_and_backward_match_reference(sizes, activation, dropout, dtype, isa, n_threads, rng):
    config, net = network(sizes, activation, alpha=0.2, dropout=dropout, seed=77, n_threads=n_threads, dtype=dtype)
    params = rng.normal(scale=0.5, size=config.n_params).astype(dtype)
    X = rng.normal(size=(37, sizes[0])).astype(dtype)
    raw = net.forward(X, params, True, 5)
    expected, cache = reference_forward(params, sizes, X, activation, 0.01, dropout, 77, 5)
    assert_close(raw, expected, dtype, scale=20)
    assert_close(_core.mlp_predict(config, X, params), reference_forward(params, sizes, X, activation)[0], dtype, scale=20)
    G = rng.normal(size=raw.shape).astype(dtype)
    grad = np.empty_like(params)
    net.backward(G, params, grad)
    expected_grad = reference_backward(params, sizes, cache, G, activation, 0.01) + \
        reference_penalty_gradient(params, sizes, 0.2)
    assert_close(grad, expected_grad, dtype, scale=200)
    assert net.penalty(params) == pytest.approx(reference_penalty(params, sizes, 0.2), rel=1e-5)


def test_dropout_masks_match_reference(rng):
    sizes = [4, 300, 200, 2]
    config, net = network(sizes, "identity", dropout=0.4, seed=9)
    # Identity layers with identity weights expose the masks: A_1 = D_1 (X W_1).
    params = np.zeros(config.n_params)
    (w1, b1), (w2, b2), _ = config.offsets()
    params[w1:b1] = rng.normal(size=b1 - w1)
    X = rng.normal(size=(11, 4))
    raw = net.forward(X, params, True, 123456789012)  # the step enters modulo 2^32
    _, cache = reference_forward(params, sizes, X, "identity", 0.01, 0.4, 9, 123456789012)
    np.testing.assert_array_equal(cache.masks[0], reference_dropout_mask(9, 123456789012, 1, 11, 300, 0.4))
    assert raw.shape == (11, 2)
    grad = np.empty_like(params)
    net.backward(np.ones((11, 2)), params, grad)
    expected = reference_backward(params, sizes, cache, np.ones((11, 2)), "identity")
    np.testing.assert_allclose(grad, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("loss", ["multinomial_log_loss", "binary_log_loss", "squared_error", "huber"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradient_by_finite_differences(loss, activation, rng):
    sizes = [4, 6, 5, 3 if loss == "multinomial_log_loss" else 1]
    X = rng.normal(size=(23, 4))
    y = rng.integers(0, sizes[-1] if loss == "multinomial_log_loss" else 2, 23).astype(float)
    weight = rng.uniform(0.5, 2, 23)
    net = MLP(sizes, activation, alpha=0.1, dtype=np.float64, random_state=3)
    loss_fn = get_loss(loss)

    def objective(flat: np.ndarray) -> float:
        net.params[:] = flat
        raw = net.forward(X)
        out = raw if loss == "multinomial_log_loss" else raw[:, 0]
        return loss_fn(y, out, weight) + net.penalty()

    def gradient(flat: np.ndarray) -> np.ndarray:
        net.params[:] = flat
        raw = net.forward(X, training=True)
        out = raw if loss == "multinomial_log_loss" else raw[:, 0]
        g = loss_fn.gradient(y, out, weight) / weight.sum()
        net.backward(g.reshape(raw.shape))
        return net.grads.copy()

    start = net.params + rng.normal(scale=0.1, size=net.params.size)  # no pre-activation at a kink
    check_gradient(objective, gradient, start)
    _, expected = reference_mlp_loss_and_gradient(start, sizes, X, y, loss, activation, weight, alpha=0.1)
    np.testing.assert_allclose(gradient(start), expected, rtol=1e-10, atol=1e-12)


def reference_training(sizes, activation, X, y, w, loss, make_optimizer, batch_size, epochs, seed, alpha=0.0):
    """The training loop in numpy: the core's shuffles, the weighted mean loss of each batch plus
    the penalty, one reference optimiser step per batch."""
    optimizer = make_optimizer({"params": reference_init(sizes, activation, seed)})
    for epoch in range(epochs):
        order = shuffled_order(len(y), seed, epoch)
        for start in range(0, len(y), batch_size):
            rows = order[start:start + batch_size]
            _, grad = reference_mlp_loss_and_gradient(
                optimizer.params["params"], sizes, X[rows], y[rows], loss, activation,
                None if w is None else w[rows], alpha=alpha)
            optimizer.step({"params": grad})
    return optimizer.params["params"]


@pytest.mark.parametrize("case", ["adam-multinomial", "sgd-momentum-binary-weighted", "adam-regression-tanh"])
def test_training_matches_the_reference_loop(case, dtype, n_threads, rng):
    X = rng.normal(size=(120, 6))
    if case.startswith("adam-multinomial"):
        y, loss, w, model = rng.integers(0, 3, 120), "multinomial_log_loss", None, MLPClassifier
        opt, kwargs, ref = "adam", {}, lambda p: ReferenceAdam(p, lr=0.01)
    elif case.startswith("sgd"):
        y, loss, w, model = rng.integers(0, 2, 120), "binary_log_loss", rng.uniform(0.5, 2, 120), MLPClassifier
        opt, kwargs, ref = "sgd", {"momentum": 0.9}, lambda p: ReferenceSGD(p, lr=0.01, momentum=0.9)
    else:
        y, loss, w, model = X[:, 0] - 2 * X[:, 1] ** 2, "squared_error", None, MLPRegressor
        opt, kwargs, ref = "adam", {}, lambda p: ReferenceAdam(p, lr=0.01)
    activation = "tanh" if "tanh" in case else "relu"
    est = model((8, 5), activation, optimizer=opt, learning_rate=0.01, optimizer_params=kwargs, alpha=0.05,
                batch_size=16, max_epochs=4, tol=None, random_state=11, n_threads=n_threads)
    est.fit(X.astype(dtype), y, sample_weight=w)
    sizes = [6, 8, 5, 3 if loss == "multinomial_log_loss" else 1]
    expected = reference_training(sizes, activation, X, y.astype(float), w, loss, ref, 16, 4, 11, alpha=0.05)
    assert est.t_ == 4 * 8
    assert_close(est._params[0], expected, dtype, kind="trajectory", scale=10)


@pytest.mark.parametrize("name,kind,activation", [("adam", "multinomial", "relu"), ("sgd", "binary", "tanh"),
                                                   ("adamw", "regression", "gelu"), ("rmsprop", "multinomial", "sigmoid")])
def test_100_steps_match_pytorch(name, kind, activation, dtype, rng):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    X = rng.normal(size=(250, 7))
    if kind == "multinomial":
        y, model, n_out = rng.integers(0, 4, 250), MLPClassifier, 4
    elif kind == "binary":
        y, model, n_out = rng.integers(0, 2, 250), MLPClassifier, 1
    else:
        y, model, n_out = np.sin(X[:, 0]) + X[:, 1], MLPRegressor, 1
    optimizer, params, torch_opt = {
        "adam": ("adam", {}, lambda p: torch.optim.Adam(p, lr=3e-3)),
        "sgd": ("sgd", {"momentum": 0.9, "nesterov": True}, lambda p: torch.optim.SGD(p, lr=3e-3, momentum=0.9, nesterov=True)),
        "adamw": ("adamw", {"weight_decay": 0.01}, lambda p: torch.optim.AdamW(p, lr=3e-3, weight_decay=0.01)),
        "rmsprop": ("rmsprop", {}, lambda p: torch.optim.RMSprop(p, lr=3e-3)),
    }[name]
    est = model((16, 9), activation, optimizer=optimizer, learning_rate=3e-3, optimizer_params=params, alpha=0.0,
                batch_size=25, max_epochs=10, tol=None, random_state=5, n_threads=2)
    torch_dtype = torch.float32 if dtype == np.float32 else torch.float64
    sizes = [7, 16, 9, n_out]
    initial = reference_init(sizes, activation, 5, dtype=dtype)
    est.fit(X.astype(dtype), y)
    assert est.t_ == 100

    act = {"relu": torch.nn.ReLU(), "tanh": torch.nn.Tanh(), "gelu": torch.nn.GELU(), "sigmoid": torch.nn.Sigmoid()}[activation]
    layers = [torch.nn.Linear(7, 16), act, torch.nn.Linear(16, 9), act, torch.nn.Linear(9, n_out)]
    net = torch.nn.Sequential(*layers).to(torch_dtype)
    offset = 0
    with torch.no_grad():
        for layer in (layers[0], layers[2], layers[4]):
            fan_out, fan_in = layer.weight.shape
            layer.weight.copy_(torch.from_numpy(initial[offset:offset + fan_in * fan_out].reshape(fan_in, fan_out).T.copy()))
            offset += fan_in * fan_out
            layer.bias.copy_(torch.from_numpy(initial[offset:offset + fan_out]))
            offset += fan_out
    opt = torch_opt(net.parameters())
    Xt = torch.from_numpy(X.astype(dtype))
    yt = torch.from_numpy(y.astype(np.int64) if kind == "multinomial" else y.astype(dtype))
    for epoch in range(10):
        order = torch.from_numpy(shuffled_order(250, 5, epoch))
        for start in range(0, 250, 25):
            rows = order[start:start + 25]
            out = net(Xt[rows])
            if kind == "multinomial":
                value = torch.nn.functional.cross_entropy(out, yt[rows])
            elif kind == "binary":
                value = torch.nn.functional.binary_cross_entropy_with_logits(out[:, 0], yt[rows])
            else:
                value = 0.5 * torch.nn.functional.mse_loss(out[:, 0], yt[rows])  # squared_error is the half form
            opt.zero_grad()
            value.backward()
            opt.step()
    ours = est._params[0]
    theirs = np.concatenate([np.concatenate([layer.weight.detach().numpy().T.ravel(), layer.bias.detach().numpy()])
                             for layer in (layers[0], layers[2], layers[4])])
    assert_close(ours, theirs, dtype, kind="trajectory", scale=10)


@pytest.mark.parametrize("dropout", [0.0, 0.25])
def test_same_seed_same_model_for_any_thread_count(dropout, dtype, rng):
    X = rng.normal(size=(700, 30)).astype(dtype)
    y = rng.integers(0, 5, 700)
    fits = [MLPClassifier((64, 48), dropout=dropout, batch_size=100, max_epochs=3, tol=None, random_state=2,
                          n_threads=threads).fit(X, y) for threads in (1, 2)]
    np.testing.assert_array_equal(fits[0]._params, fits[1]._params)
    np.testing.assert_array_equal(fits[0].predict_proba(X), fits[1].predict_proba(X))


def test_low_level_loop_with_traincore_optim_matches_the_estimator(rng):
    X = rng.normal(size=(96, 5))
    y = rng.integers(0, 3, 96)
    est = MLPClassifier((12,), learning_rate=0.01, alpha=0.0, batch_size=32, max_epochs=2, tol=None,
                        random_state=4).fit(X, y)
    net = MLP([5, 12, 3], dtype=np.float64, random_state=4)
    opt = Adam(net.parameters(), lr=0.01)
    loss = MultinomialLogLoss()
    for epoch in range(2):
        order = shuffled_order(96, 4, epoch)
        for start in range(0, 96, 32):
            rows = order[start:start + 32]
            raw = net.forward(X[rows], training=True)
            net.backward(loss.gradient(y[rows].astype(float), raw) / len(rows))
            opt.step(net.gradients())
    assert set(net.parameters()) == {"W1", "b1", "W2", "b2"}
    assert net.parameters()["W1"].shape == (5, 12) and np.shares_memory(net.parameters()["W1"], net.params)
    np.testing.assert_allclose(net.params, est._params[0], rtol=1e-10, atol=1e-12)
