// Signals: for every rule constructed data where it must fire and where it must not, with the
// numbers in the sentences; nothing from suppressed values; the rules file and its errors.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "doelenboom/signals.hpp"
#include "doelenboom/tree_io.hpp"
#include "pipeline_test_util.hpp"

namespace {

using namespace pipeline_test;
namespace db = doelenboom;

// Two indicators under one goal: a reach count and a satisfaction share with norm 0.8
// (tests/data/trees/signaaltest.yaml, shared with the Python tests).
db::GoalTree tree() {
  std::ifstream in(std::filesystem::path(DOELENBOOM_TEST_DATA_DIR) / "trees" / "signaaltest.yaml", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return db::load_tree_yaml_string(text, "signaaltest.yaml");
}

db::EstimateRecord cell(const std::string& unit, int period, const std::string& indicator, double value, double n = na,
                        double se = na) {
  auto r = rec(unit, period, indicator, value, se);
  r.n = n;
  return r;
}

/// Eight quiet units u1..u8 over 2022..2025: reach 100 + u, satisfaction 0.85 + u / 100 with n 200.
std::vector<db::EstimateRecord> quiet() {
  std::vector<db::EstimateRecord> out;
  for (int u = 1; u <= 8; ++u) {
    for (int y = 2022; y <= 2025; ++y) {
      out.push_back(cell("u" + std::to_string(u), y, "bereik", 100.0 + u));
      out.push_back(cell("u" + std::to_string(u), y, "kwaliteit", 0.85 + u / 100.0, 200));
    }
  }
  return out;
}

/// Replace (unit, period, indicator) in the records; NaN value removes it.
void set(std::vector<db::EstimateRecord>& records, const std::string& unit, int period, const std::string& indicator,
         double value, double n = na) {
  for (auto it = records.begin(); it != records.end(); ++it) {
    if (it->unit == unit && it->period == year(period) && it->indicator == indicator) {
      if (std::isnan(value)) {
        records.erase(it);
      } else {
        it->value = value;
        it->n = n;
      }
      return;
    }
  }
  records.push_back(cell(unit, period, indicator, value, n));
}

db::Unit unit(const std::string& id, const std::string& name) {
  db::Unit u;
  u.id = id;
  u.name = name;
  return u;
}

struct Run {
  db::GoalTree tree;
  db::Dataset data;
  db::PipelineResult result;
};

Run run(const std::vector<db::EstimateRecord>& records) {
  db::PipelineSpec spec;
  spec.normalise.method = db::Normalisation::none;
  auto t = tree();
  auto d = db::Dataset::from_records(records);
  auto r = db::run_pipeline(t, d, spec);
  return Run{t, d, std::move(r)};
}

std::vector<db::Signal> of(const std::vector<db::Signal>& all, db::SignalRule rule, const std::string& unit = {},
                           const std::string& node = {}) {
  std::vector<db::Signal> out;
  for (const auto& s : all) {
    if (s.rule == rule && (unit.empty() || s.unit == unit) && (node.empty() || s.node == node)) out.push_back(s);
  }
  return out;
}

TEST(SignalNorm, FiresBelowTheNormOnTheRawValueWithTheNumbers) {
  auto records = quiet();
  set(records, "u3", 2024, "kwaliteit", 0.75, 150);
  const auto r = run(records);
  const db::SignalContext ctx{&r.data, nullptr};
  const auto all = db::evaluate_signals(r.result, {}, ctx);
  const auto s = of(all, db::SignalRule::norm);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s[0].unit, "u3");
  EXPECT_EQ(s[0].node, "kwaliteit");
  EXPECT_EQ(s[0].period, year(2024));
  EXPECT_DOUBLE_EQ(s[0].value, 0.75);
  EXPECT_DOUBLE_EQ(s[0].reference, 0.8);
  EXPECT_NEAR(s[0].difference, -0.05, 1e-12);
  EXPECT_DOUBLE_EQ(s[0].n, 150);
  EXPECT_EQ(s[0].severity, db::Severity::warning);  // 0.05 < 10% of the norm
  EXPECT_TRUE(contains(s[0].message_nl, "Kwaliteit goed in u3 is in 2024 75%, onder de norm van 80% (verschil -5 procentpunt)."));
  EXPECT_TRUE(contains(s[0].message_en, "Kwaliteit goed in u3 was 75% in 2024, below the norm of 80% (difference -5 percentage points)."));
  EXPECT_TRUE(contains(s[0].message_en, "below the norm of 80%"));
}

TEST(SignalNorm, SilentAtOrAboveTheNormAndForANodeThatDisablesIt) {
  auto records = quiet();
  set(records, "u3", 2024, "kwaliteit", 0.80, 150);
  auto r = run(records);
  EXPECT_TRUE(of(db::evaluate_signals(r.result), db::SignalRule::norm).empty());
  set(records, "u3", 2024, "kwaliteit", 0.5, 150);
  r = run(records);
  auto rules = db::SignalRules::parse_yaml("nodes:\n  kwaliteit: {disabled: [norm]}\n");
  EXPECT_TRUE(of(db::evaluate_signals(r.result, rules), db::SignalRule::norm).empty());
  rules = db::SignalRules::parse_yaml("nodes:\n  kwaliteit: {norm: 0.4}\n");
  EXPECT_TRUE(of(db::evaluate_signals(r.result, rules), db::SignalRule::norm).empty());
  const auto s = of(db::evaluate_signals(r.result), db::SignalRule::norm);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s[0].severity, db::Severity::alert);  // 0.3 below is more than 10% of 0.8
}

