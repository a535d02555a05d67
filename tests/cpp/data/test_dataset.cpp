// The data set of estimates: building and finding, suppression on every export path, the CSV round
// trip, and one test per bad input, each asserting file, row, field, value and expectation.

#include <gtest/gtest.h>

#include "temp_dir.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "doelenboom/dataset.hpp"

namespace db = doelenboom;

namespace {

// Substring check that shows both texts when it fails (gtest only; gmock is not linked).
::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "'\n  does not contain\n'" << part << "'";
}


constexpr double nan = std::numeric_limits<double>::quiet_NaN();

using doelenboom::testing::gemeenten_csv;
using doelenboom::testing::TempDir;

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

db::Period per(const char* text) { return db::Period::parse(text).value(); }

db::EstimateRecord rec(std::string unit, const char* period, std::string indicator, double value, double n = nan) {
  db::EstimateRecord r;
  r.unit = std::move(unit);
  r.period = per(period);
  r.indicator = std::move(indicator);
  r.value = value;
  r.n = n;
  return r;
}

db::IndicatorSet indicators() {
  return db::IndicatorSet::parse_yaml(R"(doelenboom_indicators: 1
indicators:
  - {id: clienten, label: Cliënten bereikt, pillar: bereik, kind: output, measure: count}
  - {id: p_tevreden, label: Aandeel tevreden, pillar: tevredenheid, kind: outcome, measure: proportion}
  - {id: cijfer, label: Rapportcijfer, pillar: tevredenheid, kind: outcome, measure: mean, scale: rapportcijfer}
  - {id: behulpzaam, label: Was behulpzaam, pillar: tevredenheid, kind: outcome, measure: mean, scale: likert5}
  - {id: zrm, label: ZRM verandering, pillar: doelrealisatie, kind: outcome, measure: ordinal_change, scale: zrm}
)");
}

const db::UnitRegistry& gemeenten() {
  static const db::UnitRegistry reg = db::UnitRegistry::load_gemeenten_csv(gemeenten_csv);
  return reg;
}

// Problems of a CSV checked against the indicators and the gemeenten.
std::vector<db::Problem> check(const std::filesystem::path& path) {
  const auto set = indicators();
  return db::Dataset::check_csv(path, db::DataContext{&set, &gemeenten()});
}

template <class E>
E read_error(const std::filesystem::path& path) {
  const auto set = indicators();
  try {
    (void)db::Dataset::read_csv(path, db::DataContext{&set, &gemeenten()});
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception: " << e.what();
    return E("");
  }
  ADD_FAILURE() << "expected an exception";
  return E("");
}

const std::string header = "unit,period,indicator,value,n\n";

// ---- building, finding, dictionaries --------------------------------------------------------

TEST(Dataset, BuildsColumnsAndDictionaries) {
  const auto set = indicators();
  const auto d = db::Dataset::from_records(
      {rec("GM1740", "2023", "p_tevreden", 0.8, 120), rec("GM0301", "2022", "p_tevreden", 0.75, 80),
       rec("GM1740", "2022", "cijfer", 7.6, 95), rec("GM1740", "2022", "p_tevreden", 0.7, 100)},
      db::DataContext{&set, &gemeenten()});
  ASSERT_EQ(d.size(), 4U);
  EXPECT_FALSE(d.empty());
  EXPECT_EQ(d.units(), (std::vector<std::string>{"GM1740", "GM0301"}));
  EXPECT_EQ(d.indicators(), (std::vector<std::string>{"p_tevreden", "cijfer"}));
  EXPECT_EQ(d.periods(), (std::vector<db::Period>{per("2022"), per("2023")}));  // sorted
  EXPECT_EQ(d.unit_codes(), (Eigen::VectorXi(4) << 0, 1, 0, 0).finished());
  EXPECT_EQ(d.period_codes(), (Eigen::VectorXi(4) << 1, 0, 0, 0).finished());
  EXPECT_EQ(d.indicator_codes(), (Eigen::VectorXi(4) << 0, 0, 1, 0).finished());
  EXPECT_EQ(d.values(), (Eigen::VectorXd(4) << 0.8, 0.75, 7.6, 0.7).finished());
  EXPECT_EQ(d.n(), (Eigen::VectorXd(4) << 120, 80, 95, 100).finished());
  EXPECT_EQ(d.sources(), (std::vector<std::string>{""}));

  EXPECT_EQ(d.find("GM1740", per("2022"), "p_tevreden"), 3U);
  EXPECT_EQ(d.find("GM1740", per("2023"), "p_tevreden"), 0U);
  EXPECT_EQ(d.find("GM0301", per("2022"), "p_tevreden"), 1U);
  EXPECT_FALSE(d.find("GM0301", per("2023"), "p_tevreden").has_value());
  EXPECT_FALSE(d.find("GM0301", per("2022"), "cijfer").has_value());
  EXPECT_FALSE(d.find("GM9999", per("2022"), "cijfer").has_value());
  EXPECT_FALSE(d.find("GM1740", per("2024"), "cijfer").has_value());
  EXPECT_FALSE(d.find("GM1740", per("2022-Q1"), "cijfer").has_value());
  EXPECT_EQ(d.record(2), rec("GM1740", "2022", "cijfer", 7.6, 95));
  EXPECT_THROW((void)d.record(4), std::out_of_range);
}

