// The run config (docs/run-config.md): reading the YAML file with every problem at its line
// (monitoring_check.cpp checks what it names).

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "doelenboom/monitoring.hpp"
#include "io/data_io.hpp"
#include "core/diagnostics.hpp"
#include "io/yaml_reader.hpp"

namespace doelenboom {

namespace {

namespace fs = std::filesystem;
using detail::squote;
using detail::YamlEntries;
using detail::YamlEntry;

constexpr std::array<std::string_view, 22> top_keys{
    "doelenboom_run", "name",          "fictitious",        "description",    "tree",     "pipeline",
    "signals",        "units",         "gemeenten",         "suppression_threshold", "small_count_threshold",
    "protection_level",                "pseudonym_key_env",
    "pseudonym_key",  "baseline",      "period",            "data",           "indicators", "poisson_counts",
    "compare",        "horizon",       "output"};
constexpr std::array<std::string_view, 6> data_keys{"registrations", "questionnaire", "prepost",
                                                    "estimates",     "stories",       "duiding"};
constexpr std::array<std::string_view, 5> registration_keys{"files", "columns", "areas", "groups", "phone_channel"};
constexpr std::array<std::string_view, 10> registration_columns{"unit",    "period",          "client",     "hours",
                                                                "referral", "referrer_contact", "channel",
                                                                "life_domain", "start_date",   "end_date"};
constexpr std::array<std::string_view, 3> questionnaire_keys{"items", "files", "columns"};
constexpr std::array<std::string_view, 6> response_columns{"unit", "period", "instrument", "respondent", "item", "value"};
constexpr std::array<std::string_view, 7> prepost_keys{"files",     "columns",   "prefix",     "min_score",
                                                       "max_score", "reliability", "confidence"};
constexpr std::array<std::string_view, 6> prepost_columns{"unit", "period", "client", "domain", "pre", "post"};
constexpr std::array<std::string_view, 5> compare_keys{"nodes", "peers", "level", "draws", "seed"};

const detail::YamlFormat run_format{"doelenboom_run", run_format_version, "'doelenboom_run: 1', a 'tree' and 'data'",
                                    "a run config", "a mapping with the keys doelenboom_run, tree, data, ...", true};

class Reader : public detail::YamlReader {
 public:
  Reader(std::string source, fs::path base) : YamlReader(std::move(source)), base_(std::move(base)) {}

  std::map<std::string, Location> where;

  void mark(const std::string& key, const YamlEntry& e) { where.emplace(key, at(e.key)); }

  std::optional<YamlEntries> section(const YamlEntry& e, const std::string& context,
                                     std::span<const std::string_view> allowed) {
    if (!e.value.IsMap()) {
      add("wrong_type", e.value.IsNull() ? e.key : e.value, context, {},
          squote(e.key.Scalar()) + " must be a mapping, found " + detail::describe(e.value));
      return std::nullopt;
    }
    return entries(e.value, context, allowed, {});
  }

  std::optional<fs::path> path(const YamlEntry& e, const std::string& context) {
    auto t = text(e, context, {});
    if (!t) return std::nullopt;
    if (t->empty()) {
      add("missing_value", e.value, context, {}, "key " + squote(e.key.Scalar()) + " has an empty path");
      return std::nullopt;
    }
    return resolve(*t);
  }

  [[nodiscard]] fs::path resolve(const std::string& t) const {
    const fs::path p = fs::u8path(t);
    return p.is_absolute() || base_.empty() ? p : base_ / p;
  }

  /// A path or a list of paths.
  std::vector<fs::path> paths(const YamlEntry& e, const std::string& context) {
    std::vector<fs::path> out;
    if (e.value.IsSequence()) {
      for (const auto& item : e.value) {
        if (!item.IsScalar() || item.Scalar().empty()) {
          add("wrong_type", item, context, {}, "a file name must be a text, found " + detail::describe(item));
          continue;
        }
        out.push_back(resolve(item.Scalar()));
      }
      if (out.empty()) add("missing_value", e.key, context, {}, "key " + squote(e.key.Scalar()) + " lists no files");
      return out;
    }
    if (auto p = path(e, context)) out.push_back(*p);
    return out;
  }

