#include <algorithm>
#include <cmath>

#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/core/parallel.hpp"
#include "traincore/loss/all_losses.hpp"
#include "traincore/loss/evaluate.hpp"

namespace traincore {
namespace loss {

namespace {

// Rows per chunk: depends only on the row width, never on the thread count.
std::size_t rows_per_chunk(std::size_t n_classes) {
  return std::max<std::size_t>(256, 16384 / std::max<std::size_t>(n_classes, 1));
}

// Error path only: finds the first offending entry to name it in the message.
template <class T>
[[noreturn]] void report_bad_input(const LossSpec& spec, const LossArrays<T>& a,
                                   bool bad_target) {
  if (bad_target) {
    visit_loss<T>(spec, a.n_classes, [&](const auto& loss) {
      for (std::size_t i = 0; i < a.n_rows; ++i) {
        if (!loss.valid_target(a.y[i])) {
          require(false, "y: the ", loss_name(spec.kind), " loss needs ",
                  loss_traits(spec.kind).target_rule, "; found y[", i, "] = ", a.y[i]);
        }
      }
      return 0;
    });
  }
  for (std::size_t i = 0; a.weight != nullptr && i < a.n_rows; ++i) {
    const T w = a.weight[i];
    require(std::isfinite(w) && w >= T(0),
            "sample_weight: weights must be finite and >= 0; found sample_weight[", i, "] = ", w);
  }
  throw InvalidArgument("y or sample_weight: invalid values");
}

}  // namespace

template <class T>
LossSums evaluate_loss(const LossSpec& spec, LossMode mode, const LossArrays<T>& a,
                       int n_threads) {
  spec.validate();
  const bool multiclass = spec.kind == LossKind::multinomial_log_loss;
  require(a.n_classes >= 1, "raw: needs at least one column");
  require(!multiclass || a.n_classes >= 2,
          "raw: the multinomial loss needs raw of shape (n_samples, n_classes >= 2)");
  require(multiclass || a.n_classes == 1, "raw: the ", loss_name(spec.kind),
          " loss takes one raw score per sample (a 1-D array)");
  const auto kernel = kernels().get<T>().loss_chunk;
  const std::size_t width = a.n_classes;
  const LossChunkResult total = reduce_chunks(
      a.n_rows, rows_per_chunk(width), n_threads, LossChunkResult{},
      [&](std::size_t begin, std::size_t end) {
        auto offset = [begin](auto* p, std::size_t stride) {
          return p == nullptr ? p : p + begin * stride;
        };
        const LossChunk<T> chunk{offset(a.y, 1),           offset(a.raw, width),
                                 offset(a.weight, 1),      offset(a.loss, 1),
                                 offset(a.gradient, width), offset(a.hessian, width),
                                 end - begin,              width};
        return kernel(spec, mode, chunk);
      },
      [](LossChunkResult acc, const LossChunkResult& r) {
        acc.loss_sum += r.loss_sum;
        acc.weight_sum += r.weight_sum;
        acc.bad_target |= r.bad_target;
        acc.bad_weight |= r.bad_weight;
        return acc;
      });
  if (total.bad_target || total.bad_weight) report_bad_input(spec, a, total.bad_target != 0);
  return {total.loss_sum, total.weight_sum};
}

template LossSums evaluate_loss<float>(const LossSpec&, LossMode, const LossArrays<float>&, int);
template LossSums evaluate_loss<double>(const LossSpec&, LossMode, const LossArrays<double>&,
                                        int);

}  // namespace loss
}  // namespace traincore
