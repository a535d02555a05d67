// The score of one goal node for a sensitivity run: aggregate_node (aggregate.cpp) without the
// coverage and the local gradient, reading the children's columns through pointers (the indicator
// columns are shared by every run of a normalisation, the goal columns are the run's own) and
// writing into reused scratch arrays. Every expression follows aggregate_node's, in the same order,
// so that a run's scores equal run_pipeline's bit for bit (tests/cpp/test_sensitivity.cpp checks
// it); a change to the methods there must be made here too.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sensitivity/sensitivity_internal.hpp"

namespace doelenboom::detail {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double coverage_tolerance = 1e-12;  // as aggregate.cpp
using Column = Eigen::Map<const Eigen::ArrayXd>;

}  // namespace

void aggregate_scores(const GoalTree& tree, GoalTree::Index node, const Aggregate& aggregate,
                      std::span<const double> weights, const RowLayout& rows, std::span<const double* const> children,
                      Eigen::Ref<Eigen::VectorXd> out, AggregateScratch& s, std::vector<Problem>& problems) {
  const auto n_rows = static_cast<Eigen::Index>(rows.rows());
  const auto k = static_cast<Eigen::Index>(children.size());
  const auto column = [&](Eigen::Index j) { return Column(children[static_cast<std::size_t>(j)], n_rows); };
  const auto weight = [&](Eigen::Index j) { return weights[static_cast<std::size_t>(j)]; };
  const bool arithmetic = aggregate.method == Aggregation::arithmetic;

  s.cov.setZero(n_rows);
  if (arithmetic) s.sum.setZero(n_rows);
  for (Eigen::Index j = 0; j < k; ++j) {
    const double w = weight(j);
    if (!(w > 0.0)) continue;
    const auto x = column(j);
    if ((x - x).sum() == 0.0) {
      s.cov += w;
      if (arithmetic) s.sum += x * w;
    } else {
      s.cov += (x == x).cast<double>() * w;
      if (arithmetic) s.sum += (x == x).select(x * w, 0.0);
    }
  }
  s.ok = (s.cov > 0.0) && (s.cov >= aggregate.min_coverage * (1.0 - coverage_tolerance));

  s.bad.setConstant(n_rows, false);
  if (aggregate.method == Aggregation::geometric || aggregate.method == Aggregation::harmonic) {
    const std::string& id = tree.node(node).id;
    const auto& kids = tree.children(node);
    for (Eigen::Index j = 0; j < k; ++j) {
      if (!(weight(j) > 0.0)) continue;
      const Eigen::Array<bool, Eigen::Dynamic, 1> nonpositive = s.ok && (column(j) <= 0.0);
      if (!nonpositive.any()) continue;
      Eigen::Index first = 0;
      while (!nonpositive(first)) ++first;
      const auto more = nonpositive.count() - 1;
      const auto& child = tree.node(kids[static_cast<std::size_t>(j)]).id;
      problems.push_back(pipeline_problem(
          "non_positive", {id, child},
          "node " + squote(id) + ", " + rows.describe(static_cast<std::size_t>(first)) + ": the " +
              std::string(to_string(aggregate.method)) + " mean needs positive children, but " + squote(child) + " is " +
              brief(column(j)(first)) + (more > 0 ? " (and in " + std::to_string(more) + " more rows)" : "") +
              "; normalise to a range with low > 0 (e.g. 1..100) or use another method"));
      s.bad = s.bad || nonpositive;
    }
  }

  switch (aggregate.method) {
    case Aggregation::arithmetic:
      out = (s.ok && !s.bad).select(s.sum * (s.ok && !s.bad).select(1.0 / s.cov, 0.0), nan).matrix();
      return;
    case Aggregation::geometric: {
      s.logs.setZero(n_rows);
      for (Eigen::Index j = 0; j < k; ++j) {
        if (weight(j) > 0.0) s.logs += (column(j) > 0.0).select(column(j).log() * weight(j), 0.0);
      }
      out = (s.ok && !s.bad).select((s.logs / s.cov).exp(), nan).matrix();
      return;
    }
    case Aggregation::harmonic: {
      s.inverse.setZero(n_rows);
      for (Eigen::Index j = 0; j < k; ++j) {
        if (weight(j) > 0.0) s.inverse += (column(j) > 0.0).select(weight(j) / column(j), 0.0);
      }
      out = (s.ok && !s.bad).select(s.cov / s.inverse, nan).matrix();
      return;
    }
    case Aggregation::minimum: {
      s.best.setConstant(n_rows, std::numeric_limits<double>::infinity());
      for (Eigen::Index j = 0; j < k; ++j) {
        if (!(weight(j) > 0.0)) continue;
        s.best = (column(j) < s.best).select(column(j), s.best);
      }
      out = s.ok.select(s.best, nan).matrix();
      return;
    }
    case Aggregation::median: {
      auto& present = s.present;
      for (Eigen::Index r = 0; r < n_rows; ++r) {
        if (!s.ok(r)) {
          out(r) = nan;
          continue;
        }
        present.clear();
        for (Eigen::Index j = 0; j < k; ++j) {
          const double x = column(j)(r);
          if (weight(j) > 0.0 && x == x) present.emplace_back(x, j);
        }
        std::sort(present.begin(), present.end());
        const std::size_t m = present.size();
        out(r) = m % 2 == 1 ? present[m / 2].first : (present[m / 2 - 1].first + present[m / 2].first) / 2.0;
      }
      return;
    }
  }
}

}  // namespace doelenboom::detail
