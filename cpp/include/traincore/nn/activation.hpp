// Activation functions of the hidden layers, per element: the value a = f(z) and the factor
// f'(z) of the backward pass, written so that loops over them vectorise (kernels/vector_math.hpp).
//   identity    f = z                                 f' = 1
//   relu        f = max(0, z)                         f' = [z > 0]            (0 at z = 0, as torch)
//   leaky_relu  f = z if z > 0 else s z               f' = 1 if z > 0 else s  (s: negative slope)
//   tanh        f = tanh z                            f' = 1 - a^2
//   sigmoid     f = 1 / (1 + e^-z)                    f' = a (1 - a)
//   gelu        f = z Phi(z) (exact; Hendrycks & Gimpel, 2016), Phi(z) = erfc(-z / sqrt 2) / 2
//               f' = Phi(z) + z phi(z),  phi(z) = exp(-z^2 / 2) / sqrt(2 pi)
// All but gelu take their derivative from the output a alone, so the forward pass can overwrite
// z; gelu needs z and evaluates erfc through libm (scalar).
#pragma once

#include <cmath>
#include <string>

#include "traincore/core/inline.hpp"
#include "traincore/kernels/vector_math.hpp"

namespace traincore {
namespace nn {

enum class Activation { identity, relu, leaky_relu, tanh, sigmoid, gelu };

Activation activation_from_name(const std::string& name);  // throws for unknown names
const char* activation_name(Activation activation);

// Whether f'(z) needs z (not only a = f(z)).
constexpr bool derivative_needs_input(Activation activation) { return activation == Activation::gelu; }

template <Activation kAct, class T>
TC_INLINE T activate(T z, T slope) {
  if constexpr (kAct == Activation::identity) {
    return z;
  } else if constexpr (kAct == Activation::relu) {
    return z > T(0) ? z : T(0);
  } else if constexpr (kAct == Activation::leaky_relu) {
    return z > T(0) ? z : slope * z;
  } else if constexpr (kAct == Activation::tanh) {
    return vmath::tanh(z);
  } else if constexpr (kAct == Activation::sigmoid) {
    return vmath::sigmoid(z);
  } else {
    return T(0.5) * z * T(std::erfc(double(-z) * 0.70710678118654752440));
  }
}

// f'(z), from the output a (and z, for gelu).
template <Activation kAct, class T>
TC_INLINE T derivative(T a, T z, T slope) {
  if constexpr (kAct == Activation::identity) {
    return T(1);
  } else if constexpr (kAct == Activation::relu) {
    return a > T(0) ? T(1) : T(0);
  } else if constexpr (kAct == Activation::leaky_relu) {
    // a > 0 exactly when z > 0 (for a positive slope).
    return a > T(0) ? T(1) : slope;
  } else if constexpr (kAct == Activation::tanh) {
    return T(1) - a * a;
  } else if constexpr (kAct == Activation::sigmoid) {
    return a * (T(1) - a);
  } else {
    const double x = double(z);
    return T(0.5 * std::erfc(-x * 0.70710678118654752440) +
             x * std::exp(-0.5 * x * x) * 0.39894228040143267794);
  }
}

}  // namespace nn
}  // namespace traincore
