// The data set of estimates for Python: Dataset from records (dicts), a frame's columns (converted
// by core/cells.hpp, read by Dataset::from_table with the rules of the CSV reader) or a CSV file,
// and out again by column or record, with suppressed rows blanked on every way out.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "core/columns.hpp"
#include "core/periods.hpp"
#include "core/cells.hpp"
#include "doelenboom/cell_table.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::python {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void fail(const std::string& code, Location where, const std::string& what) {
  throw_problem<ParseError>(code, std::move(where), what);
}

// The context objects are Python objects kept alive by the caller for the duration of the call.
DataContext context_from(const py::object& indicators, const py::object& units, double threshold,
                         double small_count) {
  DataContext ctx;
  ctx.indicators = indicators.is_none() ? nullptr : indicators.cast<const IndicatorSet*>();
  ctx.units = units.is_none() ? nullptr : units.cast<const UnitRegistry*>();
  ctx.suppression_threshold = threshold;
  ctx.small_count_threshold = small_count;
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
    fail("wrong_type", Location{source, 0, position + 1, {}}, "a record must be a dict with unit, period, indicator, value");
  }
  const auto d = item.cast<py::dict>();
  for (const char* key : {"unit", "period", "indicator", "value"}) {
    if (!d.contains(key)) fail("missing_key", Location{source, 0, position + 1, key}, "the record has no " + squote(key));
  }
  for (const auto& kv : d) {
    const auto key = py::str(kv.first).cast<std::string>();
    static const std::vector<std::string> known{"unit", "period", "indicator", "value", "n", "se", "ci_low", "ci_high",
                                                "suppressed", "source", "method"};
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      fail("unknown_key", Location{source, 0, position + 1, {}},
           "unknown key " + squote(key) +
               " (expected one of: unit, period, indicator, value, n, se, ci_low, ci_high, suppressed, source, method)");
    }
  }
  EstimateRecord r;
  r.unit = dict_text(d, "unit");
  r.indicator = dict_text(d, "indicator");
  const auto p = period_from_python(d["period"]);
  if (!p) {
    fail("bad_period", Location{source, 0, position + 1, "period"},
         py::repr(d["period"]).cast<std::string>() + " is not a period (" + period_expected + ")");
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

// The columns of a frame whose cells must be str: a CSV cell is always a text, but an int id column
// in a frame is a mistake to report rather than to write out.
constexpr std::string_view id_columns[] = {"unit", "indicator", "source", "method"};

// Dataset.from_frame: the columns converted (core/cells.hpp), then read by the library as a CSV is.
Dataset dataset_from_frame(const py::sequence& names, const py::sequence& cells, std::size_t rows,
                           const py::object& indicators, const py::object& units, double threshold, double small_count,
                           std::string source) {
  PyCells table;
  fill(table, names, cells, rows, std::move(source), id_columns);
  const DataContext ctx = context_from(indicators, units, threshold, small_count);
  // The numpy arrays and texts stay alive (held by `table`) while the GIL is released.
  py::gil_scoped_release release;
  return Dataset::from_table(table.table, ctx);
}

// Dataset.export_columns: codes, dictionaries and the blanked numbers, as numpy arrays and lists.
py::dict export_columns(const Dataset& d) {
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
}

// Construction: from records, columns or a CSV file, and the CSV checks and output.
void bind_dataset_input(py::class_<Dataset>& cls) {
  cls.def(py::init<>())
      .def_static(
          "from_records",
          [](const py::iterable& records, const py::object& indicators, const py::object& units, double threshold,
             double small_count, const std::string& source) {
            std::vector<EstimateRecord> rs;
            std::size_t position = 0;
            for (const auto& item : records) rs.push_back(record_from_dict(item, position++, source));
            const DataContext ctx = context_from(indicators, units, threshold, small_count);
            py::gil_scoped_release release;
            return Dataset::from_records(rs, ctx, source);
          },
          py::arg("records"), py::kw_only(), py::arg("indicators") = py::none(), py::arg("units") = py::none(),
          py::arg("suppression_threshold") = default_suppression_threshold,
          py::arg("small_count_threshold") = default_small_count_threshold, py::arg("source") = "",
          "From dicts with unit, period, indicator, value and optional n, se, ci_low, ci_high, suppressed, source, method.")
      .def_static(
          "from_frame",
          &dataset_from_frame,
          py::arg("names"), py::arg("cells"), py::kw_only(), py::arg("rows"), py::arg("indicators") = py::none(),
          py::arg("units") = py::none(), py::arg("suppression_threshold") = default_suppression_threshold,
          py::arg("small_count_threshold") = default_small_count_threshold,
          py::arg("source") = "DataFrame",
          R"doc(From a frame's columns, read as read_csv reads a file (the same columns, cell rules, checks and
messages; rows numbered from 1, `source` in place of the file). `names` and `cells` are the columns
in order: each cells a float64 array (numbers), a list or object array of Python objects
(factorised here) or (codes, categories) as pandas.factorize returns them (code -1 = missing).
unit, indicator, source and method take str only (None, NaN or pandas' NA = missing); the other
columns' objects read as their text (periods: str, int years, pandas Periods).)doc")
      .def_static(
          "read_csv",
          [](const std::filesystem::path& path, const py::object& indicators, const py::object& units, double threshold,
             double small_count) {
            const DataContext ctx = context_from(indicators, units, threshold, small_count);
            py::gil_scoped_release release;
            return Dataset::read_csv(path, ctx);
          },
          py::arg("path"), py::kw_only(), py::arg("indicators") = py::none(), py::arg("units") = py::none(),
          py::arg("suppression_threshold") = default_suppression_threshold,
          py::arg("small_count_threshold") = default_small_count_threshold,
          "Read a data set CSV; ParseError or DataError list every problem with file, row, field and value.")
      .def_static(
          "check_csv",
          [](const std::filesystem::path& path, const py::object& indicators, const py::object& units, double threshold,
             double small_count) {
            const DataContext ctx = context_from(indicators, units, threshold, small_count);
            std::vector<Problem> problems;
            {
              py::gil_scoped_release release;
              problems = Dataset::check_csv(path, ctx);
            }
            return problems_to_list(problems);
          },
          py::arg("path"), py::kw_only(), py::arg("indicators") = py::none(), py::arg("units") = py::none(),
          py::arg("suppression_threshold") = default_suppression_threshold,
          py::arg("small_count_threshold") = default_small_count_threshold,
          "Every problem of a data set CSV as problem dicts, without raising.")
      .def(
          "write_csv",
          [](const Dataset& d, const std::filesystem::path& path) {
            py::gil_scoped_release release;
            d.write_csv(path);
          },
          py::arg("path"), "Write CSV atomically; suppressed rows have blank numbers and suppressed = 1.");
}

// Access: sizes, dictionaries, the internal views, suppression and the ways out.
void bind_dataset_access(py::class_<Dataset>& cls) {
  using RV = py::return_value_policy;
  cls.def("__len__", &Dataset::size)
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
      .def_property_readonly("small_count_threshold", &Dataset::small_count_threshold)
      .def(
          "apply_suppression",
          [](Dataset& d, double threshold, std::optional<double> small_count) {
            d.apply_suppression(threshold, small_count.value_or(d.small_count_threshold()));
          },
          py::arg("threshold"), py::arg("small_count_threshold") = py::none(),
          "Re-apply the primary rules: n < threshold, a share with fewer than small_count_threshold persons "
          "with or without the property (default: the data set's), or suppressed at the source.")
      .def(
          "export_columns",
          &export_columns,
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
            return d.find(unit, period_argument(period), indicator);
          },
          py::arg("unit"), py::arg("period"), py::arg("indicator"), "Row of (unit, period, indicator), or None.")
      .def("concat", &Dataset::concat, py::arg("other"), "Rows of other appended; DataError for duplicate keys.")
      .def("__repr__", [](const Dataset& d) {
        return "<doelenboom._core.data.Dataset with " + std::to_string(d.size()) + " estimates>";
      });
}

}  // namespace

void register_dataset(py::module_& m) {
  py::class_<Dataset> cls(m, "Dataset", R"doc(Estimates per (unit, period, indicator) with n, se, interval and suppression.

The numeric properties (values, n, se, ci_low, ci_high) are the internal columns as read-only views:
suppressed rows keep their numbers there. Anything shown or saved must go through export_columns(),
record(), export_records() or write_csv(), which blank suppressed rows.)doc");
  bind_dataset_input(cls);
  bind_dataset_access(cls);
}

}  // namespace doelenboom::python
