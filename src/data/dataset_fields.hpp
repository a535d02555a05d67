#pragma once
// The columns of a data set's table and the rules of its cells, one for every way a table comes
// in (a CSV file, dataset.cpp; a table given by column, dataset_table.cpp): which column names are
// known and required, and how a number, a suppression flag and a period are read from a cell's
// text. Each rule words its problem the same way for every input.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/error.hpp"
#include "doelenboom/period.hpp"

namespace doelenboom::detail {

/// The fields of a data set, in the order of write_csv; the first four are required.
enum class Field : std::uint8_t { unit, period, indicator, value, n, se, ci_low, ci_high, suppressed, source, method };
inline constexpr std::size_t field_count = 11;
inline constexpr std::size_t required_field_count = 4;
inline constexpr std::array<std::string_view, field_count> field_names{
    "unit", "period", "indicator", "value", "n", "se", "ci_low", "ci_high", "suppressed", "source", "method"};
/// The number fields, in the order their cells are read.
inline constexpr std::array<Field, 5> number_fields{Field::value, Field::n, Field::se, Field::ci_low, Field::ci_high};

[[nodiscard]] constexpr std::string_view name_of(Field f) { return field_names[static_cast<std::size_t>(f)]; }

/// The column of each field among a table's columns; std::nullopt when the table lacks it.
struct FieldColumns {
  std::array<std::optional<std::size_t>, field_count> column{};
  [[nodiscard]] const std::optional<std::size_t>& operator[](Field f) const { return column[static_cast<std::size_t>(f)]; }
};

/// The column of each field among `names`. An unknown name and a missing required column are
/// problems at `header` (a file's header line); `name_field` also names the column as the
/// problem's field (a table given by column, which has no line to point at). False when a
/// required column is missing.
bool find_fields(const std::vector<std::string>& names, const Location& header, bool name_field, FieldColumns& out,
                 std::vector<Problem>& problems);

/// What a rule made of a cell: `value`, or std::nullopt with the problem's code and text.
template <class T>
struct CellValue {
  std::optional<T> value;
  std::string code;
  std::string what;
};

/// A number of `field` (a number field): NaN for an empty cell; a text that is not a number is a
/// problem naming what was expected, with a hint for a decimal comma or a percent sign.
[[nodiscard]] CellValue<double> number_cell(std::string_view text, Field field);
/// The suppression flag: 1 or 0, true or false (in any case), false for an empty cell.
[[nodiscard]] CellValue<bool> flag_cell(std::string_view text);
/// The period: an empty cell is the problem "missing_value", another text that is no period "bad_period".
[[nodiscard]] CellValue<Period> period_cell(std::string_view text);

}  // namespace doelenboom::detail
