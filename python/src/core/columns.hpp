#pragma once
// Coded columns between numpy and the estimators: 1-D numpy arrays in (as spans into their
// buffers, no copy when dtype and layout already match), the period dictionary, the views the
// estimators, checks and partials take, and vectors out (as numpy arrays that own them).
// Shared by register_estimates.cpp and register_partial.cpp.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/prepost.hpp"
#include "doelenboom/questionnaire.hpp"
#include "doelenboom/registrations.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::python {

/// A 1-D column as the bindings take it: C-contiguous, converted to T when needed (forcecast).
constexpr auto array_flags = py::array::c_style | py::array::forcecast;
template <class T>
using Array = py::array_t<T, array_flags>;
/// An optional column (None = not recorded).
template <class T>
using OptArray = std::optional<Array<T>>;

/// Throw a DataError with one problem `code` at `field` of `source`: "<source>, field '<field>': <what>".
[[noreturn]] void data_fail(const std::string& code, const std::string& field, const std::string& what,
                            const std::string& source);

/// The buffer of a 1-D column; DataError (code bad_shape) naming source and field otherwise.
template <class T>
std::span<const T> span_of(const Array<T>& a, const char* field, const std::string& source) {
  if (a.ndim() != 1)
    data_fail("bad_shape", field, "the column has " + std::to_string(a.ndim()) + " dimensions (expected a 1-D array)", source);
  return {a.data(), static_cast<std::size_t>(a.size())};
}

/// The buffer of an optional column; empty for None.
template <class T>
std::span<const T> span_of(const OptArray<T>& a, const char* field, const std::string& source) {
  return a ? span_of(*a, field, source) : std::span<const T>{};
}

/// A vector handed to numpy without a copy: the capsule owns it.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v) {
  auto* owned = new std::vector<T>(std::move(v));
  py::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(owned->size())}, {static_cast<py::ssize_t>(sizeof(T))}, owned->data(),
                        owner);
}

/// An optional column of a table: None when the file had no such column (the reader leaves it empty).
template <class T>
py::object column_or_none(std::vector<T>&& v, std::size_t rows) {
  if (v.empty() && rows > 0) return py::none();
  return to_numpy(std::move(v));
}

/// The period of entry `position` of a period dictionary (core/periods.hpp has the rule); DataError
/// (code bad_period, field 'period') naming the position and the value otherwise.
Period period_of(const py::handle& value, std::size_t position, const std::string& source);

/// The period dictionary. Names that denote the same period ("2023-Q2", "2023Q2") are merged; then
/// the codes are rewritten into `remapped` (a copy) and the view must use that instead.
struct Periods {
  std::vector<Period> periods;
  std::vector<std::int32_t> remapped;
  bool merged = false;
};

/// The periods of `names` and, when some were merged, `codes` rewritten (codes out of range stay
/// as they are: the checks report them).
Periods periods_of(const py::sequence& names, std::span<const std::int32_t> codes, const std::string& source);

/// Periods as a list of their text ("2023-Q2").
py::list periods_to_list(const std::vector<Period>& periods);

/// The context of an estimator: the unit registry (may be null) and the suppression threshold.
DataContext context_of(const UnitRegistry* units, double suppression_threshold = default_suppression_threshold,
                       double small_count_threshold = default_small_count_threshold);

/// Pre/post options from the binding arguments (reliability None = not given, NaN).
PrePostOptions prepost_options(std::string prefix, int min_score, int max_score, std::optional<double> reliability,
                               double confidence);

/// A view of numpy columns together with the period codes it may point into. `view.period` points
/// into `remapped` when period names were merged, else into the numpy buffer. Move-only: a moved
/// vector keeps its buffer, so the span stays valid, while a copy would leave it pointing at the
/// original. The numpy arrays must outlive it (the binding's arguments hold them).
template <class View>
struct ColumnView {
  View view;
  std::vector<std::int32_t> remapped;

  ColumnView() = default;
  ColumnView(const ColumnView&) = delete;
  ColumnView& operator=(const ColumnView&) = delete;
  ColumnView(ColumnView&&) noexcept = default;
  ColumnView& operator=(ColumnView&&) noexcept = default;
  ~ColumnView() = default;
};

/// Registrations given by column, as estimate_reach and reach_partial take them.
ColumnView<RegistrationView> registration_view(
    const Array<std::int32_t>& unit, const Array<std::int32_t>& period, const Array<std::uint64_t>& client,
    const OptArray<double>& hours, const OptArray<std::int8_t>& referral, const OptArray<std::int8_t>& referrer_contact,
    const OptArray<std::int32_t>& channel, const OptArray<std::int32_t>& life_domain,
    const OptArray<std::int32_t>& start_day, const OptArray<std::int32_t>& end_day, std::vector<std::string> unit_names,
    const py::sequence& periods, std::vector<std::string> channel_names, std::vector<std::string> life_domain_names,
    std::string source);

/// Questionnaire answers given by column, as check_responses, estimate_survey and survey_partial take them.
ColumnView<ResponseView> response_view(const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
                                       const Array<std::uint64_t>& respondent, const Array<std::int32_t>& item,
                                       const Array<double>& value, const OptArray<std::int32_t>& instrument,
                                       std::vector<std::string> unit_names, const py::sequence& periods,
                                       std::vector<std::string> instrument_names, std::vector<Item> items,
                                       std::string source);

/// Pre/post scores given by column, as check_prepost, estimate_prepost and prepost_partial take them.
ColumnView<PrePostView> prepost_view(const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
                                     const Array<std::uint64_t>& client, const Array<std::int32_t>& domain,
                                     const Array<double>& pre, const Array<double>& post,
                                     std::vector<std::string> unit_names, const py::sequence& periods,
                                     std::vector<std::string> domain_names, std::string source);

}  // namespace doelenboom::python
