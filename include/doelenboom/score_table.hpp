#pragma once
// A score table: node scores and their standard errors per (unit, period) row, the input of the
// comparisons (compare.hpp) and trends (trend.hpp). It is a plain copy of the parts of a
// PipelineResult those need, so that they can also be fed constructed scores (tests, simulations).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/period.hpp"

namespace doelenboom {

class PipelineResult;

struct ScoreTable {
  /// rows x nodes, rows unit-major (row = unit * periods.size() + period) as in PipelineResult.
  /// Missing is NaN; a NaN standard error means "unknown".
  Eigen::MatrixXd scores;
  Eigen::MatrixXd standard_errors;
  std::vector<std::string> units;  ///< unit ids of the rows
  std::vector<Period> periods;     ///< sorted, one frequency
  std::vector<std::string> nodes;  ///< node ids of the columns
  /// PipelineResult::bases(): what each score rests on (node * rows + row). Changes are computed
  /// only between rows with the same basis (like for like); empty = not known, every change is.
  std::vector<std::uint64_t> bases;

  /// The scores and standard errors of a pipeline result (columns = the tree's nodes).
  static ScoreTable from(const PipelineResult& result);

  [[nodiscard]] std::size_t row(std::size_t unit, std::size_t period) const noexcept {
    return unit * periods.size() + period;
  }
  /// Index of a unit / node / period; throws DataError naming the id and what has them.
  [[nodiscard]] std::size_t unit_index(std::string_view unit) const;
  [[nodiscard]] std::size_t node_index(std::string_view node) const;
  [[nodiscard]] std::size_t period_index(const Period& period) const;
  /// Throws DataError when the dimensions disagree (rows = units x periods, columns = nodes, both
  /// matrices the same shape) or the periods are not sorted and distinct.
  void check() const;
};

}  // namespace doelenboom
