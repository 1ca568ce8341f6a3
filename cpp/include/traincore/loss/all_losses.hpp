// Every loss of the library, and the one place that maps a LossKind to its type.
#pragma once

#include "traincore/loss/absolute_error.hpp"
#include "traincore/loss/binary_log_loss.hpp"
#include "traincore/loss/epsilon_insensitive.hpp"
#include "traincore/loss/hinge.hpp"
#include "traincore/loss/huber.hpp"
#include "traincore/loss/loss_spec.hpp"
#include "traincore/loss/multinomial_log_loss.hpp"
#include "traincore/loss/poisson.hpp"
#include "traincore/loss/quantile.hpp"
#include "traincore/loss/squared_error.hpp"

namespace traincore {
namespace loss {

// Calls visit(loss_object) with the per-sample loss of `spec` in precision T. For the
// multinomial loss the object needs the number of classes.
template <class T, class Visit>
decltype(auto) visit_loss(const LossSpec& spec, std::size_t n_classes, Visit&& visit) {
  switch (spec.kind) {
    case LossKind::squared_error: return visit(SquaredError<T>{});
    case LossKind::absolute_error: return visit(AbsoluteError<T>{});
    case LossKind::huber: return visit(Huber<T>{T(spec.delta)});
    case LossKind::quantile: return visit(Quantile<T>{T(spec.alpha)});
    case LossKind::poisson: return visit(Poisson<T>{});
    case LossKind::binary_log_loss: return visit(BinaryLogLoss<T>{});
    case LossKind::multinomial_log_loss: return visit(MultinomialLogLoss<T>{n_classes});
    case LossKind::hinge: return visit(Hinge<T>{});
    case LossKind::squared_hinge: return visit(SquaredHinge<T>{});
    case LossKind::epsilon_insensitive: return visit(EpsilonInsensitive<T>{T(spec.epsilon)});
  }
  return visit(SquaredError<T>{});
}

}  // namespace loss
}  // namespace traincore
