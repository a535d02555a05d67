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

// The delta method over one run's tree: which goals need Jacobians, the Jacobians a block of rows
// at a time, and the regrouped sum for the rest.
class DeltaMethod {
 public:
  DeltaMethod(const GoalTree& tree, const std::vector<Eigen::MatrixXd>& gradients, Eigen::MatrixXd& se,
              const Eigen::MatrixXd& scores)
      : tree_(tree), gradients_(gradients), se_(se), scores_(scores), n_(tree.size()), order_(tree.topological_order()) {}

  void run() {
    find_leaves();
    plan();
    if (!built_order_.empty()) {
      map_children();
      for (Eigen::Index first = 0; first < scores_.rows(); first += block_rows) jacobian_block(first);
    }
    regrouped();
  }

 private:
  // Where each child's indicators sit in its parent's list: `positions` for a goal child, the
  // one position `single` for an indicator child (-1 for a goal child).
  struct ChildMap {
    std::vector<Eigen::Index> positions;
    Eigen::Index single = -1;
  };

  [[nodiscard]] bool is_indicator(GoalTree::Index v) const { return tree_.node(v).kind == NodeKind::indicator; }

  // Indicators below each goal (sorted) and whether its children share any.
  void find_leaves() {
    leaves_.assign(n_, {});
    shared_.assign(n_, 0);
    for (const GoalTree::Index v : order_) {
      if (is_indicator(v)) {
        leaves_[v] = {v};
        continue;
      }
      auto& list = leaves_[v];
      for (const auto c : tree_.children(v)) list.insert(list.end(), leaves_[c].begin(), leaves_[c].end());
      std::sort(list.begin(), list.end());
      const std::size_t with_repeats = list.size();
      list.erase(std::unique(list.begin(), list.end()), list.end());
      shared_[v] = list.size() != with_repeats ? 1 : 0;
    }
  }

  // jacobian[v]: var(v) from its Jacobian; built[v]: its Jacobian is made (for itself or a parent).
  void plan() {
    bool any_known = false;  // some indicator has a known se in some row
    for (GoalTree::Index v = 0; v < n_ && !any_known; ++v) {
      if (is_indicator(v)) any_known = !se_.col(static_cast<Eigen::Index>(v)).array().isNaN().all();
    }
    jacobian_.assign(n_, 0);
    std::vector<char> built(n_, 0);
    for (GoalTree::Index v = 0; v < n_; ++v) jacobian_[v] = any_known && shared_[v] != 0 ? 1 : 0;
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {  // parents first
      const GoalTree::Index v = *it;
      if (is_indicator(v)) continue;
      if (jacobian_[v] != 0) built[v] = 1;
      if (built[v] == 0) continue;
      for (const auto c : tree_.children(v)) {
        if (!is_indicator(c)) built[c] = 1;
      }
    }
    for (const GoalTree::Index v : order_) {
      if (built[v] != 0) built_order_.push_back(v);
    }
  }

  void map_children() {
    maps_.assign(n_, {});
    users_.assign(n_, 0);
    for (const GoalTree::Index v : built_order_) {
      const auto& list = leaves_[v];
      const auto position = [&](GoalTree::Index leaf) {
        return static_cast<Eigen::Index>(std::lower_bound(list.begin(), list.end(), leaf) - list.begin());
      };
      for (const auto c : tree_.children(v)) {
        ChildMap m;
        if (is_indicator(c)) {
          m.single = position(c);
        } else {
          m.positions.reserve(leaves_[c].size());
          for (const auto leaf : leaves_[c]) m.positions.push_back(position(leaf));
          ++users_[c];
        }
        maps_[v].push_back(std::move(m));
      }
    }
    held_.assign(n_, {});
  }

  // Whether every gradient that enters a Jacobian is the same in all rows of a block (as a
  // vectorised sum of differences; a NaN or infinity makes it NaN: the general path).
  [[nodiscard]] bool uniform(Eigen::Index first, Eigen::Index b) const {
    for (const GoalTree::Index v : built_order_) {
      const Eigen::MatrixXd& g = gradients_[v];
      for (Eigen::Index c = 0; c < g.cols(); ++c) {
        const auto x = g.col(c).segment(first, b).array();
        if (!((x - x(0)).abs().sum() == 0.0)) return false;
      }
    }
    return true;
  }

  void jacobian_block(Eigen::Index first) {
    const Eigen::Index b = std::min(block_rows, scores_.rows() - first);
    // Jacobian columns hold `bs` rows: all b, or one that stands for every row of the block.
    const auto bs = static_cast<std::size_t>(uniform(first, b) ? 1 : b);
    users_left_ = users_;
    for (const GoalTree::Index v : built_order_) {
      std::vector<double> j;
      if (!spare_.empty()) {
        j = std::move(spare_.back());
        spare_.pop_back();
      }
      build_jacobian(v, first, bs, j);
      if (jacobian_[v] != 0) write_variance(v, first, b, bs, j);
      // Children whose last reader this was give their buffers back.
      for (const auto c : tree_.children(v)) {
        if (!is_indicator(c) && --users_left_[c] == 0) spare_.push_back(std::move(held_[c]));
      }
      if (users_[v] == 0) {
        spare_.push_back(std::move(j));
      } else {
        held_[v] = std::move(j);
      }
    }
  }

