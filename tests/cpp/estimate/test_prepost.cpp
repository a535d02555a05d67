// Pre/post scores (ZRM): reader and estimates. The expected numbers are worked out by hand in the
// tests (client scores, sd, RCI, alpha, d_z, d_av, the exact Wilcoxon distribution); the Wilson
// limits of 1/4 and the Wilcoxon p-value were also checked with statsmodels 0.15 / SciPy 1.17.

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "estimate/estimate_test_util.hpp"
#include "doelenboom/prepost.hpp"
#include "doelenboom/unit.hpp"

namespace db = doelenboom;

namespace {

using namespace estimate_test;

// A file in a fresh temporary folder (tests/cpp/temp_dir.hpp), named as this reader's input.
class TempFile : public doelenboom::testing::TempFile {
 public:
  explicit TempFile(const std::string& text, const std::string& name = "zrm.csv")
      : doelenboom::testing::TempFile(text, name) {}
};

const db::Pseudonymiser& pseudonymiser() {
  static const db::Pseudonymiser p("another test key, long enough");
  return p;
}


db::EstimateRecord record_of(const db::Dataset& d, const std::string& id, const std::string& unit = "A",
                             const std::string& period = "2023") {
  return find_record(d, unit, period, id);
}

double sample_sd(const std::vector<double>& v) {
  double m = 0, ss = 0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

// Four clients, two domains (financien, wonen), unit A, period 2023:
//   c1: financien 2 -> 4, wonen 3 -> 4      client score 2.5 -> 4    change  1.5
//   c2: financien 3 -> 3, wonen 3 -> 3      client score 3   -> 3    change  0
//   c3: financien 1 -> 2, wonen 2 -> 2      client score 1.5 -> 2    change  0.5
//   c4: financien 4 -> 3, wonen 4 -> (none) client score 4   -> 3    change -1 (financien only)
const char* const four_clients =
    "unit,period,client,domain,pre,post\n"
    "A,2023,c1,financien,2,4\nA,2023,c1,wonen,3,4\n"
    "A,2023,c2,financien,3,3\nA,2023,c2,wonen,3,3\n"
    "A,2023,c3,financien,1,2\nA,2023,c3,wonen,2,2\n"
    "A,2023,c4,financien,4,3\nA,2023,c4,wonen,4,\n";

const std::vector<double> pre_scores{2.5, 3.0, 1.5, 4.0};
const std::vector<double> post_scores{4.0, 3.0, 2.0, 3.0};
const std::vector<double> changes{1.5, 0.0, 0.5, -1.0};

}  // namespace

TEST(PrePostEstimate, SharesOfTheClientScore) {
  TempFile f(four_clients);
  const db::PrePostTable t = db::read_prepost_csv(f.path(), pseudonymiser());
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t.client[0], pseudonymiser()("c1"));
  EXPECT_TRUE(std::isnan(t.post[7]));
  db::PrePostOptions o;
  o.reliability = 0.8;
  const db::PrePostResult r = db::estimate_prepost(t.view(), o, no_suppression());
  const db::Dataset& d = r.estimates;
  expect_close(record_of(d, "zrm.score.improved").value, 0.5);  // c1, c3
  expect_close(record_of(d, "zrm.score.same").value, 0.25);     // c2
  const db::EstimateRecord worse = record_of(d, "zrm.score.worse");
  expect_close(worse.value, 0.25);                              // c4
  EXPECT_EQ(worse.n, 4.0);
  const auto [lo, hi] = wilson_by_hand(1, 4);
  expect_close(worse.ci_low, lo);
  expect_close(worse.ci_high, hi);
  expect_close(worse.ci_low, 0.0455872608097006, 1e-12);  // statsmodels proportion_confint(1, 4, method="wilson")

  const db::EstimateRecord mc = record_of(d, "zrm.score.mean_change");
  expect_close(mc.value, 0.25);
  expect_close(mc.se, sample_sd(changes) / 2.0);

