#pragma once
// Goal tree input from Python: nodes, edges and parents given as dicts or tuples, converted to the
// C++ definition. Bad input is a ParseError naming the item (and its location when the caller gave
// one, as GoalTree.from_pandas does: "nodes, row 3, field 'kind': ...").

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>

#include "doelenboom/error.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/indicator.hpp"

namespace doelenboom::python {

namespace py = pybind11;

/// Throws the ParseError of a bad item: `what` ("node", "edge", "parent") and its 0-based position
/// name it when `where` is empty; `field` is the key or column at fault ("" for the whole item).
[[noreturn]] void bad_item(const char* what, std::size_t position, const Location& where, const std::string& field,
                           const std::string& message);

/// A node and the indicator definition its dict carries, if any.
struct NodeInput {
  Node node;
  std::optional<IndicatorDefinition> definition;
};

/// A node from a dict (id, label, kind, level, optional description, direction, file, line, row and
/// the definition keys) or a tuple (id, label, kind, level[, description[, direction]]).
NodeInput node_from_python(py::handle item, std::size_t position);

/// The definition of a tree from node and edge items (edges: dicts child, parent, optional weight,
/// file, line, row, or tuples (child, parent[, weight])).
TreeDefinition definition_from_python(const py::iterable& nodes, const py::iterable& edges,
                                      std::vector<std::string> levels, std::string name, std::string description,
                                      std::string source);

/// Parents of a new node: ids (weight 1) or (id, weight) pairs.
std::vector<std::pair<std::string, double>> parents_from_python(const py::iterable& parents);

}  // namespace doelenboom::python
