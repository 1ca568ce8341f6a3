#include <numeric>

#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/rng.hpp"

namespace traincore {
namespace rng {

void shuffled_order(std::size_t* order, std::size_t n, std::uint64_t seed, std::uint32_t purpose,
                    std::uint32_t epoch) {
  std::iota(order, order + n, std::size_t(0));
  const auto draw = kernels().random_bits;
  shuffle(order, n, [&](std::uint64_t first, std::uint64_t* out, std::size_t count) {
    draw(seed, purpose, epoch, first, out, count);
  });
}

}  // namespace rng
}  // namespace traincore
