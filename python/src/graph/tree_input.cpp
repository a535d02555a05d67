// Goal tree input from Python (tree_input.hpp): nodes, edges and parents given as dicts or tuples.

#include "graph/tree_input.hpp"

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

namespace doelenboom::python {

void bad_item(const char* what, std::size_t position, const Location& where, const std::string& field,
              const std::string& message) {
  // "node 3, field 'kind': ..." for in-memory items; "nodes, row 3, field 'kind': ..." when the
  // caller said where the item came from.
  std::string prefix = where.empty() ? std::string(what) + " " + std::to_string(position + 1) : where.to_string();
  if (!field.empty()) prefix += ", field " + squote(field);
  Location loc = where;
  if (!field.empty()) loc.field = field;
  throw ParseError(prefix + ": " + message, {Problem{"bad_value", loc, {}, prefix + ": " + message}});
}

namespace {

std::string to_text(py::handle value, const char* what, std::size_t position, const Location& where,
                    const char* field) {
  if (!py::isinstance<py::str>(value)) {
    bad_item(what, position, where, field,
             std::string(field) + " is " + py::repr(value).cast<std::string>() + " (expected a string)");
  }
  return value.cast<std::string>();
}

double to_weight(py::handle value, std::size_t position, const Location& where) {
  if (value.is_none()) return 1.0;
  if (py::isinstance<py::str>(value) || PyBool_Check(value.ptr())) {
    bad_item("edge", position, where, "weight",
             "weight is " + py::repr(value).cast<std::string>() + " (expected a number)");
  }
  double w = PyFloat_AsDouble(value.ptr());
  if (w == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    bad_item("edge", position, where, "weight",
             "weight is " + py::repr(value).cast<std::string>() + " (expected a number)");
  }
  return w;
}

int to_direction(py::handle value, std::size_t position, const Location& where) {
  // Any integer (also 1.0 from a float column) is converted; the tree check judges its value.
  if (value.is_none()) return 0;
  if (!PyBool_Check(value.ptr())) {
    if (PyFloat_Check(value.ptr())) {
      double d = PyFloat_AsDouble(value.ptr());
      if (std::isfinite(d) && d == std::floor(d) && std::abs(d) <= 1e9) return static_cast<int>(d);
    } else if (PyIndex_Check(value.ptr())) {
      auto i = py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
      if (i) {
        long long d = PyLong_AsLongLong(i.ptr());
        if (!(d == -1 && PyErr_Occurred()) && d >= -1000000000LL && d <= 1000000000LL) return static_cast<int>(d);
      }
      PyErr_Clear();
    }
  }
  bad_item("node", position, where, "direction",
           "direction is " + py::repr(value).cast<std::string>() + " (expected 1, -1, or 0/None for goals)");
}

Location location_from_dict(const py::dict& d) {
  Location where;
  if (d.contains("file") && !d["file"].is_none()) where.file = py::str(d["file"]).cast<std::string>();
  if (d.contains("line") && !d["line"].is_none()) where.line = d["line"].cast<std::size_t>();
  if (d.contains("row") && !d["row"].is_none()) where.row = d["row"].cast<std::size_t>();
  return where;
}

void check_keys(const py::dict& d, const std::vector<std::string>& allowed, const char* what, std::size_t position,
                const Location& where) {
  for (auto item : d) {
    std::string key = py::str(item.first).cast<std::string>();
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (!known) {
      std::string expected;
      for (const auto& a : allowed) expected += (expected.empty() ? "" : ", ") + a;
      bad_item(what, position, where, key, "unknown key " + squote(key) + " (expected one of: " + expected + ")");
    }
  }
}

// The keys of an indicator definition a node dict may carry (as the columns of
// GoalTree.to_pandas); None is "not given".
const std::vector<std::string> definition_keys = {"pillar", "result",  "measure",      "rate_per",     "scale", "scale_min",
                                                  "scale_max", "norm", "goalpost_min", "goalpost_max", "unit"};
const std::vector<std::string> node_keys = [] {
  std::vector<std::string> keys = {"id", "label", "kind", "level", "description", "direction", "file", "line", "row"};
  keys.insert(keys.end(), definition_keys.begin(), definition_keys.end());
  return keys;
}();
const std::vector<std::string> edge_keys = {"child", "parent", "weight", "file", "line", "row"};

std::optional<double> to_number(py::handle value, std::size_t position, const Location& where, const char* field) {
  if (value.is_none()) return std::nullopt;
  if (!py::isinstance<py::str>(value) && !PyBool_Check(value.ptr())) {
    const double x = PyFloat_AsDouble(value.ptr());
    if (!(x == -1.0 && PyErr_Occurred())) return x;
    PyErr_Clear();
  }
  bad_item("node", position, where, field,
           std::string(field) + " is " + py::repr(value).cast<std::string>() + " (expected a number)");
}

// The indicator definition in the definition keys of a node dict, if any is given. Its id, label,
// description and direction are the node's.
std::optional<IndicatorDefinition> definition_from_dict(const py::dict& d, const Node& node, std::size_t position) {
  std::vector<std::string> given;
  for (const auto& key : definition_keys) {
    if (d.contains(key.c_str()) && !d[key.c_str()].is_none()) given.push_back(key);
  }
  if (given.empty()) return std::nullopt;
  if (node.kind != NodeKind::indicator) {
    std::string names;
    for (const auto& key : given) names += (names.empty() ? "" : ", ") + key;
    bad_item("node", position, node.where, given.front(),
             "goal " + squote(node.id) + " has indicator definition values (" + names + "; expected them on indicators only)");
  }
  const auto text = [&](const char* key) -> std::optional<std::string> {
    if (!d.contains(key) || d[key].is_none()) return std::nullopt;
    return to_text(d[key], "node", position, node.where, key);
  };
  const auto number = [&](const char* key) -> std::optional<double> {
    return d.contains(key) ? to_number(d[key], position, node.where, key) : std::nullopt;
  };
  // The classification keys are required and read as in the tree and indicators files.
  IndicatorDefinition def = definition_of(node);
  std::vector<std::string> classification;
  for (const auto key : classification_keys) {
    const std::string name(key);
    auto value = text(name.c_str());
    if (!value) {
      bad_item("node", position, node.where, name,
               "indicator " + squote(node.id) + " has a definition but no " + name + " (expected one of: " +
                   std::string(classification_choices(key)) + ")");
    }
    classification.push_back(std::move(*value));
  }
  for (std::size_t k = 0; k < classification_keys.size(); ++k) {
    const std::string problem = set_classification(def, classification_keys[k], classification[k]);
    if (!problem.empty()) bad_item("node", position, node.where, std::string(classification_keys[k]), problem);
  }
  if (const auto x = number("rate_per")) def.rate_per = *x;
  const auto scale_name = text("scale");
  const auto scale_min = number("scale_min");
  const auto scale_max = number("scale_max");
  if (scale_min || scale_max) {
    if (!scale_min || !scale_max) {
      bad_item("node", position, node.where, scale_min ? "scale_max" : "scale_min",
               "a scale needs both scale_min and scale_max (or neither, with a named scale)");
    }
    def.scale = Scale{scale_name.value_or(""), *scale_min, *scale_max};
  } else if (scale_name) {
    def.scale = named_scale(*scale_name);
    if (!def.scale) {
      bad_item("node", position, node.where, "scale",
               "scale " + squote(*scale_name) + " is not a known scale (expected likert5, rapportcijfer, zrm, or scale_min and scale_max)");
    }
  }
  def.norm = number("norm");
  def.goalpost_min = number("goalpost_min");
  def.goalpost_max = number("goalpost_max");
  if (auto unit = text("unit")) def.unit_text = std::move(*unit);
  return def;
}

Edge edge_from_python(py::handle item, std::size_t position) {
  Edge edge;
  py::object child, parent, weight = py::none();
  if (py::isinstance<py::dict>(item)) {
    auto d = py::reinterpret_borrow<py::dict>(item);
    edge.where = location_from_dict(d);
    check_keys(d, edge_keys, "edge", position, edge.where);
    for (const char* key : {"child", "parent"}) {
      if (!d.contains(key)) bad_item("edge", position, edge.where, key, "the key " + squote(key) + " is missing");
    }
    child = d["child"];
    parent = d["parent"];
    if (d.contains("weight")) weight = d["weight"];
  } else if (py::isinstance<py::sequence>(item) && !py::isinstance<py::str>(item)) {
    auto s = py::reinterpret_borrow<py::sequence>(item);
    if (s.size() < 2 || s.size() > 3) {
      bad_item("edge", position, edge.where, "",
               "has " + std::to_string(s.size()) + " items (expected (child, parent[, weight]))");
    }
    child = s[0];
    parent = s[1];
    if (s.size() > 2) weight = s[2];
  } else {
    bad_item("edge", position, edge.where, "",
             "is " + py::repr(item).cast<std::string>() + " (expected a dict or a tuple (child, parent[, weight]))");
  }
  edge.child = to_text(child, "edge", position, edge.where, "child");
  edge.parent = to_text(parent, "edge", position, edge.where, "parent");
  edge.weight = to_weight(weight, position, edge.where);
  return edge;
}

}  // namespace

NodeInput node_from_python(py::handle item, std::size_t position) {
  Node node;
  std::optional<py::dict> dict;
  py::object id, label, kind, level, description = py::none(), direction = py::none();
  if (py::isinstance<py::dict>(item)) {
    auto d = py::reinterpret_borrow<py::dict>(item);
    dict = d;
    node.where = location_from_dict(d);
    check_keys(d, node_keys, "node", position, node.where);
    for (const char* key : {"id", "label", "kind", "level"}) {
      if (!d.contains(key)) bad_item("node", position, node.where, key, "the key " + squote(key) + " is missing");
    }
    id = d["id"];
    label = d["label"];
    kind = d["kind"];
    level = d["level"];
    if (d.contains("description")) description = d["description"];
    if (d.contains("direction")) direction = d["direction"];
  } else if (py::isinstance<py::sequence>(item) && !py::isinstance<py::str>(item)) {
    auto s = py::reinterpret_borrow<py::sequence>(item);
    if (s.size() < 4 || s.size() > 6) {
      bad_item("node", position, node.where, "",
               "has " + std::to_string(s.size()) +
                   " items (expected (id, label, kind, level[, description[, direction]]))");
    }
    id = s[0];
    label = s[1];
    kind = s[2];
    level = s[3];
    if (s.size() > 4) description = s[4];
    if (s.size() > 5) direction = s[5];
  } else {
    bad_item("node", position, node.where, "",
             "is " + py::repr(item).cast<std::string>() + " (expected a dict or a tuple (id, label, kind, level, ...))");
  }
  node.id = to_text(id, "node", position, node.where, "id");
  node.label = to_text(label, "node", position, node.where, "label");
  std::string kind_text = to_text(kind, "node", position, node.where, "kind");
  auto parsed = parse_node_kind(kind_text);
  if (!parsed) {
    bad_item("node", position, node.where, "kind",
             "node " + squote(node.id) + " has kind " + squote(kind_text) + " (expected 'goal' or 'indicator')");
  }
  node.kind = *parsed;
  node.level = to_text(level, "node", position, node.where, "level");
  if (!description.is_none()) node.description = to_text(description, "node", position, node.where, "description");
  node.direction = to_direction(direction, position, node.where);
  NodeInput out{node, std::nullopt};
  if (dict) out.definition = definition_from_dict(*dict, out.node, position);
  return out;
}

TreeDefinition definition_from_python(const py::iterable& nodes, const py::iterable& edges,
                                      std::vector<std::string> levels, std::string name, std::string description,
                                      std::string source) {
  TreeDefinition def;
  def.name = std::move(name);
  def.description = std::move(description);
  def.levels = std::move(levels);
  def.source = std::move(source);
  std::size_t i = 0;
  for (auto item : nodes) {
    NodeInput input = node_from_python(item, i++);
    def.nodes.push_back(std::move(input.node));
    if (input.definition) def.indicators.push_back(std::move(*input.definition));
  }
  i = 0;
  for (auto item : edges) def.edges.push_back(edge_from_python(item, i++));
  return def;
}

std::vector<std::pair<std::string, double>> parents_from_python(const py::iterable& parents) {
  std::vector<std::pair<std::string, double>> out;
  std::size_t i = 0;
  for (auto item : parents) {
    if (py::isinstance<py::str>(item)) {
      out.emplace_back(item.cast<std::string>(), 1.0);
    } else if (py::isinstance<py::sequence>(item) && py::len(item) == 2) {
      auto s = py::reinterpret_borrow<py::sequence>(item);
      out.emplace_back(to_text(s[0], "parent", i, {}, "parent"), to_weight(s[1], i, {}));
    } else {
      bad_item("parent", i, {}, "",
               "is " + py::repr(item).cast<std::string>() + " (expected a parent id or a tuple (parent id, weight))");
    }
    ++i;
  }
  return out;
}

}  // namespace doelenboom::python
