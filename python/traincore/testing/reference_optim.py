"""Plain-numpy reference optimisers following the torch.optim algorithms.

Each optimiser reproduces the pseudo-code documented for the corresponding
``torch.optim`` class (https://pytorch.org/docs/stable/optim.html) with
``maximize=False``, using the same defaults and the same state-buffer names.
Notation: ``p`` parameter, ``g`` gradient, ``lr`` learning rate, ``wd``
weight decay, ``t`` the 1-based step number; all operations are elementwise
and in float64.

* SGD (with momentum / Nesterov momentum)::

      g <- g + wd p
      b <- g (first step) or mu b + (1 - dampening) g      [if mu != 0]
      g <- g + mu b (nesterov) or b                        [if mu != 0]
      p <- p - lr g

* Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
  AMSGrad: Reddi et al., ICLR 2018)::

      g <- g + wd p
      m <- b1 m + (1 - b1) g ;   v <- b2 v + (1 - b2) g^2
      m_hat = m / (1 - b1^t)
      v_hat = v / (1 - b2^t), or vmax <- max(vmax, v), v_hat = vmax / (1 - b2^t)
      p <- p - lr m_hat / (sqrt(v_hat) + eps)

* AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization",
  ICLR 2019): Adam without the ``g + wd p`` term, preceded by the decoupled
  decay ``p <- p (1 - lr wd)``.

* RMSprop (Hinton, Neural Networks for Machine Learning, lecture 6e)::

      g <- g + wd p ;   v <- alpha v + (1 - alpha) g^2
      centered: gbar <- alpha gbar + (1 - alpha) g,  v~ = v - gbar^2 ; else v~ = v
      momentum > 0: b <- mu b + g / (sqrt(v~) + eps),  p <- p - lr b
      otherwise:    p <- p - lr g / (sqrt(v~) + eps)

* Adagrad (Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online
  Learning and Stochastic Optimization", JMLR 12, 2011)::

      g <- g + wd p ;   clr = lr / (1 + (t - 1) lr_decay)
      s <- s + g^2 ;    p <- p - clr g / (sqrt(s) + eps)

* :func:`reference_clip_grad_norm` mirrors ``torch.nn.utils.clip_grad_norm_``
  with the 2-norm: ``g <- g min(1, max_norm / (||g||_2 + 1e-6))`` where the
  norm is taken over all gradients jointly.
"""

from __future__ import annotations

import math
from typing import Dict, Mapping, Tuple

import numpy as np

__all__ = [
    "ReferenceSGD",
    "ReferenceAdam",
    "ReferenceAdamW",
    "ReferenceRMSprop",
    "ReferenceAdagrad",
    "reference_clip_grad_norm",
]

Arrays = Dict[str, np.ndarray]


class _ReferenceOptimizer:
    """Shared bookkeeping: parameter copies, per-parameter state, step count.

    Attributes
    ----------
    params : dict[str, numpy.ndarray]
        Current parameter values (float64 copies of the inputs).
    state : dict[str, dict[str, numpy.ndarray]]
        Per-parameter state buffers, keyed like torch.optim's state.
    step_count : int
        Number of calls to :meth:`step` so far.
    lr : float
        Learning rate; may be changed between steps (e.g. by a scheduler).
    """

    def __init__(self, params: Mapping[str, np.ndarray], lr: float) -> None:
        self.params: Arrays = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
        self.state: Dict[str, Arrays] = {k: {} for k in self.params}
        self.step_count: int = 0
        self.lr = float(lr)

    def step(self, grads: Mapping[str, np.ndarray]) -> None:
        """Apply one update given a gradient for every parameter.

        Parameters
        ----------
        grads : dict[str, numpy.ndarray]
            Gradients with the same names and shapes as :attr:`params`.
        """
        if set(grads) != set(self.params):
            raise KeyError(f"gradient names {sorted(grads)} do not match "
                           f"parameter names {sorted(self.params)}")
        self.step_count += 1
        for name, p in self.params.items():
            g = np.asarray(grads[name], dtype=np.float64)
            if g.shape != p.shape:
                raise ValueError(f"gradient {name!r} has shape {g.shape}, expected {p.shape}")
            self.params[name] = self._update(p, g.copy(), self.state[name])

    def _update(self, p: np.ndarray, g: np.ndarray, state: Arrays) -> np.ndarray:
        raise NotImplementedError


