// A multilayer perceptron: layer_sizes = [d, h_1, ..., h_m, K] gives L = m + 1 dense layers,
//   A_0 = X,  Z_l = A_{l-1} W_l + b_l,  A_l = D_l * f(Z_l) (l < L),  raw = Z_L,
// with W_l of fan_in x fan_out (row-major), f the hidden activation (nn/activation.hpp) and D_l
// the inverted-dropout factors of a training step (Srivastava et al., JMLR 2014): 1 / (1 - p)
// with probability 1 - p, else 0; no dropout outside training. The output layer is linear: the
// loss folds in its link (softmax, sigmoid, exp).
// Backward, from G = dL/draw (Rumelhart, Hinton & Williams, 1986):
//   delta_L = G;  dW_l = A_{l-1}^T delta_l;  db_l = sum_rows delta_l;
//   delta_{l-1} = (delta_l W_l^T) * D_{l-1} * f'(Z_{l-1}).
// Penalty: alpha / 2 * sum_l ||W_l||^2 (biases are not penalised), gradient alpha W_l.
// Parameters live in one flat buffer (DESIGN contract 4): for l = 1..L, W_l then b_l.
//
// The products run on traincore's GEMM, which splits output tiles over the model's threads, so
// the training loop hands the model whole minibatches (threads_inside) and results do not depend
// on the thread count. forward_train keeps each layer's activations in the model's workspace for
// the backward pass that follows it: one call at a time per model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "traincore/nn/activation.hpp"
#include "traincore/train/gradient_model.hpp"

namespace traincore {
namespace nn {

struct MlpConfig {
  std::vector<std::size_t> layer_sizes;  // [n_features, hidden..., n_outputs]
  Activation activation = Activation::relu;
  double slope = 0.01;     // negative slope of leaky_relu
  double alpha = 0.0;      // L2 penalty on the weights
  double dropout = 0.0;    // rate p of the hidden layers' dropout, in [0, 1)
  std::uint64_t seed = 0;  // dropout draws
  int n_threads = 0;

  void validate() const;
  std::size_t n_params() const;
  std::size_t weight_offset(std::size_t layer) const;  // layer 0-based
  std::size_t bias_offset(std::size_t layer) const;
};

// He (Kaiming) uniform bounds for the rectifiers and gelu, Glorot (Xavier) uniform otherwise and
// for the output layer; biases 0. Weight e of layer l (0-based) is (2u - 1) a with
// u = (bits >> 11) 2^-53 and bits draw e of stream (kInitialization, epoch l) under `seed`.
//   He: a = sqrt(6 / ((1 + s^2) fan_in)) (s = slope for leaky_relu, else 0) (He et al., 2015)
//   Glorot: a = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010)
template <class T>
void initialize(const MlpConfig& config, std::uint64_t seed, T* params);

template <class T>
class Mlp final : public train::GradientModel<T> {
 public:
  explicit Mlp(MlpConfig config);

  std::size_t n_params() const override { return n_params_; }
  std::size_t n_outputs() const override { return config_.layer_sizes.back(); }
  std::size_t n_features() const override { return config_.layer_sizes.front(); }
  bool threads_inside() const override { return true; }
  void forward(const T* X, const std::size_t* rows, std::size_t n, const T* params,
               T* raw) const override;
  void forward_train(const T* X, const std::size_t* rows, std::size_t n, const T* params, T* raw,
                     long long step) const override;
  void backward(const T* X, const std::size_t* rows, std::size_t n, const T* params,
                const T* grad_raw, T* grad_params) const override;
  double penalty(const T* params) const override;
  void add_penalty_gradient(const T* params, T* grad_params) const override;

  const MlpConfig& config() const { return config_; }

 private:
  // The activations of one pass: its input rows (X's own rows when consecutive, else gathered),
  // and per hidden layer the activation, the pre-activation (gelu only), the dropout factors and
  // the output after dropout (training with dropout only); the backward pass's deltas.
  struct Workspace {
    const T* input_rows = nullptr;
    std::size_t n_rows = 0;
    bool dropout = false;
    std::vector<T> input;
    std::vector<std::vector<T>> z, activation, dropped, mask;
    std::vector<T> delta, delta_next;
  };
  std::size_t layers() const { return config_.layer_sizes.size() - 1; }
  // Runs rows through the network into raw; when `step` >= 0 applies that step's dropout.
  void run_forward(Workspace& work, const T* X, const std::size_t* rows, std::size_t n,
                   const T* params, T* raw, long long step) const;

  MlpConfig config_;
  std::size_t n_params_;
  // Training passes and evaluation passes (validation, prediction) keep separate activations, so
  // an evaluation between forward_train and backward does not disturb the step.
  mutable Workspace train_work_;
  mutable Workspace eval_work_;
};

}  // namespace nn
}  // namespace traincore
