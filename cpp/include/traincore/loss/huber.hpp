// Huber loss (Huber, 1964), with r = z - y and threshold delta > 0:
//   l = r^2 / 2                     if |r| <= delta
//   l = delta * (|r| - delta / 2)   otherwise
//   dl/dz = r, or delta * sign(r);  d2l/dz2 = 1 inside the quadratic zone, 0 outside.
// Quadratic near the target, linear (robust to outliers) far from it; continuous first derivative.
#pragma once

#include <cmath>

#include "traincore/core/inline.hpp"
#include "traincore/loss/absolute_error.hpp"

namespace traincore {
namespace loss {

template <class T>
struct Huber {
  static constexpr bool kConstantHessian = false;
  static constexpr bool kNeedsLeafRefit = false;
  T delta;

  TC_INLINE static bool valid_target(T y) { return std::isfinite(y); }

  template <bool kLoss, bool kGrad, bool kHess>
  TC_INLINE void eval(T y, T z, T& l, T& g, T& h) const {
    const T r = z - y;
    const T abs_r = std::fabs(r);
    const bool quadratic = abs_r <= delta;
    if constexpr (kLoss) l = quadratic ? T(0.5) * r * r : delta * (abs_r - T(0.5) * delta);
    if constexpr (kGrad) g = quadratic ? r : delta * sign_of(r);
    if constexpr (kHess) h = quadratic ? T(1) : T(0);
  }
};

}  // namespace loss
}  // namespace traincore
