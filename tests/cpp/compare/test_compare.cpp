// Comparisons: rank intervals, peer groups, change since baseline, koploper table (compare.hpp).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "doelenboom/compare.hpp"
#include "doelenboom/error.hpp"

namespace {

namespace db = doelenboom;
constexpr double na = std::numeric_limits<double>::quiet_NaN();

db::Period year(int y) { return db::Period{db::Frequency::year, y, 0}; }

/// A table of n units ("u0", ...), the given years and one node "n".
db::ScoreTable table(std::size_t units, const std::vector<int>& years) {
  db::ScoreTable t;
  for (std::size_t u = 0; u < units; ++u) t.units.push_back("u" + std::to_string(u));
  for (const int y : years) t.periods.push_back(year(y));
  t.nodes = {"n"};
  t.scores = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(units * years.size()), 1, na);
  t.standard_errors = t.scores;
  return t;
}

void set(db::ScoreTable& t, std::size_t u, std::size_t p, double score, double se) {
  const auto r = static_cast<Eigen::Index>(t.row(u, p));
  t.scores(r, 0) = score;
  t.standard_errors(r, 0) = se;
}

db::Unit unit(const std::string& id, double population, const std::string& province = "Utrecht") {
  db::Unit u;
  u.id = id;
  u.name = "Name " + id;
  u.province = province;
  u.population = population;
  return u;
}

}  // namespace

// Acceptance 3: 95% rank intervals contain the true rank at least 90% of the time.
TEST(RankIntervals, CoverTheTrueRankInASimulationWithKnownScores) {
  constexpr std::size_t units = 40;
  constexpr int replications = 100;
  std::mt19937_64 engine(20240501);
  std::uniform_real_distribution<double> truth(0.0, 100.0), spread(2.0, 10.0);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<double> theta(units), se(units);
  for (std::size_t u = 0; u < units; ++u) {
    theta[u] = truth(engine);
    se[u] = spread(engine);
  }
  // True ranks: 1 = highest.
  std::vector<double> true_rank(units, 1.0);
  for (std::size_t u = 0; u < units; ++u) {
    for (std::size_t k = 0; k < units; ++k) {
      if (theta[k] > theta[u]) true_rank[u] += 1.0;
    }
  }
  std::size_t covered = 0, total = 0;
  for (int rep = 0; rep < replications; ++rep) {
    auto t = table(units, {2023});
    for (std::size_t u = 0; u < units; ++u) set(t, u, 0, theta[u] + se[u] * noise(engine), se[u]);
    db::RankIntervalOptions options;
    options.draws = 400;
    options.seed = static_cast<std::uint64_t>(rep);
    const auto ri = db::rank_intervals(t, options);
    for (std::size_t u = 0; u < units; ++u) {
      const auto r = static_cast<Eigen::Index>(u);
      EXPECT_LE(ri.low(r, 0), ri.median(r, 0));
      EXPECT_LE(ri.median(r, 0), ri.high(r, 0));
      covered += (ri.low(r, 0) <= true_rank[u] && true_rank[u] <= ri.high(r, 0)) ? 1U : 0U;
      ++total;
    }
  }
  const double coverage = static_cast<double>(covered) / static_cast<double>(total);
  RecordProperty("coverage", std::to_string(coverage));
  EXPECT_GE(coverage, 0.90) << "measured coverage " << coverage << " over " << total << " intervals";
}

