// The runs of a sensitivity analysis (sensitivity_engine.hpp): the data loaded once, the plans per
// combination of alternatives and per goal, then every run in parallel.

#include "sensitivity/sensitivity_engine.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/aggregate.hpp"
#include "pipeline/normalise.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"

namespace doelenboom::detail {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
using Index = Eigen::Index;

// Ranks per period among units (1 = best, ties the lowest rank, missing NaN): as PipelineResult::ranks.
void rank_units(const double* scores, std::size_t units, std::size_t periods, std::size_t period, double* ranks,
                std::vector<std::pair<double, std::size_t>>& present) {
  present.clear();
  for (std::size_t u = 0; u < units; ++u) {
    const std::size_t r = u * periods + period;
    if (scores[r] == scores[r]) present.emplace_back(scores[r], r);
    ranks[r] = nan;
  }
  std::sort(present.begin(), present.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; k < present.size(); ++k) {
    const bool tie = k > 0 && present[k].first == present[k - 1].first;
    ranks[present[k].second] = tie ? ranks[present[k - 1].second] : static_cast<double>(k + 1);
  }
}

}  // namespace

void throw_prefixed(const std::vector<Problem>& problems, const std::string& prefix) {
  if (problems.empty()) return;
  std::vector<Problem> named = problems;
  for (auto& p : named) p.message = prefix + p.message;
  throw_if_problems<PipelineError>(named);
}

// Per worker thread: everything a run writes besides its result slots.
struct SensitivityEngine::Workspace {
  ReplicationChoices choices;
  Eigen::MatrixXd goals;  // rows x goal slots
  std::vector<double> weights;
  std::vector<const double*> children;
  AggregateScratch scratch;
  std::vector<Problem> problems;
  Eigen::MatrixXd value, se, normalised;
  Eigen::VectorXd factor;
  std::vector<AuditRecord> audit;
  std::vector<std::pair<double, std::size_t>> present;
  std::vector<double> ranks;
};

SensitivityEngine::SensitivityEngine(const GoalTree& tree, const Dataset& data, const Design& design,
                                     const RunContext& context, const RowLayout& layout, std::vector<char> used)
    : tree_(&tree), data_(&data), design_(&design), context_(&context), layout_(layout), used_(std::move(used)) {
  const auto rows = static_cast<Index>(layout_.rows());
  const std::size_t periods = layout_.period_count();
  column_of_node_.assign(tree.size(), -1);
  for (GoalTree::Index v = 0; v < tree.size(); ++v) {
    if (tree.node(v).kind != NodeKind::indicator) continue;
    column_of_node_[v] = static_cast<Index>(indicators_.size());
    indicators_.push_back(v);
  }
  const auto n_ind = static_cast<Index>(indicators_.size());
  column_of_.assign(data.indicators().size(), -1);
  for (std::size_t i = 0; i < used_.size(); ++i) {
    if (used_[i] != 0) column_of_[i] = column_of_node_[tree.index_of(data.indicators()[i])];
  }
  raw_ = Eigen::MatrixXd::Constant(rows, n_ind, nan);
  raw_se_ = Eigen::MatrixXd::Constant(rows, n_ind, nan);
  for (std::size_t k = 0; k < data.size(); ++k) {
    const Index c = column_of_[static_cast<std::size_t>(data.indicator_codes()[static_cast<Index>(k)])];
    if (c < 0) continue;
    const Index r = data.unit_codes()[static_cast<Index>(k)] * static_cast<Index>(periods) + data.period_codes()[static_cast<Index>(k)];
    raw_(r, c) = data.values()[static_cast<Index>(k)];
    raw_se_(r, c) = data.se()[static_cast<Index>(k)];
    if (!std::isfinite(data.se()[static_cast<Index>(k)])) ++unperturbed_;
  }
}

std::size_t SensitivityEngine::combination(const ReplicationChoices& c) const {
  return ((c.imputation.value_or(0) * outliers_) + c.outliers.value_or(0)) * normalisations_ + c.normalisation.value_or(0);
}

