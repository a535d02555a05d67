// Registrations -> bereik (reach) estimates, pseudonymisation and bad input.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/pseudonym.hpp"
#include "doelenboom/registrations.hpp"

namespace db = doelenboom;

namespace {

const db::Pseudonymiser& key() {
  static const db::Pseudonymiser p("sleutel-van-de-gemeente-2026");
  return p;
}

std::filesystem::path write(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / "doelenboom_test_registrations";
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string error_of(const std::filesystem::path& path, const db::DataContext& ctx = {}) {
  try {
    (void)db::read_registrations_csv(path, key(), {}, ctx);
  } catch (const db::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an error for " << path;
  return {};
}

const db::EstimateRecord* get(const std::vector<db::EstimateRecord>& recs, const std::string& unit,
                              const std::string& id) {
  for (const auto& r : recs)
    if (r.unit == unit && r.indicator == id) return &r;
  return nullptr;
}

}  // namespace

TEST(Pseudonymiser, StablePerKeyDifferentAcrossKeys) {
  db::Pseudonymiser a("0123456789abcdef-a"), b("0123456789abcdef-b");
  EXPECT_EQ(a("cliënt-42"), a("cliënt-42"));
  EXPECT_NE(a("cliënt-42"), a("cliënt-43"));
  EXPECT_NE(a("cliënt-42"), b("cliënt-42"));
  EXPECT_EQ(a.hex("x").size(), 16u);
  // HMAC-SHA-256(key="0123456789abcdef-a", "cliënt-42")[:8], from Python's hmac module.
  EXPECT_EQ(a.hex("cliënt-42"), "ff79017d10b45bf8");
  EXPECT_EQ(a("cliënt-42"), 0xff79017d10b45bf8ULL);
  EXPECT_THROW(db::Pseudonymiser("short"), db::DataError);
}

// Expected values from Python: hmac.new(key.encode(), id.encode(), "sha256").digest()[:8].hex().
TEST(Pseudonymiser, KeysOfEveryLengthAndIdsInBulkEqualPythonHmac) {
  const std::string k80 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const db::Pseudonymiser block(std::string(64, 'k')), longer(k80), a("0123456789abcdef-a");
  EXPECT_EQ(block.hex("cliënt-42"), "8cfeaf0211abe6bf");   // a key of exactly one SHA-256 block
  EXPECT_EQ(longer.hex("cliënt-42"), "473956e8104c10bc");  // longer: RFC 2104 hashes the key first
  EXPECT_EQ(longer.hex(std::string(200, 'x')), "c08601a71b2a60e9");  // an id of several blocks
  EXPECT_EQ(a.hex(""), "eabcdeb51826cbc4");
  const std::vector<std::string> ids{"cliënt-42", "", "cliënt-42", std::string(200, 'x')};
  const std::vector<std::uint64_t> bulk = longer.many(ids);
  ASSERT_EQ(bulk.size(), 4u);
  EXPECT_EQ(bulk[0], 0x473956e8104c10bcULL);
  EXPECT_EQ(bulk[2], bulk[0]);
  EXPECT_EQ(bulk[3], 0xc08601a71b2a60e9ULL);
  const std::vector<std::string_view> views{ids.begin(), ids.end()};
  EXPECT_EQ(longer.many(views), bulk);
  const db::Pseudonymiser copy = a;  // copies share the keyed state and give the same pseudonyms
  EXPECT_EQ(copy("cliënt-42"), 0xff79017d10b45bf8ULL);
  EXPECT_TRUE(a.many(std::span<const std::string>{}).empty());
}

// 12 clients in GM0001 in 2024, hand-made so that every number can be counted by hand.
TEST(Reach, HandCountedEstimates) {
  std::string csv = "unit,period,client,hours,referral,referrer_contact,channel,life_domain,start_date,end_date\n";
  // Client c1: 3 contacts, 1+2+0.5 hours, one referral, phone twice, wonen; 2024-01-01 .. 2024-01-31 (30 days).
  csv += "GM0001,2024,c1,1,ja,nee,telefoon,wonen,2024-01-01,2024-01-10\n";
  csv += "GM0001,2024,c1,2,nee,ja,telefoon,wonen,2024-01-05,2024-01-31\n";
  csv += "GM0001,2024,c1,0.5,nee,nee,balie,,2024-01-05,2024-01-20\n";
  // Clients c2..c12: one contact each, 1 hour, lead time k days, life domain zorg (even) or werk (odd).
  for (int k = 2; k <= 12; ++k) {
    char line[200];
    std::snprintf(line, sizeof line, "GM0001,2024,c%d,1,nee,nee,email,%s,2024-02-01,2024-02-%02d\n", k,
                  k % 2 == 0 ? "zorg" : "werk", 1 + k);
    csv += line;
  }
  // Client c13 is still open (no end date): it has no lead time.
  csv += "GM0001,2024,c13,,,,,,2024-03-01,\n";
  auto table = db::read_registrations_csv(write("reach.csv", csv), key());
  ASSERT_EQ(table.size(), 15u);
  // No raw ids are kept: only 64-bit pseudonyms.
  EXPECT_EQ(table.client[0], key()("c1"));

  db::Unit u;
  u.id = "GM0001";
  u.name = "Testgemeente";
  u.cbs_code = "GM0001";
  u.population = 26000;
  db::UnitRegistry units({u});
  db::DataContext ctx;
  ctx.units = &units;
  ctx.small_count_threshold = 0.0;  // the arithmetic of the small shares (the rule: below)
  auto data = db::estimate_reach(table.view(), {}, ctx);
  auto recs = data.export_records();

  EXPECT_EQ(get(recs, "GM0001", "reach.clients")->value, 13.0);
  EXPECT_EQ(get(recs, "GM0001", "reach.contacts")->value, 15.0);
  EXPECT_DOUBLE_EQ(get(recs, "GM0001", "reach.hours")->value, 3.5 + 11.0);
  EXPECT_EQ(get(recs, "GM0001", "reach.referrals")->value, 1.0);
  EXPECT_EQ(get(recs, "GM0001", "reach.referrer_contacts")->value, 1.0);
  EXPECT_EQ(get(recs, "GM0001", "reach.phone_questions")->value, 2.0);
  EXPECT_NE(get(recs, "GM0001", "reach.hours")->method.find("1 of 15 contacts without hours"), std::string::npos);
  // Conversations per client: 15 / 13, with a t interval around it.
  const auto* cpc = get(recs, "GM0001", "reach.conversations_per_client");
  EXPECT_DOUBLE_EQ(cpc->value, 15.0 / 13.0);
  EXPECT_LT(cpc->ci_low, cpc->value);
  EXPECT_GT(cpc->ci_high, cpc->value);
  // Lead times: c1 30 days, c2..c12 k days (2..12) -> sorted 2..12, 30; 12 closed trajectories.
  // median = (7 + 8) / 2 = 7.5; p90 (linear, numpy): position 0.9 * 11 = 9.9 -> 11 + 0.9 * (12 - 11) = 11.9.
  EXPECT_DOUBLE_EQ(get(recs, "GM0001", "reach.lead_time_median_days")->value, 7.5);
  EXPECT_DOUBLE_EQ(get(recs, "GM0001", "reach.lead_time_p90_days")->value, 11.9);
  EXPECT_EQ(get(recs, "GM0001", "reach.lead_time_median_days")->n, 12.0);
  // Life domains: wonen 1 (c1), zorg 6 (c2, c4, ..., c12), werk 5, out of 13 clients.
  EXPECT_DOUBLE_EQ(get(recs, "GM0001", "reach.share_life_domain.wonen")->value, 1.0 / 13.0);
  EXPECT_DOUBLE_EQ(get(recs, "GM0001", "reach.share_life_domain.zorg")->value, 6.0 / 13.0);
  EXPECT_DOUBLE_EQ(get(recs, "GM0001", "reach.share_life_domain.werk")->value, 5.0 / 13.0);
  // Rate per 1,000 inhabitants: 13 / 26000 * 1000 = 0.5.
  EXPECT_DOUBLE_EQ(get(recs, "GM0001", "reach.clients_per_1000")->value, 0.5);
  // Every estimate carries its base n (13 clients, not suppressed at threshold 10).
  EXPECT_EQ(get(recs, "GM0001", "reach.hours")->n, 13.0);
  EXPECT_FALSE(get(recs, "GM0001", "reach.hours")->suppressed);
  // Under the default small-count rule (5) the share of 1 client (wonen) is suppressed; those of
  // 6 of 13 (zorg: 7 without) and 5 of 13 (werk: 8 without) are not; counts are not shares.
  ctx.small_count_threshold = db::default_small_count_threshold;
  const auto guarded = db::estimate_reach(table.view(), {}, ctx).export_records();
  EXPECT_TRUE(get(guarded, "GM0001", "reach.share_life_domain.wonen")->suppressed);
  EXPECT_TRUE(std::isnan(get(guarded, "GM0001", "reach.share_life_domain.wonen")->value));
  EXPECT_FALSE(get(guarded, "GM0001", "reach.share_life_domain.zorg")->suppressed);
  EXPECT_FALSE(get(guarded, "GM0001", "reach.share_life_domain.werk")->suppressed);
  EXPECT_EQ(get(guarded, "GM0001", "reach.referrals")->value, 1.0);
}

TEST(Reach, SmallGroupsAreSuppressedOnExport) {
  std::string csv = "unit,period,client\nGM0001,2024,a\nGM0001,2024,b\nGM0001,2024,b\n";
  auto table = db::read_registrations_csv(write("small.csv", csv), key(), {});
  auto data = db::estimate_reach(table.view());
  auto recs = data.export_records();
  const auto* clients = get(recs, "GM0001", "reach.clients");
  ASSERT_NE(clients, nullptr);
  EXPECT_TRUE(clients->suppressed);
  EXPECT_TRUE(std::isnan(clients->value));
  // The base itself would disclose the small count: it is blanked too.
  EXPECT_TRUE(std::isnan(clients->n));
  EXPECT_EQ(data.n()[static_cast<Eigen::Index>(*data.find("GM0001", *db::Period::parse("2024"), "reach.clients"))], 2.0);
}

TEST(RegistrationErrors, NegativeHours) {
  auto msg = error_of(write("neg.csv", "unit,period,client,hours\nGM0001,2024,a,1\nGM0001,2024,b,-2\n"));
  EXPECT_NE(msg.find("neg.csv:3, row 2, field 'hours': hours -2 (expected a finite number >= 0)"), std::string::npos)
      << msg;
}

TEST(RegistrationErrors, NanAndInfHoursAreNotNumbers) {
  auto msg = error_of(write("nan.csv", "unit,period,client,hours\nGM0001,2024,a,nan\nGM0001,2024,b,inf\n"));
  EXPECT_NE(msg.find("nan.csv:2, row 1, field 'hours': hours 'nan' is not a number"), std::string::npos) << msg;
  EXPECT_NE(msg.find("nan.csv:3, row 2, field 'hours': hours 'inf' is not a number"), std::string::npos) << msg;
}

TEST(RegistrationErrors, EndBeforeStart) {
  auto msg = error_of(write("dates.csv", "unit,period,client,start_date,end_date\nGM0001,2024,a,2024-05-02,2024-05-01\n"));
  EXPECT_NE(msg.find("dates.csv:2, row 1, field 'end_date': end date 2024-05-01 is before start date 2024-05-02"),
            std::string::npos)
      << msg;
}

TEST(RegistrationErrors, BadDateFlagAndPeriod) {
  auto msg = error_of(
      write("cells.csv", "unit,period,client,referral,start_date,end_date\nGM0001,2024-13,a,misschien,2024-02-30,\n"));
  EXPECT_NE(msg.find("field 'period': period '2024-13' (expected 2023, 2023-Q2 or 2023-05)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("field 'referral': 'misschien' (expected ja/nee"), std::string::npos) << msg;
  EXPECT_NE(msg.find("field 'start_date': date '2024-02-30' (expected an ISO date YYYY-MM-DD)"), std::string::npos)
      << msg;
}

TEST(RegistrationErrors, UnknownUnit) {
  db::Unit u;
  u.id = "GM0001";
  u.name = "Een";
  db::UnitRegistry units({u});
  db::DataContext ctx;
  ctx.units = &units;
  auto msg = error_of(write("unit.csv", "unit,period,client\nGM9999,2024,a\n"), ctx);
  EXPECT_NE(msg.find("unit.csv:2, row 1, field 'unit': unknown unit 'GM9999' (expected a unit id of the unit registry)"),
            std::string::npos)
      << msg;
}

TEST(RegistrationErrors, MissingAndUnknownColumns) {
  auto msg = error_of(write("cols.csv", "unit,period,klant\nGM0001,2024,a\n"));
  EXPECT_NE(msg.find("missing required column 'client'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown column 'klant'"), std::string::npos) << msg;
}

TEST(RegistrationErrors, EmptyFileAndNonUtf8) {
  EXPECT_NE(error_of(write("empty.csv", "")).find("empty"), std::string::npos);
  auto msg = error_of(write("latin1.csv", "unit,period,client\nGM0001,2024,cli\xEBnt\n"));
  EXPECT_NE(msg.find("latin1.csv:2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("UTF-8"), std::string::npos) << msg;
}

TEST(RegistrationErrors, ValidationModeReturnsEveryProblem) {
  auto problems = db::check_registrations_csv(write(
      "many.csv", "unit,period,client,hours,start_date,end_date\nGM0001,2024,a,-1,2024-01-02,2024-01-01\n"
                  "GM0001,20x4,b,abc,,\n"));
  std::vector<std::string> codes;
  for (const auto& p : problems) codes.push_back(p.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"negative_hours", "end_before_start", "bad_period", "bad_number"}));
  EXPECT_EQ(problems[2].where.row, 2u);
  EXPECT_EQ(problems[2].where.field, "period");
}

TEST(RegistrationErrors, ColumnsOfTheWrongLength) {
  std::vector<std::int32_t> unit{0, 0}, period{0};
  std::vector<std::uint64_t> client{1, 2};
  db::RegistrationView v;
  v.unit = unit;
  v.period = period;
  v.client = client;
  v.unit_names = {"GM0001"};
  v.periods = {*db::Period::parse("2024")};
  auto problems = db::check_registrations(v);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "field 'period': column 'period' has 1 values (expected 2, as many as column 'unit')");
  EXPECT_THROW((void)db::estimate_reach(v), db::DataError);
}
