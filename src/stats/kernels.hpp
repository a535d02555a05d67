#pragma once
// The statistics kernels every stage shares, without input checks (the callers check, or hold
// values that are right by construction): type 7 quantiles, the median, sample skewness and
// kurtosis, and the critical values of normal and Student t intervals. The checked public
// functions are in include/doelenboom/stats.hpp.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace doelenboom::detail {

// ---------------------------------------------------------------------------------------------
// Quantiles

/// Where the type 7 quantile (Hyndman & Fan 1996 definition 7) of n >= 1 sorted values lies:
/// h = (n-1)·p, between x[lo] and x[hi] (hi = lo + 1, or lo itself at the top) at weight t = h - lo.
struct Type7Position {
  std::size_t lo = 0;
  std::size_t hi = 0;
  double t = 0.0;
};

[[nodiscard]] inline Type7Position type7_position(std::size_t n, double p) noexcept {
  const double h = static_cast<double>(n - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  return {lo, std::min(lo + 1, n - 1), h - static_cast<double>(lo)};
}

/// The type 7 quantile of sorted values (NaN when there are none), interpolated as numpy does
/// (numpy/lib/_function_base_impl.py, _lerp): from the upper point when t >= 0.5, so that t = 1
/// returns the upper value exactly and every quantile equals numpy.quantile bit for bit. The one
/// interpolation of the library: stats::quantile, quantile_type7, the rank intervals and the
/// sensitivity summaries all use it.
[[nodiscard]] inline double type7_interpolate(double a, double b, double t) noexcept {
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

[[nodiscard]] inline double sorted_quantile(std::span<const double> sorted, double p) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const Type7Position at = type7_position(sorted.size(), p);
  return type7_interpolate(sorted[at.lo], sorted[at.hi], at.t);
}

/// The median of v (not empty; reordered): the middle value, or the mean of the middle two.
[[nodiscard]] double median_inplace(std::vector<double>& v);

// ---------------------------------------------------------------------------------------------
// Shape

/// Sample skewness G1 = g1 * sqrt(n(n-1))/(n-2), g1 = m3 / m2^(3/2) with central moments
/// m_k = sum (x - mean)^k / n: e1071's type 2 (Excel's SKEW), as COINr's skew(). NaN for n < 3.
[[nodiscard]] double sample_skewness(std::span<const double> x);
/// Sample excess kurtosis G2 = ((n+1)(g2) + 6)(n-1)/((n-2)(n-3)), g2 = m4/m2^2 - 3: e1071's
/// type 2 (Excel's KURT), as COINr's kurt(). NaN for n < 4.
[[nodiscard]] double sample_kurtosis(std::span<const double> x);

// ---------------------------------------------------------------------------------------------
// Critical values of intervals

/// Φ⁻¹(p), the standard normal quantile.
[[nodiscard]] double normal_quantile(double p);
/// Φ⁻¹(1 - alpha) from the upper tail (accurate for small alpha): the z of a two-sided interval
/// at confidence c is normal_upper_quantile((1 - c) / 2).
[[nodiscard]] double normal_upper_quantile(double alpha);
/// z of the two-sided normal interval at `confidence` in (0, 1): normal_upper_quantile((1 -
/// confidence) / 2). The pipeline's score intervals and the intervals of the estimates use it.
[[nodiscard]] inline double normal_critical_value(double confidence) {
  return normal_upper_quantile((1.0 - confidence) / 2.0);
}
/// The quantile of Student's t with df degrees of freedom at p.
[[nodiscard]] double t_quantile(double df, double p);
/// The t quantile at 1 - alpha from the upper tail.
[[nodiscard]] double t_upper_quantile(double df, double alpha);

}  // namespace doelenboom::detail
