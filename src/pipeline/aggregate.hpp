#pragma once
// Aggregation of one goal node over all rows at once, from the score columns of its children: the
// one kernel behind run_pipeline (with coverage and the local gradient) and the sensitivity runs
// (the score only, into reused scratch arrays). Both go through the same code, so a sensitivity
// run's scores equal run_pipeline's bit for bit.

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/error.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/pipeline.hpp"
#include "pipeline/pipeline_internal.hpp"

namespace doelenboom::detail {

/// Scratch arrays of the aggregation (the sensitivity analysis keeps one per thread, reused
/// across runs).
struct AggregateScratch {
  Eigen::ArrayXd cov, sum, inv, logs, inverse, best, score;
  Eigen::ArrayXi arg;
  Eigen::Array<bool, Eigen::Dynamic, 1> ok, bad, good;
  std::vector<char> complete;
  std::vector<std::pair<double, Eigen::Index>> present;
};

/// Aggregate one goal node over all rows from the score columns of its children. `weights` are
/// normalised to sum 1, in tree.children(node) order. Writes the node's score and coverage and
/// the local gradient (rows x children). Rows with data the method cannot handle become NaN and
/// a problem is appended.
void aggregate_node(const GoalTree& tree, GoalTree::Index node, const Aggregate& aggregate,
                    std::span<const double> weights, const RowLayout& rows, const Eigen::MatrixXd& scores,
                    Eigen::Ref<Eigen::VectorXd> out, Eigen::Ref<Eigen::VectorXd> coverage, Eigen::MatrixXd& gradient,
                    std::vector<Problem>& problems);

/// aggregate_node without coverage and gradient, for many runs over the same rows: the node's
/// score from its children's score columns (`children[j]` points at rows values, in
/// tree.children(node) order), with the scratch arrays reused. Appends the same problems.
void aggregate_scores(const GoalTree& tree, GoalTree::Index node, const Aggregate& aggregate,
                      std::span<const double> weights, const RowLayout& rows, std::span<const double* const> children,
                      Eigen::Ref<Eigen::VectorXd> out, AggregateScratch& scratch, std::vector<Problem>& problems);

}  // namespace doelenboom::detail
