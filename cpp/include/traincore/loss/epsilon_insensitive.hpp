// Epsilon-insensitive loss of support vector regression (Vapnik, 1995), with r = z - y:
//   l = max(0, |r| - epsilon),  dl/dz = sign(r) if |r| > epsilon else 0,  d2l/dz2 = 0.
// Errors inside the tube of half-width epsilon cost nothing; outside it grows linearly.
#pragma once

#include <cmath>

#include "traincore/core/inline.hpp"
#include "traincore/loss/absolute_error.hpp"

namespace traincore {
namespace loss {

template <class T>
struct EpsilonInsensitive {
  static constexpr bool kConstantHessian = true;
  static constexpr bool kNeedsLeafRefit = false;
  T epsilon;

  TC_INLINE static bool valid_target(T y) { return std::isfinite(y); }

  template <bool kLoss, bool kGrad, bool kHess>
  TC_INLINE void eval(T y, T z, T& l, T& g, T& h) const {
    const T r = z - y;
    const T excess = std::fabs(r) - epsilon;
    if constexpr (kLoss) l = excess > T(0) ? excess : T(0);
    if constexpr (kGrad) g = excess > T(0) ? sign_of(r) : T(0);
    if constexpr (kHess) h = T(0);
  }
};

}  // namespace loss
}  // namespace traincore
