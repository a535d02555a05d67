// Partial statistics: random data split at random into k chunks, each chunk coded on its own (its
// own dictionaries, in order of appearance, as a dask partition is), the chunk partials merged in
// different orders and trees, must finalise bit for bit to the single-machine estimate of all rows.
// The exact sum is checked against an independent 128-bit fixed-point sum.

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "doelenboom/partial.hpp"

namespace db = doelenboom;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// An independent exact reference for sums (GCC/Clang extension; the exact-sum tests need 128 bits).
__extension__ using Int128 = __int128;

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

void expect_identical(const db::Dataset& a, const db::Dataset& b) {
  const auto ra = a.export_records(), rb = b.export_records();
  ASSERT_EQ(ra.size(), rb.size());
  ASSERT_GT(ra.size(), 0u);
  for (std::size_t i = 0; i < ra.size(); ++i) {
    const auto& x = ra[i];
    const auto& y = rb[i];
    const std::string at = "row " + std::to_string(i) + " " + x.unit + " " + x.period.to_string() + " " + x.indicator;
    EXPECT_EQ(x.unit, y.unit) << at;
    EXPECT_EQ(x.period, y.period) << at;
    EXPECT_EQ(x.indicator, y.indicator) << at;
    EXPECT_EQ(x.method, y.method) << at;
    EXPECT_EQ(x.source, y.source) << at;
    EXPECT_EQ(x.suppressed, y.suppressed) << at;
    for (auto [u, v, what] : {std::tuple{x.value, y.value, "value"}, std::tuple{x.n, y.n, "n"}, std::tuple{x.se, y.se, "se"},
                              std::tuple{x.ci_low, y.ci_low, "ci_low"}, std::tuple{x.ci_high, y.ci_high, "ci_high"}})
      EXPECT_TRUE(same_bits(u, v)) << at << " " << what << ": " << u << " vs " << v;
  }
}

// Codes of values in order of first appearance (pd.factorize), -1 for "".
template <class T>
struct Coder {
  std::vector<T> names;
  std::map<T, std::int32_t> index;
  std::int32_t operator()(const T& v) {
    auto [it, fresh] = index.emplace(v, static_cast<std::int32_t>(names.size()));
    if (fresh) names.push_back(v);
    return it->second;
  }
};

// Random cut points: k contiguous chunks (some possibly empty) of n rows.
std::vector<std::size_t> cuts(std::size_t n, std::size_t k, std::mt19937_64& rng) {
  std::vector<std::size_t> c{0, n};
  std::uniform_int_distribution<std::size_t> at(0, n);
  for (std::size_t i = 1; i < k; ++i) c.push_back(at(rng));
  std::sort(c.begin(), c.end());
  return c;
}

// Merges the partials in several ways: left fold, right fold, reversed, a random tree.
template <class P>
std::vector<P> merged_ways(const std::vector<P>& parts, std::mt19937_64& rng) {
  std::vector<P> out;
  P left = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) left = P::merge(left, parts[i]);
  out.push_back(left);
  P right = parts.back();
  for (std::size_t i = parts.size() - 1; i-- > 0;) right = P::merge(parts[i], right);
  out.push_back(right);
  P reversed = parts.back();
  for (std::size_t i = parts.size() - 1; i-- > 0;) reversed = P::merge(reversed, parts[i]);
  out.push_back(reversed);
  std::vector<P> pool = parts;
  while (pool.size() > 1) {
    std::shuffle(pool.begin(), pool.end(), rng);
    P m = P::merge(pool[0], pool[1]);
    pool.erase(pool.begin(), pool.begin() + 2);
    pool.push_back(std::move(m));
  }
  out.push_back(pool.front());
  return out;
}

// ---- registrations ----------------------------------------------------------------------------

struct RegRow {
  std::string unit, channel, domain;
  db::Period period;
  std::uint64_t client;
  double hours;
  std::int8_t referral, referrer;
  std::int32_t start, end;
};

std::vector<RegRow> random_registrations(std::size_t n, std::mt19937_64& rng, bool quarter_hours) {
  std::vector<RegRow> rows;
  std::uniform_int_distribution<int> unit(0, 4), per(0, 2), client(0, 60), ch(0, 3), dom(0, 5), flag(-1, 1), day(0, 400),
      len(0, 120), quarters(0, 16);
  std::uniform_real_distribution<double> real(0.0, 4.0);
  const char* channels[] = {"telefoon", "balie", "huisbezoek", ""};
  for (std::size_t i = 0; i < n; ++i) {
    RegRow r;
    r.unit = "GM0" + std::to_string(100 + unit(rng));
    r.period = db::Period{db::Frequency::year, 2021 + per(rng), 0};
    r.client = 1000 + static_cast<std::uint64_t>(client(rng));
    r.hours = rng() % 11 == 0 ? nan : quarter_hours ? quarters(rng) * 0.25 : real(rng);
    r.referral = static_cast<std::int8_t>(flag(rng));
    r.referrer = static_cast<std::int8_t>(flag(rng));
    r.channel = channels[ch(rng)];
    const int d = dom(rng);
    r.domain = d == 5 ? "" : "domein" + std::to_string(d);
    r.start = rng() % 9 == 0 ? db::missing_day : 19000 + day(rng);
    r.end = r.start == db::missing_day || rng() % 5 == 0 ? db::missing_day : r.start + len(rng);
    rows.push_back(r);
  }
  return rows;
}

