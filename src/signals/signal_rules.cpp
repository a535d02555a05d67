// Signal rules: names, the per-node settings and the YAML file (docs/signals.md), read with every
// problem at its file and line.

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "doelenboom/signals.hpp"
#include "io/data_io.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "io/files.hpp"
#include "io/yaml_reader.hpp"

namespace doelenboom {

std::string_view to_string(SignalRule rule) noexcept {
  switch (rule) {
    case SignalRule::norm: return "norm";
    case SignalRule::drop_baseline: return "drop_baseline";
    case SignalRule::drop_previous: return "drop_previous";
    case SignalRule::reach: return "reach";
    case SignalRule::outlier: return "outlier";
    case SignalRule::coverage: return "coverage";
    case SignalRule::suppressed: return "suppressed";
  }
  return "?";
}

std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::alert: return "alert";
  }
  return "?";
}

bool NodeRules::disables(std::string_view rule) const {
  return std::find(disabled.begin(), disabled.end(), rule) != disabled.end();
}

namespace {

using detail::squote;
using detail::YamlEntries;
using detail::YamlEntry;

constexpr std::array<std::string_view, 7> top_keys{"doelenboom_signals", "norm", "drop", "reach", "outlier", "data", "nodes"};
constexpr std::array<std::string_view, 2> norm_keys{"enabled", "alert_distance"};
constexpr std::array<std::string_view, 5> drop_keys{"enabled", "alpha", "baseline", "previous", "goals"};
constexpr std::array<std::string_view, 3> reach_keys{"enabled", "alpha", "reference"};
constexpr std::array<std::string_view, 5> outlier_keys{"enabled", "threshold", "peer_group", "min_peers", "goals"};
constexpr std::array<std::string_view, 3> data_keys{"enabled", "min_coverage", "max_suppressed_share"};
constexpr std::array<std::string_view, 2> node_keys{"disabled", "norm"};
constexpr std::array<std::string_view, 5> rule_names{"norm", "drop", "reach", "outlier", "data"};

class Reader : public detail::YamlReader {
 public:
  using YamlReader::YamlReader;

  /// The entries of a section that must be a mapping (none, with a problem, otherwise).
  std::optional<YamlEntries> section(const YamlEntry& e, const std::string& context, std::span<const std::string_view> allowed,
                                     const std::vector<std::string>& ids = {}) {
    if (!e.value.IsMap()) {
      add("wrong_type", e.value.IsNull() ? e.key : e.value, context, ids,
          squote(e.key.Scalar()) + " must be a mapping, found " + detail::describe(e.value));
      return std::nullopt;
    }
    return entries(e.value, context, allowed, ids);
  }

  /// The entries of the section of rule `name`, its `enabled` flag read (every rule has one).
  std::optional<YamlEntries> rule(const YamlEntry& e, const char* name, std::span<const std::string_view> allowed, bool& enabled) {
    auto keys = section(e, name, allowed);
    if (keys) boolean(*keys, "enabled", name, enabled);
    return keys;
  }

  void boolean(const YamlEntries& keys, std::string_view key, const std::string& context, bool& out) {
    const auto it = keys.find(key);
    if (it == keys.end()) return;
    const auto& e = it->second;
    if (e.value.IsScalar()) {
      const std::string& t = e.value.Scalar();
      if (t == "true" || t == "yes" || t == "on") { out = true; return; }
      if (t == "false" || t == "no" || t == "off") { out = false; return; }
    }
    add("bad_value", e.value.IsNull() ? e.key : e.value, context, {},
        squote(key) + " must be true or false, found " + detail::describe(e.value));
  }

