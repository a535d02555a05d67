#pragma once
// A data set of estimates: per (unit, period, indicator) a value with its base n, standard error,
// confidence interval, suppression flag, source and the method that computed it. Stored by
// column (Eigen vectors for the numbers, dictionary-coded strings) so that the aggregation engine
// can work on whole columns.
//
// Privacy: an estimate whose base n is below the suppression threshold (default 10) is flagged
// suppressed; every export path (CSV, pandas, reports) blanks its numbers (value, n, se and
// interval: a small n is itself a disclosive count) and shows the flag. The numbers stay inside
// the library so that aggregates over several cells can still be computed.
// An estimate without n (NaN) cannot be judged and is not suppressed: supply n to protect it.
// An estimate that arrives already suppressed (suppressed = true on input, e.g. a CSV written by
// write_csv) stays suppressed whatever the threshold; its value may then be missing (NaN).

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/error.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom {

struct CellTable;  // doelenboom/cell_table.hpp

inline constexpr double default_suppression_threshold = 10.0;
/// Shares (value = k / n) are suppressed when k or n - k, the persons with and without the
/// property, is below this (docs/privacy.md: the small-count rule).
inline constexpr double default_small_count_threshold = 5.0;

/// One estimate as plain data.
struct EstimateRecord {
  std::string unit;
  Period period;
  std::string indicator;
  double value = std::numeric_limits<double>::quiet_NaN();
  double n = std::numeric_limits<double>::quiet_NaN();        ///< base (respondents, clients, ...)
  double se = std::numeric_limits<double>::quiet_NaN();       ///< standard error
  double ci_low = std::numeric_limits<double>::quiet_NaN();   ///< confidence interval (95% unless the method says otherwise)
  double ci_high = std::numeric_limits<double>::quiet_NaN();
  /// On input: suppressed at the source (kept whatever the threshold; the value may be NaN).
  /// On output (record(), export_records()): suppressed, numbers blanked.
  bool suppressed = false;
  /// The value is a share of the n persons (value * n of them have the property): the
  /// small-count rule applies. Set by the estimators of shares; a data set also marks the rows of
  /// indicators whose definition has measure proportion. Not part of operator== (files do not
  /// carry it).
  bool share = false;
  std::string source;  ///< where the data came from (file, instrument, provider)
  std::string method;  ///< how it was computed, e.g. "wilson 95%", "distinct clients"

  /// Field by field, where two missing numbers (NaN) are equal: a round trip keeps missing as missing.
  friend bool operator==(const EstimateRecord& a, const EstimateRecord& b) noexcept {
    const auto same = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
    return a.unit == b.unit && a.period == b.period && a.indicator == b.indicator && same(a.value, b.value) &&
           same(a.n, b.n) && same(a.se, b.se) && same(a.ci_low, b.ci_low) && same(a.ci_high, b.ci_high) &&
           a.suppressed == b.suppressed && a.source == b.source && a.method == b.method;
  }
};

/// Estimates by column, for Dataset::from_columns: the text columns and the periods as codes into
/// dictionaries, the numbers as arrays, all of the same length (period_codes.size() rows). This is
/// how a large table (a DataFrame, a column store) gets in without a string per row. The views
/// must stay valid during the call.
struct EstimateColumns {
  /// A dictionary-coded text column: per row a code into `dictionary`, -1 for missing (read as
  /// empty text). Entries may repeat (equal texts are one value) and need not all be used. No
  /// codes at all (an empty span) is empty text in every row; allowed for source and method only.
  struct Text {
    std::span<const std::int64_t> codes;
    std::span<const std::string> dictionary;
  };
  Text unit, indicator, source, method;
  std::span<const std::int64_t> period_codes;  ///< per row a code into `periods` (no missing periods)
  std::span<const Period> periods;
  /// Numbers per row; an empty span is missing (NaN) in every row.
  std::span<const double> value, n, se, ci_low, ci_high;
  std::span<const std::uint8_t> suppressed;  ///< per row nonzero = suppressed at the source; empty = none
  std::span<const std::uint8_t> share;       ///< per row nonzero = a share (EstimateRecord::share); empty = none
};

namespace detail {
/// (unit, period, indicator) codes packed into one mixed-radix key -> row: a direct table when the
/// key space is small next to the number of rows (the usual panel of units x periods x
/// indicators), else a hash map.
class KeyIndex {
 public:
  void reset(std::uint64_t key_space, std::size_t rows);
  /// Adds key -> row unless the key is there already; returns the row it already had.
  std::optional<std::size_t> insert(std::uint64_t key, std::size_t row);
  [[nodiscard]] std::optional<std::size_t> find(std::uint64_t key) const;

 private:
  std::vector<std::uint32_t> table_;  ///< row + 1 per key, 0 = absent (dense)
  std::unordered_map<std::uint64_t, std::size_t> map_;
  bool dense_ = false;
};
struct DatasetAccess;
}  // namespace detail

/// What to check data against. Null pointers skip that check.
struct DataContext {
  const IndicatorSet* indicators = nullptr;  ///< unknown indicator ids and out-of-range values are errors
  const UnitRegistry* units = nullptr;       ///< unknown unit ids are errors
  double suppression_threshold = default_suppression_threshold;  ///< n below this is suppressed
  /// A share whose k or n - k persons are below this is suppressed; 0 turns the rule off.
  double small_count_threshold = default_small_count_threshold;
};

class Dataset {
 public:
  Dataset() = default;

  /// Build from records; checks every record (empty unit or indicator id, duplicate (unit,
  /// period, indicator), missing (unless suppressed at the source) or infinite value, negative or
  /// non-finite n or se, ci_low > ci_high, periods of mixed frequency, and against the context:
  /// unknown unit or indicator, value or interval outside the indicator's range) and throws
  /// DataError listing every problem with its row (1-based, in record order). Then applies the
  /// suppression threshold of the context. `source` names the records in messages (e.g. "DataFrame").
  /// Convenient for small inputs; large ones go in by column with from_columns().
  static Dataset from_records(const std::vector<EstimateRecord>& records, const DataContext& context = {},
                              const std::string& source = {});
  /// Every problem of the records, empty when they are valid.
  static std::vector<Problem> check_records(const std::vector<EstimateRecord>& records, const DataContext& context = {},
                                            const std::string& source = {});
  /// The same from columns (EstimateColumns): the same checks and messages as from_records, row
  /// for row, but worked on codes (each distinct unit, period and indicator is looked up once), so
  /// it is the fast way in for large inputs (1.4 million rows in tens of milliseconds). Throws
  /// std::invalid_argument for columns of different lengths or codes outside their dictionary.
  static Dataset from_columns(const EstimateColumns& columns, const DataContext& context = {},
                              const std::string& source = {});
  static std::vector<Problem> check_columns(const EstimateColumns& columns, const DataContext& context = {},
                                            const std::string& source = {});
  /// Read a table given by column (doelenboom/cell_table.hpp: a data frame's columns) as read_csv
  /// reads a file: the same columns, cell rules, checks and messages, with rows numbered from 1
  /// and the table's source in place of the file. Numbers may come as numbers or as texts; a
  /// number in a text column reads as the text it is written as. Each distinct text is read once
  /// and columns of numbers are read in place, so this is as fast as from_columns.
  static Dataset from_table(const CellTable& table, const DataContext& context = {});

  /// Read a CSV with columns unit, period, indicator, value and optional n, se, ci_low, ci_high,
  /// suppressed (1/0, true/false or empty), source, method (other columns are an error). Empty
  /// cells are missing. Throws ParseError (file structure, cells that are not numbers or periods)
  /// or DataError (values), naming file, row, column, value and what was expected.
  static Dataset read_csv(const std::filesystem::path& path, const DataContext& context = {});
  /// All problems of a CSV file at once (validation mode), never throws for bad content.
  static std::vector<Problem> check_csv(const std::filesystem::path& path, const DataContext& context = {});
  /// Write CSV (atomically: temporary file, then rename) with the columns unit, period, indicator,
  /// value, n, se, ci_low, ci_high, suppressed, source, method. Suppressed rows have empty value,
  /// n, se and interval and suppressed = 1. Numbers are written in their shortest round-trip form,
  /// so read_csv gives back the same doubles.
  void write_csv(const std::filesystem::path& path) const;

  /// What the rows were read from, for messages about them after construction (the pipeline's
  /// check against the tree's indicator definitions): the CSV file, the table's source
  /// ("DataFrame"), the `source` given to from_records or from_columns; empty when unknown (a
  /// concatenation). Row i of the data set is row i + 1 of it.
  [[nodiscard]] const std::string& origin() const noexcept { return origin_; }

  [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(value_.size()); }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }

  /// Dictionaries: distinct units and indicators in order of first appearance; periods sorted.
  [[nodiscard]] const std::vector<std::string>& units() const noexcept { return units_; }
  [[nodiscard]] const std::vector<Period>& periods() const noexcept { return periods_; }
  [[nodiscard]] const std::vector<std::string>& indicators() const noexcept { return indicators_; }
  [[nodiscard]] const std::vector<std::string>& sources() const noexcept { return sources_; }
  [[nodiscard]] const std::vector<std::string>& methods() const noexcept { return methods_; }

  /// Per-row codes into the dictionaries.
  [[nodiscard]] const Eigen::VectorXi& unit_codes() const noexcept { return unit_code_; }
  [[nodiscard]] const Eigen::VectorXi& period_codes() const noexcept { return period_code_; }
  [[nodiscard]] const Eigen::VectorXi& indicator_codes() const noexcept { return indicator_code_; }
  [[nodiscard]] const Eigen::VectorXi& source_codes() const noexcept { return source_code_; }
  [[nodiscard]] const Eigen::VectorXi& method_codes() const noexcept { return method_code_; }

  /// Per-row numbers. These are the internal values: suppressed rows keep their numbers here, so
  /// everything that leaves the library must go through record(), export_records() or write_csv().
  [[nodiscard]] const Eigen::VectorXd& values() const noexcept { return value_; }
  [[nodiscard]] const Eigen::VectorXd& n() const noexcept { return n_; }
  [[nodiscard]] const Eigen::VectorXd& se() const noexcept { return se_; }
  [[nodiscard]] const Eigen::VectorXd& ci_low() const noexcept { return lo_; }
  [[nodiscard]] const Eigen::VectorXd& ci_high() const noexcept { return hi_; }
  [[nodiscard]] const std::vector<std::uint8_t>& suppressed() const noexcept { return suppressed_; }
  [[nodiscard]] std::size_t suppressed_count() const noexcept;

  /// Re-apply the primary suppression rules: a row is suppressed when it was suppressed at the
  /// source, when n < threshold, or when it is a share whose k = value * n (rounded to whole
  /// persons) or n - k is below `small_count` (docs/privacy.md); the others are not. Thresholds of 0
  /// turn a rule off. Throws DataError for a negative or non-finite threshold. The one-argument
  /// form keeps the data set's small-count threshold.
  void apply_suppression(double threshold, double small_count);
  void apply_suppression(double threshold) { apply_suppression(threshold, small_count_); }
  [[nodiscard]] double suppression_threshold() const noexcept { return threshold_; }
  [[nodiscard]] double small_count_threshold() const noexcept { return small_count_; }
  /// Per row nonzero = a share (the small-count rule applies to it).
  [[nodiscard]] const std::vector<std::uint8_t>& shares() const noexcept { return share_; }
  /// Secondary suppression: the rows are suppressed from now on, whatever the thresholds (as if
  /// suppressed at the source), and leave the library blank like every suppressed row.
  /// Throws std::out_of_range for a row >= size().
  void suppress_rows(std::span<const std::size_t> rows);

  /// Row as it may leave the library: value, n, se and interval blanked (NaN) when suppressed.
  /// Throws std::out_of_range for a row >= size().
  [[nodiscard]] EstimateRecord record(std::size_t row) const;
  /// All rows as they may leave the library.
  [[nodiscard]] std::vector<EstimateRecord> export_records() const;
  /// The numeric columns as they may leave the library (copies, blanked where suppressed); with
  /// the dictionaries, codes and suppressed() this is export_records() by column.
  struct ExportColumns {
    Eigen::VectorXd value, n, se, ci_low, ci_high;
  };
  [[nodiscard]] ExportColumns export_columns() const;
  /// Row of (unit, period, indicator), if present.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view unit, const Period& period,
                                                std::string_view indicator) const;

  /// Rows of `other` appended; duplicates are an error (DataError naming the key).
  [[nodiscard]] Dataset concat(const Dataset& other) const;

 private:
  friend struct detail::DatasetAccess;  // the encoders and checks of dataset.cpp
  std::vector<std::string> units_, indicators_, sources_, methods_;
  std::vector<Period> periods_;
  Eigen::VectorXi unit_code_, period_code_, indicator_code_, source_code_, method_code_;
  Eigen::VectorXd value_, n_, se_, lo_, hi_;
  std::vector<std::uint8_t> suppressed_;
  std::vector<std::uint8_t> source_suppressed_;  ///< suppressed on input, whatever the threshold
  std::vector<std::uint8_t> share_;              ///< the row is a share of n persons
  std::string origin_;  ///< see origin()
  double threshold_ = default_suppression_threshold;
  double small_count_ = default_small_count_threshold;
  /// (unit code, period code, indicator code) -> row, for find().
  detail::KeyIndex key_index_;
  std::unordered_map<std::string, int> unit_lookup_, indicator_lookup_;  ///< dictionary text -> code
};

}  // namespace doelenboom
