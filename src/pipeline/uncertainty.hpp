#pragma once
// Standard errors of every node by the delta method (uncertainty.cpp).

#include <vector>

#include <Eigen/Core>

#include "doelenboom/goal_tree.hpp"

namespace doelenboom::detail {

/// Standard errors of every node by the first-order delta method: var = sum_i J_i^2 se_i^2 over
/// independent indicator errors, J the Jacobian of the node with respect to the indicator leaves
/// below it (chain rule over the local gradients, summed over every path of the DAG). Nodes whose
/// children share no indicators take var = sum_c g_c^2 var(c) instead (the same sum regrouped);
/// the others build J a block of rows at a time. `se` holds the normalised standard errors in the
/// indicator columns on entry; every goal column is written. NaN where the score is missing, or
/// where an indicator with a nonzero derivative has an unknown (NaN) se.
void propagate_standard_errors(const GoalTree& tree, const std::vector<Eigen::MatrixXd>& gradients,
                               Eigen::MatrixXd& se, const Eigen::MatrixXd& scores);

}  // namespace doelenboom::detail
