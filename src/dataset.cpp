// The data set of estimates: checking records and CSV files (every problem with file, row, field,
// value and what was expected), the column store, suppression and the export paths.

#include "doelenboom/dataset.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

#include "csv.hpp"
#include "data_io.hpp"
#include "utf8.hpp"

namespace doelenboom {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// The message of a thrown error lists this many problems; Error::problems() keeps them all.
constexpr std::size_t max_listed_problems = 50;

constexpr std::string_view required_columns[] = {"unit", "period", "indicator", "value"};
constexpr std::string_view all_columns[] = {"unit", "period", "indicator", "value",  "n",     "se",
                                            "ci_low", "ci_high", "suppressed", "source", "method"};

std::string squote(std::string_view text) { return "'" + std::string(text) + "'"; }
std::string num(double x) { return detail::format_number(x); }

const char* period_expectation() { return "expected a year '2023', a quarter '2023-Q2' or a month '2023-05'"; }

std::string article_frequency(Frequency f) {
  switch (f) {
    case Frequency::year: return "a year";
    case Frequency::quarter: return "a quarter";
    case Frequency::month: return "a month";
  }
  return "a year";
}

// Sort by row (file-level problems first) and throw E listing them, at most max_listed_problems
// in the message.
template <class E>
void throw_problems(std::vector<Problem> problems) {
  if (problems.empty()) return;
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.where.row < b.where.row; });
  if (problems.size() <= max_listed_problems) {
    std::string message = join_problems(problems);  // before the move below
    throw E(message, std::move(problems));
  }
  std::string message = std::to_string(problems.size()) + " problems:";
  for (std::size_t i = 0; i < max_listed_problems; ++i) message += "\n  " + problems[i].message;
  message += "\n  ... and " + std::to_string(problems.size() - max_listed_problems) +
             " more (Dataset::check_csv / check_records list them all)";
  throw E(message, std::move(problems));
}

void sort_by_row(std::vector<Problem>& problems) {
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.where.row < b.where.row; });
}

// What a value of an indicator must be, for "... (expected X)".
std::string range_expectation(const IndicatorDefinition& d) {
  switch (d.measure) {
    case Measure::proportion: return "a share between 0 and 1";
    case Measure::mean:
      if (d.scale) return "a mean on the scale " + squote(d.scale->name) + ", from " + num(d.scale->min) + " to " + num(d.scale->max);
      return "a mean";
    case Measure::count: return "a count of 0 or more";
    case Measure::rate: return "a rate per " + num(d.rate_per) + " inhabitants of 0 or more";
    case Measure::ordinal_change: return "a change";
  }
  return "a number";
}

std::string range_text(double lo, double hi) {
  return "[" + num(lo) + ", " + (std::isinf(hi) ? std::string("inf)") : num(hi) + "]");
}

// The key of a row; '\x1f' (unit separator) cannot be confused with text in ids.
std::string key_text(const EstimateRecord& r) {
  return r.unit + '\x1f' + r.period.to_string() + '\x1f' + r.indicator;
}

std::string describe_key(const EstimateRecord& r) {
  return "unit " + squote(r.unit) + ", period " + squote(r.period.to_string()) + ", indicator " + squote(r.indicator);
}

bool valid_period(const Period& p) {
  const auto back = Period::parse(p.to_string());
  return back && *back == p;
}