  /// A number in [low, high] (open at the ends marked so).
  void bounded(const YamlEntries& keys, std::string_view key, const std::string& context, double& out, double low,
               double high, bool open_low, bool open_high, const std::vector<std::string>& ids = {}) {
    const auto it = keys.find(key);
    if (it == keys.end()) return;
    const auto v = number(it->second.key, it->second.value, squote(key), context, ids);
    if (!v) return;
    const bool ok = (open_low ? *v > low : *v >= low) && (open_high ? *v < high : *v <= high);
    if (!ok) {
      const auto fmt = [](double x) { return std::isinf(x) ? std::string("infinity") : detail::format_number(x); };
      add("bad_value", it->second.value, context, ids,
          squote(key) + " is " + it->second.value.Scalar() + ", expected a number in " + (open_low ? "(" : "[") + fmt(low) +
              ", " + fmt(high) + (open_high ? ")" : "]"));
      return;
    }
    out = *v;
  }
};

void read_norm(Reader& r, const YamlEntry& e, NormRule& out) {
  const auto keys = r.rule(e, "norm", norm_keys, out.enabled);
  if (!keys) return;
  r.bounded(*keys, "alert_distance", "norm", out.alert_distance, 0.0, INFINITY, false, true);
}

void read_drop(Reader& r, const YamlEntry& e, DropRule& out) {
  const auto keys = r.rule(e, "drop", drop_keys, out.enabled);
  if (!keys) return;
  r.bounded(*keys, "alpha", "drop", out.alpha, 0.0, 1.0, true, true);
  r.boolean(*keys, "baseline", "drop", out.baseline);
  r.boolean(*keys, "previous", "drop", out.previous);
  r.boolean(*keys, "goals", "drop", out.goals);
}

void read_reach(Reader& r, const YamlEntry& e, ReachRule& out) {
  const auto keys = r.rule(e, "reach", reach_keys, out.enabled);
  if (!keys) return;
  r.bounded(*keys, "alpha", "reach", out.alpha, 0.0, 1.0, true, true);
  if (const auto it = keys->find("reference"); it != keys->end()) {
    if (const auto t = r.text(it->second, "reach", {})) {
      if (*t == "own") out.reference = ReachReference::own;
      else if (*t == "peers") out.reference = ReachReference::peers;
      else r.add("bad_value", it->second.value, "reach", {}, "unknown reference " + squote(*t) + " (expected one of: own, peers)");
    }
  }
}

void read_outlier(Reader& r, const YamlEntry& e, OutlierRule& out) {
  const auto keys = r.rule(e, "outlier", outlier_keys, out.enabled);
  if (!keys) return;
  r.bounded(*keys, "threshold", "outlier", out.threshold, 0.0, INFINITY, true, true);
  if (const auto it = keys->find("peer_group"); it != keys->end()) {
    if (const auto t = r.text(it->second, "outlier", {})) out.peer_group = *t;
  }
  if (const auto it = keys->find("min_peers"); it != keys->end()) {
    const auto v = r.number(it->second.key, it->second.value, "'min_peers'", "outlier", {});
    if (v && (*v < 3 || *v != std::floor(*v) || *v > 1e6)) {
      r.add("bad_value", it->second.value, "outlier", {}, "'min_peers' is " + it->second.value.Scalar() + ", expected a whole number >= 3");
    } else if (v) {
      out.min_peers = static_cast<int>(*v);
    }
  }
  r.boolean(*keys, "goals", "outlier", out.goals);
}

void read_data(Reader& r, const YamlEntry& e, DataRule& out) {
  const auto keys = r.rule(e, "data", data_keys, out.enabled);
  if (!keys) return;
  r.bounded(*keys, "min_coverage", "data", out.min_coverage, 0.0, 1.0, false, false);
  r.bounded(*keys, "max_suppressed_share", "data", out.max_suppressed_share, 0.0, 1.0, false, false);
}

SignalRules parse(Reader& r, std::string_view text) {
  SignalRules rules;
  rules.source = r.source();
  YAML::Node root;
  try {
    root = detail::load_yaml_documents(std::string(detail::strip_utf8_bom(text))).first;
  } catch (const YAML::Exception& ex) {
    const std::size_t line = ex.mark.line >= 0 ? static_cast<std::size_t>(ex.mark.line) + 1 : 0;
    r.problems().push_back(make_problem("yaml_syntax", Location{r.source(), line, 0, {}}, {}, detail::yaml_error_text(ex, true)));
    return rules;
  }
  if (root.IsNull()) return rules;  // an empty file: all defaults
  if (!root.IsMap()) {
    r.add("wrong_type", root, "", {}, "the file must be a mapping starting with 'doelenboom_signals: 1', found " + detail::describe(root));
    return rules;
  }
  const auto keys = r.entries(root, "", top_keys, {});
  for (const auto& [name, e] : keys) {
    if (name == "doelenboom_signals") {
      if (const auto v = r.text(e, "", {}); v && *v != std::to_string(signals_format_version)) {
        r.add("bad_value", e.value, "", {},
              "unsupported format version " + squote(*v) + " (expected " + std::to_string(signals_format_version) + ")");
      }
    } else if (name == "norm") {
      read_norm(r, e, rules.norm);
    } else if (name == "drop") {
      read_drop(r, e, rules.drop);
    } else if (name == "reach") {
      read_reach(r, e, rules.reach);
    } else if (name == "outlier") {
      read_outlier(r, e, rules.outlier);
    } else if (name == "data") {
      read_data(r, e, rules.data);
    } else if (name == "nodes") {
      if (!e.value.IsMap()) {
        r.add("wrong_type", e.value.IsNull() ? e.key : e.value, "nodes", {},
              "'nodes' must be a mapping from node id to its settings, found " + detail::describe(e.value));
        continue;
      }
      for (const auto& pair : e.value) {
        if (!pair.first.IsScalar()) {
          r.add("wrong_type", pair.first, "nodes", {}, "a node id must be a text, found " + detail::describe(pair.first));
          continue;
        }
        const std::string id = pair.first.Scalar();
        const std::string context = "node " + squote(id);
        if (rules.nodes.contains(id)) {
          r.add("duplicate_key", pair.first, context, {id},
                "duplicate node (first given on line " + std::to_string(rules.nodes[id].where.line) + ")");
          continue;
        }
        NodeRules node;
        node.where = r.at(pair.first);
        if (!pair.second.IsMap()) {
          r.add("wrong_type", pair.second.IsNull() ? pair.first : pair.second, context, {id},
                "the settings of a node must be a mapping (keys: disabled, norm), found " + detail::describe(pair.second));
          rules.nodes.emplace(id, node);
          continue;
        }
        const auto nk = r.entries(pair.second, context, node_keys, {id});
        if (const auto it = nk.find("disabled"); it != nk.end()) {
          const YAML::Node& list = it->second.value;
          if (!list.IsSequence()) {
            r.add("wrong_type", list.IsNull() ? it->second.key : list, context, {id},
                  "'disabled' must be a list of rule names, found " + detail::describe(list));
          } else {
            for (const auto& item : list) {
              const std::string name2 = item.IsScalar() ? item.Scalar() : std::string();
              if (std::find(rule_names.begin(), rule_names.end(), name2) == rule_names.end()) {
                r.add("bad_value", item, context, {id},
                      "unknown rule " + (item.IsScalar() ? squote(name2) : detail::describe(item)) +
                          " (expected one of: " + detail::join_words(rule_names) + ")");
              } else {
                node.disabled.push_back(name2);
              }
            }
          }
        }
        if (const auto it = nk.find("norm"); it != nk.end()) {
          node.norm = r.number(it->second.key, it->second.value, "'norm'", context, {id});
        }
        rules.nodes.emplace(id, std::move(node));
      }
    }
  }
  return rules;
}

}  // namespace

