// GoalTree: building a validated graph (checked in goal_tree_check.cpp) and the queries and
// edits on it.

#include "doelenboom/goal_tree.hpp"

#include <algorithm>
#include <iterator>
#include <unordered_map>
#include <utility>

#include <boost/graph/topological_sort.hpp>

#include "data/indicator_check.hpp"
#include "core/diagnostics.hpp"
#include "graph/graph_internal.hpp"

namespace doelenboom {

std::string_view to_string(NodeKind kind) noexcept { return kind == NodeKind::goal ? "goal" : "indicator"; }

std::optional<NodeKind> parse_node_kind(std::string_view text) noexcept {
  if (text == "goal") return NodeKind::goal;
  if (text == "indicator") return NodeKind::indicator;
  return std::nullopt;
}

IndicatorDefinition definition_of(const Node& node) {
  IndicatorDefinition d;
  d.id = node.id;
  d.label = node.label;
  d.description = node.description;
  d.direction = node.direction;
  d.where = node.where;
  return d;
}

namespace {

using detail::Graph;
using detail::Vertex;
using detail::EdgeWeight;
using detail::squote;

}  // namespace

struct GoalTree::Impl {
  TreeDefinition def;  // nodes in order, edges grouped by child in node order
  Graph graph;
  std::unordered_map<std::string, Index> index;
  std::vector<std::size_t> level_rank;
  std::vector<std::vector<Index>> children;
  std::vector<std::vector<double>> child_weights;
  std::vector<std::vector<Index>> parents;
  std::vector<Index> topo;  // leaves first
  IndicatorSet indicators;  // def.indicators
};

GoalTree::GoalTree() : impl_(std::make_shared<Impl>()) {}
GoalTree::GoalTree(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

GoalTree GoalTree::build(TreeDefinition def) {
  throw_if_problems<TreeError>(check(def));
  auto impl = std::make_shared<Impl>();
  const std::size_t n = def.nodes.size();
  for (std::size_t i = 0; i < n; ++i) impl->index.emplace(def.nodes[i].id, i);
  std::unordered_map<std::string, std::size_t> level_rank;
  for (std::size_t i = 0; i < def.levels.size(); ++i) level_rank.emplace(def.levels[i], i);
  impl->level_rank.resize(n);
  for (std::size_t i = 0; i < n; ++i) impl->level_rank[i] = level_rank.at(def.nodes[i].level);

  // Canonical edge order: grouped by child in node order, parents in the order given.
  std::stable_sort(def.edges.begin(), def.edges.end(), [&](const Edge& a, const Edge& b) {
    return impl->index.at(a.child) < impl->index.at(b.child);
  });
  impl->graph = Graph(n);
  impl->children.resize(n);
  impl->child_weights.resize(n);
  impl->parents.resize(n);
  for (const Edge& e : def.edges) {
    Index c = impl->index.at(e.child);
    Index p = impl->index.at(e.parent);
    boost::add_edge(c, p, EdgeWeight{e.weight}, impl->graph);
    impl->parents[c].push_back(p);
    impl->children[p].push_back(c);  // children arrive in node order because edges are sorted by child
    impl->child_weights[p].push_back(e.weight);
  }
  // boost::topological_sort emits a vertex only after everything it reaches (its parents), so its
  // output runs parents first; reversed, every node comes after all of its children.
  std::vector<Vertex> order;
  order.reserve(n);
  boost::topological_sort(impl->graph, std::back_inserter(order));
  impl->topo.assign(order.rbegin(), order.rend());
  // Indicator definitions in node order, with the nodes' labels and descriptions filled in.
  for (IndicatorDefinition& d : def.indicators) {
    const Node& node = def.nodes[impl->index.at(d.id)];
    if (d.label.empty()) d.label = node.label;
    if (d.description.empty()) d.description = node.description;
  }
  std::stable_sort(def.indicators.begin(), def.indicators.end(),
                   [&](const IndicatorDefinition& a, const IndicatorDefinition& b) {
                     return impl->index.at(a.id) < impl->index.at(b.id);
                   });
  impl->indicators = IndicatorSet(def.indicators);
  impl->def = std::move(def);
  return GoalTree(std::move(impl));
}

TreeDefinition GoalTree::definition() const { return impl_->def; }
const std::string& GoalTree::name() const noexcept { return impl_->def.name; }
const std::string& GoalTree::description() const noexcept { return impl_->def.description; }
const std::string& GoalTree::source() const noexcept { return impl_->def.source; }
const std::vector<std::string>& GoalTree::levels() const noexcept { return impl_->def.levels; }
std::size_t GoalTree::size() const noexcept { return impl_->def.nodes.size(); }
std::size_t GoalTree::num_edges() const noexcept { return impl_->def.edges.size(); }
const std::vector<Node>& GoalTree::nodes() const noexcept { return impl_->def.nodes; }
const std::vector<Edge>& GoalTree::edges() const noexcept { return impl_->def.edges; }
const std::vector<GoalTree::Index>& GoalTree::topological_order() const noexcept { return impl_->topo; }
const IndicatorSet& GoalTree::indicators() const noexcept { return impl_->indicators; }

GoalTree GoalTree::with_indicators(const IndicatorSet& set) const {
  TreeDefinition def = impl_->def;
  def.indicators.insert(def.indicators.end(), set.definitions().begin(), set.definitions().end());
  return build(std::move(def));
}

namespace {
void check_index(std::size_t i, std::size_t n) {
  if (i >= n) {
    throw TreeError("node index " + std::to_string(i) + " is out of range (expected 0.." +
                    (n == 0 ? std::string("nothing: the tree is empty") : std::to_string(n - 1)) + ")");
  }
}
}  // namespace

std::size_t GoalTree::level_rank(Index node) const {
  check_index(node, size());
  return impl_->level_rank[node];
}

const Node& GoalTree::node(Index index) const {
  check_index(index, size());
  return impl_->def.nodes[index];
}

const Node& GoalTree::node(std::string_view id) const { return impl_->def.nodes[index_of(id)]; }

std::optional<GoalTree::Index> GoalTree::find(std::string_view id) const noexcept {
  auto it = impl_->index.find(std::string(id));
  if (it == impl_->index.end()) return std::nullopt;
  return it->second;
}

GoalTree::Index GoalTree::index_of(std::string_view id) const {
  if (auto i = find(id)) return *i;
  std::string where = impl_->def.source.empty() ? std::string() : " of " + impl_->def.source;
  throw TreeError("unknown node id " + squote(id) + " (expected the id of a node in the tree" + where + ")");
}

double GoalTree::weight(std::string_view child, std::string_view parent) const {
  Index c = index_of(child);
  Index p = index_of(parent);
  auto [e, found] = boost::edge(c, p, impl_->graph);
  if (!found) {
    throw TreeError("there is no edge " + squote(child) + " -> " + squote(parent) + " (expected " + squote(parent) +
                    " to be a parent of " + squote(child) + ")");
  }
  return impl_->graph[e].weight;
}

std::vector<GoalTree::Index> GoalTree::roots() const {
  std::vector<Index> out;
  for (Index i = 0; i < size(); ++i)
    if (impl_->parents[i].empty()) out.push_back(i);
  return out;
}

std::vector<GoalTree::Index> GoalTree::leaves() const {
  std::vector<Index> out;
  for (Index i = 0; i < size(); ++i)
    if (impl_->children[i].empty()) out.push_back(i);
  return out;
}

const std::vector<GoalTree::Index>& GoalTree::children(Index node) const {
  check_index(node, size());
  return impl_->children[node];
}

const std::vector<double>& GoalTree::child_weights(Index node) const {
  check_index(node, size());
  return impl_->child_weights[node];
}

const std::vector<GoalTree::Index>& GoalTree::parents(Index node) const {
  check_index(node, size());
  return impl_->parents[node];
}

namespace {
std::vector<std::size_t> reach(const std::vector<std::vector<std::size_t>>& adj, std::size_t start) {
  std::vector<char> seen(adj.size(), 0);
  std::vector<std::size_t> stack{start};
  seen[start] = 1;
  while (!stack.empty()) {
    std::size_t v = stack.back();
    stack.pop_back();
    for (std::size_t w : adj[v])
      if (!seen[w]) {
        seen[w] = 1;
        stack.push_back(w);
      }
  }
  seen[start] = 0;
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < seen.size(); ++i)
    if (seen[i]) out.push_back(i);
  return out;
}
}  // namespace

std::vector<GoalTree::Index> GoalTree::ancestors(Index node) const {
  check_index(node, size());
  return reach(impl_->parents, node);
}

std::vector<GoalTree::Index> GoalTree::descendants(Index node) const {
  check_index(node, size());
  return reach(impl_->children, node);
}

std::vector<GoalTree::Index> GoalTree::nodes_at_level(std::string_view level) const {
  const auto& lv = levels();
  auto it = std::find(lv.begin(), lv.end(), level);
  if (it == lv.end()) throw TreeError("unknown level " + squote(level) + " (expected one of the tree's levels)");
  auto rank = static_cast<std::size_t>(it - lv.begin());
  std::vector<Index> out;
  for (Index i = 0; i < size(); ++i)
    if (impl_->level_rank[i] == rank) out.push_back(i);
  return out;
}

GoalTree GoalTree::subtree(std::string_view id) const {
  Index top = index_of(id);
  std::vector<Index> keep = descendants(top);
  keep.push_back(top);
  std::sort(keep.begin(), keep.end());
  std::vector<char> in(size(), 0);
  for (Index i : keep) in[i] = 1;

  TreeDefinition def;
  def.name = impl_->def.name.empty() ? node(top).label : impl_->def.name + " / " + node(top).label;
  def.source = impl_->def.source;
  def.levels.assign(levels().begin() + static_cast<std::ptrdiff_t>(impl_->level_rank[top]), levels().end());
  for (Index i : keep) def.nodes.push_back(impl_->def.nodes[i]);
  for (const Edge& e : impl_->def.edges)
    if (in[impl_->index.at(e.child)] && in[impl_->index.at(e.parent)]) def.edges.push_back(e);
  for (const IndicatorDefinition& d : impl_->def.indicators)
    if (in[impl_->index.at(d.id)]) def.indicators.push_back(d);
  return build(std::move(def));
}

Eigen::VectorXd GoalTree::effective_weights(Index ancestor) const {
  check_index(ancestor, size());
  const auto n = static_cast<Eigen::Index>(size());
  Eigen::VectorXd eff = Eigen::VectorXd::Zero(n);
  eff[static_cast<Eigen::Index>(ancestor)] = 1.0;
  // Parents come after their children in topo; walking it backwards pushes weight downwards
  // from each node to its children once all of the node's own weight has arrived.
  const auto& topo = impl_->topo;
  for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
    Index v = *it;
    double ev = eff[static_cast<Eigen::Index>(v)];
    if (ev == 0.0) continue;
    const auto& ch = impl_->children[v];
    const auto& w = impl_->child_weights[v];
    double total = 0.0;
    for (double x : w) total += x;
    for (std::size_t k = 0; k < ch.size(); ++k) eff[static_cast<Eigen::Index>(ch[k])] += ev * w[k] / total;
  }
  return eff;
}

