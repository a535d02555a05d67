#pragma once
// The parts of run_monitoring (monitoring_run.cpp) that have a file of their own: merging the
// tables of a source's files, the stories and duiding files, and the reach per area and group.

#include <filesystem>
#include <vector>

#include "doelenboom/dataset.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/monitoring.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::detail {

// ---------------------------------------------------------------------------------------------
// monitoring_merge.cpp: the tables of several files as one, their units, periods and other
// dictionaries merged (the first file's order first).

[[nodiscard]] RegistrationTable merge(std::vector<RegistrationTable> tables);
[[nodiscard]] ResponseTable merge(std::vector<ResponseTable> tables);
[[nodiscard]] PrePostTable merge(std::vector<PrePostTable> tables);

// ---------------------------------------------------------------------------------------------
// monitoring_texts.cpp: the texts that accompany the numbers, checked against the units and tree.

[[nodiscard]] std::vector<Story> read_stories(const std::filesystem::path& path, const UnitRegistry& units,
                                              const GoalTree& tree);
[[nodiscard]] std::vector<DuidingAnswer> read_duiding(const std::filesystem::path& path, const UnitRegistry& units);

// ---------------------------------------------------------------------------------------------
// monitoring_areas.cpp

/// The reach of each area and group sub-unit under the tree's ids, with zeros filled in, and the
/// registry naming the sub-units.
struct Areas {
  Dataset data;
  UnitRegistry units;
};

/// Throws DataError when a breakdown would identify persons: more distinct values than half the
/// distinct clients among the rows that have a value (docs/run-config.md). The client column
/// itself is refused when the file is read.
void refuse_identifying_breakdowns(const RegistrationTable& table, const MonitoringConfig& config);

[[nodiscard]] Areas area_reach(const RegistrationTable& table, const RegistrationSource& source, const Dataset& estimates,
                               const UnitRegistry& units, const MonitoringConfig& config, const ReachOptions& reach);

}  // namespace doelenboom::detail
