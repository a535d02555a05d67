#include "doelenboom/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include "stats/kernels.hpp"

namespace doelenboom::stats {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// 15 significant digits: round-trips what users type (0.95 stays "0.95") yet shows real detail.
std::string fmt(double v) {
  std::ostringstream out;
  out << std::setprecision(15) << v;
  return out.str();
}

[[noreturn]] void fail(const std::string& function, const std::string& what) {
  throw DataError(function + ": " + what);
}

void check_confidence(const char* function, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0))
    fail(function, "confidence = " + fmt(confidence) + "; expected a value strictly between 0 and 1");
}

void check_finite(const char* function, const char* name, std::span<const double> x) {
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]))
      fail(function, std::string(name) + "[" + std::to_string(i) + "] = " + fmt(x[i]) + "; expected a finite number");
}

// Neumaier-compensated sum: the mean of many survey values stays accurate to the last digit.
double accurate_sum(std::span<const double> x) {
  double sum = 0.0;
  double c = 0.0;
  for (double v : x) {
    const double t = sum + v;
    c += std::abs(sum) >= std::abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  return sum + c;
}

double mean_of(std::span<const double> x) { return accurate_sum(x) / static_cast<double>(x.size()); }

// Two-pass sample variance (divisor n - 1), as numpy.var(ddof=1); x.size() >= 2.
double sample_variance(std::span<const double> x, double mean) {
  std::vector<double> sq(x.size());
  std::transform(x.begin(), x.end(), sq.begin(), [mean](double v) { return (v - mean) * (v - mean); });
  return accurate_sum(sq) / static_cast<double>(x.size() - 1);
}

double sample_sd(std::span<const double> x) { return std::sqrt(sample_variance(x, mean_of(x))); }

void check_p(const char* function, double p) {
  if (!(p >= 0.0 && p <= 1.0)) fail(function, "p = " + fmt(p) + "; expected a probability in [0, 1]");
}

}  // namespace

// ---------------------------------------------------------------------------------------------

double share_standard_error(double p, double n) noexcept {
  if (!(n > 0.0) || !std::isfinite(p)) return std::numeric_limits<double>::quiet_NaN();
  if (p > 0.0 && p < 1.0) return std::sqrt(p * (1.0 - p) / n);
  constexpr double z = 1.959963984540054;  // Phi^-1(0.975)
  return z / (2.0 * (n + z * z));
}

Interval wilson(double successes, double n, double confidence) {
  constexpr const char* f = "wilson";
  if (!std::isfinite(n) || !(n > 0.0)) fail(f, "n = " + fmt(n) + "; expected a finite number of observations > 0");
  if (!std::isfinite(successes) || successes < 0.0)
    fail(f, "successes = " + fmt(successes) + "; expected a finite count >= 0");
  if (successes > n) fail(f, "successes = " + fmt(successes) + " > n = " + fmt(n) + "; expected successes <= n");
  check_confidence(f, confidence);

  // Same operation order as statsmodels (proportion.py, method "wilson") so results agree to ulps.
  const double alpha = (1.0 - confidence) / 2.0;
  const double z = detail::normal_upper_quantile(alpha);
  const double z2 = z * z;
  const double q = successes / n;
  const double denom = 1.0 + z2 / n;
  const double centre = (q + z2 / (2.0 * n)) / denom;
  const double half = z * std::sqrt(q * (1.0 - q) / n + z2 / (4.0 * n * n)) / denom;

  Interval out;
  out.estimate = q;
  out.low = std::clamp(centre - half, 0.0, 1.0);
  out.high = std::clamp(centre + half, 0.0, 1.0);
  // Analytically exact ends; rounding would otherwise leave e.g. 1e-17 instead of 0.
  if (successes == 0.0) out.low = 0.0;
  if (successes == n) out.high = 1.0;
  out.n = n;
  out.confidence = confidence;
  return out;
}

double normal_critical_value(double confidence) {
  check_confidence("normal_critical_value", confidence);
  return detail::normal_critical_value(confidence);
}

// ---------------------------------------------------------------------------------------------

MeanEstimate mean_interval(std::span<const double> x, double confidence) {
  constexpr const char* f = "mean_interval";
  if (x.empty()) fail(f, "n = 0; expected at least 1 observation");
  check_finite(f, "x", x);
  check_confidence(f, confidence);

  const double mean = mean_of(x);
  const double ssd = x.size() > 1 ? sample_variance(x, mean) * static_cast<double>(x.size() - 1) : 0.0;
  return mean_interval_from_moments(x.size(), mean, ssd, confidence);
}

