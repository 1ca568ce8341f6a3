#include "traincore/loss/loss_spec.hpp"

#include <cmath>

#include "traincore/core/errors.hpp"
#include "traincore/loss/all_losses.hpp"

namespace traincore {
namespace loss {

namespace {

constexpr LossKind kAllKinds[] = {
    LossKind::squared_error, LossKind::absolute_error,   LossKind::huber,
    LossKind::quantile,      LossKind::poisson,          LossKind::binary_log_loss,
    LossKind::multinomial_log_loss, LossKind::hinge,     LossKind::squared_hinge,
    LossKind::epsilon_insensitive,
};

template <class Loss>
LossTraits traits_of(bool multiclass, const char* target_rule) {
  return {Loss::kConstantHessian, Loss::kNeedsLeafRefit, multiclass, target_rule};
}

}  // namespace

void LossSpec::validate() const {
  require(std::isfinite(delta) && delta > 0, "delta: must be a finite number > 0, got ", delta);
  require(std::isfinite(alpha) && alpha > 0 && alpha < 1,
          "alpha: must be in the open interval (0, 1), got ", alpha);
  require(std::isfinite(epsilon) && epsilon >= 0,
          "epsilon: must be a finite number >= 0, got ", epsilon);
}

const char* loss_name(LossKind kind) {
  switch (kind) {
    case LossKind::squared_error: return "squared_error";
    case LossKind::absolute_error: return "absolute_error";
    case LossKind::huber: return "huber";
    case LossKind::quantile: return "quantile";
    case LossKind::poisson: return "poisson";
    case LossKind::binary_log_loss: return "binary_log_loss";
    case LossKind::multinomial_log_loss: return "multinomial_log_loss";
    case LossKind::hinge: return "hinge";
    case LossKind::squared_hinge: return "squared_hinge";
    case LossKind::epsilon_insensitive: return "epsilon_insensitive";
  }
  return "squared_error";
}

std::vector<std::string> loss_names() {
  std::vector<std::string> names;
  for (LossKind kind : kAllKinds) names.emplace_back(loss_name(kind));
  return names;
}

LossKind loss_kind_from_name(const std::string& name) {
  for (LossKind kind : kAllKinds) {
    if (name == loss_name(kind)) return kind;
  }
  std::string known;
  for (const std::string& n : loss_names()) known += (known.empty() ? "" : ", ") + n;
  throw InvalidArgument("loss: unknown loss '" + name + "'; known losses: " + known);
}

LossTraits loss_traits(LossKind kind) {
  constexpr const char* kReal = "finite real targets";
  constexpr const char* kBinary = "binary labels 0 or 1";
  switch (kind) {
    case LossKind::squared_error: return traits_of<SquaredError<double>>(false, kReal);
    case LossKind::absolute_error: return traits_of<AbsoluteError<double>>(false, kReal);
    case LossKind::huber: return traits_of<Huber<double>>(false, kReal);
    case LossKind::quantile: return traits_of<Quantile<double>>(false, kReal);
    case LossKind::poisson:
      return traits_of<Poisson<double>>(false, "finite non-negative targets (counts)");
    case LossKind::binary_log_loss: return traits_of<BinaryLogLoss<double>>(false, kBinary);
    case LossKind::multinomial_log_loss:
      return traits_of<MultinomialLogLoss<double>>(
          true, "integer class labels in 0..n_classes-1 (n_classes = raw.shape[1])");
    case LossKind::hinge: return traits_of<Hinge<double>>(false, kBinary);
    case LossKind::squared_hinge: return traits_of<SquaredHinge<double>>(false, kBinary);
    case LossKind::epsilon_insensitive:
      return traits_of<EpsilonInsensitive<double>>(false, kReal);
  }
  return traits_of<SquaredError<double>>(false, kReal);
}

}  // namespace loss
}  // namespace traincore
