// Adam (Kingma & Ba, 2015) with the AMSGrad option (Reddi et al., 2018) and decoupled weight
// decay, AdamW (Loshchilov & Hutter, 2019), following torch.optim.Adam / AdamW:
//   t <- t + 1
//   p <- p * (1 - lr * wd)   (AdamW)     or     g <- g + wd * p   (Adam)
//   m <- beta1 * m + (1 - beta1) * g
//   v <- beta2 * v + (1 - beta2) * g^2
//   v_max <- max(v_max, v), used in place of v    (AMSGrad)
//   p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// State: "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with AMSGrad.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "traincore/core/inline.hpp"

namespace traincore {
namespace optim {

struct AdamConfig {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool amsgrad = false;
  bool decoupled_weight_decay = false;  // AdamW

  void validate() const;
  std::vector<std::string> state_names() const;
};

template <class T>
struct AdamStep {
  T step_size;            // lr / (1 - beta1^t)
  T inv_sqrt_bias2;       // 1 / sqrt(1 - beta2^t)
  T one_minus_beta1;
  T beta2;
  T one_minus_beta2;
  T eps;
  T coupled_decay;        // wd for Adam, 0 for AdamW
  T decoupled_shrink;     // 1 - lr * wd for AdamW, 1 for Adam
  T grad_scale;
};

// `t` is the 1-based index of this step.
template <class T>
AdamStep<T> make_adam_step(const AdamConfig& c, long long t, double lr, double grad_scale) {
  const double bias1 = 1.0 - std::pow(c.beta1, double(t));
  const double bias2 = 1.0 - std::pow(c.beta2, double(t));
  const bool decoupled = c.decoupled_weight_decay;
  return {T(lr / bias1),
          T(1.0 / std::sqrt(bias2)),
          T(1.0 - c.beta1),
          T(c.beta2),
          T(1.0 - c.beta2),
          T(c.eps),
          T(decoupled ? 0.0 : c.weight_decay),
          T(decoupled ? 1.0 - lr * c.weight_decay : 1.0),
          T(grad_scale)};
}

template <class T, bool kAmsgrad>
TC_INLINE void adam_update(const AdamStep<T>& s, T& p, T g, T& m, T& v, T& v_max) {
  p *= s.decoupled_shrink;
  g = g * s.grad_scale + s.coupled_decay * p;
  m += s.one_minus_beta1 * (g - m);
  v = s.beta2 * v + s.one_minus_beta2 * g * g;
  T second = v;
  if constexpr (kAmsgrad) {
    v_max = v_max > v ? v_max : v;
    second = v_max;
  }
  p -= s.step_size * m / (std::sqrt(second) * s.inv_sqrt_bias2 + s.eps);
}

}  // namespace optim
}  // namespace traincore
