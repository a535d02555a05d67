// The sensitivity analysis: every run equals a fresh run_pipeline of its spec and data (acceptance
// 1, with and without sampling, Monte Carlo and Saltelli design), the Sobol estimators against
// analytic indices (a linear model through the whole pipeline, the Ishigami function through the
// estimator), identical output for 1 and 2 threads, cancellation, and the input errors.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/sensitivity.hpp"
#include "doelenboom/tree_io.hpp"
#include "asem_test_data.hpp"
#include "pipeline_test_util.hpp"

namespace {

using namespace pipeline_test;
namespace db = doelenboom;
namespace fs = std::filesystem;

// COINr's ASEM spec: min-max 0..100, arithmetic mean over any present children.
db::PipelineSpec asem_spec() {
  db::PipelineSpec spec;
  spec.aggregate.min_coverage = 1e-9;
  return spec;
}

db::Normalise minmax(double low, double high) {
  db::Normalise n;
  n.low = low;
  n.high = high;
  return n;
}

// Equal, NaN equal to NaN (bitwise for numbers).
::testing::AssertionResult same_matrix(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return ::testing::AssertionFailure() << "shapes differ";
  for (Eigen::Index c = 0; c < a.cols(); ++c) {
    for (Eigen::Index r = 0; r < a.rows(); ++r) {
      const double x = a(r, c), y = b(r, c);
      if (!(x == y || (std::isnan(x) && std::isnan(y)))) {
        return ::testing::AssertionFailure() << "(" << r << ", " << c << "): " << x << " vs " << y;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// Every run r of `result` against run_pipeline of its spec and data: the target scores bit for
// bit, and the ranks.
void expect_runs_equal_fresh_pipelines(const db::SensitivityResult& result, const db::GoalTree& tree, const db::Dataset& data,
                                       const std::vector<std::size_t>& runs) {
  const auto rows = static_cast<Eigen::Index>(result.rows());
  for (const auto run : runs) {
    const auto fresh = db::run_pipeline(tree, result.replication_data(data, run), result.replication_spec(run));
    const Eigen::MatrixXd ranks = fresh.ranks();
    for (std::size_t t = 0; t < result.targets().size(); ++t) {
      const auto node = static_cast<Eigen::Index>(result.targets()[t]);
      const auto base = static_cast<Eigen::Index>(t) * rows;
      const Eigen::MatrixXd got = result.scores().row(static_cast<Eigen::Index>(run)).segment(base, rows).transpose();
      const Eigen::MatrixXd got_ranks = result.ranks().row(static_cast<Eigen::Index>(run)).segment(base, rows).transpose();
      EXPECT_TRUE(same_matrix(got, fresh.scores().col(node))) << "run " << run << ", target " << tree.node(result.targets()[t]).id;
      EXPECT_TRUE(same_matrix(got_ranks, ranks.col(node))) << "run " << run;
    }
  }
}

std::vector<std::size_t> all_runs(const db::SensitivityResult& r) {
  std::vector<std::size_t> out(r.runs());
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = k;
  return out;
}

// Every kind of factor with positive normalisations (so geometric and harmonic means apply).
db::SensitivitySpec every_factor(const db::GoalTree& tree) {
  db::SensitivitySpec s;
  s.level_weight_noise = {{"2", 0.5}, {"3", 0.3}};
  s.node_weight_noise = {{"Index", 0.9}};
  db::Normalise z;
  z.method = db::Normalisation::zscore;
  z.mean = 100.0;
  z.sd = 10.0;
  db::Normalise pr;
  pr.method = db::Normalisation::percentile_rank;
  pr.low = 1.0;
  s.normalisations = {minmax(1, 100), z, pr};
  s.aggregations = {db::Aggregation::arithmetic, db::Aggregation::geometric, db::Aggregation::harmonic,
                    db::Aggregation::minimum, db::Aggregation::median};
  s.imputations = {db::Imputation::none, db::Imputation::mean, db::Imputation::median};
  s.outliers = {db::OutlierMethod::none, db::OutlierMethod::winsorise};
  s.leave_out = {"LPI", "Flights", "Physical", tree.node(tree.index_of("Sust")).id};
  s.threads = 2;
  return s;
}

TEST(SensitivityRuns, ThirtyRandomRunsWithSamplingEqualFreshPipelineRuns) {
  const auto tree = asem_tree();
  const auto data = asem_data(true);
  auto spec = every_factor(tree);
  spec.sampling = db::SamplingFactors::per_indicator;
  spec.sobol = false;
  spec.replications = 30;
  spec.seed = 11;
  const auto result = db::run_sensitivity(tree, data, asem_spec(), spec);
  ASSERT_EQ(result.runs(), 30U);
  EXPECT_EQ(result.unperturbed_cells(), 0U);
  // The draws really cover the alternatives (else the test would prove little).
  std::set<std::size_t> normalisations, aggregations, left;
  for (std::size_t r = 0; r < 30; ++r) {
    const auto c = result.choices(r);
    normalisations.insert(*c.normalisation);
    aggregations.insert(*c.aggregation);
    left.insert(c.leave_out ? *c.leave_out + 1 : 0);
  }
  EXPECT_EQ(normalisations.size(), 3U);
  EXPECT_GE(aggregations.size(), 4U);
  EXPECT_GE(left.size(), 4U);
  expect_runs_equal_fresh_pipelines(result, tree, data, all_runs(result));
}

TEST(SensitivityRuns, SaltelliDesignRunsWithoutSamplingEqualFreshPipelineRuns) {
  const auto tree = asem_tree();
  const auto data = asem_data();
  auto spec = every_factor(tree);
  spec.replications = 3;
  spec.bootstrap = 10;
  spec.targets = {"Index", "Conn", "Sust"};
  const auto result = db::run_sensitivity(tree, data, asem_spec(), spec);
  const std::size_t k = 3 + 4 + 1;  // weight groups, 4 alternatives lists, leave-out
  ASSERT_EQ(result.factors().size(), k);
  ASSERT_EQ(result.runs(), 3 * (k + 2));
  expect_runs_equal_fresh_pipelines(result, tree, data, all_runs(result));
  // AB_i takes only factor i from B: run (2 + i) * N + j equals A row j except in that factor.
  const auto a = result.choices(1), b = result.choices(3 + 1), ab = result.choices((2 + 4) * 3 + 1);  // factor 4: aggregate
  EXPECT_EQ(result.factors()[4].name, "aggregate");
  EXPECT_EQ(ab.aggregation, b.aggregation);
  EXPECT_EQ(ab.normalisation, a.normalisation);
  EXPECT_EQ(ab.weights, a.weights);
  EXPECT_EQ(ab.leave_out, a.leave_out);
}

TEST(SensitivityRuns, TheNominalChoicesReproduceTheNominalRun) {
  // Only the normalisation varies, between the nominal one and another: runs that drew the
  // nominal one have the nominal scores.
  const auto tree = asem_tree();
  const auto data = asem_data();
  db::SensitivitySpec spec;
  spec.normalisations = {minmax(0, 100), minmax(1, 100)};
  spec.sobol = false;
  spec.replications = 20;
  const auto result = db::run_sensitivity(tree, data, asem_spec(), spec);
  const auto nominal = db::run_pipeline(tree, data, asem_spec());
  const auto index = static_cast<Eigen::Index>(tree.index_of("Index"));
  std::size_t seen = 0;
  for (std::size_t r = 0; r < result.runs(); ++r) {
    if (*result.choices(r).normalisation != 0) continue;
    ++seen;
    EXPECT_TRUE(same_matrix(result.scores().row(static_cast<Eigen::Index>(r)).transpose(), nominal.scores().col(index)));
    EXPECT_EQ(result.rank_shift()(static_cast<Eigen::Index>(r), 0), 0.0);
  }
  EXPECT_GT(seen, 3U);
}

TEST(SensitivityRuns, ExplicitWeightSetsAreThePipelineWithThoseWeights) {
  const auto tree = asem_tree();
  const auto data = asem_data();
  db::SensitivitySpec spec;
  spec.sobol = false;
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0.0, 3.0);
  for (int s = 0; s < 5; ++s) {
    db::WeightSet set;
    for (const auto& parent : {"Conn", "Sust", "Index"}) {
      for (const auto c : tree.children(tree.index_of(parent))) set[parent][tree.node(c).id] = u(rng);
    }
    spec.weight_sets.push_back(set);
  }
  spec.replications = 5;
  const auto result = db::run_sensitivity(tree, data, asem_spec(), spec);
  for (std::size_t r = 0; r < 5; ++r) {
    db::PipelineSpec p = asem_spec();
    p.weight_overrides = spec.weight_sets[r];
    const auto fresh = db::run_pipeline(tree, data, p);
    EXPECT_TRUE(same_matrix(result.scores().row(static_cast<Eigen::Index>(r)).transpose(),
                            fresh.scores().col(static_cast<Eigen::Index>(tree.index_of("Index")))));
  }
}

// ---------------------------------------------------------------------------------------------
// Acceptance 2: analytic indices

TEST(SensitivitySobol, LinearModelWithIndependentInputsHasTheAnalyticIndices) {
  // score = sum w_i (v_i + se_i z_i) / sum w: S_i = S_Ti = w_i^2 se_i^2 / sum_j w_j^2 se_j^2.
  const auto tree = flat_tree({{"x1", 1.0}, {"x2", 2.0}, {"x3", 3.0}});
  const db::Dataset data = db::Dataset::from_records(
      {rec("u", 2022, "x1", 10.0, 1.0), rec("u", 2022, "x2", 20.0, 2.0), rec("u", 2022, "x3", 30.0, 0.5)});
  db::SensitivitySpec spec;
  spec.sampling = db::SamplingFactors::per_indicator;
  spec.replications = 4000;
  spec.bootstrap = 300;
  spec.confidence = 0.99;
  spec.seed = 3;
  const auto result = db::run_sensitivity(tree, data, raw_spec(), spec);
  const std::vector<double> v{1.0 * 1.0, 4.0 * 4.0, 9.0 * 0.25};
  const double total = v[0] + v[1] + v[2];
  const auto& ix = result.indices();
  ASSERT_EQ(ix.first.rows(), 2);  // the unit's score, the rank shift
  for (Eigen::Index i = 0; i < 3; ++i) {
    const double want = v[static_cast<std::size_t>(i)] / total;
    EXPECT_LE(ix.first_low(0, i), want) << i;
    EXPECT_GE(ix.first_high(0, i), want) << i;
    EXPECT_LE(ix.total_low(0, i), want) << i;
    EXPECT_GE(ix.total_high(0, i), want) << i;
    EXPECT_LT(ix.first_high(0, i) - ix.first_low(0, i), 0.15) << i;
    EXPECT_LT(ix.total_high(0, i) - ix.total_low(0, i), 0.1) << i;
    EXPECT_TRUE(std::isnan(ix.first(1, i)));  // one unit: the rank never moves
  }
}

TEST(SensitivitySobol, IshigamiFunctionHasTheAnalyticIndices) {
  constexpr double a = 7.0, b = 0.1, pi = std::numbers::pi;
  const std::size_t n = 20000, k = 3;
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> u(-pi, pi);
  Eigen::MatrixXd A(n, k), B(n, k);
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < k; ++i) A(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) = u(rng);
    for (std::size_t i = 0; i < k; ++i) B(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) = u(rng);
  }
  const auto f = [&](const Eigen::RowVectorXd& x) {
    return std::sin(x(0)) + a * std::pow(std::sin(x(1)), 2) + b * std::pow(x(2), 4) * std::sin(x(0));
  };
  Eigen::MatrixXd y(static_cast<Eigen::Index>(n * (k + 2)), 1);
  for (std::size_t j = 0; j < n; ++j) {
    const auto r = static_cast<Eigen::Index>(j);
    y(r, 0) = f(A.row(r));
    y(static_cast<Eigen::Index>(n) + r, 0) = f(B.row(r));
    for (std::size_t i = 0; i < k; ++i) {
      Eigen::RowVectorXd x = A.row(r);
      x(static_cast<Eigen::Index>(i)) = B(r, static_cast<Eigen::Index>(i));
      y(static_cast<Eigen::Index>((2 + i) * n) + r, 0) = f(x);
    }
  }
  const auto ix = db::sobol_indices(y, k, 300, 0.99, 1, 2);
  // Analytic (Ishigami and Homma 1990; Sobol' and Levitan 1999).
  const double v1 = 0.5 * std::pow(1.0 + b * std::pow(pi, 4) / 5.0, 2), v2 = a * a / 8.0;
  const double v13 = std::pow(b, 2) * std::pow(pi, 8) * (1.0 / 18.0 - 1.0 / 50.0);
  const double v = v1 + v2 + v13;
  const std::vector<double> first{v1 / v, v2 / v, 0.0}, total{(v1 + v13) / v, v2 / v, v13 / v};
  for (Eigen::Index i = 0; i < 3; ++i) {
    const auto s = static_cast<std::size_t>(i);
    EXPECT_LE(ix.first_low(0, i), first[s]) << i;
    EXPECT_GE(ix.first_high(0, i), first[s]) << i;
    EXPECT_LE(ix.total_low(0, i), total[s]) << i;
    EXPECT_GE(ix.total_high(0, i), total[s]) << i;
    EXPECT_NEAR(ix.first(0, i), first[s], 0.05) << i;
    EXPECT_NEAR(ix.total(0, i), total[s], 0.05) << i;
  }
}

TEST(SensitivitySobol, RejectsAShapeThatIsNotASaltelliDesign) {
  EXPECT_TRUE(contains(pipeline_error([] { (void)db::sobol_indices(Eigen::MatrixXd::Zero(11, 1), 2, 0, 0.9, 0); }),
                       "11 runs for 2 factors"));
}

TEST(SensitivitySobol, QuantilesAreNumpysLinearType7) {
  // numpy.quantile([3, 1, 4, 1, 5], [0.05, 0.5, 0.95]) = [1, 3, 4.8]
  EXPECT_DOUBLE_EQ(db::quantile_type7({3, 1, 4, 1, 5}, 0.05), 1.0);
  EXPECT_DOUBLE_EQ(db::quantile_type7({3, 1, 4, 1, 5}, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(db::quantile_type7({3, 1, 4, na, 1, 5}, 0.95), 4.8);
  EXPECT_TRUE(std::isnan(db::quantile_type7({na}, 0.5)));
}

// ---------------------------------------------------------------------------------------------
// Acceptance 3: the same output whatever the number of threads

TEST(SensitivityThreads, OneAndTwoThreadsGiveIdenticalOutput) {
  const auto tree = asem_tree();
  const auto data = asem_data(true);
  auto spec = every_factor(tree);
  spec.sampling = db::SamplingFactors::one;
  spec.replications = 10;
  spec.bootstrap = 50;
  spec.seed = 99;
  spec.threads = 1;
  const auto one = db::run_sensitivity(tree, data, asem_spec(), spec);
  spec.threads = 2;
  const auto two = db::run_sensitivity(tree, data, asem_spec(), spec);
  EXPECT_TRUE(same_matrix(one.scores(), two.scores()));
  EXPECT_TRUE(same_matrix(one.ranks(), two.ranks()));
  EXPECT_TRUE(same_matrix(one.rank_shift(), two.rank_shift()));
  EXPECT_TRUE(same_matrix(one.summary(), two.summary()));
  EXPECT_TRUE(same_matrix(one.indices().first, two.indices().first));
  EXPECT_TRUE(same_matrix(one.indices().total_low, two.indices().total_low));
  EXPECT_TRUE(same_matrix(one.indices().first_high, two.indices().first_high));
  // and a different seed gives other runs
  spec.seed = 100;
  const auto other = db::run_sensitivity(tree, data, asem_spec(), spec);
  EXPECT_FALSE(same_matrix(one.scores(), other.scores()));
}

TEST(SensitivityThreads, TheFirstFailingRunIsReportedWhateverTheThreads) {
  // A geometric mean over min-max 0..100 scores (zeros) fails in the runs that draw it.
  const auto tree = asem_tree();
  const auto data = asem_data();
  db::SensitivitySpec spec;
  spec.aggregations = {db::Aggregation::arithmetic, db::Aggregation::geometric};
  spec.sobol = false;
  spec.replications = 500;
  spec.threads = 1;
  const std::string one = pipeline_error([&] { (void)db::run_sensitivity(tree, data, asem_spec(), spec); });
  spec.threads = 2;
  const std::string two = pipeline_error([&] { (void)db::run_sensitivity(tree, data, asem_spec(), spec); });
  EXPECT_EQ(one, two);
  EXPECT_TRUE(contains(one, "(aggregate geometric): node "));
  EXPECT_TRUE(contains(one, "the geometric mean needs positive children"));
}

TEST(SensitivityThreads, ACancelledRunStops) {
  const auto tree = asem_tree();
  const auto data = asem_data(true);
  db::SensitivitySpec spec;
  spec.sampling = db::SamplingFactors::one;
  spec.replications = 200000;
  spec.sobol = false;
  int calls = 0;
  EXPECT_THROW((void)db::run_sensitivity(tree, data, asem_spec(), spec, {}, [&] { return ++calls >= 2; }),
               db::SensitivityCancelled);
  EXPECT_EQ(calls, 2);
}

// ---------------------------------------------------------------------------------------------
// Summary

TEST(SensitivitySummary, DistributionsAreTheQuantilesOfTheRuns) {
  const auto tree = asem_tree();
  const auto data = asem_data();
  db::SensitivitySpec spec;
  spec.level_weight_noise = {{"2", 0.5}};
  spec.replications = 50;
  spec.bootstrap = 0;
  const auto result = db::run_sensitivity(tree, data, asem_spec(), spec);
  ASSERT_EQ(result.distribution_runs(), 100U);  // A and B
  const auto nominal = db::run_pipeline(tree, data, asem_spec());
  const Eigen::MatrixXd nominal_ranks = nominal.ranks();
  const auto index = static_cast<Eigen::Index>(tree.index_of("Index"));
  for (Eigen::Index u = 0; u < 51; u += 10) {
    std::vector<double> scores, ranks;
    double shift = 0.0;
    for (Eigen::Index r = 0; r < 100; ++r) {
      scores.push_back(result.scores()(r, u));
      ranks.push_back(result.ranks()(r, u));
      shift += std::abs(result.ranks()(r, u) - nominal_ranks(u, index));
    }
    const auto row = result.summary().row(u);
    EXPECT_EQ(row(0), nominal.scores()(u, index));
    EXPECT_EQ(row(1), db::quantile_type7(scores, 0.5));
    EXPECT_EQ(row(2), db::quantile_type7(scores, 0.05));
    EXPECT_EQ(row(3), db::quantile_type7(scores, 0.95));
    EXPECT_EQ(row(4), nominal_ranks(u, index));
    EXPECT_EQ(row(7), db::quantile_type7(ranks, 0.95));
    EXPECT_DOUBLE_EQ(row(8), shift / 100.0);
    EXPECT_EQ(row(9), 0.0);
  }
  EXPECT_TRUE(std::isnan(result.indices().first_low(0, 0)));  // no bootstrap
}

// ---------------------------------------------------------------------------------------------
// Input errors name the field and the value

std::string sensitivity_error(const db::SensitivitySpec& spec) {
  const auto tree = asem_tree();
  return pipeline_error([&] { (void)db::run_sensitivity(tree, asem_data(), asem_spec(), spec); });
}

TEST(SensitivityErrors, EveryProblemIsNamed) {
  db::SensitivitySpec s;
  s.level_weight_noise = {{"pillar", 0.2}, {"1", 0.2}};
  s.node_weight_noise = {{"Nope", 0.1}, {"LPI", 0.1}, {"Index", 1.0}};
  s.aggregations = {db::Aggregation::geometric};
  s.outliers = {db::OutlierMethod::none, db::OutlierMethod::none};
  s.leave_out = {"Index", "Conn", "Conn"};
  s.targets = {"LPI", "Missing"};
  s.replications = 1;
  s.confidence = 1.0;
  const std::string m = sensitivity_error(s);
  EXPECT_TRUE(contains(m, "level_weight_noise: 'pillar' is not a level of the tree (levels: "));
  EXPECT_TRUE(contains(m, "level_weight_noise: level '1' has no goal whose weights the noise could vary"));
  EXPECT_TRUE(contains(m, "node_weight_noise: 'Nope' is not a node of the tree"));
  EXPECT_TRUE(contains(m, "node_weight_noise: 'LPI' is an indicator"));
  EXPECT_TRUE(contains(m, "node_weight_noise: the noise of 'Index' is 1; expected a relative half-width f in [0, 1)"));
  EXPECT_TRUE(contains(m, "aggregations: one alternative (geometric) is not a factor"));
  EXPECT_TRUE(contains(m, "outliers: alternative 1 (none) repeats alternative 0"));
  EXPECT_TRUE(contains(m, "leave_out: 'Index' has no parent, so leaving it out changes nothing"));
  EXPECT_TRUE(contains(m, "leave_out: 'Conn' is listed twice"));
  EXPECT_TRUE(contains(m, "targets: 'LPI' is an indicator; targets are goals"));
  EXPECT_TRUE(contains(m, "targets: 'Missing' is not a node of the tree"));
  EXPECT_TRUE(contains(m, "replications: 1 replications; expected at least 2"));
  EXPECT_TRUE(contains(m, "confidence: confidence 1 must lie strictly between 0 and 1"));
}

TEST(SensitivityErrors, NothingVariesAndBadAlternativesAndWeightSets) {
  EXPECT_TRUE(contains(sensitivity_error(db::SensitivitySpec{}), "nothing varies"));
  db::SensitivitySpec s;
  s.normalisations = {minmax(0, 100), minmax(5, 5)};
  EXPECT_TRUE(contains(sensitivity_error(s), "normalisations[1]: minmax: "));
  db::SensitivitySpec w;
  w.weight_sets = {{{"Index", {{"Conn", 1.0}, {"Nope", 2.0}}}}, {{"Index", {{"Conn", -1.0}}}}};
  w.replications = 3;
  const std::string m = sensitivity_error(w);
  EXPECT_TRUE(contains(m, "weight_sets: explicit weight sets are a Monte Carlo design: set sobol to false"));
  EXPECT_TRUE(contains(m, "replications: 3 replications but 2 weight sets"));
  EXPECT_TRUE(contains(m, "weight_sets[0]: 'Nope' is not a child of 'Index'"));
  EXPECT_TRUE(contains(m, "weight_sets[1]: the weight of 'Conn' in 'Index' is -1; expected a finite number >= 0"));
}

TEST(SensitivityErrors, LeavingOutTheOnlyWeightedChildIsRejected) {
  const auto tree = flat_tree({{"a"}, {"b"}});
  auto nominal = raw_spec();
  nominal.weight_overrides["top"]["b"] = 0.0;
  db::SensitivitySpec s;
  s.leave_out = {"a", "b"};
  const std::string m = pipeline_error([&] { (void)db::run_sensitivity(tree, one_row({{"a", 1.0}, {"b", 2.0}}), nominal, s); });
  EXPECT_TRUE(contains(m, "sensitivity: leave_out: leaving out 'a' leaves 'top' without a child of positive weight"));
  EXPECT_FALSE(contains(m, "leaving out 'b'"));
}

TEST(SensitivityErrors, ReplicationDataNeedsTheAnalysedDataSet) {
  const auto tree = asem_tree();
  db::SensitivitySpec s;
  s.sampling = db::SamplingFactors::one;
  s.replications = 2;
  s.sobol = false;
  const auto result = db::run_sensitivity(tree, asem_data(true), asem_spec(), s);
  EXPECT_TRUE(contains(pipeline_error([&] { (void)result.replication_data(one_row({{"LPI", 1.0}}), 0); }),
                       "pass the data set the analysis ran on"));
  EXPECT_THROW((void)result.choices(2), std::out_of_range);
}

TEST(SensitivityErrors, DataAreCheckedOnceUpFrontAgainstTheTreesDefinitions) {
  std::vector<db::IndicatorDefinition> defs(2);
  for (std::size_t k = 0; k < 2; ++k) {
    defs[k].id = defs[k].label = k == 0 ? "a" : "b";
    defs[k].measure = db::Measure::proportion;
  }
  const auto tree = flat_tree({{"a"}, {"b"}}).with_indicators(db::IndicatorSet(defs));
  std::vector<db::EstimateRecord> records;
  for (int u = 0; u < 4; ++u) {
    const std::string unit = "u" + std::to_string(u + 1);
    records.push_back(rec(unit, 2022, "a", 0.99 - 0.2 * u, 0.05));
    records.push_back(rec(unit, 2022, "b", 0.3 + 0.1 * u, 0.05));
  }
  db::SensitivitySpec s;
  s.sampling = db::SamplingFactors::one;
  s.replications = 100;
  s.sobol = false;
  auto bad = records;
  bad[2].value = 79;  // u2's share as a percentage
  const auto bad_data = db::Dataset::from_records(bad, {}, "DataFrame");
  EXPECT_EQ(pipeline_error([&] { (void)db::run_sensitivity(tree, bad_data, db::PipelineSpec{}, s); }),
            "DataFrame, row 3, field 'value': 79 is outside [0, 1] for proportion indicator 'a' (expected a share "
            "between 0 and 1)");
  // The draws (value + se z) are the analysis's own, not a provider's: u1's share of 0.99 is drawn
  // above 1 in some runs, and the runs go ahead (the check ran once, on the data given).
  const auto data = db::Dataset::from_records(records, {}, "DataFrame");
  const auto result = db::run_sensitivity(tree, data, db::PipelineSpec{}, s);
  ASSERT_EQ(result.runs(), 100u);
  std::size_t above = 0;
  for (std::size_t run = 0; run < result.runs(); ++run) above += result.replication_data(data, run).values()[0] > 1.0 ? 1u : 0u;
  EXPECT_GT(above, 0u);
  EXPECT_EQ(result.summary().col(9).sum(), 0.0);  // no run without a score
}

}  // namespace
