// run_sensitivity: the nominal run, then every run of the design in parallel. The expensive
// stages that do not depend on the weights (treatment and normalisation) are computed once per
// combination of imputation, outlier method and normalisation; a run then only re-weights and
// aggregates the goals its targets depend on, without standard errors or gradients, and ranks the
// units per period. With sampling uncertainty every run treats and normalises its own perturbed
// values. Then the distributions per unit and the Sobol indices.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "doelenboom/sensitivity.hpp"
#include "pipeline/aggregate.hpp"
#include "pipeline/normalise.hpp"
#include "pipeline/pipeline_internal.hpp"
#include "pipeline/treatment.hpp"
#include "sensitivity/sensitivity_internal.hpp"
#include "stats/kernels.hpp"
#include "core/utf8.hpp"

namespace doelenboom {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
using detail::squote;
using Index = Eigen::Index;

// Treatment and normalisation of one indicator under one combination of the alternatives.
struct IndicatorPlan {
  GoalTree::Index node = 0;
  Treatment treatment;
  bool identity = true;
  Normalise normalise;
  int direction = 1;
  const IndicatorDefinition* definition = nullptr;
};

// Where a child's scores are: an indicator column (of the normalised matrix) or a goal slot.
struct Source {
  bool indicator = false;
  std::size_t index = 0;
};

struct GoalPlan {
  GoalTree::Index node = 0;
  std::vector<double> weights;  // the nominal spec's, before normalisation
  std::vector<Source> children;
  std::vector<std::pair<std::size_t, std::size_t>> varied;  // (position, edge)
};

struct Engine {
  const GoalTree* tree = nullptr;
  const Dataset* data = nullptr;
  const detail::Design* design = nullptr;
  const RunContext* context = nullptr;
  detail::RowLayout layout;
  std::vector<GoalTree::Index> indicators;   // indicator nodes of the tree, in node order
  std::vector<Index> column_of;              // per data indicator: its column among `indicators`, or -1
  Eigen::MatrixXd raw, raw_se;               // rows x indicators, as loaded
  std::size_t imputations = 1, outliers = 1, normalisations = 1;
  std::vector<std::vector<IndicatorPlan>> plans;  // per combination
  std::vector<Eigen::MatrixXd> normalised;         // per combination (without sampling)
  std::vector<GoalPlan> goals;                     // in topological order
  std::vector<std::vector<Aggregate>> aggregates;  // per aggregation alternative (or the nominal), per goal
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> leave_out;  // per candidate: (goal, position)
  std::vector<std::size_t> target_goal;  // per target its goal
  std::vector<char> used;

  [[nodiscard]] std::size_t combination(const ReplicationChoices& c) const {
    return ((c.imputation.value_or(0) * outliers) + c.outliers.value_or(0)) * normalisations + c.normalisation.value_or(0);
  }