TEST(SignalDrop, FiresForADropBeyondNoiseSinceTheBaseline) {
  auto records = quiet();
  set(records, "u2", 2022, "bereik", 48);
  set(records, "u2", 2023, "bereik", 47);
  set(records, "u2", 2024, "bereik", 45);
  set(records, "u2", 2025, "bereik", 12);
  const auto r = run(records);
  db::UnitRegistry units({unit("u2", "Rheden")});
  const auto all = db::evaluate_signals(r.result, {}, {&r.data, &units});
  const auto s = of(all, db::SignalRule::drop_baseline, "u2", "bereik");
  ASSERT_EQ(s.size(), 1U);  // 47 and 45 against 48 are noise
  EXPECT_EQ(s[0].period, year(2025));
  EXPECT_DOUBLE_EQ(s[0].value, 12);
  EXPECT_DOUBLE_EQ(s[0].reference, 48);
  const double z = (12.0 - 48.0) / std::sqrt(12.0 + 48.0);  // Poisson standard errors of the counts
  EXPECT_NEAR(s[0].statistic, z, 1e-12);
  EXPECT_NEAR(s[0].p_value, std::erfc(std::fabs(z) / std::sqrt(2.0)), 1e-15);
  EXPECT_EQ(s[0].severity, db::Severity::alert);
  EXPECT_TRUE(contains(s[0].message_nl, "Bereik in Rheden is in 2025 gedaald naar 12 cliënten, tegen 48 cliënten bij de nulmeting (2022); "
                                        "dat is meer dan toeval (z = -4,65, p < 0,001)."));
  EXPECT_TRUE(contains(s[0].message_en, "Bereik in Rheden fell to 12 cliënten in 2025, from 48 cliënten at the baseline (2022)"));
  // ... and since the previous period (45 -> 12).
  const auto prev = of(all, db::SignalRule::drop_previous, "u2", "bereik");
  ASSERT_EQ(prev.size(), 1U);
  EXPECT_DOUBLE_EQ(prev[0].reference, 45);
  EXPECT_TRUE(contains(prev[0].message_nl, "tegen 45 cliënten in 2024"));
  // The goal above dropped as well, but its standard error is unknown (no se in the data).
  EXPECT_TRUE(of(all, db::SignalRule::drop_baseline, "u2", "top").empty());
}

TEST(SignalDrop, UsesTheMarkedBaselineAndEstimateStandardErrors) {
  auto records = quiet();
  for (auto& x : records) x.se = x.indicator == "kwaliteit" ? 0.01 : na;
  set(records, "u4", 2022, "kwaliteit", 0.60, 200);  // low first period: 2025 is no drop from it
  set(records, "u4", 2023, "kwaliteit", 0.90, 200);  // the marked baseline
  set(records, "u4", 2025, "kwaliteit", 0.85, 200);  // 2024 stays 0.89: noise against 0.90
  const auto r = run(records);
  EXPECT_TRUE(of(db::evaluate_signals(r.result, {}, {&r.data, nullptr}), db::SignalRule::drop_baseline, "u4").empty());
  db::Unit u4 = unit("u4", "Putten");
  u4.baseline = year(2023);
  db::UnitRegistry units({u4});
  const auto all = db::evaluate_signals(r.result, {}, {&r.data, &units});
  const auto s = of(all, db::SignalRule::drop_baseline, "u4", "kwaliteit");
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s[0].period, year(2025));
  EXPECT_NEAR(s[0].statistic, (0.85 - 0.90) / std::sqrt(2e-4), 1e-9);  // the estimates' se 0.01
  EXPECT_TRUE(contains(s[0].message_nl, "Kwaliteit goed in Putten is in 2025 gedaald naar 85%, tegen 90% bij de nulmeting (2023); dat is meer dan toeval (z = -3,54, p < 0,001)."));
  const auto prev = of(all, db::SignalRule::drop_previous, "u4", "kwaliteit");
  ASSERT_EQ(prev.size(), 1U);  // 0.85 against 0.89 in 2024: z = -2.83
  EXPECT_NEAR(prev[0].p_value, std::erfc(0.04 / std::sqrt(2e-4) / std::sqrt(2.0)), 1e-9);
  EXPECT_TRUE(contains(prev[0].message_en, "from 89% in 2024; more than chance (z = -2.83, p = 0.005)."));
  // A stricter alpha silences the previous-period drop.
  const auto strict = db::SignalRules::parse_yaml("drop: {alpha: 0.001}\n");
  EXPECT_TRUE(of(db::evaluate_signals(r.result, strict, {&r.data, &units}), db::SignalRule::drop_previous, "u4").empty());
}

