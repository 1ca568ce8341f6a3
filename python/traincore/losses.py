"""Losses on raw predictions, with their gradients and hessians, computed by the C++ core.

Each loss is a function ``l(y, z)`` of a target ``y`` and a raw prediction ``z`` (the model
output before the inverse link; the link is folded into the loss). Derivatives are with respect
to ``z``. Sample weights multiply every per-sample value. The maths of each loss is in its
docstring and in ``traincore.testing.reference_losses``, the independent numpy version the
tests compare against.

All methods take float32 or float64 arrays: float32 ``raw`` computes in float32, anything else
in float64 (``y`` and ``sample_weight`` are converted to ``raw``'s dtype). Outputs may be given
as caller-owned ``out=`` buffers (C-contiguous, writeable, of ``raw``'s dtype and shape). Sums
accumulate in double over fixed chunks, so results are bit-identical for any ``n_threads``.

Example
-------
>>> import numpy as np
>>> from traincore.losses import BinaryLogLoss
>>> loss = BinaryLogLoss()
>>> y = np.array([0.0, 1.0]); raw = np.array([-2.0, 3.0])
>>> round(loss(y, raw), 6)          # weighted mean loss
0.087142
>>> loss.gradient(y, raw)            # sigmoid(raw) - y
array([ 0.11920292, -0.04742587])
"""
from __future__ import annotations

from typing import Any, ClassVar, Optional

import numpy as np

from . import _core
from ._validation import as_float_array, check_n_threads, check_number, output_array

__all__ = [
    "Loss", "SquaredError", "AbsoluteError", "Huber", "Quantile", "Poisson", "BinaryLogLoss",
    "MultinomialLogLoss", "Hinge", "SquaredHinge", "EpsilonInsensitive", "get_loss", "LOSSES",
]


