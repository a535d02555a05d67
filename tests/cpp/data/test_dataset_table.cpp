// Dataset::from_table: a table given by column reads as a CSV file does (the same columns, cell
// rules and messages), numbers as numbers or as texts, ids as texts.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/cell_table.hpp"
#include "doelenboom/dataset.hpp"

namespace db = doelenboom;

namespace {

// A column of texts, one code per row (-1 = empty).
db::CellColumn texts(std::string name, const std::vector<std::string_view>& dictionary,
                     const std::vector<std::int64_t>& codes) {
  db::CellColumn c;
  c.name = std::move(name);
  c.codes = codes;
  c.texts = dictionary;
  return c;
}

// The spans point into `values`, which must outlive the table.
db::CellColumn numbers(std::string name, const std::vector<double>& values) {
  db::CellColumn c;
  c.name = std::move(name);
  c.numeric = true;
  c.numbers = values;
  return c;
}

template <class E>
E error_of(const db::CellTable& table) {
  try {
    (void)db::Dataset::from_table(table);
  } catch (const E& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return E("");
}

const std::vector<std::string_view> unit_texts{"GM1740", "GM0301"};
const std::vector<std::int64_t> unit_codes{0, 1, 0};
const std::vector<std::string_view> period_texts{"2023"};
const std::vector<std::int64_t> period_codes{0, 0, -1};
const std::vector<std::string_view> indicator_texts{"p"};
const std::vector<std::int64_t> indicator_codes{0, 0, 0};
const std::vector<double> years{2022, 2023, 2024};

db::CellTable keys(std::size_t rows) {
  db::CellTable t;
  t.rows = rows;
  t.columns.push_back(texts("unit", unit_texts, unit_codes));
  t.columns.push_back(numbers("period", years));
  t.columns.push_back(texts("indicator", indicator_texts, indicator_codes));
  return t;
}

}  // namespace

TEST(DatasetTable, ReadsNumbersAsNumbersOrTexts) {
  const std::vector<double> values{0.5, 0.25, std::nan("")};
  const std::vector<std::string_view> n_texts{"40", " 12 "};
  const std::vector<std::int64_t> n_codes{0, 1, 0};
  const std::vector<std::string_view> flag_texts{"TRUE", "0"};
  const std::vector<std::int64_t> flag_codes{1, -1, 0};
  db::CellTable t = keys(3);
  t.columns.push_back(numbers("value", values));
  t.columns.push_back(texts("n", n_texts, n_codes));
  t.columns.push_back(texts("suppressed", flag_texts, flag_codes));
  const auto d = db::Dataset::from_table(t);
  ASSERT_EQ(d.size(), 3U);
  EXPECT_EQ(d.periods().front().to_string(), "2022");
  EXPECT_EQ(d.n()[1], 12.0);
  EXPECT_EQ(d.suppressed(), (std::vector<std::uint8_t>{0, 0, 1}));
}

TEST(DatasetTable, ColumnNamesAsTheCsvReaderWordsThem) {
  const std::vector<double> three{1, 2, 3};
  db::CellTable t = keys(3);
  t.columns.push_back(numbers("N", three));
  const auto e = error_of<db::ParseError>(t);
  EXPECT_EQ(std::string(e.what()),
            "2 problems:\n  DataFrame: unknown column 'N' (expected one of: unit, period, indicator, value, n, se, ci_low, "
            "ci_high, suppressed, source, method)\n  DataFrame: missing required column 'value' (columns are: unit, "
            "period, indicator, N)");
  EXPECT_EQ(e.problems()[1].code, "missing_column");
  EXPECT_EQ(e.problems()[1].where.field, "value");
}

TEST(DatasetTable, CellsThatDoNotReadAreListedWithTheChecksOfTheOtherRows) {
  const std::vector<std::string_view> value_texts{"7,4", "-1", "0.5"};
  const std::vector<std::int64_t> value_codes{0, 2, 2};
  const std::vector<std::string_view> flag_texts{"ja"};
  const std::vector<std::int64_t> flag_codes{-1, -1, 0};
  const std::vector<double> n{10, -5, 10};
  db::CellTable t = keys(3);
  t.columns[1] = texts("period", period_texts, period_codes);
  t.columns.push_back(texts("value", value_texts, value_codes));
  t.columns.push_back(numbers("n", n));
  t.columns.push_back(texts("suppressed", flag_texts, flag_codes));
  const auto e = error_of<db::ParseError>(t);
  EXPECT_EQ(std::string(e.what()),
            "4 problems:\n"
            "  DataFrame, row 1, field 'value': '7,4' is not a number (expected a decimal number with '.' as the "
            "decimal point; use '.' as the decimal point, not ',')\n"
            "  DataFrame, row 2, field 'n': -5 is negative (expected a base n of 0 or more)\n"
            "  DataFrame, row 3, field 'period': the period is empty (expected a year '2023', a quarter '2023-Q2' or a "
            "month '2023-05')\n"
            "  DataFrame, row 3, field 'suppressed': 'ja' is not a suppression flag (expected 1 or 0, true or false, or "
            "an empty cell)");
}

TEST(DatasetTable, TheShapeOfTheTableIsChecked) {
  const std::vector<double> two{1, 2};
  const std::vector<double> three{1, 2, 3};
  db::CellTable t = keys(3);
  t.columns.push_back(numbers("value", two));
  t.columns.push_back(numbers("value", three));
  const auto e = error_of<db::ParseError>(t);
  EXPECT_EQ(std::string(e.what()),
            "2 problems:\n  DataFrame, field 'value': column 'value' has 2 values (expected 3, one per row)\n"
            "  DataFrame, field 'value': column name 'value' appears twice (columns 4 and 5)");
}
