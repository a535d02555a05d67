#pragma once
// Shared declarations of the binding module doelenboom._core: one register_<area> per area. Each
// takes the submodule of its stage (module.cpp makes them); register_errors takes _core itself.

#include <vector>

#include <pybind11/pybind11.h>

#include "doelenboom/error.hpp"

namespace doelenboom::python {

namespace py = pybind11;

/// The exception classes Error, ParseError, TreeError, DataError, PipelineError, their translator
/// and raise_problems (an error of problems found in Python, worded by join_problems).
void register_errors(py::module_& m);
/// The GoalTree class, the tree file functions and tree_format_version (doelenboom._core.graph).
void register_goal_tree(py::module_& m);
/// Period (.data; values from Python become periods by core/periods.hpp).
void register_period(py::module_& m);
/// IndicatorDefinition and IndicatorSet.
void register_indicators(py::module_& m);
/// Unit, UnitRegistry and the CBS size classes.
void register_units(py::module_& m);
/// Dataset (after the period, indicator and unit types).
void register_dataset(py::module_& m);
/// ProtectionResult, protect_breakdowns and protect_change_families (.data; after Dataset).
void register_disclosure(py::module_& m);
/// Pseudonymiser and the reach, survey and pre/post readers, checks and estimators (.estimate).
void register_estimates(py::module_& m);
/// PipelineSpec, run_pipeline and PipelineResult (.pipeline; after the tree and data types).
void register_pipeline(py::module_& m);
/// The koploper table, linear trends and Holt forecasts (.compare; after the pipeline types).
void register_compare(py::module_& m);
/// run_sensitivity and SensitivityResult (.sensitivity; after the pipeline types).
void register_sensitivity(py::module_& m);
/// The statistics kernels (.stats).
void register_stats(py::module_& m);
/// SignalRules and evaluate_signals (.signals; after the pipeline types).
void register_signals(py::module_& m);
/// MonitoringConfig, run_monitoring and MonitoringResult (.monitoring; after the pipeline, compare and
/// signal types).
void register_monitoring(py::module_& m);
/// ReachPartial, SurveyPartial, PrePostPartial: mergeable partial statistics (.estimate; doelenboom.dask).
void register_partial(py::module_& m);

/// A problem as a dict: code, file, line, row, field, ids, message (unknown parts are None).
py::dict problem_to_dict(const Problem& problem);
/// A list of such dicts.
py::list problems_to_list(const std::vector<Problem>& problems);

}  // namespace doelenboom::python
