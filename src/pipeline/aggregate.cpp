// Aggregation of one goal node over all rows at once, from the score columns of its children:
// weighted arithmetic, geometric and harmonic means, minimum (weakest link) and median. Missing
// children are left out and the weights renormalised over the present ones, when those carry at
// least min_coverage of the node's weight; otherwise the node is missing. With the gradient (the
// pipeline) each method also gives its local gradient d node / d child, for the delta method and
// for contributions; without it (the sensitivity runs) only the score is computed.

#include "pipeline/aggregate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace doelenboom::detail {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
using Mask = Eigen::Array<bool, Eigen::Dynamic, 1>;
using Column = Eigen::Map<const Eigen::ArrayXd>;

// Coverage is compared with a relative tolerance so that, say, two of three equal weights
// (1/3 + 1/3 in floating point) reach a threshold of 2/3.
constexpr double coverage_tolerance = 1e-12;

// One node's aggregation. WithGradient: also the local gradient (rows x children) into *gradient;
// the coverage is s.cov afterwards either way.
template <bool WithGradient>
class NodeAggregator {
 public:
  NodeAggregator(const GoalTree& tree, GoalTree::Index node, const Aggregate& aggregate, std::span<const double> weights,
                 const RowLayout& rows, std::span<const double* const> children, AggregateScratch& scratch,
                 Eigen::MatrixXd* gradient)
      : tree_(tree), node_(node), aggregate_(aggregate), weights_(weights), rows_(rows), children_(children), s_(scratch),
        gradient_(gradient), n_rows_(static_cast<Eigen::Index>(rows.rows())),
        k_(static_cast<Eigen::Index>(children.size())) {}

  void run(Eigen::Ref<Eigen::VectorXd> out, std::vector<Problem>& problems) {
    cover();
    check_positive(problems);
    s_.good = s_.ok && !s_.bad;
    switch (aggregate_.method) {
      case Aggregation::arithmetic: return arithmetic(out);
      case Aggregation::geometric: return geometric(out);
      case Aggregation::harmonic: return harmonic(out);
      case Aggregation::minimum: return minimum(out);
      case Aggregation::median: return median(out);
    }
  }

 private:
  [[nodiscard]] Column column(Eigen::Index j) const { return Column(children_[static_cast<std::size_t>(j)], n_rows_); }
  [[nodiscard]] double weight(Eigen::Index j) const { return weights_[static_cast<std::size_t>(j)]; }
  [[nodiscard]] bool complete(Eigen::Index j) const { return s_.complete[static_cast<std::size_t>(j)] != 0; }
  [[nodiscard]] auto gradient_col(Eigen::Index j) { return gradient_->col(j); }

  // Coverage: the share of the (normalised) weight carried by children with a value; for the
  // arithmetic mean the weighted sum in the same pass over each child. A child with a value in
  // every row (a sum of x - x is NaN iff some x is NaN or infinite) skips the presence tests, so
  // the plain expressions vectorise.
  void cover() {
    const bool arithmetic = aggregate_.method == Aggregation::arithmetic;
    s_.cov.setZero(n_rows_);
    if (arithmetic) s_.sum.setZero(n_rows_);
    s_.complete.assign(static_cast<std::size_t>(k_), 0);
    for (Eigen::Index j = 0; j < k_; ++j) {
      const double w = weight(j);
      if (!(w > 0.0)) continue;
      const auto x = column(j);
      s_.complete[static_cast<std::size_t>(j)] = (x - x).sum() == 0.0 ? 1 : 0;
      if (complete(j)) {
        s_.cov += w;
        if (arithmetic) s_.sum += x * w;
      } else {
        s_.cov += (x == x).template cast<double>() * w;
        if (arithmetic) s_.sum += (x == x).select(x * w, 0.0);
      }
    }
    s_.ok = (s_.cov > 0.0) && (s_.cov >= aggregate_.min_coverage * (1.0 - coverage_tolerance));
  }

