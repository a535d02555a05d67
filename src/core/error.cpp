#include "doelenboom/error.hpp"

#include <utility>

namespace doelenboom {

std::string Location::to_string() const {
  std::string out = file;
  if (line > 0) out += (out.empty() ? "line " : ":") + std::to_string(line);
  if (row > 0) out += (out.empty() ? "row " : ", row ") + std::to_string(row);
  if (!field.empty()) out += (out.empty() ? "field '" : ", field '") + field + "'";
  return out;
}

Problem make_problem(std::string code, Location where, std::vector<std::string> ids, const std::string& what) {
  std::string prefix = where.to_string();
  std::string message = prefix.empty() ? what : prefix + ": " + what;
  return Problem{std::move(code), std::move(where), std::move(ids), std::move(message)};
}

std::string join_problems(const std::vector<Problem>& problems) {
  if (problems.size() == 1) return problems.front().message;
  std::string out = std::to_string(problems.size()) + " problems:";
  for (const auto& p : problems) out += "\n  " + p.message;
  return out;
}

}  // namespace doelenboom
