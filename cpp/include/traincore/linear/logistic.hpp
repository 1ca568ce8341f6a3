// L2-regularised logistic regression, binary (one raw score, binary log loss) or multinomial
// (K raw scores, softmax log loss), with scikit-learn's objective:
//   minimise  (1/sw) sum_i w_i l(y_i, x_i W^T + b) + 1/(2 C sw) ||W||^2,   sw = sum_i w_i
// (the intercepts are not penalised), solved by L-BFGS in double. The loss and gradient are
// evaluated over fixed chunks of rows in parallel and added in chunk order, so the fit is
// bit-identical for any thread count.
#pragma once

#include <cstddef>
#include <vector>

#include "traincore/optim/lbfgs.hpp"

namespace traincore {
namespace linear {

struct LogisticFit {
  std::vector<double> params;  // W (K x d, row-major) then b (K), as LinearModel lays them out
  optim::LbfgsResult solver;
};

// `initial` (n_params values, or null for zeros) starts the solver (warm start).
template <class T>
LogisticFit fit_logistic(const T* X, const T* y, const T* weight, std::size_t n, std::size_t d,
                         std::size_t n_outputs, bool fit_intercept, double C,
                         const optim::LbfgsConfig& config, int n_threads, const double* initial);

}  // namespace linear
}  // namespace traincore
