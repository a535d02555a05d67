// The structure of a table given by column (io/cell_table.hpp).

#include "io/cell_table.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "core/diagnostics.hpp"

namespace doelenboom::detail {

bool check_cell_table(const CellTable& table, std::vector<Problem>& out) {
  bool ok = true;
  const auto& columns = table.columns;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const CellColumn& c = columns[i];
    const Location header{table.source, 0, 0, c.name};
    const auto same_name = [&](const CellColumn& other) { return other.name == c.name; };
    if (const auto first = std::find_if(columns.begin(), columns.begin() + static_cast<std::ptrdiff_t>(i), same_name);
        first != columns.begin() + static_cast<std::ptrdiff_t>(i)) {
      out.push_back(make_problem("bad_header", header, {},
                                 "column name " + squote(c.name) + " appears twice (columns " +
                                     std::to_string(first - columns.begin() + 1) + " and " + std::to_string(i + 1) + ")"));
      ok = false;
    }
    if (c.size() != table.rows) {
      out.push_back(make_problem("bad_length", header, {},
                                 "column " + squote(c.name) + " has " + std::to_string(c.size()) + " values (expected " +
                                     std::to_string(table.rows) + ", one per row)"));
      ok = false;
      continue;
    }
    if (c.numeric) continue;
    const auto size = static_cast<std::int64_t>(c.texts.size());
    const auto bad = std::find_if(c.codes.begin(), c.codes.end(), [&](std::int64_t k) { return k < -1 || k >= size; });
    if (bad != c.codes.end()) {
      out.push_back(make_problem("bad_code", Location{table.source, 0, static_cast<std::size_t>(bad - c.codes.begin()) + 1, c.name},
                                 {},
                                 "code " + std::to_string(*bad) + " is out of range (expected -1 for an empty cell or 0.." +
                                     std::to_string(size - 1) + ")"));
      ok = false;
    }
  }
  return ok;
}

}  // namespace doelenboom::detail
