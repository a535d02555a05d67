#pragma once
// Internal YAML reading shared by the file formats (tree, indicators, pipeline, items): a reader
// that collects every problem with file and line, and the keys of an indicator definition, which
// both the tree and the indicators file hold (an indicator node of a tree may carry them). Each
// format keeps its own schema code; this is the machinery under it.

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doelenboom/error.hpp"
#include "doelenboom/indicator.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"

namespace doelenboom::detail {

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

/// Where the nodes of one YAML document are, from yaml-cpp's parser events (no nodes are built).
class YamlDocumentScan : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> first;  ///< the first node of the document
  bool only_null = true;            ///< the document is one empty node

  void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override { note(mark, true); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override { note(mark, false); }
  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override {
    note(mark, false);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                       YAML::EmitterStyle::value /*style*/) override {
    note(mark, false);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {
    note(mark, false);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& mark, bool null) {
    if (!first) first = mark;
    only_null = only_null && null;
  }
};

/// The first YAML document of a text, and where a second one starts (if there is one).
struct YamlDocuments {
  YAML::Node first;
  std::optional<YAML::Mark> second;
};

/// Reads the first document of `text` with YAML::Load and finds a second one with the parser, at
/// most three documents deep. YAML::LoadAll is not used: yaml-cpp 0.7 (Debian 12) loops forever,
/// allocating, when it cannot read on (",", "[a], b"): every further document is an empty one at
/// the same place. That place is thrown here as a YAML::ParserException. Throws YAML::Exception
/// for syntax errors and YAML::DeepRecursion for nesting deeper than yaml-cpp allows.
inline YamlDocuments load_yaml_documents(const std::string& text) {
  // YAML allows no control characters but tab, line feed and carriage return (its c-printable
  // set); yaml-cpp would read a NUL into a label, from where it breaks SVG and HTML output.
  for (std::size_t i = 0, line = 0, column = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20U && c != '\t' && c != '\n' && c != '\r') || c == 0x7FU) {
      static constexpr char hex[] = "0123456789ABCDEF";
      YAML::Mark mark;
      mark.pos = static_cast<int>(std::min<std::size_t>(i, INT_MAX));
      mark.line = static_cast<int>(std::min<std::size_t>(line, INT_MAX));
      mark.column = static_cast<int>(std::min<std::size_t>(column, INT_MAX));
      throw YAML::ParserException(mark, std::string("control character 0x") + hex[c >> 4U] + hex[c & 0xFU] +
                                            " (YAML allows tab, line feed and carriage return only)");
    }
    if (c == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
  }
  std::istringstream in(text);
  YAML::Parser parser(in);
  YamlDocumentScan scans[3];
  std::size_t count = 0;
  while (count < 3 && parser.HandleNextDocument(scans[count])) ++count;
  for (std::size_t k = 1; k < count; ++k) {
    const YamlDocumentScan& a = scans[k - 1];
    const YamlDocumentScan& b = scans[k];
    if (a.only_null && b.only_null && a.first && b.first && a.first->pos == b.first->pos) {
      const auto pos = static_cast<std::size_t>(b.first->pos);
      const std::string what = pos < text.size() ? "unexpected " + squote(text.substr(pos, 1)) : "unexpected text";
      throw YAML::ParserException(*b.first, what);
    }
  }
  YamlDocuments out;
  if (count == 0) return out;
  out.first = YAML::Load(text);
  if (count > 1) out.second = scans[1].first;
  return out;
}

/// The message of a YAML::Exception from load_yaml_documents: "YAML syntax error: ..." with the
/// column when `with_column`; the nesting limit named as such.
inline std::string yaml_error_text(const YAML::Exception& e, bool with_column) {
  std::string what = dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr
                         ? "YAML lists and mappings nested too deeply (yaml-cpp reads at most 2000 levels)"
                         : "YAML syntax error: " + e.msg;
  if (with_column && e.mark.column >= 0) what += " (column " + std::to_string(e.mark.column + 1) + ")";
  return what;
}

struct YamlEntry {
  YAML::Node key;
  YAML::Node value;
};
/// The keys of a mapping by name.
using YamlEntries = std::map<std::string, YamlEntry, std::less<>>;
/// The keys of a mapping in file order.
using YamlEntryList = std::vector<std::pair<std::string, YamlEntry>>;

/// A versioned file format, for the messages about the top of a file.
struct YamlFormat {
  std::string_view version_key;  ///< "doelenboom_items"
  int version = 1;
  std::string_view empty_hint;  ///< what an empty file lacks: "'doelenboom_items: 1' and an 'items' list"
  std::string_view name;        ///< "an items file"
  std::string_view root_hint;   ///< what the file must be: "a mapping with the keys doelenboom_items and items"
  bool syntax_column = true;    ///< whether a syntax error names its column
};

/// A list item that is a mapping: named in messages by its id ("node 'a'") or else by its position.
struct YamlItem {
  std::string context;
  std::vector<std::string> ids;
};

/// Settings given as data rather than read from a file (a dict from Python, passed as JSON, which
/// is YAML): `name` ("pipeline") starts every message in place of the file and line.
struct YamlSettings {
  std::string name;
};

/// Collects the problems of one text; each message is "<file>:<line>: <context>: <what>", or
/// "<name>: <context>: <what>" for settings, whose problems have no location.
class YamlReader {
 public:
  explicit YamlReader(std::string source) : source_(std::move(source)) {}
  explicit YamlReader(YamlSettings settings) : settings_(std::move(settings.name)) {}

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] std::vector<Problem>& problems() noexcept { return problems_; }
  /// Whether the text is settings given as data (no file, no lines).
  [[nodiscard]] bool reads_settings() const noexcept { return settings_.has_value(); }

