#pragma once
// How the finalisers of the partials (reach.cpp, survey.cpp, prepost_change.cpp) write their
// estimates: the record of a (unit, period) group, a share with its Wilson interval or a mean with
// its t interval, and the data set of the records in group order. One place, so that every
// estimator fills the fields of an EstimateRecord alike.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "doelenboom/dataset.hpp"
#include "doelenboom/partial.hpp"
#include "doelenboom/stats.hpp"

namespace doelenboom::detail {

/// The record of indicator `indicator` for group `group` (unit * periods + period of the
/// dictionaries), from `source`; value, n, se and interval are the caller's.
inline EstimateRecord group_record(const PartialDictionary<std::string>& units, const PartialDictionary<Period>& periods,
                                   std::size_t group, std::string indicator, const std::string& source) {
  const std::size_t np = periods.names.size();
  EstimateRecord e;
  e.unit = units.names[group / np];
  e.period = periods.names[group % np];
  e.indicator = std::move(indicator);
  e.source = source;
  return e;
}

/// A share with its Wilson interval: value, n, interval and stats::share_standard_error; marked a share,
/// so that the small-count rule applies.
inline void set_wilson(EstimateRecord& e, const stats::Interval& w) {
  e.share = true;
  e.value = w.estimate;
  e.n = w.n;
  e.ci_low = w.low;
  e.ci_high = w.high;
  e.se = stats::share_standard_error(w.estimate, w.n);
}

/// A mean with its t interval: value, standard error and interval (n is the caller's).
inline void set_mean(EstimateRecord& e, const stats::MeanEstimate& m) {
  e.value = m.mean;
  e.se = m.se;
  e.ci_low = m.low;
  e.ci_high = m.high;
}

/// A record waiting for its place among the estimates: `group` as in group_record, `pass` a
/// second key within the group (the survey's estimates over all instruments come before those
/// per instrument).
struct PendingRecord {
  std::size_t group;
  int pass;
  EstimateRecord record;
};

/// The estimates as a data set; they define their own indicator ids, so the context's indicator
/// set does not apply.
inline Dataset estimates_dataset(const std::vector<EstimateRecord>& records, const DataContext& context) {
  DataContext ctx = context;
  ctx.indicators = nullptr;
  return Dataset::from_records(records, ctx);
}

/// The same from pending records: ordered by (group, pass), in the order computed within each.
inline Dataset estimates_dataset(std::vector<PendingRecord>& pending, const DataContext& context) {
  std::stable_sort(pending.begin(), pending.end(), [](const PendingRecord& a, const PendingRecord& b) {
    return a.group != b.group ? a.group < b.group : a.pass < b.pass;
  });
  std::vector<EstimateRecord> out;
  out.reserve(pending.size());
  for (auto& q : pending) out.push_back(std::move(q.record));
  return estimates_dataset(out, context);
}

}  // namespace doelenboom::detail
