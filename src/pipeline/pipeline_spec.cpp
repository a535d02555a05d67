// PipelineSpec: settings resolved node > level > global field by field, and the checks of a spec
// against a tree (every problem at the file and line where the setting was given, when read from
// a file). The settings' file format and names are in pipeline_yaml.cpp.

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/diagnostics.hpp"
#include "doelenboom/pipeline.hpp"

namespace doelenboom {

using detail::squote;

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

std::vector<std::string> PipelineSpec::rescaled_each_period(const GoalTree& tree) const {
  std::vector<std::string> out;
  for (GoalTree::Index v = 0; v < tree.size(); ++v) {
    if (tree.node(v).kind != NodeKind::indicator) continue;
    const Normalise n = normalise_of(tree, v);
    const bool fixed = n.method == Normalisation::goalposts || n.method == Normalisation::none;
    if (n.scope == NormaliseScope::per_period && !fixed) out.push_back(tree.node(v).id);
  }
  return out;
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
    if ((global || sn.scope || sn.method) && n.scope == NormaliseScope::reference &&
        (n.method == Normalisation::rank || n.method == Normalisation::percentile_rank)) {
      add("bad_value", nkey, ids,
          "normalise: " + std::string(to_string(n.method)) +
              " has no fixed scale (a rank is relative to the units of its own period): use scope per_period or "
              "all_periods, or a method with a scale (minmax, goalposts, zscore, distance_to_target)");
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

}  // namespace doelenboom