TEST(RankIntervals, DeterministicSeededAndUnknownWithoutStandardError) {
  auto t = table(4, {2022, 2023});
  set(t, 0, 0, 80, 5);
  set(t, 1, 0, 70, na);  // no se: its rank interval is unknown
  set(t, 2, 0, 70, 5);   // tie with unit 1: both rank 2
  set(t, 3, 0, 10, 0);   // se 0 and far below: last of the units with a known se
  set(t, 0, 1, 50, 1);
  db::RankIntervalOptions o;
  o.seed = 7;
  const auto a = db::rank_intervals(t, o);
  const auto b = db::rank_intervals(t, o);
  EXPECT_TRUE(a.low.cwiseEqual(b.low).count() + a.low.array().isNaN().count() == a.low.size());
  EXPECT_EQ(a.rank(0, 0), 1);  // row(u0, 2022) = 0
  EXPECT_EQ(a.rank(2, 0), 2);  // u1 2022
  EXPECT_EQ(a.rank(4, 0), 2);  // u2 2022, tie takes the lowest rank
  EXPECT_EQ(a.rank(6, 0), 4);
  // u1: an observed rank, but no median and no interval (not "2 (2-2)").
  EXPECT_TRUE(std::isnan(a.low(2, 0)));
  EXPECT_TRUE(std::isnan(a.high(2, 0)));
  EXPECT_TRUE(std::isnan(a.median(2, 0)));
  EXPECT_EQ(a.unknown(2, 0), 0);  // no other unit's se is unknown
  // u3 is always last of the three with a known se (rank 3 among them); u1 may be anywhere, so
  // its interval is 3-4, where u1 fixed at 70 made it 4-4. Its median puts u1 at 70.
  EXPECT_EQ(a.low(6, 0), 3);
  EXPECT_EQ(a.high(6, 0), 4);
  EXPECT_EQ(a.median(6, 0), 4);
  EXPECT_EQ(a.unknown(6, 0), 1);
  // u0 leads u2 by 10 with se sqrt(50): behind it in P = 1 - Phi(sqrt(2)) = 7.9% of the draws,
  // so 1-2 among the known, 1-3 with u1 anywhere.
  EXPECT_EQ(a.low(0, 0), 1);
  EXPECT_EQ(a.high(0, 0), 3);
  EXPECT_LT(a.low(4, 0), a.high(4, 0));  // u2 trades places with u0
  // 2023: only u0 has a score.
  EXPECT_EQ(a.rank(1, 0), 1);
  EXPECT_EQ(a.high(1, 0), 1);
  EXPECT_EQ(a.unknown(1, 0), 0);
  EXPECT_TRUE(std::isnan(a.rank(3, 0)));
  EXPECT_TRUE(std::isnan(a.unknown(3, 0)));
  o.level = 1.5;
  EXPECT_THROW((void)db::rank_intervals(t, o), db::DataError);
}

// Issue 15: one unit without a standard error between two that cannot swap: its own interval is
// unknown and both others allow for it on either side; the same on the stored-draws path.
TEST(RankIntervals, AUnitWithUnknownStandardErrorWidensTheOthersOnBothPaths) {
  auto t = table(3, {2023});
  set(t, 0, 0, 90, 0.1);
  set(t, 1, 0, 50, na);
  set(t, 2, 0, 10, 0.1);
  for (const std::size_t draws : {std::size_t{1000}, std::size_t{2}}) {  // histogram, stored draws
    db::RankIntervalOptions o;
    o.draws = draws;
    const auto ri = db::rank_intervals(t, o);
    EXPECT_EQ(ri.rank(0, 0), 1);
    EXPECT_EQ(ri.low(0, 0), 1);
    EXPECT_EQ(ri.high(0, 0), 2);
    EXPECT_EQ(ri.median(0, 0), 1);
    EXPECT_EQ(ri.rank(1, 0), 2);
    EXPECT_TRUE(std::isnan(ri.low(1, 0)) && std::isnan(ri.high(1, 0)) && std::isnan(ri.median(1, 0)));
    EXPECT_EQ(ri.low(2, 0), 2);
    EXPECT_EQ(ri.high(2, 0), 3);
    EXPECT_EQ(ri.median(2, 0), 3);
    EXPECT_EQ(ri.unknown(0, 0), 1);
    EXPECT_EQ(ri.unknown(1, 0), 0);
  }
  // With its se known the three are certain: 1-1, 2-2, 3-3, nothing unknown.
  set(t, 1, 0, 50, 0.1);
  const auto known = db::rank_intervals(t);
  for (Eigen::Index u = 0; u < 3; ++u) {
    EXPECT_EQ(known.low(u, 0), static_cast<double>(u + 1));
    EXPECT_EQ(known.high(u, 0), static_cast<double>(u + 1));
    EXPECT_EQ(known.unknown(u, 0), 0);
  }
}