TEST(SignalDrop, GoalScoresUseThePipelineStandardErrors) {
  auto records = quiet();
  for (auto& x : records) x.se = x.indicator == "kwaliteit" ? 0.01 : 2.0;
  set(records, "u2", 2025, "bereik", 60);
  const auto r = run(records);
  const auto all = db::evaluate_signals(r.result, {}, {&r.data, nullptr});
  const auto s = of(all, db::SignalRule::drop_baseline, "u2", "top");
  ASSERT_EQ(s.size(), 1U);
  const auto top = static_cast<Eigen::Index>(r.result.tree().index_of("top"));
  const auto now = static_cast<Eigen::Index>(r.result.row(1, 3)), then = static_cast<Eigen::Index>(r.result.row(1, 0));
  EXPECT_DOUBLE_EQ(s[0].value, r.result.scores()(now, top));
  EXPECT_DOUBLE_EQ(s[0].reference, r.result.scores()(then, top));
  const double se = std::hypot(r.result.standard_errors()(now, top), r.result.standard_errors()(then, top));
  EXPECT_NEAR(s[0].statistic, (s[0].value - s[0].reference) / se, 1e-12);
  // (60 + 0.87) / 2 and (102 + 0.87) / 2 with normalisation none and equal weights.
  EXPECT_TRUE(contains(s[0].message_nl, "Zelfregie in u2 is in 2025 gedaald naar score 30,4, tegen score 51,4 bij de nulmeting (2022)"));
  // goals: false leaves the goal out.
  const auto no_goals = db::SignalRules::parse_yaml("drop: {goals: false}\n");
  EXPECT_TRUE(of(db::evaluate_signals(r.result, no_goals, {&r.data, nullptr}), db::SignalRule::drop_baseline, "u2", "top").empty());
}

TEST(SignalReach, FiresWhenReachVanishesAndWhenFarBelowExpected) {
  auto records = quiet();
  set(records, "u5", 2022, "bereik", 40);
  set(records, "u5", 2023, "bereik", 42);
  set(records, "u5", 2024, "bereik", 38);  // noise: must not fire
  set(records, "u5", 2025, "bereik", 0);
  set(records, "u6", 2025, "bereik", 50);  // 50 against 106 expected: far below
  const auto r = run(records);
  const auto all = db::evaluate_signals(r.result, {}, {&r.data, nullptr});
  const auto s = of(all, db::SignalRule::reach, "u5");
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s[0].period, year(2025));
  EXPECT_DOUBLE_EQ(s[0].value, 0);
  EXPECT_DOUBLE_EQ(s[0].reference, 40);  // (40 + 42 + 38) / 3
  EXPECT_NEAR(s[0].p_value / std::exp(-40.0), 1.0, 1e-9);
  EXPECT_EQ(s[0].severity, db::Severity::alert);
  EXPECT_TRUE(contains(s[0].message_nl, "Bereik in u5 is in 2025 weggevallen: 0, terwijl er eerder wel bereik was (verwacht 40 cliënten"));
  EXPECT_TRUE(contains(s[0].message_en, "vanished in 2025: 0, after reach before (expected 40 cliënten"));
  const auto far = of(all, db::SignalRule::reach, "u6");
  ASSERT_EQ(far.size(), 1U);
  EXPECT_DOUBLE_EQ(far[0].reference, 106);
  EXPECT_LT(far[0].p_value, 1e-6);
  EXPECT_TRUE(contains(far[0].message_nl, "gedaald naar 50 cliënten, tegen 106 cliënten verwacht op grond van eerdere perioden"));
  // No reach before: no signal for a unit that never had any.
  auto never = quiet();
  for (int y = 2022; y <= 2025; ++y) set(never, "u7", y, "bereik", 0);
  const auto r2 = run(never);
  EXPECT_TRUE(of(db::evaluate_signals(r2.result), db::SignalRule::reach, "u7").empty());
}

