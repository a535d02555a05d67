// Statistics kernels against reference values computed with SciPy 1.17.1, NumPy 2.4.6 and
// statsmodels 0.15.0 (pasted as literals with 17 significant digits), plus hand-computed
// textbook cases. Tolerance 1e-12 relative; 1e-9 for p-values of the normal approximation.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "doelenboom/stats.hpp"

namespace st = doelenboom::stats;
using doelenboom::DataError;

namespace {

// |actual - expected| <= rel·|expected| + abs.
void expect_close(double actual, double expected, double rel = 1e-12, double abs = 0.0) {
  EXPECT_LE(std::abs(actual - expected), rel * std::abs(expected) + abs)
      << "actual " << testing::PrintToString(actual) << " expected " << testing::PrintToString(expected);
}

// The call throws DataError and its message contains every fragment.
void expect_data_error(const std::function<void()>& call, const std::vector<std::string>& fragments) {
  try {
    call();
    ADD_FAILURE() << "no DataError thrown";
  } catch (const DataError& e) {
    const std::string message = e.what();
    for (const auto& fragment : fragments)
      EXPECT_NE(message.find(fragment), std::string::npos) << "'" << fragment << "' not in: " << message;
  }
}

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

}  // namespace

// ---------------------------------------------------------------------------------------------
// wilson: statsmodels.stats.proportion.proportion_confint(count, nobs, alpha=1-conf, method="wilson")

TEST(StatsWilson, MatchesStatsmodels) {
  struct Case {
    double successes, n, confidence, low, high;
  };
  const Case cases[] = {
      {7, 20, 0.95, 0.18119182410108206, 0.5671457233147638},
      {143, 250, 0.90, 0.5200269018503153, 0.6224313897563326},
      {1, 3, 0.99, 0.04042662929608465, 0.855783984952333},
      {12.5, 40, 0.8, 0.22754717993939583, 0.41224281257018386},  // weighted count
  };
  for (const auto& c : cases) {
    const st::Interval ci = st::wilson(c.successes, c.n, c.confidence);
    expect_close(ci.estimate, c.successes / c.n);
    expect_close(ci.low, c.low);
    expect_close(ci.high, c.high);
    EXPECT_EQ(ci.n, c.n);
    EXPECT_EQ(ci.confidence, c.confidence);
  }
}

TEST(StatsWilson, ZeroAndAllSuccessesHitTheBoundsExactly) {
  // statsmodels: (0, 10) -> [0.0, 0.2775327998628892]; (10, 10) -> [0.7224672001371107, 0.9999999999999999]
  const st::Interval none = st::wilson(0, 10);
  EXPECT_EQ(none.low, 0.0);
  expect_close(none.high, 0.2775327998628892);
  const st::Interval all = st::wilson(10, 10);
  expect_close(all.low, 0.7224672001371107);
  EXPECT_EQ(all.high, 1.0);
}

TEST(StatsShareStandardError, BinomialInsideAndTheWilsonHalfWidthAtTheEnds) {
  EXPECT_DOUBLE_EQ(st::share_standard_error(0.25, 40), std::sqrt(0.25 * 0.75 / 40));
  // 17/17: the 95% Wilson interval [0.81568..., 1] (statsmodels), half its width over z.
  const auto w = st::wilson(17, 17);
  const double z = 1.959963984540054;
  EXPECT_NEAR(st::share_standard_error(1.0, 17), (w.high - w.low) / (2 * z), 1e-15);
  EXPECT_NEAR(w.low, 0.8156818649911481, 1e-12);
  EXPECT_DOUBLE_EQ(st::share_standard_error(0.0, 17), st::share_standard_error(1.0, 17));
  EXPECT_TRUE(std::isnan(st::share_standard_error(0.5, 0)));
}

TEST(StatsWilson, RejectsBadInput) {
  expect_data_error([] { (void)st::wilson(0, 0); }, {"wilson", "n = 0"});
  expect_data_error([] { (void)st::wilson(11, 10); }, {"successes = 11", "n = 10"});
  expect_data_error([] { (void)st::wilson(-1, 10); }, {"successes = -1"});
  expect_data_error([] { (void)st::wilson(kNan, 10); }, {"successes = nan"});
  expect_data_error([] { (void)st::wilson(3, 10, 1.0); }, {"confidence = 1"});
  expect_data_error([] { (void)st::wilson(3, 10, 0.0); }, {"confidence = 0"});
  expect_data_error([] { (void)st::wilson(3, 10, 95); }, {"confidence = 95", "between 0 and 1"});
}

