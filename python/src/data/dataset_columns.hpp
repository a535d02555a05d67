#pragma once
// The columns of Dataset.from_columns from Python: text and period columns as codes into their
// distinct values (from pandas.factorize output or factorised here), numbers and flags as views of
// numpy arrays. A value that cannot be converted is a ParseError naming source, row and field.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "doelenboom/period.hpp"

namespace doelenboom::python {

/// A text column: per row a code into `categories` (-1 = missing, read as empty text). From
/// (codes, categories) as pandas.factorize gives them (the codes stay a view of that array), or
/// from a list or object array of str (factorised here). Categories are converted once.
struct TextColumn {
  py::object keep;                // the numpy array `codes` views, when given
  std::vector<std::int64_t> own;  // codes made here
  std::span<const std::int64_t> codes;
  std::vector<std::string> categories;
};

/// The text column `field` of `rows` rows; None is all missing, or a ParseError when `required`.
TextColumn text_column(const py::object& value, const char* field, std::size_t rows, bool required,
                       const std::string& source);

/// Periods by category: each distinct value is converted once (core/periods.hpp); a bad one names
/// its first row.
struct PeriodColumn {
  py::object keep;
  std::vector<std::int64_t> own;
  std::span<const std::int64_t> codes;
  std::vector<Period> periods;  // by code
};

PeriodColumn period_column(const py::object& value, std::size_t rows, const std::string& source);

/// A float64 column as a view of the caller's array (converted once when it is not float64).
struct NumberColumn {
  py::array_t<double> keep;
  std::span<const double> values;  // empty = all missing
};

NumberColumn number_column(const py::object& value, const char* field, std::size_t rows, const std::string& source);

/// The suppressed column as 0/1 bytes; empty for None.
std::vector<std::uint8_t> flag_column(const py::object& value, std::size_t rows, const std::string& source);

}  // namespace doelenboom::python
