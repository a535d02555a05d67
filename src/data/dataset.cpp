// The data set of estimates: the ways in (records, columns, CSV files; encoded in
// dataset_encode.cpp and checked in dataset_check.cpp, every problem with file, row, field, value
// and what was expected), suppression and the ways out.

#include "doelenboom/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "io/csv.hpp"
#include "io/data_io.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "io/files.hpp"
#include "data/dataset_internal.hpp"

namespace doelenboom {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

constexpr std::string_view required_columns[] = {"unit", "period", "indicator", "value"};
constexpr std::string_view all_columns[] = {"unit", "period", "indicator", "value",  "n",     "se",
                                            "ci_low", "ci_high", "suppressed", "source", "method"};

using detail::squote;  // long texts shortened, see core/diagnostics.hpp
using detail::RowPlaces;
using detail::article_frequency;
using detail::describe_key;
using detail::period_expectation;
std::string num(double x) { return detail::format_number(x); }

// Sort by row (file-level problems first) and throw E listing them under the limit policy of
// core/diagnostics.hpp; the error keeps them all.
template <class E>
void throw_problems(std::vector<Problem> problems) {
  if (problems.empty()) return;
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.where.row < b.where.row; });
  std::string message = join_problems(problems, "Dataset::check_csv / check_records list them all");
  throw E(message, std::move(problems));
}

void sort_by_row(std::vector<Problem>& problems) {
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.where.row < b.where.row; });
}

// ---------------------------------------------------------------------------------------------
// CSV cells

struct Columns {
  std::optional<std::size_t> unit, period, indicator, value, n, se, ci_low, ci_high, suppressed, source, method;
};

// Parses the cells of one table into records; every cell problem is collected.
class CellParser {
 public:
  CellParser(const detail::CsvTable& table, std::vector<Problem>& problems) : table_(table), problems_(problems) {}

  [[nodiscard]] std::string_view trimmed(std::size_t row, std::size_t col) const {
    return detail::trim_ascii(table_.rows[row][col]);
  }

  // NaN for an empty cell (or no column); std::nullopt (with a problem) when not a number.
  std::optional<double> number(std::size_t row, std::optional<std::size_t> col, const char* expected) {
    if (!col) return nan;
    const auto text = trimmed(row, *col);
    if (text.empty()) return nan;
    if (const auto v = detail::parse_finite_double(text)) return v;
    std::string hint;
    if (text.find(',') != std::string_view::npos) hint = "; use '.' as the decimal point, not ','";
    if (text.ends_with('%')) hint = "; write a share as a number between 0 and 1, without '%'";
    problems_.push_back(detail::cell_problem("bad_number", table_.where(row, table_.header[*col]), {},
                                             squote(text) + " is not a number (expected " + expected + hint + ")"));
    return std::nullopt;
  }

  std::optional<Period> period(std::size_t row, std::size_t col) {
    const auto text = trimmed(row, col);
    if (const auto p = Period::parse(text)) return p;
    const std::string what = text.empty() ? "the period is empty (" + std::string(period_expectation()) + ")"
                                          : squote(text) + " is not a period (" + period_expectation() + ")";
    problems_.push_back(detail::cell_problem(text.empty() ? "missing_value" : "bad_period",
                                             table_.where(row, table_.header[col]), {}, what));
    return std::nullopt;
  }

  std::optional<bool> flag(std::size_t row, std::optional<std::size_t> col) {
    if (!col) return false;
    const auto text = detail::ascii_lower(trimmed(row, *col));
    if (text.empty() || text == "0" || text == "false") return false;
    if (text == "1" || text == "true") return true;
    problems_.push_back(detail::cell_problem("bad_value", table_.where(row, table_.header[*col]), {},
                                             squote(trimmed(row, *col)) + " is not a suppression flag (expected 1 or 0, "
                                                                          "true or false, or an empty cell)"));
    return std::nullopt;
  }

 private:
  const detail::CsvTable& table_;
  std::vector<Problem>& problems_;
};

