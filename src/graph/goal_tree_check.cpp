// GoalTree::check: every structural problem of a tree definition (nodes, levels, indicator
// definitions, edges and weights, cycles, reachability), each with where it was defined.

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/graph/depth_first_search.hpp>

#include "doelenboom/goal_tree.hpp"
#include "graph/graph_internal.hpp"
#include "data/indicator_check.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"

namespace doelenboom {

namespace {

using detail::EdgeWeight;
using detail::Graph;
using detail::Vertex;
using LevelRanks = std::unordered_map<std::string, std::size_t>;
using detail::squote;

std::string node_phrase(const Node& n) { return "node " + squote(n.id); }

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
                                 "level " + squote(lv) + " is listed twice (expected each level name once)"));
    }
  }
  for (std::size_t i = 0; i < def.nodes.size(); ++i) {
    const Node& n = def.nodes[i];
    if (!is_valid_id(n.id)) {
      out.push_back(make_problem("bad_id", n.where, {n.id},
                                 "node id " + squote(n.id) +
                                     " is not a valid id (expected an ASCII slug: a letter or digit, then letters, "
                                     "digits, '_', '-' or '.')"));
    }
    auto [it, fresh] = index.emplace(n.id, i);
    if (!fresh) {
      const Node& first = def.nodes[it->second];
      std::string first_at = first.where.to_string();
      out.push_back(make_problem("duplicate_id", n.where, {n.id},
                                 "duplicate node id " + squote(n.id) + " (first defined" +
                                     (first_at.empty() ? std::string(" as node ") + std::to_string(it->second + 1)
                                                       : " at " + first_at) +
                                     "; expected each id once)"));
    }
    if (n.label.empty()) {
      out.push_back(make_problem("bad_label", n.where, {n.id}, node_phrase(n) + " has an empty label (expected a label text)"));
    }
    if (!level_rank.contains(n.level)) {
      std::string known;
      for (const auto& lv : def.levels) known += (known.empty() ? "" : ", ") + squote(lv);
      out.push_back(make_problem("unknown_level", n.where, {n.id},
                                 node_phrase(n) + " has level " + squote(n.level) + " which is not a tree level (expected one of: " +
                                     known + ")"));
    }
    if (n.kind == NodeKind::indicator && n.direction != 1 && n.direction != -1) {
      out.push_back(make_problem("bad_direction", n.where, {n.id},
                                 "indicator " + squote(n.id) + " has direction " + std::to_string(n.direction) +
                                     " (expected 1, higher is better, or -1, lower is better)"));
    }
    if (n.kind == NodeKind::goal && n.direction != 0) {
      out.push_back(make_problem("bad_direction", n.where, {n.id},
                                 "goal " + squote(n.id) + " has direction " + std::to_string(n.direction) +
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
      add("unknown_indicator", "indicator definition " + squote(d.id) +
                                   " has no node in the tree (expected the id of an indicator node)");
      continue;
    }
    const Node& node = def.nodes[it->second];
    if (node.kind != NodeKind::indicator) {
      add("not_an_indicator", "indicator definition " + squote(d.id) + " is for goal " + squote(d.id) +
                                  " (expected the id of an indicator node; goals have no definitions)");
      continue;
    }
    const auto [first, fresh] = seen.emplace(d.id, i);
    if (!fresh) {
      add("duplicate_indicator", "indicator " + squote(d.id) + " is defined twice: " +
                                     place(def.indicators[first->second].where, first->second) + " and " + place(d.where, i) +
                                     " (expected one definition per indicator: in the tree file or in a separate "
                                     "indicators file, not both)");
      continue;
    }
    const std::string node_at = node.where.to_string();
    const std::string but = ", but node " + squote(node.id) + (node_at.empty() ? "" : " (" + node_at + ")") + " has ";
    const std::string intro = "indicator " + squote(d.id) + ": the definition has ";
    if (d.direction != node.direction) {
      add("indicator_mismatch", intro + "direction " + std::to_string(d.direction) + but + "direction " +
                                    std::to_string(node.direction) + " (expected the same direction in both)");
    }
    if (!d.label.empty() && d.label != node.label) {
      add("indicator_mismatch", intro + "label " + squote(d.label) + but + "label " + squote(node.label) +
                                    " (expected the same label in both)");
    }
    if (!d.description.empty() && d.description != node.description) {
      add("indicator_mismatch", intro + "description " + squote(d.description) + but +
                                    (node.description.empty() ? std::string("none") : "description " + squote(node.description)) +
                                    " (expected the node's description, or none)");
    }
    auto values = detail::check_indicator_values(d);
    out.insert(out.end(), std::make_move_iterator(values.begin()), std::make_move_iterator(values.end()));
  }
}

// Edges between known nodes, each once, with valid weights, from a node to a goal at its level or
// above; every parent with a positive weight. The valid edges go into g.
void check_edges(const TreeDefinition& def, const std::unordered_map<std::string, std::size_t>& index,
                 const LevelRanks& level_rank, Graph& g, std::vector<Problem>& out) {
  const std::size_t n = def.nodes.size();
  std::set<std::pair<std::size_t, std::size_t>> seen_edges;
  std::vector<double> weight_sum(n, 0.0);
  std::vector<std::size_t> child_count(n, 0);
  for (const Edge& e : def.edges) {
    auto c = index.find(e.child);
    auto p = index.find(e.parent);
    std::string edge_text = "edge " + squote(e.child) + " -> " + squote(e.parent);
    if (c == index.end()) {
      out.push_back(make_problem("unknown_id", e.where, {e.child, e.parent},
                                 edge_text + " starts at unknown node id " + squote(e.child) + " (expected the id of a defined node)"));
    }
    if (p == index.end()) {
      out.push_back(make_problem("unknown_id", e.where, {e.child, e.parent},
                                 edge_text + " points to unknown parent id " + squote(e.parent) +
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
      out.push_back(make_problem("cycle", e.where, {e.child}, "node " + squote(e.child) + " is its own parent (cycle " +
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
                                 "indicator " + squote(parent.id) + " has child " + squote(child.id) +
                                     " (expected indicators to be leaves; make " + squote(parent.id) + " a goal)"));
    }
    auto cr = level_rank.find(child.level);
    auto pr = level_rank.find(parent.level);
    if (cr != level_rank.end() && pr != level_rank.end() && cr->second < pr->second) {
      out.push_back(make_problem("level_order", e.where, {child.id, parent.id},
                                 "node " + squote(child.id) + " at level " + squote(child.level) + " is above its parent " +
                                     squote(parent.id) + " at level " + squote(parent.level) +
                                     " (expected a child at the same level as its parent or below it)"));
    }
  }
  for (std::size_t v = 0; v < n; ++v) {
    if (child_count[v] > 0 && weight_sum[v] == 0.0) {
      const Node& p = def.nodes[v];
      out.push_back(make_problem("zero_weights", p.where, {p.id},
                                 "all " + std::to_string(child_count[v]) + " edges into " + squote(p.id) +
                                     " have weight 0 (expected at least one positive weight under a parent)"));
    }
  }
}

// Cycles: the first one with its path. True when there is one.
bool find_cycle(const TreeDefinition& def, const Graph& g, std::vector<Problem>& out) {
  const std::size_t n = def.nodes.size();
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
    return true;
  }
  return false;
}

// Reachability: every node must be reachable (downwards) from a root at the top level.
void check_reachable(const TreeDefinition& def, const Graph& g, std::vector<Problem>& out) {
  const std::size_t n = def.nodes.size();
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
                                 node_phrase(nd) + " at level " + squote(nd.level) +
                                     " has no parent and is not reachable from any root (expected a parent, or level " +
                                     squote(def.levels.front()) + " for a root)"));
    }
  }
}

}  // namespace

std::vector<Problem> GoalTree::check(const TreeDefinition& def) {
  std::vector<Problem> out;
  std::unordered_map<std::string, std::size_t> index;
  LevelRanks level_rank;
  check_nodes(def, index, level_rank, out);
  check_indicators(def, index, out);
  Graph g(def.nodes.size());
  check_edges(def, index, level_rank, g, out);
  if (find_cycle(def, g, out)) return out;  // reachability is meaningless with a cycle
  check_reachable(def, g, out);
  return out;
}

}  // namespace doelenboom
