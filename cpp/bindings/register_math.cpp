// Elementwise vector maths of the active kernel table, for tests of each ISA build.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "arrays.hpp"
#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/core/parallel.hpp"

namespace traincore {
namespace bindings {

void register_math(py::module_& m) {
  m.def(
      "vector_math",
      [](const std::string& function, const py::array& x, const py::array& out) {
        require(shape_of(x) == shape_of(out), "out: must have the shape of x");
        dispatch_float_dtype(x, "x", [&](auto tag) {
          using T = decltype(tag);
          const auto& k = kernels().get<T>();
          auto fn = function == "exp" ? k.exp : function == "log" ? k.log : function == "log1p" ? k.log1p : nullptr;
          require(fn != nullptr, "function: unknown function '", function, "' (exp, log, log1p)");
          const T* in = input<T>(x, "x");
          T* result = output<T>(out, "out");
          py::gil_scoped_release release;
          fn(in, result, static_cast<std::size_t>(x.size()));
          return 0;
        });
      },
      py::arg("function"), py::arg("x"), py::arg("out"),
      "out = function(x) elementwise, with the vectorised exp / log / log1p of the active ISA.");
  m.def(
      "all_finite",
      [](const py::array& x, int n_threads) {
        return dispatch_float_dtype(x, "x", [&](auto tag) {
          using T = decltype(tag);
          const T* data = input<T>(x, "x");
          const std::size_t n = static_cast<std::size_t>(x.size());
          const auto kernel = kernels().get<T>().all_finite;
          py::gil_scoped_release release;
          // int, not bool: chunks write their results concurrently (std::vector<bool> packs bits).
          return reduce_chunks(n, std::size_t(1) << 16, n_threads, 1,
                               [&](std::size_t begin, std::size_t end) { return int(kernel(data + begin, end - begin)); },
                               [](int a, int b) { return a & b; }) == 1;
        });
      },
      py::arg("x"), py::arg("n_threads") = 0, "True when no element of x is NaN or infinite.");
}

}  // namespace bindings
}  // namespace traincore
