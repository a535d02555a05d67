#pragma once
// Shared declarations of the binding module doelenboom._core: one register_<area> per area.

#include <vector>

#include <pybind11/pybind11.h>

#include "doelenboom/error.hpp"

namespace doelenboom::python {

namespace py = pybind11;

/// The exception classes Error, ParseError, TreeError, DataError, PipelineError, their translator
/// and raise_problems (an error of problems found in Python, worded by join_problems).
void register_errors(py::module_& m);
/// The GoalTree class and the tree file functions.
void register_goal_tree(py::module_& m);
/// Period (values from Python become periods by core/periods.hpp).
void register_period(py::module_& m);
/// IndicatorDefinition and IndicatorSet.
void register_indicators(py::module_& m);
/// Unit, UnitRegistry and the CBS size classes.
void register_units(py::module_& m);
/// Dataset (after the period, indicator and unit types).
void register_dataset(py::module_& m);
/// Pseudonymiser and the reach, survey and pre/post readers, checks and estimators.
void register_estimates(py::module_& m);
/// PipelineSpec, run_pipeline and PipelineResult (after the tree and data types).
void register_pipeline(py::module_& m);
/// The koploper table, linear trends and Holt forecasts (after the pipeline types).
void register_compare(py::module_& m);
/// run_sensitivity and SensitivityResult (after the pipeline types).
void register_sensitivity(py::module_& m);
/// The statistics kernels, as the submodule `stats`.
void register_stats(py::module_& m);
/// SignalRules and evaluate_signals (after the pipeline types).
void register_signals(py::module_& m);
/// MonitoringConfig, run_monitoring and MonitoringResult (after the pipeline, compare and signal types).
void register_monitoring(py::module_& m);
/// ReachPartial, SurveyPartial, PrePostPartial: mergeable partial statistics (doelenboom.dask).
void register_partial(py::module_& m);

/// A problem as a dict: code, file, line, row, field, ids, message (unknown parts are None).
py::dict problem_to_dict(const Problem& problem);
/// A list of such dicts.
py::list problems_to_list(const std::vector<Problem>& problems);

}  // namespace doelenboom::python
