#pragma once
// Trends and forecasts (voorspellen) of one unit's node score over periods: an ordinary least
// squares linear trend and Holt's additive-trend exponential smoothing with prediction
// intervals (docs/compare.md).

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/period.hpp"
#include "doelenboom/score_table.hpp"

namespace doelenboom {

/// y = intercept + slope * x by ordinary least squares (equals numpy.polyfit(x, y, 1)).
struct LinearTrend {
  std::size_t n = 0;
  double slope = 0, intercept = 0;
  double se_slope = 0;   ///< sqrt(SSR / (n - 2) / Sxx)
  double low = 0, high = 0;  ///< slope -/+ t_{(1+confidence)/2, n-2} se_slope
  double sigma = 0;      ///< residual standard deviation sqrt(SSR / (n - 2))
  double confidence = 0.95;
  double x_mean = 0;     ///< mean of x
  double sxx = 0;        ///< sum of (x - x_mean)^2
};

/// The linear trend's value at a new x with its OLS prediction interval for a new observation:
/// mean = intercept + slope x, se = sigma sqrt(1 + 1/n + (x - x_mean)^2 / Sxx), and
/// mean -/+ t_{(1+level)/2, n-2} se (statsmodels OLS get_prediction(...).summary_frame(obs=True)).
struct TrendPrediction {
  double mean = 0, se = 0, low = 0, high = 0;
  double level = 0.95;
};

/// Throws DataError for a non-finite x, a level outside (0, 1) or a trend without points.
[[nodiscard]] TrendPrediction predict(const LinearTrend& trend, double x, double level = 0.95);

/// Throws DataError for fewer than 3 points, different lengths, non-finite values, all x equal
/// or a confidence outside (0, 1).
[[nodiscard]] LinearTrend linear_trend(std::span<const double> x, std::span<const double> y, double confidence = 0.95);

/// Holt's linear (additive trend) method in component form, as statsmodels' Holt:
///   fitted_t = l_{t-1} + b_{t-1},  l_t = alpha y_t + (1 - alpha)(l_{t-1} + b_{t-1}),
///   b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1},  forecast_{n+h} = l_n + h b_n.
struct HoltOptions {
  std::optional<double> alpha;  ///< smoothing_level; estimated when not given
  std::optional<double> beta;   ///< smoothing_trend (<= alpha); estimated when not given
  /// Initial states. Given: used as they are. Not given: estimated together with unknown
  /// smoothing parameters (statsmodels initialization_method="estimated"), or, when both
  /// alpha and beta are fixed, l0 = y_0 and b0 = y_1 - y_0 (statsmodels' simple start).
  std::optional<double> initial_level, initial_trend;
};

struct HoltFit {
  double alpha = 0, beta = 0, initial_level = 0, initial_trend = 0;
  std::vector<double> fitted;  ///< one-step-ahead fitted values, one per observation
  std::vector<double> level, trend;  ///< states after each observation
  double sse = 0;
  std::size_t n = 0;
  std::size_t parameters = 0;  ///< number of estimated parameters (alpha, beta, l0, b0 that were free)
  /// Residual variance SSE / (n - parameters); NaN when n <= parameters.
  double sigma2 = 0;
};

/// Throws DataError for fewer than 4 observations, non-finite values, or alpha/beta outside
/// 0 <= beta <= alpha <= 1.
[[nodiscard]] HoltFit holt_fit(std::span<const double> y, const HoltOptions& options = {});

struct HoltForecast {
  std::vector<double> mean, se, low, high;
  double level = 0.95;
};

/// Forecasts h = 1..horizon with analytic ETS(A,A,N) prediction intervals (Hyndman et al. 2008,
/// Table 6.1, class 1): var_h = sigma2 [1 + (h-1)(a^2 + a B h + B^2 h (2h-1) / 6)] with a = alpha
/// and B = alpha * beta (beta of the component form), interval mean -/+ z sqrt(var_h).
[[nodiscard]] HoltForecast holt_forecast(const HoltFit& fit, std::size_t horizon, double level = 0.95);

// ---------------------------------------------------------------------------------------------
// Per unit and node of a score table

/// The observed part of one unit's node series: from the first to the last period with a score.
struct Series {
  std::vector<Period> periods;
  std::vector<double> values;
};

/// Throws DataError naming unit, node and period for a missing score between observed ones.
[[nodiscard]] Series series_of(const ScoreTable& table, std::string_view unit, std::string_view node);

/// The linear trend with x = Period::ordinal(). Fewer than 3 scores: DataError naming unit and node.
[[nodiscard]] LinearTrend unit_trend(const ScoreTable& table, std::string_view unit, std::string_view node,
                                     double confidence = 0.95);

struct UnitForecast {
  Series series;
  HoltFit fit;
  std::vector<Period> periods;  ///< the forecast periods (after the last observed one)
  HoltForecast forecast;
};

/// Holt's method on the series. Fewer than 4 scores: DataError naming unit and node.
[[nodiscard]] UnitForecast unit_forecast(const ScoreTable& table, std::string_view unit, std::string_view node,
                                         std::size_t horizon = 2, double level = 0.95,
                                         const HoltOptions& options = {});

}  // namespace doelenboom
