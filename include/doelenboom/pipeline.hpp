#pragma once
// The aggregation pipeline: treatment -> normalisation -> weighting -> aggregation, from the
// indicator estimates of a Dataset bottom-up through a GoalTree to every goal, per unit and period.
// A PipelineSpec is plain, serialisable data (YAML next to the tree, docs/pipeline.md); settings
// are given globally and may be overridden per level and per node, field by field (node beats
// level beats global).
//
// Rows of every result matrix are (unit, period) pairs, unit-major: row = unit * periods + period.
// Columns are node indices of the tree. Missing is NaN.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/dataset.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom {

/// The version of the pipeline file format (key `doelenboom_pipeline:`).
inline constexpr int pipeline_format_version = 1;

enum class Imputation { none, mean, median, group_mean, locf };
/// none; winsorise = COINr's default treatment (winsorise while skew and kurtosis fail, up to
/// winsorise_max points, then a log transform of the original values if they still fail);
/// log = the log transform alone whenever skew and kurtosis fail.
enum class OutlierMethod { none, winsorise, log };
enum class Normalisation { none, minmax, zscore, goalposts, distance_to_target, rank, percentile_rank };
enum class Aggregation { arithmetic, geometric, harmonic, minimum, median };
/// Over which rows normalisation parameters (min, max, mean, sd, ranks) are computed.
/// Over which rows the constants of a normalisation (min, max, mean, sd, ranks) are taken: each
/// period's own (a cross-sectional ranking; the scale moves every period), all periods at once
/// (moves when a period is added), or a reference period (RunContext::reference_period, default
/// the first; a scale that stays put, for changes over time: docs/pipeline.md).
enum class NormaliseScope { per_period, all_periods, reference };
/// Edge weights of a parent: as in the tree, or all equal.
enum class WeightSource { tree, equal };
/// What a run does with data for ids that are not indicators of the tree: throw (error), or
/// leave them out and list them in PipelineResult::unused_indicators() (ignore).
enum class UnusedData { error, ignore };

std::string_view to_string(Imputation v) noexcept;
std::string_view to_string(OutlierMethod v) noexcept;
std::string_view to_string(Normalisation v) noexcept;
std::string_view to_string(Aggregation v) noexcept;
std::string_view to_string(NormaliseScope v) noexcept;
std::string_view to_string(WeightSource v) noexcept;
std::string_view to_string(UnusedData v) noexcept;
/// The inverse of to_string (exact names); std::nullopt for anything else.
std::optional<Imputation> parse_imputation(std::string_view text) noexcept;
std::optional<OutlierMethod> parse_outlier_method(std::string_view text) noexcept;
std::optional<Normalisation> parse_normalisation(std::string_view text) noexcept;
std::optional<Aggregation> parse_aggregation(std::string_view text) noexcept;
std::optional<NormaliseScope> parse_normalise_scope(std::string_view text) noexcept;
std::optional<WeightSource> parse_weight_source(std::string_view text) noexcept;
std::optional<UnusedData> parse_unused_data(std::string_view text) noexcept;

/// Data treatment of one indicator, applied in this order: denomination, imputation, outliers.
struct Treatment {
  /// Unit attribute to divide by: "population", "land_area_km2" or a numeric label; empty = none.
  std::string denominator;
  double denominator_scale = 1.0;  ///< value / attribute * scale (e.g. 1000 for per 1,000 inhabitants)
  Imputation imputation = Imputation::none;
  std::string impute_group;  ///< unit attribute for group_mean (e.g. "size_class", "province")
  OutlierMethod outliers = OutlierMethod::none;
  /// A column fails (and is treated) when |skewness| >= skew_threshold and kurtosis >=
  /// kurtosis_threshold, as COINr's check_SkewKurt (sample estimators, docs/pipeline.md).
  double skew_threshold = 2.0;
  double kurtosis_threshold = 3.5;
  int winsorise_max = 5;  ///< at most this many points per indicator and period; then a log transform
  friend bool operator==(const Treatment&, const Treatment&) = default;
};

struct Normalise {
  Normalisation method = Normalisation::minmax;
  /// Target range of minmax, goalposts, distance_to_target and percentile_rank.
  double low = 0.0, high = 100.0;
  double mean = 0.0, sd = 1.0;  ///< target mean and sd of zscore
  NormaliseScope scope = NormaliseScope::per_period;
  friend bool operator==(const Normalise&, const Normalise&) = default;
};

