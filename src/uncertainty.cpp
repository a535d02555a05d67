// Standard errors of every node by the first-order delta method. A node's score is a function of
// the normalised indicator scores below it; its Jacobian row J (d node / d indicator) is built
// bottom-up by the chain rule, J(node) = sum over children c of g(node, c) * J(c), so that an
// indicator reached along several paths of the DAG gets the sum over all of them. With
// independent indicator errors, var(node) = sum_i J_i^2 se_i^2.
//
// Each node keeps J only over the indicators below it (a sorted list), as a rows x indicators
// matrix whose columns are updated with whole-column Eigen operations; a node's J is released
// once all of its parents have used it.

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "pipeline_internal.hpp"

namespace doelenboom::detail {

void propagate_standard_errors(const GoalTree& tree, const std::vector<Eigen::MatrixXd>& gradients, Eigen::MatrixXd& se,
                               const Eigen::MatrixXd& scores) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = tree.size();
  const Eigen::Index rows = scores.rows();

  std::vector<std::vector<GoalTree::Index>> leaves(n);  // indicators below each node, sorted
  std::vector<Eigen::MatrixXd> jacobian(n);              // rows x leaves[node]; implicit 1 for indicators
  std::vector<std::size_t> parents_left(n);
  for (GoalTree::Index v = 0; v < n; ++v) parents_left[v] = tree.parents(v).size();
  std::vector<Eigen::Index> position(n, -1);  // scratch: position of an indicator in the current list

  const auto release = [&](GoalTree::Index v) {
    if (parents_left[v] == 0) {
      jacobian[v] = Eigen::MatrixXd();
      if (tree.node(v).kind != NodeKind::indicator) leaves[v] = {};
    }
  };

  for (const GoalTree::Index v : tree.topological_order()) {
    const auto col = static_cast<Eigen::Index>(v);
    if (tree.node(v).kind == NodeKind::indicator) {
      leaves[v] = {v};
      continue;
    }
    const auto& children = tree.children(v);
    auto& list = leaves[v];
    for (const auto c : children) list.insert(list.end(), leaves[c].begin(), leaves[c].end());
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    for (std::size_t k = 0; k < list.size(); ++k) position[list[k]] = static_cast<Eigen::Index>(k);

    Eigen::MatrixXd& j = jacobian[v];
    j.setZero(rows, static_cast<Eigen::Index>(list.size()));
    const Eigen::MatrixXd& g = gradients[v];
    for (std::size_t c = 0; c < children.size(); ++c) {
      const GoalTree::Index child = children[c];
      const auto gc = g.col(static_cast<Eigen::Index>(c)).array();
      if (tree.node(child).kind == NodeKind::indicator) {
        j.col(position[child]).array() += gc;
      } else {
        const auto& below = leaves[child];
        const Eigen::MatrixXd& jc = jacobian[child];
        for (std::size_t k = 0; k < below.size(); ++k) {
          j.col(position[below[k]]).array() += gc * jc.col(static_cast<Eigen::Index>(k)).array();
        }
      }
    }
    // var = sum J_i^2 se_i^2; an indicator with derivative 0 adds nothing, even when its se is
    // unknown (NaN), so the weakest link or a missing child never poisons the interval.
    Eigen::ArrayXd var = Eigen::ArrayXd::Zero(rows);
    for (std::size_t k = 0; k < list.size(); ++k) {
      const auto jk = j.col(static_cast<Eigen::Index>(k)).array();
      const auto sk = se.col(static_cast<Eigen::Index>(list[k])).array();
      var += (jk != 0.0).select(jk.square() * sk.square(), 0.0);
    }
    const auto s = scores.col(col).array();
    se.col(col) = (s == s).select(var.sqrt(), nan).matrix();

    for (const auto l : list) position[l] = -1;
    for (const auto c : children) {
      --parents_left[c];
      release(c);
    }
    release(v);
  }
}

}  // namespace doelenboom::detail
