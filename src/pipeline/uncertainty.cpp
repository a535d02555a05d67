// Standard errors of every node by the first-order delta method. A node's score is a function of
// the normalised indicator scores below it; its Jacobian row J (d node / d indicator) follows by
// the chain rule, J(node) = sum over children c of g(node, c) * J(c), so that an indicator reached
// along several paths of the DAG gets the sum over all of them. With independent indicator
// errors, var(node) = sum_i J_i^2 se_i^2 (an indicator with J_i = 0 adds nothing, even when its
// se is unknown).
//
// Where the children of a node have disjoint sets of indicators below them, every indicator is
// reached through exactly one child and the sum regroups by child:
//   var(node) = sum_c g(node, c)^2 var(c)
// which needs no Jacobian at all (the tree-shaped parts of a DAG, and every node when no
// indicator has a known se: then var is NaN exactly where some path has nonzero derivatives, as
// the Jacobian would give, since no gradient is negative). Gradients are 0 for missing children
// (aggregate.cpp), so their unknown se never enters.
//
// The other nodes (children sharing indicators) and the nodes below them whose Jacobian they
// need are done with Jacobians, a block of rows at a time so that the Jacobians of a block stay
// in cache and their buffers are reused from block to block. Where all their local gradients are
// the same in every row of a block (complete data under a linear method: the weights), the block
// shares one Jacobian, computed once from its first row.

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "pipeline/uncertainty.hpp"

namespace doelenboom::detail {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// Rows per block: long enough for vectorised column updates, short enough that a block's
// Jacobians (rows x indicators below each node) stay in the L2 cache.
constexpr Eigen::Index block_rows = 64;

}  // namespace