struct Aggregate {
  Aggregation method = Aggregation::arithmetic;
  /// A node is computed when the children with a value carry at least this share of its
  /// normalised weight (to within 1e-12; weights are then renormalised over them); otherwise it
  /// is missing. In (0, 1].
  double min_coverage = 0.5;
  friend bool operator==(const Aggregate&, const Aggregate&) = default;
};

/// Overrides of some fields of a Treatment, Normalise or Aggregate; unset fields inherit.
struct TreatmentOverride {
  std::optional<std::string> denominator;
  std::optional<double> denominator_scale;
  std::optional<Imputation> imputation;
  std::optional<std::string> impute_group;
  std::optional<OutlierMethod> outliers;
  std::optional<double> skew_threshold;
  std::optional<double> kurtosis_threshold;
  std::optional<int> winsorise_max;
  /// `base` with the set fields replaced.
  [[nodiscard]] Treatment over(Treatment base) const;
  [[nodiscard]] bool empty() const noexcept { return *this == TreatmentOverride{}; }
  friend bool operator==(const TreatmentOverride&, const TreatmentOverride&) = default;
};
struct NormaliseOverride {
  std::optional<Normalisation> method;
  std::optional<double> low, high, mean, sd;
  std::optional<NormaliseScope> scope;
  [[nodiscard]] Normalise over(Normalise base) const;
  [[nodiscard]] bool empty() const noexcept { return *this == NormaliseOverride{}; }
  friend bool operator==(const NormaliseOverride&, const NormaliseOverride&) = default;
};
struct AggregateOverride {
  std::optional<Aggregation> method;
  std::optional<double> min_coverage;
  [[nodiscard]] Aggregate over(Aggregate base) const;
  [[nodiscard]] bool empty() const noexcept { return *this == AggregateOverride{}; }
  friend bool operator==(const AggregateOverride&, const AggregateOverride&) = default;
};

/// Settings of one level or node. Treatment and normalisation apply to indicators, aggregation
/// and the weight source to goals (to the weights of their children).
struct Settings {
  TreatmentOverride treatment;
  NormaliseOverride normalise;
  AggregateOverride aggregate;
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
  /// Explicit weights: parent id -> (child id -> weight); they replace the weights of the listed
  /// children of that parent (the other children keep the weight of the weight source).
  std::map<std::string, std::map<std::string, double>> weight_overrides;
  /// Confidence level of node intervals, in (0, 1).
  double confidence = 0.95;
  /// Data for ids that are not indicator nodes of the tree: an error, or left out and listed in
  /// the result. Data for a goal's id is an error either way (goals are computed, not read).
  UnusedData unused_data = UnusedData::error;

  /// Where the parts of a spec read from YAML were given, for messages of check(): keys
  /// "levels/<name>", "nodes/<id>", "weight_overrides/<parent>[/<child>]" and the names of the
  /// global sections. Not part of equality.
  std::map<std::string, Location> where;
  std::string source;  ///< file the spec came from (not part of equality)

  friend bool operator==(const PipelineSpec& a, const PipelineSpec& b) {
    return a.treatment == b.treatment && a.normalise == b.normalise && a.aggregate == b.aggregate &&
           a.weights == b.weights && a.levels == b.levels && a.nodes == b.nodes &&
           a.weight_overrides == b.weight_overrides && a.confidence == b.confidence && a.unused_data == b.unused_data;
  }

  /// Effective settings of a node (node beats level beats global, field by field).
  [[nodiscard]] Treatment treatment_of(const GoalTree& tree, GoalTree::Index node) const;
  [[nodiscard]] Normalise normalise_of(const GoalTree& tree, GoalTree::Index node) const;
  [[nodiscard]] Aggregate aggregate_of(const GoalTree& tree, GoalTree::Index node) const;
  [[nodiscard]] WeightSource weights_of(const GoalTree& tree, GoalTree::Index node) const;
  /// The weights of a node's children (same order as tree.children(node)), before normalisation.
  [[nodiscard]] std::vector<double> child_weights_of(const GoalTree& tree, GoalTree::Index node) const;
  /// The ids of the tree's indicators whose scale is redefined every period (scope per_period
  /// with a method whose constants come from the data: minmax, zscore, distance_to_target, rank,
  /// percentile_rank), in node order. A change over time of such a score (or of a goal above it)
  /// mixes the unit's change with the others' (docs/pipeline.md).
  [[nodiscard]] std::vector<std::string> rescaled_each_period(const GoalTree& tree) const;

