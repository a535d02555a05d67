// Diagnostics (core/diagnostics.hpp): locations, problems and their messages under the limit
// policy, quoting and numbers for messages. Also the message functions of doelenboom/error.hpp.

#include "core/diagnostics.hpp"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <utility>

namespace doelenboom {

std::string Location::to_string() const {
  std::string out = file;
  if (line > 0) out += (out.empty() ? "line " : ":") + std::to_string(line);
  if (row > 0) out += (out.empty() ? "row " : ", row ") + std::to_string(row);
  if (!field.empty()) out += (out.empty() ? "field " : ", field ") + squote(field);
  return out;
}

Problem make_problem(std::string code, Location where, std::vector<std::string> ids, const std::string& what) {
  std::string prefix = where.to_string();
  std::string message = prefix.empty() ? what : prefix + ": " + what;
  return Problem{std::move(code), std::move(where), std::move(ids), std::move(message)};
}

std::string join_problems(const std::vector<Problem>& problems, std::string_view more_hint) {
  if (problems.size() == 1) return problems.front().message;
  std::string out = std::to_string(problems.size()) + " problems:";
  const std::size_t listed = std::min(problems.size(), detail::max_listed_problems);
  for (std::size_t i = 0; i < listed; ++i) out += "\n  " + problems[i].message;
  if (listed < problems.size()) {
    out += "\n  ... and " + std::to_string(problems.size() - listed) + " more";
    if (!more_hint.empty()) out += " (" + std::string(more_hint) + ")";
  }
  return out;
}

std::string squote(std::string_view text) {
  if (text.size() <= detail::max_quoted_bytes) return "'" + std::string(text) + "'";
  std::size_t cut = detail::max_quoted_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;  // not inside a character
  return "'" + std::string(text.substr(0, cut)) + "...' (" + std::to_string(text.size()) + " bytes)";
}

namespace detail {

std::string brief(double value) {
  std::ostringstream out;
  out << std::setprecision(6) << value;
  return out.str();
}

void ProblemSink::add(Problem p) {
  if (++per_code[p.code] > max_listed_problems) {
    ++dropped[p.code];
    return;
  }
  out.push_back(std::move(p));
}

void ProblemSink::finish() {
  std::vector<std::pair<std::string, std::size_t>> rest(dropped.begin(), dropped.end());
  std::sort(rest.begin(), rest.end());  // deterministic order
  for (const auto& [code, count] : rest) {
    out.push_back(make_problem(code, Location{source, 0, 0, {}}, {},
                               context + "... and " + std::to_string(count) + " more problems of kind " + squote(code)));
  }
  dropped.clear();
}

}  // namespace detail

}  // namespace doelenboom