// ---------------------------------------------------------------------------------------------
// mean_interval: numpy mean/std(ddof=1) and scipy.stats.t.interval(conf, n-1, loc=mean, scale=se)

TEST(StatsMeanInterval, MatchesScipyT) {
  const std::vector<double> x{6.1, 7.3, 5.8, 8.0, 6.6, 7.9, 5.2};
  const st::MeanEstimate m = st::mean_interval(x);
  EXPECT_EQ(m.n, 7u);
  EXPECT_TRUE(m.interval_defined);
  expect_close(m.mean, 6.7);
  expect_close(m.sd, 1.0739335795724676);
  expect_close(m.se, 0.4059087394500207);
  expect_close(m.low, 5.706777094956426);
  expect_close(m.high, 7.693222905043575);

  // n = 2: t_{0.95, 1} = 6.313751514675...
  const std::vector<double> two{3.0, 5.0};
  const st::MeanEstimate m2 = st::mean_interval(two, 0.90);
  expect_close(m2.mean, 4.0);
  expect_close(m2.sd, 1.4142135623730951);
  expect_close(m2.se, 1.0);
  expect_close(m2.low, -2.3137515146750447);
  expect_close(m2.high, 10.313751514675037);

  const std::vector<double> y{101.25, 99.5, 100.75, 102.0, 98.25, 100.5, 101.0, 99.75, 100.25, 97.5, 103.0, 100.0};
  const st::MeanEstimate m3 = st::mean_interval(y, 0.99);
  expect_close(m3.mean, 100.3125);
  expect_close(m3.sd, 1.5042553276984232);
  expect_close(m3.se, 0.4342411091883067);
  expect_close(m3.low, 98.96383113376795);
  expect_close(m3.high, 101.66116886623205);
}

TEST(StatsMeanInterval, SingleValueHasMeanButNoInterval) {
  const std::vector<double> one{4.5};
  const st::MeanEstimate m = st::mean_interval(one);
  EXPECT_EQ(m.n, 1u);
  EXPECT_EQ(m.mean, 4.5);
  EXPECT_FALSE(m.interval_defined);
  EXPECT_TRUE(std::isnan(m.sd));
  EXPECT_TRUE(std::isnan(m.se));
  EXPECT_TRUE(std::isnan(m.low));
  EXPECT_TRUE(std::isnan(m.high));
}

TEST(StatsMeanInterval, RejectsBadInput) {
  expect_data_error([] { (void)st::mean_interval(std::vector<double>{}); }, {"mean_interval", "n = 0"});
  expect_data_error([] { (void)st::mean_interval(std::vector<double>{1.0, kNan, 2.0}); }, {"x[1] = nan"});
  expect_data_error([] { (void)st::mean_interval(std::vector<double>{1.0, 2.0}, 1.5); }, {"confidence = 1.5"});
}

// ---------------------------------------------------------------------------------------------
// quantile: numpy.quantile(x, p) (method="linear")

TEST(StatsQuantile, MatchesNumpyLinear) {
  const std::vector<double> x{3.2, 1.5, 9.8, 4.4, 4.4, 7.1, 0.3, 2.2};
  std::vector<double> sorted = x;
  std::sort(sorted.begin(), sorted.end());
  struct Case {
    double p, q;
  };
  const Case cases[] = {{0.0, 0.3},
                        {0.1, 1.1400000000000001},
                        {0.25, 2.0250000000000004},
                        {0.5, 3.8000000000000003},
                        {1.0 / 3.0, 2.533333333333333},
                        {0.9, 7.909999999999999},
                        {0.999, 9.781100000000002},
                        {1.0, 9.8}};
  for (const auto& c : cases) {
    // numpy's own lerp is reproduced, so even the last bit agrees.
    EXPECT_EQ(st::quantile(sorted, c.p), c.q) << "p = " << c.p;
    EXPECT_EQ(st::quantile_unsorted(x, c.p), c.q) << "p = " << c.p;
  }
  EXPECT_EQ(st::quantile(std::vector<double>{42.0}, 0.3), 42.0);
  EXPECT_EQ(st::quantile_unsorted(std::vector<double>{42.0}, 1.0), 42.0);
}

