#pragma once
// Internal helpers shared by the estimators on input files (src/estimate/questionnaire.cpp,
// src/estimate/prepost.cpp, src/estimate/registrations.cpp): reading their CSV files, checks of
// views given by column, a (group, id) hash index and grouping of rows by an integer key.
// Header-only and internal; the cells the readers read are in estimate/cells.hpp. Their problems
// are collected by detail::ProblemSink (core/diagnostics.hpp), capped per kind.

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "io/csv.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/pseudonym.hpp"
#include "doelenboom/unit.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"

namespace doelenboom::detail {

// Column lengths of a view given by column: each must have `n` values (as many as the unit column),
// or none when it is optional; else a "bad_length" problem.
struct ColumnLengths {
  std::vector<Problem>& out;
  const std::string& source;
  std::size_t n;
  bool operator()(std::size_t len, const char* field, bool required = true) {
    if ((len == 0 && !required) || len == n) return true;
    out.push_back(make_problem("bad_length", Location{source, 0, 0, field}, {},
                               "column " + squote(field) + " has " + std::to_string(len) + " values (expected " +
                                   std::to_string(n) + ", as many as column 'unit')"));
    return false;
  }
};

// Dictionary codes of one row of a view: a code outside 0..size-1 is a "bad_code" problem, and
// `ok` is false after one.
struct RowCodes {
  ProblemSink& sink;
  std::size_t row;
  bool ok = true;
  void operator()(std::int32_t code, std::size_t size, const char* field) {
    if (code >= 0 && static_cast<std::size_t>(code) < size) return;
    sink.add(make_problem("bad_code", Location{sink.source, 0, row + 1, field}, {},
                          std::string(field) + " code " + std::to_string(code) + " is out of range (expected 0.." +
                              std::to_string(static_cast<long long>(size) - 1) + ")"));
    ok = false;
  }
};

// The CSV file at `path`; std::nullopt when it cannot be read, with the problems in `out`.
inline std::optional<CsvTable> read_csv_reporting(const std::filesystem::path& path, std::vector<Problem>& out) {
  try {
    return read_csv_file(path);
  } catch (const Error& e) {
    if (e.problems().empty()) out.push_back(make_problem("read_error", Location{path.string(), 0, 0, {}}, {}, e.what()));
    else out.insert(out.end(), e.problems().begin(), e.problems().end());
    return std::nullopt;
  }
}

// The pseudonym of each coded id (`codes` index `ids`), each distinct id hashed once.
inline std::vector<std::uint64_t> pseudonyms_of(const Pseudonymiser& pseudonymise, const std::vector<std::string>& ids,
                                                const std::vector<std::int32_t>& codes) {
  const std::vector<std::uint64_t> distinct = pseudonymise.many(ids);
  std::vector<std::uint64_t> out;
  out.reserve(codes.size());
  for (const auto c : codes) out.push_back(distinct[static_cast<std::size_t>(c)]);
  return out;
}

// 1/0, ja/nee, yes/no, true/false, j/n, y/n (any case) -> 1 or 0; std::nullopt for anything else.
inline std::optional<double> parse_yes_no(std::string_view text) {
  std::string v(text);
  for (char& c : v)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (v == "1" || v == "ja" || v == "yes" || v == "true" || v == "j" || v == "y") return 1.0;
  if (v == "0" || v == "nee" || v == "no" || v == "false" || v == "n") return 0.0;
  return std::nullopt;
}

// "95%", "90%", "99.5%": the confidence level as people write it.
inline std::string percent_text(double confidence) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, confidence * 100.0);
  return std::string(buf, res.ptr) + "%";
}

// Problems of a view's dictionaries: duplicate names (two codes for one unit would give duplicate
// estimates), empty names, periods of mixed frequency.
inline void check_dictionary(const std::vector<std::string>& names, const std::string& source, const char* field,
                             const char* what, std::vector<Problem>& out) {
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) {
      out.push_back(make_problem("missing_value", Location{source, 0, 0, field}, {},
                                 std::string(what) + " name " + std::to_string(i) + " is empty (expected a name)"));
    } else if (auto [it, fresh] = seen.emplace(names[i], i); !fresh) {
      out.push_back(make_problem("duplicate_name", Location{source, 0, 0, field}, {names[i]},
                                 std::string(what) + " name " + squote(names[i]) + " is given twice (codes " +
                                     std::to_string(it->second) + " and " + std::to_string(i) +
                                     "; expected one code per " + what + ")"));
    }
  }
}

inline void check_periods(const std::vector<Period>& periods, const std::string& source, std::vector<Problem>& out) {
  for (std::size_t i = 0; i < periods.size(); ++i) {
    if (periods[i].frequency != periods.front().frequency) {
      out.push_back(make_problem("mixed_frequency", Location{source, 0, 0, "period"}, {},
                                 "periods " + periods.front().to_string() + " and " + periods[i].to_string() +
                                     " have different frequencies (expected one frequency per data set)"));
      break;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (periods[j] == periods[i]) {
        out.push_back(make_problem("duplicate_name", Location{source, 0, 0, "period"}, {periods[i].to_string()},
                                   "period " + periods[i].to_string() + " is given twice (codes " + std::to_string(j) +
                                       " and " + std::to_string(i) + "; expected one code per period)"));
        break;
      }
    }
  }
}

