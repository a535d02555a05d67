// Disclosure control: the small-count rule of Dataset, the relations among published estimates
// (breakdowns against totals, change families) and secondary suppression (docs/privacy.md).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "doelenboom/dataset.hpp"
#include "doelenboom/disclosure.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/indicator.hpp"

namespace db = doelenboom;

namespace {

constexpr double missing = std::numeric_limits<double>::quiet_NaN();

db::EstimateRecord rec(const std::string& unit, const std::string& indicator, double value, double n,
                       bool share = false) {
  db::EstimateRecord r;
  r.unit = unit;
  r.period = *db::Period::parse("2024");
  r.indicator = indicator;
  r.value = value;
  r.n = n;
  r.share = share;
  return r;
}

bool hidden(const db::Dataset& d, const std::string& unit, const std::string& indicator) {
  const auto row = d.find(unit, *db::Period::parse("2024"), indicator);
  EXPECT_TRUE(row) << unit << " " << indicator;
  return row && d.suppressed()[*row] != 0;
}

// A kern breakdown of GM0001 (total 60 clients) with the given counts per kern.
struct Breakdown {
  db::Dataset parts, totals;
};
Breakdown kernen(const std::vector<double>& counts, double total = 60.0) {
  std::vector<db::EstimateRecord> parts;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    parts.push_back(rec("GM0001/kern=K" + std::to_string(k + 1), "bereikt", counts[k], counts[k]));
  }
  return {db::Dataset::from_records(parts), db::Dataset::from_records({rec("GM0001", "bereikt", total, total)})};
}

}  // namespace

TEST(SmallCountRule, ASharesPersonsWithAndWithoutThePropertyMustBothReachTheThreshold) {
  // 3 of 40 with, 37 without: suppressed; 20 of 40: shown; 38 of 40 (2 without): suppressed.
  const auto d = db::Dataset::from_records({rec("A", "s", 3.0 / 40.0, 40, true), rec("B", "s", 0.5, 40, true),
                                            rec("C", "s", 38.0 / 40.0, 40, true), rec("D", "c", 3.0, 40)});
  EXPECT_TRUE(hidden(d, "A", "s"));
  EXPECT_FALSE(hidden(d, "B", "s"));
  EXPECT_TRUE(hidden(d, "C", "s"));
  EXPECT_FALSE(hidden(d, "D", "c"));  // a count is not a share: the rule by n applies
  EXPECT_TRUE(std::isnan(d.record(0).value));
  EXPECT_EQ(d.small_count_threshold(), db::default_small_count_threshold);
  // The rule at the boundary: 5 with and 35 without pass a threshold of 5, not one of 6.
  auto e = db::Dataset::from_records({rec("A", "s", 5.0 / 40.0, 40, true)});
  EXPECT_FALSE(hidden(e, "A", "s"));
  e.apply_suppression(10.0, 6.0);
  EXPECT_TRUE(hidden(e, "A", "s"));
  e.apply_suppression(10.0, 0.0);  // 0 turns the rule off
  EXPECT_FALSE(hidden(e, "A", "s"));
  EXPECT_THROW(e.apply_suppression(10.0, -1.0), db::DataError);
}

TEST(SmallCountRule, IndicatorsDefinedAsProportionsAreShares) {
  db::IndicatorDefinition def;
  def.id = "aandeel";
  def.label = "Aandeel";
  def.measure = db::Measure::proportion;
  const db::IndicatorSet set({def});
  const auto d = db::Dataset::from_records({rec("A", "aandeel", 0.05, 60)}, db::DataContext{&set, nullptr});
  EXPECT_TRUE(hidden(d, "A", "aandeel"));  // 3 persons
  EXPECT_EQ(d.shares()[0], 1);
  // The flag travels with the rows: concat and re-applying keep the rule.
  const auto both = d.concat(db::Dataset::from_records({rec("B", "aandeel", 0.5, 60, true)}));
  EXPECT_TRUE(hidden(both, "A", "aandeel"));
  EXPECT_FALSE(hidden(both, "B", "aandeel"));
}

