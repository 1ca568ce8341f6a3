// Neural networks: the MLP's configuration, its initialisation, training through the generic
// loop, prediction, a low-level network object for users' own loops, and the activation kernels
// (for tests).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

#include "arrays.hpp"
#include "training.hpp"
#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/nn/mlp.hpp"

namespace traincore {
namespace bindings {

namespace {

void require_params(const py::array& params, const nn::MlpConfig& config) {
  require(params.ndim() == 1 && std::size_t(params.shape(0)) == config.n_params(),
          "params: expected ", config.n_params(), " values for layer sizes of this network");
}

void require_rows(const py::array& X, const nn::MlpConfig& config) {
  require(X.ndim() == 2, "X: expected a 2-D array");
  require(std::size_t(X.shape(1)) == config.layer_sizes.front(), "X: has ", X.shape(1),
          " features, the network expects ", config.layer_sizes.front());
}

std::vector<std::size_t> all_rows(std::size_t n) {
  std::vector<std::size_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = i;
  return rows;
}

// A network of one dtype for users' own training loops: forward keeps what backward needs.
template <class T>
class Network {
 public:
  explicit Network(const nn::MlpConfig& config) : model_(config) {}

  py::array_t<T> forward(const py::array& X, const py::array& params, bool training, long long step) {
    const nn::MlpConfig& config = model_.config();
    require_rows(X, config);
    require_params(params, config);
    const std::size_t n = static_cast<std::size_t>(X.shape(0));
    require(n >= 1, "X: needs at least one row");
    const T* x = input<T>(X, "X");
    const T* p = input<T>(params, "params");
    py::array_t<T> raw({py::ssize_t(n), py::ssize_t(model_.n_outputs())});
    T* out = raw.mutable_data();
    {
      py::gil_scoped_release release;
      rows_ = all_rows(n);
      if (training) {
        model_.forward_train(x, rows_.data(), n, p, out, step);
      } else {
        model_.forward(x, rows_.data(), n, p, out);
      }
    }
    if (training) trained_input_ = X;  // backward reads its rows
    return raw;
  }

  void backward(const py::array& grad_raw, const py::array& params, const py::array& grad) {
    require(!trained_input_.is_none(), "backward: call forward(X, training=True) first");
    const py::array X = py::cast<py::array>(trained_input_);
    const std::size_t n = static_cast<std::size_t>(X.shape(0));
    require(grad_raw.ndim() == 2 && std::size_t(grad_raw.shape(0)) == n &&
                std::size_t(grad_raw.shape(1)) == model_.n_outputs(),
            "grad_raw: expected shape (", n, ", ", model_.n_outputs(), ") like the last forward's output");
    require_params(params, model_.config());
    require_params(grad, model_.config());
    const T* g = input<T>(grad_raw, "grad_raw");
    const T* p = input<T>(params, "params");
    T* out = output<T>(grad, "grad");
    const T* x = input<T>(X, "X");
    py::gil_scoped_release release;
    model_.backward(x, rows_.data(), n, p, g, out);
    model_.add_penalty_gradient(p, out);
  }

  double penalty(const py::array& params) const {
    require_params(params, model_.config());
    return model_.penalty(input<T>(params, "params"));
  }

