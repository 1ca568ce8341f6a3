// Hyper-parameter checks and state-buffer names of every optimiser.
#include <cmath>

#include "traincore/core/errors.hpp"
#include "traincore/optim/all_optimizers.hpp"

namespace traincore {
namespace optim {

namespace {

void require_lr(double lr) {
  require(std::isfinite(lr) && lr > 0, "lr: the learning rate must be a finite number > 0, got ",
          lr);
}
void require_unit_interval(const char* name, double value) {
  require(std::isfinite(value) && value >= 0 && value < 1, name, ": must be in [0, 1), got ",
          value);
}
void require_non_negative(const char* name, double value) {
  require(std::isfinite(value) && value >= 0, name, ": must be a finite number >= 0, got ",
          value);
}
void require_eps(double eps) {
  require(std::isfinite(eps) && eps > 0, "eps: must be a finite number > 0, got ", eps);
}

}  // namespace

void SgdConfig::validate() const {
  require_lr(lr);
  require_unit_interval("momentum", momentum);
  require_unit_interval("dampening", dampening);
  require_non_negative("weight_decay", weight_decay);
  require(!nesterov || (momentum > 0 && dampening == 0),
          "nesterov: Nesterov momentum needs momentum > 0 and dampening = 0");
}

std::vector<std::string> SgdConfig::state_names() const {
  if (momentum == 0) return {};
  return {"momentum_buffer"};
}

void AdamConfig::validate() const {
  require_lr(lr);
  require_unit_interval("beta1", beta1);
  require_unit_interval("beta2", beta2);
  require_eps(eps);
  require_non_negative("weight_decay", weight_decay);
}

std::vector<std::string> AdamConfig::state_names() const {
  if (amsgrad) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"exp_avg", "exp_avg_sq"};
}

void RmspropConfig::validate() const {
  require_lr(lr);
  require_unit_interval("alpha", alpha);
  require_eps(eps);
  require_non_negative("weight_decay", weight_decay);
  require_unit_interval("momentum", momentum);
}

std::vector<std::string> RmspropConfig::state_names() const {
  std::vector<std::string> names{"square_avg"};
  if (centered) names.emplace_back("grad_avg");
  if (momentum > 0) names.emplace_back("momentum_buffer");
  return names;
}

void AdagradConfig::validate() const {
  require_lr(lr);
  require_non_negative("lr_decay", lr_decay);
  require_non_negative("weight_decay", weight_decay);
  require_non_negative("initial_accumulator_value", initial_accumulator_value);
  require_eps(eps);
}

std::vector<std::string> AdagradConfig::state_names() const { return {"sum"}; }

}  // namespace optim
}  // namespace traincore
