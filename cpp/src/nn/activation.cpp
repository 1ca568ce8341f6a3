#include "traincore/nn/activation.hpp"

#include "traincore/core/errors.hpp"

namespace traincore {
namespace nn {

namespace {
constexpr Activation kAll[] = {Activation::identity, Activation::relu,    Activation::leaky_relu,
                               Activation::tanh,     Activation::sigmoid, Activation::gelu};
}  // namespace

const char* activation_name(Activation activation) {
  switch (activation) {
    case Activation::identity: return "identity";
    case Activation::relu: return "relu";
    case Activation::leaky_relu: return "leaky_relu";
    case Activation::tanh: return "tanh";
    case Activation::sigmoid: return "sigmoid";
    case Activation::gelu: return "gelu";
  }
  return "identity";
}

Activation activation_from_name(const std::string& name) {
  for (Activation a : kAll) {
    if (name == activation_name(a)) return a;
  }
  require(false, "activation: unknown activation '", name,
          "' (identity, relu, leaky_relu, tanh, sigmoid, gelu)");
  return Activation::identity;
}

}  // namespace nn
}  // namespace traincore
