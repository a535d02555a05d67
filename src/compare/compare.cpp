#include "doelenboom/compare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <unordered_map>

#include <boost/math/distributions/normal.hpp>

#include "doelenboom/error.hpp"
#include "doelenboom/stats.hpp"
#include "stats/kernels.hpp"

namespace doelenboom {
namespace {

/// "1 peer", "0 peers", "3 peers".
std::string peers_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " peer" : " peers"); }

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

Eigen::Index ix(std::size_t i) { return static_cast<Eigen::Index>(i); }

void check_level(double level, const char* what) {
  if (!(level > 0.0 && level < 1.0)) {
    throw DataError(std::string(what) + " must be in (0, 1), got " + std::to_string(level));
  }
}

/// The positions of the chosen ids (by index_of), or all `count` positions when none are chosen.
template <class IndexOf>
std::vector<std::size_t> chosen(const std::vector<std::string>& ids, std::size_t count, const IndexOf& index_of) {
  std::vector<std::size_t> out;
  if (ids.empty()) {
    out.resize(count);
    std::iota(out.begin(), out.end(), std::size_t{0});
  } else {
    for (const auto& id : ids) out.push_back(index_of(id));
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Peer groups

namespace {

/// Peer groups with the positions of their members among the units they were formed over.
struct FormedGroups {
  PeerGroups groups;
  std::vector<std::vector<std::size_t>> index;  ///< per unit: its peers' positions
};

/// Every unit with the units of the list (other than itself).
void form_list_groups(const std::vector<std::string>& units, const std::vector<std::string>& list, FormedGroups& out) {
  std::vector<std::size_t> members;
  for (const auto& id : list) {
    const auto it = std::find(units.begin(), units.end(), id);
    if (it == units.end()) {
      throw DataError("peer list: unit '" + id + "' has no scores (the list may only name units of the result)");
    }
    const auto k = static_cast<std::size_t>(it - units.begin());
    if (std::find(members.begin(), members.end(), k) == members.end()) members.push_back(k);
  }
  std::sort(members.begin(), members.end());
  for (std::size_t u = 0; u < units.size(); ++u) {
    for (const auto k : members) {
      if (k != u) out.index[u].push_back(k);
    }
    out.groups.units[u].description =
        "list of " + std::to_string(members.size()) + " units (" + peers_text(out.index[u].size()) + ")";
  }
}

/// Every unit of the registry with the units that share its value of `key`.
void form_attribute_groups(const std::vector<std::string>& units, const UnitRegistry* registry, const std::string& key,
                           FormedGroups& out) {
  const std::size_t nu = units.size();
  if (registry == nullptr) {
    for (auto& group : out.groups.units) {
      group.known = false;
      group.description = "no unit registry (no peers)";
    }
    return;
  }
  std::vector<std::optional<std::string>> value(nu);
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t u = 0; u < nu; ++u) {
    const Unit* unit = registry->find(units[u]);
    out.groups.units[u].known = unit != nullptr;
    if (unit != nullptr) value[u] = unit->attribute(key);
    if (value[u] && value[u]->empty()) value[u].reset();
    if (value[u]) groups[*value[u]].push_back(u);
  }
  for (std::size_t u = 0; u < nu; ++u) {
    if (!value[u]) {
      out.groups.units[u].description = "no " + key + " for unit " + units[u] + " (no peers)";
      continue;
    }
    for (const auto k : groups[*value[u]]) {
      if (k != u) out.index[u].push_back(k);
    }
    out.groups.units[u].description = key + " = " + *value[u] + " (" + peers_text(out.index[u].size()) + ")";
  }
}

FormedGroups form_groups(const std::vector<std::string>& units, const UnitRegistry* registry,
                         const PeerDefinition& definition) {
  FormedGroups out;
  out.index.resize(units.size());
  out.groups.units.resize(units.size());
  for (std::size_t u = 0; u < units.size(); ++u) out.groups.units[u].unit = units[u];
  if (definition.list.empty()) {
    out.groups.attribute = definition.attribute;
    form_attribute_groups(units, registry, definition.attribute, out);
  } else {
    form_list_groups(units, definition.list, out);
  }
  for (std::size_t u = 0; u < units.size(); ++u) {
    for (const auto k : out.index[u]) out.groups.units[u].members.push_back(units[k]);
  }
  return out;
}

/// The peer figures of groups formed over the units of `table`; `registry` (may be null) gives
/// the populations of the weighted national mean.
PeerComparison peer_figures(const ScoreTable& table, FormedGroups formed, const UnitRegistry* registry) {
  const std::size_t nu = table.units.size();
  const std::size_t np = table.periods.size();
  const auto rows = table.scores.rows();
  const auto cols = table.scores.cols();
  const auto& peer_index = formed.index;
  PeerComparison out;
  out.mean = Eigen::MatrixXd::Constant(rows, cols, nan);
  out.median = out.mean;
  out.difference = out.mean;
  out.count = Eigen::MatrixXd::Zero(rows, cols);
  std::vector<double> values;
  for (Eigen::Index c = 0; c < cols; ++c) {
    for (std::size_t p = 0; p < np; ++p) {
      for (std::size_t u = 0; u < nu; ++u) {
        values.clear();
        for (const auto k : peer_index[u]) {
          const double x = table.scores(ix(table.row(k, p)), c);
          if (!std::isnan(x)) values.push_back(x);
        }
        const auto r = ix(table.row(u, p));
        out.count(r, c) = static_cast<double>(values.size());
        if (values.empty()) continue;
        out.mean(r, c) = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
        out.median(r, c) = stats::quantile_unsorted(values, 0.5);
        out.difference(r, c) = table.scores(r, c) - out.mean(r, c);
      }
    }
  }

  // National figures.
  std::vector<double> population(nu, nan);
  for (std::size_t u = 0; u < nu && registry != nullptr; ++u) {
    if (const Unit* unit = registry->find(table.units[u]); unit != nullptr) population[u] = unit->population;
  }
  out.national_mean = Eigen::MatrixXd::Constant(ix(np), cols, nan);
  out.national_weighted = out.national_mean;
  for (Eigen::Index c = 0; c < cols; ++c) {
    for (std::size_t p = 0; p < np; ++p) {
      double sum = 0, weighted = 0, weights = 0;
      std::size_t n = 0;
      bool all_known = true;
      for (std::size_t u = 0; u < nu; ++u) {
        const double x = table.scores(ix(table.row(u, p)), c);
        if (std::isnan(x)) continue;
        sum += x;
        ++n;
        if (std::isnan(population[u])) {
          all_known = false;
        } else {
          weighted += population[u] * x;
          weights += population[u];
        }
      }
      if (n == 0) continue;
      out.national_mean(ix(p), c) = sum / static_cast<double>(n);
      if (all_known && weights > 0) out.national_weighted(ix(p), c) = weighted / weights;
    }
  }
  out.groups = std::move(formed.groups);
  return out;
}

}  // namespace

PeerGroups peer_groups(const std::vector<std::string>& units, const UnitRegistry* registry,
                       const PeerDefinition& definition) {
  return form_groups(units, registry, definition).groups;
}

PeerComparison compare_with_peers(const ScoreTable& table, const UnitRegistry& units,
                                  const PeerDefinition& definition) {
  table.check();
  return peer_figures(table, form_groups(table.units, &units, definition), &units);
}

// ---------------------------------------------------------------------------------------------
// Changes

namespace {

Change empty_change(Eigen::Index rows, Eigen::Index cols) {
  Change c;
  c.change = Eigen::MatrixXd::Constant(rows, cols, nan);
  c.se = c.low = c.high = c.p_value = c.beyond_noise = c.change;
  c.not_comparable = Eigen::MatrixXd::Zero(rows, cols);
  return c;
}

void set_change(Change& out, Eigen::Index r, Eigen::Index c, double x, double se_x, double ref, double se_ref,
                double z, double alpha, bool like_for_like) {
  if (std::isnan(x) || std::isnan(ref)) return;
  if (!like_for_like) {
    out.not_comparable(r, c) = 1.0;  // the score rests on other indicators than the reference's
    return;
  }
  const double d = x - ref;
  out.change(r, c) = d;
  const double se = std::sqrt(se_x * se_x + se_ref * se_ref);
  if (std::isnan(se)) return;
  out.se(r, c) = se;
  out.low(r, c) = d - z * se;
  out.high(r, c) = d + z * se;
  double p = 0.0;
  if (se > 0.0) {
    p = 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>(), std::abs(d) / se));
  } else {
    p = d != 0.0 ? 0.0 : 1.0;
  }
  out.p_value(r, c) = p;
  out.beyond_noise(r, c) = p < alpha ? 1.0 : 0.0;
}

}  // namespace

