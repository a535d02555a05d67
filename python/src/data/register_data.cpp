// Measurement data for Python: Period, IndicatorDefinition / IndicatorSet, Unit / UnitRegistry and
// Dataset. Enums cross as their text ("reach", "proportion", "quarter"); numeric columns leave as
// numpy arrays (the internal ones as read-only views without a copy, the export ones as copies).

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "core/objects.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::python {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::string squote(std::string_view text) { return "'" + std::string(text) + "'"; }

[[noreturn]] void parse_fail(const std::string& code, Location where, const std::string& what) {
  Problem p = make_problem(code, std::move(where), {}, what);
  std::string message = p.message;
  throw ParseError(message, {std::move(p)});
}

// ---------------------------------------------------------------------------------------------
// Enums and small values

Frequency frequency_from(const std::string& text) {
  if (text == "year") return Frequency::year;
  if (text == "quarter") return Frequency::quarter;
  if (text == "month") return Frequency::month;
  parse_fail("bad_value", {}, "frequency " + squote(text) + " is not one of: year, quarter, month");
}

// A period from "2023", "2023-Q2", "2023-05" or an int year; std::nullopt for anything else.
std::optional<Period> period_from_object(py::handle value) {
  if (py::isinstance<py::str>(value)) return Period::parse(value.cast<std::string>());
  if (PyBool_Check(value.ptr())) return std::nullopt;
  if (PyIndex_Check(value.ptr())) {
    const long long year = PyLong_AsLongLong(py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr())).ptr());
    if (PyErr_Occurred()) {
      PyErr_Clear();
      return std::nullopt;
    }
    return Period::parse(std::to_string(year));
  }
  if (PyFloat_Check(value.ptr())) {
    // A year column with a missing value becomes float in pandas (2023.0).
    const double d = PyFloat_AsDouble(value.ptr());
    if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 1e6) return Period::parse(std::to_string(static_cast<long long>(d)));
  }
  return std::nullopt;
}

Period period_or_throw(py::handle value) {
  if (auto p = period_from_object(value)) return *p;
  parse_fail("bad_period", {},
             py::repr(value).cast<std::string>() +
                 " is not a period (expected a year 2023 or '2023', a quarter '2023-Q2' or a month '2023-05')");
}

template <class T, class Parse>
T enum_from(const std::string& text, Parse parse, const char* what, const char* allowed) {
  if (const auto v = parse(text)) return *v;
  parse_fail("bad_value", {}, std::string(what) + " " + squote(text) + " is not one of: " + allowed);
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
    parse_fail("bad_scale", {},
               "scale " + squote(name) + " is not a known scale (expected likert5, rapportcijfer, zrm or (name, min, max))");
  }
  const auto t = value.cast<py::sequence>();
  if (t.size() != 3) parse_fail("bad_scale", {}, "a scale is a name or a (name, min, max) tuple");
  return Scale{t[0].cast<std::string>(), t[1].cast<double>(), t[2].cast<double>()};
}

// ---------------------------------------------------------------------------------------------
// Dataset columns from Python

// A text column: per row a code into `categories` (-1 = missing, read as empty text). From
// (codes, categories) as pandas.factorize gives them (the codes stay a view of that array), or
// from a list or object array of str (factorised here). Categories are converted once.
struct TextColumn {
  py::object keep;                   // the numpy array `codes` views, when given
  std::vector<std::int64_t> own;     // codes made here
  std::span<const std::int64_t> codes;
  std::vector<std::string> categories;
};

bool is_coded(const py::object& value) {
  return py::isinstance<py::tuple>(value) && py::len(value) == 2 && py::isinstance<py::array>(value.cast<py::tuple>()[0]);
}

py::array_t<std::int64_t> codes_from(const py::object& array, const char* field, const std::string& source) {
  auto a = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(array);
  if (!a || a.ndim() != 1) {
    PyErr_Clear();
    parse_fail("bad_value", Location{source, 0, 0, field}, "the codes must be a one-dimensional integer array");
  }
  return a;
}

[[noreturn]] void not_a_text(py::handle item, std::size_t position, const char* field, const std::string& source) {
  parse_fail("bad_value", Location{source, 0, position + 1, field},
             py::repr(item).cast<std::string>() + " is not a text (expected an id as a string)");
}

