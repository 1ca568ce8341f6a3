// Which loss, with which hyper-parameters, and what it promises (DESIGN contract 3).
//
// Every loss is a function of a target y and a raw prediction z (the model output before any
// inverse link; the link is folded into the loss). The per-loss headers in this folder give its
// value, derivative and second derivative with respect to z, and which targets it accepts.
#pragma once

#include <string>
#include <vector>

namespace traincore {
namespace loss {

enum class LossKind {
  squared_error,
  absolute_error,
  huber,
  quantile,
  poisson,
  binary_log_loss,
  multinomial_log_loss,
  hinge,
  squared_hinge,
  epsilon_insensitive,
};

struct LossSpec {
  LossKind kind = LossKind::squared_error;
  double delta = 1.0;    // huber: where the quadratic part ends, > 0
  double alpha = 0.5;    // quantile: the quantile level, in (0, 1)
  double epsilon = 0.1;  // epsilon_insensitive: half-width of the zero-loss tube, >= 0

  // Throws InvalidArgument naming the hyper-parameter when it is out of range.
  void validate() const;
};

// What a training algorithm may rely on.
struct LossTraits {
  bool constant_hessian;  // the second derivative does not depend on y or z
  bool needs_leaf_refit;  // gradient boosting should refit leaf values (L1-type losses)
  bool multiclass;        // works on a row of K raw scores
  const char* target_rule;  // the accepted targets, for error messages
};

LossKind loss_kind_from_name(const std::string& name);  // throws InvalidArgument listing names
const char* loss_name(LossKind kind);
std::vector<std::string> loss_names();
LossTraits loss_traits(LossKind kind);

}  // namespace loss
}  // namespace traincore
