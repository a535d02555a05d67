// CSV fields, spreadsheet numbers and cell problems (io/data_io.hpp).

#include "io/data_io.hpp"

#include <charconv>
#include <cmath>
#include <system_error>
#include <utility>
#include <vector>

namespace doelenboom::detail {

std::string csv_field(std::string_view text) {
  const bool needs_quotes = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!needs_quotes) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string format_number(double value) {
  char buffer[512];  // the longest plain number below 1e15 with 17 significant digits is short
  const double magnitude = std::fabs(value);
  const bool plain = value == 0.0 || (magnitude >= 1e-5 && magnitude < 1e15);
  const auto [ptr, ec] = plain ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
                               : std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc{}) return std::to_string(value);  // cannot happen with this buffer
  return std::string(buffer, ptr);
}

Problem cell_problem(std::string code, const Location& where, std::vector<std::string> ids, const std::string& what) {
  Location shown = where;
  shown.line = 0;
  Problem p = make_problem(std::move(code), std::move(shown), std::move(ids), what);
  p.where.line = where.line;
  return p;
}

}  // namespace doelenboom::detail