TEST(SignalReach, PeersPerInhabitantGiveTheExpectedCount) {
  auto records = quiet();
  for (int u = 1; u <= 8; ++u) set(records, "u" + std::to_string(u), 2025, "bereik", 100);  // 1 per 100 inhabitants
  for (int y = 2022; y <= 2024; ++y) set(records, "u1", y, "bereik", 200);  // twice the inhabitants
  set(records, "u1", 2025, "bereik", 30);
  const auto r = run(records);
  std::vector<db::Unit> list;
  for (int u = 1; u <= 8; ++u) {
    db::Unit x = unit("u" + std::to_string(u), "Gemeente " + std::to_string(u));
    x.population = u == 1 ? 20000 : 10000;
    list.push_back(x);
  }
  db::UnitRegistry units(list);
  auto rules = db::SignalRules::parse_yaml("reach: {reference: peers}\noutlier: {peer_group: all}\n");
  const auto s = of(db::evaluate_signals(r.result, rules, {&r.data, &units}), db::SignalRule::reach, "u1");
  ASSERT_EQ(s.size(), 1U);
  EXPECT_DOUBLE_EQ(s[0].reference, 200);  // 700 / 70 000 x 20 000
  EXPECT_TRUE(contains(s[0].message_nl, "Bereik in Gemeente 1 is in 2025 gedaald naar 30 cliënten, tegen 200 cliënten verwacht op grond van het inwonertal"));
}

TEST(SignalOutlier, RobustZAgainstPeers) {
  auto records = quiet();
  set(records, "u8", 2023, "kwaliteit", 0.95, 200);  // 0.95 vs median 0.895: z = 0.055/(1.4826*0.02) = 1.85 -> quiet
  auto r = run(records);
  EXPECT_TRUE(of(db::evaluate_signals(r.result, {}, {&r.data, nullptr}), db::SignalRule::outlier).empty());
  set(records, "u8", 2023, "kwaliteit", 0.30, 200);
  r = run(records);
  const auto s = of(db::evaluate_signals(r.result, {}, {&r.data, nullptr}), db::SignalRule::outlier, {}, "kwaliteit");
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s[0].unit, "u8");
  // Values 0.86..0.92 (u1..u7) and 0.30: median 0.885, MAD 0.02.
  EXPECT_NEAR(s[0].reference, 0.885, 1e-12);
  EXPECT_NEAR(s[0].statistic, (0.30 - 0.885) / (1.4826 * 0.02), 1e-6);
  EXPECT_DOUBLE_EQ(s[0].n, 8);
  EXPECT_EQ(s[0].severity, db::Severity::warning);
  EXPECT_TRUE(contains(s[0].message_nl, "Kwaliteit goed in u8 wijkt in 2023 sterk af van vergelijkbare eenheden (alle eenheden): 30% tegen een mediaan van 88,5% (robuuste z = -19,73, 8 eenheden)."));
  // Too few peers: no signal.
  const auto few = db::SignalRules::parse_yaml("outlier: {min_peers: 9}\n");
  EXPECT_TRUE(of(db::evaluate_signals(r.result, few, {&r.data, nullptr}), db::SignalRule::outlier).empty());
}

TEST(SignalData, LowCoverageAndManySuppressedCells) {
  auto records = quiet();
  set(records, "u1", 2024, "kwaliteit", na);  // missing: coverage of top is 0.5
  set(records, "u2", 2025, "kwaliteit", 0.9, 4);  // suppressed (n < 10): 1 of 2 cells
  const auto r = run(records);
  const auto all = db::evaluate_signals(r.result, {}, {&r.data, nullptr});
  const auto cov = of(all, db::SignalRule::coverage);
  // u1 2024, and u2 2025: a suppressed cell is missing to the score above it (docs/privacy.md).
  ASSERT_EQ(cov.size(), 2U);
  EXPECT_EQ(cov[0].severity, db::Severity::info);  // the score exists
  EXPECT_EQ(cov[0].unit, "u1");
  EXPECT_DOUBLE_EQ(cov[0].value, 0.5);
  EXPECT_TRUE(contains(cov[0].message_nl, "Voor Zelfregie in u1 zijn in 2024 te weinig gegevens: de dekking is 50%, minder dan 75%."));
  EXPECT_EQ(cov[1].unit, "u2");
  EXPECT_EQ(cov[1].period, year(2025));
  EXPECT_DOUBLE_EQ(cov[1].value, 0.5);
  const auto sup = of(all, db::SignalRule::suppressed);
  ASSERT_EQ(sup.size(), 1U);
  EXPECT_EQ(sup[0].unit, "u2");
  EXPECT_EQ(sup[0].node, "");
  EXPECT_DOUBLE_EQ(sup[0].value, 0.5);
  EXPECT_TRUE(contains(sup[0].message_nl, "In u2 zijn in 2025 1 van de 2 indicatorwaarden afgeschermd wegens kleine aantallen (50%, meer dan 25%)."));
  // Without the data set there is nothing to count; thresholds can be moved.
  EXPECT_TRUE(of(db::evaluate_signals(r.result), db::SignalRule::suppressed).empty());
  const auto lenient = db::SignalRules::parse_yaml("data: {min_coverage: 0.5, max_suppressed_share: 0.5}\n");
  const auto none = db::evaluate_signals(r.result, lenient, {&r.data, nullptr});
  EXPECT_TRUE(of(none, db::SignalRule::coverage).empty());
  EXPECT_TRUE(of(none, db::SignalRule::suppressed).empty());
}

