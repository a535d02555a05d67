// Aggregation methods on small hand-computed cases, missing children and coverage, several
// parents, methods mixed within a level, and weights (equal, overrides).

#include <gtest/gtest.h>

#include <cmath>

#include "doelenboom/pipeline.hpp"
#include "pipeline_test_util.hpp"

namespace {

using namespace pipeline_test;
namespace db = doelenboom;

// top over a (weight 1), b (weight 2), c (weight 1): normalised weights 1/4, 1/2, 1/4;
// values a = 4, b = 9, c = 1 in one row, normalisation none.
struct AggregationThreeChildren : ::testing::Test {
  db::GoalTree tree = flat_tree({{"a", 1.0}, {"b", 2.0}, {"c", 1.0}});
  db::Dataset data = one_row({{"a", 4.0}, {"b", 9.0}, {"c", 1.0}});

  db::PipelineResult run(db::Aggregation method) const { return db::run_pipeline(tree, data, raw_spec(method)); }
  static double gradient(const db::PipelineResult& r, Eigen::Index child) {
    return r.local_gradient(r.tree().index_of("top"))(0, child);
  }
};

TEST_F(AggregationThreeChildren, Arithmetic) {
  const auto r = run(db::Aggregation::arithmetic);
  // (1*4 + 2*9 + 1*1) / 4 = 23/4
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "top"), 5.75);
  // d/dx_j = w_j / W: 1/4, 1/2, 1/4
  EXPECT_DOUBLE_EQ(gradient(r, 0), 0.25);
  EXPECT_DOUBLE_EQ(gradient(r, 1), 0.5);
  EXPECT_DOUBLE_EQ(gradient(r, 2), 0.25);
  EXPECT_DOUBLE_EQ(at(r, r.coverage(), 0, "top"), 1.0);
}

TEST_F(AggregationThreeChildren, Geometric) {
  const auto r = run(db::Aggregation::geometric);
  // exp((ln 4 + 2 ln 9 + ln 1)/4) = (4 * 81 * 1)^(1/4) = 324^(1/4) = sqrt(18)
  const double s = std::sqrt(18.0);
  EXPECT_NEAR(at(r, r.scores(), 0, "top"), s, 1e-14);
  // d/dx_j = S w_j / (W x_j): S/16, S/18, S/4
  EXPECT_NEAR(gradient(r, 0), s * 0.25 / 4.0, 1e-14);
  EXPECT_NEAR(gradient(r, 1), s * 0.5 / 9.0, 1e-14);
  EXPECT_NEAR(gradient(r, 2), s * 0.25 / 1.0, 1e-14);
}

TEST_F(AggregationThreeChildren, Harmonic) {
  const auto r = run(db::Aggregation::harmonic);
  // 1 / (0.25/4 + 0.5/9 + 0.25/1) = 1 / (5/16 + 1/18) = 1 / (53/144) = 144/53
  const double h = 144.0 / 53.0;
  EXPECT_NEAR(at(r, r.scores(), 0, "top"), h, 1e-14);
  // d/dx_j = H^2 w_j / (W x_j^2)
  EXPECT_NEAR(gradient(r, 0), h * h * 0.25 / 16.0, 1e-14);
  EXPECT_NEAR(gradient(r, 1), h * h * 0.5 / 81.0, 1e-14);
  EXPECT_NEAR(gradient(r, 2), h * h * 0.25 / 1.0, 1e-14);
}

TEST_F(AggregationThreeChildren, MinimumIsTheWeakestLink) {
  const auto r = run(db::Aggregation::minimum);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "top"), 1.0);  // c
  EXPECT_EQ(gradient(r, 0), 0.0);
  EXPECT_EQ(gradient(r, 1), 0.0);
  EXPECT_EQ(gradient(r, 2), 1.0);
}

TEST_F(AggregationThreeChildren, MedianOfAnOddNumber) {
  const auto r = run(db::Aggregation::median);
  // sorted 1, 4, 9: the middle one is a = 4 (weights do not count)
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "top"), 4.0);
  EXPECT_EQ(gradient(r, 0), 1.0);
  EXPECT_EQ(gradient(r, 1), 0.0);
  EXPECT_EQ(gradient(r, 2), 0.0);
}

