// Indicator definitions and the indicators file (docs/data-model.md): reading with every problem
// reported at once, each with file and line, and writing with yaml-cpp's emitter.

#include "doelenboom/indicator.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <span>
#include <utility>

#include "doelenboom/goal_tree.hpp"
#include "data_io.hpp"
#include "utf8.hpp"

namespace doelenboom {

namespace {

using namespace std::string_literals;

constexpr double default_rate_per = 1000.0;
constexpr double infinity = std::numeric_limits<double>::infinity();

constexpr std::array<std::string_view, 2> top_keys{"doelenboom_indicators", "indicators"};
constexpr std::array<std::string_view, 12> indicator_keys{"id",        "label", "pillar", "kind",     "measure",   "direction",
                                                          "rate_per", "scale", "norm",   "goalposts", "unit", "description"};
constexpr std::array<std::string_view, 3> scale_keys{"name", "min", "max"};

std::string squote(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string join(std::span<const std::string_view> words) {
  std::string out;
  for (const auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

std::string num(double value) { return detail::format_number(value); }

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return "the text " + squote(node.Scalar());
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

struct Entry {
  YAML::Node key;
  YAML::Node value;
};
using Entries = std::map<std::string, Entry, std::less<>>;

// Collects the problems of one text; each message is "<file>:<line>: <context>: <what>".
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

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

  // The keys of a mapping; reports non-text, unknown and duplicate keys (the first one wins).
  Entries entries(const YAML::Node& map, const std::string& context, std::span<const std::string_view> allowed,
                  const std::vector<std::string>& ids) {
    Entries out;
    for (const auto& pair : map) {
      const YAML::Node& key = pair.first;
      if (!key.IsScalar()) {
        add("wrong_type", key, context, ids, "a key must be a text, found " + describe(key));
        continue;
      }
      const std::string& name = key.Scalar();
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        add("unknown_key", key, context, ids, "unknown key " + squote(name) + " (expected one of: " + join(allowed) + ")");
        continue;
      }
      if (const auto it = out.find(name); it != out.end()) {
        add("duplicate_key", key, context, ids,
            "duplicate key " + squote(name) + " (first given on line " + std::to_string(at(it->second.key).line) + ")");
        continue;
      }
      out.emplace(name, Entry{key, pair.second});
    }
    return out;
  }

  std::optional<std::string> text(const Entry& entry, const std::string& context, const std::vector<std::string>& ids,
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

  std::optional<double> number(const YAML::Node& key, const YAML::Node& value, const std::string& what,
                               const std::string& context, const std::vector<std::string>& ids) {
    if (!value.IsScalar()) {
      add("wrong_type", value.IsNull() ? key : value, context, ids, what + " must be a number, found " + describe(value));
      return std::nullopt;
    }
    if (auto v = detail::parse_finite_double(detail::trim_ascii(value.Scalar()))) return v;
    add("bad_value", value, context, ids,
        what + " " + squote(value.Scalar()) + " is not a number (expected a finite number with '.' as decimal point)");
    return std::nullopt;
  }

 private:
  std::string source_;
  std::vector<Problem> problems_;
};

std::optional<std::string> scalar_value(const YAML::Node& map, std::string_view key) {
  for (const auto& pair : map) {
    if (pair.first.IsScalar() && pair.first.Scalar() == key && pair.second.IsScalar() && !pair.second.Scalar().empty()) {
      return pair.second.Scalar();
    }
  }
  return std::nullopt;
}

void read_scale(Reader& r, const Entry& entry, const std::string& context, const std::vector<std::string>& ids,
                IndicatorDefinition& d) {
  const YAML::Node& v = entry.value;
  if (v.IsScalar()) {
    if (auto s = named_scale(detail::ascii_lower(detail::trim_ascii(v.Scalar())))) {
      d.scale = std::move(*s);
    } else {
      r.add("bad_scale", v, context, ids,
            "scale " + squote(v.Scalar()) + " is not a known scale (expected likert5, rapportcijfer, zrm or {name: ..., min: ..., max: ...})");
    }
    return;
  }
  if (!v.IsMap()) {
    r.add("wrong_type", v.IsNull() ? entry.key : v, context, ids,
          "key 'scale' must be a scale name or {name: ..., min: ..., max: ...}, found " + describe(v));
    return;
  }
  const auto keys = r.entries(v, context + ": scale", scale_keys, ids);
  Scale scale;
  bool ok = true;
  if (const auto it = keys.find("name"); it != keys.end()) {
    if (auto name = r.text(it->second, context + ": scale", ids, true)) scale.name = std::move(*name);
  }
  for (const auto* bound : {"min", "max"}) {
    const auto it = keys.find(bound);
    if (it == keys.end()) {
      r.add("missing_key", v, context + ": scale", ids, "missing required key "s + squote(bound));
      ok = false;
    } else if (auto x = r.number(it->second.key, it->second.value, "scale "s + bound, context, ids)) {
      (std::string_view(bound) == "min" ? scale.min : scale.max) = *x;
    } else {
      ok = false;
    }
  }
  if (ok) d.scale = std::move(scale);
}

void read_goalposts(Reader& r, const Entry& entry, const std::string& context, const std::vector<std::string>& ids,
                    IndicatorDefinition& d) {
  const YAML::Node& v = entry.value;
  if (!v.IsSequence() || v.size() != 2) {
    r.add("wrong_type", v.IsNull() ? entry.key : v, context, ids,
          "key 'goalposts' must be a list of two numbers [min, max], found " +
              (v.IsSequence() ? "a list of " + std::to_string(v.size()) : describe(v)));
    return;
  }
  const auto lo = r.number(entry.key, v[0], "goalpost min", context, ids);
  const auto hi = r.number(entry.key, v[1], "goalpost max", context, ids);
  if (lo && hi) {
    d.goalpost_min = lo;
    d.goalpost_max = hi;
  }
}

void read_indicator(Reader& r, const YAML::Node& item, std::size_t position, std::vector<IndicatorDefinition>& out) {
  if (!item.IsMap()) {
    r.add("wrong_type", item, "indicator " + std::to_string(position), {},
          "expected a mapping with the keys " + join(indicator_keys) + ", found " + describe(item));
    return;
  }
  const auto id = scalar_value(item, "id");
  const std::string context = id ? "indicator " + squote(*id) : "indicator " + std::to_string(position);
  const std::vector<std::string> ids = id ? std::vector<std::string>{*id} : std::vector<std::string>{};
  const auto keys = r.entries(item, context, indicator_keys, ids);
  const auto require = [&](std::string_view key, const std::string& hint) {
    if (!keys.contains(key)) r.add("missing_key", item, context, ids, "missing required key " + squote(key) + hint);
  };
  require("id", "");
  require("label", "");
  require("pillar", " (expected one of: reach, satisfaction, goal_attainment)");
  require("kind", " (expected one of: output, outcome)");
  require("measure", " (expected one of: count, rate, proportion, mean, ordinal_change)");

  IndicatorDefinition d;
  d.where = r.at(item);
  const auto get = [&](std::string_view key, bool allow_null = false) -> std::optional<std::string> {
    const auto it = keys.find(key);
    if (it == keys.end()) return std::nullopt;
    return r.text(it->second, context, ids, allow_null);
  };
  if (auto v = get("id")) d.id = std::move(*v);
  if (auto v = get("label")) d.label = std::move(*v);
  if (auto v = get("unit", true)) d.unit_text = std::move(*v);
  if (auto v = get("description", true)) d.description = std::move(*v);
  if (const auto v = get("pillar")) {
    if (const auto p = parse_pillar(detail::trim_ascii(*v))) {
      d.pillar = *p;
    } else {
      r.add("bad_value", keys.at("pillar").value, context, ids,
            "pillar " + squote(*v) + " is not one of: reach, satisfaction, goal_attainment (or bereik, tevredenheid, doelrealisatie)");
    }
  }
  if (const auto v = get("kind")) {
    if (const auto k = parse_result_kind(detail::ascii_lower(detail::trim_ascii(*v)))) {
      d.kind = *k;
    } else {
      r.add("bad_value", keys.at("kind").value, context, ids, "kind " + squote(*v) + " is not one of: output, outcome");
    }
  }
  if (const auto v = get("measure")) {
    if (const auto m = parse_measure(detail::ascii_lower(detail::trim_ascii(*v)))) {
      d.measure = *m;
    } else {
      r.add("bad_value", keys.at("measure").value, context, ids,
            "measure " + squote(*v) + " is not one of: count, rate, proportion, mean, ordinal_change");
    }
  }
  if (const auto v = get("direction")) {
    const auto t = detail::trim_ascii(*v);
    if (t == "1" || t == "+1") {
      d.direction = 1;
    } else if (t == "-1") {
      d.direction = -1;
    } else {
      r.add("bad_direction", keys.at("direction").value, context, ids,
            "direction " + squote(*v) + " must be 1 (higher is better) or -1 (lower is better)");
    }
  }
  if (const auto it = keys.find("rate_per"); it != keys.end()) {
    if (auto x = r.number(it->second.key, it->second.value, "rate_per", context, ids)) d.rate_per = *x;
  }
  if (const auto it = keys.find("norm"); it != keys.end()) {
    if (auto x = r.number(it->second.key, it->second.value, "norm", context, ids)) d.norm = *x;
  }
  if (const auto it = keys.find("scale"); it != keys.end()) read_scale(r, it->second, context, ids, d);
  if (const auto it = keys.find("goalposts"); it != keys.end()) read_goalposts(r, it->second, context, ids, d);
  out.push_back(std::move(d));
}

std::vector<IndicatorDefinition> parse(Reader& r, std::string_view text, std::vector<bool>& had_problems) {
  std::vector<IndicatorDefinition> defs;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(detail::strip_utf8_bom(text)));
  } catch (const YAML::Exception& e) {
    const std::size_t line = e.mark.line >= 0 ? static_cast<std::size_t>(e.mark.line) + 1 : 0;
    std::string what = "YAML syntax error: " + e.msg;
    if (e.mark.column >= 0) what += " (column " + std::to_string(e.mark.column + 1) + ")";
    r.problems().push_back(make_problem("yaml_syntax", Location{r.source(), line, 0, {}}, {}, what));
    return defs;
  }
  if (documents.empty() || documents.front().IsNull()) {
    r.problems().push_back(make_problem("empty_file", Location{r.source(), 0, 0, {}}, {},
                                        "the file is empty (expected 'doelenboom_indicators: 1' and an 'indicators' list)"));
    return defs;
  }
  if (documents.size() > 1) {
    r.add("yaml_syntax", documents[1], "", {}, "the file holds more than one YAML document ('---'); an indicators file holds one");
  }
  const YAML::Node& root = documents.front();
  if (!root.IsMap()) {
    r.add("wrong_type", root, "", {},
          "the file must be a mapping with the keys doelenboom_indicators and indicators, found " + describe(root));
    return defs;
  }
  const auto keys = r.entries(root, "", top_keys, {});
  if (!keys.contains("doelenboom_indicators")) {
    r.add("missing_key", root, "", {},
          "missing required key 'doelenboom_indicators' (the format version: start the file with 'doelenboom_indicators: 1')");
  }
  if (!keys.contains("indicators")) r.add("missing_key", root, "", {}, "missing required key 'indicators' (the list of indicators)");
  if (const auto it = keys.find("doelenboom_indicators"); it != keys.end()) {
    if (const auto v = r.text(it->second, "", {}); v && *v != std::to_string(indicator_format_version)) {
      r.add("bad_version", it->second.value, "", {},
            "unsupported format version " + squote(*v) + " (expected " + std::to_string(indicator_format_version) + ")");
    }
  }
  if (const auto it = keys.find("indicators"); it != keys.end()) {
    const YAML::Node& list = it->second.value;
    if (!list.IsSequence()) {
      r.add("wrong_type", list.IsNull() ? it->second.key : list, "", {},
            "key 'indicators' must be a list of indicators, found " + describe(list));
    } else {
      std::size_t position = 0;
      for (const auto& item : list) {
        const std::size_t before = r.problems().size();
        const std::size_t count = defs.size();
        read_indicator(r, item, ++position, defs);
        if (defs.size() > count) had_problems.push_back(r.problems().size() > before);
      }
    }
  }
  return defs;
}

// Problems of a whole set: each definition (unless `skip` marks it as already reported), then
// duplicate ids.
std::vector<Problem> check_set(const std::vector<IndicatorDefinition>& defs, const std::vector<bool>& skip = {}) {
  std::vector<Problem> out;
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const auto& d = defs[i];
    if (i >= skip.size() || !skip[i]) {
      auto own = d.check();
      out.insert(out.end(), std::make_move_iterator(own.begin()), std::make_move_iterator(own.end()));
    }
    const auto [it, fresh] = seen.emplace(d.id, i);
    if (!fresh && !d.id.empty()) {
      const auto& first = defs[it->second].where;
      const std::string first_at = first.line > 0 ? "on line " + std::to_string(first.line)
                                                  : "as indicator " + std::to_string(it->second + 1);
      out.push_back(make_problem("duplicate_id", d.where, {d.id},
                                 "duplicate indicator id " + squote(d.id) + " (first defined " + first_at + ")"));
    }
  }
  return out;
}

std::vector<IndicatorDefinition> parse_checked(std::string_view text, const std::string& source) {
  if (const auto bad = detail::find_invalid_utf8(text); bad != std::string_view::npos) {
    throw_if_problems<ParseError>({detail::invalid_utf8_problem(
        Location{source, detail::line_of_offset(text, bad), 0, {}}, bad, static_cast<unsigned char>(text[bad]))});
  }
  Reader reader(source);
  std::vector<bool> had_problems;
  auto defs = parse(reader, text, had_problems);
  // A definition whose keys failed to parse is not checked again: the failed key would otherwise
  // be reported twice (e.g. an unknown scale and then "a mean needs a scale").
  auto more = check_set(defs, had_problems);
  auto& problems = reader.problems();
  problems.insert(problems.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  // File order, so that the list reads top to bottom.
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.where.line < b.where.line; });
  throw_if_problems<ParseError>(problems);
  return defs;
}

}  // namespace

