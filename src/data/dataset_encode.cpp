// Encoding records and columns into a Dataset's column store (dictionaries in order of first
// appearance, periods sorted, per-row codes and numbers), and the key index that finds a row.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "data/dataset_internal.hpp"

namespace doelenboom::detail {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

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

std::uint64_t key_space(std::size_t units, std::size_t periods, std::size_t indicators) {
  const auto nu = static_cast<std::uint64_t>(units);
  const auto np = static_cast<std::uint64_t>(periods);
  const auto ni = static_cast<std::uint64_t>(indicators);
  if (nu > 0 && np > 0 && ni > 0 && nu > std::numeric_limits<std::uint64_t>::max() / np / ni) {
    throw DataError("too many distinct units, periods and indicators for one data set");
  }
  return nu * np * ni;
}

// ---------------------------------------------------------------------------------------------
// Key index

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
// Encoding

void DatasetAccess::encode(const std::vector<EstimateRecord>& records, Dataset& d) {
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
  d.share_.assign(rows, 0);
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
    d.share_[i] = r.share ? 1 : 0;
  }
  sort_periods(distinct, d);
}

void DatasetAccess::encode(const EstimateColumns& c, Dataset& d) {
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
  d.share_.assign(rows, 0);
  if (!c.share.empty()) {
    if (c.share.size() != rows) throw std::invalid_argument(column_length_message("share", c.share.size(), rows));
    for (std::size_t i = 0; i < rows; ++i) d.share_[i] = c.share[i] != 0 ? 1 : 0;
  }
}

// Codes of one text column in the data set's order (first appearance), through one table entry
// per dictionary entry: equal texts share a code, -1 reads as empty text.
void DatasetAccess::encode_text(const EstimateColumns::Text& column, std::size_t rows, const char* name, bool optional,
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
void DatasetAccess::sort_periods(const std::vector<Period>& distinct, Dataset& d) {
  const std::vector<int> rank = sorted_ranks(distinct);
  d.periods_.assign(distinct.size(), Period{});
  for (std::size_t k = 0; k < distinct.size(); ++k) d.periods_[static_cast<std::size_t>(rank[k])] = distinct[k];
  for (Eigen::Index row = 0; row < d.period_code_.size(); ++row) {
    d.period_code_[row] = rank[static_cast<std::size_t>(d.period_code_[row])];
  }
}

void DatasetAccess::finish(Dataset& d, const DataContext& context, KeyIndex* checked) {
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
  // Indicators defined as proportions are shares, whoever computed them.
  if (context.indicators != nullptr) {
    std::vector<std::uint8_t> proportion(d.indicators_.size(), 0);
    for (std::size_t k = 0; k < d.indicators_.size(); ++k) {
      const IndicatorDefinition* def = context.indicators->find(d.indicators_[k]);
      proportion[k] = def != nullptr && def->measure == Measure::proportion ? 1 : 0;
    }
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (proportion[static_cast<std::size_t>(d.indicator_code_[static_cast<Eigen::Index>(i)])] != 0) d.share_[i] = 1;
    }
  }
  d.suppressed_.assign(d.size(), 0);
  d.apply_suppression(context.suppression_threshold, context.small_count_threshold);
}

}  // namespace doelenboom::detail
