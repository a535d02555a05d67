// The statistics kernels of src/stats/kernels.hpp: one type 7 quantile with the two interpolations
// its callers keep, and the median.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "doelenboom/stats.hpp"
#include "stats/kernels.hpp"

namespace {

namespace db = doelenboom;

TEST(StatsKernels, Type7PositionSplitsTheRankIntoIndexAndWeight) {
  const auto at = db::detail::type7_position(5, 0.95);  // h = 3.8
  EXPECT_EQ(at.lo, 3U);
  EXPECT_EQ(at.hi, 4U);
  EXPECT_NEAR(at.t, 0.8, 1e-12);
  const auto top = db::detail::type7_position(5, 1.0);
  EXPECT_EQ(top.lo, 4U);
  EXPECT_EQ(top.hi, 4U);
  EXPECT_EQ(top.t, 0.0);
}

TEST(StatsKernels, SortedQuantileIsWhatTheCheckedQuantilesReturn) {
  const std::vector<double> sorted{0.1, 0.25, 0.7, 1.3, 2.0, 7.5};
  for (const double p : {0.0, 0.05, 0.1, 0.33, 0.5, 0.77, 0.9, 0.95, 1.0}) {
    EXPECT_EQ(db::detail::sorted_quantile(sorted, p), db::stats::quantile(sorted, p)) << p;
    EXPECT_EQ(db::detail::sorted_quantile(sorted, p), db::stats::quantile_type7(sorted, p)) << p;
  }
  EXPECT_TRUE(std::isnan(db::detail::sorted_quantile(std::vector<double>{}, 0.5)));
}

TEST(StatsKernels, InterpolationIsNumpys) {
  // numpy interpolates from the upper point when t >= 0.5 (so t = 1 gives b exactly); below it a + t (b - a).
  EXPECT_EQ(db::detail::type7_interpolate(0.1, 0.7, 0.25), 0.1 + 0.25 * (0.7 - 0.1));
  EXPECT_EQ(db::detail::type7_interpolate(0.1, 0.7, 0.75), 0.7 - (0.7 - 0.1) * 0.25);
  EXPECT_EQ(db::detail::type7_interpolate(0.1, 0.7, 1.0), 0.7);
}

TEST(StatsKernels, MedianOfOddAndEvenCounts) {
  std::vector<double> odd{5, 1, 3};
  EXPECT_EQ(db::detail::median_inplace(odd), 3.0);
  std::vector<double> even{4, 1, 3, 2};
  EXPECT_EQ(db::detail::median_inplace(even), 2.5);
}

}  // namespace
