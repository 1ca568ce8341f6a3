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
    return (y >= T(0)) & (y < T(n_classes)) & (y == std::floor(y));
  }

  // Rows per call of eval_block, and the scratch it needs (K values per row).
  static constexpr std::size_t kMaxBlockRows = 64;
  std::size_t block_rows() const {
    const std::size_t rows = kScratchValues / n_classes;
    return rows < 1 ? 1 : (rows > kMaxBlockRows ? kMaxBlockRows : rows);
  }
  static constexpr std::size_t kScratchValues = 4096;

  // Evaluates `rows` <= block_rows() consecutive rows with valid labels: the losses into loss[],
  // and K gradient / hessian values per row when asked. The block is first transposed into
  // `scratch` (rows * K values, class-major), so every loop runs over rows with unit stride and
  // vectorises whatever K is.
  template <bool kLoss, bool kGrad, bool kHess>
  TC_INLINE void eval_block(const T* y, const T* z, std::size_t rows, T* scratch, T* loss, T* g,
                            T* h) const {
    const std::size_t K = n_classes;
    T m[kMaxBlockRows];
    double sum[kMaxBlockRows];  // accumulated in double: K may be large
    T z_label[kMaxBlockRows];
    for (std::size_t k = 0; k < K; ++k) {
#pragma omp simd
      for (std::size_t i = 0; i < rows; ++i) scratch[k * rows + i] = z[i * K + k];
    }
#pragma omp simd
    for (std::size_t i = 0; i < rows; ++i) {
      m[i] = scratch[i];
      sum[i] = 0.0;
      z_label[i] = T(0);
    }
    for (std::size_t k = 0; k < K; ++k) {
      const T* zk = scratch + k * rows;
#pragma omp simd
      for (std::size_t i = 0; i < rows; ++i) {
        m[i] = zk[i] > m[i] ? zk[i] : m[i];
        z_label[i] += y[i] == T(k) ? zk[i] : T(0);
      }
    }
    for (std::size_t k = 0; k < K; ++k) {
      T* ek = scratch + k * rows;
#pragma omp simd
      for (std::size_t i = 0; i < rows; ++i) {
        ek[i] = vmath::exp(ek[i] - m[i]);
        sum[i] += double(ek[i]);
      }
    }
    if constexpr (kLoss) {
#pragma omp simd
      for (std::size_t i = 0; i < rows; ++i) loss[i] = m[i] + vmath::log(T(sum[i])) - z_label[i];
    }
    if constexpr (kGrad) {
      for (std::size_t k = 0; k < K; ++k) {
        const T* ek = scratch + k * rows;
#pragma omp simd
        for (std::size_t i = 0; i < rows; ++i) {
          const T p = ek[i] / T(sum[i]);
          if constexpr (kHess) h[i * K + k] = p * (T(1) - p);
          g[i * K + k] = p - (y[i] == T(k) ? T(1) : T(0));
        }
      }
    }
  }
};

}  // namespace loss
}  // namespace traincore
