// Squared error (half form):  l(y, z) = (z - y)^2 / 2,  dl/dz = z - y,  d2l/dz2 = 1.
// The half makes the gradient the residual, the convention of boosting and of scikit-learn's SGD.
#pragma once

#include <cmath>

#include "traincore/core/inline.hpp"

namespace traincore {
namespace loss {

template <class T>
struct SquaredError {
  static constexpr bool kConstantHessian = true;
  static constexpr bool kNeedsLeafRefit = false;

  TC_INLINE static bool valid_target(T y) { return std::isfinite(y); }

  template <bool kLoss, bool kGrad, bool kHess>
  TC_INLINE void eval(T y, T z, T& l, T& g, T& h) const {
    const T r = z - y;
    if constexpr (kLoss) l = T(0.5) * r * r;
    if constexpr (kGrad) g = r;
    if constexpr (kHess) h = T(1);
  }
};

}  // namespace loss
}  // namespace traincore
