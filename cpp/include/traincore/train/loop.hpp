// The generic training loop (DESIGN contract 5), shared by every model trained by gradient steps:
//   for each epoch: shuffle the rows (counter-based RNG keyed by the seed and the epoch), then
//   for each minibatch: forward -> loss gradient (weighted mean over the batch) -> backward ->
//   penalty gradient -> optimiser step at the scheduled learning rate; at the end of the epoch:
//   the mean training loss, validation loss and score, early stopping, and the epoch hook.
// It runs without the GIL; Python is entered only through the hooks, at epoch boundaries, and
// through the interrupt poll (about every 0.1 s, for Ctrl-C).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "traincore/loss/loss_spec.hpp"
#include "traincore/optim/schedule.hpp"
#include "traincore/train/gradient_model.hpp"
#include "traincore/train/optimizer.hpp"

namespace traincore {
namespace train {

// Rows of X (row-major, n_rows x n_features), targets (class indices for classifiers) and
// optional sample weights.
template <class T>
struct Dataset {
  const T* X = nullptr;
  const T* y = nullptr;
  const T* weight = nullptr;
  std::size_t n_rows = 0;
  std::size_t n_features = 0;
};

struct LoopConfig {
  long long max_epochs = 5;
  long long first_epoch = 0;   // epochs run before (warm start / partial_fit continue the streams)
  std::size_t batch_size = 32;
  bool shuffle = true;
  std::uint64_t seed = 0;
  double tol = 1e-3;               // an epoch improves when loss < best - tol
  long long n_iter_no_change = 5;  // stop after this many epochs without improvement; 0: never
  bool restore_best = true;        // with validation data, end on the best epoch's parameters
  optim::ScheduleConfig schedule;  // learning rate per epoch: schedule(lr, epoch)
  int n_threads = 0;
};

struct EpochStats {
  long long epoch = 0;             // 1-based, counting first_epoch
  double train_loss = 0.0;         // mean loss over the epoch's minibatches, plus the penalty
  double validation_loss = 0.0;    // NaN without validation data
  double validation_score = 0.0;   // accuracy or R^2; NaN without validation data
  double learning_rate = 0.0;
  double seconds = 0.0;
  long long steps = 0;             // optimiser steps so far
};

enum class StopReason { max_epochs, no_improvement, callback, interrupted };

struct LoopResult {
  long long epochs_run = 0;
  long long best_epoch = 0;
  double best_loss = 0.0;
  StopReason reason = StopReason::max_epochs;
};

struct LoopHooks {
  std::function<bool(const EpochStats&)> on_epoch_end;  // return true to stop
  std::function<bool()> interrupted;                    // polled about every 0.1 s
};

// A non-finite loss: the bindings turn it into RuntimeError.
class TrainingDiverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class T>
LoopResult run_training(const GradientModel<T>& model, T* params, const Dataset<T>& train,
                        const Dataset<T>* validation, const loss::LossSpec& loss,
                        OptimizerRun<T>& optimizer, const LoopConfig& config,
                        const LoopHooks& hooks);

// The validation score for a loss: accuracy for classification losses (argmax of K scores, or
// raw > 0 for binary ones), R^2 for regression losses.
template <class T>
double validation_score(const loss::LossSpec& loss, const T* raw, const T* y, const T* weight,
                        std::size_t n_rows, std::size_t n_outputs);

}  // namespace train
}  // namespace traincore