TEST(SecondarySuppression, ASuppressedRowStaysSuppressedWhateverTheThresholds) {
  auto d = db::Dataset::from_records({rec("A", "c", 50, 50), rec("B", "c", 40, 40)});
  const std::vector<std::size_t> rows{1};
  d.suppress_rows(rows);
  d.apply_suppression(0.0, 0.0);
  EXPECT_FALSE(hidden(d, "A", "c"));
  EXPECT_TRUE(hidden(d, "B", "c"));
  EXPECT_TRUE(std::isnan(d.record(1).value));
  EXPECT_TRUE(hidden(d.concat(db::Dataset::from_records({rec("C", "c", 30, 30)})), "B", "c"));
  const std::vector<std::size_t> outside{2};
  EXPECT_THROW(d.suppress_rows(outside), std::out_of_range);
}

TEST(BreakdownRelations, OnePerUnitPeriodIndicatorAndColumnAgainstThePublishedTotal) {
  std::vector<db::EstimateRecord> parts{rec("GM0001/kern=A", "bereikt", 30, 30), rec("GM0001/kern=B", "bereikt", 4, 4),
                                        rec("GM0001/groep=x", "bereikt", 50, 50), rec("GM0002/kern=A", "bereikt", 6, 6),
                                        rec("GM0001", "bereikt", 60, 60)};
  const auto data = db::Dataset::from_records(parts);
  const auto totals =
      db::Dataset::from_records({rec("GM0001", "bereikt", 60, 60), rec("GM0002", "bereikt", 8, 8)});  // GM0002 suppressed
  const auto relations = db::breakdown_relations(data, totals);
  ASSERT_EQ(relations.size(), 3U);  // GM0001 by groep and by kern, GM0002 by kern (its total suppressed)
  EXPECT_EQ(relations[0].what, "GM0001 2024 bereikt by groep");
  EXPECT_EQ(relations[1].what, "GM0001 2024 bereikt by kern");
  EXPECT_EQ(relations[2].what, "GM0002 2024 bereikt by kern");
  EXPECT_FALSE(relations[1].total_hidden);
  EXPECT_TRUE(relations[2].total_hidden);
  EXPECT_EQ(relations[1].parts, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(relations[1].persons, (std::vector<double>{30, 4}));
  EXPECT_EQ(relations[1].total, 60.0);
}

TEST(SecondarySuppression, OneSuppressedKernTakesTheSmallestKernThatReachesTheLevel) {
  // K1 = 4 is suppressed (n < 10). Alone it is the total less the others: K3 = 12 would bring the
  // suppressed persons to 16 >= 10 and is the smallest such kern (K2 and K4 too, but larger).
  auto b = kernen({4, 25, 12, 19});
  const auto result = db::protect_relations(b.parts, db::breakdown_relations(b.parts, b.totals));
  EXPECT_EQ(result.relations, 1U);
  EXPECT_EQ(result.added, (std::vector<std::size_t>{2}));
  EXPECT_TRUE(result.short_of_level.empty());
  EXPECT_TRUE(hidden(b.parts, "GM0001/kern=K1", "bereikt"));
  EXPECT_TRUE(hidden(b.parts, "GM0001/kern=K3", "bereikt"));
  EXPECT_FALSE(hidden(b.parts, "GM0001/kern=K2", "bereikt"));
  EXPECT_FALSE(hidden(b.parts, "GM0001/kern=K4", "bereikt"));
}

TEST(SecondarySuppression, TwoSmallSuppressedKernenTakeAThirdWhenTheirSumIsBelowTheLevel) {
  // K1 = 3 and K2 = 4 are both suppressed, but together 7 < 10: an attacker pins each to [0, 7].
  auto b = kernen({3, 4, 30, 23});
  const auto result = db::protect_relations(b.parts, db::breakdown_relations(b.parts, b.totals));
  EXPECT_EQ(result.added, (std::vector<std::size_t>{3}));  // 23 is the smallest that reaches 10
  // With a lower level the two suffice.
  auto c = kernen({3, 4, 30, 23});
  EXPECT_TRUE(db::protect_relations(c.parts, db::breakdown_relations(c.parts, c.totals), 7.0).added.empty());
  // Level 0 turns secondary suppression off: a single suppressed kern stays alone.
  auto d = kernen({4, 25, 12, 19});
  const auto off = db::protect_relations(d.parts, db::breakdown_relations(d.parts, d.totals), 0.0);
  EXPECT_TRUE(off.added.empty());
  EXPECT_EQ(d.parts.suppressed_count(), 1U);
}

TEST(SecondarySuppression, PersonsWithoutAValueDoNotCountAsProtection) {
  // K1 = 6 suppressed; 10 clients have no kern. An attacker who knows that (the worst case) gets
  // K1 exactly from the total; so a second kern must go although total - published = 16.
  auto b = kernen({6, 44}, 60.0);
  const auto result = db::protect_relations(b.parts, db::breakdown_relations(b.parts, b.totals));
  EXPECT_EQ(result.added, (std::vector<std::size_t>{1}));
  EXPECT_TRUE(result.short_of_level.empty());
}

TEST(SecondarySuppression, AllPartsSuppressedAndStillShortIsReported) {
  // Two kernen of 3 and 4 (both suppressed) under a total of 12: their sum 7 is below 10.
  auto b = kernen({3, 4}, 12.0);
  const auto result = db::protect_relations(b.parts, db::breakdown_relations(b.parts, b.totals));
  EXPECT_TRUE(result.added.empty());
  EXPECT_EQ(result.short_of_level, (std::vector<std::string>{"GM0001 2024 bereikt by kern"}));
  EXPECT_THROW((void)db::protect_relations(b.parts, {}, missing), db::DataError);
}

TEST(ChangeFamilies, ImprovedSameWorseAddUpToTheirCommonN) {
  // 2 of 40 improved (suppressed by the small-count rule), 30 the same, 8 worse: 1 - the others
  // would give the improved share back, so the smallest other that reaches 10 persons goes too.
  const std::vector<db::EstimateRecord> records{
      rec("A", "zrm.score.improved", 2.0 / 40.0, 40, true), rec("A", "zrm.score.same", 30.0 / 40.0, 40, true),
      rec("A", "zrm.score.worse", 8.0 / 40.0, 40, true), rec("A", "zrm.score.mean_change", 0.1, 40)};
  auto d = db::Dataset::from_records(records);
  const auto relations = db::change_family_relations(d);
  ASSERT_EQ(relations.size(), 1U);
  EXPECT_EQ(relations[0].persons, (std::vector<double>{2, 30, 8}));
  EXPECT_EQ(relations[0].total, 40.0);
  EXPECT_EQ(relations[0].what, "A 2024 zrm.score (improved, same, worse)");
  const auto result = db::protect_relations(d, relations);
  EXPECT_EQ(result.added, (std::vector<std::size_t>{2}));  // worse: 2 + 8 = 10
  EXPECT_TRUE(hidden(d, "A", "zrm.score.worse"));
  EXPECT_FALSE(hidden(d, "A", "zrm.score.same"));
  EXPECT_FALSE(hidden(d, "A", "zrm.score.mean_change"));
}

TEST(SecondarySuppression, NoPartOfASuppressedTotalIsPublished) {
  // One client without a group in GM0002 (total 1: suppressed); both groups had nobody, so their
  // filled-in zeros have no n and pass the threshold. Published, they would give the total away
  // to an attacker who knows the clients without a group: all parts go.
  db::EstimateRecord ja = rec("GM0002/groep=ja", "bereikt", 0.0, missing);
  db::EstimateRecord nee = rec("GM0002/groep=nee", "bereikt", 0.0, missing);
  auto parts = db::Dataset::from_records({ja, nee, rec("GM0001/groep=ja", "bereikt", 0.0, missing)});
  const auto totals = db::Dataset::from_records({rec("GM0002", "bereikt", 1, 1), rec("GM0001", "bereikt", 40, 40)});
  EXPECT_EQ(parts.suppressed_count(), 0U);
  const auto result = db::protect_relations(parts, db::breakdown_relations(parts, totals));
  EXPECT_EQ(result.relations, 1U);
  EXPECT_EQ(result.added, (std::vector<std::size_t>{0, 1}));
  EXPECT_FALSE(hidden(parts, "GM0001/groep=ja", "bereikt"));  // a zero under a published total
  EXPECT_TRUE(result.short_of_level.empty());
}
