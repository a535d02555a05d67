// SensitivitySpec: the names of its enums and check(), which names every problem of a spec
// against a tree and the nominal pipeline spec (field, value and what was expected).

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "doelenboom/sensitivity.hpp"
#include "pipeline/pipeline_internal.hpp"
#include "sensitivity/sensitivity_internal.hpp"
#include "core/diagnostics.hpp"

namespace doelenboom {

std::string_view to_string(SamplingFactors v) noexcept {
  switch (v) {
    case SamplingFactors::off: return "off";
    case SamplingFactors::one: return "one";
    case SamplingFactors::per_indicator: return "per_indicator";
  }
  return "?";
}

std::optional<SamplingFactors> parse_sampling_factors(std::string_view text) noexcept {
  for (const auto v : {SamplingFactors::off, SamplingFactors::one, SamplingFactors::per_indicator}) {
    if (text == to_string(v)) return v;
  }
  return std::nullopt;
}

std::string_view to_string(DesignBlock v) noexcept {
  switch (v) {
    case DesignBlock::monte_carlo: return "MC";
    case DesignBlock::a: return "A";
    case DesignBlock::b: return "B";
    case DesignBlock::ab: return "AB";
  }
  return "?";
}

namespace {

using detail::brief;
using detail::squote;

class SpecChecker {
 public:
  SpecChecker(const SensitivitySpec& spec, const GoalTree& tree, const PipelineSpec& nominal)
      : spec_(spec), tree_(tree), nominal_(nominal) {}

  std::vector<Problem> run() {
    check_noise();
    check_weight_sets();
    check_alternatives();
    check_leave_out();
    check_targets();
    check_numbers();
    return std::move(problems_);
  }

 private:
  const SensitivitySpec& spec_;
  const GoalTree& tree_;
  const PipelineSpec& nominal_;
  std::vector<Problem> problems_;

  static Problem problem(const std::string& code, const std::string& field, std::vector<std::string> ids, const std::string& what) {
    return detail::pipeline_problem(code, std::move(ids), "sensitivity: " + field + ": " + what);
  }
  void add(const std::string& code, const std::string& field, std::vector<std::string> ids, const std::string& what) {
    problems_.push_back(problem(code, field, std::move(ids), what));
  }

  [[nodiscard]] bool is_goal(GoalTree::Index v) const { return tree_.node(v).kind != NodeKind::indicator; }

  void check_fraction(const std::string& field, const std::string& id, double f) {
    if (!(std::isfinite(f) && f >= 0.0 && f < 1.0)) {
      add("bad_value", field, {id}, "the noise of " + squote(id) + " is " + brief(f) +
                                        "; expected a relative half-width f in [0, 1) (weights times U(1 - f, 1 + f))");
    }
  }

  void check_noise() {
    const auto& levels = tree_.levels();
    for (const auto& [level, f] : spec_.level_weight_noise) {
      check_fraction("level_weight_noise", level, f);
      if (std::find(levels.begin(), levels.end(), level) == levels.end()) {
        add("unknown_level", "level_weight_noise", {level},
            squote(level) + " is not a level of the tree (levels: " + detail::join_words(levels) + ")");
        continue;
      }
      bool any = false;
      for (const auto v : tree_.nodes_at_level(level)) {
        any = any || (is_goal(v) && !spec_.node_weight_noise.contains(tree_.node(v).id));
      }
      if (!any) {
        add("empty_factor", "level_weight_noise", {level},
            "level " + squote(level) + " has no goal whose weights the noise could vary (indicators have no children; "
            "goals with their own node_weight_noise take that)");
      }
    }
    for (const auto& [id, f] : spec_.node_weight_noise) {
      check_fraction("node_weight_noise", id, f);
      const auto v = tree_.find(id);
      if (!v) {
        add("unknown_node", "node_weight_noise", {id}, squote(id) + " is not a node of the tree");
      } else if (!is_goal(*v)) {
        add("not_a_goal", "node_weight_noise", {id}, squote(id) + " is an indicator; weight noise applies to the children of goals");
      }
    }
  }

