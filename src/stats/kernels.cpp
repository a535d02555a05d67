// The statistics kernels (kernels.hpp) that are not inline.

#include "stats/kernels.hpp"

#include <cmath>
#include <limits>
#include <numeric>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace doelenboom::detail {

namespace {

// Sums of the powers of the deviations from the mean, d = x - mean: s2 = sum d^2, s3 = sum d^3,
// s4 = sum d^4, in data order.
struct MomentSums {
  double s2 = 0.0, s3 = 0.0, s4 = 0.0;
};

MomentSums moment_sums(std::span<const double> x, double n) {
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  MomentSums m;
  for (const double v : x) {
    const double d = v - mean;
    m.s2 += d * d;
    m.s3 += d * d * d;
    m.s4 += d * d * d * d;
  }
  return m;
}

}  // namespace

double median_inplace(std::vector<double>& v) {
  const std::size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m), v.end());
  const double hi = v[m];
  if (v.size() % 2 == 1) return hi;
  // After nth_element the lower middle value is the largest of those left of it.
  return 0.5 * (hi + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m)));
}

double sample_skewness(std::span<const double> x) {
  const auto n = static_cast<double>(x.size());
  if (x.size() < 3) return std::numeric_limits<double>::quiet_NaN();
  const MomentSums m = moment_sums(x, n);
  const double g1 = std::sqrt(n) * m.s3 / std::pow(m.s2, 1.5);
  return g1 * std::sqrt(n * (n - 1.0)) / (n - 2.0);
}

double sample_kurtosis(std::span<const double> x) {
  const auto n = static_cast<double>(x.size());
  if (x.size() < 4) return std::numeric_limits<double>::quiet_NaN();
  const MomentSums m = moment_sums(x, n);
  const double r = n * m.s4 / (m.s2 * m.s2);
  return ((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0));
}

double normal_quantile(double p) { return boost::math::quantile(boost::math::normal_distribution<double>(), p); }

double normal_upper_quantile(double alpha) {
  return boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double>(), alpha));
}

double t_quantile(double df, double p) {
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

double t_upper_quantile(double df, double alpha) {
  return boost::math::quantile(boost::math::complement(boost::math::students_t_distribution<double>(df), alpha));
}

}  // namespace doelenboom::detail
