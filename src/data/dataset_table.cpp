// Dataset::from_table: a data set read from a table given by column (doelenboom/cell_table.hpp),
// with the columns and the cell rules of the CSV reader (data/dataset_fields.hpp). Each distinct
// text of a column is read once and columns of numbers are taken in place; a table whose cells
// all read is built from codes, as Dataset::from_columns builds it.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/text.hpp"
#include "data/dataset_fields.hpp"
#include "data/dataset_internal.hpp"
#include "doelenboom/cell_table.hpp"
#include "doelenboom/dataset.hpp"
#include "io/cell_table.hpp"
#include "io/data_io.hpp"

namespace doelenboom {

namespace {

using detail::CellValue;
using detail::Field;

// What a rule made of the cells of one column: a value per distinct cell and per row its code
// (-1: an empty cell, whose value is `empty`). A coded column keeps its own codes; a column of
// numbers gets a code per row, each number read as the text it is written as ("2023").
template <class T>
struct Coded {
  std::vector<T> values;
  T empty{};
  std::span<const std::int64_t> given;
  std::vector<std::int64_t> own;
  bool numeric = false;

  [[nodiscard]] std::span<const std::int64_t> codes() const { return numeric ? std::span<const std::int64_t>(own) : given; }
  [[nodiscard]] T operator[](std::size_t row) const {
    const std::int64_t code = codes()[row];
    return code < 0 ? empty : values[static_cast<std::size_t>(code)];
  }
};

// A text rule that takes every text as it is: ids, sources and methods.
CellValue<std::string> as_text(std::string_view text) { return {std::string(text), {}, {}}; }

class TableReader {
 public:
  TableReader(const CellTable& table, const detail::FieldColumns& fields, std::vector<Problem>& problems)
      : table_(table), fields_(fields), problems_(problems), bad_(table.rows, 0) {}

  // Every column read; the problems of cells that do not read are listed, by column.
  EstimateColumns read() {
    EstimateColumns out;
    out.unit = text(Field::unit, unit_);
    out.indicator = text(Field::indicator, indicator_);
    out.source = text(Field::source, source_);
    out.method = text(Field::method, method_);
    periods_ = coded(*column(Field::period), detail::period_cell);
    out.period_codes = periods_.codes();
    out.periods = periods_.values;
    for (std::size_t k = 0; k < detail::number_fields.size(); ++k) {
      const Field f = detail::number_fields[k];
      numbers(f) = number_column(f, own_numbers_[k]);
    }
    out.value = value_;
    out.n = n_;
    out.se = se_;
    out.ci_low = ci_low_;
    out.ci_high = ci_high_;
    flags_ = flag_column();
    out.suppressed = flags_;
    return out;
  }

  // The rows whose cells all read, as records, with where each came from.
  void good_rows(const EstimateColumns& c, std::vector<EstimateRecord>& records, std::vector<Location>& at) const {
    for (std::size_t row = 0; row < table_.rows; ++row) {
      if (bad_[row] != 0) continue;
      const auto text = [&](const Coded<std::string>& t) { return t.codes().empty() ? std::string() : t[row]; };
      const auto number = [&](std::span<const double> v) {
        return v.empty() ? std::numeric_limits<double>::quiet_NaN() : v[row];
      };
      EstimateRecord r;
      r.unit = text(unit_);
      r.indicator = text(indicator_);
      r.source = text(source_);
      r.method = text(method_);
      r.period = periods_[row];
      r.value = number(c.value);
      r.n = number(c.n);
      r.se = number(c.se);
      r.ci_low = number(c.ci_low);
      r.ci_high = number(c.ci_high);
      r.suppressed = !c.suppressed.empty() && c.suppressed[row] != 0;
      records.push_back(std::move(r));
      at.push_back(Location{table_.source, 0, row + 1, {}});
    }
  }

 private:
  [[nodiscard]] const CellColumn* column(Field f) const {
    const auto& k = fields_[f];
    return k ? &table_.columns[*k] : nullptr;
  }

  void problem(std::size_t row, const CellColumn& c, const std::string& code, const std::string& what) {
    problems_.push_back(detail::cell_problem(code, Location{table_.source, 0, row + 1, c.name}, {}, what));
    bad_[row] = 1;
  }

