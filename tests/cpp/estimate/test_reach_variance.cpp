// Standard errors of reach from the client-level records (docs/estimates.md, "Variance from the
// data"): sums over contacts get sqrt(Σ y_i²) over the clients' totals y_i, lead-time quantiles the
// distribution-free interval of two order statistics. By hand on small tables, exact under any
// split into partials, and by simulation: coverage of a compound Poisson total and of quantiles.

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "doelenboom/partial.hpp"
#include "doelenboom/registrations.hpp"
#include "estimate_test_util.hpp"

namespace {

using estimate_test::find_record;
using estimate_test::no_suppression;
using estimate_test::z95;
namespace db = doelenboom;

// Registrations by column, owning what a RegistrationView points to.
struct Rows {
  std::vector<std::int32_t> unit, period, channel, start, end;
  std::vector<std::uint64_t> client;
  std::vector<double> hours;
  std::vector<std::int8_t> referral;
  std::vector<std::string> units;
  void add(std::int32_t u, std::uint64_t c, double h, std::int8_t ref, std::int32_t ch, std::int32_t s = 0, std::int32_t e = 0) {
    unit.push_back(u);
    period.push_back(0);
    client.push_back(c);
    hours.push_back(h);
    referral.push_back(ref);
    channel.push_back(ch);
    start.push_back(s);
    end.push_back(e);
  }
  [[nodiscard]] db::RegistrationView view(bool dates = false) const {
    db::RegistrationView v;
    v.unit = unit;
    v.period = period;
    v.client = client;
    v.hours = hours;
    v.referral = referral;
    v.channel = channel;
    if (dates) {
      v.start_day = start;
      v.end_day = end;
    }
    v.unit_names = units;
    v.periods = {db::Period{db::Frequency::year, 2024, 0}};
    v.channel_names = {"telefoon", "balie"};
    v.source = "test";
    return v;
  }
};

// A uniform number in [0, 1) from the generator's bits (the same on every platform, unlike the
// standard library's distributions).
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
int poisson(std::mt19937_64& rng, double mean) {  // Knuth's product of uniforms (mean <= 150)
  const double limit = std::exp(-mean);
  int k = 0;
  for (double prod = uniform(rng); prod > limit; prod *= uniform(rng)) ++k;
  return k;
}
double exponential(std::mt19937_64& rng, double mean) { return -mean * std::log1p(-uniform(rng)); }

}  // namespace

TEST(ReachVariance, SumsGetTheirSeFromTheClientsTotalsByHand) {
  // Client 1: 3 contacts, 1 + 2 + 0.5 = 3.5 hours, 1 referral, 2 by phone; client 2: 1 contact of
  // 4 hours, no referral, balie; client 3: 2 contacts, 0.25 hours and one without, 1 referral (one
  // not recorded), 1 by phone.
  Rows r;
  r.units = {"GM0001"};
  r.add(0, 1, 1.0, 1, 0);
  r.add(0, 2, 4.0, 0, 1);
  r.add(0, 1, 2.0, 0, 0);
  r.add(0, 3, 0.25, 1, 0);
  r.add(0, 1, 0.5, 0, 1);
  r.add(0, 3, std::nan(""), -1, 1);
  const db::Dataset d = db::estimate_reach(r.view(), {}, no_suppression());
  const auto rec = [&](const std::string& id) { return find_record(d, "GM0001", "2024", "reach." + id); };
  EXPECT_EQ(rec("hours").value, 7.75);
  EXPECT_DOUBLE_EQ(rec("hours").se, std::sqrt(3.5 * 3.5 + 4.0 * 4.0 + 0.25 * 0.25));  // sqrt(28.3125) = 5.32
  EXPECT_EQ(rec("hours").method,
            "sum of recorded hours (1 of 6 contacts without hours); se from 3 clients' totals (compound Poisson)");
  EXPECT_EQ(rec("contacts").value, 6.0);
  EXPECT_DOUBLE_EQ(rec("contacts").se, std::sqrt(9.0 + 1.0 + 4.0));  // the Poisson sqrt(6) would be 2.45, not 3.74
  EXPECT_EQ(rec("referrals").value, 2.0);
  EXPECT_DOUBLE_EQ(rec("referrals").se, std::sqrt(1.0 + 0.0 + 1.0));
  EXPECT_EQ(rec("phone_questions").value, 3.0);
  EXPECT_DOUBLE_EQ(rec("phone_questions").se, std::sqrt(4.0 + 0.0 + 1.0));
  EXPECT_DOUBLE_EQ(rec("clients").se, std::sqrt(3.0));
  EXPECT_EQ(rec("clients").method, "distinct pseudonymised clients; se = sqrt(clients) (Poisson)");

  // Client 1's rows in two partials (rows 0-2 and 3-5): the merged client totals, and so every
  // standard error, are the single-process ones bit for bit.
  Rows a, b;
  a.units = b.units = r.units;
  for (std::size_t i = 0; i < r.unit.size(); ++i)
    (i < 3 ? a : b).add(r.unit[i], r.client[i], r.hours[i], r.referral[i], r.channel[i]);
  const auto merged = db::ReachPartial::merge(db::ReachPartial::from_view(b.view(), db::partition_position(1)),
                                              db::ReachPartial::from_view(a.view(), db::partition_position(0)));
  const db::Dataset m = db::estimate_reach(merged, {}, no_suppression());
  for (const char* id : {"hours", "contacts", "referrals", "phone_questions"}) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(find_record(m, "GM0001", "2024", std::string("reach.") + id).se),
              std::bit_cast<std::uint64_t>(rec(id).se))
        << id;
  }
}

