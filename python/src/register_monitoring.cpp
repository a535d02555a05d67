// The monitoring job for Python: load a run config, run it (without the GIL; progress is reported
// through a Python callable, with the GIL) and hand the result's parts over as the library's own
// types (GoalTree, Dataset, PipelineResult, UnitRegistry) or as columns (dict of lists) for DataFrames.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "doelenboom/monitoring.hpp"

namespace doelenboom::python {

namespace {

py::dict koploper_columns(const std::vector<KoploperRow>& rows) {
  const std::vector<std::pair<const char*, double KoploperRow::*>> numeric{
      {"score", &KoploperRow::score},
      {"low", &KoploperRow::low},
      {"high", &KoploperRow::high},
      {"rank", &KoploperRow::rank},
      {"rank_median", &KoploperRow::rank_median},
      {"rank_low", &KoploperRow::rank_low},
      {"rank_high", &KoploperRow::rank_high},
      {"change_since_baseline", &KoploperRow::change_since_baseline},
      {"change_low", &KoploperRow::change_low},
      {"change_high", &KoploperRow::change_high},
      {"change_p_value", &KoploperRow::change_p_value},
      {"change_beyond_noise", &KoploperRow::change_beyond_noise},
      {"peer_mean", &KoploperRow::peer_mean},
      {"peer_median", &KoploperRow::peer_median},
      {"peer_count", &KoploperRow::peer_count},
      {"difference_from_peers", &KoploperRow::difference_from_peers},
      {"national", &KoploperRow::national},
  };
  py::dict out;
  for (const auto& [name, member] : numeric) {
    std::vector<double> v;
    v.reserve(rows.size());
    for (const auto& r : rows) v.push_back(r.*member);
    out[name] = py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data());
  }
  py::list unit, node, period, baseline, peers;
  for (const auto& r : rows) {
    unit.append(r.unit);
    node.append(r.node);
    period.append(r.period.to_string());
    baseline.append(r.baseline.to_string());
    peers.append(r.peers);
  }
  out["unit"] = unit;
  out["node"] = node;
  out["period"] = period;
  out["baseline"] = baseline;
  out["peers"] = peers;
  return out;
}

py::dict monitoring_signal_columns(const std::vector<MonitoringSignal>& signals) {
  py::list unit, area, period, node, rule, severity, value, reference, difference, statistic, p_value, n, nl, en;
  for (const auto& m : signals) {
    const Signal& s = m.signal;
    unit.append(s.unit);
    area.append(m.area);
    period.append(s.period.to_string());
    node.append(s.node);
    rule.append(std::string(to_string(s.rule)));
    severity.append(std::string(to_string(s.severity)));
    value.append(s.value);
    reference.append(s.reference);
    difference.append(s.difference);
    statistic.append(s.statistic);
    p_value.append(s.p_value);
    n.append(s.n);
    nl.append(s.message_nl);
    en.append(s.message_en);
  }
  py::dict out;
  out["unit"] = unit;
  out["area"] = area;
  out["period"] = period;
  out["node"] = node;
  out["rule"] = rule;
  out["severity"] = severity;
  out["value"] = value;
  out["reference"] = reference;
  out["difference"] = difference;
  out["statistic"] = statistic;
  out["p_value"] = p_value;
  out["n"] = n;
  out["message_nl"] = nl;
  out["message_en"] = en;
  return out;
}

py::dict trend_columns(const std::vector<TrendRow>& rows) {
  py::list unit, node, n, slope, low, high, intercept, note;
  for (const auto& r : rows) {
    unit.append(r.unit);
    node.append(r.node);
    n.append(r.n);
    slope.append(r.slope);
    low.append(r.slope_low);
    high.append(r.slope_high);
    intercept.append(r.intercept);
    note.append(r.note);
  }
  py::dict out;
  out["unit"] = unit;
  out["node"] = node;
  out["slope"] = slope;
  out["slope_low"] = low;
  out["slope_high"] = high;
  out["n"] = n;
  out["intercept"] = intercept;
  out["note"] = note;
  return out;
}

py::dict forecast_columns(const std::vector<ForecastRow>& rows) {
  py::list unit, node, period, forecast, se, low, high, trend_forecast, trend_se, trend_low, trend_high;
  for (const auto& r : rows) {
    unit.append(r.unit);
    node.append(r.node);
    period.append(r.period.to_string());
    forecast.append(r.forecast);
    se.append(r.se);
    low.append(r.low);
    high.append(r.high);
    trend_forecast.append(r.trend_forecast);
    trend_se.append(r.trend_se);
    trend_low.append(r.trend_low);
    trend_high.append(r.trend_high);
  }
  py::dict out;
  out["unit"] = unit;
  out["node"] = node;
  out["period"] = period;
  out["forecast"] = forecast;
  out["low"] = low;
  out["high"] = high;
  out["se"] = se;
  out["trend_forecast"] = trend_forecast;
  out["trend_se"] = trend_se;
  out["trend_low"] = trend_low;
  out["trend_high"] = trend_high;
  return out;
}

py::dict story_columns(const std::vector<Story>& rows) {
  py::list unit, period, node, title, text;
  for (const auto& r : rows) {
    unit.append(r.unit);
    period.append(r.period.to_string());
    node.append(r.node);
    title.append(r.title);
    text.append(r.text);
  }
  py::dict out;
  out["unit"] = unit;
  out["period"] = period;
  out["node"] = node;
  out["title"] = title;
  out["text"] = text;
  return out;
}

py::dict duiding_columns(const std::vector<DuidingAnswer>& rows) {
  py::list unit, period, question, answer, who, what, when;
  for (const auto& r : rows) {
    unit.append(r.unit);
    period.append(r.period.to_string());
    question.append(r.question);
    answer.append(r.answer);
    who.append(r.who);
    what.append(r.what);
    when.append(r.when);
  }
  py::dict out;
  out["unit"] = unit;
  out["period"] = period;
  out["question"] = question;
  out["answer"] = answer;
  out["who"] = who;
  out["what"] = what;
  out["when"] = when;
  return out;
}

}  // namespace