TEST(Aggregation, MedianOfAnEvenNumberAveragesTheMiddleTwo) {
  const auto tree = flat_tree({{"a"}, {"b"}, {"c"}, {"d"}});
  const auto data = one_row({{"a", 4.0}, {"b", 9.0}, {"c", 1.0}, {"d", 6.0}});
  const auto r = db::run_pipeline(tree, data, raw_spec(db::Aggregation::median));
  // sorted 1, 4, 6, 9: (4 + 6) / 2 = 5, gradient 1/2 on a and d
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "top"), 5.0);
  const auto& g = r.local_gradient(tree.index_of("top"));
  EXPECT_EQ(g(0, 0), 0.5);
  EXPECT_EQ(g(0, 1), 0.0);
  EXPECT_EQ(g(0, 2), 0.0);
  EXPECT_EQ(g(0, 3), 0.5);
}

TEST(Aggregation, GeometricMeanOfAZeroIsAnErrorNamingNodeUnitPeriodAndValue) {
  const auto tree = flat_tree({{"a"}, {"b"}});
  const auto data = one_row({{"a", 0.0}, {"b", 9.0}});
  const std::string message = pipeline_error([&] { (void)db::run_pipeline(tree, data, raw_spec(db::Aggregation::geometric)); });
  EXPECT_TRUE(contains(message, "node 'top', unit 'u', period 2022: the geometric mean needs positive children, but 'a' is 0"));
  EXPECT_TRUE(contains(message, "low > 0"));
  const std::string harmonic = pipeline_error([&] { (void)db::run_pipeline(tree, data, raw_spec(db::Aggregation::harmonic)); });
  EXPECT_TRUE(contains(harmonic, "the harmonic mean needs positive children, but 'a' is 0"));
}

TEST(Aggregation, MinMaxZeroToHundredAlwaysHasAZeroSoGeometricNeedsAPositiveRange) {
  const auto tree = flat_tree({{"a"}, {"b"}});
  std::vector<db::EstimateRecord> records;
  for (int u = 0; u < 3; ++u) {
    records.push_back(rec("u" + std::to_string(u), 2022, "a", 1.0 + u));
    records.push_back(rec("u" + std::to_string(u), 2022, "b", 5.0 - u * u));
  }
  const auto data = db::Dataset::from_records(records);
  db::PipelineSpec spec;
  spec.aggregate.method = db::Aggregation::geometric;
  // a is 0 for u0 (its minimum), b is 0 for u2: one problem each.
  const std::string message = pipeline_error([&] { (void)db::run_pipeline(tree, data, spec); });
  EXPECT_TRUE(contains(message, "unit 'u0', period 2022: the geometric mean needs positive children, but 'a' is 0"));
  EXPECT_TRUE(contains(message, "unit 'u2', period 2022: the geometric mean needs positive children, but 'b' is 0"));
  spec.normalise.low = 1.0;  // 1..100: fine
  const auto r = db::run_pipeline(tree, data, spec);
  // u1: a = (2 - 1)/(3 - 1) * 99 + 1 = 50.5; b (5, 4, 1) = (4 - 1)/(5 - 1) * 99 + 1 = 75.25
  EXPECT_NEAR(at(r, r.scores(), 1, "top"), std::sqrt(50.5 * 75.25), 1e-12);
}

// Missing children: renormalisation over the present ones, the threshold and the coverage.
class AggregationCoverage : public ::testing::Test {
 protected:
  // Four children of weight 1: a = 2, b = 4, c and d missing, so coverage = 1/4 + 1/4 = 0.5.
  db::GoalTree tree = flat_tree({{"a"}, {"b"}, {"c"}, {"d"}});
  db::Dataset data = one_row({{"a", 2.0}, {"b", 4.0}, {"c", na}, {"d", 6.0}});
  db::Dataset data2 = db::Dataset::from_records({rec("u", 2022, "a", 2.0), rec("u", 2022, "b", 4.0)});

