// The data set of estimates: checking records and CSV files (every problem with file, row, field,
// value and what was expected), the column store, suppression and the export paths.

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

namespace doelenboom {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

constexpr std::string_view required_columns[] = {"unit", "period", "indicator", "value"};
constexpr std::string_view all_columns[] = {"unit", "period", "indicator", "value",  "n",     "se",
                                            "ci_low", "ci_high", "suppressed", "source", "method"};

using detail::squote;  // long texts shortened, see core/diagnostics.hpp
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

std::string describe_key(const std::string& unit, const Period& period, const std::string& indicator) {
  return "unit " + squote(unit) + ", period " + squote(period.to_string()) + ", indicator " + squote(indicator);
}

bool valid_period(const Period& p) {
  const auto back = Period::parse(p.to_string());
  return back && *back == p;
}

// Where row i came from: the locations of a CSV's rows, or row i + 1 of `source`.
struct RowPlaces {
  const std::vector<Location>* at = nullptr;
  std::string source;
  std::size_t count = 0;

  [[nodiscard]] Location operator()(std::size_t i) const {
    return at != nullptr ? (*at)[i] : Location{source, 0, i + 1, {}};
  }
  [[nodiscard]] std::size_t row(std::size_t i) const { return at != nullptr ? (*at)[i].row : i + 1; }
  // The file named by problems of the whole data (a bad threshold); none when there are no rows.
  [[nodiscard]] std::string file() const {
    if (at != nullptr) return at->empty() ? std::string() : at->front().file;
    return count == 0 ? std::string() : source;
  }
};

// A period as one number (frequency, year and part exactly, so that an invalid period is never
// taken for a valid one), for hashing.
std::uint64_t period_key(const Period& p) noexcept {
  return (static_cast<std::uint64_t>(p.frequency) << 62) ^
         (static_cast<std::uint64_t>(static_cast<std::uint32_t>(p.year)) << 30) ^
         static_cast<std::uint64_t>(static_cast<std::uint32_t>(p.sub));
}

// Distinct periods (by exact value) in sorted order; ties of the ordering (only between invalid
// periods) keep a stable order so that each distinct period gets its own code.
std::vector<int> sorted_ranks(const std::vector<Period>& distinct) {
  std::vector<int> order(distinct.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const Period& x = distinct[static_cast<std::size_t>(a)];
    const Period& y = distinct[static_cast<std::size_t>(b)];
    if (const auto c = x <=> y; c != 0) return c < 0;
    return std::pair{x.year, x.sub} < std::pair{y.year, y.sub};
  });
  std::vector<int> rank(distinct.size());
  for (std::size_t k = 0; k < order.size(); ++k) rank[static_cast<std::size_t>(order[k])] = static_cast<int>(k);
  return rank;
}

// Number of possible (unit, period, indicator) keys; DataError when it does not fit in 64 bits.
std::uint64_t key_space(std::size_t units, std::size_t periods, std::size_t indicators) {
  const auto nu = static_cast<std::uint64_t>(units);
  const auto np = static_cast<std::uint64_t>(periods);
  const auto ni = static_cast<std::uint64_t>(indicators);
  if (nu > 0 && np > 0 && ni > 0 && nu > std::numeric_limits<std::uint64_t>::max() / np / ni) {
    throw DataError("too many distinct units, periods and indicators for one data set");
  }
  return nu * np * ni;
}

std::string column_length_message(const char* column, std::size_t size, std::size_t rows) {
  return "Dataset::from_columns: column '" + std::string(column) + "' has " + std::to_string(size) +
         " values, expected " + std::to_string(rows) + " (the length of period_codes) or none";
}

