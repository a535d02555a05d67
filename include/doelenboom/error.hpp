#pragma once
// The exception hierarchy of doelenboom. Every error says where (file, line or row, field) and
// what (the value and what was expected); the Python module maps each class to a ValueError
// subclass with the same message.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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

/// The message of an error standing for `problems`: the one message, or "N problems:" and one per
/// line. At most 50 are listed, then "... and M more" with `more_hint` in parentheses when given
/// (where to find them all); the error's problems() keeps them all.
std::string join_problems(const std::vector<Problem>& problems, std::string_view more_hint = {});

/// `text` in single quotes, for messages. A text longer than 200 bytes is cut (at a character
/// boundary) and its length given: 'aaaa...' (52428800 bytes), so that a hostile 50 MB cell does
/// not make a 50 MB message.
[[nodiscard]] std::string squote(std::string_view text);

/// Throw E carrying all problems; does nothing for an empty list.
template <class E>
void throw_if_problems(const std::vector<Problem>& problems) {
  if (!problems.empty()) throw E(join_problems(problems), problems);
}

/// Throw E for one problem: code, where and what as in make_problem.
template <class E>
[[noreturn]] void throw_problem(std::string code, Location where, const std::string& what) {
  std::vector<Problem> problems{make_problem(std::move(code), std::move(where), {}, what)};
  std::string message = problems.front().message;
  throw E(message, std::move(problems));
}

}  // namespace doelenboom
