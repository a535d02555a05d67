// Signals for Python: SignalRules (YAML text or file, a dict of settings, check against a tree) and evaluate_signals
// (without the GIL), whose signals leave as columns (dict of lists) for a DataFrame.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "core/settings.hpp"
#include "core/tables.hpp"
#include "doelenboom/signals.hpp"

namespace doelenboom::python {

void register_signals(py::module_& m) {
  py::class_<SignalRules>(m, "SignalRules", R"doc(The rules of the signal engine (docs/signals.md): norm, drop,
reach, outlier and data, each with its settings, and per-node settings (disabled rules, a norm).
SignalRules() holds the defaults.)doc")
      .def(py::init<>())
      .def_static(
          "from_yaml", [](const std::string& text, const std::string& source) { return SignalRules::parse_yaml(text, source); },
          py::arg("text"), py::arg("source") = "<string>",
          "Read signal rules YAML text; ParseError lists every problem with its line.")
      .def_static(
          "from_settings", [](const py::dict& settings) { return SignalRules::from_settings(settings_text(settings)); },
          py::arg("settings"),
          "Rules from a dict with the keys of the rules file, read by the file's reader; ParseError lists every "
          "problem, each message starting with 'signals: '.")
      .def_static(
          "load_yaml",
          [](const std::filesystem::path& path) {
            py::gil_scoped_release release;
            return SignalRules::load_yaml(path);
          },
          py::arg("path"), "Read a signal rules file; ParseError lists every problem with file and line.")
      .def(
          "check", [](const SignalRules& r, const GoalTree& tree) { return problems_to_list(r.check(tree)); },
          py::arg("tree"), "Problems of the rules against a tree (unknown nodes, a norm on a goal), as problem dicts.")
      .def_property_readonly("source", [](const SignalRules& r) { return r.source; }, "The file the rules were read from, or empty.")
      .def("__eq__", [](const SignalRules& a, const SignalRules& b) { return a == b; }, py::is_operator())
      .def("__repr__", [](const SignalRules& r) {
        return "<doelenboom._core.signals.SignalRules " + std::to_string(r.nodes.size()) + " node settings" +
               (r.source.empty() ? std::string() : " from " + r.source) + ">";
      });

  m.def(
      "evaluate_signals",
      [](const PipelineResult& result, const SignalRules& rules, const Dataset* data, const UnitRegistry* units,
         const PipelineSpec* spec) {
        std::vector<Signal> signals;
        {
          py::gil_scoped_release release;
          signals = evaluate_signals(result, rules, SignalContext{data, units, spec});
        }
        return signal_columns(signals);
      },
      py::arg("result"), py::arg("rules"), py::arg("data") = nullptr, py::arg("units") = nullptr,
      py::arg("spec") = nullptr,
      "Every signal of the rules over a pipeline result, as columns: unit, period, node, rule, severity, value, "
      "reference, difference, statistic, p_value, n, message_nl, message_en.");
}

}  // namespace doelenboom::python
