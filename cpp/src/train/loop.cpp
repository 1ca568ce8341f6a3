#include "traincore/train/loop.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <vector>

#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/core/parallel.hpp"
#include "traincore/core/rng.hpp"
#include "traincore/loss/evaluate.hpp"

namespace traincore {
namespace train {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kPollSeconds = 0.1;
// Rows per part of a minibatch: the unit of parallel work, fixed so results never depend on the
// thread count.
constexpr std::size_t kRowsPerPart = 64;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void validate(const LoopConfig& c, std::size_t n_features) {
  require(c.max_epochs >= 0, "max_epochs: must be >= 0, got ", c.max_epochs);
  require(c.first_epoch >= 0, "first_epoch: must be >= 0, got ", c.first_epoch);
  require(c.batch_size >= 1, "batch_size: must be >= 1, got ", c.batch_size);
  require(std::isfinite(c.tol) && c.tol >= 0, "tol: must be a finite number >= 0, got ", c.tol);
  require(c.n_iter_no_change >= 0, "n_iter_no_change: must be >= 0, got ", c.n_iter_no_change);
  require(n_features >= 1, "X: needs at least one feature");
  c.schedule.validate();
}

template <class T>
void require_dataset(const Dataset<T>& d, const GradientModel<T>& model, const char* name) {
  require(d.n_rows >= 1, name, ": needs at least one row");
  require(d.n_features == model.n_features(), name, ": has ", d.n_features,
          " features, the model expects ", model.n_features());
  require(d.X != nullptr && d.y != nullptr, name, ": missing data");
}

// Mean loss and score of the model on a whole dataset.
template <class T>
std::pair<double, double> evaluate(const GradientModel<T>& model, const T* params,
                                   const Dataset<T>& data, const loss::LossSpec& spec,
                                   int n_threads) {
  const std::size_t K = model.n_outputs();
  std::vector<std::size_t> rows(data.n_rows);
  std::iota(rows.begin(), rows.end(), std::size_t(0));
  std::vector<T> raw(data.n_rows * K);
  model.forward(data.X, rows.data(), data.n_rows, params, raw.data());
  loss::LossArrays<T> arrays;
  arrays.y = data.y;
  arrays.raw = raw.data();
  arrays.weight = data.weight;
  arrays.n_rows = data.n_rows;
  arrays.n_classes = K;
  const loss::LossSums sums = loss::evaluate_loss<T>(spec, LossMode::mean, arrays, n_threads);
  const double mean = sums.weight_sum > 0 ? sums.loss_sum / sums.weight_sum
                                          : std::numeric_limits<double>::quiet_NaN();
  return {mean + model.penalty(params),
          validation_score(spec, raw.data(), data.y, data.weight, data.n_rows, K)};
}

}  // namespace

template <class T>
double validation_score(const loss::LossSpec& spec, const T* raw, const T* y, const T* weight,
                        std::size_t n, std::size_t K) {
  using loss::LossKind;
  auto w = [weight](std::size_t i) { return weight ? double(weight[i]) : 1.0; };
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += w(i);
  if (!(total > 0)) return std::numeric_limits<double>::quiet_NaN();
  switch (spec.kind) {
    case LossKind::multinomial_log_loss: {
      double correct = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        const T* row = raw + i * K;
        const std::size_t best = std::size_t(std::max_element(row, row + K) - row);
        correct += double(best) == double(y[i]) ? w(i) : 0.0;
      }
      return correct / total;
    }
    case LossKind::binary_log_loss:
    case LossKind::hinge:
    case LossKind::squared_hinge: {
      double correct = 0.0;
      for (std::size_t i = 0; i < n; ++i) correct += (raw[i] > T(0)) == (y[i] == T(1)) ? w(i) : 0.0;
      return correct / total;
    }
    default: {
      // R^2 of the prediction (the inverse link of raw: exp for Poisson, identity otherwise).
      double mean = 0.0;
      for (std::size_t i = 0; i < n; ++i) mean += w(i) * double(y[i]);
      mean /= total;
      double residual = 0.0, spread = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        const double prediction =
            spec.kind == LossKind::poisson ? std::exp(double(raw[i])) : double(raw[i]);
        residual += w(i) * (double(y[i]) - prediction) * (double(y[i]) - prediction);
        spread += w(i) * (double(y[i]) - mean) * (double(y[i]) - mean);
      }
      return spread > 0 ? 1.0 - residual / spread : (residual == 0 ? 1.0 : 0.0);
    }
  }
}

