// The aggregation pipeline for Python: PipelineSpec (from keyword settings given as plain dicts, to
// a dict, YAML, check), run_pipeline (without the GIL) and PipelineResult. Nodes are named by id on
// this side; the result matrices (rows x nodes, rows unit-major, columns in node index order) leave
// as read-only numpy views of the result without a copy, computed ones (ranks, contributions) as
// arrays that own the moved Eigen storage.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "core/columns.hpp"
#include "core/periods.hpp"
#include "core/settings.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::python {

namespace {

// ---------------------------------------------------------------------------------------------
// Python settings (plain dicts, as PipelineSpec.to_dict gives them) -> PipelineSpec: as JSON text
// (core/settings.hpp) through the schema code of the pipeline file, PipelineSpec::from_settings.

PipelineSpec spec_from_settings(const py::object& treatment, const py::object& normalise, const py::object& aggregate,
                                const py::object& weights, const py::object& levels, const py::object& nodes,
                                const py::object& weight_overrides, const py::object& confidence,
                                const py::object& unused_data) {
  // In the order of the file, which is the order of the problems.
  py::dict settings;
  settings["treatment"] = treatment;
  settings["normalise"] = normalise;
  settings["aggregate"] = aggregate;
  settings["weights"] = weights;
  settings["confidence"] = confidence;
  settings["unused_data"] = unused_data;
  settings["levels"] = levels;
  settings["nodes"] = nodes;
  settings["weight_overrides"] = weight_overrides;
  return PipelineSpec::from_settings(settings_text(settings));
}

// ---------------------------------------------------------------------------------------------
// PipelineSpec -> dicts (the keyword settings above, so that PipelineSpec(**d) == spec)

py::dict treatment_dict(const TreatmentOverride& t) {
  py::dict d;
  if (t.denominator) d["denominator"] = *t.denominator;
  if (t.denominator_scale) d["denominator_scale"] = *t.denominator_scale;
  if (t.imputation) d["imputation"] = std::string(to_string(*t.imputation));
  if (t.impute_group) d["impute_group"] = *t.impute_group;
  if (t.outliers) d["outliers"] = std::string(to_string(*t.outliers));
  if (t.skew_threshold) d["skew_threshold"] = *t.skew_threshold;
  if (t.kurtosis_threshold) d["kurtosis_threshold"] = *t.kurtosis_threshold;
  if (t.winsorise_max) d["winsorise_max"] = *t.winsorise_max;
  return d;
}

py::dict normalise_dict(const NormaliseOverride& n) {
  py::dict d;
  if (n.method) d["method"] = std::string(to_string(*n.method));
  if (n.low) d["low"] = *n.low;
  if (n.high) d["high"] = *n.high;
  if (n.mean) d["mean"] = *n.mean;
  if (n.sd) d["sd"] = *n.sd;
  if (n.scope) d["scope"] = std::string(to_string(*n.scope));
  return d;
}

py::dict aggregate_dict(const AggregateOverride& a) {
  py::dict d;
  if (a.method) d["method"] = std::string(to_string(*a.method));
  if (a.min_coverage) d["min_coverage"] = *a.min_coverage;
  return d;
}

py::dict sections_dict(const std::map<std::string, Settings>& sections) {
  py::dict out;
  for (const auto& [id, s] : sections) {
    py::dict d;
    if (!s.treatment.empty()) d["treatment"] = treatment_dict(s.treatment);
    if (!s.normalise.empty()) d["normalise"] = normalise_dict(s.normalise);
    if (!s.aggregate.empty()) d["aggregate"] = aggregate_dict(s.aggregate);
    if (s.weights) d["weights"] = std::string(to_string(*s.weights));
    out[py::str(id)] = d;
  }
  return out;
}

py::dict spec_to_dict(const PipelineSpec& spec) {
  const Treatment& t = spec.treatment;
  const Normalise& n = spec.normalise;
  py::dict d;
  d["treatment"] = treatment_dict({t.denominator, t.denominator_scale, t.imputation, t.impute_group, t.outliers,
                                   t.skew_threshold, t.kurtosis_threshold, t.winsorise_max});
  d["normalise"] = normalise_dict({n.method, n.low, n.high, n.mean, n.sd, n.scope});
  d["aggregate"] = aggregate_dict({spec.aggregate.method, spec.aggregate.min_coverage});
  d["weights"] = std::string(to_string(spec.weights));
  d["levels"] = sections_dict(spec.levels);
  d["nodes"] = sections_dict(spec.nodes);
  py::dict overrides;
  for (const auto& [parent, children] : spec.weight_overrides) {
    py::dict c;
    for (const auto& [child, w] : children) c[py::str(child)] = w;
    overrides[py::str(parent)] = c;
  }
  d["weight_overrides"] = overrides;
  d["confidence"] = spec.confidence;
  d["unused_data"] = std::string(to_string(spec.unused_data));
  return d;
}

// The settings that apply to one node, as the pipeline resolves them (for the audit).
py::dict node_settings(const PipelineSpec& s, const GoalTree& tree, const std::string& id) {
  const auto node = tree.find(id);
  if (!node) throw PipelineError("node_settings: " + squote(id) + " is not a node of the tree");
  const Normalise n = s.normalise_of(tree, *node);
  const Aggregate a = s.aggregate_of(tree, *node);
  py::dict d;
  d["normalise"] = normalise_dict({n.method, n.low, n.high, n.mean, n.sd, n.scope});
  d["aggregate"] = aggregate_dict({a.method, a.min_coverage});
  py::dict weights;  // as the pipeline takes them: normalised per parent, in child order
  if (tree.node(*node).kind != NodeKind::indicator) {
    const std::vector<double> w = s.child_weights_of(tree, *node);
    double total = 0.0;
    for (const double x : w) total += x;
    const auto& children = tree.children(*node);
    for (std::size_t k = 0; k < children.size(); ++k) {
      weights[py::str(tree.node(children[k]).id)] = total > 0.0 ? w[k] / total : 0.0;
    }
  }
  d["child_weights"] = weights;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Results

GoalTree::Index node_index(const PipelineResult& r, const std::string& id, const char* what) {
  if (const auto index = r.tree().find(id)) return *index;
  throw PipelineError(std::string(what) + ": " + squote(id) + " is not a node of the tree");
}

py::dict audit_record(const AuditEntry& e) {
  py::dict d;
  d["unit"] = e.unit;
  d["period"] = e.period.to_string();
  d["indicator"] = e.indicator;
  d["old"] = e.old_value;
  d["new"] = e.new_value;
  d["why"] = e.why;
  return d;
}

}  // namespace

void register_pipeline(py::module_& m) {
  using RV = py::return_value_policy;

  py::class_<PipelineSpec>(m, "PipelineSpec", R"doc(The settings of a pipeline run: treatment -> normalisation -> weighting -> aggregation,
globally and per level and node (node beats level beats global, field by field). See docs/pipeline.md.)doc")
      .def(py::init(&spec_from_settings), py::kw_only(), py::arg("treatment") = py::none(),
           py::arg("normalise") = py::none(), py::arg("aggregate") = py::none(), py::arg("weights") = "tree",
           py::arg("levels") = py::none(), py::arg("nodes") = py::none(), py::arg("weight_overrides") = py::none(),
           py::arg("confidence") = 0.95, py::arg("unused_data") = "error",
           R"doc(From plain settings, as to_dict() gives them: `treatment`, `normalise`, `aggregate` dicts of the
settings of that section (unset ones keep their defaults), `weights` "tree" or "equal", `levels` and
`nodes` {name: {"treatment": {...}, "normalise": {...}, "aggregate": {...}, "weights": ...}},
`weight_overrides` {parent: {child: weight}}, `confidence`, `unused_data` "error" or "ignore".
Unknown keys, wrong types and unknown method names raise PipelineError listing every problem.)doc")
      .def_static(
          "from_yaml",
          [](const std::string& text, const std::string& source) { return PipelineSpec::parse_yaml(text, source); },
          py::arg("text"), py::arg("source") = "<string>",
          "Read pipeline YAML text; ParseError lists every problem with its line.")
      .def_static(
          "load_yaml",
          [](const std::filesystem::path& path) {
            py::gil_scoped_release release;
            return PipelineSpec::load_yaml(path);
          },
          py::arg("path"), "Read a pipeline file; ParseError lists every problem with file and line.")
      .def("to_yaml", &PipelineSpec::to_yaml, "YAML text; from_yaml of it gives an equal spec.")
      .def(
          "save_yaml",
          [](const PipelineSpec& s, const std::filesystem::path& path) {
            py::gil_scoped_release release;
            s.save_yaml(path);
          },
          py::arg("path"), "Write the YAML atomically.")
      .def("to_dict", &spec_to_dict,
           "The settings as plain dicts: every global setting, the set fields of each override; "
           "PipelineSpec(**d) gives an equal spec.")
      .def("node_settings", &node_settings, py::arg("tree"), py::arg("node"),
          "The settings that apply to one node (node beats level beats global): its normalise and aggregate "
          "sections, and its children's weights as the pipeline takes them (normalised per parent).")
      .def(
          "check", [](const PipelineSpec& s, const GoalTree& tree) { return problems_to_list(s.check(tree)); },
          py::arg("tree"), "Every problem of the spec against a tree, as problem dicts (empty when it fits).")
      .def_property_readonly("source", [](const PipelineSpec& s) { return s.source; },
                             "The file the spec was read from, or empty.")
      .def("__eq__", [](const PipelineSpec& a, const PipelineSpec& b) { return a == b; }, py::is_operator())
      .def("__copy__", [](const PipelineSpec& s) { return PipelineSpec(s); })
      .def("__deepcopy__", [](const PipelineSpec& s, const py::dict&) { return PipelineSpec(s); }, py::arg("memo"))
      .def("__repr__", [](const PipelineSpec& s) {
        return "<doelenboom._core.pipeline.PipelineSpec normalise " + std::string(to_string(s.normalise.method)) + ", aggregate " +
               std::string(to_string(s.aggregate.method)) + ", " + std::to_string(s.levels.size()) + " level and " +
               std::to_string(s.nodes.size()) + " node overrides>";
      });

  py::class_<PipelineResult>(m, "PipelineResult", R"doc(The result of run_pipeline. Rows are (unit, period) pairs, unit-major
(row = unit * len(periods) + period); columns are the nodes in tree order (tree.ids()). The matrices
are read-only float64 views of the result (no copy; they keep it alive); missing is NaN.)doc")
      .def_property_readonly("tree", &PipelineResult::tree, RV::reference_internal, "The tree the result was computed on.")
      .def_property_readonly("units", &PipelineResult::units, "Unit ids of the rows, in data set order.")
      .def_property_readonly(
          "periods", [](const PipelineResult& r) { return periods_to_list(r.periods()); }, "Periods of the rows, as text, sorted.")
      .def_property_readonly("rows", &PipelineResult::rows, "len(units) * len(periods).")
      .def_property_readonly("confidence", &PipelineResult::confidence, "Confidence level of lower and upper.")
      .def_property_readonly("scores", &PipelineResult::scores, RV::reference_internal,
                             "Node scores: normalised values for indicators, aggregates for goals (rows x nodes).")
      .def_property_readonly("standard_errors", &PipelineResult::standard_errors, RV::reference_internal,
                             "Delta-method standard errors (independent indicator errors).")
      .def_property_readonly("lower", &PipelineResult::lower, RV::reference_internal, "score - z * se.")
      .def_property_readonly("upper", &PipelineResult::upper, RV::reference_internal, "score + z * se.")
      .def_property_readonly("coverage", &PipelineResult::coverage, RV::reference_internal,
                             "Share of a node's weight carried by children with a value (indicators: 1 or 0).")
      .def_property_readonly("treated", &PipelineResult::treated, RV::reference_internal,
                             "Indicator values after treatment, before normalisation (NaN for goals).")
      .def("ranks", &PipelineResult::ranks,
           "Ranks per period and node among the units: 1 = best, ties take the lowest rank, missing NaN (a new array).")
      .def_property_readonly(
          "audit",
          [](const PipelineResult& r) {
            py::list out;
            for (const auto& e : r.audit()) out.append(audit_record(e));
            return out;
          },
          "Every value changed by treatment: dicts with unit, period, indicator, old (NaN when imputed), new, why.")
      .def_property_readonly(
          "audit_count", [](const PipelineResult& r) { return r.audit().size(); }, "Number of audit entries.")
      .def_property_readonly("unused_indicators", &PipelineResult::unused_indicators,
                             "Data set indicator ids outside the tree, left out under unused_data 'ignore'.")
      .def(
          "local_gradient",
          [](const PipelineResult& r, const std::string& node) -> const Eigen::MatrixXd& {
            return r.local_gradient(node_index(r, node, "local_gradient"));
          },
          py::arg("node"), RV::reference_internal,
          "d score(node) / d score(child) per row, one column per child in tree.children(node) order (a view).")
      .def(
          "contributions",
          [](const PipelineResult& r, const std::string& node, const std::optional<std::string>& level) {
            const GoalTree::Index index = node_index(r, node, "contributions");
            ContributionTable table;
            {
              py::gil_scoped_release release;
              table = r.contributions(index, level ? std::string_view(*level) : std::string_view());
            }
            py::list parts;
            for (const auto p : table.parts) parts.append(r.tree().node(p).id);
            return py::make_tuple(parts, py::cast(std::move(table.values)));
          },
          py::arg("node"), py::arg("level") = py::none(),
          R"doc((parts, values): the node's score split into the parts of its descendants at `level` (None:
the indicators), part ids in node order, and a rows x (len(parts) + 1) array whose last column is the
remainder (paths that bypass the level). Rows sum to the score; NaN where the score is missing.)doc")
      .def("__repr__", [](const PipelineResult& r) {
        return "<doelenboom._core.pipeline.PipelineResult " + std::to_string(r.units().size()) + " units x " +
               std::to_string(r.periods().size()) + " periods, " + std::to_string(r.tree().size()) + " nodes>";
      });

  m.def(
      "run_pipeline",
      [](const GoalTree& tree, const Dataset& data, const PipelineSpec& spec, const py::object& indicators,
         const py::object& units, const py::object& reference_period) {
        RunContext context;
        context.indicators = indicators.is_none() ? nullptr : indicators.cast<const IndicatorSet*>();
        context.units = units.is_none() ? nullptr : units.cast<const UnitRegistry*>();
        if (!reference_period.is_none()) context.reference_period = period_argument(reference_period);
        py::gil_scoped_release release;
        return run_pipeline(tree, data, spec, context);
      },
      py::arg("tree"), py::arg("data"), py::arg("spec"), py::kw_only(), py::arg("indicators") = py::none(),
      py::arg("units") = py::none(), py::arg("reference_period") = py::none(),
      R"doc(Run the pipeline over every unit and period of the data set (the GIL is released). `indicators`
(IndicatorSet: goalposts, norms, directions; default: the definitions the tree carries, if any)
and `units` (UnitRegistry: denominators, groups) are optional; `reference_period` (a period of
the data) fixes the scale under scope reference (default the first period). PipelineError lists
every problem of the spec or the data.)doc");
}

}  // namespace doelenboom::python
