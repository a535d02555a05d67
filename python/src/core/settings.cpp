// Settings given as Python data, as JSON text (core/settings.hpp).

#include "core/settings.hpp"

namespace doelenboom::python {

namespace {

py::object json_fallback(const py::handle& value) {
  if (PyIndex_Check(value.ptr()) != 0) return py::int_(py::reinterpret_borrow<py::object>(value));
  if (py::hasattr(value, "__float__")) return py::float_(py::reinterpret_borrow<py::object>(value));
  return py::repr(value);
}

}  // namespace

std::string settings_text(const py::handle& settings) {
  const py::object text = py::module_::import("json").attr("dumps")(
      settings, py::arg("ensure_ascii") = false, py::arg("default") = py::cpp_function(&json_fallback));
  return text.cast<std::string>();
}

}  // namespace doelenboom::python