TEST(StatsQuantile, UnsortedAgreesWithSortedOnRandomData) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(10.0, 3.0);
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  for (int rep = 0; rep < 50; ++rep) {
    std::vector<double> x(static_cast<std::size_t>(1 + rep * 3));
    for (auto& v : x) v = std::round(normal(rng) * 4.0) / 4.0;  // with ties
    std::vector<double> sorted = x;
    std::sort(sorted.begin(), sorted.end());
    for (int k = 0; k < 20; ++k) {
      const double p = unif(rng);
      EXPECT_EQ(st::quantile_unsorted(x, p), st::quantile(sorted, p));
    }
  }
}

TEST(StatsQuantile, RejectsBadInput) {
  expect_data_error([] { (void)st::quantile(std::vector<double>{}, 0.5); }, {"quantile", "no data"});
  expect_data_error([] { (void)st::quantile(std::vector<double>{1, 2}, 1.5); }, {"p = 1.5"});
  expect_data_error([] { (void)st::quantile(std::vector<double>{1, 2}, -0.1); }, {"p = -0.1"});
  expect_data_error([] { (void)st::quantile(std::vector<double>{1, 3, 2}, 0.5); }, {"sorted[2] = 2", "ascending"});
  expect_data_error([] { (void)st::quantile(std::vector<double>{1, kNan, 2}, 0.5); }, {"sorted[1] = nan"});
  expect_data_error([] { (void)st::quantile_unsorted(std::vector<double>{1, 2, INFINITY}, 0.5); }, {"x[2] = inf"});
}

// ---------------------------------------------------------------------------------------------
// wilcoxon_signed_rank: scipy.stats.wilcoxon(d) (defaults); z from wilcoxon(d, method="asymptotic").zstatistic

namespace {

struct WilcoxonCase {
  const char* name;
  std::vector<double> d;
  const char* method;
  double statistic, p_value, z;
};

const std::vector<WilcoxonCase>& wilcoxon_cases() {
  static const std::vector<WilcoxonCase> cases{
      {"exact10", {1.5, -0.3, 2.2, 3.1, -1.1, 0.7, 2.9, 1.8, -0.5, 4.0}, "exact", 7.0, 0.037109375, kNan},
      {"exact1", {2.0}, "exact", 0.0, 1.0, kNan},
      {"exact_mid", {1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0, -8.0}, "exact", 16.0, 0.84375, kNan},
      // ties and a zero, N = 10 <= 13: scipy's exact permutation test over all sign flips
      {"perm_ties_zeros", {1, -1, 2, 2, 0, 3, -2, 4, 1, 5}, "permutation", 7.0, 0.08203125, kNan},
      {"perm13_zero", {0, 1.5, -0.25, 2, 3, -1, 4, 5, 6, 7, 8, 9, 10}, "permutation", 3.0, 0.00244140625, kNan},
      {"perm_allsame", {1, 1, 1}, "permutation", 0.0, 0.25, kNan},
      // one zero and N = 14 > 13: normal approximation
      {"normal14_zero", {0, 1.5, -0.25, 2, 3, -1, 4, 5, 6, 7, 8, 9, 10, 11}, "normal", 3.0, 0.002976637011170516,
       -2.9701403707121017},
      // ZRM-like integer changes: many ties and zeros
      {"normal_zrm20", {1, 0, 2, 1, -1, 1, 0, 3, 1, 2, -1, 1, 1, 0, 2, 1, -2, 1, 0, 1}, "normal", 25.5,
       0.02217863907691186, -2.2872945039323302},
      // N = 50 without ties is still exact; N = 51 switches to normal
      {"exact50",
       {0.088811,  -0.217733, 0.449596,  -1.489897, 0.584452,  -0.021696, -0.42605,  0.398537,  -1.651474, 0.141587,
        -0.431285, 0.709695,  0.742442,  -0.627863, -0.633168, -1.170037, -0.487689, 0.619414,  1.15727,   0.5288,
        0.334799,  -0.567447, 0.49577,   -0.51569,  0.539629,  0.097407,  1.156018,  0.50247,   1.668825,  -0.108214,
        1.055945,  0.525161,  1.996556,  -1.662054, 1.174258,  -0.723652, -0.568647, 0.281637,  -1.210559, -0.894581,
        -0.205542, -0.022484, -1.603679, -0.573631, 0.154086,  0.168072,  -0.362308, 0.295911,  -0.213374, 1.473499},
       "exact", 622.0, 0.8858855663449852, kNan},
      {"normal51",
       {-0.509135, 0.359104,  -0.189595, 1.154562,  -0.671549, 1.176603,  -0.895302, -1.066997, -0.24847,
        0.392127,  -1.221024, -0.204189, 0.29603,   0.264442,  1.175566,  1.084274,  0.632831,  1.213433,
        1.239726,  -0.809162, 2.485262,  0.251073,  -0.305942, 0.900149,  -0.188577, 0.927157,  -0.901399,
        1.025358,  -0.963874, 0.675733,  0.086775,  -0.201483, 0.453073,  -0.275308, -0.471943, 0.694906,
        2.231207,  -0.697757, 1.455167,  1.381558,  -0.82008,  0.490235,  0.824039,  -0.610856, 1.379218,
        1.17791,   1.998438,  0.689834,  1.24603,   2.112117,  0.502991},
       "normal", 361.0, 0.004643363274112365, -2.8307869940938115},
  };
  return cases;
}

}  // namespace

