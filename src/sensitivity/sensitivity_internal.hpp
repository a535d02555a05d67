#pragma once
// Internal parts of the sensitivity analysis (sensitivity_spec.cpp, sensitivity_design.cpp,
// sensitivity_parallel.cpp, sobol.cpp, sensitivity.cpp): the random streams, the design (factors,
// varied edges, how a run's choices follow from its seeds) and the thread pool. The runs aggregate
// with the pipeline's kernel (pipeline/aggregate.hpp).

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/dataset.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/sensitivity.hpp"
#include "pipeline/pipeline_internal.hpp"

namespace doelenboom::detail {

// ---------------------------------------------------------------------------------------------
// Random streams: SplitMix64 (Steele, Lea, Flood 2014). Every (seed, stream, factor) gets its own
// key, every key its own generator, so a run's draws do not depend on which thread runs it.

[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

/// The key of one factor in one stream (a row of A or B, a Monte Carlo run, a bootstrap draw).
[[nodiscard]] constexpr std::uint64_t stream_key(std::uint64_t seed, std::uint64_t stream, std::uint64_t factor) noexcept {
  constexpr std::uint64_t golden = 0x9e3779b97f4a7c15ULL;
  return mix64(mix64(mix64(seed + golden) + stream * golden + 1) + factor * golden + 2);
}

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t key) noexcept : state_(key) {}
  std::uint64_t next() noexcept {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  /// Uniform in [0, 1), 53 bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
  /// Standard normal by Box-Muller (the cosine branch; two uniforms per draw).
  double normal() noexcept {
    const double u1 = static_cast<double>((next() >> 11U) + 1U) * 0x1.0p-53;  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  /// Uniform index in [0, m).
  std::size_t index(std::size_t m) noexcept {
    const auto k = static_cast<std::size_t>(uniform() * static_cast<double>(m));
    return k < m ? k : m - 1;
  }

 private:
  std::uint64_t state_;
};

// ---------------------------------------------------------------------------------------------
// sensitivity_design.cpp

/// Everything that turns a run number into the run's choices, built once from the specs.
struct Design {
  SensitivitySpec spec;
  std::vector<SensitivityFactor> factors;
  std::vector<VariedEdge> edges;
  std::vector<std::vector<std::size_t>> factor_edges;  ///< per factor, its edges (weight noise)
  std::optional<std::size_t> normalisation, aggregation, imputation, outliers, leave_out, sampling;  ///< factor indices
  std::vector<std::optional<std::size_t>> indicator_sampling;  ///< per data indicator, its factor
  std::vector<GoalTree::Index> leave_out_nodes;                ///< the candidates, in spec order
  Eigen::MatrixXd set_weights;  ///< weight sets: runs x edges (the weight of each run)
  std::size_t base_rows = 0, runs = 0;
  bool sobol = false;
  std::size_t data_indicators = 0;

  /// The key of factor f in run r.
  [[nodiscard]] std::uint64_t key(std::size_t run, std::size_t factor) const noexcept;
  /// Decode run r into `out` (its vectors reused).
  void decode(std::size_t run, ReplicationChoices& out) const;
};

/// Builds the design (the specs are checked before). `data_indicators`: the data set's indicator
/// ids; `used`: whether each is an indicator of the tree.
Design make_design(const GoalTree& tree, const PipelineSpec& nominal, const SensitivitySpec& spec,
                   const std::vector<std::string>& data_indicators, const std::vector<char>& used);

/// The nominal spec with a run's choices (SensitivityResult::replication_spec).
PipelineSpec replication_spec(const GoalTree& tree, const PipelineSpec& nominal, const Design& design,
                              const ReplicationChoices& choices);

/// "normalise zscore, aggregate geometric, leave out 'LPI', ...": a run's discrete choices for messages.
std::string describe_choices(const GoalTree& tree, const Design& design, const ReplicationChoices& choices);

/// The sampling draws of a run: calls perturb(dataset row, z) for every row of an indicator of the
/// tree, in data set order per stream (one stream, or one per indicator).
void for_each_draw(const Dataset& data, const std::vector<char>& used, const Design& design,
                   const ReplicationChoices& choices, const std::function<void(std::size_t, double)>& perturb);

// ---------------------------------------------------------------------------------------------
// sensitivity_parallel.cpp

/// Runs body(worker, begin, end) over blocks of [0, count) (in order within a block) on `threads`
/// worker threads (0 = hardware threads), while the calling thread calls `cancelled` about every
/// 20 ms. A block that throws stops the blocks after it from starting; when every worker is done
/// the exception of the lowest such block is rethrown, so the first failing item is the same
/// whatever the number of threads. Throws SensitivityCancelled when cancelled returned true.
/// `stop` is set when the work should end early (bodies of long blocks may poll it).
void parallel_blocks(std::size_t count, std::size_t block, unsigned threads, const std::function<bool()>& cancelled,
                     const std::function<void(unsigned, std::size_t, std::size_t, const std::atomic<bool>&)>& body);
/// The number of worker threads parallel_blocks uses for `threads`.
unsigned worker_count(unsigned threads, std::size_t blocks) noexcept;

}  // namespace doelenboom::detail
