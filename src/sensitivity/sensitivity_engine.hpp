#pragma once
// The runs of a sensitivity analysis (sensitivity_engine.cpp). The expensive stages that do not
// depend on the weights (treatment and normalisation) are computed once per combination of
// imputation, outlier method and normalisation; a run then only re-weights and aggregates the
// goals its targets depend on, without standard errors or gradients, and ranks the units per
// period. With sampling uncertainty every run treats and normalises its own perturbed values.

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/dataset.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/sensitivity.hpp"
#include "pipeline/pipeline_internal.hpp"
#include "pipeline/treatment.hpp"
#include "sensitivity/sensitivity_internal.hpp"

namespace doelenboom::detail {

/// Throws PipelineError with every problem, each message prefixed; returns when there are none.
void throw_prefixed(const std::vector<Problem>& problems, const std::string& prefix);

/// The outputs of every run, run-major (a run's outputs are contiguous while the runs write them).
struct RunOutputs {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  RowMajor scores, ranks;       ///< runs x (targets * rows)
  Eigen::MatrixXd rank_shift;   ///< runs x (targets * periods)
};

class SensitivityEngine {
 public:
  /// Loads the data set's values of the tree's indicators (`used`: per data indicator, an
  /// indicator of the tree) into rows x indicators.
  SensitivityEngine(const GoalTree& tree, const Dataset& data, const Design& design, const RunContext& context,
                    const RowLayout& layout, std::vector<char> used);

  /// Cells with no finite se (they keep their value under sampling).
  [[nodiscard]] std::size_t unperturbed() const noexcept { return unperturbed_; }

  /// The treatment and normalisation of every indicator per combination of the alternatives;
  /// without sampling also their results, computed up front (throws the first combination's problems).
  void plan_combinations(const PipelineSpec& nominal, const SensitivitySpec& spec, const std::function<bool()>& cancelled);

  /// The goals the targets depend on (leaves first), their children, varied edges, leave-out
  /// positions and aggregation per alternative.
  void plan_goals(const PipelineSpec& nominal, const SensitivitySpec& spec, const std::vector<GoalTree::Index>& targets);

  /// Every run of the design in parallel: target scores, ranks, and rank shifts against
  /// `nominal_ranks` (rows x targets). Throws the lowest failing run's problems.
  [[nodiscard]] RunOutputs run_all(const SensitivitySpec& spec, const Eigen::MatrixXd& nominal_ranks,
                                   const std::function<bool()>& cancelled) const;

 private:
  // Treatment and normalisation of one indicator under one combination of the alternatives.
  struct IndicatorPlan {
    GoalTree::Index node = 0;
    Treatment treatment;
    bool identity = true;
    Normalise normalise;
    int direction = 1;
    const IndicatorDefinition* definition = nullptr;
  };
  // Where a child's scores are: an indicator column (of the normalised matrix) or a goal slot.
  struct Source {
    bool indicator = false;
    std::size_t index = 0;
  };
  struct GoalPlan {
    GoalTree::Index node = 0;
    std::vector<double> weights;  // the nominal spec's, before normalisation
    std::vector<Source> children;
    std::vector<std::pair<std::size_t, std::size_t>> varied;  // (position, edge)
  };
  struct Workspace;  // per worker thread (sensitivity_engine.cpp)

  [[nodiscard]] std::size_t combination(const ReplicationChoices& c) const;
  void prepare(std::size_t combo, Eigen::MatrixXd& value, Eigen::MatrixXd& se, Eigen::MatrixXd& out, Eigen::VectorXd& factor,
               std::vector<AuditRecord>& audit, std::vector<Problem>& problems) const;
  /// The normalised indicators of run `run`: shared per combination, or its own under sampling.
  const Eigen::MatrixXd& normalised_of(std::size_t run, Workspace& w) const;
  /// The goal scores of run `run` into w.goals.
  void aggregate_run(std::size_t run, Workspace& w, const Eigen::MatrixXd& normalised) const;
  /// The run's target scores, ranks and rank shifts into row `run` of `out`.
  void record_run(std::size_t run, Workspace& w, const Eigen::MatrixXd& nominal_ranks, RunOutputs& out) const;
  /// Throws the run's problems (not empty), prefixed with the run and its choices.
  void fail(std::size_t run, const ReplicationChoices& c, const std::vector<Problem>& problems) const;

  const GoalTree* tree_;
  const Dataset* data_;
  const Design* design_;
  const RunContext* context_;
  RowLayout layout_;
  std::vector<char> used_;
  std::vector<GoalTree::Index> indicators_;  // indicator nodes of the tree, in node order
  std::vector<Eigen::Index> column_of_node_; // per node: its column among indicators_, or -1
  std::vector<Eigen::Index> column_of_;      // per data indicator: its column among indicators_, or -1
  Eigen::MatrixXd raw_, raw_se_;             // rows x indicators, as loaded
  std::size_t unperturbed_ = 0;
  std::size_t imputations_ = 1, outliers_ = 1, normalisations_ = 1;
  bool sampling_ = false;
  std::vector<std::vector<IndicatorPlan>> plans_;  // per combination
  std::vector<Eigen::MatrixXd> normalised_;        // per combination (without sampling)
  std::vector<GoalPlan> goals_;                    // in topological order
  std::vector<std::vector<Aggregate>> aggregates_; // per aggregation alternative (or the nominal), per goal
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> leave_out_;  // per candidate: (goal, position)
  std::vector<std::size_t> target_goal_;  // per target its goal
};

}  // namespace doelenboom::detail