  [[nodiscard]] Location at(const YAML::Node& node) const {
    if (settings_) return {};
    const auto mark = node.Mark();
    // yaml-cpp counts lines from 0 and uses -1 for "unknown".
    return Location{source_, mark.line >= 0 ? static_cast<std::size_t>(mark.line) + 1 : 0, 0, {}};
  }

  void add(std::string code, const YAML::Node& where, const std::string& context, const std::vector<std::string>& ids,
           const std::string& what) {
    add_at(std::move(code), at(where), context, ids, what);
  }

  /// The root mapping of the one YAML document in `text` (after a byte order mark); std::nullopt
  /// when there is nothing to read (a syntax error, an empty file, a root that is not a mapping).
  /// A second document is reported and not read.
  std::optional<YAML::Node> root(std::string_view text, const YamlFormat& format) {
    YamlDocuments documents;
    try {
      documents = load_yaml_documents(std::string(strip_utf8_bom(text)));
    } catch (const YAML::Exception& e) {
      const std::size_t line = e.mark.line >= 0 ? static_cast<std::size_t>(e.mark.line) + 1 : 0;
      add_at("yaml_syntax", Location{source_, line, 0, {}}, "", {}, yaml_error_text(e, format.syntax_column));
      return std::nullopt;
    }
    if (documents.first.IsNull()) {
      add_at("empty_file", Location{source_, 0, 0, {}}, "", {},
             "the file is empty (expected " + std::string(format.empty_hint) + ")");
      return std::nullopt;
    }
    if (documents.second) {
      const auto line = documents.second->line >= 0 ? static_cast<std::size_t>(documents.second->line) + 1 : 0;
      add_at("yaml_syntax", Location{source_, line, 0, {}}, "", {},
             "the file holds more than one YAML document ('---'); " + std::string(format.name) + " holds one");
    }
    const YAML::Node& root = documents.first;
    if (!root.IsMap()) {
      add("wrong_type", root, "", {}, "the file must be " + std::string(format.root_hint) + ", found " + describe(root));
      return std::nullopt;
    }
    return root;
  }