  // A non-positive child cannot enter a geometric or harmonic mean: an error per child naming the
  // first row, never silently dropped.
  void check_positive(std::vector<Problem>& problems) {
    s_.bad.setConstant(n_rows_, false);
    if (aggregate_.method != Aggregation::geometric && aggregate_.method != Aggregation::harmonic) return;
    const std::string& id = tree_.node(node_).id;
    const auto& kids = tree_.children(node_);
    for (Eigen::Index j = 0; j < k_; ++j) {
      if (!(weight(j) > 0.0)) continue;
      const Mask nonpositive = s_.ok && (column(j) <= 0.0);
      if (!nonpositive.any()) continue;
      Eigen::Index first = 0;
      while (!nonpositive(first)) ++first;
      const auto more = nonpositive.count() - 1;
      const auto& child = tree_.node(kids[static_cast<std::size_t>(j)]).id;
      problems.push_back(pipeline_problem(
          "non_positive", {id, child},
          "node " + squote(id) + ", " + rows_.describe(static_cast<std::size_t>(first)) + ": the " +
              std::string(to_string(aggregate_.method)) + " mean needs positive children, but " + squote(child) + " is " +
              brief(column(j)(first)) + (more > 0 ? " (and in " + std::to_string(more) + " more rows)" : "") +
              "; normalise to a range with low > 0 (e.g. 1..100) or use another method"));
      s_.bad = s_.bad || nonpositive;
    }
  }

  // The score where the gradient needs it again is kept in s.score; otherwise written straight out.
  template <class Expression>
  void write(Eigen::Ref<Eigen::VectorXd> out, const Expression& score) {
    if constexpr (WithGradient) {
      s_.score = score;
      out = s_.score.matrix();
    } else {
      out = score.matrix();
    }
  }

  void arithmetic(Eigen::Ref<Eigen::VectorXd> out) {
    s_.inv = s_.good.select(1.0 / s_.cov, 0.0);
    out = s_.good.select(s_.sum * s_.inv, nan).matrix();
    if constexpr (WithGradient) {
      for (Eigen::Index j = 0; j < k_; ++j) {
        if (complete(j)) {
          gradient_col(j) = (weight(j) * s_.inv).matrix();
        } else if (weight(j) > 0.0) {
          gradient_col(j) = ((column(j) == column(j)).template cast<double>() * weight(j) * s_.inv).matrix();
        } else {
          gradient_col(j).setZero();
        }
      }
    }
  }

  // acc = the sum of term(j) over the children with a positive weight, where x_j > 0.
  template <class Term>
  void sum_positive(Eigen::ArrayXd& acc, const Term& term) {
    acc.setZero(n_rows_);
    for (Eigen::Index j = 0; j < k_; ++j) {
      if (weight(j) > 0.0) acc += (column(j) > 0.0).select(term(j), 0.0);
    }
  }

  // The gradient derivative(j) where child j is present and the score good, else 0.
  template <class Derivative>
  void present_gradient(const Derivative& derivative) {
    for (Eigen::Index j = 0; j < k_; ++j) {
      if (!(weight(j) > 0.0)) {
        gradient_col(j).setZero();
        continue;
      }
      const Mask use = s_.good && (column(j) == column(j));
      gradient_col(j) = use.select(derivative(j), 0.0).matrix();
    }
  }

  // exp(sum w log x / sum w) over present children; d/dx_j = score * w_j / (W x_j).
  void geometric(Eigen::Ref<Eigen::VectorXd> out) {
    sum_positive(s_.logs, [&](Eigen::Index j) { return column(j).log() * weight(j); });
    write(out, s_.good.select((s_.logs / s_.cov).exp(), nan));
    if constexpr (WithGradient) {
      present_gradient([&](Eigen::Index j) { return s_.score * weight(j) / (s_.cov * column(j)); });
    }
  }

  // W / sum (w / x) over present children; d/dx_j = score^2 * w_j / (W x_j^2).
  void harmonic(Eigen::Ref<Eigen::VectorXd> out) {
    sum_positive(s_.inverse, [&](Eigen::Index j) { return weight(j) / column(j); });
    write(out, s_.good.select(s_.cov / s_.inverse, nan));
    if constexpr (WithGradient) {
      present_gradient([&](Eigen::Index j) { return s_.score.square() * weight(j) / (s_.cov * column(j).square()); });
    }
  }

