// The cells of a CSV file or a table given by column, and the rules every estimator's reader
// applies to them (estimate/cells.hpp).

#include "estimate/cells.hpp"

#include <algorithm>
#include <cmath>

#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "io/cell_table.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/pseudonym.hpp"

namespace doelenboom::detail {

std::string_view Cell::text_in(std::string& buffer) const {
  switch (kind) {
    case Kind::empty: return {};
    case Kind::text: return text;
    case Kind::number: buffer = format_double(number); return buffer;
  }
  return {};
}

std::string Cell::shown() const {
  if (kind == Kind::number) return format_double(number);
  return squote(text);
}

// ---------------------------------------------------------------------------------------------
// Cells

Cells::Cells(const CsvTable& csv)
    : csv_(&csv), source_(csv.source), rows_(csv.rows.size()), header_line_(csv.header_line), names_(csv.header) {}

Cells::Cells(const CellTable& table) : table_(&table), source_(table.source), rows_(table.rows) {
  names_.reserve(table.columns.size());
  for (const auto& c : table.columns) names_.push_back(c.name);
}

Location Cells::where(std::size_t row, std::string_view column) const {
  if (csv_ != nullptr) return csv_->where(row, column);
  return Location{source_, 0, row + 1, std::string(column)};
}

Location Cells::header(std::string_view column) const { return Location{source_, header_line_, 0, std::string(column)}; }

std::string Cells::row_ref(std::size_t row) const {
  std::string out = "row " + std::to_string(row + 1);
  if (csv_ != nullptr && row < csv_->row_lines.size()) out += " (line " + std::to_string(csv_->row_lines[row]) + ")";
  return out;
}

std::optional<std::size_t> Cells::find(std::string_view name) const {
  const auto it = std::find(names_.begin(), names_.end(), name);
  if (it == names_.end()) return std::nullopt;
  return static_cast<std::size_t>(it - names_.begin());
}

std::int64_t Cells::key(std::size_t column, std::size_t row) const {
  if (csv_ != nullptr) return csv_->rows[row][column].empty() ? -1 : static_cast<std::int64_t>(row);
  const CellColumn& c = table_->columns[column];
  if (c.numeric) return std::isnan(c.numbers[row]) ? -1 : static_cast<std::int64_t>(row);
  return c.codes[row];
}

std::size_t Cells::distinct(std::size_t column) const {
  if (csv_ != nullptr) return 0;
  const CellColumn& c = table_->columns[column];
  return c.numeric ? 0 : c.texts.size();
}

Cell Cells::cell(std::size_t column, std::int64_t key) const {
  if (key < 0) return {};
  const auto k = static_cast<std::size_t>(key);
  if (csv_ != nullptr) return Cell{Cell::Kind::text, 0.0, csv_->rows[k][column]};
  const CellColumn& c = table_->columns[column];
  if (c.numeric) return Cell{Cell::Kind::number, c.numbers[k], {}};
  const std::string_view text = c.texts[k];
  return text.empty() ? Cell{} : Cell{Cell::Kind::text, 0.0, text};
}

bool Cells::check(std::vector<Problem>& out) const { return table_ == nullptr || check_cell_table(*table_, out); }

// ---------------------------------------------------------------------------------------------
// Structure

void check_known_columns(const Cells& cells, const std::vector<std::string>& known, std::vector<Problem>& out) {
  for (const auto& name : cells.names()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      out.push_back(make_problem("unknown_column", cells.header(name), {},
                                 "unknown column " + squote(name) + " (expected only: " + join_words(known) + ")"));
    }
  }
}

Problem missing_column_problem(const Cells& cells, std::string_view name) {
  return make_problem("missing_column", Location{cells.source(), 0, 0, {}}, {},
                      "missing required column " + squote(name) + " (columns are: " + join_words(cells.names()) + ")");
}

// ---------------------------------------------------------------------------------------------
// Rules

ReadColumn<std::int32_t>::Reader unit_reader(Names& units, const UnitRegistry* registry) {
  return [&units, registry](const Cell& cell) {
    std::string buffer;
    const std::string_view id = cell.text_in(buffer);
    const std::int32_t code = units.code(id);
    if (id.empty()) return bad(code, "missing_value", "empty unit (expected a unit id)");
    if (registry != nullptr && registry->find(id) == nullptr) {
      return bad(code, "unknown_unit", "unknown unit " + squote(id) + " (expected a unit id of the unit registry)", true);
    }
    return fine(code);
  };
}

