// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
// following torch.optim.SGD's documented update (Sutskever et al., 2013 for Nesterov):
//   g <- g + wd * p
//   b <- g                              on the first step
//   b <- mu * b + (1 - dampening) * g   afterwards
//   g <- g + mu * b   (Nesterov)   or   g <- b
//   p <- p - lr * g
// State: "momentum_buffer" (only when momentum != 0).
#pragma once

#include <string>
#include <vector>

#include "traincore/core/inline.hpp"

namespace traincore {
namespace optim {

struct SgdConfig {
  double lr = 1e-3;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;

  void validate() const;
  std::vector<std::string> state_names() const;
};

// Scalars of one step, in the parameters' precision.
template <class T>
struct SgdStep {
  T lr;
  T momentum;
  T one_minus_dampening;
  T weight_decay;
  T grad_scale;  // from gradient clipping, 1 otherwise
};

template <class T>
SgdStep<T> make_sgd_step(const SgdConfig& c, double lr, double grad_scale) {
  return {T(lr), T(c.momentum), T(1.0 - c.dampening), T(c.weight_decay), T(grad_scale)};
}

template <class T, bool kMomentum, bool kNesterov, bool kFirstStep>
TC_INLINE void sgd_update(const SgdStep<T>& s, T& p, T g, T& buffer) {
  g = g * s.grad_scale + s.weight_decay * p;
  if constexpr (kMomentum) {
    buffer = kFirstStep ? g : s.momentum * buffer + s.one_minus_dampening * g;
    g = kNesterov ? g + s.momentum * buffer : buffer;
  }
  p -= s.lr * g;
}

}  // namespace optim
}  // namespace traincore
