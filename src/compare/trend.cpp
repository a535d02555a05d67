#include "doelenboom/trend.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>

#include <Eigen/Dense>

#include "doelenboom/error.hpp"
#include "stats/kernels.hpp"

namespace doelenboom {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

void check_finite(std::span<const double> v, const char* what) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) {
      throw DataError(std::string(what) + "[" + std::to_string(i) + "] is " + std::to_string(v[i]) +
                      "; expected a finite number");
    }
  }
}

void check_level(double level, const char* what) {
  if (!(level > 0.0 && level < 1.0)) {
    throw DataError(std::string(what) + " must be in (0, 1), got " + std::to_string(level));
  }
}

// ---- Holt recursion --------------------------------------------------------------------------

/// fitted values for y with smoothing (alpha, beta) and initial states (l0, b0); optionally states.
void holt_run(std::span<const double> y, double alpha, double beta, double l0, double b0, std::vector<double>& fitted,
              std::vector<double>* level = nullptr, std::vector<double>* trend = nullptr) {
  const std::size_t n = y.size();
  fitted.resize(n);
  if (level != nullptr) level->resize(n);
  if (trend != nullptr) trend->resize(n);
  double l = l0;
  double b = b0;
  for (std::size_t t = 0; t < n; ++t) {
    fitted[t] = l + b;
    const double l_new = alpha * y[t] + (1.0 - alpha) * (l + b);
    b = beta * (l_new - l) + (1.0 - beta) * b;
    l = l_new;
    if (level != nullptr) (*level)[t] = l;
    if (trend != nullptr) (*trend)[t] = b;
  }
}

/// The fitted values are affine in (l0, b0) for fixed smoothing parameters, so the initial states
/// that minimise the SSE solve a linear least-squares problem. Returns the SSE and sets l0, b0
/// (the free ones; fixed ones are used as given).
struct Profile {
  std::span<const double> y;
  std::optional<double> l0_fixed, b0_fixed;
  std::vector<double> c, u, v, zeros;

  double solve(double alpha, double beta, double& l0, double& b0) {
    const std::size_t n = y.size();
    zeros.assign(n, 0.0);
    holt_run(y, alpha, beta, l0_fixed.value_or(0.0), b0_fixed.value_or(0.0), c);
    Eigen::VectorXd r(static_cast<Eigen::Index>(n));
    for (std::size_t t = 0; t < n; ++t) r(static_cast<Eigen::Index>(t)) = y[t] - c[t];
    std::vector<Eigen::VectorXd> cols;
    if (!l0_fixed) {
      holt_run(zeros, alpha, beta, 1.0, 0.0, u);
      cols.emplace_back(Eigen::Map<const Eigen::VectorXd>(u.data(), static_cast<Eigen::Index>(n)));
    }
    if (!b0_fixed) {
      holt_run(zeros, alpha, beta, 0.0, 1.0, v);
      cols.emplace_back(Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(n)));
    }
    l0 = l0_fixed.value_or(0.0);
    b0 = b0_fixed.value_or(0.0);
    if (cols.empty()) return r.squaredNorm();
    Eigen::MatrixXd a(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t k = 0; k < cols.size(); ++k) a.col(static_cast<Eigen::Index>(k)) = cols[k];
    const Eigen::VectorXd coef = a.colPivHouseholderQr().solve(r);
    Eigen::Index k = 0;
    if (!l0_fixed) l0 = coef(k++);
    if (!b0_fixed) b0 = coef(k++);
    return (r - a * coef).squaredNorm();
  }
};

