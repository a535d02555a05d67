#pragma once
// The doelenboom (goal tree): a directed acyclic graph of goals and indicators. Edges run
// child -> parent ("contributes to") and carry a weight. A node may have several parents
// (an activity serves several subdoelen); indicators are leaves.
//
// A GoalTree is immutable once built and always valid: it is built from a TreeDefinition
// (plain data, as read from a file) and every edit builds and validates a new graph before
// replacing the old one, so a failed edit leaves the tree unchanged. Copies are cheap (the
// graph is shared), and a tree can be read from several threads at once.
//
// Indicator nodes may carry their indicator definitions (pillar, result, measure, ...): from the
// tree file, or attached from a separate indicators file with with_indicators(). A definition
// belongs to exactly one indicator node and agrees with it (id, label, description, direction).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/error.hpp"
#include "doelenboom/ids.hpp"  // is_valid_id, declared here before it had a header of its own
#include "doelenboom/indicator.hpp"

namespace doelenboom {

/// What a node is: a goal (doel, at any level) or a measured indicator (always a leaf).
enum class NodeKind { goal, indicator };

/// "goal" / "indicator".
std::string_view to_string(NodeKind kind) noexcept;
/// Parse "goal" / "indicator"; std::nullopt for anything else.
std::optional<NodeKind> parse_node_kind(std::string_view text) noexcept;

/// One node of the graph, as defined by the user.
struct Node {
  std::string id;           ///< stable ASCII slug: [A-Za-z0-9][A-Za-z0-9_.-]*
  std::string label;        ///< UTF-8 display text (Dutch), non-empty
  NodeKind kind = NodeKind::goal;
  std::string level;        ///< one of the tree's level names
  std::string description;  ///< optional, UTF-8
  int direction = 0;        ///< indicators: +1 higher is better, -1 lower is better; goals: 0
  Location where;           ///< where it was defined (not part of equality)

  friend bool operator==(const Node& a, const Node& b) {
    return a.id == b.id && a.label == b.label && a.kind == b.kind && a.level == b.level &&
           a.description == b.description && a.direction == b.direction;
  }
};

/// The indicator definition an indicator node carries (in a tree file or a row of a nodes table),
/// before its own keys are read: the node's id, label, description, direction and place.
[[nodiscard]] IndicatorDefinition definition_of(const Node& node);

/// An edge child -> parent with its weight (before normalisation per parent).
struct Edge {
  std::string child;
  std::string parent;
  double weight = 1.0;
  Location where;  ///< where it was defined (not part of equality)

  friend bool operator==(const Edge& a, const Edge& b) {
    return a.child == b.child && a.parent == b.parent && a.weight == b.weight;
  }
};

/// Plain data describing a tree: what files hold and what the graph is built from.
struct TreeDefinition {
  std::string name;                 ///< optional title
  std::string description;          ///< optional
  std::vector<std::string> levels;  ///< level names, top level first
  std::vector<Node> nodes;          ///< in definition order
  std::vector<Edge> edges;          ///< any order; the tree keeps them grouped by child in node order
  /// Definitions of indicator nodes (at most one per node; nodes without one have none), any
  /// order; the tree keeps them in node order. The id names the node; an empty label or
  /// description means the node's, and the direction must be the node's.
  std::vector<IndicatorDefinition> indicators;
  std::string source;               ///< file it came from, for messages (not part of equality)

  friend bool operator==(const TreeDefinition& a, const TreeDefinition& b) {
    return a.name == b.name && a.description == b.description && a.levels == b.levels && a.nodes == b.nodes &&
           a.edges == b.edges && a.indicators == b.indicators;
  }
};

class GoalTree {
 public:
  /// Dense node index: the position of the node in definition order.
  using Index = std::size_t;

  /// An empty tree.
  GoalTree();

  /// Build and validate. Throws TreeError listing every problem (see check()).
  static GoalTree build(TreeDefinition definition);

  /// Every structural problem of a definition, empty when it is valid. Checks: id syntax,
  /// duplicate ids, unknown levels, kinds and directions, edges to unknown ids, self-loops and
  /// duplicate edges, negative or non-finite weights, all-zero weights under a parent, indicators
  /// with children, a child whose level is above its parent's, cycles (with the path), and nodes
  /// not reachable from a root at the top level. Indicator definitions: an id that is no node or
  /// a goal, two definitions of one indicator (naming both places), a label, description or
  /// direction other than the node's, and the definition's own values (IndicatorDefinition::check).
  static std::vector<Problem> check(const TreeDefinition& definition);

  /// The definition back as plain data: nodes in order, edges grouped by child in node order,
  /// indicator definitions in node order with the nodes' labels and descriptions filled in.
  [[nodiscard]] TreeDefinition definition() const;

