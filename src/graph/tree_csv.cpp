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

// Reads the rows of an edge list into a TreeDefinition, every problem collected.
class EdgeListReader {
 public:
  EdgeListReader(const detail::CsvTable& table, const CsvTreeColumns& columns)
      : table_(table), columns_(columns), file_location_{table.source, 0, 0, {}} {}

  GoalTree read() {
    resolve_columns();
    for (const auto& k : columns_.indicator_kinds) indicator_kinds_.push_back(detail::ascii_lower(k));
    for (const auto& k : columns_.goal_kinds) goal_kinds_.push_back(detail::ascii_lower(k));
    accepted_kinds_ = indicator_kinds_;
    accepted_kinds_.insert(accepted_kinds_.end(), goal_kinds_.begin(), goal_kinds_.end());
    for (std::size_t r = 0; r < table_.rows.size(); ++r) read_row(r);
    order_levels();
    TreeDefinition def;
    def.source = table_.source;
    def.levels = std::move(level_names_);
    for (const auto& id : order_) def.nodes.push_back(make_node(id));
    def.edges = std::move(edges_);
    throw_if_problems<ParseError>(problems_);
    return GoalTree::build(std::move(def));
  }

 private:
  using Column = std::optional<std::size_t>;

  [[nodiscard]] std::string cell(std::size_t r, const Column& col) const {
    return col ? std::string(detail::trim_ascii(table_.rows[r][*col])) : std::string();
  }
  [[nodiscard]] Location at(std::size_t r, const Column& col) const {
    return table_.where(r, col ? table_.header[*col] : "");
  }
  void add(std::string code, Location where, std::vector<std::string> ids, const std::string& what) {
    problems_.push_back(make_problem(std::move(code), std::move(where), std::move(ids), what));
  }

  Column resolve(const std::string& name, std::string_view role, bool required) {
    if (name.empty()) {
      if (required) add("missing_column", file_location_, {}, "no column is named for the " + std::string(role) + " (it is required)");
      return std::nullopt;
    }
    if (auto index = detail::find_column(table_, name)) return index;
    Problem p = detail::missing_column_problem(table_, name);
    if (!required) p.message += "; to do without a " + std::string(role) + " column, give it an empty name";
    problems_.push_back(std::move(p));
    return std::nullopt;
  }

  // Every column first, so that all missing ones are reported together.
  void resolve_columns() {
    id_col_ = resolve(columns_.id, "id", true);
    parent_col_ = resolve(columns_.parent, "parent", true);
    level_col_ = resolve(columns_.level, "level", true);
    label_col_ = resolve(columns_.label, "label", false);
    weight_col_ = resolve(columns_.weight, "weight", false);
    direction_col_ = resolve(columns_.direction, "direction", false);
    kind_col_ = resolve(columns_.kind, "kind", false);
    description_col_ = resolve(columns_.description, "description", false);
    throw_if_problems<ParseError>(problems_);
  }

  // What row r says about its node (label, level, kind, direction, description).
  NodeRows attributes(std::size_t r, const std::string& id) {
    NodeRows attrs;
    attrs.first_row = r;
    attrs.label = cell(r, label_col_);
    if (attrs.label.empty()) attrs.label = id;
    attrs.level = cell(r, level_col_);
    if (attrs.level.empty()) {
      add("missing_value", at(r, level_col_), {id}, "node " + squote(id) + ": the level is empty");
    } else if (std::find(level_names_.begin(), level_names_.end(), attrs.level) == level_names_.end()) {
      level_names_.push_back(attrs.level);
    }
    attrs.kind_cell = cell(r, kind_col_);
    if (!attrs.kind_cell.empty()) {
      const std::string lowered = detail::ascii_lower(attrs.kind_cell);
      if (contains_ci(indicator_kinds_, lowered)) {
        attrs.kind = NodeKind::indicator;
      } else if (contains_ci(goal_kinds_, lowered)) {
        attrs.kind = NodeKind::goal;
      } else {
        add("bad_kind", at(r, kind_col_), {id},
            "node " + squote(id) + ": kind " + squote(attrs.kind_cell) + " is not one of: " +
                detail::join_words(accepted_kinds_) + " (compared case-insensitively)");
      }
    }
    attrs.direction = cell(r, direction_col_);
    attrs.description = cell(r, description_col_);
    return attrs;
  }

  double weight(std::size_t r, const std::string& id) {
    const std::string text = cell(r, weight_col_);
    if (text.empty()) return 1.0;
    if (const auto value = detail::parse_finite_double(text)) return *value;
    add("bad_weight", at(r, weight_col_), {id}, "node " + squote(id) + ": weight " + squote(text) + " is not a number");
    return 1.0;
  }

  // A node on several rows (several parents) must say the same about itself on each.
  void compare_rows(NodeRows& node, const NodeRows& attrs, std::size_t r, const std::string& id) {
    const auto differs = [&](const std::string& first, const std::string& here, const Column& col, std::string_view what) {
      if (first == here) return;
      add("inconsistent_rows", at(r, col), {id},
          "node " + squote(id) + ": " + std::string(what) + " " + squote(here) + " differs from " + squote(first) +
              " on row " + std::to_string(node.first_row + 1) + " (a node on several rows needs the same attributes on each)");
    };
    differs(node.label, attrs.label, label_col_, "label");
    differs(node.level, attrs.level, level_col_, "level");
    if (node.kind != attrs.kind) differs(node.kind_cell, attrs.kind_cell, kind_col_, "kind");
    differs(node.description, attrs.description, description_col_, "description");
    if (node.direction != attrs.direction) node.direction_mismatches.push_back(r);
  }

