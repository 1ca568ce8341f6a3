// Training: the loop configuration, and the training of a linear model through the generic loop
// with the GIL released; Python is called back at epoch ends and polled for Ctrl-C.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>

#include "arrays.hpp"
#include "training.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/core/rng.hpp"
#include "traincore/linear/least_squares.hpp"
#include "traincore/linear/linear_model.hpp"
#include "traincore/linear/logistic.hpp"
#include "traincore/train/loop.hpp"

namespace traincore {
namespace bindings {

namespace {

template <class T, class Config>
py::dict train_linear_impl(const Config& config, const TrainingArrays& arrays, std::size_t n_outputs,
                           bool fit_intercept, const linear::Penalty& penalty,
                           const loss::LossSpec& spec, const train::LoopConfig& loop,
                           const py::object& on_epoch_end) {
  require(arrays.X.ndim() == 2, "X: expected a 2-D array");
  const linear::LinearModel<T> model(static_cast<std::size_t>(arrays.X.shape(1)), n_outputs,
                                     fit_intercept, penalty);
  return train_model<T>(model, config, arrays, spec, loop, on_epoch_end);
}

template <class Config>
void def_train_linear(py::module_& m) {
  m.def(
      "train_linear",
      [](const Config& config, const py::array& X, const py::array& y, const py::object& sample_weight,
         const py::object& X_val, const py::object& y_val, const py::object& weight_val,
         const py::array& params, const py::list& state, long long step_count, double max_grad_norm,
         std::size_t n_outputs, bool fit_intercept, double alpha, double l1_ratio,
         const loss::LossSpec& spec, const train::LoopConfig& loop, const py::object& on_epoch_end) {
        const linear::Penalty penalty{alpha, l1_ratio};
        const TrainingArrays arrays{X, y, sample_weight, X_val, y_val, weight_val, params, state,
                                    step_count, max_grad_norm};
        return dispatch_float_dtype(X, "X", [&](auto tag) {
          using T = decltype(tag);
          return train_linear_impl<T>(config, arrays, n_outputs, fit_intercept, penalty, spec,
                                      loop, on_epoch_end);
        });
      },
      py::arg("optimizer"), py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("X_val"),
      py::arg("y_val"), py::arg("sample_weight_val"), py::arg("params"), py::arg("state"),
      py::arg("step_count"), py::arg("max_grad_norm"), py::arg("n_outputs"),
      py::arg("fit_intercept"), py::arg("alpha"), py::arg("l1_ratio"), py::arg("loss"),
      py::arg("loop"), py::arg("on_epoch_end"),
      "Trains a linear model in place through the generic loop; returns a summary dict.");
}

template <class T>
py::array_t<T> predict_linear_impl(const py::array& X, const py::array& params,
                                   std::size_t n_outputs, bool fit_intercept) {
  require(X.ndim() == 2, "X: expected a 2-D array");
  const std::size_t n = static_cast<std::size_t>(X.shape(0)), d = static_cast<std::size_t>(X.shape(1));
  const linear::LinearModel<T> model(d, n_outputs, fit_intercept, linear::Penalty{});
  require(params.ndim() == 1 && std::size_t(params.shape(0)) == model.n_params(), "params: expected ",
          model.n_params(), " values");
  const T* x = input<T>(X, "X");
  const T* p = input<T>(params, "params");
  py::array_t<T> raw({py::ssize_t(n), py::ssize_t(n_outputs)});
  T* out = raw.mutable_data();
  {
    py::gil_scoped_release release;
    std::vector<std::size_t> rows(n);
    for (std::size_t i = 0; i < n; ++i) rows[i] = i;
    model.forward(x, rows.data(), n, p, out);
  }
  return raw;
}

template <class T>
py::tuple linear_backward_impl(const py::array& X, const py::array& grad_raw, const py::array& params,
                               std::size_t n_outputs, bool fit_intercept, double alpha,
                               double l1_ratio) {
  require(X.ndim() == 2, "X: expected a 2-D array");
  const std::size_t n = static_cast<std::size_t>(X.shape(0)), d = static_cast<std::size_t>(X.shape(1));
  const linear::LinearModel<T> model(d, n_outputs, fit_intercept, linear::Penalty{alpha, l1_ratio});
  require(grad_raw.ndim() == 2 && std::size_t(grad_raw.shape(0)) == n &&
              std::size_t(grad_raw.shape(1)) == n_outputs,
          "grad_raw: expected shape (n_samples, n_outputs)");
  require(params.ndim() == 1 && std::size_t(params.shape(0)) == model.n_params(), "params: expected ",
          model.n_params(), " values");
  const T* x = input<T>(X, "X");
  const T* g = input<T>(grad_raw, "grad_raw");
  const T* p = input<T>(params, "params");
  py::array_t<T> grad(static_cast<py::ssize_t>(model.n_params()));
  T* out = grad.mutable_data();
  double penalty;
  {
    py::gil_scoped_release release;
    std::vector<std::size_t> rows(n);
    for (std::size_t i = 0; i < n; ++i) rows[i] = i;
    model.backward(x, rows.data(), n, p, g, out);
    model.add_penalty_gradient(p, out);
    penalty = model.penalty(p);
  }
  return py::make_tuple(grad, penalty);
}

}  // namespace

void register_train(py::module_& m) {
  py::class_<train::LoopConfig>(m, "LoopConfig")
      .def(py::init([](long long max_epochs, long long first_epoch, std::size_t batch_size,
                       bool shuffle, std::uint64_t seed, double tol, long long n_iter_no_change,
                       bool restore_best, const optim::ScheduleConfig& schedule, int n_threads) {
             train::LoopConfig c;
             c.max_epochs = max_epochs;
             c.first_epoch = first_epoch;
             c.batch_size = batch_size;
             c.shuffle = shuffle;
             c.seed = seed;
             c.tol = tol;
             c.n_iter_no_change = n_iter_no_change;
             c.restore_best = restore_best;
             c.schedule = schedule;
             c.n_threads = n_threads;
             return c;
           }),
           py::arg("max_epochs"), py::arg("first_epoch"), py::arg("batch_size"), py::arg("shuffle"),
           py::arg("seed"), py::arg("tol"), py::arg("n_iter_no_change"), py::arg("restore_best"),
           py::arg("schedule"), py::arg("n_threads"));
  def_train_linear<optim::SgdConfig>(m);
  def_train_linear<optim::AdamConfig>(m);
  def_train_linear<optim::RmspropConfig>(m);
  def_train_linear<optim::AdagradConfig>(m);
  m.def(
      "predict_linear",
      [](const py::array& X, const py::array& params, std::size_t n_outputs, bool fit_intercept) -> py::array {
        return dispatch_float_dtype(X, "X", [&](auto tag) -> py::array {
          using T = decltype(tag);
          return predict_linear_impl<T>(X, params, n_outputs, fit_intercept);
        });
      },
      py::arg("X"), py::arg("params"), py::arg("n_outputs"), py::arg("fit_intercept"),
      "Raw scores X W^T + b of a linear model, shape (n_samples, n_outputs).");
  m.def(
      "least_squares",
      [](const py::array& X, const py::array& y, const py::object& sample_weight, bool fit_intercept,
         double alpha, int n_threads) {
        require(X.ndim() == 2, "X: expected a 2-D array");
        require(y.ndim() == 1 && y.shape(0) == X.shape(0), "y: expected ", X.shape(0), " targets");
        return dispatch_float_dtype(X, "X", [&](auto tag) {
          using T = decltype(tag);
          const T* x = input<T>(X, "X");
          const T* t = input<T>(y, "y");
          const T* w = optional_input<T>(sample_weight, "sample_weight");
          linear::LeastSquaresResult r;
          {
            py::gil_scoped_release release;
            r = linear::least_squares<T>(x, t, w, static_cast<std::size_t>(X.shape(0)),
                                         static_cast<std::size_t>(X.shape(1)), fit_intercept, alpha,
                                         n_threads);
          }
          py::dict out;
          out["coef"] = py::array_t<double>(static_cast<py::ssize_t>(r.coef.size()), r.coef.data());
          out["intercept"] = r.intercept;
          out["rank"] = r.rank;
          out["cholesky"] = r.cholesky;
          return out;
        });
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("fit_intercept"),
      py::arg("alpha"), py::arg("n_threads") = 0,
      "Weighted least squares / ridge by the normal equations (Cholesky, or the minimum-norm "
      "solution through an eigendecomposition when singular).");
  m.def(
      "fit_logistic",
      [](const py::array& X, const py::array& y, const py::object& sample_weight, std::size_t n_outputs,
         bool fit_intercept, double C, double tol, long long max_iter, int n_threads,
         const py::object& initial) {
        require(X.ndim() == 2, "X: expected a 2-D array");
        require(y.ndim() == 1 && y.shape(0) == X.shape(0), "y: expected ", X.shape(0), " targets");
        optim::LbfgsConfig config;
        config.gtol = tol;
        config.max_iter = max_iter;
        return dispatch_float_dtype(X, "X", [&](auto tag) {
          using T = decltype(tag);
          const T* x = input<T>(X, "X");
          const T* t = input<T>(y, "y");
          const T* w = optional_input<T>(sample_weight, "sample_weight");
          const std::size_t n = static_cast<std::size_t>(X.shape(0)), d = static_cast<std::size_t>(X.shape(1));
          const double* start = nullptr;
          if (!initial.is_none()) {
            const auto init = py::cast<py::array>(initial);
            require(init.ndim() == 1 && std::size_t(init.shape(0)) == n_outputs * (d + (fit_intercept ? 1 : 0)),
                    "initial: wrong number of parameters");
            start = input<double>(init, "initial");
          }
          linear::LogisticFit fit;
          {
            py::gil_scoped_release release;
            fit = linear::fit_logistic<T>(x, t, w, n, d, n_outputs, fit_intercept, C, config, n_threads, start);
          }
          py::dict out;
          out["params"] = py::array_t<double>(static_cast<py::ssize_t>(fit.params.size()), fit.params.data());
          out["n_iter"] = fit.solver.iterations;
          out["evaluations"] = fit.solver.evaluations;
          out["converged"] = fit.solver.converged;
          out["value"] = fit.solver.value;
          out["gradient_max"] = fit.solver.gradient_max;
          out["message"] = fit.solver.message;
          return out;
        });
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("n_outputs"),
      py::arg("fit_intercept"), py::arg("C"), py::arg("tol"), py::arg("max_iter"),
      py::arg("n_threads") = 0, py::arg("initial") = py::none(),
      "L2-regularised logistic regression by L-BFGS (scikit-learn's objective).");
  m.def(
      "linear_backward",
      [](const py::array& X, const py::array& grad_raw, const py::array& params, std::size_t n_outputs,
         bool fit_intercept, double alpha, double l1_ratio) -> py::tuple {
        return dispatch_float_dtype(X, "X", [&](auto tag) -> py::tuple {
          using T = decltype(tag);
          return linear_backward_impl<T>(X, grad_raw, params, n_outputs, fit_intercept, alpha, l1_ratio);
        });
      },
      py::arg("X"), py::arg("grad_raw"), py::arg("params"), py::arg("n_outputs"),
      py::arg("fit_intercept"), py::arg("alpha") = 0.0, py::arg("l1_ratio") = 0.0,
      "The linear model's backward pass plus penalty gradient, and the penalty value.");
  m.def(
      "shuffled_indices",
      [](std::size_t n, std::uint64_t seed, std::uint32_t purpose, std::uint32_t epoch) {
        std::vector<std::size_t> shuffled(n);
        rng::shuffled_order(shuffled.data(), n, seed, purpose, epoch);
        py::array_t<std::int64_t> order(static_cast<py::ssize_t>(n));
        std::copy(shuffled.begin(), shuffled.end(), order.mutable_data());
        return order;
      },
      py::arg("n"), py::arg("seed"), py::arg("purpose"), py::arg("epoch"),
      "The permutation of range(n) the core's Philox shuffle gives for (seed, purpose, epoch).");
  m.def("philox4x32", [](std::array<std::uint32_t, 4> counter, std::uint64_t key) {
    const rng::Counter out = rng::philox4x32(rng::Counter{{counter[0], counter[1], counter[2], counter[3]}}, key);
    return std::array<std::uint32_t, 4>{out.word[0], out.word[1], out.word[2], out.word[3]};
  }, py::arg("counter"), py::arg("key"));
}

}  // namespace bindings
}  // namespace traincore