  /// A text or a list of texts.
  std::vector<std::string> words(const YamlEntry& e, const std::string& context) {
    std::vector<std::string> out;
    if (e.value.IsSequence()) {
      for (const auto& item : e.value) {
        if (!item.IsScalar() || item.Scalar().empty()) {
          add("wrong_type", item, context, {}, "expected a text, found " + detail::describe(item));
          continue;
        }
        out.push_back(item.Scalar());
      }
      return out;
    }
    if (auto t = text(e, context, {})) out.push_back(*t);
    return out;
  }

  std::optional<bool> boolean(const YamlEntry& e, const std::string& context) {
    if (e.value.IsScalar()) {
      const std::string& t = e.value.Scalar();
      if (t == "true" || t == "yes" || t == "on") return true;
      if (t == "false" || t == "no" || t == "off") return false;
    }
    add("bad_value", e.value.IsNull() ? e.key : e.value, context, {},
        squote(e.key.Scalar()) + " must be true or false, found " + detail::describe(e.value));
    return std::nullopt;
  }

  std::optional<Period> period(const YamlEntry& e, const std::string& context) {
    const auto t = text(e, context, {});
    if (!t) return std::nullopt;
    if (auto p = Period::parse(*t)) return p;
    add("bad_value", e.value, context, {},
        squote(e.key.Scalar()) + " " + squote(*t) + " is not a period (expected a year '2023', a quarter '2023-Q2' or a month '2023-05')");
    return std::nullopt;
  }

  /// A whole number >= low.
  std::optional<long long> whole(const YamlEntry& e, const std::string& context, long long low) {
    const auto v = number(e.key, e.value, squote(e.key.Scalar()), context, {});
    if (!v) return std::nullopt;
    if (*v != std::floor(*v) || *v < static_cast<double>(low) || *v > 9.0e15) {
      add("bad_value", e.value, context, {},
          squote(e.key.Scalar()) + " is " + e.value.Scalar() + ", expected a whole number >= " + std::to_string(low));
      return std::nullopt;
    }
    return static_cast<long long>(*v);
  }

  /// A number in (low, high) or [low, high].
  std::optional<double> bounded(const YamlEntry& e, const std::string& context, double low, double high, bool open) {
    const auto v = number(e.key, e.value, squote(e.key.Scalar()), context, {});
    if (!v) return std::nullopt;
    const bool ok = open ? (*v > low && *v < high) : (*v >= low && *v <= high);
    if (!ok) {
      const auto fmt = [](double x) { return std::isinf(x) ? std::string("infinity") : detail::format_number(x); };
      add("bad_value", e.value, context, {},
          squote(e.key.Scalar()) + " is " + e.value.Scalar() + ", expected a number in " + (open ? "(" : "[") + fmt(low) +
              ", " + fmt(high) + (open ? ")" : "]"));
      return std::nullopt;
    }
    return v;
  }

  /// The section of the data source `name` ("registrations"): its keys, with where it is
  /// recorded in `source` and under "data/<name>"; std::nullopt when it is no mapping.
  template <class Source, std::size_t N>
  std::optional<YamlEntries> source(const YamlEntry& e, const std::string& name, const std::array<std::string_view, N>& allowed,
                                    Source& s) {
    auto keys = section(e, "data: " + name, allowed);
    if (!keys) return std::nullopt;
    s.where = at(e.key);
    where.emplace("data/" + name, s.where);
    return keys;
  }

  /// The files of the data source `name`, if its section lists any.
  std::vector<fs::path> files(const YamlEntries& keys, const std::string& name) {
    const auto it = keys.find("files");
    if (it == keys.end()) return {};
    mark("data/" + name + "/files", it->second);
    return paths(it->second, "data: " + name);
  }

  /// A columns mapping: key -> column name (empty/null = the file has no such column).
  template <std::size_t N>
  void columns(const YamlEntry& e, const std::string& context, const std::array<std::string_view, N>& allowed,
               const std::string& where_prefix, const std::function<std::string*(std::string_view)>& field) {
    const auto keys = section(e, context + ": columns", allowed);
    if (!keys) return;
    for (const auto& [name, entry] : *keys) {
      auto t = text(entry, context + ": columns", {}, true);
      if (!t) continue;
      *field(name) = *t;
      where.emplace(where_prefix + "/columns/" + name, at(entry.key));
    }
  }