std::string_view to_string(Pillar p) noexcept {
  switch (p) {
    case Pillar::reach: return "reach";
    case Pillar::satisfaction: return "satisfaction";
    case Pillar::goal_attainment: return "goal_attainment";
  }
  return "reach";
}

std::string_view to_string(ResultKind k) noexcept {
  return k == ResultKind::outcome ? "outcome" : "output";
}

std::string_view to_string(Measure m) noexcept {
  switch (m) {
    case Measure::count: return "count";
    case Measure::rate: return "rate";
    case Measure::proportion: return "proportion";
    case Measure::mean: return "mean";
    case Measure::ordinal_change: return "ordinal_change";
  }
  return "count";
}

std::optional<Pillar> parse_pillar(std::string_view text) noexcept {
  // Case-insensitive without allocating (noexcept).
  const auto eq = [&](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != word[i]) return false;
    }
    return true;
  };
  if (eq("reach") || eq("bereik")) return Pillar::reach;
  if (eq("satisfaction") || eq("tevredenheid")) return Pillar::satisfaction;
  if (eq("goal_attainment") || eq("doelrealisatie")) return Pillar::goal_attainment;
  return std::nullopt;
}

std::optional<ResultKind> parse_result_kind(std::string_view text) noexcept {
  if (text == "output") return ResultKind::output;
  if (text == "outcome") return ResultKind::outcome;
  return std::nullopt;
}