void propagate_standard_errors(const GoalTree& tree, const std::vector<Eigen::MatrixXd>& gradients, Eigen::MatrixXd& se,
                               const Eigen::MatrixXd& scores) {
  const std::size_t n = tree.size();
  const Eigen::Index rows = scores.rows();
  const auto& order = tree.topological_order();
  const auto is_indicator = [&](GoalTree::Index v) { return tree.node(v).kind == NodeKind::indicator; };

  // Indicators below each goal (sorted) and whether its children share any.
  std::vector<std::vector<GoalTree::Index>> leaves(n);
  std::vector<char> shared(n, 0);
  for (const GoalTree::Index v : order) {
    if (is_indicator(v)) {
      leaves[v] = {v};
      continue;
    }
    auto& list = leaves[v];
    for (const auto c : tree.children(v)) list.insert(list.end(), leaves[c].begin(), leaves[c].end());
    std::sort(list.begin(), list.end());
    const std::size_t with_repeats = list.size();
    list.erase(std::unique(list.begin(), list.end()), list.end());
    shared[v] = list.size() != with_repeats ? 1 : 0;
  }

  bool any_known = false;  // some indicator has a known se in some row
  for (GoalTree::Index v = 0; v < n && !any_known; ++v) {
    if (is_indicator(v)) any_known = !se.col(static_cast<Eigen::Index>(v)).array().isNaN().all();
  }
  // jacobian[v]: var(v) from its Jacobian; built[v]: its Jacobian is made (for itself or a parent).
  std::vector<char> jacobian(n, 0), built(n, 0);
  for (GoalTree::Index v = 0; v < n; ++v) jacobian[v] = any_known && shared[v] != 0 ? 1 : 0;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {  // parents first
    const GoalTree::Index v = *it;
    if (is_indicator(v)) continue;
    if (jacobian[v] != 0) built[v] = 1;
    if (built[v] == 0) continue;
    for (const auto c : tree.children(v)) {
      if (!is_indicator(c)) built[c] = 1;
    }
  }

  // Jacobians, a block of rows at a time.
  std::vector<GoalTree::Index> built_order;
  for (const GoalTree::Index v : order) {
    if (built[v] != 0) built_order.push_back(v);
  }
  if (!built_order.empty()) {
    // Where each child's indicators sit in its parent's list: `positions` for a goal child, the
    // one position `single` for an indicator child (-1 for a goal child).
    struct ChildMap {
      std::vector<Eigen::Index> positions;
      Eigen::Index single = -1;
    };
    std::vector<std::vector<ChildMap>> maps(n);
    std::vector<std::size_t> users(n, 0);  // parents that read a node's Jacobian
    for (const GoalTree::Index v : built_order) {
      const auto& list = leaves[v];
      const auto position = [&](GoalTree::Index leaf) {
        return static_cast<Eigen::Index>(std::lower_bound(list.begin(), list.end(), leaf) - list.begin());
      };
      for (const auto c : tree.children(v)) {
        ChildMap m;
        if (is_indicator(c)) {
          m.single = position(c);
        } else {
          m.positions.reserve(leaves[c].size());
          for (const auto leaf : leaves[c]) m.positions.push_back(position(leaf));
          ++users[c];
        }
        maps[v].push_back(std::move(m));
      }
    }

    // Whether every gradient that enters a Jacobian is the same in all rows of a block (as a
    // vectorised sum of differences; a NaN or infinity makes it NaN: the general path).
    const auto uniform = [&](Eigen::Index first, Eigen::Index b) {
      for (const GoalTree::Index v : built_order) {
        const Eigen::MatrixXd& g = gradients[v];
        for (Eigen::Index c = 0; c < g.cols(); ++c) {
          const auto x = g.col(c).segment(first, b).array();
          if (!((x - x(0)).abs().sum() == 0.0)) return false;
        }
      }
      return true;
    };

    std::vector<std::vector<double>> held(n), spare;
    std::vector<std::size_t> users_left(n);
    std::vector<double> var;
    for (Eigen::Index first = 0; first < rows; first += block_rows) {
      const Eigen::Index b = std::min(block_rows, rows - first);
      // Jacobian columns hold `bs` rows: all b, or one that stands for every row of the block.
      const auto bs = static_cast<std::size_t>(uniform(first, b) ? 1 : b);
      const auto block = static_cast<std::size_t>(b);
      users_left = users;
      for (const GoalTree::Index v : built_order) {
        const auto& list = leaves[v];
        std::vector<double> j;
        if (!spare.empty()) {
          j = std::move(spare.back());
          spare.pop_back();
        }
        j.assign(list.size() * bs, 0.0);  // column-major, bs x list
        const Eigen::MatrixXd& g = gradients[v];
        const auto& children = tree.children(v);
        for (std::size_t ci = 0; ci < children.size(); ++ci) {
          const double* gc = g.col(static_cast<Eigen::Index>(ci)).data() + first;
          const ChildMap& m = maps[v][ci];
          if (m.single >= 0) {
            double* dst = j.data() + static_cast<std::size_t>(m.single) * bs;
            for (std::size_t r = 0; r < bs; ++r) dst[r] += gc[r];
            continue;
          }
          const std::vector<double>& jc = held[children[ci]];
          for (std::size_t k = 0; k < m.positions.size(); ++k) {
            double* dst = j.data() + static_cast<std::size_t>(m.positions[k]) * bs;
            const double* src = jc.data() + k * bs;
            for (std::size_t r = 0; r < bs; ++r) dst[r] += gc[r] * src[r];
          }
        }
        if (jacobian[v] != 0) {
          var.assign(block, 0.0);
          for (std::size_t k = 0; k < list.size(); ++k) {
            const double* jk = j.data() + k * bs;
            const double* sk = se.col(static_cast<Eigen::Index>(list[k])).data() + first;
            if (bs == 1) {
              // The same terms as row by row: an indicator with derivative 0 is skipped in every row.
              const double j2 = jk[0] * jk[0];
              if (jk[0] != 0.0) {
                for (std::size_t r = 0; r < block; ++r) var[r] += j2 * (sk[r] * sk[r]);
              }
            } else if (const auto sa = Eigen::Map<const Eigen::ArrayXd>(sk, b); (sa - sa).sum() == 0.0) {
              // se finite in every row of the block: the condition changes nothing (0 * finite
              // is 0) and the plain loop vectorises.
              for (std::size_t r = 0; r < block; ++r) var[r] += (jk[r] * jk[r]) * (sk[r] * sk[r]);
            } else {
              for (std::size_t r = 0; r < block; ++r) var[r] += jk[r] != 0.0 ? (jk[r] * jk[r]) * (sk[r] * sk[r]) : 0.0;
            }
          }
          const double* s = scores.col(static_cast<Eigen::Index>(v)).data() + first;
          double* out = se.col(static_cast<Eigen::Index>(v)).data() + first;
          for (std::size_t r = 0; r < block; ++r) out[r] = s[r] == s[r] ? std::sqrt(var[r]) : nan;
        }
        // Children whose last reader this was give their buffers back.
        for (const auto c : children) {
          if (!is_indicator(c) && --users_left[c] == 0) spare.push_back(std::move(held[c]));
        }
        if (users[v] == 0) {
          spare.push_back(std::move(j));
        } else {
          held[v] = std::move(j);
        }
      }
    }
  }

  // The other goals, leaves first: var = sum_c g_c^2 se_c^2 over the children with g_c != 0.
  // Where a child's se is finite in every row the condition changes nothing (g = 0 adds 0), and
  // the plain product vectorises; known[c] caches that per column.
  std::vector<signed char> known(n, -1);  // -1 = not looked at yet
  Eigen::ArrayXd sum(rows);
  for (const GoalTree::Index v : order) {
    if (is_indicator(v) || jacobian[v] != 0) continue;
    sum.setZero();
    const auto& children = tree.children(v);
    const Eigen::MatrixXd& g = gradients[v];
    for (std::size_t ci = 0; ci < children.size(); ++ci) {
      const auto gc = g.col(static_cast<Eigen::Index>(ci)).array();
      const auto sc = se.col(static_cast<Eigen::Index>(children[ci])).array();
      signed char& finite = known[children[ci]];
      if (finite < 0) finite = (sc - sc).sum() == 0.0 ? 1 : 0;
      if (finite != 0) {
        sum += gc.square() * sc.square();
      } else {
        sum += (gc != 0.0).select(gc.square() * sc.square(), 0.0);
      }
    }
    const auto s = scores.col(static_cast<Eigen::Index>(v)).array();
    se.col(static_cast<Eigen::Index>(v)) = (s == s).select(sum.sqrt(), nan).matrix();
  }
}

}  // namespace doelenboom::detail
