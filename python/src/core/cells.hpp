#pragma once
// Tables of cells (doelenboom/cell_table.hpp) from Python columns, for the estimators' readers:
// a column arrives as a float64 array (numbers), a list or numpy object array of Python objects
// (factorised here), or (codes, categories) as pandas.factorize gives them. Categories become
// texts as the CSV reader would see them: str as it is, a whole float as an int ("123" for
// 123.0, an id column with gaps), anything else as str(). A column of ids that must be texts (the
// data set's) takes str only: another object is a ParseError at its row, as a value that cannot
// be converted. Only conversion happens here: the readers check every cell.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
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

  /// Adds a column named `name` (see the header comment for what `cells` may be); with
  /// `texts_only`, every cell must be a str or missing (None, NaN, pandas' NA).
  void add(std::string name, const py::handle& cells, bool texts_only = false);
};

/// The table of `columns` (name -> cells, in order) with `rows` rows, named `source` in messages;
/// the columns named in `texts_only` take str only.
void fill(PyCells& out, const py::sequence& names, const py::sequence& columns, std::size_t rows, std::string source,
          std::span<const std::string_view> texts_only = {});

/// A category as text: str as it is, a whole float as an int, anything else as str().
std::string cell_text(const py::handle& value);

}  // namespace doelenboom::python
