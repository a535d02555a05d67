#pragma once
// Uncertainty and sensitivity analysis of the modeller's choices (docs/sensitivity.md): a Monte
// Carlo over the weights (noise per level or per node, or explicit weight sets), the
// normalisation, aggregation, imputation and outlier methods, leaving one indicator or node out,
// and the sampling error of the estimates. Every run is exactly a pipeline run with the choices
// it drew (replication_spec / replication_data give that run as a PipelineSpec and Dataset), so
// it can be repeated with run_pipeline. Outputs per unit: the distribution of the target scores
// and ranks, the mean absolute rank shift against the nominal run, and first-order and total
// Sobol indices (Saltelli 2010 / Jansen 1999) with bootstrap intervals.
//
// Deterministic: every run draws from its own random streams derived from (seed, run, factor),
// so the output is the same bit for bit whatever the number of threads.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/dataset.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/stats.hpp"

namespace doelenboom {

namespace detail {
struct Design;
}

/// How the sampling error of the estimates enters: not at all, as one factor (all indicators'
/// errors drawn together), or as one factor per indicator.
enum class SamplingFactors { off, one, per_indicator };
std::string_view to_string(SamplingFactors v) noexcept;
std::optional<SamplingFactors> parse_sampling_factors(std::string_view text) noexcept;

/// Weights of one run given explicitly: parent id -> (child id -> weight), replacing the listed
/// children's weights of the nominal spec (as PipelineSpec::weight_overrides).
using WeightSet = std::map<std::string, std::map<std::string, double>>;

/// What varies, and how the analysis runs. Plain data; check() names every problem.
struct SensitivitySpec {
  /// Relative weight noise f in [0, 1) per level name and per node id: every child weight of a
  /// goal at that level (of that node) is multiplied by its own U(1 - f, 1 + f) draw. A node's
  /// entry beats its level's. Each entry is one factor.
  std::map<std::string, double> level_weight_noise;
  std::map<std::string, double> node_weight_noise;
  /// Explicit weights, one set per run (then replications == weight_sets.size(), no weight noise
  /// and no Sobol indices). Empty: not used.
  std::vector<WeightSet> weight_sets;
  /// Alternatives, each list one factor drawn uniformly; empty = not varied (the nominal spec's
  /// setting), otherwise at least two different ones. A normalisation replaces the global
  /// Normalise, an aggregation the global method, an imputation and an outlier method the global
  /// treatment's; level and node overrides of the nominal spec stay.
  std::vector<Normalise> normalisations;
  std::vector<Aggregation> aggregations;
  std::vector<Imputation> imputations;
  std::vector<OutlierMethod> outliers;
  /// Nodes (indicators or goals) that may be left out (weight 0 on every edge into it); the
  /// factor draws uniformly among "none" and these.
  std::vector<std::string> leave_out;
  /// Indicator value + se * N(0, 1) before treatment (cells without a finite se keep their value).
  SamplingFactors sampling = SamplingFactors::off;
  /// Goal ids whose scores are the outputs; empty = the roots of the tree.
  std::vector<std::string> targets;
  /// Monte Carlo runs; with Sobol indices the number of base rows N (N * (k + 2) runs for k factors).
  std::size_t replications = 1000;
  std::uint64_t seed = 0;
  unsigned threads = 0;  ///< 0 = every hardware thread
  bool sobol = true;     ///< Saltelli design and Sobol indices
  std::size_t bootstrap = 1000;  ///< bootstrap resamples for the intervals of the indices (0 = none)
  double confidence = 0.95;      ///< of the bootstrap intervals, in (0, 1)

