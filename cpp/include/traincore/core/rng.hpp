// Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random
// numbers: as easy as 1, 2, 3", SC 2011). A draw is a pure function of (key, counter), so any
// thread can produce any draw and a stream never depends on the thread count. traincore keys it
// with the user's random_state and puts (purpose, epoch, index) in the counter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <utility>

namespace traincore {
namespace rng {

struct Counter {
  std::uint32_t word[4];
};

// Ten rounds of the Philox S-box and key schedule.
__attribute__((always_inline)) inline Counter philox4x32(Counter c, std::uint64_t key) {
  constexpr std::uint64_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  std::uint32_t k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = kMul0 * c.word[0];
    const std::uint64_t p1 = kMul1 * c.word[2];
    c = Counter{{static_cast<std::uint32_t>(p1 >> 32) ^ c.word[1] ^ k0, static_cast<std::uint32_t>(p1),
                 static_cast<std::uint32_t>(p0 >> 32) ^ c.word[3] ^ k1, static_cast<std::uint32_t>(p0)}};
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return c;
}

// 64 random bits for draw `index` of stream (purpose, epoch) under `seed`.
__attribute__((always_inline)) inline std::uint64_t random_bits(std::uint64_t seed, std::uint32_t purpose, std::uint32_t epoch,
                                 std::uint64_t index) {
  const Counter out = philox4x32(
      Counter{{static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32), epoch,
               purpose}},
      seed);
  return (static_cast<std::uint64_t>(out.word[0]) << 32) | out.word[1];
}

// A uniform integer in [0, bound) from 64 random bits: the high half of bits * bound (Lemire,
// 2019); its bias is at most bound / 2^64.
inline std::uint64_t bounded(std::uint64_t bits, std::uint64_t bound) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(bits) * bound) >> 64);
}

// What a stream of draws is for; part of the counter, so different uses never share draws.
enum Purpose : std::uint32_t {
  kShuffle = 1,
  kValidationSplit = 2,  // drawn from Python through shuffled_indices
  kInitialization = 3,    // MLP weights: epoch = layer, index = element
  kDropout = 4,           // MLP dropout masks: epoch = optimiser step, index = (layer << 48) + element
};

// Fisher-Yates shuffle of `order[0..n)`: for i = n-1 down to 1, swap order[i] with order[j],
// j uniform in [0, i], drawn as draw i of stream (purpose, epoch). `draws(first, out, count)`
// must write random_bits(seed, purpose, epoch, first + k) to out[k]; it is called on blocks, so
// a vectorised or parallel generator can fill them (the result is the same).
template <class Index, class Draws>
void shuffle(Index* order, std::size_t n, Draws&& draws) {
  constexpr std::size_t kBlock = 4096;
  std::uint64_t bits[kBlock];
  for (std::size_t end = n; end > 1;) {
    const std::size_t begin = end > kBlock ? end - kBlock : 0;
    draws(begin, bits, end - begin);
    for (std::size_t i = end; i-- > std::max<std::size_t>(begin, 1);) {
      std::swap(order[i], order[bounded(bits[i - begin], i + 1)]);
    }
    end = begin;
  }
}

// The identity permutation of [0, n) shuffled as above, with the draws from the dispatched
// (vectorised) Philox kernel.
void shuffled_order(std::size_t* order, std::size_t n, std::uint64_t seed, std::uint32_t purpose,
                    std::uint32_t epoch);

}  // namespace rng
}  // namespace traincore
