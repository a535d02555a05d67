// run_pipeline: the dataset's estimates per (unit, period) go through treatment and
// normalisation into the indicator columns, then every goal is aggregated in topological order
// (leaves first), standard errors are carried by the delta method, and intervals drawn. Also the
// results' ranks and contributions (Euler decomposition along the local gradients).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "doelenboom/pipeline.hpp"
#include "data/dataset_internal.hpp"
#include "pipeline/aggregate.hpp"
#include "pipeline/normalise.hpp"
#include "pipeline/pipeline_internal.hpp"
#include "pipeline/treatment.hpp"
#include "pipeline/uncertainty.hpp"
#include "stats/kernels.hpp"

namespace doelenboom {

namespace detail {

std::string RowLayout::describe(std::size_t row) const {
  return "unit " + squote(unit_of(row)) + ", period " + period_of(row).to_string();
}

Problem pipeline_problem(std::string code, std::vector<std::string> ids, const std::string& what) {
  return make_problem(std::move(code), Location{}, std::move(ids), what);
}

}  // namespace detail

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

void throw_problems(const std::vector<Problem>& problems) { throw_if_problems<PipelineError>(problems); }

// "the data set has 2 indicator ids that are not in the tree: 'a', 'b' (...)".
std::string unused_data_message(const std::vector<std::string>& unused) {
  const bool one = unused.size() == 1;
  std::string out = "the data set has " + std::to_string(unused.size()) + (one ? " indicator id that is" : " indicator ids that are") +
                    " not in the tree: " + detail::join_words_capped(unused, true);
  out += std::string(" (remove ") + (one ? "its" : "their") +
         " rows, or set unused_data to 'ignore' in the pipeline to leave them out)";
  return out;
}

// Per indicator of the data set, its column (node) in the tree, or -1 when it is not in the tree
// (then in `unused`). Problems for data of goals, and for unused data unless the spec allows it.
std::vector<Eigen::Index> indicator_columns(const GoalTree& tree, const Dataset& data, const PipelineSpec& spec,
                                            std::vector<std::string>& unused, std::vector<Problem>& problems) {
  std::vector<Eigen::Index> column_of(data.indicators().size(), -1);
  for (std::size_t i = 0; i < data.indicators().size(); ++i) {
    const std::string& id = data.indicators()[i];
    const auto index = tree.find(id);
    if (!index) {
      unused.push_back(id);
    } else if (tree.node(*index).kind == NodeKind::indicator) {
      column_of[i] = static_cast<Eigen::Index>(*index);
    } else {
      problems.push_back(detail::pipeline_problem(
          "data_for_goal", {id},
          "the data set has values for " + squote(id) +
              ", a goal of the tree: goal scores are computed from their children, not read from the data"));
    }
  }
  if (!unused.empty() && spec.unused_data == UnusedData::error) {
    problems.push_back(detail::pipeline_problem("unused_data", unused, unused_data_message(unused)));
  }
  return column_of;
}

// Data are checked against the definitions the run uses, however the data set was built: a
// provider who sends a share as a percentage (73 for 0.73) would distort every score above it.
// The rows of the tree's indicators only (other rows take no part in the run).
void check_against_definitions(const Dataset& data, const IndicatorSet* indicators,
                               const std::vector<Eigen::Index>& column_of, std::vector<Problem>& problems) {
  if (indicators == nullptr) return;
  std::vector<char> checked(column_of.size());
  for (std::size_t k = 0; k < column_of.size(); ++k) checked[k] = column_of[k] >= 0 ? 1 : 0;
  detail::ProblemSink sink{problems, data.origin()};
  detail::check_ranges(data, *indicators, checked, sink);
  sink.finish();
}

}  // namespace

