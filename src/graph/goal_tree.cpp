#include "doelenboom/goal_tree.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>
#include <sstream>
#include <unordered_map>
#include <utility>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>

#include "data/indicator_check.hpp"
#include "core/utf8.hpp"

namespace doelenboom {

std::string_view to_string(NodeKind kind) noexcept { return kind == NodeKind::goal ? "goal" : "indicator"; }

std::optional<NodeKind> parse_node_kind(std::string_view text) noexcept {
  if (text == "goal") return NodeKind::goal;
  if (text == "indicator") return NodeKind::indicator;
  return std::nullopt;
}

namespace {

// Edges run child -> parent. vecS keeps out-edges (parents) and in-edges (children) in insertion order.
struct EdgeWeight {
  double weight = 1.0;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, EdgeWeight>;
using Vertex = Graph::vertex_descriptor;

std::string quote(std::string_view id) { return detail::squote(id); }  // long ids shortened

std::string node_phrase(const Node& n) { return "node " + quote(n.id); }

// Records the first back edge found by a depth-first search; the predecessor map then gives the
// cycle path. Boost's depth_first_search is iterative, so deep graphs do not overflow the stack.
struct CycleRecorder : boost::default_dfs_visitor {
  std::vector<Vertex>* pred;
  std::optional<std::pair<Vertex, Vertex>>* back;
  void tree_edge(Graph::edge_descriptor e, const Graph& g) const { (*pred)[boost::target(e, g)] = boost::source(e, g); }
  void back_edge(Graph::edge_descriptor e, const Graph& g) const {
    if (!back->has_value()) *back = std::make_pair(boost::source(e, g), boost::target(e, g));
  }
};

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

namespace {

// Structural checks that do not need a graph; `index` is filled for the first occurrence of each id.
void check_nodes(const TreeDefinition& def, std::unordered_map<std::string, std::size_t>& index,
                 std::unordered_map<std::string, std::size_t>& level_rank, std::vector<Problem>& out) {
  if (def.nodes.empty()) {
    out.push_back(make_problem("empty", Location{def.source, 0, 0, {}}, {}, "the tree has no nodes (expected at least one)"));
  }
  if (def.levels.empty()) {
    out.push_back(make_problem("no_levels", Location{def.source, 0, 0, "levels"}, {},
                               "the tree defines no levels (expected a list of level names, top level first)"));
  }
  for (std::size_t i = 0; i < def.levels.size(); ++i) {
    const auto& lv = def.levels[i];
    if (lv.empty()) {
      out.push_back(make_problem("bad_level", Location{def.source, 0, 0, "levels"}, {},
                                 "level " + std::to_string(i + 1) + " has an empty name (expected a non-empty name)"));
    } else if (!level_rank.emplace(lv, i).second) {
      out.push_back(make_problem("duplicate_level", Location{def.source, 0, 0, "levels"}, {},
                                 "level " + quote(lv) + " is listed twice (expected each level name once)"));
    }
  }
  for (std::size_t i = 0; i < def.nodes.size(); ++i) {
    const Node& n = def.nodes[i];
    if (!is_valid_id(n.id)) {
      out.push_back(make_problem("bad_id", n.where, {n.id},
                                 "node id " + quote(n.id) +
                                     " is not a valid id (expected an ASCII slug: a letter or digit, then letters, "
                                     "digits, '_', '-' or '.')"));
    }
    auto [it, fresh] = index.emplace(n.id, i);
    if (!fresh) {
      const Node& first = def.nodes[it->second];
      std::string first_at = first.where.to_string();
      out.push_back(make_problem("duplicate_id", n.where, {n.id},
                                 "duplicate node id " + quote(n.id) + " (first defined" +
                                     (first_at.empty() ? std::string(" as node ") + std::to_string(it->second + 1)
                                                       : " at " + first_at) +
                                     "; expected each id once)"));
    }
    if (n.label.empty()) {
      out.push_back(make_problem("bad_label", n.where, {n.id}, node_phrase(n) + " has an empty label (expected a label text)"));
    }
    if (!level_rank.contains(n.level)) {
      std::string known;
      for (const auto& lv : def.levels) known += (known.empty() ? "" : ", ") + quote(lv);
      out.push_back(make_problem("unknown_level", n.where, {n.id},
                                 node_phrase(n) + " has level " + quote(n.level) + " which is not a tree level (expected one of: " +
                                     known + ")"));
    }
    if (n.kind == NodeKind::indicator && n.direction != 1 && n.direction != -1) {
      out.push_back(make_problem("bad_direction", n.where, {n.id},
                                 "indicator " + quote(n.id) + " has direction " + std::to_string(n.direction) +
                                     " (expected 1, higher is better, or -1, lower is better)"));
    }
    if (n.kind == NodeKind::goal && n.direction != 0) {
      out.push_back(make_problem("bad_direction", n.where, {n.id},
                                 "goal " + quote(n.id) + " has direction " + std::to_string(n.direction) +
                                     " (expected none: only indicators have a direction)"));
    }
  }
}

// "at tree.yaml:12", or "as definition 3" when the place is unknown.
std::string place(const Location& where, std::size_t position) {
  const std::string text = where.to_string();
  return text.empty() ? "as definition " + std::to_string(position + 1) : "at " + text;
}

// Each definition belongs to one indicator node and agrees with it; `index` maps ids to nodes.
void check_indicators(const TreeDefinition& def, const std::unordered_map<std::string, std::size_t>& index,
                      std::vector<Problem>& out) {
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < def.indicators.size(); ++i) {
    const IndicatorDefinition& d = def.indicators[i];
    const auto add = [&](const char* code, const std::string& what) {
      out.push_back(make_problem(code, d.where, {d.id}, what));
    };
    const auto it = index.find(d.id);
    if (it == index.end()) {
      add("unknown_indicator", "indicator definition " + quote(d.id) +
                                   " has no node in the tree (expected the id of an indicator node)");
      continue;
    }
    const Node& node = def.nodes[it->second];
    if (node.kind != NodeKind::indicator) {
      add("not_an_indicator", "indicator definition " + quote(d.id) + " is for goal " + quote(d.id) +
                                  " (expected the id of an indicator node; goals have no definitions)");
      continue;
    }
    const auto [first, fresh] = seen.emplace(d.id, i);
    if (!fresh) {
      add("duplicate_indicator", "indicator " + quote(d.id) + " is defined twice: " +
                                     place(def.indicators[first->second].where, first->second) + " and " + place(d.where, i) +
                                     " (expected one definition per indicator: in the tree file or in a separate "
                                     "indicators file, not both)");
      continue;
    }
    const std::string node_at = node.where.to_string();
    const std::string but = ", but node " + quote(node.id) + (node_at.empty() ? "" : " (" + node_at + ")") + " has ";
    const std::string intro = "indicator " + quote(d.id) + ": the definition has ";
    if (d.direction != node.direction) {
      add("indicator_mismatch", intro + "direction " + std::to_string(d.direction) + but + "direction " +
                                    std::to_string(node.direction) + " (expected the same direction in both)");
    }
    if (!d.label.empty() && d.label != node.label) {
      add("indicator_mismatch", intro + "label " + quote(d.label) + but + "label " + quote(node.label) +
                                    " (expected the same label in both)");
    }
    if (!d.description.empty() && d.description != node.description) {
      add("indicator_mismatch", intro + "description " + quote(d.description) + but +
                                    (node.description.empty() ? std::string("none") : "description " + quote(node.description)) +
                                    " (expected the node's description, or none)");
    }
    auto values = detail::check_indicator_values(d);
    out.insert(out.end(), std::make_move_iterator(values.begin()), std::make_move_iterator(values.end()));
  }
}

}  // namespace

std::vector<Problem> GoalTree::check(const TreeDefinition& def) {
  std::vector<Problem> out;
  std::unordered_map<std::string, std::size_t> index;
  std::unordered_map<std::string, std::size_t> level_rank;
  check_nodes(def, index, level_rank, out);
  check_indicators(def, index, out);

  const std::size_t n = def.nodes.size();
  Graph g(n);
  std::set<std::pair<std::size_t, std::size_t>> seen_edges;
  std::vector<double> weight_sum(n, 0.0);
  std::vector<std::size_t> child_count(n, 0);
  for (const Edge& e : def.edges) {
    auto c = index.find(e.child);
    auto p = index.find(e.parent);
    std::string edge_text = "edge " + quote(e.child) + " -> " + quote(e.parent);
    if (c == index.end()) {
      out.push_back(make_problem("unknown_id", e.where, {e.child, e.parent},
                                 edge_text + " starts at unknown node id " + quote(e.child) + " (expected the id of a defined node)"));
    }
    if (p == index.end()) {
      out.push_back(make_problem("unknown_id", e.where, {e.child, e.parent},
                                 edge_text + " points to unknown parent id " + quote(e.parent) +
                                     " (expected the id of a defined node)"));
    }
    if (!std::isfinite(e.weight) || e.weight < 0.0) {
      std::ostringstream w;
      w << e.weight;
      out.push_back(make_problem("bad_weight", e.where, {e.child, e.parent},
                                 edge_text + " has weight " + w.str() + " (expected a finite number >= 0)"));
    }
    if (c == index.end() || p == index.end()) continue;
    if (c->second == p->second) {
      out.push_back(make_problem("cycle", e.where, {e.child}, "node " + quote(e.child) + " is its own parent (cycle " +
                                                                   e.child + " -> " + e.child + ")"));
      continue;
    }
    if (!seen_edges.emplace(c->second, p->second).second) {
      out.push_back(make_problem("duplicate_edge", e.where, {e.child, e.parent},
                                 edge_text + " is defined twice (expected each parent once per node)"));
      continue;
    }
    boost::add_edge(c->second, p->second, EdgeWeight{e.weight}, g);
    if (std::isfinite(e.weight) && e.weight >= 0.0) weight_sum[p->second] += e.weight;
    ++child_count[p->second];

    const Node& child = def.nodes[c->second];
    const Node& parent = def.nodes[p->second];
    if (parent.kind == NodeKind::indicator) {
      out.push_back(make_problem("indicator_with_children", e.where, {parent.id, child.id},
                                 "indicator " + quote(parent.id) + " has child " + quote(child.id) +
                                     " (expected indicators to be leaves; make " + quote(parent.id) + " a goal)"));
    }
    auto cr = level_rank.find(child.level);
    auto pr = level_rank.find(parent.level);
    if (cr != level_rank.end() && pr != level_rank.end() && cr->second < pr->second) {
      out.push_back(make_problem("level_order", e.where, {child.id, parent.id},
                                 "node " + quote(child.id) + " at level " + quote(child.level) + " is above its parent " +
                                     quote(parent.id) + " at level " + quote(parent.level) +
                                     " (expected a child at the same level as its parent or below it)"));
    }
  }
  for (std::size_t v = 0; v < n; ++v) {
    if (child_count[v] > 0 && weight_sum[v] == 0.0) {
      const Node& p = def.nodes[v];
      out.push_back(make_problem("zero_weights", p.where, {p.id},
                                 "all " + std::to_string(child_count[v]) + " edges into " + quote(p.id) +
                                     " have weight 0 (expected at least one positive weight under a parent)"));
    }
  }

  // Cycles: report the first one with its path.
  std::vector<Vertex> pred(n);
  for (std::size_t v = 0; v < n; ++v) pred[v] = v;
  std::optional<std::pair<Vertex, Vertex>> back;
  if (n > 0) {
    std::vector<boost::default_color_type> colour(n);
    CycleRecorder rec;
    rec.pred = &pred;
    rec.back = &back;
    boost::depth_first_search(g, boost::visitor(rec).color_map(
                                     boost::make_iterator_property_map(colour.begin(), boost::get(boost::vertex_index, g))));
  }
  if (back) {
    // back edge u -> v: v is an ancestor of u in the DFS tree; the path v ... u then u -> v closes it.
    std::vector<Vertex> path{back->first};
    for (Vertex x = back->first; x != back->second && pred[x] != x; x = pred[x]) path.push_back(pred[x]);
    std::reverse(path.begin(), path.end());
    std::string text;
    std::vector<std::string> ids;
    for (Vertex x : path) {
      text += def.nodes[x].id + " -> ";
      ids.push_back(def.nodes[x].id);
    }
    text += def.nodes[back->second].id;
    out.push_back(make_problem("cycle", def.nodes[path.front()].where, ids,
                               "cycle in the graph: " + text + " (expected edges child -> parent never to return to a node)"));
    return out;  // reachability is meaningless with a cycle
  }

  // Reachability: every node must be reachable (downwards) from a root at the top level.
  if (!def.levels.empty()) {
    std::vector<char> reached(n, 0);
    std::vector<Vertex> stack;
    for (std::size_t v = 0; v < n; ++v) {
      if (boost::out_degree(v, g) == 0 && def.nodes[v].level == def.levels.front()) {
        reached[v] = 1;
        stack.push_back(v);
      }
    }
    while (!stack.empty()) {
      Vertex v = stack.back();
      stack.pop_back();
      for (auto [it, end] = boost::in_edges(v, g); it != end; ++it) {
        Vertex c = boost::source(*it, g);
        if (!reached[c]) {
          reached[c] = 1;
          stack.push_back(c);
        }
      }
    }
    for (std::size_t v = 0; v < n; ++v) {
      if (reached[v] || boost::out_degree(v, g) != 0) continue;
      // Report each parentless node outside the top level once (its descendants follow from it).
      const Node& nd = def.nodes[v];
      out.push_back(make_problem("unreachable", nd.where, {nd.id},
                                 node_phrase(nd) + " at level " + quote(nd.level) +
                                     " has no parent and is not reachable from any root (expected a parent, or level " +
                                     quote(def.levels.front()) + " for a root)"));
    }
  }
  return out;
}

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
  throw TreeError("unknown node id " + quote(id) + " (expected the id of a node in the tree" + where + ")");
}

double GoalTree::weight(std::string_view child, std::string_view parent) const {
  Index c = index_of(child);
  Index p = index_of(parent);
  auto [e, found] = boost::edge(c, p, impl_->graph);
  if (!found) {
    throw TreeError("there is no edge " + quote(child) + " -> " + quote(parent) + " (expected " + quote(parent) +
                    " to be a parent of " + quote(child) + ")");
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
  if (it == lv.end()) throw TreeError("unknown level " + quote(level) + " (expected one of the tree's levels)");
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
