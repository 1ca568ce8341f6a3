// Elementwise vector maths of the active kernel table, for tests of each ISA build.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "arrays.hpp"
#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/core/parallel.hpp"
#include "traincore/kernels/gemm.hpp"

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
          auto fn = function == "exp"     ? k.exp
                    : function == "log"   ? k.log
                    : function == "log1p" ? k.log1p
                    : function == "expm1" ? k.expm1
                    : function == "tanh"  ? k.tanh
                    : function == "sigmoid" ? k.sigmoid
                                            : nullptr;
          require(fn != nullptr, "function: unknown function '", function,
                  "' (exp, log, log1p, expm1, tanh, sigmoid)");
          const T* in = input<T>(x, "x");
          T* result = output<T>(out, "out");
          py::gil_scoped_release release;
          fn(in, result, static_cast<std::size_t>(x.size()));
          return 0;
        });
      },
      py::arg("function"), py::arg("x"), py::arg("out"),
      "out = function(x) elementwise, with the vectorised exp / log / log1p / expm1 / tanh / sigmoid of the active ISA.");
  m.def(
      "gemm",
      [](const py::array& A, const py::array& B, bool trans_a, bool trans_b, double alpha, double beta,
         const py::object& C, int n_threads) -> py::array {
        require(A.ndim() == 2 && B.ndim() == 2, "A, B: expected 2-D arrays");
        const std::size_t M = std::size_t(trans_a ? A.shape(1) : A.shape(0));
        const std::size_t K = std::size_t(trans_a ? A.shape(0) : A.shape(1));
        const std::size_t KB = std::size_t(trans_b ? B.shape(1) : B.shape(0));
        const std::size_t N = std::size_t(trans_b ? B.shape(0) : B.shape(1));
        require(K == KB, "B: op(A) is ", M, " x ", K, " but op(B) has ", KB, " rows");
        return dispatch_float_dtype(A, "A", [&](auto tag) -> py::array {
          using T = decltype(tag);
          const T* a = input<T>(A, "A");
          const T* b = input<T>(B, "B");
          py::array_t<T> out;
          if (C.is_none()) {
            out = py::array_t<T>({py::ssize_t(M), py::ssize_t(N)});
            beta = 0.0;
          } else {
            out = py::cast<py::array>(C);
            require(out.ndim() == 2 && std::size_t(out.shape(0)) == M && std::size_t(out.shape(1)) == N,
                    "C: expected shape (", M, ", ", N, ")");
          }
          T* c = output<T>(out, "C");
          {
            py::gil_scoped_release release;
            gemm<T>(trans_a, trans_b, M, N, K, T(alpha), a, std::size_t(A.shape(1)), b,
                             std::size_t(B.shape(1)), T(beta), c, N, n_threads);
          }
          return out;
        });
      },
      py::arg("A"), py::arg("B"), py::arg("trans_a") = false, py::arg("trans_b") = false,
      py::arg("alpha") = 1.0, py::arg("beta") = 0.0, py::arg("C") = py::none(), py::arg("n_threads") = 0,
      "C = alpha op(A) op(B) + beta C (row-major; a new C when none is given).");
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
