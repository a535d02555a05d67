// Comparisons and trends for Python: the koploper table (as columns) with its peer groups, linear
// trends and Holt forecasts, per unit and node of a PipelineResult or on a plain series. Periods
// arrive as text ("2023", "2023-Q2") and leave as text; the computations run without the GIL.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "core/columns.hpp"
#include "core/tables.hpp"
#include "doelenboom/compare.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/trend.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::python {

namespace {

using namespace pybind11::literals;

std::optional<Period> period_arg(const std::optional<std::string>& text, const char* what) {
  if (!text) return std::nullopt;
  if (auto p = Period::parse(*text)) return p;
  throw DataError(std::string(what) + " " + squote(*text) +
                  " is not a period (expected a year '2023', a quarter '2023-Q2' or a month '2023-05')");
}

py::array_t<double> array_of(const std::vector<double>& v) { return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data()); }

py::dict trend_dict(const LinearTrend& t) {
  return py::dict("n"_a = t.n, "slope"_a = t.slope, "intercept"_a = t.intercept, "se_slope"_a = t.se_slope,
                  "low"_a = t.low, "high"_a = t.high, "sigma"_a = t.sigma, "confidence"_a = t.confidence,
                  "x_mean"_a = t.x_mean, "sxx"_a = t.sxx);
}

py::dict holt_dict(const HoltFit& fit, const HoltForecast& fc) {
  // "level" is Holt's level state; the confidence of the intervals is "level_of_intervals".
  return py::dict("alpha"_a = fit.alpha, "beta"_a = fit.beta, "initial_level"_a = fit.initial_level,
                  "initial_trend"_a = fit.initial_trend, "fitted"_a = array_of(fit.fitted),
                  "level"_a = array_of(fit.level), "trend"_a = array_of(fit.trend), "sse"_a = fit.sse,
                  "sigma2"_a = fit.sigma2, "parameters"_a = fit.parameters, "forecast"_a = array_of(fc.mean),
                  "forecast_se"_a = array_of(fc.se), "forecast_low"_a = array_of(fc.low),
                  "forecast_high"_a = array_of(fc.high), "level_of_intervals"_a = fc.level);
}

HoltOptions holt_options(std::optional<double> alpha, std::optional<double> beta, std::optional<double> l0,
                         std::optional<double> b0) {
  HoltOptions o;
  o.alpha = alpha;
  o.beta = beta;
  o.initial_level = l0;
  o.initial_trend = b0;
  return o;
}

}  // namespace