  /// The keys of a mapping in file order; reports keys that are not texts, duplicate keys (the
  /// first wins, as in yaml-cpp's own lookup) and keys in neither `allowed` nor `also_read` (an
  /// empty `allowed` takes every key: mappings keyed by ids). Only `allowed` is listed in
  /// messages (`also_read` holds older names that are still read).
  YamlEntryList entry_list(const YAML::Node& map, const std::string& context, std::span<const std::string_view> allowed,
                           const std::vector<std::string>& ids, std::span<const std::string_view> also_read = {}) {
    YamlEntryList out;
    std::map<std::string, std::size_t, std::less<>> first;  // name -> position in `out`
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
      if (!allowed.empty() && !known(allowed) && !known(also_read)) {
        add("unknown_key", key, context, ids,
            "unknown key " + squote(name) + " (expected one of: " + join_words(allowed) + ")");
        continue;
      }
      if (const auto [it, fresh] = first.emplace(name, out.size()); !fresh) {
        const std::size_t line = at(out[it->second].second.key).line;
        add("duplicate_key", key, context, ids,
            "duplicate key " + squote(name) + (line > 0 ? " (first given on line " + std::to_string(line) + ")" : ""));
        continue;
      }
      out.emplace_back(name, YamlEntry{key, pair.second});
    }
    return out;
  }

  /// The keys of a mapping by name, checked as by entry_list.
  YamlEntries entries(const YAML::Node& map, const std::string& context, std::span<const std::string_view> allowed,
                      const std::vector<std::string>& ids, std::span<const std::string_view> also_read = {}) {
    auto list = entry_list(map, context, allowed, ids, also_read);
    return YamlEntries(std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
  }

  /// The context and ids of the item at `position` (1-based) of a list of `noun`s ("node"), named
  /// by its id key when it has one; std::nullopt (with a problem) when it is not a mapping.
  /// `keys` are listed in that problem.
  std::optional<YamlItem> item(const YAML::Node& node, std::size_t position, std::string_view noun,
                               std::span<const std::string_view> keys) {
    const std::string numbered = std::string(noun) + " " + std::to_string(position);
    if (!node.IsMap()) {
      add("wrong_type", node, numbered, {}, "expected a mapping with the keys " + join_words(keys) + ", found " + describe(node));
      return std::nullopt;
    }
    if (auto id = scalar_value(node, "id")) return YamlItem{std::string(noun) + " " + squote(*id), {std::move(*id)}};
    return YamlItem{numbered, {}};
  }

  /// Whether the value of a key is a list; reports "key 'k' must be <what>, found ..." otherwise
  /// (at the key when it has no value).
  bool is_list(const YamlEntry& entry, const std::string& context, const std::vector<std::string>& ids,
               std::string_view what) {
    if (entry.value.IsSequence()) return true;
    add("wrong_type", entry.value.IsNull() ? entry.key : entry.value, context, ids,
        "key " + squote(entry.key.Scalar()) + " must be " + std::string(what) + ", found " + describe(entry.value));
    return false;
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

  /// The text of `key` when the mapping has it, as text() above; std::nullopt when it has not.
  std::optional<std::string> text(const YamlEntries& keys, std::string_view key, const std::string& context,
                                  const std::vector<std::string>& ids, bool allow_null = false) {
    const auto it = keys.find(key);
    if (it == keys.end()) return std::nullopt;
    return text(it->second, context, ids, allow_null);
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

  /// Reports `key` missing from `keys` (the entries of `map`); `hint` follows the message.
  template <class Keys>
  void require(const Keys& keys, std::string_view key, const YAML::Node& map, const std::string& context,
               const std::vector<std::string>& ids, const std::string& hint = {}) {
    if (!has(keys, key)) add("missing_key", map, context, ids, "missing required key " + squote(key) + hint);
  }

  /// Reports a missing format version key, with how the file starts.
  template <class Keys>
  void require_version(const Keys& keys, const YAML::Node& root, const YamlFormat& format) {
    require(keys, format.version_key, root, "", {},
            " (the format version: start the file with " +
                squote(std::string(format.version_key) + ": " + std::to_string(format.version)) + ")");
  }

  /// Reports a format version (the value of `entry`) other than the one this reader reads.
  void check_version(const YamlEntry& entry, const YamlFormat& format) {
    const std::string expected = std::to_string(format.version);
    if (const auto v = text(entry, "", {}); v && *v != expected) {
      add("bad_version", entry.value, "", {}, "unsupported format version " + squote(*v) + " (expected " + expected + ")");
    }
  }

 private:
  std::string source_;
  std::optional<std::string> settings_;  // the name of settings given as data
  std::vector<Problem> problems_;

  void add_at(std::string code, Location where, const std::string& context, const std::vector<std::string>& ids,
              const std::string& what) {
    std::string text = context.empty() ? what : context + ": " + what;
    if (settings_) {
      where = Location{};
      text = *settings_ + ": " + text;
    }
    problems_.push_back(make_problem(std::move(code), std::move(where), ids, text));
  }

  static bool has(const YamlEntries& keys, std::string_view key) { return keys.contains(key); }
  static bool has(const YamlEntryList& keys, std::string_view key) {
    return std::any_of(keys.begin(), keys.end(), [&](const auto& e) { return e.first == key; });
  }
};

/// Settings given as data (YamlSettings `name`) read by a format's `parse(reader, text)` with its
/// own Reader (a YamlReader): E lists every problem, each message starting with `name`.
template <class E, class Reader, class Parse>
auto read_settings(std::string_view text, const std::string& name, Parse parse) {
  require_utf8(text, name);
  Reader reader(YamlSettings{name});
  auto out = parse(reader, text);
  throw_if_problems<E>(reader.problems());
  return out;
}

}  // namespace doelenboom::detail