/// Minimise f over [0, 1]^d (d = 1 or 2): a grid, then Nelder-Mead on the clamped point from the
/// best grid points, restarted until it no longer improves.
std::array<double, 2> minimise_box(const std::function<double(double, double)>& f, int d) {
  const auto clamp01 = [](double x) { return std::clamp(x, 0.0, 1.0); };
  const auto eval = [&](const std::array<double, 2>& p) { return f(clamp01(p[0]), clamp01(p[1])); };
  constexpr int grid = 40;
  std::vector<std::pair<double, std::array<double, 2>>> starts;
  for (int i = 0; i <= grid; ++i) {
    for (int j = 0; j <= (d == 2 ? grid : 0); ++j) {
      const std::array<double, 2> p{static_cast<double>(i) / grid, static_cast<double>(j) / grid};
      starts.emplace_back(eval(p), p);
    }
  }
  std::partial_sort(starts.begin(), starts.begin() + std::min<std::ptrdiff_t>(4, static_cast<std::ptrdiff_t>(starts.size())),
                    starts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::array<double, 2> best = starts.front().second;
  double best_f = starts.front().first;
  const auto nelder_mead = [&](std::array<double, 2> x0, double step) {
    const int m = d + 1;
    std::vector<std::array<double, 2>> s(static_cast<std::size_t>(m), x0);
    std::vector<double> fs(static_cast<std::size_t>(m));
    for (int k = 1; k < m; ++k) s[static_cast<std::size_t>(k)][static_cast<std::size_t>(k - 1)] += step;
    for (std::size_t k = 0; k < s.size(); ++k) fs[k] = eval(s[k]);
    for (int iter = 0; iter < 2000; ++iter) {
      std::vector<std::size_t> order(s.size());
      for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fs[a] < fs[b]; });
      auto s2 = s;
      auto f2 = fs;
      for (std::size_t k = 0; k < order.size(); ++k) {
        s[k] = s2[order[k]];
        fs[k] = f2[order[k]];
      }
      double size = 0;
      for (std::size_t k = 1; k < s.size(); ++k) {
        for (int q = 0; q < d; ++q) size = std::max(size, std::abs(s[k][static_cast<std::size_t>(q)] - s[0][static_cast<std::size_t>(q)]));
      }
      if (size < 1e-13) break;
      std::array<double, 2> centroid{0.0, 0.0};
      for (std::size_t k = 0; k + 1 < s.size(); ++k) {
        for (std::size_t q = 0; q < 2; ++q) centroid[q] += s[k][q] / static_cast<double>(d);
      }
      const auto along = [&](double t) {
        std::array<double, 2> p{};
        for (std::size_t q = 0; q < 2; ++q) p[q] = centroid[q] + t * (s.back()[q] - centroid[q]);
        return p;
      };
      const auto xr = along(-1.0);
      const double fr = eval(xr);
      if (fr < fs.front()) {
        const auto xe = along(-2.0);
        const double fe = eval(xe);
        if (fe < fr) {
          s.back() = xe;
          fs.back() = fe;
        } else {
          s.back() = xr;
          fs.back() = fr;
        }
      } else if (fr < fs[s.size() - 2]) {
        s.back() = xr;
        fs.back() = fr;
      } else {
        const auto xc = fr < fs.back() ? along(-0.5) : along(0.5);
        const double fc = eval(xc);
        if (fc < std::min(fr, fs.back())) {
          s.back() = xc;
          fs.back() = fc;
        } else {
          for (std::size_t k = 1; k < s.size(); ++k) {
            for (std::size_t q = 0; q < 2; ++q) s[k][q] = s[0][q] + 0.5 * (s[k][q] - s[0][q]);
            fs[k] = eval(s[k]);
          }
        }
      }
    }
    const auto it = std::min_element(fs.begin(), fs.end());
    const auto k = static_cast<std::size_t>(it - fs.begin());
    return std::pair{fs[k], std::array<double, 2>{clamp01(s[k][0]), clamp01(s[k][1])}};
  };
  for (std::size_t st = 0; st < std::min<std::size_t>(4, starts.size()); ++st) {
    auto [fx, x] = nelder_mead(starts[st].second, 0.05);
    for (int restart = 0; restart < 20; ++restart) {
      auto [fy, y] = nelder_mead(x, 1e-3);
      if (!(fy < fx)) break;
      fx = fy;
      x = y;
    }
    if (fx < best_f) {
      best_f = fx;
      best = x;
    }
  }
  return best;
}

}  // namespace

