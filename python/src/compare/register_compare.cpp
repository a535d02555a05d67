// Comparisons and trends for Python: the koploper table (as columns), linear trends and Holt
// forecasts, per unit and node of a PipelineResult or on a plain series. Periods arrive as text
// ("2023", "2023-Q2") and leave as text; the computations run without the GIL.

#include <cstdint>
#include <optional>
#include <string>
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

std::optional<Period> period_arg(const std::optional<std::string>& text, const char* what) {
  if (!text) return std::nullopt;
  if (auto p = Period::parse(*text)) return p;
  throw DataError(std::string(what) + " " + squote(*text) +
                  " is not a period (expected a year '2023', a quarter '2023-Q2' or a month '2023-05')");
}

py::array_t<double> array_of(const std::vector<double>& v) { return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data()); }

py::dict trend_dict(const LinearTrend& t) {
  py::dict d;
  d["n"] = t.n;
  d["slope"] = t.slope;
  d["intercept"] = t.intercept;
  d["se_slope"] = t.se_slope;
  d["low"] = t.low;
  d["high"] = t.high;
  d["sigma"] = t.sigma;
  d["confidence"] = t.confidence;
  d["x_mean"] = t.x_mean;
  d["sxx"] = t.sxx;
  return d;
}

py::dict holt_dict(const HoltFit& fit, const HoltForecast& fc) {
  py::dict d;
  d["alpha"] = fit.alpha;
  d["beta"] = fit.beta;
  d["initial_level"] = fit.initial_level;
  d["initial_trend"] = fit.initial_trend;
  d["fitted"] = array_of(fit.fitted);
  d["level"] = array_of(fit.level);
  d["trend"] = array_of(fit.trend);
  d["sse"] = fit.sse;
  d["sigma2"] = fit.sigma2;
  d["parameters"] = fit.parameters;
  d["forecast"] = array_of(fc.mean);
  d["forecast_se"] = array_of(fc.se);
  d["forecast_low"] = array_of(fc.low);
  d["forecast_high"] = array_of(fc.high);
  d["level_of_intervals"] = fc.level;
  return d;
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
  m.def(
      "koploper_table",
      [](const PipelineResult& result, const UnitRegistry* units, std::vector<std::string> nodes,
         std::vector<std::string> report_units, std::optional<std::string> period, double level, double alpha,
         std::optional<std::string> baseline, std::string peer_attribute, std::vector<std::string> peer_list,
         std::size_t draws, std::uint64_t seed) {
        KoploperOptions o;
        o.nodes = std::move(nodes);
        o.units = std::move(report_units);
        o.period = period_arg(period, "period");
        o.baseline = period_arg(baseline, "baseline");
        o.level = level;
        o.alpha = alpha;
        o.peers.attribute = std::move(peer_attribute);
        o.peers.list = std::move(peer_list);
        o.draws = draws;
        o.seed = seed;
        std::vector<KoploperRow> rows;
        {
          py::gil_scoped_release release;
          rows = koploper_table(ScoreTable::from(result), units, o);
        }
        return koploper_columns(rows);
      },
      py::arg("result"), py::arg("units") = nullptr, py::arg("nodes") = std::vector<std::string>{},
      py::arg("report_units") = std::vector<std::string>{}, py::arg("period") = py::none(), py::arg("level") = 0.95,
      py::arg("alpha") = 0.05, py::arg("baseline") = py::none(), py::arg("peer_attribute") = "size_class",
      py::arg("peer_list") = std::vector<std::string>{}, py::arg("draws") = 1000, py::arg("seed") = 0,
      "The koploper table of a PipelineResult as a dict of columns (docs/compare.md).");

  m.def(
      "linear_trend",
      [](std::vector<double> x, std::vector<double> y, double confidence) {
        return trend_dict(linear_trend(x, y, confidence));
      },
      py::arg("x"), py::arg("y"), py::arg("confidence") = 0.95, "OLS y = intercept + slope x with a t interval.");

  m.def(
      "trend_prediction",
      [](std::vector<double> x, std::vector<double> y, std::vector<double> at, double level) {
        std::vector<double> mean, se, low, high;
        {
          py::gil_scoped_release release;
          const LinearTrend t = linear_trend(x, y, level);
          for (const double v : at) {
            const TrendPrediction p = predict(t, v, level);
            mean.push_back(p.mean);
            se.push_back(p.se);
            low.push_back(p.low);
            high.push_back(p.high);
          }
        }
        py::dict d;
        d["mean"] = array_of(mean);
        d["se"] = array_of(se);
        d["low"] = array_of(low);
        d["high"] = array_of(high);
        d["level"] = level;
        return d;
      },
      py::arg("x"), py::arg("y"), py::arg("at"), py::arg("level") = 0.95,
      "The OLS linear trend of (x, y) at new x values with its prediction interval for a new observation.");

  m.def(
      "holt",
      [](std::vector<double> y, std::size_t horizon, double level, std::optional<double> alpha,
         std::optional<double> beta, std::optional<double> initial_level, std::optional<double> initial_trend) {
        HoltFit fit;
        HoltForecast fc;
        {
          py::gil_scoped_release release;
          fit = holt_fit(y, holt_options(alpha, beta, initial_level, initial_trend));
          fc = holt_forecast(fit, horizon, level);
        }
        return holt_dict(fit, fc);
      },
      py::arg("y"), py::arg("horizon") = 2, py::arg("level") = 0.95, py::arg("alpha") = py::none(),
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
         double level, std::optional<double> alpha, std::optional<double> beta) {
        UnitForecast f;
        {
          py::gil_scoped_release release;
          f = unit_forecast(ScoreTable::from(result), unit, node, horizon, level, holt_options(alpha, beta, {}, {}));
        }
        auto d = holt_dict(f.fit, f.forecast);
        d["periods"] = periods_to_list(f.series.periods);
        d["values"] = array_of(f.series.values);
        d["forecast_periods"] = periods_to_list(f.periods);
        return d;
      },
      py::arg("result"), py::arg("unit"), py::arg("node"), py::arg("horizon") = 2, py::arg("level") = 0.95,
      py::arg("alpha") = py::none(), py::arg("beta") = py::none(),
      "Holt's method on one unit's node score with forecasts for the next periods.");
}

}  // namespace doelenboom::python