Changes compute_changes(const ScoreTable& table, const UnitRegistry* units, const ChangeOptions& options) {
  table.check();
  check_level(options.level, "change interval level");
  check_level(options.alpha, "alpha of the change test");
  const std::size_t nu = table.units.size();
  const std::size_t np = table.periods.size();
  const auto rows = table.scores.rows();
  const auto cols = table.scores.cols();
  const double z = detail::normal_critical_value(options.level);
  Changes out;
  out.since_baseline = empty_change(rows, cols);
  out.since_previous = empty_change(rows, cols);
  if (np == 0) return out;
  out.baselines.resize(nu);
  for (std::size_t u = 0; u < nu; ++u) {
    std::optional<Period> base = options.baseline;
    if (!base && units != nullptr) {
      if (const Unit* unit = units->find(table.units[u]); unit != nullptr) base = unit->baseline;
    }
    if (!base) base = table.periods.front();
    const auto it = std::find(table.periods.begin(), table.periods.end(), *base);
    if (it == table.periods.end()) {
      throw DataError("unit " + table.units[u] + ": its baseline period " + base->to_string() +
                      " is not among the periods of the scores (" + table.periods.front().to_string() + " .. " +
                      table.periods.back().to_string() + ")");
    }
    out.baselines[u] = *base;
    const auto b = static_cast<std::size_t>(it - table.periods.begin());
    const auto same_basis = [&](Eigen::Index c, Eigen::Index r1, Eigen::Index r2) {
      if (table.bases.empty()) return true;
      const auto at = [&](Eigen::Index r) { return table.bases[static_cast<std::size_t>(c * rows + r)]; };
      return at(r1) == at(r2);
    };
    for (Eigen::Index c = 0; c < cols; ++c) {
      const auto rb = ix(table.row(u, b));
      for (std::size_t p = 0; p < np; ++p) {
        const auto r = ix(table.row(u, p));
        const double x = table.scores(r, c);
        const double se = table.standard_errors(r, c);
        if (p > b) {
          set_change(out.since_baseline, r, c, x, se, table.scores(rb, c), table.standard_errors(rb, c), z,
                     options.alpha, same_basis(c, r, rb));
        }
        if (p > 0) {
          const auto rp = ix(table.row(u, p - 1));
          set_change(out.since_previous, r, c, x, se, table.scores(rp, c), table.standard_errors(rp, c), z,
                     options.alpha, same_basis(c, r, rp));
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Koploper table

namespace {

/// Why a koploper row's intervals are unknown (KoploperRow::uncertainty_note); `se` is the
/// score's, `unknown` the number of other units with an unknown se (RankIntervals::unknown).
std::string uncertainty_note(const KoploperRow& row, double se, double unknown) {
  if (std::isnan(row.score)) return "";
  if (std::isnan(se)) return "standard error unknown: no score, rank or change interval";
  std::string out;
  if (!std::isnan(row.change_since_baseline) && std::isnan(row.change_low)) {
    out = "standard error at the baseline (" + row.baseline.to_string() + ") unknown: no change interval";
  }
  if (unknown > 0) {
    const auto k = static_cast<std::size_t>(unknown);
    out += (out.empty() ? "" : "; ") + std::string("the rank interval allows for ") + std::to_string(k) +
           (k == 1 ? " other unit" : " other units") + " with an unknown standard error anywhere";
  }
  return out;
}

}  // namespace

KoploperTable koploper_table(const ScoreTable& table, const UnitRegistry* units, const KoploperOptions& options) {
  table.check();
  check_level(options.level, "level");
  if (table.periods.empty()) throw DataError("koploper table: the scores have no periods");
  const std::vector<std::size_t> columns =
      chosen(options.nodes, table.nodes.size(), [&](const std::string& id) { return table.node_index(id); });
  const std::vector<std::size_t> report =
      chosen(options.units, table.units.size(), [&](const std::string& id) { return table.unit_index(id); });
  const std::size_t p = options.period ? table.period_index(*options.period) : table.periods.size() - 1;

  // `sub`: the chosen columns over all periods (for the changes); `one`: every column in the
  // reported period (for ranks and peers; the rank seeds depend on the node's index in the table,
  // so a node's rank interval does not depend on which other nodes are chosen).
  ScoreTable sub;
  sub.units = table.units;
  sub.periods = table.periods;
  sub.scores.resize(table.scores.rows(), ix(columns.size()));
  sub.standard_errors.resizeLike(sub.scores);
  const auto all_rows = static_cast<std::size_t>(table.scores.rows());
  for (std::size_t k = 0; k < columns.size(); ++k) {
    sub.nodes.push_back(table.nodes[columns[k]]);
    sub.scores.col(ix(k)) = table.scores.col(ix(columns[k]));
    sub.standard_errors.col(ix(k)) = table.standard_errors.col(ix(columns[k]));
    if (!table.bases.empty()) {
      const auto first = table.bases.begin() + static_cast<std::ptrdiff_t>(columns[k] * all_rows);
      sub.bases.insert(sub.bases.end(), first, first + static_cast<std::ptrdiff_t>(all_rows));
    }
  }
  ScoreTable one;
  one.units = table.units;
  one.nodes = table.nodes;
  one.periods = {table.periods[p]};
  one.scores.resize(ix(table.units.size()), table.scores.cols());
  one.standard_errors.resizeLike(one.scores);
  for (std::size_t u = 0; u < table.units.size(); ++u) {
    one.scores.row(ix(u)) = table.scores.row(ix(table.row(u, p)));
    one.standard_errors.row(ix(u)) = table.standard_errors.row(ix(table.row(u, p)));
  }
  RankIntervalOptions ro;
  ro.level = options.level;
  ro.draws = options.draws;
  ro.seed = options.seed;
  ro.columns = columns;
  const RankIntervals ranks = rank_intervals(one, ro);

  ChangeOptions co;
  co.level = options.level;
  co.alpha = options.alpha;
  co.baseline = options.baseline;
  const Changes changes = compute_changes(sub, units, co);

  PeerComparison peers = peer_figures(one, form_groups(one.units, units, options.peers), units);

  const double z = detail::normal_critical_value(options.level);
  std::vector<KoploperRow> rows;
  rows.reserve(report.size() * columns.size());
  for (const auto u : report) {
    const auto r = ix(table.row(u, p));
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const std::size_t c = columns[k];
      const auto col = ix(c);
      const auto kc = ix(k);
      KoploperRow row;
      row.unit = table.units[u];
      row.node = table.nodes[c];
      row.period = table.periods[p];
      row.score = table.scores(r, col);
      const double se = table.standard_errors(r, col);
      row.low = row.score - z * se;
      row.high = row.score + z * se;
      row.rank = ranks.rank(ix(u), col);
      row.rank_median = ranks.median(ix(u), col);
      row.rank_low = ranks.low(ix(u), col);
      row.rank_high = ranks.high(ix(u), col);
      row.baseline = changes.baselines[u];
      row.change_since_baseline = changes.since_baseline.change(r, kc);
      row.change_low = changes.since_baseline.low(r, kc);
      row.change_high = changes.since_baseline.high(r, kc);
      row.change_p_value = changes.since_baseline.p_value(r, kc);
      row.change_beyond_noise = changes.since_baseline.beyond_noise(r, kc);
      const bool incomparable = changes.since_baseline.not_comparable(r, kc) == 1.0;
      row.change_comparable = incomparable ? 0.0 : 1.0;
      row.peer_mean = peers.mean(ix(u), col);
      row.peer_median = peers.median(ix(u), col);
      row.peer_count = peers.count(ix(u), col);
      row.difference_from_peers = peers.difference(ix(u), col);
      row.national = peers.national_mean(0, col);
      row.peers = peers.groups.units[u].description;
      row.uncertainty_note = uncertainty_note(row, se, ranks.unknown(ix(u), col));
      if (incomparable) {
        row.uncertainty_note += (row.uncertainty_note.empty() ? "" : "; ") +
                                ("no change since the baseline: the score rests on other indicators in " +
                                 row.period.to_string() + " than in " + row.baseline.to_string());
      }
      rows.push_back(std::move(row));
    }
  }
  return {std::move(rows), std::move(peers.groups)};
}

}  // namespace doelenboom
