// What the bindings of every model trained through the generic loop share: the arrays of a fit
// (checked here), the Python hooks (epoch callback, Ctrl-C poll) and the call of the loop with
// the GIL released.
#pragma once

#include <Python.h>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>

#include "arrays.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/train/loop.hpp"

namespace traincore {
namespace bindings {

// The arrays of a fit as Python passes them: data, optional validation data, the parameters
// (trained in place), the optimiser's state buffers and step count.
struct TrainingArrays {
  py::array X, y;
  py::object sample_weight, X_val, y_val, sample_weight_val;
  py::array params;
  py::list state;
  long long step_count;
  double max_grad_norm;
};

inline const char* reason_name(train::StopReason reason) {
  switch (reason) {
    case train::StopReason::max_epochs: return "max_epochs";
    case train::StopReason::no_improvement: return "no_improvement";
    case train::StopReason::callback: return "callback";
    case train::StopReason::interrupted: return "interrupted";
  }
  return "max_epochs";
}

template <class T>
train::Dataset<T> dataset(const py::array& X, const py::array& y, const py::object& weight,
                          const char* x_name, const char* y_name, const char* w_name) {
  require(X.ndim() == 2, x_name, ": expected a 2-D array");
  require(y.ndim() == 1 && y.shape(0) == X.shape(0), y_name, ": expected ", X.shape(0), " targets");
  train::Dataset<T> d;
  d.X = input<T>(X, x_name);
  d.y = input<T>(y, y_name);
  d.weight = optional_input<T>(weight, w_name);
  if (!weight.is_none()) {
    require(py::cast<py::array>(weight).ndim() == 1 && py::cast<py::array>(weight).shape(0) == X.shape(0),
            w_name, ": expected ", X.shape(0), " weights");
  }
  d.n_rows = static_cast<std::size_t>(X.shape(0));
  d.n_features = static_cast<std::size_t>(X.shape(1));
  return d;
}

inline py::dict stats_dict(const train::EpochStats& s) {
  py::dict d;
  d["epoch"] = s.epoch;
  d["train_loss"] = s.train_loss;
  d["validation_loss"] = s.validation_loss;
  d["validation_score"] = s.validation_score;
  d["learning_rate"] = s.learning_rate;
  d["seconds"] = s.seconds;
  d["steps"] = s.steps;
  return d;
}

// Hooks that enter Python: the epoch callback, and the Ctrl-C poll (a KeyboardInterrupt becomes
// a stop request; any other exception raised by a signal handler propagates).
inline train::LoopHooks python_hooks(const py::object& on_epoch_end) {
  train::LoopHooks hooks;
  if (!on_epoch_end.is_none()) {
    hooks.on_epoch_end = [on_epoch_end](const train::EpochStats& s) {
      py::gil_scoped_acquire acquire;
      return py::bool_(on_epoch_end(stats_dict(s))).cast<bool>();
    };
  }
  hooks.interrupted = [] {
    py::gil_scoped_acquire acquire;
    if (PyErr_CheckSignals() == 0) return false;
    if (PyErr_ExceptionMatches(PyExc_KeyboardInterrupt)) {
      PyErr_Clear();
      return true;
    }
    throw py::error_already_set();
  };
  return hooks;
}

// Trains `model` in place through the generic loop without the GIL; returns a summary dict.
template <class T, class Config>
py::dict train_model(const train::GradientModel<T>& model, const Config& config,
                     const TrainingArrays& a, const loss::LossSpec& spec,
                     const train::LoopConfig& loop, const py::object& on_epoch_end) {
  const train::Dataset<T> data = dataset<T>(a.X, a.y, a.sample_weight, "X", "y", "sample_weight");
  train::Dataset<T> validation;
  const bool has_validation = !a.X_val.is_none();
  if (has_validation) {
    validation = dataset<T>(py::cast<py::array>(a.X_val), py::cast<py::array>(a.y_val),
                            a.sample_weight_val, "X_val", "y_val", "sample_weight_val");
  }
  require(a.params.ndim() == 1 && std::size_t(a.params.shape(0)) == model.n_params(),
          "params: expected ", model.n_params(), " values");
  train::OptimizerRun<T> optimizer;
  optimizer.config = config;
  optimizer.step_count = a.step_count;
  optimizer.max_grad_norm = a.max_grad_norm;
  optimizer.n_threads = loop.n_threads;
  const std::size_t n_state = config.state_names().size();
  require(a.state.size() == n_state, "state: expected ", n_state, " buffers, got ", a.state.size());
  for (std::size_t k = 0; k < n_state; ++k) {
    const auto buffer = py::cast<py::array>(a.state[k]);
    require(buffer.ndim() == 1 && buffer.shape(0) == a.params.shape(0), "state: buffer ", k,
            " must have the size of params");
    optimizer.state[k] = output<T>(buffer, "state");
  }
  T* p = output<T>(a.params, "params");
  const train::LoopHooks hooks = python_hooks(on_epoch_end);
  train::LoopResult result;
  {
    py::gil_scoped_release release;
    result = train::run_training<T>(model, p, data, has_validation ? &validation : nullptr, spec,
                                    optimizer, loop, hooks);
  }
  py::dict out;
  out["epochs_run"] = result.epochs_run;
  out["best_epoch"] = result.best_epoch;
  out["best_loss"] = result.best_loss;
  out["reason"] = reason_name(result.reason);
  out["step_count"] = optimizer.step_count;
  return out;
}

}  // namespace bindings
}  // namespace traincore
