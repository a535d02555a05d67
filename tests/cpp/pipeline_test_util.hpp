#pragma once
// Small trees and data sets for the pipeline tests (test_pipeline*.cpp, test_treatment.cpp,
// test_normalise.cpp, test_aggregate.cpp).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "doelenboom/dataset.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/pipeline.hpp"

namespace pipeline_test {

namespace db = doelenboom;

inline constexpr double na = std::numeric_limits<double>::quiet_NaN();

inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "'\n  does not contain\n'" << part << "'";
}

inline db::Period year(int y) { return db::Period{db::Frequency::year, y, 0}; }

inline db::EstimateRecord rec(const std::string& unit, int period, const std::string& indicator, double value,
                              double se = na) {
  db::EstimateRecord r;
  r.unit = unit;
  r.period = year(period);
  r.indicator = indicator;
  r.value = value;
  r.se = se;
  return r;
}

/// A goal "top" over indicators (id, weight, direction), levels [top, indicator].
struct Child {
  std::string id;
  double weight = 1.0;
  int direction = 1;
};

inline db::GoalTree flat_tree(const std::vector<Child>& children) {
  db::TreeDefinition d;
  d.levels = {"top", "indicator"};
  d.nodes.push_back(db::Node{"top", "Top", db::NodeKind::goal, "top", {}, 0, {}});
  for (const auto& c : children) {
    d.nodes.push_back(db::Node{c.id, c.id, db::NodeKind::indicator, "indicator", {}, c.direction, {}});
    d.edges.push_back(db::Edge{c.id, "top", c.weight, {}});
  }
  return db::GoalTree::build(d);
}

/// One unit "u" in 2022 with these indicator values (NaN = absent from the data set).
inline db::Dataset one_row(const std::vector<std::pair<std::string, double>>& values) {
  std::vector<db::EstimateRecord> records;
  for (const auto& [id, v] : values) {
    if (!std::isnan(v)) records.push_back(rec("u", 2022, id, v));
  }
  return db::Dataset::from_records(records);
}

/// One indicator "x" for units u1.. in 2022 (NaN = absent).
inline db::Dataset one_column(const std::vector<double>& values, const std::string& indicator = "x") {
  std::vector<db::EstimateRecord> records;
  for (std::size_t u = 0; u < values.size(); ++u) {
    if (!std::isnan(values[u])) records.push_back(rec("u" + std::to_string(u + 1), 2022, indicator, values[u]));
  }
  return db::Dataset::from_records(records);
}

/// A spec that passes raw values through unchanged (normalise: none) with this aggregation.
inline db::PipelineSpec raw_spec(db::Aggregation method = db::Aggregation::arithmetic, double min_coverage = 0.5) {
  db::PipelineSpec spec;
  spec.normalise.method = db::Normalisation::none;
  spec.aggregate.method = method;
  spec.aggregate.min_coverage = min_coverage;
  return spec;
}

inline double at(const db::PipelineResult& r, const Eigen::MatrixXd& m, std::size_t row, const std::string& id) {
  return m(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(r.tree().index_of(id)));
}

/// The message of the PipelineError thrown by f (fails the test when nothing is thrown).
template <class F>
std::string pipeline_error(F&& f) {
  try {
    f();
  } catch (const db::PipelineError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a PipelineError";
  return {};
}

}  // namespace pipeline_test
