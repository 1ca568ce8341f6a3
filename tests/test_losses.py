"""Losses: the C++ kernels against the numpy references, finite differences, stability,
determinism across threads, out= buffers and bad input."""
from __future__ import annotations

import numpy as np
import pytest

from traincore import _core
from traincore.losses import LOSSES, get_loss
from traincore.testing import (
    LOSS_NAMES, assert_close, check_derivative, numerical_gradient, reference_gradient,
    reference_hessian, reference_loss, reference_mean_loss,
)

HYPERPARAMETERS = {"huber": {"delta": 0.8}, "quantile": {"alpha": 0.3},
                   "epsilon_insensitive": {"epsilon": 0.2}}
N_CLASSES = 4
# Distance kept from the kinks of piecewise losses in finite-difference checks.
KINK_MARGIN = 1e-2


def make_data(name: str, n: int, dtype: type, rng: np.random.Generator, weighted: bool = False):
    """Targets in the loss's domain, raw scores and optional weights, all of `dtype`."""
    if name == "multinomial_log_loss":
        y = rng.integers(0, N_CLASSES, n)
        raw = rng.normal(0.0, 2.0, (n, N_CLASSES))
    elif name in ("binary_log_loss", "hinge", "squared_hinge"):
        y = rng.integers(0, 2, n)
        raw = rng.normal(0.0, 2.0, n)
    elif name == "poisson":
        y = rng.poisson(3.0, n)
        raw = rng.normal(0.5, 1.0, n)
    else:
        y = rng.normal(0.0, 2.0, n)
        raw = rng.normal(0.0, 2.0, n)
    weight = rng.uniform(0.0, 3.0, n) if weighted else None
    cast = (lambda a: None if a is None else np.ascontiguousarray(a, dtype=dtype))
    return cast(y), cast(raw), cast(weight)