TEST(RankIntervals, MoreUnitsThanDrawsUseTheStoredDraws) {
  // 30 units, 10 draws: the per-draw path (no histogram); same-score units far apart keep their rank.
  auto t = table(30, {2023});
  for (std::size_t u = 0; u < 30; ++u) set(t, u, 0, 1000.0 - 10.0 * static_cast<double>(u), 0.5);
  db::RankIntervalOptions o;
  o.draws = 10;
  const auto ri = db::rank_intervals(t, o);
  for (Eigen::Index u = 0; u < 30; ++u) {
    EXPECT_EQ(ri.rank(u, 0), static_cast<double>(u + 1));
    EXPECT_EQ(ri.low(u, 0), ri.rank(u, 0));
    EXPECT_EQ(ri.high(u, 0), ri.rank(u, 0));
  }
  // With 1000 draws (histogram path) the same.
  o.draws = 1000;
  const auto rh = db::rank_intervals(t, o);
  EXPECT_TRUE(rh.low.isApprox(ri.low));
  EXPECT_TRUE(rh.median.isApprox(ri.median));
}

// Acceptance 4: peer groups by CBS size class use the documented boundaries (lower bound inclusive).
TEST(PeerGroups, BySizeClassUseTheCbsBoundaries) {
  auto t = table(6, {2023});
  const std::vector<double> population{4999, 5000, 9999, 10000, 19999, 250000};
  const std::vector<double> score{10, 20, 30, 40, 50, 60};
  std::vector<db::Unit> list;
  for (std::size_t u = 0; u < 6; ++u) {
    list.push_back(unit(t.units[u], population[u]));
    set(t, u, 0, score[u], 1);
  }
  const db::UnitRegistry registry(list);
  const auto pc = db::compare_with_peers(t, registry);
  EXPECT_TRUE(pc.groups.units[0].members.empty());  // 4 999 is alone in "< 5 000"
  EXPECT_EQ(pc.groups.units[1].members, std::vector<std::string>{"u2"});  // 5 000 and 9 999 share "5 000 - 10 000"
  EXPECT_EQ(pc.groups.units[2].members, std::vector<std::string>{"u1"});
  EXPECT_EQ(pc.groups.units[3].members, std::vector<std::string>{"u4"});  // 10 000 and 19 999
  EXPECT_EQ(pc.groups.units[1].description, "size_class = 5 000 - 10 000 (1 peer)");
  EXPECT_EQ(pc.groups.units[5].description, "size_class = >= 250 000 (0 peers)");
  EXPECT_DOUBLE_EQ(pc.mean(1, 0), 30);
  EXPECT_DOUBLE_EQ(pc.difference(1, 0), -10);
  EXPECT_TRUE(std::isnan(pc.mean(0, 0)));
  EXPECT_EQ(pc.count(0, 0), 0);
  // National: plain mean 35; population-weighted by hand.
  EXPECT_DOUBLE_EQ(pc.national_mean(0, 0), 35);
  double w = 0, wx = 0;
  for (std::size_t u = 0; u < 6; ++u) {
    w += population[u];
    wx += population[u] * score[u];
  }
  EXPECT_NEAR(pc.national_weighted(0, 0), wx / w, 1e-12);
}

TEST(PeerGroups, ByProvinceLabelAndListExcludeTheUnitItself) {
  auto t = table(5, {2023});
  std::vector<db::Unit> list;
  const std::vector<std::string> province{"Utrecht", "Utrecht", "Utrecht", "Gelderland", "Utrecht"};
  const std::vector<double> score{10, 20, 60, 40, na};
  for (std::size_t u = 0; u < 4; ++u) {  // u4 is not in the registry
    list.push_back(unit(t.units[u], na, province[u]));
    list.back().labels["regio"] = u < 2 ? "A" : "B";
  }
  for (std::size_t u = 0; u < 5; ++u) set(t, u, 0, score[u], 1);
  const db::UnitRegistry registry(list);
  db::PeerDefinition by_province;
  by_province.attribute = "province";
  const auto pc = db::compare_with_peers(t, registry, by_province);
  EXPECT_EQ(pc.groups.units[0].members, (std::vector<std::string>{"u1", "u2"}));
  EXPECT_DOUBLE_EQ(pc.mean(0, 0), 40);    // (20 + 60) / 2
  EXPECT_DOUBLE_EQ(pc.median(0, 0), 40);
  EXPECT_DOUBLE_EQ(pc.mean(2, 0), 15);    // (10 + 20) / 2
  EXPECT_EQ(pc.groups.units[4].description, "no province for unit u4 (no peers)");
  EXPECT_TRUE(std::isnan(pc.national_weighted(0, 0)));  // populations unknown
  db::PeerDefinition by_label;
  by_label.attribute = "regio";
  EXPECT_EQ(db::compare_with_peers(t, registry, by_label).groups.units[2].members, std::vector<std::string>{"u3"});
  db::PeerDefinition by_list;
  by_list.list = {"u0", "u1", "u3"};
  const auto pl = db::compare_with_peers(t, registry, by_list);
  EXPECT_EQ(pl.groups.units[1].members, (std::vector<std::string>{"u0", "u3"}));
  EXPECT_EQ(pl.groups.units[2].members, (std::vector<std::string>{"u0", "u1", "u3"}));
  EXPECT_DOUBLE_EQ(pl.mean(1, 0), 25);
  EXPECT_EQ(pl.groups.units[1].description, "list of 3 units (2 peers)");
  by_list.list = {"nope"};
  EXPECT_THROW((void)db::compare_with_peers(t, registry, by_list), db::DataError);
}