 private:
  nn::Mlp<T> model_;
  std::vector<std::size_t> rows_;
  py::object trained_input_ = py::none();
};

template <class T>
void def_network(py::module_& m, const char* name) {
  py::class_<Network<T>>(m, name)
      .def(py::init<const nn::MlpConfig&>(), py::arg("config"))
      .def("forward", &Network<T>::forward, py::arg("X"), py::arg("params"), py::arg("training"),
           py::arg("step") = 0,
           "Raw outputs (n, n_outputs); training=True applies dropout of optimiser step `step` "
           "and keeps the activations for backward.")
      .def("backward", &Network<T>::backward, py::arg("grad_raw"), py::arg("params"), py::arg("grad"),
           "grad = gradient of sum_i grad_raw_i . raw_i over the last training forward's rows, "
           "plus the L2 penalty's gradient (overwritten).")
      .def("penalty", &Network<T>::penalty, py::arg("params"));
}

template <class Config>
void def_train_mlp(py::module_& m) {
  m.def(
      "train_mlp",
      [](const Config& optimizer, const py::array& X, const py::array& y, const py::object& sample_weight,
         const py::object& X_val, const py::object& y_val, const py::object& weight_val,
         const py::array& params, const py::list& state, long long step_count, double max_grad_norm,
         const nn::MlpConfig& network, const loss::LossSpec& spec, const train::LoopConfig& loop,
         const py::object& on_epoch_end) {
        const TrainingArrays arrays{X, y, sample_weight, X_val, y_val, weight_val, params, state,
                                    step_count, max_grad_norm};
        return dispatch_float_dtype(X, "X", [&](auto tag) {
          using T = decltype(tag);
          require_rows(X, network);
          const nn::Mlp<T> model(network);
          return train_model<T>(model, optimizer, arrays, spec, loop, on_epoch_end);
        });
      },
      py::arg("optimizer"), py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("X_val"),
      py::arg("y_val"), py::arg("sample_weight_val"), py::arg("params"), py::arg("state"),
      py::arg("step_count"), py::arg("max_grad_norm"), py::arg("network"), py::arg("loss"),
      py::arg("loop"), py::arg("on_epoch_end"),
      "Trains an MLP in place through the generic loop; returns a summary dict.");
}

}  // namespace

void register_nn(py::module_& m) {
  py::class_<nn::MlpConfig>(m, "MlpConfig")
      .def(py::init([](std::vector<std::size_t> layer_sizes, const std::string& activation, double slope,
                       double alpha, double dropout, std::uint64_t seed, int n_threads) {
             nn::MlpConfig c;
             c.layer_sizes = std::move(layer_sizes);
             c.activation = nn::activation_from_name(activation);
             c.slope = slope;
             c.alpha = alpha;
             c.dropout = dropout;
             c.seed = seed;
             c.n_threads = n_threads;
             c.validate();
             return c;
           }),
           py::arg("layer_sizes"), py::arg("activation") = "relu", py::arg("slope") = 0.01,
           py::arg("alpha") = 0.0, py::arg("dropout") = 0.0, py::arg("seed") = 0, py::arg("n_threads") = 0)
      .def_property_readonly("n_params", &nn::MlpConfig::n_params)
      .def_property_readonly("layer_sizes", [](const nn::MlpConfig& c) { return c.layer_sizes; })
      .def_property_readonly("activation", [](const nn::MlpConfig& c) { return nn::activation_name(c.activation); })
      .def("offsets", [](const nn::MlpConfig& c) {
        py::list out;
        for (std::size_t l = 0; l + 1 < c.layer_sizes.size(); ++l) {
          out.append(py::make_tuple(c.weight_offset(l), c.bias_offset(l)));
        }
        return out;
      }, "(weight offset, bias offset) of each layer in the flat parameter buffer.");
  def_network<float>(m, "MlpFloat32");
  def_network<double>(m, "MlpFloat64");
  def_train_mlp<optim::SgdConfig>(m);
  def_train_mlp<optim::AdamConfig>(m);
  def_train_mlp<optim::RmspropConfig>(m);
  def_train_mlp<optim::AdagradConfig>(m);
  m.def(
      "mlp_initialize",
      [](const nn::MlpConfig& config, std::uint64_t seed, const py::array& params) {
        dispatch_float_dtype(params, "params", [&](auto tag) {
          using T = decltype(tag);
          require_params(params, config);
          nn::initialize<T>(config, seed, output<T>(params, "params"));
          return 0;
        });
      },
      py::arg("config"), py::arg("seed"), py::arg("params"),
      "He / Glorot uniform weights from Philox draws under `seed`, zero biases (in place).");
  m.def(
      "mlp_predict",
      [](const nn::MlpConfig& config, const py::array& X, const py::array& params) -> py::array {
        return dispatch_float_dtype(X, "X", [&](auto tag) -> py::array {
          using T = decltype(tag);
          require_rows(X, config);
          require_params(params, config);
          const nn::Mlp<T> model(config);
          const std::size_t n = static_cast<std::size_t>(X.shape(0));
          const T* x = input<T>(X, "X");
          const T* p = input<T>(params, "params");
          py::array_t<T> raw({py::ssize_t(n), py::ssize_t(model.n_outputs())});
          T* out = raw.mutable_data();
          py::gil_scoped_release release;
          if (n > 0) model.forward(x, all_rows(n).data(), n, p, out);
          return raw;
        });
      },
      py::arg("config"), py::arg("X"), py::arg("params"), "Raw outputs of the network, (n, n_outputs).");
  m.def(
      "activation_forward",
      [](const std::string& name, const py::array& Z, const py::array& bias, double slope) -> py::array {
        const nn::Activation act = nn::activation_from_name(name);
        return dispatch_float_dtype(Z, "Z", [&](auto tag) -> py::array {
          using T = decltype(tag);
          require(Z.ndim() == 2 && bias.ndim() == 1 && bias.shape(0) == Z.shape(1),
                  "bias: expected one value per column of Z");
          py::array_t<T> z_copy(shape_of(Z)), a(shape_of(Z));
          const T* z = input<T>(Z, "Z");
          std::copy(z, z + Z.size(), z_copy.mutable_data());
          kernels().get<T>().bias_activation(act, T(slope), input<T>(bias, "bias"), std::size_t(Z.shape(0)),
                                             std::size_t(Z.shape(1)), z_copy.mutable_data(), a.mutable_data());
          return a;
        });
      },
      py::arg("activation"), py::arg("Z"), py::arg("bias"), py::arg("slope") = 0.01,
      "f(Z + bias) by the active ISA's kernel.");
  m.def(
      "activation_backward",
      [](const std::string& name, const py::array& A, const py::array& Z, const py::object& mask,
         const py::array& delta, double slope) -> py::tuple {
        const nn::Activation act = nn::activation_from_name(name);
        return dispatch_float_dtype(A, "A", [&](auto tag) -> py::tuple {
          using T = decltype(tag);
          require(A.ndim() == 2 && shape_of(Z) == shape_of(A) && shape_of(delta) == shape_of(A),
                  "A, Z, delta: expected 2-D arrays of one shape");
          if (!mask.is_none()) {
            require(shape_of(py::cast<py::array>(mask)) == shape_of(A), "mask: expected the shape of A");
          }
          const std::size_t rows = std::size_t(A.shape(0)), width = std::size_t(A.shape(1));
          py::array_t<T> out(shape_of(A));
          py::array_t<T> bias_grad{py::ssize_t(width)};
          const T* d = input<T>(delta, "delta");
          std::copy(d, d + delta.size(), out.mutable_data());
          kernels().get<T>().activation_backward(act, T(slope), input<T>(A, "A"), input<T>(Z, "Z"),
                                                 optional_input<T>(mask, "mask"), rows, width,
                                                 out.mutable_data(), bias_grad.mutable_data());
          return py::make_tuple(out, bias_grad);
        });
      },
      py::arg("activation"), py::arg("A"), py::arg("Z"), py::arg("mask"), py::arg("delta"),
      py::arg("slope") = 0.01,
      "(delta * mask * f'(Z), column sums of it) by the active ISA's kernel; A = f(Z).");
}

}  // namespace bindings
}  // namespace traincore
