// Strict numpy-array access for the bindings: exact dtype (compared by equivalence, not object
// identity: a memory-mapped or unpickled array carries its own dtype object), C-contiguous, writeable where the
// kernel writes. Nothing is ever copied or cast here; python/traincore/_validation.py decides
// every conversion before the call, and these checks turn any mistake into a Python exception
// (TypeError for the dtype, ValueError for the rest) instead of a silent copy.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

namespace traincore {
namespace bindings {

namespace py = pybind11;

inline std::string dtype_name(const py::array& a) { return py::str(a.dtype()).cast<std::string>(); }

template <class T>
const char* dtype_label() {
  return sizeof(T) == sizeof(float) ? "float32" : "float64";
}

template <class T>
T* array_data(const py::array& a, const char* name, bool writable) {
  if (!a.dtype().equal(py::dtype::of<T>())) {
    throw py::type_error(std::string(name) + ": expected dtype " + dtype_label<T>() + ", got " +
                         dtype_name(a) + " (no implicit copy or cast is done)");
  }
  if (!(a.flags() & py::array::c_style)) {
    throw py::value_error(std::string(name) + ": array is not C-contiguous");
  }
  if (writable && !a.writeable()) {
    throw py::value_error(std::string(name) + ": array is read-only");
  }
  return static_cast<T*>(const_cast<void*>(a.data()));
}

template <class T>
const T* input(const py::array& a, const char* name) {
  return array_data<T>(a, name, false);
}

template <class T>
T* output(const py::array& a, const char* name) {
  return array_data<T>(a, name, true);
}

// Null for None, else the checked pointer.
template <class T>
T* optional_output(const py::object& a, const char* name) {
  if (a.is_none()) return nullptr;
  return output<T>(py::cast<py::array>(a), name);
}

template <class T>
const T* optional_input(const py::object& a, const char* name) {
  if (a.is_none()) return nullptr;
  return input<T>(py::cast<py::array>(a), name);
}

inline std::vector<py::ssize_t> shape_of(const py::array& a) {
  return std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim());
}

// Runs fn<float>() or fn<double>() by the dtype of `a`.
template <class Fn>
decltype(auto) dispatch_float_dtype(const py::array& a, const char* name, Fn&& fn) {
  if (a.dtype().equal(py::dtype::of<float>())) return fn(float{});
  if (a.dtype().equal(py::dtype::of<double>())) return fn(double{});
  throw py::type_error(std::string(name) + ": unsupported dtype " + dtype_name(a) +
                       " (float32 or float64 only)");
}

}  // namespace bindings
}  // namespace traincore