LinearTrend linear_trend(std::span<const double> x, std::span<const double> y, double confidence) {
  if (x.size() != y.size()) {
    throw DataError("linear trend: x has " + std::to_string(x.size()) + " values and y " + std::to_string(y.size()));
  }
  if (x.size() < 3) {
    throw DataError("linear trend: needs at least 3 points for a slope with an interval, got " +
                    std::to_string(x.size()));
  }
  check_finite(x, "x");
  check_finite(y, "y");
  check_level(confidence, "confidence");
  const std::size_t n = x.size();
  const double nd = static_cast<double>(n);
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= nd;
  my /= nd;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (!(sxx > 0)) throw DataError("linear trend: all x are equal, so there is no slope");
  LinearTrend out;
  out.n = n;
  out.confidence = confidence;
  out.x_mean = mx;
  out.sxx = sxx;
  out.slope = sxy / sxx;
  out.intercept = my - out.slope * mx;
  double ssr = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = y[i] - (out.intercept + out.slope * x[i]);
    ssr += e * e;
  }
  const double df = nd - 2.0;
  out.sigma = std::sqrt(ssr / df);
  out.se_slope = out.sigma / std::sqrt(sxx);
  const double t = detail::t_quantile(df, (1.0 + confidence) / 2.0);
  out.low = out.slope - t * out.se_slope;
  out.high = out.slope + t * out.se_slope;
  return out;
}

TrendPrediction predict(const LinearTrend& trend, double x, double level) {
  check_level(level, "prediction interval level");
  if (!std::isfinite(x)) throw DataError("trend prediction: x is " + std::to_string(x) + "; expected a finite number");
  if (trend.n < 3 || !(trend.sxx > 0)) {
    throw DataError("trend prediction: the trend has " + std::to_string(trend.n) +
                    " points and no spread in x; fit it with linear_trend first");
  }
  const double nd = static_cast<double>(trend.n);
  TrendPrediction out;
  out.level = level;
  out.mean = trend.intercept + trend.slope * x;
  const double dx = x - trend.x_mean;
  out.se = trend.sigma * std::sqrt(1.0 + 1.0 / nd + dx * dx / trend.sxx);
  const double t = detail::t_quantile(nd - 2.0, (1.0 + level) / 2.0);
  out.low = out.mean - t * out.se;
  out.high = out.mean + t * out.se;
  return out;
}

HoltFit holt_fit(std::span<const double> y, const HoltOptions& options) {
  if (y.size() < 4) {
    throw DataError("Holt's method: needs at least 4 observations, got " + std::to_string(y.size()));
  }
  check_finite(y, "y");
  const auto in01 = [](const std::optional<double>& v) { return !v || (*v >= 0.0 && *v <= 1.0); };
  if (!in01(options.alpha) || !in01(options.beta) || (options.alpha && options.beta && *options.beta > *options.alpha)) {
    throw DataError("Holt's method: smoothing parameters must satisfy 0 <= beta <= alpha <= 1, got alpha = " +
                    (options.alpha ? std::to_string(*options.alpha) : std::string("estimated")) + ", beta = " +
                    (options.beta ? std::to_string(*options.beta) : std::string("estimated")));
  }
  for (const auto& v : {options.initial_level, options.initial_trend}) {
    if (v && !std::isfinite(*v)) throw DataError("Holt's method: initial states must be finite");
  }
  HoltFit fit;
  fit.n = y.size();
  const bool optimise = !options.alpha || !options.beta;
  Profile profile{y, options.initial_level, options.initial_trend, {}, {}, {}, {}};
  if (!optimise) {
    // statsmodels' simple start for unfitted models (nobs < 10): l0 = y0, b0 = y1 - y0.
    if (!profile.l0_fixed) profile.l0_fixed = y[0];
    if (!profile.b0_fixed) profile.b0_fixed = y[1] - y[0];
  }
  fit.parameters = (options.alpha ? 0U : 1U) + (options.beta ? 0U : 1U) + (profile.l0_fixed ? 0U : 1U) +
                   (profile.b0_fixed ? 0U : 1U);
  double alpha = options.alpha.value_or(0.0);
  double beta = options.beta.value_or(0.0);
  double l0 = 0, b0 = 0;
  if (optimise) {
    // Search space [0, 1]^d: alpha, and beta as a share of alpha (statsmodels' beta <= alpha).
    std::function<double(double, double)> f;
    int d = 2;
    const auto sse = [&](double a, double b) {
      double l = 0, t = 0;
      return profile.solve(a, b, l, t);
    };
    if (!options.alpha && !options.beta) {
      f = [&](double a, double s) { return sse(a, a * s); };
    } else if (!options.alpha) {
      d = 1;
      const double b = *options.beta;
      f = [&, b](double s, double) { return sse(b + s * (1.0 - b), b); };
    } else {
      d = 1;
      const double a = *options.alpha;
      f = [&, a](double s, double) { return sse(a, a * s); };
    }
    const auto best = minimise_box(f, d);
    if (!options.alpha && !options.beta) {
      alpha = best[0];
      beta = best[0] * best[1];
    } else if (!options.alpha) {
      alpha = beta + best[0] * (1.0 - beta);
    } else {
      beta = alpha * best[0];
    }
  }
  fit.sse = profile.solve(alpha, beta, l0, b0);
  fit.alpha = alpha;
  fit.beta = beta;
  fit.initial_level = l0;
  fit.initial_trend = b0;
  holt_run(y, alpha, beta, l0, b0, fit.fitted, &fit.level, &fit.trend);
  fit.sse = 0;
  for (std::size_t t = 0; t < y.size(); ++t) fit.sse += (y[t] - fit.fitted[t]) * (y[t] - fit.fitted[t]);
  fit.sigma2 = fit.n > fit.parameters ? fit.sse / static_cast<double>(fit.n - fit.parameters) : nan;
  return fit;
}