  // The row's parent: an edge, or (empty) the node is a root, which has a single row.
  void read_parent(NodeRows& node, std::size_t r, const std::string& id, double w) {
    const std::string parent = cell(r, parent_col_);
    if (parent.empty()) {
      if (node.root_row) {
        add("duplicate_row", at(r, parent_col_), {id},
            "node " + squote(id) + " has no parent here and again on row " + std::to_string(*node.root_row + 1) +
                " (list a root once)");
      } else if (node.parent_row) {
        add("inconsistent_rows", at(r, parent_col_), {id},
            "node " + squote(id) + " has no parent here but a parent on row " + std::to_string(*node.parent_row + 1) +
                " (a root has a single row with an empty parent)");
      }
      if (!node.root_row) node.root_row = r;
      return;
    }
    if (node.root_row && !node.parent_row) {
      add("inconsistent_rows", at(r, parent_col_), {id, parent},
          "node " + squote(id) + " has parent " + squote(parent) + " here but no parent on row " +
              std::to_string(*node.root_row + 1) + " (a root has a single row with an empty parent)");
    }
    if (!node.parent_row) node.parent_row = r;
    parent_ids_.insert(parent);
    edges_.push_back(Edge{id, parent, w, at(r, parent_col_)});
  }

  void read_row(std::size_t r) {
    const std::string id = cell(r, id_col_);
    if (id.empty()) {
      add("missing_value", at(r, id_col_), {}, "the id is empty");
      return;
    }
    const NodeRows attrs = attributes(r, id);
    const double w = weight(r, id);
    auto [it, inserted] = nodes_.try_emplace(id, attrs);
    if (inserted) {
      order_.push_back(id);
    } else {
      compare_rows(it->second, attrs, r, id);
    }
    read_parent(it->second, r, id, w);
  }

  // Levels: by number when every level is a number, otherwise in first-seen order.
  void order_levels() {
    std::vector<std::pair<double, std::string>> numeric;
    for (const auto& name : level_names_) {
      if (const auto value = detail::parse_finite_double(name)) numeric.emplace_back(*value, name);
    }
    if (level_names_.empty() || numeric.size() != level_names_.size()) return;
    std::stable_sort(numeric.begin(), numeric.end(), [&](const auto& a, const auto& b) {
      return columns_.numeric_levels_ascend_upwards ? a.first > b.first : a.first < b.first;
    });
    level_names_.clear();
    for (std::size_t i = 0; i < numeric.size(); ++i) {
      if (i > 0 && numeric[i].first == numeric[i - 1].first) {
        add("duplicate_level", file_location_, {},
            "levels " + squote(numeric[i - 1].second) + " and " + squote(numeric[i].second) +
                " are the same number; write each level the same way");
      }
      level_names_.push_back(numeric[i].second);
    }
  }

  Node make_node(const std::string& id) {
    const NodeRows& attrs = nodes_.at(id);
    Node node;
    node.id = id;
    node.label = attrs.label;
    node.level = attrs.level;
    node.description = attrs.description;
    // Without a kind, a node nobody names as parent is an indicator.
    node.kind = attrs.kind.value_or(parent_ids_.contains(id) ? NodeKind::goal : NodeKind::indicator);
    node.where = at(attrs.first_row, id_col_);
    if (node.kind != NodeKind::indicator) {
      node.direction = 0;  // goals have no direction, whatever the cell says (COINr writes 1 for aggregates)
      return node;
    }
    const auto value = attrs.direction.empty() ? std::optional<double>(1.0) : detail::parse_finite_double(attrs.direction);
    if (value && (*value == 1.0 || *value == -1.0)) {
      node.direction = *value > 0 ? 1 : -1;
    } else {
      add("bad_direction", at(attrs.first_row, direction_col_), {id},
          "indicator " + squote(id) + ": direction " + squote(attrs.direction) +
              " must be 1 (higher is better) or -1 (lower is better)");
    }
    for (const std::size_t r : attrs.direction_mismatches) {
      add("inconsistent_rows", table_.where(r, table_.header[*direction_col_]), {id},
          "node " + squote(id) + ": direction " + squote(cell(r, direction_col_)) + " differs from " +
              squote(attrs.direction) + " on row " + std::to_string(attrs.first_row + 1) +
              " (a node on several rows needs the same attributes on each)");
    }
    return node;
  }

  const detail::CsvTable& table_;
  const CsvTreeColumns& columns_;
  const Location file_location_;
  std::vector<Problem> problems_;
  Column id_col_, parent_col_, level_col_, label_col_, weight_col_, direction_col_, kind_col_, description_col_;
  std::vector<std::string> indicator_kinds_, goal_kinds_, accepted_kinds_;
  std::vector<std::string> order_;  // node ids in first-seen order
  std::unordered_map<std::string, NodeRows> nodes_;
  std::unordered_set<std::string> parent_ids_;
  std::vector<Edge> edges_;
  std::vector<std::string> level_names_;  // first-seen order
};

}  // namespace

GoalTree load_tree_csv(const std::filesystem::path& path, const CsvTreeColumns& columns) {
  const detail::CsvTable table = detail::read_csv_file(path);
  return EdgeListReader(table, columns).read();
}

}  // namespace doelenboom