struct RegChunk {
  std::vector<std::int32_t> unit, period, channel, domain, start, end;
  std::vector<std::uint64_t> client;
  std::vector<double> hours;
  std::vector<std::int8_t> referral, referrer;
  Coder<std::string> units, channels, domains;
  Coder<db::Period> periods;
  db::RegistrationView view() const {
    db::RegistrationView v;
    v.unit = unit;
    v.period = period;
    v.client = client;
    v.hours = hours;
    v.referral = referral;
    v.referrer_contact = referrer;
    v.channel = channel;
    v.life_domain = domain;
    v.start_day = start;
    v.end_day = end;
    v.unit_names = units.names;
    v.periods = periods.names;
    v.channel_names = channels.names;
    v.life_domain_names = domains.names;
    v.source = "test";
    return v;
  }
};

RegChunk reg_chunk(const std::vector<RegRow>& rows, std::size_t from, std::size_t to) {
  RegChunk c;
  for (std::size_t i = from; i < to; ++i) {
    const RegRow& r = rows[i];
    c.unit.push_back(c.units(r.unit));
    c.period.push_back(c.periods(r.period));
    c.client.push_back(r.client);
    c.hours.push_back(r.hours);
    c.referral.push_back(r.referral);
    c.referrer.push_back(r.referrer);
    c.channel.push_back(r.channel.empty() ? -1 : c.channels(r.channel));
    c.domain.push_back(r.domain.empty() ? -1 : c.domains(r.domain));
    c.start.push_back(r.start);
    c.end.push_back(r.end);
  }
  return c;
}

}  // namespace

TEST(ExactSum, IsTheCorrectlyRoundedSumInAnyOrder) {
  db::ExactSum s;
  for (int i = 0; i < 10; ++i) s.add(0.1);
  EXPECT_EQ(s.value(), 1.0);  // the exact sum of ten doubles 0.1 is 1 + 5.55e-17, nearest double 1
  db::ExactSum t;
  t.add(1e100);
  t.add(1.0);
  t.add(-1e100);
  EXPECT_EQ(t.value(), 1.0);
  db::ExactSum tiny;
  tiny.add(std::numeric_limits<double>::denorm_min());
  tiny.add(std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(tiny.value(), 2 * std::numeric_limits<double>::denorm_min());
  db::ExactSum neg;
  neg.add(-2.5);
  neg.add(0.75);
  EXPECT_EQ(neg.value(), -1.75);
  EXPECT_EQ(db::ExactSum{}.value(), 0.0);
  // Ties round to even: 2^53 + 1 is halfway between 2^53 and 2^53 + 2.
  db::ExactSum tie;
  tie.add(9007199254740992.0);
  tie.add(1.0);
  EXPECT_EQ(tie.value(), 9007199254740992.0);
  tie.add(2.0);
  EXPECT_EQ(tie.value(), 9007199254740996.0);  // 2^53 + 3 -> 2^53 + 4 (even)

  // Against a 128-bit fixed-point sum (values >= 2^-7 are whole multiples of 2^-60).
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.01, 9.0);
  std::vector<double> x(5000);
  for (auto& v : x) v = u(rng) * (rng() % 2 ? 1.0 : -1.0);
  Int128 fixed = 0;
  for (double v : x) fixed += static_cast<Int128>(std::ldexp(v, 60));
  const double expected = std::ldexp(static_cast<double>(fixed), -60);
  for (int trial = 0; trial < 3; ++trial) {
    std::shuffle(x.begin(), x.end(), rng);
    db::ExactSum a, b;
    for (std::size_t i = 0; i < x.size(); ++i) (i % 3 == 0 ? a : b).add(x[i]);
    a.merge(b);
    EXPECT_TRUE(same_bits(a.value(), expected)) << a.value() << " vs " << expected;
    EXPECT_EQ(db::ExactSum::from_limbs(a.normalised()), a);
  }
  db::ExactSum times;
  times.add_times(0.1, 3);
  db::ExactSum thrice;
  for (int i = 0; i < 3; ++i) thrice.add(0.1);
  EXPECT_EQ(times, thrice);
  EXPECT_THROW(times.add(std::numeric_limits<double>::infinity()), std::invalid_argument);
}