TEST(Dataset, EmptyDataset) {
  const auto d = db::Dataset::from_records({});
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.size(), 0U);
  EXPECT_TRUE(d.export_records().empty());
  EXPECT_FALSE(d.find("a", per("2023"), "b").has_value());
}

// ---- from columns ---------------------------------------------------------------------------

// Records as columns, coded untidily on purpose: the unit and period dictionaries hold one entry
// per row (repeats), the indicators one per distinct id plus an unused one, empty sources -1.
struct Columns {
  std::vector<std::int64_t> unit, period, indicator, source, method;
  std::vector<std::string> units, indicators, sources, methods;
  std::vector<db::Period> periods;
  std::vector<double> value, n, se, lo, hi;
  std::vector<std::uint8_t> suppressed;

  explicit Columns(const std::vector<db::EstimateRecord>& records) {
    indicators.push_back("never used");
    for (const auto& r : records) {
      unit.push_back(static_cast<std::int64_t>(units.size()));
      units.push_back(r.unit);
      period.push_back(static_cast<std::int64_t>(periods.size()));
      periods.push_back(r.period);
      const auto at = std::find(indicators.begin(), indicators.end(), r.indicator);
      indicator.push_back(static_cast<std::int64_t>(at - indicators.begin()));
      if (at == indicators.end()) indicators.push_back(r.indicator);
      source.push_back(r.source.empty() ? -1 : static_cast<std::int64_t>(sources.size()));
      if (!r.source.empty()) sources.push_back(r.source);
      method.push_back(static_cast<std::int64_t>(methods.size()));
      methods.push_back(r.method);
      value.push_back(r.value);
      n.push_back(r.n);
      se.push_back(r.se);
      lo.push_back(r.ci_low);
      hi.push_back(r.ci_high);
      suppressed.push_back(r.suppressed ? 1 : 0);
    }
  }
  [[nodiscard]] db::EstimateColumns view() const {
    db::EstimateColumns c;
    c.unit = {unit, units};
    c.indicator = {indicator, indicators};
    c.source = {source, sources};
    c.method = {method, methods};
    c.period_codes = period;
    c.periods = periods;
    c.value = value;
    c.n = n;
    c.se = se;
    c.ci_low = lo;
    c.ci_high = hi;
    c.suppressed = suppressed;
    return c;
  }
};

void expect_same_numbers(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  ASSERT_EQ(a.size(), b.size());
  for (Eigen::Index i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) << i;
}