void register_compare(py::module_& m) {
  py::class_<PeerGroup>(m, "PeerGroup", "One unit's peer group: who it is compared with (docs/compare.md).")
      .def_readonly("unit", &PeerGroup::unit)
      .def_readonly("members", &PeerGroup::members)
      .def_readonly("known", &PeerGroup::known)
      .def_readonly("description", &PeerGroup::description)
      .def("__repr__", [](const PeerGroup& g) {
        return "<doelenboom._core.compare.PeerGroup " + g.unit + ": " + g.description + ">";
      });

  py::class_<PeerGroups>(m, "PeerGroups", "The peer group of every unit, and the attribute they share (None: a list).")
      .def_readonly("attribute", &PeerGroups::attribute)
      .def_readonly("units", &PeerGroups::units)
      .def("__repr__", [](const PeerGroups& g) {
        return "<doelenboom._core.compare.PeerGroups " + (g.attribute ? "on " + *g.attribute : std::string("of a list")) +
               ", " + std::to_string(g.units.size()) + " units>";
      });

  m.def(
      "koploper_table",
      [](const PipelineResult& result, const UnitRegistry* units, std::vector<std::string> nodes,
         std::vector<std::string> unit_ids, std::optional<std::string> period, double confidence, double alpha,
         std::optional<std::string> baseline, std::string peer_attribute, std::vector<std::string> peer_list,
         std::size_t draws, std::uint64_t seed) {
        KoploperOptions o;
        o.nodes = std::move(nodes);
        o.units = std::move(unit_ids);
        o.period = period_arg(period, "period");
        o.baseline = period_arg(baseline, "baseline");
        o.level = confidence;
        o.alpha = alpha;
        o.peers.attribute = std::move(peer_attribute);
        o.peers.list = std::move(peer_list);
        o.draws = draws;
        o.seed = seed;
        KoploperTable table;
        {
          py::gil_scoped_release release;
          table = koploper_table(ScoreTable::from(result), units, o);
        }
        return py::make_tuple(koploper_columns(table.rows), std::move(table.peer_groups));
      },
      py::arg("result"), py::arg("units") = nullptr, py::arg("nodes") = std::vector<std::string>{},
      py::arg("unit_ids") = std::vector<std::string>{}, py::arg("period") = py::none(), py::arg("confidence") = 0.95,
      py::arg("alpha") = 0.05, py::arg("baseline") = py::none(), py::arg("peer_attribute") = "size_class",
      py::arg("peer_list") = std::vector<std::string>{}, py::arg("draws") = 1000, py::arg("seed") = 0,
      "The koploper table of a PipelineResult as a dict of columns, and the peer group of every unit\n"
      "(docs/compare.md).");

  m.def(
      "linear_trend",
      [](std::vector<double> x, std::vector<double> y, double confidence) {
        return trend_dict(linear_trend(x, y, confidence));
      },
      py::arg("x"), py::arg("y"), py::arg("confidence") = 0.95, "OLS y = intercept + slope x with a t interval.");

  m.def(
      "trend_prediction",
      [](std::vector<double> x, std::vector<double> y, std::vector<double> at, double confidence) {
        std::vector<double> mean, se, low, high;
        {
          py::gil_scoped_release release;
          const LinearTrend t = linear_trend(x, y, confidence);
          for (const double v : at) {
            const TrendPrediction p = predict(t, v, confidence);
            mean.push_back(p.mean);
            se.push_back(p.se);
            low.push_back(p.low);
            high.push_back(p.high);
          }
        }
        return py::dict("mean"_a = array_of(mean), "se"_a = array_of(se), "low"_a = array_of(low),
                        "high"_a = array_of(high), "level"_a = confidence);
      },
      py::arg("x"), py::arg("y"), py::arg("at"), py::arg("confidence") = 0.95,
      "The OLS linear trend of (x, y) at new x values with its prediction interval for a new observation.");

  m.def(
      "holt",
      [](std::vector<double> y, std::size_t horizon, double confidence, std::optional<double> alpha,
         std::optional<double> beta, std::optional<double> initial_level, std::optional<double> initial_trend) {
        HoltFit fit;
        HoltForecast fc;
        {
          py::gil_scoped_release release;
          fit = holt_fit(y, holt_options(alpha, beta, initial_level, initial_trend));
          fc = holt_forecast(fit, horizon, confidence);
        }
        return holt_dict(fit, fc);
      },
      py::arg("y"), py::arg("horizon") = 2, py::arg("confidence") = 0.95, py::arg("alpha") = py::none(),
      py::arg("beta") = py::none(), py::arg("initial_level") = py::none(), py::arg("initial_trend") = py::none(),
      "Holt's additive-trend method on a series, with forecasts and analytic ETS(A,A,N) intervals.");

  m.def(
      "unit_trend",
      [](const PipelineResult& result, const std::string& unit, const std::string& node, double confidence) {
        const auto table = ScoreTable::from(result);
        const auto series = series_of(table, unit, node);
        auto d = trend_dict(unit_trend(table, unit, node, confidence));
        d["periods"] = periods_to_list(series.periods);
        d["values"] = array_of(series.values);
        std::vector<double> x;
        for (const auto& p : series.periods) x.push_back(static_cast<double>(p.ordinal()));
        d["x"] = array_of(x);
        return d;
      },
      py::arg("result"), py::arg("unit"), py::arg("node"), py::arg("confidence") = 0.95,
      "The linear trend of one unit's node score over the periods (x = period ordinal).");

  m.def(
      "unit_forecast",
      [](const PipelineResult& result, const std::string& unit, const std::string& node, std::size_t horizon,
         double confidence, std::optional<double> alpha, std::optional<double> beta) {
        UnitForecast f;
        {
          py::gil_scoped_release release;
          f = unit_forecast(ScoreTable::from(result), unit, node, horizon, confidence, holt_options(alpha, beta, {}, {}));
        }
        auto d = holt_dict(f.fit, f.forecast);
        d["periods"] = periods_to_list(f.series.periods);
        d["values"] = array_of(f.series.values);
        d["forecast_periods"] = periods_to_list(f.periods);
        return d;
      },
      py::arg("result"), py::arg("unit"), py::arg("node"), py::arg("horizon") = 2, py::arg("confidence") = 0.95,
      py::arg("alpha") = py::none(), py::arg("beta") = py::none(),
      "Holt's method on one unit's node score with forecasts for the next periods.");
}

}  // namespace doelenboom::python
