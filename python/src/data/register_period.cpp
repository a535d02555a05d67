// Period for Python: a year, quarter or month, compared and hashed by value. Values from Python
// become periods by the one rule of core/periods.hpp.

#include <cstdint>
#include <string>

#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "core/periods.hpp"
#include "doelenboom/period.hpp"

namespace doelenboom::python {

namespace {

Frequency frequency_from(const std::string& text) {
  if (text == "year") return Frequency::year;
  if (text == "quarter") return Frequency::quarter;
  if (text == "month") return Frequency::month;
  throw_problem<ParseError>("bad_value", {}, "frequency " + squote(text) + " is not one of: year, quarter, month");
}

}  // namespace

void register_period(py::module_& m) {
  py::class_<Period>(m, "Period", "A year ('2023'), quarter ('2023-Q2') or month ('2023-05').")
      .def(py::init([](const py::object& value) { return period_argument(value); }), py::arg("value"),
           "From text ('2023', '2023-Q2', '2023Q2', '2023-05'), an int or whole float year or a Period "
           "(doelenboom's or pandas'); ParseError otherwise.")
      .def_static(
          "parse", [](const std::string& text) { return Period::parse(text); }, py::arg("text"),
          "The period of a text, or None when it is not one.")
      .def_static(
          "from_ordinal",
          [](const std::string& frequency, std::int64_t ordinal) {
            return Period::from_ordinal(frequency_from(frequency), ordinal);
          },
          py::arg("frequency"), py::arg("ordinal"), "The period of a frequency ('year', 'quarter', 'month') with this ordinal.")
      .def_property_readonly(
          "frequency", [](const Period& p) { return std::string(to_string(p.frequency)); }, "'year', 'quarter' or 'month'.")
      .def_readonly("year", &Period::year)
      .def_readonly("sub", &Period::sub, "Quarter 1..4, month 1..12, 0 for a year.")
      .def("ordinal", &Period::ordinal, "Consecutive integer within one frequency.")
      .def("next", &Period::next, "The next period of the same frequency.")
      .def("__str__", &Period::to_string)
      .def("__repr__", [](const Period& p) { return "Period('" + p.to_string() + "')"; })
      .def("__hash__",
           [](const Period& p) { return py::hash(py::make_tuple(static_cast<int>(p.frequency), p.year, p.sub)); })
      .def("__eq__", [](const Period& a, const Period& b) { return a == b; }, py::is_operator())
      .def("__ne__", [](const Period& a, const Period& b) { return a != b; }, py::is_operator())
      .def("__lt__", [](const Period& a, const Period& b) { return a < b; }, py::is_operator())
      .def("__le__", [](const Period& a, const Period& b) { return a <= b; }, py::is_operator())
      .def("__gt__", [](const Period& a, const Period& b) { return a > b; }, py::is_operator())
      .def("__ge__", [](const Period& a, const Period& b) { return a >= b; }, py::is_operator())
      .def(py::pickle([](const Period& p) { return py::make_tuple(p.to_string()); },
                      [](const py::tuple& t) { return period_argument(t[0]); }));

}

}  // namespace doelenboom::python
