// Normalisation methods on one hand-computed column: x = 1, 3, 5, 9 and a missing unit, with the
// direction applied first, the derivative that carries standard errors, scopes and errors.

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <vector>

#include "doelenboom/indicator.hpp"
#include "doelenboom/pipeline.hpp"
#include "pipeline_test_util.hpp"

namespace {

using namespace pipeline_test;
namespace db = doelenboom;

db::IndicatorSet definitions(int direction, std::optional<double> norm, std::optional<double> gmin,
                             std::optional<double> gmax) {
  db::IndicatorDefinition d;
  d.id = "x";
  d.label = "x";
  d.measure = db::Measure::count;
  d.direction = direction;
  d.norm = norm;
  d.goalpost_min = gmin;
  d.goalpost_max = gmax;
  return db::IndicatorSet({d});
}

class Normalisation : public ::testing::Test {
 protected:
  // Units u1..u5: 1, 3, 5, 9, missing; each with se 0.8.
  db::Dataset data = [] {
    std::vector<db::EstimateRecord> r;
    const double x[] = {1.0, 3.0, 5.0, 9.0};
    for (int u = 0; u < 4; ++u) r.push_back(rec("u" + std::to_string(u + 1), 2022, "x", x[u], 0.8));
    r.push_back(rec("u5", 2022, "other", 1.0));  // u5 has no value for x
    return db::Dataset::from_records(r);
  }();

  std::vector<double> run(db::Normalise n, int direction = 1, const db::IndicatorSet* defs = nullptr,
                          std::vector<double>* se = nullptr) const {
    const auto tree = flat_tree({{"x", 1.0, direction}});
    db::PipelineSpec spec;
    spec.normalise = n;
    spec.unused_data = db::UnusedData::ignore;  // u5's row comes from "other", outside the tree
    db::RunContext context;
    context.indicators = defs;
    const auto r = db::run_pipeline(tree, data, spec, context);
    std::vector<double> out;
    for (std::size_t row = 0; row < r.rows(); ++row) {
      out.push_back(at(r, r.scores(), row, "x"));
      if (se) se->push_back(at(r, r.standard_errors(), row, "x"));
    }
    return out;
  }
  static db::Normalise method(db::Normalisation m, double low = 0.0, double high = 100.0) {
    db::Normalise n;
    n.method = m;
    n.low = low;
    n.high = high;
    return n;
  }
};

void expect_values(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-12) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "row " << i << ": " << got[i];
    } else {
      EXPECT_NEAR(got[i], want[i], tol) << "row " << i;
    }
  }
}

TEST_F(Normalisation, MinMaxOverTheUnitsWithAValue) {
  // (x - 1) / (9 - 1) * 100; the derivative 100/8 carries se 0.8 to 10.
  std::vector<double> se;
  expect_values(run(method(db::Normalisation::minmax), 1, nullptr, &se), {0.0, 25.0, 50.0, 100.0, na});
  expect_values(se, {10.0, 10.0, 10.0, 10.0, na});
  // Direction -1 first: y = -x, min -9, max -1: (-x + 9) / 8 * 100.
  expect_values(run(method(db::Normalisation::minmax), -1), {100.0, 75.0, 50.0, 0.0, na});
  // To 1..10: (x - 1)/8 * 9 + 1.
  expect_values(run(method(db::Normalisation::minmax, 1.0, 10.0)), {1.0, 3.25, 5.5, 10.0, na});
}

TEST_F(Normalisation, ZScoreWithTheSampleStandardDeviation) {
  // mean 4.5; deviations -3.5, -1.5, 0.5, 4.5; sum of squares 35; sd = sqrt(35/3) (n - 1).
  const double sd = std::sqrt(35.0 / 3.0);
  db::Normalise n = method(db::Normalisation::zscore);
  n.mean = 50.0;
  n.sd = 10.0;
  std::vector<double> se;
  expect_values(run(n, 1, nullptr, &se),
                {50.0 - 35.0 / sd, 50.0 - 15.0 / sd, 50.0 + 5.0 / sd, 50.0 + 45.0 / sd, na});
  expect_values(se, {8.0 / sd, 8.0 / sd, 8.0 / sd, 8.0 / sd, na});  // 0.8 * 10 / sd
}

