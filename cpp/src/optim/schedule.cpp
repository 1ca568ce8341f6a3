#include "traincore/optim/schedule.hpp"

#include <algorithm>
#include <cmath>

#include "traincore/core/errors.hpp"

namespace traincore {
namespace optim {

namespace {

constexpr ScheduleKind kAllKinds[] = {ScheduleKind::constant, ScheduleKind::step,
                                      ScheduleKind::exponential, ScheduleKind::inverse_scaling,
                                      ScheduleKind::cosine, ScheduleKind::linear};
constexpr double kPi = 3.14159265358979323846;

}  // namespace

const char* schedule_name(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::constant: return "constant";
    case ScheduleKind::step: return "step";
    case ScheduleKind::exponential: return "exponential";
    case ScheduleKind::inverse_scaling: return "inverse_scaling";
    case ScheduleKind::cosine: return "cosine";
    case ScheduleKind::linear: return "linear";
  }
  return "constant";
}

ScheduleKind schedule_kind_from_name(const std::string& name) {
  std::string known;
  for (ScheduleKind kind : kAllKinds) {
    if (name == schedule_name(kind)) return kind;
    known += std::string(known.empty() ? "" : ", ") + schedule_name(kind);
  }
  throw InvalidArgument("schedule: unknown schedule '" + name + "'; known schedules: " + known);
}

void ScheduleConfig::validate() const {
  require(step_size >= 1, "step_size: must be an integer >= 1, got ", step_size);
  require(std::isfinite(gamma) && gamma > 0, "gamma: must be a finite number > 0, got ", gamma);
  require(std::isfinite(power_t) && power_t >= 0,
          "power_t: must be a finite number >= 0, got ", power_t);
  require(T_max >= 1, "T_max: must be an integer >= 1, got ", T_max);
  require(std::isfinite(eta_min) && eta_min >= 0,
          "eta_min: must be a finite number >= 0, got ", eta_min);
  require(std::isfinite(start_factor) && start_factor > 0 && start_factor <= 1,
          "start_factor: must be in (0, 1], got ", start_factor);
  require(std::isfinite(end_factor) && end_factor >= 0 && end_factor <= 1,
          "end_factor: must be in [0, 1], got ", end_factor);
  require(total_iters >= 1, "total_iters: must be an integer >= 1, got ", total_iters);
  require(warmup_steps >= 0, "warmup_steps: must be an integer >= 0, got ", warmup_steps);
  require(std::isfinite(warmup_start_factor) && warmup_start_factor > 0 &&
              warmup_start_factor <= 1,
          "warmup_start_factor: must be in (0, 1], got ", warmup_start_factor);
}

double ScheduleConfig::learning_rate(double base_lr, long long t) const {
  require(t >= 0, "t: the step count must be >= 0, got ", t);
  if (t < warmup_steps) {
    return base_lr * (warmup_start_factor +
                      (1.0 - warmup_start_factor) * double(t) / double(warmup_steps));
  }
  const double u = double(t - warmup_steps);
  switch (kind) {
    case ScheduleKind::constant: return base_lr;
    case ScheduleKind::step:
      return base_lr * std::pow(gamma, double((t - warmup_steps) / step_size));
    case ScheduleKind::exponential: return base_lr * std::pow(gamma, u);
    case ScheduleKind::inverse_scaling: return base_lr / std::pow(u + 1.0, power_t);
    case ScheduleKind::cosine:
      return eta_min + (base_lr - eta_min) * (1.0 + std::cos(kPi * u / double(T_max))) / 2.0;
    case ScheduleKind::linear: {
      const double progress = std::min(u, double(total_iters)) / double(total_iters);
      return base_lr * (start_factor + (end_factor - start_factor) * progress);
    }
  }
  return base_lr;
}

}  // namespace optim
}  // namespace traincore
