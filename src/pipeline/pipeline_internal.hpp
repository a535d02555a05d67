#pragma once
// Internal interfaces between the stages of the pipeline: treatment.cpp, normalise.cpp,
// aggregate.cpp, uncertainty.cpp and pipeline.cpp. A column is an Eigen vector over the rows of a
// run, unit-major (row = unit * periods + period); missing is NaN.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/error.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/unit.hpp"
#include "core/diagnostics.hpp"  // squote, brief: the message pieces of every stage

namespace doelenboom::detail {

/// The rows of a run: every (unit, period), unit-major.
struct RowLayout {
  const std::vector<std::string>* units = nullptr;
  const std::vector<Period>* periods = nullptr;

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

/// A pipeline problem without a file location.
[[nodiscard]] Problem pipeline_problem(std::string code, std::vector<std::string> ids, const std::string& what);

// ---------------------------------------------------------------------------------------------
// treatment.cpp

/// Sample skewness G1 = g1 * sqrt(n(n-1))/(n-2), g1 = m3 / m2^(3/2) with central moments
/// m_k = sum (x - mean)^k / n: e1071's type 2 (Excel's SKEW), as COINr's skew(). n >= 3.
[[nodiscard]] double sample_skewness(std::span<const double> x);
/// Sample excess kurtosis G2 = ((n+1)(g2) + 6)(n-1)/((n-2)(n-3)), g2 = m4/m2^2 - 3: e1071's
/// type 2 (Excel's KURT), as COINr's kurt(). n >= 4.
[[nodiscard]] double sample_kurtosis(std::span<const double> x);

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

// ---------------------------------------------------------------------------------------------
// normalise.cpp

/// Normalise one indicator column: out = normalised values, factor = d out / d value per row
/// (0 for ranks, NaN where the value is missing). `direction` is +1 or -1; `definition` may be
/// null unless the method needs goalposts or a target.
void normalise_indicator(const std::string& indicator, const Normalise& normalise, int direction,
                         const IndicatorDefinition* definition, const RowLayout& rows,
                         const Eigen::Ref<const Eigen::VectorXd>& value, Eigen::Ref<Eigen::VectorXd> out,
                         Eigen::Ref<Eigen::VectorXd> factor, std::vector<Problem>& problems);

// ---------------------------------------------------------------------------------------------
// aggregate.cpp

/// Aggregate one goal node over all rows from the score columns of its children. `weights` are
/// normalised to sum 1, in tree.children(node) order. Writes the node's score and coverage and
/// the local gradient (rows x children). Rows with data the method cannot handle become NaN and
/// a problem is appended.
void aggregate_node(const GoalTree& tree, GoalTree::Index node, const Aggregate& aggregate,
                    const std::vector<double>& weights, const RowLayout& rows, const Eigen::MatrixXd& scores,
                    Eigen::Ref<Eigen::VectorXd> out, Eigen::Ref<Eigen::VectorXd> coverage, Eigen::MatrixXd& gradient,
                    std::vector<Problem>& problems);

// ---------------------------------------------------------------------------------------------
// uncertainty.cpp

/// Standard errors of every node by the first-order delta method: var = sum_i J_i^2 se_i^2 over
/// independent indicator errors, J the Jacobian of the node with respect to the indicator leaves
/// below it (chain rule over the local gradients, summed over every path of the DAG). Nodes whose
/// children share no indicators take var = sum_c g_c^2 var(c) instead (the same sum regrouped);
/// the others build J a block of rows at a time. `se` holds the normalised standard errors in the
/// indicator columns on entry; every goal column is written. NaN where the score is missing, or
/// where an indicator with a nonzero derivative has an unknown (NaN) se.
void propagate_standard_errors(const GoalTree& tree, const std::vector<Eigen::MatrixXd>& gradients,
                               Eigen::MatrixXd& se, const Eigen::MatrixXd& scores);

}  // namespace doelenboom::detail