TEST(DatasetColumns, TheSameDataSetAsFromRecords) {
  std::vector<db::EstimateRecord> records{rec("GM1740", "2023", "p_tevreden", 0.8, 120), rec("GM0301", "2022", "p_tevreden", 0.75, 8),
                                          rec("GM1740", "2022", "cijfer", 7.6, 95), rec("GM1740", "2021", "p_tevreden", 0.7)};
  records[1].source = "CEO";
  records[2].source = "klantreis";
  records[2].se = 0.2;
  records[3].suppressed = true;
  records[3].value = nan;
  records[0].method = "wilson 95%";
  records[0].ci_low = 0.7;
  records[0].ci_high = 0.9;
  const auto set = indicators();
  const db::DataContext context{&set, &gemeenten(), 10.0};
  const Columns columns(records);
  const auto a = db::Dataset::from_columns(columns.view(), context, "columns");
  const auto b = db::Dataset::from_records(records, context, "columns");
  EXPECT_EQ(a.units(), b.units());
  EXPECT_EQ(a.periods(), b.periods());
  EXPECT_EQ(a.indicators(), b.indicators());  // "never used" is not there
  EXPECT_EQ(a.sources(), b.sources());
  EXPECT_EQ(a.methods(), b.methods());
  EXPECT_EQ(a.unit_codes(), b.unit_codes());
  EXPECT_EQ(a.period_codes(), b.period_codes());
  EXPECT_EQ(a.indicator_codes(), b.indicator_codes());
  EXPECT_EQ(a.source_codes(), b.source_codes());
  EXPECT_EQ(a.method_codes(), b.method_codes());
  expect_same_numbers(a.values(), b.values());
  expect_same_numbers(a.n(), b.n());
  expect_same_numbers(a.se(), b.se());
  expect_same_numbers(a.ci_low(), b.ci_low());
  expect_same_numbers(a.ci_high(), b.ci_high());
  EXPECT_EQ(a.suppressed(), b.suppressed());
  EXPECT_EQ(a.suppressed_count(), 2U);  // n 8 < 10, and suppressed at the source
  EXPECT_EQ(a.export_records(), b.export_records());
  EXPECT_EQ(a.find("GM1740", per("2021"), "p_tevreden"), 3U);
  EXPECT_FALSE(a.find("GM0301", per("2023"), "p_tevreden").has_value());
  // No source or method column: empty text in every row, as records without them.
  auto bare = columns.view();
  bare.source = {};
  bare.method = {};
  EXPECT_EQ(db::Dataset::from_columns(bare).sources(), (std::vector<std::string>{""}));
  EXPECT_TRUE(db::Dataset::from_columns(db::EstimateColumns{}).empty());
}

TEST(DatasetColumns, TheSameProblemsAsFromRecords) {
  std::vector<db::EstimateRecord> records{rec("GM1740", "2023", "p_tevreden", 1.4, 12), rec("", "2023", "cijfer", 7.0),
                                          rec("GM9999", "2023-Q1", "clienten", 3.0), rec("GM1740", "2023", "onbekend", nan),
                                          rec("GM1740", "2023", "p_tevreden", 0.5, -1), rec("Neder-Betuwe", "2023", "cijfer", 0.5)};
  records[1].period = db::Period{db::Frequency::quarter, 2023, 5};  // not a valid quarter
  records[4].ci_low = 0.6;
  records[4].ci_high = 0.4;
  const auto set = indicators();
  const db::DataContext context{&set, &gemeenten(), 10.0};
  const auto want = db::Dataset::check_records(records, context, "data");
  const auto got = db::Dataset::check_columns(Columns(records).view(), context, "data");
  ASSERT_EQ(got.size(), want.size());
  ASSERT_GE(got.size(), 9U);
  for (std::size_t k = 0; k < got.size(); ++k) {
    EXPECT_EQ(got[k].message, want[k].message);
    EXPECT_EQ(got[k].code, want[k].code);
    EXPECT_EQ(got[k].ids, want[k].ids);
    EXPECT_EQ(got[k].where.row, want[k].where.row);
    EXPECT_EQ(got[k].where.field, want[k].where.field);
  }
  try {
    (void)db::Dataset::from_columns(Columns(records).view(), context, "data");
    ADD_FAILURE() << "expected a DataError";
  } catch (const db::DataError& e) {
    try {
      (void)db::Dataset::from_records(records, context, "data");
    } catch (const db::DataError& f) {
      EXPECT_STREQ(e.what(), f.what());
    }
  }
}

TEST(DatasetColumns, ColumnsOfOtherLengthsAndCodesOutsideTheirDictionary) {
  const Columns columns({rec("a", "2023", "x", 1.0), rec("b", "2023", "x", 2.0)});
  auto c = columns.view();
  const std::vector<double> one{1.0};
  c.se = one;
  EXPECT_THROW((void)db::Dataset::from_columns(c), std::invalid_argument);
  c = columns.view();
  c.unit = {};
  EXPECT_THROW((void)db::Dataset::from_columns(c), std::invalid_argument);
  c = columns.view();
  const std::vector<std::int64_t> outside{0, 2};
  c.indicator.codes = outside;
  try {
    (void)db::Dataset::from_columns(c);
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Dataset::from_columns: row 2 of column 'indicator' has code 2, outside its dictionary of 2 entries");
  }
  c = columns.view();
  const std::vector<std::int64_t> missing_period{0, -1};
  c.period_codes = missing_period;
  EXPECT_THROW((void)db::Dataset::from_columns(c), std::invalid_argument);
}