def away_from_kinks(name: str, y: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """Moves raw scores off the points where a piecewise loss is not twice differentiable."""
    params = HYPERPARAMETERS.get(name, {})
    kinks = {"absolute_error": [0.0], "quantile": [0.0], "huber": [-params.get("delta", 0), params.get("delta", 0)],
             "epsilon_insensitive": [-params.get("epsilon", 0), params.get("epsilon", 0)]}
    raw = raw.copy()
    if name in kinks:
        for kink in kinks[name]:
            r = raw - y
            close = np.abs(r - kink) < KINK_MARGIN
            raw[close] += 3 * KINK_MARGIN
    if name in ("hinge", "squared_hinge"):
        margin = (2 * y - 1) * raw
        raw[np.abs(margin - 1) < KINK_MARGIN] += 3 * KINK_MARGIN * (2 * y - 1)[np.abs(margin - 1) < KINK_MARGIN]
    return raw


def scaled(reference: np.ndarray) -> float:
    finite = np.abs(reference[np.isfinite(reference)])
    return max(1.0, float(finite.max())) if finite.size else 1.0


@pytest.mark.parametrize("name", LOSS_NAMES)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_matches_reference(name, weighted, dtype, n_threads, isa, rng):
    y, raw, weight = make_data(name, 3001, dtype, rng, weighted)
    params = HYPERPARAMETERS.get(name, {})
    loss = get_loss(name, **params)
    ref_args = (name, y, raw, weight)

    ref_loss = reference_loss(*ref_args, **params)
    ref_grad = reference_gradient(*ref_args, **params)
    ref_hess = reference_hessian(*ref_args, **params)

    values = loss.loss(y, raw, weight, n_threads=n_threads)
    assert values.dtype == dtype and values.shape == (len(y),)
    assert_close(values, ref_loss, dtype, scale=scaled(ref_loss))
    grad = loss.gradient(y, raw, weight, n_threads=n_threads)
    assert grad.dtype == dtype and grad.shape == raw.shape
    assert_close(grad, ref_grad, dtype, scale=scaled(ref_grad))
    grad2, hess = loss.gradient_hessian(y, raw, weight, n_threads=n_threads)
    assert_close(grad2, ref_grad, dtype, scale=scaled(ref_grad))
    assert_close(hess, ref_hess, dtype, scale=scaled(ref_hess))
    values2, grad3 = loss.loss_gradient(y, raw, weight, n_threads=n_threads)
    assert_close(values2, ref_loss, dtype, scale=scaled(ref_loss))
    assert_close(grad3, ref_grad, dtype, scale=scaled(ref_grad))
    mean = loss(y, raw, weight, n_threads=n_threads)
    assert isinstance(mean, float)
    assert_close(mean, reference_mean_loss(*ref_args, **params), dtype, scale=scaled(ref_loss))


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_derivatives_match_finite_differences(name, rng):
    """The core's gradient is the derivative of the core's loss, and its hessian the derivative
    of its gradient (float64, away from kinks)."""
    y, raw, weight = make_data(name, 200, np.float64, rng, weighted=True)
    loss = get_loss(name, **HYPERPARAMETERS.get(name, {}))
    if name == "multinomial_log_loss":
        for i in range(0, 200, 20):
            row_y, row_w = y[i:i + 1], weight[i:i + 1]
            f = lambda z: float(loss.loss(row_y, z.reshape(1, -1), row_w)[0])
            numerical = numerical_gradient(f, raw[i].copy())
            np.testing.assert_allclose(loss.gradient(row_y, raw[i:i + 1], row_w)[0], numerical,
                                       rtol=1e-5, atol=1e-7)
            for k in range(N_CLASSES):
                def grad_k(t: np.ndarray, k: int = k) -> float:
                    z = raw[i].copy()
                    z[k] = t[0]
                    return float(loss.gradient(row_y, z.reshape(1, -1), row_w)[0, k])
                numerical_hess = numerical_gradient(grad_k, raw[i, k:k + 1].copy())
                np.testing.assert_allclose(loss.gradient_hessian(row_y, raw[i:i + 1], row_w)[1][0, k],
                                           numerical_hess[0], rtol=1e-5, atol=1e-7)
        return
    raw = away_from_kinks(name, y, raw)
    check_derivative(lambda z: loss.loss(y, z, weight), lambda z: loss.gradient(y, z, weight), raw)
    check_derivative(lambda z: loss.gradient(y, z, weight),
                     lambda z: loss.gradient_hessian(y, z, weight)[1], raw)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_stable_at_extreme_raw(name, dtype, isa):
    """|raw| = 1e4 gives the exact limits: no overflow, no NaN (Poisson's exp(1e4) is truly inf)."""
    if name == "multinomial_log_loss":
        raw = np.array([[1e4, -1e4, 0, 1], [-1e4, -1e4, -1e4, -1e4], [1e4, 1e4, -1e4, 0]], dtype=dtype)
        y = np.array([0, 3, 2], dtype=dtype)
    else:
        raw = np.array([1e4, -1e4, 1e4, -1e4], dtype=dtype)
        y = np.array([0, 1, 1, 0], dtype=dtype)
    loss = get_loss(name, **HYPERPARAMETERS.get(name, {}))
    values, (grad, hess) = loss.loss(y, raw), loss.gradient_hessian(y, raw)
    for computed, reference in ((values, reference_loss(name, y, raw, **HYPERPARAMETERS.get(name, {}))),
                                (grad, reference_gradient(name, y, raw, **HYPERPARAMETERS.get(name, {}))),
                                (hess, reference_hessian(name, y, raw, **HYPERPARAMETERS.get(name, {})))):
        assert not np.any(np.isnan(computed))
        np.testing.assert_array_equal(np.isinf(computed), np.isinf(reference))
        finite = np.isfinite(reference)
        assert_close(computed[finite], reference[finite], dtype, scale=scaled(reference))
    if name != "poisson":
        assert np.all(np.isfinite(values)) and np.all(np.isfinite(grad)) and np.all(np.isfinite(hess))


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_bit_identical_for_any_thread_count(name, dtype, isa, rng):
    y, raw, weight = make_data(name, 100_003, dtype, rng, weighted=True)
    loss = get_loss(name, **HYPERPARAMETERS.get(name, {}))
    one = (loss(y, raw, weight, n_threads=1), loss.loss_gradient(y, raw, weight, n_threads=1))
    two = (loss(y, raw, weight, n_threads=2), loss.loss_gradient(y, raw, weight, n_threads=2))
    assert one[0] == two[0]
    np.testing.assert_array_equal(one[1][0], two[1][0])
    np.testing.assert_array_equal(one[1][1], two[1][1])


def test_constant_hessian_trait_is_true_to_the_maths(rng):
    for name in LOSS_NAMES:
        y, raw, _ = make_data(name, 500, np.float64, rng)
        loss = get_loss(name, **HYPERPARAMETERS.get(name, {}))
        hess = loss.gradient_hessian(y, raw)[1]
        assert loss.constant_hessian == bool(np.all(hess == hess.flat[0])), name
    assert {n for n in LOSS_NAMES if get_loss(n).needs_leaf_refit} == {"absolute_error", "quantile"}
    assert [n for n in LOSS_NAMES if get_loss(n).multiclass] == ["multinomial_log_loss"]


def test_every_loss_is_exposed_under_its_core_name():
    assert sorted(LOSSES) == sorted(_core.loss_names()) == sorted(LOSS_NAMES)
    for name, cls in LOSSES.items():
        assert cls().name == name


def test_out_buffers_are_written_in_place(rng):
    y, raw, _ = make_data("huber", 50, np.float32, rng)
    loss = get_loss("huber")
    out = np.empty(50, np.float32)
    assert loss.loss(y, raw, out=out) is out
    np.testing.assert_allclose(out, reference_loss("huber", y, raw), rtol=1e-5, atol=1e-6)
    g, h = np.empty(50, np.float32), np.empty(50, np.float32)
    got_g, got_h = loss.gradient_hessian(y, raw, gradient_out=g, hessian_out=h)
    assert got_g is g and got_h is h


def test_float32_stays_float32_other_dtypes_become_float64(rng):
    loss = get_loss("squared_error")
    assert loss.gradient(np.zeros(3, np.float32), np.ones(3, np.float32)).dtype == np.float32
    assert loss.gradient(np.zeros(3, np.float32), np.ones(3, np.float64)).dtype == np.float64
    assert loss.gradient([0, 1, 2], np.arange(3)).dtype == np.float64
    assert loss.gradient(np.zeros(3, np.float16), np.ones(3, np.float16)).dtype == np.float64


# -- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("name,y,match", [
    ("binary_log_loss", [0, 2, 1], r"y: the binary_log_loss loss needs binary labels 0 or 1; found y\[1\] = 2"),
    ("hinge", [0, -1, 1], r"y: .*binary labels.*y\[1\] = -1"),
    ("poisson", [1, 0, -3], r"y: .*non-negative.*y\[2\] = -3"),
    ("squared_error", [0.0, np.nan, 1.0], r"y: .*finite.*y\[1\] = nan"),
    ("huber", [np.inf, 0.0, 1.0], r"y: .*finite.*y\[0\] = inf"),
])
def test_targets_outside_the_domain_raise(name, y, match):
    with pytest.raises(ValueError, match=match):
        get_loss(name).gradient(np.asarray(y, float), np.zeros(3))


