// Losses: a validated LossSpec and one batched evaluation entry point.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "arrays.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/loss/evaluate.hpp"
#include "traincore/loss/loss_spec.hpp"

namespace traincore {
namespace bindings {

namespace {

LossMode mode_from_name(const std::string& name) {
  if (name == "mean") return LossMode::mean;
  if (name == "loss") return LossMode::loss;
  if (name == "gradient") return LossMode::gradient;
  if (name == "gradient_hessian") return LossMode::gradient_hessian;
  if (name == "loss_gradient") return LossMode::loss_gradient;
  throw InvalidArgument("mode: unknown mode '" + name + "'");
}

void require_shape(const py::array& a, const char* name, const std::vector<py::ssize_t>& shape) {
  require(shape_of(a) == shape, name, ": has shape ", py::str(py::tuple(py::cast(shape_of(a))))
                                                          .cast<std::string>(),
          ", expected ", py::str(py::tuple(py::cast(shape))).cast<std::string>());
}

template <class T>
py::tuple evaluate(const loss::LossSpec& spec, LossMode mode, const py::array& y,
                   const py::array& raw, const py::object& weight, const py::object& loss_out,
                   const py::object& gradient_out, const py::object& hessian_out,
                   int n_threads) {
  require(raw.ndim() == 1 || raw.ndim() == 2, "raw: expected a 1-D or 2-D array, got ",
          raw.ndim(), "-D");
  const py::ssize_t n = raw.shape(0);
  const py::ssize_t width = raw.ndim() == 2 ? raw.shape(1) : 1;
  require_shape(y, "y", {n});
  const bool needs_loss = mode == LossMode::loss;
  const bool needs_grad = mode == LossMode::gradient || mode == LossMode::gradient_hessian ||
                          mode == LossMode::loss_gradient;
  const bool needs_hess = mode == LossMode::gradient_hessian;
  require(!needs_loss || !loss_out.is_none(), "loss_out: required for mode 'loss'");
  require(!needs_grad || !gradient_out.is_none(), "gradient_out: required for this mode");
  require(!needs_hess || !hessian_out.is_none(), "hessian_out: required for this mode");
  if (!weight.is_none()) require_shape(py::cast<py::array>(weight), "sample_weight", {n});
  if (!loss_out.is_none()) require_shape(py::cast<py::array>(loss_out), "loss_out", {n});
  for (auto [out, name] : {std::pair{&gradient_out, "gradient_out"}, {&hessian_out, "hessian_out"}}) {
    if (!out->is_none()) require_shape(py::cast<py::array>(*out), name, shape_of(raw));
  }
  loss::LossArrays<T> arrays;
  arrays.y = input<T>(y, "y");
  arrays.raw = input<T>(raw, "raw");
  arrays.weight = optional_input<T>(weight, "sample_weight");
  arrays.loss = optional_output<T>(loss_out, "loss_out");
  arrays.gradient = optional_output<T>(gradient_out, "gradient_out");
  arrays.hessian = optional_output<T>(hessian_out, "hessian_out");
  arrays.n_rows = static_cast<std::size_t>(n);
  arrays.n_classes = static_cast<std::size_t>(width);
  require(raw.ndim() == 1 || spec.kind == loss::LossKind::multinomial_log_loss,
          "raw: the ", loss::loss_name(spec.kind), " loss takes a 1-D array of raw scores");
  loss::LossSums sums;
  {
    py::gil_scoped_release release;
    sums = loss::evaluate_loss<T>(spec, mode, arrays, n_threads);
  }
  return py::make_tuple(sums.loss_sum, sums.weight_sum);
}

}  // namespace

void register_losses(py::module_& m) {
  py::class_<loss::LossSpec>(m, "LossSpec", "A loss and its hyper-parameters, validated.")
      .def(py::init([](const std::string& name, double delta, double alpha, double epsilon) {
             loss::LossSpec spec;
             spec.kind = loss::loss_kind_from_name(name);
             spec.delta = delta;
             spec.alpha = alpha;
             spec.epsilon = epsilon;
             spec.validate();
             return spec;
           }),
           py::arg("name"), py::arg("delta") = 1.0, py::arg("alpha") = 0.5,
           py::arg("epsilon") = 0.1)
      .def_property_readonly("name",
                             [](const loss::LossSpec& s) { return loss::loss_name(s.kind); })
      .def_readonly("delta", &loss::LossSpec::delta)
      .def_readonly("alpha", &loss::LossSpec::alpha)
      .def_readonly("epsilon", &loss::LossSpec::epsilon);

  m.def("loss_names", &loss::loss_names);
  m.def(
      "loss_traits",
      [](const std::string& name) {
        const loss::LossTraits t = loss::loss_traits(loss::loss_kind_from_name(name));
        py::dict d;
        d["constant_hessian"] = t.constant_hessian;
        d["needs_leaf_refit"] = t.needs_leaf_refit;
        d["multiclass"] = t.multiclass;
        d["target_rule"] = t.target_rule;
        return d;
      },
      py::arg("name"));
  m.def(
      "evaluate_loss",
      [](const loss::LossSpec& spec, const std::string& mode, const py::array& y,
         const py::array& raw, const py::object& sample_weight, const py::object& loss_out,
         const py::object& gradient_out, const py::object& hessian_out, int n_threads) {
        const LossMode m = mode_from_name(mode);
        return dispatch_float_dtype(raw, "raw", [&](auto tag) {
          using T = decltype(tag);
          return evaluate<T>(spec, m, y, raw, sample_weight, loss_out, gradient_out,
                             hessian_out, n_threads);
        });
      },
      py::arg("spec"), py::arg("mode"), py::arg("y"), py::arg("raw"),
      py::arg("sample_weight") = py::none(), py::arg("loss_out") = py::none(),
      py::arg("gradient_out") = py::none(), py::arg("hessian_out") = py::none(),
      py::arg("n_threads") = 0,
      "Evaluates a loss over rows; returns (sum of weighted losses, sum of weights).");
}

}  // namespace bindings
}  // namespace traincore
