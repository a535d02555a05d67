// The internal CSV reader (src/io/csv.hpp) and the UTF-8/number helpers (src/core/text.hpp).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "io/csv.hpp"
#include "doelenboom/error.hpp"
#include "core/text.hpp"

namespace {

using doelenboom::ParseError;
using doelenboom::detail::column_index;
using doelenboom::detail::CsvTable;
using doelenboom::detail::read_csv_file;
using doelenboom::detail::read_csv_string;

// The message of the ParseError thrown by `f`, or a failure when none is thrown.
template <class F>
std::string parse_error_message(F&& f) {
  try {
    f();
  } catch (const ParseError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ParseError";
  return {};
}

TEST(CsvReader, ReadsHeaderRowsAndLines) {
  const CsvTable t = read_csv_string("a,b,c\n1,2,3\n4,5,6\n", "t.csv");
  EXPECT_EQ(t.source, "t.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(t.rows.size(), 2U);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"4", "5", "6"}));
  EXPECT_EQ(t.header_line, 1U);
  EXPECT_EQ(t.row_lines, (std::vector<std::size_t>{2, 3}));
  const auto where = t.where(1, "b");
  EXPECT_EQ(where.to_string(), "t.csv:3, row 2, field 'b'");
}

TEST(CsvReader, QuotedFieldsKeepCommasNewlinesAndDoubledQuotes) {
  const CsvTable t = read_csv_string(
      "name,text\n"
      "\"Cliënt, ë\",\"line one\nline two\"\n"
      "\"he said \"\"hi\"\"\",\"\"\n"
      "plain,last\n",
      "q.csv");
  ASSERT_EQ(t.rows.size(), 3U);
  EXPECT_EQ(t.rows[0][0], "Cliënt, ë");
  EXPECT_EQ(t.rows[0][1], "line one\nline two");
  EXPECT_EQ(t.rows[1][0], "he said \"hi\"");
  EXPECT_EQ(t.rows[1][1], "");
  EXPECT_EQ(t.rows[2][1], "last");
  // The second record spans lines 2-3, so the third starts on line 4.
  EXPECT_EQ(t.row_lines, (std::vector<std::size_t>{2, 4, 5}));
}

TEST(CsvReader, StripsBomAcceptsCrlfAndSkipsBlankLines) {
  const CsvTable t = read_csv_string("\xEF\xBB\xBF" "id,value\r\n\r\nx,1\r\n   \r\ny,2", "bom.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"id", "value"}));
  ASSERT_EQ(t.rows.size(), 2U);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"x", "1"}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"y", "2"}));  // no final line end
  EXPECT_EQ(t.row_lines, (std::vector<std::size_t>{3, 5}));
}

TEST(CsvReader, KeepsSpacesInFieldsButTrimsHeaderNames) {
  const CsvTable t = read_csv_string(" id , value\n a , b \n", "s.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"id", "value"}));
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{" a ", " b "}));
}

TEST(CsvReader, EmptyFileIsAnError) {
  for (const std::string text : {"", "\xEF\xBB\xBF", "\n\n  \r\n"}) {
    const auto message = parse_error_message([&] { (void)read_csv_string(text, "empty.csv"); });
    EXPECT_NE(message.find("empty.csv"), std::string::npos) << message;
    EXPECT_NE(message.find("the file is empty"), std::string::npos) << message;
  }
}

TEST(CsvReader, HeaderOnlyGivesNoRows) {
  const CsvTable t = read_csv_string("a,b\n", "h.csv");
  EXPECT_EQ(t.header.size(), 2U);
  EXPECT_TRUE(t.rows.empty());
}

