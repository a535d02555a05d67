#pragma once
// The aggregation pipeline: treatment -> normalisation -> weighting -> aggregation, from the
// indicator estimates of a Dataset bottom-up through a GoalTree to every goal, per unit and period.
// A PipelineSpec is plain, serialisable data (YAML next to the tree, docs/pipeline.md); settings
// are given globally and may be overridden per level and per node (node beats level beats global).
//
// Rows of every result matrix are (unit, period) pairs, unit-major: row = unit * periods + period.
// Columns are node indices of the tree. Missing is NaN.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/dataset.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom {

enum class Imputation { none, mean, median, group_mean, locf };
enum class OutlierMethod { none, winsorise, log };
enum class Normalisation { none, minmax, zscore, goalposts, distance_to_target, rank, percentile_rank };
enum class Aggregation { arithmetic, geometric, harmonic, minimum, median };
/// Over which rows normalisation parameters (min, max, mean, sd, ranks) are computed.
enum class NormaliseScope { per_period, all_periods };
/// Edge weights of a parent: as in the tree, or all equal.
enum class WeightSource { tree, equal };

std::string_view to_string(Imputation v) noexcept;
std::string_view to_string(OutlierMethod v) noexcept;
std::string_view to_string(Normalisation v) noexcept;
std::string_view to_string(Aggregation v) noexcept;
std::string_view to_string(NormaliseScope v) noexcept;
std::string_view to_string(WeightSource v) noexcept;

/// Data treatment of one indicator, applied in this order: denomination, imputation, outliers.
struct Treatment {
  std::string denominator;  ///< unit attribute to divide by ("population"); empty = none
  double denominator_scale = 1.0;  ///< value / attribute * scale (e.g. 1000 for per 1,000 inhabitants)
  Imputation imputation = Imputation::none;
  std::string impute_group;  ///< unit attribute for group_mean (e.g. "size_class", "province")
  OutlierMethod outliers = OutlierMethod::none;
  double skew_threshold = 2.0;      ///< winsorise while |skewness| > this ...
  double kurtosis_threshold = 3.5;  ///< ... and excess kurtosis > this (COINr/JRC practice)
  int winsorise_max = 5;            ///< at most this many points per indicator; then a log transform
  friend bool operator==(const Treatment&, const Treatment&) = default;
};

struct Normalise {
  Normalisation method = Normalisation::minmax;
  double low = 0.0, high = 100.0;  ///< target range of minmax and goalposts
  double mean = 0.0, sd = 1.0;     ///< target mean and sd of zscore
  NormaliseScope scope = NormaliseScope::per_period;
  friend bool operator==(const Normalise&, const Normalise&) = default;
};

struct Aggregate {
  Aggregation method = Aggregation::arithmetic;
  /// A node is computed when the children present carry at least this share of its weight
  /// (weights renormalised over them); otherwise it is missing.
  double min_coverage = 0.5;
  friend bool operator==(const Aggregate&, const Aggregate&) = default;
};

/// Settings that may be overridden per level or per node. Unset members inherit.
struct Settings {
  std::optional<Treatment> treatment;
  std::optional<Normalise> normalise;
  std::optional<Aggregate> aggregate;
  std::optional<WeightSource> weights;
  friend bool operator==(const Settings&, const Settings&) = default;
};

struct PipelineSpec {
  Treatment treatment;
  Normalise normalise;
  Aggregate aggregate;
  WeightSource weights = WeightSource::tree;
  std::map<std::string, Settings> levels;  ///< by level name
  std::map<std::string, Settings> nodes;   ///< by node id
  /// Explicit weights: parent id -> (child id -> weight); replace the tree's weights of that parent.
  std::map<std::string, std::map<std::string, double>> weight_overrides;
  /// Confidence level of node intervals.
  double confidence = 0.95;
  friend bool operator==(const PipelineSpec&, const PipelineSpec&) = default;

  /// Effective settings of a node (node beats level beats global).
  [[nodiscard]] Treatment treatment_of(const GoalTree& tree, GoalTree::Index node) const;
  [[nodiscard]] Normalise normalise_of(const GoalTree& tree, GoalTree::Index node) const;
  [[nodiscard]] Aggregate aggregate_of(const GoalTree& tree, GoalTree::Index node) const;
  /// The weights of a node's children (same order as tree.children(node)), before normalisation.
  [[nodiscard]] std::vector<double> child_weights_of(const GoalTree& tree, GoalTree::Index node) const;