// ---- suppression ----------------------------------------------------------------------------

TEST(Suppression, BelowTheThresholdOnlyAndNotWithoutN) {
  auto r9 = rec("GM0001", "2023", "p", 0.5, 9);
  r9.se = 0.16;
  r9.ci_low = 0.2;
  r9.ci_high = 0.8;
  const auto d = db::Dataset::from_records({r9, rec("GM0002", "2023", "p", 0.6, 10), rec("GM0003", "2023", "p", 0.7, nan),
                                            rec("GM0004", "2023", "p", 0.2, 0)});
  EXPECT_EQ(d.suppression_threshold(), 10.0);
  EXPECT_EQ(d.suppressed(), (std::vector<std::uint8_t>{1, 0, 0, 1}));
  EXPECT_EQ(d.suppressed_count(), 2U);
  // Internally the numbers stay, for aggregates.
  EXPECT_EQ(d.values()[0], 0.5);
  EXPECT_EQ(d.n()[0], 9.0);

  const auto r = d.record(0);
  EXPECT_TRUE(r.suppressed);
  EXPECT_TRUE(std::isnan(r.value));
  EXPECT_TRUE(std::isnan(r.n));
  EXPECT_TRUE(std::isnan(r.se));
  EXPECT_TRUE(std::isnan(r.ci_low));
  EXPECT_TRUE(std::isnan(r.ci_high));
  EXPECT_EQ(r.unit, "GM0001");

  const auto ten = d.record(1);
  EXPECT_FALSE(ten.suppressed);
  EXPECT_EQ(ten.value, 0.6);
  EXPECT_EQ(ten.n, 10.0);
  const auto without_n = d.record(2);
  EXPECT_FALSE(without_n.suppressed);
  EXPECT_EQ(without_n.value, 0.7);

  const auto columns = d.export_columns();
  EXPECT_TRUE(std::isnan(columns.value[0]) && std::isnan(columns.n[0]) && std::isnan(columns.se[0]) &&
              std::isnan(columns.ci_low[0]) && std::isnan(columns.ci_high[0]));
  EXPECT_EQ(columns.value[1], 0.6);
  EXPECT_EQ(columns.n[1], 10.0);
  EXPECT_EQ(columns.value[2], 0.7);
  EXPECT_TRUE(std::isnan(columns.value[3]));
  EXPECT_EQ(d.values()[3], 0.2);  // the internal column is untouched

  const auto all = d.export_records();
  ASSERT_EQ(all.size(), 4U);
  EXPECT_EQ(all[0], r);
  EXPECT_TRUE(all[3].suppressed);
  EXPECT_TRUE(std::isnan(all[3].value));
}

TEST(Suppression, WriteCsvBlanksNumbersAndSetsTheFlag) {
  TempDir dir("suppression_csv");
  auto r9 = rec("GM0001", "2023", "p", 0.5, 9);
  r9.se = 0.16;
  r9.source = "CEO 2023";
  const auto d = db::Dataset::from_records({r9, rec("GM0002", "2023", "p", 0.6, 10)});
  const auto path = dir.path() / "out.csv";
  d.write_csv(path);
  EXPECT_EQ(read_text(path),
            "unit,period,indicator,value,n,se,ci_low,ci_high,suppressed,source,method\n"
            "GM0001,2023,p,,,,,,1,CEO 2023,\n"
            "GM0002,2023,p,0.6,10,,,,0,,\n");
  // Read back, the cell stays suppressed (at the source) whatever the threshold.
  auto back = db::Dataset::read_csv(path);
  EXPECT_EQ(back.suppressed(), (std::vector<std::uint8_t>{1, 0}));
  back.apply_suppression(0);
  EXPECT_EQ(back.suppressed(), (std::vector<std::uint8_t>{1, 0}));
  EXPECT_EQ(back.export_records(), d.export_records());
}

