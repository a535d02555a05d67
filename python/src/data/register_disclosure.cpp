// Secondary suppression (doelenboom/disclosure.hpp) on a data set. The main job applies it itself;
// these let its choices and its cost be examined on their own (benchmarks/bench_disclosure.py).

#include <cstddef>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/disclosure.hpp"

namespace doelenboom::python {

void register_disclosure(py::module_& m) {
  py::class_<ProtectionResult>(m, "ProtectionResult", "What secondary suppression did to a data set.")
      .def_readonly("relations", &ProtectionResult::relations, "Relations with a suppressed part.")
      .def_readonly("added", &ProtectionResult::added, "Rows suppressed to protect them, sorted.")
      .def_readonly("short_of_level", &ProtectionResult::short_of_level,
                    "Relations below the level with every part suppressed (their parts reveal only their sum).");
  m.def(
      "protect_breakdowns",
      [](Dataset& parts, const Dataset& totals, double protection_level) {
        py::gil_scoped_release release;
        return protect_relations(parts, breakdown_relations(parts, totals), protection_level);
      },
      py::arg("parts"), py::arg("totals"), py::kw_only(), py::arg("protection_level") = default_protection_level,
      "Secondary suppression, in place, of the breakdown rows of `parts` (areas and groups) against their "
      "unit's total in `totals`, as the main job does; DataError for a negative level.");
  m.def(
      "protect_change_families",
      [](Dataset& data, double protection_level) {
        py::gil_scoped_release release;
        return protect_relations(data, change_family_relations(data), protection_level);
      },
      py::arg("data"), py::kw_only(), py::arg("protection_level") = default_protection_level,
      "Secondary suppression, in place, of the change families (improved, same, worse) of `data`, as the "
      "main job does; DataError for a negative level.");
}

}  // namespace doelenboom::python
