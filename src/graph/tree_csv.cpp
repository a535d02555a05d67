// The CSV edge-list importer: one row per (node, parent) pair, as exported by spreadsheets and
// by composite-indicator tools (the COINr iMeta layout is the model; see docs/tree-format.md).

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "io/csv.hpp"
#include "doelenboom/tree_io.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"

namespace doelenboom {

namespace {

using detail::squote;

bool contains_ci(const std::vector<std::string>& values, const std::string& lowered) {
  return std::any_of(values.begin(), values.end(), [&](const std::string& v) { return detail::ascii_lower(v) == lowered; });
}

// Attributes of a node as first seen, to compare with its later rows.
struct NodeRows {
  std::size_t first_row = 0;  // 0-based data row
  std::string label;
  std::string level;
  std::string kind_cell;  // as written, for messages
  std::optional<NodeKind> kind;
  std::string direction;
  std::string description;
  std::optional<std::size_t> root_row;    // a row with an empty parent
  std::optional<std::size_t> parent_row;  // the first row with a parent
  std::vector<std::size_t> direction_mismatches;  // rows whose direction differs (matters for indicators only)
};

}  // namespace

GoalTree load_tree_csv(const std::filesystem::path& path, const CsvTreeColumns& columns) {
  const detail::CsvTable table = detail::read_csv_file(path);
  std::vector<Problem> problems;
  const Location file_location{table.source, 0, 0, {}};

  // Resolve every column first so that all missing ones are reported together.
  const auto resolve = [&](const std::string& name, std::string_view role, bool required) -> std::optional<std::size_t> {
    if (name.empty()) {
      if (required) {
        problems.push_back(make_problem("missing_column", file_location, {},
                                        "no column is named for the " + std::string(role) + " (it is required)"));
      }
      return std::nullopt;
    }
    if (auto index = detail::find_column(table, name)) return index;
    Problem p = detail::missing_column_problem(table, name);
    if (!required) p.message += "; to do without a " + std::string(role) + " column, give it an empty name";
    problems.push_back(std::move(p));
    return std::nullopt;
  };
  const auto id_col = resolve(columns.id, "id", true);
  const auto parent_col = resolve(columns.parent, "parent", true);
  const auto level_col = resolve(columns.level, "level", true);
  const auto label_col = resolve(columns.label, "label", false);
  const auto weight_col = resolve(columns.weight, "weight", false);
  const auto direction_col = resolve(columns.direction, "direction", false);
  const auto kind_col = resolve(columns.kind, "kind", false);
  const auto description_col = resolve(columns.description, "description", false);
  throw_if_problems<ParseError>(problems);

  std::vector<std::string> indicator_kinds;
  std::vector<std::string> goal_kinds;
  for (const auto& k : columns.indicator_kinds) indicator_kinds.push_back(detail::ascii_lower(k));
  for (const auto& k : columns.goal_kinds) goal_kinds.push_back(detail::ascii_lower(k));
  std::vector<std::string> accepted_kinds = indicator_kinds;
  accepted_kinds.insert(accepted_kinds.end(), goal_kinds.begin(), goal_kinds.end());

  std::vector<std::string> order;  // node ids in first-seen order
  std::unordered_map<std::string, NodeRows> nodes;
  std::unordered_set<std::string> parent_ids;
  std::vector<Edge> edges;
  std::vector<std::string> level_names;  // first-seen order

  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const auto cell = [&](const std::optional<std::size_t>& col) -> std::string {
      return col ? std::string(detail::trim_ascii(row[*col])) : std::string();
    };
    const auto at = [&](const std::optional<std::size_t>& col) { return table.where(r, col ? table.header[*col] : ""); };

    const std::string id = cell(id_col);
    if (id.empty()) {
      problems.push_back(make_problem("missing_value", at(id_col), {}, "the id is empty"));
      continue;
    }
    NodeRows attrs;
    attrs.first_row = r;
    attrs.label = cell(label_col);
    if (attrs.label.empty()) attrs.label = id;
    attrs.level = cell(level_col);
    if (attrs.level.empty()) {
      problems.push_back(make_problem("missing_value", at(level_col), {id}, "node " + squote(id) + ": the level is empty"));
    } else if (std::find(level_names.begin(), level_names.end(), attrs.level) == level_names.end()) {
      level_names.push_back(attrs.level);
    }
    attrs.kind_cell = cell(kind_col);
    if (!attrs.kind_cell.empty()) {
      const std::string lowered = detail::ascii_lower(attrs.kind_cell);
      if (contains_ci(indicator_kinds, lowered)) {
        attrs.kind = NodeKind::indicator;
      } else if (contains_ci(goal_kinds, lowered)) {
        attrs.kind = NodeKind::goal;
      } else {
        problems.push_back(make_problem("bad_kind", at(kind_col), {id},
                                        "node " + squote(id) + ": kind " + squote(attrs.kind_cell) +
                                            " is not one of: " + detail::join_words(accepted_kinds) + " (compared case-insensitively)"));
      }
    }
    attrs.direction = cell(direction_col);
    attrs.description = cell(description_col);

    double weight = 1.0;
    if (const std::string text = cell(weight_col); !text.empty()) {
      if (const auto value = detail::parse_finite_double(text)) {
        weight = *value;
      } else {
        problems.push_back(make_problem("bad_weight", at(weight_col), {id},
                                        "node " + squote(id) + ": weight " + squote(text) + " is not a number"));
      }
    }

    auto [it, inserted] = nodes.try_emplace(id, attrs);
    NodeRows& node = it->second;
    if (inserted) {
      order.push_back(id);
    } else {
      // A node on several rows (several parents) must say the same about itself on each.
      const auto differs = [&](const std::string& first, const std::string& here, const std::optional<std::size_t>& col,
                               std::string_view what) {
        if (first == here) return;
        problems.push_back(make_problem(
            "inconsistent_rows", at(col), {id},
            "node " + squote(id) + ": " + std::string(what) + " " + squote(here) + " differs from " + squote(first) +
                " on row " + std::to_string(node.first_row + 1) +
                " (a node on several rows needs the same attributes on each)"));
      };
      differs(node.label, attrs.label, label_col, "label");
      differs(node.level, attrs.level, level_col, "level");
      if (node.kind != attrs.kind) differs(node.kind_cell, attrs.kind_cell, kind_col, "kind");
      differs(node.description, attrs.description, description_col, "description");
      if (node.direction != attrs.direction) node.direction_mismatches.push_back(r);
    }

    const std::string parent = cell(parent_col);
    if (parent.empty()) {
      if (node.root_row) {
        problems.push_back(make_problem("duplicate_row", at(parent_col), {id},
                                        "node " + squote(id) + " has no parent here and again on row " +
                                            std::to_string(*node.root_row + 1) + " (list a root once)"));
      } else if (node.parent_row) {
        problems.push_back(make_problem("inconsistent_rows", at(parent_col), {id},
                                        "node " + squote(id) + " has no parent here but a parent on row " +
                                            std::to_string(*node.parent_row + 1) +
                                            " (a root has a single row with an empty parent)"));
      }
      if (!node.root_row) node.root_row = r;
      continue;
    }
    if (node.root_row && !node.parent_row) {
      problems.push_back(make_problem("inconsistent_rows", at(parent_col), {id, parent},
                                      "node " + squote(id) + " has parent " + squote(parent) +
                                          " here but no parent on row " + std::to_string(*node.root_row + 1) +
                                          " (a root has a single row with an empty parent)"));
    }
    if (!node.parent_row) node.parent_row = r;
    parent_ids.insert(parent);
    edges.push_back(Edge{id, parent, weight, at(parent_col)});
  }

