// Quantile (pinball) loss at level alpha in (0, 1) (Koenker & Bassett, 1978), with d = y - z:
//   l = alpha * d         if d >= 0
//   l = (alpha - 1) * d   otherwise
//   dl/dz = -alpha if y > z, else 1 - alpha (the sub-gradient used at the kink y = z);
//   d2l/dz2 = 0. Its minimiser over constants is the alpha-quantile of y; leaves need refitting.
#pragma once

#include <cmath>

#include "traincore/core/inline.hpp"

namespace traincore {
namespace loss {

template <class T>
struct Quantile {
  static constexpr bool kConstantHessian = true;
  static constexpr bool kNeedsLeafRefit = true;
  T alpha;

  TC_INLINE static bool valid_target(T y) { return std::isfinite(y); }

  template <bool kLoss, bool kGrad, bool kHess>
  TC_INLINE void eval(T y, T z, T& l, T& g, T& h) const {
    const T d = y - z;
    if constexpr (kLoss) l = d >= T(0) ? alpha * d : (alpha - T(1)) * d;
    if constexpr (kGrad) g = y > z ? -alpha : T(1) - alpha;
    if constexpr (kHess) h = T(0);
  }
};

}  // namespace loss
}  // namespace traincore
