// The monitoring job for Python: load a run config, run it (without the GIL; progress is reported
// through a Python callable, with the GIL) and hand the result's parts over as the library's own
// types (GoalTree, Dataset, PipelineResult, UnitRegistry) or as columns (dict of lists) for DataFrames.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "core/tables.hpp"
#include "doelenboom/monitoring.hpp"

namespace doelenboom::python {

namespace {

py::dict trend_columns(const std::vector<TrendRow>& rows) {
  using R = TrendRow;
  return ColumnDict<R>(rows)
      .list("unit", &R::unit)
      .list("node", &R::node)
      .list("slope", &R::slope)
      .list("slope_low", &R::slope_low)
      .list("slope_high", &R::slope_high)
      .list("n", &R::n)
      .list("intercept", &R::intercept)
      .list("note", &R::note)
      .dict();
}

py::dict forecast_columns(const std::vector<ForecastRow>& rows) {
  using R = ForecastRow;
  return ColumnDict<R>(rows)
      .list("unit", &R::unit)
      .list("node", &R::node)
      .list("period", period_text)
      .list("forecast", &R::forecast)
      .list("low", &R::low)
      .list("high", &R::high)
      .list("se", &R::se)
      .list("trend_forecast", &R::trend_forecast)
      .list("trend_se", &R::trend_se)
      .list("trend_low", &R::trend_low)
      .list("trend_high", &R::trend_high)
      .dict();
}

py::dict story_columns(const std::vector<Story>& rows) {
  using R = Story;
  return ColumnDict<R>(rows)
      .list("unit", &R::unit)
      .list("period", period_text)
      .list("node", &R::node)
      .list("title", &R::title)
      .list("text", &R::text)
      .dict();
}

py::dict duiding_columns(const std::vector<DuidingAnswer>& rows) {
  using R = DuidingAnswer;
  return ColumnDict<R>(rows)
      .list("unit", &R::unit)
      .list("period", period_text)
      .list("question", &R::question)
      .list("answer", &R::answer)
      .list("who", &R::who)
      .list("what", &R::what)
      .list("when", &R::when)
      .dict();
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
      .def_readonly("pipeline", &MonitoringConfig::pipeline)
      .def_readonly("suppression_threshold", &MonitoringConfig::suppression_threshold)
      .def_readonly("small_count_threshold", &MonitoringConfig::small_count_threshold)
      .def_readonly("protection_level", &MonitoringConfig::protection_level)
      .def_readwrite("output", &MonitoringConfig::output)
      .def("__repr__", [](const MonitoringConfig& c) { return "<doelenboom._core.monitoring.MonitoringConfig " + c.source.string() + ">"; });

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
      .def_property_readonly("signals", [](const MonitoringResult& r) { return signal_columns(r.signals); })
      .def_property_readonly("trends", [](const MonitoringResult& r) { return trend_columns(r.trends); })
      .def_property_readonly("forecasts", [](const MonitoringResult& r) { return forecast_columns(r.forecasts); })
      .def_property_readonly("stories", [](const MonitoringResult& r) { return story_columns(r.stories); })
      .def_property_readonly("duiding", [](const MonitoringResult& r) { return duiding_columns(r.duiding); })
      .def_readonly("area_data", &MonitoringResult::area_data)
      .def_readonly("area_units", &MonitoringResult::area_units)
      .def_readonly("peers", &MonitoringResult::peers)
      .def_readonly("peer_groups", &MonitoringResult::peer_groups)
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
        return "<doelenboom._core.monitoring.MonitoringResult " + r.name + ": " + std::to_string(r.result.units().size()) + " units, " +
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
