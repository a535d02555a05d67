// Goal graph benchmarks (issue 2): load + validate a 10,000-node tree file, and all effective
// weights of a 2,000-node DAG. Each is paired with a baseline measured in the same run:
//  - Baseline_ReadFileBytes: reading the same file into memory (the floor for any loader);
//  - Baseline_YamlCppParse: yaml-cpp parsing the same text into its node tree (the floor for a
//    loader built on yaml-cpp);
//  - Baseline_DenseInverse: all effective weights as the dense inverse (I - P)^-1 with Eigen's LU.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <Eigen/LU>
#include <yaml-cpp/yaml.h>

#include "doelenboom/tree_io.hpp"
#include "random_dag.hpp"

namespace db = doelenboom;

namespace {

const std::filesystem::path& big_tree_file() {
  static const std::filesystem::path path = [] {
    auto p = std::filesystem::temp_directory_path() / "doelenboom_bench_10000.yaml";
    db::save_tree_yaml(db::GoalTree::build(db::bench::random_dag(10000)), p);
    return p;
  }();
  return path;
}

void Baseline_ReadFileBytes(benchmark::State& state) {
  const auto& path = big_tree_file();
  for (auto _ : state) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    benchmark::DoNotOptimize(ss.str());
  }
  state.counters["bytes"] = static_cast<double>(std::filesystem::file_size(path));
}
BENCHMARK(Baseline_ReadFileBytes)->Unit(benchmark::kMillisecond);

void Baseline_YamlCppParse(benchmark::State& state) {
  std::ifstream in(big_tree_file(), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  for (auto _ : state) {
    YAML::Node doc = YAML::Load(text);
    benchmark::DoNotOptimize(doc["nodes"].size());
  }
}
BENCHMARK(Baseline_YamlCppParse)->Unit(benchmark::kMillisecond);

void LoadAndValidate10000(benchmark::State& state) {
  const auto& path = big_tree_file();
  for (auto _ : state) {
    auto tree = db::load_tree_yaml(path);
    benchmark::DoNotOptimize(tree.size());
  }
  auto tree = db::load_tree_yaml(path);
  state.counters["nodes"] = static_cast<double>(tree.size());
  state.counters["edges"] = static_cast<double>(tree.num_edges());
}
BENCHMARK(LoadAndValidate10000)->Unit(benchmark::kMillisecond);

void ValidateOnly10000(benchmark::State& state) {
  auto def = db::bench::random_dag(10000);
  for (auto _ : state) benchmark::DoNotOptimize(db::GoalTree::check(def).size());
}
BENCHMARK(ValidateOnly10000)->Unit(benchmark::kMillisecond);

void Baseline_DenseInverse2000(benchmark::State& state) {
  auto tree = db::GoalTree::build(db::bench::random_dag(2000));
  const auto n = static_cast<Eigen::Index>(tree.size());
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(n, n);
  for (db::GoalTree::Index v = 0; v < tree.size(); ++v) {
    const auto& ch = tree.children(v);
    const auto& w = tree.child_weights(v);
    double total = 0;
    for (double x : w) total += x;
    for (std::size_t k = 0; k < ch.size(); ++k) p(static_cast<Eigen::Index>(v), static_cast<Eigen::Index>(ch[k])) = w[k] / total;
  }
  const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(n, n);
  for (auto _ : state) {
    Eigen::MatrixXd e = (identity - p).partialPivLu().inverse();
    benchmark::DoNotOptimize(e.data());
  }
}
BENCHMARK(Baseline_DenseInverse2000)->Unit(benchmark::kMillisecond);

void AllEffectiveWeights2000(benchmark::State& state) {
  auto tree = db::GoalTree::build(db::bench::random_dag(2000));
  for (auto _ : state) {
    Eigen::MatrixXd e = tree.effective_weight_matrix();
    benchmark::DoNotOptimize(e.data());
  }
  state.counters["nodes"] = static_cast<double>(tree.size());
  state.counters["edges"] = static_cast<double>(tree.num_edges());
}
BENCHMARK(AllEffectiveWeights2000)->Unit(benchmark::kMillisecond);

void EffectiveWeightsOfRoot2000(benchmark::State& state) {
  auto tree = db::GoalTree::build(db::bench::random_dag(2000));
  const auto root = tree.roots().front();
  for (auto _ : state) benchmark::DoNotOptimize(tree.effective_weights(root).data());
}
BENCHMARK(EffectiveWeightsOfRoot2000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