// The checks of check_records; `at[i]` is where record i came from (file, line, row).
void check_impl(const std::vector<EstimateRecord>& records, const std::vector<Location>& at, const DataContext& context,
                std::vector<Problem>& out) {
  const auto cell = [&](std::size_t i, std::string_view field) {
    Location w = at[i];
    w.field = std::string(field);
    return w;
  };
  const auto add = [&](std::string code, std::size_t i, std::string_view field, std::vector<std::string> ids,
                       const std::string& what) {
    out.push_back(detail::cell_problem(std::move(code), cell(i, field), std::move(ids), what));
  };
  if (!std::isfinite(context.suppression_threshold) || context.suppression_threshold < 0.0) {
    out.push_back(make_problem("bad_threshold", Location{at.empty() ? std::string() : at.front().file, 0, 0, {}}, {},
                               "suppression threshold " + num(context.suppression_threshold) +
                                   " is not valid (expected a number of 0 or more; 0 turns suppression by n off)"));
  }

  std::unordered_map<std::string, std::size_t> seen;
  seen.reserve(records.size());
  std::optional<std::size_t> first_period;  // the row that fixes the frequency
  for (std::size_t i = 0; i < records.size(); ++i) {
    const EstimateRecord& r = records[i];
    const std::vector<std::string> ids{r.unit, r.indicator};
    bool key_ok = true;
    if (r.unit.empty()) {
      add("missing_value", i, "unit", {}, "the unit is empty (expected a unit id)");
      key_ok = false;
    }
    if (r.indicator.empty()) {
      add("missing_value", i, "indicator", {}, "the indicator is empty (expected an indicator id)");
      key_ok = false;
    }
    if (!valid_period(r.period)) {
      add("bad_period", i, "period", ids,
          "year " + std::to_string(r.period.year) + ", part " + std::to_string(r.period.sub) + " is not a valid " +
              std::string(to_string(r.period.frequency)) + " (" + period_expectation() + ", years 1900 to 2999)");
      key_ok = false;
    } else if (!first_period) {
      first_period = i;
    } else if (const auto& f = records[*first_period].period; r.period.frequency != f.frequency) {
      add("mixed_frequency", i, "period", ids,
          squote(r.period.to_string()) + " is " + article_frequency(r.period.frequency) + ", but row " +
              std::to_string(at[*first_period].row) + " holds " + article_frequency(f.frequency) + " (" +
              squote(f.to_string()) + "; expected periods of one frequency in a data set)");
    }

    if (std::isnan(r.value)) {
      if (!r.suppressed) {
        add("missing_value", i, "value", ids,
            "the value is missing (expected a number; a cell suppressed at the source has suppressed = 1)");
      }
    } else if (!std::isfinite(r.value)) {
      add("bad_value", i, "value", ids, num(r.value) + " is not a finite number");
    }
    const auto non_negative = [&](double x, std::string_view field, const char* what) {
      if (std::isnan(x)) return;
      if (!std::isfinite(x)) {
        add("bad_value", i, field, ids, num(x) + " is not a finite number (expected " + what + ")");
      } else if (x < 0.0) {
        add("negative", i, field, ids, num(x) + " is negative (expected " + what + ")");
      }
    };
    non_negative(r.n, "n", "a base n of 0 or more");
    non_negative(r.se, "se", "a standard error of 0 or more");
    bool interval_ok = true;
    for (const auto& [x, field] : {std::pair{r.ci_low, "ci_low"}, std::pair{r.ci_high, "ci_high"}}) {
      if (!std::isnan(x) && !std::isfinite(x)) {
        add("bad_value", i, field, ids, num(x) + " is not a finite number (expected an interval bound)");
        interval_ok = false;
      }
    }
    if (std::isnan(r.ci_low) != std::isnan(r.ci_high)) {
      add("bad_interval", i, std::isnan(r.ci_low) ? "ci_low" : "ci_high", ids,
          std::string("the bound is missing while ") + (std::isnan(r.ci_low) ? "ci_high" : "ci_low") +
              " is given (expected both bounds of the interval or neither)");
      interval_ok = false;
    } else if (interval_ok && r.ci_low > r.ci_high) {
      add("bad_interval", i, "ci_low", ids,
          num(r.ci_low) + " is above ci_high " + num(r.ci_high) + " (expected ci_low <= ci_high)");
      interval_ok = false;
    }

    if (key_ok) {
      if (const auto [it, fresh] = seen.emplace(key_text(r), i); !fresh) {
        add("duplicate_key", i, {}, ids,
            "duplicate estimate for " + describe_key(r) + " (also on row " + std::to_string(at[it->second].row) +
                "; expected one row per unit, period and indicator)");
      }
    }

    if (context.units != nullptr && !r.unit.empty() && context.units->find(r.unit) == nullptr) {
      std::string what = "unknown unit " + squote(r.unit) + " (expected a unit id of the unit registry";
      if (const auto* named = context.units->find_by_name(r.unit)) {
        what += "; " + squote(r.unit) + " is the name of " + squote(named->id);
      }
      add("unknown_unit", i, "unit", {r.unit}, what + ")");
    }
    if (context.indicators != nullptr && !r.indicator.empty()) {
      const IndicatorDefinition* d = context.indicators->find(r.indicator);
      if (d == nullptr) {
        add("unknown_indicator", i, "indicator", {r.indicator},
            "unknown indicator " + squote(r.indicator) + " (expected an indicator id of the indicator set)");
      } else {
        const auto [lo, hi] = d->valid_range();
        const std::string kind = std::string(to_string(d->measure)) + " indicator " + squote(d->id);
        if (std::isfinite(r.value) && (r.value < lo || r.value > hi)) {
          add("out_of_range", i, "value", ids,
              num(r.value) + " is outside " + range_text(lo, hi) + " for " + kind + " (expected " +
                  range_expectation(*d) + ")");
        }
        if (interval_ok && !std::isnan(r.ci_low) && (r.ci_low < lo || r.ci_high > hi)) {
          const bool low_bad = r.ci_low < lo;
          add("out_of_range", i, low_bad ? "ci_low" : "ci_high", ids,
              num(low_bad ? r.ci_low : r.ci_high) + " is outside " + range_text(lo, hi) + " for " + kind +
                  " (expected an interval inside the indicator's range; Wilson intervals for proportions always are)");
        }
      }
    }
  }
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
bool parse_csv(const std::filesystem::path& path, std::vector<EstimateRecord>& records, std::vector<Location>& at,
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

std::vector<Location> record_locations(std::size_t count, const std::string& source) {
  std::vector<Location> at(count);
  for (std::size_t i = 0; i < count; ++i) at[i] = Location{source, 0, i + 1, {}};
  return at;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::vector<Problem> Dataset::check_records(const std::vector<EstimateRecord>& records, const DataContext& context,
                                            const std::string& source) {
  std::vector<Problem> out;
  check_impl(records, record_locations(records.size(), source), context, out);
  sort_by_row(out);
  return out;
}

Dataset Dataset::from_records(const std::vector<EstimateRecord>& records, const DataContext& context,
                              const std::string& source) {
  std::vector<Problem> problems;
  check_impl(records, record_locations(records.size(), source), context, problems);
  throw_problems<DataError>(std::move(problems));
  return build(records, context.suppression_threshold);
}

Dataset Dataset::read_csv(const std::filesystem::path& path, const DataContext& context) {
  std::vector<EstimateRecord> records;
  std::vector<Location> at;
  std::vector<Problem> problems;
  bool cell_problems = false;
  const bool table_ok = parse_csv(path, records, at, problems, cell_problems);
  if (!table_ok) throw_problems<ParseError>(std::move(problems));
  // Structure problems (unknown columns, cells that are not numbers) make it a ParseError; the
  // value checks of the rows that did parse are listed with them, so one run shows everything.
  const bool parse_problems = !problems.empty();
  check_impl(records, at, context, problems);
  if (parse_problems || cell_problems) throw_problems<ParseError>(std::move(problems));
  throw_problems<DataError>(std::move(problems));
  return build(records, context.suppression_threshold);
}

std::vector<Problem> Dataset::check_csv(const std::filesystem::path& path, const DataContext& context) {
  std::vector<EstimateRecord> records;
  std::vector<Location> at;
  std::vector<Problem> problems;
  bool cell_problems = false;
  if (parse_csv(path, records, at, problems, cell_problems)) check_impl(records, at, context, problems);
  sort_by_row(problems);
  return problems;
}

Dataset Dataset::build(const std::vector<EstimateRecord>& records, double threshold) {
  Dataset d;
  const auto rows = static_cast<Eigen::Index>(records.size());
  d.unit_code_.resize(rows);
  d.period_code_.resize(rows);
  d.indicator_code_.resize(rows);
  d.source_code_.resize(rows);
  d.method_code_.resize(rows);
  d.value_.resize(rows);
  d.n_.resize(rows);
  d.se_.resize(rows);
  d.lo_.resize(rows);
  d.hi_.resize(rows);
  d.suppressed_.assign(records.size(), 0);
  d.source_suppressed_.assign(records.size(), 0);

  std::unordered_map<std::string, int> sources;
  std::unordered_map<std::string, int> methods;
  const auto code = [](std::unordered_map<std::string, int>& lookup, std::vector<std::string>& dict,
                       const std::string& text) {
    const auto [it, fresh] = lookup.emplace(text, static_cast<int>(dict.size()));
    if (fresh) dict.push_back(text);
    return it->second;
  };
  // Periods sorted: collect the distinct ones first.
  std::map<Period, int> period_lookup;
  for (const auto& r : records) period_lookup.emplace(r.period, 0);
  int next = 0;
  for (auto& [p, c] : period_lookup) {
    c = next++;
    d.periods_.push_back(p);
  }

  for (std::size_t i = 0; i < records.size(); ++i) {
    const EstimateRecord& r = records[i];
    const auto row = static_cast<Eigen::Index>(i);
    d.unit_code_[row] = code(d.unit_lookup_, d.units_, r.unit);
    d.indicator_code_[row] = code(d.indicator_lookup_, d.indicators_, r.indicator);
    d.source_code_[row] = code(sources, d.sources_, r.source);
    d.method_code_[row] = code(methods, d.methods_, r.method);
    d.period_code_[row] = period_lookup.at(r.period);
    d.value_[row] = r.value;
    d.n_[row] = r.n;
    d.se_[row] = r.se;
    d.lo_[row] = r.ci_low;
    d.hi_[row] = r.ci_high;
    d.source_suppressed_[i] = r.suppressed ? 1 : 0;
  }

  // Mixed-radix key over the dictionary sizes; the check keeps it inside 64 bits.
  const auto nu = static_cast<std::uint64_t>(d.units_.size());
  const auto np = static_cast<std::uint64_t>(d.periods_.size());
  const auto ni = static_cast<std::uint64_t>(d.indicators_.size());
  if (nu > 0 && np > 0 && ni > 0 && nu > std::numeric_limits<std::uint64_t>::max() / np / ni) {
    throw DataError("too many distinct units, periods and indicators for one data set");
  }
  d.key_index_.reserve(records.size());
  for (Eigen::Index row = 0; row < rows; ++row) {
    const std::uint64_t key =
        (static_cast<std::uint64_t>(d.unit_code_[row]) * np + static_cast<std::uint64_t>(d.period_code_[row])) * ni +
        static_cast<std::uint64_t>(d.indicator_code_[row]);
    d.key_index_.emplace(key, static_cast<std::size_t>(row));
  }
  d.apply_suppression(threshold);
  return d;
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
  const auto it = key_index_.find(key);
  if (it == key_index_.end()) return std::nullopt;
  return it->second;
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
                                   describe_key(r) + " (also on row " + std::to_string(*row + 1) + " of this data set)");
      p.where.row = i + 1;
      problems.push_back(std::move(p));
    }
    records.push_back(std::move(r));
  }
  throw_problems<DataError>(std::move(problems));
  return build(records, threshold_);
}

}  // namespace doelenboom
