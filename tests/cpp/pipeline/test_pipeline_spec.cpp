// PipelineSpec: settings resolved node > level > global field by field, check() against a tree,
// and the YAML file: the example of docs/pipeline.md, an exact round trip, and one test per kind
// of bad input with its file and line.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "doelenboom/pipeline.hpp"
#include "doelenboom/tree_io.hpp"
#include "pipeline_test_util.hpp"

namespace {

using namespace pipeline_test;
namespace db = doelenboom;
namespace fs = std::filesystem;

const fs::path movisie = fs::path(DOELENBOOM_SOURCE_DIR) / "examples" / "trees" / "movisie.yaml";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The first ```yaml block of docs/pipeline.md: the documented example must stay valid.
std::string docs_example() {
  const std::string doc = read_text(fs::path(DOELENBOOM_SOURCE_DIR) / "docs" / "pipeline.md");
  const auto begin = doc.find("```yaml\n");
  const auto end = doc.find("```", begin + 8);
  EXPECT_NE(begin, std::string::npos);
  return doc.substr(begin + 8, end - begin - 8);
}

std::string parse_error(const std::string& text) {
  try {
    (void)db::PipelineSpec::parse_yaml(text, "p.yaml");
  } catch (const db::ParseError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ParseError for:\n" << text;
  return {};
}

std::string all_messages(const std::vector<db::Problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.message + "\n";
  return out;
}

TEST(PipelineSpec, TheDocumentedExampleParsesAndFitsTheMovisieTree) {
  const auto tree = db::load_tree_yaml(movisie);
  const auto spec = db::PipelineSpec::parse_yaml(docs_example(), "docs/pipeline.md");
  EXPECT_TRUE(spec.check(tree).empty()) << all_messages(spec.check(tree));
  EXPECT_EQ(spec.normalise.low, 1.0);
  EXPECT_EQ(spec.treatment.outliers, db::OutlierMethod::winsorise);
  // Field by field: the level sets the method only, so min_coverage comes from the global section.
  const auto factor = spec.aggregate_of(tree, tree.index_of("kunnen_kiezen"));
  EXPECT_EQ(factor.method, db::Aggregation::geometric);
  EXPECT_EQ(factor.min_coverage, 0.5);
  // The node beats the level and the global section.
  const auto top = spec.aggregate_of(tree, tree.index_of("zelfregie"));
  EXPECT_EQ(top.method, db::Aggregation::minimum);
  EXPECT_EQ(top.min_coverage, 1.0);
  const auto count = spec.treatment_of(tree, tree.index_of("ind_clienten_bereikt"));
  EXPECT_EQ(count.denominator, "population");
  EXPECT_EQ(count.imputation, db::Imputation::locf);      // from the level
  EXPECT_EQ(count.outliers, db::OutlierMethod::winsorise);  // from the global section
  EXPECT_EQ(spec.normalise_of(tree, tree.index_of("ind_doorlooptijd")).method, db::Normalisation::goalposts);
  EXPECT_EQ(spec.normalise_of(tree, tree.index_of("ind_doorlooptijd")).low, 1.0);
  // Weights: the override replaces the listed children's weights.
  EXPECT_EQ(spec.child_weights_of(tree, tree.index_of("zelfregie")), (std::vector<double>{2.0, 1.0, 1.0}));
  EXPECT_EQ(spec.child_weights_of(tree, tree.index_of("kunnen_kiezen")), tree.child_weights(tree.index_of("kunnen_kiezen")));
}

TEST(PipelineSpec, RoundTripIsExact) {
  db::PipelineSpec spec;
  spec.treatment.denominator = "population";
  spec.treatment.denominator_scale = 1000;
  spec.treatment.imputation = db::Imputation::group_mean;
  spec.treatment.impute_group = "size_class";
  spec.normalise.method = db::Normalisation::zscore;
  spec.normalise.mean = 0.1;  // not exactly representable: written in its shortest round-trip form
  spec.normalise.sd = 1.0 / 3.0;
  spec.normalise.scope = db::NormaliseScope::all_periods;
  spec.aggregate.min_coverage = 2.0 / 3.0;
  spec.weights = db::WeightSource::equal;
  spec.confidence = 0.9;
  spec.unused_data = db::UnusedData::ignore;
  spec.levels["subdoel"].aggregate.method = db::Aggregation::harmonic;
  spec.levels["maatschappelijk resultaat"].weights = db::WeightSource::tree;
  spec.nodes["ind_uren"].treatment.denominator = "";  // clears an inherited denominator
  spec.nodes["ind_uren"].treatment.winsorise_max = 3;
  spec.nodes["ind_uren"].normalise.low = -1e-300;
  spec.nodes["ordenen"].aggregate.min_coverage = 1;
  spec.weight_overrides["zelfregie"] = {{"kunnen_kiezen", 0.1 + 0.2}, {"mogen_kiezen", 0.0}};
  const std::string text = spec.to_yaml();
  const auto back = db::PipelineSpec::parse_yaml(text);
  EXPECT_EQ(back, spec) << text;
  EXPECT_EQ(back.to_yaml(), text);
  EXPECT_EQ(back.weight_overrides.at("zelfregie").at("kunnen_kiezen"), 0.1 + 0.2);
  ASSERT_TRUE(back.nodes.at("ind_uren").treatment.denominator.has_value());
  EXPECT_EQ(*back.nodes.at("ind_uren").treatment.denominator, "");
  // The defaults too.
  EXPECT_EQ(db::PipelineSpec::parse_yaml(db::PipelineSpec{}.to_yaml()), db::PipelineSpec{});
}

TEST(PipelineSpec, SaveAndLoadAFile) {
  const fs::path path = fs::temp_directory_path() / "doelenboom_pipeline_spec_test.yaml";
  db::PipelineSpec spec;
  spec.nodes["a"].normalise.method = db::Normalisation::rank;
  spec.save_yaml(path);
  const auto back = db::PipelineSpec::load_yaml(path);
  EXPECT_EQ(back, spec);
  EXPECT_EQ(back.source, path.string());
  EXPECT_EQ(back.where.at("nodes/a").file, path.string());
  fs::remove(path);
}

TEST(PipelineSpec, UnknownKeysAreRejectedWithFileAndLine) {
  const std::string message = parse_error(
      "doelenboom_pipeline: 1\n"
      "normalise:\n"
      "  methd: zscore\n"
      "nodes:\n"
      "  a:\n"
      "    aggregate: {method: min, coverage: 0.5}\n"
      "    wieghts: equal\n"
      "colour: red\n");
  EXPECT_TRUE(contains(message, "p.yaml:3: normalise: unknown key 'methd' (expected one of: method, low, high, mean, sd, scope)"));
  EXPECT_TRUE(contains(message, "p.yaml:6: node 'a': aggregate: unknown key 'coverage' (expected one of: method, min_coverage)"));
  EXPECT_TRUE(contains(message, "p.yaml:7: node 'a': unknown key 'wieghts' (expected one of: treatment, normalise, aggregate, weights)"));
  EXPECT_TRUE(contains(message, "p.yaml:8: unknown key 'colour'"));
}

TEST(PipelineSpec, BadValuesAreRejectedWithFileAndLine) {
  const std::string message = parse_error(
      "doelenboom_pipeline: 1\n"
      "aggregate:\n"
      "  method: mean\n"
      "  min_coverage: half\n"
      "treatment: {winsorise_max: 2.5, imputation: [mean]}\n"
      "weight_overrides:\n"
      "  top: {a: heavy}\n"
      "confidence: 95%\n");
  EXPECT_TRUE(contains(message, "p.yaml:3: aggregate: key 'method': 'mean' is not one of: arithmetic, geometric, harmonic, min, median"));
  EXPECT_TRUE(contains(message, "p.yaml:4: aggregate: key 'min_coverage': 'half' is not a finite number"));
  EXPECT_TRUE(contains(message, "p.yaml:5: treatment: key 'winsorise_max': '2.5' is not a whole number"));
  EXPECT_TRUE(contains(message, "p.yaml:5: treatment: key 'imputation' must be a text, found a list"));
  EXPECT_TRUE(contains(message, "p.yaml:7: weight_overrides: 'top': key 'a': 'heavy' is not a finite number"));
  EXPECT_TRUE(contains(message, "p.yaml:8: key 'confidence': '95%' is not a finite number"));
  EXPECT_EQ(parse_error("doelenboom_pipeline: 1\nunused_data: skip\n"),
            "p.yaml:2: key 'unused_data': 'skip' is not one of: error, ignore");
}

// Settings given as data (the Python keyword dicts, as JSON) go through the file's schema code:
// the same checks and words, "pipeline" in place of file and line, no format version, PipelineError.
TEST(PipelineSpec, SettingsGivenAsDataAreReadByTheFileReader) {
  const auto spec = db::PipelineSpec::from_settings(
      R"({"normalise": {"method": "zscore"}, "treatment": {"winsorise_max": 3.0}, "levels": {"doel": {"weights": "equal"}},)"
      R"( "weight_overrides": {"top": {"a": 2}}, "confidence": 0.9})");
  EXPECT_EQ(spec.normalise.method, db::Normalisation::zscore);
  EXPECT_EQ(spec.treatment.winsorise_max, 3);
  EXPECT_EQ(spec.levels.at("doel").weights, db::WeightSource::equal);
  EXPECT_EQ(spec.weight_overrides.at("top").at("a"), 2.0);
  EXPECT_EQ(spec.confidence, 0.9);
  EXPECT_TRUE(spec.source.empty());
  try {
    (void)db::PipelineSpec::from_settings(R"({"aggregate": {"method": "mean"}, "nodes": {"x": {"colour": 1}}})");
    ADD_FAILURE() << "expected a PipelineError";
  } catch (const db::PipelineError& e) {
    EXPECT_STREQ(e.what(),
                 "2 problems:\n"
                 "  pipeline: aggregate: key 'method': 'mean' is not one of: arithmetic, geometric, harmonic, min, median\n"
                 "  pipeline: node 'x': unknown key 'colour' (expected one of: treatment, normalise, aggregate, weights)");
    ASSERT_EQ(e.problems().size(), 2U);
    EXPECT_TRUE(e.problems()[0].where.empty());
  }
}

TEST(PipelineSpec, UnusedDataSetting) {
  EXPECT_EQ(db::PipelineSpec{}.unused_data, db::UnusedData::error);
  const auto spec = db::PipelineSpec::parse_yaml("doelenboom_pipeline: 1\nunused_data: ignore\n");
  EXPECT_EQ(spec.unused_data, db::UnusedData::ignore);
  EXPECT_TRUE(contains(spec.to_yaml(), "\nunused_data: ignore\n"));
  EXPECT_TRUE(contains(db::PipelineSpec{}.to_yaml(), "\nunused_data: error\n"));
  EXPECT_NE(spec, db::PipelineSpec{});
  EXPECT_EQ(db::parse_unused_data("error"), db::UnusedData::error);
  EXPECT_EQ(db::to_string(db::UnusedData::ignore), "ignore");
  EXPECT_FALSE(db::parse_unused_data("warn").has_value());
}

TEST(PipelineSpec, VersionSyntaxAndDuplicates) {
  EXPECT_TRUE(contains(parse_error("normalise: {method: zscore}\n"), "p.yaml:1: missing required key 'doelenboom_pipeline'"));
  EXPECT_TRUE(contains(parse_error("doelenboom_pipeline: 2\n"), "p.yaml:1: unsupported format version '2' (expected 1)"));
  EXPECT_TRUE(contains(parse_error("doelenboom_pipeline: 1\nnormalise: {method: zscore\n"), "p.yaml:"));
  EXPECT_TRUE(contains(parse_error("doelenboom_pipeline: 1\nconfidence: 0.9\nconfidence: 0.8\n"),
                       "p.yaml:3: duplicate key 'confidence' (first given on line 2)"));
  EXPECT_TRUE(contains(parse_error(""), "the file is empty"));
}

TEST(PipelineSpec, CheckAgainstTheTreeReportsEveryProblem) {
  const auto tree = db::load_tree_yaml(movisie);
  const auto spec = db::PipelineSpec::parse_yaml(
      "doelenboom_pipeline: 1\n"
      "normalise: {low: 100, high: 0}\n"
      "aggregate: {min_coverage: 0}\n"
      "confidence: 1\n"
      "levels:\n"
      "  regio: {weights: equal}\n"
      "  subdoel: {normalise: {method: zscore, sd: 0}}\n"
      "nodes:\n"
      "  zelfregie: {treatment: {imputation: mean}}\n"
      "  ind_uren: {aggregate: {method: min}, treatment: {imputation: group_mean}}\n"
      "  onbekend: {weights: equal}\n"
      "weight_overrides:\n"
      "  zelfregie: {kunnen_kiezen: -1, ordenen: 1}\n"
      "  mogen_kiezen: {gehoord_worden: 0, rechten_kennen: 0}\n",
      "p.yaml");
  const std::string m = all_messages(spec.check(tree));
  EXPECT_TRUE(contains(m, "p.yaml:2: pipeline: normalise: minmax needs low < high, found low 100 and high 0"));
  EXPECT_TRUE(contains(m, "p.yaml:3: pipeline: aggregate: min_coverage 0 must lie in (0, 1]"));
  EXPECT_TRUE(contains(m, "p.yaml:4: pipeline: confidence 1 must lie strictly between 0 and 1"));
  EXPECT_TRUE(contains(m, "p.yaml:6: pipeline, level 'regio': level 'regio' is not a level of the tree"));
  EXPECT_TRUE(contains(m, "p.yaml:7: pipeline, level 'subdoel': normalise: sd 0 must be a positive number"));
  EXPECT_TRUE(contains(m, "p.yaml:9: pipeline, node 'zelfregie': node 'zelfregie' is a goal: treatment and normalisation apply to indicators only"));
  EXPECT_TRUE(contains(m, "p.yaml:10: pipeline, node 'ind_uren': node 'ind_uren' is an indicator: aggregation and weights apply to goals only"));
  EXPECT_TRUE(contains(m, "p.yaml:10: pipeline, node 'ind_uren': treatment: imputation group_mean needs impute_group"));
  EXPECT_TRUE(contains(m, "p.yaml:11: pipeline, node 'onbekend': node 'onbekend' is not in the tree"));
  EXPECT_TRUE(contains(m, "p.yaml:13: pipeline, weight_overrides: the weight of 'kunnen_kiezen' under 'zelfregie' is -1; expected a finite number >= 0"));
  EXPECT_TRUE(contains(m, "p.yaml:13: pipeline, weight_overrides: 'ordenen' is not a child of 'zelfregie' (children: kunnen_kiezen, willen_kiezen, mogen_kiezen)"));
  EXPECT_TRUE(contains(m, "p.yaml:14: pipeline, weight_overrides: every child of 'mogen_kiezen' has weight 0"));
  EXPECT_EQ(spec.check(tree).size(), 12U) << m;
  // run_pipeline refuses such a spec with all problems at once.
  const auto data = db::Dataset::from_records({rec("u", 2022, "ind_uren", 1.0)});
  const auto error = pipeline_error([&] { (void)db::run_pipeline(tree, data, spec); });
  EXPECT_TRUE(contains(error, "p.yaml:6"));
  EXPECT_TRUE(contains(error, "p.yaml:14"));
}

TEST(PipelineSpec, EnumNamesRoundTrip) {
  for (auto m : {db::Aggregation::arithmetic, db::Aggregation::geometric, db::Aggregation::harmonic, db::Aggregation::minimum,
                 db::Aggregation::median}) {
    EXPECT_EQ(db::parse_aggregation(db::to_string(m)), m);
  }
  EXPECT_EQ(db::to_string(db::Aggregation::minimum), "min");
  EXPECT_EQ(db::parse_normalisation("distance_to_target"), db::Normalisation::distance_to_target);
  EXPECT_EQ(db::parse_imputation("locf"), db::Imputation::locf);
  EXPECT_FALSE(db::parse_outlier_method("winsorize").has_value());
}

}  // namespace