MeanEstimate mean_interval_from_moments(std::size_t n, double mean, double sum_squared_deviations, double confidence) {
  constexpr const char* f = "mean_interval_from_moments";
  if (n == 0) fail(f, "n = 0; expected at least 1 observation");
  if (!std::isfinite(mean) || !std::isfinite(sum_squared_deviations) || sum_squared_deviations < 0.0)
    fail(f, "mean or sum of squared deviations is not a finite number >= 0");
  check_confidence(f, confidence);
  MeanEstimate out;
  out.n = n;
  out.mean = mean;
  out.confidence = confidence;
  if (n == 1) {
    out.sd = out.se = out.low = out.high = nan;
    out.interval_defined = false;
    return out;
  }
  out.sd = std::sqrt(sum_squared_deviations / static_cast<double>(n - 1));
  out.se = out.sd / std::sqrt(static_cast<double>(n));
  const double tq = detail::t_upper_quantile(static_cast<double>(n - 1), (1.0 - confidence) / 2.0);
  out.low = out.mean - tq * out.se;
  out.high = out.mean + tq * out.se;
  return out;
}

// ---------------------------------------------------------------------------------------------

double quantile(std::span<const double> sorted, double p) {
  constexpr const char* f = "quantile";
  if (sorted.empty()) fail(f, "no data; expected at least 1 value");
  check_p(f, p);
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (!std::isfinite(sorted[i]))
      fail(f, "sorted[" + std::to_string(i) + "] = " + fmt(sorted[i]) + "; expected a finite number");
    if (i > 0 && sorted[i] < sorted[i - 1])
      fail(f, "sorted[" + std::to_string(i) + "] = " + fmt(sorted[i]) + " < sorted[" + std::to_string(i - 1) +
                  "] = " + fmt(sorted[i - 1]) + "; expected ascending data (use quantile_unsorted)");
  }
  return detail::sorted_quantile(sorted, p);
}

double quantile_unsorted(std::span<const double> x, double p) {
  constexpr const char* f = "quantile_unsorted";
  if (x.empty()) fail(f, "no data; expected at least 1 value");
  check_p(f, p);
  check_finite(f, "x", x);
  std::vector<double> v(x.begin(), x.end());
  const detail::Type7Position at = detail::type7_position(v.size(), p);
  if (at.hi == at.lo) return *std::max_element(v.begin(), v.end());
  const auto nth = v.begin() + static_cast<std::ptrdiff_t>(at.lo);
  std::nth_element(v.begin(), nth, v.end());
  // After nth_element everything right of nth is >= *nth, so the next order statistic is their minimum.
  const double b = *std::min_element(nth + 1, v.end());
  return detail::type7_interpolate(*nth, b, at.t);
}

double quantile_type7(std::vector<double> values, double p) {
  std::erase_if(values, [](double x) { return std::isnan(x); });
  std::sort(values.begin(), values.end());
  return detail::sorted_quantile(values, p);
}

// ---------------------------------------------------------------------------------------------