  /// The indicator definitions of the tree's indicator nodes, in node order: those of the tree
  /// file and those attached with with_indicators(). Empty when there are none.
  [[nodiscard]] const IndicatorSet& indicators() const noexcept;
  /// A new tree with the definitions of `set` attached to their indicator nodes (this tree is
  /// unchanged). Throws TreeError listing every problem: an id that is not an indicator node of
  /// the tree, a direction, label or description other than the node's (an empty description
  /// takes the node's), and an indicator that already has a definition (from the tree file or an
  /// earlier set), naming both places.
  [[nodiscard]] GoalTree with_indicators(const IndicatorSet& set) const;

  [[nodiscard]] const std::string& name() const noexcept;
  [[nodiscard]] const std::string& description() const noexcept;
  [[nodiscard]] const std::string& source() const noexcept;
  /// Level names, top level first.
  [[nodiscard]] const std::vector<std::string>& levels() const noexcept;
  /// 0 for the top level, increasing downwards.
  [[nodiscard]] std::size_t level_rank(Index node) const;

  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] std::size_t num_edges() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }

  [[nodiscard]] const Node& node(Index index) const;
  /// Throws TreeError naming the id when it is unknown.
  [[nodiscard]] const Node& node(std::string_view id) const;
  [[nodiscard]] const std::vector<Node>& nodes() const noexcept;
  [[nodiscard]] std::optional<Index> find(std::string_view id) const noexcept;
  [[nodiscard]] bool contains(std::string_view id) const noexcept { return find(id).has_value(); }
  /// Throws TreeError naming the id when it is unknown.
  [[nodiscard]] Index index_of(std::string_view id) const;

  /// Edges grouped by child in node order, each child's parents in definition order.
  [[nodiscard]] const std::vector<Edge>& edges() const noexcept;
  /// Raw weight of child -> parent; throws TreeError when there is no such edge.
  [[nodiscard]] double weight(std::string_view child, std::string_view parent) const;

  /// Nodes without parents (all at the top level), in node order.
  [[nodiscard]] std::vector<Index> roots() const;
  /// Nodes without children, in node order.
  [[nodiscard]] std::vector<Index> leaves() const;
  /// Children of a node, in node order.
  [[nodiscard]] const std::vector<Index>& children(Index node) const;
  /// Parents of a node, in definition order.
  [[nodiscard]] const std::vector<Index>& parents(Index node) const;
  /// Raw weights of the edges to children(node), in the same order.
  [[nodiscard]] const std::vector<double>& child_weights(Index node) const;
  /// All nodes above / below a node (excluding itself), in node order.
  [[nodiscard]] std::vector<Index> ancestors(Index node) const;
  [[nodiscard]] std::vector<Index> descendants(Index node) const;
  /// Every node once, each after all of its children (leaves first).
  [[nodiscard]] const std::vector<Index>& topological_order() const noexcept;
  /// Nodes at one level, in node order; throws TreeError for an unknown level name.
  [[nodiscard]] std::vector<Index> nodes_at_level(std::string_view level) const;

  /// The sub-graph below a node: the node (as the only root), its descendants and the edges
  /// between them; levels start at the node's level.
  [[nodiscard]] GoalTree subtree(std::string_view id) const;

  /// Effective weight of every node in `ancestor`: the sum over all paths from the node up to the
  /// ancestor of the product of the parent-normalised edge weights. 1 for the ancestor itself,
  /// 0 for nodes that are not below it. Vector of size(), indexed by node index.
  [[nodiscard]] Eigen::VectorXd effective_weights(Index ancestor) const;
  /// All of them at once: entry (a, d) is the effective weight of node d in node a.
  [[nodiscard]] Eigen::MatrixXd effective_weight_matrix() const;

  // Edits. Each validates the whole new graph and throws TreeError (leaving this tree unchanged)
  // when the result would be invalid.
  /// Add a node with edges to its parents (id, weight) and, for an indicator, optionally its
  /// definition (id empty or the node's).
  void add_node(Node node, const std::vector<std::pair<std::string, double>>& parents = {},
                std::optional<IndicatorDefinition> definition = std::nullopt);
  /// Remove a node, every edge touching it and its indicator definition.
  void remove_node(std::string_view id);
  void add_edge(std::string_view child, std::string_view parent, double weight = 1.0);
  void remove_edge(std::string_view child, std::string_view parent);
  void set_weight(std::string_view child, std::string_view parent, double weight);

  /// Same definition (levels, nodes, edges, weights, attributes, indicator definitions), locations ignored.
  friend bool operator==(const GoalTree& a, const GoalTree& b);

 private:
  struct Impl;
  explicit GoalTree(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace doelenboom