 private:
  fs::path base_;
};

void read_registrations(Reader& r, const YamlEntry& e, MonitoringConfig& c) {
  const std::string ctx = "data: registrations";
  RegistrationSource s;
  const auto keys = r.source(e, "registrations", registration_keys, s);
  if (!keys) return;
  r.require(*keys, "files", e.value, ctx, {});
  s.files = r.files(*keys, "registrations");
  if (auto it = keys->find("columns"); it != keys->end()) {
    RegistrationColumns& cols = s.columns;
    r.columns(it->second, ctx, registration_columns, "data/registrations", [&cols](std::string_view k) -> std::string* {
      if (k == "unit") return &cols.unit;
      if (k == "period") return &cols.period;
      if (k == "client") return &cols.client;
      if (k == "hours") return &cols.hours;
      if (k == "referral") return &cols.referral;
      if (k == "referrer_contact") return &cols.referrer_contact;
      if (k == "channel") return &cols.channel;
      if (k == "life_domain") return &cols.life_domain;
      if (k == "start_date") return &cols.start_date;
      return &cols.end_date;
    });
  }
  if (auto it = keys->find("areas"); it != keys->end()) {
    s.areas = r.words(it->second, ctx);
    r.mark("data/registrations/areas", it->second);
  }
  if (auto it = keys->find("groups"); it != keys->end()) {
    s.groups = r.words(it->second, ctx);
    r.mark("data/registrations/groups", it->second);
  }
  if (auto t = r.text(*keys, "phone_channel", ctx, {})) s.phone_channel = *t;
  s.columns.breakdowns = s.areas;
  s.columns.breakdowns.insert(s.columns.breakdowns.end(), s.groups.begin(), s.groups.end());
  c.registrations = std::move(s);
}

void read_questionnaire(Reader& r, const YamlEntry& e, MonitoringConfig& c) {
  const std::string ctx = "data: questionnaire";
  QuestionnaireSource s;
  const auto keys = r.source(e, "questionnaire", questionnaire_keys, s);
  if (!keys) return;
  r.require(*keys, "items", e.value, ctx, {});
  r.require(*keys, "files", e.value, ctx, {});
  if (auto it = keys->find("items"); it != keys->end()) {
    if (auto p = r.path(it->second, ctx)) s.items = *p;
    r.mark("data/questionnaire/items", it->second);
  }
  s.files = r.files(*keys, "questionnaire");
  if (auto it = keys->find("columns"); it != keys->end()) {
    ResponseColumns& cols = s.columns;
    r.columns(it->second, ctx, response_columns, "data/questionnaire", [&cols](std::string_view k) -> std::string* {
      if (k == "unit") return &cols.unit;
      if (k == "period") return &cols.period;
      if (k == "instrument") return &cols.instrument;
      if (k == "respondent") return &cols.respondent;
      if (k == "item") return &cols.item;
      return &cols.value;
    });
  }
  c.questionnaire = std::move(s);
}

void read_prepost(Reader& r, const YamlEntry& e, MonitoringConfig& c) {
  const std::string ctx = "data: prepost";
  PrePostSource s;
  const auto keys = r.source(e, "prepost", prepost_keys, s);
  if (!keys) return;
  r.require(*keys, "files", e.value, ctx, {});
  s.files = r.files(*keys, "prepost");
  if (auto it = keys->find("columns"); it != keys->end()) {
    PrePostColumns& cols = s.columns;
    r.columns(it->second, ctx, prepost_columns, "data/prepost", [&cols](std::string_view k) -> std::string* {
      if (k == "unit") return &cols.unit;
      if (k == "period") return &cols.period;
      if (k == "client") return &cols.client;
      if (k == "domain") return &cols.domain;
      if (k == "pre") return &cols.pre;
      return &cols.post;
    });
  }
  if (auto t = r.text(*keys, "prefix", ctx, {}, true)) s.options.prefix = *t;
  if (auto it = keys->find("min_score"); it != keys->end()) {
    if (auto v = r.whole(it->second, ctx, 0)) s.options.min_score = static_cast<int>(*v);
  }
  if (auto it = keys->find("max_score"); it != keys->end()) {
    if (auto v = r.whole(it->second, ctx, 1)) s.options.max_score = static_cast<int>(*v);
  }
  if (s.options.min_score >= s.options.max_score) {
    r.add("bad_value", e.value, ctx, {},
          "min_score " + std::to_string(s.options.min_score) + " must be below max_score " + std::to_string(s.options.max_score));
  }
  if (auto it = keys->find("reliability"); it != keys->end()) {
    if (auto v = r.bounded(it->second, ctx, 0.0, 1.0, false); v && *v < 1.0) s.options.reliability = *v;
    else if (v) r.add("bad_value", it->second.value, ctx, {}, "'reliability' must be below 1");
  }
  if (auto it = keys->find("confidence"); it != keys->end()) {
    if (auto v = r.bounded(it->second, ctx, 0.0, 1.0, true)) s.options.confidence = *v;
  }
  c.prepost = std::move(s);
}

void read_compare(Reader& r, const YamlEntry& e, MonitoringConfig& c) {
  const std::string ctx = "compare";
  const auto keys = r.section(e, ctx, compare_keys);
  if (!keys) return;
  r.mark("compare", e);
  if (auto it = keys->find("nodes"); it != keys->end()) {
    c.compare.nodes = r.words(it->second, ctx);
    r.mark("compare/nodes", it->second);
  }
  if (auto it = keys->find("peers"); it != keys->end()) {
    r.mark("compare/peers", it->second);
    if (it->second.value.IsSequence()) {
      c.compare.peers.list = r.words(it->second, ctx);
      if (c.compare.peers.list.empty()) r.add("missing_value", it->second.key, ctx, {}, "'peers' lists no units");
    } else if (auto t = r.text(it->second, ctx, {})) {
      c.compare.peers.attribute = *t;
    }
  }
  if (auto it = keys->find("level"); it != keys->end()) {
    if (auto v = r.bounded(it->second, ctx, 0.0, 1.0, true)) c.compare.level = *v;
  }
  if (auto it = keys->find("draws"); it != keys->end()) {
    if (auto v = r.whole(it->second, ctx, 1)) c.compare.draws = static_cast<std::size_t>(*v);
  }
  if (auto it = keys->find("seed"); it != keys->end()) {
    if (auto v = r.whole(it->second, ctx, 0)) c.compare.seed = static_cast<std::uint64_t>(*v);
  }
}

void read_data(Reader& r, const YamlEntry& e, MonitoringConfig& c) {
  const auto keys = r.section(e, "data", data_keys);
  if (!keys) return;
  r.mark("data", e);
  if (auto it = keys->find("registrations"); it != keys->end()) read_registrations(r, it->second, c);
  if (auto it = keys->find("questionnaire"); it != keys->end()) read_questionnaire(r, it->second, c);
  if (auto it = keys->find("prepost"); it != keys->end()) read_prepost(r, it->second, c);
  for (auto [key, dest] : {std::pair{"estimates", &c.estimates}, std::pair{"stories", &c.stories},
                           std::pair{"duiding", &c.duiding}}) {
    if (auto it = keys->find(key); it != keys->end()) {
      *dest = r.paths(it->second, std::string("data: ") + key);
      r.mark(std::string("data/") + key, it->second);
    }
  }
  if (!c.registrations && !c.questionnaire && !c.prepost && c.estimates.empty()) {
    r.add("missing_key", e.key, "data", {},
          "no data: give at least one of registrations, questionnaire, prepost or estimates");
  }
}

void read_indicators(Reader& r, const YamlEntry& e, MonitoringConfig& c) {
  if (!e.value.IsMap()) {
    r.add("wrong_type", e.value.IsNull() ? e.key : e.value, "indicators", {},
          "'indicators' must be a mapping of tree indicator id to estimate id, found " + detail::describe(e.value));
    return;
  }
  r.mark("indicators", e);
  for (const auto& [node, entry] : r.entry_list(e.value, "indicators", {}, {})) {
    const auto estimate = r.text(entry, "indicators", {node});
    if (!estimate) continue;
    c.indicators.push_back(IndicatorLink{node, *estimate, r.at(entry.key)});
  }
}

}  // namespace

MonitoringConfig MonitoringConfig::parse_yaml(std::string_view text, const std::string& source, const fs::path& base_dir,
                                              const fs::path& default_gemeenten) {
  Reader r(source, base_dir);
  MonitoringConfig c;
  c.source = source == "<string>" ? fs::path() : fs::u8path(source);
  const auto root = r.root(text, run_format);
  if (root) {
    const auto keys = r.entries(*root, "", top_keys, {});
    r.require_version(keys, *root, run_format);
    r.require(keys, "tree", *root, "", {});
    r.require(keys, "data", *root, "", {});
    for (const auto& [key, e] : keys) {
      r.mark(key, e);
      if (key == "doelenboom_run") r.check_version(e, run_format);
      else if (key == "name") c.name = r.text(e, "", {}).value_or("");
      else if (key == "description") (void)r.text(e, "", {}, true);
      else if (key == "fictitious") c.fictitious = r.boolean(e, "").value_or(false);
      else if (key == "tree") c.tree = r.path(e, "").value_or(fs::path());
      else if (key == "pipeline") c.pipeline = r.path(e, "").value_or(fs::path());
      else if (key == "signals") c.signals = r.path(e, "").value_or(fs::path());
      else if (key == "units") c.units = r.path(e, "").value_or(fs::path());
      else if (key == "gemeenten") c.gemeenten = r.path(e, "").value_or(fs::path());
      else if (key == "suppression_threshold") {
        if (auto v = r.bounded(e, "", 0.0, INFINITY, false)) c.suppression_threshold = *v;
      } else if (key == "small_count_threshold") {
        if (auto v = r.bounded(e, "", 0.0, INFINITY, false)) c.small_count_threshold = *v;
      } else if (key == "protection_level") {
        if (auto v = r.bounded(e, "", 0.0, INFINITY, false)) c.protection_level = *v;
      } else if (key == "pseudonym_key_env") c.pseudonym_key_env = r.text(e, "", {}).value_or("");
      else if (key == "pseudonym_key") c.pseudonym_key = r.text(e, "", {}).value_or("");
      else if (key == "baseline") c.baseline = r.period(e, "");
      else if (key == "period") c.period = r.period(e, "");
      else if (key == "data") read_data(r, e, c);
      else if (key == "indicators") read_indicators(r, e, c);
      else if (key == "poisson_counts") c.poisson_counts = r.boolean(e, "").value_or(true);
      else if (key == "compare") read_compare(r, e, c);
      else if (key == "horizon") {
        if (auto v = r.whole(e, "", 1)) c.horizon = static_cast<std::size_t>(*v);
      } else if (key == "output") c.output = r.path(e, "").value_or(fs::path());
    }
    if (keys.contains("units") && keys.contains("gemeenten")) {
      r.add("conflicting_keys", keys.at("gemeenten").key, "", {},
            "give either 'units' (a units CSV) or 'gemeenten' (the CBS gemeenten list), not both");
    }
    if (keys.contains("pseudonym_key") && keys.contains("pseudonym_key_env")) {
      r.add("conflicting_keys", keys.at("pseudonym_key").key, "", {},
            "give either 'pseudonym_key_env' (the name of an environment variable) or 'pseudonym_key', not both");
    }
  }
  throw_if_problems<ParseError>(r.problems());
  if (c.units.empty() && c.gemeenten.empty()) c.gemeenten = default_gemeenten;
  if (c.output.empty()) c.output = base_dir.empty() ? fs::path("uitvoer") : base_dir / "uitvoer";
  if (c.name.empty()) c.name = c.source.empty() ? std::string("Monitoring") : c.source.stem().string();
  c.where = std::move(r.where);
  return c;
}

std::string MonitoringConfig::published_name(const fs::path& file) const {
  if (source.empty()) return file.filename().generic_string();
  // Lexically, from absolute forms: the files need not exist and symbolic links stay as given.
  const fs::path base = fs::absolute(source).parent_path().lexically_normal();
  const fs::path relative = fs::absolute(file).lexically_normal().lexically_relative(base);
  if (relative.empty() || *relative.begin() == "..") return file.filename().generic_string();
  return relative.generic_string();
}

MonitoringConfig MonitoringConfig::load_yaml(const fs::path& path, const fs::path& default_gemeenten) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ParseError(path.string() + ": cannot read the run config (no such file or not readable)",
                     {make_problem("unreadable_file", Location{path.string(), 0, 0, {}}, {},
                                   "cannot read the run config (no such file or not readable)")});
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_yaml(text, path.string(), path.parent_path(), default_gemeenten);
}

}  // namespace doelenboom