  // Per domain: financien 2 improved, 1 same, 1 worse of 4; wonen (c4 without post) 1 improved of 3.
  expect_close(record_of(d, "zrm.financien.improved").value, 0.5);
  expect_close(record_of(d, "zrm.financien.worse").value, 0.25);
  const db::EstimateRecord wonen = record_of(d, "zrm.wonen.improved");
  expect_close(wonen.value, 1.0 / 3.0);
  EXPECT_EQ(wonen.n, 3.0);
  expect_close(record_of(d, "zrm.wonen.same").value, 2.0 / 3.0);
}

TEST(PrePostEstimate, RciOfOneClientByHand) {
  TempFile f(four_clients);
  const db::PrePostTable t = db::read_prepost_csv(f.path(), pseudonymiser());
  db::PrePostOptions o;
  o.reliability = 0.8;
  const db::Dataset d = db::estimate_prepost(t.view(), o, no_suppression()).estimates;
  // sd of the pre client scores (2.5, 3, 1.5, 4): mean 2.75, squares 0.0625 + 0.0625 + 1.5625 +
  // 1.5625 = 3.25, sd = sqrt(3.25 / 3).
  const double sd_pre = std::sqrt(3.25 / 3.0);
  expect_close(sample_sd(pre_scores), sd_pre);
  // c1: RCI = 1.5 / (sqrt(2) * sd_pre * sqrt(1 - 0.8)) = 2.2787... > 1.96: reliably improved.
  const double rci_c1 = 1.5 / (std::sqrt(2.0) * sd_pre * std::sqrt(0.2));
  EXPECT_NEAR(rci_c1, 2.27866, 1e-5);
  EXPECT_GT(rci_c1, 1.96);
  // c3: 0.5 / 0.6583 = 0.76 and c4: -1 / 0.6583 = -1.52: not reliable.
  EXPECT_LT(std::abs(-1.0 / (std::sqrt(2.0) * sd_pre * std::sqrt(0.2))), 1.96);
  const db::EstimateRecord up = record_of(d, "zrm.score.reliably_improved");
  expect_close(up.value, 0.25);
  EXPECT_EQ(up.n, 4.0);
  expect_close(record_of(d, "zrm.score.reliably_worse").value, 0.0);
  EXPECT_NE(up.method.find("reliability 0.8 (given)"), std::string::npos) << up.method;
  EXPECT_NE(up.method.find("sd_pre 1.041"), std::string::npos) << up.method;
}

TEST(PrePostEstimate, ReliabilityFromCronbachsAlphaByHand) {
  TempFile f(four_clients);
  const db::PrePostTable t = db::read_prepost_csv(f.path(), pseudonymiser());
  const db::Dataset d = db::estimate_prepost(t.view(), {}, no_suppression()).estimates;
  // Pre scores of the four clients (all have both domains pre-scored): financien (2,3,1,4)
  // variance 5/3, wonen (3,3,2,4) variance 2/3, totals (5,6,3,8) variance 13/3:
  // alpha = 2 * (1 - (5/3 + 2/3) / (13/3)) = 12/13.
  const double alpha = 12.0 / 13.0;
  const double s_diff = std::sqrt(2.0) * std::sqrt(3.25 / 3.0) * std::sqrt(1.0 - alpha);
  EXPECT_GT(1.5 / s_diff, 1.96);    // c1 reliably improved
  EXPECT_LT(-1.0 / s_diff, -1.96);  // c4 reliably worse
  EXPECT_LT(0.5 / s_diff, 1.96);    // c3 not
  const db::EstimateRecord up = record_of(d, "zrm.score.reliably_improved");
  expect_close(up.value, 0.25);
  expect_close(record_of(d, "zrm.score.reliably_worse").value, 0.25);
  EXPECT_NE(up.method.find("reliability 0.9231 = Cronbach's alpha of the pre scores of the 4 clients with all 2 domains scored"),
            std::string::npos)
      << up.method;
}