std::string text_of(py::handle item) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(item.ptr(), &size);
  if (data == nullptr) throw py::error_already_set();
  return {data, static_cast<std::size_t>(size)};
}

TextColumn text_column(const py::object& value, const char* field, std::size_t rows, bool required,
                       const std::string& source) {
  TextColumn col;
  if (value.is_none()) {
    if (required) parse_fail("missing_column", Location{source, 0, 0, field}, "the column is required");
    col.own.assign(rows, -1);
    col.codes = col.own;
    return col;
  }
  const auto convert = [&](py::handle item, std::size_t position) -> std::string {
    if (none_or_nan(item.ptr())) return {};  // pandas' missing value
    if (!py::isinstance<py::str>(item)) not_a_text(item, position, field, source);
    return text_of(item);
  };
  if (is_coded(value)) {
    const auto pair = value.cast<py::tuple>();
    const auto array = codes_from(pair[0], field, source);
    col.keep = array;
    col.codes = {array.data(), static_cast<std::size_t>(array.size())};
    const auto categories = pair[1].cast<py::sequence>();
    col.categories.reserve(categories.size());
    for (std::size_t k = 0; k < categories.size(); ++k) {
      // Name the first row with a bad category, as a row-wise column would.
      try {
        col.categories.push_back(convert(categories[k], 0));
      } catch (const ParseError&) {
        std::size_t row = 0;
        while (row < col.codes.size() && col.codes[row] != static_cast<std::int64_t>(k)) ++row;
        col.categories.push_back(convert(categories[k], row));
      }
    }
    const auto size = static_cast<std::int64_t>(col.categories.size());
    for (std::size_t row = 0; row < col.codes.size(); ++row) {
      if (col.codes[row] < -1 || col.codes[row] >= size) {
        parse_fail("bad_value", Location{source, 0, row + 1, field}, "code " + std::to_string(col.codes[row]) + " has no category");
      }
    }
  } else {
    auto items = object_items(value);
    if (!items) items = object_items(py::list(value.cast<py::sequence>()));
    Factorizer f;
    f.codes.reserve(items->size);
    for (std::size_t row = 0; row < items->size; ++row) {
      if (!f.add(items->items[row], true, items->from_numpy)) not_a_text(items->items[row], row, field, source);
    }
    col.own = std::move(f.codes);
    col.codes = col.own;
    col.categories.reserve(f.categories.size());
    for (const auto& c : f.categories) col.categories.push_back(text_of(c));
  }
  if (col.codes.size() != rows) {
    parse_fail("bad_length", Location{source, 0, 0, field},
               "the column has " + std::to_string(col.codes.size()) + " values, expected " + std::to_string(rows));
  }
  return col;
}

// A period from a category: text, an int or whole float year, or a pandas Period (read as its
// text: "2023", "2023Q2", "2023-05").
std::optional<Period> period_category(py::handle value) {
  if (auto p = period_from_object(value)) return p;
  const auto modules = py::module_::import("sys").attr("modules").cast<py::dict>();
  if (modules.contains("pandas") && py::isinstance(value, modules["pandas"].attr("Period"))) {
    return Period::parse(py::str(value).cast<std::string>());
  }
  return std::nullopt;
}

// Periods by category: each distinct value is parsed once; a bad one names its first row.
struct PeriodColumn {
  py::object keep;
  std::vector<std::int64_t> own;
  std::span<const std::int64_t> codes;
  std::vector<Period> periods;  // by code
};

