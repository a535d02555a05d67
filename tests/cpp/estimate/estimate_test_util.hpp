#pragma once
// Helpers shared by the estimator tests (reach, survey, pre/post): the shared assertions, the 95%
// normal quantile, a context without suppression, the Wilson limits by hand and an estimate's record.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>

#include "doelenboom/dataset.hpp"
#include "doelenboom/period.hpp"
#include "temp_dir.hpp"
#include "test_checks.hpp"

namespace estimate_test {

namespace db = doelenboom;
using doelenboom::testing::error_of;
using doelenboom::testing::expect_close;
using doelenboom::testing::expect_contains;

inline constexpr double z95 = 1.959963984540054;

inline db::DataContext no_suppression() {
  db::DataContext c;
  c.suppression_threshold = 0.0;
  c.small_count_threshold = 0.0;
  return c;
}

// The record of (unit, period, id) in the data set; a test failure (and an empty record) when absent.
inline db::EstimateRecord find_record(const db::Dataset& d, const std::string& unit, const std::string& period,
                                      const std::string& id) {
  const auto row = d.find(unit, *db::Period::parse(period), id);
  if (!row) {
    ADD_FAILURE() << "no estimate " << id;
    return {};
  }
  return d.record(*row);
}

// The Wilson limits from the formula (Newcombe 1998, method 3).
inline std::pair<double, double> wilson_by_hand(double s, double n) {
  const double p = s / n, z2 = z95 * z95;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z95 * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return {centre - half, centre + half};
}

}  // namespace estimate_test
