#pragma once
// Normalisation of one indicator column (normalise.cpp), with its derivative for the standard errors.

#include <string>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/error.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/pipeline.hpp"
#include "pipeline/pipeline_internal.hpp"

namespace doelenboom::detail {

/// Normalise one indicator column: out = normalised values, factor = d out / d value per row
/// (0 for ranks, NaN where the value is missing). `direction` is +1 or -1; `definition` may be
/// null unless the method needs goalposts or a target.
void normalise_indicator(const std::string& indicator, const Normalise& normalise, int direction,
                         const IndicatorDefinition* definition, const RowLayout& rows,
                         const Eigen::Ref<const Eigen::VectorXd>& value, Eigen::Ref<Eigen::VectorXd> out,
                         Eigen::Ref<Eigen::VectorXd> factor, std::vector<Problem>& problems);

}  // namespace doelenboom::detail
