#pragma once
// Tables of cells (doelenboom/cell_table.hpp) from Python columns, for the estimators' readers:
// a column arrives as a float64 array (numbers), a list or numpy object array of Python objects
// (factorised here), or (codes, categories) as pandas.factorize gives them. Categories become
// texts as the CSV reader would see them: str as it is, a whole float as an int ("123" for
// 123.0, an id column with gaps), anything else as str(). Only conversion happens here: the
// readers check every cell.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "doelenboom/cell_table.hpp"

namespace doelenboom::python {

/// A CellTable and what keeps its spans and texts alive (numpy arrays, codes and texts made here).
/// Not movable: the table points into the members.
struct PyCells {
  CellTable table;
  std::vector<py::object> keep;
  std::deque<std::vector<std::int64_t>> codes;
  std::deque<std::string> texts;

  PyCells() = default;
  PyCells(const PyCells&) = delete;
  PyCells& operator=(const PyCells&) = delete;
  PyCells(PyCells&&) = delete;
  PyCells& operator=(PyCells&&) = delete;
  ~PyCells() = default;

  /// Adds a column named `name` (see the header comment for what `cells` may be).
  void add(std::string name, const py::handle& cells);
};

/// The table of `columns` (name -> cells, in order) with `rows` rows, named `source` in messages.
void fill(PyCells& out, const py::sequence& names, const py::sequence& columns, std::size_t rows, std::string source);

/// A category as text: str as it is, a whole float as an int, anything else as str().
std::string cell_text(const py::handle& value);

}  // namespace doelenboom::python
