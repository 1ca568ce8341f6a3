"""The numpy MLP reference itself: activations, layout, Philox, dropout masks and initialisation
from their definitions, and forward / backward passes against torch autograd and finite
differences."""
from __future__ import annotations

import math

import numpy as np
import pytest

from traincore import _core
from traincore.testing.gradcheck import numerical_derivative
from traincore.testing.reference_mlp import (
    ACTIVATIONS, ForwardCache, flatten, mlp_layout, mlp_n_params, philox4x32_array,
    philox_random_bits, reference_activation, reference_activation_derivative,
    reference_backward, reference_dropout_mask, reference_forward, reference_init,
    reference_mlp_loss_and_gradient, reference_penalty, reference_penalty_gradient, unflatten,
)
from traincore.testing.reference_rng import philox4x32, random_bits

SLOPE = 0.1          # a non-default leaky-ReLU slope, so that passing it through is tested
Z_GRID = np.concatenate([[-50.0, -20.0, -5.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 5.0, 20.0, 50.0],
                         np.random.default_rng(3).normal(scale=3.0, size=40)])
LOSSES = ["multinomial_log_loss", "binary_log_loss", "squared_error"]
HIDDEN = {"single-layer": [], "one-hidden": [6], "three-hidden": [5, 7, 4]}


def _unit(bits: int) -> float:
    return (bits >> 11) * 2.0 ** -53


def make_problem(loss, n_in, hidden, rng, n=13):
    """Inputs, targets and layer sizes for ``loss`` (3 classes for the multinomial loss)."""
    n_out = 3 if loss == "multinomial_log_loss" else 1
    X = rng.normal(size=(n, n_in))
    if loss == "multinomial_log_loss":
        y = np.arange(n) % n_out
        rng.shuffle(y)
    elif loss == "binary_log_loss":
        y = (rng.random(n) < 0.5).astype(np.float64)
    else:
        y = rng.normal(size=n)
    return X, y.astype(np.float64), [n_in, *hidden, n_out]


def random_params(layer_sizes, rng, scale=0.7):
    return rng.normal(scale=scale, size=mlp_n_params(layer_sizes))


# ---------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------