template <class T>
LoopResult run_training(const GradientModel<T>& model, T* params, const Dataset<T>& train,
                        const Dataset<T>* validation, const loss::LossSpec& spec,
                        OptimizerRun<T>& optimizer, const LoopConfig& config,
                        const LoopHooks& hooks) {
  validate(config, train.n_features);
  spec.validate();
  require_dataset(train, model, "X");
  if (validation != nullptr) require_dataset(*validation, model, "X_val");

  const std::size_t n = train.n_rows, K = model.n_outputs(), P = model.n_params();
  const std::size_t B = std::min(config.batch_size, n);
  // A model that threads its own work gets each minibatch whole, as one part.
  const bool whole_batches = model.threads_inside();
  const std::size_t max_parts = whole_batches ? 1 : chunk_count(B, kRowsPerPart);
  std::vector<std::size_t> order(n);
  std::vector<T> raw(B * K), grad_raw(B * K), batch_y(B), batch_w(B);
  std::vector<T> part_grads(max_parts * P);  // part 0's buffer receives the batch's sum
  std::vector<loss::LossSums> part_sums(max_parts);
  std::vector<T> best_params;
  const bool keep_best = validation != nullptr && config.restore_best;
  const auto scale = kernels().get<T>().scale;
  const double base_lr = optimizer.base_lr();

  const int threads = resolve_threads(config.n_threads);
  LoopResult result;
  result.best_loss = std::numeric_limits<double>::infinity();
  long long no_improvement = 0;
  Clock::time_point last_poll = Clock::now();
  bool interrupted = false;

  for (long long epoch = config.first_epoch + 1; epoch <= config.max_epochs; ++epoch) {
    const Clock::time_point epoch_start = Clock::now();
    const double lr = config.schedule.learning_rate(base_lr, epoch - 1);
    if (config.shuffle) {
      rng::shuffled_order(order.data(), n, config.seed, rng::kShuffle, static_cast<std::uint32_t>(epoch - 1));
    } else {
      std::iota(order.begin(), order.end(), std::size_t(0));
    }
    double loss_sum = 0.0, weight_sum = 0.0;
    // Forward, loss gradient and backward of rows [begin, end) of the batch at `rows`, into
    // part `part`'s own gradient buffer.
    auto process_part = [&](const std::size_t* rows, std::size_t part, std::size_t begin,
                            std::size_t end) {
      const std::size_t rows_in_part = end - begin;
      T* part_raw = raw.data() + begin * K;
      T* part_grad_raw = grad_raw.data() + begin * K;
      model.forward_train(train.X, rows + begin, rows_in_part, params, part_raw, optimizer.step_count);
      for (std::size_t i = begin; i < end; ++i) {
        batch_y[i] = train.y[rows[i]];
        if (train.weight != nullptr) batch_w[i] = train.weight[rows[i]];
      }
      loss::LossArrays<T> arrays;
      arrays.y = batch_y.data() + begin;
      arrays.raw = part_raw;
      arrays.weight = train.weight != nullptr ? batch_w.data() + begin : nullptr;
      arrays.gradient = part_grad_raw;
      arrays.n_rows = rows_in_part;
      arrays.n_classes = K;
      part_sums[part] = loss::evaluate_loss<T>(spec, LossMode::loss_gradient, arrays, 1);
      if (whole_batches && part_sums[part].weight_sum > 0) {
        // The part is the whole batch: scale d loss / d raw to the gradient of the batch's mean
        // loss here (K values a row) rather than the parameters' gradient later (P values).
        scale(part_grad_raw, T(1.0 / part_sums[part].weight_sum), rows_in_part * K);
      }
      model.backward(train.X, rows + begin, rows_in_part, params, part_grad_raw,
                     part_grads.data() + part * P);
    };
    // Adds the parts' gradients in order into part 0's (the same sum for any thread count) and
    // steps.
    auto apply_batch = [&](std::size_t parts) {
      double batch_loss = 0.0, batch_weight = 0.0;
      T* grad_params = part_grads.data();
      for (std::size_t part = 0; part < parts; ++part) {
        batch_loss += part_sums[part].loss_sum;
        batch_weight += part_sums[part].weight_sum;
        if (part > 0) {
          const T* g = part_grads.data() + part * P;
          for (std::size_t j = 0; j < P; ++j) grad_params[j] += g[j];
        }
      }
      if (batch_weight > 0) {
        // Gradient of the weighted mean loss over the batch, then of the penalty.
        if (!whole_batches) scale(grad_params, T(1.0 / batch_weight), P);
        model.add_penalty_gradient(params, grad_params);
        optimizer.step(params, grad_params, P, lr);
        loss_sum += batch_loss;
        weight_sum += batch_weight;
      }
      if (hooks.interrupted && seconds_since(last_poll) >= kPollSeconds) {
        last_poll = Clock::now();
        interrupted = hooks.interrupted();
      }
    };
    std::exception_ptr error;
    if (whole_batches) {
      for (std::size_t start = 0; start < n && !interrupted; start += B) {
        process_part(order.data() + start, 0, 0, std::min(B, n - start));
        apply_batch(1);
      }
    } else {
      // One parallel region per epoch: the threads split each batch's parts, then the calling
      // thread (the one that may enter Python) applies the step while the others wait.
#pragma omp parallel num_threads(threads) if (threads > 1)
      {
      for (std::size_t start = 0; start < n; start += B) {
        const std::size_t* rows = order.data() + start;
        const std::size_t m = std::min(B, n - start);
        const std::ptrdiff_t parts = static_cast<std::ptrdiff_t>(chunk_count(m, kRowsPerPart));
#pragma omp for schedule(static)
        for (std::ptrdiff_t part = 0; part < parts; ++part) {
          const std::size_t begin = std::size_t(part) * kRowsPerPart;
          try {
            process_part(rows, std::size_t(part), begin, std::min(m, begin + kRowsPerPart));
          } catch (...) {
#pragma omp critical(traincore_training_error)
            if (!error) error = std::current_exception();
          }
        }
#pragma omp master
        {
          if (!error) {
            try {
              apply_batch(std::size_t(parts));
            } catch (...) {
              error = std::current_exception();
            }
          }
        }
#pragma omp barrier
        if (error || interrupted) break;
      }
      }
    }
    if (error) std::rethrow_exception(error);
    if (interrupted) {
      result.reason = StopReason::interrupted;
      break;
    }

    EpochStats stats;
    stats.epoch = epoch;
    stats.learning_rate = lr;
    stats.steps = optimizer.step_count;
    stats.train_loss = (weight_sum > 0 ? loss_sum / weight_sum : 0.0) + model.penalty(params);
    if (!std::isfinite(stats.train_loss)) {
      std::ostringstream message;
      message << "training diverged in epoch " << epoch << ": the training loss is "
              << (std::isnan(stats.train_loss) ? "nan" : (stats.train_loss > 0 ? "inf" : "-inf"))
              << "; try a smaller learning rate (lr=" << base_lr << ")";
      throw TrainingDiverged(message.str());
    }
    stats.validation_loss = stats.validation_score = std::numeric_limits<double>::quiet_NaN();
    if (validation != nullptr) {
      std::tie(stats.validation_loss, stats.validation_score) =
          evaluate(model, params, *validation, spec, config.n_threads);
    }
    result.epochs_run = epoch - config.first_epoch;

    // Early stopping on the validation loss if there is validation data, else the training loss
    // (an epoch improves when its loss is below best - tol).
    const double monitored = validation != nullptr ? stats.validation_loss : stats.train_loss;
    no_improvement = monitored < result.best_loss - config.tol ? 0 : no_improvement + 1;
    if (monitored < result.best_loss) {
      result.best_loss = monitored;
      result.best_epoch = epoch;
      if (keep_best) best_params.assign(params, params + P);
    }
    stats.seconds = seconds_since(epoch_start);
    if (hooks.on_epoch_end && hooks.on_epoch_end(stats)) {
      result.reason = StopReason::callback;
      break;
    }
    if (config.n_iter_no_change > 0 && no_improvement >= config.n_iter_no_change) {
      result.reason = StopReason::no_improvement;
      break;
    }
    if (hooks.interrupted && hooks.interrupted()) {
      result.reason = StopReason::interrupted;
      break;
    }
  }
  if (keep_best && !best_params.empty()) std::copy(best_params.begin(), best_params.end(), params);
  return result;
}

template LoopResult run_training<float>(const GradientModel<float>&, float*, const Dataset<float>&,
                                        const Dataset<float>*, const loss::LossSpec&,
                                        OptimizerRun<float>&, const LoopConfig&, const LoopHooks&);
template LoopResult run_training<double>(const GradientModel<double>&, double*,
                                         const Dataset<double>&, const Dataset<double>*,
                                         const loss::LossSpec&, OptimizerRun<double>&,
                                         const LoopConfig&, const LoopHooks&);
template double validation_score<float>(const loss::LossSpec&, const float*, const float*,
                                        const float*, std::size_t, std::size_t);
template double validation_score<double>(const loss::LossSpec&, const double*, const double*,
                                         const double*, std::size_t, std::size_t);

}  // namespace train
}  // namespace traincore