void copy_numbers(std::span<const double> from, std::size_t rows, const char* column, Eigen::VectorXd& to) {
  if (from.empty()) {
    to.setConstant(static_cast<Eigen::Index>(rows), nan);
    return;
  }
  if (from.size() != rows) throw std::invalid_argument(column_length_message(column, from.size(), rows));
  to = Eigen::Map<const Eigen::VectorXd>(from.data(), static_cast<Eigen::Index>(rows));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Key index

namespace detail {

void KeyIndex::reset(std::uint64_t key_space, std::size_t rows) {
  table_.clear();
  map_.clear();
  // A direct table costs 4 bytes per possible key: worth it while the rows fill a good part of it.
  dense_ = rows < std::numeric_limits<std::uint32_t>::max() && key_space <= 4 * static_cast<std::uint64_t>(rows) + 1024;
  if (dense_) {
    table_.assign(static_cast<std::size_t>(key_space), 0);
  } else {
    map_.reserve(rows);
  }
}

std::optional<std::size_t> KeyIndex::insert(std::uint64_t key, std::size_t row) {
  if (dense_) {
    std::uint32_t& slot = table_[static_cast<std::size_t>(key)];
    if (slot != 0) return std::size_t{slot} - 1;
    slot = static_cast<std::uint32_t>(row + 1);
    return std::nullopt;
  }
  const auto [it, fresh] = map_.emplace(key, row);
  if (!fresh) return it->second;
  return std::nullopt;
}

std::optional<std::size_t> KeyIndex::find(std::uint64_t key) const {
  if (dense_) {
    if (key >= table_.size() || table_[static_cast<std::size_t>(key)] == 0) return std::nullopt;
    return std::size_t{table_[static_cast<std::size_t>(key)]} - 1;
  }
  const auto it = map_.find(key);
  if (it == map_.end()) return std::nullopt;
  return it->second;
}

// ---------------------------------------------------------------------------------------------
// Encoding and checking. Records and columns are first encoded into the data set's own form
// (dictionaries: units, indicators, sources and methods in order of first appearance, periods
// sorted; per-row codes and numbers), then checked row by row on the codes, with everything that
// depends only on a dictionary entry (is the unit known, the indicator's range, is the period
// valid) worked out once per entry. One check for every way in, so the messages are the same.

struct DatasetAccess {
  static void encode(const std::vector<EstimateRecord>& records, Dataset& d) {
    const std::size_t rows = records.size();
    const auto n = static_cast<Eigen::Index>(rows);
    d.unit_code_.resize(n);
    d.period_code_.resize(n);
    d.indicator_code_.resize(n);
    d.source_code_.resize(n);
    d.method_code_.resize(n);
    d.value_.resize(n);
    d.n_.resize(n);
    d.se_.resize(n);
    d.lo_.resize(n);
    d.hi_.resize(n);
    d.source_suppressed_.assign(rows, 0);
    // Views into the records, which outlive the encoding.
    std::unordered_map<std::string_view, int> units, indicators, sources, methods;
    const auto code = [](std::unordered_map<std::string_view, int>& lookup, std::vector<std::string>& dict,
                         const std::string& text) {
      const auto [it, fresh] = lookup.emplace(text, static_cast<int>(dict.size()));
      if (fresh) dict.push_back(text);
      return it->second;
    };
    std::unordered_map<std::uint64_t, int> period_lookup;
    std::vector<Period> distinct;
    for (std::size_t i = 0; i < rows; ++i) {
      const EstimateRecord& r = records[i];
      const auto row = static_cast<Eigen::Index>(i);
      d.unit_code_[row] = code(units, d.units_, r.unit);
      d.indicator_code_[row] = code(indicators, d.indicators_, r.indicator);
      d.source_code_[row] = code(sources, d.sources_, r.source);
      d.method_code_[row] = code(methods, d.methods_, r.method);
      const auto [it, fresh] = period_lookup.emplace(period_key(r.period), static_cast<int>(distinct.size()));
      if (fresh) distinct.push_back(r.period);
      d.period_code_[row] = it->second;
      d.value_[row] = r.value;
      d.n_[row] = r.n;
      d.se_[row] = r.se;
      d.lo_[row] = r.ci_low;
      d.hi_[row] = r.ci_high;
      d.source_suppressed_[i] = r.suppressed ? 1 : 0;
    }
    sort_periods(distinct, d);
  }

  static void encode(const EstimateColumns& c, Dataset& d) {
    const std::size_t rows = c.period_codes.size();
    const auto n = static_cast<Eigen::Index>(rows);
    encode_text(c.unit, rows, "unit", false, d.units_, d.unit_code_);
    encode_text(c.indicator, rows, "indicator", false, d.indicators_, d.indicator_code_);
    encode_text(c.source, rows, "source", true, d.sources_, d.source_code_);
    encode_text(c.method, rows, "method", true, d.methods_, d.method_code_);

    // Periods: equal entries of the dictionary share a code; only the periods used are kept.
    std::unordered_map<std::uint64_t, int> lookup;
    std::vector<int> canonical(c.periods.size());
    std::vector<Period> entries;
    for (std::size_t k = 0; k < c.periods.size(); ++k) {
      const auto [it, fresh] = lookup.emplace(period_key(c.periods[k]), static_cast<int>(entries.size()));
      if (fresh) entries.push_back(c.periods[k]);
      canonical[k] = it->second;
    }
    std::vector<int> used(entries.size(), -1);
    std::vector<Period> distinct;
    d.period_code_.resize(n);
    for (std::size_t i = 0; i < rows; ++i) {
      const std::int64_t code = c.period_codes[i];
      if (code < 0 || code >= static_cast<std::int64_t>(c.periods.size())) {
        throw std::invalid_argument("Dataset::from_columns: row " + std::to_string(i + 1) + " of column 'period' has code " +
                                    std::to_string(code) + ", outside its dictionary of " +
                                    std::to_string(c.periods.size()) + " periods");
      }
      int& u = used[static_cast<std::size_t>(canonical[static_cast<std::size_t>(code)])];
      if (u < 0) {
        u = static_cast<int>(distinct.size());
        distinct.push_back(entries[static_cast<std::size_t>(canonical[static_cast<std::size_t>(code)])]);
      }
      d.period_code_[static_cast<Eigen::Index>(i)] = u;
    }
    sort_periods(distinct, d);

    copy_numbers(c.value, rows, "value", d.value_);
    copy_numbers(c.n, rows, "n", d.n_);
    copy_numbers(c.se, rows, "se", d.se_);
    copy_numbers(c.ci_low, rows, "ci_low", d.lo_);
    copy_numbers(c.ci_high, rows, "ci_high", d.hi_);
    d.source_suppressed_.assign(rows, 0);
    if (!c.suppressed.empty()) {
      if (c.suppressed.size() != rows) throw std::invalid_argument(column_length_message("suppressed", c.suppressed.size(), rows));
      for (std::size_t i = 0; i < rows; ++i) d.source_suppressed_[i] = c.suppressed[i] != 0 ? 1 : 0;
    }
  }

  // The checks of check_records, on an encoded data set; `index` is filled with the keys.
  static void check(const Dataset& d, const RowPlaces& at, const DataContext& context, KeyIndex& index,
                    std::vector<Problem>& out) {
    const auto cell = [&](std::size_t i, std::string_view field) {
      Location w = at(i);
      w.field = std::string(field);
      return w;
    };
    const auto add = [&](std::string code, std::size_t i, std::string_view field, std::vector<std::string> ids,
                         const std::string& what) {
      out.push_back(detail::cell_problem(std::move(code), cell(i, field), std::move(ids), what));
    };
    if (!std::isfinite(context.suppression_threshold) || context.suppression_threshold < 0.0) {
      out.push_back(make_problem("bad_threshold", Location{at.file(), 0, 0, {}}, {},
                                 "suppression threshold " + num(context.suppression_threshold) +
                                     " is not valid (expected a number of 0 or more; 0 turns suppression by n off)"));
    }

    // Once per dictionary entry.
    std::vector<char> period_ok(d.periods_.size());
    for (std::size_t p = 0; p < d.periods_.size(); ++p) period_ok[p] = valid_period(d.periods_[p]) ? 1 : 0;
    std::vector<char> unit_unknown(d.units_.size(), 0);
    if (context.units != nullptr) {
      for (std::size_t u = 0; u < d.units_.size(); ++u) {
        unit_unknown[u] = !d.units_[u].empty() && context.units->find(d.units_[u]) == nullptr ? 1 : 0;
      }
    }
    struct Range {
      const IndicatorDefinition* definition = nullptr;
      double lo = 0.0, hi = 0.0;
    };
    std::vector<Range> ranges(d.indicators_.size());
    if (context.indicators != nullptr) {
      for (std::size_t k = 0; k < d.indicators_.size(); ++k) {
        if (d.indicators_[k].empty()) continue;
        Range& r = ranges[k];
        r.definition = context.indicators->find(d.indicators_[k]);
        if (r.definition != nullptr) std::tie(r.lo, r.hi) = r.definition->valid_range();
      }
    }

    const std::size_t rows = d.size();
    index.reset(key_space(d.units_.size(), d.periods_.size(), d.indicators_.size()), rows);
    const auto np = static_cast<std::uint64_t>(d.periods_.size());
    const auto ni = static_cast<std::uint64_t>(d.indicators_.size());
    std::optional<std::size_t> first_period;  // the row that fixes the frequency
    for (std::size_t i = 0; i < rows; ++i) {
      const auto row = static_cast<Eigen::Index>(i);
      const auto u = static_cast<std::size_t>(d.unit_code_[row]);
      const auto p = static_cast<std::size_t>(d.period_code_[row]);
      const auto k = static_cast<std::size_t>(d.indicator_code_[row]);
      const std::string& unit = d.units_[u];
      const std::string& indicator = d.indicators_[k];
      const Period& period = d.periods_[p];
      const auto ids = [&] { return std::vector<std::string>{unit, indicator}; };
      bool key_ok = true;
      if (unit.empty()) {
        add("missing_value", i, "unit", {}, "the unit is empty (expected a unit id)");
        key_ok = false;
      }
      if (indicator.empty()) {
        add("missing_value", i, "indicator", {}, "the indicator is empty (expected an indicator id)");
        key_ok = false;
      }
      if (period_ok[p] == 0) {
        add("bad_period", i, "period", ids(),
            "year " + std::to_string(period.year) + ", part " + std::to_string(period.sub) + " is not a valid " +
                std::string(to_string(period.frequency)) + " (" + period_expectation() + ", years 1900 to 2999)");
        key_ok = false;
      } else if (!first_period) {
        first_period = i;
      } else if (const Period& f = d.periods_[static_cast<std::size_t>(d.period_code_[static_cast<Eigen::Index>(*first_period)])];
                 period.frequency != f.frequency) {
        add("mixed_frequency", i, "period", ids(),
            squote(period.to_string()) + " is " + article_frequency(period.frequency) + ", but row " +
                std::to_string(at.row(*first_period)) + " holds " + article_frequency(f.frequency) + " (" +
                squote(f.to_string()) + "; expected periods of one frequency in a data set)");
      }

      const double value = d.value_[row];
      if (std::isnan(value)) {
        if (d.source_suppressed_[i] == 0) {
          add("missing_value", i, "value", ids(),
              "the value is missing (expected a number; a cell suppressed at the source has suppressed = 1)");
        }
      } else if (!std::isfinite(value)) {
        add("bad_value", i, "value", ids(), num(value) + " is not a finite number");
      }
      const auto non_negative = [&](double x, std::string_view field, const char* what) {
        if (std::isnan(x)) return;
        if (!std::isfinite(x)) {
          add("bad_value", i, field, ids(), num(x) + " is not a finite number (expected " + what + ")");
        } else if (x < 0.0) {
          add("negative", i, field, ids(), num(x) + " is negative (expected " + what + ")");
        }
      };
      non_negative(d.n_[row], "n", "a base n of 0 or more");
      non_negative(d.se_[row], "se", "a standard error of 0 or more");
      const double low = d.lo_[row], high = d.hi_[row];
      bool interval_ok = true;
      for (const auto& [x, field] : {std::pair{low, "ci_low"}, std::pair{high, "ci_high"}}) {
        if (!std::isnan(x) && !std::isfinite(x)) {
          add("bad_value", i, field, ids(), num(x) + " is not a finite number (expected an interval bound)");
          interval_ok = false;
        }
      }
      if (std::isnan(low) != std::isnan(high)) {
        add("bad_interval", i, std::isnan(low) ? "ci_low" : "ci_high", ids(),
            std::string("the bound is missing while ") + (std::isnan(low) ? "ci_high" : "ci_low") +
                " is given (expected both bounds of the interval or neither)");
        interval_ok = false;
      } else if (interval_ok && low > high) {
        add("bad_interval", i, "ci_low", ids(), num(low) + " is above ci_high " + num(high) + " (expected ci_low <= ci_high)");
        interval_ok = false;
      }

      if (key_ok) {
        const std::uint64_t key = (static_cast<std::uint64_t>(u) * np + p) * ni + k;
        if (const auto first = index.insert(key, i)) {
          add("duplicate_key", i, {}, ids(),
              "duplicate estimate for " + describe_key(unit, period, indicator) + " (also on row " +
                  std::to_string(at.row(*first)) + "; expected one row per unit, period and indicator)");
        }
      }

      if (unit_unknown[u] != 0) {
        std::string what = "unknown unit " + squote(unit) + " (expected a unit id of the unit registry";
        if (const auto* named = context.units->find_by_name(unit)) {
          what += "; " + squote(unit) + " is the name of " + squote(named->id);
        }
        add("unknown_unit", i, "unit", {unit}, what + ")");
      }
      if (context.indicators != nullptr && !indicator.empty()) {
        const Range& r = ranges[k];
        if (r.definition == nullptr) {
          add("unknown_indicator", i, "indicator", {indicator},
              "unknown indicator " + squote(indicator) + " (expected an indicator id of the indicator set)");
        } else {
          const auto kind = [&] {
            return std::string(to_string(r.definition->measure)) + " indicator " + squote(r.definition->id);
          };
          if (std::isfinite(value) && (value < r.lo || value > r.hi)) {
            add("out_of_range", i, "value", ids(),
                num(value) + " is outside " + range_text(r.lo, r.hi) + " for " + kind() + " (expected " +
                    range_expectation(*r.definition) + ")");
          }
          if (interval_ok && !std::isnan(low) && (low < r.lo || high > r.hi)) {
            const bool low_bad = low < r.lo;
            add("out_of_range", i, low_bad ? "ci_low" : "ci_high", ids(),
                num(low_bad ? low : high) + " is outside " + range_text(r.lo, r.hi) + " for " + kind() +
                    " (expected an interval inside the indicator's range; Wilson intervals for proportions always are)");
          }
        }
      }
    }
  }

  // Lookups, key index (the checked one, or built here) and suppression: the data set is ready.
  static void finish(Dataset& d, double threshold, KeyIndex* checked) {
    if (checked != nullptr) {
      d.key_index_ = std::move(*checked);
    } else {
      const std::size_t rows = d.size();
      d.key_index_.reset(key_space(d.units_.size(), d.periods_.size(), d.indicators_.size()), rows);
      const auto np = static_cast<std::uint64_t>(d.periods_.size());
      const auto ni = static_cast<std::uint64_t>(d.indicators_.size());
      for (std::size_t i = 0; i < rows; ++i) {
        const auto row = static_cast<Eigen::Index>(i);
        const std::uint64_t key =
            (static_cast<std::uint64_t>(d.unit_code_[row]) * np + static_cast<std::uint64_t>(d.period_code_[row])) * ni +
            static_cast<std::uint64_t>(d.indicator_code_[row]);
        d.key_index_.insert(key, i);
      }
    }
    d.unit_lookup_.reserve(d.units_.size());
    for (std::size_t u = 0; u < d.units_.size(); ++u) d.unit_lookup_.emplace(d.units_[u], static_cast<int>(u));
    d.indicator_lookup_.reserve(d.indicators_.size());
    for (std::size_t k = 0; k < d.indicators_.size(); ++k) d.indicator_lookup_.emplace(d.indicators_[k], static_cast<int>(k));
    d.suppressed_.assign(d.size(), 0);
    d.apply_suppression(threshold);
  }

 private:
  // Codes of one text column in the data set's order (first appearance), through one table entry
  // per dictionary entry: equal texts share a code, -1 reads as empty text.
  static void encode_text(const EstimateColumns::Text& column, std::size_t rows, const char* name, bool optional,
                          std::vector<std::string>& dict, Eigen::VectorXi& out) {
    out.resize(static_cast<Eigen::Index>(rows));
    if (column.codes.empty() && rows > 0) {
      if (!optional) throw std::invalid_argument(column_length_message(name, 0, rows));
      dict.assign(1, std::string());
      out.setZero();
      return;
    }
    if (column.codes.size() != rows) throw std::invalid_argument(column_length_message(name, column.codes.size(), rows));
    std::unordered_map<std::string_view, int> texts;
    std::vector<std::string_view> text_of;  // by canonical id
    std::vector<int> canonical(column.dictionary.size() + 1);  // entry k + 1; entry 0 = missing
    const auto add_text = [&](std::string_view text) {
      const auto [it, fresh] = texts.emplace(text, static_cast<int>(text_of.size()));
      if (fresh) text_of.push_back(text);
      return it->second;
    };
    canonical[0] = add_text(std::string_view());
    for (std::size_t k = 0; k < column.dictionary.size(); ++k) canonical[k + 1] = add_text(column.dictionary[k]);
    std::vector<int> code_of(text_of.size(), -1);  // canonical id -> data set code
    const auto size = static_cast<std::int64_t>(column.dictionary.size());
    for (std::size_t i = 0; i < rows; ++i) {
      const std::int64_t code = column.codes[i];
      if (code < -1 || code >= size) {
        throw std::invalid_argument("Dataset::from_columns: row " + std::to_string(i + 1) + " of column '" + name +
                                    "' has code " + std::to_string(code) + ", outside its dictionary of " +
                                    std::to_string(size) + " entries");
      }
      const auto id = static_cast<std::size_t>(canonical[static_cast<std::size_t>(code + 1)]);
      int& f = code_of[id];
      if (f < 0) {
        f = static_cast<int>(dict.size());
        dict.emplace_back(text_of[id]);
      }
      out[static_cast<Eigen::Index>(i)] = f;
    }
  }

  // The distinct periods (codes index them) into the sorted dictionary, codes remapped.
  static void sort_periods(const std::vector<Period>& distinct, Dataset& d) {
    const std::vector<int> rank = sorted_ranks(distinct);
    d.periods_.assign(distinct.size(), Period{});
    for (std::size_t k = 0; k < distinct.size(); ++k) d.periods_[static_cast<std::size_t>(rank[k])] = distinct[k];
    for (Eigen::Index row = 0; row < d.period_code_.size(); ++row) {
      d.period_code_[row] = rank[static_cast<std::size_t>(d.period_code_[row])];
    }
  }
};

}  // namespace detail

namespace {

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

}  // namespace

// ---------------------------------------------------------------------------------------------

std::vector<Problem> Dataset::check_records(const std::vector<EstimateRecord>& records, const DataContext& context,
                                            const std::string& source) {
  Dataset d;
  detail::DatasetAccess::encode(records, d);
  detail::KeyIndex index;
  std::vector<Problem> out;
  detail::DatasetAccess::check(d, RowPlaces{nullptr, source, records.size()}, context, index, out);
  sort_by_row(out);
  return out;
}

Dataset Dataset::from_records(const std::vector<EstimateRecord>& records, const DataContext& context,
                              const std::string& source) {
  Dataset d;
  detail::DatasetAccess::encode(records, d);
  detail::KeyIndex index;
  std::vector<Problem> problems;
  detail::DatasetAccess::check(d, RowPlaces{nullptr, source, records.size()}, context, index, problems);
  throw_problems<DataError>(std::move(problems));
  detail::DatasetAccess::finish(d, context.suppression_threshold, &index);
  return d;
}

std::vector<Problem> Dataset::check_columns(const EstimateColumns& columns, const DataContext& context,
                                            const std::string& source) {
  Dataset d;
  detail::DatasetAccess::encode(columns, d);
  detail::KeyIndex index;
  std::vector<Problem> out;
  detail::DatasetAccess::check(d, RowPlaces{nullptr, source, d.size()}, context, index, out);
  sort_by_row(out);
  return out;
}

Dataset Dataset::from_columns(const EstimateColumns& columns, const DataContext& context, const std::string& source) {
  Dataset d;
  detail::DatasetAccess::encode(columns, d);
  detail::KeyIndex index;
  std::vector<Problem> problems;
  detail::DatasetAccess::check(d, RowPlaces{nullptr, source, d.size()}, context, index, problems);
  throw_problems<DataError>(std::move(problems));
  detail::DatasetAccess::finish(d, context.suppression_threshold, &index);
  return d;
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
  if (parse_csv(path, records, at, problems, cell_problems)) {
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
