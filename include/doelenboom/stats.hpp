#pragma once
// Statistics kernels that turn client-level records into estimates with honest uncertainty:
// Wilson intervals for survey proportions, t intervals for means, quantiles, the Wilcoxon
// signed-rank test, Cronbach's alpha, the Reliable Change Index, paired effect sizes with the
// standardiser named, and shift tables for ordinal pre/post scores (ZRM).
//
// Every function checks its input and throws doelenboom::DataError with a message naming the
// offending value and what was expected; non-finite values (NaN, inf) are never accepted as data.
// Each result carries n, as every published estimate should. Reference implementations are named
// per function; the tests compare against them to 1e-12 relative (see tests/cpp/stats/test_stats.cpp and
// tests/python/test_stats.py).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "doelenboom/error.hpp"

namespace doelenboom::stats {

/// Two-sided 95% normal critical value, Φ⁻¹(0.975): |RCI| above this is reliable change
/// (Jacobson & Truax 1991 use 1.96).
inline constexpr double reliable_change_threshold = 1.959963984540054;

/// z of the two-sided normal interval x ∓ z·se at `confidence`: Φ⁻¹((1 + confidence)/2), computed
/// from the upper tail as the pipeline's score intervals are (1.959963984540054 at 0.95).
/// Throws DataError for a confidence outside (0, 1).
[[nodiscard]] double normal_critical_value(double confidence);

// ---------------------------------------------------------------------------------------------
// Proportions

/// A point estimate with a two-sided confidence interval.
struct Interval {
  double estimate = 0.0;    ///< point estimate (for wilson: p̂ = successes / n)
  double low = 0.0;         ///< lower limit
  double high = 0.0;        ///< upper limit
  double n = 0.0;           ///< number of observations behind the estimate
  double confidence = 0.0;  ///< confidence level of [low, high], e.g. 0.95
};

/// Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998 method 3).
///
/// With p̂ = s/n and z = Φ⁻¹(1 - α/2), α = 1 - confidence:
///   centre = (p̂ + z²/(2n)) / (1 + z²/n)
///   half   = z · sqrt(p̂(1-p̂)/n + z²/(4n²)) / (1 + z²/n)
///   [low, high] = [centre - half, centre + half], clipped to [0, 1].
/// low is exactly 0 when s = 0 and high exactly 1 when s = n.
/// Matches statsmodels `proportion_confint(s, n, alpha=1-confidence, method="wilson")`.
/// `successes` may be fractional (weighted counts), as in statsmodels.
/// Throws DataError unless n > 0, 0 <= successes <= n (both finite) and 0 < confidence < 1.
[[nodiscard]] Interval wilson(double successes, double n, double confidence = 0.95);

/// The standard error of a share p = s/n: the binomial sqrt(p (1 - p) / n) for 0 < p < 1; at 0/n
/// and n/n, where that is 0, the half-width of the 95% Wilson interval over z = 1.95996..., which
/// is z / (2 (n + z^2)) (the interval is [0, z^2 / (n + z^2)] or [n / (n + z^2), 1]): an estimate
/// of everyone or no one is not certain (docs/estimates.md). Fixed at 95%, so that the se does not
/// depend on the level an estimator reports its interval at. NaN unless n > 0.
[[nodiscard]] double share_standard_error(double p, double n) noexcept;

// ---------------------------------------------------------------------------------------------
// Means and quantiles

/// A sample mean with its Student t confidence interval.
struct MeanEstimate {
  std::size_t n = 0;             ///< number of observations
  double mean = 0.0;             ///< arithmetic mean
  double sd = 0.0;               ///< sample standard deviation (divisor n - 1); NaN when n = 1
  double se = 0.0;               ///< standard error sd / sqrt(n); NaN when n = 1
  double low = 0.0;              ///< lower limit; NaN when n = 1
  double high = 0.0;             ///< upper limit; NaN when n = 1
  double confidence = 0.0;       ///< confidence level of [low, high]
  bool interval_defined = true;  ///< false when n = 1 (no spread can be estimated from one value)
};

/// Mean with a t interval: mean ± t_{1-α/2, n-1} · sd/sqrt(n), sd with divisor n - 1.
/// Matches `scipy.stats.t.interval(confidence, n-1, loc=mean, scale=sd/sqrt(n))` with
/// `sd = numpy.std(x, ddof=1)`.
/// n = 1 is not an error: the mean is returned with sd, se, low and high NaN and
/// interval_defined = false, so a table can still show the single value with its n.
/// Throws DataError for an empty x, a non-finite value (naming its index) or a confidence
/// outside (0, 1).
[[nodiscard]] MeanEstimate mean_interval(std::span<const double> x, double confidence = 0.95);

/// The same from the moments of the data: n >= 1 observations with this mean and sum of squared
/// deviations from it (e.g. Welford's running M2), for estimators that stream over rows.
[[nodiscard]] MeanEstimate mean_interval_from_moments(std::size_t n, double mean, double sum_squared_deviations,
                                                      double confidence = 0.95);

/// Quantile of sorted data by linear interpolation (Hyndman & Fan 1996 definition 7):
/// h = (n-1)·p, q = x[⌊h⌋] + (h - ⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]).
/// Equals `numpy.quantile(x, p)` (method="linear", the default) bit for bit: it uses numpy's
/// two-sided lerp (interpolating from the upper point when the weight is >= 0.5).
/// Throws DataError for empty data, p outside [0, 1], a non-finite value or unsorted data
/// (checked in O(n), naming the index).
[[nodiscard]] double quantile(std::span<const double> sorted, double p);

/// As quantile() for unsorted data: copies x and uses std::nth_element (O(n) on average)
/// instead of sorting.
[[nodiscard]] double quantile_unsorted(std::span<const double> x, double p);

/// Quantile of type 7 of the non-NaN `values` (any order), NaN when there are none. Unlike the
/// functions above it skips NaN and checks nothing else: the summary of simulation output, where a
/// missing run is no error (run_sensitivity's distributions and Sobol intervals). It interpolates
/// x[⌊h⌋] + (h - ⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]) as written, which can differ from quantile() (numpy's
/// two-sided form) in the last bit.
[[nodiscard]] double quantile_type7(std::vector<double> values, double p);

// ---------------------------------------------------------------------------------------------
// Wilcoxon signed-rank test

/// Result of wilcoxon_signed_rank().
struct WilcoxonResult {
  std::size_t n = 0;       ///< number of differences given
  std::size_t n_used = 0;  ///< nonzero differences (zeros are dropped: zero_method "wilcox")
  std::size_t n_zero = 0;  ///< zero differences dropped
  double r_plus = 0.0;     ///< sum of the (mid)ranks of |d| over positive differences
  double r_minus = 0.0;    ///< sum of the (mid)ranks of |d| over negative differences
  double statistic = 0.0;  ///< min(r_plus, r_minus), as scipy reports for the two-sided test
  double p_value = 0.0;    ///< two-sided p-value
  std::string method;      ///< "exact", "permutation" or "normal" (see wilcoxon_signed_rank)
  double z = 0.0;          ///< normal method: -|z| as scipy's `zstatistic`; NaN otherwise
};

/// Two-sided Wilcoxon signed-rank test of H0 "the differences are symmetric about 0"
/// (Wilcoxon 1945). Equals `scipy.stats.wilcoxon(d)` with default arguments in SciPy 1.17
/// (zero_method="wilcox", correction=False, alternative="two-sided", method="auto"):
///
/// - zeros are dropped; |d| of the rest get average ranks (ties by exact equality);
/// - method, decided on N = len(d) INCLUDING zeros, as scipy's "auto" does:
///   N > 50                   -> "normal";
///   no ties and no zeros     -> "exact": P(T <= t) from the exact null distribution of r_plus;
///   N <= 13 (ties or zeros)  -> "permutation": scipy runs an exact permutation test over all 2^N
///                               sign flips, i.e. the null distribution of r_plus given the
///                               midranks;
///   otherwise                -> "normal";
/// - exact and permutation: p = min(1, 2·min(P(T <= r_plus), P(T >= r_plus))), computed from
///   integer counts of sign patterns by dynamic programming over doubled rank sums (exact,
///   no rounding before the final division);
/// - normal: z = (r_plus - n(n+1)/4) / σ with
///   σ² = [n(n+1)(2n+1) - Σ(t³ - t)/2] / 24 over tie groups t, no continuity correction,
///   p = 2·Φ(-|z|).
///
/// Throws DataError for a non-finite difference (naming its index) and when no nonzero
/// difference is left (scipy then returns statistic 0 with p = 1 for N <= 13, NaN for N > 13;
/// there is nothing to test).
[[nodiscard]] WilcoxonResult wilcoxon_signed_rank(std::span<const double> differences);

// ---------------------------------------------------------------------------------------------
// Reliability and change

/// Cronbach's alpha (Cronbach 1951) of a respondents × items matrix:
///   α = k/(k-1) · (1 - Σ_j s²_j / s²_total),
/// with s²_j the sample variance (divisor n - 1) of item j and s²_total that of the row sums.
/// Complete cases only: any NaN (or inf) is an error naming its row and column (0-based).
/// Throws DataError for k < 2 items, n < 2 respondents, or a total score without variance.
[[nodiscard]] double cronbach_alpha(const Eigen::Ref<const Eigen::MatrixXd>& items);

/// Reliable Change Index (Jacobson & Truax 1991):
///   RCI = (post - pre) / S_diff,  S_diff = sqrt(2) · SE,  SE = sd_pre · sqrt(1 - reliability).
/// |RCI| > reliable_change_threshold is reliable change. The sign follows post - pre.
/// Throws DataError for non-finite pre/post, sd_pre <= 0 (or non-finite) and reliability
/// outside [0, 1).
[[nodiscard]] double rci(double pre, double post, double sd_pre, double reliability);

/// Element-wise RCI for paired vectors; throws DataError for different lengths or a non-finite
/// value (naming the index), as the scalar version.
[[nodiscard]] Eigen::VectorXd rci(const Eigen::Ref<const Eigen::VectorXd>& pre,
                                  const Eigen::Ref<const Eigen::VectorXd>& post, double sd_pre,
                                  double reliability);

/// Paired (pre/post) standardised mean differences, each with its standardiser named, since
/// "d" for paired data means different things in different papers (Lakens 2013).
struct PairedEffect {
  std::size_t n = 0;             ///< number of pairs
  double mean_difference = 0.0;  ///< mean of post - pre
  double sd_pre = 0.0;           ///< sample sd of pre (divisor n - 1)
  double sd_post = 0.0;          ///< sample sd of post
  double sd_diff = 0.0;          ///< sample sd of post - pre
  double d_z = 0.0;              ///< mean_difference / sd_diff (NaN when sd_diff = 0)
  double hedges_j = 0.0;         ///< J = 1 - 3/(4(n-1) - 1), small-sample correction
  double g_z = 0.0;              ///< J · d_z
  double d_av = 0.0;             ///< mean_difference / ((sd_pre + sd_post)/2) (NaN when that is 0)
  std::string standardiser_z;    ///< "sd of the differences" (for d_z and g_z)
  std::string standardiser_av;   ///< "average sd of pre and post" (for d_av)
};

/// Paired effect sizes of post - pre:
/// - d_z = M_diff / SD_diff (Cohen 1988; Lakens 2013 eq. 6), g_z = J · d_z with Hedges' J =
///   1 - 3/(4·df - 1), df = n - 1 (Hedges 1981; Borenstein et al. 2009); J = 0 at n = 2;
/// - d_av = M_diff / ((SD_pre + SD_post)/2) (Cumming 2012; Lakens 2013 eq. 10).
/// A zero standardiser gives NaN for that effect rather than an error, so the other stays usable.
/// Throws DataError for different lengths, n < 2 or a non-finite value (naming the index).
[[nodiscard]] PairedEffect paired_effect(std::span<const double> pre, std::span<const double> post);

/// Cross-tabulation of an ordinal score before and after (e.g. a ZRM domain, 1..5).
struct ShiftTable {
  int min = 0;  ///< lowest level; row/column i stands for level min + i
  int max = 0;  ///< highest level
  /// (max-min+1)² counts: rows pre level, columns post level.
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> counts;
  std::int64_t n = 0;         ///< number of pairs
  std::int64_t improved = 0;  ///< post > pre (above the diagonal)
  std::int64_t same = 0;      ///< post == pre (the diagonal)
  std::int64_t worse = 0;     ///< post < pre (below the diagonal)
};

/// Shift table of paired ordinal scores on the scale [min, max]. "Improved" means a higher
/// score after; for a scale where lower is better, swap the reading of improved and worse.
/// Throws DataError for different lengths, min > max, more than 1000 levels (an ordinal scale,
/// not a continuous one) or a value outside [min, max] (naming pre/post, the index and value).
[[nodiscard]] ShiftTable shift_table(std::span<const int> pre, std::span<const int> post, int min, int max);

}  // namespace doelenboom::stats