  // Levels: by number when every level is a number, otherwise in first-seen order.
  std::vector<std::pair<double, std::string>> numeric;
  for (const auto& name : level_names) {
    if (const auto value = detail::parse_finite_double(name)) numeric.emplace_back(*value, name);
  }
  if (!level_names.empty() && numeric.size() == level_names.size()) {
    std::stable_sort(numeric.begin(), numeric.end(), [&](const auto& a, const auto& b) {
      return columns.numeric_levels_ascend_upwards ? a.first > b.first : a.first < b.first;
    });
    level_names.clear();
    for (std::size_t i = 0; i < numeric.size(); ++i) {
      if (i > 0 && numeric[i].first == numeric[i - 1].first) {
        problems.push_back(make_problem("duplicate_level", file_location, {},
                                        "levels " + squote(numeric[i - 1].second) + " and " + squote(numeric[i].second) +
                                            " are the same number; write each level the same way"));
      }
      level_names.push_back(numeric[i].second);
    }
  }

  TreeDefinition def;
  def.source = table.source;
  def.levels = std::move(level_names);
  for (const auto& id : order) {
    const NodeRows& attrs = nodes.at(id);
    Node node;
    node.id = id;
    node.label = attrs.label;
    node.level = attrs.level;
    node.description = attrs.description;
    // Without a kind, a node nobody names as parent is an indicator.
    node.kind = attrs.kind.value_or(parent_ids.contains(id) ? NodeKind::goal : NodeKind::indicator);
    node.where = table.where(attrs.first_row, id_col ? table.header[*id_col] : "");
    if (node.kind == NodeKind::indicator) {
      // Goals have no direction, whatever the cell says (COINr writes 1 for aggregates).
      const Location direction_at = table.where(attrs.first_row, direction_col ? table.header[*direction_col] : "");
      const auto value = attrs.direction.empty() ? std::optional<double>(1.0) : detail::parse_finite_double(attrs.direction);
      if (value && (*value == 1.0 || *value == -1.0)) {
        node.direction = *value > 0 ? 1 : -1;
      } else {
        problems.push_back(make_problem("bad_direction", direction_at, {id},
                                        "indicator " + squote(id) + ": direction " + squote(attrs.direction) +
                                            " must be 1 (higher is better) or -1 (lower is better)"));
      }
      for (const std::size_t r : attrs.direction_mismatches) {
        problems.push_back(make_problem(
            "inconsistent_rows", table.where(r, table.header[*direction_col]), {id},
            "node " + squote(id) + ": direction " + squote(std::string(detail::trim_ascii(table.rows[r][*direction_col]))) +
                " differs from " + squote(attrs.direction) + " on row " + std::to_string(attrs.first_row + 1) +
                " (a node on several rows needs the same attributes on each)"));
      }
    } else {
      node.direction = 0;
    }
    def.nodes.push_back(std::move(node));
  }
  def.edges = std::move(edges);
  throw_if_problems<ParseError>(problems);
  return GoalTree::build(std::move(def));
}

}  // namespace doelenboom
