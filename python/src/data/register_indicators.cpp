// Indicator definitions for Python: IndicatorDefinition (enums as their text, a scale as a name or
// a (name, min, max) tuple) and IndicatorSet (YAML in and out, lookup by id).

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "doelenboom/indicator.hpp"

namespace doelenboom::python {

namespace {

template <class T, class Parse>
T enum_from(const std::string& text, Parse parse, const char* what, const char* allowed) {
  if (const auto v = parse(text)) return *v;
  throw_problem<ParseError>("bad_value", {}, std::string(what) + " " + squote(text) + " is not one of: " + allowed);
}

py::object optional_double(const std::optional<double>& v) { return v ? py::object(py::float_(*v)) : py::object(py::none()); }

py::object scale_to_python(const std::optional<Scale>& s) {
  if (!s) return py::none();
  return py::make_tuple(s->name, s->min, s->max);
}

// A scale from a name ("likert5") or a (name, min, max) tuple.
std::optional<Scale> scale_from_python(const py::object& value) {
  if (value.is_none()) return std::nullopt;
  if (py::isinstance<py::str>(value)) {
    const auto name = value.cast<std::string>();
    if (auto s = named_scale(name)) return s;
    throw_problem<ParseError>("bad_scale", {},
                              "scale " + squote(name) + " is not a known scale (expected likert5, rapportcijfer, zrm or (name, min, max))");
  }
  const auto t = value.cast<py::sequence>();
  if (t.size() != 3) throw_problem<ParseError>("bad_scale", {}, "a scale is a name or a (name, min, max) tuple");
  return Scale{t[0].cast<std::string>(), t[1].cast<double>(), t[2].cast<double>()};
}

}  // namespace

void register_indicators(py::module_& m) {
  py::class_<IndicatorDefinition>(m, "IndicatorDefinition",
                                  "What an indicator measures, for which pillar, on which scale, and which way is better.")
      .def(py::init([](const std::string& id, const std::string& label, const std::string& pillar, const std::string& kind,
                       const std::string& measure, int direction, double rate_per, const py::object& scale,
                       std::optional<double> norm, std::optional<std::pair<double, double>> goalposts,
                       const std::string& unit, const std::string& description) {
             IndicatorDefinition d;
             d.id = id;
             d.label = label;
             d.pillar = enum_from<Pillar>(pillar, parse_pillar, "pillar",
                                          "reach, satisfaction, goal_attainment (or bereik, tevredenheid, doelrealisatie)");
             d.kind = enum_from<ResultKind>(kind, parse_result_kind, "kind", "output, outcome");
             d.measure = enum_from<Measure>(measure, parse_measure, "measure", "count, rate, proportion, mean, ordinal_change");
             d.direction = direction;
             d.rate_per = rate_per;
             d.scale = scale_from_python(scale);
             d.norm = norm;
             if (goalposts) {
               d.goalpost_min = goalposts->first;
               d.goalpost_max = goalposts->second;
             }
             d.unit_text = unit;
             d.description = description;
             return d;
           }),
           py::arg("id"), py::arg("label"), py::arg("pillar"), py::arg("kind"), py::arg("measure"), py::kw_only(),
           py::arg("direction") = 1, py::arg("rate_per") = 1000.0, py::arg("scale") = py::none(),
           py::arg("norm") = py::none(), py::arg("goalposts") = py::none(), py::arg("unit") = "",
           py::arg("description") = "",
           "A definition; the enums are given as text. It is checked when it joins an IndicatorSet.")
      .def_readonly("id", &IndicatorDefinition::id)
      .def_readonly("label", &IndicatorDefinition::label)
      .def_property_readonly("pillar", [](const IndicatorDefinition& d) { return std::string(to_string(d.pillar)); })
      .def_property_readonly("kind", [](const IndicatorDefinition& d) { return std::string(to_string(d.kind)); })
      .def_property_readonly("measure", [](const IndicatorDefinition& d) { return std::string(to_string(d.measure)); })
      .def_readonly("direction", &IndicatorDefinition::direction)
      .def_readonly("rate_per", &IndicatorDefinition::rate_per)
      .def_property_readonly(
          "scale", [](const IndicatorDefinition& d) { return scale_to_python(d.scale); }, "(name, min, max) or None.")
      .def_property_readonly("norm", [](const IndicatorDefinition& d) { return optional_double(d.norm); })
      .def_property_readonly(
          "goalposts",
          [](const IndicatorDefinition& d) -> py::object {
            if (!d.goalpost_min || !d.goalpost_max) return py::none();
            return py::make_tuple(*d.goalpost_min, *d.goalpost_max);
          },
          "(min, max) or None.")
      .def_readonly("unit", &IndicatorDefinition::unit_text)
      .def_readonly("description", &IndicatorDefinition::description)
      .def_property_readonly(
          "file", [](const IndicatorDefinition& d) { return d.where.file; }, "File it was read from, or ''.")
      .def_property_readonly(
          "line", [](const IndicatorDefinition& d) { return d.where.line; }, "Line it starts on, or 0.")
      .def("valid_range", &IndicatorDefinition::valid_range, "(low, high) a value must lie in.")
      .def(
          "check", [](const IndicatorDefinition& d) { return problems_to_list(d.check()); },
          "Problems of this definition alone, as problem dicts.")
      .def("__eq__", [](const IndicatorDefinition& a, const IndicatorDefinition& b) { return a == b; }, py::is_operator())
      .def("__repr__", [](const IndicatorDefinition& d) {
        return "<IndicatorDefinition '" + d.id + "': " + std::string(to_string(d.measure)) + ", " +
               std::string(to_string(d.pillar)) + ">";
      });

  py::class_<IndicatorSet>(m, "IndicatorSet", "An ordered set of indicator definitions with lookup by id.")
      .def(py::init<>())
      .def(py::init<std::vector<IndicatorDefinition>>(), py::arg("definitions"),
           "Checks every definition and the uniqueness of ids; ParseError lists every problem.")
      .def_static(
          "load_yaml",
          [](const std::filesystem::path& path) {
            py::gil_scoped_release release;
            return IndicatorSet::load_yaml(path);
          },
          py::arg("path"), "Read an indicators YAML file; ParseError lists every problem with file and line.")
      .def_static("from_yaml", [](const std::string& text, const std::string& source) { return IndicatorSet::parse_yaml(text, source); },
                  py::arg("text"), py::arg("source") = "<string>", "Parse indicators YAML text.")
      .def_static(
          "check_yaml_file",
          [](const std::filesystem::path& path) {
            std::vector<Problem> problems;
            {
              py::gil_scoped_release release;
              problems = IndicatorSet::check_yaml_file(path);
            }
            return problems_to_list(problems);
          },
          py::arg("path"), "Every problem of an indicators file as problem dicts, without raising.")
      .def("to_yaml", &IndicatorSet::to_yaml, "YAML text; from_yaml of it gives an equal set.")
      .def("save_yaml", &IndicatorSet::save_yaml, py::arg("path"), "Write the YAML atomically.")
      .def("__len__", &IndicatorSet::size)
      .def_property_readonly("definitions", &IndicatorSet::definitions, "The definitions, in order (copies).")
      .def(
          "ids",
          [](const IndicatorSet& s) {
            py::list out;
            for (const auto& d : s.definitions()) out.append(d.id);
            return out;
          },
          "Ids in order.")
      .def(
          "find", [](const IndicatorSet& s, const std::string& id) -> py::object {
            const auto* d = s.find(id);
            return d == nullptr ? py::object(py::none()) : py::cast(*d);
          },
          py::arg("id"), "The definition of an id, or None.")
      .def(
          "at", [](const IndicatorSet& s, const std::string& id) { return s.at(id); }, py::arg("id"),
          "The definition of an id; DataError naming an unknown id.")
      .def("__contains__", [](const IndicatorSet& s, const std::string& id) { return s.find(id) != nullptr; })
      .def("__eq__", [](const IndicatorSet& a, const IndicatorSet& b) { return a == b; }, py::is_operator())
      .def(py::pickle([](const IndicatorSet& s) { return py::make_tuple(s.to_yaml()); },
                      [](const py::tuple& t) { return IndicatorSet::parse_yaml(t[0].cast<std::string>(), "<pickle>"); }))
      .def("__repr__", [](const IndicatorSet& s) {
        return "<doelenboom._core.data.IndicatorSet with " + std::to_string(s.size()) + " indicators>";
      });

}

}  // namespace doelenboom::python
