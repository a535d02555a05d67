// The columns of a data set's table and the rules of its cells (dataset_fields.hpp).

#include "data/dataset_fields.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "data/dataset_internal.hpp"

namespace doelenboom::detail {

namespace {

Problem header_problem(std::string code, const Location& where, bool name_field, std::string_view name,
                       const std::string& what) {
  Problem p = make_problem(std::move(code), where, {}, what);
  if (name_field) p.where.field = std::string(name);  // named, not worded: the message reads "<table>: ..."
  return p;
}

// What a number of each number field must be, for "... is not a number (expected X)".
const char* number_expectation(Field f) {
  switch (f) {
    case Field::n: return "a base n of 0 or more";
    case Field::se: return "a standard error";
    case Field::ci_low:
    case Field::ci_high: return "an interval bound";
    default: return "a decimal number with '.' as the decimal point";
  }
}

}  // namespace

bool find_fields(const std::vector<std::string>& names, const Location& header, bool name_field, FieldColumns& out,
                 std::vector<Problem>& problems) {
  for (std::size_t k = 0; k < names.size(); ++k) {
    const auto known = std::find(field_names.begin(), field_names.end(), names[k]);
    if (known != field_names.end()) {
      auto& slot = out.column[static_cast<std::size_t>(known - field_names.begin())];
      if (!slot) slot = k;
      continue;
    }
    problems.push_back(header_problem("unknown_column", header, name_field, names[k],
                                      "unknown column " + squote(names[k]) + " (expected one of: " +
                                          join_words(field_names) + ")"));
  }
  bool complete = true;
  for (std::size_t f = 0; f < required_field_count; ++f) {
    if (out.column[f]) continue;
    problems.push_back(header_problem("missing_column", Location{header.file, 0, 0, {}}, name_field, field_names[f],
                                      "missing required column " + squote(field_names[f]) + " (columns are: " +
                                          join_words(names) + ")"));
    complete = false;
  }
  return complete;
}

CellValue<double> number_cell(std::string_view text, Field field) {
  text = trim_ascii(text);
  if (text.empty()) return {std::numeric_limits<double>::quiet_NaN(), {}, {}};
  if (const auto v = parse_finite_double(text)) return {v, {}, {}};
  std::string hint;
  if (text.find(',') != std::string_view::npos) hint = "; use '.' as the decimal point, not ','";
  if (text.ends_with('%')) hint = "; write a share as a number between 0 and 1, without '%'";
  return {std::nullopt, "bad_number",
          squote(text) + " is not a number (expected " + number_expectation(field) + hint + ")"};
}

CellValue<bool> flag_cell(std::string_view text) {
  text = trim_ascii(text);
  const auto word = ascii_lower(text);
  if (word.empty() || word == "0" || word == "false") return {false, {}, {}};
  if (word == "1" || word == "true") return {true, {}, {}};
  return {std::nullopt, "bad_value",
          squote(text) + " is not a suppression flag (expected 1 or 0, true or false, or an empty cell)"};
}

CellValue<Period> period_cell(std::string_view text) {
  text = trim_ascii(text);
  if (const auto p = Period::parse(text)) return {p, {}, {}};
  if (text.empty()) return {std::nullopt, "missing_value", "the period is empty (" + std::string(period_expectation()) + ")"};
  return {std::nullopt, "bad_period", squote(text) + " is not a period (" + period_expectation() + ")"};
}

}  // namespace doelenboom::detail