  void check_weight_sets() {
    if (spec_.weight_sets.empty()) return;
    if (!spec_.level_weight_noise.empty() || !spec_.node_weight_noise.empty()) {
      add("conflict", "weight_sets", {}, "explicit weight sets cannot be combined with weight noise (give one or the other)");
    }
    if (spec_.sobol) {
      add("conflict", "weight_sets", {}, "explicit weight sets are a Monte Carlo design: set sobol to false");
    }
    if (spec_.replications != spec_.weight_sets.size()) {
      add("bad_value", "replications", {}, std::to_string(spec_.replications) + " replications but " +
                                               std::to_string(spec_.weight_sets.size()) +
                                               " weight sets; with weight sets there is one run per set");
    }
    // One problem per set and child at most, and there may be a set per run: capped per kind.
    detail::ProblemSink sink{problems_, {}, "sensitivity: weight_sets: "};
    const auto report = [&](const std::string& code, std::size_t set, std::vector<std::string> ids, const std::string& what) {
      sink.add(problem(code, "weight_sets[" + std::to_string(set) + "]", std::move(ids), what));
    };
    for (std::size_t s = 0; s < spec_.weight_sets.size(); ++s) {
      for (const auto& [parent, children] : spec_.weight_sets[s]) {
        const auto p = tree_.find(parent);
        if (!p || !is_goal(*p)) {
          report("unknown_node", s, {parent}, squote(parent) + (p ? " is an indicator, not a goal" : " is not a node of the tree"));
          continue;
        }
        std::vector<double> w = nominal_.child_weights_of(tree_, *p);
        const auto& kids = tree_.children(*p);
        bool fine = true;
        for (const auto& [child, x] : children) {
          const auto c = tree_.find(child);
          const auto at = c ? std::find(kids.begin(), kids.end(), *c) : kids.end();
          if (at == kids.end()) {
            report("unknown_child", s, {parent, child}, squote(child) + " is not a child of " + squote(parent));
            fine = false;
          } else if (!(std::isfinite(x) && x >= 0.0)) {
            report("bad_weight", s, {parent, child}, "the weight of " + squote(child) + " in " + squote(parent) + " is " + brief(x) +
                                                         "; expected a finite number >= 0");
            fine = false;
          } else {
            w[static_cast<std::size_t>(at - kids.begin())] = x;
          }
        }
        double total = 0.0;
        for (const double x : w) total += x;
        if (fine && !(total > 0.0)) report("zero_weights", s, {parent}, "every child of " + squote(parent) + " has weight 0");
      }
    }
    sink.finish();
  }

  // Each list: empty (not varied) or at least two different alternatives; every alternative
  // must make a valid spec.
  template <class T, class Apply, class Name>
  void alternatives(const std::vector<T>& list, const std::string& field, Apply apply, Name name) {
    if (list.empty()) return;
    if (list.size() == 1) {
      add("too_few", field, {}, "one alternative (" + name(list[0]) +
                                    ") is not a factor; give at least two, or change the pipeline instead");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (list[i] == list[j]) {
          add("duplicate", field, {}, "alternative " + std::to_string(i) + " (" + name(list[i]) + ") repeats alternative " +
                                          std::to_string(j));
        }
      }
      PipelineSpec variant = nominal_;
      apply(variant, list[i]);
      for (const auto& p : variant.check(tree_)) {
        add("bad_alternative", field + "[" + std::to_string(i) + "]", p.ids, name(list[i]) + ": " + p.message);
      }
    }
  }