TEST(Suppression, ReapplyingAThreshold) {
  auto d = db::Dataset::from_records({rec("a", "2023", "p", 0.5, 4), rec("b", "2023", "p", 0.6, 7), rec("c", "2023", "p", 0.7, 12)},
                                     db::DataContext{nullptr, nullptr, 5});
  EXPECT_EQ(d.suppressed(), (std::vector<std::uint8_t>{1, 0, 0}));
  d.apply_suppression(10);
  EXPECT_EQ(d.suppressed(), (std::vector<std::uint8_t>{1, 1, 0}));
  EXPECT_EQ(d.suppression_threshold(), 10.0);
  d.apply_suppression(0);
  EXPECT_EQ(d.suppressed_count(), 0U);
  EXPECT_THROW(d.apply_suppression(-1), db::DataError);
  EXPECT_THROW(d.apply_suppression(nan), db::DataError);
}

TEST(Suppression, SuppressedAtTheSourceMayLackAValue) {
  auto r = rec("a", "2023", "p", nan, nan);
  r.suppressed = true;
  const auto d = db::Dataset::from_records({r, rec("b", "2023", "p", 0.6, 50)});
  EXPECT_EQ(d.suppressed(), (std::vector<std::uint8_t>{1, 0}));
  EXPECT_TRUE(d.record(0).suppressed);
}

// ---- CSV round trip -------------------------------------------------------------------------

TEST(DatasetCsv, RoundTripKeepsEveryDoubleExactly) {
  TempDir dir("dataset_roundtrip");
  auto a = rec("GM1740", "2023-Q1", "p_tevreden", 0.1 + 0.2, 123);
  a.se = std::sqrt(0.3 * 0.7 / 123);
  a.ci_low = 1.0 / 3.0;
  a.ci_high = 0.5;
  a.source = "Klanttevredenheid, \"kort\"";
  a.method = "wilson 95%";
  auto b = rec("GM0301", "2023-Q2", "cijfer", 7.123456789012345, 1e6);
  b.source = " spatie voor";
  auto c = rec("GM0301", "2023-Q1", "clienten", 1e-300, 1e300);
  const auto set = indicators();
  const db::DataContext ctx{&set, &gemeenten()};
  const auto d = db::Dataset::from_records({a, b, c}, ctx);
  const auto path = dir.path() / "data.csv";
  d.write_csv(path);
  const auto back = db::Dataset::read_csv(path, ctx);
  EXPECT_EQ(back.export_records(), d.export_records());
  EXPECT_EQ(back.values(), d.values());
  EXPECT_EQ(back.se()[0], a.se);
  EXPECT_EQ(back.record(0).source, "Klanttevredenheid, \"kort\"");
  EXPECT_EQ(back.record(1).source, " spatie voor");
  // Shortest round-trip text, not 17 digits everywhere.
  EXPECT_TRUE(contains(read_text(path), ",0.30000000000000004,123,"));
  EXPECT_TRUE(contains(read_text(path), ",7.123456789012345,1000000,"));
}

TEST(DatasetCsv, OptionalColumnsBlankCellsBomAndCrlf) {
  TempDir dir("dataset_optional");
  const auto path = dir.write("data.csv", "\xEF\xBB\xBFindicator,unit,value,period\r\np, a ,0.5,2023\r\np,b,0.25, 2024 \r\n");
  const auto d = db::Dataset::read_csv(path);
  ASSERT_EQ(d.size(), 2U);
  EXPECT_EQ(d.units(), (std::vector<std::string>{"a", "b"}));  // ids trimmed
  EXPECT_EQ(d.record(1).period, per("2024"));
  EXPECT_TRUE(std::isnan(d.record(0).n));
  EXPECT_FALSE(d.record(0).suppressed);
  // A header-only file is a valid, empty data set.
  EXPECT_TRUE(db::Dataset::read_csv(dir.write("leeg.csv", header)).empty());
}

