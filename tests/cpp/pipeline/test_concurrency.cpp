// Concurrent runs on shared inputs: several threads run the pipeline, the rank intervals and the
// signals on the same GoalTree, Dataset, PipelineSpec, SignalRules and UnitRegistry (all const)
// and must get exactly what one thread gets alone. Built as its own program
// (doelenboom_concurrency_tests) so that the `tsan` preset builds only the library and this, and
// ThreadSanitizer checks that the shared objects are only read.

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "doelenboom/compare.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/score_table.hpp"
#include "doelenboom/signals.hpp"
#include "doelenboom/tree_io.hpp"
#include "doelenboom/unit.hpp"
#include "temp_dir.hpp"

namespace db = doelenboom;

namespace {

constexpr std::size_t threads = 4;
constexpr std::size_t runs_per_thread = 3;

// Equal as bits, with NaN equal to NaN: threads must not change a single rounding.
bool same(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    const double x = a.data()[i];
    const double y = b.data()[i];
    if (!(x == y || (std::isnan(x) && std::isnan(y)))) return false;
  }
  return true;
}

struct Inputs {
  db::GoalTree tree;
  db::UnitRegistry units;
  db::Dataset data;
  db::PipelineSpec spec;
  db::SignalRules rules;
};

// The Movisie tree, 12 gemeenten, three years, every indicator, values and standard errors from a
// fixed formula (not random: every run must see the same data).
Inputs make_inputs() {
  Inputs in;
  in.tree = db::load_tree_yaml(std::filesystem::path(DOELENBOOM_SOURCE_DIR) / "examples" / "trees" / "movisie.yaml");
  const auto all = db::UnitRegistry::load_gemeenten_csv(db::testing::gemeenten_csv);
  std::vector<std::string> ids;
  for (std::size_t u = 0; u < 12; ++u) ids.push_back(all.units()[u * 7].id);
  in.units = all.subset(ids);
  std::vector<db::EstimateRecord> records;
  for (std::size_t u = 0; u < ids.size(); ++u) {
    for (int year = 2022; year <= 2024; ++year) {
      for (std::size_t i = 0; i < in.tree.size(); ++i) {
        if (in.tree.node(i).kind != db::NodeKind::indicator) continue;
        db::EstimateRecord r;
        r.unit = ids[u];
        r.period = db::Period{db::Frequency::year, year, 0};
        r.indicator = in.tree.node(i).id;
        const double phase = static_cast<double>(u * 31 + i * 17) + 3.0 * static_cast<double>(year - 2022);
        r.value = 0.5 + 0.4 * std::sin(phase);
        r.se = 0.02 + 0.01 * std::cos(phase);
        r.n = 40.0 + static_cast<double>((u * 13 + i) % 50);
        records.push_back(r);
      }
    }
  }
  in.data = db::Dataset::from_records(records);
  in.spec.unused_data = db::UnusedData::error;
  return in;
}

struct Outputs {
  Eigen::MatrixXd scores, se, lower, upper;
  Eigen::MatrixXd rank_low, rank_high;
  std::vector<std::string> signals;
};

Outputs run_all(const Inputs& in) {
  db::RunContext context;
  context.units = &in.units;
  const db::PipelineResult result = db::run_pipeline(in.tree, in.data, in.spec, context);
  Outputs out;
  out.scores = result.scores();
  out.se = result.standard_errors();
  out.lower = result.lower();
  out.upper = result.upper();
  db::RankIntervalOptions options;
  options.draws = 200;
  options.seed = 42;
  const auto ranks = db::rank_intervals(db::ScoreTable::from(result), options);
  out.rank_low = ranks.low;
  out.rank_high = ranks.high;
  db::SignalContext signal_context;
  signal_context.data = &in.data;
  signal_context.units = &in.units;
  for (const auto& s : db::evaluate_signals(result, in.rules, signal_context)) out.signals.push_back(s.message_en);
  return out;
}

}  // namespace

TEST(Concurrency, PipelineRanksAndSignalsOnSharedInputsMatchASingleThread) {
  const Inputs in = make_inputs();
  const Outputs alone = run_all(in);
  ASSERT_GT(alone.scores.rows(), 0);
  ASSERT_FALSE(alone.signals.empty());

  std::vector<std::vector<Outputs>> got(threads);
  std::vector<std::string> errors(threads);
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      try {
        for (std::size_t k = 0; k < runs_per_thread; ++k) got[t].push_back(run_all(in));
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  for (auto& th : pool) th.join();

  for (std::size_t t = 0; t < threads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    ASSERT_EQ(got[t].size(), runs_per_thread) << "thread " << t;
    for (const Outputs& o : got[t]) {
      EXPECT_TRUE(same(o.scores, alone.scores)) << "thread " << t;
      EXPECT_TRUE(same(o.se, alone.se)) << "thread " << t;
      EXPECT_TRUE(same(o.lower, alone.lower)) << "thread " << t;
      EXPECT_TRUE(same(o.upper, alone.upper)) << "thread " << t;
      EXPECT_TRUE(same(o.rank_low, alone.rank_low)) << "thread " << t;
      EXPECT_TRUE(same(o.rank_high, alone.rank_high)) << "thread " << t;
      EXPECT_EQ(o.signals, alone.signals) << "thread " << t;
    }
  }
}

// Readers on shared text from several threads: the YAML and CSV readers keep no global state.
TEST(Concurrency, ReadersInParallelGiveTheSameTree) {
  const auto path = std::filesystem::path(DOELENBOOM_SOURCE_DIR) / "examples" / "trees" / "movisie.yaml";
  const db::GoalTree alone = db::load_tree_yaml(path);
  std::vector<int> equal(threads, 0);
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      int ok = 1;
      for (std::size_t k = 0; k < runs_per_thread; ++k) ok &= static_cast<int>(db::load_tree_yaml(path) == alone);
      equal[t] = ok;
    });
  }
  for (auto& th : pool) th.join();
  for (std::size_t t = 0; t < threads; ++t) EXPECT_EQ(equal[t], 1) << "thread " << t;
}
