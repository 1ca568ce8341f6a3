// RMSProp (Hinton, Coursera lecture 6e, 2012) with momentum and the centered variant
// (Graves, 2013), following torch.optim.RMSprop:
//   g <- g + wd * p
//   v <- alpha * v + (1 - alpha) * g^2
//   centered: gbar <- alpha * gbar + (1 - alpha) * g,  v~ = v - gbar^2;  else v~ = v
//   with momentum: b <- mu * b + g / (sqrt(v~) + eps),  p <- p - lr * b
//   without:       p <- p - lr * g / (sqrt(v~) + eps)
// State: "square_avg", "grad_avg" (centered), "momentum_buffer" (momentum > 0).
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "traincore/core/inline.hpp"

namespace traincore {
namespace optim {

struct RmspropConfig {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;

  void validate() const;
  std::vector<std::string> state_names() const;
};

template <class T>
struct RmspropStep {
  T lr;
  T alpha;
  T one_minus_alpha;
  T eps;
  T weight_decay;
  T momentum;
  T grad_scale;
};

template <class T>
RmspropStep<T> make_rmsprop_step(const RmspropConfig& c, double lr, double grad_scale) {
  return {T(lr), T(c.alpha), T(1.0 - c.alpha), T(c.eps), T(c.weight_decay), T(c.momentum),
          T(grad_scale)};
}

template <class T, bool kCentered, bool kMomentum>
TC_INLINE void rmsprop_update(const RmspropStep<T>& s, T& p, T g, T& square_avg, T& grad_avg,
                              T& buffer) {
  g = g * s.grad_scale + s.weight_decay * p;
  square_avg = s.alpha * square_avg + s.one_minus_alpha * g * g;
  T variance = square_avg;
  if constexpr (kCentered) {
    grad_avg += s.one_minus_alpha * (g - grad_avg);
    variance -= grad_avg * grad_avg;
  }
  const T scaled = g / (std::sqrt(variance) + s.eps);
  if constexpr (kMomentum) {
    buffer = s.momentum * buffer + scaled;
    p -= s.lr * buffer;
  } else {
    p -= s.lr * scaled;
  }
}

}  // namespace optim
}  // namespace traincore