  double top(double min_coverage, db::Aggregation method = db::Aggregation::arithmetic) const {
    const auto r = db::run_pipeline(tree, data2, raw_spec(method, min_coverage));
    return at(r, r.scores(), 0, "top");
  }
};

TEST_F(AggregationCoverage, RenormalisesOverThePresentChildren) {
  // (2 + 4) / 2 = 3, not (2 + 4 + 0 + 0) / 4
  EXPECT_DOUBLE_EQ(top(0.5), 3.0);
  EXPECT_DOUBLE_EQ(top(0.5, db::Aggregation::geometric), std::sqrt(8.0));
  EXPECT_DOUBLE_EQ(top(0.5, db::Aggregation::harmonic), 2.0 / (0.5 + 0.25));  // 8/3
  EXPECT_DOUBLE_EQ(top(0.5, db::Aggregation::minimum), 2.0);
  EXPECT_DOUBLE_EQ(top(0.5, db::Aggregation::median), 3.0);
}

TEST_F(AggregationCoverage, ThresholdJustBelowAtAndAbove) {
  EXPECT_DOUBLE_EQ(top(0.49), 3.0);            // coverage 0.5 above the threshold
  EXPECT_DOUBLE_EQ(top(0.5), 3.0);             // at it: computed
  EXPECT_TRUE(std::isnan(top(0.5 + 1e-9)));    // just above 0.5: missing
  EXPECT_TRUE(std::isnan(top(1.0)));
  EXPECT_TRUE(std::isnan(top(0.75, db::Aggregation::minimum)));
}

TEST_F(AggregationCoverage, TwoOfThreeReachATwoThirdsThreshold) {
  // 1/3 + 1/3 in floating point is compared with 2/3 with a relative tolerance of 1e-12.
  const auto three = flat_tree({{"a"}, {"b"}, {"c"}});
  const auto r = db::run_pipeline(three, data2, raw_spec(db::Aggregation::arithmetic, 2.0 / 3.0));
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "top"), 3.0);
  EXPECT_NEAR(at(r, r.coverage(), 0, "top"), 2.0 / 3.0, 1e-15);
}

TEST_F(AggregationCoverage, CoverageIsReportedForEveryNode) {
  const auto r = db::run_pipeline(tree, data, raw_spec(db::Aggregation::arithmetic, 0.9));
  // a, b, d present, c missing: coverage 3/4 < 0.9, so top is missing but its coverage is shown.
  EXPECT_DOUBLE_EQ(at(r, r.coverage(), 0, "top"), 0.75);
  EXPECT_TRUE(std::isnan(at(r, r.scores(), 0, "top")));
  EXPECT_TRUE(std::isnan(at(r, r.standard_errors(), 0, "top")));
  EXPECT_EQ(at(r, r.coverage(), 0, "a"), 1.0);
  EXPECT_EQ(at(r, r.coverage(), 0, "c"), 0.0);  // a tree indicator without data: all NaN
  EXPECT_TRUE(std::isnan(at(r, r.scores(), 0, "c")));
  // The gradient of a missing node is zero everywhere.
  EXPECT_EQ(r.local_gradient(tree.index_of("top")).norm(), 0.0);
}

TEST_F(AggregationCoverage, WeightedCoverage) {
  // a weight 1, b weight 3; b missing: coverage 1/4.
  const auto weighted = flat_tree({{"a", 1.0}, {"b", 3.0}});
  const auto only_a = db::Dataset::from_records({rec("u", 2022, "a", 7.0)});
  auto r = db::run_pipeline(weighted, only_a, raw_spec(db::Aggregation::arithmetic, 0.25));
  EXPECT_DOUBLE_EQ(at(r, r.coverage(), 0, "top"), 0.25);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "top"), 7.0);
  r = db::run_pipeline(weighted, only_a, raw_spec(db::Aggregation::arithmetic, 0.26));
  EXPECT_TRUE(std::isnan(at(r, r.scores(), 0, "top")));
}