TEST(StatsWilcoxon, MatchesScipy) {
  for (const auto& c : wilcoxon_cases()) {
    SCOPED_TRACE(c.name);
    const st::WilcoxonResult r = st::wilcoxon_signed_rank(c.d);
    EXPECT_EQ(r.method, c.method);
    EXPECT_EQ(r.n, c.d.size());
    EXPECT_EQ(r.n_used + r.n_zero, r.n);
    EXPECT_EQ(r.statistic, c.statistic);
    EXPECT_EQ(r.statistic, std::min(r.r_plus, r.r_minus));
    EXPECT_EQ(r.r_plus + r.r_minus, static_cast<double>(r.n_used * (r.n_used + 1)) / 2.0);
    if (r.method == "normal") {
      expect_close(r.p_value, c.p_value, 1e-9);
      expect_close(r.z, c.z, 1e-12);
    } else {
      expect_close(r.p_value, c.p_value, 1e-12);
      EXPECT_TRUE(std::isnan(r.z));
    }
  }
}

TEST(StatsWilcoxon, CountsZerosAndUsesMidranks) {
  // d = [1, -1, 2, 2, 0, 3, -2, 4, 1, 5]: zero dropped; |d| ranks: 1,1,1 -> 2; 2,2,2 -> 5; 3 -> 7; 4 -> 8; 5 -> 9.
  // r_minus = 2 (the -1) + 5 (the -2) = 7; r_plus = 45 - 7 = 38.
  const st::WilcoxonResult r = st::wilcoxon_signed_rank(std::vector<double>{1, -1, 2, 2, 0, 3, -2, 4, 1, 5});
  EXPECT_EQ(r.n_zero, 1u);
  EXPECT_EQ(r.n_used, 9u);
  EXPECT_EQ(r.r_minus, 7.0);
  EXPECT_EQ(r.r_plus, 38.0);
}

TEST(StatsWilcoxon, DynamicProgrammeEqualsBruteForceEnumeration) {
  // For small n, enumerate all 2^n sign flips of |d| (what scipy's permutation test does) and
  // compare the two-sided p-value with the dynamic programme, with and without ties.
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> level(-3, 3);
  for (int rep = 0; rep < 200; ++rep) {
    const std::size_t n = 1 + static_cast<std::size_t>(rep % 12);
    std::vector<double> d(n);
    for (auto& v : d) {
      do v = level(rng);
      while (v == 0.0);
    }
    const st::WilcoxonResult r = st::wilcoxon_signed_rank(d);
    // Midranks of |d|.
    std::vector<double> rank(n);
    for (std::size_t i = 0; i < n; ++i) {
      double less = 0, equal = 0;
      for (std::size_t j = 0; j < n; ++j) {
        if (std::abs(d[j]) < std::abs(d[i])) ++less;
        if (std::abs(d[j]) == std::abs(d[i])) ++equal;
      }
      rank[i] = less + (equal + 1.0) / 2.0;
    }
    std::uint64_t le = 0, ge = 0;
    for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << n); ++mask) {
      double rp = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (((mask >> i) & 1u) != 0) rp += rank[i];
      le += rp <= r.r_plus;
      ge += rp >= r.r_plus;
    }
    const double p = std::min(1.0, 2.0 * static_cast<double>(std::min(le, ge)) / std::ldexp(1.0, static_cast<int>(n)));
    EXPECT_EQ(r.p_value, p) << "rep " << rep;
  }
}

