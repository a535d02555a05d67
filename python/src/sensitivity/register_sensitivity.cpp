// The sensitivity analysis for Python: run_sensitivity (without the GIL; Ctrl-C stops it within
// a fraction of a second: the waiting thread takes the GIL about every 20 ms to check for
// signals) and SensitivityResult, whose matrices leave as read-only numpy views. The Python
// facade (doelenboom/sensitivity.py) turns the `vary` dict into these arguments and the
// matrices into DataFrames.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pybind11/eigen.h>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/sensitivity.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::python {

namespace {

template <class E, class Parse>
std::vector<E> parse_all(const std::vector<std::string>& names, Parse parse, const char* field, std::vector<Problem>& problems) {
  std::vector<E> out;
  for (const auto& name : names) {
    if (const auto v = parse(name)) {
      out.push_back(*v);
    } else {
      problems.push_back(make_problem("bad_choice", {}, {name}, std::string("sensitivity: ") + field + ": '" + name +
                                                                  "' is not a method name"));
    }
  }
  return out;
}

py::object optional_index(const std::optional<std::size_t>& v) { return v ? py::cast(*v) : py::none(); }

std::string_view kind_name(FactorKind k) {
  switch (k) {
    case FactorKind::level_weights: return "level_weights";
    case FactorKind::node_weights: return "node_weights";
    case FactorKind::normalisation: return "normalisation";
    case FactorKind::aggregation: return "aggregation";
    case FactorKind::imputation: return "imputation";
    case FactorKind::outliers: return "outliers";
    case FactorKind::leave_out: return "leave_out";
    case FactorKind::sampling: return "sampling";
    case FactorKind::indicator_sampling: return "indicator_sampling";
  }
  return "?";
}

SensitivityResult run(const GoalTree& tree, const Dataset& data, const PipelineSpec& nominal,
                      const std::map<std::string, double>& level_weight_noise,
                      const std::map<std::string, double>& node_weight_noise, const std::vector<WeightSet>& weight_sets,
                      const std::vector<const PipelineSpec*>& normalisations, const std::vector<std::string>& aggregations,
                      const std::vector<std::string>& imputations, const std::vector<std::string>& outliers,
                      const std::vector<std::string>& leave_out, const std::string& sampling,
                      const std::vector<std::string>& targets, std::size_t replications, std::uint64_t seed,
                      unsigned threads, bool sobol, std::size_t bootstrap, double confidence, const py::object& indicators,
                      const py::object& units) {
  SensitivitySpec s;
  std::vector<Problem> problems;
  s.level_weight_noise = level_weight_noise;
  s.node_weight_noise = node_weight_noise;
  s.weight_sets = weight_sets;
  for (const auto* n : normalisations) s.normalisations.push_back(n->normalise);
  s.aggregations = parse_all<Aggregation>(aggregations, parse_aggregation, "aggregations", problems);
  s.imputations = parse_all<Imputation>(imputations, parse_imputation, "imputations", problems);
  s.outliers = parse_all<OutlierMethod>(outliers, parse_outlier_method, "outliers", problems);
  s.leave_out = leave_out;
  if (const auto f = parse_sampling_factors(sampling)) {
    s.sampling = *f;
  } else {
    problems.push_back(make_problem("bad_choice", {}, {sampling}, "sensitivity: sampling: '" + sampling +
                                                                      "' is not one of: off, one, per_indicator"));
  }
  throw_if_problems<PipelineError>(problems);
  s.targets = targets;
  s.replications = replications;
  s.seed = seed;
  s.threads = threads;
  s.sobol = sobol;
  s.bootstrap = bootstrap;
  s.confidence = confidence;
  RunContext context;
  context.indicators = indicators.is_none() ? nullptr : indicators.cast<const IndicatorSet*>();
  context.units = units.is_none() ? nullptr : units.cast<const UnitRegistry*>();

  bool interrupted = false;
  const std::function<bool()> cancelled = [&interrupted] {
    const py::gil_scoped_acquire acquire;
    if (PyErr_CheckSignals() != 0) interrupted = true;
    return interrupted;
  };
  std::optional<SensitivityResult> result;
  {
    const py::gil_scoped_release release;
    try {
      result = run_sensitivity(tree, data, nominal, s, context, cancelled);
    } catch (const SensitivityCancelled&) {
      if (!interrupted) throw;
    }
  }
  if (interrupted) throw py::error_already_set();  // the KeyboardInterrupt PyErr_CheckSignals raised
  return std::move(*result);
}

}  // namespace

