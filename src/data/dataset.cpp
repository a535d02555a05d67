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
#include "data/dataset_fields.hpp"
#include "data/dataset_internal.hpp"

namespace doelenboom {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

using detail::squote;  // long texts shortened, see core/diagnostics.hpp
using detail::RowPlaces;
using detail::article_frequency;
using detail::describe_key;
using detail::Field;
std::string num(double x) { return detail::format_number(x); }

// A number field of a record.
double& number_of(EstimateRecord& r, Field f) {
  switch (f) {
    case Field::n: return r.n;
    case Field::se: return r.se;
    case Field::ci_low: return r.ci_low;
    case Field::ci_high: return r.ci_high;
    default: return r.value;
  }
}

// ---------------------------------------------------------------------------------------------
// CSV cells

// Read a CSV into records (only the rows whose cells all parsed) with their locations; every
// problem goes to `problems`. Returns false when the table itself could not be read.
bool parse_csv_cells(const std::filesystem::path& path, std::vector<EstimateRecord>& records, std::vector<Location>& at,
                     std::vector<Problem>& problems) {
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
  detail::FieldColumns c;
  if (!detail::find_fields(table.header, Location{table.source, table.header_line, 0, {}}, false, c, problems)) {
    return false;
  }

  records.reserve(table.rows.size());
  at.reserve(table.rows.size());
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    bool ok = true;
    // A cell's value by its field's rule; a problem at the cell when the rule rejects it.
    const auto read = [&](Field f, auto rule, auto fallback) {
      const auto& col = c[f];
      const auto cell = rule(col ? std::string_view(table.rows[row][*col]) : std::string_view());
      if (cell.value) return *cell.value;
      problems.push_back(detail::cell_problem(cell.code, table.where(row, table.header[*col]), {}, cell.what));
      ok = false;
      return fallback;
    };
    EstimateRecord r;
    r.unit = std::string(detail::trim_ascii(table.rows[row][*c[Field::unit]]));
    r.indicator = std::string(detail::trim_ascii(table.rows[row][*c[Field::indicator]]));
    r.period = read(Field::period, detail::period_cell, Period{});
    for (const Field f : detail::number_fields) {
      number_of(r, f) = read(f, [f](std::string_view text) { return detail::number_cell(text, f); }, nan);
    }
    r.suppressed = read(Field::suppressed, detail::flag_cell, false);
    // Source and method are free text: kept verbatim.
    if (c[Field::source]) r.source = table.rows[row][*c[Field::source]];
    if (c[Field::method]) r.method = table.rows[row][*c[Field::method]];
    if (!ok) continue;
    records.push_back(std::move(r));
    at.push_back(table.where(row));
  }
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
  detail::sort_by_row(out);
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
  detail::throw_problems<DataError>(std::move(problems));
  detail::DatasetAccess::finish(d, context, &index);
  detail::DatasetAccess::set_origin(d, source);
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
  if (!parse_csv_cells(path, records, at, problems)) detail::throw_problems<ParseError>(std::move(problems));
  return detail::read_rows(records, at, std::move(problems), context);
}

std::vector<Problem> Dataset::check_csv(const std::filesystem::path& path, const DataContext& context) {
  std::vector<EstimateRecord> records;
  std::vector<Location> at;
  std::vector<Problem> problems;
  if (parse_csv_cells(path, records, at, problems)) {
    Dataset d;
    detail::DatasetAccess::encode(records, d);
    detail::KeyIndex index;
    detail::DatasetAccess::check(d, RowPlaces{&at, {}, at.size()}, context, index, problems);
  }
  detail::sort_by_row(problems);
  return problems;
}

namespace detail {

Dataset read_rows(const std::vector<EstimateRecord>& records, const std::vector<Location>& at,
                  std::vector<Problem> problems, const DataContext& context) {
  // Problems of the table or its cells make it a ParseError; the value checks of the rows that
  // were read are listed with them, so one run shows everything.
  const bool unreadable = !problems.empty();
  Dataset d;
  DatasetAccess::encode(records, d);
  KeyIndex index;
  const RowPlaces places{&at, {}, at.size()};
  DatasetAccess::check(d, places, context, index, problems);
  if (unreadable) throw_problems<ParseError>(std::move(problems));
  throw_problems<DataError>(std::move(problems));
  DatasetAccess::finish(d, context, &index);
  // Every row was read, so row i is the table's row i + 1.
  DatasetAccess::set_origin(d, places.file());
  return d;
}

}  // namespace detail

std::size_t Dataset::suppressed_count() const noexcept {
  return static_cast<std::size_t>(std::count(suppressed_.begin(), suppressed_.end(), std::uint8_t{1}));
}

void Dataset::apply_suppression(double threshold, double small_count) {
  for (const auto& [what, x] : {std::pair{"suppression threshold ", threshold}, std::pair{"small-count threshold ", small_count}}) {
    if (!std::isfinite(x) || x < 0.0) {
      auto problem = make_problem("bad_threshold", {}, {},
                                  what + num(x) + " is not valid (expected a number of 0 or more; 0 turns the rule off)");
      throw DataError(problem.message, {problem});
    }
  }
  threshold_ = threshold;
  small_count_ = small_count;
  for (std::size_t i = 0; i < suppressed_.size(); ++i) {
    const auto e = static_cast<Eigen::Index>(i);
    const double base = n_[e];
    // NaN compares false: an estimate without n is not suppressed by the threshold.
    bool hidden = source_suppressed_[i] != 0 || base < threshold;
    if (!hidden && share_[i] != 0 && small_count > 0.0) {
      // The persons with and without the property, in whole persons (value * n carries rounding).
      const double with = std::round(value_[e] * base);
      hidden = with < small_count || base - with < small_count;
    }
    suppressed_[i] = hidden ? 1 : 0;
  }
}

void Dataset::suppress_rows(std::span<const std::size_t> rows) {
  for (const std::size_t row : rows) {
    if (row >= size()) {
      throw std::out_of_range("row " + std::to_string(row) + " is outside the data set (" + std::to_string(size()) + " rows)");
    }
  }
  for (const std::size_t row : rows) source_suppressed_[row] = suppressed_[row] = 1;
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
  r.share = share_[row] != 0;
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
  detail::throw_problems<DataError>(std::move(problems));
  Dataset d;
  detail::DatasetAccess::encode(records, d);
  detail::DatasetAccess::finish(d, DataContext{nullptr, nullptr, threshold_, small_count_}, nullptr);
  return d;
}

}  // namespace doelenboom