// Treat and normalise every indicator: value and se are consumed (treated in place).
void SensitivityEngine::prepare(std::size_t combo, Eigen::MatrixXd& value, Eigen::MatrixXd& se, Eigen::MatrixXd& out,
                                Eigen::VectorXd& factor, std::vector<AuditRecord>& audit,
                                std::vector<Problem>& problems) const {
  const auto& plan = plans_[combo];
  for (std::size_t c = 0; c < plan.size(); ++c) {
    if (plan[c].identity) continue;
    const auto col = static_cast<Index>(c);
    treat_indicator(tree_->node(plan[c].node).id, plan[c].treatment, layout_, context_->units, value.col(col), se.col(col),
                    audit, problems);
  }
  if (!problems.empty()) return;
  out.resize(value.rows(), value.cols());
  for (std::size_t c = 0; c < plan.size(); ++c) {
    const auto col = static_cast<Index>(c);
    normalise_indicator(tree_->node(plan[c].node).id, plan[c].normalise, plan[c].direction, plan[c].definition, layout_,
                        value.col(col), out.col(col), factor, problems);
  }
}

void SensitivityEngine::plan_combinations(const PipelineSpec& nominal, const SensitivitySpec& spec,
                                          const std::function<bool()>& cancelled) {
  const GoalTree& tree = *tree_;
  imputations_ = std::max<std::size_t>(1, spec.imputations.size());
  outliers_ = std::max<std::size_t>(1, spec.outliers.size());
  normalisations_ = std::max<std::size_t>(1, spec.normalisations.size());
  sampling_ = spec.sampling != SamplingFactors::off;
  const std::size_t combos = imputations_ * outliers_ * normalisations_;
  std::vector<ReplicationChoices> combo_choices(combos);
  plans_.resize(combos);
  for (std::size_t i = 0; i < imputations_; ++i) {
    for (std::size_t o = 0; o < outliers_; ++o) {
      for (std::size_t n = 0; n < normalisations_; ++n) {
        ReplicationChoices c;
        PipelineSpec variant = nominal;
        if (!spec.imputations.empty()) variant.treatment.imputation = spec.imputations[*(c.imputation = i)];
        if (!spec.outliers.empty()) variant.treatment.outliers = spec.outliers[*(c.outliers = o)];
        if (!spec.normalisations.empty()) variant.normalise = spec.normalisations[*(c.normalisation = n)];
        const std::size_t combo = combination(c);
        for (const auto v : indicators_) {
          IndicatorPlan p;
          p.node = v;
          p.treatment = variant.treatment_of(tree, v);
          p.identity = is_identity(p.treatment);
          p.normalise = variant.normalise_of(tree, v);
          p.definition = context_->indicators ? context_->indicators->find(tree.node(v).id) : nullptr;
          p.direction = p.definition ? p.definition->direction : tree.node(v).direction;
          plans_[combo].push_back(std::move(p));
        }
        combo_choices[combo] = std::move(c);
      }
    }
  }
  if (sampling_) return;
  normalised_.resize(combos);
  std::vector<std::vector<Problem>> problems(combos);
  const auto rows = static_cast<Index>(layout_.rows());
  parallel_blocks(combos, 1, spec.threads, cancelled, [&](unsigned, std::size_t begin, std::size_t end, const std::atomic<bool>&) {
    Eigen::VectorXd factor(rows);
    std::vector<AuditRecord> audit;
    for (std::size_t combo = begin; combo < end; ++combo) {
      Eigen::MatrixXd value = raw_, se = raw_se_;
      prepare(combo, value, se, normalised_[combo], factor, audit, problems[combo]);
      audit.clear();
    }
  });
  for (std::size_t combo = 0; combo < combos; ++combo) {
    const std::string choices = describe_choices(tree, *design_, combo_choices[combo]);
    throw_prefixed(problems[combo], choices.empty() ? "" : "with " + choices + ": ");
  }
}

