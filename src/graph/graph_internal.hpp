#pragma once
// The Boost graph inside a GoalTree (goal_tree.cpp) and its checks (goal_tree_check.cpp).

#include <boost/graph/adjacency_list.hpp>

namespace doelenboom::detail {

// Edges run child -> parent. vecS keeps out-edges (parents) and in-edges (children) in insertion order.
struct EdgeWeight {
  double weight = 1.0;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, EdgeWeight>;
using Vertex = Graph::vertex_descriptor;

}  // namespace doelenboom::detail
