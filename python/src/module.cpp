// doelenboom._core: the compiled part of the doelenboom Python package. The bindings only convert;
// the Python facade (python/doelenboom/) adds pandas, drawing and the command line.

#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "doelenboom/tree_io.hpp"
#include "doelenboom/version.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "Compiled core of doelenboom (goal trees); use the doelenboom package instead of this module.";
  m.attr("__version__") = DOELENBOOM_VERSION_STRING;
  m.attr("tree_format_version") = doelenboom::tree_format_version;
  doelenboom::python::register_errors(m);
  doelenboom::python::register_period(m);
  doelenboom::python::register_indicators(m);
  doelenboom::python::register_units(m);
  doelenboom::python::register_dataset(m);
  doelenboom::python::register_estimates(m);
  doelenboom::python::register_goal_tree(m);
  doelenboom::python::register_pipeline(m);
  doelenboom::python::register_sensitivity(m);
  doelenboom::python::register_compare(m);
  doelenboom::python::register_stats(m);
  doelenboom::python::register_signals(m);
  doelenboom::python::register_monitoring(m);
  doelenboom::python::register_partial(m);
}
