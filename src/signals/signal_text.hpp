#pragma once
// How the signals read: numbers in Dutch (decimal comma) and English, p-values, denominators, and
// the values of one node in a sentence.

#include <optional>
#include <string>
#include <string_view>

#include "doelenboom/goal_tree.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/signals.hpp"

namespace doelenboom::detail::signals {

enum class Lang { nl, en };

/// x with `decimals` decimals, trailing zeros (and a bare point) dropped; never "-0".
[[nodiscard]] std::string fixed(double x, int decimals);
/// The decimal point as Dutch writes it (a comma) for Lang::nl.
[[nodiscard]] std::string localise(std::string s, Lang lang);
/// A plain number: whole numbers without decimals, else at most 2 (1 from 100 on).
[[nodiscard]] std::string plain(double x, Lang lang);
/// "p = 0.012" or "p < 0.001".
[[nodiscard]] std::string p_text(double p, Lang lang);
/// A z statistic with 2 decimals.
[[nodiscard]] std::string z_text(double z, Lang lang);
/// "per 1.000 inwoners" / "per 1,000 inhabitants" for a treatment that divides by a unit
/// attribute; empty without a denominator.
[[nodiscard]] std::string per_text(const Treatment& t, Lang lang);
/// The name of a peer group attribute ("grootteklasse" / "size class").
[[nodiscard]] std::string peer_name(const std::string& attribute, Lang lang);

/// How the values of one node read in a sentence.
struct NodeInfo {
  GoalTree::Index index = 0;
  bool indicator = false;
  int direction = 1;  ///< +1 higher is better (goal scores always)
  Measure measure = Measure::count;
  bool reach_count = false;
  std::optional<double> norm;
  std::string label, unit_text;
  /// The denominator of the treatment ("per 1.000 inwoners"), empty when the value is not divided.
  std::string per_nl, per_en;
  const NodeRules* settings = nullptr;

  [[nodiscard]] bool disabled(std::string_view rule) const { return settings != nullptr && settings->disables(rule); }

  /// The value with its unit: "12 cliënten", "72%", "score 61,3", "3,5 uren per 1.000 inwoners"
  /// (a treated value divided by a denominator); `raw`: a value before treatment, without it.
  [[nodiscard]] std::string value(double x, Lang lang, bool raw = false) const;
  /// A difference of two values: percentage points for proportions.
  [[nodiscard]] std::string difference(double d, Lang lang) const;
};

}  // namespace doelenboom::detail::signals
