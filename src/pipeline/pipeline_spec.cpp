// PipelineSpec: settings resolved node > level > global field by field, checks against a tree,
// and the YAML file (docs/pipeline.md) read with every problem at its file and line and written
// with yaml-cpp's emitter (numbers in their shortest round-trip form, so a round trip is exact).

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <ranges>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "io/data_io.hpp"
#include "doelenboom/pipeline.hpp"
#include "pipeline/pipeline_internal.hpp"
#include "core/utf8.hpp"
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
constexpr std::array<std::pair<NormaliseScope, std::string_view>, 2> scope_names{{
    {NormaliseScope::per_period, "per_period"},
    {NormaliseScope::all_periods, "all_periods"},
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
// Overrides and resolution

Treatment TreatmentOverride::over(Treatment base) const {
  if (denominator) base.denominator = *denominator;
  if (denominator_scale) base.denominator_scale = *denominator_scale;
  if (imputation) base.imputation = *imputation;
  if (impute_group) base.impute_group = *impute_group;
  if (outliers) base.outliers = *outliers;
  if (skew_threshold) base.skew_threshold = *skew_threshold;
  if (kurtosis_threshold) base.kurtosis_threshold = *kurtosis_threshold;
  if (winsorise_max) base.winsorise_max = *winsorise_max;
  return base;
}

Normalise NormaliseOverride::over(Normalise base) const {
  if (method) base.method = *method;
  if (low) base.low = *low;
  if (high) base.high = *high;
  if (mean) base.mean = *mean;
  if (sd) base.sd = *sd;
  if (scope) base.scope = *scope;
  return base;
}

Aggregate AggregateOverride::over(Aggregate base) const {
  if (method) base.method = *method;
  if (min_coverage) base.min_coverage = *min_coverage;
  return base;
}

namespace {

const Settings* level_settings(const PipelineSpec& spec, const GoalTree& tree, GoalTree::Index node) {
  const auto it = spec.levels.find(tree.node(node).level);
  return it == spec.levels.end() ? nullptr : &it->second;
}

const Settings* node_settings(const PipelineSpec& spec, const GoalTree& tree, GoalTree::Index node) {
  const auto it = spec.nodes.find(tree.node(node).id);
  return it == spec.nodes.end() ? nullptr : &it->second;
}

}  // namespace

Treatment PipelineSpec::treatment_of(const GoalTree& tree, GoalTree::Index node) const {
  Treatment t = treatment;
  if (const auto* s = level_settings(*this, tree, node)) t = s->treatment.over(t);
  if (const auto* s = node_settings(*this, tree, node)) t = s->treatment.over(t);
  return t;
}

Normalise PipelineSpec::normalise_of(const GoalTree& tree, GoalTree::Index node) const {
  Normalise n = normalise;
  if (const auto* s = level_settings(*this, tree, node)) n = s->normalise.over(n);
  if (const auto* s = node_settings(*this, tree, node)) n = s->normalise.over(n);
  return n;
}

Aggregate PipelineSpec::aggregate_of(const GoalTree& tree, GoalTree::Index node) const {
  Aggregate a = aggregate;
  if (const auto* s = level_settings(*this, tree, node)) a = s->aggregate.over(a);
  if (const auto* s = node_settings(*this, tree, node)) a = s->aggregate.over(a);
  return a;
}

WeightSource PipelineSpec::weights_of(const GoalTree& tree, GoalTree::Index node) const {
  WeightSource w = weights;
  if (const auto* s = level_settings(*this, tree, node); s && s->weights) w = *s->weights;
  if (const auto* s = node_settings(*this, tree, node); s && s->weights) w = *s->weights;
  return w;
}

std::vector<double> PipelineSpec::child_weights_of(const GoalTree& tree, GoalTree::Index node) const {
  const auto& children = tree.children(node);
  std::vector<double> w = weights_of(tree, node) == WeightSource::tree ? tree.child_weights(node)
                                                                       : std::vector<double>(children.size(), 1.0);
  if (const auto it = weight_overrides.find(tree.node(node).id); it != weight_overrides.end()) {
    for (std::size_t j = 0; j < children.size(); ++j) {
      if (const auto c = it->second.find(tree.node(children[j]).id); c != it->second.end()) w[j] = c->second;
    }
  }
  return w;
}

// ---------------------------------------------------------------------------------------------
// check()

namespace {

using detail::brief;
using detail::join_words;

bool uses_range(Normalisation m) noexcept {
  return m == Normalisation::minmax || m == Normalisation::goalposts || m == Normalisation::distance_to_target ||
         m == Normalisation::percentile_rank;
}

class Checker {
 public:
  Checker(const PipelineSpec& spec, const GoalTree& tree) : spec_(spec), tree_(tree) {}

  std::vector<Problem> run() {
    check_section("", Settings{}, true);
    if (!(spec_.confidence > 0.0 && spec_.confidence < 1.0)) {
      add("bad_value", "confidence", {}, "confidence " + brief(spec_.confidence) + " must lie strictly between 0 and 1");
    }
    for (const auto& [level, settings] : spec_.levels) {
      const std::string key = "levels/" + level;
      const auto& levels = tree_.levels();
      if (std::find(levels.begin(), levels.end(), level) == levels.end()) {
        add("unknown_level", key, {}, "level " + squote(level) + " is not a level of the tree (levels: " + join_words(levels) + ")");
        continue;
      }
      check_section(key, settings, false);
    }
    for (const auto& [id, settings] : spec_.nodes) {
      const std::string key = "nodes/" + id;
      const auto index = tree_.find(id);
      if (!index) {
        add("unknown_node", key, {id}, "node " + squote(id) + " is not in the tree");
        continue;
      }
      const bool indicator = tree_.node(*index).kind == NodeKind::indicator;
      if (!indicator && (!settings.treatment.empty() || !settings.normalise.empty())) {
        add("not_applicable", key, {id},
            "node " + squote(id) + " is a goal: treatment and normalisation apply to indicators only");
      }
      if (indicator && (!settings.aggregate.empty() || settings.weights)) {
        add("not_applicable", key, {id},
            "node " + squote(id) + " is an indicator: aggregation and weights apply to goals only");
      }
      check_section(key, settings, false, *index);
    }
    check_weights();
    return std::move(problems_);
  }

 private:
  const PipelineSpec& spec_;
  const GoalTree& tree_;
  std::vector<Problem> problems_;

  Location where(const std::string& key) const {
    if (const auto it = spec_.where.find(key); it != spec_.where.end()) return it->second;
    return Location{spec_.source, 0, 0, {}};
  }

  // "pipeline, node 'x': what" (or "pipeline: what" for the global sections).
  void add(std::string code, const std::string& key, std::vector<std::string> ids, const std::string& what) {
    std::string context = "pipeline";
    if (key.rfind("levels/", 0) == 0) context += ", level " + squote(key.substr(7));
    if (key.rfind("nodes/", 0) == 0) context += ", node " + squote(key.substr(6));
    if (key.rfind("weight_overrides/", 0) == 0) context += ", weight_overrides";
    problems_.push_back(make_problem(std::move(code), where(key), std::move(ids), context + ": " + what));
  }

  // The fields a section sets (or, for the global section, all of them), and the relations of the
  // effective values where the section sets one of the fields involved.
  void check_section(const std::string& key, const Settings& s, bool global, std::optional<GoalTree::Index> node = {}) {
    const std::vector<std::string> ids = node ? std::vector<std::string>{tree_.node(*node).id} : std::vector<std::string>{};
    const std::string tkey = key.empty() ? "treatment" : key;
    const std::string nkey = key.empty() ? "normalise" : key;
    const std::string akey = key.empty() ? "aggregate" : key;
    // Effective values: section over level (for a node) over global.
    Treatment t = spec_.treatment;
    Normalise n = spec_.normalise;
    Aggregate a = spec_.aggregate;
    if (node) {
      if (const auto* l = level_settings(spec_, tree_, *node)) {
        t = l->treatment.over(t);
        n = l->normalise.over(n);
        a = l->aggregate.over(a);
      }
    }
    t = s.treatment.over(t);
    n = s.normalise.over(n);
    a = s.aggregate.over(a);

    const auto& st = s.treatment;
    if ((global || st.denominator_scale) && !(std::isfinite(t.denominator_scale) && t.denominator_scale > 0.0)) {
      add("bad_value", tkey, ids, "treatment: denominator_scale " + brief(t.denominator_scale) + " must be a positive number");
    }
    if ((global || st.skew_threshold) && !(std::isfinite(t.skew_threshold) && t.skew_threshold >= 0.0)) {
      add("bad_value", tkey, ids, "treatment: skew_threshold " + brief(t.skew_threshold) + " must be a number >= 0");
    }
    if ((global || st.kurtosis_threshold) && !std::isfinite(t.kurtosis_threshold)) {
      add("bad_value", tkey, ids, "treatment: kurtosis_threshold must be a finite number");
    }
    if ((global || st.winsorise_max) && t.winsorise_max < 0) {
      add("bad_value", tkey, ids, "treatment: winsorise_max " + std::to_string(t.winsorise_max) + " must be >= 0");
    }
    if ((global || st.imputation || st.impute_group) && t.imputation == Imputation::group_mean && t.impute_group.empty()) {
      add("bad_value", tkey, ids, "treatment: imputation group_mean needs impute_group (a unit attribute such as size_class or province)");
    }

    const auto& sn = s.normalise;
    for (const auto& [value, name, set] : {std::tuple{n.low, "low", sn.low.has_value()}, std::tuple{n.high, "high", sn.high.has_value()},
                                           std::tuple{n.mean, "mean", sn.mean.has_value()}}) {
      if ((global || set) && !std::isfinite(value)) {
        add("bad_value", nkey, ids, std::string("normalise: ") + name + " must be a finite number");
      }
    }
    if ((global || sn.sd) && !(std::isfinite(n.sd) && n.sd > 0.0)) {
      add("bad_value", nkey, ids, "normalise: sd " + brief(n.sd) + " must be a positive number");
    }
    if ((global || sn.low || sn.high || sn.method) && uses_range(n.method) && std::isfinite(n.low) &&
        std::isfinite(n.high) && !(n.low < n.high)) {
      add("bad_value", nkey, ids,
          "normalise: " + std::string(to_string(n.method)) + " needs low < high, found low " + brief(n.low) + " and high " +
              brief(n.high));
    }
    if ((global || s.aggregate.min_coverage) && !(a.min_coverage > 0.0 && a.min_coverage <= 1.0)) {
      add("bad_value", akey, ids, "aggregate: min_coverage " + brief(a.min_coverage) + " must lie in (0, 1]");
    }
  }

  void check_weights() {
    for (const auto& [parent, children] : spec_.weight_overrides) {
      const std::string key = "weight_overrides/" + parent;
      const auto index = tree_.find(parent);
      if (!index) {
        add("unknown_node", key, {parent}, "parent " + squote(parent) + " is not in the tree");
        continue;
      }
      if (tree_.node(*index).kind == NodeKind::indicator) {
        add("not_applicable", key, {parent}, squote(parent) + " is an indicator and has no children to weigh");
        continue;
      }
      const auto& kids = tree_.children(*index);
      for (const auto& [child, weight] : children) {
        const std::string ckey = key + "/" + child;
        const bool is_child = std::any_of(kids.begin(), kids.end(), [&](auto k) { return tree_.node(k).id == child; });
        if (!is_child) {
          std::vector<std::string> names;
          for (const auto k : kids) names.push_back(tree_.node(k).id);
          add("unknown_child", ckey, {parent, child},
              squote(child) + " is not a child of " + squote(parent) + " (children: " + join_words(names) + ")");
        } else if (!(std::isfinite(weight) && weight >= 0.0)) {
          add("bad_weight", ckey, {parent, child},
              "the weight of " + squote(child) + " under " + squote(parent) + " is " + brief(weight) +
                  "; expected a finite number >= 0");
        }
      }
    }
    for (GoalTree::Index v = 0; v < tree_.size(); ++v) {
      if (tree_.node(v).kind != NodeKind::goal || tree_.children(v).empty()) continue;
      const auto w = spec_.child_weights_of(tree_, v);
      double total = 0.0;
      bool finite = true;
      for (const double x : w) {
        finite = finite && std::isfinite(x) && x >= 0.0;
        total += x;
      }
      if (finite && !(total > 0.0)) {
        const auto& id = tree_.node(v).id;
        add("zero_weights", spec_.weight_overrides.contains(id) ? "weight_overrides/" + id : "nodes/" + id, {id},
            "every child of " + squote(id) + " has weight 0; at least one must be positive");
      }
    }
  }
};

}  // namespace

std::vector<Problem> PipelineSpec::check(const GoalTree& tree) const { return Checker(*this, tree).run(); }

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

std::optional<int> integer(Reader& r, const Entry& e, const std::string& context) {
  const auto t = r.text(e, context, {});
  if (!t) return std::nullopt;
  int value = 0;
  const auto* end = t->data() + t->size();
  const auto [ptr, ec] = std::from_chars(t->data(), end, value);
  if (ec == std::errc() && ptr == end && !t->empty()) return value;
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
  r.require_version(keys, *root, pipeline_format);
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