ReadColumn<std::int32_t>::Reader period_reader(Names& texts) {
  return [&texts](const Cell& cell) {
    std::string buffer;
    const std::string_view text = cell.text_in(buffer);
    const std::int32_t code = texts.code(text);
    if (Period::parse(text)) return fine(code);
    return bad(code, "bad_period", "period " + squote(text) + " (expected 2023, 2023-Q2 or 2023-05)");
  };
}

ReadColumn<std::int32_t>::Reader name_reader(Names& names, std::string what) {
  return [&names, what = std::move(what)](const Cell& cell) {
    std::string buffer;
    const std::int32_t code = names.code(cell.text_in(buffer));
    if (cell.empty()) return bad(code, "missing_value", "empty " + what);
    return fine(code);
  };
}

ReadColumn<std::int32_t>::Reader optional_name_reader(Names& names) {
  return [&names](const Cell& cell) {
    std::string buffer;
    return fine<std::int32_t>(cell.empty() ? -1 : names.code(cell.text_in(buffer)));
  };
}

std::optional<Problem> order_periods(const Cells& cells, const std::vector<std::string>& texts,
                                     std::vector<std::int32_t>& codes, std::vector<Period>& periods,
                                     const std::string& column) {
  // Texts that do not parse keep code 0 (their rows are reported elsewhere); texts naming the
  // same period ("2023-Q2", "2023Q2") share a code.
  std::vector<std::int32_t> remap(texts.size(), 0);
  std::vector<std::pair<Period, std::int32_t>> parsed;
  for (std::size_t i = 0; i < texts.size(); ++i)
    if (auto p = Period::parse(texts[i])) parsed.emplace_back(*p, static_cast<std::int32_t>(i));
  if (cells.from_file()) std::sort(parsed.begin(), parsed.end());
  periods.clear();
  for (const auto& [period, text] : parsed) {
    const auto known = std::find(periods.begin(), periods.end(), period);
    remap[static_cast<std::size_t>(text)] = static_cast<std::int32_t>(known - periods.begin());
    if (known == periods.end()) periods.push_back(period);
  }
  for (auto& c : codes) c = remap[static_cast<std::size_t>(c)];
  for (const auto& p : periods) {
    if (p.frequency != periods.front().frequency) {
      return make_problem("mixed_frequency", Location{cells.source(), 0, 0, column}, {},
                          "periods " + periods.front().to_string() + " and " + p.to_string() +
                              " have different frequencies (expected one frequency per data set)");
    }
  }
  return std::nullopt;
}

}  // namespace doelenboom::detail

namespace doelenboom {

// An id column read as the readers read their client and respondent columns.
std::vector<std::uint64_t> pseudonymise_column(const CellTable& table, const Pseudonymiser& pseudonymise) {
  std::vector<Problem> problems;
  const detail::Cells cells(table);
  if (table.columns.size() != 1) {
    problems.push_back(make_problem("bad_shape", Location{table.source, 0, 0, {}}, {},
                                    std::to_string(table.columns.size()) + " columns (expected one column of ids)"));
  }
  std::vector<std::uint64_t> out;
  if (problems.empty() && cells.check(problems)) {
    const std::string& name = table.columns.front().name;
    std::vector<std::string> ids;
    detail::Names names{ids};
    detail::ReadColumn<std::int32_t> id(cells, 0, detail::name_reader(names, name + " (expected an identifier)"));
    std::vector<std::int32_t> codes;
    codes.reserve(cells.rows());
    detail::CellSink sink{cells, {problems, table.source}};
    for (std::size_t r = 0; r < cells.rows(); ++r) codes.push_back(sink.take<std::int32_t>(r, name, id(r)));
    sink.finish();
    if (problems.empty()) out = detail::pseudonyms_of(pseudonymise, ids, codes);
  }
  throw_if_problems<DataError>(problems);
  return out;
}

}  // namespace doelenboom
