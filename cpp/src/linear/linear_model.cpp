#include "traincore/linear/linear_model.hpp"

#include <cmath>
#include <cstring>
#include <vector>

#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/errors.hpp"

namespace traincore {
namespace linear {

void Penalty::validate() const {
  require(std::isfinite(alpha) && alpha >= 0, "alpha: must be a finite number >= 0, got ", alpha);
  require(std::isfinite(l1_ratio) && l1_ratio >= 0 && l1_ratio <= 1,
          "l1_ratio: must be in [0, 1], got ", l1_ratio);
}

template <class T>
LinearModel<T>::LinearModel(std::size_t n_features, std::size_t n_outputs, bool fit_intercept,
                            Penalty penalty)
    : n_features_(n_features), n_outputs_(n_outputs), fit_intercept_(fit_intercept),
      penalty_(penalty) {
  require(n_features >= 1, "X: needs at least one feature");
  require(n_outputs >= 1, "n_outputs: must be >= 1");
  penalty_.validate();
}

template <class T>
void LinearModel<T>::forward(const T* X, const std::size_t* rows, std::size_t n, const T* params,
                             T* raw) const {
  const auto rows_dot = kernels().get<T>().rows_dot;
  const std::size_t d = n_features_, K = n_outputs_;
  const T* intercept = params + K * d;
  if (K == 1) {
    rows_dot(X, rows, n, d, params, raw);
  } else {
    std::vector<T> column(n);
    for (std::size_t k = 0; k < K; ++k) {
      rows_dot(X, rows, n, d, params + k * d, column.data());
      for (std::size_t i = 0; i < n; ++i) raw[i * K + k] = column[i];
    }
  }
  if (fit_intercept_) {
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < K; ++k) raw[i * K + k] += intercept[k];
    }
  }
}

template <class T>
void LinearModel<T>::backward(const T* X, const std::size_t* rows, std::size_t n, const T*,
                              const T* grad_raw, T* grad_params) const {
  const auto rows_axpy = kernels().get<T>().rows_axpy;
  const std::size_t d = n_features_, K = n_outputs_;
  std::memset(grad_params, 0, n_params() * sizeof(T));
  std::vector<T> column(K == 1 ? 0 : n);
  for (std::size_t k = 0; k < K; ++k) {
    const T* g = grad_raw;
    if (K > 1) {
      for (std::size_t i = 0; i < n; ++i) column[i] = grad_raw[i * K + k];
      g = column.data();
    }
    rows_axpy(X, rows, n, d, g, grad_params + k * d);
    if (fit_intercept_) {
      T total = T(0);
      for (std::size_t i = 0; i < n; ++i) total += g[i];
      grad_params[K * d + k] = total;
    }
  }
}

template <class T>
double LinearModel<T>::penalty(const T* params) const {
  if (penalty_.alpha == 0) return 0.0;
  double l1 = 0.0, l2 = 0.0;
  for (std::size_t i = 0; i < n_outputs_ * n_features_; ++i) {
    l1 += std::fabs(double(params[i]));
    l2 += double(params[i]) * double(params[i]);
  }
  return penalty_.alpha * (penalty_.l1_ratio * l1 + (1.0 - penalty_.l1_ratio) * 0.5 * l2);
}

template <class T>
void LinearModel<T>::add_penalty_gradient(const T* params, T* grad_params) const {
  if (penalty_.alpha == 0) return;
  const T l1 = T(penalty_.alpha * penalty_.l1_ratio);
  const T l2 = T(penalty_.alpha * (1.0 - penalty_.l1_ratio));
  for (std::size_t i = 0; i < n_outputs_ * n_features_; ++i) {
    const T w = params[i];
    const T sign = w > T(0) ? T(1) : (w < T(0) ? T(-1) : T(0));
    grad_params[i] += l1 * sign + l2 * w;
  }
}

template class LinearModel<float>;
template class LinearModel<double>;

}  // namespace linear
}  // namespace traincore
