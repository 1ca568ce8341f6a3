// What the training loop needs from a model trained by gradient steps: its parameters as one
// flat buffer, a forward pass to raw scores and a backward pass to parameter gradients, both on
// a list of rows of X (so a shuffled minibatch needs no copy of X), and an optional penalty.
#pragma once

#include <cstddef>

namespace traincore {
namespace train {

template <class T>
class GradientModel {
 public:
  virtual ~GradientModel() = default;
  virtual std::size_t n_params() const = 0;
  virtual std::size_t n_outputs() const = 0;   // raw scores per row
  virtual std::size_t n_features() const = 0;  // columns of X
  // raw[i * n_outputs + k] for the rows X[rows[i]], i < n.
  virtual void forward(const T* X, const std::size_t* rows, std::size_t n, const T* params,
                       T* raw) const = 0;
  // The forward pass of a training step: like forward, plus what training alone does (dropout,
  // keeping activations for backward). `step` counts the optimiser steps taken so far and keys
  // the step's random draws.
  virtual void forward_train(const T* X, const std::size_t* rows, std::size_t n, const T* params,
                             T* raw, long long step) const {
    static_cast<void>(step);
    forward(X, rows, n, params, raw);
  }
  // grad_params = sum_i grad_raw_i . d raw_i / d params over the rows of the last forward_train
  // (overwritten).
  virtual void backward(const T* X, const std::size_t* rows, std::size_t n, const T* params,
                        const T* grad_raw, T* grad_params) const = 0;
  // Whether the model runs its own threads (deterministically) on a whole minibatch, as the MLP's
  // matrix products do. Otherwise the loop splits each minibatch into fixed parts over threads.
  virtual bool threads_inside() const { return false; }
  // The regularisation term added to the mean loss, and its (sub)gradient.
  virtual double penalty(const T* params) const = 0;
  virtual void add_penalty_gradient(const T* params, T* grad_params) const = 0;
};

}  // namespace train
}  // namespace traincore
