#pragma once
// The cells the estimators' readers read, from a CSV file or from a table given by column (a data
// frame, doelenboom/cell_table.hpp), behind one interface, so that both go through the same
// reader, with the same checks and messages (src/estimate/registrations.cpp, questionnaire.cpp,
// prepost.cpp). Also the rules every reader applies to its unit, period, id and name cells, the
// structure checks (unknown and missing columns) and the problems at cells. Internal.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "doelenboom/cell_table.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/unit.hpp"
#include "estimate/estimates_common.hpp"
#include "io/csv.hpp"

namespace doelenboom::detail {

/// One cell: empty (an empty text, a NaN, a missing code), a number or a text.
struct Cell {
  enum class Kind : std::uint8_t { empty, number, text };
  Kind kind = Kind::empty;
  double number = 0.0;
  std::string_view text;

  [[nodiscard]] bool empty() const noexcept { return kind == Kind::empty; }
  /// The cell as text: a text as it is, a number written out shortest ("2023", "1.5") into
  /// `buffer`, "" when empty.
  [[nodiscard]] std::string_view text_in(std::string& buffer) const;
  /// For messages: a text in quotes, a number as it is.
  [[nodiscard]] std::string shown() const;
};

/// A table of cells: a CSV file (every cell a text; rows have lines) or a CellTable. A column's
/// cells are reached by key: each row has one (-1 = empty); a coded column's rows share the key of
/// their text, so that a reader reads each distinct text once (ReadColumn).
class Cells {
 public:
  explicit Cells(const CsvTable& csv);
  explicit Cells(const CellTable& table);

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  /// A text file (rows have lines, shown in messages) rather than a table given by column.
  [[nodiscard]] bool from_file() const noexcept { return csv_ != nullptr; }
  /// "the file" or "the table", in messages about the columns.
  [[nodiscard]] const char* what() const noexcept { return from_file() ? "the file" : "the table"; }
  /// Where a cell is: source, line (of a file), row (1-based) and column.
  [[nodiscard]] Location where(std::size_t row, std::string_view column) const;
  /// Where the column names are (the header line of a file).
  [[nodiscard]] Location header(std::string_view column = {}) const;
  /// "row 3 (line 4)" for a file, "row 3" for a table.
  [[nodiscard]] std::string row_ref(std::size_t row) const;
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const;

  /// The key of a row's cell in `column`: -1 when empty.
  [[nodiscard]] std::int64_t key(std::size_t column, std::size_t row) const;
  /// The number of distinct keys of a coded column; 0 when every row has a key of its own.
  [[nodiscard]] std::size_t distinct(std::size_t column) const;
  /// The cell of a key of `column`.
  [[nodiscard]] Cell cell(std::size_t column, std::int64_t key) const;
  [[nodiscard]] Cell at(std::size_t column, std::size_t row) const { return cell(column, key(column, row)); }

  /// Problems of a CellTable itself: columns of another length, codes out of range, a column name
  /// given twice. False when the cells cannot be read.
  bool check(std::vector<Problem>& out) const;

 private:
  const CsvTable* csv_ = nullptr;
  const CellTable* table_ = nullptr;
  std::string source_;
  std::size_t rows_ = 0;
  std::size_t header_line_ = 0;
  std::vector<std::string> names_;
};

/// What a reader made of a cell: its value and, when the cell is wrong, the problem's code and
/// text. `ok` is false when the row cannot take part in a duplicate check (an empty id, a bad
/// period); an unknown unit leaves it true.
template <class T>
struct Read {
  T value{};
  std::string code;  ///< "" when the cell is fine
  std::string what;
  bool ok = true;
};

template <class T>
Read<T> fine(T value) {
  return Read<T>{std::move(value), {}, {}, true};
}

template <class T>
Read<T> bad(T value, std::string code, std::string what, bool ok = false) {
  return Read<T>{std::move(value), std::move(code), std::move(what), ok};
}

/// A column read cell by cell through `read`. The rows of a coded column that share a text share
/// what `read` made of it, so each distinct text is read once, in the order of first appearance;
/// what is kept per text is small (the value and a flag) unless the text is wrong.
template <class T>
class ReadColumn {
 public:
  using Reader = std::function<Read<T>(const Cell&)>;
  /// What was read of a row's cell; `problem` is null when the cell is fine. Valid until the
  /// next call.
  struct Value {
    const T& value;
    bool ok;
    const Read<T>* problem;
  };

  ReadColumn(const Cells& cells, std::size_t column, Reader read)
      : cells_(&cells), column_(column), read_(std::move(read)), cache_(cells.distinct(column)) {}

