#pragma once
// Columns of Python objects (a list, or a numpy object array as pandas gives a text column) and
// their factorisation into codes, for the tables of cells (core/cells.cpp) the estimators' readers
// and Dataset.from_frame take.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "bindings.hpp"

namespace doelenboom::python {

/// A column of Python objects: a list, or a one-dimensional numpy object array (what from_pandas
/// passes for text columns). Items are borrowed from `keep`.
struct ObjectItems {
  py::object keep;
  PyObject* const* items = nullptr;
  std::size_t size = 0;
  bool from_numpy = false;
};

/// The items of a list or a 1-D object array; std::nullopt for anything else (a str, a tuple, an
/// array of another dtype).
std::optional<ObjectItems> object_items(const py::object& value);

/// pandas' own notion of a missing value (pd.NA, NaT, ...), when pandas is loaded; only asked
/// about items that are neither text, None nor NaN.
bool pandas_missing(PyObject* item);

/// None or a float NaN: pandas' missing value in an object column.
bool none_or_nan(PyObject* item);

/// Codes of Python objects in order of first appearance, as pandas.factorize gives them but
/// without its per-object overhead: texts go through a small open-addressing table probed with
/// Python's cached str hash and compared by identity first (pandas keeps one object per distinct
/// text), then by content; other objects through a dict (period columns: int years, Periods).
/// Missing values get -1.
class Factorizer {
 public:
  std::vector<std::int64_t> codes;
  std::vector<py::object> categories;  ///< the first object of each code

  /// Adds one item; returns false for an item that is not a text when only texts are allowed.
  bool add(PyObject* item, bool texts_only, bool ask_pandas);

 private:
  struct Slot {
    PyObject* object = nullptr;
    Py_hash_t hash = 0;
    std::int64_t code = -1;
  };
  std::vector<Slot> slots_ = std::vector<Slot>(64);
  std::size_t texts_ = 0;
  py::dict others_;
  PyObject* last_ = nullptr;
  std::int64_t last_code_ = -1;

  std::int64_t text_code(PyObject* item);
  void grow();
};

}  // namespace doelenboom::python
