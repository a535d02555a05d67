// The order-statistic interval of a quantile (src/estimate/client_variance.hpp): with B the number
// of values at or below the true quantile ξ_p, B ~ Binomial(n, p) for continuous values, and
// x_(l) <= ξ_p <= x_(u) holds when l <= B <= u - 1; with ties the event only grows, so the interval
// is conservative for any distribution (Conover 1999, Practical Nonparametric Statistics, the
// confidence interval for a quantile).

#include "estimate/client_variance.hpp"

#include <boost/math/distributions/binomial.hpp>

#include "stats/kernels.hpp"

namespace doelenboom::detail {

namespace {

// The largest k in [0, n] with cdf(k) <= level, or -1 when cdf(0) > level (cdf rises with k).
long long last_at_or_below(const boost::math::binomial_distribution<double>& b, long long n, double level) {
  long long lo = -1, hi = n;  // cdf(lo) <= level (lo = -1 by convention), cdf(hi) = 1 > level
  while (hi - lo > 1) {
    const long long mid = lo + (hi - lo) / 2;
    if (boost::math::cdf(b, static_cast<double>(mid)) <= level) lo = mid;
    else hi = mid;
  }
  return lo;
}

}  // namespace

std::optional<QuantileInterval> quantile_interval(std::span<const double> sorted, double p, double confidence) {
  const auto n = static_cast<long long>(sorted.size());
  if (n == 0) return std::nullopt;
  const double tail = (1.0 - confidence) / 2.0;
  const boost::math::binomial_distribution<double> b(static_cast<double>(n), p);
  // Lower rank l = k + 1 for the largest k with P(B <= k) <= tail: P(B < l) <= tail.
  const long long k_low = last_at_or_below(b, n, tail);
  if (k_low < 0) return std::nullopt;
  // Upper rank u = k + 1 for the smallest k with P(B <= k) >= 1 - tail: P(B >= u) <= tail.
  const long long k_high = last_at_or_below(b, n, std::nextafter(1.0 - tail, 0.0)) + 1;
  if (k_high + 1 > n) return std::nullopt;
  QuantileInterval q;
  q.lower = static_cast<std::size_t>(k_low + 1);
  q.upper = static_cast<std::size_t>(k_high + 1);
  q.low = sorted[q.lower - 1];
  q.high = sorted[q.upper - 1];
  if (q.high == q.low) {  // tied whole days: the dates resolve the quantile to a day, no finer
    q.low -= 0.5;
    q.high += 0.5;
  }
  q.se = (q.high - q.low) / (2.0 * normal_critical_value(confidence));
  return q;
}

}  // namespace doelenboom::detail