// Read a CSV into records (only the rows whose cells all parsed) with their locations; every
// problem goes to `problems`. Returns false when the table itself could not be read.
bool parse_csv_cells(const std::filesystem::path& path, std::vector<EstimateRecord>& records, std::vector<Location>& at,
               std::vector<Problem>& problems, bool& cell_problems) {
  detail::CsvTable table;
  try {
    table = detail::read_csv_file(path);
  } catch (const ParseError& e) {
    if (e.problems().empty()) {
      problems.push_back(make_problem("parse", Location{path.string(), 0, 0, {}}, {}, e.what()));
    } else {
      problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
    return false;
  }
  Columns c;
  std::size_t missing = 0;
  for (std::size_t k = 0; k < table.header.size(); ++k) {
    const auto& h = table.header[k];
    std::optional<std::size_t>* slot = nullptr;
    if (h == "unit") slot = &c.unit;
    else if (h == "period") slot = &c.period;
    else if (h == "indicator") slot = &c.indicator;
    else if (h == "value") slot = &c.value;
    else if (h == "n") slot = &c.n;
    else if (h == "se") slot = &c.se;
    else if (h == "ci_low") slot = &c.ci_low;
    else if (h == "ci_high") slot = &c.ci_high;
    else if (h == "suppressed") slot = &c.suppressed;
    else if (h == "source") slot = &c.source;
    else if (h == "method") slot = &c.method;
    if (slot != nullptr) {
      *slot = k;
      continue;
    }
    std::string expected;
    for (const auto name : all_columns) expected += (expected.empty() ? "" : ", ") + std::string(name);
    problems.push_back(make_problem("unknown_column", Location{table.source, table.header_line, 0, {}}, {},
                                    "unknown column " + squote(h) + " (expected one of: " + expected + ")"));
  }
  for (const auto name : required_columns) {
    if (!detail::find_column(table, name)) {
      problems.push_back(detail::missing_column_problem(table, name));
      ++missing;
    }
  }
  if (missing > 0) return false;

  const std::size_t before = problems.size();
  CellParser cells(table, problems);
  records.reserve(table.rows.size());
  at.reserve(table.rows.size());
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    EstimateRecord r;
    bool ok = true;
    r.unit = std::string(cells.trimmed(row, *c.unit));
    r.indicator = std::string(cells.trimmed(row, *c.indicator));
    if (const auto p = cells.period(row, *c.period)) r.period = *p; else ok = false;
    const auto read = [&](double& target, std::optional<std::size_t> col, const char* expected) {
      if (const auto v = cells.number(row, col, expected)) target = *v; else ok = false;
    };
    read(r.value, c.value, "a decimal number with '.' as the decimal point");
    read(r.n, c.n, "a base n of 0 or more");
    read(r.se, c.se, "a standard error");
    read(r.ci_low, c.ci_low, "an interval bound");
    read(r.ci_high, c.ci_high, "an interval bound");
    if (const auto f = cells.flag(row, c.suppressed)) r.suppressed = *f; else ok = false;
    // Source and method are free text: kept verbatim.
    if (c.source) r.source = table.rows[row][*c.source];
    if (c.method) r.method = table.rows[row][*c.method];
    if (!ok) continue;
    records.push_back(std::move(r));
    Location w = table.where(row);
    at.push_back(std::move(w));
  }
  cell_problems = problems.size() > before;
  return true;
}

// check_records and check_columns: the problems of records or columns, by row.
template <class Input>
std::vector<Problem> check_encoded(const Input& input, const DataContext& context, const std::string& source) {
  Dataset d;
  detail::DatasetAccess::encode(input, d);
  detail::KeyIndex index;
  std::vector<Problem> out;
  detail::DatasetAccess::check(d, RowPlaces{nullptr, source, d.size()}, context, index, out);
  sort_by_row(out);
  return out;
}