TEST(SignalSuppression, NoSignalIsComputedFromASuppressedValue) {
  // The same extreme cells fire every rule while measured with a large n, and none once suppressed.
  auto records = quiet();
  set(records, "u3", 2025, "kwaliteit", 0.10, 200);  // norm, drop, outlier
  set(records, "u4", 2025, "bereik", 0, 200);        // reach vanished, drop, outlier
  auto r = run(records);
  auto all = db::evaluate_signals(r.result, {}, {&r.data, nullptr});
  for (const auto rule : {db::SignalRule::norm, db::SignalRule::drop_baseline, db::SignalRule::outlier}) {
    EXPECT_FALSE(of(all, rule, "u3", "kwaliteit").empty()) << to_string(rule);
  }
  for (const auto rule : {db::SignalRule::reach, db::SignalRule::drop_baseline, db::SignalRule::outlier}) {
    EXPECT_FALSE(of(all, rule, "u4", "bereik").empty()) << to_string(rule);
  }
  set(records, "u3", 2025, "kwaliteit", 0.10, 3);
  set(records, "u4", 2025, "bereik", 0, 0);
  r = run(records);
  for (const db::Dataset* data : std::vector<const db::Dataset*>{&r.data, nullptr}) {
    all = db::evaluate_signals(r.result, {}, {data, nullptr});
    for (const auto& s : all) {
      const bool suppressed_cell = (s.unit == "u3" && s.node == "kwaliteit") || (s.unit == "u4" && s.node == "bereik");
      EXPECT_FALSE(suppressed_cell && s.period == year(2025)) << s.message_en;
      // No sentence carries the hidden values.
      EXPECT_EQ(s.message_nl.find("10%"), std::string::npos) << s.message_nl;
    }
  }
  // ... and the goal above a suppressed cell signals nothing in that row either, with or without
  // the data set: its score rests on fewer cells than in other years. (Only the coverage rule
  // speaks of it: the suppressed cell is missing to the score.)
  for (const db::Dataset* data : std::vector<const db::Dataset*>{&r.data, nullptr}) {
    all = db::evaluate_signals(r.result, {}, {data, nullptr});
    EXPECT_TRUE(std::none_of(all.begin(), all.end(), [](const db::Signal& s) {
      return s.node == "top" && s.period == year(2025) && (s.unit == "u3" || s.unit == "u4") &&
             s.rule != db::SignalRule::coverage;
    }));
  }

}

TEST(SignalRulesFile, ReadsEverySettingAndDefaultsTheRest) {
  const auto rules = db::SignalRules::parse_yaml(R"(doelenboom_signals: 1
norm: {alert_distance: 0.2}
drop: {alpha: 0.01, previous: false, goals: false}
reach: {enabled: false, alpha: 0.001, reference: peers}
outlier: {threshold: 3, peer_group: province, min_peers: 4}
data: {min_coverage: 0.6}
nodes:
  kwaliteit: {disabled: [outlier, drop], norm: 0.7}
)",
                                                 "signals.yaml");
  EXPECT_DOUBLE_EQ(rules.norm.alert_distance, 0.2);
  EXPECT_TRUE(rules.norm.enabled);
  EXPECT_DOUBLE_EQ(rules.drop.alpha, 0.01);
  EXPECT_FALSE(rules.drop.previous);
  EXPECT_TRUE(rules.drop.baseline);
  EXPECT_FALSE(rules.drop.goals);
  EXPECT_FALSE(rules.reach.enabled);
  EXPECT_EQ(rules.reach.reference, db::ReachReference::peers);
  EXPECT_DOUBLE_EQ(rules.outlier.threshold, 3);
  EXPECT_EQ(rules.outlier.peer_group, "province");
  EXPECT_EQ(rules.outlier.min_peers, 4);
  EXPECT_DOUBLE_EQ(rules.data.min_coverage, 0.6);
  EXPECT_DOUBLE_EQ(rules.data.max_suppressed_share, 0.25);
  ASSERT_EQ(rules.nodes.size(), 1U);
  const auto& k = rules.nodes.at("kwaliteit");
  EXPECT_EQ(k.disabled, (std::vector<std::string>{"outlier", "drop"}));
  EXPECT_EQ(k.norm, 0.7);
  EXPECT_EQ(k.where.line, 8U);
  EXPECT_TRUE(rules.check(tree()).empty());
  EXPECT_EQ(db::SignalRules::parse_yaml(""), db::SignalRules{});
}