Eigen::MatrixXd GoalTree::effective_weight_matrix() const {
  // Row a is effective_weights(a): E = I + E * P where P(v, c) is the normalised weight of child c
  // in v. Visiting v parents first makes column v of E final before it is pushed to v's children.
  const auto n = static_cast<Eigen::Index>(size());
  Eigen::MatrixXd eff = Eigen::MatrixXd::Identity(n, n);
  const auto& topo = impl_->topo;
  for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
    Index v = *it;
    const auto& ch = impl_->children[v];
    if (ch.empty()) continue;
    const auto& w = impl_->child_weights[v];
    double total = 0.0;
    for (double x : w) total += x;
    const auto vc = static_cast<Eigen::Index>(v);
    for (std::size_t k = 0; k < ch.size(); ++k) eff.col(static_cast<Eigen::Index>(ch[k])) += (w[k] / total) * eff.col(vc);
  }
  return eff;
}

// Edits: rebuild from the changed definition; build() validates and throws before `impl_` changes.

void GoalTree::add_node(Node node, const std::vector<std::pair<std::string, double>>& parents,
                        std::optional<IndicatorDefinition> definition) {
  TreeDefinition def = impl_->def;
  for (const auto& [parent, w] : parents) def.edges.push_back(Edge{node.id, parent, w, node.where});
  if (definition) {
    if (definition->id.empty()) definition->id = node.id;
    if (definition->where.empty()) definition->where = node.where;
    def.indicators.push_back(std::move(*definition));
  }
  def.nodes.push_back(std::move(node));
  *this = build(std::move(def));
}