TEST(PeerGroups, CarryTheAttributeAndWhetherEachGroupIsKnown) {
  const std::vector<std::string> ids{"u0", "u1", "u2", "u3"};
  // u2 has no province, u3 is not in the registry.
  const db::UnitRegistry registry({unit("u0", 100, "Utrecht"), unit("u1", 200, "Utrecht"), unit("u2", 300, "")});
  db::PeerDefinition by_province;
  by_province.attribute = "province";
  const db::PeerGroups groups = db::peer_groups(ids, &registry, by_province);
  EXPECT_EQ(groups.attribute, std::optional<std::string>("province"));
  ASSERT_EQ(groups.units.size(), 4U);
  EXPECT_EQ(groups.units[0].unit, "u0");
  EXPECT_EQ(groups.units[0].members, std::vector<std::string>{"u1"});
  EXPECT_EQ(groups.units[0].description, "province = Utrecht (1 peer)");
  EXPECT_TRUE(groups.units[2].known);  // in the registry without a province: a known, empty group
  EXPECT_TRUE(groups.units[2].members.empty());
  EXPECT_FALSE(groups.units[3].known);
  EXPECT_EQ(groups.units[3].description, "no province for unit u3 (no peers)");
  // Without a registry no group is known; a list needs none and has no attribute.
  const db::PeerGroups none = db::peer_groups(ids, nullptr);
  EXPECT_EQ(none.attribute, std::optional<std::string>("size_class"));
  EXPECT_FALSE(none.units[0].known);
  EXPECT_EQ(none.units[0].description, "no unit registry (no peers)");
  db::PeerDefinition by_list;
  by_list.list = {"u3", "u1"};
  const db::PeerGroups listed = db::peer_groups(ids, nullptr, by_list);
  EXPECT_FALSE(listed.attribute.has_value());
  EXPECT_TRUE(listed.units[3].known);
  EXPECT_EQ(listed.units[0].members, (std::vector<std::string>{"u1", "u3"}));  // in the order of the units
  EXPECT_EQ(listed.units[1].members, std::vector<std::string>{"u3"});
  EXPECT_EQ(listed.units[1].description, "list of 2 units (1 peer)");
  by_list.list = {"nope"};
  EXPECT_THROW((void)db::peer_groups(ids, &registry, by_list), db::DataError);
}

