// The C++ exception hierarchy as Python exceptions: Error (a ValueError) and its children, with
// the same message and the list of problems as the attribute `problems`.

#include <cstddef>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "doelenboom/error.hpp"

namespace doelenboom::python {

namespace {

struct ErrorTypes {
  py::object error;
  py::object parse;
  py::object tree;
  py::object data;
  py::object pipeline;
};

// Stored once per interpreter, safely with respect to the GIL (the pattern pybind11 itself uses).
PYBIND11_CONSTINIT py::gil_safe_call_once_and_store<ErrorTypes> error_types;

py::object new_exception(py::module_& m, const char* name, py::handle base, const char* doc) {
  std::string full_name = m.attr("__name__").cast<std::string>() + "." + name;
  // A class-level `problems = ()` so that instances raised from Python have the attribute too.
  py::dict namespace_;
  namespace_["problems"] = py::tuple();
  auto type = py::reinterpret_steal<py::object>(
      PyErr_NewExceptionWithDoc(full_name.c_str(), doc, base.ptr(), namespace_.ptr()));
  if (!type) throw py::error_already_set();
  m.attr(name) = type;
  return type;
}

// Create the Python exception instance, attach the problems and raise it.
void raise_with_problems(const py::object& type, const Error& error) {
  py::object instance = type(error.what());
  instance.attr("problems") = problems_to_list(error.problems());
  py::set_error(type, instance);
}

// A problem dict (as problem_to_dict gives it) back as a Problem; None is an unknown part.
Problem problem_from_dict(const py::handle& item) {
  const auto d = item.cast<py::dict>();
  const auto text = [&](const char* key) {
    return d.contains(key) && !d[key].is_none() ? d[key].cast<std::string>() : std::string();
  };
  const auto number = [&](const char* key) {
    return d.contains(key) && !d[key].is_none() ? d[key].cast<std::size_t>() : std::size_t{0};
  };
  Problem p;
  p.code = text("code");
  p.where = Location{text("file"), number("line"), number("row"), text("field")};
  if (d.contains("ids")) p.ids = d["ids"].cast<std::vector<std::string>>();
  p.message = text("message");
  return p;
}

// Problems found in Python, raised as the library raises its own: one error of the given class,
// its message by join_problems (so the limit policy holds there too).
[[noreturn]] void raise_problems(const py::handle& type, const py::iterable& items) {
  std::vector<Problem> problems;
  for (const auto& item : items) problems.push_back(problem_from_dict(item));
  const ErrorTypes& t = error_types.get_stored();
  const std::string message = join_problems(problems);
  if (type.is(t.parse)) throw ParseError(message, std::move(problems));
  if (type.is(t.tree)) throw TreeError(message, std::move(problems));
  if (type.is(t.data)) throw DataError(message, std::move(problems));
  if (type.is(t.pipeline)) throw PipelineError(message, std::move(problems));
  if (type.is(t.error)) throw Error(message, std::move(problems));
  throw py::type_error("raise_problems takes one of the classes Error, ParseError, TreeError, DataError, PipelineError");
}

}  // namespace

py::dict problem_to_dict(const Problem& problem) {
  py::dict d;
  const Location& w = problem.where;
  d["code"] = problem.code;
  d["file"] = w.file.empty() ? py::object(py::none()) : py::object(py::str(w.file));
  d["line"] = w.line == 0 ? py::object(py::none()) : py::object(py::int_(w.line));
  d["row"] = w.row == 0 ? py::object(py::none()) : py::object(py::int_(w.row));
  d["field"] = w.field.empty() ? py::object(py::none()) : py::object(py::str(w.field));
  py::list ids;
  for (const auto& id : problem.ids) ids.append(py::str(id));
  d["ids"] = ids;
  d["message"] = problem.message;
  return d;
}

py::list problems_to_list(const std::vector<Problem>& problems) {
  py::list out;
  for (const auto& p : problems) out.append(problem_to_dict(p));
  return out;
}

void register_errors(py::module_& m) {
  error_types.call_once_and_store_result([&]() {
    ErrorTypes t;
    t.error = new_exception(m, "Error", PyExc_ValueError,
                            "Base of every doelenboom error (a ValueError). `problems` lists what was found, "
                            "each a dict with code, file, line, row, field, ids and message.");
    t.parse = new_exception(m, "ParseError", t.error,
                            "A file or table could not be read: syntax, encoding, unknown or missing keys, bad values.");
    t.tree = new_exception(m, "TreeError", t.error,
                           "The goal graph breaks a structural rule: cycle, duplicate or unknown id, unreachable "
                           "node, bad weight, indicator with children, level order.");
    t.data = new_exception(m, "DataError", t.error,
                           "Measurement data is wrong: unknown unit or indicator, value out of range, duplicates.");
    t.pipeline = new_exception(m, "PipelineError", t.error, "A pipeline specification or run is wrong.");
    return t;
  });

  m.def("raise_problems", &raise_problems, py::arg("error"), py::arg("problems"),
        "Raise `error` (Error or one of its children) for problem dicts found in Python, with the "
        "message the library gives (at most 50 problems listed).");

  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    try {
      std::rethrow_exception(p);
    } catch (const ParseError& e) {
      raise_with_problems(error_types.get_stored().parse, e);
    } catch (const TreeError& e) {
      raise_with_problems(error_types.get_stored().tree, e);
    } catch (const DataError& e) {
      raise_with_problems(error_types.get_stored().data, e);
    } catch (const PipelineError& e) {
      raise_with_problems(error_types.get_stored().pipeline, e);
    } catch (const Error& e) {
      raise_with_problems(error_types.get_stored().error, e);
    }
  });
}

}  // namespace doelenboom::python
