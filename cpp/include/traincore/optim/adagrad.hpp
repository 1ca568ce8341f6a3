// Adagrad (Duchi, Hazan & Singer, 2011), following torch.optim.Adagrad:
//   t <- t + 1
//   g <- g + wd * p
//   lr_t = lr / (1 + (t - 1) * lr_decay)
//   s <- s + g^2                 (s starts at initial_accumulator_value)
//   p <- p - lr_t * g / (sqrt(s) + eps)
// State: "sum".
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "traincore/core/inline.hpp"

namespace traincore {
namespace optim {

struct AdagradConfig {
  double lr = 1e-2;
  double lr_decay = 0.0;
  double weight_decay = 0.0;
  double initial_accumulator_value = 0.0;
  double eps = 1e-10;

  void validate() const;
  std::vector<std::string> state_names() const;
};

template <class T>
struct AdagradStep {
  T lr;
  T eps;
  T weight_decay;
  T grad_scale;
};

// `t` is the 1-based index of this step.
template <class T>
AdagradStep<T> make_adagrad_step(const AdagradConfig& c, long long t, double lr,
                                 double grad_scale) {
  return {T(lr / (1.0 + double(t - 1) * c.lr_decay)), T(c.eps), T(c.weight_decay),
          T(grad_scale)};
}

template <class T>
TC_INLINE void adagrad_update(const AdagradStep<T>& s, T& p, T g, T& sum) {
  g = g * s.grad_scale + s.weight_decay * p;
  sum += g * g;
  p -= s.lr * g / (std::sqrt(sum) + s.eps);
}

}  // namespace optim
}  // namespace traincore