TEST(CsvReader, MissingFileNamesThePath) {
  const auto path = std::filesystem::temp_directory_path() / "doelenboom-no-such-file.csv";
  const auto message = parse_error_message([&] { (void)read_csv_file(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("cannot open file"), std::string::npos) << message;
}

TEST(CsvReader, InvalidUtf8NamesFileLineRowAndByteOffset) {
  // "a,b\n" and "x,y\n" are 4 bytes each, "z,caf" 5 more: the Latin-1 e-acute is at offset 13.
  const auto message = parse_error_message([] { (void)read_csv_string("a,b\nx,y\nz,caf\xE9\n", "latin1.csv"); });
  EXPECT_NE(message.find("latin1.csv:3, row 2"), std::string::npos) << message;
  EXPECT_NE(message.find("byte offset 13"), std::string::npos) << message;
  EXPECT_NE(message.find("0xE9"), std::string::npos) << message;
  // The offset counts the byte order mark too; the header row has row 0 (not printed).
  const auto in_header = parse_error_message([] { (void)read_csv_string("\xEF\xBB\xBF" "a,\xFF\n", "h.csv"); });
  EXPECT_NE(in_header.find("h.csv:1: invalid UTF-8 at byte offset 5"), std::string::npos) << in_header;
}

TEST(CsvReader, RaggedRowsAreAllReported) {
  try {
    (void)read_csv_string("a,b,c\n1,2,3\n1,2\n1,2,3\n1,2,3,4\n", "ragged.csv");
    FAIL() << "expected a ParseError";
  } catch (const ParseError& e) {
    ASSERT_EQ(e.problems().size(), 2U);
    EXPECT_EQ(e.problems()[0].message, "ragged.csv:3, row 2: the row has 2 fields, expected 3 (as many as the header)");
    EXPECT_EQ(e.problems()[1].message, "ragged.csv:5, row 4: the row has 4 fields, expected 3 (as many as the header)");
    EXPECT_EQ(e.problems()[0].code, "ragged_row");
  }
}

TEST(CsvReader, BadHeaderNames) {
  const auto dup = parse_error_message([] { (void)read_csv_string("id,name,id\n1,2,3\n", "dup.csv"); });
  EXPECT_NE(dup.find("dup.csv:1: column name 'id' appears twice in the header (columns 1 and 3)"), std::string::npos) << dup;
  const auto empty = parse_error_message([] { (void)read_csv_string("id,,x\n1,2,3\n", "e.csv"); });
  EXPECT_NE(empty.find("e.csv:1: column 2 of the header has no name"), std::string::npos) << empty;
}

TEST(CsvReader, MalformedAndUnterminatedQuotes) {
  const auto malformed = parse_error_message([] { (void)read_csv_string("a,b\n\"x\"y,z\n", "m.csv"); });
  EXPECT_NE(malformed.find("m.csv:2, row 1: malformed quoted field"), std::string::npos) << malformed;
  const auto open = parse_error_message([] { (void)read_csv_string("a,b\n1,2\n\"x,y\nz\n", "u.csv"); });
  EXPECT_NE(open.find("u.csv:3, row 2: unterminated quoted field"), std::string::npos) << open;
}

TEST(CsvReader, ColumnIndexAndMissingColumn) {
  const CsvTable t = read_csv_string("a,b,c\n1,2,3\n", "cols.csv");
  EXPECT_EQ(column_index(t, "c"), 2U);
  EXPECT_EQ(doelenboom::detail::find_column(t, "x"), std::nullopt);
  const auto message = parse_error_message([&] { (void)column_index(t, "x"); });
  EXPECT_EQ(message, "cols.csv: missing required column 'x' (columns are: a, b, c)");
}

TEST(CsvReader, ReadsAFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("doelenboom-test-csv-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "file.csv";
  std::ofstream(path, std::ios::binary) << "x,y\n\"1\",2\n";
  const CsvTable t = read_csv_file(path);
  EXPECT_EQ(t.source, path.string());
  EXPECT_EQ(t.rows.at(0), (std::vector<std::string>{"1", "2"}));
  std::filesystem::remove_all(dir);
}

TEST(Utf8, FindsTheFirstInvalidByte) {
  using doelenboom::detail::find_invalid_utf8;
  constexpr auto npos = std::string_view::npos;
  EXPECT_EQ(find_invalid_utf8("plain ASCII"), npos);
  EXPECT_EQ(find_invalid_utf8("Cliënt € \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"), npos);  // up to U+10FFFF
  EXPECT_EQ(find_invalid_utf8("ab\xC0\xAF"), 2U);                                   // overlong '/'
  EXPECT_EQ(find_invalid_utf8("a\xED\xA0\x80"), 1U);                                // surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0U);                             // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("ok\xE2\x82"), 2U);                                   // truncated
  EXPECT_EQ(find_invalid_utf8("x\x80"), 1U);                                        // stray continuation
  EXPECT_EQ(find_invalid_utf8("caf\xE9!"), 3U);                                     // Latin-1
}

TEST(Numbers, ParseAndFormatRoundTrip) {
  using doelenboom::detail::format_double;
  using doelenboom::detail::parse_finite_double;
  EXPECT_EQ(parse_finite_double("2.5"), 2.5);
  EXPECT_EQ(parse_finite_double("+1"), 1.0);
  EXPECT_EQ(parse_finite_double("-1"), -1.0);
  EXPECT_EQ(parse_finite_double("1e-3"), 1e-3);
  EXPECT_EQ(parse_finite_double("abc"), std::nullopt);
  EXPECT_EQ(parse_finite_double("1,5"), std::nullopt);
  EXPECT_EQ(parse_finite_double("+-1"), std::nullopt);
  EXPECT_EQ(parse_finite_double("inf"), std::nullopt);
  EXPECT_EQ(parse_finite_double("nan"), std::nullopt);
  EXPECT_EQ(parse_finite_double(""), std::nullopt);
  EXPECT_EQ(format_double(0.1), "0.1");
  EXPECT_EQ(format_double(3.0), "3");
  for (const double v : {0.1 + 0.2, 1.0 / 3.0, 9.999999999999998, 5e-324, 1.7976931348623157e308}) {
    EXPECT_EQ(parse_finite_double(format_double(v)), v) << format_double(v);
  }
}

}  // namespace
