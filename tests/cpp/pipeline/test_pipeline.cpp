// run_pipeline end to end: the ASEM peer results of COINr (every node, unit and rank), the
// contributions on the Movisie tree, property tests (monotonicity, permuting units) and the
// delta-method intervals against a Monte Carlo simulation of the same model.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/tree_io.hpp"
#include "asem_test_data.hpp"
#include "pipeline_test_util.hpp"

namespace {

using namespace pipeline_test;
namespace db = doelenboom;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// ASEM (tests/data/asem/README.md): raw -> min-max 0..100 -> weighted arithmetic mean, by COINr.

class PipelineAsem : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tree_ = new db::GoalTree(asem_tree());
    db::PipelineSpec spec;  // min-max 0..100, arithmetic: the defaults
    // COINr drops missing children and renormalises with no threshold; the sparsest node here
    // (Social: 5 of 9 indicators for one country) has coverage 5/9, so any threshold in
    // (0, 5/9] reproduces it. A tiny threshold says "any child present".
    spec.aggregate.min_coverage = 1e-9;
    result_ = new db::PipelineResult(db::run_pipeline(*tree_, asem_data(), spec));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete tree_;
  }
  static db::GoalTree* tree_;
  static db::PipelineResult* result_;

  // Compare every cell of a peer CSV (uCode + node columns) with a result matrix.
  static void compare(const std::string& file, const Eigen::MatrixXd& got, bool exact, std::size_t expected_columns) {
    const auto table = db::detail::read_csv_file(asem / file);
    ASSERT_EQ(table.header.size(), expected_columns + 1);
    ASSERT_EQ(table.rows.size(), 51U);
    const auto& units = result_->units();
    std::size_t cells = 0, missing = 0;
    for (const auto& row : table.rows) {
      const auto u = static_cast<std::size_t>(std::find(units.begin(), units.end(), row[0]) - units.begin());
      ASSERT_LT(u, units.size()) << row[0];
      for (std::size_t c = 1; c < table.header.size(); ++c) {
        const double value = got(static_cast<Eigen::Index>(result_->row(u, 0)),
                                 static_cast<Eigen::Index>(tree_->index_of(table.header[c])));
        ++cells;
        if (row[c].empty()) {
          ++missing;
          EXPECT_TRUE(std::isnan(value)) << file << " " << row[0] << " " << table.header[c];
          continue;
        }
        const double want = std::stod(row[c]);
        if (exact) {
          EXPECT_EQ(value, want) << file << " " << row[0] << " " << table.header[c];
        } else {
          EXPECT_LE(std::abs(value - want), std::max(1e-9 * std::abs(want), 1e-12))
              << file << " " << row[0] << " " << table.header[c] << ": " << value << " vs " << want;
        }
      }
    }
    EXPECT_EQ(cells, 51U * expected_columns);
    RecordProperty(file + "_missing", static_cast<int>(missing));
  }
};
db::GoalTree* PipelineAsem::tree_ = nullptr;
db::PipelineResult* PipelineAsem::result_ = nullptr;

TEST_F(PipelineAsem, NormalisedIndicatorsMatchCOINr) {
  compare("P1_raw_minmax_amean_normalised.csv", result_->scores(), false, 49);
}

TEST_F(PipelineAsem, EveryNodeOfEveryUnitMatchesCOINrToRelative1e9) {
  compare("P1_raw_minmax_amean_aggregated.csv", result_->scores(), false, 60);
}

TEST_F(PipelineAsem, RanksMatchCOINrExactly) {
  compare("P1_raw_minmax_amean_ranks.csv", result_->ranks(), true, 60);
}

TEST_F(PipelineAsem, CoverageAndTheThreshold) {
  // The 63 missing cells leave every aggregate computed; the lowest coverage is Social's 5/9.
  const Eigen::Index social = static_cast<Eigen::Index>(tree_->index_of("Social"));
  EXPECT_NEAR(result_->coverage().col(social).minCoeff(), 5.0 / 9.0, 1e-15);
  EXPECT_EQ(result_->coverage().col(static_cast<Eigen::Index>(tree_->index_of("Political"))).minCoeff(), 1.0);
  // Reproduced at 5/9 too; at 0.56 that country's Social score becomes missing.
  db::PipelineSpec spec;
  spec.aggregate.min_coverage = 5.0 / 9.0;
  const auto at_limit = db::run_pipeline(*tree_, asem_data(), spec);
  EXPECT_TRUE((at_limit.scores().array().isNaN() == result_->scores().array().isNaN()).all());
  EXPECT_EQ(at_limit.scores().array().isNaN().select(0.0, at_limit.scores().array() - result_->scores().array()).abs().maxCoeff(), 0.0);
  EXPECT_EQ(at_limit.scores().col(social).array().isNaN().count(), 0);
  spec.aggregate.min_coverage = 0.56;
  const auto above = db::run_pipeline(*tree_, asem_data(), spec);
  EXPECT_EQ(above.scores().col(social).array().isNaN().count(), 1);
}