TEST(ReachVariance, LeadTimeQuantilesGetOrderStatisticIntervals) {
  // Unit 0: 7 closed trajectories of 2, 5, 7, 9, 12, 20, 30 days. Binomial(7, 1/2): P(B <= 0) =
  // 1/128 <= 2.5% < P(B <= 1) = 8/128 and P(B <= 6) = 127/128 >= 97.5%: ranks 1 and 7, [2, 30],
  // se = 28 / (2 x 1.96) = 7.143. Unit 1: 5 trajectories: P(B <= 0) = 1/32 > 2.5%, no interval.
  // Unit 2: 10 trajectories of 14 days: [14, 14] widened by half a day, se = 1 / (2 x 1.96).
  // Unit 3: 1, 2, ..., 32 days: ranks 10 and 23 (the textbook ranks for n = 32), [10, 23].
  Rows r;
  r.units = {"A", "B", "C", "D"};
  std::uint64_t client = 0;
  for (const int days : {9, 2, 30, 5, 12, 7, 20}) r.add(0, ++client, 1.0, 0, 0, 100, 100 + days);
  for (const int days : {3, 1, 4, 1, 5}) r.add(1, ++client, 1.0, 0, 0, 100, 100 + days);
  for (int i = 0; i < 10; ++i) r.add(2, ++client, 1.0, 0, 0, 100, 114);
  for (int days = 1; days <= 32; ++days) r.add(3, ++client, 1.0, 0, 0, 100, 100 + days);
  const db::Dataset d = db::estimate_reach(r.view(true), {}, no_suppression());
  const auto median = [&](const std::string& unit) { return find_record(d, unit, "2024", "reach.lead_time_median_days"); };
  EXPECT_EQ(median("A").value, 9.0);
  EXPECT_EQ(median("A").ci_low, 2.0);
  EXPECT_EQ(median("A").ci_high, 30.0);
  EXPECT_NEAR(median("A").se, 28.0 / (2 * z95), 1e-12);
  EXPECT_EQ(median("A").method,
            "median days from first start to last end, closed trajectories; 95% interval from order statistics 1 and 7 "
            "of 7 (distribution-free), se = its width / (2 x 1.96)");
  EXPECT_EQ(median("B").value, 3.0);
  EXPECT_TRUE(std::isnan(median("B").se));
  EXPECT_TRUE(std::isnan(median("B").ci_low));
  EXPECT_NE(median("B").method.find("no se: too few closed trajectories"), std::string::npos) << median("B").method;
  EXPECT_EQ(median("C").ci_low, 13.5);
  EXPECT_EQ(median("C").ci_high, 14.5);
  EXPECT_NEAR(median("C").se, 1.0 / (2 * z95), 1e-12);
  EXPECT_EQ(median("D").ci_low, 10.0);
  EXPECT_EQ(median("D").ci_high, 23.0);
  EXPECT_NEAR(median("D").se, 13.0 / (2 * z95), 1e-12);
  // The 90th percentile needs 36 trajectories (0.9^35 = 2.50...% > 2.5%): none of these has one.
  for (const char* unit : {"A", "B", "C", "D"})
    EXPECT_TRUE(std::isnan(find_record(d, unit, "2024", "reach.lead_time_p90_days").se)) << unit;
}

