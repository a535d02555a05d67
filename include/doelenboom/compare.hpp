#pragma once
// Comparing units: rank intervals, peer groups, change since the baseline (nulmeting) and since
// the previous period, and the koploper table that brings them together (docs/compare.md).
//
// Ranking warning: a rank says where a unit stands on a score, not why. A low satisfaction score
// can mean that a provider serves more complex clients (case mix); never rank providers without
// reading the rank interval and the context (docs/compare.md).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/period.hpp"
#include "doelenboom/score_table.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom {

// ---------------------------------------------------------------------------------------------
// Rank intervals

struct RankIntervalOptions {
  double level = 0.95;       ///< coverage of [low, high], in (0, 1)
  std::size_t draws = 1000;  ///< simulated score sets per period and node, >= 1
  std::uint64_t seed = 0;    ///< the generator of (period p, node c) is seeded with seed_seq{seed, p, c}
  std::vector<std::size_t> columns;  ///< node columns to rank; empty = all
};

/// All rows x nodes (columns that were not asked for, and missing scores, are NaN).
struct RankIntervals {
  Eigen::MatrixXd rank;    ///< observed rank: 1 = best (highest score), ties take the lowest rank
  Eigen::MatrixXd median;  ///< median simulated rank; NaN when the unit's se is unknown
  Eigen::MatrixXd low;     ///< (1 - level)/2 quantile of the simulated ranks (numpy "linear"); NaN idem
  Eigen::MatrixXd high;    ///< (1 + level)/2 quantile; NaN idem
  /// How many other units with a score in that period and node have an unknown se: the interval
  /// [low, high] lets each of them stand anywhere (NaN without a score).
  Eigen::MatrixXd unknown;
  double level = 0.95;
  std::size_t draws = 0;
};

