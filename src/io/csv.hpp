#pragma once
// Internal RFC 4180 CSV reader (built on libcsv): a UTF-8 table with a header row, every row
// with as many fields as the header. Used for tree edge lists and measurement data. Fields are
// kept verbatim (no trimming, no type conversion); callers decide what a cell means.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/error.hpp"

namespace doelenboom::detail {

struct CsvTable {
  std::string source;                         ///< file name for messages
  std::vector<std::string> header;            ///< column names (trimmed, unique, non-empty)
  std::vector<std::vector<std::string>> rows;  ///< data rows, each of header.size() fields
  std::vector<std::size_t> row_lines;         ///< 1-based line on which each data row starts
  std::size_t header_line = 1;                ///< 1-based line of the header row

  /// Location of a cell for messages: rows are 0-based here and 1-based in the Location.
  [[nodiscard]] Location where(std::size_t row, std::string_view column = {}) const;
};

/// Parse CSV text. Throws ParseError listing the problems: empty input, invalid UTF-8 (line,
/// row and byte offset), a malformed or unterminated quoted field, empty or duplicate column
/// names, rows with the wrong number of fields. A UTF-8 byte order mark is skipped; lines that
/// are empty or hold only spaces are skipped; CRLF, LF and CR line ends are accepted.
[[nodiscard]] CsvTable read_csv_string(std::string_view text, const std::string& source = "<string>");

/// Read and parse a CSV file; also throws ParseError naming the path when it cannot be read.
[[nodiscard]] CsvTable read_csv_file(const std::filesystem::path& path);

/// Index of a column, or std::nullopt.
[[nodiscard]] std::optional<std::size_t> find_column(const CsvTable& table, std::string_view name) noexcept;

/// The problem "file: missing required column 'x' (columns are: a, b, c)".
[[nodiscard]] Problem missing_column_problem(const CsvTable& table, std::string_view name);

/// Index of a column; throws ParseError (see missing_column_problem) when there is none.
[[nodiscard]] std::size_t column_index(const CsvTable& table, std::string_view name);

}  // namespace doelenboom::detail