namespace detail {

// The index of RunContext::reference_period among the data's periods (0 when none is given).
std::size_t reference_index(const RunContext& context, const std::vector<Period>& periods) {
  if (!context.reference_period) return 0;
  const auto it = std::find(periods.begin(), periods.end(), *context.reference_period);
  if (it == periods.end()) {
    std::vector<std::string> texts;
    for (const auto& p : periods) texts.push_back(p.to_string());
    throw PipelineError("reference period " + context.reference_period->to_string() +
                        " is not a period of the data (periods: " + detail::join_words(texts) + ")");
  }
  return static_cast<std::size_t>(it - periods.begin());
}


}  // namespace detail

PipelineResult run_pipeline(const GoalTree& tree, const Dataset& data, const PipelineSpec& spec, const RunContext& given) {
  throw_problems(spec.check(tree));
  // Without indicator definitions from the caller, those the tree carries (if any).
  RunContext context = given;
  if (context.indicators == nullptr && tree.indicators().size() > 0) context.indicators = &tree.indicators();
  std::vector<std::string> unused;
  std::vector<Problem> problems;
  const std::vector<Eigen::Index> column_of = indicator_columns(tree, data, spec, unused, problems);
  check_against_definitions(data, context.indicators, column_of, problems);
  throw_problems(problems);

  PipelineResult result;
  result.tree_ = tree;
  result.units_ = data.units();
  result.periods_ = data.periods();
  result.confidence_ = spec.confidence;
  const detail::RowLayout layout{&result.units_, &result.periods_, detail::reference_index(context, result.periods_)};
  const auto rows = static_cast<Eigen::Index>(layout.rows());
  const auto n = static_cast<Eigen::Index>(tree.size());
  const auto periods = static_cast<Eigen::Index>(layout.period_count());

  // The dataset's values into the indicator columns (treated_ holds the raw values until treated).
  // The goal columns of se are all written by propagate_standard_errors, so only the indicator
  // columns start as missing (fresh pages are written once, not twice).
  result.treated_ = Eigen::MatrixXd::Constant(rows, n, nan);
  Eigen::MatrixXd se(rows, n);
  std::vector<GoalTree::Index> indicators;
  for (GoalTree::Index v = 0; v < tree.size(); ++v) {
    if (tree.node(v).kind == NodeKind::indicator) indicators.push_back(v);
  }
  for (const auto v : indicators) se.col(static_cast<Eigen::Index>(v)).setConstant(nan);
  if (spec.unused_data == UnusedData::ignore) result.unused_indicators_ = std::move(unused);
  std::vector<std::pair<Eigen::Index, Eigen::Index>> suppressed;  // (row, column)
  {
    // In data set order, by code: the stores are scattered over the columns (tried: bucketing by
    // column or staging 8-row tiles first is slower), so the loop is kept down to the essentials.
    const int* unit = data.unit_codes().data();
    const int* period = data.period_codes().data();
    const int* indicator = data.indicator_codes().data();
    const double* value = data.values().data();
    const double* error = data.se().data();
    const std::uint8_t* hidden = data.suppressed().data();
    double* treated = result.treated_.data();
    double* errors = se.data();
    const auto count = static_cast<Eigen::Index>(data.size());
    for (Eigen::Index k = 0; k < count; ++k) {
      const Eigen::Index c = column_of[static_cast<std::size_t>(indicator[k])];
      if (c < 0) continue;
      const Eigen::Index r = unit[k] * periods + period[k];
      // A suppressed cell is missing to the pipeline (docs/privacy.md): its value takes no part
      // in treatment, normalisation constants, aggregation or standard errors, so nothing
      // published above it can give it back.
      if (hidden[k] != 0) {
        suppressed.emplace_back(r, c);
        continue;
      }
      treated[c * rows + r] = value[k];
      errors[c * rows + r] = error[k];
    }
  }

  // Treatment.
  std::vector<detail::AuditRecord> audit;
  for (const auto v : indicators) {
    const Treatment t = spec.treatment_of(tree, v);
    if (detail::is_identity(t)) continue;
    const auto c = static_cast<Eigen::Index>(v);
    detail::treat_indicator(tree.node(v).id, t, layout, context.units, result.treated_.col(c), se.col(c), audit, problems);
  }
  throw_problems(problems);

  // Normalisation; se_normalised = |d normalised / d raw| * se (0 where the derivative is 0).
  // Every column of scores and coverage is written below (indicators here, goals by aggregation).
  result.scores_.resize(rows, n);
  result.coverage_.resize(rows, n);
  Eigen::VectorXd factor(rows);
  for (const auto v : indicators) {
    const auto c = static_cast<Eigen::Index>(v);
    const IndicatorDefinition* def = context.indicators ? context.indicators->find(tree.node(v).id) : nullptr;
    const int direction = def ? def->direction : tree.node(v).direction;
    detail::normalise_indicator(tree.node(v).id, spec.normalise_of(tree, v), direction, def, layout, result.treated_.col(c),
                                result.scores_.col(c), factor, problems);
    // Where no derivative is 0 (all but the rank methods) the condition changes nothing.
    if ((factor.array() == 0.0).any()) {
      se.col(c) = (factor.array() == 0.0).select(0.0, factor.array().abs() * se.col(c).array()).matrix();
    } else {
      se.col(c).array() *= factor.array().abs();
    }
    result.coverage_.col(c) = (result.scores_.col(c).array() == result.scores_.col(c).array()).cast<double>().matrix();
  }
  throw_problems(problems);

  // Aggregation, leaves first.
  result.local_gradient_.assign(tree.size(), Eigen::MatrixXd());
  std::vector<double> weights;
  for (const GoalTree::Index v : tree.topological_order()) {
    if (tree.node(v).kind == NodeKind::indicator) continue;
    weights = spec.child_weights_of(tree, v);
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    for (double& w : weights) w /= total;
    const auto c = static_cast<Eigen::Index>(v);
    detail::aggregate_node(tree, v, spec.aggregate_of(tree, v), weights, layout, result.scores_, result.scores_.col(c),
                           result.coverage_.col(c), result.local_gradient_[v], problems);
  }
  throw_problems(problems);

  // Uncertainty and intervals.
  detail::propagate_standard_errors(tree, result.local_gradient_, se, result.scores_);
  result.se_ = std::move(se);
  const double z = detail::normal_critical_value(spec.confidence);
  result.lower_ = result.scores_ - z * result.se_;
  result.upper_ = result.scores_ + z * result.se_;

  // Suppressed cells leave the library blank: missing, or imputed from other cells when the spec
  // imputes (an imputed value counts above it, but is not shown as the cell's).
  for (const auto& [r, c] : suppressed) {
    result.hidden_scores_[static_cast<std::size_t>(c) * static_cast<std::size_t>(rows) + static_cast<std::size_t>(r)] =
        result.scores_(r, c);
    result.scores_(r, c) = result.se_(r, c) = result.lower_(r, c) = result.upper_(r, c) = result.treated_(r, c) = nan;
  }
  std::vector<std::uint8_t> hidden_row;  // rows x nodes, for the audit
  if (!suppressed.empty()) {
    hidden_row.assign(static_cast<std::size_t>(rows * n), 0);
    for (const auto& [r, c] : suppressed) hidden_row[static_cast<std::size_t>(c * rows + r)] = 1;
  }
  result.audit_.reserve(audit.size());
  for (auto& record : audit) {
    if (!hidden_row.empty()) {
      const auto c = static_cast<std::size_t>(tree.index_of(record.entry.indicator));
      if (hidden_row[c * static_cast<std::size_t>(rows) + record.row] != 0) {
        record.entry.old_value = record.entry.new_value = nan;
        record.entry.why += " (suppressed cell: values not shown)";
      }
    }
    result.audit_.push_back(std::move(record.entry));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Bases

std::vector<std::uint64_t> PipelineResult::bases() const {
  const std::size_t n = tree_.size(), nr = rows();
  // A random-looking key per indicator (splitmix64 of its index); a set of indicators is the XOR
  // of their keys, so two different sets collide with probability 2^-64.
  const auto key = [](std::size_t v) {
    std::uint64_t z = static_cast<std::uint64_t>(v) + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
  };
  std::vector<std::uint64_t> out(n * nr, 0);
  for (GoalTree::Index v = 0; v < n; ++v) {
    std::vector<GoalTree::Index> leaves;
    if (tree_.node(v).kind == NodeKind::indicator) {
      leaves.push_back(v);
    } else {
      for (const auto d : tree_.descendants(v))
        if (tree_.node(d).kind == NodeKind::indicator) leaves.push_back(d);
    }
    for (const auto leaf : leaves) {
      const std::uint64_t k = key(leaf);
      for (std::size_t r = 0; r < nr; ++r) {
        const double x = scores_(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(leaf));
        if (x == x) out[v * nr + r] ^= k;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ranks

Eigen::MatrixXd PipelineResult::ranks() const {
  Eigen::MatrixXd out = Eigen::MatrixXd::Constant(scores_.rows(), scores_.cols(), nan);
  const std::size_t periods = periods_.size();
  std::vector<std::pair<double, std::size_t>> present;
  for (Eigen::Index c = 0; c < scores_.cols(); ++c) {
    for (std::size_t p = 0; p < periods; ++p) {
      present.clear();
      for (std::size_t u = 0; u < units_.size(); ++u) {
        const double x = scores_(static_cast<Eigen::Index>(row(u, p)), c);
        if (x == x) present.emplace_back(x, row(u, p));
      }
      std::sort(present.begin(), present.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      for (std::size_t k = 0; k < present.size(); ++k) {
        const bool tie = k > 0 && present[k].first == present[k - 1].first;
        const auto r = static_cast<Eigen::Index>(present[k].second);
        out(r, c) = tie ? out(static_cast<Eigen::Index>(present[k - 1].second), c) : static_cast<double>(k + 1);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Contributions

void PipelineResult::contributions_over_rows(GoalTree::Index node, std::size_t first, std::size_t count,
                                             std::string_view level, ContributionTable& out) const {
  if (node >= tree_.size()) {
    throw PipelineError("contributions: node index " + std::to_string(node) + " is out of range (the tree has " +
                        std::to_string(tree_.size()) + " nodes)");
  }
  if (!level.empty()) {
    const auto& levels = tree_.levels();
    if (std::find(levels.begin(), levels.end(), level) == levels.end()) {
      throw PipelineError("contributions of " + squote(tree_.node(node).id) + ": " + squote(level) +
                          " is not a level of the tree");
    }
  }
  const auto n = static_cast<Eigen::Index>(count);
  const auto first_row = static_cast<Eigen::Index>(first);
  const std::size_t all_rows = rows();
  const auto is_stop = [&](GoalTree::Index v) {
    if (level.empty()) return tree_.node(v).kind == NodeKind::indicator;
    return tree_.node(v).level == level;
  };
  // A cell's score for the sums, suppressed ones included.
  const auto score_column = [&](GoalTree::Index v) {
    Eigen::ArrayXd s = scores_.col(static_cast<Eigen::Index>(v)).segment(first_row, n).array();
    for (Eigen::Index r = 0; r < n; ++r) {
      if (const auto it = hidden_scores_.find(v * all_rows + first + static_cast<std::size_t>(r)); it != hidden_scores_.end()) {
        s(r) = it->second;
      }
    }
    return s;
  };
  const auto hidden = [&](GoalTree::Index v, Eigen::Index r) {
    return hidden_scores_.contains(v * all_rows + first + static_cast<std::size_t>(r));
  };

  out.node = node;
  out.level = std::string(level);
  out.parts.clear();
  // Rows where the node has no score (or is a suppressed indicator) have no contributions.
  const Eigen::ArrayXd node_score = scores_.col(static_cast<Eigen::Index>(node)).segment(first_row, n).array();
  const auto finish = [&](Eigen::MatrixXd values) {
    for (Eigen::Index r = 0; r < n; ++r) {
      if (node_score(r) != node_score(r)) values.row(r).setConstant(nan);
    }
    out.values = std::move(values);
  };
  if (is_stop(node)) {  // the node is its own only part
    Eigen::MatrixXd values = Eigen::MatrixXd::Zero(n, 2);
    values.col(0) = node_score.matrix();
    out.parts.push_back(node);
    finish(std::move(values));
    return;
  }
  if (tree_.node(node).kind == NodeKind::indicator) {  // an indicator outside the level: all remainder
    finish(node_score.matrix());
    return;
  }

  // Mass flows from the node down along the local gradients: each node's score is the sum of its
  // children's scores times their gradients (Euler), so what reaches the stops (and the
  // indicators that bypass them) sums to the node's score.
  std::vector<Eigen::ArrayXd> mass(tree_.size());
  std::vector<char> reached(tree_.size(), 0);
  mass[node] = Eigen::ArrayXd::Ones(n);
  reached[node] = 1;
  Eigen::ArrayXd remainder = Eigen::ArrayXd::Zero(n);
  std::vector<std::pair<GoalTree::Index, Eigen::ArrayXd>> parts;
  const auto& order = tree_.topological_order();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const GoalTree::Index v = *it;
    if (!reached[v]) continue;  // not below the node, or below a stop only
    const Eigen::ArrayXd m = std::move(mass[v]);
    mass[v] = Eigen::ArrayXd();
    if (v != node && is_stop(v)) {
      const Eigen::ArrayXd s = score_column(v);
      Eigen::ArrayXd part = (m == 0.0).select(0.0, m * s);
      if (tree_.node(v).kind == NodeKind::indicator) {
        for (Eigen::Index r = 0; r < n; ++r) {
          if (hidden(v, r)) part(r) = nan;  // a suppressed indicator's own part stays hidden
        }
      }
      parts.emplace_back(v, std::move(part));
      continue;
    }
    if (tree_.node(v).kind == NodeKind::indicator) {  // below the node but not through the level
      remainder += (m == 0.0).select(0.0, m * score_column(v));
      continue;
    }
    const auto& children = tree_.children(v);
    const Eigen::MatrixXd& g = local_gradient_[v];
    for (std::size_t c = 0; c < children.size(); ++c) {
      const Eigen::ArrayXd flow = m * g.col(static_cast<Eigen::Index>(c)).segment(first_row, n).array();
      if (!reached[children[c]]) {
        mass[children[c]] = flow;
        reached[children[c]] = 1;
      } else {
        mass[children[c]] += flow;
      }
    }
  }
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Eigen::MatrixXd values(n, static_cast<Eigen::Index>(parts.size()) + 1);
  for (std::size_t k = 0; k < parts.size(); ++k) {
    out.parts.push_back(parts[k].first);
    values.col(static_cast<Eigen::Index>(k)) = parts[k].second.matrix();
  }
  values.col(static_cast<Eigen::Index>(parts.size())) = remainder.matrix();
  finish(std::move(values));
}

std::vector<std::pair<GoalTree::Index, double>> PipelineResult::contributions(GoalTree::Index node, std::size_t row,
                                                                             std::string_view level) const {
  if (row >= rows()) {
    throw PipelineError("contributions: row " + std::to_string(row) + " is out of range (the result has " +
                        std::to_string(rows()) + " rows)");
  }
  ContributionTable table;
  contributions_over_rows(node, row, 1, level, table);
  std::vector<std::pair<GoalTree::Index, double>> out;
  const double score = scores_(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(node));
  if (score != score) return out;  // no score, nothing to split
  for (std::size_t k = 0; k < table.parts.size(); ++k) out.emplace_back(table.parts[k], table.values(0, static_cast<Eigen::Index>(k)));
  out.emplace_back(tree_.size(), table.values(0, table.values.cols() - 1));
  return out;
}

ContributionTable PipelineResult::contributions(GoalTree::Index node, std::string_view level) const {
  ContributionTable table;
  contributions_over_rows(node, 0, rows(), level, table);
  return table;
}

}  // namespace doelenboom