  /// Every problem of the spec against a tree: unknown levels, nodes, children in overrides,
  /// negative or non-finite weights, all-zero weights, ranges with low >= high, sd <= 0,
  /// coverage outside (0, 1], group imputation without a group attribute, ...
  [[nodiscard]] std::vector<Problem> check(const GoalTree& tree) const;

  static PipelineSpec parse_yaml(std::string_view text, const std::string& source = "<string>");
  static PipelineSpec load_yaml(const std::filesystem::path& path);
  [[nodiscard]] std::string to_yaml() const;
};

/// One change made by treatment.
struct AuditEntry {
  std::string unit;
  Period period;
  std::string indicator;
  double old_value = 0.0;  ///< NaN when imputed
  double new_value = 0.0;
  std::string why;         ///< "imputed: group mean of size_class '20 000 - 50 000'", "winsorised: ...", ...
};

/// What a pipeline run needs besides the tree and the data.
struct RunContext {
  const IndicatorSet* indicators = nullptr;  ///< goalposts, targets (norm) and directions; else the tree's directions
  const UnitRegistry* units = nullptr;       ///< denominators and group imputation
};

class PipelineResult {
 public:
  [[nodiscard]] const std::vector<std::string>& units() const noexcept { return units_; }
  [[nodiscard]] const std::vector<Period>& periods() const noexcept { return periods_; }
  [[nodiscard]] std::size_t rows() const noexcept { return units_.size() * periods_.size(); }
  [[nodiscard]] std::size_t row(std::size_t unit, std::size_t period) const noexcept { return unit * periods_.size() + period; }

  /// Node scores (rows x nodes): normalised values for indicators, aggregates for goals.
  [[nodiscard]] const Eigen::MatrixXd& scores() const noexcept { return scores_; }
  /// Standard errors and the interval bounds at the spec's confidence level (delta method).
  [[nodiscard]] const Eigen::MatrixXd& standard_errors() const noexcept { return se_; }
  [[nodiscard]] const Eigen::MatrixXd& lower() const noexcept { return lower_; }
  [[nodiscard]] const Eigen::MatrixXd& upper() const noexcept { return upper_; }
  /// Share of a node's (normalised) weight carried by children with a value; 1 or 0 for indicators.
  [[nodiscard]] const Eigen::MatrixXd& coverage() const noexcept { return coverage_; }
  /// Indicator values after treatment, before normalisation (rows x nodes; NaN for goals).
  [[nodiscard]] const Eigen::MatrixXd& treated() const noexcept { return treated_; }
  /// Ranks per period and node among units: 1 = best, ties take the lowest rank, missing stays NaN.
  [[nodiscard]] Eigen::MatrixXd ranks() const;
  [[nodiscard]] const std::vector<AuditEntry>& audit() const noexcept { return audit_; }

  /// Contributions to a node's score in one row: d(score)/d(descendant) * descendant's score for
  /// each descendant at `level` (or each indicator when level is empty), plus a remainder for the
  /// paths that do not pass through that level. They sum to the score exactly for arithmetic
  /// aggregation, and for every method here since all are homogeneous of degree one (Euler),
  /// wherever they are differentiable (docs/pipeline.md). Keyed by node index; the remainder
  /// under key size() (the tree's size).
  [[nodiscard]] std::vector<std::pair<GoalTree::Index, double>> contributions(GoalTree::Index node, std::size_t row,
                                                                             std::string_view level = {}) const;

 private:
  friend PipelineResult run_pipeline(const GoalTree&, const Dataset&, const PipelineSpec&, const RunContext&);
  GoalTree tree_;
  std::vector<std::string> units_;
  std::vector<Period> periods_;
  Eigen::MatrixXd scores_, se_, lower_, upper_, coverage_, treated_;
  std::vector<AuditEntry> audit_;
  // Per node and row, the local derivatives d score(node) / d score(child), for contributions.
  std::vector<Eigen::MatrixXd> local_gradient_;  ///< [node] rows x children(node)
};

/// Run the pipeline. Throws PipelineError listing every problem of the spec (check()), and for
/// data the spec cannot handle (a geometric mean over a non-positive score, a denominator the
/// unit does not have, ...), naming node, unit and period.
PipelineResult run_pipeline(const GoalTree& tree, const Dataset& data, const PipelineSpec& spec,
                            const RunContext& context = {});

}  // namespace doelenboom