TEST(BaselineChange, HandComputedChangeIntervalAndTest) {
  auto t = table(2, {2020, 2021, 2022});
  set(t, 0, 0, 60, 3);
  set(t, 0, 1, 61, 4);
  set(t, 0, 2, 66, 4);   // since 2020: 6, se 5, z 1.2
  set(t, 1, 0, 50, 3);
  set(t, 1, 1, 55, 4);
  set(t, 1, 2, 62, 4);   // since 2020: 12, se 5, z 2.4; since its baseline 2021: 7, se sqrt(32)
  std::vector<db::Unit> list{unit("u0", 1000), unit("u1", 1000)};
  list[1].baseline = year(2021);
  const db::UnitRegistry registry(list);
  const auto ch = db::compute_changes(t, &registry);
  EXPECT_EQ(ch.baselines[0], year(2020));  // default: the first period
  EXPECT_EQ(ch.baselines[1], year(2021));  // Unit::baseline
  const auto& b = ch.since_baseline;
  EXPECT_DOUBLE_EQ(b.change(2, 0), 6);
  EXPECT_DOUBLE_EQ(b.se(2, 0), 5);
  EXPECT_NEAR(b.p_value(2, 0), 0.23013934044341544, 1e-12);  // 2 (1 - Phi(1.2))
  EXPECT_EQ(b.beyond_noise(2, 0), 0);
  EXPECT_NEAR(b.low(2, 0), 6 - 1.959963984540054 * 5, 1e-12);
  EXPECT_NEAR(b.high(2, 0), 6 + 1.959963984540054 * 5, 1e-12);
  EXPECT_DOUBLE_EQ(b.change(5, 0), 7);
  EXPECT_NEAR(b.se(5, 0), std::sqrt(32.0), 1e-12);
  EXPECT_TRUE(std::isnan(b.change(4, 0)));  // the baseline itself
  EXPECT_TRUE(std::isnan(b.change(0, 0)));
  const auto& prev = ch.since_previous;
  EXPECT_DOUBLE_EQ(prev.change(1, 0), 1);
  EXPECT_DOUBLE_EQ(prev.change(2, 0), 5);
  EXPECT_TRUE(std::isnan(prev.change(0, 0)));
  // Global baseline 2020: u1 12 / 5.
  db::ChangeOptions o;
  o.baseline = year(2020);
  const auto g = db::compute_changes(t, &registry, o);
  EXPECT_NEAR(g.since_baseline.p_value(5, 0), 0.01639507184919225, 1e-12);  // 2 (1 - Phi(2.4))
  EXPECT_EQ(g.since_baseline.beyond_noise(5, 0), 1);
  o.alpha = 0.01;
  EXPECT_EQ(db::compute_changes(t, &registry, o).since_baseline.beyond_noise(5, 0), 0);
  // Unknown se: change but no test.
  set(t, 0, 2, 66, na);
  const auto u = db::compute_changes(t, nullptr);
  EXPECT_DOUBLE_EQ(u.since_baseline.change(2, 0), 6);
  EXPECT_TRUE(std::isnan(u.since_baseline.p_value(2, 0)));
  EXPECT_TRUE(std::isnan(u.since_baseline.beyond_noise(2, 0)));
  // A baseline outside the data names the unit.
  o.baseline = year(2019);
  try {
    (void)db::compute_changes(t, &registry, o);
    FAIL() << "expected DataError";
  } catch (const db::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("unit u0: its baseline period 2019"), std::string::npos) << e.what();
  }
}

