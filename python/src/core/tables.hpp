#pragma once
// Result tables as columns for pandas: a dict from column name to a list (or a float64 numpy
// array) with one entry per row, in the order the columns are added. Shared by the compare,
// signal, monitoring and estimator bindings.

#include <cstddef>
#include <functional>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"

namespace doelenboom {
struct KoploperRow;
struct MonitoringSignal;
struct ShiftTableRecord;
struct Signal;
}  // namespace doelenboom

namespace doelenboom::python {

/// Builds the dict of columns of `rows`, one column at a time. `get` is a member pointer or a
/// callable taking a row. The rows must outlive the builder.
template <class Row>
class ColumnDict {
 public:
  explicit ColumnDict(const std::vector<Row>& rows) : rows_(rows) {}

  /// A column as a list of Python objects (str, int, float, ...).
  template <class Get>
  ColumnDict& list(const char* name, Get get) {
    py::list column(rows_.size());
    for (std::size_t i = 0; i < rows_.size(); ++i) column[i] = py::cast(std::invoke(get, rows_[i]));
    out_[name] = column;
    return *this;
  }

  /// A column as a float64 numpy array.
  template <class Get>
  ColumnDict& array(const char* name, Get get) {
    py::array_t<double> column(static_cast<py::ssize_t>(rows_.size()));
    auto values = column.mutable_unchecked<1>();
    for (std::size_t i = 0; i < rows_.size(); ++i) values(static_cast<py::ssize_t>(i)) = std::invoke(get, rows_[i]);
    out_[name] = column;
    return *this;
  }

  /// The columns added so far.
  [[nodiscard]] py::dict dict() const { return out_; }

 private:
  const std::vector<Row>& rows_;
  py::dict out_;
};

/// The text of a row's `period` ("2023-Q2"), for ColumnDict::list.
inline constexpr auto period_text = [](const auto& row) { return row.period.to_string(); };

/// The koploper table: float64 arrays score ... national, then lists unit, node, period, baseline, peers.
py::dict koploper_columns(const std::vector<KoploperRow>& rows);

/// Signals: unit, period, node, rule, severity, value, reference, difference, statistic, p_value, n,
/// message_nl, message_en (lists).
py::dict signal_columns(const std::vector<Signal>& signals);
/// The same with an `area` column after `unit` (empty for the unit itself).
py::dict signal_columns(const std::vector<MonitoringSignal>& signals);

/// Pre/post shift tables as a list of dicts: unit, period, domain, min, max, suppressed, n, improved,
/// same, worse and counts (an int64 matrix, rows pre, columns post). A suppressed table's counts are
/// blanked (None) like the numbers of a suppressed estimate.
py::list shift_dicts(const std::vector<ShiftTableRecord>& shifts);

}  // namespace doelenboom::python