  // The cells of `c` through `rule`, each distinct text once; a cell the rule rejects is a problem.
  template <class Rule, class T = typename decltype(std::declval<Rule>()(std::string_view()).value)::value_type>
  Coded<T> coded(const CellColumn& c, Rule rule) {
    Coded<T> out;
    out.numeric = c.numeric;
    std::vector<std::string> numbers;  // a column of numbers, each written out
    if (c.numeric) {
      out.own.assign(table_.rows, -1);
      for (std::size_t row = 0; row < table_.rows; ++row) {
        if (std::isnan(c.numbers[row])) continue;
        out.own[row] = static_cast<std::int64_t>(numbers.size());
        numbers.push_back(detail::format_double(c.numbers[row]));
      }
    } else {
      out.given = c.codes;
    }
    const auto text_of = [&](std::int64_t code) -> std::string_view {
      if (code < 0) return {};
      const auto k = static_cast<std::size_t>(code);
      return c.numeric ? std::string_view(numbers[k]) : c.texts[k];
    };
    const std::size_t distinct = c.numeric ? numbers.size() : c.texts.size();
    std::vector<char> fine(distinct + 1);  // [distinct]: the empty cell
    out.values.reserve(distinct);
    for (std::size_t k = 0; k <= distinct; ++k) {
      auto read = rule(text_of(k < distinct ? static_cast<std::int64_t>(k) : -1));
      fine[k] = read.value ? 1 : 0;
      T value = read.value ? std::move(*read.value) : T{};
      if (k < distinct) out.values.push_back(std::move(value));
      else out.empty = std::move(value);
    }
    const auto codes = out.codes();
    for (std::size_t row = 0; row < table_.rows; ++row) {
      const std::int64_t code = codes[row];
      if (fine[code < 0 ? distinct : static_cast<std::size_t>(code)] != 0) continue;
      const auto read = rule(text_of(code));  // again, for the words of the problem
      problem(row, c, read.code, read.what);
    }
    return out;
  }

  EstimateColumns::Text text(Field f, Coded<std::string>& out) {
    const CellColumn* c = column(f);
    if (c == nullptr) return {};
    out = coded(*c, as_text);
    return {out.codes(), out.values};
  }

  std::span<const double> number_column(Field f, std::vector<double>& own) {
    const CellColumn* c = column(f);
    if (c == nullptr) return {};
    if (c->numeric) return c->numbers;  // in place
    const auto read = coded(*c, [f](std::string_view text) { return detail::number_cell(text, f); });
    own.resize(table_.rows);
    for (std::size_t row = 0; row < table_.rows; ++row) own[row] = read[row];
    return own;
  }

  std::vector<std::uint8_t> flag_column() {
    const CellColumn* c = column(Field::suppressed);
    if (c == nullptr) return {};
    std::vector<std::uint8_t> out(table_.rows, 0);
    const auto flag = [](double x) { return std::isnan(x) || x == 0.0 || x == 1.0; };
    if (c->numeric && std::all_of(c->numbers.begin(), c->numbers.end(), flag)) {  // a bool column
      for (std::size_t row = 0; row < table_.rows; ++row) out[row] = c->numbers[row] == 1.0 ? 1 : 0;
      return out;
    }
    const auto read = coded(*c, detail::flag_cell);
    for (std::size_t row = 0; row < table_.rows; ++row) out[row] = read[row] ? 1 : 0;
    return out;
  }

  std::span<const double>& numbers(Field f) {
    switch (f) {
      case Field::n: return n_;
      case Field::se: return se_;
      case Field::ci_low: return ci_low_;
      case Field::ci_high: return ci_high_;
      default: return value_;
    }
  }

  const CellTable& table_;
  const detail::FieldColumns& fields_;
  std::vector<Problem>& problems_;
  std::vector<std::uint8_t> bad_;  // per row: a cell did not read
  Coded<std::string> unit_, indicator_, source_, method_;
  Coded<Period> periods_;
  std::array<std::vector<double>, detail::number_fields.size()> own_numbers_;
  std::span<const double> value_, n_, se_, ci_low_, ci_high_;
  std::vector<std::uint8_t> flags_;
};

}  // namespace

Dataset Dataset::from_table(const CellTable& table, const DataContext& context) {
  std::vector<Problem> problems;
  std::vector<std::string> names;
  names.reserve(table.columns.size());
  for (const auto& c : table.columns) names.push_back(c.name);
  detail::FieldColumns fields;
  const bool shaped = detail::check_cell_table(table, problems);
  if (!detail::find_fields(names, Location{table.source, 0, 0, {}}, true, fields, problems) || !shaped) {
    detail::throw_problems<ParseError>(std::move(problems));
  }
  TableReader reader(table, fields, problems);
  const EstimateColumns columns = reader.read();
  if (problems.empty()) return from_columns(columns, context, table.source);
  std::vector<EstimateRecord> records;
  std::vector<Location> at;
  reader.good_rows(columns, records, at);
  return detail::read_rows(records, at, std::move(problems), context);
}

}  // namespace doelenboom
