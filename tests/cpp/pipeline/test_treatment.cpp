// Treatment: denomination by a unit attribute, every imputation method, and COINr's outlier
// treatment (skew/kurtosis estimators, winsorisation one tie group at a time, the log fallback),
// each change checked in the audit table.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "doelenboom/pipeline.hpp"
#include "doelenboom/unit.hpp"
#include "stats/kernels.hpp"
#include "pipeline_test_util.hpp"

namespace {

using namespace pipeline_test;
namespace db = doelenboom;

db::Unit unit(const std::string& id, double population, const std::string& regio = {}) {
  db::Unit u;
  u.id = id;
  u.name = "Gemeente " + id;
  u.population = population;
  if (!regio.empty()) u.labels["regio"] = regio;
  return u;
}

db::PipelineSpec treated_spec(const db::Treatment& t) {
  auto spec = raw_spec();
  spec.treatment = t;
  return spec;
}

// The imputation tests give a unit rows (but no value of x) through an indicator outside the tree
// ("other", "y"); the run leaves those out and lists them.
db::PipelineSpec padded_spec(const db::Treatment& t) {
  auto spec = treated_spec(t);
  spec.unused_data = db::UnusedData::ignore;
  return spec;
}

std::vector<double> column(const db::PipelineResult& r, const Eigen::MatrixXd& m, const std::string& id = "x") {
  std::vector<double> out;
  for (std::size_t row = 0; row < r.rows(); ++row) out.push_back(at(r, m, row, id));
  return out;
}

// x = 1..10, 30, 100: COINr's own example (vignette "treat").
std::vector<double> coinr_example() {
  std::vector<double> x;
  for (int i = 1; i <= 10; ++i) x.push_back(i);
  x.push_back(30.0);
  x.push_back(100.0);
  return x;
}

TEST(Treatment, SkewAndKurtosisAreTheSampleEstimatorsOfCOINr) {
  // e1071 type 2 = scipy.stats.skew(x, bias=False) and kurtosis(x, bias=False) (Fisher, excess):
  // 3.0632410342394993 and 9.741390834569144 for the example.
  const auto x = coinr_example();
  EXPECT_NEAR(db::detail::sample_skewness(x), 3.0632410342394993, 1e-12);
  EXPECT_NEAR(db::detail::sample_kurtosis(x), 9.741390834569144, 1e-12);
  // Symmetric data: no skew; a uniform 1..5 has excess kurtosis -1.2.
  const std::vector<double> u{1, 2, 3, 4, 5};
  EXPECT_NEAR(db::detail::sample_skewness(u), 0.0, 1e-15);
  EXPECT_NEAR(db::detail::sample_kurtosis(u), -1.2, 1e-12);
}

TEST(Treatment, WinsorisesTheHighestPointUntilSkewAndKurtosisPass) {
  // The example fails (|skew| 3.06 >= 2 and kurtosis 9.74 >= 3.5); 100 becomes the next highest
  // value 30, after which skew 1.71 < 2 passes: one point winsorised, as COINr's Treat() does.
  const auto tree = flat_tree({{"x"}});
  db::Treatment t;
  t.outliers = db::OutlierMethod::winsorise;
  const auto r = db::run_pipeline(tree, one_column(coinr_example()), treated_spec(t));
  auto want = coinr_example();
  want.back() = 30.0;
  EXPECT_EQ(column(r, r.treated()), want);
  ASSERT_EQ(r.audit().size(), 1U);
  EXPECT_EQ(r.audit()[0].unit, "u12");
  EXPECT_EQ(r.audit()[0].old_value, 100.0);
  EXPECT_EQ(r.audit()[0].new_value, 30.0);
  EXPECT_TRUE(contains(r.audit()[0].why, "winsorised: set to the next highest value since |skew| 3.06324 >= 2 and kurtosis 9.74139 >= 3.5 in 2022 (1 point winsorised)"));
}

// 1..20, 60, 80, 100: skew 2.38, kurtosis 5.07 fail. Step 1: 100 -> 80 (skew 2.17, kurtosis
// 3.78: still failing); step 2: both 80s -> 60 (skew 1.91 passes). Two points winsorised.
std::vector<double> two_outliers() {
  std::vector<double> x;
  for (int i = 1; i <= 20; ++i) x.push_back(i);
  for (double v : {60.0, 80.0, 100.0}) x.push_back(v);
  return x;
}

TEST(Treatment, WinsorisationWalksDownTiedGroups) {
  const auto tree = flat_tree({{"x"}});
  db::Treatment t;
  t.outliers = db::OutlierMethod::winsorise;
  const auto r = db::run_pipeline(tree, one_column(two_outliers()), treated_spec(t));
  auto want = two_outliers();
  want[21] = want[22] = 60.0;
  EXPECT_EQ(column(r, r.treated()), want);
  ASSERT_EQ(r.audit().size(), 2U);
  EXPECT_EQ(r.audit()[0].old_value, 80.0);
  EXPECT_EQ(r.audit()[1].old_value, 100.0);
  EXPECT_TRUE(contains(r.audit()[1].why, "(2 points winsorised)"));

  // Mirrored (lower is worse on the other side): the lowest points are winsorised.
  std::vector<double> mirrored;
  for (double v : two_outliers()) mirrored.push_back(-v);
  const auto m = db::run_pipeline(tree, one_column(mirrored), treated_spec(t));
  EXPECT_EQ(at(m, m.treated(), 22, "x"), -60.0);
  EXPECT_TRUE(contains(m.audit()[0].why, "next lowest value"));
}

TEST(Treatment, LogTransformWhenWinsorisationIsNotEnough) {
  // With at most one point, the column still fails after 100 -> 80, so COINr's log_CT is applied
  // to the original values: ln(x - min + 0.01 (max - min)) = ln(x - 1 + 0.99).
  const auto tree = flat_tree({{"x"}});
  db::Treatment t;
  t.outliers = db::OutlierMethod::winsorise;
  t.winsorise_max = 1;
  const auto x = two_outliers();
  std::vector<db::EstimateRecord> records;
  for (std::size_t u = 0; u < x.size(); ++u) records.push_back(rec("u" + std::to_string(u + 1), 2022, "x", x[u], 0.5));
  const auto r = db::run_pipeline(tree, db::Dataset::from_records(records), treated_spec(t));
  const auto treated = column(r, r.treated());
  for (std::size_t u = 0; u < x.size(); ++u) EXPECT_NEAR(treated[u], std::log(x[u] - 1.0 + 0.99), 1e-15);
  EXPECT_NEAR(treated.front(), -0.01005033585350145, 1e-15);
  EXPECT_NEAR(treated.back(), 4.605070180987758, 1e-15);
  // The standard error by the delta method: 0.5 / (x - 1 + 0.99).
  EXPECT_NEAR(at(r, r.standard_errors(), 22, "x"), 0.5 / 99.99, 1e-15);
  ASSERT_EQ(r.audit().size(), x.size());
  EXPECT_TRUE(contains(r.audit()[0].why, "log transformed: ln(x - 1 + 0.99) since |skew| 2.3843 >= 2 and kurtosis 5.07398 >= 3.5 in 2022; winsorising 1 point left |skew| 2.17"));
  // OutlierMethod::log goes straight to the transform.
  t.outliers = db::OutlierMethod::log;
  const auto l = db::run_pipeline(tree, one_column(x), treated_spec(t));
  EXPECT_EQ(column(l, l.treated()), treated);
}

TEST(Treatment, ColumnsThatPassAreLeftAlone) {
  const auto tree = flat_tree({{"x"}});
  db::Treatment t;
  t.outliers = db::OutlierMethod::winsorise;
  const std::vector<double> x{1, 2, 3, 4, 5, 6, 7, 8};
  const auto r = db::run_pipeline(tree, one_column(x), treated_spec(t));
  EXPECT_EQ(column(r, r.treated()), x);
  EXPECT_TRUE(r.audit().empty());
}

TEST(Treatment, DenominationByPopulation) {
  // 10 per 1,000 inhabitants: 10 / 1000 * 1000 = 10 and 10 / 4000 * 1000 = 2.5; se likewise.
  const auto tree = flat_tree({{"x"}});
  const db::UnitRegistry units({unit("u1", 1000), unit("u2", 4000)});
  db::Treatment t;
  t.denominator = "population";
  t.denominator_scale = 1000;
  const auto data = db::Dataset::from_records({rec("u1", 2022, "x", 10.0, 1.0), rec("u2", 2022, "x", 10.0, 1.0)});
  db::RunContext context;
  context.units = &units;
  const auto r = db::run_pipeline(tree, data, treated_spec(t), context);
  EXPECT_EQ(column(r, r.treated()), (std::vector<double>{10.0, 2.5}));
  EXPECT_EQ(column(r, r.standard_errors()), (std::vector<double>{1.0, 0.25}));
  ASSERT_EQ(r.audit().size(), 2U);
  EXPECT_EQ(r.audit()[1].why, "denominated: / population 4000 * 1000");

  // A unit without a population is an error naming indicator, unit and attribute.
  const db::UnitRegistry missing({unit("u1", 1000), unit("u2", pipeline_test::na)});
  context.units = &missing;
  EXPECT_TRUE(contains(pipeline_error([&] { (void)db::run_pipeline(tree, data, treated_spec(t), context); }),
                       "indicator 'x', unit 'u2': denominator 'population' is missing; expected a positive number"));
  EXPECT_TRUE(contains(pipeline_error([&] { (void)db::run_pipeline(tree, data, treated_spec(t)); }),
                       "needs the unit registry (RunContext.units)"));
}

TEST(Treatment, DenominationByLandAreaAndNumericLabels) {
  // Any numeric attribute divides: the land area member and labels holding a number.
  const auto tree = flat_tree({{"x"}});
  db::Unit a = unit("u1", 1000, "Salland");
  db::Unit b = unit("u2", 4000, "Twente");
  a.land_area_km2 = 50;
  b.land_area_km2 = 200;
  a.labels["huishoudens"] = "400";
  b.labels["huishoudens"] = " 1600 ";
  const db::UnitRegistry units({a, b});
  const auto data = db::Dataset::from_records({rec("u1", 2022, "x", 100.0, 10.0), rec("u2", 2022, "x", 100.0, 10.0)});
  db::RunContext context;
  context.units = &units;
  db::Treatment t;
  t.denominator = "land_area_km2";
  auto r = db::run_pipeline(tree, data, treated_spec(t), context);
  EXPECT_EQ(column(r, r.treated()), (std::vector<double>{2.0, 0.5}));
  EXPECT_EQ(r.audit()[0].why, "denominated: / land_area_km2 50");
  t.denominator = "huishoudens";
  r = db::run_pipeline(tree, data, treated_spec(t), context);
  EXPECT_EQ(column(r, r.treated()), (std::vector<double>{0.25, 0.0625}));
  EXPECT_EQ(column(r, r.standard_errors()), (std::vector<double>{0.025, 0.00625}));

  // A label that is not a number, an attribute nobody has, and a zero area are errors.
  t.denominator = "regio";
  EXPECT_EQ(pipeline_error([&] { (void)db::run_pipeline(tree, data, treated_spec(t), context); }),
            "2 problems:\n"
            "  indicator 'x', unit 'u1': denominator 'regio' is the text 'Salland'; expected a positive number\n"
            "  indicator 'x', unit 'u2': denominator 'regio' is the text 'Twente'; expected a positive number");
  t.denominator = "kleur";
  EXPECT_TRUE(contains(pipeline_error([&] { (void)db::run_pipeline(tree, data, treated_spec(t), context); }),
                       "indicator 'x', unit 'u1': denominator 'kleur' is missing; expected a positive number"));
  b.land_area_km2 = 0;
  const db::UnitRegistry zero({a, b});
  context.units = &zero;
  t.denominator = "land_area_km2";
  EXPECT_EQ(pipeline_error([&] { (void)db::run_pipeline(tree, data, treated_spec(t), context); }),
            "indicator 'x', unit 'u2': denominator 'land_area_km2' is 0; expected a positive number");
}

TEST(Treatment, ImputationByMeanAndMedian) {
  // u1..u4 = 2, 4, missing, 9: mean of the three = 5, median = 4.
  const auto tree = flat_tree({{"x"}});
  const auto data = db::Dataset::from_records(
      {rec("u1", 2022, "x", 2.0, 0.1), rec("u2", 2022, "x", 4.0, 0.1), rec("u3", 2022, "other", 0.0), rec("u4", 2022, "x", 9.0, 0.1)});
  db::Treatment t;
  t.imputation = db::Imputation::mean;
  EXPECT_TRUE(contains(pipeline_error([&] { (void)db::run_pipeline(tree, data, treated_spec(t)); }),
                       "1 indicator id that is not in the tree: 'other'"));
  auto r = db::run_pipeline(tree, data, padded_spec(t));
  EXPECT_EQ(r.unused_indicators(), (std::vector<std::string>{"other"}));
  EXPECT_EQ(column(r, r.treated()), (std::vector<double>{2.0, 4.0, 5.0, 9.0}));
  EXPECT_TRUE(std::isnan(at(r, r.standard_errors(), 2, "x")));  // unknown for an imputed value
  EXPECT_EQ(at(r, r.coverage(), 2, "x"), 1.0);
  ASSERT_EQ(r.audit().size(), 1U);
  EXPECT_EQ(r.audit()[0].unit, "u3");
  EXPECT_TRUE(std::isnan(r.audit()[0].old_value));
  EXPECT_EQ(r.audit()[0].why, "imputed: mean of 3 units in 2022");
  t.imputation = db::Imputation::median;
  r = db::run_pipeline(tree, data, padded_spec(t));
  EXPECT_EQ(at(r, r.treated(), 2, "x"), 4.0);
}

TEST(Treatment, ImputationByGroupMean) {
  // regio A: u1 = 2, u2 = 4, u3 missing -> 3; regio B: u4 = 9, u5 missing -> 9;
  // regio C: only u6, missing -> stays missing.
  const auto tree = flat_tree({{"x"}});
  const db::UnitRegistry units({unit("u1", 1, "A"), unit("u2", 1, "A"), unit("u3", 1, "A"), unit("u4", 1, "B"),
                                unit("u5", 1, "B"), unit("u6", 1, "C")});
  const auto data = db::Dataset::from_records({rec("u1", 2022, "x", 2.0), rec("u2", 2022, "x", 4.0), rec("u3", 2022, "y", 0.0),
                                               rec("u4", 2022, "x", 9.0), rec("u5", 2022, "y", 0.0), rec("u6", 2022, "y", 0.0)});
  db::Treatment t;
  t.imputation = db::Imputation::group_mean;
  t.impute_group = "regio";
  db::RunContext context;
  context.units = &units;
  const auto r = db::run_pipeline(tree, data, padded_spec(t), context);
  const auto x = column(r, r.treated());
  EXPECT_EQ(x[2], 3.0);
  EXPECT_EQ(x[4], 9.0);
  EXPECT_TRUE(std::isnan(x[5]));
  ASSERT_EQ(r.audit().size(), 2U);
  EXPECT_EQ(r.audit()[0].why, "imputed: mean of regio 'A' (2 units) in 2022");
}

TEST(Treatment, ImputationByLastObservationCarriedForward) {
  // u1: 1, -, - -> 1, 1, 1; u2: -, 5, - -> -, 5, 5 (nothing before 2021 to carry).
  const auto tree = flat_tree({{"x"}});
  const auto data = db::Dataset::from_records(
      {rec("u1", 2020, "x", 1.0), rec("u2", 2021, "x", 5.0), rec("u1", 2022, "y", 0.0), rec("u2", 2020, "y", 0.0)});
  db::Treatment t;
  t.imputation = db::Imputation::locf;
  const auto r = db::run_pipeline(tree, data, padded_spec(t));
  const auto x = column(r, r.treated());  // rows u1 2020..2022, u2 2020..2022
  EXPECT_EQ(x[0], 1.0);
  EXPECT_EQ(x[1], 1.0);
  EXPECT_EQ(x[2], 1.0);
  EXPECT_TRUE(std::isnan(x[3]));
  EXPECT_EQ(x[4], 5.0);
  EXPECT_EQ(x[5], 5.0);
  ASSERT_EQ(r.audit().size(), 3U);
  EXPECT_EQ(r.audit()[1].why, "imputed: last observation carried forward from 2020");
  EXPECT_EQ(r.audit()[2].why, "imputed: last observation carried forward from 2021");
}

TEST(Treatment, OrderIsDenominationImputationOutliersAndSettingsApplyPerIndicator) {
  // a: divided by population then imputed by the mean of the per-capita values; b untouched.
  const auto tree = flat_tree({{"a"}, {"b"}});
  const db::UnitRegistry units({unit("u1", 100), unit("u2", 200), unit("u3", 400)});
  const auto data = db::Dataset::from_records({rec("u1", 2022, "a", 100.0), rec("u2", 2022, "a", 600.0),
                                               rec("u1", 2022, "b", 1.0), rec("u2", 2022, "b", 2.0), rec("u3", 2022, "b", 3.0)});
  auto spec = raw_spec();
  spec.nodes["a"].treatment.denominator = "population";
  spec.nodes["a"].treatment.imputation = db::Imputation::mean;
  db::RunContext context;
  context.units = &units;
  const auto r = db::run_pipeline(tree, data, spec, context);
  EXPECT_EQ(column(r, r.treated(), "a"), (std::vector<double>{1.0, 3.0, 2.0}));  // 100/100, 600/200, mean
  EXPECT_EQ(column(r, r.treated(), "b"), (std::vector<double>{1.0, 2.0, 3.0}));
  EXPECT_EQ(r.audit().size(), 3U);
}

}  // namespace
