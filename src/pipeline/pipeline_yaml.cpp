// The settings of a pipeline as text: the names of the methods, and the YAML file (docs/pipeline.md)
// read with every problem at its file and line and written with yaml-cpp's emitter (numbers in
// their shortest round-trip form, so a round trip is exact). Settings given as data (the Python
// keyword dicts, as JSON) go through the same schema code, so both are checked and worded alike.

#include <yaml-cpp/yaml.h>

#include <array>
#include <charconv>
#include <climits>
#include <cmath>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <utility>

#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "doelenboom/pipeline.hpp"
#include "io/files.hpp"
#include "io/yaml_reader.hpp"

namespace doelenboom {

using detail::squote;

// ---------------------------------------------------------------------------------------------
// Names of the enums

namespace {

template <class E, std::size_t N>
std::optional<E> parse_name(std::string_view text, const std::array<std::pair<E, std::string_view>, N>& names) noexcept {
  for (const auto& [value, name] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(E value, const std::array<std::pair<E, std::string_view>, N>& names) noexcept {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "?";
}

template <class E, std::size_t N>
std::string all_names(const std::array<std::pair<E, std::string_view>, N>& names) {
  return detail::join_words(names | std::views::values);
}

constexpr std::array<std::pair<Imputation, std::string_view>, 5> imputation_names{{
    {Imputation::none, "none"},
    {Imputation::mean, "mean"},
    {Imputation::median, "median"},
    {Imputation::group_mean, "group_mean"},
    {Imputation::locf, "locf"},
}};
constexpr std::array<std::pair<OutlierMethod, std::string_view>, 3> outlier_names{{
    {OutlierMethod::none, "none"},
    {OutlierMethod::winsorise, "winsorise"},
    {OutlierMethod::log, "log"},
}};
constexpr std::array<std::pair<Normalisation, std::string_view>, 7> normalisation_names{{
    {Normalisation::none, "none"},
    {Normalisation::minmax, "minmax"},
    {Normalisation::zscore, "zscore"},
    {Normalisation::goalposts, "goalposts"},
    {Normalisation::distance_to_target, "distance_to_target"},
    {Normalisation::rank, "rank"},
    {Normalisation::percentile_rank, "percentile_rank"},
}};
constexpr std::array<std::pair<Aggregation, std::string_view>, 5> aggregation_names{{
    {Aggregation::arithmetic, "arithmetic"},
    {Aggregation::geometric, "geometric"},
    {Aggregation::harmonic, "harmonic"},
    {Aggregation::minimum, "min"},
    {Aggregation::median, "median"},
}};
constexpr std::array<std::pair<NormaliseScope, std::string_view>, 3> scope_names{{
    {NormaliseScope::per_period, "per_period"},
    {NormaliseScope::all_periods, "all_periods"},
    {NormaliseScope::reference, "reference"},
}};
constexpr std::array<std::pair<WeightSource, std::string_view>, 2> weight_source_names{{
    {WeightSource::tree, "tree"},
    {WeightSource::equal, "equal"},
}};
constexpr std::array<std::pair<UnusedData, std::string_view>, 2> unused_data_names{{
    {UnusedData::error, "error"},
    {UnusedData::ignore, "ignore"},
}};

}  // namespace

std::string_view to_string(Imputation v) noexcept { return name_of(v, imputation_names); }
std::string_view to_string(OutlierMethod v) noexcept { return name_of(v, outlier_names); }
std::string_view to_string(Normalisation v) noexcept { return name_of(v, normalisation_names); }
std::string_view to_string(Aggregation v) noexcept { return name_of(v, aggregation_names); }
std::string_view to_string(NormaliseScope v) noexcept { return name_of(v, scope_names); }
std::string_view to_string(WeightSource v) noexcept { return name_of(v, weight_source_names); }
std::string_view to_string(UnusedData v) noexcept { return name_of(v, unused_data_names); }
std::optional<Imputation> parse_imputation(std::string_view t) noexcept { return parse_name(t, imputation_names); }
std::optional<OutlierMethod> parse_outlier_method(std::string_view t) noexcept { return parse_name(t, outlier_names); }
std::optional<Normalisation> parse_normalisation(std::string_view t) noexcept { return parse_name(t, normalisation_names); }
std::optional<Aggregation> parse_aggregation(std::string_view t) noexcept { return parse_name(t, aggregation_names); }
std::optional<NormaliseScope> parse_normalise_scope(std::string_view t) noexcept { return parse_name(t, scope_names); }
std::optional<WeightSource> parse_weight_source(std::string_view t) noexcept { return parse_name(t, weight_source_names); }
std::optional<UnusedData> parse_unused_data(std::string_view t) noexcept { return parse_name(t, unused_data_names); }


// ---------------------------------------------------------------------------------------------
// YAML reading

namespace {

constexpr std::array<std::string_view, 10> top_keys{"doelenboom_pipeline", "treatment", "normalise", "aggregate",
                                                    "weights",             "confidence", "unused_data", "levels",
                                                    "nodes",               "weight_overrides"};
constexpr std::array<std::string_view, 4> section_keys{"treatment", "normalise", "aggregate", "weights"};
constexpr std::array<std::string_view, 8> treatment_keys{"denominator", "denominator_scale", "imputation", "impute_group",
                                                         "outliers",    "skew_threshold",    "kurtosis_threshold",
                                                         "winsorise_max"};
constexpr std::array<std::string_view, 6> normalise_keys{"method", "low", "high", "mean", "sd", "scope"};
constexpr std::array<std::string_view, 2> aggregate_keys{"method", "min_coverage"};

using detail::describe;
using Reader = detail::YamlReader;
using Entry = detail::YamlEntry;

// Sections keyed by ids take every key.
constexpr std::span<const std::string_view> any_key{};

constexpr detail::YamlFormat pipeline_format{"doelenboom_pipeline", pipeline_format_version,
                                             "'doelenboom_pipeline: 1' and the settings", "a pipeline file",
                                             "a mapping starting with 'doelenboom_pipeline: 1'"};

std::string key_name(const Entry& e) { return squote(e.key.Scalar()); }

std::optional<double> number(Reader& r, const Entry& e, const std::string& context) {
  const auto t = r.text(e, context, {});
  if (!t) return std::nullopt;
  if (const auto x = detail::parse_finite_double(*t)) return x;
  r.add("bad_number", e.value, context, {}, "key " + key_name(e) + ": " + squote(*t) + " is not a finite number");
  return std::nullopt;
}

// A whole number: "3", or a number with a whole value such as "3.0" (how a Python float arrives).
std::optional<int> integer(Reader& r, const Entry& e, const std::string& context) {
  const auto t = r.text(e, context, {});
  if (!t) return std::nullopt;
  int value = 0;
  const auto* end = t->data() + t->size();
  const auto [ptr, ec] = std::from_chars(t->data(), end, value);
  if (ec == std::errc() && ptr == end && !t->empty()) return value;
  if (const auto x = detail::parse_finite_double(*t); x && *x == std::floor(*x) && *x >= INT_MIN && *x <= INT_MAX) {
    return static_cast<int>(*x);
  }
  r.add("bad_number", e.value, context, {}, "key " + key_name(e) + ": " + squote(*t) + " is not a whole number");
  return std::nullopt;
}

template <class E, std::size_t N>
std::optional<E> choice(Reader& r, const Entry& e, const std::string& context,
                        const std::array<std::pair<E, std::string_view>, N>& names) {
  const auto t = r.text(e, context, {});
  if (!t) return std::nullopt;
  if (const auto v = parse_name(*t, names)) return v;
  r.add("bad_choice", e.value, context, {}, "key " + key_name(e) + ": " + squote(*t) + " is not one of: " + all_names(names));
  return std::nullopt;
}

// Whether a section is a mapping; an empty section sets nothing and is no problem.
bool is_map(Reader& r, const Entry& e, const std::string& context, const std::string& expected) {
  if (e.value.IsMap()) return true;
  if (e.value.IsNull()) return false;
  r.add("wrong_type", e.value, context, {}, "key " + key_name(e) + " must be " + expected + ", found " + describe(e.value));
  return false;
}

TreatmentOverride read_treatment(Reader& r, const Entry& section, const std::string& context) {
  TreatmentOverride t;
  if (!is_map(r, section, context, "a mapping of treatment settings")) return t;
  const std::string ctx = context.empty() ? "treatment" : context + ": treatment";
  for (const auto& [name, e] : r.entry_list(section.value, ctx, treatment_keys, {})) {
    if (name == "denominator") t.denominator = r.text(e, ctx, {}, true);
    if (name == "denominator_scale") t.denominator_scale = number(r, e, ctx);
    if (name == "imputation") t.imputation = choice(r, e, ctx, imputation_names);
    if (name == "impute_group") t.impute_group = r.text(e, ctx, {}, true);
    if (name == "outliers") t.outliers = choice(r, e, ctx, outlier_names);
    if (name == "skew_threshold") t.skew_threshold = number(r, e, ctx);
    if (name == "kurtosis_threshold") t.kurtosis_threshold = number(r, e, ctx);
    if (name == "winsorise_max") t.winsorise_max = integer(r, e, ctx);
  }
  return t;
}

NormaliseOverride read_normalise(Reader& r, const Entry& section, const std::string& context) {
  NormaliseOverride n;
  if (!is_map(r, section, context, "a mapping of normalisation settings")) return n;
  const std::string ctx = context.empty() ? "normalise" : context + ": normalise";
  for (const auto& [name, e] : r.entry_list(section.value, ctx, normalise_keys, {})) {
    if (name == "method") n.method = choice(r, e, ctx, normalisation_names);
    if (name == "low") n.low = number(r, e, ctx);
    if (name == "high") n.high = number(r, e, ctx);
    if (name == "mean") n.mean = number(r, e, ctx);
    if (name == "sd") n.sd = number(r, e, ctx);
    if (name == "scope") n.scope = choice(r, e, ctx, scope_names);
  }
  return n;
}

AggregateOverride read_aggregate(Reader& r, const Entry& section, const std::string& context) {
  AggregateOverride a;
  if (!is_map(r, section, context, "a mapping of aggregation settings")) return a;
  const std::string ctx = context.empty() ? "aggregate" : context + ": aggregate";
  for (const auto& [name, e] : r.entry_list(section.value, ctx, aggregate_keys, {})) {
    if (name == "method") a.method = choice(r, e, ctx, aggregation_names);
    if (name == "min_coverage") a.min_coverage = number(r, e, ctx);
  }
  return a;
}

Settings read_settings(Reader& r, const Entry& e, const std::string& context) {
  Settings s;
  if (!is_map(r, e, context, "a mapping with the keys " + detail::join_words(section_keys))) return s;
  for (const auto& [name, entry] : r.entry_list(e.value, context, section_keys, {})) {
    if (name == "treatment") s.treatment = read_treatment(r, entry, context);
    if (name == "normalise") s.normalise = read_normalise(r, entry, context);
    if (name == "aggregate") s.aggregate = read_aggregate(r, entry, context);
    if (name == "weights") s.weights = choice(r, entry, context, weight_source_names);
  }
  return s;
}

PipelineSpec parse(Reader& r, std::string_view text) {
  PipelineSpec spec;
  spec.source = r.source();
  const auto root = r.root(text, pipeline_format);
  if (!root) return spec;
  const auto keys = r.entry_list(*root, "", top_keys, {});
  if (!r.reads_settings()) r.require_version(keys, *root, pipeline_format);  // settings are no file
  for (const auto& [name, e] : keys) {
    spec.where[name] = r.at(e.key);
    if (name == "doelenboom_pipeline") {
      r.check_version(e, pipeline_format);
    } else if (name == "treatment") {
      spec.treatment = read_treatment(r, e, "").over(spec.treatment);
    } else if (name == "normalise") {
      spec.normalise = read_normalise(r, e, "").over(spec.normalise);
    } else if (name == "aggregate") {
      spec.aggregate = read_aggregate(r, e, "").over(spec.aggregate);
    } else if (name == "weights") {
      if (const auto w = choice(r, e, "", weight_source_names)) spec.weights = *w;
    } else if (name == "confidence") {
      if (const auto c = number(r, e, "")) spec.confidence = *c;
    } else if (name == "unused_data") {
      if (const auto u = choice(r, e, "", unused_data_names)) spec.unused_data = *u;
    } else if (name == "levels" || name == "nodes") {
      if (!is_map(r, e, "", "a mapping from " + std::string(name == "levels" ? "level names" : "node ids") + " to settings")) continue;
      auto& target = name == "levels" ? spec.levels : spec.nodes;
      const std::string what = name == "levels" ? "level " : "node ";
      for (const auto& [id, section] : r.entry_list(e.value, name, any_key, {})) {
        spec.where[name + "/" + id] = r.at(section.key);
        target[id] = read_settings(r, section, what + squote(id));
      }
    } else if (name == "weight_overrides") {
      if (!is_map(r, e, "", "a mapping from parent ids to {child id: weight}")) continue;
      for (const auto& [parent, section] : r.entry_list(e.value, "weight_overrides", any_key, {})) {
        const std::string ctx = "weight_overrides: " + squote(parent);
        spec.where["weight_overrides/" + parent] = r.at(section.key);
        auto& weights = spec.weight_overrides[parent];
        if (!is_map(r, section, ctx, "a mapping from child ids to weights")) continue;
        for (const auto& [child, w] : r.entry_list(section.value, ctx, any_key, {})) {
          spec.where["weight_overrides/" + parent + "/" + child] = r.at(w.key);
          if (const auto x = number(r, w, ctx)) weights[child] = *x;
        }
      }
    }
  }
  return spec;
}

}  // namespace

PipelineSpec PipelineSpec::parse_yaml(std::string_view text, const std::string& source) {
  detail::require_utf8(text, source);
  Reader reader(source);
  PipelineSpec spec = parse(reader, text);
  throw_if_problems<ParseError>(reader.problems());
  return spec;
}

PipelineSpec PipelineSpec::load_yaml(const std::filesystem::path& path) {
  return parse_yaml(detail::read_file_bytes(path), path.string());
}

PipelineSpec PipelineSpec::from_settings(std::string_view text) {
  return detail::read_settings<PipelineError, Reader>(text, "pipeline", parse);
}

// ---------------------------------------------------------------------------------------------
// YAML writing

namespace {

void emit_number(YAML::Emitter& out, const char* key, double value) {
  out << YAML::Key << key << YAML::Value << detail::format_double(value);
}

void emit_treatment(YAML::Emitter& out, const TreatmentOverride& t) {
  out << YAML::BeginMap;
  if (t.denominator) out << YAML::Key << "denominator" << YAML::Value << YAML::DoubleQuoted << *t.denominator;
  if (t.denominator_scale) emit_number(out, "denominator_scale", *t.denominator_scale);
  if (t.imputation) out << YAML::Key << "imputation" << YAML::Value << std::string(to_string(*t.imputation));
  if (t.impute_group) out << YAML::Key << "impute_group" << YAML::Value << YAML::DoubleQuoted << *t.impute_group;
  if (t.outliers) out << YAML::Key << "outliers" << YAML::Value << std::string(to_string(*t.outliers));
  if (t.skew_threshold) emit_number(out, "skew_threshold", *t.skew_threshold);
  if (t.kurtosis_threshold) emit_number(out, "kurtosis_threshold", *t.kurtosis_threshold);
  if (t.winsorise_max) out << YAML::Key << "winsorise_max" << YAML::Value << *t.winsorise_max;
  out << YAML::EndMap;
}

void emit_normalise(YAML::Emitter& out, const NormaliseOverride& n) {
  out << YAML::BeginMap;
  if (n.method) out << YAML::Key << "method" << YAML::Value << std::string(to_string(*n.method));
  if (n.low) emit_number(out, "low", *n.low);
  if (n.high) emit_number(out, "high", *n.high);
  if (n.mean) emit_number(out, "mean", *n.mean);
  if (n.sd) emit_number(out, "sd", *n.sd);
  if (n.scope) out << YAML::Key << "scope" << YAML::Value << std::string(to_string(*n.scope));
  out << YAML::EndMap;
}

void emit_aggregate(YAML::Emitter& out, const AggregateOverride& a) {
  out << YAML::BeginMap;
  if (a.method) out << YAML::Key << "method" << YAML::Value << std::string(to_string(*a.method));
  if (a.min_coverage) emit_number(out, "min_coverage", *a.min_coverage);
  out << YAML::EndMap;
}

// Every field set, so that the global section is complete in the file.
TreatmentOverride full(const Treatment& t) {
  return {t.denominator, t.denominator_scale, t.imputation, t.impute_group,
          t.outliers,    t.skew_threshold,    t.kurtosis_threshold, t.winsorise_max};
}
NormaliseOverride full(const Normalise& n) { return {n.method, n.low, n.high, n.mean, n.sd, n.scope}; }
AggregateOverride full(const Aggregate& a) { return {a.method, a.min_coverage}; }

void emit_settings(YAML::Emitter& out, const std::map<std::string, Settings>& sections) {
  out << YAML::BeginMap;
  for (const auto& [id, s] : sections) {
    out << YAML::Key << id << YAML::Value << YAML::BeginMap;
    if (!s.treatment.empty()) {
      out << YAML::Key << "treatment" << YAML::Value << YAML::Flow;
      emit_treatment(out, s.treatment);
    }
    if (!s.normalise.empty()) {
      out << YAML::Key << "normalise" << YAML::Value << YAML::Flow;
      emit_normalise(out, s.normalise);
    }
    if (!s.aggregate.empty()) {
      out << YAML::Key << "aggregate" << YAML::Value << YAML::Flow;
      emit_aggregate(out, s.aggregate);
    }
    if (s.weights) out << YAML::Key << "weights" << YAML::Value << std::string(to_string(*s.weights));
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

}  // namespace

std::string PipelineSpec::to_yaml() const {
  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::Comment("doelenboom pipeline, file format version " + std::to_string(pipeline_format_version) +
                       " (docs/pipeline.md)");
  out << YAML::BeginMap;
  out << YAML::Key << "doelenboom_pipeline" << YAML::Value << pipeline_format_version;
  out << YAML::Key << "treatment" << YAML::Value;
  emit_treatment(out, full(treatment));
  out << YAML::Key << "normalise" << YAML::Value;
  emit_normalise(out, full(normalise));
  out << YAML::Key << "aggregate" << YAML::Value;
  emit_aggregate(out, full(aggregate));
  out << YAML::Key << "weights" << YAML::Value << std::string(to_string(weights));
  emit_number(out, "confidence", confidence);
  out << YAML::Key << "unused_data" << YAML::Value << std::string(to_string(unused_data));
  if (!levels.empty()) {
    out << YAML::Key << "levels" << YAML::Value;
    emit_settings(out, levels);
  }
  if (!nodes.empty()) {
    out << YAML::Key << "nodes" << YAML::Value;
    emit_settings(out, nodes);
  }
  if (!weight_overrides.empty()) {
    out << YAML::Key << "weight_overrides" << YAML::Value << YAML::BeginMap;
    for (const auto& [parent, children] : weight_overrides) {
      out << YAML::Key << parent << YAML::Value << YAML::Flow << YAML::BeginMap;
      for (const auto& [child, w] : children) emit_number(out, child.c_str(), w);
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  if (!out.good()) throw Error("cannot write the pipeline as YAML: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

void PipelineSpec::save_yaml(const std::filesystem::path& path) const { detail::write_file_atomically(path, to_yaml()); }

}  // namespace doelenboom
