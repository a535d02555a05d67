#pragma once
// Treatment of one indicator column before normalisation (treatment.cpp): denomination,
// imputation and outlier treatment, each change recorded for the audit.

#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/error.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/unit.hpp"
#include "pipeline/pipeline_internal.hpp"

namespace doelenboom::detail {

/// An audit entry with the row it belongs to (for blanking suppressed cells).
struct AuditRecord {
  std::size_t row = 0;
  AuditEntry entry;
};

/// Treat one indicator column in place (value and standard error): denomination, imputation,
/// outliers. Problems (missing denominators or groups) are appended, changes recorded.
void treat_indicator(const std::string& indicator, const Treatment& treatment, const RowLayout& rows,
                     const UnitRegistry* units, Eigen::Ref<Eigen::VectorXd> value, Eigen::Ref<Eigen::VectorXd> se,
                     std::vector<AuditRecord>& audit, std::vector<Problem>& problems);

/// True when a treatment changes nothing (skips the work).
[[nodiscard]] bool is_identity(const Treatment& treatment) noexcept;

}  // namespace doelenboom::detail