void register_sensitivity(py::module_& m) {
  using RV = py::return_value_policy;
  py::class_<SensitivityResult>(m, "SensitivityResult", R"doc(The result of run_sensitivity (docs/sensitivity.md). Matrices
are read-only float64 views: scores and ranks are runs x (targets * rows) with column = target * rows + row
and rows (unit, period) unit-major.)doc")
      .def_property_readonly("tree", &SensitivityResult::tree, RV::reference_internal)
      .def_property_readonly("nominal_spec", &SensitivityResult::nominal_spec, RV::reference_internal)
      .def_property_readonly("units", &SensitivityResult::units)
      .def_property_readonly("periods",
                             [](const SensitivityResult& r) {
                               py::list out;
                               for (const auto& p : r.periods()) out.append(p.to_string());
                               return out;
                             })
      .def_property_readonly("targets",
                             [](const SensitivityResult& r) {
                               py::list out;
                               for (const auto t : r.targets()) out.append(r.tree().node(t).id);
                               return out;
                             })
      .def_property_readonly("factors",
                             [](const SensitivityResult& r) {
                               py::list out;
                               for (const auto& f : r.factors()) {
                                 py::dict d;
                                 d["name"] = f.name;
                                 d["kind"] = std::string(kind_name(f.kind));
                                 d["subject"] = f.subject;
                                 d["alternatives"] = f.alternatives;
                                 out.append(d);
                               }
                               return out;
                             })
      .def_property_readonly("varied_edges",
                             [](const SensitivityResult& r) {
                               py::list out;
                               for (const auto& e : r.varied_edges()) {
                                 out.append(py::make_tuple(r.tree().node(e.parent).id, r.tree().node(e.child).id, e.nominal,
                                                           e.half_width));
                               }
                               return out;
                             },
                             "(parent, child, nominal weight, noise f) of every edge whose weight varies.")
      .def_property_readonly("data_indicators", &SensitivityResult::data_indicators)
      .def_property_readonly("runs", &SensitivityResult::runs)
      .def_property_readonly("base_rows", &SensitivityResult::base_rows)
      .def_property_readonly("sobol", &SensitivityResult::sobol)
      .def_property_readonly("distribution_runs", &SensitivityResult::distribution_runs)
      .def_property_readonly("unperturbed_cells", &SensitivityResult::unperturbed_cells)
      .def_property_readonly("scores", &SensitivityResult::scores, RV::reference_internal)
      .def_property_readonly("ranks", &SensitivityResult::ranks, RV::reference_internal)
      .def_property_readonly("nominal_scores", &SensitivityResult::nominal_scores, RV::reference_internal)
      .def_property_readonly("nominal_ranks", &SensitivityResult::nominal_ranks, RV::reference_internal)
      .def_property_readonly("rank_shift", &SensitivityResult::rank_shift, RV::reference_internal)
      .def_property_readonly("summary", &SensitivityResult::summary, RV::reference_internal)
      .def_property_readonly_static("summary_columns",
                                    [](const py::object&) {
                                      py::list out;
                                      for (const auto c : SensitivityResult::summary_columns) out.append(std::string(c));
                                      return out;
                                    })
      .def_property_readonly("indices",
                             [](const SensitivityResult& r) {
                               const auto& i = r.indices();
                               py::dict d;
                               d["first"] = i.first;
                               d["first_low"] = i.first_low;
                               d["first_high"] = i.first_high;
                               d["total"] = i.total;
                               d["total_low"] = i.total_low;
                               d["total_high"] = i.total_high;
                               return d;
                             })
      .def(
          "choices",
          [](const SensitivityResult& r, std::size_t run) {
            const auto c = r.choices(run);
            py::dict d;
            d["block"] = std::string(to_string(c.block));
            d["base_row"] = c.base_row;
            d["factor"] = optional_index(c.factor);
            d["normalisation"] = optional_index(c.normalisation);
            d["aggregation"] = optional_index(c.aggregation);
            d["imputation"] = optional_index(c.imputation);
            d["outliers"] = optional_index(c.outliers);
            d["leave_out"] = optional_index(c.leave_out);
            d["weights"] = c.weights;
            d["sampling_seeds"] = c.sampling_seeds;
            return d;
          },
          py::arg("run"), "The choices of one run (indices into the alternatives; None = not varied / nothing left out).")
      .def(
          "parameters",
          [](const SensitivityResult& r) {
            const auto runs = static_cast<py::ssize_t>(r.runs());
            py::array_t<std::int64_t> ints({runs, py::ssize_t{8}});
            Eigen::MatrixXd weights(static_cast<Eigen::Index>(r.runs()), static_cast<Eigen::Index>(r.varied_edges().size()));
            const std::size_t seeds_per_run = r.runs() > 0 ? r.choices(0).sampling_seeds.size() : 0;
            py::array_t<std::uint64_t> seeds({runs, static_cast<py::ssize_t>(seeds_per_run)});
            {
              auto I = ints.mutable_unchecked<2>();
              auto S = seeds.mutable_unchecked<2>();
              const py::gil_scoped_release release;
              ReplicationChoices c;
              const auto at = [](const std::optional<std::size_t>& v) { return v ? static_cast<std::int64_t>(*v) : -1; };
              for (py::ssize_t k = 0; k < runs; ++k) {
                c = r.choices(static_cast<std::size_t>(k));
                I(k, 0) = static_cast<std::int64_t>(c.block);
                I(k, 1) = static_cast<std::int64_t>(c.base_row);
                I(k, 2) = at(c.factor);
                I(k, 3) = at(c.normalisation);
                I(k, 4) = at(c.aggregation);
                I(k, 5) = at(c.imputation);
                I(k, 6) = at(c.outliers);
                I(k, 7) = at(c.leave_out);
                for (std::size_t e = 0; e < c.weights.size(); ++e) weights(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(e)) = c.weights[e];
                for (std::size_t s = 0; s < c.sampling_seeds.size(); ++s) S(k, static_cast<py::ssize_t>(s)) = c.sampling_seeds[s];
              }
            }
            return py::make_tuple(ints, py::cast(std::move(weights)), seeds);
          },
          R"doc((choices, weights, seeds) of every run: an int64 array runs x 8 (block 0 MC / 1 A / 2 B / 3 AB, base row,
factor taken from B, normalisation, aggregation, imputation, outliers, leave-out; -1 = none), the
weights of the varied edges (runs x edges) and the sampling seeds (runs x streams, uint64).)doc")
      .def("replication_spec", &SensitivityResult::replication_spec, py::arg("run"),
           "The nominal spec with the run's choices (a PipelineSpec).")
      .def(
          "replication_data",
          [](const SensitivityResult& r, const Dataset& data, std::size_t run) {
            const py::gil_scoped_release release;
            return r.replication_data(data, run);
          },
          py::arg("data"), py::arg("run"), "The run's data set (sampling draws applied) from the analysed data set.");

  m.def("run_sensitivity", &run, py::arg("tree"), py::arg("data"), py::arg("spec"), py::kw_only(),
        py::arg("level_weight_noise") = std::map<std::string, double>{},
        py::arg("node_weight_noise") = std::map<std::string, double>{}, py::arg("weight_sets") = std::vector<WeightSet>{},
        py::arg("normalisations") = std::vector<const PipelineSpec*>{}, py::arg("aggregations") = std::vector<std::string>{},
        py::arg("imputations") = std::vector<std::string>{}, py::arg("outliers") = std::vector<std::string>{},
        py::arg("leave_out") = std::vector<std::string>{}, py::arg("sampling") = "off",
        py::arg("targets") = std::vector<std::string>{}, py::arg("replications") = 1000, py::arg("seed") = 0,
        py::arg("threads") = 0, py::arg("sobol") = true, py::arg("bootstrap") = 1000, py::arg("confidence") = 0.95,
        py::arg("indicators") = py::none(), py::arg("units") = py::none(),
        R"doc(Run the sensitivity analysis (docs/sensitivity.md) without the GIL; KeyboardInterrupt stops it.
`normalisations` are PipelineSpecs whose global normalise settings are the alternatives.
PipelineError lists every problem of the settings, or names the first run that fails.)doc");
}

}  // namespace doelenboom::python