void SensitivityEngine::plan_goals(const PipelineSpec& nominal, const SensitivitySpec& spec,
                                   const std::vector<GoalTree::Index>& targets) {
  const GoalTree& tree = *tree_;
  // Goals the targets depend on, leaves first.
  std::vector<char> needed(tree.size(), 0);
  for (const auto t : targets) {
    needed[t] = 1;
    for (const auto d : tree.descendants(t)) needed[d] = 1;
  }
  std::vector<std::size_t> slot_of(tree.size(), 0);
  for (const auto v : tree.topological_order()) {
    if (needed[v] == 0 || tree.node(v).kind == NodeKind::indicator) continue;
    slot_of[v] = goals_.size();
    GoalPlan g;
    g.node = v;
    g.weights = nominal.child_weights_of(tree, v);
    for (const auto c : tree.children(v)) {
      g.children.push_back(tree.node(c).kind == NodeKind::indicator
                               ? Source{true, static_cast<std::size_t>(column_of_node_[c])}
                               : Source{false, slot_of[c]});
    }
    goals_.push_back(std::move(g));
  }
  for (std::size_t k = 0; k < design_->edges.size(); ++k) {
    const auto& edge = design_->edges[k];
    if (needed[edge.parent] != 0) goals_[slot_of[edge.parent]].varied.emplace_back(edge.position, k);
  }
  for (const auto v : design_->leave_out_nodes) {
    std::vector<std::pair<std::size_t, std::size_t>> into;
    for (const auto p : tree.parents(v)) {
      if (needed[p] == 0) continue;
      const auto& kids = tree.children(p);
      into.emplace_back(slot_of[p], static_cast<std::size_t>(std::find(kids.begin(), kids.end(), v) - kids.begin()));
    }
    leave_out_.push_back(std::move(into));
  }
  for (std::size_t a = 0; a < std::max<std::size_t>(1, spec.aggregations.size()); ++a) {
    PipelineSpec variant = nominal;
    if (!spec.aggregations.empty()) variant.aggregate.method = spec.aggregations[a];
    std::vector<Aggregate> per_goal;
    for (const auto& g : goals_) per_goal.push_back(variant.aggregate_of(tree, g.node));
    aggregates_.push_back(std::move(per_goal));
  }
  for (const auto t : targets) target_goal_.push_back(slot_of[t]);
}

void SensitivityEngine::fail(std::size_t run, const ReplicationChoices& c, const std::vector<Problem>& problems) const {
  throw_prefixed(problems, "sensitivity run " + std::to_string(run) + " (" + describe_choices(*tree_, *design_, c) + "): ");
}

const Eigen::MatrixXd& SensitivityEngine::normalised_of(std::size_t run, Workspace& w) const {
  const ReplicationChoices& c = w.choices;
  const std::size_t combo = combination(c);
  if (!sampling_) return normalised_[combo];
  const int* data_indicator = data_->indicator_codes().data();
  const int* data_unit = data_->unit_codes().data();
  const int* data_period = data_->period_codes().data();
  const double* data_value = data_->values().data();
  const double* data_se = data_->se().data();
  const auto periods = static_cast<Index>(layout_.period_count());
  w.value = raw_;
  w.se = raw_se_;
  for_each_draw(*data_, used_, *design_, c, [&](std::size_t k, double z) {
    if (!std::isfinite(data_se[k])) return;
    const Index col = column_of_[static_cast<std::size_t>(data_indicator[k])];
    w.value(data_unit[k] * periods + data_period[k], col) = data_value[k] + data_se[k] * z;
  });
  w.factor.resize(static_cast<Index>(layout_.rows()));
  w.problems.clear();
  prepare(combo, w.value, w.se, w.normalised, w.factor, w.audit, w.problems);
  w.audit.clear();
  if (!w.problems.empty()) fail(run, c, w.problems);
  return w.normalised;
}