inline std::uint64_t mix64(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Distinct (group, id) pairs with open addressing; each pair gets a dense slot number so that
// per-pair aggregates live in plain vectors (much faster than std::unordered_map for millions of
// rows).
class PairIndex {
 public:
  explicit PairIndex(std::size_t expected) {
    std::size_t cap = 1024;
    while (cap < expected * 2) cap <<= 1;
    keys_.assign(cap, Key{});
    slots_.assign(cap, empty);
  }
  // Slot of the pair; `fresh` tells whether it was inserted now.
  std::uint32_t slot(std::uint64_t group, std::uint64_t id, bool& fresh) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    std::size_t h = hash(group, id) & mask;
    while (true) {
      if (slots_[h] == empty) {
        keys_[h] = Key{group, id};
        slots_[h] = static_cast<std::uint32_t>(size_);
        groups_.push_back(group);
        ++size_;
        fresh = true;
        return slots_[h];
      }
      if (keys_[h].group == group && keys_[h].id == id) {
        fresh = false;
        return slots_[h];
      }
      h = (h + 1) & mask;
    }
  }
  std::uint32_t slot(std::uint64_t group, std::uint64_t id) {
    bool fresh = false;
    return slot(group, id, fresh);
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// The group of each slot, in slot order.
  [[nodiscard]] const std::vector<std::uint64_t>& slot_groups() const noexcept { return groups_; }

 private:
  struct Key {
    std::uint64_t group = 0, id = 0;
  };
  static constexpr std::uint32_t empty = 0xFFFFFFFFu;
  static std::size_t hash(std::uint64_t group, std::uint64_t id) {
    return static_cast<std::size_t>(mix64(id ^ (group * 0xD6E8FEB86659FD93ULL)));
  }
  void grow() {
    std::vector<Key> keys(keys_.size() * 2);
    std::vector<std::uint32_t> slots(slots_.size() * 2, empty);
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i] == empty) continue;
      std::size_t h = hash(keys_[i].group, keys_[i].id) & mask;
      while (slots[h] != empty) h = (h + 1) & mask;
      keys[h] = keys_[i];
      slots[h] = slots_[i];
    }
    keys_.swap(keys);
    slots_.swap(slots);
  }
  std::vector<Key> keys_;
  std::vector<std::uint32_t> slots_;
  std::vector<std::uint64_t> groups_;
  std::size_t size_ = 0;
};

// Items grouped by an integer key: items of key k are order[offsets[i]..offsets[i+1]) for the i-th
// distinct key keys[i], keys ascending, items in input order within a key.
struct Grouping {
  std::vector<std::uint64_t> keys;
  std::vector<std::size_t> offsets;
  std::vector<std::uint32_t> order;
  [[nodiscard]] std::size_t groups() const noexcept { return keys.size(); }
};

// Groups item i by key[i]. A counting sort when the key range is small compared to the number of
// items (the usual case: units x periods x items), a stable sort otherwise.
inline Grouping group_by(const std::vector<std::uint64_t>& key, std::uint64_t key_range) {
  Grouping g;
  const std::size_t n = key.size();
  g.order.resize(n);
  if (key_range <= 4 * static_cast<std::uint64_t>(n) + 1024) {
    const auto range = static_cast<std::size_t>(key_range);
    std::vector<std::size_t> count(range + 1, 0);
    for (const auto k : key) ++count[static_cast<std::size_t>(k) + 1];
    for (std::size_t k = 0; k < range; ++k) count[k + 1] += count[k];
    for (std::size_t k = 0; k < range; ++k) {
      if (count[k + 1] == count[k]) continue;
      g.keys.push_back(k);
      g.offsets.push_back(count[k]);
    }
    g.offsets.push_back(n);
    for (std::size_t i = 0; i < n; ++i) g.order[count[static_cast<std::size_t>(key[i])]++] = static_cast<std::uint32_t>(i);
    return g;
  }
  for (std::size_t i = 0; i < n; ++i) g.order[i] = static_cast<std::uint32_t>(i);
  std::stable_sort(g.order.begin(), g.order.end(), [&](std::uint32_t a, std::uint32_t b) { return key[a] < key[b]; });
  for (std::size_t i = 0; i < n; ++i) {
    if (i == 0 || key[g.order[i]] != key[g.order[i - 1]]) {
      g.keys.push_back(key[g.order[i]]);
      g.offsets.push_back(i);
    }
  }
  g.offsets.push_back(n);
  return g;
}

// Candidates whose (key, id) repeats an earlier candidate: pairs (row, first row) sorted by row.
// Candidates are given in row order. Grouping by key first keeps the sorts small and the memory
// access sequential, which is several times faster than one hash set over millions of rows.
inline std::vector<std::pair<std::size_t, std::size_t>> find_duplicates(const std::vector<std::uint64_t>& key,
                                                                        std::uint64_t key_range,
                                                                        const std::vector<std::uint64_t>& id,
                                                                        const std::vector<std::size_t>& row) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  const Grouping g = group_by(key, key_range);
  std::vector<std::uint32_t> members;
  for (std::size_t k = 0; k < g.groups(); ++k) {
    if (g.offsets[k + 1] - g.offsets[k] < 2) continue;
    members.assign(g.order.begin() + static_cast<std::ptrdiff_t>(g.offsets[k]),
                   g.order.begin() + static_cast<std::ptrdiff_t>(g.offsets[k + 1]));
    // Stable: equal ids keep their row order, so the first of a run is the first row.
    std::stable_sort(members.begin(), members.end(), [&](std::uint32_t a, std::uint32_t b) { return id[a] < id[b]; });
    for (std::size_t i = 1, first = 0; i < members.size(); ++i) {
      if (id[members[i]] != id[members[first]]) {
        first = i;
        continue;
      }
      out.emplace_back(row[members[i]], row[members[first]]);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace doelenboom::detail