/// Rank intervals by simulation: per period and node, `draws` times, every unit with a score and
/// a known se gets score + se * Z (Z standard normal, independent across units and draws;
/// Boost.Random's normal_distribution on std::mt19937_64, so results are the same on every
/// platform), the draw is ranked (1 = best, ties lowest), and the quantiles of each unit's
/// simulated ranks are reported. A unit whose standard error is unknown (NaN) keeps its observed
/// rank, but its median, low and high are NaN: its rank interval is unknown, never certain. Its
/// true score may be anywhere, so the others' intervals allow for it: low is the quantile of the
/// rank among the units with a known se only (every unknown one behind), high that quantile plus
/// the number of unknown ones (every one ahead); their median ranks the draw with the unknown
/// ones at their observed scores. Without unknown se all three are those of the plain ranks.
/// Throws DataError for a level outside (0, 1), zero draws, a column out of range or a bad table.
[[nodiscard]] RankIntervals rank_intervals(const ScoreTable& table, const RankIntervalOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Peer groups

/// How peers are chosen: all units of the table (other than the unit itself) that share the
/// unit's value of `attribute` (size_class, province, any Unit::attribute key or label), or, when
/// `list` is not empty, the units of that list (for every unit; the attribute is then ignored).
struct PeerDefinition {
  std::string attribute = "size_class";
  std::vector<std::string> list;
};

/// One unit's peer group: who it is compared with.
struct PeerGroup {
  std::string unit;
  /// Its peers, in table order, never the unit itself.
  std::vector<std::string> members;
  /// False when no group could be formed on the attribute because the unit is not in the
  /// registry, or there is none (members is then empty). A unit of the registry without a value
  /// of the attribute has a known, empty group; with a list every group is known.
  bool known = true;
  /// "size_class = 20 000 - 50 000 (181 peers)", "list of 12 units (11 peers)",
  /// "no size_class for unit GM0001 (no peers)", "no unit registry (no peers)".
  std::string description;
};

/// The peer group of every unit of a table, and what they were formed on.
struct PeerGroups {
  /// The unit attribute the peers share ("size_class": each unit with the units of its own size
  /// class, so the groups differ per unit); none when the peers were given as a list.
  std::optional<std::string> attribute;
  std::vector<PeerGroup> units;  ///< one per unit, in the order of the units given
};

/// The peer group of every unit of `units` (the units of a table, in table order) by
/// `definition`. `registry` may be null: then only a list forms groups. Throws DataError for ids
/// of definition.list that are not among `units`.
[[nodiscard]] PeerGroups peer_groups(const std::vector<std::string>& units, const UnitRegistry* registry,
                                     const PeerDefinition& definition = {});

struct PeerComparison {
  /// Per unit (table order): its peer group (the members never include the unit itself).
  PeerGroups groups;
  /// rows x nodes: mean and median of the peers that have a score in that cell, how many had
  /// one, and score - peer mean. NaN without peers with a score.
  Eigen::MatrixXd mean, median, count, difference;
  /// periods x nodes, over all units of the table with a score (the unit itself included):
  /// the plain mean ("the average unit") and the population-weighted mean (NaN when a unit with
  /// a score has no known population in the registry).
  Eigen::MatrixXd national_mean, national_weighted;
};

/// The peer groups of `definition` over the units of `table` (peer_groups) and their figures.
/// Throws DataError for unknown ids in `list` (they must be units of the table) or a bad table.
/// Units of the table missing from the registry have no attribute and hence no peers.
[[nodiscard]] PeerComparison compare_with_peers(const ScoreTable& table, const UnitRegistry& units,
                                                const PeerDefinition& definition = {});

// ---------------------------------------------------------------------------------------------
// Change since the baseline and since the previous period

struct ChangeOptions {
  double level = 0.95;  ///< of the change intervals
  double alpha = 0.05;  ///< beyond_noise when the two-sided p-value < alpha
  /// The baseline of every unit; else Unit::baseline from the registry; else the first period.
  std::optional<Period> baseline;
};

/// rows x nodes; NaN where a change is not defined.
struct Change {
  Eigen::MatrixXd change;        ///< score(row) - score(reference)
  Eigen::MatrixXd se;            ///< sqrt(se^2 + se_ref^2) (independent errors)
  Eigen::MatrixXd low, high;     ///< change -/+ z se, z = Phi^-1((1 + level)/2)
  Eigen::MatrixXd p_value;       ///< 2 (1 - Phi(|change| / se)); se = 0: 0 if change != 0 else 1
  Eigen::MatrixXd beyond_noise;  ///< 1 when p < alpha, 0 when not, NaN when p is NaN
  /// 1 where both scores exist but rest on different indicator cells (ScoreTable::bases: a
  /// child missing in one of the periods), so the change is left NaN; else 0 (docs/compare.md).
  Eigen::MatrixXd not_comparable;
};

struct Changes {
  Change since_baseline;  ///< defined for periods after the unit's baseline
  Change since_previous;  ///< against the previous period of the table; NaN in the first
  std::vector<Period> baselines;  ///< per unit
};

/// Throws DataError naming the unit when its baseline period is not in the table, and for a
/// level or alpha outside (0, 1). `units` may be null (then only options.baseline or the first
/// period is used).
[[nodiscard]] Changes compute_changes(const ScoreTable& table, const UnitRegistry* units,
                                      const ChangeOptions& options = {});

// ---------------------------------------------------------------------------------------------
// The koploper table

struct KoploperOptions {
  std::vector<std::string> nodes;  ///< node ids; empty = all nodes
  std::vector<std::string> units;  ///< unit ids to report; empty = all (ranks and peers always use all units)
  std::optional<Period> period;    ///< the period reported; default the last one
  double level = 0.95;             ///< of the score, rank and change intervals
  double alpha = 0.05;             ///< of beyond_noise
  std::optional<Period> baseline;  ///< see ChangeOptions
  PeerDefinition peers;
  std::size_t draws = 1000;
  std::uint64_t seed = 0;
};

struct KoploperRow {
  std::string unit, node;
  Period period;
  double score = 0, low = 0, high = 0;  ///< score -/+ z se (NaN when se is unknown)
  double rank = 0, rank_median = 0, rank_low = 0, rank_high = 0;  ///< RankIntervals
  Period baseline;
  double change_since_baseline = 0, change_low = 0, change_high = 0, change_p_value = 0;
  double change_beyond_noise = 0;  ///< 1, 0 or NaN (unknown)
  /// 0 when the score rests on other indicators than at the baseline, so that no change is
  /// computed (Change::not_comparable, docs/compare.md); else 1.
  double change_comparable = 1;
  double peer_mean = 0, peer_median = 0, peer_count = 0, difference_from_peers = 0;
  double national = 0;  ///< the plain mean of all units
  std::string peers;    ///< the peer group description
  /// Why an interval is unknown, empty when none is: the unit's se is unknown (no score, rank or
  /// change interval), the se at the baseline is unknown (no change interval), and/or the rank
  /// interval allows for other units whose se is unknown (RankIntervals::unknown), and/or there
  /// is no change since the baseline because the score rests on other indicators than there
  /// (Change::not_comparable).
  std::string uncertainty_note;
};

struct KoploperTable {
  std::vector<KoploperRow> rows;  ///< one per (reported unit, node), unit-major
  /// The peer group of every unit of the table (also those not reported), as the peer columns
  /// of `rows` were computed from; KoploperRow::peers is its description.
  PeerGroups peer_groups;
};

/// The koploper table of `options.period`. `units` may be null: then there are no peer groups
/// (peer columns NaN, description "no unit registry") unless peers.list is given.
/// Throws DataError for unknown nodes, units or period.
[[nodiscard]] KoploperTable koploper_table(const ScoreTable& table, const UnitRegistry* units,
                                           const KoploperOptions& options = {});

}  // namespace doelenboom