  /// Every problem of the spec against a tree: unknown levels, nodes, children in overrides,
  /// negative or non-finite weights, all-zero weights, ranges with low >= high, sd <= 0,
  /// coverage outside (0, 1], confidence outside (0, 1), group imputation without a group
  /// attribute, treatment or normalisation given for a goal node, aggregation for an indicator.
  [[nodiscard]] std::vector<Problem> check(const GoalTree& tree) const;

  /// Read YAML (docs/pipeline.md). Throws ParseError listing every problem (unknown keys, wrong
  /// types, unknown method names, values that are not numbers), each with file and line.
  static PipelineSpec parse_yaml(std::string_view text, const std::string& source = "<string>");
  static PipelineSpec load_yaml(const std::filesystem::path& path);
  /// Settings given as data rather than as a file: a YAML or JSON mapping with the keys of the
  /// file but without its format version (the Python keyword settings arrive as JSON). The same
  /// schema code reads it, with the same wording; messages start with "pipeline: " instead of a
  /// file and line. Throws PipelineError listing every problem (ParseError for text that is not
  /// UTF-8, as for a file).
  static PipelineSpec from_settings(std::string_view text);
  /// YAML text; parse_yaml of it gives an equal spec.
  [[nodiscard]] std::string to_yaml() const;
  /// Write to_yaml() atomically (temporary file next to `path`, then renamed).
  void save_yaml(const std::filesystem::path& path) const;
};

/// One change made by treatment.
struct AuditEntry {
  std::string unit;
  Period period;
  std::string indicator;
  double old_value = 0.0;  ///< NaN when imputed; NaN for a suppressed cell
  double new_value = 0.0;  ///< NaN for a suppressed cell
  std::string why;         ///< "imputed: mean of 12 units in 2022", "winsorised: ...", ...
};

/// What a pipeline run needs besides the tree and the data.
struct RunContext {
  /// Goalposts, targets (norm) and directions. Null: the definitions the tree carries
  /// (tree.indicators(), from the tree file or with_indicators()), if it has any; without
  /// definitions the tree's node directions are used.
  const IndicatorSet* indicators = nullptr;
  const UnitRegistry* units = nullptr;  ///< denominators and group imputation
  /// The period whose values fix the scale under `scope: reference`; empty = the first period of
  /// the data (the main job passes its baseline). Must be a period of the data.
  std::optional<Period> reference_period;
};

/// The contributions of the descendants of one node, for every row (see PipelineResult::contributions).
struct ContributionTable {
  GoalTree::Index node = 0;
  std::string level;                  ///< the level asked for; empty = indicators
  std::vector<GoalTree::Index> parts;  ///< descendants at that level (or indicators), in node order
  /// rows x (parts + 1): one column per part, then the remainder (paths that avoid the level).
  Eigen::MatrixXd values;
};

class PipelineResult {
 public:
  [[nodiscard]] const GoalTree& tree() const noexcept { return tree_; }
  [[nodiscard]] const std::vector<std::string>& units() const noexcept { return units_; }
  [[nodiscard]] const std::vector<Period>& periods() const noexcept { return periods_; }
  [[nodiscard]] std::size_t rows() const noexcept { return units_.size() * periods_.size(); }
  [[nodiscard]] std::size_t row(std::size_t unit, std::size_t period) const noexcept { return unit * periods_.size() + period; }
  [[nodiscard]] double confidence() const noexcept { return confidence_; }