// A DAG: top over g1 and g2, g1 over a and b, g2 over b and c (b has two parents).
db::GoalTree small_dag() {
  db::TreeDefinition d;
  d.levels = {"top", "goal", "indicator"};
  d.nodes = {{"top", "Top", db::NodeKind::goal, "top", {}, 0, {}},
             {"g1", "G1", db::NodeKind::goal, "goal", {}, 0, {}},
             {"g2", "G2", db::NodeKind::goal, "goal", {}, 0, {}},
             {"a", "A", db::NodeKind::indicator, "indicator", {}, 1, {}},
             {"b", "B", db::NodeKind::indicator, "indicator", {}, 1, {}},
             {"c", "C", db::NodeKind::indicator, "indicator", {}, 1, {}}};
  d.edges = {{"g1", "top", 1.0, {}}, {"g2", "top", 1.0, {}}, {"a", "g1", 1.0, {}},
             {"b", "g1", 1.0, {}},   {"b", "g2", 1.0, {}},   {"c", "g2", 1.0, {}}};
  return db::GoalTree::build(d);
}

TEST(Aggregation, ANodeWithSeveralParentsFeedsAllAndMethodsMayDifferWithinALevel) {
  const auto tree = small_dag();
  const auto data = one_row({{"a", 2.0}, {"b", 4.0}, {"c", 10.0}});
  auto spec = raw_spec();
  spec.nodes["g2"].aggregate.method = db::Aggregation::minimum;  // g1 stays arithmetic
  const auto r = db::run_pipeline(tree, data, spec);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "g1"), 3.0);   // (2 + 4) / 2
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "g2"), 4.0);   // min(4, 10)
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "top"), 3.5);  // (3 + 4) / 2
  // b reaches top along both paths: d top / d b = 1/2 * 1/2 + 1/2 * 1 = 3/4.
  const auto parts = r.contributions(tree.index_of("top"), 0);
  ASSERT_EQ(parts.size(), 4U);  // a, b, c, remainder
  EXPECT_DOUBLE_EQ(parts[1].second, 0.75 * 4.0);
  EXPECT_DOUBLE_EQ(parts[0].second, 0.25 * 2.0);
  EXPECT_DOUBLE_EQ(parts[2].second, 0.0);
  EXPECT_EQ(parts[3].first, tree.size());
  EXPECT_DOUBLE_EQ(parts[3].second, 0.0);
}

TEST(Aggregation, LevelSettingsApplyToEveryNodeOfTheLevelAndNodesOverrideThem) {
  const auto tree = small_dag();
  const auto data = one_row({{"a", 2.0}, {"b", 4.0}, {"c", 10.0}});
  auto spec = raw_spec();
  spec.levels["goal"].aggregate.method = db::Aggregation::minimum;
  spec.nodes["g1"].aggregate.method = db::Aggregation::geometric;
  const auto r = db::run_pipeline(tree, data, spec);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "g1"), std::sqrt(8.0));
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "g2"), 4.0);
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "top"), (std::sqrt(8.0) + 4.0) / 2.0);
}

TEST(Aggregation, WeightsFromTheTreeEqualOrOverridden) {
  const auto tree = flat_tree({{"a", 1.0}, {"b", 3.0}});
  const auto data = one_row({{"a", 0.0}, {"b", 100.0}});
  auto spec = raw_spec();
  auto top = [&] {
    const auto r = db::run_pipeline(tree, data, spec);
    return at(r, r.scores(), 0, "top");
  };
  EXPECT_DOUBLE_EQ(top(), 75.0);  // (0*1 + 100*3) / 4
  spec.weights = db::WeightSource::equal;
  EXPECT_DOUBLE_EQ(top(), 50.0);
  spec.weights = db::WeightSource::tree;
  spec.nodes["top"].weights = db::WeightSource::equal;
  EXPECT_DOUBLE_EQ(top(), 50.0);
  spec.nodes.clear();
  spec.weight_overrides["top"]["a"] = 7.0;  // b keeps its tree weight 3
  EXPECT_DOUBLE_EQ(top(), 30.0);            // 100*3 / 10
}