TEST(PrePostEstimate, EffectSizesAndWilcoxonByHand) {
  TempFile f(four_clients);
  const db::PrePostTable t = db::read_prepost_csv(f.path(), pseudonymiser());
  db::PrePostOptions o;
  o.reliability = 0.8;
  o.prefix = "";
  const db::Dataset d = db::estimate_prepost(t.view(), o, no_suppression()).estimates;
  // d_z = mean change / sd of the changes = 0.25 / sqrt(3.25 / 3).
  const db::EstimateRecord dz = record_of(d, "score.effect_dz");
  expect_close(dz.value, 0.25 / std::sqrt(3.25 / 3.0), 1e-12);
  EXPECT_NE(dz.method.find("standardiser: sd of the differences"), std::string::npos) << dz.method;
  // d_av = 0.25 / ((sd_pre + sd_post) / 2), post (4,3,2,3): sd sqrt(2/3).
  expect_close(record_of(d, "score.effect_dav").value, 0.25 / ((std::sqrt(3.25 / 3.0) + std::sqrt(2.0 / 3.0)) / 2.0),
               1e-12);
  // Wilcoxon: the zero change is dropped; |d| = 1.5, 0.5, 1 have ranks 3, 1, 2; R+ = 3 + 1 = 4.
  // With a zero scipy uses the permutation distribution over the 2^3 sign patterns of the ranks:
  // the subset sums of {1, 2, 3} are 0 1 2 3 3 4 5 6, P(T >= 4) = 3/8, p = 2 * 3/8 = 0.75
  // (scipy.stats.wilcoxon([1.5, 0, 0.5, -1]).pvalue == 0.75).
  int at_least = 0;
  for (int mask = 0; mask < 8; ++mask) {
    const int sum = ((mask & 1) ? 1 : 0) + ((mask & 2) ? 2 : 0) + ((mask & 4) ? 3 : 0);
    at_least += sum >= 4;
  }
  const db::EstimateRecord w = record_of(d, "score.wilcoxon_p");
  expect_close(w.value, 2.0 * at_least / 8.0);
  expect_close(w.value, 0.75);
  EXPECT_EQ(w.n, 3.0);  // nonzero changes
}

TEST(PrePostEstimate, ShiftTablesPerDomainWithSuppressionFlag) {
  TempFile f(four_clients);
  const db::PrePostTable t = db::read_prepost_csv(f.path(), pseudonymiser());
  db::PrePostOptions o;
  o.reliability = 0.8;
  db::DataContext ctx;
  ctx.suppression_threshold = 4.0;
  ctx.small_count_threshold = 0.0;  // the rule by n alone here
  const db::PrePostResult r = db::estimate_prepost(t.view(), o, ctx);
  ASSERT_EQ(r.shifts.size(), 2u);
  const db::ShiftTableRecord& fin = r.shifts[0];
  EXPECT_EQ(fin.domain, "financien");
  EXPECT_EQ(fin.unit, "A");
  EXPECT_EQ(fin.period.to_string(), "2023");
  EXPECT_EQ(fin.table.n, 4);
  EXPECT_FALSE(fin.suppressed);
  EXPECT_EQ(fin.table.counts.rows(), 5);
  EXPECT_EQ(fin.table.counts(1, 3), 1);  // 2 -> 4
  EXPECT_EQ(fin.table.counts(2, 2), 1);  // 3 -> 3
  EXPECT_EQ(fin.table.counts(0, 1), 1);  // 1 -> 2
  EXPECT_EQ(fin.table.counts(3, 2), 1);  // 4 -> 3
  EXPECT_EQ(fin.table.counts.sum(), 4);
  EXPECT_EQ(r.shifts[1].domain, "wonen");
  EXPECT_EQ(r.shifts[1].table.n, 3);
  EXPECT_TRUE(r.shifts[1].suppressed);
  // The estimates with n = 3 are suppressed, those with n = 4 are not.
  const auto row = r.estimates.find("A", *db::Period::parse("2023"), "zrm.wonen.improved");
  ASSERT_TRUE(row);
  EXPECT_TRUE(r.estimates.record(*row).suppressed);
  EXPECT_FALSE(record_of(r.estimates, "zrm.score.improved").suppressed);
}