// ---------------------------------------------------------------------------------------------
// The Movisie tree with generated data.

const fs::path movisie = fs::path(DOELENBOOM_SOURCE_DIR) / "examples" / "trees" / "movisie.yaml";

// The scale of an indicator's generated values: proportions of `fit` (the definitions the run
// checks the data against) are shares, 0.01 of the percentages drawn; the rest as drawn.
double scale_of(const db::IndicatorSet& fit, const std::string& id) {
  const auto* d = fit.find(id);
  return d != nullptr && d->measure == db::Measure::proportion ? 0.01 : 1.0;
}

// Deterministic data: every indicator of the tree for `units` units and `periods` years, values
// uniform in (low, 90), se uniform in (1, 3), times scale_of the definitions the data must fit
// (`fit`, default the tree's own); a share `missing` of the cells left out.
db::Dataset generated(const db::GoalTree& tree, int units, int periods, unsigned seed, double missing = 0.0,
                      std::vector<int> unit_order = {}, double low = 10.0, const db::IndicatorSet* fit = nullptr) {
  if (fit == nullptr) fit = &tree.indicators();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> value(low, 90.0), se(1.0, 3.0), coin(0.0, 1.0);
  std::vector<std::vector<db::EstimateRecord>> per_unit(static_cast<std::size_t>(units));
  for (int u = 0; u < units; ++u) {
    for (int p = 0; p < periods; ++p) {
      for (const auto leaf : tree.leaves()) {
        const std::string& id = tree.node(leaf).id;
        const double x = value(rng), e = se(rng), scale = scale_of(*fit, id);
        const auto r = rec("GM" + std::to_string(1000 + u), 2020 + p, id, x * scale, e * scale);
        if (coin(rng) >= missing) per_unit[static_cast<std::size_t>(u)].push_back(r);
      }
    }
  }
  if (unit_order.empty()) {
    unit_order.resize(static_cast<std::size_t>(units));
    std::iota(unit_order.begin(), unit_order.end(), 0);
  }
  std::vector<db::EstimateRecord> records;
  for (const int u : unit_order) {
    const auto& r = per_unit[static_cast<std::size_t>(u)];
    records.insert(records.end(), r.begin(), r.end());
  }
  return db::Dataset::from_records(records);
}

// Goalposts 0..100 for every indicator, with the tree's direction: a fixed linear normalisation.
db::IndicatorSet goalposts_for(const db::GoalTree& tree) {
  std::vector<db::IndicatorDefinition> defs;
  for (const auto leaf : tree.leaves()) {
    db::IndicatorDefinition d;
    d.id = tree.node(leaf).id;
    d.label = tree.node(leaf).label;
    d.measure = db::Measure::count;
    d.direction = tree.node(leaf).direction;
    d.goalpost_min = 0.0;
    d.goalpost_max = 100.0;
    defs.push_back(d);
  }
  return db::IndicatorSet(defs);
}

const db::Aggregation all_methods[] = {db::Aggregation::arithmetic, db::Aggregation::geometric, db::Aggregation::harmonic,
                                       db::Aggregation::minimum, db::Aggregation::median};

db::PipelineSpec movisie_spec(db::Aggregation method, db::Normalisation n = db::Normalisation::minmax) {
  db::PipelineSpec spec;
  spec.normalise.method = n;
  spec.normalise.low = 1.0;  // positive, so that geometric and harmonic means are defined
  spec.aggregate.method = method;
  return spec;
}