// Hours of a compound Poisson process with overdispersed client totals: per unit Poisson(150)
// clients, a fifth of them heavy (1 + Poisson(6) contacts, the others 1 + Poisson(0.5)), each
// contact Exponential(1.5) hours: E[y] = 2.6 x 1.5 = 3.9 hours per client, true total 585. The
// 95% interval total ± 1.96 se must contain 585 in about 95% of 400 units; the Poisson se sqrt(total)
// of the run before, and m s² (clients as a fixed sample), give far less.
TEST(ReachVariance, HoursSeCoversTheTotalOfACompoundPoissonProcess) {
  std::mt19937_64 rng(20240615);
  constexpr int reps = 400;
  constexpr double lambda = 150, truth = lambda * (1 + 0.2 * 6 + 0.8 * 0.5) * 1.5;
  Rows r;
  std::vector<std::vector<double>> totals(reps);  // per unit the clients' totals, for m s²
  std::uint64_t client = 0;
  for (int u = 0; u < reps; ++u) {
    r.units.push_back("U" + std::to_string(u));
    for (int c = poisson(rng, lambda); c > 0; --c) {
      const int contacts = 1 + poisson(rng, uniform(rng) < 0.2 ? 6.0 : 0.5);
      double y = 0;
      ++client;
      for (int k = 0; k < contacts; ++k) {
        const double h = exponential(rng, 1.5);
        y += h;
        r.add(u, client, h, 0, 0);
      }
      totals[static_cast<std::size_t>(u)].push_back(y);
    }
  }
  const db::Dataset d = db::estimate_reach(r.view(), {}, no_suppression());
  int covered = 0, covered_poisson = 0, covered_fixed = 0;
  for (int u = 0; u < reps; ++u) {
    const auto e = find_record(d, r.units[static_cast<std::size_t>(u)], "2024", "reach.hours");
    const auto& y = totals[static_cast<std::size_t>(u)];
    double mean = 0, ss = 0;
    for (const double v : y) mean += v / static_cast<double>(y.size());
    for (const double v : y) ss += (v - mean) * (v - mean);
    const double fixed_se = std::sqrt(static_cast<double>(y.size()) * ss / static_cast<double>(y.size() - 1));
    covered += std::abs(e.value - truth) <= z95 * e.se;
    covered_poisson += std::abs(e.value - truth) <= z95 * std::sqrt(e.value);
    covered_fixed += std::abs(e.value - truth) <= z95 * fixed_se;
  }
  ::testing::Test::RecordProperty("covered", covered);  // in --gtest_output=xml
  ::testing::Test::RecordProperty("covered_fixed", covered_fixed);
  ::testing::Test::RecordProperty("covered_poisson", covered_poisson);
  // Expected (numpy, 3,000 repetitions of the same design): 0.947, m s² 0.855, Poisson 0.477.
  EXPECT_GE(covered, 0.92 * reps) << covered;
  EXPECT_LE(covered, 0.975 * reps) << covered;
  EXPECT_LE(covered_fixed, 0.90 * reps) << covered_fixed;
  EXPECT_LE(covered_poisson, 0.60 * reps) << covered_poisson;
}

// Lead times of whole days, floor(Exponential(30)): the true median of the days is 20 (P(X < 21)
// = 0.503 >= 1/2 > P(X < 20)), the true 90th percentile 69 (P(X < 70) = 0.903 >= 0.9 > P(X < 69)).
// value ± 1.96 se must contain them in roughly 95% of 400 units (Poisson(60) clients for the
// median, Poisson(150) for the 90th percentile, which needs at least 36).
TEST(ReachVariance, LeadTimeSeCoversTheTrueQuantiles) {
  std::mt19937_64 rng(7);
  constexpr int reps = 400;
  for (const auto& [id, lambda, truth] : {std::tuple{"reach.lead_time_median_days", 60.0, 20.0},
                                          std::tuple{"reach.lead_time_p90_days", 150.0, 69.0}}) {
    Rows r;
    std::uint64_t client = 0;
    for (int u = 0; u < reps; ++u) {
      r.units.push_back("U" + std::to_string(u));
      for (int c = poisson(rng, lambda); c > 0; --c) {
        const auto days = static_cast<std::int32_t>(std::floor(exponential(rng, 30.0)));
        r.add(u, ++client, 1.0, 0, 0, 1000, 1000 + days);
      }
    }
    const db::Dataset d = db::estimate_reach(r.view(true), {}, no_suppression());
    int covered = 0, with_se = 0;
    for (const auto& unit : r.units) {
      const auto e = find_record(d, unit, "2024", id);
      if (std::isnan(e.se)) continue;
      ++with_se;
      covered += std::abs(e.value - truth) <= z95 * e.se;
    }
    ::testing::Test::RecordProperty(std::string("covered ") + id, covered);
    // Expected (numpy, 3,000 and 2,000 repetitions): 0.957 for the median, 0.951 for the 90th percentile.
    EXPECT_EQ(with_se, reps) << id;
    EXPECT_GE(covered, 0.90 * reps) << id << " " << covered;
    EXPECT_LE(covered, 0.99 * reps) << id << " " << covered;
  }
}
