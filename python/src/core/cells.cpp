// Tables of cells from Python columns (core/cells.hpp).

#include "core/cells.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <pybind11/numpy.h>

#include "core/columns.hpp"
#include "core/objects.hpp"

namespace doelenboom::python {

std::string cell_text(const py::handle& value) {
  if (PyUnicode_Check(value.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(value.ptr(), &size);
    if (data == nullptr) throw py::error_already_set();
    return {data, static_cast<std::size_t>(size)};
  }
  static const py::object floating = py::module_::import("numpy").attr("floating");
  if (PyFloat_Check(value.ptr()) || py::isinstance(value, floating)) {
    const double d = value.cast<double>();
    // Python's int() for a whole float of any size (an int id column with gaps became float).
    if (std::isfinite(d) && d == std::floor(d)) return py::str(py::int_(py::float_(d))).cast<std::string>();
  }
  return py::str(value).cast<std::string>();
}

namespace {

[[noreturn]] void not_a_text(const py::handle& item, std::size_t row, const std::string& field, const std::string& source) {
  throw_problem<ParseError>("bad_value", Location{source, 0, row + 1, field},
                            py::repr(item).cast<std::string>() + " is not a text (expected an id as a string)");
}

}  // namespace

void PyCells::add(std::string name, const py::handle& cells, bool texts_only) {
  CellColumn column;
  column.name = std::move(name);
  const auto texts_of = [&](const std::vector<py::object>& categories) {
    for (std::size_t k = 0; k < categories.size(); ++k) {
      const py::object& c = categories[k];
      if (texts_only && !PyUnicode_Check(c.ptr())) {
        if (none_or_nan(c.ptr())) {  // a missing value among the categories: an empty cell
          column.texts.emplace_back();
          continue;
        }
        // Named at the first row with that category, as a value read row by row would be.
        std::size_t row = 0;
        while (row < column.codes.size() && column.codes[row] != static_cast<std::int64_t>(k)) ++row;
        not_a_text(c, row, column.name, table.source);
      }
      column.texts.emplace_back(texts.emplace_back(cell_text(c)));
    }
  };
  if (py::isinstance<py::tuple>(cells)) {  // (codes, categories) from pandas.factorize
    const auto pair = cells.cast<py::tuple>();
    auto array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(pair[0]);
    if (!array) throw py::error_already_set();
    column.codes = span_of(array, column.name.c_str(), table.source);
    keep.emplace_back(std::move(array));
    std::vector<py::object> categories;
    for (const auto item : pair[1].cast<py::sequence>()) categories.push_back(py::reinterpret_borrow<py::object>(item));
    texts_of(categories);
  } else if (auto items = object_items(py::reinterpret_borrow<py::object>(cells))) {  // Python objects
    Factorizer f;
    f.codes.reserve(items->size);
    for (std::size_t row = 0; row < items->size; ++row) {
      if (!f.add(items->items[row], texts_only, items->from_numpy)) not_a_text(items->items[row], row, column.name, table.source);
    }
    column.codes = codes.emplace_back(std::move(f.codes));
    texts_of(f.categories);
  } else {  // numbers
    auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(cells);
    if (!array) throw py::error_already_set();
    column.numeric = true;
    column.numbers = span_of(array, column.name.c_str(), table.source);
    keep.emplace_back(std::move(array));
    if (texts_only) {  // numbers where ids belong
      const auto& n = column.numbers;
      const auto first = std::find_if(n.begin(), n.end(), [](double x) { return !std::isnan(x); });
      if (first != n.end()) not_a_text(py::float_(*first), static_cast<std::size_t>(first - n.begin()), column.name, table.source);
    }
  }
  table.columns.push_back(std::move(column));
}

void fill(PyCells& out, const py::sequence& names, const py::sequence& columns, std::size_t rows, std::string source,
          std::span<const std::string_view> texts_only) {
  if (names.size() != columns.size()) {
    throw py::value_error(std::to_string(names.size()) + " names for " + std::to_string(columns.size()) +
                          " columns (expected one name per column)");
  }
  out.table.source = std::move(source);
  out.table.rows = rows;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto name = names[i].cast<std::string>();
    const bool texts = std::find(texts_only.begin(), texts_only.end(), name) != texts_only.end();
    out.add(std::move(name), columns[i], texts);
  }
}

}  // namespace doelenboom::python
