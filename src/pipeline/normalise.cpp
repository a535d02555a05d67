// Normalisation of one indicator column, as COINr does it: the direction is applied first
// (y = direction * x), then the method maps y to a common scale. Parameters (min, max, mean, sd,
// ranks) come from the units with a value in each period, or in all periods at once. Every method
// also gives its derivative with respect to the raw value, so that standard errors can be
// carried: se_normalised = |factor| * se (0 for ranks).

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "pipeline/normalise.hpp"

namespace doelenboom::detail {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
using Strided = Eigen::Map<Eigen::VectorXd, 0, Eigen::InnerStride<>>;

bool present(double x) noexcept { return !std::isnan(x); }

struct Group {
  Strided y;       // direction * value
  Strided out;
  Strided factor;
  std::string where;  // "period 2022" or "all periods"
};

// 1-based ranks with ties taking the lowest rank (R's ties.method = "min"); NaN stays NaN.
std::vector<double> min_ranks(const Strided& y, std::size_t& count) {
  std::vector<Eigen::Index> order;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (present(y(i))) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return y(a) < y(b); });
  std::vector<double> rank(static_cast<std::size_t>(y.size()), nan);
  for (std::size_t k = 0; k < order.size(); ++k) {
    const bool tie = k > 0 && y(order[k]) == y(order[k - 1]);
    rank[static_cast<std::size_t>(order[k])] = tie ? rank[static_cast<std::size_t>(order[k - 1])] : static_cast<double>(k + 1);
  }
  count = order.size();
  return rank;
}

// Minimum, maximum, sum and count of the present values (a function of its own: the lambdas of
// normalise_group capture their copies by reference, which would keep them in memory there).
struct Stats {
  double min, max, sum;
  std::size_t count;
};

[[gnu::noinline]] Stats stats_of(const Strided& y) {
  // Scalars, not the struct's fields and not through std::min / std::max (which return
  // references): either keeps the accumulators in memory, costing a store-load round trip per row.
  double low = std::numeric_limits<double>::infinity(), high = -low, sum = 0.0;
  std::size_t count = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const double x = y(i);
    if (!present(x)) continue;
    low = x < low ? x : low;     // std::min(low, x)
    high = high < x ? x : high;  // std::max(high, x)
    sum += x;
    ++count;
  }
  return Stats{low, high, sum, count};
}

// `fit` holds the values the constants are taken from: g.y itself, or the reference period's.
void normalise_group(const std::string& indicator, const Normalise& n, int direction, const IndicatorDefinition* def,
                     Group& g, const Strided& fit, std::vector<Problem>& problems) {
  const double d = static_cast<double>(direction);
  const double span = n.high - n.low;
  const Eigen::Index size = g.y.size();
  const Stats stats = stats_of(fit);  // copied out: the lambdas capture these, not `stats`
  const double mn = stats.min, mx = stats.max, sum = stats.sum;
  const std::size_t count = stats.count;
  const std::string context = "indicator " + squote(indicator) + ", " + g.where;
  const auto fail = [&](const std::string& what) {
    problems.push_back(pipeline_problem("cannot_normalise", {indicator}, context + ": " + what));
    g.out.setConstant(nan);
    g.factor.setConstant(nan);
  };
  // A linear map out = (y - origin) * scale + low, applied to present values.
  const auto linear = [&](double origin, double scale) {
    const double slope = d * span / scale;  // once, not per row
    for (Eigen::Index i = 0; i < size; ++i) {
      const double y = g.y(i);
      // The same order of operations as COINr's n_minmax: (x - min)/(max - min)*(u - l) + l.
      g.out(i) = present(y) ? (y - origin) / scale * span + n.low : nan;
      g.factor(i) = present(y) ? slope : nan;
    }
  };
  if (count == 0 && n.method != Normalisation::goalposts && n.method != Normalisation::none) {
    g.out.setConstant(nan);  // no data: nothing to normalise
    g.factor.setConstant(nan);
    return;
  }

  switch (n.method) {
    case Normalisation::none:
      for (Eigen::Index i = 0; i < size; ++i) {
        g.out(i) = g.y(i);
        g.factor(i) = present(g.y(i)) ? d : nan;
      }
      return;
    case Normalisation::minmax:
      if (!(mx > mn)) {
        return fail("minmax needs at least two different values, but all " + std::to_string(count) +
                    " units with a value have " + brief(d * mn) +
                    "; use goalposts, or scope all_periods or reference, for an indicator that can be constant");
      }
      return linear(mn, mx - mn);
    case Normalisation::zscore: {
      if (count < 2) return fail("zscore needs at least two units with a value, found " + std::to_string(count));
      const double mean = sum / static_cast<double>(count);
      double ss = 0.0;
      for (Eigen::Index i = 0; i < fit.size(); ++i) {
        if (present(fit(i))) ss += (fit(i) - mean) * (fit(i) - mean);
      }
      const double sd = std::sqrt(ss / static_cast<double>(count - 1));  // the sample sd, as COINr
      if (!(sd > 0.0)) return fail("zscore needs a spread, but all " + std::to_string(count) + " units have " + brief(d * mean));
      for (Eigen::Index i = 0; i < size; ++i) {
        const double y = g.y(i);
        g.out(i) = present(y) ? (y - mean) / sd * n.sd + n.mean : nan;
        g.factor(i) = present(y) ? d * n.sd / sd : nan;
      }
      return;
    }
    case Normalisation::goalposts: {
      if (def == nullptr || !def->goalpost_min || !def->goalpost_max) {
        return fail("goalposts normalisation needs goalpost_min and goalpost_max in the indicator's definition "
                    "(RunContext.indicators)" +
                    std::string(def == nullptr ? ", which has no definition for it" : ""));
      }
      // The goalposts are multiplied by the direction as the values are, so that for direction
      // -1 the upper goalpost maps to low and the lower to high. No clamping: values beyond the
      // goalposts fall outside [low, high].
      const double a = d * *def->goalpost_min, b = d * *def->goalpost_max;
      return linear(std::min(a, b), std::abs(b - a));
    }
    case Normalisation::distance_to_target: {
      if (def == nullptr || !def->norm) {
        return fail("distance_to_target needs a norm (the target) in the indicator's definition (RunContext.indicators)" +
                    std::string(def == nullptr ? ", which has no definition for it" : ""));
      }
      const double target = d * *def->norm;
      if (!(target > mn)) {
        return fail("distance_to_target needs the target " + brief(*def->norm) + " to be better than the worst unit (" +
                    brief(d * mn) + ")");
      }
      return linear(mn, target - mn);
    }
    case Normalisation::rank:
    case Normalisation::percentile_rank: {
      std::size_t ranked = 0;
      const auto rank = min_ranks(g.y, ranked);
      if (n.method == Normalisation::percentile_rank && ranked < 2) {
        return fail("percentile_rank needs at least two units with a value, found " + std::to_string(ranked));
      }
      for (Eigen::Index i = 0; i < size; ++i) {
        const double r = rank[static_cast<std::size_t>(i)];
        g.out(i) = n.method == Normalisation::rank ? r : (r - 1.0) / static_cast<double>(ranked - 1) * span + n.low;
        g.factor(i) = present(r) ? 0.0 : nan;  // piecewise constant: no first-order error
      }
      return;
    }
  }
}

}  // namespace

