#pragma once
// Settings given as Python data (dicts, as the settings' to_dict gives them) for the library's
// readers of settings (PipelineSpec::from_settings, SignalRules::from_settings): as JSON text,
// which is YAML, so that dicts and files are read and worded by one schema reader each.

#include <string>

#include <pybind11/pybind11.h>

#include "bindings.hpp"

namespace doelenboom::python {

/// `settings` as JSON text (UTF-8, not ASCII-escaped). Numbers of other types (numpy scalars) go
/// as numbers; other objects the JSON writer cannot write go as their repr, which the reader then
/// reports as a value it cannot use.
std::string settings_text(const py::handle& settings);

}  // namespace doelenboom::python