TEST(Dataset, ConcatAppendsAndRejectsDuplicates) {
  const auto a = db::Dataset::from_records({rec("a", "2022", "p", 0.5, 20), rec("b", "2022", "p", 0.6, 5)});
  const auto b = db::Dataset::from_records({rec("a", "2023", "p", 0.55, 30)});
  const auto c = a.concat(b);
  ASSERT_EQ(c.size(), 3U);
  EXPECT_EQ(c.periods(), (std::vector<db::Period>{per("2022"), per("2023")}));
  EXPECT_EQ(c.find("a", per("2023"), "p"), 2U);
  EXPECT_EQ(c.suppressed(), (std::vector<std::uint8_t>{0, 1, 0}));
  try {
    (void)c.concat(b);
    ADD_FAILURE() << "expected a DataError";
  } catch (const db::DataError& e) {
    EXPECT_STREQ(e.what(),
                 "the other data set, row 1: duplicate estimate for unit 'a', period '2023', indicator 'p' (also on row 3 of "
                 "this data set)");
  }
  const auto q = db::Dataset::from_records({rec("a", "2023-Q1", "p", 0.5)});
  EXPECT_THROW((void)a.concat(q), db::DataError);
}

// ---- bad input: one test each ---------------------------------------------------------------

TEST(DatasetErrors, ProportionOutsideZeroOneOnRow17) {
  TempDir dir("bad_proportion");
  std::string text = "unit,period,indicator,value,n\n";
  for (int i = 1; i <= 16; ++i) text += "GM1740," + std::to_string(2000 + i) + ",p_tevreden,0.5,40\n";
  text += "GM1740,2017,p_tevreden,1.4,40\n";
  const auto path = dir.write("data.csv", text);
  const auto e = read_error<db::DataError>(path);
  EXPECT_EQ(std::string(e.what()), path.string() +
                                       ", row 17, field 'value': 1.4 is outside [0, 1] for proportion indicator "
                                       "'p_tevreden' (expected a share between 0 and 1)");
  ASSERT_EQ(e.problems().size(), 1U);
  const auto& p = e.problems()[0];
  EXPECT_EQ(p.code, "out_of_range");
  EXPECT_EQ(p.where.file, path.string());
  EXPECT_EQ(p.where.row, 17U);
  EXPECT_EQ(p.where.line, 18U);
  EXPECT_EQ(p.where.field, "value");
  EXPECT_EQ(p.ids, (std::vector<std::string>{"GM1740", "p_tevreden"}));
}

TEST(DatasetErrors, MeanOutsideItsScale) {
  TempDir dir("bad_mean");
  const auto path = dir.write("data.csv", header + "GM1740,2023,behulpzaam,4.2,30\nGM1740,2023,cijfer,0.5,30\n");
  const auto e = read_error<db::DataError>(path);
  EXPECT_EQ(std::string(e.what()), path.string() +
                                       ", row 2, field 'value': 0.5 is outside [1, 10] for mean indicator 'cijfer' "
                                       "(expected a mean on the scale 'rapportcijfer', from 1 to 10)");
}

TEST(DatasetErrors, UnknownUnit) {
  TempDir dir("bad_unit");
  const auto path = dir.write("data.csv", header + "GM9999,2023,clienten,12,12\nNeder-Betuwe,2023,clienten,12,12\n");
  const auto e = read_error<db::DataError>(path);
  EXPECT_EQ(std::string(e.what()),
            "2 problems:\n  " + path.string() +
                ", row 1, field 'unit': unknown unit 'GM9999' (expected a unit id of the unit registry)\n  " +
                path.string() +
                ", row 2, field 'unit': unknown unit 'Neder-Betuwe' (expected a unit id of the unit registry; "
                "'Neder-Betuwe' is the name of 'GM1740')");
  EXPECT_EQ(e.problems()[0].code, "unknown_unit");
  EXPECT_EQ(e.problems()[0].ids, (std::vector<std::string>{"GM9999"}));
}

TEST(DatasetErrors, UnknownIndicator) {
  TempDir dir("bad_indicator");
  const auto path = dir.write("data.csv", header + "GM1740,2023,tevreden,0.5,30\n");
  const auto e = read_error<db::DataError>(path);
  EXPECT_EQ(std::string(e.what()), path.string() +
                                       ", row 1, field 'indicator': unknown indicator 'tevreden' (expected an "
                                       "indicator id of the indicator set)");
}

TEST(DatasetErrors, DuplicateKeyNamesBothRows) {
  TempDir dir("bad_duplicate");
  const auto path =
      dir.write("data.csv", header + "GM1740,2023,clienten,12,12\nGM0301,2023,clienten,15,15\nGM1740,2023,clienten,13,13\n");
  const auto e = read_error<db::DataError>(path);
  EXPECT_EQ(std::string(e.what()), path.string() +
                                       ", row 3: duplicate estimate for unit 'GM1740', period '2023', indicator "
                                       "'clienten' (also on row 1; expected one row per unit, period and indicator)");
  EXPECT_EQ(e.problems()[0].code, "duplicate_key");
}

