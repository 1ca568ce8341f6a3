// Poisson negative log-likelihood with log link, for counts y >= 0 and mu = exp(z):
//   l = exp(z) - y * z   (the -log p(y | mu) up to the constant log(y!), as torch's
//                         PoissonNLLLoss(log_input=True, full=False))
//   dl/dz = exp(z) - y,  d2l/dz2 = exp(z).
// exp(z) is the true value: it becomes inf past z ~ 709 (float64) or ~ 88 (float32), which a
// training loop reports as divergence rather than hiding it by clipping.
#pragma once

#include <cmath>

#include "traincore/core/inline.hpp"
#include "traincore/kernels/vector_math.hpp"

namespace traincore {
namespace loss {

template <class T>
struct Poisson {
  static constexpr bool kConstantHessian = false;
  static constexpr bool kNeedsLeafRefit = false;

  TC_INLINE static bool valid_target(T y) { return std::isfinite(y) & (y >= T(0)); }

  template <bool kLoss, bool kGrad, bool kHess>
  TC_INLINE void eval(T y, T z, T& l, T& g, T& h) const {
    const T mu = vmath::exp(z);
    if constexpr (kLoss) l = mu - y * z;
    if constexpr (kGrad) g = mu - y;
    if constexpr (kHess) h = mu;
  }
};

}  // namespace loss
}  // namespace traincore