class ReferenceSGD(_ReferenceOptimizer):
    """Stochastic gradient descent as ``torch.optim.SGD``.

    g <- g + wd p; if momentum mu != 0: b <- g on the first step, afterwards
    b <- mu b + (1 - dampening) g, and g <- g + mu b (nesterov) or g <- b;
    finally p <- p - lr g.  State: ``"momentum_buffer"`` (only if mu != 0).
    """

    def __init__(self, params: Mapping[str, np.ndarray], lr: float = 1e-3,
                 momentum: float = 0.0, dampening: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = float(momentum)
        self.dampening = float(dampening)
        self.nesterov = bool(nesterov)
        self.weight_decay = float(weight_decay)

    def _update(self, p: np.ndarray, g: np.ndarray, state: Arrays) -> np.ndarray:
        mu = self.momentum
        if self.weight_decay != 0.0:
            g = g + self.weight_decay * p
        if mu != 0.0:
            if "momentum_buffer" not in state:
                b = g.copy()
            else:
                b = mu * state["momentum_buffer"] + (1.0 - self.dampening) * g
            state["momentum_buffer"] = b
            g = g + mu * b if self.nesterov else b
        return p - self.lr * g


class ReferenceAdam(_ReferenceOptimizer):
    """Adam (Kingma & Ba 2015) as ``torch.optim.Adam`` (L2 weight decay).

    t <- t + 1; g <- g + wd p; m <- b1 m + (1 - b1) g;
    v <- b2 v + (1 - b2) g^2; m_hat = m / (1 - b1^t);
    v_hat = v / (1 - b2^t), or with amsgrad vmax <- max(vmax, v) and
    v_hat = vmax / (1 - b2^t); p <- p - lr m_hat / (sqrt(v_hat) + eps).
    State: ``"exp_avg"``, ``"exp_avg_sq"`` and ``"max_exp_avg_sq"`` (amsgrad).
    """

    _decoupled = False

    def __init__(self, params: Mapping[str, np.ndarray], lr: float = 1e-3,
                 betas: Tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, lr)
        self.betas = (float(betas[0]), float(betas[1]))
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.amsgrad = bool(amsgrad)

    def _update(self, p: np.ndarray, g: np.ndarray, state: Arrays) -> np.ndarray:
        b1, b2 = self.betas
        t = self.step_count
        if self.weight_decay != 0.0:
            if self._decoupled:
                p = p * (1.0 - self.lr * self.weight_decay)
            else:
                g = g + self.weight_decay * p
        if not state:
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
            if self.amsgrad:
                state["max_exp_avg_sq"] = np.zeros_like(p)
        m = b1 * state["exp_avg"] + (1.0 - b1) * g
        v = b2 * state["exp_avg_sq"] + (1.0 - b2) * g * g
        state["exp_avg"], state["exp_avg_sq"] = m, v
        if self.amsgrad:
            v = np.maximum(state["max_exp_avg_sq"], v)
            state["max_exp_avg_sq"] = v
        m_hat = m / (1.0 - b1 ** t)
        v_hat = v / (1.0 - b2 ** t)
        return p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class ReferenceAdamW(ReferenceAdam):
    """AdamW (Loshchilov & Hutter 2019) as ``torch.optim.AdamW``.

    Identical to :class:`ReferenceAdam` except that weight decay is
    decoupled: p <- p (1 - lr wd) first, and the gradient is not modified.
    Default ``weight_decay=1e-2``.
    """

    _decoupled = True

    def __init__(self, params: Mapping[str, np.ndarray], lr: float = 1e-3,
                 betas: Tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps,
                         weight_decay=weight_decay, amsgrad=amsgrad)


class ReferenceRMSprop(_ReferenceOptimizer):
    """RMSprop (Hinton, lecture 6e) as ``torch.optim.RMSprop``.

    g <- g + wd p; v <- alpha v + (1 - alpha) g^2; if centered
    gbar <- alpha gbar + (1 - alpha) g and v~ = v - gbar^2, else v~ = v;
    with momentum mu > 0: b <- mu b + g / (sqrt(v~) + eps), p <- p - lr b;
    otherwise p <- p - lr g / (sqrt(v~) + eps).
    State: ``"square_avg"``, ``"grad_avg"`` (centered), ``"momentum_buffer"``
    (momentum > 0); all start at zero.
    """

    def __init__(self, params: Mapping[str, np.ndarray], lr: float = 1e-2,
                 alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0,
                 momentum: float = 0.0, centered: bool = False) -> None:
        super().__init__(params, lr)
        self.alpha = float(alpha)
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.momentum = float(momentum)
        self.centered = bool(centered)

    def _update(self, p: np.ndarray, g: np.ndarray, state: Arrays) -> np.ndarray:
        a = self.alpha
        if self.weight_decay != 0.0:
            g = g + self.weight_decay * p
        if not state:
            state["square_avg"] = np.zeros_like(p)
            if self.centered:
                state["grad_avg"] = np.zeros_like(p)
            if self.momentum > 0.0:
                state["momentum_buffer"] = np.zeros_like(p)
        v = a * state["square_avg"] + (1.0 - a) * g * g
        state["square_avg"] = v
        if self.centered:
            gbar = a * state["grad_avg"] + (1.0 - a) * g
            state["grad_avg"] = gbar
            v = v - gbar * gbar
        denom = np.sqrt(v) + self.eps
        if self.momentum > 0.0:
            b = self.momentum * state["momentum_buffer"] + g / denom
            state["momentum_buffer"] = b
            return p - self.lr * b
        return p - self.lr * g / denom


class ReferenceAdagrad(_ReferenceOptimizer):
    """Adagrad (Duchi et al. 2011) as ``torch.optim.Adagrad``.

    t <- t + 1; g <- g + wd p; clr = lr / (1 + (t - 1) lr_decay);
    s <- s + g^2; p <- p - clr g / (sqrt(s) + eps).
    State: ``"sum"``, initialised to ``initial_accumulator_value``.
    """

    def __init__(self, params: Mapping[str, np.ndarray], lr: float = 1e-2,
                 lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> None:
        super().__init__(params, lr)
        self.lr_decay = float(lr_decay)
        self.weight_decay = float(weight_decay)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.eps = float(eps)
        for name, p in self.params.items():
            self.state[name]["sum"] = np.full_like(p, self.initial_accumulator_value)

    def _update(self, p: np.ndarray, g: np.ndarray, state: Arrays) -> np.ndarray:
        if self.weight_decay != 0.0:
            g = g + self.weight_decay * p
        clr = self.lr / (1.0 + (self.step_count - 1) * self.lr_decay)
        s = state["sum"] + g * g
        state["sum"] = s
        return p - clr * g / (np.sqrt(s) + self.eps)


def reference_clip_grad_norm(grads: Mapping[str, np.ndarray],
                             max_norm: float) -> Tuple[Arrays, float]:
    """Rescale gradients to a maximal joint 2-norm, as ``clip_grad_norm_``.

    total = sqrt(sum over all arrays and elements of g^2)  (math.fsum);
    coef = min(1, max_norm / (total + 1e-6)); every g is multiplied by coef.

    Parameters
    ----------
    grads : dict[str, numpy.ndarray]
        Gradients by name.
    max_norm : float
        Maximal allowed total norm.

    Returns
    -------
    clipped : dict[str, numpy.ndarray]
        ``{name: g * coef}`` as new float64 arrays.
    total : float
        The total norm before clipping.
    """
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in grads.items()}
    squares = [x for g in arrays.values() for x in np.square(g).ravel().tolist()]
    total = math.sqrt(math.fsum(squares))
    coef = min(1.0, float(max_norm) / (total + 1e-6))
    return {k: g * coef for k, g in arrays.items()}, total
