// doelenboom::GoalTree and the tree file functions for Python. Nodes are named by id on this side
// (the C++ index is an implementation detail), except in the effective weight arrays, which are
// indexed by node index (the position in definition order, as in `ids()`).

#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "graph/tree_input.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/tree_io.hpp"

namespace doelenboom::python {

namespace {

// ---------------------------------------------------------------------------------------------
// C++ -> Python.

py::dict node_to_dict(const Node& node) {
  py::dict d;
  d["id"] = node.id;
  d["label"] = node.label;
  d["kind"] = std::string(to_string(node.kind));
  d["level"] = node.level;
  d["description"] = node.description;
  d["direction"] = node.direction;
  return d;
}

py::dict edge_to_dict(const Edge& edge) {
  py::dict d;
  d["child"] = edge.child;
  d["parent"] = edge.parent;
  d["weight"] = edge.weight;
  return d;
}

py::list ids_of(const GoalTree& tree, const std::vector<GoalTree::Index>& indices) {
  py::list out;
  for (auto i : indices) out.append(py::str(tree.node(i).id));
  return out;
}

py::list nodes_to_list(const std::vector<Node>& nodes) {
  py::list out;
  for (const auto& n : nodes) out.append(node_to_dict(n));
  return out;
}

py::list edges_to_list(const std::vector<Edge>& edges) {
  py::list out;
  for (const auto& e : edges) out.append(edge_to_dict(e));
  return out;
}

// Construction, validation and the tree file formats.
void def_building_and_files(py::class_<GoalTree>& cls) {
  const CsvTreeColumns csv_defaults;

  cls.def(py::init<>(), "An empty tree.")
      .def_static(
          "build",
          [](const py::iterable& nodes, const py::iterable& edges, std::vector<std::string> levels, std::string name,
             std::string description, std::string source) {
            return GoalTree::build(definition_from_python(nodes, edges, std::move(levels), std::move(name),
                                                          std::move(description), std::move(source)));
          },
          py::arg("nodes"), py::arg("edges"), py::arg("levels"), py::kw_only(), py::arg("name") = "",
          py::arg("description") = "", py::arg("source") = "",
          R"doc(Build and validate a tree. Nodes are dicts (id, label, kind, level, optional description,
direction, file, line, row and, for an indicator, the definition keys pillar, result, measure,
rate_per, scale, scale_min, scale_max, norm, goalpost_min, goalpost_max, unit; None is "not given")
or tuples (id, label, kind, level[, description[, direction]]); edges are
dicts (child, parent, optional weight, file, line, row) or tuples (child, parent[, weight]). Levels are
listed top level first. Raises ParseError for malformed items and TreeError listing every structural
problem.)doc")
      .def_static(
          "check",
          [](const py::iterable& nodes, const py::iterable& edges, std::vector<std::string> levels, std::string name,
             std::string description, std::string source) {
            return problems_to_list(GoalTree::check(definition_from_python(
                nodes, edges, std::move(levels), std::move(name), std::move(description), std::move(source))));
          },
          py::arg("nodes"), py::arg("edges"), py::arg("levels"), py::kw_only(), py::arg("name") = "",
          py::arg("description") = "", py::arg("source") = "",
          "Every structural problem of a definition (same arguments as build) as a list of problem dicts; "
          "empty when it is valid.")
      .def_static("load_yaml", &load_tree_yaml, py::arg("path"), py::call_guard<py::gil_scoped_release>(),
                  "Read and validate a YAML tree file. Raises ParseError or TreeError naming file and line.")
      .def_static(
          "load_yaml_string",
          [](const std::string& text, const std::string& source) { return load_tree_yaml_string(text, source); },
          py::arg("text"), py::arg("source") = "<string>", py::call_guard<py::gil_scoped_release>(),
          "Read and validate YAML tree text; `source` names it in messages.")
      .def_static(
          "load_csv",
          [](const std::filesystem::path& path, std::string id, std::string parent, std::string label, std::string level,
             std::string weight, std::string direction, std::string kind, std::string description,
             std::vector<std::string> indicator_kinds, std::vector<std::string> goal_kinds,
             bool numeric_levels_ascend_upwards) {
            CsvTreeColumns c;
            c.id = std::move(id);
            c.parent = std::move(parent);
            c.label = std::move(label);
            c.level = std::move(level);
            c.weight = std::move(weight);
            c.direction = std::move(direction);
            c.kind = std::move(kind);
            c.description = std::move(description);
            c.indicator_kinds = std::move(indicator_kinds);
            c.goal_kinds = std::move(goal_kinds);
            c.numeric_levels_ascend_upwards = numeric_levels_ascend_upwards;
            py::gil_scoped_release release;
            return load_tree_csv(path, c);
          },
          py::arg("path"), py::kw_only(), py::arg("id") = csv_defaults.id, py::arg("parent") = csv_defaults.parent,
          py::arg("label") = csv_defaults.label, py::arg("level") = csv_defaults.level,
          py::arg("weight") = csv_defaults.weight, py::arg("direction") = csv_defaults.direction,
          py::arg("kind") = csv_defaults.kind, py::arg("description") = csv_defaults.description,
          py::arg("indicator_kinds") = csv_defaults.indicator_kinds, py::arg("goal_kinds") = csv_defaults.goal_kinds,
          py::arg("numeric_levels_ascend_upwards") = csv_defaults.numeric_levels_ascend_upwards,
          R"doc(Read a CSV edge list: one row per (node, parent), a root with an empty parent. Each keyword
names a column; an empty name means the column is absent (label = id, weight 1, direction +1 for
indicators, kind from the shape: leaves are indicators; no descriptions). Raises ParseError or
TreeError naming file, row and column.)doc")
      .def(
          "to_yaml",
          [](const GoalTree& self) {
            GoalTree tree = self;  // shares the graph; an edit elsewhere replaces self's, not this one
            py::gil_scoped_release release;
            return tree_to_yaml(tree);
          },
          "The YAML text of the tree; loading it gives an equal tree.")
      .def(
          "save_yaml",
          [](const GoalTree& self, const std::filesystem::path& path) {
            GoalTree tree = self;
            py::gil_scoped_release release;
            save_tree_yaml(tree, path);
          },
          py::arg("path"), "Write the YAML text atomically (a temporary file, then renamed into place).");
}

// Attributes, nodes and edges, and the graph queries (ids in, ids out).
void def_structure(py::class_<GoalTree>& cls) {
  cls.def_property_readonly("name", &GoalTree::name, "Optional title.")
      .def_property_readonly("description", &GoalTree::description, "Optional description.")
      .def_property_readonly("source", &GoalTree::source, "File the tree came from (empty for in-memory trees).")
      .def_property_readonly("levels", &GoalTree::levels, "Level names, top level first.")
      .def_property_readonly("num_edges", &GoalTree::num_edges, "Number of edges.")
      .def("__len__", &GoalTree::size, "Number of nodes.")
      .def(
          "__contains__", [](const GoalTree& self, const std::string& id) { return self.contains(id); }, py::arg("id"),
          "True when a node has this id.")
      .def(
          "ids",
          [](const GoalTree& self) {
            py::list out;
            for (const auto& n : self.nodes()) out.append(py::str(n.id));
            return out;
          },
          "Node ids in definition order (position = node index).")
      .def(
          "index_of", [](const GoalTree& self, const std::string& id) { return self.index_of(id); }, py::arg("id"),
          "Node index of an id; raises TreeError naming an unknown id.")
      .def_property_readonly(
          "nodes", [](const GoalTree& self) { return nodes_to_list(self.nodes()); },
          "Nodes as dicts (id, label, kind, level, description, direction), in definition order.")
      .def(
          "node", [](const GoalTree& self, const std::string& id) { return node_to_dict(self.node(id)); },
          py::arg("id"), "One node as a dict; raises TreeError naming an unknown id.")
      .def_property_readonly(
          "edges", [](const GoalTree& self) { return edges_to_list(self.edges()); },
          "Edges as dicts (child, parent, weight), grouped by child in node order.")
      .def(
          "definition",
          [](const GoalTree& self) {
            py::dict d;
            d["name"] = self.name();
            d["description"] = self.description();
            d["levels"] = self.levels();
            d["nodes"] = nodes_to_list(self.nodes());
            d["edges"] = edges_to_list(self.edges());
            d["indicators"] = self.indicators().definitions();
            d["source"] = self.source();
            return d;
          },
          "The definition as plain data: a dict with name, description, levels, nodes, edges, indicators "
          "(IndicatorDefinition objects in node order), source.")
      .def_property_readonly(
          "indicators", [](const GoalTree& self) { return self.indicators(); },
          "The indicator definitions of the indicator nodes, in node order (an IndicatorSet; empty when none).")
      .def(
          "with_indicators",
          [](const GoalTree& self, const IndicatorSet& set) {
            GoalTree tree = self;
            py::gil_scoped_release release;
            return tree.with_indicators(set);
          },
          py::arg("indicators"),
          R"doc(A new tree with the definitions of an IndicatorSet attached to their indicator nodes. Raises
TreeError listing every problem: an id that is not an indicator node, a direction, label or
description other than the node's, an indicator that already has a definition (naming both places).)doc")
      .def(
          "weight",
          [](const GoalTree& self, const std::string& child, const std::string& parent) {
            return self.weight(child, parent);
          },
          py::arg("child"), py::arg("parent"), "Raw weight of the edge child -> parent; TreeError if there is none.")
      .def(
          "level_rank", [](const GoalTree& self, const std::string& id) { return self.level_rank(self.index_of(id)); },
          py::arg("id"), "Rank of the node's level: 0 for the top level, increasing downwards.")

      .def(
          "roots", [](const GoalTree& self) { return ids_of(self, self.roots()); },
          "Ids of the nodes without parents, in node order.")
      .def(
          "leaves", [](const GoalTree& self) { return ids_of(self, self.leaves()); },
          "Ids of the nodes without children, in node order.")
      .def(
          "children",
          [](const GoalTree& self, const std::string& id) { return ids_of(self, self.children(self.index_of(id))); },
          py::arg("id"), "Ids of the children of a node, in node order.")
      .def(
          "parents",
          [](const GoalTree& self, const std::string& id) { return ids_of(self, self.parents(self.index_of(id))); },
          py::arg("id"), "Ids of the parents of a node, in definition order.")
      .def(
          "ancestors",
          [](const GoalTree& self, const std::string& id) { return ids_of(self, self.ancestors(self.index_of(id))); },
          py::arg("id"), "Ids of all nodes above a node (excluding itself), in node order.")
      .def(
          "descendants",
          [](const GoalTree& self, const std::string& id) { return ids_of(self, self.descendants(self.index_of(id))); },
          py::arg("id"), "Ids of all nodes below a node (excluding itself), in node order.")
      .def(
          "topological_order", [](const GoalTree& self) { return ids_of(self, self.topological_order()); },
          "Every node id once, each after all of its children (leaves first).")
      .def(
          "nodes_at_level",
          [](const GoalTree& self, const std::string& level) { return ids_of(self, self.nodes_at_level(level)); },
          py::arg("level"), "Ids of the nodes at one level; TreeError for an unknown level.")
      .def(
          "subtree", [](const GoalTree& self, const std::string& id) { return self.subtree(id); }, py::arg("id"),
          "The sub-graph below a node (the node as the only root); levels start at the node's level.");
}

// Effective weights, edits (each validated), comparison, copies and pickling.
void def_weights_and_edits(py::class_<GoalTree>& cls) {
  using Index = GoalTree::Index;

  cls.def(
          "effective_weights",
          [](const GoalTree& self, const std::string& ancestor) {
            GoalTree tree = self;
            Index a = tree.index_of(ancestor);
            Eigen::VectorXd out;
            {
              py::gil_scoped_release release;
              out = tree.effective_weights(a);
            }
            return out;
          },
          py::arg("ancestor"),
          R"doc(Effective weight of every node in `ancestor` as a float64 array indexed by node index: the
sum over all paths up to the ancestor of the products of the parent-normalised edge weights; 1 for
the ancestor itself, 0 for nodes not below it.)doc")
      .def(
          "effective_weight_matrix",
          [](const GoalTree& self) {
            GoalTree tree = self;
            Eigen::MatrixXd out;
            {
              py::gil_scoped_release release;
              out = tree.effective_weight_matrix();
            }
            return out;
          },
          "All effective weights at once: entry (a, d) is the effective weight of node d in node a.")

      .def(
          "add_node",
          [](GoalTree& self, const py::handle& node, const py::iterable& parents,
             std::optional<IndicatorDefinition> definition) {
            NodeInput input = node_from_python(node, self.size());
            if (input.definition && definition) {
              bad_item("node", self.size(), input.node.where, "definition",
                       "indicator '" + input.node.id + "' has definition keys and a definition (expected one of them)");
            }
            self.add_node(std::move(input.node), parents_from_python(parents),
                          definition ? std::move(definition) : std::move(input.definition));
          },
          py::arg("node"), py::arg("parents") = py::tuple(), py::arg("definition") = py::none(),
          "Add a node (dict or tuple as in build) with edges to its parents (ids, or (id, weight) tuples) and, "
          "for an indicator, optionally its IndicatorDefinition (an empty id or label is the node's).")
      .def(
          "remove_node", [](GoalTree& self, const std::string& id) { self.remove_node(id); }, py::arg("id"),
          "Remove a node, every edge touching it and its indicator definition.")
      .def(
          "add_edge",
          [](GoalTree& self, const std::string& child, const std::string& parent, double weight) {
            self.add_edge(child, parent, weight);
          },
          py::arg("child"), py::arg("parent"), py::arg("weight") = 1.0, "Add an edge child -> parent.")
      .def(
          "remove_edge",
          [](GoalTree& self, const std::string& child, const std::string& parent) { self.remove_edge(child, parent); },
          py::arg("child"), py::arg("parent"), "Remove the edge child -> parent.")
      .def(
          "set_weight",
          [](GoalTree& self, const std::string& child, const std::string& parent, double weight) {
            self.set_weight(child, parent, weight);
          },
          py::arg("child"), py::arg("parent"), py::arg("weight"), "Change the weight of the edge child -> parent.")

      .def(
          "__eq__", [](const GoalTree& a, const GoalTree& b) { return a == b; }, py::is_operator(),
          "Same definition (levels, nodes, edges, weights, attributes); locations are ignored.")
      .def(
          "__copy__", [](const GoalTree& self) { return GoalTree(self); }, "A cheap copy (the graph is shared).")
      .def(
          "__deepcopy__", [](const GoalTree& self, const py::dict&) { return GoalTree(self); }, py::arg("memo"),
          "A copy; the graph is immutable, so sharing it is safe.")
      .def(py::pickle([](const GoalTree& self) { return py::make_tuple(tree_to_yaml(self)); },
                      [](const py::tuple& state) {
                        if (state.size() != 1) throw std::runtime_error("invalid pickled GoalTree state");
                        return load_tree_yaml_string(state[0].cast<std::string>(), "<pickle>");
                      }))
      .def("__repr__", [](const GoalTree& self) {
        return "<doelenboom._core.graph.GoalTree with " + std::to_string(self.size()) + " nodes>";
      });
}

}  // namespace

void register_goal_tree(py::module_& m) {
  py::class_<GoalTree> cls(m, "GoalTree", R"doc(
A goal tree: a directed acyclic graph of goals and indicators, edges child -> parent with weights.
Always valid: every edit validates the new graph and raises TreeError, leaving the tree unchanged,
when the result would be invalid. Nodes are named by id; effective weight arrays are indexed by
node index (the position in `ids()`).
)doc");
  def_building_and_files(cls);
  def_structure(cls);
  def_weights_and_edits(cls);

  m.attr("tree_format_version") = tree_format_version;
  m.def(
      "check_tree_file",
      [](const std::filesystem::path& path) {
        std::vector<Problem> problems;
        {
          py::gil_scoped_release release;
          problems = check_tree_file(path);
        }
        return problems_to_list(problems);
      },
      py::arg("path"),
      "Every problem of a YAML tree file (reading, parsing and graph) as problem dicts, without raising.");
  m.def(
      "is_valid_id", [](const std::string& id) { return is_valid_id(id); }, py::arg("id"),
      "True for an ASCII slug id: a letter or digit, then letters, digits, '_', '-' or '.'.");
}

}  // namespace doelenboom::python