TEST(StatsWilcoxon, SymmetricInSign) {
  std::vector<double> d{1.5, -0.3, 2.2, 3.1, -1.1, 0.7, 2.9, 1.8, -0.5, 4.0};
  const st::WilcoxonResult a = st::wilcoxon_signed_rank(d);
  for (auto& v : d) v = -v;
  const st::WilcoxonResult b = st::wilcoxon_signed_rank(d);
  EXPECT_EQ(a.statistic, b.statistic);
  EXPECT_EQ(a.p_value, b.p_value);
  EXPECT_EQ(a.r_plus, b.r_minus);
}

TEST(StatsWilcoxon, RejectsBadInput) {
  expect_data_error([] { (void)st::wilcoxon_signed_rank(std::vector<double>{}); }, {"wilcoxon_signed_rank", "n = 0"});
  expect_data_error([] { (void)st::wilcoxon_signed_rank(std::vector<double>{0, 0, 0}); }, {"n = 3", "all zero"});
  expect_data_error([] { (void)st::wilcoxon_signed_rank(std::vector<double>{1, kNan}); }, {"differences[1] = nan"});
}

// ---------------------------------------------------------------------------------------------
// cronbach_alpha: hand computation

TEST(StatsCronbach, ThreeItemsByHand) {
  // rows respondents, columns items; row totals 8, 13, 10, 13.
  //   item 1: 2 4 3 5, mean 3.5, SS = 2.25+0.25+0.25+2.25 = 5 -> s² = 5/3
  //   item 2: 3 4 3 4, mean 3.5, SS = 4·0.25 = 1            -> s² = 1/3
  //   item 3: 3 5 4 4, mean 4,   SS = 1+1+0+0 = 2           -> s² = 2/3
  //   total:  8 13 10 13, mean 11, SS = 9+4+1+4 = 18       -> s² = 6
  //   alpha = 3/2 · (1 - (8/3)/6) = 3/2 · 5/9 = 5/6
  Eigen::MatrixXd items(4, 3);
  items << 2, 3, 3,  //
      4, 4, 5,       //
      3, 3, 4,       //
      5, 4, 4;
  expect_close(st::cronbach_alpha(items), 5.0 / 6.0);
}

TEST(StatsCronbach, ParallelItemsGiveOneAndRowMajorInputWorks) {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> items(5, 4);
  for (Eigen::Index i = 0; i < 5; ++i) items.row(i).setConstant(static_cast<double>(i));
  expect_close(st::cronbach_alpha(items), 1.0);
}

TEST(StatsCronbach, RejectsBadInput) {
  Eigen::MatrixXd one_item(4, 1);
  one_item << 1, 2, 3, 4;
  expect_data_error([&] { (void)st::cronbach_alpha(one_item); }, {"cronbach_alpha", "k = 1"});
  Eigen::MatrixXd one_row(1, 3);
  one_row << 1, 2, 3;
  expect_data_error([&] { (void)st::cronbach_alpha(one_row); }, {"n = 1"});
  Eigen::MatrixXd missing(3, 2);
  missing << 1, 2, 3, kNan, 5, 6;
  expect_data_error([&] { (void)st::cronbach_alpha(missing); }, {"row 1, column 1", "nan", "complete cases"});
  Eigen::MatrixXd flat = Eigen::MatrixXd::Constant(3, 2, 4.0);
  expect_data_error([&] { (void)st::cronbach_alpha(flat); }, {"variance of the total score = 0"});
}

// ---------------------------------------------------------------------------------------------
// rci: hand computation