TEST(CompareKoploper, TableCombinesScoreRankChangeAndPeers) {
  auto t = table(3, {2022, 2023});
  set(t, 0, 0, 50, 2);
  set(t, 0, 1, 58, 2);
  set(t, 1, 0, 60, 2);
  set(t, 1, 1, 61, 2);
  set(t, 2, 0, 40, 2);
  set(t, 2, 1, 45, 2);
  const db::UnitRegistry registry({unit("u0", 30000), unit("u1", 40000), unit("u2", 60000)});
  db::KoploperOptions o;
  o.units = {"u0", "u2"};
  const auto rows = db::koploper_table(t, &registry, o).rows;
  ASSERT_EQ(rows.size(), 2U);
  const auto& r = rows[0];
  EXPECT_EQ(r.unit, "u0");
  EXPECT_EQ(r.node, "n");
  EXPECT_EQ(r.period, year(2023));
  EXPECT_DOUBLE_EQ(r.score, 58);
  EXPECT_NEAR(r.low, 58 - 1.959963984540054 * 2, 1e-12);
  EXPECT_EQ(r.rank, 2);
  EXPECT_LE(r.rank_low, 2);
  EXPECT_GE(r.rank_high, 2);
  EXPECT_DOUBLE_EQ(r.change_since_baseline, 8);
  EXPECT_EQ(r.change_beyond_noise, 1);  // 8 / sqrt(8) = 2.83
  EXPECT_DOUBLE_EQ(r.peer_mean, 61);    // u1 is the only other "20 000 - 50 000"
  EXPECT_DOUBLE_EQ(r.difference_from_peers, -3);
  EXPECT_DOUBLE_EQ(r.national, (58.0 + 61 + 45) / 3);
  EXPECT_EQ(r.peers, "size_class = 20 000 - 50 000 (1 peer)");
  EXPECT_EQ(rows[1].peers, "size_class = 50 000 - 100 000 (0 peers)");
  EXPECT_TRUE(std::isnan(rows[1].peer_mean));
  // The peer groups of every unit, also of u1, which is not reported.
  const auto groups = db::koploper_table(t, &registry, o).peer_groups;
  EXPECT_EQ(groups.attribute, std::optional<std::string>("size_class"));
  ASSERT_EQ(groups.units.size(), 3U);
  EXPECT_EQ(groups.units[1].unit, "u1");
  EXPECT_EQ(groups.units[1].members, std::vector<std::string>{"u0"});
  EXPECT_EQ(groups.units[0].description, r.peers);
  // Without a registry there are no peers, but the rest is there.
  const auto bare = db::koploper_table(t, nullptr, o).rows;
  EXPECT_EQ(bare[0].peers, "no unit registry (no peers)");
  EXPECT_DOUBLE_EQ(bare[0].change_since_baseline, 8);
  o.nodes = {"missing"};
  EXPECT_THROW((void)db::koploper_table(t, &registry, o), db::DataError);
}

// Issue 15: a unit without a standard error has no score, rank or change interval, and the table
// says why; a unit whose baseline se is unknown has no change interval; the others' rank
// intervals allow for the unknown one.
TEST(CompareKoploper, UnknownStandardErrorsGiveUnknownIntervalsWithTheReason) {
  auto t = table(3, {2022, 2023});
  set(t, 0, 0, 50, 2);
  set(t, 0, 1, 58, na);  // u0: se unknown in the reported period
  set(t, 1, 0, 60, na);  // u1: se unknown at its baseline only
  set(t, 1, 1, 61, 2);
  set(t, 2, 0, 40, 2);
  set(t, 2, 1, 45, 2);
  const auto rows = db::koploper_table(t, nullptr).rows;
  ASSERT_EQ(rows.size(), 3U);
  const auto& u0 = rows[0];
  EXPECT_DOUBLE_EQ(u0.score, 58);
  EXPECT_TRUE(std::isnan(u0.low) && std::isnan(u0.high));
  EXPECT_EQ(u0.rank, 2);
  EXPECT_TRUE(std::isnan(u0.rank_low) && std::isnan(u0.rank_high) && std::isnan(u0.rank_median));
  EXPECT_DOUBLE_EQ(u0.change_since_baseline, 8);
  EXPECT_TRUE(std::isnan(u0.change_low) && std::isnan(u0.change_high) && std::isnan(u0.change_p_value));
  EXPECT_TRUE(std::isnan(u0.change_beyond_noise));
  EXPECT_EQ(u0.uncertainty_note, "standard error unknown: no score, rank or change interval");
  const auto& u1 = rows[1];
  EXPECT_NEAR(u1.low, 61 - 1.959963984540054 * 2, 1e-12);
  EXPECT_DOUBLE_EQ(u1.change_since_baseline, 1);
  EXPECT_TRUE(std::isnan(u1.change_low) && std::isnan(u1.change_p_value));
  // u1 leads u2 by 16 with se sqrt(8) (never behind), and u0 may be anywhere: 1-2.
  EXPECT_EQ(u1.rank_low, 1);
  EXPECT_EQ(u1.rank_high, 2);
  EXPECT_EQ(u1.uncertainty_note,
            "standard error at the baseline (2022) unknown: no change interval; the rank interval allows for 1 other "
            "unit with an unknown standard error anywhere");
  const auto& u2 = rows[2];
  EXPECT_EQ(u2.rank, 3);
  EXPECT_EQ(u2.rank_low, 2);
  EXPECT_EQ(u2.rank_high, 3);
  EXPECT_FALSE(std::isnan(u2.change_low));
  EXPECT_EQ(u2.uncertainty_note, "the rank interval allows for 1 other unit with an unknown standard error anywhere");
}
