// doelenboom._core: the compiled part of the doelenboom Python package. The bindings only convert;
// the Python facade (python/doelenboom/) adds pandas, drawing and the command line.
//
// One submodule per stage of the data flow, as the folders of python/src: doelenboom._core.graph,
// .data, .estimate, .pipeline, .sensitivity, .compare, .stats, .signals, .monitoring. The error
// classes stay in doelenboom._core itself, as every stage raises them. def_submodule also enters
// each submodule in sys.modules, so `import doelenboom._core.graph` works (and pickles of the
// compiled classes, which name their submodule, load). pybind11's type registry is global: a class
// of one submodule is accepted and returned by the functions of another.

#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "doelenboom/version.hpp"

PYBIND11_MODULE(_core, m) {
  namespace dp = doelenboom::python;
  m.doc() = "Compiled core of doelenboom, one submodule per stage; use the doelenboom package instead of this module.";
  m.attr("__version__") = DOELENBOOM_VERSION_STRING;
  dp::register_errors(m);

  // In the order of the stages: a class must be registered before a default argument names it.
  auto data = m.def_submodule(
      "data", "Periods, indicator definitions, units, data sets of estimates and their secondary suppression.");
  dp::register_period(data);
  dp::register_indicators(data);
  dp::register_units(data);
  dp::register_dataset(data);
  dp::register_disclosure(data);
  auto estimate = m.def_submodule(
      "estimate", "Pseudonyms and the reach, survey and pre/post estimators, with their mergeable partial statistics.");
  dp::register_estimates(estimate);
  auto graph = m.def_submodule("graph", "The goal tree and its files.");
  dp::register_goal_tree(graph);
  auto pipeline = m.def_submodule("pipeline", "Pipeline settings, the pipeline run and its result.");
  dp::register_pipeline(pipeline);
  auto sensitivity = m.def_submodule("sensitivity", "Uncertainty and sensitivity analysis of the pipeline's choices.");
  dp::register_sensitivity(sensitivity);
  auto compare = m.def_submodule("compare", "The koploper table, linear trends and Holt forecasts.");
  dp::register_compare(compare);
  auto stats = m.def_submodule(
      "stats",
      "Statistics kernels: Wilson and t intervals, quantiles, Wilcoxon signed-rank test, Cronbach's alpha,\n"
      "Reliable Change Index, paired effect sizes and shift tables. Each function raises DataError naming the\n"
      "offending value. Every result carries n.");
  dp::register_stats(stats);
  auto signals = m.def_submodule("signals", "Signal rules and the signal engine.");
  dp::register_signals(signals);
  auto monitoring = m.def_submodule("monitoring", "Run configs and the monitoring job end to end.");
  dp::register_monitoring(monitoring);
  dp::register_partial(estimate);
}