TEST(PrePostEstimate, GroupsByUnitAndPeriodAndLeavesOutUndefinedNumbers) {
  // B 2024 has one client: no RCI, effect sizes (need two) and no Wilcoxon (no nonzero change).
  TempFile f(std::string(four_clients) + "B,2024,c1,financien,3,3\n");
  const db::PrePostTable t = db::read_prepost_csv(f.path(), pseudonymiser());
  db::PrePostOptions o;
  o.reliability = 0.8;
  const db::Dataset d = db::estimate_prepost(t.view(), o, no_suppression()).estimates;
  EXPECT_EQ(record_of(d, "zrm.score.same", "B", "2024").value, 1.0);
  const db::Period p2024 = *db::Period::parse("2024");
  for (const char* id : {"zrm.score.reliably_improved", "zrm.score.effect_dz", "zrm.score.effect_dav", "zrm.score.wilcoxon_p"})
    EXPECT_FALSE(d.find("B", p2024, id).has_value()) << id;
  const db::EstimateRecord mc = record_of(d, "zrm.score.mean_change", "B", "2024");
  EXPECT_EQ(mc.value, 0.0);
  EXPECT_TRUE(std::isnan(mc.ci_low));
}

TEST(PrePostEstimate, AlphaThatCannotBeComputedIsAnError) {
  TempFile f("unit,period,client,domain,pre,post\nA,2023,1,financien,2,3\nA,2023,2,financien,3,3\nA,2023,3,financien,4,3\n");
  const db::PrePostTable t = db::read_prepost_csv(f.path(), pseudonymiser());
  expect_contains(error_of<db::DataError>([&] { (void)db::estimate_prepost(t.view()); }),
                  {"cannot compute the reliability for the Reliable Change Index", "1 domain(s)",
                   "give PrePostOptions.reliability"});
  db::PrePostOptions o;
  o.reliability = 0.7;
  EXPECT_NO_THROW((void)db::estimate_prepost(t.view(), o));
}

// ---------------------------------------------------------------------------------------------
// Bad input

TEST(PrePostBadInput, ScoresOutsideTheScale) {
  TempFile f("unit,period,client,domain,pre,post\nA,2023,1,financien,6,3\nA,2023,2,financien,2.5,3\n"
             "A,2023,3,financien,abc,0\nA,2023,4,financien,,\n");
  try {
    (void)db::read_prepost_csv(f.path(), pseudonymiser());
    ADD_FAILURE() << "no DataError";
  } catch (const db::DataError& e) {
    expect_contains(e.what(), {"row 1, field 'pre': score '6' is outside 1..5 (expected a whole number from 1 to 5, or empty when not scored)",
                               "row 2, field 'pre': score '2.5' is not a whole number",
                               "row 3, field 'pre': score 'abc' is not a number",
                               "row 3, field 'post': score '0' is outside 1..5"});
    EXPECT_EQ(e.problems().size(), 4u);
  }
  db::PrePostOptions o;  // another scale
  o.min_score = 0;
  o.max_score = 10;
  TempFile g("unit,period,client,domain,pre,post\nA,2023,1,financien,0,10\n");
  EXPECT_NO_THROW((void)db::read_prepost_csv(g.path(), pseudonymiser(), {}, o));
}

