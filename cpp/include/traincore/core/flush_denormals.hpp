// A scope in which the calling thread's SSE arithmetic flushes subnormal numbers to zero: results
// (FTZ) and operands (DAZ, denormals-are-zero). Optimiser steps run in it. The moments of a
// parameter whose gradient vanishes (a dead unit, an input that is always 0) decay geometrically
// through the subnormal numbers, where every x86 operation that reads or produces one takes a
// micro-code assist about 100 times slower than normal: a whole Adam step over such state ran at
// a third of its speed. What flushing changes in the parameters is below lr * 1e-30 per step.
#pragma once

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace traincore {

class FlushDenormals {
 public:
#if defined(__SSE__) || defined(__x86_64__)
  FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero); }
  ~FlushDenormals() { _mm_setcsr(saved_); }

 private:
  static constexpr unsigned kFlushToZero = 0x8000;
  static constexpr unsigned kDenormalsAreZero = 0x0040;
  unsigned saved_;
#else
  FlushDenormals() = default;
#endif
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;
};

}  // namespace traincore
