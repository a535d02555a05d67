// Like-for-like changes (issue 15, docs/compare.md): a goal's change is computed only between
// periods in which its score rests on the same indicators; a drop signal likewise.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "doelenboom/compare.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/score_table.hpp"
#include "doelenboom/signals.hpp"
#include "pipeline_test_util.hpp"

namespace {

using namespace pipeline_test;

// top <- a, b (raw scores). u1 has a and b in 2021 but only a (low) in 2022: its top falls from
// (80 + 90) / 2 = 85 to 20 only because b is missing. u2 has both in both years and falls too.
db::PipelineResult run_two_years() {
  const auto tree = flat_tree({{"a"}, {"b"}});
  std::vector<db::EstimateRecord> records{rec("u1", 2021, "a", 80.0, 1.0), rec("u1", 2021, "b", 90.0, 1.0),
                                          rec("u1", 2022, "a", 20.0, 1.0), rec("u2", 2021, "a", 80.0, 1.0),
                                          rec("u2", 2021, "b", 90.0, 1.0), rec("u2", 2022, "a", 20.0, 1.0),
                                          rec("u2", 2022, "b", 30.0, 1.0)};
  return db::run_pipeline(tree, db::Dataset::from_records(records), raw_spec());
}

}  // namespace

TEST(LikeForLike, BasesTellWhichIndicatorsAScoreRestsOn) {
  const auto r = run_two_years();
  const auto bases = r.bases();
  const std::size_t rows = r.rows(), top = r.tree().index_of("top"), a = r.tree().index_of("a");
  // rows: u1 2021, u1 2022, u2 2021, u2 2022
  EXPECT_NE(bases[top * rows + 0], bases[top * rows + 1]);  // u1: a and b, then a alone
  EXPECT_EQ(bases[top * rows + 2], bases[top * rows + 3]);  // u2: a and b twice
  EXPECT_EQ(bases[top * rows + 1], bases[a * rows + 1]);    // a alone is a's own basis
  EXPECT_EQ(bases[top * rows + 0], bases[top * rows + 2]);  // the same set in two units
}

TEST(LikeForLike, AChangeOverOtherIndicatorsIsNotComputed) {
  const auto r = run_two_years();
  const auto table = db::ScoreTable::from(r);
  const auto changes = db::compute_changes(table, nullptr);
  const auto top = static_cast<Eigen::Index>(table.node_index("top"));
  EXPECT_TRUE(std::isnan(changes.since_baseline.change(1, top)));  // u1 2022: not like for like
  EXPECT_EQ(changes.since_baseline.not_comparable(1, top), 1.0);
  EXPECT_DOUBLE_EQ(changes.since_baseline.change(3, top), 25.0 - 85.0);  // u2: both years a and b
  EXPECT_EQ(changes.since_baseline.not_comparable(3, top), 0.0);
  // The indicator a itself changed like for like in both units.
  const auto a = static_cast<Eigen::Index>(table.node_index("a"));
  EXPECT_DOUBLE_EQ(changes.since_baseline.change(1, a), -60.0);
  // The koploper row says why u1 has no change.
  db::KoploperOptions options;
  options.nodes = {"top"};
  options.draws = 20;
  const auto rows = db::koploper_table(table, nullptr, options).rows;
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_TRUE(std::isnan(rows[0].change_since_baseline));
  EXPECT_EQ(rows[0].change_comparable, 0.0);
  EXPECT_EQ(rows[1].change_comparable, 1.0);
  EXPECT_EQ(rows[0].uncertainty_note,
            "no change since the baseline: the score rests on other indicators in 2022 than in 2021");
  EXPECT_EQ(rows[1].uncertainty_note, "");
  // Without bases (a table made by hand) every change is computed.
  auto plain = table;
  plain.bases.clear();
  EXPECT_DOUBLE_EQ(db::compute_changes(plain, nullptr).since_baseline.change(1, top), 20.0 - 85.0);
}

TEST(LikeForLike, NoDropSignalForAGoalThatLostAnIndicator) {
  const auto r = run_two_years();
  const auto signals = db::evaluate_signals(r);
  bool u1_top = false, u2_top = false;
  for (const auto& s : signals) {
    if (s.node != "top" || s.rule != db::SignalRule::drop_baseline) continue;
    u1_top = u1_top || s.unit == "u1";
    u2_top = u2_top || s.unit == "u2";
  }
  EXPECT_FALSE(u1_top);
  EXPECT_TRUE(u2_top);  // the same drop, like for like, is a signal
}
