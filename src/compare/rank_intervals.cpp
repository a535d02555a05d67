// Rank intervals by simulation (compare.hpp, docs/compare.md): per period and node, every unit
// with a known standard error drawn as score + se * Z, the draws ranked, and the quantiles of each
// unit's simulated ranks; units whose se is unknown get no interval and widen the others'.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/random/normal_distribution.hpp>

#include "doelenboom/compare.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/stats.hpp"
#include "stats/kernels.hpp"

namespace doelenboom {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

Eigen::Index ix(std::size_t i) { return static_cast<Eigen::Index>(i); }

/// Ranks of values (descending, 1 = best, ties take the lowest rank), written to out[i].
void rank_descending(std::span<const double> values, std::vector<std::pair<double, std::size_t>>& order,
                     std::span<double> out) {
  order.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) order[i] = {values[i], i};
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; k < order.size(); ++k) {
    const bool tie = k > 0 && order[k].first == order[k - 1].first;
    out[order[k].second] = tie ? out[order[k - 1].second] : static_cast<double>(k + 1);
  }
}

/// numpy's linear quantile of the sorted draws of one unit, given as a histogram of ranks 1..n
/// (counts[r - 1] draws had rank r; draws in total).
double histogram_quantile(std::span<const std::uint32_t> counts, std::size_t draws, double p) {
  const detail::Type7Position position = detail::type7_position(draws, p);
  // The value at sorted position k: the smallest rank whose cumulative count exceeds k.
  const auto at = [&](std::size_t k) {
    std::size_t cum = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      cum += counts[r];
      if (cum > k) return static_cast<double>(r + 1);
    }
    return static_cast<double>(counts.size());
  };
  const double a = at(position.lo);
  if (position.hi == position.lo) return a;
  return detail::type7_interpolate(a, at(position.hi), position.t);
}

/// The simulated ranks of n units over `draws` draws, for their quantiles: a histogram of ranks
/// per unit (n x n) when n <= draws, else every draw's rank (n x draws).
class RankDraws {
 public:
  void reset(std::size_t n, std::size_t draws) {
    n_ = n;
    draws_ = draws;
    histogram_ = n <= draws;
    if (histogram_) {
      counts_.assign(n * n, 0U);
    } else {
      drawn_.resize(n * draws);
    }
  }
  void add(std::size_t d, std::span<const double> ranks) {
    for (std::size_t i = 0; i < n_; ++i) {
      if (histogram_) {
        ++counts_[i * n_ + static_cast<std::size_t>(ranks[i]) - 1];
      } else {
        drawn_[i * draws_ + d] = ranks[i];
      }
    }
  }
  /// Unit i's quantile p of its ranks (numpy "linear"); `sorted` after the first call for i.
  double quantile(std::size_t i, double p, bool sorted) {
    if (histogram_) return histogram_quantile(std::span<const std::uint32_t>(counts_.data() + i * n_, n_), draws_, p);
    const std::span<double> mine(drawn_.data() + i * draws_, draws_);
    if (!sorted) std::sort(mine.begin(), mine.end());
    return stats::quantile(mine, p);
  }

 private:
  std::size_t n_ = 0, draws_ = 0;
  bool histogram_ = true;
  std::vector<std::uint32_t> counts_;  // counts_[i * n + r - 1] = draws in which unit i had rank r
  std::vector<double> drawn_;
};

/// The rank intervals of one (period, node): the units with a score there, and the buffers reused
/// from one (period, node) to the next.
struct RankCell {
  std::vector<std::size_t> present;  ///< unit positions
  std::vector<double> score, se;
  std::vector<std::size_t> known;  ///< positions in `present` of the units whose se is known
};

/// Simulates one (period, node) and writes its rows of `out`. Every unit with a known se moves
/// as score + se * Z; a unit with an unknown se keeps its score (for the others' medians) and gets
/// no interval; the others' intervals let those units stand anywhere: low is the quantile of the
/// rank among the known units only (all unknown ones behind), high that plus their number (all
/// ahead).
class RankSimulation {
 public:
  RankSimulation(const ScoreTable& table, const RankIntervalOptions& options, RankIntervals& out)
      : table_(table), draws_(options.draws), p_low_((1.0 - options.level) / 2.0),
        p_high_((1.0 + options.level) / 2.0), seed_(options.seed), out_(out) {}