TEST_F(Normalisation, GoalpostsAreFixedAndNotClamped) {
  // Goalposts 0..4: (x - 0) / 4 * 100, so 5 and 9 lie beyond 100 (no clamping).
  const auto defs = definitions(1, std::nullopt, 0.0, 4.0);
  expect_values(run(method(db::Normalisation::goalposts), 1, &defs), {25.0, 75.0, 125.0, 225.0, na});
  // Direction -1 (from the definition, which beats the tree): (4 - x) / 4 * 100.
  const auto lower = definitions(-1, std::nullopt, 0.0, 4.0);
  std::vector<double> se;
  expect_values(run(method(db::Normalisation::goalposts), 1, &lower, &se), {75.0, 25.0, -25.0, -125.0, na});
  expect_values(se, {20.0, 20.0, 20.0, 20.0, na});  // 0.8 * 100/4
}

TEST_F(Normalisation, DistanceToTheNorm) {
  // Target 7: (x - min) / (7 - min) * 100 = (x - 1)/6 * 100; beyond the target above 100.
  const auto defs = definitions(1, 7.0, std::nullopt, std::nullopt);
  expect_values(run(method(db::Normalisation::distance_to_target), 1, &defs),
                {0.0, 100.0 / 3.0, 200.0 / 3.0, 400.0 / 3.0, na});
  // Lower is better with target 4: y = -x, min y = -9, target -4: (9 - x)/5 * 100.
  const auto lower = definitions(-1, 4.0, std::nullopt, std::nullopt);
  expect_values(run(method(db::Normalisation::distance_to_target), -1, &lower), {160.0, 120.0, 80.0, 0.0, na});
  // A target no better than the worst unit cannot be a distance.
  const auto bad = definitions(1, 1.0, std::nullopt, std::nullopt);
  EXPECT_TRUE(contains(pipeline_error([&] { (void)run(method(db::Normalisation::distance_to_target), 1, &bad); }),
                       "indicator 'x', period 2022: distance_to_target needs the target 1 to be better than the worst unit (1)"));
}

TEST_F(Normalisation, RanksAndPercentileRanksHaveNoFirstOrderError) {
  std::vector<double> se;
  expect_values(run(method(db::Normalisation::rank), 1, nullptr, &se), {1.0, 2.0, 3.0, 4.0, na});
  expect_values(se, {0.0, 0.0, 0.0, 0.0, na});
  expect_values(run(method(db::Normalisation::rank), -1), {4.0, 3.0, 2.0, 1.0, na});
  // (rank - 1)/(n - 1) * 100
  expect_values(run(method(db::Normalisation::percentile_rank)), {0.0, 100.0 / 3.0, 200.0 / 3.0, 100.0, na});
}

TEST(NormalisationRanks, TiesTakeTheLowestRank) {
  const auto tree = flat_tree({{"x"}});
  const auto data = one_column({5.0, 3.0, 5.0, 1.0});
  db::PipelineSpec spec;
  spec.normalise.method = db::Normalisation::rank;
  auto r = db::run_pipeline(tree, data, spec);
  // sorted 1 (u4), 3 (u2), 5, 5 (u1, u3 share rank 3)
  EXPECT_EQ(at(r, r.scores(), 0, "x"), 3.0);
  EXPECT_EQ(at(r, r.scores(), 1, "x"), 2.0);
  EXPECT_EQ(at(r, r.scores(), 2, "x"), 3.0);
  EXPECT_EQ(at(r, r.scores(), 3, "x"), 1.0);
  spec.normalise.method = db::Normalisation::percentile_rank;
  r = db::run_pipeline(tree, data, spec);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "x"), 200.0 / 3.0);  // (3 - 1)/3
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 3, "x"), 0.0);
}

TEST(NormalisationScope, PerPeriodOrOverAllPeriods) {
  const auto tree = flat_tree({{"x"}});
  // u1: 0 (2021), 5 (2022); u2: 10 (2021), 15 (2022).
  const auto data = db::Dataset::from_records(
      {rec("u1", 2021, "x", 0.0), rec("u2", 2021, "x", 10.0), rec("u1", 2022, "x", 5.0), rec("u2", 2022, "x", 15.0)});
  db::PipelineSpec spec;
  auto r = db::run_pipeline(tree, data, spec);
  // rows: u1 2021, u1 2022, u2 2021, u2 2022; per period each year spans 0..100.
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "x"), 0.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 1, "x"), 0.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 2, "x"), 100.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 3, "x"), 100.0);
  spec.normalise.scope = db::NormaliseScope::all_periods;  // min 0, max 15 over both years
  r = db::run_pipeline(tree, data, spec);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "x"), 0.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 1, "x"), 100.0 / 3.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 2, "x"), 200.0 / 3.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 3, "x"), 100.0);
}