TEST(ReachPartial, MergedInAnyOrderEqualsTheSingleMachineEstimate) {
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 6; ++trial) {
    const auto rows = random_registrations(3000, rng, true);
    const RegChunk all = reg_chunk(rows, 0, rows.size());
    const db::Dataset single = db::estimate_reach(all.view());
    expect_identical(db::estimate_reach(db::ReachPartial::from_view(all.view())), single);
    const std::size_t k = 2 + static_cast<std::size_t>(trial);
    const auto c = cuts(rows.size(), k, rng);
    std::vector<db::ReachPartial> parts;
    for (std::size_t i = 0; i + 1 < c.size(); ++i) {
      const RegChunk chunk = reg_chunk(rows, c[i], c[i + 1]);
      parts.push_back(db::ReachPartial::from_view(chunk.view(), db::partition_position(i)));
    }
    const auto ways = merged_ways(parts, rng);
    for (const auto& m : ways) {
      EXPECT_EQ(m, ways.front());
      expect_identical(db::estimate_reach(m), single);
      const auto back = db::ReachPartial::from_bytes(m.to_bytes());
      EXPECT_EQ(back, m);
    }
  }
}

// estimate_reach(view) is the finaliser of the view's partial, so the comparison above cannot catch
// an error both share: here every record of random registrations is recounted independently
// (maps per unit, period and client; numpy's linear quantile, statsmodels' Wilson formula).
TEST(ReachPartial, EstimatesAgreeWithAnIndependentCount) {
  std::mt19937_64 rng(11);
  const auto rows = random_registrations(2500, rng, false);
  const RegChunk all = reg_chunk(rows, 0, rows.size());
  db::RegistrationView view = all.view();
  // Dictionary entries without rows give no estimates.
  std::vector<std::string> unit_names = view.unit_names;
  unit_names.push_back("GM0999");
  view.unit_names = unit_names;
  view.periods.push_back(db::Period{db::Frequency::year, 2030, 0});
  db::DataContext unsuppressed;
  unsuppressed.suppression_threshold = 0;  // every number, also of small bases
  unsuppressed.small_count_threshold = 0;
  const db::Dataset data = db::estimate_reach(view, db::ReachOptions{"r.", "balie", 0.0}, unsuppressed);

  struct ClientRef {
    std::int64_t contacts = 0, referrals = 0, referrer = 0, balie = 0;
    Int128 hours = 0;
    std::int32_t first = INT32_MAX, last = INT32_MIN;
    bool open = false;
    std::uint64_t domains = 0;
  };
  struct GroupRef {
    std::int64_t contacts = 0, hours_missing = 0, referrals = 0, referral_unknown = 0, referrer = 0, referrer_unknown = 0,
                 balie = 0, channel_unknown = 0;
    Int128 hours = 0;
    std::vector<std::uint64_t> order;  // clients in order of their first row
    std::map<std::uint64_t, ClientRef> clients;
  };
  std::map<std::pair<std::int32_t, std::int32_t>, GroupRef> groups;  // by (unit code, period code)
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const RegRow& row = rows[r];
    GroupRef& g = groups[{all.unit[r], all.period[r]}];
    ++g.contacts;
    if (std::isnan(row.hours)) ++g.hours_missing;
    else g.hours += static_cast<Int128>(std::ldexp(row.hours, 60));  // uniform(0, 4): whole multiples of 2^-60
    g.referrals += row.referral == 1;
    g.referral_unknown += row.referral == -1;
    g.referrer += row.referrer == 1;
    g.referrer_unknown += row.referrer == -1;
    g.balie += row.channel == "balie";
    g.channel_unknown += row.channel.empty();
    auto [it, fresh] = g.clients.try_emplace(row.client);
    if (fresh) g.order.push_back(row.client);
    ClientRef& c = it->second;
    ++c.contacts;
    if (!std::isnan(row.hours)) c.hours += static_cast<Int128>(std::ldexp(row.hours, 60));
    c.referrals += row.referral == 1;
    c.referrer += row.referrer == 1;
    c.balie += row.channel == "balie";
    if (row.start != db::missing_day) c.first = std::min(c.first, row.start);
    if (row.end != db::missing_day) c.last = std::max(c.last, row.end);
    else if (row.start != db::missing_day) c.open = true;
    if (!row.domain.empty()) c.domains |= std::uint64_t{1} << all.domains.index.at(row.domain);
  }
  const double z = 1.959963984540054;  // scipy.stats.norm.ppf(0.975)
  const auto linear = [](const std::vector<double>& x, double q) {  // numpy.quantile, method="linear"
    const double h = static_cast<double>(x.size() - 1) * q;
    const auto i = static_cast<std::size_t>(std::floor(h));
    return i + 1 < x.size() ? x[i] + (h - static_cast<double>(i)) * (x[i + 1] - x[i]) : x[i];
  };
  // The order-statistic ranks of the p-quantile (Binomial(n, p) tails of at most 2.5% each; ranks
  // from 1) by summing the binomial probabilities; {0, 0} when n is too small.
  const auto ranks = [](std::size_t n, double p) {
    const double nn = static_cast<double>(n);
    double cdf = 0;
    std::size_t lower = 0, upper = 0;
    for (std::size_t k = 0; k < n && upper == 0; ++k) {
      const double kk = static_cast<double>(k);
      cdf += std::exp(std::lgamma(nn + 1) - std::lgamma(kk + 1) - std::lgamma(nn - kk + 1) + kk * std::log(p) +
                      (nn - kk) * std::log1p(-p));
      if (cdf <= 0.025) lower = k + 1;
      if (cdf >= 0.975) upper = k + 1;
    }
    return lower == 0 || upper == 0 ? std::pair<std::size_t, std::size_t>{0, 0}
                                          : std::pair<std::size_t, std::size_t>{lower, upper};
  };
  std::vector<db::EstimateRecord> expected;
  for (const auto& [key, g] : groups) {  // unit code, then period code: the estimator's row order
    const double n = static_cast<double>(g.clients.size());
    // The standard error of a total: sqrt of the sum of the clients' squared totals.
    const auto total_se = [&](const std::function<double(const ClientRef&)>& y) {
      double squares = 0;
      for (const auto& [id, c] : g.clients) squares += y(c) * y(c);
      return std::sqrt(squares);
    };
    const std::string sums = "; se from " + std::to_string(g.clients.size()) + " clients' totals (compound Poisson)";
    auto add = [&](const std::string& id, double value, double base, const std::string& method) {
      db::EstimateRecord e;
      e.unit = all.units.names[static_cast<std::size_t>(key.first)];
      e.period = all.periods.names[static_cast<std::size_t>(key.second)];
      e.indicator = "r." + id;
      e.value = value;
      e.n = base;
      e.method = method;
      expected.push_back(e);
    };
    add("clients", n, n, "distinct pseudonymised clients; se = sqrt(clients) (Poisson)");
    expected.back().se = std::sqrt(n);
    add("contacts", static_cast<double>(g.contacts), n, "registered contacts" + sums);
    expected.back().se = total_se([](const ClientRef& c) { return static_cast<double>(c.contacts); });
    add("hours", std::ldexp(static_cast<double>(g.hours), -60), n,
        "sum of recorded hours (" + std::to_string(g.hours_missing) + " of " + std::to_string(g.contacts) +
            " contacts without hours)" + sums);
    expected.back().se = total_se([](const ClientRef& c) { return std::ldexp(static_cast<double>(c.hours), -60); });
    add("referrals", static_cast<double>(g.referrals), n,
        "contacts with a referral (" + std::to_string(g.referral_unknown) + " not recorded)" + sums);
    expected.back().se = total_se([](const ClientRef& c) { return static_cast<double>(c.referrals); });
    add("referrer_contacts", static_cast<double>(g.referrer), n,
        "contacts with a referrer (" + std::to_string(g.referrer_unknown) + " not recorded)" + sums);
    expected.back().se = total_se([](const ClientRef& c) { return static_cast<double>(c.referrer); });
    add("phone_questions", static_cast<double>(g.balie), n,
        "contacts by channel 'balie' (" + std::to_string(g.channel_unknown) + " without channel)" + sums);
    expected.back().se = total_se([](const ClientRef& c) { return static_cast<double>(c.balie); });
    double mean = 0, ss = 0;
    for (const auto id : g.order) mean += static_cast<double>(g.clients.at(id).contacts);
    mean /= n;
    for (const auto id : g.order) ss += std::pow(static_cast<double>(g.clients.at(id).contacts) - mean, 2);
    add("conversations_per_client", mean, n, "mean contacts per client, t interval 95%");
    expected.back().se = g.clients.size() > 1 ? std::sqrt(ss / (n - 1) / n) : std::numeric_limits<double>::quiet_NaN();
    std::vector<double> lead;
    for (const auto& [id, c] : g.clients)
      if (!c.open && c.first != INT32_MAX && c.last != INT32_MIN) lead.push_back(static_cast<double>(c.last - c.first));
    std::sort(lead.begin(), lead.end());
    if (!lead.empty()) {
      const double closed = static_cast<double>(lead.size());
      // The interval between two order statistics (half a day wider each side when they tie).
      const auto interval = [&](double p) {
        const auto [lower, upper] = ranks(lead.size(), p);
        if (lower == 0) return std::string("; no se: too few closed trajectories for a distribution-free 95% interval");
        double low = lead[lower - 1], high = lead[upper - 1];
        if (low == high) low -= 0.5, high += 0.5;
        expected.back().ci_low = low;
        expected.back().ci_high = high;
        expected.back().se = (high - low) / (2 * z);
        return "; 95% interval from order statistics " + std::to_string(lower) + " and " + std::to_string(upper) + " of " +
               std::to_string(lead.size()) + " (distribution-free), se = its width / (2 x 1.96)";
      };
      add("lead_time_median_days", linear(lead, 0.5), closed, "");
      expected.back().method = "median days from first start to last end, closed trajectories" + interval(0.5);
      add("lead_time_p90_days", linear(lead, 0.9), closed, "");
      expected.back().method =
          "90th percentile (linear) of days from first start to last end, closed trajectories" + interval(0.9);
    }
    for (std::size_t dom = 0; dom < all.domains.names.size(); ++dom) {
      double with = 0;
      for (const auto& [id, c] : g.clients) with += static_cast<double>((c.domains >> dom) & 1u);
      const double p = with / n, zz = z * z;
      const double centre = (p + zz / (2 * n)) / (1 + zz / n);
      const double half = z / (1 + zz / n) * std::sqrt(p * (1 - p) / n + zz / (4 * n * n));
      add("share_life_domain." + all.domains.names[dom], p, n,
          "share of clients with a question in this life domain, Wilson 95%");
      expected.back().se = std::sqrt(p * (1 - p) / n);
      expected.back().ci_low = centre - half;
      expected.back().ci_high = centre + half;
    }
  }
  ASSERT_EQ(data.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const db::EstimateRecord got = data.record(i), &want = expected[i];
    const std::string at = "row " + std::to_string(i) + " " + want.unit + " " + want.period.to_string() + " " + want.indicator;
    ASSERT_EQ(got.unit, want.unit) << at;
    ASSERT_EQ(got.period, want.period) << at;
    ASSERT_EQ(got.indicator, want.indicator) << at;
    EXPECT_EQ(got.method, want.method) << at;
    EXPECT_EQ(got.source, "test") << at;
    EXPECT_EQ(got.n, want.n) << at;
    EXPECT_NEAR(got.value, want.value, 1e-12 * std::max(1.0, std::abs(want.value))) << at;
    if (want.indicator == "r.hours") {
      EXPECT_TRUE(same_bits(got.value, want.value)) << at;  // the correctly rounded sum
    }
    if (!std::isnan(want.se)) {
      // Hours per client are added in units of 2^-20 hour (exact whatever the split), 1e-6 h near.
      EXPECT_NEAR(got.se, want.se, want.indicator == "r.hours" ? 1e-6 * want.se : 1e-12) << at;
    } else {
      EXPECT_TRUE(std::isnan(got.se)) << at;
    }
    if (!std::isnan(want.ci_low)) {
      EXPECT_NEAR(got.ci_low, want.ci_low, 1e-12) << at;
      EXPECT_NEAR(got.ci_high, want.ci_high, 1e-12) << at;
    }
    if (want.indicator == "r.conversations_per_client" && want.n > 1) {
      EXPECT_NEAR((got.ci_low + got.ci_high) / 2, want.value, 1e-12) << at;
      EXPECT_LT(got.ci_low, got.value) << at;
    }
  }
}

