// Multinomial log loss (softmax cross-entropy) over a row of K raw scores z, y in {0, ..., K-1}:
//   p_k = exp(z_k - m) / sum_j exp(z_j - m),  m = max_j z_j   (shifted: no exp overflows)
//   l = log sum_j exp(z_j) - z_y = m + log sum_j exp(z_j - m) - z_y
//   dl/dz_k = p_k - [k = y]
//   d2l/dz_k^2 = p_k (1 - p_k)   (the diagonal of the Hessian diag(p) - p p^T, as used by
//                                 multiclass boosting; the off-diagonal terms are not returned)
#pragma once

#include <cmath>
#include <cstddef>

#include "traincore/core/inline.hpp"
#include "traincore/kernels/vector_math.hpp"

namespace traincore {
namespace loss {

template <class T>
struct MultinomialLogLoss {
  static constexpr bool kConstantHessian = false;
  static constexpr bool kNeedsLeafRefit = false;
  std::size_t n_classes;

  TC_INLINE bool valid_target(T y) const {
    return y >= T(0) && y < T(n_classes) && y == std::floor(y);
  }

  // Returns the loss of the row; writes gradient / hessian rows of length K when asked.
  template <bool kLoss, bool kGrad, bool kHess>
  TC_INLINE T eval_row(T y, const T* z, T* g, T* h) const {
    const std::size_t K = n_classes;
    const std::size_t label = static_cast<std::size_t>(y);
    T m = z[0];
    for (std::size_t k = 1; k < K; ++k) m = z[k] > m ? z[k] : m;
    T sum = T(0);
    for (std::size_t k = 0; k < K; ++k) {
      const T e = vmath::exp(z[k] - m);
      if constexpr (kGrad || kHess) g[k] = e;  // exp stored, normalised below
      sum += e;
    }
    if constexpr (kGrad || kHess) {
      const T inv_sum = T(1) / sum;
      for (std::size_t k = 0; k < K; ++k) {
        const T p = g[k] * inv_sum;
        if constexpr (kHess) h[k] = p * (T(1) - p);
        g[k] = p - (k == label ? T(1) : T(0));
      }
    }
    if constexpr (kLoss) return m + vmath::log(sum) - z[label];
    return T(0);
  }
};

}  // namespace loss
}  // namespace traincore