  Value operator()(std::size_t row) {
    const std::int64_t key = cells_->key(column_, row);
    if (key >= 0 && cache_.empty()) {  // every row a key of its own: nothing to keep
      scratch_ = read_(cells_->cell(column_, key));
      return {scratch_.value, scratch_.ok, scratch_.code.empty() ? nullptr : &scratch_};
    }
    Slot& slot = key < 0 ? empty_ : cache_[static_cast<std::size_t>(key)];
    if (!slot.read) {
      Read<T> r = read_(key < 0 ? Cell{} : cells_->cell(column_, key));
      slot = Slot{r.value, r.ok, true, -1};
      if (!r.code.empty()) {
        slot.problem = static_cast<std::int64_t>(problems_.size());
        problems_.push_back(std::move(r));
      }
    }
    return {slot.value, slot.ok, slot.problem < 0 ? nullptr : &problems_[static_cast<std::size_t>(slot.problem)]};
  }

 private:
  struct Slot {
    T value{};
    bool ok = true;
    bool read = false;
    std::int64_t problem = -1;  // index into problems_
  };
  const Cells* cells_;
  std::size_t column_;
  Reader read_;
  std::vector<Slot> cache_;
  Slot empty_;
  std::vector<Read<T>> problems_;
  Read<T> scratch_;
};

/// Problems at the cells of a table, capped per kind as by ProblemSink.
struct CellSink {
  const Cells& cells;
  ProblemSink sink;
  void add(std::size_t row, const std::string& column, const std::string& code, const std::string& what) {
    sink.add(make_problem(code, cells.where(row, column), {}, what));
  }
  /// The value of a cell read, reporting its problem.
  template <class T>
  const T& take(std::size_t row, const std::string& column, const typename ReadColumn<T>::Value& read) {
    if (read.problem != nullptr) add(row, column, read.problem->code, read.problem->what);
    return read.value;
  }
  void finish() { sink.finish(); }
};

/// The key cells of the rows (unit, period, client, ...): each code read with its problem
/// reported, and a row with a bad one left out of the duplicate check (row_ok[row] = 0).
struct KeyCells {
  CellSink& sink;
  std::vector<std::uint8_t>& row_ok;
  std::int32_t operator()(std::size_t row, const std::string& column, const ReadColumn<std::int32_t>::Value& read) {
    if (!read.ok) row_ok[row] = 0;
    return sink.take<std::int32_t>(row, column, read);
  }
};

/// Reports every column of the table that is not one of `known`.
void check_known_columns(const Cells& cells, const std::vector<std::string>& known, std::vector<Problem>& out);

/// The problem "missing required column 'x' (columns are: a, b, c)".
Problem missing_column_problem(const Cells& cells, std::string_view name);

/// The indices of the columns the table must have, in the order given; std::nullopt when one is
/// missing (each missing column is a problem in `out`).
template <class... Names>
std::optional<std::array<std::size_t, sizeof...(Names)>> required_columns(const Cells& cells, std::vector<Problem>& out,
                                                                          const Names&... names) {
  const auto find = [&](const std::string& name) {
    const auto c = cells.find(name);
    if (!c) out.push_back(missing_column_problem(cells, name));
    return c;
  };
  const std::array<std::optional<std::size_t>, sizeof...(Names)> found{find(names)...};
  std::array<std::size_t, sizeof...(Names)> columns{};
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (!found[i]) return std::nullopt;
    columns[i] = *found[i];
  }
  return columns;
}

/// A dictionary of names: each distinct name its code, in order of first appearance. Looked up
/// by string_view, so that a name met again costs no copy.
struct Names {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string>& names;
  std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> index{};
  std::int32_t code(std::string_view name) {
    if (const auto it = index.find(name); it != index.end()) return it->second;
    const auto code = static_cast<std::int32_t>(names.size());
    names.emplace_back(name);
    index.emplace(names.back(), code);
    return code;
  }
};

/// Unit ids: the code of each unit; an empty cell is a problem, and so is an id that `units`
/// (when given) lacks.
ReadColumn<std::int32_t>::Reader unit_reader(Names& units, const UnitRegistry* registry);
/// Periods: the code of each text (order_periods puts them in order); a cell that is no period is a
/// problem.
ReadColumn<std::int32_t>::Reader period_reader(Names& texts);
/// Required names (ids, items, domains): the code of each; an empty cell is the problem "empty <what>".
ReadColumn<std::int32_t>::Reader name_reader(Names& names, std::string what);
/// Optional names (channels, life domains, breakdowns): the code of each, -1 for an empty cell.
ReadColumn<std::int32_t>::Reader optional_name_reader(Names& names);

/// The periods of the period texts a reader met (`texts`, coded in `codes`): a file's sorted in
/// time, a table's in order of first appearance (so that the estimates of a frame split into
/// partitions, doelenboom.dask, come out in the order of the whole frame). Rewrites `codes`;
/// returns the problem of mixed frequencies, if any (see sort_periods).
std::optional<Problem> order_periods(const Cells& cells, const std::vector<std::string>& texts,
                                     std::vector<std::int32_t>& codes, std::vector<Period>& periods,
                                     const std::string& column);

}  // namespace doelenboom::detail