// The finaliser takes the clients of a group in the order of their first row whatever their order
// in the partial; from_bytes accepts only the order to_bytes writes (by group and client, once each).
TEST(ReachPartial, ClientOrderInThePartialDoesNotMatterAndBytesKeepIt) {
  std::mt19937_64 rng(13);
  const auto rows = random_registrations(1500, rng, false);
  const RegChunk all = reg_chunk(rows, 0, rows.size());
  const db::Dataset single = db::estimate_reach(all.view());
  const db::ReachPartial p = db::ReachPartial::from_view(all.view());
  ASSERT_TRUE(std::is_sorted(p.clients.begin(), p.clients.end(), [](const auto& a, const auto& b) {
    return std::tie(a.group, a.client) < std::tie(b.group, b.client);
  }));
  // The clients' channel counts (clients x channels) move with their clients.
  const std::size_t nch = p.channels.names.size();
  const auto permuted = [&](std::vector<std::size_t> order) {
    db::ReachPartial q = p;
    q.clients.clear();
    q.client_channels.clear();
    for (const auto i : order) {
      q.clients.push_back(p.clients[i]);
      for (std::size_t k = 0; k < nch; ++k) q.client_channels.push_back(p.client_channels[i * nch + k]);
    }
    return q;
  };
  std::vector<std::size_t> order(p.clients.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  const db::ReachPartial shuffled = permuted(order);
  expect_identical(db::estimate_reach(shuffled), single);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p.clients[a].position < p.clients[b].position; });
  expect_identical(db::estimate_reach(permuted(order)), single);
  EXPECT_THROW(db::ReachPartial::from_bytes(shuffled.to_bytes()), db::DataError);
  std::vector<std::size_t> doubled(p.clients.size());
  for (std::size_t i = 0; i < doubled.size(); ++i) doubled[i] = i;
  doubled.insert(doubled.begin() + 1, 0);  // a client counted twice
  EXPECT_THROW(db::ReachPartial::from_bytes(permuted(doubled).to_bytes()), db::DataError);
  db::ReachPartial short_channels = p;
  short_channels.client_channels.pop_back();  // channel counts that are not clients x channels
  EXPECT_THROW(db::ReachPartial::from_bytes(short_channels.to_bytes()), db::DataError);
  EXPECT_EQ(db::ReachPartial::from_bytes(p.to_bytes()), p);
}

