#pragma once
// The inside of Dataset (dataset.cpp): encoding records and columns into the column store and
// finishing it (dataset_encode.cpp), and the checks every way in shares (dataset_check.cpp).

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "core/diagnostics.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/period.hpp"

namespace doelenboom::detail {

/// "expected a year '2023', a quarter '2023-Q2' or a month '2023-05'".
[[nodiscard]] const char* period_expectation();
/// "a year", "a quarter", "a month".
[[nodiscard]] std::string article_frequency(Frequency f);
/// "unit 'x', period '2023', indicator 'y'".
[[nodiscard]] std::string describe_key(const std::string& unit, const Period& period, const std::string& indicator);
/// Number of possible (unit, period, indicator) keys; DataError when it does not fit in 64 bits.
[[nodiscard]] std::uint64_t key_space(std::size_t units, std::size_t periods, std::size_t indicators);

/// Problems in the order of their rows, the problems of the whole data first (stable).
void sort_by_row(std::vector<Problem>& problems);

/// Throws E for `problems` sorted by row, listed under the limit policy of core/diagnostics.hpp
/// (the error keeps them all); nothing for none.
template <class E>
void throw_problems(std::vector<Problem> problems) {
  if (problems.empty()) return;
  sort_by_row(problems);
  std::string message = join_problems(problems, "Dataset::check_csv / check_records list them all");
  throw E(message, std::move(problems));
}

/// Where row i came from: the locations of a CSV's rows, or row i + 1 of `source`.
struct RowPlaces {
  const std::vector<Location>* at = nullptr;
  std::string source;
  std::size_t count = 0;

  [[nodiscard]] Location operator()(std::size_t i) const {
    return at != nullptr ? (*at)[i] : Location{source, 0, i + 1, {}};
  }
  [[nodiscard]] std::size_t row(std::size_t i) const { return at != nullptr ? (*at)[i].row : i + 1; }
  /// The file named by problems of the whole data (a bad threshold); none when there are no rows.
  [[nodiscard]] std::string file() const {
    if (at != nullptr) return at->empty() ? std::string() : at->front().file;
    return count == 0 ? std::string() : source;
  }
};

/// Records and columns are first encoded into the data set's own form (dictionaries: units,
/// indicators, sources and methods in order of first appearance, periods sorted; per-row codes and
/// numbers), then checked row by row on the codes, with everything that depends only on a
/// dictionary entry (is the unit known, the indicator's range, is the period valid) worked out
/// once per entry. One check for every way in, so the messages are the same.
struct DatasetAccess {
  static void encode(const std::vector<EstimateRecord>& records, Dataset& d);
  /// Throws std::invalid_argument for columns of the wrong length and codes outside their dictionary.
  static void encode(const EstimateColumns& c, Dataset& d);
  /// The checks of check_records, on an encoded data set; `index` is filled with the keys.
  static void check(const Dataset& d, const RowPlaces& at, const DataContext& context, KeyIndex& index,
                    std::vector<Problem>& out);
  /// Lookups, key index (the checked one, or built here) and suppression: the data set is ready.
  static void finish(Dataset& d, const DataContext& context, KeyIndex* checked);
  static void set_origin(Dataset& d, std::string origin) { d.origin_ = std::move(origin); }

 private:
  static void encode_text(const EstimateColumns::Text& column, std::size_t rows, const char* name, bool optional,
                          std::vector<std::string>& dict, Eigen::VectorXi& out);
  static void sort_periods(const std::vector<Period>& distinct, Dataset& d);
};

/// The range check of the data set's own check (check_records words it), for a data set that
/// was built without the indicator definitions it is used with (a run of the pipeline on a tree
/// that carries them): the value and interval of every row whose indicator code k has
/// `checked[k]` set and a definition in `indicators` against the definition's range, each
/// problem at row i + 1 of the data set's origin(). Collected through `sink` (the limit policy of
/// core/diagnostics.hpp: a provider who sends every share as a percentage fails every row).
/// Suppressed rows are checked too (only a missing value is allowed them).
void check_ranges(const Dataset& d, const IndicatorSet& indicators, const std::vector<char>& checked, ProblemSink& sink);

/// The rows of a table that were read, each with where it came from, checked and listed with
/// `problems` (those of the table and of the cells that could not be read): ParseError when there
/// are such, DataError for problems of the values only, else the data set.
Dataset read_rows(const std::vector<EstimateRecord>& records, const std::vector<Location>& at,
                  std::vector<Problem> problems, const DataContext& context);

}  // namespace doelenboom::detail
