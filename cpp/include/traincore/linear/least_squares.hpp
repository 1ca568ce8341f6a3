// Linear least squares and ridge regression in closed form, by the normal equations:
//   minimise  sum_i w_i (y_i - x_i . beta - b)^2 + alpha ||beta||^2
// With fit_intercept the columns and y are centred by their weighted means (so b is not
// penalised and b = ybar - xbar . beta), and each row is scaled by sqrt(w_i); then
//   (Xc^T Xc + alpha I) beta = Xc^T yc.
// The Gram matrix Xc^T Xc is accumulated in double over fixed blocks of rows (bit-identical for
// any thread count) and solved by Cholesky; when it is singular (rank-deficient X and alpha = 0)
// the solve falls back to a symmetric eigendecomposition (cyclic Jacobi) and returns the
// minimum-norm solution, as numpy.linalg.lstsq does.
#pragma once

#include <cstddef>
#include <vector>

namespace traincore {
namespace linear {

struct LeastSquaresResult {
  std::vector<double> coef;
  double intercept = 0.0;
  std::size_t rank = 0;
  bool cholesky = true;  // false when the eigendecomposition fallback solved it
};

template <class T>
LeastSquaresResult least_squares(const T* X, const T* y, const T* weight, std::size_t n,
                                 std::size_t d, bool fit_intercept, double alpha, int n_threads);

// Solves the symmetric positive semi-definite system A x = b (A is d x d, overwritten):
// Cholesky when every pivot is positive relative to the diagonal, else the minimum-norm
// solution through the eigendecomposition with eigenvalues below
// kRankTolerance * d * max eigenvalue treated as zero. Returns the rank.
std::size_t solve_symmetric(std::vector<double>& A, std::vector<double>& b, std::size_t d,
                            bool& used_cholesky);

}  // namespace linear
}  // namespace traincore
