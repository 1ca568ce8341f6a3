// Build and run-time configuration: version, instruction set, OpenMP.
#include <omp.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "traincore/build_info.hpp"
#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/parallel.hpp"

namespace traincore {
namespace bindings {

namespace py = pybind11;

void register_config(py::module_& m) {
  m.attr("__version__") = TRAINCORE_VERSION;
  m.def("isa", [] { return std::string(isa_name(active_isa())); },
        "The instruction set of the kernels in use: generic, avx2 or avx512.");
  m.def(
      "supported_isas",
      [] {
        std::vector<std::string> names;
        for (Isa isa : supported_isas()) names.emplace_back(isa_name(isa));
        return names;
      },
      "Instruction sets this CPU can run, lowest first.");
  m.def("_select_isa", &select_isa, py::arg("name"),
        "Switch the kernel table (for tests; not thread-safe with running kernels).");
  m.def("build_info", [] {
    py::dict info;
    info["compiler"] = build_info::compiler;
    info["build_type"] = build_info::build_type;
    info["cxx_flags"] = build_info::cxx_flags;
    info["avx2_flags"] = build_info::avx2_flags;
    info["avx512_flags"] = build_info::avx512_flags;
    return info;
  });
  m.def("openmp_info", [] {
    py::dict info;
    info["version"] = _OPENMP;
    info["max_threads"] = omp_get_max_threads();
    info["num_procs"] = omp_get_num_procs();
    info["threads_used_by_default"] = resolve_threads(0);
    return info;
  });
  m.def("resolve_threads", &resolve_threads, py::arg("n_threads"),
        "The thread count a kernel uses for a requested n_threads (0: all available).");
}

}  // namespace bindings
}  // namespace traincore