@pytest.mark.parametrize("label", [4, -1, 1.5, np.nan])
def test_multinomial_labels_outside_the_classes_raise(label):
    y = np.array([0, 1, label], dtype=float)
    with pytest.raises(ValueError, match=r"y: .*class labels in 0..n_classes-1"):
        get_loss("multinomial_log_loss").loss_gradient(y, np.zeros((3, 4)))


@pytest.mark.parametrize("weight,match", [
    ([1.0, -1.0, 1.0], r"sample_weight: .*sample_weight\[1\] = -1"),
    ([1.0, 1.0, np.nan], r"sample_weight: .*sample_weight\[2\] = nan"),
])
def test_bad_weights_raise(weight, match):
    with pytest.raises(ValueError, match=match):
        get_loss("squared_error")(np.zeros(3), np.zeros(3), weight)


def test_shape_and_type_errors_name_the_argument():
    loss = get_loss("squared_error")
    with pytest.raises(ValueError, match=r"y and raw: lengths differ \(3 targets, 4"):
        loss.gradient(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"raw: expected a 1-D array, got 2-D"):
        loss.gradient(np.zeros(3), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"y: expected a 1-D array, got 2-D"):
        loss.gradient(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(ValueError, match=r"raw: expected a 2-D array"):
        get_loss("multinomial_log_loss").gradient(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"raw: needs n_classes >= 2"):
        get_loss("multinomial_log_loss").gradient(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"sample_weight: has 2 entries, expected 3"):
        loss.gradient(np.zeros(3), np.zeros(3), np.ones(2))
    with pytest.raises(TypeError, match=r"y: expected a numeric array, got dtype <U1"):
        loss.gradient(np.array(["a", "b", "c"]), np.zeros(3))
    with pytest.raises(TypeError, match=r"raw: expected a numeric array, got dtype object"):
        loss.gradient(np.zeros(3), np.array([1, None, 2], dtype=object))
    with pytest.raises(ValueError, match=r"sample_weight: the weights sum to zero"):
        loss(np.zeros(3), np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"y: the mean loss of zero samples"):
        loss(np.zeros(0), np.zeros(0))


def test_bad_out_buffers_raise():
    loss = get_loss("squared_error")
    y, raw = np.zeros(4), np.ones(4)
    with pytest.raises(TypeError, match=r"out: expected dtype float64, got float32"):
        loss.gradient(y, raw, out=np.empty(4, np.float32))
    read_only = np.empty(4)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match=r"out: array is read-only"):
        loss.gradient(y, raw, out=read_only)
    with pytest.raises(ValueError, match=r"out: array is not C-contiguous"):
        loss.gradient(y, raw, out=np.empty(8)[::2])
    with pytest.raises(ValueError, match=r"out: has shape \(5,\), expected \(4,\)"):
        loss.gradient(y, raw, out=np.empty(5))
    with pytest.raises(ValueError, match=r"out: must not share memory with raw"):
        loss.gradient(y, raw, out=raw)
    with pytest.raises(TypeError, match=r"out: expected a numpy array, got list"):
        loss.gradient(y, raw, out=[0.0] * 4)
    g = np.empty(4)
    with pytest.raises(ValueError, match=r"hessian_out: must not share memory with gradient_out"):
        loss.gradient_hessian(y, raw, gradient_out=g, hessian_out=g)