  /// Node scores (rows x nodes): normalised values for indicators, aggregates for goals.
  /// Suppressed cells of the dataset are missing to the pipeline (docs/privacy.md): they take no
  /// part in treatment, normalisation constants, aggregation or standard errors (a goal's
  /// coverage drops instead), and are blank (NaN) in every indicator column of every matrix here.
  /// Only a value the spec imputes for such a cell (from other cells) counts above it.
  [[nodiscard]] const Eigen::MatrixXd& scores() const noexcept { return scores_; }
  /// Standard errors and the interval bounds at the spec's confidence level (delta method,
  /// independent indicator errors; docs/pipeline.md).
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
  /// What each score rests on, as a fingerprint of the set of indicator cells with a value below
  /// it (the node itself for an indicator): equal in two rows when a goal's score rests on the
  /// same indicators there, so that a change between them is like for like (docs/compare.md).
  /// rows x nodes, column-major (node * rows() + row); 0 where nothing below has a value.
  [[nodiscard]] std::vector<std::uint64_t> bases() const;
  /// The indicator cell (node, row) was suppressed in the data set (blank here, missing to the
  /// aggregates), as opposed to absent. False for goals and for a node or row out of range.
  [[nodiscard]] bool suppressed(GoalTree::Index node, std::size_t row) const noexcept {
    return row < rows() && hidden_scores_.count(node * rows() + row) != 0;
  }
  /// Indicator ids of the data set that are not nodes of the tree, left out under
  /// `unused_data: ignore` (in data set order; empty otherwise).
  [[nodiscard]] const std::vector<std::string>& unused_indicators() const noexcept { return unused_indicators_; }
  /// d score(node) / d score(child) per row, one column per child in tree.children(node) order
  /// (0 for missing children, and everywhere in rows where the node is missing).
  [[nodiscard]] const Eigen::MatrixXd& local_gradient(GoalTree::Index node) const { return local_gradient_.at(node); }

  /// Contributions to a node's score in one row: d(score)/d(descendant) * descendant's score for
  /// each descendant at `level` (or each indicator when level is empty), plus a remainder for the
  /// paths that do not pass through that level (from the node down, a path stops at the first
  /// node of that level). They sum to the score: exactly for arithmetic aggregation, and for
  /// every method here since all are homogeneous of degree one (Euler), using the one-sided
  /// gradient chosen at ties of minimum and median (docs/pipeline.md). Keyed by node index, in
  /// node order; the remainder last, under key tree().size(). Empty when the score is missing; a
  /// suppressed indicator's part is NaN. Throws PipelineError for an unknown level or a node or
  /// row out of range.
  [[nodiscard]] std::vector<std::pair<GoalTree::Index, double>> contributions(GoalTree::Index node, std::size_t row,
                                                                             std::string_view level = {}) const;
  /// The same for every row at once (rows where the score is missing are NaN).
  [[nodiscard]] ContributionTable contributions(GoalTree::Index node, std::string_view level = {}) const;

 private:
  friend PipelineResult run_pipeline(const GoalTree&, const Dataset&, const PipelineSpec&, const RunContext&);
  GoalTree tree_;
  std::vector<std::string> units_;
  std::vector<Period> periods_;
  double confidence_ = 0.95;
  Eigen::MatrixXd scores_, se_, lower_, upper_, coverage_, treated_;
  std::vector<AuditEntry> audit_;
  std::vector<std::string> unused_indicators_;
  // Per node and row, the local derivatives d score(node) / d score(child), for contributions.
  std::vector<Eigen::MatrixXd> local_gradient_;  ///< [node] rows x children(node)
  // Every suppressed indicator cell, with its imputed score (NaN when not imputed; blank in
  // scores_), keyed node * rows + row, so that
  // the remainder of contributions stays right; never returned one by one.
  std::unordered_map<std::size_t, double> hidden_scores_;

  void contributions_over_rows(GoalTree::Index node, std::size_t first, std::size_t count, std::string_view level,
                               ContributionTable& out) const;
};

/// Run the pipeline (context.indicators defaults to the tree's own definitions, see RunContext).
/// Throws PipelineError listing every problem of the spec (check()); for data
/// ids that are goals of the tree, or not in the tree at all under `unused_data: error`; for
/// values or intervals of the tree's indicators outside the range of their definition in
/// context.indicators (a share of 73 instead of 0.73: the same wording as Dataset's own check,
/// with the data set's origin() and row, 1-based in data-set order; suppressed rows too, unless
/// their value is missing); and for data the spec cannot handle (a geometric mean over a non-positive score, a denominator the
/// unit does not have, a constant column under minmax, ...), naming node, unit and period.
PipelineResult run_pipeline(const GoalTree& tree, const Dataset& data, const PipelineSpec& spec,
                            const RunContext& context = {});

}  // namespace doelenboom
