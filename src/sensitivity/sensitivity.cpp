// run_sensitivity: the nominal run, then every run of the design in parallel
// (sensitivity_engine.cpp), then the distributions per unit and the Sobol indices. Also the
// SensitivityResult's replication of single runs.

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
#include "pipeline/pipeline_internal.hpp"
#include "sensitivity/sensitivity_engine.hpp"
#include "sensitivity/sensitivity_internal.hpp"
#include "core/diagnostics.hpp"
#include "stats/kernels.hpp"

namespace doelenboom {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
using Index = Eigen::Index;

// Sorted non-missing values -> the type 7 quantile, as stats::quantile_type7.
double sorted_quantile(const std::vector<double>& v, double p) { return detail::sorted_quantile(v, p); }

// Per target and row the summary_columns over the first `dist` runs (the A and B runs, or all
// Monte Carlo runs).
Eigen::MatrixXd summarise(const Eigen::MatrixXd& run_scores, const Eigen::MatrixXd& run_ranks,
                          const Eigen::MatrixXd& nominal_scores, const Eigen::MatrixXd& nominal_ranks, std::size_t dist,
                          unsigned threads, const std::function<bool()>& cancelled) {
  const Index rows = nominal_scores.rows();
  const Index out_cols = run_scores.cols();
  Eigen::MatrixXd summary(out_cols, static_cast<Index>(SensitivityResult::summary_columns.size()));
  detail::parallel_blocks(static_cast<std::size_t>(out_cols), 16, threads, cancelled,
                          [&](unsigned, std::size_t begin, std::size_t end, const std::atomic<bool>&) {
    std::vector<double> scores, ranks;
    for (std::size_t o = begin; o < end; ++o) {
      const auto col = static_cast<Index>(o);
      const auto t = static_cast<Index>(o / static_cast<std::size_t>(rows));
      const auto row = static_cast<Index>(o % static_cast<std::size_t>(rows));
      const double nominal_rank = nominal_ranks(row, t);
      scores.clear();
      ranks.clear();
      double shift = 0.0;
      std::size_t shifts = 0;
      for (std::size_t k = 0; k < dist; ++k) {
        const double s = run_scores(static_cast<Index>(k), col), r = run_ranks(static_cast<Index>(k), col);
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
      auto out = summary.row(col);
      out(0) = nominal_scores(row, t);
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
  return summary;
}

// Sobol indices of the target scores and of the rank shifts, stacked in that order.
SobolIndices sobol_outputs(const Eigen::MatrixXd& scores, const Eigen::MatrixXd& rank_shift, const SensitivitySpec& spec,
                           std::size_t factors, const std::function<bool()>& cancelled) {
  const std::uint64_t seed = detail::stream_key(spec.seed, 0x50b01, 0);
  SobolIndices a = sobol_indices(scores, factors, spec.bootstrap, spec.confidence, seed, spec.threads, cancelled);
  SobolIndices b = sobol_indices(rank_shift, factors, spec.bootstrap, spec.confidence, seed, spec.threads, cancelled);
  for (Eigen::MatrixXd SobolIndices::*part : {&SobolIndices::first, &SobolIndices::first_low, &SobolIndices::first_high,
                                               &SobolIndices::total, &SobolIndices::total_low, &SobolIndices::total_high}) {
    Eigen::MatrixXd m((a.*part).rows() + (b.*part).rows(), (a.*part).cols());
    m << a.*part, b.*part;
    a.*part = std::move(m);
  }
  return a;
}

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
  detail::throw_prefixed(spec.check(tree, nominal), "");
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

  const detail::RowLayout layout{&result.units_, &result.periods_, detail::reference_index(context, result.periods_)};
  detail::SensitivityEngine engine(tree, data, *design, context, layout, used);
  result.unperturbed_ = spec.sampling == SamplingFactors::off ? 0 : engine.unperturbed();
  engine.plan_combinations(nominal, spec, cancelled);
  engine.plan_goals(nominal, spec, result.targets_);

  const auto rows = static_cast<Index>(layout.rows());
  const auto targets = static_cast<Index>(result.targets_.size());
  result.nominal_scores_.resize(rows, targets);
  const Eigen::MatrixXd all_nominal_ranks = nominal_run.ranks();
  result.nominal_ranks_.resize(rows, targets);
  for (Index t = 0; t < targets; ++t) {
    const auto node = static_cast<Index>(result.targets_[static_cast<std::size_t>(t)]);
    result.nominal_scores_.col(t) = nominal_run.scores().col(node);
    result.nominal_ranks_.col(t) = all_nominal_ranks.col(node);
  }

  detail::RunOutputs runs = engine.run_all(spec, result.nominal_ranks_, cancelled);
  // Turned column-major, one at a time.
  result.scores_ = runs.scores;
  runs.scores.resize(0, 0);
  result.ranks_ = runs.ranks;
  runs.ranks.resize(0, 0);
  result.rank_shift_ = std::move(runs.rank_shift);

  result.summary_ = summarise(result.scores_, result.ranks_, result.nominal_scores_, result.nominal_ranks_,
                              result.distribution_runs(), spec.threads, cancelled);
  if (design->sobol) {
    result.indices_ = sobol_outputs(result.scores_, result.rank_shift_, spec, design->factors.size(), cancelled);
  }
  return result;
}

}  // namespace doelenboom
