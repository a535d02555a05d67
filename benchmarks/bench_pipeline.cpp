// Pipeline benchmark (issue 4): 344 gemeenten x 8 periods x 500 indicators on a 600-node DAG in
// one run_pipeline call (min-max, weighted arithmetic mean, no treatment; with standard errors,
// intervals and local gradients), against the lower bound measured in the same run:
//  - Baseline_DenseProduct: scores = X * E^T, X the (rows x 500) normalised indicators, E the
//    (600 x 500) effective weights of every node in the indicator leaves (no missing data, so the
//    arithmetic roll-up is exactly this product).
//
// The data are deterministic, so that another implementation (the pandas / networkx comparison)
// can rebuild exactly the same input; set DOELENBOOM_BENCH_EXPORT=<folder> to have this program
// write tree.yaml and data.csv there as well.
//
// Tree: levels index, factor, subdoel, activiteit, indicator with 1, 9, 30, 60, 500 nodes (600).
// Node k of level l (0-based, l >= 1) has id "n<l>_<k>" and, with S the size of level l - 1,
// parents (on level l - 1, by position):
//   p1 = k * S / size(l)                       always (integer division: every node gets a child)
//   p2 = (7k + 3) mod S                        if k is even and p2 != p1
//   p3 = (13k + 5) mod S                       if k is a multiple of 3 and p3 not in {p1, p2}
// the j-th of its edges (j = 0, 1, 2 in that order) with weight 1 + ((k + j) mod 4).
// Indicators (level 4) have direction -1 when k mod 5 == 0, else +1.
// Data: units "GM0001".."GM0344" (u = 0..343), periods 2015..2022 (p = 0..7), indicators
// n4_0..n4_499 (i = 0..499), every cell present:
//   value = 10 + ((7919 u + 104729 p + 1299709 i) mod 1000) / 10
//   se    = 0.5 + ((u + p + i) mod 10) / 10
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "doelenboom/pipeline.hpp"
#include "doelenboom/tree_io.hpp"

namespace db = doelenboom;

namespace {

constexpr int units = 344, periods = 8;
constexpr std::size_t level_sizes[] = {1, 9, 30, 60, 500};

db::GoalTree bench_tree() {
  db::TreeDefinition d;
  d.name = "benchmark DAG";
  d.levels = {"index", "factor", "subdoel", "activiteit", "indicator"};
  const auto id = [](std::size_t l, std::size_t k) { return "n" + std::to_string(l) + "_" + std::to_string(k); };
  for (std::size_t l = 0; l < 5; ++l) {
    for (std::size_t k = 0; k < level_sizes[l]; ++k) {
      db::Node n;
      n.id = id(l, k);
      n.label = "Doel " + n.id;
      n.level = d.levels[l];
      if (l == 4) {
        n.kind = db::NodeKind::indicator;
        n.direction = k % 5 == 0 ? -1 : 1;
      }
      d.nodes.push_back(n);
      if (l == 0) continue;
      const std::size_t s = level_sizes[l - 1];
      std::vector<std::size_t> parents{k * s / level_sizes[l]};
      if (const std::size_t p2 = (7 * k + 3) % s; k % 2 == 0 && p2 != parents[0]) parents.push_back(p2);
      if (const std::size_t p3 = (13 * k + 5) % s;
          k % 3 == 0 && p3 != parents[0] && (parents.size() < 2 || p3 != parents[1])) {
        parents.push_back(p3);
      }
      for (std::size_t j = 0; j < parents.size(); ++j) {
        d.edges.push_back(db::Edge{n.id, id(l - 1, parents[j]), 1.0 + static_cast<double>((k + j) % 4), {}});
      }
    }
  }
  return db::GoalTree::build(d);
}

struct Input {
  db::GoalTree tree = bench_tree();
  db::Dataset data;
  db::PipelineSpec spec;  // min-max 0..100, arithmetic, no treatment
  Input() {
    std::vector<db::EstimateRecord> records;
    records.reserve(static_cast<std::size_t>(units) * periods * level_sizes[4]);
    char name[16];
    for (int u = 0; u < units; ++u) {
      std::snprintf(name, sizeof name, "GM%04d", u + 1);
      for (int p = 0; p < periods; ++p) {
        for (std::size_t i = 0; i < level_sizes[4]; ++i) {
          db::EstimateRecord r;
          r.unit = name;
          r.period = db::Period{db::Frequency::year, 2015 + p, 0};
          r.indicator = "n4_" + std::to_string(i);
          const auto key = 7919ULL * static_cast<unsigned long long>(u) + 104729ULL * static_cast<unsigned long long>(p) +
                           1299709ULL * i;
          r.value = 10.0 + static_cast<double>(key % 1000) / 10.0;
          r.se = 0.5 + static_cast<double>((static_cast<std::size_t>(u) + static_cast<std::size_t>(p) + i) % 10) / 10.0;
          records.push_back(std::move(r));
        }
      }
    }
    data = db::Dataset::from_records(records);
    if (const char* dir = std::getenv("DOELENBOOM_BENCH_EXPORT")) {
      std::filesystem::create_directories(dir);
      db::save_tree_yaml(tree, std::filesystem::path(dir) / "tree.yaml");
      data.write_csv(std::filesystem::path(dir) / "data.csv");
    }
  }
};

const Input& input() {
  static const Input in;
  return in;
}

void counters(benchmark::State& state, const Input& in) {
  state.counters["rows"] = static_cast<double>(units * periods);
  state.counters["nodes"] = static_cast<double>(in.tree.size());
  state.counters["edges"] = static_cast<double>(in.tree.num_edges());
}

void Baseline_DenseProduct(benchmark::State& state) {
  const Input& in = input();
  // X: the normalised indicator columns (taken from one pipeline run: min-max per period), E: the
  // effective weights of every node in the leaves.
  const auto result = db::run_pipeline(in.tree, in.data, in.spec);
  const auto leaves = in.tree.leaves();
  const Eigen::MatrixXd all = in.tree.effective_weight_matrix();
  const auto rows = static_cast<Eigen::Index>(result.rows());
  const auto n = static_cast<Eigen::Index>(in.tree.size());
  const auto k = static_cast<Eigen::Index>(leaves.size());
  Eigen::MatrixXd x(rows, k), e(n, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    const auto leaf = static_cast<Eigen::Index>(leaves[static_cast<std::size_t>(j)]);
    x.col(j) = result.scores().col(leaf);
    e.col(j) = all.col(leaf);
  }
  Eigen::MatrixXd scores(rows, n);
  for (auto _ : state) {
    scores.noalias() = x * e.transpose();
    benchmark::DoNotOptimize(scores.data());
    benchmark::ClobberMemory();
  }
  // The product is the same roll-up: check it against the pipeline once.
  const double diff = (scores - result.scores()).cwiseAbs().maxCoeff();
  if (!(diff < 1e-9)) state.SkipWithError(("dense product and pipeline differ by " + std::to_string(diff)).c_str());
  counters(state, in);
}
BENCHMARK(Baseline_DenseProduct)->Unit(benchmark::kMillisecond);

void RunPipeline(benchmark::State& state) {
  const Input& in = input();
  for (auto _ : state) {
    auto result = db::run_pipeline(in.tree, in.data, in.spec);
    benchmark::DoNotOptimize(result.scores().data());
  }
  counters(state, in);
}
BENCHMARK(RunPipeline)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
