#include "doelenboom/estimate_intervals.hpp"

#include <cmath>

#include "doelenboom/stats.hpp"

namespace doelenboom {

EstimateIntervals estimate_intervals(const Dataset& data, double confidence) {
  EstimateIntervals out;
  out.confidence = confidence;
  out.z = stats::normal_critical_value(confidence);
  // The blanked columns: a suppressed estimate shows no interval at all.
  const Dataset::ExportColumns columns = data.export_columns();
  const Eigen::Index n = columns.value.size();
  out.low = columns.ci_low;
  out.high = columns.ci_high;
  out.approximate.assign(static_cast<std::size_t>(n), 0U);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double value = columns.value[i];
    const double se = columns.se[i];
    const bool own = !std::isnan(columns.ci_low[i]) && !std::isnan(columns.ci_high[i]);
    if (own || std::isnan(value) || std::isnan(se)) continue;
    out.low[i] = value - out.z * se;
    out.high[i] = value + out.z * se;
    out.approximate[static_cast<std::size_t>(i)] = 1U;
  }
  return out;
}

}  // namespace doelenboom
