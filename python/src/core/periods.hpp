#pragma once
// The one converter of a period given from Python, for every binding that takes periods: Period(),
// a unit's baseline, the data set's records and columns, the estimators' period dictionaries.

#include <optional>

#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "doelenboom/period.hpp"

namespace doelenboom::python {

/// What every "is not a period" message says was expected.
inline constexpr const char* period_expected = "expected a year 2023 or '2023', a quarter '2023-Q2' or a month '2023-05'";

/// The period of a Python value, by one rule: a text ("2023", "2023-Q2", "2023Q2", "2023-05"), an
/// int year (numpy ints too, bools not), a float with a whole value (2023.0: pandas makes a year
/// column with a missing value float), a doelenboom Period, or a pandas Period (read as its text).
/// std::nullopt for anything else: each caller words the error for its input (ParseError for a
/// value read into a Period, a unit or a data set; DataError for an estimator's period names).
[[nodiscard]] std::optional<Period> period_from_python(py::handle value);

/// period_from_python, or a ParseError (code bad_period) naming the value: for a single period
/// argument (Period(), a unit's baseline, Dataset.find).
[[nodiscard]] Period period_argument(py::handle value);

}  // namespace doelenboom::python