  void run(std::size_t c, std::size_t p, RankCell& cell) {
    const std::size_t n = cell.present.size();
    const std::size_t unknown = n - cell.known.size();
    observed_.resize(n);
    rank_descending(cell.score, order_, observed_);
    std::seed_seq seq{static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32U),
                      static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(c)};
    std::mt19937_64 engine(seq);
    boost::random::normal_distribution<double> normal(0.0, 1.0);
    value_.resize(n);
    ranks_.resize(n);
    known_value_.resize(cell.known.size());
    known_ranks_.resize(cell.known.size());
    all_.reset(n, draws_);
    if (unknown > 0) among_known_.reset(cell.known.size(), draws_);
    for (std::size_t d = 0; d < draws_; ++d) {
      // A normal deviate for every unit, also those with an unknown se (not used), so that the
      // draws of the others do not depend on which se are known.
      for (std::size_t i = 0; i < n; ++i) {
        const double z = normal(engine);
        value_[i] = std::isnan(cell.se[i]) ? cell.score[i] : cell.score[i] + cell.se[i] * z;
      }
      rank_descending(value_, order_, ranks_);
      all_.add(d, ranks_);
      if (unknown == 0) continue;
      for (std::size_t k = 0; k < cell.known.size(); ++k) known_value_[k] = value_[cell.known[k]];
      rank_descending(known_value_, order_, known_ranks_);
      among_known_.add(d, known_ranks_);
    }
    const auto col = ix(c);
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = ix(table_.row(cell.present[i], p));
      out_.rank(r, col) = observed_[i];
      const bool own = std::isnan(cell.se[i]);
      out_.unknown(r, col) = static_cast<double>(unknown - (own ? 1 : 0));
      if (own) continue;  // its rank interval is unknown: median, low and high stay NaN
      out_.median(r, col) = all_.quantile(i, 0.5, false);
      if (unknown == 0) {
        out_.low(r, col) = all_.quantile(i, p_low_, true);
        out_.high(r, col) = all_.quantile(i, p_high_, true);
      }
    }
    for (std::size_t k = 0; k < cell.known.size() && unknown > 0; ++k) {
      const auto r = ix(table_.row(cell.present[cell.known[k]], p));
      out_.low(r, col) = among_known_.quantile(k, p_low_, false);
      out_.high(r, col) = among_known_.quantile(k, p_high_, true) + static_cast<double>(unknown);
    }
  }

 private:
  const ScoreTable& table_;
  std::size_t draws_;
  double p_low_, p_high_;
  std::uint64_t seed_;
  RankIntervals& out_;
  std::vector<std::pair<double, std::size_t>> order_;
  std::vector<double> observed_, value_, ranks_, known_value_, known_ranks_;
  RankDraws all_, among_known_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Rank intervals

RankIntervals rank_intervals(const ScoreTable& table, const RankIntervalOptions& options) {
  table.check();
  if (!(options.level > 0.0 && options.level < 1.0)) {
    throw DataError("rank interval level must be in (0, 1), got " + std::to_string(options.level));
  }
  if (options.draws == 0) throw DataError("rank intervals need at least one draw");
  std::vector<std::size_t> columns = options.columns;
  if (columns.empty()) {
    columns.resize(table.nodes.size());
    std::iota(columns.begin(), columns.end(), std::size_t{0});
  }
  for (const auto c : columns) {
    if (c >= table.nodes.size()) {
      throw DataError("rank intervals: node column " + std::to_string(c) + " is out of range (" +
                      std::to_string(table.nodes.size()) + " nodes)");
    }
  }
  RankIntervals out;
  out.level = options.level;
  out.draws = options.draws;
  out.rank = Eigen::MatrixXd::Constant(table.scores.rows(), table.scores.cols(), nan);
  out.median = out.low = out.high = out.unknown = out.rank;
  RankSimulation simulation(table, options, out);
  RankCell cell;
  for (const auto c : columns) {
    for (std::size_t p = 0; p < table.periods.size(); ++p) {
      cell.present.clear();
      cell.score.clear();
      cell.se.clear();
      cell.known.clear();
      for (std::size_t u = 0; u < table.units.size(); ++u) {
        const auto r = ix(table.row(u, p));
        const double x = table.scores(r, ix(c));
        if (std::isnan(x)) continue;
        const double se = table.standard_errors(r, ix(c));
        if (!std::isnan(se)) cell.known.push_back(cell.present.size());
        cell.present.push_back(u);
        cell.score.push_back(x);
        cell.se.push_back(se);
      }
      if (!cell.present.empty()) simulation.run(c, p, cell);
    }
  }
  return out;
}

}  // namespace doelenboom