TEST(PrePostBadInput, DuplicateClientDomainNamesBothRows) {
  TempFile f("unit,period,client,domain,pre,post\nA,2023,c1,financien,2,3\nA,2023,c2,financien,2,3\n"
             "A,2024,c1,financien,2,3\nA,2023,c1,financien,4,4\n");
  const std::string m = error_of<db::DataError>([&] { (void)db::read_prepost_csv(f.path(), pseudonymiser()); });
  expect_contains(m, {"row 4 (line 5) repeats domain 'financien' of the same client in unit 'A', period '2023' given on "
                      "row 1 (line 2) (expected one row per client, domain, unit and period)"});
  EXPECT_EQ(m.find("c1"), std::string::npos);
}

TEST(PrePostBadInput, MissingColumnUnknownColumnEmptyFileAndUtf8) {
  TempFile f("unit,period,client,domain,pre\nA,2023,1,financien,2\n");
  expect_contains(error_of<db::DataError>([&] { (void)db::read_prepost_csv(f.path(), pseudonymiser()); }),
                  {"missing required column 'post' (columns are: unit, period, client, domain, pre)"});
  TempFile g("unit,period,client,domain,pre,post,note\nA,2023,1,financien,2,3,x\n");
  expect_contains(error_of<db::DataError>([&] { (void)db::read_prepost_csv(g.path(), pseudonymiser()); }),
                  {"unknown column 'note'"});
  TempFile e("\n\n");
  expect_contains(error_of<db::DataError>([&] { (void)db::read_prepost_csv(e.path(), pseudonymiser()); }),
                  {"the file is empty"});
  TempFile u("unit,period,client,domain,pre,post\nA,2023,1,financi\xEBn,2,3\n");
  expect_contains(error_of<db::DataError>([&] { (void)db::read_prepost_csv(u.path(), pseudonymiser()); }),
                  {u.path().string() + ":2", "invalid UTF-8"});
}

TEST(PrePostBadInput, UnknownUnitReservedDomainAndBadOptions) {
  db::Unit u;
  u.id = "GM0150";
  u.name = "Deventer";
  const db::UnitRegistry registry({u});
  db::DataContext ctx;
  ctx.units = &registry;
  TempFile f("unit,period,client,domain,pre,post\nGM0150,2023,1,financien,2,3\nGM0000,2023,1,score,2,3\n");
  const std::string m = error_of<db::DataError>([&] { (void)db::read_prepost_csv(f.path(), pseudonymiser(), {}, {}, ctx); });
  expect_contains(m, {"row 2, field 'unit': unknown unit 'GM0000' (expected a unit id of the unit registry)",
                      "row 2, field 'domain': the domain name 'score' is reserved"});
  db::PrePostOptions o;
  o.min_score = 5;
  o.max_score = 1;
  o.reliability = 1.0;
  const auto problems = db::check_prepost_csv(f.path(), {}, o);
  std::string all;
  for (const auto& p : problems) all += p.message + "\n";
  expect_contains(all, {"min_score 5 is above max_score 1", "reliability 1 is not valid"});
}

TEST(PrePostBadInput, CheckPrePostOfColumns) {
  const std::vector<std::int32_t> unit{0, 0, 0}, period{0, 0, 1}, domain{0, 0, 0};
  const std::vector<std::uint64_t> client{7, 7, 8};
  const std::vector<double> pre{1, 2, 3}, post{2, 7, std::numeric_limits<double>::quiet_NaN()};
  db::PrePostView v;
  v.unit = unit;
  v.period = period;
  v.client = client;
  v.domain = domain;
  v.pre = pre;
  v.post = post;
  v.unit_names = {"A"};
  v.periods = {*db::Period::parse("2023")};
  v.domain_names = {"financien"};
  v.source = "frame";
  std::string all;
  for (const auto& p : db::check_prepost(v)) all += p.message + "\n";
  expect_contains(all, {"frame, row 2, field 'post': score 7 is outside 1..5",
                        "frame, row 2, field 'client': row 2 repeats domain 'financien' of the same client in unit 'A', "
                        "period 2023 given on row 1",
                        "frame, row 3, field 'period': period code 1 is out of range (expected 0..0)"});
  EXPECT_THROW((void)db::estimate_prepost(v), db::DataError);
}