TEST(DatasetErrors, MissingRequiredColumn) {
  TempDir dir("bad_missing_column");
  const auto path = dir.write("data.csv", "unit,period,indicator,waarde\nGM1740,2023,clienten,12\n");
  const auto e = read_error<db::ParseError>(path);
  EXPECT_EQ(std::string(e.what()),
            "2 problems:\n  " + path.string() +
                ":1: unknown column 'waarde' (expected one of: unit, period, indicator, value, n, se, ci_low, ci_high, "
                "suppressed, source, method)\n  " +
                path.string() + ": missing required column 'value' (columns are: unit, period, indicator, waarde)");
  EXPECT_EQ(e.problems()[1].code, "missing_column");
}

TEST(DatasetErrors, NonUtf8Text) {
  TempDir dir("bad_encoding");
  const auto latin1 = dir.write("latin1.csv", "unit,period,indicator,value,source\nGM1740,2023,clienten,12,Cli\xEBnt\n");
  const auto e = read_error<db::ParseError>(latin1);
  EXPECT_EQ(std::string(e.what()), latin1.string() +
                                       ":2, row 1: invalid UTF-8 at byte offset 62 (byte 0xEB); save the file as UTF-8 "
                                       "(not Latin-1, Windows-1252 or UTF-16)");
  EXPECT_EQ(e.problems()[0].code, "encoding");
}

TEST(DatasetErrors, EmptyFile) {
  TempDir dir("bad_empty");
  const auto path = dir.write("data.csv", "");
  const auto e = read_error<db::ParseError>(path);
  EXPECT_EQ(std::string(e.what()), path.string() + ": the file is empty (expected a header row with the column names)");
  EXPECT_EQ(e.problems()[0].code, "empty_file");
}

TEST(DatasetErrors, NegativeN) {
  TempDir dir("bad_n");
  const auto path = dir.write("data.csv", header + "GM1740,2023,clienten,12,-12\n");
  const auto e = read_error<db::DataError>(path);
  EXPECT_EQ(std::string(e.what()),
            path.string() + ", row 1, field 'n': -12 is negative (expected a base n of 0 or more)");
  EXPECT_EQ(e.problems()[0].code, "negative");
}

TEST(DatasetErrors, CellsThatAreNotNumbersOrPeriods) {
  TempDir dir("bad_cells");
  const auto path =
      dir.write("data.csv", header + "GM1740,2023,p_tevreden,\"0,5\",30\nGM1740,2023-13,p_tevreden,0.5,30\n"
                                     "GM1740,2024,p_tevreden,55%,30\nGM1740,2025,p_tevreden,,30\n");
  const auto e = read_error<db::ParseError>(path);
  const std::string f = path.string();
  EXPECT_EQ(std::string(e.what()),
            "4 problems:\n  " + f +
                ", row 1, field 'value': '0,5' is not a number (expected a decimal number with '.' as the decimal "
                "point; use '.' as the decimal point, not ',')\n  " +
                f + ", row 2, field 'period': '2023-13' is not a period (expected a year '2023', a quarter '2023-Q2' or "
                    "a month '2023-05')\n  " +
                f + ", row 3, field 'value': '55%' is not a number (expected a decimal number with '.' as the decimal "
                    "point; write a share as a number between 0 and 1, without '%')\n  " +
                f + ", row 4, field 'value': the value is missing (expected a number; a cell suppressed at the source has "
                    "suppressed = 1)");
}