  void check_alternatives() {
    if (!nominal_.check(tree_).empty()) return;  // reported by run_pipeline's own check
    alternatives(spec_.normalisations, "normalisations", [](PipelineSpec& s, const Normalise& n) { s.normalise = n; },
                 [](const Normalise& n) { return std::string(to_string(n.method)); });
    alternatives(spec_.aggregations, "aggregations", [](PipelineSpec& s, Aggregation a) { s.aggregate.method = a; },
                 [](Aggregation a) { return std::string(to_string(a)); });
    alternatives(spec_.imputations, "imputations", [](PipelineSpec& s, Imputation i) { s.treatment.imputation = i; },
                 [](Imputation i) { return std::string(to_string(i)); });
    alternatives(spec_.outliers, "outliers", [](PipelineSpec& s, OutlierMethod o) { s.treatment.outliers = o; },
                 [](OutlierMethod o) { return std::string(to_string(o)); });
  }

  // A node id listed under `field`: none (with a problem) when it was listed before or is unknown.
  std::optional<GoalTree::Index> listed_node(const std::string& id, const std::string& field, std::set<std::string>& seen) {
    if (!seen.insert(id).second) {
      add("duplicate", field, {id}, squote(id) + " is listed twice");
      return std::nullopt;
    }
    const auto v = tree_.find(id);
    if (!v) add("unknown_node", field, {id}, squote(id) + " is not a node of the tree");
    return v;
  }

  void check_leave_out() {
    std::set<std::string> seen;
    for (const auto& id : spec_.leave_out) {
      const auto v = listed_node(id, "leave_out", seen);
      if (!v) continue;
      if (tree_.parents(*v).empty()) {
        add("no_parent", "leave_out", {id}, squote(id) + " has no parent, so leaving it out changes nothing");
        continue;
      }
      for (const auto p : tree_.parents(*v)) {
        const auto& kids = tree_.children(p);
        const auto w = nominal_.child_weights_of(tree_, p);
        double rest = 0.0;
        for (std::size_t j = 0; j < kids.size(); ++j) {
          if (kids[j] != *v && std::isfinite(w[j])) rest += w[j];
        }
        if (!(rest > 0.0)) {
          add("zero_weights", "leave_out", {id, tree_.node(p).id},
              "leaving out " + squote(id) + " leaves " + squote(tree_.node(p).id) +
                  " without a child of positive weight; remove it from the candidates");
        }
      }
    }
  }

  void check_targets() {
    std::set<std::string> seen;
    for (const auto& id : spec_.targets) {
      const auto v = listed_node(id, "targets", seen);
      if (v && !is_goal(*v)) {
        add("not_a_goal", "targets", {id}, squote(id) + " is an indicator; targets are goals");
      }
    }
    const auto roots = tree_.roots();
    if (spec_.targets.empty() && std::none_of(roots.begin(), roots.end(), [&](auto v) { return is_goal(v); })) {
      add("no_target", "targets", {}, "the tree has no goal at its top; name the target goals");
    }
  }

  void check_numbers() {
    if (spec_.replications < 2) {
      add("bad_value", "replications", {}, std::to_string(spec_.replications) + " replications; expected at least 2");
    }
    if (!(spec_.confidence > 0.0 && spec_.confidence < 1.0)) {
      add("bad_value", "confidence", {}, "confidence " + brief(spec_.confidence) + " must lie strictly between 0 and 1");
    }
    const bool varies = !spec_.level_weight_noise.empty() || !spec_.node_weight_noise.empty() || !spec_.weight_sets.empty() ||
                        !spec_.normalisations.empty() || !spec_.aggregations.empty() || !spec_.imputations.empty() ||
                        !spec_.outliers.empty() || !spec_.leave_out.empty() || spec_.sampling != SamplingFactors::off;
    if (!varies) add("nothing_varies", "vary", {}, "nothing varies: give weight noise, weight sets, alternatives, leave_out or sampling");
  }
};

}  // namespace

std::vector<Problem> SensitivitySpec::check(const GoalTree& tree, const PipelineSpec& nominal) const {
  return SpecChecker(*this, tree, nominal).run();
}

}  // namespace doelenboom