class Loss:
    """Base class: a loss with value, gradient and hessian over arrays."""

    name: ClassVar[str]

    def __init__(self, **hyperparameters: float) -> None:
        checked = {k: check_number(v, k) for k, v in hyperparameters.items()}
        self._hyperparameters = checked
        self._spec = _core.LossSpec(self.name, **checked)
        traits = _core.loss_traits(self.name)
        #: The second derivative does not depend on y or raw.
        self.constant_hessian = bool(traits["constant_hessian"])
        #: Gradient boosting should refit leaf values (L1-type losses).
        self.needs_leaf_refit = bool(traits["needs_leaf_refit"])
        #: Works on rows of K raw scores.
        self.multiclass = bool(traits["multiclass"])
        #: Which targets the loss accepts.
        self.target_rule = str(traits["target_rule"])

    def get_params(self) -> dict[str, float]:
        return dict(self._hyperparameters)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self._hyperparameters.items())
        return f"{type(self).__name__}({params})"

    # -- argument handling ------------------------------------------------------------------
    def _inputs(self, y: Any, raw: Any, sample_weight: Any) -> tuple[np.ndarray, np.ndarray, Optional[np.ndarray]]:
        raw = as_float_array(raw, "raw", ndim=(2,) if self.multiclass else (1,))
        y = as_float_array(y, "y", dtype=raw.dtype, ndim=(1,))
        if y.shape[0] != raw.shape[0]:
            raise ValueError(
                f"y and raw: lengths differ ({y.shape[0]} targets, {raw.shape[0]} raw predictions)"
            )
        if self.multiclass and raw.shape[1] < 2:
            raise ValueError(f"raw: needs n_classes >= 2 columns, got shape {raw.shape}")
        if sample_weight is not None:
            sample_weight = as_float_array(sample_weight, "sample_weight", dtype=raw.dtype, ndim=(1,))
            if sample_weight.shape[0] != raw.shape[0]:
                raise ValueError(
                    f"sample_weight: has {sample_weight.shape[0]} entries, expected {raw.shape[0]}"
                )
        return y, raw, sample_weight

    def _run(self, mode: str, y: np.ndarray, raw: np.ndarray, sample_weight: Optional[np.ndarray],
             n_threads: Optional[int], **outputs: Optional[np.ndarray]) -> tuple[float, float]:
        return _core.evaluate_loss(self._spec, mode, y, raw, sample_weight,
                                   n_threads=check_n_threads(n_threads), **outputs)

    # -- public API -------------------------------------------------------------------------
    def __call__(self, y: Any, raw: Any, sample_weight: Any = None, *,
                 n_threads: Optional[int] = None) -> float:
        """The weighted mean loss ``sum(w * l) / sum(w)`` (accumulated in double)."""
        y, raw, sample_weight = self._inputs(y, raw, sample_weight)
        if y.shape[0] == 0:
            raise ValueError("y: the mean loss of zero samples is undefined")
        loss_sum, weight_sum = self._run("mean", y, raw, sample_weight, n_threads)
        if weight_sum <= 0:
            raise ValueError("sample_weight: the weights sum to zero; the mean loss is undefined")
        return loss_sum / weight_sum

    def loss(self, y: Any, raw: Any, sample_weight: Any = None, *,
             out: Optional[np.ndarray] = None, n_threads: Optional[int] = None) -> np.ndarray:
        """Per-sample (weighted) loss values, shape ``(n_samples,)``."""
        y, raw, sample_weight = self._inputs(y, raw, sample_weight)
        inputs = {"y": y, "raw": raw, "sample_weight": sample_weight}
        out = output_array(out, "out", (raw.shape[0],), raw.dtype, inputs)
        self._run("loss", y, raw, sample_weight, n_threads, loss_out=out)
        return out

    def gradient(self, y: Any, raw: Any, sample_weight: Any = None, *,
                 out: Optional[np.ndarray] = None, n_threads: Optional[int] = None) -> np.ndarray:
        """Per-sample (weighted) derivative with respect to ``raw``, ``raw``'s shape."""
        y, raw, sample_weight = self._inputs(y, raw, sample_weight)
        inputs = {"y": y, "raw": raw, "sample_weight": sample_weight}
        out = output_array(out, "out", raw.shape, raw.dtype, inputs)
        self._run("gradient", y, raw, sample_weight, n_threads, gradient_out=out)
        return out

    def gradient_hessian(self, y: Any, raw: Any, sample_weight: Any = None, *,
                         gradient_out: Optional[np.ndarray] = None,
                         hessian_out: Optional[np.ndarray] = None,
                         n_threads: Optional[int] = None) -> tuple[np.ndarray, np.ndarray]:
        """Per-sample (weighted) first and second derivatives with respect to ``raw``."""
        y, raw, sample_weight = self._inputs(y, raw, sample_weight)
        inputs = {"y": y, "raw": raw, "sample_weight": sample_weight}
        gradient_out = output_array(gradient_out, "gradient_out", raw.shape, raw.dtype, inputs)
        inputs["gradient_out"] = gradient_out
        hessian_out = output_array(hessian_out, "hessian_out", raw.shape, raw.dtype, inputs)
        self._run("gradient_hessian", y, raw, sample_weight, n_threads,
                  gradient_out=gradient_out, hessian_out=hessian_out)
        return gradient_out, hessian_out

    def loss_gradient(self, y: Any, raw: Any, sample_weight: Any = None, *,
                      loss_out: Optional[np.ndarray] = None,
                      gradient_out: Optional[np.ndarray] = None,
                      n_threads: Optional[int] = None) -> tuple[np.ndarray, np.ndarray]:
        """Per-sample (weighted) losses and derivatives from one pass over the data."""
        y, raw, sample_weight = self._inputs(y, raw, sample_weight)
        inputs = {"y": y, "raw": raw, "sample_weight": sample_weight}
        loss_out = output_array(loss_out, "loss_out", (raw.shape[0],), raw.dtype, inputs)
        inputs["loss_out"] = loss_out
        gradient_out = output_array(gradient_out, "gradient_out", raw.shape, raw.dtype, inputs)
        self._run("loss_gradient", y, raw, sample_weight, n_threads,
                  loss_out=loss_out, gradient_out=gradient_out)
        return loss_out, gradient_out


class SquaredError(Loss):
    """Half squared error: ``l = (z - y)^2 / 2``, gradient ``z - y``, hessian 1."""

    name = "squared_error"

    def __init__(self) -> None:
        super().__init__()


