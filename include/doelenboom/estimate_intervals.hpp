#pragma once
// The interval of every estimate of a Dataset, as reports show them next to the value: the data's
// own interval (ci_low, ci_high) where an estimate has both ends, else the normal interval
// value ∓ z·se at a confidence, flagged approximate (docs/report.md).

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/dataset.hpp"

namespace doelenboom {

/// Per row of a Dataset, in its row order.
struct EstimateIntervals {
  double confidence = 0.95;  ///< of the approximate intervals
  double z = 0.0;            ///< their critical value, stats::normal_critical_value(confidence)
  /// The interval; NaN where there is none. Suppressed rows are blank, as every way out of the
  /// library leaves them (Dataset::export_columns).
  Eigen::VectorXd low, high;
  /// 1 where [low, high] is value ∓ z·se: the estimate lacks an end of its own interval but has
  /// a value and a standard error. 0 where it is the data's own interval (or there is none).
  std::vector<std::uint8_t> approximate;
};

/// The intervals of every estimate of `data` (see EstimateIntervals). Throws DataError for a
/// confidence outside (0, 1).
[[nodiscard]] EstimateIntervals estimate_intervals(const Dataset& data, double confidence = 0.95);

}  // namespace doelenboom
