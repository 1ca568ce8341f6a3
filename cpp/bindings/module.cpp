// traincore._core: the compiled core. Conversion only, no logic: each area registers its
// functions from its own file.
#include <pybind11/pybind11.h>

#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/parallel.hpp"

namespace py = pybind11;

namespace traincore {
namespace bindings {
void register_config(py::module_& m);
void register_losses(py::module_& m);
void register_math(py::module_& m);
void register_nn(py::module_& m);
void register_optim(py::module_& m);
void register_train(py::module_& m);
}  // namespace bindings
}  // namespace traincore

PYBIND11_MODULE(_core, m) {
  m.doc() = "traincore's C++ core: SIMD kernels, losses and optimisers";
  traincore::install_fork_guard();
  m.attr("_isa_warning") = traincore::select_isa_from_environment();
  traincore::bindings::register_config(m);
  traincore::bindings::register_losses(m);
  traincore::bindings::register_math(m);
  traincore::bindings::register_nn(m);
  traincore::bindings::register_optim(m);
  traincore::bindings::register_train(m);
}