  /// Every problem against a tree and nominal spec: unknown levels, nodes or targets, noise
  /// outside [0, 1), fewer than two or repeated alternatives, leave-out candidates whose removal
  /// leaves a parent without weight, weight sets with unknown ids or bad weights, N < 2, ...
  [[nodiscard]] std::vector<Problem> check(const GoalTree& tree, const PipelineSpec& nominal) const;
};

enum class FactorKind {
  level_weights,       ///< weight noise of one level
  node_weights,        ///< weight noise of one node
  normalisation,
  aggregation,
  imputation,
  outliers,
  leave_out,
  sampling,            ///< all sampling errors
  indicator_sampling,  ///< the sampling error of one indicator
};

/// One factor of the design.
struct SensitivityFactor {
  FactorKind kind = FactorKind::normalisation;
  /// "weights:level:<level>", "weights:node:<id>", "normalise", "aggregate", "imputation",
  /// "outliers", "leave_out", "sampling" or "sampling:<indicator id>".
  std::string name;
  std::string subject;           ///< the level, node or indicator id; empty otherwise
  std::size_t alternatives = 0;  ///< for discrete factors (leave_out: candidates + 1); 0 otherwise
};

/// An edge whose weight varies (weight noise or weight sets), in (parent, child order) order.
struct VariedEdge {
  GoalTree::Index parent = 0, child = 0;
  std::size_t position = 0;      ///< of the child in tree.children(parent)
  double nominal = 0.0;          ///< the nominal spec's weight (before normalisation)
  double half_width = 0.0;       ///< f of its noise (0 for weight sets)
  std::size_t factor = 0;        ///< its weight factor (weight noise only)
};

/// Where a run sits in the design.
enum class DesignBlock { monte_carlo, a, b, ab };
std::string_view to_string(DesignBlock v) noexcept;

/// What one run used. Indices point into the SensitivitySpec's lists; nullopt = not varied.
struct ReplicationChoices {
  DesignBlock block = DesignBlock::monte_carlo;
  std::size_t base_row = 0;            ///< the row of A and B (Sobol), or the run (Monte Carlo)
  std::optional<std::size_t> factor;   ///< the factor taken from B (block ab)
  std::optional<std::size_t> normalisation, aggregation, imputation, outliers;
  std::optional<std::size_t> leave_out;  ///< index into leave_out; nullopt = nothing left out
  /// Per varied edge (SensitivityResult::varied_edges()) the weight before normalisation and
  /// before leave-out (nominal * factor under noise; the set's weight for weight sets).
  std::vector<double> weights;
  /// Seeds of the sampling errors: one (SamplingFactors::one) or one per indicator of the data.
  std::vector<std::uint64_t> sampling_seeds;
};

/// First-order and total indices (outputs x factors) with their bootstrap intervals.
struct SobolIndices {
  Eigen::MatrixXd first, first_low, first_high, total, total_low, total_high;
};

/// Saltelli 2010 first-order and Jansen 1999 total indices from the outputs of a Saltelli design:
/// `f` has N * (factors + 2) rows in the order A (N rows), B (N), AB_1 ... AB_k (N each; A with
/// factor i's inputs from B) and one column per output. Each output is centred by its mean over
/// A and B first. Intervals: percentile bootstrap over the N base rows at `confidence`
/// (deterministic for the seed; NaN when bootstrap == 0). An output with no variance over A and
/// B, or with a missing value, gives NaN. Throws PipelineError for a bad shape or confidence.
SobolIndices sobol_indices(const Eigen::MatrixXd& f, std::size_t factors, std::size_t bootstrap, double confidence,
                           std::uint64_t seed, unsigned threads = 1, const std::function<bool()>& cancelled = {});

/// The quantile run_sensitivity summarises its runs with (declared in stats.hpp).
using stats::quantile_type7;

/// run_sensitivity stopped by its cancellation callback.
class SensitivityCancelled : public Error {
 public:
  using Error::Error;
};

class SensitivityResult {
 public:
  /// Columns of summary().
  static constexpr std::array<std::string_view, 10> summary_columns{
      "nominal_score", "score_median", "score_q05", "score_q95", "nominal_rank",
      "rank_median",   "rank_q05",     "rank_q95",  "mean_abs_rank_shift", "missing"};

  [[nodiscard]] const GoalTree& tree() const noexcept { return tree_; }
  [[nodiscard]] const PipelineSpec& nominal_spec() const noexcept { return nominal_; }
  [[nodiscard]] const SensitivitySpec& spec() const noexcept { return spec_; }
  [[nodiscard]] const std::vector<std::string>& units() const noexcept { return units_; }
  [[nodiscard]] const std::vector<Period>& periods() const noexcept { return periods_; }
  /// (unit, period) rows, unit-major, as in PipelineResult.
  [[nodiscard]] std::size_t rows() const noexcept { return units_.size() * periods_.size(); }
  [[nodiscard]] const std::vector<GoalTree::Index>& targets() const noexcept { return targets_; }
  [[nodiscard]] const std::vector<SensitivityFactor>& factors() const noexcept { return factors_; }
  [[nodiscard]] const std::vector<VariedEdge>& varied_edges() const noexcept { return edges_; }
  /// Indicator ids of the data set (the order of ReplicationChoices::sampling_seeds per indicator).
  [[nodiscard]] const std::vector<std::string>& data_indicators() const noexcept { return data_indicators_; }
  /// Model runs: N (Monte Carlo) or N * (factors + 2) (Sobol).
  [[nodiscard]] std::size_t runs() const noexcept { return static_cast<std::size_t>(scores_.rows()); }
  [[nodiscard]] std::size_t base_rows() const noexcept { return base_rows_; }
  [[nodiscard]] bool sobol() const noexcept { return sobol_; }
  /// Runs that enter the distributions of summary(): all (Monte Carlo) or the first 2N (A and B).
  [[nodiscard]] std::size_t distribution_runs() const noexcept { return sobol_ ? 2 * base_rows_ : runs(); }
  /// Cells of the data set that have no finite se and so keep their value under sampling.
  [[nodiscard]] std::size_t unperturbed_cells() const noexcept { return unperturbed_; }