def test_bad_names_and_hyperparameters_raise():
    with pytest.raises(ValueError, match=r"loss: unknown loss 'hubber'; known losses: squared_error"):
        get_loss("hubber")
    with pytest.raises(ValueError, match=r"delta: must be a finite number > 0, got -1"):
        get_loss("huber", delta=-1)
    with pytest.raises(ValueError, match=r"alpha: must be in the open interval \(0, 1\), got 1"):
        get_loss("quantile", alpha=1.0)
    with pytest.raises(ValueError, match=r"epsilon: must be a finite number >= 0"):
        get_loss("epsilon_insensitive", epsilon=-0.1)
    with pytest.raises(ValueError, match=r"delta: must be finite"):
        get_loss("huber", delta=float("nan"))
    with pytest.raises(TypeError, match=r"delta: expected a real number"):
        get_loss("huber", delta="1")
    with pytest.raises(TypeError, match=r"loss 'squared_error'"):
        get_loss("squared_error", delta=1.0)
    with pytest.raises(TypeError, match=r"n_threads"):
        get_loss("squared_error").gradient(np.zeros(2), np.zeros(2), n_threads=1.5)
    with pytest.raises(ValueError, match=r"n_threads: must be None or >= 1"):
        get_loss("squared_error").gradient(np.zeros(2), np.zeros(2), n_threads=0)


