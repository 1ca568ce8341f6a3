// exp, log and log1p written with arithmetic, comparisons and bit operations only, so that the
// loops calling them vectorise (a call into libm stops the vectoriser). Each is within a couple
// of ulp of the correctly rounded result (tests/test_vector_math.py measures it against long
// double on every ISA path) and keeps IEEE special values: exp overflows to inf, underflows
// gradually through the subnormals to 0; log(0) = -inf, log(x < 0) = nan; nan propagates.
//
// The methods are the classical ones (Cody & Waite, 1980; Tang, 1989; fdlibm):
//   exp(x) = 2^k exp(r),  k = round(x / ln 2),  r = x - k ln 2 in [-ln2/2, ln2/2], with ln 2
//            split in two parts so k ln 2 is exact, and exp(r) by its Taylor polynomial
//            (degree 13 for double, 7 for float: truncation error below 0.15 ulp);
//   log(x) = k ln 2 + log(m),  x = 2^k m with m in [sqrt(1/2), sqrt(2)), and
//            log(m) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...),  s = (m - 1) / (m + 1), |s| < 0.172;
//   log1p(x) = log(u) * x / (u - 1) with u = 1 + x rounded (Goldberg, 1991, Theorem 4), and x
//            itself when u = 1;
//   expm1(x) = 2^k expm1(r) + (2^k - 1) with the reduction of exp and expm1(r) by its Taylor
//            polynomial (fdlibm's method): no cancellation near 0, where k = 0;
//   tanh(x)  = -e / (2 + e) with e = expm1(-2|x|), the sign restored: no cancellation near 0;
//   sigmoid(x) = 1 / (1 + exp(-x)) for x >= 0 and exp(x) / (1 + exp(x)) for x < 0.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>

#include "traincore/core/inline.hpp"

