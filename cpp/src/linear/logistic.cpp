#include "traincore/linear/logistic.hpp"

#include <cmath>
#include <numeric>

#include "traincore/core/errors.hpp"
#include "traincore/core/parallel.hpp"
#include "traincore/linear/linear_model.hpp"
#include "traincore/loss/evaluate.hpp"

namespace traincore {
namespace linear {

namespace {

constexpr std::size_t kChunkRows = 2048;

struct Partial {
  double loss = 0.0;
  double weight = 0.0;
  std::vector<double> grad;
};

}  // namespace

template <class T>
LogisticFit fit_logistic(const T* X, const T* y, const T* weight, std::size_t n, std::size_t d,
                         std::size_t n_outputs, bool fit_intercept, double C,
                         const optim::LbfgsConfig& config, int n_threads, const double* initial) {
  require(std::isfinite(C) && C > 0, "C: must be a finite number > 0, got ", C);
  require(n >= 1, "X: needs at least one sample");
  const LinearModel<T> model(d, n_outputs, fit_intercept, Penalty{});
  const std::size_t P = model.n_params(), K = n_outputs, n_weights = K * d;
  loss::LossSpec spec;
  spec.kind = K == 1 ? loss::LossKind::binary_log_loss : loss::LossKind::multinomial_log_loss;
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), std::size_t(0));
  std::vector<T> params_t(P);
  double weight_sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) weight_sum += weight ? double(weight[i]) : 1.0;
  require(weight_sum > 0, "sample_weight: the weights sum to zero");
  const double l2 = 1.0 / (C * weight_sum);

  const optim::Objective objective = [&](const double* x, double* grad) {
    for (std::size_t j = 0; j < P; ++j) params_t[j] = T(x[j]);
    const Partial total = reduce_chunks(
        n, kChunkRows, n_threads, Partial{0.0, 0.0, std::vector<double>(P, 0.0)},
        [&](std::size_t begin, std::size_t end) {
          const std::size_t m = end - begin;
          std::vector<T> raw(m * K), grad_raw(m * K), grad_t(P);
          model.forward(X, rows.data() + begin, m, params_t.data(), raw.data());
          loss::LossArrays<T> arrays;
          arrays.y = y + begin;
          arrays.raw = raw.data();
          arrays.weight = weight ? weight + begin : nullptr;
          arrays.gradient = grad_raw.data();
          arrays.n_rows = m;
          arrays.n_classes = K;
          const loss::LossSums sums = loss::evaluate_loss<T>(spec, LossMode::loss_gradient, arrays, 1);
          model.backward(X, rows.data() + begin, m, params_t.data(), grad_raw.data(), grad_t.data());
          return Partial{sums.loss_sum, sums.weight_sum, std::vector<double>(grad_t.begin(), grad_t.end())};
        },
        [](Partial acc, const Partial& p) {
          acc.loss += p.loss;
          acc.weight += p.weight;
          for (std::size_t j = 0; j < acc.grad.size(); ++j) acc.grad[j] += p.grad[j];
          return acc;
        });
    double penalty = 0.0;
    for (std::size_t j = 0; j < P; ++j) grad[j] = total.grad[j] / weight_sum;
    for (std::size_t j = 0; j < n_weights; ++j) {
      penalty += x[j] * x[j];
      grad[j] += l2 * x[j];
    }
    return total.loss / weight_sum + 0.5 * l2 * penalty;
  };

  LogisticFit fit;
  fit.params.assign(P, 0.0);
  if (initial != nullptr) fit.params.assign(initial, initial + P);
  fit.solver = optim::lbfgs_minimize(objective, fit.params.data(), P, config);
  return fit;
}

template LogisticFit fit_logistic<float>(const float*, const float*, const float*, std::size_t,
                                         std::size_t, std::size_t, bool, double,
                                         const optim::LbfgsConfig&, int, const double*);
template LogisticFit fit_logistic<double>(const double*, const double*, const double*, std::size_t,
                                          std::size_t, std::size_t, bool, double,
                                          const optim::LbfgsConfig&, int, const double*);

}  // namespace linear
}  // namespace traincore