def test_core_rechecks_what_python_validated():
    """The bindings never copy or cast: a wrong dtype, layout or shape raises there too."""
    spec = _core.LossSpec("squared_error")
    with pytest.raises(TypeError, match=r"y: expected dtype float64, got float32"):
        _core.evaluate_loss(spec, "gradient", np.zeros(3, np.float32), np.zeros(3), gradient_out=np.empty(3))
    with pytest.raises(ValueError, match=r"y: has shape \(2,\), expected \(3,\)"):
        _core.evaluate_loss(spec, "mean", np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match=r"raw: array is not C-contiguous"):
        _core.evaluate_loss(spec, "mean", np.zeros(3), np.zeros(6)[::2])
    with pytest.raises(ValueError, match=r"gradient_out: required"):
        _core.evaluate_loss(spec, "gradient", np.zeros(3), np.zeros(3))
    with pytest.raises(TypeError, match=r"raw: unsupported dtype int64"):
        _core.evaluate_loss(spec, "mean", np.zeros(3, np.int64), np.zeros(3, np.int64))


# -- against torch, where installed ---------------------------------------------------------

def test_conventions_match_torch(rng):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    y, raw, _ = make_data("binary_log_loss", 100, np.float64, rng)
    expected = F.binary_cross_entropy_with_logits(torch.tensor(raw), torch.tensor(y), reduction="none")
    np.testing.assert_allclose(get_loss("binary_log_loss").loss(y, raw), expected.numpy(), rtol=1e-12)
    y, raw, _ = make_data("multinomial_log_loss", 100, np.float64, rng)
    expected = F.cross_entropy(torch.tensor(raw), torch.tensor(y).long(), reduction="none")
    np.testing.assert_allclose(get_loss("multinomial_log_loss").loss(y, raw), expected.numpy(), rtol=1e-12)
    y, raw, _ = make_data("poisson", 100, np.float64, rng)
    expected = F.poisson_nll_loss(torch.tensor(raw), torch.tensor(y), log_input=True, full=False, reduction="none")
    np.testing.assert_allclose(get_loss("poisson").loss(y, raw), expected.numpy(), rtol=1e-12, atol=1e-12)
    y, raw, _ = make_data("huber", 100, np.float64, rng)
    expected = F.huber_loss(torch.tensor(raw), torch.tensor(y), delta=0.8, reduction="none")
    np.testing.assert_allclose(get_loss("huber", delta=0.8).loss(y, raw), expected.numpy(), rtol=1e-12)
    expected = F.mse_loss(torch.tensor(raw), torch.tensor(y), reduction="none") / 2
    np.testing.assert_allclose(get_loss("squared_error").loss(y, raw), expected.numpy(), rtol=1e-12)


@pytest.mark.parametrize("n_classes", [2, 3, 17, 100, 4097])
def test_multinomial_any_number_of_classes(n_classes, dtype, isa, rng):
    """Rows are evaluated in blocks whose size depends on K (a heap scratch past 4096 classes)."""
    n = 150
    y = rng.integers(0, n_classes, n).astype(dtype)
    raw = rng.normal(0, 3, (n, n_classes)).astype(dtype)
    weight = rng.uniform(0, 2, n).astype(dtype)
    loss = get_loss("multinomial_log_loss")
    values, grad = loss.loss_gradient(y, raw, weight)
    _, hess = loss.gradient_hessian(y, raw, weight)
    ref = reference_loss("multinomial_log_loss", y, raw, weight)
    assert_close(values, ref, dtype, scale=scaled(ref))
    assert_close(grad, reference_gradient("multinomial_log_loss", y, raw, weight), dtype)
    assert_close(hess, reference_hessian("multinomial_log_loss", y, raw, weight), dtype)
    assert_close(loss(y, raw, weight), reference_mean_loss("multinomial_log_loss", y, raw, weight), dtype)
