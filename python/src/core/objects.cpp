// Columns of Python objects and their factorisation (core/objects.hpp).

#include "core/objects.hpp"

#include <cmath>

namespace doelenboom::python {

std::optional<ObjectItems> object_items(const py::object& value) {
  ObjectItems out;
  if (py::isinstance<py::array>(value)) {
    auto a = py::reinterpret_borrow<py::array>(value);
    if (a.dtype().kind() != 'O' || a.ndim() != 1) return std::nullopt;
    if (!(a.flags() & py::array::c_style)) a = py::array::ensure(a, py::array::c_style);
    out.keep = a;
    out.items = static_cast<PyObject* const*>(a.data());
    out.size = static_cast<std::size_t>(a.size());
    out.from_numpy = true;
    return out;
  }
  if (py::isinstance<py::str>(value) || py::isinstance<py::tuple>(value) || !py::isinstance<py::sequence>(value)) {
    return std::nullopt;
  }
  out.keep = py::reinterpret_steal<py::object>(PySequence_Fast(value.ptr(), "expected a sequence"));
  if (!out.keep) throw py::error_already_set();
  out.items = PySequence_Fast_ITEMS(out.keep.ptr());
  out.size = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(out.keep.ptr()));
  return out;
}

bool pandas_missing(PyObject* item) {
  const auto modules = py::module_::import("sys").attr("modules").cast<py::dict>();
  if (!modules.contains("pandas")) return false;
  const py::object answer = modules["pandas"].attr("isna")(py::handle(item));
  return PyBool_Check(answer.ptr()) && answer.ptr() == Py_True;
}

bool none_or_nan(PyObject* item) {
  return item == Py_None || (PyFloat_Check(item) && std::isnan(PyFloat_AsDouble(item)));
}

bool Factorizer::add(PyObject* item, bool texts_only, bool ask_pandas) {
  if (item == last_ && last_ != nullptr) {
    codes.push_back(last_code_);
    return true;
  }
  std::int64_t code = -1;
  if (PyUnicode_Check(item)) {
    code = text_code(item);
  } else if (!none_or_nan(item)) {
    // Other objects are few and far between in a text column (a missing value, a wrong type);
    // each distinct one is looked at once.
    if (PyObject_Hash(item) == -1) {  // unhashable: a category of its own
      PyErr_Clear();
      if (texts_only) return false;
      code = static_cast<std::int64_t>(categories.size());
      categories.push_back(py::reinterpret_borrow<py::object>(item));
    } else {
      const auto key = py::reinterpret_borrow<py::object>(item);
      if (others_.contains(key)) {
        code = others_[key].cast<std::int64_t>();
      } else {
        const bool missing = ask_pandas && pandas_missing(item);
        if (!missing && texts_only) return false;
        code = missing ? -1 : static_cast<std::int64_t>(categories.size());
        if (!missing) categories.push_back(key);
        others_[key] = code;
      }
    }
  }
  last_ = item;
  last_code_ = code;
  codes.push_back(code);
  return true;
}

std::int64_t Factorizer::text_code(PyObject* item) {
  const Py_hash_t hash = PyObject_Hash(item);
  if (hash == -1) throw py::error_already_set();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t k = static_cast<std::size_t>(hash) & mask;; k = (k + 1) & mask) {
    Slot& s = slots_[k];
    if (s.object == nullptr) {
      s = Slot{item, hash, static_cast<std::int64_t>(categories.size())};
      categories.push_back(py::reinterpret_borrow<py::object>(item));
      if (2 * ++texts_ > slots_.size()) grow();
      return static_cast<std::int64_t>(categories.size()) - 1;
    }
    if (s.object == item) return s.code;
    if (s.hash == hash) {
      const int order = PyUnicode_Compare(s.object, item);
      if (order == -1 && PyErr_Occurred()) throw py::error_already_set();
      if (order == 0) return s.code;
    }
  }
}

void Factorizer::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.object == nullptr) continue;
    std::size_t k = static_cast<std::size_t>(s.hash) & mask;
    while (slots_[k].object != nullptr) k = (k + 1) & mask;
    slots_[k] = s;
  }
}

}  // namespace doelenboom::python
