#pragma once
// The monitoring job end to end: a run config (YAML, `doelenboom_run: 1`, docs/run-config.md)
// names the tree, the data files and the settings; run_monitoring reads and estimates every
// source, maps the estimates onto the tree's indicators, runs the pipeline, compares the units
// (koploper table, changes, trends, forecasts) and evaluates the signal rules, also per area
// (kern, wijk) and group found in the registrations; write_tables writes the result as CSV files.
//
// Nothing is written when a run fails: every problem of a config is found before any work
// (check()), and the tables are written only from a finished result, each file atomically.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/compare.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/disclosure.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/goal_tree.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/prepost.hpp"
#include "doelenboom/questionnaire.hpp"
#include "doelenboom/registrations.hpp"
#include "doelenboom/signals.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom {

/// The version of the run config format (key `doelenboom_run:`).
inline constexpr int run_format_version = 1;

/// Registrations (one row per contact) in one or more CSV files with the same columns; the files
/// are read as one table, so a client registered by two providers counts once.
struct RegistrationSource {
  std::vector<std::filesystem::path> files;
  RegistrationColumns columns;  ///< columns.breakdowns = areas then groups
  std::vector<std::string> areas;   ///< area columns (kern, wijk): reach per area is watched
  std::vector<std::string> groups;  ///< group columns (migratieachtergrond, ...): idem per group
  std::string phone_channel = "telefoon";
  Location where;
};

/// Questionnaire answers: an items file and one or more answers CSVs (read as one table).
struct QuestionnaireSource {
  std::filesystem::path items;
  std::vector<std::filesystem::path> files;
  ResponseColumns columns;
  Location where;
};

/// Pre/post scores (ZRM) in one or more CSV files (read as one table).
struct PrePostSource {
  std::vector<std::filesystem::path> files;
  PrePostColumns columns;
  PrePostOptions options;
  Location where;
};

/// A tree indicator fed by an estimate: `reach.clients` -> `ind_clienten_bereikt`.
struct IndicatorLink {
  std::string node;      ///< indicator node id of the tree
  std::string estimate;  ///< estimate id (as the estimators or an estimates CSV name it)
  Location where;
};

struct CompareSettings {
  std::vector<std::string> nodes;  ///< koploper table, trends and forecasts; empty = every node
  PeerDefinition peers;
  double level = 0.95;
  std::size_t draws = 1000;
  std::uint64_t seed = 0;
};

struct MonitoringConfig {
  std::filesystem::path source;  ///< the config file; paths below are resolved against its folder
  std::string name;
  bool fictitious = false;  ///< invented data: every table and report says so
  std::filesystem::path tree;
  std::filesystem::path pipeline;   ///< empty: the default PipelineSpec
  std::filesystem::path signals;    ///< empty: the default SignalRules
  std::filesystem::path units;      ///< a units CSV (UnitRegistry::load_csv)
  std::filesystem::path gemeenten;  ///< a gemeenten CSV (UnitRegistry::load_gemeenten_csv)
  double suppression_threshold = default_suppression_threshold;
  /// Shares with fewer persons with or without the property are suppressed (docs/privacy.md).
  double small_count_threshold = default_small_count_threshold;
  /// Secondary suppression leaves every suppressed count this many persons of room (docs/privacy.md).
  double protection_level = default_protection_level;
  std::string pseudonym_key_env;  ///< environment variable holding the pseudonymisation key
  std::string pseudonym_key;      ///< a literal key (examples only)
  std::optional<Period> baseline;  ///< the nulmeting; default the first period of the data
  std::optional<Period> period;    ///< the period reported; default the last
  std::optional<RegistrationSource> registrations;
  std::optional<QuestionnaireSource> questionnaire;
  std::optional<PrePostSource> prepost;
  std::vector<std::filesystem::path> estimates;  ///< ready-made Dataset CSVs
  std::vector<std::filesystem::path> stories;    ///< verhalen: unit, period, node, title, text
  std::vector<std::filesystem::path> duiding;    ///< answers to the duidingsvragen
  std::vector<IndicatorLink> indicators;
  /// Counts without a standard error (registrations, ready-made counts) get the Poisson one,
  /// sqrt(count), so that changes in counts are tested on the right scale (docs/run-config.md).
  bool poisson_counts = true;
  CompareSettings compare;
  std::size_t horizon = 2;  ///< forecast periods
  std::filesystem::path output;
  /// Where each key was given ("tree", "data/registrations/columns/client", ...), for messages.
  std::map<std::string, Location> where;

  /// Read a config file. Every key is checked (unknown and duplicate keys, types, values) and
  /// every problem is reported at once as a ParseError with file and line. Paths are resolved
  /// against the config's folder. `default_gemeenten` is used when the config names neither
  /// `units` nor `gemeenten` (the Python package passes its shipped list).
  static MonitoringConfig load_yaml(const std::filesystem::path& path,
                                    const std::filesystem::path& default_gemeenten = {});
  static MonitoringConfig parse_yaml(std::string_view text, const std::string& source = "<string>",
                                     const std::filesystem::path& base_dir = {},
                                     const std::filesystem::path& default_gemeenten = {});

  /// Every problem found without running: files that do not exist, CSV files without the
  /// configured columns, a tree, pipeline, rules or items file that does not read or does not fit
  /// the tree, links to nodes that are not indicators of the tree, compare nodes not in the tree,
  /// no units, a missing pseudonymisation key. Each names the config file and line.
  [[nodiscard]] std::vector<Problem> check() const;