HoltForecast holt_forecast(const HoltFit& fit, std::size_t horizon, double level) {
  check_level(level, "prediction interval level");
  if (fit.level.empty()) throw DataError("Holt forecast: the fit has no observations");
  HoltForecast out;
  out.level = level;
  const double z = detail::normal_critical_value(level);
  const double a = fit.alpha;
  const double b = fit.alpha * fit.beta;  // beta of the error-correction (ETS) form
  double sum = 0;  // sum_{j=1}^{h-1} (a + b j)^2
  for (std::size_t h = 1; h <= horizon; ++h) {
    if (h > 1) {
      const double c = a + b * static_cast<double>(h - 1);
      sum += c * c;
    }
    const double mean = fit.level.back() + static_cast<double>(h) * fit.trend.back();
    const double se = std::sqrt(fit.sigma2 * (1.0 + sum));
    out.mean.push_back(mean);
    out.se.push_back(se);
    out.low.push_back(mean - z * se);
    out.high.push_back(mean + z * se);
  }
  return out;
}

Series series_of(const ScoreTable& table, std::string_view unit, std::string_view node) {
  table.check();
  const std::size_t u = table.unit_index(unit);
  const auto c = static_cast<Eigen::Index>(table.node_index(node));
  Series s;
  std::optional<Period> gap;
  for (std::size_t p = 0; p < table.periods.size(); ++p) {
    const double x = table.scores(static_cast<Eigen::Index>(table.row(u, p)), c);
    if (std::isnan(x)) {
      if (!s.values.empty() && !gap) gap = table.periods[p];
      continue;
    }
    if (gap) {
      throw DataError("unit " + std::string(unit) + ", node " + std::string(node) + ": the score of " +
                      gap->to_string() + " is missing between observed periods; a trend needs a series without gaps");
    }
    s.periods.push_back(table.periods[p]);
    s.values.push_back(x);
  }
  return s;
}

LinearTrend unit_trend(const ScoreTable& table, std::string_view unit, std::string_view node, double confidence) {
  const Series s = series_of(table, unit, node);
  if (s.values.size() < 3) {
    throw DataError("unit " + std::string(unit) + ", node " + std::string(node) + ": a linear trend needs at least 3 " +
                    "periods with a score, found " + std::to_string(s.values.size()));
  }
  std::vector<double> x;
  for (const auto& p : s.periods) x.push_back(static_cast<double>(p.ordinal()));
  return linear_trend(x, s.values, confidence);
}

UnitForecast unit_forecast(const ScoreTable& table, std::string_view unit, std::string_view node, std::size_t horizon,
                           double level, const HoltOptions& options) {
  UnitForecast out;
  out.series = series_of(table, unit, node);
  if (out.series.values.size() < 4) {
    throw DataError("unit " + std::string(unit) + ", node " + std::string(node) + ": a Holt forecast needs at least 4 " +
                    "periods with a score, found " + std::to_string(out.series.values.size()));
  }
  out.fit = holt_fit(out.series.values, options);
  out.forecast = holt_forecast(out.fit, horizon, level);
  Period p = out.series.periods.back();
  for (std::size_t h = 0; h < horizon; ++h) {
    p = p.next();
    out.periods.push_back(p);
  }
  return out;
}

}  // namespace doelenboom