TEST(NormalisationScope, ReferenceFixesTheScaleAtOnePeriod) {
  // docs/pipeline.md: the scale of the reference period (default the first) for every period, so
  // that a unit's change is its own and a period added later moves nothing.
  const auto tree = flat_tree({{"x"}});
  std::vector<db::EstimateRecord> records{rec("u1", 2021, "x", 0.0), rec("u2", 2021, "x", 10.0), rec("u1", 2022, "x", 5.0),
                                          rec("u2", 2022, "x", 15.0)};
  db::PipelineSpec spec;
  spec.normalise.scope = db::NormaliseScope::reference;
  auto r = db::run_pipeline(tree, db::Dataset::from_records(records), spec);
  // rows: u1 2021, u1 2022, u2 2021, u2 2022; 2021's min 0 and max 10 map to 0 and 100.
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "x"), 0.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 1, "x"), 50.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 2, "x"), 100.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 3, "x"), 150.0);  // beyond the reference range: not clamped
  // A third period with a new maximum moves none of the earlier scores.
  records.push_back(rec("u1", 2023, "x", 40.0));
  records.push_back(rec("u2", 2023, "x", 2.0));
  const auto later = db::run_pipeline(tree, db::Dataset::from_records(records), spec);
  EXPECT_DOUBLE_EQ(at(later, later.scores(), 1, "x"), 50.0);  // u1 2022 (rows: u1 2021..2023, u2 ...)
  EXPECT_DOUBLE_EQ(at(later, later.scores(), 4, "x"), 150.0);  // u2 2022
  EXPECT_DOUBLE_EQ(at(later, later.scores(), 2, "x"), 400.0);  // u1 2023
  // Another reference period: 2022's 5..15.
  db::RunContext context;
  context.reference_period = *db::Period::parse("2022");
  r = db::run_pipeline(tree, db::Dataset::from_records(records), spec, context);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "x"), -50.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 1, "x"), 0.0);
  context.reference_period = *db::Period::parse("2019");
  EXPECT_TRUE(contains(pipeline_error([&] { (void)db::run_pipeline(tree, db::Dataset::from_records(records), spec, context); }),
                       "reference period 2019 is not a period of the data (periods: 2021, 2022, 2023)"));
}

TEST(NormalisationScope, ReferenceOfAnIndicatorMeasuredLaterAndRankMethods) {
  // x has no values in the reference period 2021: its scale is that of its first period, 2022.
  const auto tree = flat_tree({{"x"}});
  const auto data = db::Dataset::from_records({rec("u1", 2022, "x", 5.0), rec("u2", 2022, "x", 15.0), rec("u1", 2023, "x", 25.0),
                                               rec("u1", 2021, "y", 1.0)});
  db::PipelineSpec spec;
  spec.normalise.scope = db::NormaliseScope::reference;
  spec.unused_data = db::UnusedData::ignore;
  const auto r = db::run_pipeline(tree, data, spec);
  // rows: u1 2021, 2022, 2023, u2 2021, 2022, 2023
  EXPECT_TRUE(std::isnan(at(r, r.scores(), 0, "x")));
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 1, "x"), 0.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 2, "x"), 200.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 4, "x"), 100.0);
  spec.normalise.method = db::Normalisation::percentile_rank;
  const auto problems = spec.check(tree);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_TRUE(contains(problems[0].message, "normalise: percentile_rank has no fixed scale"));
}

TEST(NormalisationErrors, NameIndicatorPeriodAndWhatIsMissing) {
  const auto tree = flat_tree({{"x"}});
  db::PipelineSpec spec;
  const auto constant = one_column({4.0, 4.0, 4.0});
  EXPECT_TRUE(contains(pipeline_error([&] { (void)db::run_pipeline(tree, constant, spec); }),
                       "indicator 'x', period 2022: minmax needs at least two different values, but all 3 units with a value have 4"));
  spec.normalise.method = db::Normalisation::goalposts;
  const auto data = one_column({1.0, 2.0});
  EXPECT_TRUE(contains(pipeline_error([&] { (void)db::run_pipeline(tree, data, spec); }),
                       "goalposts normalisation needs goalpost_min and goalpost_max in the indicator's definition"));
  spec.normalise.method = db::Normalisation::zscore;
  EXPECT_TRUE(contains(pipeline_error([&] { (void)db::run_pipeline(tree, one_column({1.0}), spec); }),
                       "zscore needs at least two units with a value, found 1"));
}

TEST(NormalisationNone, KeepsTheValueTimesTheDirection) {
  const auto tree = flat_tree({{"x", 1.0, -1}});
  const auto r = db::run_pipeline(tree, one_column({2.5, 4.0}), raw_spec());
  EXPECT_EQ(at(r, r.scores(), 0, "x"), -2.5);
  EXPECT_EQ(at(r, r.scores(), 1, "x"), -4.0);
}

}  // namespace
