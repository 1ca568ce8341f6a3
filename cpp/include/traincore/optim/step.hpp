// Optimiser steps over one or more flat parameter buffers. A model keeps all its parameters in
// one buffer (one segment); the low-level Python API passes one segment per named array. The
// elements of all segments are cut into fixed blocks run in parallel, and every update is
// elementwise, so the result does not depend on the thread count.
#pragma once

#include <cstddef>
#include <vector>

#include "traincore/optim/all_optimizers.hpp"

namespace traincore {
namespace optim {

template <class T>
struct ParamSegment {
  T* param = nullptr;
  const T* grad = nullptr;
  T* state[kMaxStateBuffers] = {nullptr, nullptr, nullptr};  // in the order of state_names()
  std::size_t size = 0;
};

struct StepOptions {
  long long step = 1;          // 1-based index of this step
  double lr = 1e-3;            // this step's learning rate (a schedule may take it to 0)
  double max_grad_norm = 0.0;  // > 0: scale gradients so their global L2 norm is at most this
  int n_threads = 0;           // 0: all available
};

// Each returns the global L2 norm of the gradients when clipping is on, else -1.
template <class T>
double step(const SgdConfig& config, const std::vector<ParamSegment<T>>& segments,
            const StepOptions& options);
template <class T>
double step(const AdamConfig& config, const std::vector<ParamSegment<T>>& segments,
            const StepOptions& options);
template <class T>
double step(const RmspropConfig& config, const std::vector<ParamSegment<T>>& segments,
            const StepOptions& options);
template <class T>
double step(const AdagradConfig& config, const std::vector<ParamSegment<T>>& segments,
            const StepOptions& options);

// The global L2 norm sqrt(sum_i ||g_i||^2) over several buffers, accumulated in double in a
// fixed order; with max_norm > 0 the buffers are then scaled in place by
// min(1, max_norm / (norm + 1e-6)), as torch.nn.utils.clip_grad_norm_.
template <class T>
double global_norm(const std::vector<T*>& buffers, const std::vector<std::size_t>& sizes,
                   int n_threads);
template <class T>
double clip_grad_norm(const std::vector<T*>& buffers, const std::vector<std::size_t>& sizes,
                      double max_norm, int n_threads);

}  // namespace optim
}  // namespace traincore