  /// Target scores and ranks (per period among units; 1 = best, ties the lowest rank) of every
  /// run: runs x (targets * rows), column = target * rows() + row.
  [[nodiscard]] const Eigen::MatrixXd& scores() const noexcept { return scores_; }
  [[nodiscard]] const Eigen::MatrixXd& ranks() const noexcept { return ranks_; }
  /// The nominal run's target scores and ranks: rows x targets.
  [[nodiscard]] const Eigen::MatrixXd& nominal_scores() const noexcept { return nominal_scores_; }
  [[nodiscard]] const Eigen::MatrixXd& nominal_ranks() const noexcept { return nominal_ranks_; }
  /// Per run the mean over units of |rank - nominal rank|: runs x (targets * periods), column =
  /// target * periods + period.
  [[nodiscard]] const Eigen::MatrixXd& rank_shift() const noexcept { return rank_shift_; }
  /// Per target and row (row = target * rows() + row) the columns of summary_columns, over the
  /// distribution runs (missing scores left out and counted in "missing").
  [[nodiscard]] const Eigen::MatrixXd& summary() const noexcept { return summary_; }
  /// Sobol indices (empty matrices without Sobol): outputs x factors. Outputs: the target scores
  /// (target * rows() + row), then the rank shifts (targets * rows() + target * periods + period).
  [[nodiscard]] const SobolIndices& indices() const noexcept { return indices_; }

  /// The choices of one run (throws std::out_of_range for run >= runs()).
  [[nodiscard]] ReplicationChoices choices(std::size_t run) const;
  /// The nominal spec with the run's choices: the global normalisation, aggregation method,
  /// imputation and outlier method replaced, and explicit weight_overrides for every varied
  /// parent and every edge into the node left out (weight 0).
  [[nodiscard]] PipelineSpec replication_spec(std::size_t run) const;
  /// The data set of the run: `data` (the one the analysis ran on) with value + se * z for the
  /// run's sampling draws (n, se and suppression kept, intervals dropped); without sampling a
  /// copy of `data`. run_pipeline(tree, replication_data(data, i), replication_spec(i)) gives the
  /// run's scores, except where a draw leaves an indicator's range (value + se z of a share near 0
  /// or 1): run_pipeline checks data against the definitions and rejects such a replica, while
  /// the analysis checks only the data it is given, once. Throws PipelineError when `data` is not
  /// the analysed data set's shape.
  [[nodiscard]] Dataset replication_data(const Dataset& data, std::size_t run) const;

 private:
  friend SensitivityResult run_sensitivity(const GoalTree&, const Dataset&, const PipelineSpec&, const SensitivitySpec&,
                                           const RunContext&, const std::function<bool()>&);
  GoalTree tree_;
  PipelineSpec nominal_;
  SensitivitySpec spec_;
  std::vector<std::string> units_;
  std::vector<Period> periods_;
  std::vector<GoalTree::Index> targets_;
  std::vector<SensitivityFactor> factors_;
  std::vector<VariedEdge> edges_;
  std::vector<std::string> data_indicators_;
  std::size_t base_rows_ = 0;
  bool sobol_ = false;
  std::size_t unperturbed_ = 0;
  std::size_t data_size_ = 0;
  Eigen::MatrixXd scores_, ranks_, nominal_scores_, nominal_ranks_, rank_shift_, summary_;
  SobolIndices indices_;
  std::shared_ptr<const detail::Design> design_;
  std::vector<char> used_;  ///< per data indicator: an indicator of the tree
};

/// Run the analysis. Checks the spec (SensitivitySpec::check, PipelineSpec::check) and runs the
/// nominal pipeline first; then every run in parallel over spec.threads threads. A run that
/// fails (e.g. a geometric mean over a zero) throws PipelineError naming the first such run and
/// its choices. `cancelled`, if given, is called from the calling thread about every 20 ms;
/// when it returns true the work stops and SensitivityCancelled is thrown.
SensitivityResult run_sensitivity(const GoalTree& tree, const Dataset& data, const PipelineSpec& nominal,
                                  const SensitivitySpec& spec, const RunContext& context = {},
                                  const std::function<bool()>& cancelled = {});

}  // namespace doelenboom
