// The interval of every estimate (estimate_intervals.hpp) and the normal critical value it uses.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "doelenboom/error.hpp"
#include "doelenboom/estimate_intervals.hpp"
#include "doelenboom/stats.hpp"

namespace db = doelenboom;

namespace {

constexpr double na = std::numeric_limits<double>::quiet_NaN();

db::EstimateRecord estimate(const std::string& unit, double value, double n, double se, double low = na,
                            double high = na) {
  db::EstimateRecord r;
  r.unit = unit;
  r.period = *db::Period::parse("2024");
  r.indicator = "ind";
  r.value = value;
  r.n = n;
  r.se = se;
  r.ci_low = low;
  r.ci_high = high;
  return r;
}

}  // namespace

TEST(NormalCriticalValue, IsTheTwoSidedNormalQuantile) {
  EXPECT_EQ(db::stats::normal_critical_value(0.95), 1.959963984540054);  // the pipeline's z, bit for bit
  EXPECT_NEAR(db::stats::normal_critical_value(0.90), 1.6448536269514722, 1e-14);
  EXPECT_NEAR(db::stats::normal_critical_value(0.99), 2.5758293035489004, 1e-14);
  EXPECT_THROW((void)db::stats::normal_critical_value(1.0), db::DataError);
  EXPECT_THROW((void)db::stats::normal_critical_value(0.0), db::DataError);
  EXPECT_THROW((void)db::stats::normal_critical_value(na), db::DataError);
}

TEST(EstimateIntervals, OwnIntervalElseNormalFromSeFlaggedApproximate) {
  const db::Dataset data = db::Dataset::from_records({
      estimate("a", 0.62, 40, 0.05),             // share without an interval: 0.62 -/+ 1.96 * 0.05
      estimate("b", 0.5, 50, 0.05, 0.41, 0.63),  // its own (Wilson) interval wins over se
      estimate("c", 120, 120, std::sqrt(120.0)),  // a count with its Poisson error
      estimate("d", 0.3, 5, 0.2, 0.1, 0.6),      // n 5 < 10: suppressed, no interval at all
      estimate("e", 0.7, 30, na, 0.6, 0.8),      // its own interval without an se
      estimate("f", 0.8, 30, na),                // neither: none
  });
  const db::EstimateIntervals got = db::estimate_intervals(data, 0.95);
  EXPECT_EQ(got.confidence, 0.95);
  EXPECT_EQ(got.z, 1.959963984540054);
  ASSERT_EQ(got.low.size(), 6);
  ASSERT_EQ(got.approximate.size(), 6U);
  EXPECT_DOUBLE_EQ(got.low[0], 0.5220018007729973);
  EXPECT_DOUBLE_EQ(got.high[0], 0.7179981992270027);
  EXPECT_EQ(got.approximate[0], 1U);
  EXPECT_EQ(got.low[1], 0.41);
  EXPECT_EQ(got.high[1], 0.63);
  EXPECT_EQ(got.approximate[1], 0U);
  EXPECT_DOUBLE_EQ(got.low[2], 98.52967027539411);  // 120 - 1.959963984540054 * sqrt(120)
  EXPECT_DOUBLE_EQ(got.high[2], 141.47032972460588);
  EXPECT_EQ(got.approximate[2], 1U);
  EXPECT_TRUE(std::isnan(got.low[3]) && std::isnan(got.high[3]));
  EXPECT_EQ(got.approximate[3], 0U);
  EXPECT_EQ(got.low[4], 0.6);
  EXPECT_EQ(got.high[4], 0.8);
  EXPECT_EQ(got.approximate[4], 0U);
  EXPECT_TRUE(std::isnan(got.low[5]) && std::isnan(got.high[5]));
  EXPECT_EQ(got.approximate[5], 0U);
  // At 90% the approximate ones narrow; the data's own interval stays as it is.
  const db::EstimateIntervals ninety = db::estimate_intervals(data, 0.90);
  EXPECT_NEAR(ninety.high[0] - ninety.low[0], 2 * 1.6448536269514722 * 0.05, 1e-14);
  EXPECT_EQ(ninety.low[1], 0.41);
  EXPECT_THROW((void)db::estimate_intervals(data, 1.5), db::DataError);
}
