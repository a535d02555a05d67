// Units for Python: Unit (a gemeente, provider or area), UnitRegistry (CSV in and out, lookup by id
// and name, columns for pandas) and the CBS size classes.

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "core/periods.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::python {

namespace {

// The registry as columns for pandas: lists and float64 arrays, labels by name.
py::dict units_to_columns(const UnitRegistry& r) {
  const auto& units = r.units();
  const auto count = static_cast<py::ssize_t>(units.size());
  py::list id, name, type, parent, cbs, province, size_class, baseline;
  py::array_t<double> population(count);
  py::array_t<double> area(count);
  std::map<std::string, py::list> labels;
  for (const auto& u : units) {
    for (const auto& [k, v] : u.labels) labels.emplace(k, py::list());
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    const Unit& u = units[i];
    id.append(u.id);
    name.append(u.name);
    type.append(u.type);
    parent.append(u.parent);
    cbs.append(u.cbs_code);
    province.append(u.province);
    size_class.append(u.size_class());
    baseline.append(u.baseline ? py::object(py::str(u.baseline->to_string())) : py::object(py::none()));
    population.mutable_data()[i] = u.population;
    area.mutable_data()[i] = u.land_area_km2;
    for (auto& [k, list] : labels) {
      const auto it = u.labels.find(k);
      list.append(it == u.labels.end() ? py::object(py::none()) : py::object(py::str(it->second)));
    }
  }
  py::dict out;
  out["id"] = id;
  out["name"] = name;
  out["type"] = type;
  out["parent"] = parent;
  out["cbs_code"] = cbs;
  out["province"] = province;
  out["population"] = population;
  out["land_area_km2"] = area;
  out["size_class"] = size_class;
  out["baseline"] = baseline;
  py::dict label_columns;
  for (auto& [k, list] : labels) label_columns[py::str(k)] = list;
  out["labels"] = label_columns;
  return out;
}

}  // namespace

void register_units(py::module_& m) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  m.def("cbs_size_class", &cbs_size_class, py::arg("population"),
        "CBS size class of a population ('< 5 000' .. '>= 250 000'; lower bound inclusive), '' for NaN.");
  m.def("cbs_size_class_bounds", &cbs_size_class_bounds, "The class boundaries in inhabitants.");

  py::class_<Unit>(m, "Unit", "A gemeente, provider or area that data are about.")
      .def(py::init([](const std::string& id, const std::string& name, const std::string& type, const std::string& parent,
                       const std::string& cbs_code, const std::string& province, double population, double land_area_km2,
                       std::map<std::string, std::string> labels, const py::object& baseline) {
             Unit u;
             u.id = id;
             u.name = name;
             u.type = type;
             u.parent = parent;
             u.cbs_code = cbs_code;
             u.province = province;
             u.population = population;
             u.land_area_km2 = land_area_km2;
             u.labels = std::move(labels);
             if (!baseline.is_none()) u.baseline = period_argument(baseline);
             return u;
           }),
           py::arg("id"), py::arg("name"), py::kw_only(), py::arg("type") = "gemeente", py::arg("parent") = "",
           py::arg("cbs_code") = "", py::arg("province") = "", py::arg("population") = nan, py::arg("land_area_km2") = nan,
           py::arg("labels") = std::map<std::string, std::string>{}, py::arg("baseline") = py::none(),
           "A unit; checked when it joins a UnitRegistry.")
      .def_readonly("id", &Unit::id)
      .def_readonly("name", &Unit::name)
      .def_readonly("type", &Unit::type)
      .def_readonly("parent", &Unit::parent)
      .def_readonly("cbs_code", &Unit::cbs_code)
      .def_readonly("province", &Unit::province)
      .def_readonly("population", &Unit::population)
      .def_readonly("land_area_km2", &Unit::land_area_km2)
      .def_readonly("labels", &Unit::labels, "Peer-group labels (a copy).")
      .def_readonly("baseline", &Unit::baseline, "The baseline period (nulmeting) or None.")
      .def_property_readonly("size_class", &Unit::size_class, "CBS size class of the population.")
      .def("attribute", &Unit::attribute, py::arg("key"),
           "An attribute by name (id, name, type, parent, cbs_code, province, size_class, baseline or a label), or None.")
      .def("numeric_attribute", &Unit::numeric_attribute, py::arg("key"),
           "A numeric attribute (population, land_area_km2 or a label holding a number), or None.")
      .def("__repr__", [](const Unit& u) { return "<Unit '" + u.id + "' " + u.name + ">"; });

  py::class_<UnitRegistry>(m, "UnitRegistry", "The units data are about, with lookup by id and name.")
      .def(py::init<>())
      .def(py::init<std::vector<Unit>>(), py::arg("units"), "Checks the units; DataError lists every problem.")
      .def_static(
          "load_gemeenten_csv",
          [](const std::filesystem::path& path) {
            py::gil_scoped_release release;
            return UnitRegistry::load_gemeenten_csv(path);
          },
          py::arg("path"), "Read the gemeenten list (gm_code, name, province, population, land_area_km2).")
      .def_static(
          "load_csv",
          [](const std::filesystem::path& path) {
            py::gil_scoped_release release;
            return UnitRegistry::load_csv(path);
          },
          py::arg("path"), "Read a units CSV (id, name and optional type, parent, cbs_code, ...; other columns are labels).")
      .def("save_csv", &UnitRegistry::save_csv, py::arg("path"), "Write the load_csv format atomically.")
      .def("__len__", &UnitRegistry::size)
      .def_property_readonly("units", &UnitRegistry::units, "The units in order (copies).")
      .def(
          "ids",
          [](const UnitRegistry& r) {
            py::list out;
            for (const auto& u : r.units()) out.append(u.id);
            return out;
          },
          "Ids in order.")
      .def(
          "find",
          [](const UnitRegistry& r, const std::string& id) -> py::object {
            const auto* u = r.find(id);
            return u == nullptr ? py::object(py::none()) : py::cast(*u);
          },
          py::arg("id"), "The unit of an id, or None.")
      .def(
          "at", [](const UnitRegistry& r, const std::string& id) { return r.at(id); }, py::arg("id"),
          "The unit of an id; DataError naming an unknown id.")
      .def(
          "find_by_name",
          [](const UnitRegistry& r, const std::string& name) -> py::object {
            const auto* u = r.find_by_name(name);
            return u == nullptr ? py::object(py::none()) : py::cast(*u);
          },
          py::arg("name"), "The unit with this name, or None.")
      .def("__contains__", [](const UnitRegistry& r, const std::string& id) { return r.find(id) != nullptr; })
      .def("subset", &UnitRegistry::subset, py::arg("ids"), "The units with these ids, in this order.")
      .def(
          "set_baseline",
          [](UnitRegistry& r, const std::string& id, const py::object& period) { r.set_baseline(id, period_argument(period)); },
          py::arg("id"), py::arg("period"), "Mark the baseline period (nulmeting) of a unit.")
      .def("to_columns", &units_to_columns,
           "Columns for pandas: lists and float64 arrays; 'labels' maps each label name to a column (None = no label).")
      .def("__repr__", [](const UnitRegistry& r) {
        return "<doelenboom._core.data.UnitRegistry with " + std::to_string(r.size()) + " units>";
      });

}

}  // namespace doelenboom::python
