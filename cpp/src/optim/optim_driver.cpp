// Runs optimiser steps over parameter segments: cuts them into fixed blocks, computes the
// gradient norm when clipping, and calls the dispatched kernel on each block in parallel.
#include <algorithm>
#include <cmath>

#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/core/parallel.hpp"
#include "traincore/optim/step.hpp"

namespace traincore {
namespace optim {

namespace {

// Elements per block: large enough to amortise scheduling, small enough to split 2 threads'
// work evenly on mid-sized models. Fixed, so blocks never depend on the thread count.
constexpr std::size_t kBlock = std::size_t(1) << 15;

struct Block {
  std::size_t segment;
  std::size_t begin;
  std::size_t end;
};

std::vector<Block> make_blocks(const std::vector<std::size_t>& sizes) {
  std::vector<Block> blocks;
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    for (std::size_t begin = 0; begin < sizes[s]; begin += kBlock) {
      blocks.push_back({s, begin, std::min(sizes[s], begin + kBlock)});
    }
  }
  return blocks;
}

template <class T>
std::vector<std::size_t> sizes_of(const std::vector<ParamSegment<T>>& segments) {
  std::vector<std::size_t> sizes;
  for (const auto& s : segments) sizes.push_back(s.size);
  return sizes;
}

template <class T>
double sum_of_squares(const std::vector<const T*>& buffers, const std::vector<std::size_t>& sizes,
                      int n_threads) {
  const auto kernel = kernels().get<T>().sum_squares;
  const std::vector<Block> blocks = make_blocks(sizes);
  return reduce_chunks(
      blocks.size(), 1, n_threads, 0.0,
      [&](std::size_t b, std::size_t) {
        const Block& block = blocks[b];
        return kernel(buffers[block.segment] + block.begin, block.end - block.begin);
      },
      [](double acc, double part) { return acc + part; });
}

double clip_scale(double norm, double max_norm) {
  const double coefficient = max_norm / (norm + 1e-6);
  return coefficient < 1.0 ? coefficient : 1.0;
}

// Validates the options, computes the clipping scale, then calls update(segment, begin, n,
// grad_scale) for every block in parallel. Returns the gradient norm, or -1 without clipping.
template <class T, class Update>
double run_step(const std::vector<ParamSegment<T>>& segments, const StepOptions& options,
                std::size_t n_state, Update&& update) {
  require(options.step >= 1, "step: the step count must be >= 1, got ", options.step);
  require(std::isfinite(options.lr) && options.lr >= 0,
          "lr: the learning rate of a step must be a finite number >= 0, got ", options.lr);
  require(std::isfinite(options.max_grad_norm) && options.max_grad_norm >= 0,
          "max_grad_norm: must be a finite number > 0 (or 0 for no clipping), got ",
          options.max_grad_norm);
  for (const auto& s : segments) {
    require(s.size == 0 || (s.param != nullptr && s.grad != nullptr),
            "params: a parameter or gradient buffer is missing");
    for (std::size_t k = 0; k < n_state; ++k) {
      require(s.size == 0 || s.state[k] != nullptr, "state: a state buffer is missing");
    }
  }
  const std::vector<std::size_t> sizes = sizes_of(segments);
  double norm = -1.0;
  double grad_scale = 1.0;
  if (options.max_grad_norm > 0) {
    std::vector<const T*> grads;
    for (const auto& s : segments) grads.push_back(s.grad);
    norm = std::sqrt(sum_of_squares<T>(grads, sizes, options.n_threads));
    grad_scale = clip_scale(norm, options.max_grad_norm);
  }
  const std::vector<Block> blocks = make_blocks(sizes);
  for_each_chunk(blocks.size(), 1, options.n_threads, [&](std::size_t b, std::size_t, std::size_t) {
    const Block& block = blocks[b];
    update(segments[block.segment], block.begin, block.end - block.begin, grad_scale);
  });
  return norm;
}

}  // namespace

template <class T>
double step(const SgdConfig& c, const std::vector<ParamSegment<T>>& segments,
            const StepOptions& o) {
  c.validate();
  const auto kernel = kernels().get<T>().sgd;
  const bool has_momentum = c.momentum != 0;
  return run_step(segments, o, c.state_names().size(),
                  [&](const ParamSegment<T>& s, std::size_t at, std::size_t n, double scale) {
                    const SgdStep<T> scalars = make_sgd_step<T>(c, o.lr, scale);
                    kernel(scalars, has_momentum, c.nesterov, o.step == 1, s.param + at,
                           s.grad + at, has_momentum ? s.state[0] + at : nullptr, n);
                  });
}

template <class T>
double step(const AdamConfig& c, const std::vector<ParamSegment<T>>& segments,
            const StepOptions& o) {
  c.validate();
  const auto kernel = kernels().get<T>().adam;
  return run_step(segments, o, c.state_names().size(),
                  [&](const ParamSegment<T>& s, std::size_t at, std::size_t n, double scale) {
                    const AdamStep<T> scalars = make_adam_step<T>(c, o.step, o.lr, scale);
                    kernel(scalars, c.amsgrad, s.param + at, s.grad + at, s.state[0] + at,
                           s.state[1] + at, c.amsgrad ? s.state[2] + at : nullptr, n);
                  });
}

template <class T>
double step(const RmspropConfig& c, const std::vector<ParamSegment<T>>& segments,
            const StepOptions& o) {
  c.validate();
  const auto kernel = kernels().get<T>().rmsprop;
  const bool has_momentum = c.momentum > 0;
  // State order follows state_names(): square_avg, [grad_avg], [momentum_buffer].
  const std::size_t momentum_slot = c.centered ? 2 : 1;
  return run_step(segments, o, c.state_names().size(),
                  [&](const ParamSegment<T>& s, std::size_t at, std::size_t n, double scale) {
                    const RmspropStep<T> scalars = make_rmsprop_step<T>(c, o.lr, scale);
                    kernel(scalars, c.centered, has_momentum, s.param + at, s.grad + at,
                           s.state[0] + at, c.centered ? s.state[1] + at : nullptr,
                           has_momentum ? s.state[momentum_slot] + at : nullptr, n);
                  });
}

template <class T>
double step(const AdagradConfig& c, const std::vector<ParamSegment<T>>& segments,
            const StepOptions& o) {
  c.validate();
  const auto kernel = kernels().get<T>().adagrad;
  return run_step(segments, o, c.state_names().size(),
                  [&](const ParamSegment<T>& s, std::size_t at, std::size_t n, double scale) {
                    const AdagradStep<T> scalars = make_adagrad_step<T>(c, o.step, o.lr, scale);
                    kernel(scalars, s.param + at, s.grad + at, s.state[0] + at, n);
                  });
}

template <class T>
double global_norm(const std::vector<T*>& buffers, const std::vector<std::size_t>& sizes,
                   int n_threads) {
  const std::vector<const T*> readonly(buffers.begin(), buffers.end());
  return std::sqrt(sum_of_squares<T>(readonly, sizes, n_threads));
}

template <class T>
double clip_grad_norm(const std::vector<T*>& buffers, const std::vector<std::size_t>& sizes,
                      double max_norm, int n_threads) {
  require(std::isfinite(max_norm) && max_norm > 0,
          "max_norm: must be a finite number > 0, got ", max_norm);
  const double norm = global_norm<T>(buffers, sizes, n_threads);
  const T factor = T(clip_scale(norm, max_norm));
  const auto kernel = kernels().get<T>().scale;
  const std::vector<Block> blocks = make_blocks(sizes);
  for_each_chunk(blocks.size(), 1, n_threads, [&](std::size_t b, std::size_t, std::size_t) {
    const Block& block = blocks[b];
    kernel(buffers[block.segment] + block.begin, factor, block.end - block.begin);
  });
  return norm;
}

#define TC_INSTANTIATE(T)                                                                    \
  template double step<T>(const SgdConfig&, const std::vector<ParamSegment<T>>&,            \
                          const StepOptions&);                                               \
  template double step<T>(const AdamConfig&, const std::vector<ParamSegment<T>>&,           \
                          const StepOptions&);                                               \
  template double step<T>(const RmspropConfig&, const std::vector<ParamSegment<T>>&,        \
                          const StepOptions&);                                               \
  template double step<T>(const AdagradConfig&, const std::vector<ParamSegment<T>>&,        \
                          const StepOptions&);                                               \
  template double global_norm<T>(const std::vector<T*>&, const std::vector<std::size_t>&,   \
                                 int);                                                       \
  template double clip_grad_norm<T>(const std::vector<T*>&, const std::vector<std::size_t>&, \
                                    double, int);
TC_INSTANTIATE(float)
TC_INSTANTIATE(double)
#undef TC_INSTANTIATE

}  // namespace optim
}  // namespace traincore