TEST(PipelineContributions, SumToTheScoreForEveryNodeUnitAndMethod) {
  const auto tree = db::load_tree_yaml(movisie);
  const auto data = generated(tree, 12, 2, 42);
  for (const auto method : all_methods) {
    const auto r = db::run_pipeline(tree, data, movisie_spec(method));
    // Exact (to rounding) for arithmetic; Euler's theorem for the others (all homogeneous of degree 1).
    const double tol = method == db::Aggregation::arithmetic ? 1e-12 : 1e-9;
    for (db::GoalTree::Index v = 0; v < tree.size(); ++v) {
      if (tree.node(v).kind == db::NodeKind::indicator) continue;
      for (const std::string level : {"", "activiteit", "subdoel"}) {
        const auto table = r.contributions(v, level);
        for (std::size_t row = 0; row < r.rows(); ++row) {
          const double score = r.scores()(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(v));
          ASSERT_FALSE(std::isnan(score));
          const auto parts = r.contributions(v, row, level);
          double sum = 0.0;
          for (const auto& [node, part] : parts) sum += part;
          EXPECT_NEAR(sum, score, tol * std::max(1.0, std::abs(score)))
              << to_string(method) << " " << tree.node(v).id << " level '" << level << "' row " << row;
          // The table holds the same numbers.
          ASSERT_EQ(static_cast<std::size_t>(table.values.cols()), parts.size());
          for (std::size_t k = 0; k < parts.size(); ++k) {
            EXPECT_EQ(table.values(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(k)), parts[k].second);
          }
        }
      }
    }
  }
}

TEST(PipelineContributions, ActivitiesAndTheRemainderOfIndicatorsThatBypassThem) {
  // zelfregie by activity: ind_kwaliteit_goed hangs directly under the subdoel gehoord_worden,
  // so its share is remainder; every activity gets a part.
  const auto tree = db::load_tree_yaml(movisie);
  const auto data = generated(tree, 3, 1, 7);
  const auto r = db::run_pipeline(tree, data, movisie_spec(db::Aggregation::arithmetic));
  const auto parts = r.contributions(tree.index_of("zelfregie"), 0, "activiteit");
  ASSERT_EQ(parts.size(), tree.nodes_at_level("activiteit").size() + 1);
  for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
    EXPECT_EQ(tree.node(parts[k].first).level, "activiteit");
    EXPECT_GT(parts[k].second, 0.0);
  }
  EXPECT_GT(parts.back().second, 0.0);  // e.g. ind_kwaliteit_goed hangs directly under a subdoel
  EXPECT_EQ(parts.back().first, tree.size());
  // Arithmetic all the way: an indicator's part is its effective weight times its score.
  const auto by_indicator = r.contributions(tree.index_of("zelfregie"), 0);
  const Eigen::VectorXd w = tree.effective_weights(tree.index_of("zelfregie"));
  for (std::size_t k = 0; k + 1 < by_indicator.size(); ++k) {
    const auto i = by_indicator[k].first;
    EXPECT_NEAR(by_indicator[k].second, w(static_cast<Eigen::Index>(i)) * at(r, r.scores(), 0, tree.node(i).id), 1e-12);
  }
  EXPECT_THROW((void)r.contributions(tree.index_of("zelfregie"), 0, "gemeente"), db::PipelineError);
}