TEST(DatasetErrors, IntervalsAndStandardErrors) {
  auto a = rec("a", "2023", "p_tevreden", 0.5, 30);
  a.ci_low = 0.6;
  a.ci_high = 0.4;
  auto b = rec("b", "2023", "p_tevreden", 0.5, 30);
  b.ci_low = 0.3;
  auto c = rec("c", "2023", "p_tevreden", 0.05, 30);
  c.ci_low = -0.02;  // a Wald interval
  c.ci_high = 0.12;
  c.se = -1;
  const auto set = indicators();
  const auto problems = db::Dataset::check_records({a, b, c}, db::DataContext{&set, nullptr}, "records");
  ASSERT_EQ(problems.size(), 4U);
  EXPECT_EQ(problems[0].message, "records, row 1, field 'ci_low': 0.6 is above ci_high 0.4 (expected ci_low <= ci_high)");
  EXPECT_EQ(problems[1].message,
            "records, row 2, field 'ci_high': the bound is missing while ci_low is given (expected both bounds of the "
            "interval or neither)");
  EXPECT_EQ(problems[2].message, "records, row 3, field 'se': -1 is negative (expected a standard error of 0 or more)");
  EXPECT_EQ(problems[3].message,
            "records, row 3, field 'ci_low': -0.02 is outside [0, 1] for proportion indicator 'p_tevreden' (expected an "
            "interval inside the indicator's range; Wilson intervals for proportions always are)");
}

TEST(DatasetErrors, FromRecordsNamesRowsAndMixedFrequencies) {
  try {
    (void)db::Dataset::from_records({rec("a", "2023", "p", 0.5), rec("", "2023-Q1", "p", 0.5), rec("b", "2023-Q2", "p", 0.5)},
                                    {}, "");
    ADD_FAILURE() << "expected a DataError";
  } catch (const db::DataError& e) {
    EXPECT_EQ(std::string(e.what()),
              "3 problems:\n"
              "  row 2, field 'unit': the unit is empty (expected a unit id)\n"
              "  row 2, field 'period': '2023-Q1' is a quarter, but row 1 holds a year ('2023'; expected periods of one "
              "frequency in a data set)\n"
              "  row 3, field 'period': '2023-Q2' is a quarter, but row 1 holds a year ('2023'; expected periods of one "
              "frequency in a data set)");
  }
  try {
    (void)db::Dataset::from_records({rec("a", "2023", "p", std::numeric_limits<double>::infinity())}, {}, "DataFrame");
    ADD_FAILURE() << "expected a DataError";
  } catch (const db::DataError& e) {
    EXPECT_STREQ(e.what(), "DataFrame, row 1, field 'value': inf is not a finite number");
  }
}

TEST(DatasetErrors, CheckCsvReturnsEveryProblemAtOnce) {
  TempDir dir("check_many");
  const auto path = dir.write("data.csv",
                              "unit,period,indicator,value,n,opmerking\n"
                              "GM1740,2023,p_tevreden,1.4,40,\n"
                              "GM9999,2023,clienten,12,12,\n"
                              "GM1740,2023,onbekend,1,12,\n"
                              "GM1740,2023,cijfer,11,-3,\n"
                              "GM1740,2023,p_tevreden,0.5,40,\n"
                              "GM1740,2023,clienten,veel,12,\n");
  const auto problems = check(path);
  std::vector<std::string> codes;
  std::vector<std::size_t> rows;
  for (const auto& p : problems) {
    codes.push_back(p.code);
    rows.push_back(p.where.row);
    EXPECT_EQ(p.where.file, path.string());
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"unknown_column", "out_of_range", "unknown_unit", "unknown_indicator", "negative",
                                             "out_of_range", "duplicate_key", "bad_number"}));
  EXPECT_EQ(rows, (std::vector<std::size_t>{0, 1, 2, 3, 4, 4, 5, 6}));
  EXPECT_EQ(problems[7].where.field, "value");
  EXPECT_EQ(problems[7].where.line, 7U);
  // A clean file has no problems; a missing file is one problem, not an exception.
  EXPECT_TRUE(check(dir.write("ok.csv", header + "GM1740,2023,clienten,12,12\n")).empty());
  const auto missing = check(dir.path() / "nope.csv");
  ASSERT_EQ(missing.size(), 1U);
  EXPECT_EQ(missing[0].code, "io");
}

TEST(DatasetErrors, ThrownMessageIsCappedButProblemsAreComplete) {
  TempDir dir("many_rows");
  std::string text = header;
  for (int i = 0; i < 120; ++i) text += "GM9999," + std::to_string(1900 + i) + ",clienten,1,1\n";
  const auto e = read_error<db::DataError>(dir.write("data.csv", text));
  EXPECT_EQ(e.problems().size(), 120U);
  EXPECT_TRUE(contains(std::string(e.what()), "120 problems:"));
  EXPECT_TRUE(contains(std::string(e.what()), "... and 70 more (Dataset::check_csv / check_records list them all)"));
}

}  // namespace
