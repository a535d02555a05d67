#pragma once
// A table given by column as its raw cells, the way a data frame holds it: each column is numbers
// or texts, the texts by dictionary code. The estimators' readers (read_registrations,
// read_responses, read_prepost) read it as they read a CSV file, with the same checks, codes and
// messages; rows are numbered from 1 and columns named as the table names them. Each distinct
// text of a column is read once. Not owning: the spans and texts must outlive the reader's call.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace doelenboom {

/// One column: numbers (`numeric`) or texts by code.
struct CellColumn {
  std::string name;                      ///< the column's name, as messages name it
  bool numeric = false;                  ///< numbers in `numbers`, else texts in `codes` and `texts`
  std::span<const double> numbers;       ///< a column of numbers: one per row, NaN = empty
  std::span<const std::int64_t> codes;   ///< a column of texts: per row an index into `texts`, -1 = empty
  std::vector<std::string_view> texts;   ///< the distinct texts; an empty text is an empty cell

  [[nodiscard]] std::size_t size() const noexcept { return numeric ? numbers.size() : codes.size(); }
};

/// The columns of a table, in its order, and the number of rows every column has.
struct CellTable {
  std::string source = "DataFrame";  ///< named in messages and in the estimates' source
  std::size_t rows = 0;
  std::vector<CellColumn> columns;
};

}  // namespace doelenboom
