// The columns of Dataset.from_columns from Python (dataset_columns.hpp).

#include "data/dataset_columns.hpp"

#include <cmath>
#include <optional>
#include <utility>

#include "core/objects.hpp"
#include "core/periods.hpp"

namespace doelenboom::python {

namespace {

[[noreturn]] void fail(const std::string& code, Location where, const std::string& what) {
  throw_problem<ParseError>(code, std::move(where), what);
}

bool is_coded(const py::object& value) {
  return py::isinstance<py::tuple>(value) && py::len(value) == 2 && py::isinstance<py::array>(value.cast<py::tuple>()[0]);
}

py::array_t<std::int64_t> codes_from(const py::object& array, const char* field, const std::string& source) {
  auto a = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(array);
  if (!a || a.ndim() != 1) {
    PyErr_Clear();
    fail("bad_value", Location{source, 0, 0, field}, "the codes must be a one-dimensional integer array");
  }
  return a;
}

[[noreturn]] void not_a_text(py::handle item, std::size_t position, const char* field, const std::string& source) {
  fail("bad_value", Location{source, 0, position + 1, field},
       py::repr(item).cast<std::string>() + " is not a text (expected an id as a string)");
}

std::string text_of(py::handle item) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(item.ptr(), &size);
  if (data == nullptr) throw py::error_already_set();
  return {data, static_cast<std::size_t>(size)};
}

}  // namespace

TextColumn text_column(const py::object& value, const char* field, std::size_t rows, bool required,
                       const std::string& source) {
  TextColumn col;
  if (value.is_none()) {
    if (required) fail("missing_column", Location{source, 0, 0, field}, "the column is required");
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
        fail("bad_value", Location{source, 0, row + 1, field}, "code " + std::to_string(col.codes[row]) + " has no category");
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
    fail("bad_length", Location{source, 0, 0, field},
         "the column has " + std::to_string(col.codes.size()) + " values, expected " + std::to_string(rows));
  }
  return col;
}

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
    fail("bad_length", Location{source, 0, 0, "period"},
         "the column has " + std::to_string(col.codes.size()) + " values, expected " + std::to_string(rows));
  }
  std::vector<std::optional<Period>> parsed;
  parsed.reserve(categories.size());
  bool all_parsed = true;
  for (const auto& c : categories) {
    parsed.push_back(period_from_python(c));
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
    fail("bad_period", Location{source, 0, row + 1, "period"}, shown + " is not a period (" + std::string(period_expected) + ")");
  }
  return col;
}

NumberColumn number_column(const py::object& value, const char* field, std::size_t rows, const std::string& source) {
  NumberColumn col;
  if (value.is_none()) return col;
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(value);
  if (!a || a.ndim() != 1) {
    PyErr_Clear();
    fail("bad_value", Location{source, 0, 0, field}, "the column must be a one-dimensional array of numbers");
  }
  if (static_cast<std::size_t>(a.size()) != rows) {
    fail("bad_length", Location{source, 0, 0, field},
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
    fail("bad_value", Location{source, 0, 0, "suppressed"},
         "the column must be a one-dimensional array of " + std::to_string(rows) + " booleans");
  }
  out.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) out[i] = a.data()[i] ? 1 : 0;
  return out;
}

}  // namespace doelenboom::python
