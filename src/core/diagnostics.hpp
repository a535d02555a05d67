#pragma once
// Diagnostics: the one home of how problems are collected and worded. Every reader and check
// (C++ and, through doelenboom/error.hpp, the binding module) builds its messages with these
// pieces: make_problem for "<where>: <what>", squote for a value, join_words for a list of names,
// brief and format_double for numbers, ProblemSink to collect row problems, join_problems for the
// message of an error that stands for several problems.
//
// Limit policy: one number, max_listed_problems (50), bounds both what a person has to read and
// what a hostile input can cost.
//  - A message lists at most 50 problems: "N problems:", the first 50 in order, then one line
//    "... and M more" (join_problems; a caller may add where to find all of them). The error's
//    problems() keeps every problem that was collected, so validation (the check_* functions,
//    `doelenboom validate`) sees them all.
//  - A check that may find a problem on every row of its input (the estimators' inputs: millions
//    of registrations or answers) collects through a ProblemSink: at most 50 problems of each
//    kind (code) are kept, the rest are counted, and one closing problem per kind says
//    "... and M more problems of kind 'k'", so that memory stays bounded however bad the input.
//    Checks whose API promises every problem (Dataset::check_csv, check_records) keep them all.
//  - A value quoted in a message is at most max_quoted_bytes (200) long (squote), so that a 50 MB
//    cell does not make a 50 MB message.
//  - A sentence that names many things (the ids of a data set that are not in the tree, the items
//    an answer may name) names at most max_listed_names (20), then "and N more"
//    (join_words_capped), so that one problem stays one readable line.

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "doelenboom/error.hpp"

namespace doelenboom::detail {

/// The limit of the policy above: problems listed in a message, and problems of one kind kept by
/// a ProblemSink.
inline constexpr std::size_t max_listed_problems = 50;

/// Texts longer than this are shortened in messages (squote).
inline constexpr std::size_t max_quoted_bytes = 200;

/// Names listed in one sentence (join_words_capped).
inline constexpr std::size_t max_listed_names = 20;

/// squote is public (doelenboom/error.hpp) for the binding module; the library spells it
/// detail::squote next to the other message pieces.
using doelenboom::squote;

/// "a, b, c" from any range of texts.
template <class Words>
[[nodiscard]] std::string join_words(const Words& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

/// "a, b, c and 5 more": the first max_listed_names words, each in squote when `quoted`, then
/// how many more there are.
template <class Words>
[[nodiscard]] std::string join_words_capped(const Words& words, bool quoted) {
  std::string out;
  std::size_t count = 0;
  for (const auto& w : words) {
    if (++count > max_listed_names) continue;
    out += (out.empty() ? "" : ", ") + (quoted ? squote(w) : std::string(w));
  }
  if (count > max_listed_names) out += " and " + std::to_string(count - max_listed_names) + " more";
  return out;
}

/// A number for messages: up to 6 significant digits ("0.333333", "1.2e+06"). Values a reader
/// must be able to find back exactly use format_double (core/text.hpp) instead.
[[nodiscard]] std::string brief(double value);

/// Collects the problems of a check over many rows under the limit policy: at most
/// max_listed_problems of each kind; finish() adds the "... and M more problems of kind 'k'" lines.
struct ProblemSink {
  std::vector<Problem>& out;
  std::string source;  ///< names the input in the closing lines
  /// Opens the text of the closing lines, for problems that name their place in the text rather
  /// than in a Location ("sensitivity: weight_sets: ").
  std::string context{};
  std::unordered_map<std::string, std::size_t> per_code{};
  std::unordered_map<std::string, std::size_t> dropped{};

  void add(Problem p);
  /// Adds one line per kind with dropped problems (in order of the kind); call once at the end.
  void finish();
};

}  // namespace doelenboom::detail
