// Optimisers: validated configs, a step over lists of named arrays, gradient norms and clipping,
// and learning-rate schedules.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "arrays.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/optim/schedule.hpp"
#include "traincore/optim/step.hpp"

namespace traincore {
namespace bindings {

namespace {

using optim::ParamSegment;

template <class T>
std::vector<ParamSegment<T>> segments_from(const py::list& params, const py::list& grads,
                                           const py::list& states, std::size_t n_state) {
  require(grads.size() == params.size(), "grads: expected ", params.size(),
          " gradient arrays, got ", grads.size());
  require(states.size() == params.size(), "state: expected ", params.size(),
          " state entries, got ", states.size());
  std::vector<ParamSegment<T>> segments(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto param = py::cast<py::array>(params[i]);
    const auto grad = py::cast<py::array>(grads[i]);
    const auto state = py::cast<py::list>(states[i]);
    require(shape_of(grad) == shape_of(param), "grads: gradient ", i,
            " does not have the shape of its parameter");
    require(state.size() == n_state, "state: parameter ", i, " has ", state.size(),
            " state buffers, expected ", n_state);
    ParamSegment<T>& s = segments[i];
    s.param = output<T>(param, "params");
    s.grad = input<T>(grad, "grads");
    s.size = static_cast<std::size_t>(param.size());
    for (std::size_t k = 0; k < n_state; ++k) {
      const auto buffer = py::cast<py::array>(state[k]);
      require(shape_of(buffer) == shape_of(param), "state: buffer ", k, " of parameter ", i,
              " does not have the shape of its parameter");
      s.state[k] = output<T>(buffer, "state");
    }
  }
  return segments;
}

template <class Config>
double step_lists(const Config& config, const py::list& params, const py::list& grads,
                  const py::list& states, long long step, double lr, double max_grad_norm,
                  int n_threads) {
  if (params.size() == 0) return -1.0;
  const optim::StepOptions options{step, lr, max_grad_norm, n_threads};
  const std::size_t n_state = config.state_names().size();
  return dispatch_float_dtype(py::cast<py::array>(params[0]), "params", [&](auto tag) {
    using T = decltype(tag);
    const auto segments = segments_from<T>(params, grads, states, n_state);
    py::gil_scoped_release release;
    return optim::step<T>(config, segments, options);
  });
}

template <class Config>
void def_step(py::module_& m) {
  m.def("optimizer_step", &step_lists<Config>, py::arg("config"), py::arg("params"),
        py::arg("grads"), py::arg("state"), py::arg("step"), py::arg("lr"),
        py::arg("max_grad_norm") = 0.0, py::arg("n_threads") = 0,
        "One optimiser step, in place, over lists of parameter, gradient and state arrays. "
        "Returns the global gradient norm when clipping (max_grad_norm > 0), else -1.");
}

template <class Fn>
double over_buffers(const py::list& arrays, const char* name, Fn&& fn) {
  if (arrays.size() == 0) return 0.0;
  return dispatch_float_dtype(py::cast<py::array>(arrays[0]), name, [&](auto tag) {
    using T = decltype(tag);
    std::vector<T*> buffers;
    std::vector<std::size_t> sizes;
    for (const auto& item : arrays) {
      const auto a = py::cast<py::array>(item);
      buffers.push_back(output<T>(a, name));
      sizes.push_back(static_cast<std::size_t>(a.size()));
    }
    py::gil_scoped_release release;
    return fn(buffers, sizes);
  });
}

template <class Config>
py::class_<Config> config_class(py::module_& m, const char* name) {
  return py::class_<Config>(m, name)
      .def_property_readonly("state_names", &Config::state_names)
      .def("validate", &Config::validate);
}

}  // namespace

void register_optim(py::module_& m) {
  config_class<optim::SgdConfig>(m, "SgdConfig")
      .def(py::init([](double lr, double momentum, double dampening, double weight_decay,
                       bool nesterov) {
             optim::SgdConfig c{lr, momentum, dampening, weight_decay, nesterov};
             c.validate();
             return c;
           }),
           py::arg("lr"), py::arg("momentum"), py::arg("dampening"), py::arg("weight_decay"),
           py::arg("nesterov"));
  config_class<optim::AdamConfig>(m, "AdamConfig")
      .def(py::init([](double lr, double beta1, double beta2, double eps, double weight_decay,
                       bool amsgrad, bool decoupled_weight_decay) {
             optim::AdamConfig c{lr, beta1, beta2, eps, weight_decay, amsgrad,
                                 decoupled_weight_decay};
             c.validate();
             return c;
           }),
           py::arg("lr"), py::arg("beta1"), py::arg("beta2"), py::arg("eps"),
           py::arg("weight_decay"), py::arg("amsgrad"), py::arg("decoupled_weight_decay"));
  config_class<optim::RmspropConfig>(m, "RmspropConfig")
      .def(py::init([](double lr, double alpha, double eps, double weight_decay,
                       double momentum, bool centered) {
             optim::RmspropConfig c{lr, alpha, eps, weight_decay, momentum, centered};
             c.validate();
             return c;
           }),
           py::arg("lr"), py::arg("alpha"), py::arg("eps"), py::arg("weight_decay"),
           py::arg("momentum"), py::arg("centered"));
  config_class<optim::AdagradConfig>(m, "AdagradConfig")
      .def(py::init([](double lr, double lr_decay, double weight_decay,
                       double initial_accumulator_value, double eps) {
             optim::AdagradConfig c{lr, lr_decay, weight_decay, initial_accumulator_value, eps};
             c.validate();
             return c;
           }),
           py::arg("lr"), py::arg("lr_decay"), py::arg("weight_decay"),
           py::arg("initial_accumulator_value"), py::arg("eps"));

  def_step<optim::SgdConfig>(m);
  def_step<optim::AdamConfig>(m);
  def_step<optim::RmspropConfig>(m);
  def_step<optim::AdagradConfig>(m);

  m.def(
      "global_norm",
      [](const py::list& arrays, int n_threads) {
        return over_buffers(arrays, "grads", [&](const auto& buffers, const auto& sizes) {
          return optim::global_norm(buffers, sizes, n_threads);
        });
      },
      py::arg("arrays"), py::arg("n_threads") = 0,
      "The L2 norm of all arrays together, accumulated in double in a fixed order.");
  m.def(
      "clip_grad_norm",
      [](const py::list& arrays, double max_norm, int n_threads) {
        return over_buffers(arrays, "grads", [&](const auto& buffers, const auto& sizes) {
          return optim::clip_grad_norm(buffers, sizes, max_norm, n_threads);
        });
      },
      py::arg("arrays"), py::arg("max_norm"), py::arg("n_threads") = 0,
      "Scales the arrays in place so their global L2 norm is at most max_norm; returns the "
      "norm before scaling.");

  py::class_<optim::ScheduleConfig>(m, "ScheduleConfig")
      .def(py::init([](const std::string& kind, long long step_size, double gamma,
                       double power_t, long long T_max, double eta_min, double start_factor,
                       double end_factor, long long total_iters, long long warmup_steps,
                       double warmup_start_factor) {
             optim::ScheduleConfig c;
             c.kind = optim::schedule_kind_from_name(kind);
             c.step_size = step_size;
             c.gamma = gamma;
             c.power_t = power_t;
             c.T_max = T_max;
             c.eta_min = eta_min;
             c.start_factor = start_factor;
             c.end_factor = end_factor;
             c.total_iters = total_iters;
             c.warmup_steps = warmup_steps;
             c.warmup_start_factor = warmup_start_factor;
             c.validate();
             return c;
           }),
           py::arg("kind"), py::arg("step_size") = 1, py::arg("gamma") = 0.1,
           py::arg("power_t") = 0.5, py::arg("T_max") = 1, py::arg("eta_min") = 0.0,
           py::arg("start_factor") = 1.0 / 3.0, py::arg("end_factor") = 1.0,
           py::arg("total_iters") = 5, py::arg("warmup_steps") = 0,
           py::arg("warmup_start_factor") = 1.0 / 3.0)
      .def_property_readonly(
          "kind", [](const optim::ScheduleConfig& c) { return optim::schedule_name(c.kind); })
      .def("learning_rate", &optim::ScheduleConfig::learning_rate, py::arg("base_lr"),
           py::arg("t"), "The learning rate after t scheduler steps.");
}

}  // namespace bindings
}  // namespace traincore
