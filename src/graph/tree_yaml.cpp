// The YAML tree file (docs/tree-format.md): reading with every problem reported at once, each
// with its file and line, and writing with yaml-cpp's emitter so that quoting is always right.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "io/data_io.hpp"
#include "doelenboom/tree_io.hpp"
#include "doelenboom/version.hpp"
#include "data/indicator_check.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "io/files.hpp"
#include "data/indicator_yaml.hpp"
#include "io/yaml_reader.hpp"

namespace doelenboom {

namespace {

using namespace std::string_literals;
using detail::describe;
using detail::squote;
using Reader = detail::YamlReader;
using Entry = detail::YamlEntry;

constexpr std::array<std::string_view, 5> top_keys{"doelenboom", "name", "description", "levels", "nodes"};
constexpr std::array<std::string_view, 7> own_node_keys{"id",          "label",     "kind",   "level",
                                                        "description", "direction", "parents"};
// A node's own keys, then those of an indicator definition (indicator nodes only).
constexpr auto node_keys = [] {
  std::array<std::string_view, own_node_keys.size() + detail::indicator_definition_keys.size()> keys{};
  std::copy(own_node_keys.begin(), own_node_keys.end(), keys.begin());
  std::copy(detail::indicator_definition_keys.begin(), detail::indicator_definition_keys.end(),
            keys.begin() + own_node_keys.size());
  return keys;
}();
constexpr std::array<std::string_view, 2> parent_keys{"id", "weight"};

void read_levels(Reader& r, const Entry& entry, TreeDefinition& def) {
  if (!entry.value.IsSequence()) {
    r.add("wrong_type", entry.value, "", {}, "key 'levels' must be a list of level names, top first, found " + describe(entry.value));
    return;
  }
  std::size_t position = 0;
  for (const auto& item : entry.value) {
    ++position;
    if (!item.IsScalar() || item.Scalar().empty()) {
      r.add("wrong_type", item, "", {}, "levels: item " + std::to_string(position) + " must be a level name, found " + describe(item));
      continue;
    }
    def.levels.push_back(item.Scalar());
  }
}

void read_parents(Reader& r, const Entry& entry, const std::string& child, const std::string& context,
                  TreeDefinition& def) {
  if (!r.is_list(entry, context, {child}, "a list of parent ids or {id: ..., weight: ...} items")) return;
  std::size_t position = 0;
  for (const auto& item : entry.value) {
    ++position;
    const std::string item_context = context + ": parent " + std::to_string(position);
    Edge edge{child, {}, 1.0, r.at(item)};
    if (item.IsScalar() && !item.Scalar().empty()) {
      edge.parent = item.Scalar();
      def.edges.push_back(std::move(edge));
      continue;
    }
    if (!item.IsMap()) {
      r.add("wrong_type", item, item_context, {child}, "expected a parent id or {id: ..., weight: ...}, found " + describe(item));
      continue;
    }
    const auto parent_id = detail::scalar_value(item, "id");
    const std::string named_context = parent_id ? context + ": parent " + squote(*parent_id) : item_context;
    const std::vector<std::string> ids = parent_id ? std::vector<std::string>{child, *parent_id} : std::vector<std::string>{child};
    const auto keys = r.entries(item, named_context, parent_keys, ids);
    r.require(keys, "id", item, named_context, ids);
    bool ok = keys.contains("id");
    if (const auto it = keys.find("id"); it != keys.end()) {
      if (auto id = r.text(it->second, named_context, ids); id && !id->empty()) {
        edge.parent = std::move(*id);
      } else {
        if (id) r.add("missing_value", it->second.key, named_context, ids, "key 'id' is empty");
        ok = false;
      }
    }
    if (const auto it = keys.find("weight"); it != keys.end()) {
      if (const auto text = r.text(it->second, named_context, ids)) {
        if (const auto weight = detail::parse_finite_double(*text)) {
          edge.weight = *weight;
        } else {
          r.add("bad_weight", it->second.value, named_context, ids, "weight " + squote(*text) + " is not a number");
          ok = false;
        }
      } else {
        ok = false;
      }
    }
    if (ok) def.edges.push_back(std::move(edge));
  }
}

// The indicator definition an indicator node carries in its definition keys, if any. Its id,
// label, description and direction are the node's. A definition whose keys are all fine is
// checked here too, so that its problems are a ParseError like those of an indicators file.
void read_definition(Reader& r, const YAML::Node& item, const detail::YamlEntries& keys, const Node& node, bool kind_ok,
                     const std::string& context, const std::vector<std::string>& ids, TreeDefinition& def) {
  std::vector<const Entry*> given;
  for (const auto key : detail::indicator_definition_keys) {
    if (const auto it = keys.find(key); it != keys.end()) given.push_back(&it->second);
  }
  if (given.empty() || !kind_ok) return;  // a bad kind is already reported
  if (node.kind != NodeKind::indicator) {
    std::string names;
    for (const Entry* e : given) names += (names.empty() ? "" : ", ") + squote(e->key.Scalar());
    // The first key given in the file, so that the line points at the definition.
    const auto first = std::min_element(given.begin(), given.end(), [&](const Entry* a, const Entry* b) {
      return r.at(a->key).line < r.at(b->key).line;
    });
    r.add("not_an_indicator", (*first)->key, context, ids,
          "only indicators have an indicator definition: remove " + names + " (or add 'kind: indicator')");
    return;
  }
  IndicatorDefinition d = definition_of(node);
  const std::size_t before = r.problems().size();
  detail::read_indicator_definition_keys(r, keys, item, context, ids, d);
  if (r.problems().size() == before) {
    auto more = detail::check_indicator_values(d);
    r.problems().insert(r.problems().end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  def.indicators.push_back(std::move(d));
}

void read_node(Reader& r, const YAML::Node& item, std::size_t position, TreeDefinition& def) {
  const auto named = r.item(item, position, "node", own_node_keys);
  if (!named) return;
  const std::string& context = named->context;
  const std::vector<std::string>& ids = named->ids;
  const auto keys = r.entries(item, context, node_keys, ids);
  r.require(keys, "id", item, context, ids);
  r.require(keys, "label", item, context, ids);
  r.require(keys, "level", item, context, ids);

  Node node;
  node.where = r.at(item);
  if (auto v = r.text(keys, "id", context, ids)) node.id = std::move(*v);
  if (auto v = r.text(keys, "label", context, ids)) node.label = std::move(*v);
  if (auto v = r.text(keys, "level", context, ids)) node.level = std::move(*v);
  if (auto v = r.text(keys, "description", context, ids, true)) node.description = std::move(*v);
  bool kind_ok = true;
  if (const auto v = r.text(keys, "kind", context, ids)) {
    if (const auto kind = parse_node_kind(*v)) {
      node.kind = *kind;
    } else {
      kind_ok = false;
      r.add("bad_kind", keys.at("kind").value, context, ids, "kind " + squote(*v) + " is not one of: goal, indicator");
    }
  }
  if (const auto it = keys.find("direction"); it != keys.end()) {
    if (!kind_ok) {
      // The kind is already reported; whether a direction belongs here is unknown.
    } else if (node.kind != NodeKind::indicator) {
      r.add("bad_direction", it->second.key, context, ids,
            "only indicators have a direction (remove it, or add 'kind: indicator')");
    } else {
      detail::read_direction(r, it->second, context, ids, node.direction);
    }
  } else {
    node.direction = node.kind == NodeKind::indicator ? 1 : 0;
  }
  if (const auto it = keys.find("parents"); it != keys.end() && !it->second.value.IsNull()) {
    read_parents(r, it->second, node.id, context, def);
  }
  read_definition(r, item, keys, node, kind_ok, context, ids, def);
  def.nodes.push_back(std::move(node));
}

constexpr detail::YamlFormat tree_format{"doelenboom", tree_format_version, "'doelenboom: 1', levels and nodes",
                                         "a tree file", "a mapping with the keys doelenboom, levels and nodes"};

TreeDefinition parse(Reader& r, std::string_view text) {
  TreeDefinition def;
  def.source = r.source();
  const auto root = r.root(text, tree_format);
  if (!root) return def;
  const auto keys = r.entries(*root, "", top_keys, {});
  r.require_version(keys, *root, tree_format);
  r.require(keys, "levels", *root, "", {}, " (the level names, top first)");
  r.require(keys, "nodes", *root, "", {}, " (the list of nodes)");
  if (const auto it = keys.find("doelenboom"); it != keys.end()) r.check_version(it->second, tree_format);
  if (auto v = r.text(keys, "name", "", {}, true)) def.name = std::move(*v);
  if (auto v = r.text(keys, "description", "", {}, true)) def.description = std::move(*v);
  if (const auto it = keys.find("levels"); it != keys.end()) read_levels(r, it->second, def);
  if (const auto it = keys.find("nodes"); it != keys.end() && r.is_list(it->second, "", {}, "a list of nodes")) {
    std::size_t position = 0;
    for (const auto& item : it->second.value) read_node(r, item, ++position, def);
  }
  return def;
}

}  // namespace

TreeDefinition parse_tree_yaml(std::string_view text, const std::string& source) {
  detail::require_utf8(text, source);
  Reader reader(source);
  TreeDefinition def = parse(reader, text);
  throw_if_problems<ParseError>(reader.problems());
  return def;
}

GoalTree load_tree_yaml(const std::filesystem::path& path) {
  return GoalTree::build(parse_tree_yaml(detail::read_file_bytes(path), path.string()));
}

GoalTree load_tree_yaml_string(std::string_view text, const std::string& source) {
  return GoalTree::build(parse_tree_yaml(text, source));
}

std::string tree_to_yaml(const GoalTree& tree) {
  const TreeDefinition def = tree.definition();
  std::unordered_map<std::string, std::vector<const Edge*>> parents_of;
  for (const auto& edge : def.edges) parents_of[edge.child].push_back(&edge);

  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::Comment("doelenboom goal tree, file format version "s + std::to_string(tree_format_version) +
                       " (docs/tree-format.md); written by doelenboom " DOELENBOOM_VERSION_STRING);
  out << YAML::BeginMap;
  out << YAML::Key << "doelenboom" << YAML::Value << tree_format_version;
  if (!def.name.empty()) out << YAML::Key << "name" << YAML::Value << def.name;
  if (!def.description.empty()) out << YAML::Key << "description" << YAML::Value << def.description;
  out << YAML::Key << "levels" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& level : def.levels) out << level;
  out << YAML::EndSeq;
  out << YAML::Key << "nodes" << YAML::Value << YAML::BeginSeq;
  for (const auto& node : def.nodes) {
    out << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << node.id;
    out << YAML::Key << "label" << YAML::Value << node.label;
    out << YAML::Key << "kind" << YAML::Value << std::string(to_string(node.kind));
    out << YAML::Key << "level" << YAML::Value << node.level;
    if (!node.description.empty()) out << YAML::Key << "description" << YAML::Value << node.description;
    if (node.kind == NodeKind::indicator) out << YAML::Key << "direction" << YAML::Value << node.direction;
    if (const IndicatorDefinition* d = tree.indicators().find(node.id)) detail::emit_indicator_definition_keys(out, *d, false);
    if (const auto it = parents_of.find(node.id); it != parents_of.end()) {
      out << YAML::Key << "parents" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const Edge* edge : it->second) {
        if (edge->weight == 1.0) {
          out << edge->parent;
        } else {
          // Shortest text that reads back as the same double, so weights round-trip exactly.
          out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << edge->parent << YAML::Key << "weight"
              << YAML::Value << detail::format_double(edge->weight) << YAML::EndMap;
        }
      }
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;
  if (!out.good()) throw Error("cannot write the tree as YAML: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

void save_tree_yaml(const GoalTree& tree, const std::filesystem::path& path) {
  detail::write_file_atomically(path, tree_to_yaml(tree));
}

std::vector<Problem> check_tree_file(const std::filesystem::path& path) {
  TreeDefinition def;
  try {
    def = parse_tree_yaml(detail::read_file_bytes(path), path.string());
  } catch (const ParseError& e) {
    if (!e.problems().empty()) return e.problems();
    return {make_problem("parse", Location{path.string(), 0, 0, {}}, {}, e.what())};
  }
  return GoalTree::check(def);
}

}  // namespace doelenboom