PeriodColumn period_column(const py::object& value, std::size_t rows, const std::string& source) {
  PeriodColumn col;
  std::vector<py::object> categories;
  if (is_coded(value)) {
    const auto pair = value.cast<py::tuple>();
    const auto array = codes_from(pair[0], "period", source);
    col.keep = array;
    col.codes = {array.data(), static_cast<std::size_t>(array.size())};
    for (auto item : pair[1].cast<py::sequence>()) categories.push_back(py::reinterpret_borrow<py::object>(item));
  } else {
    auto items = object_items(value);
    if (!items) items = object_items(py::list(value.cast<py::sequence>()));
    Factorizer f;
    f.codes.reserve(items->size);
    for (std::size_t row = 0; row < items->size; ++row) f.add(items->items[row], false, items->from_numpy);
    col.own = std::move(f.codes);
    col.codes = col.own;
    categories = std::move(f.categories);
  }
  if (col.codes.size() != rows) {
    parse_fail("bad_length", Location{source, 0, 0, "period"},
               "the column has " + std::to_string(col.codes.size()) + " values, expected " + std::to_string(rows));
  }
  std::vector<std::optional<Period>> parsed;
  parsed.reserve(categories.size());
  bool all_parsed = true;
  for (const auto& c : categories) {
    parsed.push_back(period_category(c));
    all_parsed = all_parsed && parsed.back().has_value();
  }
  col.periods.reserve(parsed.size());
  for (const auto& p : parsed) col.periods.push_back(p.value_or(Period{}));
  const auto size = static_cast<std::int64_t>(parsed.size());
  for (std::size_t row = 0; row < rows; ++row) {
    const auto c = col.codes[row];
    if (c >= 0 && c < size && (all_parsed || parsed[static_cast<std::size_t>(c)])) continue;
    const std::string shown = c < 0 || c >= size ? std::string("a missing value")
                                                 : squote(py::str(categories[static_cast<std::size_t>(c)]).cast<std::string>());
    parse_fail("bad_period", Location{source, 0, row + 1, "period"},
               shown + " is not a period (expected a year 2023 or '2023', a quarter '2023-Q2' or a month '2023-05')");
  }
  return col;
}

// A float64 column as a view of the caller's array (converted once when it is not float64).
struct NumberColumn {
  py::array_t<double> keep;
  std::span<const double> values;  // empty = all missing
};

NumberColumn number_column(const py::object& value, const char* field, std::size_t rows, const std::string& source) {
  NumberColumn col;
  if (value.is_none()) return col;
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(value);
  if (!a || a.ndim() != 1) {
    PyErr_Clear();
    parse_fail("bad_value", Location{source, 0, 0, field}, "the column must be a one-dimensional array of numbers");
  }
  if (static_cast<std::size_t>(a.size()) != rows) {
    parse_fail("bad_length", Location{source, 0, 0, field},
               "the column has " + std::to_string(a.size()) + " values, expected " + std::to_string(rows));
  }
  col.values = {a.data(), static_cast<std::size_t>(a.size())};
  col.keep = std::move(a);
  return col;
}

std::vector<std::uint8_t> flag_column(const py::object& value, std::size_t rows, const std::string& source) {
  std::vector<std::uint8_t> out;
  if (value.is_none()) return out;
  const auto a = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(value);
  if (!a || a.ndim() != 1 || static_cast<std::size_t>(a.size()) != rows) {
    PyErr_Clear();
    parse_fail("bad_value", Location{source, 0, 0, "suppressed"},
               "the column must be a one-dimensional array of " + std::to_string(rows) + " booleans");
  }
  out.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) out[i] = a.data()[i] ? 1 : 0;
  return out;
}

// The context objects are Python objects kept alive by the caller for the duration of the call.
DataContext context_from(const py::object& indicators, const py::object& units, double threshold) {
  DataContext ctx;
  ctx.indicators = indicators.is_none() ? nullptr : indicators.cast<const IndicatorSet*>();
  ctx.units = units.is_none() ? nullptr : units.cast<const UnitRegistry*>();
  ctx.suppression_threshold = threshold;
  return ctx;
}

py::dict record_to_dict(const EstimateRecord& r) {
  py::dict d;
  d["unit"] = r.unit;
  d["period"] = r.period.to_string();
  d["indicator"] = r.indicator;
  d["value"] = r.value;
  d["n"] = r.n;
  d["se"] = r.se;
  d["ci_low"] = r.ci_low;
  d["ci_high"] = r.ci_high;
  d["suppressed"] = r.suppressed;
  d["source"] = r.source;
  d["method"] = r.method;
  return d;
}

double dict_number(const py::dict& d, const char* key) {
  if (!d.contains(key) || d[key].is_none()) return nan;
  return d[key].cast<double>();
}

std::string dict_text(const py::dict& d, const char* key) {
  if (!d.contains(key) || d[key].is_none()) return {};
  return d[key].cast<std::string>();
}

