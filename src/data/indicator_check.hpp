#pragma once
// Internal: the part of IndicatorDefinition::check that a goal tree needs for the definitions
// of its indicator nodes (the node itself carries the id, label and direction).

#include <vector>

#include "doelenboom/error.hpp"
#include "doelenboom/indicator.hpp"

namespace doelenboom::detail {

/// Problems of a definition's values (rate_per, scale, norm, goalposts), leaving out id, label
/// and direction.
[[nodiscard]] std::vector<Problem> check_indicator_values(const IndicatorDefinition& d);

}  // namespace doelenboom::detail
