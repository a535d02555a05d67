#pragma once
// The exception hierarchy of doelenboom. Every error says where (file, line or row, field) and
// what (the value and what was expected); the Python module maps each class to a ValueError
// subclass with the same message.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace doelenboom {

/// Where a problem was found. Empty/zero members are unknown and left out of the message.
struct Location {
  std::string file;      ///< path of the file read, or empty for in-memory data
  std::size_t line = 0;  ///< 1-based line in a text file (0 = unknown)
  std::size_t row = 0;   ///< 1-based data row in a table, header excluded (0 = unknown)
  std::string field;     ///< column or key name

  /// "file:line", "file, row 3, column 'x'", ... or "" when nothing is known.
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] bool empty() const noexcept { return file.empty() && line == 0 && row == 0 && field.empty(); }
};

/// One problem: what kind, where, the ids involved and a full sentence.
struct Problem {
  std::string code;              ///< stable machine-readable family, e.g. "cycle", "unknown_key"
  Location where;                ///< where it was found
  std::vector<std::string> ids;  ///< node ids involved (may be empty)
  std::string message;           ///< full sentence, including the location prefix
};

/// Base of every doelenboom error.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  Error(const std::string& message, std::vector<Problem> problems)
      : std::runtime_error(message), problems_(std::move(problems)) {}
  /// All problems found when the error stands for several (validation collects them all).
  [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }

 private:
  std::vector<Problem> problems_;
};

/// A file could not be read or parsed: syntax, encoding, unknown or missing keys, bad values.
class ParseError : public Error {
 public:
  using Error::Error;
};

/// The goal graph breaks a structural rule: cycle, duplicate id, unknown id, unreachable node,
/// bad weight, indicator with children, level order.
class TreeError : public Error {
 public:
  using Error::Error;
};

/// Measurement data is wrong: unknown unit or indicator, value out of range, duplicates, ...
class DataError : public Error {
 public:
  using Error::Error;
};

/// A pipeline specification or run is wrong.
class PipelineError : public Error {
 public:
  using Error::Error;
};

/// Build a problem whose message is "<location>: <what>" (or just <what> without location).
Problem make_problem(std::string code, Location where, std::vector<std::string> ids, const std::string& what);

/// Join the messages of several problems into one text (one per line, with a count header when >1).
std::string join_problems(const std::vector<Problem>& problems);

/// Throw E carrying all problems; does nothing for an empty list.
template <class E>
void throw_if_problems(const std::vector<Problem>& problems) {
  if (!problems.empty()) throw E(join_problems(problems), problems);
}

}  // namespace doelenboom
