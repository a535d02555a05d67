#pragma once
// Internal YAML pieces shared by the tree file (tree_yaml.cpp) and the indicators file
// (indicator.cpp): a reader that collects every problem with file and line, and the keys of an
// indicator definition, which both files hold (an indicator node of a tree may carry them).

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doelenboom/error.hpp"
#include "doelenboom/indicator.hpp"
#include "utf8.hpp"

namespace doelenboom::detail {

/// 'text' in single quotes, for messages.
inline std::string squote(std::string_view text) { return "'" + std::string(text) + "'"; }

/// "a, b, c".
inline std::string join_words(std::span<const std::string_view> words) {
  std::string out;
  for (const auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

/// "the text 'x'", "a list", "a mapping" or "nothing", for "expected X, found Y" messages.
inline std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return "the text " + squote(node.Scalar());
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

/// The value of `key` in a mapping when it is a non-empty text (used to name an item in messages).
inline std::optional<std::string> scalar_value(const YAML::Node& map, std::string_view key) {
  for (const auto& pair : map) {
    if (pair.first.IsScalar() && pair.first.Scalar() == key && pair.second.IsScalar() && !pair.second.Scalar().empty()) {
      return pair.second.Scalar();
    }
  }
  return std::nullopt;
}

struct YamlEntry {
  YAML::Node key;
  YAML::Node value;
};
/// The keys of a mapping by name.
using YamlEntries = std::map<std::string, YamlEntry, std::less<>>;

/// Collects the problems of one text; each message is "<file>:<line>: <context>: <what>".
class YamlReader {
 public:
  explicit YamlReader(std::string source) : source_(std::move(source)) {}

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] std::vector<Problem>& problems() noexcept { return problems_; }

  [[nodiscard]] Location at(const YAML::Node& node) const {
    const auto mark = node.Mark();
    // yaml-cpp counts lines from 0 and uses -1 for "unknown".
    return Location{source_, mark.line >= 0 ? static_cast<std::size_t>(mark.line) + 1 : 0, 0, {}};
  }

  void add(std::string code, const YAML::Node& where, const std::string& context, const std::vector<std::string>& ids,
           const std::string& what) {
    problems_.push_back(make_problem(std::move(code), at(where), ids, context.empty() ? what : context + ": " + what));
  }

  /// The keys of a mapping; reports keys that are not texts, duplicate keys (the first wins, as
  /// in yaml-cpp's own lookup) and keys in neither `allowed` nor `also_read`. Only `allowed` is
  /// listed in messages (`also_read` holds older names that are still read).
  YamlEntries entries(const YAML::Node& map, const std::string& context, std::span<const std::string_view> allowed,
                      const std::vector<std::string>& ids, std::span<const std::string_view> also_read = {}) {
    YamlEntries out;
    for (const auto& pair : map) {
      const YAML::Node& key = pair.first;
      if (!key.IsScalar()) {
        add("wrong_type", key, context, ids, "a key must be a text, found " + describe(key));
        continue;
      }
      const std::string& name = key.Scalar();
      const auto known = [&](std::span<const std::string_view> names) {
        return std::find(names.begin(), names.end(), name) != names.end();
      };
      if (!known(allowed) && !known(also_read)) {
        add("unknown_key", key, context, ids,
            "unknown key " + squote(name) + " (expected one of: " + join_words(allowed) + ")");
        continue;
      }
      if (const auto it = out.find(name); it != out.end()) {
        add("duplicate_key", key, context, ids,
            "duplicate key " + squote(name) + " (first given on line " + std::to_string(at(it->second.key).line) + ")");
        continue;
      }
      out.emplace(name, YamlEntry{key, pair.second});
    }
    return out;
  }

  /// The text of a key: std::nullopt (with a problem) when it is a list, a mapping or empty
  /// (empty is the text "" with `allow_null`).
  std::optional<std::string> text(const YamlEntry& entry, const std::string& context, const std::vector<std::string>& ids,
                                  bool allow_null = false) {
    const std::string& key = entry.key.Scalar();
    if (entry.value.IsNull()) {
      if (allow_null) return std::string();
      add("missing_value", entry.key, context, ids, "key " + squote(key) + " has no value");
      return std::nullopt;
    }
    if (!entry.value.IsScalar()) {
      add("wrong_type", entry.value, context, ids, "key " + squote(key) + " must be a text, found " + describe(entry.value));
      return std::nullopt;
    }
    return entry.value.Scalar();
  }

  /// A finite number; `what` names it in messages ("norm", "goalpost min").
  std::optional<double> number(const YAML::Node& key, const YAML::Node& value, const std::string& what,
                               const std::string& context, const std::vector<std::string>& ids) {
    if (!value.IsScalar()) {
      add("wrong_type", value.IsNull() ? key : value, context, ids, what + " must be a number, found " + describe(value));
      return std::nullopt;
    }
    if (auto v = parse_finite_double(trim_ascii(value.Scalar()))) return v;
    add("bad_value", value, context, ids,
        what + " " + squote(value.Scalar()) + " is not a number (expected a finite number with '.' as decimal point)");
    return std::nullopt;
  }

  void require(const YamlEntries& entries, std::string_view key, const YAML::Node& map, const std::string& context,
               const std::vector<std::string>& ids, const std::string& hint = {}) {
    if (!entries.contains(key)) add("missing_key", map, context, ids, "missing required key " + squote(key) + hint);
  }

 private:
  std::string source_;
  std::vector<Problem> problems_;
};

/// The keys of an indicator definition that both the indicators file and an indicator node of a
/// tree file hold (id, label, direction and description are the node's own keys in a tree).
inline constexpr std::array<std::string_view, 8> indicator_definition_keys{
    "pillar", "result", "measure", "rate_per", "scale", "norm", "goalposts", "unit"};

/// Read the keys of `indicator_definition_keys` from `keys` (the entries of the mapping `item`)
/// into `d`, reporting every problem; pillar, result and measure are required.
void read_indicator_definition_keys(YamlReader& r, const YamlEntries& keys, const YAML::Node& item,
                                    const std::string& context, const std::vector<std::string>& ids,
                                    IndicatorDefinition& d);

/// Write the keys of `indicator_definition_keys` that differ from their defaults, in that order;
/// `direction` after measure when `with_direction` (the indicators file; a tree node has its own).
void emit_indicator_definition_keys(YAML::Emitter& out, const IndicatorDefinition& d, bool with_direction);

}  // namespace doelenboom::detail
