// Absolute error:  l(y, z) = |z - y|,  dl/dz = sign(z - y),  d2l/dz2 = 0.
// At z = y the loss has a kink; the sub-gradient used there is 0. The second derivative is 0
// almost everywhere, so Newton-type trainers (boosting) refit leaves with the median instead.
#pragma once

#include <cmath>

#include "traincore/core/inline.hpp"

namespace traincore {
namespace loss {

// sign(x) in {-1, 0, 1}, written with selects only so that loops over it vectorise.
template <class T>
TC_INLINE T sign_of(T x) {
  return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
}

template <class T>
struct AbsoluteError {
  static constexpr bool kConstantHessian = true;
  static constexpr bool kNeedsLeafRefit = true;

  TC_INLINE static bool valid_target(T y) { return std::isfinite(y); }

  template <bool kLoss, bool kGrad, bool kHess>
  TC_INLINE void eval(T y, T z, T& l, T& g, T& h) const {
    const T r = z - y;
    if constexpr (kLoss) l = std::fabs(r);
    if constexpr (kGrad) g = sign_of(r);
    if constexpr (kHess) h = T(0);
  }
};

}  // namespace loss
}  // namespace traincore
