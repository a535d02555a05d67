#pragma once
// Indicator definitions: what an indicator measures, for which monitoring pillar, on which scale,
// and which way is better. They live in an indicators file (docs/data-model.md) whose ids the
// indicator nodes of a goal tree refer to, or in the tree file itself, on the indicator nodes
// (docs/tree-format.md; GoalTree::indicators()).

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "doelenboom/error.hpp"

namespace doelenboom {

/// The version of the indicators file format (key `doelenboom_indicators:`).
inline constexpr int indicator_format_version = 1;

/// The three monitoring pillars.
enum class Pillar { reach, satisfaction, goal_attainment };  // bereik, tevredenheid, doelrealisatie
/// Output (direct, countable results) or outcome (change in residents' lives).
enum class ResultKind { output, outcome };
/// What the value of the indicator is.
enum class Measure {
  count,           ///< a number of things (clients, hours, referrals)
  rate,            ///< a count per `rate_per` inhabitants
  proportion,      ///< a share in [0, 1]
  mean,            ///< a mean on a stated scale (Likert 1-5, rapportcijfer 1-10, ...)
  ordinal_change,  ///< pre/post change on an ordinal scale (ZRM)
};

std::string_view to_string(Pillar p) noexcept;
std::string_view to_string(ResultKind k) noexcept;
std::string_view to_string(Measure m) noexcept;
/// Also accepts the Dutch names bereik, tevredenheid, doelrealisatie (case-insensitive).
std::optional<Pillar> parse_pillar(std::string_view text) noexcept;
std::optional<ResultKind> parse_result_kind(std::string_view text) noexcept;
std::optional<Measure> parse_measure(std::string_view text) noexcept;

struct IndicatorDefinition;

/// The keys that classify an indicator, required in every form of a definition (an indicators
/// file, an indicator node of a tree file, a row of a nodes table): pillar, result and measure.
inline constexpr std::array<std::string_view, 3> classification_keys{"pillar", "result", "measure"};

/// What classification key `key` takes, for the message of a missing one: "reach, satisfaction,
/// goal_attainment", "output, outcome" or "count, rate, proportion, mean, ordinal_change".
[[nodiscard]] std::string_view classification_choices(std::string_view key);

/// Sets classification key `key` of `d` from `text`, read alike in every form of a definition:
/// spaces around ignored, any case, the pillar also by its Dutch name. Returns "" when set, else
/// the problem: "pillar 'bereikt' is not one of: reach, satisfaction, goal_attainment (or bereik,
/// tevredenheid, doelrealisatie)".
[[nodiscard]] std::string set_classification(IndicatorDefinition& d, std::string_view key, std::string_view text);

/// A closed scale [min, max] with a name, e.g. {"likert5", 1, 5} or {"rapportcijfer", 1, 10}.
struct Scale {
  std::string name;
  double min = 0.0;
  double max = 0.0;
  friend bool operator==(const Scale&, const Scale&) = default;
};

/// The named scales a file may give as a shorthand: likert5 = [1, 5], rapportcijfer = [1, 10],
/// zrm = [1, 5]; std::nullopt for other names.
std::optional<Scale> named_scale(std::string_view name);

struct IndicatorDefinition {
  std::string id;
  std::string label;
  Pillar pillar = Pillar::reach;
  ResultKind kind = ResultKind::output;  ///< the key `result` in the indicators and tree files
  Measure measure = Measure::count;
  int direction = 1;                  ///< +1 higher is better, -1 lower is better
  /// rate_per when none is given (a rate per 1,000 inhabitants).
  static constexpr double default_rate_per = 1000.0;
  double rate_per = default_rate_per;  ///< for Measure::rate: per how many inhabitants
  std::optional<Scale> scale;         ///< required for Measure::mean
  std::optional<double> norm;         ///< value beyond which a unit wants a signal (below for +1, above for -1)
  std::optional<double> goalpost_min; ///< fixed bounds for normalising over time (both or neither)
  std::optional<double> goalpost_max;
  std::string unit_text;              ///< "cliënten", "uren", "%", ...
  std::string description;
  Location where;                     ///< not part of equality

  friend bool operator==(const IndicatorDefinition& a, const IndicatorDefinition& b) {
    return a.id == b.id && a.label == b.label && a.pillar == b.pillar && a.kind == b.kind && a.measure == b.measure &&
           a.direction == b.direction && a.rate_per == b.rate_per && a.scale == b.scale && a.norm == b.norm &&
           a.goalpost_min == b.goalpost_min && a.goalpost_max == b.goalpost_max && a.unit_text == b.unit_text &&
           a.description == b.description;
  }

  /// Problems of this definition alone: invalid id, empty label, direction not +-1, mean without
  /// scale, a scale on a measure other than mean or ordinal_change, scale min >= max, goalposts
  /// incomplete or min >= max, norm or goalposts outside valid_range() (so [0, 1] for
  /// proportions), rate_per <= 0 or set on a measure other than rate, non-finite numbers.
  [[nodiscard]] std::vector<Problem> check() const;
  /// The range a value of this indicator must lie in ([0,1] for proportions, the scale for means,
  /// [0, inf) for counts and rates, unbounded for ordinal_change).
  [[nodiscard]] std::pair<double, double> valid_range() const noexcept;
};

/// An ordered set of indicator definitions with lookup by id.
class IndicatorSet {
 public:
  IndicatorSet() = default;
  /// Validates every definition and the uniqueness of ids; throws ParseError listing all problems.
  explicit IndicatorSet(std::vector<IndicatorDefinition> definitions);

  /// Read a YAML file with `doelenboom_indicators: 1` and an `indicators:` list
  /// (docs/data-model.md). Throws ParseError listing every problem, each with file and line.
  static IndicatorSet load_yaml(const std::filesystem::path& path);
  static IndicatorSet parse_yaml(std::string_view text, const std::string& source = "<string>");
  /// Every problem of an indicators file, without throwing (for validation).
  static std::vector<Problem> check_yaml_file(const std::filesystem::path& path);
  /// YAML text; parse_yaml of it gives an equal set.
  [[nodiscard]] std::string to_yaml() const;
  /// Write to_yaml() atomically (temporary file next to `path`, then renamed).
  void save_yaml(const std::filesystem::path& path) const;

  [[nodiscard]] std::size_t size() const noexcept { return defs_.size(); }
  [[nodiscard]] const std::vector<IndicatorDefinition>& definitions() const noexcept { return defs_; }
  [[nodiscard]] const IndicatorDefinition* find(std::string_view id) const noexcept;
  /// Throws DataError naming the id.
  [[nodiscard]] const IndicatorDefinition& at(std::string_view id) const;

  friend bool operator==(const IndicatorSet& a, const IndicatorSet& b) { return a.defs_ == b.defs_; }

 private:
  std::vector<IndicatorDefinition> defs_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace doelenboom
