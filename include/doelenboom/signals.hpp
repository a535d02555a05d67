#pragma once
// Signals (signaleren, sturen): a small rule engine over a PipelineResult. Rules are plain data,
// read from a YAML file next to the tree (docs/signals.md) and defaulted when absent:
//
//  norm     an indicator's raw (treated) value below its norm (above it for direction -1);
//  drop     a node's value worse than at the baseline (Unit::baseline, else the first period) or
//           than in the previous period, beyond sampling noise (two-sided z test on the standard
//           errors, p < alpha);
//  reach    a reach-pillar count indicator that vanished (0 after > 0 before) or is far below what
//           the unit's own earlier periods (or its peers, per inhabitant) predict (Poisson test on
//           the raw counts, before treatment such as per 1,000 inhabitants; not for direction -1
//           counts such as a lead time, whose fall is good);
//  outlier  a value far from its peers (robust z = (x - median) / (1.4826 MAD) over the peer group);
//  data     too little data: coverage of a top-level goal below a threshold, or a share of
//           suppressed cells above a threshold.
//
// No signal is ever computed from a suppressed value: suppressed cells are blank in the result,
// and with a Dataset every indicator cell that is suppressed or not measured (imputed) is skipped.
// Each signal carries the numbers behind it and one plain sentence in Dutch and in English.

#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/dataset.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom {

/// The version of the signal rules file format (key `doelenboom_signals:`).
inline constexpr int signals_format_version = 1;

/// Which rule produced a signal. drop_baseline and drop_previous are the two halves of `drop`,
/// coverage and suppressed the two halves of `data`.
enum class SignalRule { norm, drop_baseline, drop_previous, reach, outlier, coverage, suppressed };
/// info: worth a look; warning: act on it when confirmed; alert: act now (docs/signals.md says per
/// rule how the severity is set).
enum class Severity { info, warning, alert };

std::string_view to_string(SignalRule rule) noexcept;
std::string_view to_string(Severity severity) noexcept;

/// Where the reach rule takes the expected count from.
enum class ReachReference {
  own,    ///< the mean of the unit's own earlier periods (population cancels out)
  peers,  ///< the peers' count per inhabitant in the same period x the unit's population
};

struct NormRule {
  bool enabled = true;
  /// alert instead of warning when the distance to the norm is at least this share of |norm|.
  double alert_distance = 0.10;
  friend bool operator==(const NormRule&, const NormRule&) = default;
};

struct DropRule {
  bool enabled = true;
  double alpha = 0.01;    ///< two-sided significance level; alert below alpha / 10
  bool baseline = true;   ///< compare with the baseline period
  bool previous = true;   ///< compare with the previous period
  bool goals = true;      ///< also for goal nodes (their scores), not only indicators
  friend bool operator==(const DropRule&, const DropRule&) = default;
};

struct ReachRule {
  bool enabled = true;
  double alpha = 0.01;  ///< one-sided Poisson p below this: warning; below alpha / 10: alert
  ReachReference reference = ReachReference::own;
  friend bool operator==(const ReachRule&, const ReachRule&) = default;
};

struct OutlierRule {
  bool enabled = true;
  double threshold = 3.5;                ///< |robust z| above this
  std::string peer_group = "size_class";  ///< a unit attribute (Unit::attribute) or "all"
  int min_peers = 5;                     ///< a peer group needs at least this many values (unit included)
  bool goals = true;                     ///< also for goal nodes
  friend bool operator==(const OutlierRule&, const OutlierRule&) = default;
};

struct DataRule {
  bool enabled = true;
  double min_coverage = 0.75;          ///< of each top-level goal
  double max_suppressed_share = 0.25;  ///< of a unit's indicator cells in a period (needs a Dataset)
  friend bool operator==(const DataRule&, const DataRule&) = default;
};

/// Settings of one node: rules switched off for it and a norm that replaces the indicator's.
struct NodeRules {
  std::vector<std::string> disabled;  ///< rule names: norm, drop, reach, outlier, data
  std::optional<double> norm;
  Location where;  ///< not part of equality
  friend bool operator==(const NodeRules& a, const NodeRules& b) { return a.disabled == b.disabled && a.norm == b.norm; }
  [[nodiscard]] bool disables(std::string_view rule) const;
};

struct SignalRules {
  NormRule norm;
  DropRule drop;
  ReachRule reach;
  OutlierRule outlier;
  DataRule data;
  std::map<std::string, NodeRules> nodes;  ///< by node id
  std::string source;                       ///< file the rules came from (not part of equality)

  friend bool operator==(const SignalRules& a, const SignalRules& b) {
    return a.norm == b.norm && a.drop == b.drop && a.reach == b.reach && a.outlier == b.outlier && a.data == b.data &&
           a.nodes == b.nodes;
  }

  /// Problems against a tree: node ids that are not in it (at the file and line of the node),
  /// a norm given for a goal.
  [[nodiscard]] std::vector<Problem> check(const GoalTree& tree) const;

  /// Read YAML (docs/signals.md). Throws ParseError listing every problem (unknown keys or rule
  /// names, wrong types, values out of range), each with file and line and the node it is about.
  static SignalRules parse_yaml(std::string_view text, const std::string& source = "<string>");
  static SignalRules load_yaml(const std::filesystem::path& path);
  /// Settings given as data rather than as a file: a YAML or JSON mapping with the keys of the
  /// file (the Python dict settings arrive as JSON). The same schema code reads it, with the same
  /// wording; messages start with "signals: " instead of a file and line. Throws ParseError
  /// listing every problem.
  static SignalRules from_settings(std::string_view text);
};

struct Signal {
  std::string unit;    ///< unit id
  Period period;
  std::string node;    ///< node id; empty for a signal about a whole unit and period (suppressed)
  SignalRule rule = SignalRule::norm;
  Severity severity = Severity::info;
  static constexpr double missing = std::numeric_limits<double>::quiet_NaN();
  double value = missing;       ///< the observed value (raw for indicators, score for goals; a share for data)
  double reference = missing;   ///< norm, earlier value, expected count, peer median or threshold
  double difference = missing;  ///< value - reference
  double statistic = missing;   ///< z (drop, outlier); NaN for the others
  double p_value = missing;     ///< drop and reach
  double n = missing;           ///< base of the estimate (Dataset) or size of the peer group
  std::string message_nl;
  std::string message_en;
};

/// What evaluation may use besides the result. Null pointers: without a Dataset there are no n,
/// no suppressed-share signals and indicator standard errors come from the measure (count:
/// sqrt(value)), and the reach rule takes the raw counts from the result's audit (the value before
/// the first treatment step) instead of the Dataset; without a registry there is no baseline mark,
/// one peer group and ids as names; without the spec the result was made with, sentences do not
/// say that a value was divided by a denominator ("per 1.000 inwoners").
struct SignalContext {
  const Dataset* data = nullptr;
  const UnitRegistry* units = nullptr;
  const PipelineSpec* spec = nullptr;
};

/// All signals, ordered by unit, period, node and rule. Throws ParseError when the rules do not
/// fit the tree of the result (SignalRules::check), and DataError when context.data holds values
/// of the tree's indicators outside the range of the definitions the tree carries (as
/// run_pipeline checks them).
std::vector<Signal> evaluate_signals(const PipelineResult& result, const SignalRules& rules = {},
                                     const SignalContext& context = {});

}  // namespace doelenboom