TEST(ReachPartial, HoursAreTheExactSumWhateverTheSplit) {
  std::mt19937_64 rng(3);
  const auto rows = random_registrations(4000, rng, false);
  // The exact hours per (unit, period), from 128-bit fixed point.
  std::map<std::pair<std::string, db::Period>, Int128> fixed;
  for (const auto& r : rows)
    if (!std::isnan(r.hours)) fixed[{r.unit, r.period}] += static_cast<Int128>(std::ldexp(r.hours, 60));
  std::vector<db::ReachPartial> parts;
  const auto c = cuts(rows.size(), 5, rng);
  for (std::size_t i = 0; i + 1 < c.size(); ++i)
    parts.push_back(db::ReachPartial::from_view(reg_chunk(rows, c[i], c[i + 1]).view(), db::partition_position(i)));
  const auto ways = merged_ways(parts, rng);
  for (const auto& m : ways) {
    const db::Dataset d = db::estimate_reach(m);
    std::size_t checked = 0;
    for (const auto& rec : d.export_records()) {
      if (rec.indicator != "reach.hours") continue;
      const double expected = std::ldexp(static_cast<double>(fixed.at({rec.unit, rec.period})), -60);
      EXPECT_TRUE(same_bits(rec.value, expected)) << rec.unit << " " << rec.value << " vs " << expected;
      ++checked;
    }
    EXPECT_EQ(checked, fixed.size());
  }
}