std::optional<Measure> parse_measure(std::string_view text) noexcept {
  if (text == "count") return Measure::count;
  if (text == "rate") return Measure::rate;
  if (text == "proportion") return Measure::proportion;
  if (text == "mean") return Measure::mean;
  if (text == "ordinal_change") return Measure::ordinal_change;
  return std::nullopt;
}

std::optional<Scale> named_scale(std::string_view name) {
  if (name == "likert5") return Scale{"likert5", 1.0, 5.0};
  if (name == "rapportcijfer") return Scale{"rapportcijfer", 1.0, 10.0};
  if (name == "zrm") return Scale{"zrm", 1.0, 5.0};
  return std::nullopt;
}

std::pair<double, double> IndicatorDefinition::valid_range() const noexcept {
  switch (measure) {
    case Measure::count:
    case Measure::rate: return {0.0, infinity};
    case Measure::proportion: return {0.0, 1.0};
    case Measure::mean:
      if (scale && std::isfinite(scale->min) && std::isfinite(scale->max)) return {scale->min, scale->max};
      return {-infinity, infinity};
    case Measure::ordinal_change: return {-infinity, infinity};
  }
  return {-infinity, infinity};
}

std::vector<Problem> IndicatorDefinition::check() const {
  std::vector<Problem> out;
  const std::string context = "indicator " + squote(id) + ": ";
  const std::vector<std::string> ids{id};
  const auto add = [&](const char* code, const std::string& what) {
    out.push_back(make_problem(code, where, ids, context + what));
  };
  if (!is_valid_id(id)) {
    add("bad_id", "id " + squote(id) +
                      " is not a valid id (expected an ASCII slug: a letter or digit, then letters, digits, '_', '-' or '.')");
  }
  if (label.empty()) add("missing_value", "the label is empty");
  if (direction != 1 && direction != -1) {
    add("bad_direction", "direction " + std::to_string(direction) + " must be 1 (higher is better) or -1 (lower is better)");
  }
  if (!std::isfinite(rate_per) || rate_per <= 0.0) {
    add("bad_rate_per", "rate_per " + num(rate_per) + " must be a positive number of inhabitants");
  } else if (measure != Measure::rate && rate_per != default_rate_per) {
    add("bad_rate_per", "rate_per only applies to measure 'rate' (this indicator's measure is " +
                            squote(to_string(measure)) + ")");
  }
  if (scale) {
    if (measure != Measure::mean && measure != Measure::ordinal_change) {
      add("bad_scale", "a scale only applies to measures 'mean' and 'ordinal_change' (this indicator's measure is " +
                           squote(to_string(measure)) + ")");
    }
    if (!std::isfinite(scale->min) || !std::isfinite(scale->max) || !(scale->min < scale->max)) {
      add("bad_scale", "scale " + squote(scale->name) + " runs from " + num(scale->min) + " to " + num(scale->max) +
                           " (expected finite numbers with min < max)");
    }
  } else if (measure == Measure::mean) {
    add("missing_scale", "a mean needs a scale (add 'scale: likert5', 'scale: rapportcijfer', 'scale: zrm' or "
                         "'scale: {name: ..., min: ..., max: ...}')");
  }
  const auto [lo, hi] = valid_range();
  const auto range_text = [&] {
    return "[" + num(lo) + ", " + (std::isinf(hi) ? std::string("inf)") : num(hi) + "]");
  };
  const auto in_range = [&](double x) { return x >= lo && x <= hi; };
  if (norm) {
    if (!std::isfinite(*norm)) {
      add("bad_norm", "norm " + num(*norm) + " is not a finite number");
    } else if (!in_range(*norm)) {
      add("bad_norm", "norm " + num(*norm) + " is outside " + range_text() + ", the range of a " +
                          std::string(to_string(measure)) + " indicator");
    }
  }
  if (goalpost_min.has_value() != goalpost_max.has_value()) {
    add("bad_goalposts", "goalposts need both min and max (or neither)");
  } else if (goalpost_min && goalpost_max) {
    const double a = *goalpost_min;
    const double b = *goalpost_max;
    if (!std::isfinite(a) || !std::isfinite(b)) {
      add("bad_goalposts", "goalposts [" + num(a) + ", " + num(b) + "] must be finite numbers");
    } else if (!(a < b)) {
      add("bad_goalposts", "goalposts [" + num(a) + ", " + num(b) + "] need min < max");
    } else if (!in_range(a) || !in_range(b)) {
      add("bad_goalposts", "goalposts [" + num(a) + ", " + num(b) + "] lie outside " + range_text() + ", the range of a " +
                               std::string(to_string(measure)) + " indicator");
    }
  }
  return out;
}

