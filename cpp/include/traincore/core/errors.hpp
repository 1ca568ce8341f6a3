// Errors raised by the core. The bindings map InvalidArgument to Python's ValueError, so every
// message names the argument at fault and says what is wrong with it.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace traincore {

class InvalidArgument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Throws InvalidArgument with the concatenation of `parts` when `ok` is false. The message is
// only built on failure, so checks in hot paths cost a branch.
template <class... Parts>
inline void require(bool ok, const Parts&... parts) {
  if (ok) return;
  std::ostringstream message;
  (message << ... << parts);
  throw InvalidArgument(message.str());
}

}  // namespace traincore