EstimateRecord record_from_dict(const py::handle& item, std::size_t position, const std::string& source) {
  if (!py::isinstance<py::dict>(item)) {
    parse_fail("wrong_type", Location{source, 0, position + 1, {}}, "a record must be a dict with unit, period, indicator, value");
  }
  const auto d = item.cast<py::dict>();
  for (const char* key : {"unit", "period", "indicator", "value"}) {
    if (!d.contains(key)) parse_fail("missing_key", Location{source, 0, position + 1, key}, "the record has no " + squote(key));
  }
  for (const auto& kv : d) {
    const auto key = py::str(kv.first).cast<std::string>();
    static const std::vector<std::string> known{"unit", "period", "indicator", "value", "n", "se", "ci_low", "ci_high",
                                                "suppressed", "source", "method"};
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      parse_fail("unknown_key", Location{source, 0, position + 1, {}},
                 "unknown key " + squote(key) +
                     " (expected one of: unit, period, indicator, value, n, se, ci_low, ci_high, suppressed, source, method)");
    }
  }
  EstimateRecord r;
  r.unit = dict_text(d, "unit");
  r.indicator = dict_text(d, "indicator");
  const auto p = period_from_object(d["period"]);
  if (!p) {
    parse_fail("bad_period", Location{source, 0, position + 1, "period"},
               py::repr(d["period"]).cast<std::string>() +
                   " is not a period (expected a year 2023 or '2023', a quarter '2023-Q2' or a month '2023-05')");
  }
  r.period = *p;
  r.value = dict_number(d, "value");
  r.n = dict_number(d, "n");
  r.se = dict_number(d, "se");
  r.ci_low = dict_number(d, "ci_low");
  r.ci_high = dict_number(d, "ci_high");
  r.suppressed = d.contains("suppressed") && !d["suppressed"].is_none() && d["suppressed"].cast<bool>();
  r.source = dict_text(d, "source");
  r.method = dict_text(d, "method");
  return r;
}

py::array_t<bool> flags_to_numpy(const std::vector<std::uint8_t>& flags) {
  py::array_t<bool> out(static_cast<py::ssize_t>(flags.size()));
  auto* data = out.mutable_data();
  for (std::size_t i = 0; i < flags.size(); ++i) data[i] = flags[i] != 0;
  return out;
}

py::list periods_to_list(const std::vector<Period>& periods) {
  py::list out;
  for (const auto& p : periods) out.append(p.to_string());
  return out;
}

}  // namespace

