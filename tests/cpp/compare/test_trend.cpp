// Trends and forecasts: OLS linear trend and Holt's method (trend.hpp).

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "doelenboom/error.hpp"
#include "doelenboom/trend.hpp"

namespace {

namespace db = doelenboom;
constexpr double na = std::numeric_limits<double>::quiet_NaN();

db::ScoreTable series_table(const std::vector<double>& values) {
  db::ScoreTable t;
  t.units = {"GM0301"};
  t.nodes = {"zelfregie"};
  for (std::size_t p = 0; p < values.size(); ++p) t.periods.push_back(db::Period{db::Frequency::year, 2018 + static_cast<int>(p), 0});
  t.scores = Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
  t.standard_errors = Eigen::MatrixXd::Constant(t.scores.rows(), 1, 1.0);
  return t;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const db::DataError& e) {
    return e.what();
  }
  return "(no DataError)";
}

}  // namespace

TEST(Trend, LinearTrendEqualsHandComputedLeastSquares) {
  const std::vector<double> x{0, 1, 2, 3, 4}, y{1, 3, 2, 5, 4};
  const auto t = db::linear_trend(x, y);
  // mean x 2, mean y 3, Sxx 10, Sxy 8; residuals -0.4 0.8 -1 1.2 -0.6, SSR 3.6.
  EXPECT_NEAR(t.slope, 0.8, 1e-14);
  EXPECT_NEAR(t.intercept, 1.4, 1e-14);
  EXPECT_NEAR(t.sigma, std::sqrt(1.2), 1e-14);
  EXPECT_NEAR(t.se_slope, std::sqrt(0.12), 1e-14);
  const double tq = 3.182446305284263;  // t_{0.975, 3}
  EXPECT_NEAR(t.low, 0.8 - tq * std::sqrt(0.12), 1e-12);
  EXPECT_NEAR(t.high, 0.8 + tq * std::sqrt(0.12), 1e-12);
  EXPECT_EQ(t.n, 5U);
}

TEST(Trend, PerUnitUsesPeriodOrdinalsAndNeedsThreePeriods) {
  const auto table = series_table({na, 1, 3, 2, 5, 4});
  const auto t = db::unit_trend(table, "GM0301", "zelfregie");
  EXPECT_NEAR(t.slope, 0.8, 1e-12);
  EXPECT_NEAR(t.intercept, 1.4 - 0.8 * 2019, 1e-8);  // x = 2019 .. 2023
  const auto few = series_table({na, 1, 3, na});
  const std::string m = message_of([&] { (void)db::unit_trend(few, "GM0301", "zelfregie"); });
  EXPECT_NE(m.find("unit GM0301, node zelfregie: a linear trend needs at least 3 periods with a score, found 2"),
            std::string::npos)
      << m;
  const auto gap = series_table({1, 2, na, 4, 5});
  const std::string g = message_of([&] { (void)db::unit_trend(gap, "GM0301", "zelfregie"); });
  EXPECT_NE(g.find("the score of 2020 is missing"), std::string::npos) << g;
}

TEST(Holt, FixedParametersHandComputed) {
  const std::vector<double> y{10, 12, 13, 15};
  db::HoltOptions o;
  o.alpha = 0.5;
  o.beta = 0.5;
  const auto fit = db::holt_fit(y, o);  // l0 = 10, b0 = 2 (simple start)
  EXPECT_DOUBLE_EQ(fit.initial_level, 10);
  EXPECT_DOUBLE_EQ(fit.initial_trend, 2);
  const std::vector<double> fitted{12, 12.5, 13.625, 14.53125};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(fit.fitted[i], fitted[i]) << i;
  EXPECT_DOUBLE_EQ(fit.level.back(), 14.765625);
  EXPECT_DOUBLE_EQ(fit.trend.back(), 1.3359375);
  EXPECT_EQ(fit.parameters, 0U);
  const double sse = 4 + 0.25 + 0.390625 + 0.2197265625;
  EXPECT_NEAR(fit.sse, sse, 1e-12);
  EXPECT_NEAR(fit.sigma2, sse / 4, 1e-12);
  const auto fc = db::holt_forecast(fit, 3);
  EXPECT_DOUBLE_EQ(fc.mean[0], 16.1015625);
  EXPECT_DOUBLE_EQ(fc.mean[1], 17.4375);
  // var_h = sigma2 (1 + sum_{j<h} (a + a b j)^2), a = 0.5, a b = 0.25.
  EXPECT_NEAR(fc.se[0], std::sqrt(sse / 4), 1e-12);
  EXPECT_NEAR(fc.se[1], std::sqrt(sse / 4 * (1 + 0.75 * 0.75)), 1e-12);
  EXPECT_NEAR(fc.se[2], std::sqrt(sse / 4 * (1 + 0.75 * 0.75 + 1.0)), 1e-12);
  EXPECT_NEAR(fc.high[2] - fc.mean[2], 1.959963984540054 * fc.se[2], 1e-12);
}

