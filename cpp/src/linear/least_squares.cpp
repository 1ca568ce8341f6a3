#include "traincore/linear/least_squares.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/core/parallel.hpp"

namespace traincore {
namespace linear {

namespace {

constexpr std::size_t kBlockRows = 256;      // rows transposed into one scratch block
constexpr std::size_t kMinChunkRows = 16384;  // rows per partial Gram matrix, at least
constexpr double kPartialBudgetBytes = 256.0 * (1 << 20);
constexpr double kRankTolerance = 1e-13;

std::size_t round_up4(std::size_t d) { return (d + 3) / 4 * 4; }

// Rows per chunk: a function of n and d only (so the sums never depend on the thread count),
// with at most as many partial Gram matrices as fit the memory budget.
std::size_t chunk_rows(std::size_t n, std::size_t d4) {
  const double per_partial = double(d4) * double(d4 + 1) * sizeof(double);
  const std::size_t max_partials = std::max<std::size_t>(1, std::size_t(kPartialBudgetBytes / per_partial));
  return std::max(kMinChunkRows, (n + max_partials - 1) / max_partials);
}

// Weighted column means of X and of y, and the weight sum, accumulated in double.
template <class T>
std::vector<double> weighted_means(const T* X, const T* y, const T* w, std::size_t n, std::size_t d,
                                   int n_threads) {
  using Sums = std::vector<double>;  // d column sums, y sum, weight sum
  Sums total = reduce_chunks(
      n, kMinChunkRows, n_threads, Sums(d + 2, 0.0),
      [&](std::size_t begin, std::size_t end) {
        Sums s(d + 2, 0.0);
        for (std::size_t i = begin; i < end; ++i) {
          const double wi = w ? double(w[i]) : 1.0;
          const T* x = X + i * d;
          for (std::size_t j = 0; j < d; ++j) s[j] += wi * double(x[j]);
          s[d] += wi * double(y[i]);
          s[d + 1] += wi;
        }
        return s;
      },
      [](Sums acc, const Sums& s) {
        for (std::size_t j = 0; j < acc.size(); ++j) acc[j] += s[j];
        return acc;
      });
  require(total[d + 1] > 0, "sample_weight: the weights sum to zero");
  for (std::size_t j = 0; j <= d; ++j) total[j] /= total[d + 1];
  return total;
}

// Cyclic Jacobi eigendecomposition of the symmetric d x d matrix A (destroyed): eigenvalues in
// `values`, eigenvectors as the columns of V (row-major).
void jacobi_eigen(std::vector<double>& A, std::size_t d, std::vector<double>& values,
                  std::vector<double>& V) {
  V.assign(d * d, 0.0);
  for (std::size_t i = 0; i < d; ++i) V[i * d + i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0, diag = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
      diag += A[i * d + i] * A[i * d + i];
      for (std::size_t j = i + 1; j < d; ++j) off += A[i * d + j] * A[i * d + j];
    }
    if (off <= 1e-30 * diag || off == 0.0) break;
    for (std::size_t p = 0; p < d; ++p) {
      for (std::size_t q = p + 1; q < d; ++q) {
        const double apq = A[p * d + q];
        if (apq == 0.0) continue;
        const double theta = (A[q * d + q] - A[p * d + p]) / (2.0 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (std::size_t k = 0; k < d; ++k) {  // A <- J^T A J
          const double akp = A[k * d + p], akq = A[k * d + q];
          A[k * d + p] = c * akp - s * akq;
          A[k * d + q] = s * akp + c * akq;
        }
        for (std::size_t k = 0; k < d; ++k) {
          const double apk = A[p * d + k], aqk = A[q * d + k];
          A[p * d + k] = c * apk - s * aqk;
          A[q * d + k] = s * apk + c * aqk;
        }
        for (std::size_t k = 0; k < d; ++k) {
          const double vkp = V[k * d + p], vkq = V[k * d + q];
          V[k * d + p] = c * vkp - s * vkq;
          V[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  values.resize(d);
  for (std::size_t i = 0; i < d; ++i) values[i] = A[i * d + i];
}

}  // namespace

std::size_t solve_symmetric(std::vector<double>& A, std::vector<double>& b, std::size_t d,
                            bool& used_cholesky) {
  double max_diag = 0.0;
  for (std::size_t i = 0; i < d; ++i) max_diag = std::max(max_diag, A[i * d + i]);
  // Cholesky A = L L^T on a copy (A is kept for the fallback).
  std::vector<double> L(A);
  bool positive = max_diag > 0;
  const double min_pivot = kRankTolerance * double(d) * max_diag;
  for (std::size_t j = 0; j < d && positive; ++j) {
    double pivot = L[j * d + j];
    for (std::size_t k = 0; k < j; ++k) pivot -= L[j * d + k] * L[j * d + k];
    if (!(pivot > min_pivot)) {
      positive = false;
      break;
    }
    const double root = std::sqrt(pivot);
    L[j * d + j] = root;
    for (std::size_t i = j + 1; i < d; ++i) {
      double v = L[i * d + j];
      for (std::size_t k = 0; k < j; ++k) v -= L[i * d + k] * L[j * d + k];
      L[i * d + j] = v / root;
    }
  }
  used_cholesky = positive;
  if (positive) {
    for (std::size_t i = 0; i < d; ++i) {  // L z = b
      double v = b[i];
      for (std::size_t k = 0; k < i; ++k) v -= L[i * d + k] * b[k];
      b[i] = v / L[i * d + i];
    }
    for (std::size_t i = d; i-- > 0;) {  // L^T x = z
      double v = b[i];
      for (std::size_t k = i + 1; k < d; ++k) v -= L[k * d + i] * b[k];
      b[i] = v / L[i * d + i];
    }
    return d;
  }
  // Minimum-norm solution x = V diag(1 / lambda) V^T b over the eigenvalues above the cutoff.
  std::vector<double> values, V;
  jacobi_eigen(A, d, values, V);
  const double largest = values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
  const double cutoff = kRankTolerance * double(d) * largest;
  std::vector<double> projected(d, 0.0), x(d, 0.0);
  std::size_t rank = 0;
  for (std::size_t k = 0; k < d; ++k) {
    if (!(values[k] > cutoff)) continue;
    ++rank;
    double proj = 0.0;
    for (std::size_t i = 0; i < d; ++i) proj += V[i * d + k] * b[i];
    proj /= values[k];
    for (std::size_t i = 0; i < d; ++i) x[i] += proj * V[i * d + k];
  }
  b = x;
  return rank;
}

template <class T>
LeastSquaresResult least_squares(const T* X, const T* y, const T* weight, std::size_t n,
                                 std::size_t d, bool fit_intercept, double alpha, int n_threads) {
  require(std::isfinite(alpha) && alpha >= 0, "alpha: must be a finite number >= 0, got ", alpha);
  require(n >= 1 && d >= 1, "X: needs at least one sample and one feature");
  std::vector<double> means(d + 2, 0.0);
  if (fit_intercept) means = weighted_means(X, y, weight, n, d, n_threads);
  const std::size_t d4 = round_up4(d);
  const auto gram_update = kernels().get<double>().gram_update;
  const auto dot = kernels().get<double>().dot;
  using Partial = std::vector<double>;  // lower triangle of G (d4 x d4), then X^T y (d)
  const Partial total = reduce_chunks(
      n, chunk_rows(n, d4), n_threads, Partial(d4 * d4 + d, 0.0),
      [&](std::size_t begin, std::size_t end) {
        Partial part(d4 * d4 + d, 0.0);
        std::vector<double> D(d4 * kBlockRows, 0.0), target(kBlockRows);
        for (std::size_t start = begin; start < end; start += kBlockRows) {
          const std::size_t rows = std::min(kBlockRows, end - start);
          for (std::size_t r = 0; r < rows; ++r) {
            const std::size_t i = start + r;
            const double scale = weight ? std::sqrt(double(weight[i])) : 1.0;
            const T* x = X + i * d;
            for (std::size_t j = 0; j < d; ++j) D[j * rows + r] = (double(x[j]) - means[j]) * scale;
            target[r] = (double(y[i]) - means[d]) * scale;
          }
          for (std::size_t j = d; j < d4; ++j) std::fill(D.begin() + j * rows, D.begin() + (j + 1) * rows, 0.0);
          gram_update(D.data(), d4, rows, part.data());
          for (std::size_t j = 0; j < d; ++j) part[d4 * d4 + j] += dot(D.data() + j * rows, target.data(), rows);
        }
        return part;
      },
      [](Partial acc, const Partial& p) {
        for (std::size_t k = 0; k < acc.size(); ++k) acc[k] += p[k];
        return acc;
      });
  std::vector<double> G(d * d), b(total.begin() + d4 * d4, total.end());
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t j = 0; j <= i; ++j) G[i * d + j] = G[j * d + i] = total[i * d4 + j];
    G[i * d + i] += alpha;
  }
  LeastSquaresResult result;
  result.rank = solve_symmetric(G, b, d, result.cholesky);
  result.coef = b;
  if (fit_intercept) {
    double intercept = means[d];
    for (std::size_t j = 0; j < d; ++j) intercept -= means[j] * result.coef[j];
    result.intercept = intercept;
  }
  return result;
}

template LeastSquaresResult least_squares<float>(const float*, const float*, const float*,
                                                 std::size_t, std::size_t, bool, double, int);
template LeastSquaresResult least_squares<double>(const double*, const double*, const double*,
                                                  std::size_t, std::size_t, bool, double, int);

}  // namespace linear
}  // namespace traincore
