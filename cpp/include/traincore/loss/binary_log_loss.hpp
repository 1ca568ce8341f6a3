// Binary log loss (logistic regression's negative log-likelihood) with logistic link, y in {0, 1}:
//   l = log(1 + exp(z)) - y * z,  dl/dz = sigmoid(z) - y,  d2l/dz2 = sigmoid(z) (1 - sigmoid(z)).
// Stable for any z (exp and log1p from kernels/vector_math.hpp): with e = exp(-|z|) in (0, 1],
//   log(1 + exp(z)) = max(z, 0) + log1p(e),
//   sigmoid(z) = 1 / (1 + e) for z >= 0, e / (1 + e) for z < 0,
//   sigmoid(z) (1 - sigmoid(z)) = e / (1 + e)^2,
// so no exp ever overflows and |z| = 1e4 gives exact limits.
#pragma once

#include <cmath>

#include "traincore/core/inline.hpp"
#include "traincore/kernels/vector_math.hpp"
#include "traincore/loss/binary_label.hpp"

namespace traincore {
namespace loss {

template <class T>
struct BinaryLogLoss {
  static constexpr bool kConstantHessian = false;
  static constexpr bool kNeedsLeafRefit = false;

  TC_INLINE static bool valid_target(T y) { return is_binary_label(y); }

  template <bool kLoss, bool kGrad, bool kHess>
  TC_INLINE void eval(T y, T z, T& l, T& g, T& h) const {
    const T e = vmath::exp(-std::fabs(z));
    const T one_plus_e = T(1) + e;
    if constexpr (kLoss) l = (z > T(0) ? z : T(0)) + vmath::log1p(e) - y * z;
    if constexpr (kGrad) g = (z >= T(0) ? T(1) : e) / one_plus_e - y;
    if constexpr (kHess) h = e / (one_plus_e * one_plus_e);
  }
};

}  // namespace loss
}  // namespace traincore