TEST(SignalRulesFile, ErrorsNameFileLineAndNode) {
  const auto message = [](const std::string& text) {
    try {
      (void)db::SignalRules::parse_yaml(text, "signals.yaml");
    } catch (const db::ParseError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_TRUE(contains(message("doelenboom_signals: 1\nnorm: {enabled: true}\ndrip: {}\n"), "signals.yaml:3: unknown key 'drip'"));
  EXPECT_TRUE(contains(message("drop:\n  alpha: 1.5\n"), "signals.yaml:2: drop: 'alpha' is 1.5, expected a number in (0, 1)"));
  EXPECT_TRUE(contains(message("drop: {baseline: maybe}\n"), "signals.yaml:1: drop: 'baseline' must be true or false"));
  EXPECT_TRUE(contains(message("reach: {reference: neighbours}\n"), "unknown reference 'neighbours' (expected one of: own, peers)"));
  EXPECT_TRUE(contains(message("nodes:\n  kwaliteit:\n    disabled: [norm, nrom]\n"),
                       "signals.yaml:3: node 'kwaliteit': unknown rule 'nrom' (expected one of: norm, drop, reach, outlier, data)"));
  EXPECT_TRUE(contains(message("nodes:\n  kwaliteit:\n    treshold: 3\n"), "signals.yaml:3: node 'kwaliteit': unknown key 'treshold'"));
  EXPECT_TRUE(contains(message("doelenboom_signals: 2\n"), "signals.yaml:1: unsupported format version '2'"));
  EXPECT_TRUE(contains(message("norm: [1\n"), "signals.yaml:"));
  // Nodes unknown to the tree: at evaluation (and check()), with file, line and the node.
  const auto rules = db::SignalRules::parse_yaml("nodes:\n  bereik: {disabled: [reach]}\n  kwalitiet: {norm: 0.5}\n  top: {norm: 1}\n",
                                                 "signals.yaml");
  const auto problems = rules.check(tree());
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_TRUE(contains(problems[0].message, "signals.yaml:3: node 'kwalitiet': there is no node 'kwalitiet' in the tree"));
  EXPECT_TRUE(contains(problems[1].message, "signals.yaml:4: node 'top': a norm applies to an indicator"));
  const auto r = run(quiet());
  EXPECT_THROW((void)db::evaluate_signals(r.result, rules), db::ParseError);
}

// Settings given as data (a dict from Python, as JSON) go through the file's reader: the same
// checks and words, "signals" in place of file and line.
TEST(SignalRulesFile, SettingsGivenAsDataAreReadByTheFileReader) {
  const auto rules = db::SignalRules::from_settings(R"({"drop": {"alpha": 0.01}, "nodes": {"kwaliteit": {"norm": 0.4}}})");
  EXPECT_EQ(rules, db::SignalRules::parse_yaml("drop: {alpha: 0.01}\nnodes:\n  kwaliteit: {norm: 0.4}\n"));
  EXPECT_TRUE(rules.source.empty());
  try {
    (void)db::SignalRules::from_settings(R"({"drop": {"alpha": 2}, "drip": {}})");
    ADD_FAILURE() << "expected a ParseError";
  } catch (const db::ParseError& e) {
    EXPECT_STREQ(e.what(),
                 "2 problems:\n"
                 "  signals: unknown key 'drip' (expected one of: doelenboom_signals, norm, drop, reach, outlier, data, nodes)\n"
                 "  signals: drop: 'alpha' is 2, expected a number in (0, 1)");
    ASSERT_EQ(e.problems().size(), 2U);
    EXPECT_TRUE(e.problems()[0].where.empty());
  }
}

}  // namespace

// A lower-is-better indicator (direction -1): the norm is a ceiling, and a rise is the bad change.
TEST(SignalDirection, LowerIsBetterFiresAboveTheNormAndOnARise) {
  const char* const yaml = R"(doelenboom: 1
name: Doorlooptijd
levels: [doel, indicator]
nodes:
  - id: top
    label: Snel geholpen
    level: doel
  - id: doorlooptijd
    label: Doorlooptijd
    kind: indicator
    direction: -1
    level: indicator
    pillar: bereik
    result: output
    measure: count
    norm: 28
    unit: dagen
    parents: [top]
)";
  const auto t = db::load_tree_yaml_string(yaml, "doorlooptijd.yaml");
  std::vector<db::EstimateRecord> records;
  for (int u = 1; u <= 6; ++u) {
    for (int y = 2022; y <= 2025; ++y) records.push_back(cell("u" + std::to_string(u), y, "doorlooptijd", 20.0 + u, na, 0.5));
  }
  // u1 rises from 21 to 35 days (worse, above the norm); u2 falls from 22 to 10 days (better).
  for (auto& r : records) {
    if (r.unit == "u1" && r.period == year(2025)) r.value = 35;
    if (r.unit == "u2" && r.period == year(2025)) r.value = 10;
  }
  db::PipelineSpec spec;
  spec.normalise.method = db::Normalisation::none;
  const auto d = db::Dataset::from_records(records);
  const auto r = db::run_pipeline(t, d, spec);
  db::SignalRules rules;
  rules.outlier.enabled = false;
  const auto all = db::evaluate_signals(r, rules, {&d, nullptr});

  const auto norm = of(all, db::SignalRule::norm);
  ASSERT_EQ(norm.size(), 1U);  // only u1's 35 > 28; u2's 10 and everyone's 21..26 are below the ceiling
  EXPECT_EQ(norm[0].unit, "u1");
  EXPECT_DOUBLE_EQ(norm[0].value, 35);
  EXPECT_DOUBLE_EQ(norm[0].reference, 28);
  EXPECT_DOUBLE_EQ(norm[0].difference, 7);
  EXPECT_EQ(norm[0].severity, db::Severity::alert);  // 7 days is more than 10% of 28
  EXPECT_TRUE(contains(norm[0].message_nl, "35 dagen")) << norm[0].message_nl;
  EXPECT_TRUE(contains(norm[0].message_nl, "boven de norm van 28 dagen")) << norm[0].message_nl;
  EXPECT_TRUE(contains(norm[0].message_en, "above the norm of 28 dagen")) << norm[0].message_en;

  // The rise of u1 is a worsening beyond noise; the fall of u2 is an improvement and stays silent.
  const auto drop = of(all, db::SignalRule::drop_baseline, {}, "doorlooptijd");
  ASSERT_EQ(drop.size(), 1U);
  EXPECT_EQ(drop[0].unit, "u1");
  EXPECT_DOUBLE_EQ(drop[0].value, 35);
  EXPECT_DOUBLE_EQ(drop[0].reference, 21);
  EXPECT_NEAR(drop[0].statistic, (35.0 - 21.0) / std::sqrt(0.5 * 0.5 * 2), 1e-9);
  EXPECT_TRUE(of(all, db::SignalRule::drop_previous, "u2").empty());
  EXPECT_TRUE(of(all, db::SignalRule::drop_baseline, "u2").empty());
}