namespace traincore {
namespace vmath {

// The IEEE-754 layout of float and double.
template <class T>
struct Layout;

template <>
struct Layout<double> {
  using Bits = std::uint64_t;
  using Int = std::int64_t;
  static constexpr int kMantissaBits = 52;
  static constexpr Int kBias = 1023;
  static constexpr double kShifter = 6755399441055744.0;  // 1.5 * 2^52: x + kShifter rounds x
  static constexpr double kExpHighest = 710.0;   // exp overflows beyond 709.78
  static constexpr double kExpLowest = -746.0;   // exp rounds to 0 below -745.13
  static constexpr double kLn2Hi = 6.93147180369123816490e-01;  // trailing zeros: k * kLn2Hi exact
  static constexpr double kLn2Lo = 1.90821492927058770002e-10;
  static constexpr double kLog2e = 1.44269504088896338700e+00;
  static constexpr double kSubnormalScale = 18014398509481984.0;  // 2^(kMantissaBits + 2)
  static constexpr double kTwoToMantissaBits = 4503599627370496.0;  // 2^52
};

template <>
struct Layout<float> {
  using Bits = std::uint32_t;
  using Int = std::int32_t;
  static constexpr int kMantissaBits = 23;
  static constexpr Int kBias = 127;
  static constexpr float kShifter = 12582912.0f;  // 1.5 * 2^23
  static constexpr float kExpHighest = 89.0f;    // exp overflows beyond 88.72
  static constexpr float kExpLowest = -104.0f;   // exp rounds to 0 below -103.97
  static constexpr float kLn2Hi = 6.93359375e-01f;
  static constexpr float kLn2Lo = -2.12194440e-04f;
  static constexpr float kLog2e = 1.44269504089f;
  static constexpr float kSubnormalScale = 33554432.0f;  // 2^(kMantissaBits + 2)
  static constexpr float kTwoToMantissaBits = 8388608.0f;  // 2^23
};

template <class T>
TC_INLINE typename Layout<T>::Bits to_bits(T x) {
  typename Layout<T>::Bits b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

template <class T>
TC_INLINE T from_bits(typename Layout<T>::Bits b) {
  T x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

// A small non-negative integer n < 2^kMantissaBits as a float, by placing it in the mantissa of
// 2^kMantissaBits: integer-to-float conversion of 64-bit lanes does not exist before AVX-512.
template <class T>
TC_INLINE T small_integer_to_float(typename Layout<T>::Bits n) {
  using L = Layout<T>;
  return from_bits<T>(n | to_bits(L::kTwoToMantissaBits)) - L::kTwoToMantissaBits;
}

// 2^k for an integer k in the normal exponent range.
template <class T>
TC_INLINE T power_of_two(typename Layout<T>::Int k) {
  using L = Layout<T>;
  return from_bits<T>(static_cast<typename L::Bits>(k + L::kBias) << L::kMantissaBits);
}

// Degrees of the polynomials, enough for float or double precision on the reduced ranges.
template <class T>
struct PolynomialDegrees;
template <>
struct PolynomialDegrees<double> {
  static constexpr int kExp = 13;        // Taylor terms of exp(r) up to r^13 / 13!
  static constexpr int kLogAtanh = 11;   // atanh terms up to s^23 / 23
};
template <>
struct PolynomialDegrees<float> {
  static constexpr int kExp = 7;
  static constexpr int kLogAtanh = 5;
};

// exp(r) for |r| <= ln2/2: Horner's rule on sum_{n=0}^{d} r^n / n!. The loop has a constant
// trip count and is unrolled; the coefficients are folded into constants.
template <class T>
TC_INLINE T exp_reduced(T r) {
  constexpr int d = PolynomialDegrees<T>::kExp;
  double inverse_factorial[d + 1] = {1.0};
  for (int n = 1; n <= d; ++n) inverse_factorial[n] = inverse_factorial[n - 1] / n;
  T p = T(inverse_factorial[d]);
#pragma GCC unroll 16
  for (int n = d - 1; n >= 0; --n) p = p * r + T(inverse_factorial[n]);
  return p;
}

template <class T>
TC_INLINE T exp(T x) {
  using L = Layout<T>;
  using Int = typename L::Int;
  // Clamping to [kExpLowest, kExpHighest] keeps k small; there the formula itself gives 0 and inf.
  // Written as `bound < x ? bound : x`, a NaN passes through (and stays NaN to the end).
  x = T(L::kExpHighest) < x ? T(L::kExpHighest) : x;
  x = x < T(L::kExpLowest) ? T(L::kExpLowest) : x;
  const T shifted = x * L::kLog2e + L::kShifter;
  const T kf = shifted - L::kShifter;  // k = round(x / ln 2)
  const T r = (x - kf * L::kLn2Hi) - kf * L::kLn2Lo;
  // 2^k = 2^k1 2^(k - k1) with k1 = round(k / 2): both factors are normal numbers even where 2^k
  // is not, and the final product rounds once (gradual underflow, overflow to inf).
  const T shifted_half = kf * T(0.5) + L::kShifter;
  const Int k = static_cast<Int>(to_bits(shifted) - to_bits(L::kShifter));
  const Int k1 = static_cast<Int>(to_bits(shifted_half) - to_bits(L::kShifter));
  return exp_reduced(r) * power_of_two<T>(k1) * power_of_two<T>(k - k1);
}

// log(m) for m in [sqrt(1/2), sqrt(2)): 2 atanh(s) = 2 s (1 + z/3 + z^2/5 + ... + z^J/(2J+1)),
// s = (m - 1) / (m + 1), z = s^2, by Horner's rule in z.
template <class T>
TC_INLINE T log_reduced(T m) {
  constexpr int J = PolynomialDegrees<T>::kLogAtanh;
  const T s = (m - T(1)) / (m + T(1));
  const T z = s * s;
  T p = T(1.0 / (2 * J + 1));
#pragma GCC unroll 16
  for (int j = J - 1; j >= 1; --j) p = p * z + T(1.0 / (2 * j + 1));
  return T(2) * s + T(2) * s * (z * p);
}

template <class T>
TC_INLINE T log(T x) {
  using L = Layout<T>;
  using Bits = typename L::Bits;
  constexpr Bits kMantissaMask = (Bits(1) << L::kMantissaBits) - 1;
  constexpr T kSqrt2 = T(1.41421356237309504880);
  const bool subnormal = x < std::numeric_limits<T>::min();
  const T xs = subnormal ? x * T(L::kSubnormalScale) : x;
  const Bits bits = to_bits(xs);
  // x = 2^k m: k from the exponent field (kept in floating point), m from the mantissa.
  const T k_shift = subnormal ? T(L::kBias + L::kMantissaBits + 2) : T(L::kBias);
  T kf = small_integer_to_float<T>(bits >> L::kMantissaBits) - k_shift;
  T m = from_bits<T>((bits & kMantissaMask) | (static_cast<Bits>(L::kBias) << L::kMantissaBits));
  const bool halve = m >= kSqrt2;
  m = halve ? m * T(0.5) : m;
  kf = halve ? kf + T(1) : kf;
  const T result = kf * L::kLn2Hi + (kf * L::kLn2Lo + log_reduced(m));
  const T special = x == T(0) ? -std::numeric_limits<T>::infinity()
                              : (x < T(0) ? std::numeric_limits<T>::quiet_NaN() : x);
  return x > T(0) && x < std::numeric_limits<T>::infinity() ? result : special;
}

template <class T>
TC_INLINE T log1p(T x) {
  const T u = T(1) + x;
  const T d = u - T(1);
  const T result = d == T(0) ? x : vmath::log(u) * (x / d);
  return x == std::numeric_limits<T>::infinity() ? x : result;
}

// e^r - 1 for |r| <= ln2/2: r (1 + r/2! + r^2/3! + ... ) by Horner's rule, the same degree as exp.
template <class T>
TC_INLINE T expm1_reduced(T r) {
  constexpr int d = PolynomialDegrees<T>::kExp;
  double inverse_factorial[d + 2] = {1.0};
  for (int n = 1; n <= d + 1; ++n) inverse_factorial[n] = inverse_factorial[n - 1] / n;
  T p = T(inverse_factorial[d + 1]);
#pragma GCC unroll 16
  for (int n = d; n >= 1; --n) p = p * r + T(inverse_factorial[n]);
  return r * p;
}

template <class T>
TC_INLINE T expm1(T x) {
  using L = Layout<T>;
  using Int = typename L::Int;
  // k = round(x / ln 2) kept to |k| <= kMantissaBits, where 2^k and 2^k - 1 are exact; beyond,
  // e^x - 1 is e^x itself or -1 to within rounding and exp(x) - 1 is accurate.
  constexpr T kLimit = T(L::kMantissaBits);
  const T k_nearest = (x * L::kLog2e + L::kShifter) - L::kShifter;
  const T kf = k_nearest > kLimit ? kLimit : (k_nearest < -kLimit ? -kLimit : k_nearest);
  const T r = (x - kf * L::kLn2Hi) - kf * L::kLn2Lo;
  const Int k = static_cast<Int>(to_bits(kf + L::kShifter) - to_bits(L::kShifter));
  const T two_k = power_of_two<T>(k);
  const T reduced = two_k * expm1_reduced(r) + (two_k - T(1));
  const T beyond = vmath::exp(x) - T(1);
  const T result = kf == k_nearest ? reduced : beyond;  // NaN fails the comparison: exp(NaN) - 1
  return x == T(0) ? x : result;                         // expm1(-0) = -0
}

template <class T>
TC_INLINE T tanh(T x) {
  const T magnitude = x < T(0) ? -x : x;
  const T e = vmath::expm1(T(-2) * magnitude);
  const T t = -e / (T(2) + e);
  return x < T(0) ? -t : t;
}

template <class T>
TC_INLINE T sigmoid(T x) {
  const T e = vmath::exp(x < T(0) ? x : -x);  // e^-|x|, never overflows
  const T s = T(1) / (T(1) + e);
  return x < T(0) ? e * s : s;
}

}  // namespace vmath
}  // namespace traincore