TEST(ReachPartial, RejectsMismatchesAndBadBytes) {
  std::mt19937_64 rng(5);
  const auto rows = random_registrations(50, rng, true);
  RegChunk a = reg_chunk(rows, 0, 25), b = reg_chunk(rows, 25, 50);
  db::RegistrationView vb = b.view();
  vb.hours = {};
  EXPECT_THROW(db::ReachPartial::merge(db::ReachPartial::from_view(a.view()), db::ReachPartial::from_view(vb)), db::DataError);
  db::RegistrationView other = b.view();
  other.source = "elders";
  EXPECT_THROW(db::ReachPartial::merge(db::ReachPartial::from_view(a.view()), db::ReachPartial::from_view(other)), db::DataError);
  // An empty partial is the identity of merge.
  const auto pa = db::ReachPartial::from_view(a.view());
  EXPECT_EQ(db::ReachPartial::merge(pa, db::ReachPartial{}), pa);
  EXPECT_EQ(db::ReachPartial::merge(db::ReachPartial{}, pa), pa);
  std::string bytes = pa.to_bytes();
  EXPECT_THROW(db::ReachPartial::from_bytes(bytes.substr(0, bytes.size() - 3)), db::DataError);
  EXPECT_THROW(db::ReachPartial::from_bytes("nonsense"), db::DataError);
  EXPECT_THROW(db::SurveyPartial::from_bytes(bytes), db::DataError);
  // Bad input is reported as by estimate_reach.
  db::RegistrationView bad = a.view();
  std::vector<double> hours(a.hours);
  hours[3] = -1.0;
  bad.hours = hours;
  EXPECT_THROW(db::ReachPartial::from_view(bad), db::DataError);
}

// ---- questionnaires ---------------------------------------------------------------------------

