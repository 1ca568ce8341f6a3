// A linear model with K outputs, trained by gradient steps (SGD-type estimators):
//   raw_ik = sum_j X_ij W_kj + b_k
// Its parameters live in one flat buffer (DESIGN contract 4): W row-major (K x d), then b (K)
// when fit_intercept. With g_ik = dL/draw_ik over a batch of rows,
//   dL/dW_kj = sum_i g_ik X_ij,   dL/db_k = sum_i g_ik.
// Penalty on W (not on b), with r = l1_ratio (scikit-learn's SGD convention):
//   alpha * (r * |W|_1 + (1 - r) / 2 * ||W||^2),  sub-gradient alpha * (r sign(W) + (1 - r) W).
#pragma once

#include <cstddef>

#include "traincore/train/gradient_model.hpp"

namespace traincore {
namespace linear {

struct Penalty {
  double alpha = 0.0;
  double l1_ratio = 0.0;

  void validate() const;
};

template <class T>
class LinearModel final : public train::GradientModel<T> {
 public:
  LinearModel(std::size_t n_features, std::size_t n_outputs, bool fit_intercept, Penalty penalty);

  std::size_t n_params() const override { return n_outputs_ * n_features_ + (fit_intercept_ ? n_outputs_ : 0); }
  std::size_t n_outputs() const override { return n_outputs_; }
  std::size_t n_features() const override { return n_features_; }
  void forward(const T* X, const std::size_t* rows, std::size_t n, const T* params,
               T* raw) const override;
  void backward(const T* X, const std::size_t* rows, std::size_t n, const T* params,
                const T* grad_raw, T* grad_params) const override;
  double penalty(const T* params) const override;
  void add_penalty_gradient(const T* params, T* grad_params) const override;

 private:
  std::size_t n_features_;
  std::size_t n_outputs_;
  bool fit_intercept_;
  Penalty penalty_;
};

}  // namespace linear
}  // namespace traincore