TEST(StatsRci, ByHand) {
  // sd_pre = 10, reliability 0.82: SE = 10·sqrt(0.18); S_diff = sqrt(2)·SE = 10·sqrt(0.36) = 6.
  // pre 12 -> post 24: RCI = 12/6 = 2.0 (> 1.96, reliable); post 21: 9/6 = 1.5 (not reliable).
  expect_close(st::rci(12, 24, 10, 0.82), 2.0);
  expect_close(st::rci(12, 21, 10, 0.82), 1.5);
  expect_close(st::rci(24, 12, 10, 0.82), -2.0);
  EXPECT_GT(std::abs(st::rci(12, 24, 10, 0.82)), st::reliable_change_threshold);
  EXPECT_LT(std::abs(st::rci(12, 21, 10, 0.82)), st::reliable_change_threshold);
  // reliability 0: S_diff = sqrt(2)·sd.
  expect_close(st::rci(0, 1, 1, 0.0), 1.0 / std::sqrt(2.0));
  // scipy.stats.norm.ppf(0.975)
  EXPECT_EQ(st::reliable_change_threshold, 1.959963984540054);
}

TEST(StatsRci, VectorisedEqualsScalar) {
  Eigen::VectorXd pre(4), post(4);
  pre << 12, 12, 24, 30;
  post << 24, 21, 12, 30;
  const Eigen::VectorXd r = st::rci(pre, post, 10, 0.82);
  ASSERT_EQ(r.size(), 4);
  for (Eigen::Index i = 0; i < 4; ++i) EXPECT_EQ(r(i), st::rci(pre(i), post(i), 10, 0.82));
  expect_close(r(0), 2.0);
  EXPECT_EQ(r(3), 0.0);
}

TEST(StatsRci, RejectsBadInput) {
  expect_data_error([] { (void)st::rci(1, 2, 0, 0.8); }, {"rci", "sd_pre = 0"});
  expect_data_error([] { (void)st::rci(1, 2, 1, 1.0); }, {"reliability = 1", "[0, 1)"});
  expect_data_error([] { (void)st::rci(1, 2, 1, -0.2); }, {"reliability = -0.2"});
  expect_data_error([] { (void)st::rci(kNan, 2, 1, 0.5); }, {"pre = nan"});
  Eigen::VectorXd a(3), b(2);
  a << 1, 2, 3;
  b << 1, 2;
  expect_data_error([&] { (void)st::rci(a, b, 1, 0.5); }, {"len(pre) = 3", "len(post) = 2"});
  Eigen::VectorXd c(3);
  c << 1, kNan, 3;
  expect_data_error([&] { (void)st::rci(a, c, 1, 0.5); }, {"post[1] = nan"});
}

// ---------------------------------------------------------------------------------------------
// paired_effect: numpy (mean, std(ddof=1)) on the same data

TEST(StatsPairedEffect, MatchesNumpyFormulas) {
  const std::vector<double> pre{2, 3, 1, 2, 4, 3, 2, 1, 3, 2};
  const std::vector<double> post{3, 4, 2, 2, 5, 3, 4, 2, 3, 4};
  const st::PairedEffect e = st::paired_effect(pre, post);
  EXPECT_EQ(e.n, 10u);
  expect_close(e.mean_difference, 0.9);
  expect_close(e.sd_pre, 0.9486832980505138);
  expect_close(e.sd_post, 1.0327955589886446);
  expect_close(e.sd_diff, 0.7378647873726218);
  expect_close(e.d_z, 1.2197356689220893);
  expect_close(e.hedges_j, 0.9142857142857143);  // 1 - 3/35
  expect_close(e.g_z, 1.1151868973001957);
  expect_close(e.d_av, 0.9084124181318116);
  EXPECT_EQ(e.standardiser_z, "sd of the differences");
  EXPECT_EQ(e.standardiser_av, "average sd of pre and post");
}

TEST(StatsPairedEffect, ConstantChangeGivesNanDzButFiniteDav) {
  // Every client improves by exactly 1: sd_diff = 0, so d_z is undefined; d_av is not.
  const std::vector<double> pre{1, 2, 3};
  const std::vector<double> post{2, 3, 4};
  const st::PairedEffect e = st::paired_effect(pre, post);
  EXPECT_TRUE(std::isnan(e.d_z));
  EXPECT_TRUE(std::isnan(e.g_z));
  expect_close(e.d_av, 1.0);  // sd_pre = sd_post = 1
}