IndicatorSet::IndicatorSet(std::vector<IndicatorDefinition> definitions) : defs_(std::move(definitions)) {
  throw_if_problems<ParseError>(check_set(defs_));
  index_.reserve(defs_.size());
  for (std::size_t i = 0; i < defs_.size(); ++i) index_.emplace(defs_[i].id, i);
}

IndicatorSet IndicatorSet::load_yaml(const std::filesystem::path& path) {
  return IndicatorSet(parse_checked(detail::read_file_bytes(path), path.string()));
}

IndicatorSet IndicatorSet::parse_yaml(std::string_view text, const std::string& source) {
  return IndicatorSet(parse_checked(text, source));
}

std::vector<Problem> IndicatorSet::check_yaml_file(const std::filesystem::path& path) {
  try {
    (void)parse_checked(detail::read_file_bytes(path), path.string());
  } catch (const ParseError& e) {
    if (!e.problems().empty()) return e.problems();
    return {make_problem("parse", Location{path.string(), 0, 0, {}}, {}, e.what())};
  }
  return {};
}

std::string IndicatorSet::to_yaml() const {
  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::Comment("doelenboom indicators, file format version "s + std::to_string(indicator_format_version) +
                       " (docs/data-model.md)");
  out << YAML::BeginMap;
  out << YAML::Key << "doelenboom_indicators" << YAML::Value << indicator_format_version;
  out << YAML::Key << "indicators" << YAML::Value << YAML::BeginSeq;
  for (const auto& d : defs_) {
    out << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << d.id;
    out << YAML::Key << "label" << YAML::Value << d.label;
    out << YAML::Key << "pillar" << YAML::Value << std::string(to_string(d.pillar));
    out << YAML::Key << "kind" << YAML::Value << std::string(to_string(d.kind));
    out << YAML::Key << "measure" << YAML::Value << std::string(to_string(d.measure));
    out << YAML::Key << "direction" << YAML::Value << d.direction;
    if (d.measure == Measure::rate || d.rate_per != default_rate_per) {
      out << YAML::Key << "rate_per" << YAML::Value << num(d.rate_per);
    }
    if (d.scale) {
      out << YAML::Key << "scale" << YAML::Value;
      if (named_scale(d.scale->name) == d.scale) {
        out << d.scale->name;
      } else {
        out << YAML::Flow << YAML::BeginMap;
        if (!d.scale->name.empty()) out << YAML::Key << "name" << YAML::Value << d.scale->name;
        out << YAML::Key << "min" << YAML::Value << num(d.scale->min) << YAML::Key << "max" << YAML::Value
            << num(d.scale->max) << YAML::EndMap;
      }
    }
    if (d.norm) out << YAML::Key << "norm" << YAML::Value << num(*d.norm);
    if (d.goalpost_min && d.goalpost_max) {
      out << YAML::Key << "goalposts" << YAML::Value << YAML::Flow << YAML::BeginSeq << num(*d.goalpost_min)
          << num(*d.goalpost_max) << YAML::EndSeq;
    }
    if (!d.unit_text.empty()) out << YAML::Key << "unit" << YAML::Value << d.unit_text;
    if (!d.description.empty()) out << YAML::Key << "description" << YAML::Value << d.description;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;
  if (!out.good()) throw Error("cannot write the indicators as YAML: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

void IndicatorSet::save_yaml(const std::filesystem::path& path) const { detail::write_file_atomically(path, to_yaml()); }

const IndicatorDefinition* IndicatorSet::find(std::string_view id) const noexcept {
  // The index is keyed by std::string; a heterogeneous lookup would need a transparent hash.
  try {
    const auto it = index_.find(std::string(id));
    return it == index_.end() ? nullptr : &defs_[it->second];
  } catch (...) {
    return nullptr;
  }
}

const IndicatorDefinition& IndicatorSet::at(std::string_view id) const {
  if (const auto* d = find(id)) return *d;
  std::string known;
  for (std::size_t i = 0; i < defs_.size() && i < 10; ++i) known += (known.empty() ? "" : ", ") + defs_[i].id;
  if (defs_.size() > 10) known += ", ...";
  auto problem = make_problem("unknown_indicator", {}, {std::string(id)},
                              "unknown indicator " + squote(id) +
                                  (known.empty() ? " (the indicator set is empty)" : " (known: " + known + ")"));
  throw DataError(problem.message, {problem});
}

}  // namespace doelenboom