void GoalTree::remove_node(std::string_view id) {
  Index i = index_of(id);
  TreeDefinition def = impl_->def;
  def.nodes.erase(def.nodes.begin() + static_cast<std::ptrdiff_t>(i));
  std::erase_if(def.edges, [&](const Edge& e) { return e.child == id || e.parent == id; });
  std::erase_if(def.indicators, [&](const IndicatorDefinition& d) { return d.id == id; });
  *this = build(std::move(def));
}

void GoalTree::add_edge(std::string_view child, std::string_view parent, double weight) {
  (void)index_of(child);
  (void)index_of(parent);
  TreeDefinition def = impl_->def;
  def.edges.push_back(Edge{std::string(child), std::string(parent), weight, {}});
  *this = build(std::move(def));
}

void GoalTree::remove_edge(std::string_view child, std::string_view parent) {
  (void)weight(child, parent);  // throws when there is no such edge
  TreeDefinition def = impl_->def;
  std::erase_if(def.edges, [&](const Edge& e) { return e.child == child && e.parent == parent; });
  *this = build(std::move(def));
}

void GoalTree::set_weight(std::string_view child, std::string_view parent, double weight) {
  (void)this->weight(child, parent);
  TreeDefinition def = impl_->def;
  for (Edge& e : def.edges)
    if (e.child == child && e.parent == parent) e.weight = weight;
  *this = build(std::move(def));
}

bool operator==(const GoalTree& a, const GoalTree& b) { return a.impl_ == b.impl_ || a.impl_->def == b.impl_->def; }

}  // namespace doelenboom
