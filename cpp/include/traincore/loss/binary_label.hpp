// Binary classification losses take labels y in {0, 1}.
#pragma once

#include "traincore/core/inline.hpp"

namespace traincore {
namespace loss {

// Bitwise | rather than ||: no short-circuit branch, so loops over it stay vectorisable.
template <class T>
TC_INLINE bool is_binary_label(T y) {
  return (y == T(0)) | (y == T(1));
}

}  // namespace loss
}  // namespace traincore