TEST(StatsPairedEffect, RejectsBadInput) {
  expect_data_error([] { (void)st::paired_effect(std::vector<double>{1, 2}, std::vector<double>{1}); },
                    {"paired_effect", "len(pre) = 2", "len(post) = 1"});
  expect_data_error([] { (void)st::paired_effect(std::vector<double>{1}, std::vector<double>{2}); }, {"n = 1"});
  expect_data_error([] { (void)st::paired_effect(std::vector<double>{1, 2}, std::vector<double>{2, kNan}); },
                    {"post[1] = nan"});
}

// ---------------------------------------------------------------------------------------------
// shift_table

TEST(StatsShiftTable, CountsZrmScores) {
  const std::vector<int> pre{1, 2, 2, 3, 5, 4, 2};
  const std::vector<int> post{3, 2, 3, 2, 5, 5, 4};
  const st::ShiftTable t = st::shift_table(pre, post, 1, 5);
  ASSERT_EQ(t.counts.rows(), 5);
  ASSERT_EQ(t.counts.cols(), 5);
  EXPECT_EQ(t.counts.sum(), 7);
  EXPECT_EQ(t.counts(0, 2), 1);  // 1 -> 3
  EXPECT_EQ(t.counts(1, 1), 1);  // 2 -> 2
  EXPECT_EQ(t.counts(1, 2), 1);  // 2 -> 3
  EXPECT_EQ(t.counts(1, 3), 1);  // 2 -> 4
  EXPECT_EQ(t.counts(2, 1), 1);  // 3 -> 2
  EXPECT_EQ(t.counts(4, 4), 1);  // 5 -> 5
  EXPECT_EQ(t.counts(3, 4), 1);  // 4 -> 5
  EXPECT_EQ(t.n, 7);
  EXPECT_EQ(t.improved, 4);
  EXPECT_EQ(t.same, 2);
  EXPECT_EQ(t.worse, 1);
  // improved/same/worse are the upper triangle, diagonal and lower triangle.
  std::int64_t upper = 0, lower = 0;
  for (Eigen::Index i = 0; i < 5; ++i)
    for (Eigen::Index j = 0; j < 5; ++j) {
      if (j > i) upper += t.counts(i, j);
      if (j < i) lower += t.counts(i, j);
    }
  EXPECT_EQ(upper, t.improved);
  EXPECT_EQ(lower, t.worse);
  EXPECT_EQ(t.counts.diagonal().sum(), t.same);
}

TEST(StatsShiftTable, EmptyAndNegativeScales) {
  const st::ShiftTable t = st::shift_table(std::vector<int>{}, std::vector<int>{}, -2, 2);
  EXPECT_EQ(t.counts.rows(), 5);
  EXPECT_EQ(t.counts.sum(), 0);
  const st::ShiftTable u = st::shift_table(std::vector<int>{-2, 2}, std::vector<int>{2, -2}, -2, 2);
  EXPECT_EQ(u.counts(0, 4), 1);
  EXPECT_EQ(u.counts(4, 0), 1);
}

TEST(StatsShiftTable, RejectsBadInput) {
  expect_data_error([] { (void)st::shift_table(std::vector<int>{1, 6}, std::vector<int>{1, 2}, 1, 5); },
                    {"shift_table", "pre[1] = 6", "outside [1, 5]"});
  expect_data_error([] { (void)st::shift_table(std::vector<int>{1, 2}, std::vector<int>{0, 2}, 1, 5); },
                    {"post[0] = 0"});
  expect_data_error([] { (void)st::shift_table(std::vector<int>{1}, std::vector<int>{1, 2}, 1, 5); },
                    {"len(pre) = 1", "len(post) = 2"});
  expect_data_error([] { (void)st::shift_table(std::vector<int>{}, std::vector<int>{}, 5, 1); }, {"min = 5 > max = 1"});
  expect_data_error(
      [] {
        (void)st::shift_table(std::vector<int>{}, std::vector<int>{}, std::numeric_limits<int>::min(),
                              std::numeric_limits<int>::max());
      },
      {"4294967296 levels"});
}
