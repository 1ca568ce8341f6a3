// The optimisers of the library and the pieces they share. Each optimiser header holds its
// hyper-parameters (config), the names of its state buffers, the scalars of one step, and the
// per-element update; kernels run that update in one fused SIMD loop over flat buffers.
#pragma once

#include <string>
#include <vector>

namespace traincore {
namespace optim {

enum class OptimizerKind { sgd, adam, rmsprop, adagrad };

// Up to three state buffers, each the shape of the parameters (DESIGN contract 4).
constexpr int kMaxStateBuffers = 3;

}  // namespace optim
}  // namespace traincore