void register_data(py::module_& m) {
  using RV = py::return_value_policy;

  // ---- Period ----------------------------------------------------------------------------
  py::class_<Period>(m, "Period", "A year ('2023'), quarter ('2023-Q2') or month ('2023-05').")
      .def(py::init([](const py::object& value) { return period_or_throw(value); }), py::arg("value"),
           "From text ('2023', '2023-Q2', '2023Q2', '2023-05') or an int year; ParseError otherwise.")
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
                      [](const py::tuple& t) { return period_or_throw(t[0]); }));

  // ---- Indicators ------------------------------------------------------------------------
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
      .def_static("parse_yaml", [](const std::string& text, const std::string& source) { return IndicatorSet::parse_yaml(text, source); },
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
      .def("to_yaml", &IndicatorSet::to_yaml, "YAML text; parse_yaml of it gives an equal set.")
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
        return "<doelenboom._core.IndicatorSet with " + std::to_string(s.size()) + " indicators>";
      });

  // ---- Units -----------------------------------------------------------------------------
  m.def("cbs_size_class", &cbs_size_class, py::arg("population"),
        "CBS size class of a population ('< 5 000' .. '>= 250 000'; lower bound inclusive), '' for NaN.");
  m.def("cbs_size_class_bounds", &cbs_size_class_bounds, "The class boundaries in inhabitants.");

  py::class_<Unit>(m, "Unit", "A gemeente, provider or area that data are about.")
      .def(py::init([](const std::string& id, const std::string& name, const std::string& type, const std::string& parent,
                       const std::string& cbs_code, const std::string& province, double population, double land_area_km2,
                       std::map<std::string, std::string> labels, const py::object& baseline) {
             Unit u;
             u.id = id;
             u.name = name;
             u.type = type;
             u.parent = parent;
             u.cbs_code = cbs_code;
             u.province = province;
             u.population = population;
             u.land_area_km2 = land_area_km2;
             u.labels = std::move(labels);
             if (!baseline.is_none()) u.baseline = period_or_throw(baseline);
             return u;
           }),
           py::arg("id"), py::arg("name"), py::kw_only(), py::arg("type") = "gemeente", py::arg("parent") = "",
           py::arg("cbs_code") = "", py::arg("province") = "", py::arg("population") = nan, py::arg("land_area_km2") = nan,
           py::arg("labels") = std::map<std::string, std::string>{}, py::arg("baseline") = py::none(),
           "A unit; checked when it joins a UnitRegistry.")
      .def_readonly("id", &Unit::id)
      .def_readonly("name", &Unit::name)
      .def_readonly("type", &Unit::type)
      .def_readonly("parent", &Unit::parent)
      .def_readonly("cbs_code", &Unit::cbs_code)
      .def_readonly("province", &Unit::province)
      .def_readonly("population", &Unit::population)
      .def_readonly("land_area_km2", &Unit::land_area_km2)
      .def_readonly("labels", &Unit::labels, "Peer-group labels (a copy).")
      .def_readonly("baseline", &Unit::baseline, "The baseline period (nulmeting) or None.")
      .def_property_readonly("size_class", &Unit::size_class, "CBS size class of the population.")
      .def("attribute", &Unit::attribute, py::arg("key"),
           "An attribute by name (id, name, type, parent, cbs_code, province, size_class, baseline or a label), or None.")
      .def("numeric_attribute", &Unit::numeric_attribute, py::arg("key"),
           "A numeric attribute (population, land_area_km2 or a label holding a number), or None.")
      .def("__repr__", [](const Unit& u) { return "<Unit '" + u.id + "' " + u.name + ">"; });

  py::class_<UnitRegistry>(m, "UnitRegistry", "The units data are about, with lookup by id and name.")
      .def(py::init<>())
      .def(py::init<std::vector<Unit>>(), py::arg("units"), "Checks the units; DataError lists every problem.")
      .def_static(
          "load_gemeenten_csv",
          [](const std::filesystem::path& path) {
            py::gil_scoped_release release;
            return UnitRegistry::load_gemeenten_csv(path);
          },
          py::arg("path"), "Read the gemeenten list (gm_code, name, province, population, land_area_km2).")
      .def_static(
          "load_csv",
          [](const std::filesystem::path& path) {
            py::gil_scoped_release release;
            return UnitRegistry::load_csv(path);
          },
          py::arg("path"), "Read a units CSV (id, name and optional type, parent, cbs_code, ...; other columns are labels).")
      .def("save_csv", &UnitRegistry::save_csv, py::arg("path"), "Write the load_csv format atomically.")
      .def("__len__", &UnitRegistry::size)
      .def_property_readonly("units", &UnitRegistry::units, "The units in order (copies).")
      .def(
          "ids",
          [](const UnitRegistry& r) {
            py::list out;
            for (const auto& u : r.units()) out.append(u.id);
            return out;
          },
          "Ids in order.")
      .def(
          "find",
          [](const UnitRegistry& r, const std::string& id) -> py::object {
            const auto* u = r.find(id);
            return u == nullptr ? py::object(py::none()) : py::cast(*u);
          },
          py::arg("id"), "The unit of an id, or None.")
      .def(
          "at", [](const UnitRegistry& r, const std::string& id) { return r.at(id); }, py::arg("id"),
          "The unit of an id; DataError naming an unknown id.")
      .def(
          "find_by_name",
          [](const UnitRegistry& r, const std::string& name) -> py::object {
            const auto* u = r.find_by_name(name);
            return u == nullptr ? py::object(py::none()) : py::cast(*u);
          },
          py::arg("name"), "The unit with this name, or None.")
      .def("__contains__", [](const UnitRegistry& r, const std::string& id) { return r.find(id) != nullptr; })
      .def("subset", &UnitRegistry::subset, py::arg("ids"), "The units with these ids, in this order.")
      .def(
          "set_baseline",
          [](UnitRegistry& r, const std::string& id, const py::object& period) { r.set_baseline(id, period_or_throw(period)); },
          py::arg("id"), py::arg("period"), "Mark the baseline period (nulmeting) of a unit.")
      .def(
          "to_columns",
          [](const UnitRegistry& r) {
            const auto& units = r.units();
            const auto count = static_cast<py::ssize_t>(units.size());
            py::list id, name, type, parent, cbs, province, size_class, baseline;
            py::array_t<double> population(count);
            py::array_t<double> area(count);
            std::map<std::string, py::list> labels;
            for (const auto& u : units) {
              for (const auto& [k, v] : u.labels) labels.emplace(k, py::list());
            }
            for (std::size_t i = 0; i < units.size(); ++i) {
              const Unit& u = units[i];
              id.append(u.id);
              name.append(u.name);
              type.append(u.type);
              parent.append(u.parent);
              cbs.append(u.cbs_code);
              province.append(u.province);
              size_class.append(u.size_class());
              baseline.append(u.baseline ? py::object(py::str(u.baseline->to_string())) : py::object(py::none()));
              population.mutable_data()[i] = u.population;
              area.mutable_data()[i] = u.land_area_km2;
              for (auto& [k, list] : labels) {
                const auto it = u.labels.find(k);
                list.append(it == u.labels.end() ? py::object(py::none()) : py::object(py::str(it->second)));
              }
            }
            py::dict out;
            out["id"] = id;
            out["name"] = name;
            out["type"] = type;
            out["parent"] = parent;
            out["cbs_code"] = cbs;
            out["province"] = province;
            out["population"] = population;
            out["land_area_km2"] = area;
            out["size_class"] = size_class;
            out["baseline"] = baseline;
            py::dict label_columns;
            for (auto& [k, list] : labels) label_columns[py::str(k)] = list;
            out["labels"] = label_columns;
            return out;
          },
          "Columns for pandas: lists and float64 arrays; 'labels' maps each label name to a column (None = no label).")
      .def("__repr__", [](const UnitRegistry& r) {
        return "<doelenboom._core.UnitRegistry with " + std::to_string(r.size()) + " units>";
      });

  // ---- Dataset ---------------------------------------------------------------------------
  py::class_<Dataset>(m, "Dataset", R"doc(Estimates per (unit, period, indicator) with n, se, interval and suppression.

The numeric properties (values, n, se, ci_low, ci_high) are the internal columns as read-only views:
suppressed rows keep their numbers there. Anything shown or saved must go through export_columns(),
record(), export_records() or write_csv(), which blank suppressed rows.)doc")
      .def(py::init<>())
      .def_static(
          "from_records",
          [](const py::iterable& records, const py::object& indicators, const py::object& units, double threshold,
             const std::string& source) {
            std::vector<EstimateRecord> rs;
            std::size_t position = 0;
            for (const auto& item : records) rs.push_back(record_from_dict(item, position++, source));
            const DataContext ctx = context_from(indicators, units, threshold);
            py::gil_scoped_release release;
            return Dataset::from_records(rs, ctx, source);
          },
          py::arg("records"), py::kw_only(), py::arg("indicators") = py::none(), py::arg("units") = py::none(),
          py::arg("suppression_threshold") = default_suppression_threshold, py::arg("source") = "",
          "From dicts with unit, period, indicator, value and optional n, se, ci_low, ci_high, suppressed, source, method.")
      .def_static(
          "from_columns",
          [](const py::object& unit, const py::object& period, const py::object& indicator, const py::object& value,
             const py::object& n, const py::object& se, const py::object& ci_low, const py::object& ci_high,
             const py::object& suppressed, const py::object& source_column, const py::object& method,
             const py::object& indicators, const py::object& units, double threshold, const std::string& source) {
            const std::size_t rows = static_cast<std::size_t>(py::len(value));
            const auto values = number_column(value, "value", rows, source);
            const auto unit_col = text_column(unit, "unit", rows, true, source);
            const auto indicator_col = text_column(indicator, "indicator", rows, true, source);
            const auto source_col = text_column(source_column, "source", rows, false, source);
            const auto method_col = text_column(method, "method", rows, false, source);
            const auto periods = period_column(period, rows, source);
            const auto ns = number_column(n, "n", rows, source);
            const auto ses = number_column(se, "se", rows, source);
            const auto lows = number_column(ci_low, "ci_low", rows, source);
            const auto highs = number_column(ci_high, "ci_high", rows, source);
            const auto flags = flag_column(suppressed, rows, source);
            const DataContext ctx = context_from(indicators, units, threshold);
            EstimateColumns columns;
            const auto text = [](const TextColumn& c) { return EstimateColumns::Text{c.codes, c.categories}; };
            columns.unit = text(unit_col);
            columns.indicator = text(indicator_col);
            columns.source = text(source_col);
            columns.method = text(method_col);
            columns.period_codes = periods.codes;
            columns.periods = periods.periods;
            columns.value = values.values;
            columns.n = ns.values;
            columns.se = ses.values;
            columns.ci_low = lows.values;
            columns.ci_high = highs.values;
            columns.suppressed = flags;
            // The numpy arrays stay alive (held above) while the GIL is released.
            py::gil_scoped_release release;
            return Dataset::from_columns(columns, ctx, source);
          },
          py::arg("unit"), py::arg("period"), py::arg("indicator"), py::arg("value"), py::kw_only(),
          py::arg("n") = py::none(), py::arg("se") = py::none(), py::arg("ci_low") = py::none(),
          py::arg("ci_high") = py::none(), py::arg("suppressed") = py::none(), py::arg("source") = py::none(),
          py::arg("method") = py::none(), py::arg("indicators") = py::none(), py::arg("units") = py::none(),
          py::arg("suppression_threshold") = default_suppression_threshold, py::arg("source_name") = "",
          R"doc(From columns: `value`, `n`, `se`, `ci_low`, `ci_high` are float arrays (None = all missing),
`suppressed` a bool array; `unit`, `indicator`, `source`, `method` are lists or object arrays of
str (None, NaN or pandas' NA = missing; factorised here) or (codes, categories) as
pandas.factorize returns them (code -1 = missing); `period` likewise, with str, int-year or
pandas Period values. The arrays are read in place (no copy) by Dataset::from_columns, which
checks codes rather than strings. Rows are numbered from 1 in messages; `source_name` names the
data.)doc")
      .def_static(
          "read_csv",
          [](const std::filesystem::path& path, const py::object& indicators, const py::object& units, double threshold) {
            const DataContext ctx = context_from(indicators, units, threshold);
            py::gil_scoped_release release;
            return Dataset::read_csv(path, ctx);
          },
          py::arg("path"), py::kw_only(), py::arg("indicators") = py::none(), py::arg("units") = py::none(),
          py::arg("suppression_threshold") = default_suppression_threshold,
          "Read a data set CSV; ParseError or DataError list every problem with file, row, field and value.")
      .def_static(
          "check_csv",
          [](const std::filesystem::path& path, const py::object& indicators, const py::object& units, double threshold) {
            const DataContext ctx = context_from(indicators, units, threshold);
            std::vector<Problem> problems;
            {
              py::gil_scoped_release release;
              problems = Dataset::check_csv(path, ctx);
            }
            return problems_to_list(problems);
          },
          py::arg("path"), py::kw_only(), py::arg("indicators") = py::none(), py::arg("units") = py::none(),
          py::arg("suppression_threshold") = default_suppression_threshold,
          "Every problem of a data set CSV as problem dicts, without raising.")
      .def(
          "write_csv",
          [](const Dataset& d, const std::filesystem::path& path) {
            py::gil_scoped_release release;
            d.write_csv(path);
          },
          py::arg("path"), "Write CSV atomically; suppressed rows have blank numbers and suppressed = 1.")
      .def("__len__", &Dataset::size)
      .def_property_readonly("units", &Dataset::units, "Distinct unit ids in order of first appearance.")
      .def_property_readonly(
          "periods", [](const Dataset& d) { return periods_to_list(d.periods()); }, "Distinct periods as text, sorted.")
      .def_property_readonly("indicators", &Dataset::indicators, "Distinct indicator ids in order of first appearance.")
      .def_property_readonly("sources", &Dataset::sources, "Distinct sources.")
      .def_property_readonly("methods", &Dataset::methods, "Distinct methods.")
      .def_property_readonly("frequency",
                             [](const Dataset& d) -> py::object {
                               if (d.periods().empty()) return py::none();
                               return py::str(std::string(to_string(d.periods().front().frequency)));
                             },
                             "'year', 'quarter', 'month', or None when empty.")
      .def_property_readonly("unit_codes", &Dataset::unit_codes, RV::reference_internal, "int32 view: index into units.")
      .def_property_readonly("period_codes", &Dataset::period_codes, RV::reference_internal, "int32 view: index into periods.")
      .def_property_readonly("indicator_codes", &Dataset::indicator_codes, RV::reference_internal,
                             "int32 view: index into indicators.")
      .def_property_readonly("source_codes", &Dataset::source_codes, RV::reference_internal, "int32 view: index into sources.")
      .def_property_readonly("method_codes", &Dataset::method_codes, RV::reference_internal, "int32 view: index into methods.")
      .def_property_readonly("values", &Dataset::values, RV::reference_internal,
                             "Internal float64 view (suppressed rows NOT blanked; use export_columns for output).")
      .def_property_readonly("n", &Dataset::n, RV::reference_internal, "Internal float64 view of n (not blanked).")
      .def_property_readonly("se", &Dataset::se, RV::reference_internal, "Internal float64 view of se (not blanked).")
      .def_property_readonly("ci_low", &Dataset::ci_low, RV::reference_internal, "Internal float64 view (not blanked).")
      .def_property_readonly("ci_high", &Dataset::ci_high, RV::reference_internal, "Internal float64 view (not blanked).")
      .def_property_readonly(
          "suppressed", [](const Dataset& d) { return flags_to_numpy(d.suppressed()); }, "bool array (a copy).")
      .def_property_readonly("suppressed_count", &Dataset::suppressed_count)
      .def_property_readonly("suppression_threshold", &Dataset::suppression_threshold)
      .def("apply_suppression", &Dataset::apply_suppression, py::arg("threshold"),
           "Re-apply a threshold: n < threshold (or suppressed at the source) is suppressed.")
      .def(
          "export_columns",
          [](const Dataset& d) {
            Dataset::ExportColumns c;
            {
              py::gil_scoped_release release;
              c = d.export_columns();
            }
            py::dict out;
            out["unit_codes"] = d.unit_codes();
            out["units"] = d.units();
            out["period_codes"] = d.period_codes();
            out["periods"] = periods_to_list(d.periods());
            out["indicator_codes"] = d.indicator_codes();
            out["indicators"] = d.indicators();
            out["source_codes"] = d.source_codes();
            out["sources"] = d.sources();
            out["method_codes"] = d.method_codes();
            out["methods"] = d.methods();
            out["value"] = std::move(c.value);
            out["n"] = std::move(c.n);
            out["se"] = std::move(c.se);
            out["ci_low"] = std::move(c.ci_low);
            out["ci_high"] = std::move(c.ci_high);
            out["suppressed"] = flags_to_numpy(d.suppressed());
            return out;
          },
          R"doc(The data as they may leave the library, by column (copies): codes and dictionaries for unit,
period, indicator, source, method; value, n, se, ci_low, ci_high blanked (NaN) where suppressed;
suppressed as a bool array.)doc")
      .def(
          "record", [](const Dataset& d, std::size_t row) { return record_to_dict(d.record(row)); }, py::arg("row"),
          "One row as a dict, numbers blanked when suppressed; IndexError beyond the end.")
      .def(
          "export_records",
          [](const Dataset& d) {
            py::list out;
            for (const auto& r : d.export_records()) out.append(record_to_dict(r));
            return out;
          },
          "All rows as dicts, numbers blanked when suppressed.")
      .def(
          "find",
          [](const Dataset& d, const std::string& unit, const py::object& period, const std::string& indicator) {
            return d.find(unit, period_or_throw(period), indicator);
          },
          py::arg("unit"), py::arg("period"), py::arg("indicator"), "Row of (unit, period, indicator), or None.")
      .def("concat", &Dataset::concat, py::arg("other"), "Rows of other appended; DataError for duplicate keys.")
      .def("__repr__", [](const Dataset& d) {
        return "<doelenboom._core.Dataset with " + std::to_string(d.size()) + " estimates>";
      });
}

}  // namespace doelenboom::python
