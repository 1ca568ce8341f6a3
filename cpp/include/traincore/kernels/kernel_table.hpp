// The table of SIMD kernels. The same kernel sources are compiled once per instruction set
// (cpp/src/kernels/<isa>/); each build fills one KernelTable, and cpu_dispatch picks one at
// import. Kernels work on one chunk of a problem and never start threads: the drivers in
// cpp/src/ split work into fixed chunks and run them in parallel.
#pragma once

#include <cstddef>
#include <cstdint>

#include "traincore/loss/loss_spec.hpp"
#include "traincore/nn/activation.hpp"
#include "traincore/optim/all_optimizers.hpp"

namespace traincore {

// What a loss kernel computes over its rows.
enum class LossMode {
  mean,              // sum of (weighted) losses and of weights only
  loss,              // per-sample (weighted) losses
  gradient,          // per-sample (weighted) first derivatives
  gradient_hessian,  // per-sample (weighted) first and second derivatives
  loss_gradient,     // sum of losses, per-sample losses when `loss` is set, and derivatives
};

// One chunk of rows, pointers already offset to its first row. `weight` and unused outputs
// may be null. For the multinomial loss, raw/gradient/hessian rows hold n_classes values.
template <class T>
struct LossChunk {
  const T* y;
  const T* raw;
  const T* weight;
  T* loss;
  T* gradient;
  T* hessian;
  std::size_t n_rows;
  std::size_t n_classes;
};

struct LossChunkResult {
  double loss_sum = 0.0;
  double weight_sum = 0.0;
  int bad_target = 0;  // nonzero when a target is outside the loss's domain
  int bad_weight = 0;  // nonzero when a weight is negative or not finite
};

// One tile of a GEMM for the micro-kernel: C[m x n] = alpha * op(A)[m x kc] B_panel + beta * C,
// m <= gemm_mr, n <= gemm_nr. B_panel is packed (kc x gemm_nr, contiguous per k). op(A)[i][p]
// is a[i * a_step + p] in the rows layout (A itself) and a[p * a_step + i] in the columns layout
// (A^T itself, or a panel packed gemm_mr wide).
template <class T>
struct GemmTile {
  std::size_t kc;
  const T* a;
  std::size_t a_step;
  bool rows_layout;
  const T* b;
  T* c;
  std::size_t ldc;
  T alpha;
  T beta;
  std::size_t m;
  std::size_t n;
};

template <class T>
struct KernelsFor {
  LossChunkResult (*loss_chunk)(const loss::LossSpec&, LossMode, const LossChunk<T>&);
  void (*sgd)(const optim::SgdStep<T>&, bool has_momentum, bool nesterov, bool first_step,
              T* param, const T* grad, T* momentum_buffer, std::size_t n);
  void (*adam)(const optim::AdamStep<T>&, bool amsgrad, T* param, const T* grad, T* exp_avg,
               T* exp_avg_sq, T* max_exp_avg_sq, std::size_t n);
  void (*rmsprop)(const optim::RmspropStep<T>&, bool centered, bool has_momentum, T* param,
                  const T* grad, T* square_avg, T* grad_avg, T* momentum_buffer, std::size_t n);
  void (*adagrad)(const optim::AdagradStep<T>&, T* param, const T* grad, T* sum, std::size_t n);
  double (*sum_squares)(const T* x, std::size_t n);  // accumulated in double
  void (*scale)(T* x, T factor, std::size_t n);
  T (*dot)(const T* x, const T* y, std::size_t n);
  bool (*all_finite)(const T* x, std::size_t n);
  // Linear-model passes over listed rows of a row-major X (n_features columns):
  //   rows_dot:  out[i] = X[rows[i]] . w
  //   rows_axpy: out += sum_i g[i] X[rows[i]]
  void (*rows_dot)(const T* X, const std::size_t* rows, std::size_t n, std::size_t n_features,
                   const T* w, T* out);
  void (*rows_axpy)(const T* X, const std::size_t* rows, std::size_t n, std::size_t n_features,
                    const T* g, T* out);
  // GEMM: the micro-kernel's tile shape and the micro-kernel; the packing of one gemm_mr-wide
  // panel of op(A)^T and of one gemm_nr-wide panel of op(B) (kc x n values of the K-major operand
  // starting at x, stored transposed or not, zero-padded to the panel's width); see
  // kernels/gemm.hpp for the blocking around them.
  std::size_t gemm_mr;
  std::size_t gemm_nr;
  void (*gemm_micro)(const GemmTile<T>& tile);
  void (*gemm_pack_a)(const T* x, std::size_t ld, bool transposed, std::size_t kc, std::size_t n, T* out);
  void (*gemm_pack_b)(const T* x, std::size_t ld, bool transposed, std::size_t kc, std::size_t n, T* out);
  // G += D D^T for D of d4 x rows values (d4 a multiple of 4, row-major: feature-major), only the
  // lower triangle of G (d4 x d4, double) in 4 x 4 tiles; D is already in double.
  void (*gram_update)(const double* D, std::size_t d4, std::size_t rows, double* G);
  void (*axpy)(T a, const T* x, T* y, std::size_t n);  // y += a x
  // out[i] = f(x[i]) with the vectorisable functions of kernels/vector_math.hpp.
  void (*exp)(const T* x, T* out, std::size_t n);
  void (*log)(const T* x, T* out, std::size_t n);
  void (*log1p)(const T* x, T* out, std::size_t n);
  void (*expm1)(const T* x, T* out, std::size_t n);
  void (*tanh)(const T* x, T* out, std::size_t n);
  void (*sigmoid)(const T* x, T* out, std::size_t n);
  // The MLP's elementwise passes over rows x width row-major matrices (nn_kernels.inc):
  //   bias_activation:     a = f(z + bias) (gelu also keeps z += bias; otherwise a may be z)
  //   activation_backward: delta *= mask * f'(z) (mask may be null), bias_grad = column sums
  //   column_sums:         out[j] = sum_i x[i][j]
  //   dropout_mask:        inverted-dropout factors from draws first.. of the step's stream
  void (*bias_activation)(nn::Activation, T slope, const T* bias, std::size_t rows,
                          std::size_t width, T* z, T* a);
  void (*activation_backward)(nn::Activation, T slope, const T* a, const T* z, const T* mask,
                              std::size_t rows, std::size_t width, T* delta, T* bias_grad);
  void (*column_sums)(const T* x, std::size_t rows, std::size_t width, T* out);
  void (*dropout_mask)(std::uint64_t seed, std::uint32_t step, std::uint64_t first, double rate,
                       T* mask, std::size_t n);
};

struct KernelTable {
  const char* isa;
  // out[i] = rng::random_bits(seed, purpose, epoch, first + i): Philox over many counters at once.
  void (*random_bits)(std::uint64_t seed, std::uint32_t purpose, std::uint32_t epoch,
                      std::uint64_t first, std::uint64_t* out, std::size_t n);
  KernelsFor<float> f32;
  KernelsFor<double> f64;

  template <class T>
  const KernelsFor<T>& get() const {
    if constexpr (sizeof(T) == sizeof(float)) {
      return f32;
    } else {
      return f64;
    }
  }
};

}  // namespace traincore