  // Treat and normalise every indicator: value and se are consumed (treated in place).
  void prepare(std::size_t combo, Eigen::MatrixXd& value, Eigen::MatrixXd& se, Eigen::MatrixXd& out, Eigen::VectorXd& factor,
               std::vector<detail::AuditRecord>& audit, std::vector<Problem>& problems) const {
    const auto& plan = plans[combo];
    for (std::size_t c = 0; c < plan.size(); ++c) {
      if (plan[c].identity) continue;
      const auto col = static_cast<Index>(c);
      detail::treat_indicator(tree->node(plan[c].node).id, plan[c].treatment, layout, context->units, value.col(col),
                              se.col(col), audit, problems);
    }
    if (!problems.empty()) return;
    out.resize(value.rows(), value.cols());
    for (std::size_t c = 0; c < plan.size(); ++c) {
      const auto col = static_cast<Index>(c);
      detail::normalise_indicator(tree->node(plan[c].node).id, plan[c].normalise, plan[c].direction, plan[c].definition,
                                  layout, value.col(col), out.col(col), factor, problems);
    }
  }
};

// Per worker thread: everything a run writes besides its result slots.
struct Workspace {
  ReplicationChoices choices;
  Eigen::MatrixXd goals;  // rows x goal slots
  std::vector<double> weights;
  std::vector<const double*> children;
  detail::AggregateScratch scratch;
  std::vector<Problem> problems;
  Eigen::MatrixXd value, se, normalised;
  Eigen::VectorXd factor;
  std::vector<detail::AuditRecord> audit;
  std::vector<std::pair<double, std::size_t>> present;
};

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

void throw_problems(const std::vector<Problem>& problems, const std::string& prefix) {
  if (problems.empty()) return;
  std::vector<Problem> named = problems;
  for (auto& p : named) p.message = prefix + p.message;
  throw_if_problems<PipelineError>(named);
}

// Sorted non-missing values -> the type 7 quantile, as stats::quantile_type7.
double sorted_quantile(const std::vector<double>& v, double p) { return detail::sorted_quantile(v, p, detail::textbook_lerp); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// SensitivityResult

ReplicationChoices SensitivityResult::choices(std::size_t run) const {
  if (run >= runs()) {
    throw std::out_of_range("sensitivity run " + std::to_string(run) + " is out of range (" + std::to_string(runs()) + " runs)");
  }
  ReplicationChoices c;
  design_->decode(run, c);
  return c;
}

PipelineSpec SensitivityResult::replication_spec(std::size_t run) const {
  return detail::replication_spec(tree_, nominal_, *design_, choices(run));
}

Dataset SensitivityResult::replication_data(const Dataset& data, std::size_t run) const {
  const ReplicationChoices c = choices(run);
  if (data.size() != data_size_ || data.indicators() != data_indicators_) {
    throw PipelineError("replication_data: the data set has " + std::to_string(data.size()) + " rows and " +
                        std::to_string(data.indicators().size()) + " indicators, the analysed one " +
                        std::to_string(data_size_) + " and " + std::to_string(data_indicators_.size()) +
                        "; pass the data set the analysis ran on");
  }
  if (c.sampling_seeds.empty()) return data;
  std::vector<double> value(data.values().data(), data.values().data() + data.size());
  const double* se = data.se().data();
  detail::for_each_draw(data, used_, *design_, c, [&](std::size_t k, double z) {
    if (std::isfinite(se[k])) value[k] = value[k] + se[k] * z;
  });
  const auto codes = [](const Eigen::VectorXi& v) { return std::vector<std::int64_t>(v.data(), v.data() + v.size()); };
  const auto unit = codes(data.unit_codes()), period = codes(data.period_codes()), indicator = codes(data.indicator_codes()),
             source = codes(data.source_codes()), method = codes(data.method_codes());
  EstimateColumns columns;
  columns.unit = {unit, data.units()};
  columns.indicator = {indicator, data.indicators()};
  columns.source = {source, data.sources()};
  columns.method = {method, data.methods()};
  columns.period_codes = period;
  columns.periods = data.periods();
  columns.value = value;
  columns.n = std::span<const double>(data.n().data(), data.size());
  columns.se = std::span<const double>(data.se().data(), data.size());
  columns.suppressed = data.suppressed();
  DataContext context;
  context.suppression_threshold = data.suppression_threshold();
  return Dataset::from_columns(columns, context, "sensitivity run " + std::to_string(run));
}

// ---------------------------------------------------------------------------------------------
// run_sensitivity

SensitivityResult run_sensitivity(const GoalTree& tree, const Dataset& data, const PipelineSpec& nominal,
                                  const SensitivitySpec& spec, const RunContext& given,
                                  const std::function<bool()>& cancelled) {
  throw_problems(spec.check(tree, nominal), "");
  RunContext context = given;
  if (context.indicators == nullptr && tree.indicators().size() > 0) context.indicators = &tree.indicators();
  const PipelineResult nominal_run = run_pipeline(tree, data, nominal, context);  // checks the spec and the data

  SensitivityResult result;
  result.tree_ = tree;
  result.nominal_ = nominal;
  result.spec_ = spec;
  result.units_ = data.units();
  result.periods_ = data.periods();
  result.data_indicators_ = data.indicators();
  result.data_size_ = data.size();
  if (spec.targets.empty()) {
    for (const auto r : tree.roots()) {
      if (tree.node(r).kind != NodeKind::indicator) result.targets_.push_back(r);
    }
  } else {
    for (const auto& id : spec.targets) result.targets_.push_back(tree.index_of(id));
  }
  std::vector<char> used(data.indicators().size(), 0);
  for (std::size_t i = 0; i < used.size(); ++i) {
    const auto v = tree.find(data.indicators()[i]);
    used[i] = v && tree.node(*v).kind == NodeKind::indicator ? 1 : 0;
  }
  auto design = std::make_shared<detail::Design>(detail::make_design(tree, nominal, spec, data.indicators(), used));
  result.factors_ = design->factors;
  result.edges_ = design->edges;
  result.base_rows_ = design->base_rows;
  result.sobol_ = design->sobol;
  result.used_ = used;
  result.design_ = design;

  // ---- the engine: data loaded once, plans per combination and goal
  Engine e;
  e.tree = &tree;
  e.data = &data;
  e.design = design.get();
  e.context = &context;
  e.layout = detail::RowLayout{&result.units_, &result.periods_};
  e.used = used;
  const auto rows = static_cast<Index>(e.layout.rows());
  const std::size_t units = result.units_.size(), periods = result.periods_.size();
  std::vector<Index> column_of_node(tree.size(), -1);
  for (GoalTree::Index v = 0; v < tree.size(); ++v) {
    if (tree.node(v).kind != NodeKind::indicator) continue;
    column_of_node[v] = static_cast<Index>(e.indicators.size());
    e.indicators.push_back(v);
  }
  const auto n_ind = static_cast<Index>(e.indicators.size());
  e.column_of.assign(data.indicators().size(), -1);
  for (std::size_t i = 0; i < used.size(); ++i) {
    if (used[i] != 0) e.column_of[i] = column_of_node[tree.index_of(data.indicators()[i])];
  }
  e.raw = Eigen::MatrixXd::Constant(rows, n_ind, nan);
  e.raw_se = Eigen::MatrixXd::Constant(rows, n_ind, nan);
  std::size_t unperturbed = 0;
  for (std::size_t k = 0; k < data.size(); ++k) {
    const Index c = e.column_of[static_cast<std::size_t>(data.indicator_codes()[static_cast<Index>(k)])];
    if (c < 0) continue;
    const Index r = data.unit_codes()[static_cast<Index>(k)] * static_cast<Index>(periods) + data.period_codes()[static_cast<Index>(k)];
    e.raw(r, c) = data.values()[static_cast<Index>(k)];
    e.raw_se(r, c) = data.se()[static_cast<Index>(k)];
    if (!std::isfinite(data.se()[static_cast<Index>(k)])) ++unperturbed;
  }
  result.unperturbed_ = spec.sampling == SamplingFactors::off ? 0 : unperturbed;

  e.imputations = std::max<std::size_t>(1, spec.imputations.size());
  e.outliers = std::max<std::size_t>(1, spec.outliers.size());
  e.normalisations = std::max<std::size_t>(1, spec.normalisations.size());
  const std::size_t combos = e.imputations * e.outliers * e.normalisations;
  std::vector<ReplicationChoices> combo_choices(combos);
  e.plans.resize(combos);
  for (std::size_t i = 0; i < e.imputations; ++i) {
    for (std::size_t o = 0; o < e.outliers; ++o) {
      for (std::size_t n = 0; n < e.normalisations; ++n) {
        ReplicationChoices c;
        PipelineSpec variant = nominal;
        if (!spec.imputations.empty()) variant.treatment.imputation = spec.imputations[*(c.imputation = i)];
        if (!spec.outliers.empty()) variant.treatment.outliers = spec.outliers[*(c.outliers = o)];
        if (!spec.normalisations.empty()) variant.normalise = spec.normalisations[*(c.normalisation = n)];
        const std::size_t combo = e.combination(c);
        for (const auto v : e.indicators) {
          IndicatorPlan p;
          p.node = v;
          p.treatment = variant.treatment_of(tree, v);
          p.identity = detail::is_identity(p.treatment);
          p.normalise = variant.normalise_of(tree, v);
          p.definition = context.indicators ? context.indicators->find(tree.node(v).id) : nullptr;
          p.direction = p.definition ? p.definition->direction : tree.node(v).direction;
          e.plans[combo].push_back(std::move(p));
        }
        combo_choices[combo] = std::move(c);
      }
    }
  }
  if (spec.sampling == SamplingFactors::off) {
    e.normalised.resize(combos);
    std::vector<std::vector<Problem>> problems(combos);
    detail::parallel_blocks(combos, 1, spec.threads, cancelled,
                            [&](unsigned, std::size_t begin, std::size_t end, const std::atomic<bool>&) {
      Eigen::VectorXd factor(rows);
      std::vector<detail::AuditRecord> audit;
      for (std::size_t combo = begin; combo < end; ++combo) {
        Eigen::MatrixXd value = e.raw, se = e.raw_se;
        e.prepare(combo, value, se, e.normalised[combo], factor, audit, problems[combo]);
        audit.clear();
      }
    });
    for (std::size_t combo = 0; combo < combos; ++combo) {
      const std::string choices = detail::describe_choices(tree, *design, combo_choices[combo]);
      throw_problems(problems[combo], choices.empty() ? "" : "with " + choices + ": ");
    }
  }

  // Goals the targets depend on, leaves first.
  std::vector<char> needed(tree.size(), 0);
  for (const auto t : result.targets_) {
    needed[t] = 1;
    for (const auto d : tree.descendants(t)) needed[d] = 1;
  }
  std::vector<std::size_t> slot_of(tree.size(), 0);
  for (const auto v : tree.topological_order()) {
    if (needed[v] == 0 || tree.node(v).kind == NodeKind::indicator) continue;
    slot_of[v] = e.goals.size();
    GoalPlan g;
    g.node = v;
    g.weights = nominal.child_weights_of(tree, v);
    for (const auto c : tree.children(v)) {
      g.children.push_back(tree.node(c).kind == NodeKind::indicator
                               ? Source{true, static_cast<std::size_t>(column_of_node[c])}
                               : Source{false, slot_of[c]});
    }
    e.goals.push_back(std::move(g));
  }
  for (std::size_t k = 0; k < design->edges.size(); ++k) {
    const auto& edge = design->edges[k];
    if (needed[edge.parent] != 0) e.goals[slot_of[edge.parent]].varied.emplace_back(edge.position, k);
  }
  for (const auto v : design->leave_out_nodes) {
    std::vector<std::pair<std::size_t, std::size_t>> into;
    for (const auto p : tree.parents(v)) {
      if (needed[p] == 0) continue;
      const auto& kids = tree.children(p);
      into.emplace_back(slot_of[p], static_cast<std::size_t>(std::find(kids.begin(), kids.end(), v) - kids.begin()));
    }
    e.leave_out.push_back(std::move(into));
  }
  for (std::size_t a = 0; a < std::max<std::size_t>(1, spec.aggregations.size()); ++a) {
    PipelineSpec variant = nominal;
    if (!spec.aggregations.empty()) variant.aggregate.method = spec.aggregations[a];
    std::vector<Aggregate> per_goal;
    for (const auto& g : e.goals) per_goal.push_back(variant.aggregate_of(tree, g.node));
    e.aggregates.push_back(std::move(per_goal));
  }
  for (const auto t : result.targets_) e.target_goal.push_back(slot_of[t]);

  // ---- the runs
  const std::size_t runs = design->runs;
  const std::size_t targets = result.targets_.size();
  const auto out_cols = static_cast<Index>(targets * e.layout.rows());
  // Written run by run (row-major: a run's outputs are contiguous), turned column-major after.
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  RowMajor run_scores(static_cast<Index>(runs), out_cols), run_ranks(static_cast<Index>(runs), out_cols);
  result.rank_shift_.resize(static_cast<Index>(runs), static_cast<Index>(targets * periods));
  result.nominal_scores_.resize(rows, static_cast<Index>(targets));
  const Eigen::MatrixXd all_nominal_ranks = nominal_run.ranks();
  result.nominal_ranks_.resize(rows, static_cast<Index>(targets));
  for (std::size_t t = 0; t < targets; ++t) {
    result.nominal_scores_.col(static_cast<Index>(t)) = nominal_run.scores().col(static_cast<Index>(result.targets_[t]));
    result.nominal_ranks_.col(static_cast<Index>(t)) = all_nominal_ranks.col(static_cast<Index>(result.targets_[t]));
  }

  const bool sampling = spec.sampling != SamplingFactors::off;
  const unsigned workers = detail::worker_count(spec.threads, runs);
  std::vector<Workspace> spaces(workers);
  const std::size_t block = std::clamp<std::size_t>(runs / (static_cast<std::size_t>(workers) * 8), 1, 64);
  const int* data_indicator = data.indicator_codes().data();
  const int* data_unit = data.unit_codes().data();
  const int* data_period = data.period_codes().data();
  const double* data_value = data.values().data();
  const double* data_se = data.se().data();

  detail::parallel_blocks(runs, block, spec.threads, cancelled,
                          [&](unsigned worker, std::size_t begin, std::size_t end, const std::atomic<bool>& stop) {
    Workspace& w = spaces[worker];
    w.goals.resize(rows, static_cast<Index>(e.goals.size()));
    std::vector<double> column(static_cast<std::size_t>(rows)), ranks(static_cast<std::size_t>(rows));
    for (std::size_t run = begin; run < end && !stop.load(std::memory_order_relaxed); ++run) {
      ReplicationChoices& c = w.choices;
      design->decode(run, c);
      const auto fail = [&](const std::vector<Problem>& problems) {
        throw_problems(problems, "sensitivity run " + std::to_string(run) + " (" + detail::describe_choices(tree, *design, c) + "): ");
      };
      const std::size_t combo = e.combination(c);
      const Eigen::MatrixXd* normalised = nullptr;
      if (sampling) {
        w.value = e.raw;
        w.se = e.raw_se;
        detail::for_each_draw(data, used, *design, c, [&](std::size_t k, double z) {
          if (!std::isfinite(data_se[k])) return;
          const Index col = e.column_of[static_cast<std::size_t>(data_indicator[k])];
          w.value(data_unit[k] * static_cast<Index>(periods) + data_period[k], col) = data_value[k] + data_se[k] * z;
        });
        w.factor.resize(rows);
        w.problems.clear();
        e.prepare(combo, w.value, w.se, w.normalised, w.factor, w.audit, w.problems);
        w.audit.clear();
        if (!w.problems.empty()) fail(w.problems);
        normalised = &w.normalised;
      } else {
        normalised = &e.normalised[combo];
      }
      const auto& aggregates = e.aggregates[c.aggregation.value_or(0)];
      for (std::size_t g = 0; g < e.goals.size(); ++g) {
        const GoalPlan& goal = e.goals[g];
        w.weights = goal.weights;
        for (const auto& [position, edge] : goal.varied) w.weights[position] = c.weights[edge];
        if (c.leave_out) {
          for (const auto& [slot, position] : e.leave_out[*c.leave_out]) {
            if (slot == g) w.weights[position] = 0.0;
          }
        }
        const double total = std::accumulate(w.weights.begin(), w.weights.end(), 0.0);
        if (!(total > 0.0)) {
          const auto& id = tree.node(goal.node).id;
          fail({detail::pipeline_problem("zero_weights", {id}, "every child of " + squote(id) + " has weight 0")});
        }
        for (double& x : w.weights) x /= total;
        w.children.clear();
        for (const auto& s : goal.children) {
          w.children.push_back(s.indicator ? normalised->col(static_cast<Index>(s.index)).data()
                                           : w.goals.col(static_cast<Index>(s.index)).data());
        }
        w.problems.clear();
        detail::aggregate_scores(tree, goal.node, aggregates[g], w.weights, e.layout, w.children,
                                 w.goals.col(static_cast<Index>(g)), w.scratch, w.problems);
        if (!w.problems.empty()) fail(w.problems);
      }
      const auto r = static_cast<Index>(run);
      for (std::size_t t = 0; t < targets; ++t) {
        const double* s = w.goals.col(static_cast<Index>(e.target_goal[t])).data();
        const Index base = static_cast<Index>(t) * rows;
        for (Index row = 0; row < rows; ++row) run_scores(r, base + row) = s[row];
        for (std::size_t p = 0; p < periods; ++p) {
          rank_units(s, units, periods, p, ranks.data(), w.present);
          double shift = 0.0;
          std::size_t count = 0;
          for (std::size_t u = 0; u < units; ++u) {
            const std::size_t row = u * periods + p;
            const double nominal_rank = result.nominal_ranks_(static_cast<Index>(row), static_cast<Index>(t));
            run_ranks(r, base + static_cast<Index>(row)) = ranks[row];
            if (ranks[row] == ranks[row] && nominal_rank == nominal_rank) {
              shift += std::abs(ranks[row] - nominal_rank);
              ++count;
            }
          }
          result.rank_shift_(r, static_cast<Index>(t * periods + p)) = count > 0 ? shift / static_cast<double>(count) : nan;
        }
      }
    }
  });

  result.scores_ = run_scores;
  result.ranks_ = run_ranks;
  run_scores.resize(0, 0);
  run_ranks.resize(0, 0);

  // ---- distributions per target and row over the A and B runs (or all Monte Carlo runs)
  const std::size_t dist = result.distribution_runs();
  result.summary_.resize(out_cols, static_cast<Index>(SensitivityResult::summary_columns.size()));
  detail::parallel_blocks(static_cast<std::size_t>(out_cols), 16, spec.threads, cancelled,
                          [&](unsigned, std::size_t begin, std::size_t end, const std::atomic<bool>&) {
    std::vector<double> scores, ranks;
    for (std::size_t o = begin; o < end; ++o) {
      const auto col = static_cast<Index>(o);
      const auto t = static_cast<Index>(o / e.layout.rows());
      const auto row = static_cast<Index>(o % e.layout.rows());
      const double nominal_rank = result.nominal_ranks_(row, t);
      scores.clear();
      ranks.clear();
      double shift = 0.0;
      std::size_t shifts = 0;
      for (std::size_t k = 0; k < dist; ++k) {
        const double s = result.scores_(static_cast<Index>(k), col), r = result.ranks_(static_cast<Index>(k), col);
        if (s == s) scores.push_back(s);
        if (r == r) {
          ranks.push_back(r);
          if (nominal_rank == nominal_rank) {
            shift += std::abs(r - nominal_rank);
            ++shifts;
          }
        }
      }
      std::sort(scores.begin(), scores.end());
      std::sort(ranks.begin(), ranks.end());
      auto out = result.summary_.row(col);
      out(0) = result.nominal_scores_(row, t);
      out(1) = sorted_quantile(scores, 0.5);
      out(2) = sorted_quantile(scores, 0.05);
      out(3) = sorted_quantile(scores, 0.95);
      out(4) = nominal_rank;
      out(5) = sorted_quantile(ranks, 0.5);
      out(6) = sorted_quantile(ranks, 0.05);
      out(7) = sorted_quantile(ranks, 0.95);
      out(8) = shifts > 0 ? shift / static_cast<double>(shifts) : nan;
      out(9) = static_cast<double>(dist - scores.size());
    }
  });

  // ---- Sobol indices of the target scores and of the rank shifts
  if (design->sobol) {
    const std::uint64_t seed = detail::stream_key(spec.seed, 0x50b01, 0);
    const std::size_t k = design->factors.size();
    SobolIndices a = sobol_indices(result.scores_, k, spec.bootstrap, spec.confidence, seed, spec.threads, cancelled);
    SobolIndices b = sobol_indices(result.rank_shift_, k, spec.bootstrap, spec.confidence, seed, spec.threads, cancelled);
    const auto stack = [](Eigen::MatrixXd& top, const Eigen::MatrixXd& bottom) {
      Eigen::MatrixXd m(top.rows() + bottom.rows(), top.cols());
      m << top, bottom;
      top = std::move(m);
    };
    stack(a.first, b.first);
    stack(a.first_low, b.first_low);
    stack(a.first_high, b.first_high);
    stack(a.total, b.total);
    stack(a.total_low, b.total_low);
    stack(a.total_high, b.total_high);
    result.indices_ = std::move(a);
  }
  return result;
}

}  // namespace doelenboom