TEST(Aggregation, AUnitWhoseScoreWouldRestOnSuppressedCellsIsNotRankedOnIt) {
  // u0 has both cells suppressed (n 3), u1 one of two; u2 and u3 none. With min_coverage 0.75 a
  // goal needs both children: u0 and u1 get no top score and no rank, and the ranks of the
  // others do not move whatever the hidden values are (docs/privacy.md).
  const auto tree = flat_tree({{"a"}, {"b"}});
  const auto records = [](double hidden) {
    std::vector<db::EstimateRecord> out;
    for (int u = 0; u < 4; ++u) {
      for (const char* id : {"a", "b"}) {
        auto r = rec("u" + std::to_string(u), 2022, id, u == 0 || (u == 1 && id[0] == 'b') ? hidden : 10.0 * u);
        r.n = u == 0 || (u == 1 && id[0] == 'b') ? 3.0 : 50.0;
        out.push_back(r);
      }
    }
    return db::Dataset::from_records(out);
  };
  auto spec = raw_spec();
  spec.aggregate.min_coverage = 0.75;
  for (const double hidden : {0.0, 1000.0}) {
    const auto r = db::run_pipeline(tree, records(hidden), spec);
    const auto ranks = r.ranks();
    const auto top = static_cast<Eigen::Index>(tree.index_of("top"));
    EXPECT_TRUE(std::isnan(ranks(0, top))) << hidden;
    EXPECT_TRUE(std::isnan(ranks(1, top))) << hidden;
    EXPECT_EQ(ranks(2, top), 2.0) << hidden;
    EXPECT_EQ(ranks(3, top), 1.0) << hidden;
    EXPECT_TRUE(r.suppressed(tree.index_of("a"), 0));
    EXPECT_FALSE(r.suppressed(tree.index_of("a"), 1));
    EXPECT_FALSE(r.suppressed(tree.index_of("top"), 0));
  }
}

TEST(Aggregation, SuppressedCellsAreMissingToTheAggregatesAndLeaveTheLibraryBlank) {
  // docs/privacy.md: a suppressed cell takes no part in anything published above it.
  const auto tree = flat_tree({{"a"}, {"b"}});
  auto ra = rec("u", 2022, "a", 2.0, 0.5);
  ra.n = 3;  // below the default threshold 10: suppressed
  auto rb = rec("u", 2022, "b", 4.0, 0.25);
  rb.n = 50;
  const auto data = db::Dataset::from_records({ra, rb});
  const auto r = db::run_pipeline(tree, data, raw_spec());
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "top"), 4.0);  // b alone, not (2 + 4) / 2
  EXPECT_DOUBLE_EQ(at(r, r.coverage(), 0, "top"), 0.5);
  EXPECT_DOUBLE_EQ(at(r, r.standard_errors(), 0, "top"), 0.25);  // b's se alone
  for (const auto* m : {&r.scores(), &r.standard_errors(), &r.lower(), &r.upper(), &r.treated()}) {
    EXPECT_TRUE(std::isnan(at(r, *m, 0, "a")));
  }
  EXPECT_DOUBLE_EQ(at(r, r.scores(), 0, "b"), 4.0);
  const auto parts = r.contributions(tree.index_of("top"), 0);
  ASSERT_EQ(parts.size(), 3U);
  EXPECT_TRUE(std::isnan(parts[0].second));  // a has no part
  EXPECT_DOUBLE_EQ(parts[1].second, 4.0);
  EXPECT_DOUBLE_EQ(parts[2].second, 0.0);
  // The same data with a's value changed give the same published numbers.
  ra.value = 1000.0;
  const auto moved = db::run_pipeline(tree, db::Dataset::from_records({ra, rb}), raw_spec());
  EXPECT_TRUE(std::isnan(at(moved, moved.scores(), 0, "a")));
  EXPECT_DOUBLE_EQ(at(moved, moved.scores(), 0, "top"), 4.0);
  EXPECT_DOUBLE_EQ(at(moved, moved.standard_errors(), 0, "top"), 0.25);
}

}  // namespace
