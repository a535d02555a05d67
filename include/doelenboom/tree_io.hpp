#pragma once
// Reading and writing goal trees: the YAML tree file (docs/tree-format.md) and a CSV edge list.
// Readers report every problem they find at once: ParseError for the file itself (syntax,
// encoding, unknown or missing keys, bad values), TreeError for the graph it describes. Each
// message names the file and line.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/error.hpp"
#include "doelenboom/goal_tree.hpp"

namespace doelenboom {

/// The version of the tree file format written by save_tree_yaml (key `doelenboom:`).
inline constexpr int tree_format_version = 1;

/// Parse YAML text into a definition without validating the graph. `source` names the text in
/// messages. Throws ParseError listing every problem of the file.
TreeDefinition parse_tree_yaml(std::string_view text, const std::string& source = "<string>");
/// Read and validate a YAML tree file. Throws ParseError or TreeError.
GoalTree load_tree_yaml(const std::filesystem::path& path);
/// Same from text.
GoalTree load_tree_yaml_string(std::string_view text, const std::string& source = "<string>");
/// YAML text for a tree; loading it gives an equal tree.
std::string tree_to_yaml(const GoalTree& tree);
/// Write the YAML text atomically (a temporary file next to `path`, then renamed into place).
void save_tree_yaml(const GoalTree& tree, const std::filesystem::path& path);

/// Every problem of a tree file (parse and graph), without throwing; for `doelenboom validate`.
/// Problems from reading the file (missing, not UTF-8) are returned too.
std::vector<Problem> check_tree_file(const std::filesystem::path& path);

/// Column names of a CSV edge list: one row per (node, parent) pair; a node with several parents
/// has several rows with the same attributes, a root has an empty parent.
struct CsvTreeColumns {
  std::string id = "id";
  std::string parent = "parent";
  std::string label = "label";          ///< empty name: label = id
  std::string level = "level";
  std::string weight = "weight";        ///< empty name or empty cell: weight 1
  std::string direction = "direction";  ///< empty name or empty cell: +1 for indicators
  std::string kind = "kind";            ///< empty name: leaves are indicators, the rest goals
  std::string description;              ///< empty name: no descriptions
  /// Values of the kind column meaning indicator / goal (compared case-insensitively).
  std::vector<std::string> indicator_kinds = {"indicator"};
  std::vector<std::string> goal_kinds = {"goal", "aggregate"};
  /// Levels given as numbers: true when a larger number is higher up (ASEM: 1 = indicators).
  /// Levels are ordered by number; non-numeric levels keep their first-seen order, top first.
  bool numeric_levels_ascend_upwards = true;
};

/// Read a CSV edge list (RFC 4180, UTF-8, header row). Throws ParseError / TreeError naming the
/// file, row and column.
GoalTree load_tree_csv(const std::filesystem::path& path, const CsvTreeColumns& columns = {});

}  // namespace doelenboom
