// Batched evaluation of a loss over arrays: parallel over fixed chunks of rows, with the sums
// combined in chunk order, so results are bit-identical for any thread count.
#pragma once

#include <cstddef>

#include "traincore/kernels/kernel_table.hpp"
#include "traincore/loss/loss_spec.hpp"

namespace traincore {
namespace loss {

// Caller-owned arrays; unused outputs and `weight` may be null. Multinomial rows hold n_classes
// raw scores (and gradient / hessian values); other losses have n_classes = 1.
template <class T>
struct LossArrays {
  const T* y = nullptr;
  const T* raw = nullptr;
  const T* weight = nullptr;
  T* loss = nullptr;
  T* gradient = nullptr;
  T* hessian = nullptr;
  std::size_t n_rows = 0;
  std::size_t n_classes = 1;
};

struct LossSums {
  double loss_sum;    // sum of w_i * l_i (when the mode computes it)
  double weight_sum;  // sum of w_i (n_rows without weights)
};

// Throws InvalidArgument naming `y` or `sample_weight` (and the first offending index) when a
// target is outside the loss's domain or a weight is negative or not finite; the outputs are
// then unspecified.
template <class T>
LossSums evaluate_loss(const LossSpec& spec, LossMode mode, const LossArrays<T>& arrays,
                       int n_threads);

}  // namespace loss
}  // namespace traincore