namespace {

/// Eight units of 50 000 inhabitants each; the reach count divided per 1,000 inhabitants.
db::UnitRegistry fifty_thousand() {
  std::vector<db::Unit> list;
  for (int u = 1; u <= 8; ++u) {
    db::Unit x = unit("u" + std::to_string(u), "Gemeente " + std::to_string(u));
    x.population = 50000;
    list.push_back(x);
  }
  return db::UnitRegistry(list);
}

db::PipelineSpec per_thousand(const std::string& node) {
  db::PipelineSpec spec;
  spec.normalise.method = db::Normalisation::none;
  spec.nodes[node].treatment.denominator = "population";
  spec.nodes[node].treatment.denominator_scale = 1000;
  return spec;
}

}  // namespace

TEST(SignalReach, UsesRawCountsWhenThePipelineDividesByPopulation) {
  // u1 reaches 100 clients in 2022..2024 and 75 in 2025; per 1,000 inhabitants that is 2.0 and
  // 1.5, where a Poisson test on the rates would see P(X <= 1 | 2) = 0.406 and stay silent. On the
  // counts: P(X <= 75 | 100) = 0.00547266392707237 (scipy.stats.poisson.cdf(75, 100)) < alpha 0.01.
  auto records = quiet();
  for (int y = 2022; y <= 2024; ++y) set(records, "u1", y, "bereik", 100);
  set(records, "u1", 2025, "bereik", 75);
  const auto t = tree();
  const auto d = db::Dataset::from_records(records);
  const auto units = fifty_thousand();
  const auto spec = per_thousand("bereik");
  const auto r = db::run_pipeline(t, d, spec, db::RunContext{nullptr, &units, {}});
  ASSERT_NEAR(r.treated()(static_cast<Eigen::Index>(r.row(0, 3)), static_cast<Eigen::Index>(*t.find("bereik"))), 1.5, 1e-12);
  db::SignalRules rules;
  rules.outlier.enabled = false;
  // With the Dataset (its values are the raw counts) and without it (the audit's values before treatment).
  for (const db::SignalContext ctx : {db::SignalContext{&d, &units, &spec}, db::SignalContext{nullptr, &units, &spec}}) {
    const auto reach = of(db::evaluate_signals(r, rules, ctx), db::SignalRule::reach);
    ASSERT_EQ(reach.size(), 1U) << (ctx.data != nullptr ? "with" : "without") << " a dataset";
    EXPECT_EQ(reach[0].unit, "u1");
    EXPECT_EQ(reach[0].period, year(2025));
    EXPECT_DOUBLE_EQ(reach[0].value, 75);
    EXPECT_DOUBLE_EQ(reach[0].reference, 100);
    EXPECT_DOUBLE_EQ(reach[0].difference, -25);
    EXPECT_NEAR(reach[0].p_value, 0.00547266392707237, 1e-12);
    EXPECT_EQ(reach[0].severity, db::Severity::warning);  // 0.0055 is not below alpha / 10
    // The counts carry the indicator's unit, not "per 1.000 inwoners".
    EXPECT_TRUE(contains(reach[0].message_nl, "Bereik in Gemeente 1 is in 2025 gedaald naar 75 cliënten, tegen 100 cliënten verwacht"));
    EXPECT_TRUE(contains(reach[0].message_en, "Bereik in Gemeente 1 fell to 75 cliënten in 2025, against 100 cliënten expected"));
  }
}