class AbsoluteError(Loss):
    """Absolute error: ``l = |z - y|``, gradient ``sign(z - y)`` (0 at ``z = y``), hessian 0."""

    name = "absolute_error"

    def __init__(self) -> None:
        super().__init__()


class Huber(Loss):
    """Huber loss with threshold ``delta > 0``, with ``r = z - y``: ``r^2 / 2`` where
    ``|r| <= delta``, else ``delta * (|r| - delta / 2)``; gradient ``r`` or ``delta * sign(r)``,
    hessian 1 or 0."""

    name = "huber"

    def __init__(self, delta: float = 1.0) -> None:
        super().__init__(delta=delta)


class Quantile(Loss):
    """Pinball loss at level ``alpha`` in (0, 1), with ``d = y - z``: ``alpha * d`` if ``d >= 0``
    else ``(alpha - 1) * d``; gradient ``-alpha`` if ``y > z`` else ``1 - alpha``; hessian 0."""

    name = "quantile"

    def __init__(self, alpha: float = 0.5) -> None:
        super().__init__(alpha=alpha)


class Poisson(Loss):
    """Poisson negative log-likelihood with log link for counts ``y >= 0``:
    ``l = exp(z) - y z``, gradient ``exp(z) - y``, hessian ``exp(z)``. ``exp(z)`` overflows to
    inf past ``z ~ 709`` (float64) or ``~ 88`` (float32): that is the true value."""

    name = "poisson"

    def __init__(self) -> None:
        super().__init__()


class BinaryLogLoss(Loss):
    """Binary log loss with logistic link, ``y`` in {0, 1}: ``l = log(1 + exp(z)) - y z``,
    gradient ``sigmoid(z) - y``, hessian ``sigmoid(z) (1 - sigmoid(z))``; stable for any z."""

    name = "binary_log_loss"

    def __init__(self) -> None:
        super().__init__()


class MultinomialLogLoss(Loss):
    """Softmax cross-entropy over rows of K raw scores (``raw`` of shape (n, K)), ``y`` holding
    class indices 0..K-1: ``l = logsumexp(z) - z_y``, gradient ``softmax(z) - onehot(y)``,
    hessian ``p_k (1 - p_k)`` (the diagonal of the Hessian)."""

    name = "multinomial_log_loss"

    def __init__(self) -> None:
        super().__init__()


class Hinge(Loss):
    """Hinge loss for labels ``y`` in {0, 1} with ``s = 2y - 1``: ``max(0, 1 - s z)``;
    gradient ``-s`` where ``s z < 1`` else 0; hessian 0."""

    name = "hinge"

    def __init__(self) -> None:
        super().__init__()


class SquaredHinge(Loss):
    """Squared hinge loss for labels ``y`` in {0, 1}: ``max(0, 1 - s z)^2``; gradient
    ``-2 s max(0, 1 - s z)``; hessian 2 where ``s z < 1`` else 0."""

    name = "squared_hinge"

    def __init__(self) -> None:
        super().__init__()


class EpsilonInsensitive(Loss):
    """Epsilon-insensitive loss of support vector regression: ``max(0, |z - y| - epsilon)``;
    gradient ``sign(z - y)`` outside the tube, else 0; hessian 0."""

    name = "epsilon_insensitive"

    def __init__(self, epsilon: float = 0.1) -> None:
        super().__init__(epsilon=epsilon)


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (SquaredError, AbsoluteError, Huber, Quantile, Poisson, BinaryLogLoss,
                MultinomialLogLoss, Hinge, SquaredHinge, EpsilonInsensitive)
}


def get_loss(name: str, **hyperparameters: float) -> Loss:
    """The loss called ``name`` (e.g. ``"huber"``) with its hyper-parameters."""
    if not isinstance(name, str):
        raise TypeError(f"loss: expected a loss name, got {name!r}")
    if name not in LOSSES:
        raise ValueError(f"loss: unknown loss {name!r}; known losses: {', '.join(LOSSES)}")
    try:
        return LOSSES[name](**hyperparameters)
    except TypeError as error:
        raise TypeError(f"loss {name!r}: {error}") from None
