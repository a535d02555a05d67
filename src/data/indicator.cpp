// Indicator definitions and the indicators file (docs/data-model.md): reading with every problem
// reported at once, each with file and line, and writing with yaml-cpp's emitter.

#include "doelenboom/indicator.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include "doelenboom/ids.hpp"
#include "io/data_io.hpp"
#include "data/indicator_check.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "io/files.hpp"
#include "data/indicator_yaml.hpp"
#include "io/yaml_reader.hpp"

namespace doelenboom {

namespace {

using namespace std::string_literals;
using detail::squote;
using Reader = detail::YamlReader;
using Entries = detail::YamlEntries;
using Entry = detail::YamlEntry;

constexpr double infinity = std::numeric_limits<double>::infinity();

constexpr std::array<std::string_view, 2> top_keys{"doelenboom_indicators", "indicators"};
constexpr std::array<std::string_view, 12> indicator_keys{"id",        "label", "pillar", "result",   "measure",   "direction",
                                                          "rate_per", "scale", "norm",   "goalposts", "unit", "description"};
// `kind` is the older name of `result` (renamed so that a tree file's indicator node, whose
// `kind` is "indicator", can hold the same keys); it is still read.
constexpr std::array<std::string_view, 1> older_indicator_keys{"kind"};

std::string num(double value) { return detail::format_number(value); }

void read_indicator(Reader& r, const YAML::Node& item, std::size_t position, std::vector<IndicatorDefinition>& out) {
  const auto named = r.item(item, position, "indicator", indicator_keys);
  if (!named) return;
  const std::string& context = named->context;
  const std::vector<std::string>& ids = named->ids;
  auto keys = r.entries(item, context, indicator_keys, ids, older_indicator_keys);
  if (const auto old = keys.find("kind"); old != keys.end()) {
    if (const auto it = keys.find("result"); it != keys.end()) {
      r.add("duplicate_key", old->second.key, context, ids,
            "key 'kind' is the older name of 'result', which is given on line " +
                std::to_string(r.at(it->second.key).line) + " (expected only 'result')");
    } else {
      keys.emplace("result", old->second);
    }
    keys.erase(old);
  }
  r.require(keys, "id", item, context, ids);
  r.require(keys, "label", item, context, ids);

  IndicatorDefinition d;
  d.where = r.at(item);
  if (auto v = r.text(keys, "id", context, ids)) d.id = std::move(*v);
  if (auto v = r.text(keys, "label", context, ids)) d.label = std::move(*v);
  if (auto v = r.text(keys, "description", context, ids, true)) d.description = std::move(*v);
  detail::read_indicator_definition_keys(r, keys, item, context, ids, d);
  if (const auto it = keys.find("direction"); it != keys.end()) detail::read_direction(r, it->second, context, ids, d.direction);
  out.push_back(std::move(d));
}

constexpr detail::YamlFormat indicators_format{"doelenboom_indicators", indicator_format_version,
                                               "'doelenboom_indicators: 1' and an 'indicators' list", "an indicators file",
                                               "a mapping with the keys doelenboom_indicators and indicators"};

std::vector<IndicatorDefinition> parse(Reader& r, std::string_view text, std::vector<bool>& had_problems) {
  std::vector<IndicatorDefinition> defs;
  const auto root = r.root(text, indicators_format);
  if (!root) return defs;
  const auto keys = r.entries(*root, "", top_keys, {});
  r.require_version(keys, *root, indicators_format);
  r.require(keys, "indicators", *root, "", {}, " (the list of indicators)");
  if (const auto it = keys.find("doelenboom_indicators"); it != keys.end()) r.check_version(it->second, indicators_format);
  if (const auto it = keys.find("indicators"); it != keys.end() && r.is_list(it->second, "", {}, "a list of indicators")) {
    std::size_t position = 0;
    for (const auto& item : it->second.value) {
      const std::size_t before = r.problems().size();
      const std::size_t count = defs.size();
      read_indicator(r, item, ++position, defs);
      if (defs.size() > count) had_problems.push_back(r.problems().size() > before);
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
  detail::require_utf8(text, source);
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

std::string_view classification_choices(std::string_view key) {
  if (key == "pillar") return "reach, satisfaction, goal_attainment";
  if (key == "result") return "output, outcome";
  return "count, rate, proportion, mean, ordinal_change";
}

std::string set_classification(IndicatorDefinition& d, std::string_view key, std::string_view text) {
  const std::string word = detail::ascii_lower(detail::trim_ascii(text));
  std::string dutch;
  if (key == "pillar") {
    if (const auto p = parse_pillar(word)) {
      d.pillar = *p;
      return {};
    }
    dutch = " (or bereik, tevredenheid, doelrealisatie)";
  } else if (key == "result") {
    if (const auto k = parse_result_kind(word)) {
      d.kind = *k;
      return {};
    }
  } else if (const auto m = parse_measure(word)) {
    d.measure = *m;
    return {};
  }
  return std::string(key) + " " + squote(text) + " is not one of: " + std::string(classification_choices(key)) + dutch;
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
  auto values = detail::check_indicator_values(*this);
  out.insert(out.end(), std::make_move_iterator(values.begin()), std::make_move_iterator(values.end()));
  return out;
}

namespace detail {

std::vector<Problem> check_indicator_values(const IndicatorDefinition& d) {
  std::vector<Problem> out;
  const std::string context = "indicator " + squote(d.id) + ": ";
  const std::vector<std::string> ids{d.id};
  const auto add = [&](const char* code, const std::string& what) {
    out.push_back(make_problem(code, d.where, ids, context + what));
  };
  if (!std::isfinite(d.rate_per) || d.rate_per <= 0.0) {
    add("bad_rate_per", "rate_per " + num(d.rate_per) + " must be a positive number of inhabitants");
  } else if (d.measure != Measure::rate && d.rate_per != IndicatorDefinition::default_rate_per) {
    add("bad_rate_per", "rate_per only applies to measure 'rate' (this indicator's measure is " +
                            squote(to_string(d.measure)) + ")");
  }
  if (d.scale) {
    if (d.measure != Measure::mean && d.measure != Measure::ordinal_change) {
      add("bad_scale", "a scale only applies to measures 'mean' and 'ordinal_change' (this indicator's measure is " +
                           squote(to_string(d.measure)) + ")");
    }
    if (!std::isfinite(d.scale->min) || !std::isfinite(d.scale->max) || !(d.scale->min < d.scale->max)) {
      add("bad_scale", "scale " + squote(d.scale->name) + " runs from " + num(d.scale->min) + " to " + num(d.scale->max) +
                           " (expected finite numbers with min < max)");
    }
  } else if (d.measure == Measure::mean) {
    add("missing_scale", "a mean needs a scale (add 'scale: likert5', 'scale: rapportcijfer', 'scale: zrm' or "
                         "'scale: {name: ..., min: ..., max: ...}')");
  }
  const auto [lo, hi] = d.valid_range();
  const auto range_text = [&] {
    return "[" + num(lo) + ", " + (std::isinf(hi) ? std::string("inf)") : num(hi) + "]");
  };
  const auto in_range = [&](double x) { return x >= lo && x <= hi; };
  if (d.norm) {
    if (!std::isfinite(*d.norm)) {
      add("bad_norm", "norm " + num(*d.norm) + " is not a finite number");
    } else if (!in_range(*d.norm)) {
      add("bad_norm", "norm " + num(*d.norm) + " is outside " + range_text() + ", the range of a " +
                          std::string(to_string(d.measure)) + " indicator");
    }
  }
  if (d.goalpost_min.has_value() != d.goalpost_max.has_value()) {
    add("bad_goalposts", "goalposts need both min and max (or neither)");
  } else if (d.goalpost_min && d.goalpost_max) {
    const double a = *d.goalpost_min;
    const double b = *d.goalpost_max;
    if (!std::isfinite(a) || !std::isfinite(b)) {
      add("bad_goalposts", "goalposts [" + num(a) + ", " + num(b) + "] must be finite numbers");
    } else if (!(a < b)) {
      add("bad_goalposts", "goalposts [" + num(a) + ", " + num(b) + "] need min < max");
    } else if (!in_range(a) || !in_range(b)) {
      add("bad_goalposts", "goalposts [" + num(a) + ", " + num(b) + "] lie outside " + range_text() + ", the range of a " +
                               std::string(to_string(d.measure)) + " indicator");
    }
  }
  return out;
}

}  // namespace detail

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
    detail::emit_indicator_definition_keys(out, d, true);
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