namespace {

struct AnswerRow {
  std::string unit, instrument;
  db::Period period;
  std::uint64_t respondent;
  std::int32_t item;
  double value;
};

std::vector<db::Item> survey_items() {
  return {{"geholpen", "", db::ItemType::likert5, "putten", false, {}},
          {"serieus", "", db::ItemType::likert5, "putten", false, {}},
          {"onduidelijk", "", db::ItemType::likert5, "putten", true, {}},
          {"tevreden", "", db::ItemType::yes_no, "", false, {}},
          {"cijfer", "", db::ItemType::grade, "", false, {}},
          {"regie", "", db::ItemType::grade, "eigen", false, {}},
          {"keuzes", "", db::ItemType::grade, "eigen", false, {}}};
}

std::vector<AnswerRow> random_answers(std::mt19937_64& rng) {
  const auto items = survey_items();
  std::vector<AnswerRow> rows;
  std::uniform_int_distribution<int> likert(1, 5), grade(2, 20);
  for (std::uint64_t resp = 0; resp < 260; ++resp) {
    AnswerRow base;
    base.unit = "GM0" + std::to_string(200 + rng() % 3);
    base.period = db::Period{db::Frequency::quarter, 2023, 1 + static_cast<int>(rng() % 2)};
    base.instrument = rng() % 2 ? "kort" : "lang";
    base.respondent = 5000 + resp;
    for (std::int32_t it = 0; it < static_cast<std::int32_t>(items.size()); ++it) {
      if (rng() % 7 == 0) continue;  // item not asked
      AnswerRow r = base;
      r.item = it;
      const auto type = items[static_cast<std::size_t>(it)].type;
      r.value = rng() % 13 == 0 ? nan
                : type == db::ItemType::likert5 ? likert(rng)
                : type == db::ItemType::yes_no ? static_cast<double>(rng() % 2)
                                               : grade(rng) * 0.5;  // grades 1..10 in halves
      rows.push_back(r);
    }
  }
  std::shuffle(rows.begin(), rows.end(), rng);
  return rows;
}

struct AnswerChunk {
  std::vector<std::int32_t> unit, period, instrument, item;
  std::vector<std::uint64_t> respondent;
  std::vector<double> value;
  Coder<std::string> units, instruments;
  Coder<db::Period> periods;
  std::vector<db::Item> items = survey_items();
  db::ResponseView view() const {
    db::ResponseView v;
    v.unit = unit;
    v.period = period;
    v.instrument = instrument;
    v.respondent = respondent;
    v.item = item;
    v.value = value;
    v.unit_names = units.names;
    v.periods = periods.names;
    v.instrument_names = instruments.names;
    v.items = items;
    v.source = "answers";
    return v;
  }
};

AnswerChunk answer_chunk(const std::vector<AnswerRow>& rows, std::size_t from, std::size_t to) {
  AnswerChunk c;
  for (std::size_t i = from; i < to; ++i) {
    c.unit.push_back(c.units(rows[i].unit));
    c.period.push_back(c.periods(rows[i].period));
    c.instrument.push_back(c.instruments(rows[i].instrument));
    c.item.push_back(rows[i].item);
    c.respondent.push_back(rows[i].respondent);
    c.value.push_back(rows[i].value);
  }
  return c;
}

}  // namespace

TEST(SurveyPartial, MergedInAnyOrderEqualsTheSingleMachineEstimate) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 4; ++trial) {
    const auto rows = random_answers(rng);
    const AnswerChunk all = answer_chunk(rows, 0, rows.size());
    db::SurveyOptions options;
    options.per_instrument = trial % 2 == 1;
    const db::Dataset single = db::estimate_survey(all.view(), options);
    const auto c = cuts(rows.size(), 3 + static_cast<std::size_t>(trial), rng);
    std::vector<db::SurveyPartial> parts;
    for (std::size_t i = 0; i + 1 < c.size(); ++i)
      parts.push_back(db::SurveyPartial::from_view(answer_chunk(rows, c[i], c[i + 1]).view(), db::partition_position(i)));
    for (const auto& m : merged_ways(parts, rng)) {
      expect_identical(db::estimate_survey(m, options), single);
      EXPECT_EQ(db::SurveyPartial::from_bytes(m.to_bytes()), m);
    }
  }
}

TEST(SurveyPartial, ItemMomentsComeFromExactSums) {
  // Mean and sd of one grade item against the values worked out by hand: 6, 7.5, 7.5, 9 ->
  // mean 7.5, squared deviations 2.25 + 0 + 0 + 2.25 = 4.5, sd = sqrt(4.5 / 3) = sqrt(1.5).
  AnswerChunk c;
  for (double v : {7.5, 6.0, 9.0, 7.5}) {
    c.unit.push_back(c.units("GM0001"));
    c.period.push_back(c.periods(db::Period{db::Frequency::year, 2024, 0}));
    c.instrument.push_back(c.instruments("kort"));
    c.item.push_back(4);
    c.respondent.push_back(c.respondent.size() + 1);
    c.value.push_back(v);
  }
  db::DataContext context;
  context.suppression_threshold = 0;  // four answers: shown
  context.small_count_threshold = 0;
  const db::Dataset d = db::estimate_survey(c.view(), {}, context);
  const auto r = d.record(*d.find("GM0001", db::Period{db::Frequency::year, 2024, 0}, "cijfer.mean"));
  EXPECT_EQ(r.value, 7.5);
  EXPECT_DOUBLE_EQ(r.se, std::sqrt(1.5) / 2.0);
}

TEST(SurveyPartial, AScaleItemAnsweredInTwoPartitionsIsAnError) {
  AnswerChunk a, b;
  for (AnswerChunk* c : {&a, &b}) {
    c->unit.push_back(c->units("GM0001"));
    c->period.push_back(c->periods(db::Period{db::Frequency::year, 2024, 0}));
    c->instrument.push_back(c->instruments("kort"));
    c->item.push_back(0);
    c->respondent.push_back(77);
    c->value.push_back(4.0);
  }
  try {
    (void)db::SurveyPartial::merge(db::SurveyPartial::from_view(a.view()), db::SurveyPartial::from_view(b.view(), db::partition_position(1)));
    ADD_FAILURE() << "no error";
  } catch (const db::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("'geholpen' in two partitions"), std::string::npos) << e.what();
  }
}

