// Periods from Python (core/periods.hpp).

#include "core/periods.hpp"

#include <cmath>
#include <string>

namespace doelenboom::python {

namespace {

bool is_pandas_period(py::handle value) {
  const auto modules = py::module_::import("sys").attr("modules").cast<py::dict>();
  return modules.contains("pandas") && py::isinstance(value, modules["pandas"].attr("Period"));
}

}  // namespace

std::optional<Period> period_from_python(py::handle value) {
  PyObject* const v = value.ptr();
  if (PyUnicode_Check(v)) return Period::parse(value.cast<std::string>());
  if (PyBool_Check(v)) return std::nullopt;
  if (PyIndex_Check(v) != 0) {
    const auto index = py::reinterpret_steal<py::object>(PyNumber_Index(v));
    const long long year = index ? PyLong_AsLongLong(index.ptr()) : -1;
    if (PyErr_Occurred() != nullptr) {
      PyErr_Clear();
      return std::nullopt;
    }
    return Period::parse(std::to_string(year));
  }
  if (PyFloat_Check(v)) {
    const double d = PyFloat_AsDouble(v);
    if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 1e6) return Period::parse(std::to_string(static_cast<long long>(d)));
    return std::nullopt;
  }
  if (py::isinstance<Period>(value)) return value.cast<Period>();
  if (is_pandas_period(value)) return Period::parse(py::str(value).cast<std::string>());
  return std::nullopt;
}

Period period_argument(py::handle value) {
  if (auto p = period_from_python(value)) return *p;
  throw_problem<ParseError>("bad_period", {},
                            py::repr(value).cast<std::string>() + " is not a period (" + period_expected + ")");
}

}  // namespace doelenboom::python
