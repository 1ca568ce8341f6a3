"""Plain-numpy reference of the multilayer perceptron: layout, initialisation, forward and
backward passes, dropout and the L2 penalty.

Everything is computed in float64 whatever the input dtype, from the definitions below.

Network and parameter layout
----------------------------
``layer_sizes = [n_in, h_1, ..., h_m, n_out]`` describes ``L = len(layer_sizes) - 1`` dense
layers.  Layer ``l`` (1-based) has weights ``W_l`` of shape ``(fan_in, fan_out) =
(layer_sizes[l-1], layer_sizes[l])`` and a bias ``b_l`` of shape ``(fan_out,)``.  The flat
parameter vector holds, for ``l = 1..L`` in order, ``W_l`` flattened row-major and then ``b_l``.

Activations (``slope`` is the leaky-ReLU negative slope, default 0.01)::

    name        f(z)                             f'(z)
    identity    z                                1
    relu        max(0, z)                        1 if z > 0 else 0   (0 at z = 0, as torch)
    leaky_relu  z if z > 0 else slope z          1 if z > 0 else slope
    tanh        tanh(z)                          1 - tanh(z)^2
    sigmoid     s(z) = 1 / (1 + exp(-z))         s(z) (1 - s(z))
    gelu        z Phi(z)                         Phi(z) + z phi(z)

with ``Phi(z) = erfc(-z / sqrt 2) / 2`` the standard normal CDF and ``phi(z) = exp(-z^2/2) /
sqrt(2 pi)`` its density (Hendrycks & Gimpel, "Gaussian Error Linear Units", 2016, exact form).
The sigmoid only exponentiates non-positive numbers; the tanh and sigmoid derivatives are
evaluated as ``4 e / (1 + e)^2`` with ``e = exp(-2|z|)`` and ``s(z) s(-z)``, which equal the
forms above and keep full relative accuracy for large ``|z|``.

Forward pass (rows of ``X`` are samples)::

    A_0 = X
    Z_l = A_{l-1} W_l + b_l                        l = 1..L
    A_l = f(Z_l) * M_l                             l < L   (M_l = 1 without dropout)
    raw = Z_L                                      the output layer is linear

Dropout (Srivastava et al., JMLR 15, 2014; "inverted" scaling), training only, rate ``p`` in
``[0, 1)``: ``M_l[i, j] = 1 / (1 - p)`` if ``u >= p`` else 0, with ``u = (bits >> 11) 2^-53`` and
``bits = random_bits(seed, purpose=4, epoch=step mod 2^32, index=((l-1) << 48) + i h_l + j)``
(Philox4x32-10, see :mod:`traincore.testing.reference_rng`); ``i`` is the row within the batch
and ``step`` the optimiser step count before this step.

Backward pass (back-propagation, Rumelhart, Hinton & Williams, Nature 323, 1986), from
``G = dLoss / d raw``::

    delta_L = G
    dW_l = A_{l-1}^T delta_l,   db_l = sum_rows delta_l
    delta_{l-1} = (delta_l W_l^T) * M_{l-1} * f'(Z_{l-1})          l > 1

L2 penalty ``alpha / 2 sum_l ||W_l||_F^2`` (biases are not penalised), gradient ``alpha W_l``.

The training objective of :func:`reference_mlp_loss_and_gradient` is the weighted mean of the
per-sample output loss (:mod:`traincore.testing.reference_losses`) plus the penalty.

Initialisation from a 64-bit ``seed``: biases are 0; element ``e`` (row-major) of ``W_l`` is
``(2u - 1) a`` with ``u = (bits >> 11) 2^-53``, ``bits = random_bits(seed, purpose=3,
epoch=l-1, index=e)``, computed in float64 and then cast.  The bound ``a`` is He uniform
``sqrt(6 / fan_in)`` (He et al., ICCV 2015) for hidden layers with relu or gelu,
``sqrt(6 / ((1 + slope^2) fan_in))`` with leaky_relu, and Glorot uniform
``sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio, AISTATS 2010) with tanh, sigmoid and
identity.  The output layer always uses Glorot uniform.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from .reference_losses import LOSS_NAMES, reference_gradient, reference_mean_loss

__all__ = [
    "ACTIVATIONS",
    "PURPOSE_INIT",
    "PURPOSE_DROPOUT",
    "ForwardCache",
    "reference_activation",
    "reference_activation_derivative",
    "mlp_layout",
    "mlp_n_params",
    "unflatten",
    "flatten",
    "philox4x32_array",
    "philox_random_bits",
    "reference_init",
    "reference_dropout_mask",
    "reference_forward",
    "reference_backward",
    "reference_penalty",
    "reference_penalty_gradient",
    "reference_mlp_loss_and_gradient",
]

#: Names accepted for ``activation``.
ACTIVATIONS: Tuple[str, ...] = ("identity", "relu", "leaky_relu", "tanh", "sigmoid", "gelu")

#: Philox stream ``purpose`` of the weight initialisation.
PURPOSE_INIT = 3
#: Philox stream ``purpose`` of the dropout masks.
PURPOSE_DROPOUT = 4

_MASK32 = np.uint64(0xFFFFFFFF)
_MASK64 = 0xFFFFFFFFFFFFFFFF
_SHIFT32 = np.uint64(32)
_PHILOX_M0 = np.uint64(0xD2511F53)
_PHILOX_M1 = np.uint64(0xCD9E8D57)
_PHILOX_W0 = np.uint64(0x9E3779B9)
_PHILOX_W1 = np.uint64(0xBB67AE85)
_TWO_POW_M53 = 2.0 ** -53
_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


# ---------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------

def _check_activation(name: str) -> None:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {ACTIVATIONS}")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))`` exponentiating only ``-|z|`` so nothing overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    """``Phi(z) = erfc(-z / sqrt 2) / 2`` (accurate in both tails)."""
    if z.size == 0:
        return np.zeros_like(z)
    return 0.5 * _erfc(-z / _SQRT2)


def reference_activation(name: str, z: Any, slope: float = 0.01) -> np.ndarray:
    """The activation ``f(z)``, elementwise, in float64.

    Parameters
    ----------
    name : str
        One of :data:`ACTIVATIONS`.
    z : array_like
        Pre-activations.
    slope : float, default 0.01
        Negative slope of ``leaky_relu`` (ignored by the others).

    Returns
    -------
    numpy.ndarray
        float64 array of the shape of ``z``.

    Raises
    ------
    ValueError
        If ``name`` is unknown.
    """
    _check_activation(name)
    z = np.asarray(z, dtype=np.float64)
    if name == "identity":
        return z.copy()
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, float(slope) * z)
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return _sigmoid(z)
    return z * _normal_cdf(z)


def reference_activation_derivative(name: str, z: Any, slope: float = 0.01) -> np.ndarray:
    """The derivative ``f'(z)``, elementwise, in float64.

    ``relu`` has derivative 0 and ``leaky_relu`` ``slope`` at ``z = 0`` (torch's convention).
    See :func:`reference_activation` for the parameters.
    """
    _check_activation(name)
    z = np.asarray(z, dtype=np.float64)
    if name == "identity":
        return np.ones_like(z)
    if name == "relu":
        return np.where(z > 0, 1.0, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, float(slope))
    if name == "tanh":
        e = np.exp(-2.0 * np.abs(z))        # 1 - tanh^2 = sech^2 = 4 e / (1 + e)^2
        return 4.0 * e / ((1.0 + e) * (1.0 + e))
    if name == "sigmoid":
        return _sigmoid(z) * _sigmoid(-z)   # = s (1 - s)
    return _normal_cdf(z) + z * np.exp(-0.5 * z * z) * _INV_SQRT_2PI


# ---------------------------------------------------------------------------
# parameter layout
# ---------------------------------------------------------------------------

def _check_layer_sizes(layer_sizes: Sequence[int]) -> List[int]:
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs at least [n_in, n_out], got {list(layer_sizes)}")
    if any(s < 1 for s in sizes) or any(s != t for s, t in zip(sizes, layer_sizes)):
        raise ValueError(f"layer_sizes must be positive integers, got {list(layer_sizes)}")
    return sizes


def mlp_layout(layer_sizes: Sequence[int]) -> List[Tuple[str, int, Tuple[int, ...]]]:
    """Where each parameter lives in the flat vector.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_in, h_1, ..., h_m, n_out]``.

    Returns
    -------
    list of (str, int, tuple)
        ``(name, offset, shape)`` for ``W1, b1, W2, b2, ...`` in storage order; ``W_l`` has
        shape ``(layer_sizes[l-1], layer_sizes[l])`` and ``b_l`` ``(layer_sizes[l],)``.
    """
    sizes = _check_layer_sizes(layer_sizes)
    layout: List[Tuple[str, int, Tuple[int, ...]]] = []
    offset = 0
    for l in range(1, len(sizes)):
        fan_in, fan_out = sizes[l - 1], sizes[l]
        layout.append((f"W{l}", offset, (fan_in, fan_out)))
        offset += fan_in * fan_out
        layout.append((f"b{l}", offset, (fan_out,)))
        offset += fan_out
    return layout


def mlp_n_params(layer_sizes: Sequence[int]) -> int:
    """Length of the flat parameter vector: ``sum_l (fan_in_l + 1) fan_out_l``."""
    sizes = _check_layer_sizes(layer_sizes)
    return sum((sizes[l - 1] + 1) * sizes[l] for l in range(1, len(sizes)))


def unflatten(params: Any, layer_sizes: Sequence[int]) -> List[Tuple[np.ndarray, np.ndarray]]:
    """Split a flat parameter vector into ``[(W_1, b_1), ..., (W_L, b_L)]``.

    Parameters
    ----------
    params : array_like
        1-D vector of length :func:`mlp_n_params`.
    layer_sizes : sequence of int
        ``[n_in, h_1, ..., h_m, n_out]``.

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        Views into ``params`` (its dtype is kept) when it is a contiguous numpy array.

    Raises
    ------
    ValueError
        If ``params`` is not 1-D of the right length.
    """
    flat = np.asarray(params)
    n = mlp_n_params(layer_sizes)
    if flat.ndim != 1 or flat.shape[0] != n:
        raise ValueError(f"params must be 1-D of length {n} for layer_sizes "
                         f"{list(layer_sizes)}, got shape {flat.shape}")
    layout = mlp_layout(layer_sizes)
    out = []
    for (_, w_off, w_shape), (_, b_off, b_shape) in zip(layout[0::2], layout[1::2]):
        w = flat[w_off:w_off + w_shape[0] * w_shape[1]].reshape(w_shape)
        b = flat[b_off:b_off + b_shape[0]]
        out.append((w, b))
    return out


def flatten(layers: Sequence[Tuple[Any, Any]]) -> np.ndarray:
    """Concatenate ``[(W_1, b_1), ...]`` into the flat layout (``W_l`` row-major, then ``b_l``).

    Parameters
    ----------
    layers : sequence of (array_like, array_like)
        Weights of shape ``(fan_in, fan_out)`` and biases of shape ``(fan_out,)``; consecutive
        layers must chain (``fan_out`` of one is ``fan_in`` of the next).

    Returns
    -------
    numpy.ndarray
        1-D array of the common result dtype of the inputs.
    """
    parts: List[np.ndarray] = []
    prev_out: Optional[int] = None
    for w, b in layers:
        w, b = np.asarray(w), np.asarray(b)
        if w.ndim != 2 or b.shape != (w.shape[1],):
            raise ValueError(f"layer shapes do not match: W {w.shape}, b {b.shape}")
        if prev_out is not None and w.shape[0] != prev_out:
            raise ValueError(f"layer with fan_in {w.shape[0]} follows one with fan_out {prev_out}")
        prev_out = w.shape[1]
        parts.append(w.reshape(-1))
        parts.append(b.reshape(-1))
    if not parts:
        raise ValueError("flatten needs at least one layer")
    return np.concatenate(parts)


# ---------------------------------------------------------------------------
# vectorised Philox4x32-10
# ---------------------------------------------------------------------------

def philox4x32_array(counters: Any, key: Any) -> np.ndarray:
    """Philox4x32-10 over many counters at once (Salmon et al., SC 2011).

    The same ten rounds as :func:`traincore.testing.reference_rng.philox4x32`, on uint64 arrays
    holding 32-bit words (a 32 x 32-bit product fits a uint64 exactly).

    Parameters
    ----------
    counters : array_like of int, shape (..., 4)
        Counter words ``(c0, c1, c2, c3)``; each is reduced mod 2^32.
    key : int or array_like of int
        64-bit key(s) ``k0 + 2^32 k1``, broadcast against ``counters[..., 0]``.

    Returns
    -------
    numpy.ndarray
        uint64 array of shape ``counters.shape`` holding the four 32-bit output words.
    """
    c = np.asarray(counters, dtype=np.uint64)
    if c.ndim < 1 or c.shape[-1] != 4:
        raise ValueError(f"counters must have shape (..., 4), got {c.shape}")
    keys = np.asarray(key, dtype=np.uint64)
    c0: np.ndarray = c[..., 0] & _MASK32
    c1: np.ndarray = c[..., 1] & _MASK32
    c2: np.ndarray = c[..., 2] & _MASK32
    c3: np.ndarray = c[..., 3] & _MASK32
    k0 = np.broadcast_to(keys & _MASK32, c0.shape).copy()
    k1 = np.broadcast_to(keys >> _SHIFT32, c0.shape).copy()
    for _ in range(10):
        p0 = _PHILOX_M0 * c0
        p1 = _PHILOX_M1 * c2
        c0, c1, c2, c3 = ((p1 >> _SHIFT32) ^ c1 ^ k0, p1 & _MASK32,
                          (p0 >> _SHIFT32) ^ c3 ^ k1, p0 & _MASK32)
        k0 = (k0 + _PHILOX_W0) & _MASK32
        k1 = (k1 + _PHILOX_W1) & _MASK32
    return np.stack([c0, c1, c2, c3], axis=-1)


def philox_random_bits(seed: int, purpose: int, epoch: int, index_array: Any) -> np.ndarray:
    """64 random bits per index: ``reference_rng.random_bits`` over an array of indices.

    The counter is ``(index mod 2^32, index >> 32, epoch, purpose)`` and the key ``seed``; the
    result is ``(out0 << 32) | out1``.

    Parameters
    ----------
    seed : int
        64-bit key (taken mod 2^64).
    purpose, epoch : int
        Stream identifiers (taken mod 2^32).
    index_array : array_like of int
        Non-negative draw indices below 2^64.

    Returns
    -------
    numpy.ndarray
        uint64 array of the shape of ``index_array``.
    """
    idx = np.asarray(index_array)
    if idx.dtype.kind not in "iu" and idx.size:
        raise ValueError(f"index_array must hold integers, got dtype {idx.dtype}")
    if idx.dtype.kind == "i" and idx.size and idx.min() < 0:
        raise ValueError("index_array must be non-negative")
    idx = idx.astype(np.uint64)
    counters = np.empty(idx.shape + (4,), dtype=np.uint64)
    counters[..., 0] = idx & _MASK32
    counters[..., 1] = idx >> _SHIFT32
    counters[..., 2] = np.uint64(int(epoch) & 0xFFFFFFFF)
    counters[..., 3] = np.uint64(int(purpose) & 0xFFFFFFFF)
    out = philox4x32_array(counters, np.uint64(int(seed) & _MASK64))
    return (out[..., 0] << _SHIFT32) | out[..., 1]


def _unit_uniform(bits: np.ndarray) -> np.ndarray:
    """``u = (bits >> 11) 2^-53`` in ``[0, 1)`` (exact in float64)."""
    return (bits >> np.uint64(11)).astype(np.float64) * _TWO_POW_M53


# ---------------------------------------------------------------------------
# initialisation
# ---------------------------------------------------------------------------

def _init_bound(activation: str, fan_in: int, fan_out: int, output_layer: bool,
                slope: float) -> float:
    if output_layer or activation in ("tanh", "sigmoid", "identity"):
        return math.sqrt(6.0 / (fan_in + fan_out))
    if activation in ("relu", "gelu"):
        return math.sqrt(6.0 / fan_in)
    return math.sqrt(6.0 / ((1.0 + slope * slope) * fan_in))


def reference_init(layer_sizes: Sequence[int], activation: str, seed: int,
                   dtype: Any = np.float64, slope: float = 0.01) -> np.ndarray:
    """Initial flat parameters: uniform weights in ``(-a, a)`` from Philox, zero biases.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_in, h_1, ..., h_m, n_out]``.
    activation : str
        Hidden-layer activation; chooses the bound ``a`` of hidden layers (module docstring).
    seed : int
        64-bit seed (the Philox key).
    dtype : numpy dtype, default float64
        dtype of the result; values are computed in float64 and then cast.
    slope : float, default 0.01
        Negative slope of ``leaky_relu``.

    Returns
    -------
    numpy.ndarray
        1-D array of length :func:`mlp_n_params`.
    """
    _check_activation(activation)
    sizes = _check_layer_sizes(layer_sizes)
    n_layers = len(sizes) - 1
    layers = []
    for l in range(1, n_layers + 1):
        fan_in, fan_out = sizes[l - 1], sizes[l]
        a = _init_bound(activation, fan_in, fan_out, l == n_layers, float(slope))
        u = _unit_uniform(philox_random_bits(seed, PURPOSE_INIT, l - 1,
                                             np.arange(fan_in * fan_out, dtype=np.uint64)))
        layers.append(((2.0 * u - 1.0).reshape(fan_in, fan_out) * a, np.zeros(fan_out)))
    return flatten(layers).astype(dtype)


# ---------------------------------------------------------------------------
# dropout
# ---------------------------------------------------------------------------

def reference_dropout_mask(seed: int, step: int, layer: int, n_rows: int, width: int,
                           rate: float) -> np.ndarray:
    """The inverted-dropout mask of hidden layer ``layer`` for one batch.

    ``M[i, j] = 1 / (1 - rate)`` if ``u >= rate`` else 0, with ``u`` from
    ``random_bits(seed, 4, step mod 2^32, ((layer - 1) << 48) + i width + j)``.

    Parameters
    ----------
    seed : int
        64-bit seed.
    step : int
        Optimiser step count before this step.
    layer : int
        1-based hidden layer index.
    n_rows, width : int
        Batch size and layer width ``h_layer``.
    rate : float
        Drop probability in ``[0, 1)``; 0 gives all ones.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(n_rows, width)``.
    """
    rate = float(rate)
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
    if layer < 1 or n_rows < 0 or width < 1:
        raise ValueError("need layer >= 1, n_rows >= 0, width >= 1; "
                         f"got {layer}, {n_rows}, {width}")
    base = (int(layer) - 1) << 48
    index = np.uint64(base) + np.arange(n_rows * width, dtype=np.uint64)
    u = _unit_uniform(philox_random_bits(seed, PURPOSE_DROPOUT, int(step) & 0xFFFFFFFF, index))
    return np.where(u >= rate, 1.0 / (1.0 - rate), 0.0).reshape(n_rows, width)


# ---------------------------------------------------------------------------
# forward / backward
# ---------------------------------------------------------------------------

@dataclass
class ForwardCache:
    """What :func:`reference_backward` needs from :func:`reference_forward`.

    Attributes
    ----------
    A : list of numpy.ndarray
        ``A_0 = X, A_1, ..., A_{L-1}`` (hidden activations after dropout).
    Z : list of numpy.ndarray
        ``Z_1, ..., Z_L`` (pre-activations; ``Z_L`` is ``raw``).
    masks : list of numpy.ndarray or None
        ``M_1, ..., M_{L-1}``; ``None`` entries without dropout.
    """

    A: List[np.ndarray] = field(default_factory=list)
    Z: List[np.ndarray] = field(default_factory=list)
    masks: List[Optional[np.ndarray]] = field(default_factory=list)


def reference_forward(params: Any, layer_sizes: Sequence[int], X: Any, activation: str,
                      slope: float = 0.01, dropout: float = 0.0, seed: int = 0,
                      step: int = 0) -> Tuple[np.ndarray, ForwardCache]:
    """Forward pass ``raw = Z_L``; dropout on the hidden layers when ``dropout > 0``.

    Parameters
    ----------
    params : array_like
        Flat parameters (layout of :func:`mlp_layout`).
    layer_sizes : sequence of int
        ``[n_in, h_1, ..., h_m, n_out]``.
    X : array_like, shape (n, n_in)
        Inputs.
    activation : str
        Hidden-layer activation, one of :data:`ACTIVATIONS`.
    slope : float, default 0.01
        Negative slope of ``leaky_relu``.
    dropout : float, default 0.0
        Dropout rate in ``[0, 1)`` (training); 0 means no mask at all.
    seed, step : int
        Seed and optimiser step count that select the dropout masks.

    Returns
    -------
    raw : numpy.ndarray
        float64, shape ``(n, n_out)``.
    cache : ForwardCache
        Intermediate values for :func:`reference_backward`.
    """
    _check_activation(activation)
    sizes = _check_layer_sizes(layer_sizes)
    dropout = float(dropout)
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1), got {dropout}")
    x = np.asarray(X, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != sizes[0]:
        raise ValueError(f"X must have shape (n, {sizes[0]}), got {x.shape}")
    layers = unflatten(np.asarray(params, dtype=np.float64), sizes)
    cache = ForwardCache(A=[x])
    a = x
    for l, (w, b) in enumerate(layers[:-1], start=1):
        z = a @ w + b
        cache.Z.append(z)
        a = reference_activation(activation, z, slope)
        mask = None
        if dropout > 0.0:
            mask = reference_dropout_mask(seed, step, l, z.shape[0], z.shape[1], dropout)
            a = a * mask
        cache.masks.append(mask)
        cache.A.append(a)
    w_out, b_out = layers[-1]
    raw = a @ w_out + b_out
    cache.Z.append(raw)
    return raw, cache


def reference_backward(params: Any, layer_sizes: Sequence[int], cache: ForwardCache,
                       grad_raw: Any, activation: str, slope: float = 0.01) -> np.ndarray:
    """Back-propagate ``G = dLoss/d raw`` to the flat parameter gradient.

    Parameters
    ----------
    params : array_like
        The flat parameters used in the forward pass.
    layer_sizes : sequence of int
        ``[n_in, h_1, ..., h_m, n_out]``.
    cache : ForwardCache
        From :func:`reference_forward` on the same parameters.
    grad_raw : array_like, shape (n, n_out)
        Gradient of the loss with respect to ``raw``.
    activation : str
        Hidden-layer activation used in the forward pass.
    slope : float, default 0.01
        Negative slope of ``leaky_relu``.

    Returns
    -------
    numpy.ndarray
        float64 gradient in the flat layout.
    """
    _check_activation(activation)
    sizes = _check_layer_sizes(layer_sizes)
    layers = unflatten(np.asarray(params, dtype=np.float64), sizes)
    n_layers = len(layers)
    delta = np.asarray(grad_raw, dtype=np.float64)
    n = cache.A[0].shape[0]
    if delta.shape != (n, sizes[-1]):
        raise ValueError(f"grad_raw must have shape ({n}, {sizes[-1]}), got {delta.shape}")
    grads: List[Tuple[np.ndarray, np.ndarray]] = []       # layers L, L-1, ..., 1
    for l in range(n_layers, 0, -1):
        grads.append((cache.A[l - 1].T @ delta, delta.sum(axis=0)))
        if l > 1:
            delta = (delta @ layers[l - 1][0].T) * reference_activation_derivative(
                activation, cache.Z[l - 2], slope)
            mask = cache.masks[l - 2]
            if mask is not None:
                delta = delta * mask
    return flatten(grads[::-1])


# ---------------------------------------------------------------------------
# penalty and objective
# ---------------------------------------------------------------------------

def reference_penalty(params: Any, layer_sizes: Sequence[int], alpha: float) -> float:
    """L2 penalty ``alpha / 2 sum_l ||W_l||_F^2`` (biases excluded), summed with ``fsum``."""
    layers = unflatten(np.asarray(params, dtype=np.float64), layer_sizes)
    squares = [float(v) for w, _ in layers for v in (w * w).ravel()]
    return 0.5 * float(alpha) * math.fsum(squares)


def reference_penalty_gradient(params: Any, layer_sizes: Sequence[int], alpha: float) -> np.ndarray:
    """Gradient of :func:`reference_penalty`: ``alpha W_l`` for weights, 0 for biases."""
    layers = unflatten(np.asarray(params, dtype=np.float64), layer_sizes)
    return flatten([(float(alpha) * w, np.zeros_like(b)) for w, b in layers])


def reference_mlp_loss_and_gradient(
        params: Any, layer_sizes: Sequence[int], X: Any, y: Any, loss_name: str,
        activation: str, sample_weight: Any = None, alpha: float = 0.0, slope: float = 0.01,
        dropout: float = 0.0, seed: int = 0, step: int = 0,
        loss_params: Optional[Mapping[str, float]] = None) -> Tuple[float, np.ndarray]:
    """Training objective and its gradient with respect to the flat parameters.

    ``J = sum_i w_i L(y_i, raw_i) / sum_i w_i + alpha / 2 sum_l ||W_l||_F^2``, where ``L`` is
    the per-sample loss of :mod:`traincore.testing.reference_losses` (``squared_error`` is
    ``r^2 / 2``).  ``multinomial_log_loss`` uses all ``K = n_out`` columns of ``raw`` and class
    indices in ``y``; every other loss needs ``n_out = 1`` and uses ``raw[:, 0]``.  The gradient
    is :func:`reference_backward` of ``G_i = w_i dL_i/d raw_i / sum(w)`` plus the penalty
    gradient.

    Parameters
    ----------
    params : array_like
        Flat parameters.
    layer_sizes : sequence of int
        ``[n_in, h_1, ..., h_m, n_out]``.
    X : array_like, shape (n, n_in)
        Inputs.
    y : array_like, shape (n,)
        Targets.
    loss_name : str
        One of :data:`traincore.testing.reference_losses.LOSS_NAMES`.
    activation : str
        Hidden-layer activation.
    sample_weight : array_like, shape (n,), optional
        Per-sample weights ``w`` (default all ones).
    alpha : float, default 0.0
        L2 penalty strength.
    slope : float, default 0.01
        Negative slope of ``leaky_relu``.
    dropout, seed, step
        Dropout rate and the seed / step count that select the masks (see
        :func:`reference_forward`).
    loss_params : mapping, optional
        Loss hyper-parameters passed to the loss (``delta``, ``alpha`` of ``quantile``,
        ``epsilon``).

    Returns
    -------
    loss : float
        ``J``.
    gradient : numpy.ndarray
        float64, flat layout.
    """
    if loss_name not in LOSS_NAMES:
        raise ValueError(f"unknown loss {loss_name!r}; expected one of {LOSS_NAMES}")
    sizes = _check_layer_sizes(layer_sizes)
    n_out = sizes[-1]
    if loss_name != "multinomial_log_loss" and n_out != 1:
        raise ValueError(f"loss {loss_name!r} needs n_out = 1, got {n_out}")
    lp = dict(loss_params or {})
    raw, cache = reference_forward(params, sizes, X, activation, slope, dropout, seed, step)
    n = raw.shape[0]
    yv = np.asarray(y, dtype=np.float64)
    if yv.shape != (n,):
        raise ValueError(f"y must have shape ({n},), got {yv.shape}")
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if w is not None and w.shape != (n,):
        raise ValueError(f"sample_weight must have shape ({n},), got {w.shape}")
    z = raw if loss_name == "multinomial_log_loss" else raw[:, 0]
    total_weight = float(n) if w is None else math.fsum(w.tolist())
    loss = reference_mean_loss(loss_name, yv, z, w, **lp)
    g = reference_gradient(loss_name, yv, z, w, **lp) / total_weight
    grad_raw = g.reshape(n, n_out)
    grad = reference_backward(params, sizes, cache, grad_raw, activation, slope)
    loss += reference_penalty(params, sizes, alpha)
    grad += reference_penalty_gradient(params, sizes, alpha)
    return loss, grad
