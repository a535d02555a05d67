#include "io/csv.hpp"

#include <csv.h>

#include <algorithm>
#include <utility>

#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "io/files.hpp"

namespace doelenboom::detail {

namespace {

// RFC 4180: spaces are part of a field, so libcsv must not trim them.
int never_space(unsigned char /*c*/) { return 0; }

bool is_blank_record(const std::vector<std::string>& fields) {
  return fields.empty() || (fields.size() == 1 && trim_ascii(fields.front()).empty());
}

// Receives libcsv's callbacks; records[0] is the header.
struct Builder {
  std::vector<std::string> fields;
  std::vector<std::vector<std::string>> records;
  std::vector<std::size_t> record_lines;
  bool in_record = false;
  std::size_t record_start_line = 0;
};

void on_field(void* text, std::size_t length, void* data) {
  auto& b = *static_cast<Builder*>(data);
  // libcsv passes a null buffer for an empty field before it has allocated one.
  b.fields.emplace_back(length == 0 ? std::string() : std::string(static_cast<const char*>(text), length));
}

void on_record(int /*terminator*/, void* data) {
  auto& b = *static_cast<Builder*>(data);
  if (!is_blank_record(b.fields)) {
    b.records.push_back(std::move(b.fields));
    b.record_lines.push_back(b.record_start_line);
  }
  b.fields.clear();
  b.in_record = false;
}

// RAII for the C parser state.
struct Parser {
  csv_parser state{};
  Parser() {
    if (csv_init(&state, CSV_STRICT | CSV_STRICT_FINI) != 0) throw Error("cannot initialise the CSV parser (out of memory)");
    csv_set_space_func(&state, &never_space);
  }
  ~Parser() { csv_free(&state); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

[[noreturn]] void fail(std::vector<Problem> problems) {
  std::string message = join_problems(problems);
  throw ParseError(message, std::move(problems));
}

}  // namespace

Location CsvTable::where(std::size_t row, std::string_view column) const {
  const std::size_t line = row < row_lines.size() ? row_lines[row] : 0;
  return Location{source, line, row + 1, std::string(column)};
}

CsvTable read_csv_string(std::string_view text, const std::string& source) {
  const std::size_t bom = text.starts_with(utf8_bom) ? utf8_bom.size() : 0;
  const std::string_view body = text.substr(bom);
  if (trim_ascii(body).empty()) {
    fail({make_problem("empty_file", Location{source, 0, 0, {}}, {},
                       "the file is empty (expected a header row with the column names)")});
  }

  Parser parser;
  Builder b;
  std::size_t pos = 0;
  std::size_t line = 1;
  // Feed libcsv one physical line at a time so that every record knows the line it starts on
  // and every error knows its line; a record may span lines inside a quoted field.
  while (pos < body.size()) {
    std::size_t end = body.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) {
      end = body.size();
    } else {
      end += (body[end] == '\r' && end + 1 < body.size() && body[end + 1] == '\n') ? 2U : 1U;
    }
    const std::string_view chunk = body.substr(pos, end - pos);
    // The data row this line belongs to (0 while still in the header).
    const std::size_t row = b.records.size();

    // Line ends are ASCII, so checking line by line finds exactly the first bad byte.
    if (const auto bad = find_invalid_utf8(chunk); bad != std::string_view::npos) {
      fail({invalid_utf8_problem(Location{source, line, row, {}}, bom + pos + bad,
                                 static_cast<unsigned char>(chunk[bad]))});
    }
    if (!b.in_record && !trim_ascii(chunk).empty()) {
      b.in_record = true;
      b.record_start_line = line;
    }
    // libcsv grows its field buffer by blk_size bytes at a time (128 by default): a 50 MB field
    // would be 400,000 reallocations, quadratic where realloc copies (AddressSanitizer, other
    // allocators). Growing by the line's length makes it one per line.
    csv_set_blk_size(&parser.state, std::max<std::size_t>(128, chunk.size()));
    const std::size_t used = csv_parse(&parser.state, chunk.data(), chunk.size(), &on_field, &on_record, &b);
    if (used != chunk.size()) {
      const int err = csv_error(&parser.state);
      std::string what = err == CSV_EPARSE
                             ? "malformed quoted field at byte offset " + std::to_string(bom + pos + used) +
                                   ": after the closing quote a comma or line end must follow; a quote inside a "
                                   "quoted field is written twice (\"\")"
                             : std::string("cannot parse CSV: ") + csv_strerror(err);
      fail({make_problem("csv_syntax", Location{source, line, row, {}}, {}, what)});
    }
    ++line;
    pos = end;
  }
  if (csv_fini(&parser.state, &on_field, &on_record, &b) != 0) {
    const int err = csv_error(&parser.state);
    std::string what = err == CSV_EPARSE ? "unterminated quoted field: the file ends inside quotes (the row starts on line " +
                                               std::to_string(b.record_start_line) + ")"
                                         : std::string("cannot parse CSV: ") + csv_strerror(err);
    fail({make_problem("csv_syntax", Location{source, b.record_start_line, b.records.size(), {}}, {}, what)});
  }
  if (b.records.empty()) {
    fail({make_problem("empty_file", Location{source, 0, 0, {}}, {},
                       "the file is empty (expected a header row with the column names)")});
  }

