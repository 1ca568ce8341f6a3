// Learning-rate schedules in closed form: the learning rate after t scheduler steps (t = 0 is the
// initial rate), matching torch.optim.lr_scheduler's formulas.
//   constant      lr0
//   step          lr0 * gamma^floor(t / step_size)                        (StepLR)
//   exponential   lr0 * gamma^t                                           (ExponentialLR)
//   inverse_scaling  lr0 / (t + 1)^power_t                  (scikit-learn's "invscaling")
//   cosine        eta_min + (lr0 - eta_min) (1 + cos(pi t / T_max)) / 2   (CosineAnnealingLR;
//                 Loshchilov & Hutter, 2017)
//   linear        lr0 * (start + (end - start) * min(t, total_iters) / total_iters)   (LinearLR)
// A linear warm-up may precede any of them: for t < warmup_steps the rate is
//   lr0 * (warmup_start_factor + (1 - warmup_start_factor) * t / warmup_steps)
// and afterwards the schedule runs at t - warmup_steps (torch's SequentialLR of the two).
#pragma once

#include <string>

namespace traincore {
namespace optim {

enum class ScheduleKind { constant, step, exponential, inverse_scaling, cosine, linear };

struct ScheduleConfig {
  ScheduleKind kind = ScheduleKind::constant;
  long long step_size = 1;
  double gamma = 0.1;
  double power_t = 0.5;
  long long T_max = 1;
  double eta_min = 0.0;
  double start_factor = 1.0 / 3.0;
  double end_factor = 1.0;
  long long total_iters = 5;
  long long warmup_steps = 0;
  double warmup_start_factor = 1.0 / 3.0;

  void validate() const;
  double learning_rate(double base_lr, long long t) const;
};

ScheduleKind schedule_kind_from_name(const std::string& name);  // throws listing names
const char* schedule_name(ScheduleKind kind);

}  // namespace optim
}  // namespace traincore