  // J(v) = sum over children c of g(v, c) * J(c), column-major bs x leaves.
  void build_jacobian(GoalTree::Index v, Eigen::Index first, std::size_t bs, std::vector<double>& j) const {
    j.assign(leaves_[v].size() * bs, 0.0);
    const Eigen::MatrixXd& g = gradients_[v];
    const auto& children = tree_.children(v);
    for (std::size_t ci = 0; ci < children.size(); ++ci) {
      const double* gc = g.col(static_cast<Eigen::Index>(ci)).data() + first;
      const ChildMap& m = maps_[v][ci];
      if (m.single >= 0) {
        double* dst = j.data() + static_cast<std::size_t>(m.single) * bs;
        for (std::size_t r = 0; r < bs; ++r) dst[r] += gc[r];
        continue;
      }
      const std::vector<double>& jc = held_[children[ci]];
      for (std::size_t k = 0; k < m.positions.size(); ++k) {
        double* dst = j.data() + static_cast<std::size_t>(m.positions[k]) * bs;
        const double* src = jc.data() + k * bs;
        for (std::size_t r = 0; r < bs; ++r) dst[r] += gc[r] * src[r];
      }
    }
  }

  // se(v) = sqrt(sum_i J_i^2 se_i^2) over the block's rows (NaN where the score is missing).
  void write_variance(GoalTree::Index v, Eigen::Index first, Eigen::Index b, std::size_t bs, const std::vector<double>& j) {
    const auto& list = leaves_[v];
    const auto block = static_cast<std::size_t>(b);
    var_.assign(block, 0.0);
    for (std::size_t k = 0; k < list.size(); ++k) {
      const double* jk = j.data() + k * bs;
      const double* sk = se_.col(static_cast<Eigen::Index>(list[k])).data() + first;
      if (bs == 1) {
        // The same terms as row by row: an indicator with derivative 0 is skipped in every row.
        const double j2 = jk[0] * jk[0];
        if (jk[0] != 0.0) {
          for (std::size_t r = 0; r < block; ++r) var_[r] += j2 * (sk[r] * sk[r]);
        }
      } else if (const auto sa = Eigen::Map<const Eigen::ArrayXd>(sk, b); (sa - sa).sum() == 0.0) {
        // se finite in every row of the block: the condition changes nothing (0 * finite
        // is 0) and the plain loop vectorises.
        for (std::size_t r = 0; r < block; ++r) var_[r] += (jk[r] * jk[r]) * (sk[r] * sk[r]);
      } else {
        for (std::size_t r = 0; r < block; ++r) var_[r] += jk[r] != 0.0 ? (jk[r] * jk[r]) * (sk[r] * sk[r]) : 0.0;
      }
    }
    const double* s = scores_.col(static_cast<Eigen::Index>(v)).data() + first;
    double* out = se_.col(static_cast<Eigen::Index>(v)).data() + first;
    for (std::size_t r = 0; r < block; ++r) out[r] = s[r] == s[r] ? std::sqrt(var_[r]) : nan;
  }

  // The other goals, leaves first: var = sum_c g_c^2 se_c^2 over the children with g_c != 0.
  // Where a child's se is finite in every row the condition changes nothing (g = 0 adds 0), and
  // the plain product vectorises; known[c] caches that per column.
  void regrouped() {
    std::vector<signed char> known(n_, -1);  // -1 = not looked at yet
    Eigen::ArrayXd sum(scores_.rows());
    for (const GoalTree::Index v : order_) {
      if (is_indicator(v) || jacobian_[v] != 0) continue;
      sum.setZero();
      const auto& children = tree_.children(v);
      const Eigen::MatrixXd& g = gradients_[v];
      for (std::size_t ci = 0; ci < children.size(); ++ci) {
        const auto gc = g.col(static_cast<Eigen::Index>(ci)).array();
        const auto sc = se_.col(static_cast<Eigen::Index>(children[ci])).array();
        signed char& finite = known[children[ci]];
        if (finite < 0) finite = (sc - sc).sum() == 0.0 ? 1 : 0;
        if (finite != 0) {
          sum += gc.square() * sc.square();
        } else {
          sum += (gc != 0.0).select(gc.square() * sc.square(), 0.0);
        }
      }
      const auto s = scores_.col(static_cast<Eigen::Index>(v)).array();
      se_.col(static_cast<Eigen::Index>(v)) = (s == s).select(sum.sqrt(), nan).matrix();
    }
  }

  const GoalTree& tree_;
  const std::vector<Eigen::MatrixXd>& gradients_;
  Eigen::MatrixXd& se_;
  const Eigen::MatrixXd& scores_;
  std::size_t n_;
  const std::vector<GoalTree::Index>& order_;
  std::vector<std::vector<GoalTree::Index>> leaves_;
  std::vector<char> shared_, jacobian_;
  std::vector<GoalTree::Index> built_order_;
  std::vector<std::vector<ChildMap>> maps_;
  std::vector<std::size_t> users_, users_left_;  // parents that read a node's Jacobian (left in this block)
  std::vector<std::vector<double>> held_, spare_;
  std::vector<double> var_;
};

}  // namespace

void propagate_standard_errors(const GoalTree& tree, const std::vector<Eigen::MatrixXd>& gradients, Eigen::MatrixXd& se,
                               const Eigen::MatrixXd& scores) {
  DeltaMethod(tree, gradients, se, scores).run();
}

}  // namespace doelenboom::detail