  CsvTable table;
  table.source = source;
  table.header_line = b.record_lines.front();
  std::vector<Problem> problems;
  for (std::size_t c = 0; c < b.records.front().size(); ++c) {
    std::string name(trim_ascii(b.records.front()[c]));
    const Location at{source, table.header_line, 0, {}};
    if (name.empty()) {
      problems.push_back(make_problem("bad_header", at, {},
                                      "column " + std::to_string(c + 1) + " of the header has no name"));
    } else if (const auto it = std::find(table.header.begin(), table.header.end(), name); it != table.header.end()) {
      problems.push_back(make_problem("bad_header", at, {},
                                      "column name " + squote(name) + " appears twice in the header (columns " +
                                          std::to_string(it - table.header.begin() + 1) + " and " +
                                          std::to_string(c + 1) + ")"));
    }
    table.header.push_back(std::move(name));
  }

  const std::size_t expected = table.header.size();
  ProblemSink ragged{problems, source};  // a file of a million short rows gives a short message
  table.rows.reserve(b.records.size() - 1);
  table.row_lines.reserve(b.records.size() - 1);
  for (std::size_t r = 1; r < b.records.size(); ++r) {
    const std::size_t got = b.records[r].size();
    if (got != expected) {
      ragged.add(make_problem("ragged_row", Location{source, b.record_lines[r], r, {}}, {},
                              "the row has " + std::to_string(got) + (got == 1 ? " field" : " fields") + ", expected " +
                                  std::to_string(expected) + " (as many as the header)"));
    }
    table.rows.push_back(std::move(b.records[r]));
    table.row_lines.push_back(b.record_lines[r]);
  }
  ragged.finish();
  if (!problems.empty()) fail(std::move(problems));
  return table;
}

CsvTable read_csv_file(const std::filesystem::path& path) {
  return read_csv_string(read_file_bytes(path), path.string());
}

std::optional<std::size_t> find_column(const CsvTable& table, std::string_view name) noexcept {
  const auto it = std::find(table.header.begin(), table.header.end(), name);
  if (it == table.header.end()) return std::nullopt;
  return static_cast<std::size_t>(it - table.header.begin());
}

Problem missing_column_problem(const CsvTable& table, std::string_view name) {
  return make_problem("missing_column", Location{table.source, 0, 0, {}}, {},
                      "missing required column " + squote(name) + " (columns are: " + join_words(table.header) + ")");
}

std::size_t column_index(const CsvTable& table, std::string_view name) {
  if (const auto index = find_column(table, name)) return *index;
  fail({missing_column_problem(table, name)});
}

}  // namespace doelenboom::detail