std::vector<Problem> SignalRules::check(const GoalTree& tree) const {
  std::vector<Problem> out;
  for (const auto& [id, node] : nodes) {
    const auto index = tree.find(id);
    const std::string context = "node " + squote(id);
    if (!index) {
      out.push_back(make_problem("unknown_node", node.where, {id},
                                 context + ": there is no node " + squote(id) + " in the tree " + squote(tree.name())));
      continue;
    }
    if (node.norm && tree.node(*index).kind != NodeKind::indicator) {
      out.push_back(make_problem("norm_on_goal", node.where, {id},
                                 context + ": a norm applies to an indicator, but " + squote(id) + " is a goal"));
    }
  }
  return out;
}

SignalRules SignalRules::parse_yaml(std::string_view text, const std::string& source) {
  if (const auto bad = detail::find_invalid_utf8(text); bad != std::string_view::npos) {
    throw_if_problems<ParseError>({detail::invalid_utf8_problem(Location{source, detail::line_of_offset(text, bad), 0, {}},
                                                                bad, static_cast<unsigned char>(text[bad]))});
  }
  Reader reader(source);
  SignalRules rules = parse(reader, text);
  auto& problems = reader.problems();
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.where.line < b.where.line; });
  throw_if_problems<ParseError>(problems);
  return rules;
}

SignalRules SignalRules::load_yaml(const std::filesystem::path& path) {
  return parse_yaml(detail::read_file_bytes(path), path.string());
}

SignalRules SignalRules::from_settings(std::string_view text) {
  return detail::read_settings<ParseError, Reader>(text, "signals", parse);
}

}  // namespace doelenboom