void normalise_indicator(const std::string& indicator, const Normalise& normalise, int direction,
                         const IndicatorDefinition* definition, const RowLayout& rows,
                         const Eigen::Ref<const Eigen::VectorXd>& value, Eigen::Ref<Eigen::VectorXd> out,
                         Eigen::Ref<Eigen::VectorXd> factor, std::vector<Problem>& problems) {
  Eigen::VectorXd y = static_cast<double>(direction) * value;
  const auto units = static_cast<Eigen::Index>(rows.unit_count());
  const auto periods = static_cast<Eigen::Index>(rows.period_count());
  const auto period_rows = [&](Eigen::VectorXd& v, Eigen::Index p) { return Strided(v.data() + p, units, Eigen::InnerStride<>(periods)); };
  if (normalise.scope == NormaliseScope::reference && periods > 1) {
    // Every row on the scale of the reference period's values; for an indicator first measured
    // later, of the first period with values after it (wrapping round): a scale that stays put.
    const auto has_values = [&](Eigen::Index p) { return (period_rows(y, p).array() == period_rows(y, p).array()).any(); };
    auto r = static_cast<Eigen::Index>(rows.reference);
    for (Eigen::Index step = 0; step < periods && !has_values(r); ++step) r = (r + 1) % periods;
    const Strided fit = period_rows(y, r);
    Group g{Strided(y.data(), y.size(), Eigen::InnerStride<>(1)), Strided(out.data(), out.size(), Eigen::InnerStride<>(1)),
            Strided(factor.data(), factor.size(), Eigen::InnerStride<>(1)),
            "reference period " + (*rows.periods)[static_cast<std::size_t>(r)].to_string()};
    normalise_group(indicator, normalise, direction, definition, g, fit, problems);
    return;
  }
  if (normalise.scope != NormaliseScope::per_period || periods == 1) {
    Group g{Strided(y.data(), y.size(), Eigen::InnerStride<>(1)), Strided(out.data(), out.size(), Eigen::InnerStride<>(1)),
            Strided(factor.data(), factor.size(), Eigen::InnerStride<>(1)),
            periods == 1 ? "period " + rows.periods->front().to_string() : std::string("all periods")};
    normalise_group(indicator, normalise, direction, definition, g, g.y, problems);
    return;
  }
  for (Eigen::Index p = 0; p < periods; ++p) {
    Group g{period_rows(y, p), Strided(out.data() + p, units, Eigen::InnerStride<>(periods)),
            Strided(factor.data() + p, units, Eigen::InnerStride<>(periods)),
            "period " + (*rows.periods)[static_cast<std::size_t>(p)].to_string()};
    normalise_group(indicator, normalise, direction, definition, g, g.y, problems);
  }
}

}  // namespace doelenboom::detail
