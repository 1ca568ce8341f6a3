// An optimiser as the training loop uses it: one of the configs of optim/, its state buffers
// (caller-owned, one per state name, each the size of the flat parameter buffer), the step
// count, and gradient clipping. The same buffers are what partial_fit resumes from and what
// persistence saves.
#pragma once

#include <cstddef>
#include <variant>
#include <vector>

#include "traincore/optim/all_optimizers.hpp"
#include "traincore/optim/step.hpp"

namespace traincore {
namespace train {

using OptimizerConfig =
    std::variant<optim::SgdConfig, optim::AdamConfig, optim::RmspropConfig, optim::AdagradConfig>;

template <class T>
struct OptimizerRun {
  OptimizerConfig config;
  T* state[optim::kMaxStateBuffers] = {nullptr, nullptr, nullptr};
  long long step_count = 0;     // steps already taken
  double max_grad_norm = 0.0;   // 0: no clipping
  int n_threads = 0;

  double base_lr() const {
    return std::visit([](const auto& c) { return c.lr; }, config);
  }

  // One step over `n` parameters at learning rate `lr`.
  void step(T* params, const T* grads, std::size_t n, double lr) {
    optim::ParamSegment<T>& segment = segments_.front();
    segment.param = params;
    segment.grad = grads;
    for (int k = 0; k < optim::kMaxStateBuffers; ++k) segment.state[k] = state[k];
    segment.size = n;
    const optim::StepOptions options{step_count + 1, lr, max_grad_norm, n_threads};
    std::visit([&](const auto& c) { optim::step<T>(c, segments_, options); }, config);
    ++step_count;
  }

 private:
  std::vector<optim::ParamSegment<T>> segments_ = std::vector<optim::ParamSegment<T>>(1);  // reused
};

}  // namespace train
}  // namespace traincore