// from_records and from_columns: the data set, or DataError with every problem.
template <class Input>
Dataset build(const Input& input, const DataContext& context, const std::string& source) {
  Dataset d;
  detail::DatasetAccess::encode(input, d);
  detail::KeyIndex index;
  std::vector<Problem> problems;
  detail::DatasetAccess::check(d, RowPlaces{nullptr, source, d.size()}, context, index, problems);
  throw_problems<DataError>(std::move(problems));
  detail::DatasetAccess::finish(d, context.suppression_threshold, &index);
  return d;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::vector<Problem> Dataset::check_records(const std::vector<EstimateRecord>& records, const DataContext& context,
                                            const std::string& source) {
  return check_encoded(records, context, source);
}

Dataset Dataset::from_records(const std::vector<EstimateRecord>& records, const DataContext& context,
                              const std::string& source) {
  return build(records, context, source);
}

std::vector<Problem> Dataset::check_columns(const EstimateColumns& columns, const DataContext& context,
                                            const std::string& source) {
  return check_encoded(columns, context, source);
}

Dataset Dataset::from_columns(const EstimateColumns& columns, const DataContext& context, const std::string& source) {
  return build(columns, context, source);
}

Dataset Dataset::read_csv(const std::filesystem::path& path, const DataContext& context) {
  std::vector<EstimateRecord> records;
  std::vector<Location> at;
  std::vector<Problem> problems;
  bool cell_problems = false;
  const bool table_ok = parse_csv_cells(path, records, at, problems, cell_problems);
  if (!table_ok) throw_problems<ParseError>(std::move(problems));
  // Structure problems (unknown columns, cells that are not numbers) make it a ParseError; the
  // value checks of the rows that did parse are listed with them, so one run shows everything.
  const bool parse_problems = !problems.empty();
  Dataset d;
  detail::DatasetAccess::encode(records, d);
  detail::KeyIndex index;
  detail::DatasetAccess::check(d, RowPlaces{&at, {}, at.size()}, context, index, problems);
  if (parse_problems || cell_problems) throw_problems<ParseError>(std::move(problems));
  throw_problems<DataError>(std::move(problems));
  detail::DatasetAccess::finish(d, context.suppression_threshold, &index);
  return d;
}

std::vector<Problem> Dataset::check_csv(const std::filesystem::path& path, const DataContext& context) {
  std::vector<EstimateRecord> records;
  std::vector<Location> at;
  std::vector<Problem> problems;
  bool cell_problems = false;
  if (parse_csv_cells(path, records, at, problems, cell_problems)) {
    Dataset d;
    detail::DatasetAccess::encode(records, d);
    detail::KeyIndex index;
    detail::DatasetAccess::check(d, RowPlaces{&at, {}, at.size()}, context, index, problems);
  }
  sort_by_row(problems);
  return problems;
}

std::size_t Dataset::suppressed_count() const noexcept {
  return static_cast<std::size_t>(std::count(suppressed_.begin(), suppressed_.end(), std::uint8_t{1}));
}

void Dataset::apply_suppression(double threshold) {
  if (!std::isfinite(threshold) || threshold < 0.0) {
    auto problem = make_problem("bad_threshold", {}, {},
                                "suppression threshold " + num(threshold) +
                                    " is not valid (expected a number of 0 or more; 0 turns suppression by n off)");
    throw DataError(problem.message, {problem});
  }
  threshold_ = threshold;
  for (std::size_t i = 0; i < suppressed_.size(); ++i) {
    const double base = n_[static_cast<Eigen::Index>(i)];
    // NaN compares false: an estimate without n is not suppressed by the threshold.
    suppressed_[i] = (source_suppressed_[i] != 0 || base < threshold) ? 1 : 0;
  }
}

EstimateRecord Dataset::record(std::size_t row) const {
  if (row >= size()) {
    throw std::out_of_range("row " + std::to_string(row) + " is outside the data set (" + std::to_string(size()) + " rows)");
  }
  const auto i = static_cast<Eigen::Index>(row);
  EstimateRecord r;
  r.unit = units_[static_cast<std::size_t>(unit_code_[i])];
  r.period = periods_[static_cast<std::size_t>(period_code_[i])];
  r.indicator = indicators_[static_cast<std::size_t>(indicator_code_[i])];
  r.source = sources_[static_cast<std::size_t>(source_code_[i])];
  r.method = methods_[static_cast<std::size_t>(method_code_[i])];
  r.suppressed = suppressed_[row] != 0;
  if (!r.suppressed) {
    r.value = value_[i];
    r.n = n_[i];
    r.se = se_[i];
    r.ci_low = lo_[i];
    r.ci_high = hi_[i];
  }
  return r;
}

std::vector<EstimateRecord> Dataset::export_records() const {
  std::vector<EstimateRecord> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(record(i));
  return out;
}

Dataset::ExportColumns Dataset::export_columns() const {
  ExportColumns out{value_, n_, se_, lo_, hi_};
  for (std::size_t row = 0; row < suppressed_.size(); ++row) {
    if (suppressed_[row] == 0) continue;
    const auto i = static_cast<Eigen::Index>(row);
    out.value[i] = out.n[i] = out.se[i] = out.ci_low[i] = out.ci_high[i] = nan;
  }
  return out;
}

std::optional<std::size_t> Dataset::find(std::string_view unit, const Period& period, std::string_view indicator) const {
  const auto u = unit_lookup_.find(std::string(unit));
  const auto k = indicator_lookup_.find(std::string(indicator));
  const auto p = std::lower_bound(periods_.begin(), periods_.end(), period);
  if (u == unit_lookup_.end() || k == indicator_lookup_.end() || p == periods_.end() || *p != period) return std::nullopt;
  const auto np = static_cast<std::uint64_t>(periods_.size());
  const auto ni = static_cast<std::uint64_t>(indicators_.size());
  const std::uint64_t key = (static_cast<std::uint64_t>(u->second) * np + static_cast<std::uint64_t>(p - periods_.begin())) * ni +
                            static_cast<std::uint64_t>(k->second);
  return key_index_.find(key);
}

void Dataset::write_csv(const std::filesystem::path& path) const {
  const auto number = [](double x) { return std::isnan(x) ? std::string() : num(x); };
  std::string out = "unit,period,indicator,value,n,se,ci_low,ci_high,suppressed,source,method\n";
  out.reserve(out.size() + size() * 64);
  for (std::size_t i = 0; i < size(); ++i) {
    const EstimateRecord r = record(i);
    out += detail::csv_field(r.unit);
    out += ',';
    out += r.period.to_string();
    out += ',';
    out += detail::csv_field(r.indicator);
    out += ',' + number(r.value) + ',' + number(r.n) + ',' + number(r.se) + ',' + number(r.ci_low) + ',' +
           number(r.ci_high) + ',' + (r.suppressed ? "1" : "0") + ',';
    out += detail::csv_field(r.source);
    out += ',';
    out += detail::csv_field(r.method);
    out += '\n';
  }
  detail::write_file_atomically(path, out);
}

Dataset Dataset::concat(const Dataset& other) const {
  // Internal numbers and the source flags travel, so that suppression is re-derived, not lost.
  const auto internal = [](const Dataset& d, std::size_t row) {
    EstimateRecord r = d.record(row);
    const auto i = static_cast<Eigen::Index>(row);
    r.value = d.value_[i];
    r.n = d.n_[i];
    r.se = d.se_[i];
    r.ci_low = d.lo_[i];
    r.ci_high = d.hi_[i];
    r.suppressed = d.source_suppressed_[row] != 0;
    return r;
  };
  std::vector<EstimateRecord> records;
  records.reserve(size() + other.size());
  for (std::size_t i = 0; i < size(); ++i) records.push_back(internal(*this, i));
  std::vector<Problem> problems;
  if (!periods_.empty() && !other.periods_.empty() && periods_.front().frequency != other.periods_.front().frequency) {
    problems.push_back(make_problem("mixed_frequency", {}, {},
                                    "this data set holds " + article_frequency(periods_.front().frequency) +
                                        " periods and the other " + article_frequency(other.periods_.front().frequency) +
                                        " periods (expected periods of one frequency in a data set)"));
  }
  for (std::size_t i = 0; i < other.size(); ++i) {
    EstimateRecord r = internal(other, i);
    if (const auto row = find(r.unit, r.period, r.indicator)) {
      Problem p = make_problem("duplicate_key", {}, {r.unit, r.indicator},
                               "the other data set, row " + std::to_string(i + 1) + ": duplicate estimate for " +
                                   describe_key(r.unit, r.period, r.indicator) + " (also on row " + std::to_string(*row + 1) +
                                   " of this data set)");
      p.where.row = i + 1;
      problems.push_back(std::move(p));
    }
    records.push_back(std::move(r));
  }
  throw_problems<DataError>(std::move(problems));
  Dataset d;
  detail::DatasetAccess::encode(records, d);
  detail::DatasetAccess::finish(d, threshold_, nullptr);
  return d;
}

}  // namespace doelenboom