WilcoxonResult wilcoxon_signed_rank(std::span<const double> differences) {
  constexpr const char* f = "wilcoxon_signed_rank";
  check_finite(f, "differences", differences);

  WilcoxonResult out;
  out.n = differences.size();
  std::vector<double> d;
  d.reserve(differences.size());
  for (double v : differences)
    if (v != 0.0) d.push_back(v);
  out.n_used = d.size();
  out.n_zero = out.n - out.n_used;
  if (out.n == 0) fail(f, "n = 0 differences; expected at least one nonzero difference");
  if (d.empty())
    fail(f, "n = " + std::to_string(out.n) + " differences, all zero; expected at least one nonzero difference");

  // Average ranks of |d|, in doubled form (2·rank is an integer even for midranks), and the
  // tie term Σ(t³ - t) for the normal variance.
  const std::size_t m = d.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return std::abs(d[a]) < std::abs(d[b]); });
  std::vector<std::uint64_t> rank2(m);
  double tie_term = 0.0;
  bool has_ties = false;
  for (std::size_t start = 0; start < m;) {
    std::size_t end = start + 1;
    while (end < m && std::abs(d[order[end]]) == std::abs(d[order[start]])) ++end;
    // Positions start..end-1 hold ranks start+1..end; their mean doubled is start + end + 1.
    const std::uint64_t r2 = static_cast<std::uint64_t>(start + end + 1);
    for (std::size_t k = start; k < end; ++k) rank2[order[k]] = r2;
    const auto t = static_cast<double>(end - start);
    tie_term += t * t * t - t;
    has_ties = has_ties || end - start > 1;
    start = end;
  }
  std::uint64_t r_plus2 = 0;
  std::uint64_t total2 = 0;
  for (std::size_t k = 0; k < m; ++k) {
    total2 += rank2[k];
    if (d[k] > 0.0) r_plus2 += rank2[k];
  }
  out.r_plus = static_cast<double>(r_plus2) / 2.0;
  out.r_minus = static_cast<double>(total2 - r_plus2) / 2.0;
  out.statistic = std::min(out.r_plus, out.r_minus);
  out.z = nan;

  // scipy 1.17 method="auto" (scipy/stats/_wilcoxon.py): decided on the length including zeros.
  const std::size_t n_all = out.n;
  if (n_all > 50 || ((has_ties || out.n_zero > 0) && n_all > 13)) {
    out.method = "normal";
    const auto nn = static_cast<double>(m);
    const double mean = nn * (nn + 1.0) * 0.25;
    const double sigma = std::sqrt((nn * (nn + 1.0) * (2.0 * nn + 1.0) - tie_term / 2.0) / 24.0);
    const double z = (out.r_plus - mean) / sigma;
    out.z = -std::abs(z);
    out.p_value = 2.0 * boost::math::cdf(boost::math::normal_distribution<double>(), out.z);
    return out;
  }
  out.method = (has_ties || out.n_zero > 0) ? "permutation" : "exact";

  // Null distribution of 2·r_plus: each of the m nonzero differences adds its doubled rank or not,
  // all 2^m sign patterns equally likely. m <= 50, so counts <= 2^50 are exact in uint64 and in a
  // double. (Zeros double every count and the total alike, so they drop out of the ratio.)
  std::vector<std::uint64_t> count(static_cast<std::size_t>(total2) + 1, 0);
  count[0] = 1;
  std::uint64_t reach = 0;
  for (std::uint64_t r2 : rank2) {
    reach += r2;
    for (std::uint64_t s = reach; s >= r2; --s) count[s] += count[s - r2];
  }
  std::uint64_t le = 0;
  std::uint64_t ge = 0;
  for (std::uint64_t s = 0; s <= total2; ++s) {
    if (s <= r_plus2) le += count[s];
    if (s >= r_plus2) ge += count[s];
  }
  const double tail = static_cast<double>(std::min(le, ge));
  out.p_value = std::min(1.0, 2.0 * tail / std::ldexp(1.0, static_cast<int>(m)));
  return out;
}

// ---------------------------------------------------------------------------------------------

double cronbach_alpha(const Eigen::Ref<const Eigen::MatrixXd>& items) {
  constexpr const char* f = "cronbach_alpha";
  const Eigen::Index n = items.rows();
  const Eigen::Index k = items.cols();
  if (k < 2) fail(f, "k = " + std::to_string(k) + " items; expected at least 2 columns");
  if (n < 2) fail(f, "n = " + std::to_string(n) + " respondents; expected at least 2 rows");
  for (Eigen::Index j = 0; j < k; ++j)
    for (Eigen::Index i = 0; i < n; ++i)
      if (!std::isfinite(items(i, j)))
        fail(f, "items[" + std::to_string(i) + ", " + std::to_string(j) + "] = " + fmt(items(i, j)) + " (row " +
                    std::to_string(i) + ", column " + std::to_string(j) +
                    ", 0-based); expected complete cases only, drop or impute incomplete rows first");

  double sum_item_var = 0.0;
  std::vector<double> column(static_cast<std::size_t>(n));
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = 0; i < n; ++i) column[static_cast<std::size_t>(i)] = items(i, j);
    sum_item_var += sample_variance(column, mean_of(column));
  }
  std::vector<double> total(static_cast<std::size_t>(n));
  std::vector<double> row(static_cast<std::size_t>(k));
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < k; ++j) row[static_cast<std::size_t>(j)] = items(i, j);
    total[static_cast<std::size_t>(i)] = accurate_sum(row);
  }
  const double total_var = sample_variance(total, mean_of(total));
  if (!(total_var > 0.0))
    fail(f, "variance of the total score = " + fmt(total_var) +
                "; expected respondents to differ in total score (alpha is undefined otherwise)");
  const auto kk = static_cast<double>(k);
  return kk / (kk - 1.0) * (1.0 - sum_item_var / total_var);
}

// ---------------------------------------------------------------------------------------------

namespace {

// S_diff = sqrt(2) · sd_pre · sqrt(1 - reliability), after checking its inputs.
double rci_s_diff(double sd_pre, double reliability) {
  constexpr const char* f = "rci";
  if (!std::isfinite(sd_pre) || !(sd_pre > 0.0))
    fail(f, "sd_pre = " + fmt(sd_pre) + "; expected a finite standard deviation > 0");
  if (!(reliability >= 0.0 && reliability < 1.0))
    fail(f, "reliability = " + fmt(reliability) + "; expected a coefficient in [0, 1)");
  return std::sqrt(2.0) * sd_pre * std::sqrt(1.0 - reliability);
}

}  // namespace

