// Aggregation of one goal node over all rows at once, from the score columns of its children:
// weighted arithmetic, geometric and harmonic means, minimum (weakest link) and median. Missing
// children are left out and the weights renormalised over the present ones, when those carry at
// least min_coverage of the node's weight; otherwise the node is missing. Each method also gives
// its local gradient d node / d child, for the delta method and for contributions.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/pipeline_internal.hpp"

namespace doelenboom::detail {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
using Array = Eigen::ArrayXd;
using Mask = Eigen::Array<bool, Eigen::Dynamic, 1>;

// Coverage is compared with a relative tolerance so that, say, two of three equal weights
// (1/3 + 1/3 in floating point) reach a threshold of 2/3.
constexpr double coverage_tolerance = 1e-12;

}  // namespace

void aggregate_node(const GoalTree& tree, GoalTree::Index node, const Aggregate& aggregate,
                    const std::vector<double>& weights, const RowLayout& rows, const Eigen::MatrixXd& scores,
                    Eigen::Ref<Eigen::VectorXd> out, Eigen::Ref<Eigen::VectorXd> coverage, Eigen::MatrixXd& gradient,
                    std::vector<Problem>& problems) {
  const auto& children = tree.children(node);
  const auto n_rows = static_cast<Eigen::Index>(rows.rows());
  const auto k = static_cast<Eigen::Index>(children.size());
  // Every method below writes every gradient column (the median only some cells: zeroed first).
  gradient.resize(n_rows, k);
  const auto column = [&](Eigen::Index j) { return scores.col(static_cast<Eigen::Index>(children[static_cast<std::size_t>(j)])).array(); };
  const auto weight = [&](Eigen::Index j) { return weights[static_cast<std::size_t>(j)]; };
  const bool arithmetic = aggregate.method == Aggregation::arithmetic;

  // Coverage: the share of the (normalised) weight carried by children with a value; for the
  // arithmetic mean the weighted sum in the same pass over each child.
  Array cov = Array::Zero(n_rows);
  Array sum = arithmetic ? Array::Zero(n_rows) : Array();
  // complete[j]: the child has a value in every row (then the presence tests change nothing and
  // the plain expressions vectorise; a sum of x - x is NaN iff some x is NaN or infinite).
  std::vector<char> complete(static_cast<std::size_t>(k), 0);
  for (Eigen::Index j = 0; j < k; ++j) {
    const double w = weight(j);
    if (!(w > 0.0)) continue;
    const auto x = column(j);
    complete[static_cast<std::size_t>(j)] = (x - x).sum() == 0.0 ? 1 : 0;
    if (complete[static_cast<std::size_t>(j)] != 0) {
      cov += w;
      if (arithmetic) sum += x * w;
    } else {
      cov += (x == x).cast<double>() * w;
      if (arithmetic) sum += (x == x).select(x * w, 0.0);
    }
  }
  coverage = cov.matrix();
  const Mask ok = (cov > 0.0) && (cov >= aggregate.min_coverage * (1.0 - coverage_tolerance));
  const std::string& id = tree.node(node).id;

  // A non-positive child cannot enter a geometric or harmonic mean: an error per child naming the
  // first row, never silently dropped.
  Mask bad = Mask::Constant(n_rows, false);
  if (aggregate.method == Aggregation::geometric || aggregate.method == Aggregation::harmonic) {
    for (Eigen::Index j = 0; j < k; ++j) {
      if (!(weight(j) > 0.0)) continue;
      const Mask nonpositive = ok && (column(j) <= 0.0);
      if (!nonpositive.any()) continue;
      Eigen::Index first = 0;
      while (!nonpositive(first)) ++first;
      const auto more = nonpositive.count() - 1;
      const auto& child = tree.node(children[static_cast<std::size_t>(j)]).id;
      problems.push_back(pipeline_problem(
          "non_positive", {id, child},
          "node " + squote(id) + ", " + rows.describe(static_cast<std::size_t>(first)) + ": the " +
              std::string(to_string(aggregate.method)) + " mean needs positive children, but " + squote(child) + " is " +
              brief(column(j)(first)) + (more > 0 ? " (and in " + std::to_string(more) + " more rows)" : "") +
              "; normalise to a range with low > 0 (e.g. 1..100) or use another method"));
      bad = bad || nonpositive;
    }
  }
  const Mask good = ok && !bad;

  switch (aggregate.method) {
    case Aggregation::arithmetic: {
      const Array inv = good.select(1.0 / cov, 0.0);
      out = good.select(sum * inv, nan).matrix();
      for (Eigen::Index j = 0; j < k; ++j) {
        if (complete[static_cast<std::size_t>(j)] != 0) {
          gradient.col(j) = (weight(j) * inv).matrix();
        } else if (weight(j) > 0.0) {
          gradient.col(j) = ((column(j) == column(j)).cast<double>() * weight(j) * inv).matrix();
        } else {
          gradient.col(j).setZero();
        }
      }
      return;
    }
    case Aggregation::geometric: {
      // exp(sum w log x / sum w) over present children; d/dx_j = score * w_j / (W x_j).
      Array logs = Array::Zero(n_rows);
      for (Eigen::Index j = 0; j < k; ++j) {
        if (weight(j) > 0.0) logs += (column(j) > 0.0).select(column(j).log() * weight(j), 0.0);
      }
      const Array score = good.select((logs / cov).exp(), nan);
      out = score.matrix();
      for (Eigen::Index j = 0; j < k; ++j) {
        if (!(weight(j) > 0.0)) {
          gradient.col(j).setZero();
          continue;
        }
        const Mask use = good && (column(j) == column(j));
        gradient.col(j) = use.select(score * weight(j) / (cov * column(j)), 0.0).matrix();
      }
      return;
    }
    case Aggregation::harmonic: {
      // W / sum (w / x) over present children; d/dx_j = score^2 * w_j / (W x_j^2).
      Array inverse = Array::Zero(n_rows);
      for (Eigen::Index j = 0; j < k; ++j) {
        if (weight(j) > 0.0) inverse += (column(j) > 0.0).select(weight(j) / column(j), 0.0);
      }
      const Array score = good.select(cov / inverse, nan);
      out = score.matrix();
      for (Eigen::Index j = 0; j < k; ++j) {
        if (!(weight(j) > 0.0)) {
          gradient.col(j).setZero();
          continue;
        }
        const Mask use = good && (column(j) == column(j));
        gradient.col(j) = use.select(score.square() * weight(j) / (cov * column(j).square()), 0.0).matrix();
      }
      return;
    }
    case Aggregation::minimum: {
      // The weakest present child with a positive weight; the first of tied children gets the
      // gradient 1 (a one-sided derivative, so the Euler decomposition stays exact).
      Array best = Array::Constant(n_rows, std::numeric_limits<double>::infinity());
      Eigen::ArrayXi arg = Eigen::ArrayXi::Constant(n_rows, -1);
      for (Eigen::Index j = 0; j < k; ++j) {
        if (!(weight(j) > 0.0)) continue;
        const Mask lower = column(j) < best;  // false for NaN
        best = lower.select(column(j), best);
        arg = lower.select(static_cast<int>(j), arg);
      }
      out = ok.select(best, nan).matrix();
      for (Eigen::Index j = 0; j < k; ++j) gradient.col(j) = (ok && (arg == static_cast<int>(j))).cast<double>().matrix();
      return;
    }
    case Aggregation::median: {
      // The plain (unweighted) median of the present children with a positive weight; for an
      // even count the mean of the middle two, each with gradient 1/2.
      gradient.setZero();
      std::vector<std::pair<double, Eigen::Index>> present;
      present.reserve(static_cast<std::size_t>(k));
      for (Eigen::Index r = 0; r < n_rows; ++r) {
        if (!ok(r)) {
          out(r) = nan;
          continue;
        }
        present.clear();
        for (Eigen::Index j = 0; j < k; ++j) {
          const double x = column(j)(r);
          if (weight(j) > 0.0 && x == x) present.emplace_back(x, j);
        }
        std::sort(present.begin(), present.end());  // by value, ties by child order
        const std::size_t m = present.size();
        if (m % 2 == 1) {
          out(r) = present[m / 2].first;
          gradient(r, present[m / 2].second) = 1.0;
        } else {
          const auto& a = present[m / 2 - 1];
          const auto& b = present[m / 2];
          out(r) = (a.first + b.first) / 2.0;
          gradient(r, a.second) += 0.5;
          gradient(r, b.second) += 0.5;
        }
      }
      return;
    }
  }
}

}  // namespace doelenboom::detail