// ---- pre/post ---------------------------------------------------------------------------------

namespace {

struct ScoreRow {
  std::string unit, domain;
  db::Period period;
  std::uint64_t client;
  double pre, post;
};

std::vector<ScoreRow> random_scores(std::mt19937_64& rng) {
  std::vector<ScoreRow> rows;
  std::uniform_int_distribution<int> score(1, 5), step(-1, 2);
  const char* domains[] = {"financien", "huisvesting", "werk", "sociaal"};
  for (std::uint64_t client = 0; client < 150; ++client) {
    const std::string unit = "GM0" + std::to_string(300 + rng() % 3);
    const db::Period period{db::Frequency::year, 2022 + static_cast<int>(rng() % 2), 0};
    const int level = score(rng);  // the client's level: domains of one client agree (alpha > 0)
    for (const char* dom : domains) {
      if (rng() % 8 == 0) continue;
      ScoreRow r{unit, dom, period, 9000 + client, std::clamp(level + step(rng) / 2, 1, 5) * 1.0, nan};
      r.post = std::clamp(r.pre + step(rng), 1.0, 5.0);
      if (rng() % 10 == 0) r.pre = nan;
      if (rng() % 10 == 0) r.post = nan;
      rows.push_back(r);
    }
  }
  std::shuffle(rows.begin(), rows.end(), rng);
  return rows;
}

struct ScoreChunk {
  std::vector<std::int32_t> unit, period, domain;
  std::vector<std::uint64_t> client;
  std::vector<double> pre, post;
  Coder<std::string> units, domains;
  Coder<db::Period> periods;
  db::PrePostView view() const {
    db::PrePostView v;
    v.unit = unit;
    v.period = period;
    v.client = client;
    v.domain = domain;
    v.pre = pre;
    v.post = post;
    v.unit_names = units.names;
    v.periods = periods.names;
    v.domain_names = domains.names;
    v.source = "zrm";
    return v;
  }
};

ScoreChunk score_chunk(const std::vector<ScoreRow>& rows, std::size_t from, std::size_t to) {
  ScoreChunk c;
  for (std::size_t i = from; i < to; ++i) {
    c.unit.push_back(c.units(rows[i].unit));
    c.period.push_back(c.periods(rows[i].period));
    c.domain.push_back(c.domains(rows[i].domain));
    c.client.push_back(rows[i].client);
    c.pre.push_back(rows[i].pre);
    c.post.push_back(rows[i].post);
  }
  return c;
}

}  // namespace

TEST(PrePostPartial, MergedInAnyOrderEqualsTheSingleMachineEstimate) {
  std::mt19937_64 rng(23);
  for (int trial = 0; trial < 4; ++trial) {
    const auto rows = random_scores(rng);
    const ScoreChunk all = score_chunk(rows, 0, rows.size());
    db::PrePostOptions options;
    if (trial % 2 == 1) options.reliability = 0.8;
    const db::PrePostResult single = db::estimate_prepost(all.view(), options);
    const auto c = cuts(rows.size(), 2 + static_cast<std::size_t>(trial), rng);
    std::vector<db::PrePostPartial> parts;
    for (std::size_t i = 0; i + 1 < c.size(); ++i)
      parts.push_back(db::PrePostPartial::from_view(score_chunk(rows, c[i], c[i + 1]).view(), options, db::partition_position(i)));
    for (const auto& m : merged_ways(parts, rng)) {
      const db::PrePostResult merged = db::estimate_prepost(m, options);
      expect_identical(merged.estimates, single.estimates);
      ASSERT_EQ(merged.shifts.size(), single.shifts.size());
      for (std::size_t i = 0; i < merged.shifts.size(); ++i) {
        EXPECT_EQ(merged.shifts[i].unit, single.shifts[i].unit);
        EXPECT_EQ(merged.shifts[i].period, single.shifts[i].period);
        EXPECT_EQ(merged.shifts[i].domain, single.shifts[i].domain);
        EXPECT_EQ(merged.shifts[i].table.counts, single.shifts[i].table.counts);
        EXPECT_EQ(merged.shifts[i].suppressed, single.shifts[i].suppressed);
      }
      EXPECT_EQ(db::PrePostPartial::from_bytes(m.to_bytes()), m);
    }
  }
}

TEST(PrePostPartial, ADomainScoredInTwoPartitionsIsAnError) {
  std::mt19937_64 rng(2);
  const auto rows = random_scores(rng);
  const ScoreChunk a = score_chunk(rows, 0, 10);
  const auto p = db::PrePostPartial::from_view(a.view());
  EXPECT_THROW((void)db::PrePostPartial::merge(p, p), db::DataError);
  db::PrePostOptions other;
  other.max_score = 6;
  EXPECT_THROW((void)db::estimate_prepost(p, other), db::DataError);
}