void SensitivityEngine::aggregate_run(std::size_t run, Workspace& w, const Eigen::MatrixXd& normalised) const {
  const ReplicationChoices& c = w.choices;
  const auto& aggregates = aggregates_[c.aggregation.value_or(0)];
  for (std::size_t g = 0; g < goals_.size(); ++g) {
    const GoalPlan& goal = goals_[g];
    w.weights = goal.weights;
    for (const auto& [position, edge] : goal.varied) w.weights[position] = c.weights[edge];
    if (c.leave_out) {
      for (const auto& [slot, position] : leave_out_[*c.leave_out]) {
        if (slot == g) w.weights[position] = 0.0;
      }
    }
    const double total = std::accumulate(w.weights.begin(), w.weights.end(), 0.0);
    if (!(total > 0.0)) {
      const auto& id = tree_->node(goal.node).id;
      fail(run, c, {pipeline_problem("zero_weights", {id}, "every child of " + squote(id) + " has weight 0")});
    }
    for (double& x : w.weights) x /= total;
    w.children.clear();
    for (const auto& s : goal.children) {
      w.children.push_back(s.indicator ? normalised.col(static_cast<Index>(s.index)).data()
                                       : w.goals.col(static_cast<Index>(s.index)).data());
    }
    w.problems.clear();
    aggregate_scores(*tree_, goal.node, aggregates[g], w.weights, layout_, w.children, w.goals.col(static_cast<Index>(g)),
                     w.scratch, w.problems);
    if (!w.problems.empty()) fail(run, c, w.problems);
  }
}

void SensitivityEngine::record_run(std::size_t run, Workspace& w, const Eigen::MatrixXd& nominal_ranks, RunOutputs& out) const {
  const auto rows = static_cast<Index>(layout_.rows());
  const std::size_t units = layout_.unit_count(), periods = layout_.period_count();
  const auto r = static_cast<Index>(run);
  for (std::size_t t = 0; t < target_goal_.size(); ++t) {
    const double* s = w.goals.col(static_cast<Index>(target_goal_[t])).data();
    const Index base = static_cast<Index>(t) * rows;
    for (Index row = 0; row < rows; ++row) out.scores(r, base + row) = s[row];
    for (std::size_t p = 0; p < periods; ++p) {
      rank_units(s, units, periods, p, w.ranks.data(), w.present);
      double shift = 0.0;
      std::size_t count = 0;
      for (std::size_t u = 0; u < units; ++u) {
        const std::size_t row = u * periods + p;
        const double nominal_rank = nominal_ranks(static_cast<Index>(row), static_cast<Index>(t));
        out.ranks(r, base + static_cast<Index>(row)) = w.ranks[row];
        if (w.ranks[row] == w.ranks[row] && nominal_rank == nominal_rank) {
          shift += std::abs(w.ranks[row] - nominal_rank);
          ++count;
        }
      }
      out.rank_shift(r, static_cast<Index>(t * periods + p)) = count > 0 ? shift / static_cast<double>(count) : nan;
    }
  }
}

RunOutputs SensitivityEngine::run_all(const SensitivitySpec& spec, const Eigen::MatrixXd& nominal_ranks,
                                      const std::function<bool()>& cancelled) const {
  const std::size_t runs = design_->runs;
  const auto rows = static_cast<Index>(layout_.rows());
  const auto out_cols = static_cast<Index>(target_goal_.size() * layout_.rows());
  RunOutputs out;
  out.scores.resize(static_cast<Index>(runs), out_cols);
  out.ranks.resize(static_cast<Index>(runs), out_cols);
  out.rank_shift.resize(static_cast<Index>(runs), static_cast<Index>(target_goal_.size() * layout_.period_count()));
  const unsigned workers = worker_count(spec.threads, runs);
  std::vector<Workspace> spaces(workers);
  const std::size_t block = std::clamp<std::size_t>(runs / (static_cast<std::size_t>(workers) * 8), 1, 64);
  parallel_blocks(runs, block, spec.threads, cancelled,
                  [&](unsigned worker, std::size_t begin, std::size_t end, const std::atomic<bool>& stop) {
    Workspace& w = spaces[worker];
    w.goals.resize(rows, static_cast<Index>(goals_.size()));
    w.ranks.resize(static_cast<std::size_t>(rows));
    for (std::size_t run = begin; run < end && !stop.load(std::memory_order_relaxed); ++run) {
      design_->decode(run, w.choices);
      aggregate_run(run, w, normalised_of(run, w));
      record_run(run, w, nominal_ranks, out);
    }
  });
  return out;
}

}  // namespace doelenboom::detail