TEST(SignalReach, SkipsCountsWhoseFallIsGood) {
  // A lead time filed under bereik as a count: u2 falls from 22 to 10 days. As a reach count
  // (direction 1) that is P(X <= 10 | 22) = 0.0035466004281163644 < alpha 0.01; with direction -1 the
  // reach rule leaves it alone.
  for (const int direction : {1, -1}) {
    const std::string yaml = std::string(R"(doelenboom: 1
name: Doorlooptijd
levels: [doel, indicator]
nodes:
  - id: top
    label: Snel geholpen
    level: doel
  - id: doorlooptijd
    label: Doorlooptijd
    kind: indicator
    direction: )") + std::to_string(direction) + R"(
    level: indicator
    pillar: bereik
    result: output
    measure: count
    unit: dagen
    parents: [top]
)";
    const auto t = db::load_tree_yaml_string(yaml, "doorlooptijd.yaml");
    std::vector<db::EstimateRecord> records;
    for (int u = 1; u <= 6; ++u) {
      for (int y = 2022; y <= 2025; ++y) {
        records.push_back(cell("u" + std::to_string(u), y, "doorlooptijd", u == 2 && y == 2025 ? 10.0 : 20.0 + u));
      }
    }
    db::PipelineSpec spec;
    spec.normalise.method = db::Normalisation::none;
    const auto d = db::Dataset::from_records(records);
    const auto r = db::run_pipeline(t, d, spec);
    const auto reach = of(db::evaluate_signals(r, {}, {&d, nullptr}), db::SignalRule::reach);
    if (direction > 0) {
      ASSERT_EQ(reach.size(), 1U);
      EXPECT_EQ(reach[0].unit, "u2");
      EXPECT_NEAR(reach[0].p_value, 0.0035466004281163644, 1e-12);
    } else {
      EXPECT_TRUE(reach.empty()) << reach.front().message_en;
    }
  }
}

TEST(SignalMessages, ValuesDividedByADenominatorSaySoInTheUnit) {
  const char* const yaml = R"(doelenboom: 1
name: Uren
levels: [doel, indicator]
nodes:
  - id: top
    label: Ondersteuning
    level: doel
  - id: uren
    label: Uren ondersteuning
    kind: indicator
    level: indicator
    pillar: bereik
    result: output
    measure: count
    norm: 4
    unit: uren
    parents: [top]
)";
  const auto t = db::load_tree_yaml_string(yaml, "uren.yaml");
  // 300 hours in 50 000 inhabitants = 6 per 1,000; u1 falls to 150 hours = 3 per 1,000 < norm 4.
  std::vector<db::EstimateRecord> records;
  for (int u = 1; u <= 8; ++u) {
    for (int y = 2022; y <= 2025; ++y) records.push_back(cell("u" + std::to_string(u), y, "uren", u == 1 && y == 2025 ? 150 : 300));
  }
  const auto d = db::Dataset::from_records(records);
  const auto units = fifty_thousand();
  const auto spec = per_thousand("uren");
  const auto r = db::run_pipeline(t, d, spec, db::RunContext{nullptr, &units, {}});
  db::SignalRules rules;
  rules.outlier.enabled = false;
  const auto all = db::evaluate_signals(r, rules, {&d, &units, &spec});
  const auto norm = of(all, db::SignalRule::norm);
  ASSERT_EQ(norm.size(), 1U);
  EXPECT_NEAR(norm[0].value, 3, 1e-12);
  EXPECT_EQ(norm[0].message_nl,
            "Uren ondersteuning in Gemeente 1 is in 2025 3 uren per 1.000 inwoners, onder de norm van 4 uren per 1.000 "
            "inwoners (verschil -1 uren per 1.000 inwoners).");
  EXPECT_EQ(norm[0].message_en,
            "Uren ondersteuning in Gemeente 1 was 3 uren per 1,000 inhabitants in 2025, below the norm of 4 uren per "
            "1,000 inhabitants (difference -1 uren per 1,000 inhabitants).");
  // The reach rule speaks of the raw hours: 150 against 300 expected, P(X <= 150 | 300) < 0.001.
  const auto reach = of(all, db::SignalRule::reach);
  ASSERT_EQ(reach.size(), 1U);
  EXPECT_TRUE(contains(reach[0].message_nl, "gedaald naar 150 uren, tegen 300 uren verwacht")) << reach[0].message_nl;
  EXPECT_NEAR(reach[0].p_value, 6.624718627267633e-22, 1e-31);
  // Without the spec the sentence cannot know about the denominator and gives the bare unit.
  const auto bare = of(db::evaluate_signals(r, rules, {&d, &units}), db::SignalRule::norm);
  ASSERT_EQ(bare.size(), 1U);
  EXPECT_TRUE(contains(bare[0].message_nl, "is in 2025 3 uren, onder de norm van 4 uren")) << bare[0].message_nl;
}
