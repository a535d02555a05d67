#include "doelenboom/score_table.hpp"

#include <algorithm>

#include "doelenboom/error.hpp"
#include "doelenboom/pipeline.hpp"

namespace doelenboom {

ScoreTable ScoreTable::from(const PipelineResult& result) {
  ScoreTable t;
  t.scores = result.scores();
  t.standard_errors = result.standard_errors();
  t.units = result.units();
  t.periods = result.periods();
  t.nodes.reserve(result.tree().size());
  for (GoalTree::Index i = 0; i < result.tree().size(); ++i) t.nodes.push_back(result.tree().node(i).id);
  t.bases = result.bases();
  return t;
}

std::size_t ScoreTable::unit_index(std::string_view unit) const {
  const auto it = std::find(units.begin(), units.end(), unit);
  if (it == units.end()) throw DataError("unknown unit '" + std::string(unit) + "': the scores have no rows for it");
  return static_cast<std::size_t>(it - units.begin());
}

std::size_t ScoreTable::node_index(std::string_view node) const {
  const auto it = std::find(nodes.begin(), nodes.end(), node);
  if (it == nodes.end()) throw DataError("unknown node '" + std::string(node) + "': the scores have no column for it");
  return static_cast<std::size_t>(it - nodes.begin());
}

std::size_t ScoreTable::period_index(const Period& period) const {
  const auto it = std::find(periods.begin(), periods.end(), period);
  if (it == periods.end()) throw DataError("period " + period.to_string() + " is not in the scores");
  return static_cast<std::size_t>(it - periods.begin());
}

void ScoreTable::check() const {
  const auto rows = static_cast<Eigen::Index>(units.size() * periods.size());
  const auto cols = static_cast<Eigen::Index>(nodes.size());
  if (scores.rows() != rows || scores.cols() != cols) {
    throw DataError("score table: scores are " + std::to_string(scores.rows()) + " x " + std::to_string(scores.cols()) +
                    ", expected units x periods = " + std::to_string(rows) + " rows and " + std::to_string(cols) +
                    " node columns");
  }
  if (standard_errors.rows() != rows || standard_errors.cols() != cols) {
    throw DataError("score table: standard errors are " + std::to_string(standard_errors.rows()) + " x " +
                    std::to_string(standard_errors.cols()) + ", expected the shape of the scores (" +
                    std::to_string(rows) + " x " + std::to_string(cols) + ")");
  }
  if (!bases.empty() && bases.size() != static_cast<std::size_t>(rows * cols)) {
    throw DataError("score table: " + std::to_string(bases.size()) + " bases, expected one per score (" +
                    std::to_string(rows * cols) + ") or none");
  }
  for (std::size_t p = 1; p < periods.size(); ++p) {
    if (!(periods[p - 1] < periods[p])) {
      throw DataError("score table: periods must be sorted and distinct, but " + periods[p - 1].to_string() +
                      " comes before " + periods[p].to_string());
    }
  }
}

}  // namespace doelenboom