TEST(Holt, OptimisedFitIsNoWorseThanAnyGridPoint) {
  const std::vector<double> y{61.2, 62.0, 60.8, 63.5, 64.1, 66.0, 65.2, 67.9};
  const auto best = db::holt_fit(y);
  EXPECT_EQ(best.parameters, 4U);
  EXPECT_LE(best.beta, best.alpha);
  for (double a = 0.05; a <= 1.0; a += 0.1) {
    for (double s = 0.0; s <= 1.0; s += 0.25) {
      db::HoltOptions o;
      o.alpha = a;
      o.beta = a * s;
      o.initial_level = best.initial_level;
      o.initial_trend = best.initial_trend;
      EXPECT_LE(best.sse, db::holt_fit(y, o).sse + 1e-9) << a << " " << s;
    }
  }
}

TEST(Holt, TooFewPeriodsAndBadParametersAreClearErrors) {
  const auto few = series_table({1, 2, 3});
  const std::string m = message_of([&] { (void)db::unit_forecast(few, "GM0301", "zelfregie"); });
  EXPECT_NE(m.find("unit GM0301, node zelfregie: a Holt forecast needs at least 4 periods with a score, found 3"),
            std::string::npos)
      << m;
  db::HoltOptions o;
  o.alpha = 0.2;
  o.beta = 0.5;
  const std::vector<double> y{1, 2, 3, 4, 5};
  EXPECT_THROW((void)db::holt_fit(y, o), db::DataError);
  const auto ok = db::unit_forecast(series_table({1, 2, 3, 4.5, 5}), "GM0301", "zelfregie", 2);
  ASSERT_EQ(ok.periods.size(), 2U);
  EXPECT_EQ(ok.periods[0].to_string(), "2023");
  EXPECT_EQ(ok.periods[1].to_string(), "2024");
}

TEST(Trend, PredictionIntervalOfTheLinearTrendByHand) {
  const std::vector<double> x{0, 1, 2, 3, 4}, y{1, 3, 2, 5, 4};
  const auto t = db::linear_trend(x, y);
  EXPECT_NEAR(t.x_mean, 2.0, 1e-14);
  EXPECT_NEAR(t.sxx, 10.0, 1e-14);
  // x = 5: mean 1.4 + 0.8 * 5 = 5.4, se^2 = 1.2 (1 + 1/5 + 9/10) = 2.52.
  const auto p5 = db::predict(t, 5.0);
  const double tq = 3.1824463052837078;  // t_{0.975, 3} (scipy.stats.t.ppf)
  EXPECT_NEAR(p5.mean, 5.4, 1e-13);
  EXPECT_NEAR(p5.se, std::sqrt(2.52), 1e-13);
  EXPECT_NEAR(p5.low, 5.4 - tq * std::sqrt(2.52), 1e-12);
  EXPECT_NEAR(p5.high, 5.4 + tq * std::sqrt(2.52), 1e-12);
  EXPECT_DOUBLE_EQ(p5.level, 0.95);
  // x = 6 at 90%: mean 6.2, se^2 = 1.2 (1 + 1/5 + 16/10) = 3.36, t_{0.95, 3} = 2.3533634348018233.
  const auto p6 = db::predict(t, 6.0, 0.90);
  EXPECT_NEAR(p6.mean, 6.2, 1e-13);
  EXPECT_NEAR(p6.se, std::sqrt(3.36), 1e-13);
  EXPECT_NEAR(p6.high - p6.mean, 2.3533634348018233 * std::sqrt(3.36), 1e-11);
  // At the mean x the band is narrowest: se^2 = 1.2 (1 + 1/5).
  EXPECT_NEAR(db::predict(t, 2.0).se, std::sqrt(1.44), 1e-13);
  EXPECT_NE(message_of([&] { (void)db::predict(t, 5.0, 1.0); }).find("prediction interval level"), std::string::npos);
  EXPECT_NE(message_of([&] { (void)db::predict(t, na); }).find("x is nan"), std::string::npos);
  EXPECT_NE(message_of([&] { (void)db::predict(db::LinearTrend{}, 1.0); }).find("trend prediction"), std::string::npos);
}
