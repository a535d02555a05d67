#pragma once
// Internal helpers of the data readers and writers (units, indicators, data sets): RFC 4180 field
// quoting, numbers as people read them in spreadsheets and problems located at a table cell.

#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/error.hpp"

namespace doelenboom::detail {

/// A CSV field: quoted (with quotes doubled) when it holds a comma, quote, CR or LF, or starts
/// with a space (so that no reader trims it away), else as is.
[[nodiscard]] std::string csv_field(std::string_view text);

/// Shortest text that reads back as exactly `value`, in plain notation for 1e-5 <= |value| < 1e15
/// ("1000000", "0.0001", "0.30000000000000004") and scientific beyond ("1e-300"): people read
/// these files in spreadsheets.
[[nodiscard]] std::string format_number(double value);

/// A problem at a table cell whose message reads "<file>, row <r>, field '<f>': <what>": rows
/// are what users count in a spreadsheet, so the message leaves the line out, while the Location
/// keeps it (it differs from the row when quoted fields span lines).
[[nodiscard]] Problem cell_problem(std::string code, const Location& where, std::vector<std::string> ids,
                                   const std::string& what);

}  // namespace doelenboom::detail