double rci(double pre, double post, double sd_pre, double reliability) {
  if (!std::isfinite(pre)) fail("rci", "pre = " + fmt(pre) + "; expected a finite score");
  if (!std::isfinite(post)) fail("rci", "post = " + fmt(post) + "; expected a finite score");
  return (post - pre) / rci_s_diff(sd_pre, reliability);
}

Eigen::VectorXd rci(const Eigen::Ref<const Eigen::VectorXd>& pre, const Eigen::Ref<const Eigen::VectorXd>& post,
                    double sd_pre, double reliability) {
  constexpr const char* f = "rci";
  if (pre.size() != post.size())
    fail(f, "len(pre) = " + std::to_string(pre.size()) + " but len(post) = " + std::to_string(post.size()) +
                "; expected paired scores of equal length");
  const double s_diff = rci_s_diff(sd_pre, reliability);
  check_finite(f, "pre", std::span<const double>(pre.data(), static_cast<std::size_t>(pre.size())));
  check_finite(f, "post", std::span<const double>(post.data(), static_cast<std::size_t>(post.size())));
  return (post - pre) / s_diff;
}

// ---------------------------------------------------------------------------------------------

PairedEffect paired_effect(std::span<const double> pre, std::span<const double> post) {
  constexpr const char* f = "paired_effect";
  if (pre.size() != post.size())
    fail(f, "len(pre) = " + std::to_string(pre.size()) + " but len(post) = " + std::to_string(post.size()) +
                "; expected paired scores of equal length");
  if (pre.size() < 2) fail(f, "n = " + std::to_string(pre.size()) + " pairs; expected at least 2 (an sd is needed)");
  check_finite(f, "pre", pre);
  check_finite(f, "post", post);

  std::vector<double> diff(pre.size());
  std::transform(post.begin(), post.end(), pre.begin(), diff.begin(), [](double b, double a) { return b - a; });

  PairedEffect out;
  out.n = pre.size();
  out.mean_difference = mean_of(diff);
  out.sd_pre = sample_sd(pre);
  out.sd_post = sample_sd(post);
  out.sd_diff = std::sqrt(sample_variance(diff, out.mean_difference));
  out.d_z = out.sd_diff > 0.0 ? out.mean_difference / out.sd_diff : nan;
  const double df = static_cast<double>(out.n - 1);
  out.hedges_j = 1.0 - 3.0 / (4.0 * df - 1.0);
  out.g_z = out.hedges_j * out.d_z;
  const double sd_av = (out.sd_pre + out.sd_post) / 2.0;
  out.d_av = sd_av > 0.0 ? out.mean_difference / sd_av : nan;
  out.standardiser_z = "sd of the differences";
  out.standardiser_av = "average sd of pre and post";
  return out;
}

// ---------------------------------------------------------------------------------------------

ShiftTable shift_table(std::span<const int> pre, std::span<const int> post, int min, int max) {
  constexpr const char* f = "shift_table";
  constexpr std::int64_t max_levels = 1000;
  if (pre.size() != post.size())
    fail(f, "len(pre) = " + std::to_string(pre.size()) + " but len(post) = " + std::to_string(post.size()) +
                "; expected paired scores of equal length");
  if (min > max) fail(f, "min = " + std::to_string(min) + " > max = " + std::to_string(max) + "; expected min <= max");
  // 64-bit so that e.g. [INT_MIN, INT_MAX] cannot overflow before being rejected.
  const std::int64_t levels = std::int64_t{max} - std::int64_t{min} + 1;
  if (levels > max_levels)
    fail(f, "[min, max] = [" + std::to_string(min) + ", " + std::to_string(max) + "] has " + std::to_string(levels) +
                " levels; expected an ordinal scale of at most " + std::to_string(max_levels) + " levels");
  auto check = [&](std::span<const int> x, const char* name) {
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i] < min || x[i] > max)
        fail(f, std::string(name) + "[" + std::to_string(i) + "] = " + std::to_string(x[i]) + " is outside [" +
                    std::to_string(min) + ", " + std::to_string(max) + "]; expected a level of the scale");
  };
  check(pre, "pre");
  check(post, "post");

  ShiftTable out;
  out.min = min;
  out.max = max;
  out.counts.setZero(static_cast<Eigen::Index>(levels), static_cast<Eigen::Index>(levels));
  for (std::size_t i = 0; i < pre.size(); ++i) {
    ++out.counts(static_cast<Eigen::Index>(pre[i]) - min, static_cast<Eigen::Index>(post[i]) - min);
    if (post[i] > pre[i]) ++out.improved;
    else if (post[i] < pre[i]) ++out.worse;
    else ++out.same;
  }
  out.n = static_cast<std::int64_t>(pre.size());
  return out;
}

}  // namespace doelenboom::stats