def _torch_activation(torch, name):
    F = torch.nn.functional
    return {
        "identity": lambda z: z,
        "relu": F.relu,
        "leaky_relu": lambda z: F.leaky_relu(z, negative_slope=SLOPE),
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "gelu": lambda z: F.gelu(z, approximate="none"),
    }[name]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_and_derivative_match_torch(name):
    torch = pytest.importorskip("torch")
    z = torch.tensor(Z_GRID, dtype=torch.float64, requires_grad=True)
    value = _torch_activation(torch, name)(z)
    (deriv,) = torch.autograd.grad(value.sum(), z)
    np.testing.assert_allclose(reference_activation(name, Z_GRID, slope=SLOPE),
                               value.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(reference_activation_derivative(name, Z_GRID, slope=SLOPE),
                               deriv.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_derivative_by_finite_differences(name):
    z = Z_GRID if name not in ("relu", "leaky_relu") else Z_GRID[Z_GRID != 0.0]   # kink at 0
    numeric = numerical_derivative(lambda t: reference_activation(name, t, slope=SLOPE), z)
    np.testing.assert_allclose(reference_activation_derivative(name, z, slope=SLOPE), numeric,
                               rtol=1e-7, atol=1e-9)


def test_activation_values_at_kinks_and_known_points():
    assert reference_activation_derivative("relu", [0.0])[0] == 0.0
    assert reference_activation_derivative("leaky_relu", [0.0], slope=0.3)[0] == 0.3
    np.testing.assert_allclose(reference_activation("leaky_relu", [-2.0, 3.0], slope=0.25),
                               [-0.5, 3.0], rtol=0, atol=0)
    np.testing.assert_allclose(reference_activation("gelu", [1.0, -1.0]),
                               [0.8413447460685429, -0.15865525393145707], rtol=1e-15)
    # Tails keep their relative accuracy: s(-50) = e^-50 / (1 + e^-50), s'(50) = s(50) s(-50).
    np.testing.assert_allclose(reference_activation("sigmoid", [-50.0]), [math.exp(-50.0)],
                               rtol=1e-15)
    np.testing.assert_allclose(reference_activation_derivative("sigmoid", [50.0, -50.0]),
                               [math.exp(-50.0)] * 2, rtol=1e-14)
    np.testing.assert_allclose(reference_activation_derivative("tanh", [30.0]),
                               [1.0 / math.cosh(30.0) ** 2], rtol=1e-14)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_finite_without_warnings_at_huge_inputs(name):
    z = np.array([-1e4, -800.0, 800.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = reference_activation(name, z)
        deriv = reference_activation_derivative(name, z)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(deriv))
    assert value.dtype == deriv.dtype == np.float64


def test_unknown_activation_raises():
    with pytest.raises(ValueError, match="unknown activation"):
        reference_activation("softplus", [0.0])
    with pytest.raises(ValueError, match="unknown activation"):
        reference_init([2, 2], "swish", 0)


# ---------------------------------------------------------------------------
# layout
# ---------------------------------------------------------------------------

def test_layout_offsets_and_shapes():
    assert mlp_layout([3, 4, 2]) == [("W1", 0, (3, 4)), ("b1", 12, (4,)),
                                     ("W2", 16, (4, 2)), ("b2", 24, (2,))]
    assert mlp_n_params([3, 4, 2]) == 26
    assert mlp_n_params([7, 1]) == 8
    assert [name for name, _, _ in mlp_layout([2, 3, 4, 5, 1])] == [
        "W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"]
    for bad in ([3], [3, 0, 2], [3, 2.5]):
        with pytest.raises(ValueError):
            mlp_layout(bad)


def test_flatten_unflatten_round_trip(rng):
    sizes = [3, 5, 2]
    params = np.arange(mlp_n_params(sizes), dtype=np.float64)
    (w1, b1), (w2, b2) = unflatten(params, sizes)
    np.testing.assert_array_equal(w1, np.arange(15).reshape(3, 5))   # row-major
    np.testing.assert_array_equal(b1, np.arange(15, 20))
    np.testing.assert_array_equal(w2, np.arange(20, 30).reshape(5, 2))
    np.testing.assert_array_equal(b2, [30, 31])
    p = rng.normal(size=mlp_n_params([4, 6, 3, 2]))
    np.testing.assert_array_equal(flatten(unflatten(p, [4, 6, 3, 2])), p)
    with pytest.raises(ValueError):
        unflatten(p[:-1], [4, 6, 3, 2])
    with pytest.raises(ValueError):
        flatten([(np.zeros((2, 3)), np.zeros(3)), (np.zeros((4, 1)), np.zeros(1))])


# ---------------------------------------------------------------------------
# Philox
# ---------------------------------------------------------------------------

def test_vectorised_philox_matches_reference_and_core(rng):
    counters = rng.integers(0, 2**32, size=(300, 4), dtype=np.uint64)
    counters[0] = 0
    counters[1] = 2**32 - 1
    keys = rng.integers(0, 2**64 - 1, size=300, dtype=np.uint64, endpoint=True)
    keys[:2] = [0, 2**64 - 1]
    out = philox4x32_array(counters, keys)
    assert out.shape == (300, 4) and out.dtype == np.uint64
    for c, k, o in zip(counters.tolist(), keys.tolist(), out.tolist()):
        assert tuple(o) == philox4x32(tuple(c), k)
        assert list(o) == list(_core.philox4x32(list(c), k))
    # one scalar key broadcast over many counters
    key = int(keys[7])
    np.testing.assert_array_equal(philox4x32_array(counters[:20], key),
                                  [philox4x32(tuple(c), key) for c in counters[:20].tolist()])


def test_philox_known_answer():
    out = philox4x32_array([[0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344]], 0x299F31D0A4093822)
    assert out.tolist() == [[0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]]


def test_philox_random_bits_matches_reference(rng):
    index = np.concatenate([np.arange(5, dtype=np.uint64),
                            rng.integers(0, 2**64 - 1, size=50, dtype=np.uint64, endpoint=True),
                            np.array([2**32 - 1, 2**32, 2**48 + 3, 2**64 - 1], dtype=np.uint64)])
    for seed, purpose, epoch in [(0, 3, 0), (2**64 - 1, 4, 2**32 - 1), (123456789, 1, 17)]:
        bits = philox_random_bits(seed, purpose, epoch, index)
        assert bits.dtype == np.uint64 and bits.shape == index.shape
        assert bits.tolist() == [random_bits(seed, purpose, epoch, i) for i in index.tolist()]
    grid = np.arange(6).reshape(2, 3)
    assert philox_random_bits(5, 4, 1, grid).shape == (2, 3)
    with pytest.raises(ValueError):
        philox_random_bits(5, 4, 1, np.array([-1]))


# ---------------------------------------------------------------------------
# dropout
# ---------------------------------------------------------------------------

def test_dropout_mask_values_and_keep_fraction():
    for rate in (0.1, 0.5, 0.8):
        mask = reference_dropout_mask(seed=11, step=3, layer=1, n_rows=400, width=500, rate=rate)
        assert mask.shape == (400, 500) and mask.dtype == np.float64
        kept = mask != 0
        np.testing.assert_array_equal(mask[kept], 1.0 / (1.0 - rate))
        assert abs(kept.mean() - (1 - rate)) < 0.01       # sd of the fraction ~ 0.0011
        assert abs(mask.mean() - 1.0) < 0.01 / (1 - rate)    # inverted dropout keeps the mean


def test_dropout_mask_matches_formula():
    # step 2^33 + 0xF0000007 draws from epoch (step mod 2^32) = 0xF0000007
    seed, step, epoch, layer, width, rate = 2**63 + 12345, 2**33 + 0xF0000007, 0xF0000007, 3, 9, 0.4
    mask = reference_dropout_mask(seed, step, layer, 6, width, rate)
    for i, j in [(0, 0), (0, 8), (1, 0), (3, 4), (5, 8)]:
        u = _unit(random_bits(seed, 4, epoch, ((layer - 1) << 48) + i * width + j))
        assert mask[i, j] == (1.0 / (1.0 - rate) if u >= rate else 0.0)
    np.testing.assert_array_equal(mask, reference_dropout_mask(seed, epoch, layer, 6, width, rate))
    # every element of a large mask (philox_random_bits is checked against random_bits above)
    n_rows, width, layer = 200, 300, 2
    mask = reference_dropout_mask(seed, step, layer, n_rows, width, rate)
    index = (np.uint64(1) << np.uint64(48)) + np.arange(n_rows * width, dtype=np.uint64)
    u = (philox_random_bits(seed, 4, epoch, index) >> np.uint64(11)).astype(float) * 2.0 ** -53
    np.testing.assert_array_equal(mask.reshape(-1), np.where(u >= rate, 1 / (1 - rate), 0.0))


def test_dropout_mask_depends_on_seed_step_layer_and_is_deterministic():
    args = dict(seed=5, step=2, layer=1, n_rows=40, width=30, rate=0.5)
    base = reference_dropout_mask(**args)
    np.testing.assert_array_equal(base, reference_dropout_mask(**args))
    for change in (dict(seed=6), dict(step=3), dict(layer=2)):
        assert not np.array_equal(base, reference_dropout_mask(**{**args, **change})), change
    # row i of a batch depends on i, not on the batch size
    np.testing.assert_array_equal(reference_dropout_mask(**{**args, "n_rows": 7}), base[:7])
    np.testing.assert_array_equal(reference_dropout_mask(**{**args, "rate": 0.0}),
                                  np.ones((40, 30)))
    for rate in (-0.1, 1.0):
        with pytest.raises(ValueError):
            reference_dropout_mask(**{**args, "rate": rate})


def test_forward_applies_dropout_to_hidden_layers_only(rng):
    sizes = [4, 8, 6, 2]
    params = random_params(sizes, rng)
    X = rng.normal(size=(10, 4))
    raw0, cache0 = reference_forward(params, sizes, X, "tanh")
    assert cache0.masks == [None, None]
    raw, cache = reference_forward(params, sizes, X, "tanh", dropout=0.3, seed=9, step=4)
    assert len(cache.masks) == 2 and len(cache.A) == 3 and len(cache.Z) == 3
    for l in (1, 2):
        mask = reference_dropout_mask(9, 4, l, 10, sizes[l], 0.3)
        np.testing.assert_array_equal(cache.masks[l - 1], mask)
        np.testing.assert_allclose(cache.A[l], np.tanh(cache.Z[l - 1]) * mask, rtol=1e-15)
    assert not np.allclose(raw, raw0)
    raw_next, _ = reference_forward(params, sizes, X, "tanh", dropout=0.3, seed=9, step=5)
    assert not np.allclose(raw, raw_next)
    np.testing.assert_array_equal(
        raw, reference_forward(params, sizes, X, "tanh", dropout=0.3, seed=9, step=4)[0])


# ---------------------------------------------------------------------------
# initialisation
# ---------------------------------------------------------------------------

def _expected_bound(activation, fan_in, fan_out, output, slope=0.01):
    if output or activation in ("tanh", "sigmoid", "identity"):
        return math.sqrt(6 / (fan_in + fan_out))
    if activation == "leaky_relu":
        return math.sqrt(6 / ((1 + slope ** 2) * fan_in))
    return math.sqrt(6 / fan_in)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_init_bounds(activation):
    sizes = [60, 50, 40, 3]
    slope = 0.5 if activation == "leaky_relu" else 0.01   # a slope large enough to matter
    params = reference_init(sizes, activation, seed=3, slope=slope)
    assert params.shape == (mlp_n_params(sizes),) and params.dtype == np.float64
    for l, (w, b) in enumerate(unflatten(params, sizes), start=1):
        a = _expected_bound(activation, sizes[l - 1], sizes[l], l == len(sizes) - 1, slope)
        np.testing.assert_array_equal(b, 0.0)
        assert np.abs(w).max() <= a
        assert np.abs(w).max() > 0.97 * a            # the range is used up to the bound
        assert abs(w.mean()) < 0.1 * a and abs(w.std() - a / math.sqrt(3)) < 0.06 * a


def test_init_matches_formula_on_elements():
    sizes, seed = [5, 7, 3], 2**64 - 3
    params = reference_init(sizes, "relu", seed)
    (w1, _), (w2, _) = unflatten(params, sizes)
    for l, w, a in [(1, w1, math.sqrt(6 / 5)), (2, w2, math.sqrt(6 / 10))]:
        for e in (0, 1, 4, w.size - 1):
            expected = (2 * _unit(random_bits(seed, 3, l - 1, e)) - 1) * a
            assert w.reshape(-1)[e] == expected, (l, e)


def test_init_deterministic_differs_by_seed_and_casts():
    sizes = [6, 5, 2]
    p = reference_init(sizes, "gelu", seed=1)
    np.testing.assert_array_equal(p, reference_init(sizes, "gelu", seed=1))
    assert not np.array_equal(p, reference_init(sizes, "gelu", seed=2))
    p32 = reference_init(sizes, "gelu", seed=1, dtype=np.float32)
    assert p32.dtype == np.float32
    np.testing.assert_array_equal(p32, p.astype(np.float32))
    # the same seed draws the same u in every layer whatever the activation: only a changes
    ratio = reference_init(sizes, "tanh", seed=1)[:30] / p[:30]
    np.testing.assert_allclose(ratio, math.sqrt(6 / 11) / math.sqrt(6 / 6), rtol=1e-14)


# ---------------------------------------------------------------------------
# forward / backward against torch
# ---------------------------------------------------------------------------

def _torch_objective(torch, layers, X, y, loss, activation, w, alpha, masks):
    """raw, objective and per-layer (dW, db) of the same network built from torch.nn.Linear."""
    F = torch.nn.functional
    act = _torch_activation(torch, activation)
    linears = []
    for W, b in layers:
        lin = torch.nn.Linear(W.shape[0], W.shape[1], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T.copy()))   # torch stores (out, in) = W^T
            lin.bias.copy_(torch.from_numpy(b.copy()))
        linears.append(lin)
    h = torch.from_numpy(X)
    for l, lin in enumerate(linears[:-1]):
        h = act(lin(h))
        if masks is not None:
            h = h * torch.from_numpy(masks[l])
    raw = linears[-1](h)
    yt = torch.from_numpy(y)
    if loss == "multinomial_log_loss":
        per_sample = F.cross_entropy(raw, yt.long(), reduction="none")
    elif loss == "binary_log_loss":
        per_sample = F.binary_cross_entropy_with_logits(raw[:, 0], yt, reduction="none")
    else:
        per_sample = 0.5 * (raw[:, 0] - yt) ** 2
    wt = torch.from_numpy(w) if w is not None else torch.ones(len(y), dtype=torch.float64)
    objective = (wt * per_sample).sum() / wt.sum()
    objective = objective + 0.5 * alpha * sum((lin.weight ** 2).sum() for lin in linears)
    objective.backward()
    grads = [(lin.weight.grad.numpy().T, lin.bias.grad.numpy()) for lin in linears]
    return raw.detach().numpy(), float(objective.detach()), grads


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("hidden", list(HIDDEN))
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_backward_match_torch(activation, loss, hidden, weighted, rng):
    torch = pytest.importorskip("torch")
    X, y, sizes = make_problem(loss, 4, HIDDEN[hidden], rng)
    params = random_params(sizes, rng)
    w = rng.uniform(0.1, 3.0, size=len(y)) if weighted else None
    alpha = 0.3
    raw, _ = reference_forward(params, sizes, X, activation, slope=SLOPE)
    value, grad = reference_mlp_loss_and_gradient(params, sizes, X, y, loss, activation,
                                                  sample_weight=w, alpha=alpha, slope=SLOPE)
    t_raw, t_value, t_grads = _torch_objective(torch, unflatten(params, sizes), X, y, loss,
                                               activation, w, alpha, None)
    np.testing.assert_allclose(raw, t_raw, rtol=1e-10, atol=1e-12)
    assert value == pytest.approx(t_value, rel=1e-10, abs=1e-12)
    for l, ((dW, db), (tdW, tdb)) in enumerate(zip(unflatten(grad, sizes), t_grads), start=1):
        np.testing.assert_allclose(dW, tdW, rtol=1e-10, atol=1e-12, err_msg=f"W{l}")
        np.testing.assert_allclose(db, tdb, rtol=1e-10, atol=1e-12, err_msg=f"b{l}")


@pytest.mark.parametrize("activation", ["relu", "gelu", "sigmoid"])
def test_backward_with_dropout_matches_torch(activation, rng):
    torch = pytest.importorskip("torch")
    X, y, sizes = make_problem("multinomial_log_loss", 5, [8, 6], rng, n=11)
    params = random_params(sizes, rng)
    w = rng.uniform(0.5, 2.0, size=len(y))
    _, cache = reference_forward(params, sizes, X, activation, dropout=0.4, seed=77, step=12)
    value, grad = reference_mlp_loss_and_gradient(
        params, sizes, X, y, "multinomial_log_loss", activation, sample_weight=w, alpha=0.05,
        dropout=0.4, seed=77, step=12)
    assert any((m == 0).any() for m in cache.masks)
    _, t_value, t_grads = _torch_objective(torch, unflatten(params, sizes), X, y,
                                           "multinomial_log_loss", activation, w, 0.05, cache.masks)
    assert value == pytest.approx(t_value, rel=1e-10)
    np.testing.assert_allclose(grad, flatten(t_grads), rtol=1e-10, atol=1e-12)


def test_forward_computes_in_float64(rng):
    sizes = [3, 4, 2]
    params = random_params(sizes, rng)
    X = rng.normal(size=(5, 3)).astype(np.float32)
    raw, cache = reference_forward(params.astype(np.float32), sizes, X, "tanh")
    assert raw.dtype == np.float64 and all(z.dtype == np.float64 for z in cache.Z)
    expected, _ = reference_forward(params.astype(np.float32).astype(np.float64), sizes,
                                    X.astype(np.float64), "tanh")
    np.testing.assert_array_equal(raw, expected)
    with pytest.raises(ValueError):
        reference_forward(params, sizes, X[:, :2], "tanh")


def test_backward_is_linear_in_grad_raw(rng):
    sizes = [3, 5, 2]
    params = random_params(sizes, rng)
    X = rng.normal(size=(6, 3))
    _, cache = reference_forward(params, sizes, X, "gelu")
    assert isinstance(cache, ForwardCache)
    g1, g2 = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    combined = reference_backward(params, sizes, cache, 2 * g1 - g2, "gelu")
    np.testing.assert_allclose(combined, 2 * reference_backward(params, sizes, cache, g1, "gelu")
                               - reference_backward(params, sizes, cache, g2, "gelu"),
                               rtol=1e-12, atol=1e-14)
    # the output-layer gradient is A_1^T G and the sum of G's rows
    (_, _), (dW2, db2) = unflatten(reference_backward(params, sizes, cache, g1, "gelu"), sizes)
    np.testing.assert_allclose(dW2, cache.A[1].T @ g1, rtol=1e-14)
    np.testing.assert_allclose(db2, g1.sum(axis=0), rtol=1e-14)
    with pytest.raises(ValueError):
        reference_backward(params, sizes, cache, g1[:, :1], "gelu")


# ---------------------------------------------------------------------------
# finite differences of the whole objective
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("activation,loss,dropout", [
    ("tanh", "multinomial_log_loss", 0.0), ("gelu", "binary_log_loss", 0.25),
    ("relu", "squared_error", 0.0), ("leaky_relu", "multinomial_log_loss", 0.5),
    ("sigmoid", "squared_error", 0.2), ("identity", "binary_log_loss", 0.0),
    ("tanh", "huber", 0.0),
])
def test_gradient_by_finite_differences(activation, loss, dropout, rng):
    X, y, sizes = make_problem(loss, 4, [6, 5], rng, n=9)
    params = random_params(sizes, rng)
    w = rng.uniform(0.2, 2.0, size=len(y))
    kw = dict(sample_weight=w, alpha=0.2, slope=SLOPE, dropout=dropout, seed=3, step=8,
              loss_params={"delta": 0.5} if loss == "huber" else None)
    _, grad = reference_mlp_loss_and_gradient(params, sizes, X, y, loss, activation, **kw)
    coords = rng.choice(params.size, size=12, replace=False)
    for k in coords:
        h = 1e-6 * max(1.0, abs(params[k]))
        plus, minus = params.copy(), params.copy()
        plus[k] += h
        minus[k] -= h
        f_plus, _ = reference_mlp_loss_and_gradient(plus, sizes, X, y, loss, activation, **kw)
        f_minus, _ = reference_mlp_loss_and_gradient(minus, sizes, X, y, loss, activation, **kw)
        numeric = (f_plus - f_minus) / (plus[k] - minus[k])
        assert grad[k] == pytest.approx(numeric, rel=1e-6, abs=1e-8), (k, mlp_layout(sizes))


def test_integer_weights_equal_repeated_rows(rng):
    X, y, sizes = make_problem("multinomial_log_loss", 3, [4], rng, n=7)
    params = random_params(sizes, rng)
    counts = np.array([1, 3, 2, 1, 1, 4, 2])
    weighted = reference_mlp_loss_and_gradient(params, sizes, X, y, "multinomial_log_loss",
                                               "relu", sample_weight=counts.astype(float))
    repeated = reference_mlp_loss_and_gradient(params, sizes, np.repeat(X, counts, axis=0),
                                               np.repeat(y, counts), "multinomial_log_loss",
                                               "relu")
    assert weighted[0] == pytest.approx(repeated[0], rel=1e-13)
    np.testing.assert_allclose(weighted[1], repeated[1], rtol=1e-12, atol=1e-14)


def test_penalty_excludes_biases(rng):
    sizes = [3, 4, 2]
    params = random_params(sizes, rng)
    (w1, b1), (w2, b2) = unflatten(params, sizes)
    expected = 0.5 * 0.7 * (np.sum(w1 ** 2) + np.sum(w2 ** 2))
    assert reference_penalty(params, sizes, 0.7) == pytest.approx(expected, rel=1e-14)
    gradient = unflatten(reference_penalty_gradient(params, sizes, 0.7), sizes)
    np.testing.assert_allclose(gradient[0][0], 0.7 * w1, rtol=1e-15)
    np.testing.assert_array_equal(gradient[0][1], 0.0)
    np.testing.assert_allclose(gradient[1][0], 0.7 * w2, rtol=1e-15)
    np.testing.assert_array_equal(gradient[1][1], 0.0)


def test_loss_needs_matching_output_width(rng):
    X, y, sizes = make_problem("binary_log_loss", 3, [4], rng)
    params = random_params([3, 4, 2], rng)
    with pytest.raises(ValueError, match="n_out = 1"):
        reference_mlp_loss_and_gradient(params, [3, 4, 2], X, y, "binary_log_loss", "relu")
    with pytest.raises(ValueError, match="unknown loss"):
        reference_mlp_loss_and_gradient(params, [3, 4, 2], X, y, "cross_entropy", "relu")