  /// How the run's outputs name an input file (the `source` of its estimates): relative to the
  /// config's folder, or the file name alone when the file lies outside it or the config has no
  /// file; never an absolute local path (docs/run-config.md). Messages keep the full path.
  [[nodiscard]] std::string published_name(const std::filesystem::path& file) const;
};

/// The trend of one unit's node score (linear, over the periods with a score).
struct TrendRow {
  std::string unit, node;
  std::size_t n = 0;  ///< periods with a score
  double slope = Signal::missing, slope_low = Signal::missing, slope_high = Signal::missing;
  double intercept = Signal::missing;
  std::string note;  ///< why there is no trend ("fewer than 3 periods with a score"), else empty
};

/// The forecast of one unit's node score for one future period: Holt's (forecast, se, low, high;
/// blank with fewer than 4 scores, and se/low/high blank when Holt's residual variance is undefined,
/// n <= estimated parameters) and the linear trend's value with its OLS prediction interval
/// (trend_forecast, trend_se, trend_low, trend_high; blank with fewer than 3 scores). A row exists
/// when either is there.
struct ForecastRow {
  std::string unit, node;
  Period period;
  double forecast = Signal::missing, se = Signal::missing, low = Signal::missing, high = Signal::missing;
  double trend_forecast = Signal::missing, trend_se = Signal::missing, trend_low = Signal::missing,
         trend_high = Signal::missing;
};

/// A resident's story (verhaal), next to the numbers (tellen en vertellen).
struct Story {
  std::string unit;
  Period period;
  std::string node;  ///< the goal it illustrates, or empty
  std::string title, text;
};

/// A saved answer to a duidingsvraag (herkennen, verklaren, waarderen, verbeteren) or an
/// improvement action (actie, with who, what and when).
struct DuidingAnswer {
  std::string unit;
  Period period;
  std::string question, answer, who, what, when;
};

/// A signal about a whole unit or about one of its areas or groups.
struct MonitoringSignal {
  Signal signal;      ///< signal.unit is the unit (a gemeente), also for an area's signal
  std::string area;   ///< "kern=Opheusden" for an area or group, empty for the unit itself
};

/// What disclosure control did in a run (docs/privacy.md): cells suppressed by the primary rules
/// (small n, small counts of a share) and the extra cells secondary suppression blanked.
struct DisclosureSummary {
  std::size_t estimates = 0, estimates_primary = 0, estimates_secondary = 0;
  std::size_t area_cells = 0, area_primary = 0, area_secondary = 0;
  /// Relations that stay below the protection level with every part suppressed.
  std::vector<std::string> short_of_level;
};

struct MonitoringResult {
  std::string name;
  bool fictitious = false;
  GoalTree tree;
  UnitRegistry units;
  /// Every estimate of every source, under the estimators' ids (reach.clients, ...).
  Dataset estimates;
  /// The pipeline input: the linked estimates under the tree's indicator ids.
  Dataset indicator_data;
  /// Tree indicators no estimate was linked to (no data: the pipeline's coverage shows them).
  std::vector<std::string> indicators_without_data;
  PipelineSpec spec;
  PipelineResult result;
  Period baseline, period;
  std::vector<std::string> compare_nodes;
  std::vector<KoploperRow> koplopers;  ///< for `period`
  /// The peer group of every unit in the koploper table (KoploperTable::peer_groups).
  PeerGroups peer_groups;
  Changes changes;
  std::vector<TrendRow> trends;
  std::vector<ForecastRow> forecasts;
  SignalRules rules;
  /// The signals of the units, then those of their areas and groups, ordered by unit, period,
  /// area, node and rule.
  std::vector<MonitoringSignal> signals;
  /// Reach of every area and group sub-unit ("GM1740/kern=Opheusden") under the tree's ids, with
  /// zero counts filled in (see docs/run-config.md), and the registry that names them.
  Dataset area_data;
  UnitRegistry area_units;
  DisclosureSummary disclosure;
  std::vector<Story> stories;
  std::vector<DuidingAnswer> duiding;
  /// How the peer groups were defined: the unit attribute they share ("size_class": each unit
  /// with the units of its own size class, so the groups differ per unit), or "list of N units";
  /// each KoploperRow::peers describes one unit's own group, `peer_groups` holds them.
  std::string peers;
  std::filesystem::path output;
  std::filesystem::path data_dir;  ///< the config's folder
};

/// Called at the start of each step: its name ("reach", "pipeline", ...), its number (1-based)
/// and the number of steps.
using MonitoringProgress = std::function<void(std::string_view step, std::size_t number, std::size_t steps)>;

/// Run the whole job. Throws ParseError (config, files) or DataError / PipelineError (data) listing
/// every problem; config problems (check()) are found before any data is read.
[[nodiscard]] MonitoringResult run_monitoring(const MonitoringConfig& config, const MonitoringProgress& progress = {});

/// The file names write_tables writes, in order.
[[nodiscard]] const std::vector<std::string>& monitoring_table_names();

/// Write the result's tables as CSV into `directory` (created when missing), each atomically
/// (temporary file, then rename): estimates.csv, indicators.csv, scores.csv, koplopers.csv,
/// signals.csv, trends.csv, forecasts.csv, areas.csv, audit.csv. Suppressed cells are blank.
/// Every text is built before the first file is written. Returns the paths written.
std::vector<std::filesystem::path> write_tables(const MonitoringResult& result, const std::filesystem::path& directory);

}  // namespace doelenboom
