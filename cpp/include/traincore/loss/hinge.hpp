// The hinge family for binary labels y in {0, 1}, with the signed label s = 2y - 1 and margin s*z:
//   hinge:          l = max(0, 1 - s z),    dl/dz = -s if s z < 1 else 0 (0 at the kink),
//                   d2l/dz2 = 0  (piecewise linear)
//   squared hinge:  l = max(0, 1 - s z)^2,  dl/dz = -2 s max(0, 1 - s z),
//                   d2l/dz2 = 2 if s z < 1 else 0
// The losses of linear SVMs (Cortes & Vapnik, 1995; squared hinge as in liblinear's L2-loss SVM).
#pragma once

#include <cmath>

#include "traincore/core/inline.hpp"
#include "traincore/loss/binary_label.hpp"

namespace traincore {
namespace loss {

template <class T>
struct Hinge {
  static constexpr bool kConstantHessian = true;
  static constexpr bool kNeedsLeafRefit = false;

  TC_INLINE static bool valid_target(T y) { return is_binary_label(y); }

  template <bool kLoss, bool kGrad, bool kHess>
  TC_INLINE void eval(T y, T z, T& l, T& g, T& h) const {
    const T s = T(2) * y - T(1);
    const T slack = T(1) - s * z;
    if constexpr (kLoss) l = slack > T(0) ? slack : T(0);
    if constexpr (kGrad) g = slack > T(0) ? -s : T(0);
    if constexpr (kHess) h = T(0);
  }
};

template <class T>
struct SquaredHinge {
  static constexpr bool kConstantHessian = false;
  static constexpr bool kNeedsLeafRefit = false;

  TC_INLINE static bool valid_target(T y) { return is_binary_label(y); }

  template <bool kLoss, bool kGrad, bool kHess>
  TC_INLINE void eval(T y, T z, T& l, T& g, T& h) const {
    const T s = T(2) * y - T(1);
    const T slack = T(1) - s * z;
    const T active = slack > T(0) ? slack : T(0);
    if constexpr (kLoss) l = active * active;
    if constexpr (kGrad) g = T(-2) * s * active;
    if constexpr (kHess) h = slack > T(0) ? T(2) : T(0);
  }
};

}  // namespace loss
}  // namespace traincore