  // The weakest present child with a positive weight; the first of tied children gets the
  // gradient 1 (a one-sided derivative, so the Euler decomposition stays exact).
  void minimum(Eigen::Ref<Eigen::VectorXd> out) {
    s_.best.setConstant(n_rows_, std::numeric_limits<double>::infinity());
    if constexpr (WithGradient) s_.arg.setConstant(n_rows_, -1);
    for (Eigen::Index j = 0; j < k_; ++j) {
      if (!(weight(j) > 0.0)) continue;
      const Mask lower = column(j) < s_.best;  // false for NaN
      s_.best = lower.select(column(j), s_.best);
      if constexpr (WithGradient) s_.arg = lower.select(static_cast<int>(j), s_.arg);
    }
    out = s_.ok.select(s_.best, nan).matrix();
    if constexpr (WithGradient) {
      for (Eigen::Index j = 0; j < k_; ++j) {
        gradient_col(j) = (s_.ok && (s_.arg == static_cast<int>(j))).template cast<double>().matrix();
      }
    }
  }

  // The plain (unweighted) median of the present children with a positive weight; for an even
  // count the mean of the middle two, each with gradient 1/2.
  void median(Eigen::Ref<Eigen::VectorXd> out) {
    if constexpr (WithGradient) gradient_->setZero();
    auto& present = s_.present;
    present.reserve(static_cast<std::size_t>(k_));
    for (Eigen::Index r = 0; r < n_rows_; ++r) {
      if (!s_.ok(r)) {
        out(r) = nan;
        continue;
      }
      present.clear();
      for (Eigen::Index j = 0; j < k_; ++j) {
        const double x = children_[static_cast<std::size_t>(j)][r];
        if (weight(j) > 0.0 && x == x) present.emplace_back(x, j);
      }
      std::sort(present.begin(), present.end());  // by value, ties by child order
      const std::size_t m = present.size();
      if (m % 2 == 1) {
        out(r) = present[m / 2].first;
        if constexpr (WithGradient) (*gradient_)(r, present[m / 2].second) = 1.0;
      } else {
        const auto& a = present[m / 2 - 1];
        const auto& b = present[m / 2];
        out(r) = (a.first + b.first) / 2.0;
        if constexpr (WithGradient) {
          (*gradient_)(r, a.second) += 0.5;
          (*gradient_)(r, b.second) += 0.5;
        }
      }
    }
  }

  const GoalTree& tree_;
  GoalTree::Index node_;
  const Aggregate& aggregate_;
  std::span<const double> weights_;
  const RowLayout& rows_;
  std::span<const double* const> children_;
  AggregateScratch& s_;
  Eigen::MatrixXd* gradient_;
  Eigen::Index n_rows_, k_;
};

}  // namespace

void aggregate_node(const GoalTree& tree, GoalTree::Index node, const Aggregate& aggregate,
                    std::span<const double> weights, const RowLayout& rows, const Eigen::MatrixXd& scores,
                    Eigen::Ref<Eigen::VectorXd> out, Eigen::Ref<Eigen::VectorXd> coverage, Eigen::MatrixXd& gradient,
                    std::vector<Problem>& problems) {
  std::vector<const double*> children;
  for (const auto c : tree.children(node)) children.push_back(scores.col(static_cast<Eigen::Index>(c)).data());
  // Every method writes every gradient column (the median only some cells: zeroed first).
  gradient.resize(static_cast<Eigen::Index>(rows.rows()), static_cast<Eigen::Index>(children.size()));
  AggregateScratch scratch;
  NodeAggregator<true>(tree, node, aggregate, weights, rows, children, scratch, &gradient).run(out, problems);
  coverage = scratch.cov.matrix();
}

void aggregate_scores(const GoalTree& tree, GoalTree::Index node, const Aggregate& aggregate,
                      std::span<const double> weights, const RowLayout& rows, std::span<const double* const> children,
                      Eigen::Ref<Eigen::VectorXd> out, AggregateScratch& scratch, std::vector<Problem>& problems) {
  NodeAggregator<false>(tree, node, aggregate, weights, rows, children, scratch, nullptr).run(out, problems);
}

}  // namespace doelenboom::detail