void register_monitoring(py::module_& m) {
  py::class_<MonitoringConfig>(m, "MonitoringConfig", "A run config (docs/run-config.md).")
      .def_static(
          "load_yaml",
          [](const std::filesystem::path& path, const std::filesystem::path& default_gemeenten) {
            return MonitoringConfig::load_yaml(path, default_gemeenten);
          },
          py::arg("path"), py::arg("default_gemeenten") = std::filesystem::path(),
          "Read a run config; ParseError lists every problem with file and line.")
      .def("check", [](const MonitoringConfig& c) { return problems_to_list(c.check()); },
           "Every problem found without running, as problem dicts.")
      .def_readonly("name", &MonitoringConfig::name)
      .def_readonly("fictitious", &MonitoringConfig::fictitious)
      .def_readonly("source", &MonitoringConfig::source)
      .def_readonly("tree", &MonitoringConfig::tree)
      .def_readwrite("output", &MonitoringConfig::output)
      .def("__repr__", [](const MonitoringConfig& c) { return "<doelenboom._core.MonitoringConfig " + c.source.string() + ">"; });

  py::class_<MonitoringResult>(m, "MonitoringResult", "The result of run_monitoring.")
      .def_readonly("name", &MonitoringResult::name)
      .def_readonly("fictitious", &MonitoringResult::fictitious)
      .def_readonly("tree", &MonitoringResult::tree)
      .def_readonly("units", &MonitoringResult::units)
      .def_readonly("estimates", &MonitoringResult::estimates)
      .def_readonly("indicator_data", &MonitoringResult::indicator_data)
      .def_readonly("indicators_without_data", &MonitoringResult::indicators_without_data)
      .def_readonly("result", &MonitoringResult::result)
      .def_property_readonly("baseline", [](const MonitoringResult& r) { return r.baseline.to_string(); })
      .def_property_readonly("period", [](const MonitoringResult& r) { return r.period.to_string(); })
      .def_readonly("compare_nodes", &MonitoringResult::compare_nodes)
      .def_property_readonly("koplopers", [](const MonitoringResult& r) { return koploper_columns(r.koplopers); })
      .def_property_readonly("signals", [](const MonitoringResult& r) { return monitoring_signal_columns(r.signals); })
      .def_property_readonly("trends", [](const MonitoringResult& r) { return trend_columns(r.trends); })
      .def_property_readonly("forecasts", [](const MonitoringResult& r) { return forecast_columns(r.forecasts); })
      .def_property_readonly("stories", [](const MonitoringResult& r) { return story_columns(r.stories); })
      .def_property_readonly("duiding", [](const MonitoringResult& r) { return duiding_columns(r.duiding); })
      .def_readonly("area_data", &MonitoringResult::area_data)
      .def_readonly("area_units", &MonitoringResult::area_units)
      .def_readonly("peers", &MonitoringResult::peers)
      .def_readonly("output", &MonitoringResult::output)
      .def_readonly("data_dir", &MonitoringResult::data_dir)
      .def(
          "write_tables",
          [](const MonitoringResult& r, const std::filesystem::path& directory) {
            py::gil_scoped_release release;
            return write_tables(r, directory);
          },
          py::arg("directory"), "Write the result's CSV tables into a folder (each atomically); returns the paths.")
      .def("__repr__", [](const MonitoringResult& r) {
        return "<doelenboom._core.MonitoringResult " + r.name + ": " + std::to_string(r.result.units().size()) + " units, " +
               std::to_string(r.signals.size()) + " signals>";
      });

  m.def(
      "run_monitoring",
      [](const MonitoringConfig& config, const py::object& progress) {
        MonitoringProgress report;
        if (!progress.is_none()) {
          report = [&progress](std::string_view step, std::size_t number, std::size_t steps) {
            py::gil_scoped_acquire acquire;
            progress(std::string(step), number, steps);
          };
        }
        py::gil_scoped_release release;
        return run_monitoring(config, report);
      },
      py::arg("config"), py::arg("progress") = py::none(),
      "Run the monitoring job of a config; progress(step, number, steps) is called at the start of each step.");
  m.def("monitoring_table_names", &monitoring_table_names, "The file names write_tables writes, in order.");
}

}  // namespace doelenboom::python