TEST(PipelineContributions, GradientsMatchFiniteDifferences) {
  // part_i / score_i = d node / d score_i; with goalposts 0..100 mapped to 1..100 the raw value
  // moves the score by 0.99 * direction, so d node / d raw_i = part_i / score_i * 0.99 * direction.
  const auto tree = db::load_tree_yaml(movisie);
  const auto defs = goalposts_for(tree);
  db::RunContext context;
  context.indicators = &defs;
  const auto base = generated(tree, 1, 1, 11, 0.0, {}, 10.0, &defs);
  const auto records = base.export_records();
  for (const auto method : all_methods) {
    const auto spec = movisie_spec(method, db::Normalisation::goalposts);
    const auto r = db::run_pipeline(tree, base, spec, context);
    const auto top = tree.index_of("zelfregie");
    const auto parts = r.contributions(top, 0);
    for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
      const auto leaf = parts[k].first;
      const double h = 1e-5;
      auto up = records, down = records;
      for (std::size_t j = 0; j < records.size(); ++j) {
        if (records[j].indicator == tree.node(leaf).id) {
          up[j].value += h;
          down[j].value -= h;
        }
      }
      const auto ru = db::run_pipeline(tree, db::Dataset::from_records(up), spec, context);
      const auto rd = db::run_pipeline(tree, db::Dataset::from_records(down), spec, context);
      const double numeric = (at(ru, ru.scores(), 0, "zelfregie") - at(rd, rd.scores(), 0, "zelfregie")) / (2.0 * h);
      const double analytic = parts[k].second / at(r, r.scores(), 0, tree.node(leaf).id) * 0.99 * tree.node(leaf).direction;
      EXPECT_NEAR(analytic, numeric, 1e-6) << to_string(method) << " " << tree.node(leaf).id;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Properties

TEST(PipelineProperties, ImprovingAnIndicatorNeverLowersAnAncestor) {
  const auto tree = db::load_tree_yaml(movisie);
  const auto base = generated(tree, 6, 2, 3);
  const auto records = base.export_records();
  for (const auto method : all_methods) {
    const auto spec = movisie_spec(method);
    const auto r = db::run_pipeline(tree, base, spec);
    // Improve each cell of unit 2 in 2021 by 5 points in its good direction (also past the
    // maximum of the data, within the indicator's range).
    for (std::size_t j = 0; j < records.size(); ++j) {
      if (records[j].unit != base.units()[2] || records[j].period != year(2021)) continue;
      const auto leaf = tree.index_of(records[j].indicator);
      auto better = records;
      const double scale = scale_of(tree.indicators(), records[j].indicator);
      better[j].value += 5.0 * scale * tree.node(leaf).direction;
      if (better[j].value < 0 || better[j].value > 100.0 * scale) continue;
      const auto rb = db::run_pipeline(tree, db::Dataset::from_records(better), spec);
      const auto row = static_cast<Eigen::Index>(r.row(2, 1));
      for (const auto a : tree.ancestors(leaf)) {
        const auto c = static_cast<Eigen::Index>(a);
        EXPECT_GE(rb.scores()(row, c), r.scores()(row, c) - 1e-9)
            << to_string(method) << ": improving " << records[j].indicator << " lowered " << tree.node(a).id;
      }
    }
  }
}

TEST(PipelineProperties, PermutingTheUnitsPermutesTheResults) {
  const auto tree = db::load_tree_yaml(movisie);
  const int units = 9;
  const auto data = generated(tree, units, 3, 5, 0.08);
  const auto shuffled = generated(tree, units, 3, 5, 0.08, {4, 8, 0, 2, 7, 1, 6, 3, 5});
  auto spec = movisie_spec(db::Aggregation::geometric);
  spec.treatment.imputation = db::Imputation::mean;
  spec.treatment.outliers = db::OutlierMethod::winsorise;
  spec.levels["subdoel"].aggregate.method = db::Aggregation::median;
  spec.aggregate.min_coverage = 0.3;
  const auto a = db::run_pipeline(tree, data, spec);
  const auto b = db::run_pipeline(tree, shuffled, spec);
  ASSERT_NE(a.units(), b.units());
  const Eigen::MatrixXd ra = a.ranks(), rb = b.ranks();
  for (std::size_t u = 0; u < a.units().size(); ++u) {
    const auto v = static_cast<std::size_t>(std::find(b.units().begin(), b.units().end(), a.units()[u]) - b.units().begin());
    for (std::size_t p = 0; p < 3; ++p) {
      const auto ia = static_cast<Eigen::Index>(a.row(u, p)), ib = static_cast<Eigen::Index>(b.row(v, p));
      for (const auto& [ma, mb] : {std::pair{&a.scores(), &b.scores()}, std::pair{&a.standard_errors(), &b.standard_errors()},
                                   std::pair{&a.coverage(), &b.coverage()}, std::pair{&a.treated(), &b.treated()}}) {
        for (Eigen::Index c = 0; c < ma->cols(); ++c) {
          const double x = (*ma)(ia, c), y = (*mb)(ib, c);
          if (std::isnan(x)) {
            EXPECT_TRUE(std::isnan(y));
          } else {
            EXPECT_NEAR(x, y, 1e-12 * std::max(1.0, std::abs(x)));
          }
        }
      }
      for (Eigen::Index c = 0; c < ra.cols(); ++c) {
        if (!std::isnan(ra(ia, c)) || !std::isnan(rb(ib, c))) {
          EXPECT_EQ(ra(ia, c), rb(ib, c));
        }
      }
    }
  }
  EXPECT_EQ(a.audit().size(), b.audit().size());
}

// ---------------------------------------------------------------------------------------------
// Uncertainty

TEST(PipelineUncertainty, IntervalIsScorePlusMinusZTimesSe) {
  const auto tree = db::load_tree_yaml(movisie);
  const auto r = db::run_pipeline(tree, generated(tree, 4, 1, 9), movisie_spec(db::Aggregation::arithmetic));
  const double z = 1.959963984540054;
  EXPECT_NEAR(((r.upper() - r.scores()) - z * r.standard_errors()).cwiseAbs().maxCoeff(), 0.0, 1e-12);
  EXPECT_NEAR(((r.scores() - r.lower()) - z * r.standard_errors()).cwiseAbs().maxCoeff(), 0.0, 1e-12);
}

TEST(PipelineUncertainty, DeltaMethodAgreesWithMonteCarlo) {
  // The model: each indicator value drawn from N(value, se^2), independently; goalposts keep the
  // normalisation parameters fixed, as the delta method assumes. 4000 draws estimate each sd to
  // about 1.1%, so 5% is a loose bound for the arithmetic mean (linear: exact) and for the
  // geometric mean (nonlinear, but se is small next to the values).
  const auto tree = db::load_tree_yaml(movisie);
  const auto defs = goalposts_for(tree);
  db::RunContext context;
  context.indicators = &defs;
  const auto data = generated(tree, 4, 1, 21, 0.0, {}, 40.0, &defs);  // se at most 7.5% of a value
  const auto records = data.export_records();
  for (const auto method : {db::Aggregation::arithmetic, db::Aggregation::geometric}) {
    const auto spec = movisie_spec(method, db::Normalisation::goalposts);
    const auto delta = db::run_pipeline(tree, data, spec, context);
    const auto rows = static_cast<Eigen::Index>(delta.rows());
    const auto n = static_cast<Eigen::Index>(tree.size());
    Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(rows, n), sum2 = Eigen::MatrixXd::Zero(rows, n);
    std::mt19937 rng(2024);
    std::normal_distribution<double> normal;
    const int draws = 4000;
    for (int d = 0; d < draws; ++d) {
      auto drawn = records;
      for (auto& rr : drawn) rr.value += rr.se * normal(rng);
      const auto r = db::run_pipeline(tree, db::Dataset::from_records(drawn), spec, context);
      sum += r.scores();
      sum2 += r.scores().cwiseProduct(r.scores());
    }
    for (Eigen::Index v = 0; v < n; ++v) {
      for (Eigen::Index row = 0; row < rows; ++row) {
        const double mean = sum(row, v) / draws;
        const double sd = std::sqrt((sum2(row, v) - draws * mean * mean) / (draws - 1));
        EXPECT_NEAR(sd / delta.standard_errors()(row, v), 1.0, 0.05)
            << to_string(method) << " " << tree.node(static_cast<std::size_t>(v)).id << " row " << row;
      }
    }
  }
}

// A random layered DAG: every node below the top has one to three parents on the level above
// (so some goals have children that share indicators and some are tree-shaped).
db::GoalTree random_layered_dag(unsigned seed) {
  const std::size_t sizes[] = {1, 5, 14, 40};
  db::TreeDefinition d;
  d.levels = {"top", "mid", "low", "indicator"};
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> weight(0.5, 3.0);
  const auto id = [](std::size_t l, std::size_t k) { return "n" + std::to_string(l) + "_" + std::to_string(k); };
  for (std::size_t l = 0; l < 4; ++l) {
    for (std::size_t k = 0; k < sizes[l]; ++k) {
      d.nodes.push_back(db::Node{id(l, k), id(l, k), l == 3 ? db::NodeKind::indicator : db::NodeKind::goal, d.levels[l], {},
                                 l == 3 ? (k % 4 == 0 ? -1 : 1) : 0, {}});
      if (l == 0) continue;
      const std::size_t first = k * sizes[l - 1] / sizes[l];
      std::vector<std::size_t> parents{first};
      for (int extra = 0; extra < 2; ++extra) {
        const std::size_t p = std::uniform_int_distribution<std::size_t>(0, sizes[l - 1] - 1)(rng);
        if (rng() % 3 == 0 && std::find(parents.begin(), parents.end(), p) == parents.end()) parents.push_back(p);
      }
      for (const auto p : parents) d.edges.push_back(db::Edge{id(l, k), id(l - 1, p), weight(rng), {}});
    }
  }
  return db::GoalTree::build(d);
}

// var = sum_i J_i^2 se_i^2 with J built per row over every node from the local gradients: the
// definition, without the regrouping and blocking of uncertainty.cpp.
Eigen::MatrixXd reference_standard_errors(const db::PipelineResult& r) {
  const auto& tree = r.tree();
  const auto n = tree.size();
  const auto rows = static_cast<Eigen::Index>(r.rows());
  Eigen::MatrixXd out = r.standard_errors();
  for (Eigen::Index row = 0; row < rows; ++row) {
    std::vector<Eigen::VectorXd> jac(n);
    for (const auto v : tree.topological_order()) {
      jac[v] = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
      if (tree.node(v).kind == db::NodeKind::indicator) {
        jac[v](static_cast<Eigen::Index>(v)) = 1.0;
        continue;
      }
      const auto& children = tree.children(v);
      for (std::size_t c = 0; c < children.size(); ++c) {
        jac[v] += r.local_gradient(v)(row, static_cast<Eigen::Index>(c)) * jac[children[c]];
      }
      double var = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        const double j = jac[v](static_cast<Eigen::Index>(i));
        if (tree.node(i).kind != db::NodeKind::indicator || j == 0.0) continue;
        const double s = r.standard_errors()(row, static_cast<Eigen::Index>(i));
        var += j * j * s * s;
      }
      const double score = r.scores()(row, static_cast<Eigen::Index>(v));
      out(row, static_cast<Eigen::Index>(v)) = std::isnan(score) ? na : std::sqrt(var);
    }
  }
  return out;
}

TEST(PipelineUncertainty, RegroupedAndBlockedPropagationEqualsTheFullJacobian) {
  for (const unsigned seed : {1U, 2U, 3U}) {
    const auto tree = random_layered_dag(seed);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> value(10.0, 90.0), se(0.5, 3.0), coin(0.0, 1.0);
    // 150 rows: two full blocks of 64 and a short one. Some cells missing (in every block, or
    // only in the middle block: under the arithmetic mean the other blocks then have the same
    // gradients in every row), some se unknown, or none known.
    std::vector<db::EstimateRecord> records, gaps_in_one_block, without_se;
    for (int u = 0; u < 150; ++u) {
      for (const auto leaf : tree.leaves()) {
        const bool missing = coin(rng) < 0.1;
        auto r = rec("u" + std::to_string(u), 2022, tree.node(leaf).id, value(rng), coin(rng) < 0.05 ? na : se(rng));
        if (!missing || u < 64 || u >= 128) gaps_in_one_block.push_back(r);
        if (missing) continue;
        records.push_back(r);
        r.se = na;
        without_se.push_back(r);
      }
    }
    for (const auto method : all_methods) {
      for (const auto* data : {&records, &gaps_in_one_block, &without_se}) {
        auto spec = movisie_spec(method);
        spec.aggregate.min_coverage = 0.3;
        const auto r = db::run_pipeline(tree, db::Dataset::from_records(*data), spec);
        const auto want = reference_standard_errors(r);
        const auto& got = r.standard_errors();
        ASSERT_TRUE((got.array().isNaN() == want.array().isNaN()).all()) << to_string(method) << " seed " << seed;
        const Eigen::ArrayXXd diff = got.array().isNaN().select(0.0, (got - want).array().abs());
        const Eigen::ArrayXXd scale = want.array().isNaN().select(1.0, want.array().abs().max(1.0));
        EXPECT_LE((diff / scale).maxCoeff(), 1e-12) << to_string(method) << " seed " << seed;
        if (data == &without_se) {
          EXPECT_EQ(got.array().isNaN().count(), got.size()) << to_string(method);  // all unknown
        }
      }
    }
  }
}

TEST(PipelineRun, IndicatorsDefaultToTheDefinitionsTheTreeCarries) {
  const auto plain = random_layered_dag(4);  // no definitions
  const auto definitions = [&](double high) {
    std::vector<db::IndicatorDefinition> defs;
    for (const auto leaf : plain.leaves()) {
      db::IndicatorDefinition d;
      d.id = plain.node(leaf).id;
      d.label = plain.node(leaf).label;
      d.measure = db::Measure::count;
      d.direction = plain.node(leaf).direction;
      d.goalpost_min = 0.0;
      d.goalpost_max = high;
      defs.push_back(d);
    }
    return db::IndicatorSet(defs);
  };
  const auto defs = definitions(100.0);
  const auto tree = plain.with_indicators(defs);
  std::vector<db::EstimateRecord> records;
  for (int u = 0; u < 5; ++u) {
    for (const auto leaf : plain.leaves()) records.push_back(rec("u" + std::to_string(u), 2022, plain.node(leaf).id, 10.0 + u + static_cast<double>(leaf)));
  }
  const auto data = db::Dataset::from_records(records);
  const auto spec = movisie_spec(db::Aggregation::arithmetic, db::Normalisation::goalposts);
  // Goalposts come from definitions: none in the plain tree and none given is an error...
  EXPECT_TRUE(contains(pipeline_error([&] { (void)db::run_pipeline(plain, data, spec); }),
                       "goalposts normalisation needs goalpost_min and goalpost_max"));
  // ...a tree that carries them supplies them when the context gives none...
  db::RunContext given;
  given.indicators = &defs;
  const auto by_default = db::run_pipeline(tree, data, spec);
  EXPECT_EQ((by_default.scores() - db::run_pipeline(plain, data, spec, given).scores()).cwiseAbs().maxCoeff(), 0.0);
  // ...and definitions given by the caller win over the tree's.
  const auto wider = definitions(200.0);
  given.indicators = &wider;
  EXPECT_GT((db::run_pipeline(tree, data, spec, given).scores() - by_default.scores()).cwiseAbs().maxCoeff(), 1.0);
}

// ---------------------------------------------------------------------------------------------
// Data for ids that are not indicators of the tree is never dropped silently.

TEST(PipelineUnusedData, IdsOutsideTheTreeAreAnErrorByDefault) {
  const auto tree = flat_tree({{"x"}, {"y"}});
  const auto data = db::Dataset::from_records(
      {rec("u", 2022, "x", 1.0), rec("u", 2022, "z", 2.0), rec("u", 2022, "y", 3.0), rec("u", 2022, "w", 4.0)});
  try {
    (void)db::run_pipeline(tree, data, raw_spec());
    ADD_FAILURE() << "expected a PipelineError";
  } catch (const db::PipelineError& e) {
    EXPECT_EQ(std::string(e.what()),
              "the data set has 2 indicator ids that are not in the tree: 'z', 'w' (remove their rows, or set "
              "unused_data to 'ignore' in the pipeline to leave them out)");
    ASSERT_EQ(e.problems().size(), 1U);
    EXPECT_EQ(e.problems()[0].code, "unused_data");
    EXPECT_EQ(e.problems()[0].ids, (std::vector<std::string>{"z", "w"}));
  }
  const auto one = db::Dataset::from_records({rec("u", 2022, "x", 1.0), rec("u", 2022, "z", 2.0)});
  EXPECT_EQ(pipeline_error([&] { (void)db::run_pipeline(tree, one, raw_spec()); }),
            "the data set has 1 indicator id that is not in the tree: 'z' (remove its rows, or set unused_data to "
            "'ignore' in the pipeline to leave them out)");
  // Many ids: the first 20 are named, all are in the problem's ids.
  std::vector<db::EstimateRecord> records{rec("u", 2022, "x", 1.0)};
  for (int k = 0; k < 25; ++k) records.push_back(rec("u", 2022, "extra" + std::to_string(k), 1.0));
  try {
    (void)db::run_pipeline(tree, db::Dataset::from_records(records), raw_spec());
    ADD_FAILURE() << "expected a PipelineError";
  } catch (const db::PipelineError& e) {
    EXPECT_TRUE(contains(e.what(), "25 indicator ids that are not in the tree: 'extra0', 'extra1', "));
    EXPECT_TRUE(contains(e.what(), "'extra19' and 5 more (remove their rows"));
    EXPECT_EQ(e.problems()[0].ids.size(), 25U);
  }
}

TEST(PipelineUnusedData, IgnoreLeavesThemOutAndListsThem) {
  const auto tree = flat_tree({{"x"}, {"y"}});
  const auto data = db::Dataset::from_records(
      {rec("u", 2022, "x", 1.0), rec("u", 2022, "z", 2.0), rec("u", 2022, "y", 3.0), rec("u", 2022, "w", 4.0)});
  auto spec = raw_spec();
  spec.unused_data = db::UnusedData::ignore;
  const auto r = db::run_pipeline(tree, data, spec);
  EXPECT_EQ(r.unused_indicators(), (std::vector<std::string>{"z", "w"}));
  EXPECT_EQ(at(r, r.scores(), 0, "top"), 2.0);
  const auto clean = db::run_pipeline(tree, db::Dataset::from_records({rec("u", 2022, "x", 1.0), rec("u", 2022, "y", 3.0)}), spec);
  EXPECT_TRUE(clean.unused_indicators().empty());
}

TEST(PipelineUnusedData, DataForAGoalIsAlwaysAnError) {
  const auto tree = flat_tree({{"x"}, {"y"}});
  const auto data = db::Dataset::from_records({rec("u", 2022, "x", 1.0), rec("u", 2022, "top", 2.0), rec("u", 2022, "z", 2.0)});
  auto spec = raw_spec();
  spec.unused_data = db::UnusedData::ignore;
  EXPECT_EQ(pipeline_error([&] { (void)db::run_pipeline(tree, data, spec); }),
            "the data set has values for 'top', a goal of the tree: goal scores are computed from their children, not "
            "read from the data");
  // With the default both problems are reported at once.
  EXPECT_EQ(pipeline_error([&] { (void)db::run_pipeline(tree, data, raw_spec()); }),
            "2 problems:\n"
            "  the data set has values for 'top', a goal of the tree: goal scores are computed from their children, "
            "not read from the data\n"
            "  the data set has 1 indicator id that is not in the tree: 'z' (remove its rows, or set unused_data to "
            "'ignore' in the pipeline to leave them out)");
}

TEST(PipelineUncertainty, SharedDescendantsAreCountedOnceWithTheSumOfTheirPaths) {
  // top = (g1 + g2)/2, g1 = (a + b)/2, g2 = (b + c)/2: top = a/4 + b/2 + c/4, so with se 1, 2, 3
  // var(top) = 1/16 + 4/4 + 9/16 = 1.625 (not the 1/16 + 2 * 4/16 + 9/16 that treating the two
  // paths of b as independent would give).
  db::TreeDefinition d;
  d.levels = {"top", "goal", "indicator"};
  d.nodes = {{"top", "Top", db::NodeKind::goal, "top", {}, 0, {}},
             {"g1", "G1", db::NodeKind::goal, "goal", {}, 0, {}},
             {"g2", "G2", db::NodeKind::goal, "goal", {}, 0, {}},
             {"a", "A", db::NodeKind::indicator, "indicator", {}, 1, {}},
             {"b", "B", db::NodeKind::indicator, "indicator", {}, 1, {}},
             {"c", "C", db::NodeKind::indicator, "indicator", {}, 1, {}}};
  d.edges = {{"g1", "top", 1.0, {}}, {"g2", "top", 1.0, {}}, {"a", "g1", 1.0, {}},
             {"b", "g1", 1.0, {}},   {"b", "g2", 1.0, {}},   {"c", "g2", 1.0, {}}};
  const auto tree = db::GoalTree::build(d);
  const auto data = db::Dataset::from_records({rec("u", 2022, "a", 1.0, 1.0), rec("u", 2022, "b", 2.0, 2.0), rec("u", 2022, "c", 3.0, 3.0)});
  const auto r = db::run_pipeline(tree, data, raw_spec());
  EXPECT_NEAR(at(r, r.standard_errors(), 0, "top"), std::sqrt(1.625), 1e-15);
  EXPECT_NEAR(at(r, r.standard_errors(), 0, "g1"), std::sqrt(1.25), 1e-15);  // 1/4 + 4/4
  // A missing se with a nonzero derivative makes the node's se unknown.
  const auto unknown = db::Dataset::from_records({rec("u", 2022, "a", 1.0), rec("u", 2022, "b", 2.0, 2.0), rec("u", 2022, "c", 3.0, 3.0)});
  const auto ru = db::run_pipeline(tree, unknown, raw_spec());
  EXPECT_TRUE(std::isnan(at(ru, ru.standard_errors(), 0, "top")));
  EXPECT_NEAR(at(ru, ru.standard_errors(), 0, "g2"), std::sqrt(3.25), 1e-15);  // 4/4 + 9/4
  // Issue 15: and its interval is unknown (NaN), not the score itself; the score is still there.
  for (const char* node : {"a", "g1", "top"}) {
    EXPECT_FALSE(std::isnan(at(ru, ru.scores(), 0, node))) << node;
    EXPECT_TRUE(std::isnan(at(ru, ru.lower(), 0, node))) << node;
    EXPECT_TRUE(std::isnan(at(ru, ru.upper(), 0, node))) << node;
  }
  EXPECT_NEAR(at(ru, ru.upper(), 0, "g2") - at(ru, ru.lower(), 0, "g2"), 2 * 1.959963984540054 * std::sqrt(3.25), 1e-12);
}

}  // namespace
