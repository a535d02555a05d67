#pragma once
// What the stages of the pipeline share: the rows of a run and the wording of their problems.
// Each stage has its own header (treatment.hpp, normalise.hpp, aggregate.hpp, uncertainty.hpp).
// A column is an Eigen vector over the rows of a run, unit-major (row = unit * periods + period);
// missing is NaN.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/error.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/unit.hpp"
#include "core/diagnostics.hpp"  // squote, brief: the message pieces of every stage

namespace doelenboom::detail {

/// The rows of a run: every (unit, period), unit-major.
struct RowLayout {
  const std::vector<std::string>* units = nullptr;
  const std::vector<Period>* periods = nullptr;
  std::size_t reference = 0;  ///< index of the reference period (NormaliseScope::reference)

  [[nodiscard]] std::size_t unit_count() const noexcept { return units->size(); }
  [[nodiscard]] std::size_t period_count() const noexcept { return periods->size(); }
  [[nodiscard]] std::size_t rows() const noexcept { return unit_count() * period_count(); }
  [[nodiscard]] std::size_t row(std::size_t unit, std::size_t period) const noexcept {
    return unit * period_count() + period;
  }
  [[nodiscard]] const std::string& unit_of(std::size_t row) const { return (*units)[row / period_count()]; }
  [[nodiscard]] const Period& period_of(std::size_t row) const { return (*periods)[row % period_count()]; }
  /// "unit 'GM0301', period 2022", for messages.
  [[nodiscard]] std::string describe(std::size_t row) const;
};

/// The index of RunContext::reference_period among `periods` (0 when none is given); throws
/// PipelineError naming the periods when it is not one of them.
std::size_t reference_index(const RunContext& context, const std::vector<Period>& periods);

/// A pipeline problem without a file location.
[[nodiscard]] Problem pipeline_problem(std::string code, std::vector<std::string> ids, const std::string& what);

}  // namespace doelenboom::detail
