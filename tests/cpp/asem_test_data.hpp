#pragma once
// The ASEM data set (tests/data/asem/README.md) as the C++ tests read it: COINr's tree from
// tree.csv and raw_indicators.csv as one period (2022).

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/tree_io.hpp"
#include "pipeline_test_util.hpp"

namespace pipeline_test {

inline const std::filesystem::path asem = std::filesystem::path(DOELENBOOM_TEST_DATA_DIR) / "asem";

// COINr's iMeta layout: code, name, level, parent, weight, direction, type (Indicator/Aggregate).
inline db::GoalTree asem_tree() {
  db::CsvTreeColumns c;
  c.id = "code";
  c.label = "name";
  c.level = "level";
  c.parent = "parent";
  c.weight = "weight";
  c.direction = "direction";
  c.kind = "type";
  c.indicator_kinds = {"Indicator"};
  c.goal_kinds = {"Aggregate"};
  return db::load_tree_csv(asem / "tree.csv", c);
}

// raw_indicators.csv (uCode, uName, 49 indicator columns; empty = missing) as one period; with
// se = 5% of |value| + 0.1 when `with_se`, else no se.
inline db::Dataset asem_data(bool with_se = false) {
  const auto table = db::detail::read_csv_file(asem / "raw_indicators.csv");
  std::vector<db::EstimateRecord> records;
  for (const auto& row : table.rows) {
    for (std::size_t c = 2; c < table.header.size(); ++c) {
      if (row[c].empty()) continue;
      const double v = std::stod(row[c]);
      records.push_back(rec(row[0], 2022, table.header[c], v, with_se ? 0.05 * std::abs(v) + 0.1 : na));
    }
  }
  return db::Dataset::from_records(records);
}

}  // namespace pipeline_test
