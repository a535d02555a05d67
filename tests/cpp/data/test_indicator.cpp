// Indicator definitions: the indicators YAML file (round trip, Dutch pillar names, scales) and one
// test per problem the reader and the definition check report, each asserting the full message.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "doelenboom/indicator.hpp"

namespace db = doelenboom;

namespace {

// Substring check that shows both texts when it fails (gtest only; gmock is not linked).
::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "'\n  does not contain\n'" << part << "'";
}


constexpr const char* example = R"(doelenboom_indicators: 1
indicators:
  - id: clienten_bereikt
    label: Aantal cliënten bereikt
    pillar: bereik
    result: output
    measure: count
    unit: cliënten
    description: "Unieke cliënten die minstens één gesprek hadden: telling per jaar"
  - id: clienten_per_1000
    label: Cliënten per 1000 inwoners
    pillar: reach
    result: output
    measure: rate
    rate_per: 1000
    norm: 2.5
  - id: p_tevreden
    label: Aandeel tevreden cliënten
    pillar: tevredenheid
    result: outcome
    measure: proportion
    norm: 0.8
    goalposts: [0.5, 1]
    unit: "%"
  - id: cijfer
    label: Rapportcijfer cliëntondersteuning
    pillar: satisfaction
    result: outcome
    measure: mean
    scale: rapportcijfer
  - id: past_bij_vraag
    label: Ondersteuning past bij de hulpvraag
    pillar: tevredenheid
    result: outcome
    measure: mean
    scale: {name: eigen, min: 0, max: 100}
  - id: zrm_verandering
    label: Verandering zelfredzaamheid (ZRM)
    pillar: doelrealisatie
    result: outcome
    measure: ordinal_change
    scale: zrm
  - id: doorlooptijd
    label: Doorlooptijd in dagen
    pillar: reach
    result: output
    measure: count
    direction: -1
    norm: 30
)";

std::string parse_error(std::string_view text, const char* source = "indicators.yaml") {
  try {
    (void)db::IndicatorSet::parse_yaml(text, source);
  } catch (const db::ParseError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ParseError";
  return {};
}

// A file with one indicator whose body lines are given (indented by the helper).
std::string one(const std::string& body) {
  std::string text = "doelenboom_indicators: 1\nindicators:\n  - id: x\n";
  std::size_t start = 0;
  while (start < body.size()) {
    const auto end = body.find('\n', start);
    text += "    " + body.substr(start, end - start) + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return text;
}

const std::string basics = "label: X\npillar: reach\nresult: output\n";

TEST(Indicator, ParsesEveryKeyAndDutchPillars) {
  const auto set = db::IndicatorSet::parse_yaml(example, "indicators.yaml");
  ASSERT_EQ(set.size(), 7U);
  const auto& a = set.at("clienten_bereikt");
  EXPECT_EQ(a.label, "Aantal cliënten bereikt");
  EXPECT_EQ(a.pillar, db::Pillar::reach);
  EXPECT_EQ(a.kind, db::ResultKind::output);
  EXPECT_EQ(a.measure, db::Measure::count);
  EXPECT_EQ(a.direction, 1);
  EXPECT_EQ(a.unit_text, "cliënten");
  EXPECT_EQ(a.description, "Unieke cliënten die minstens één gesprek hadden: telling per jaar");
  EXPECT_EQ(a.where.file, "indicators.yaml");
  EXPECT_EQ(a.where.line, 3U);
  EXPECT_FALSE(a.norm.has_value());

  const auto& p = set.at("p_tevreden");
  EXPECT_EQ(p.pillar, db::Pillar::satisfaction);
  EXPECT_EQ(p.measure, db::Measure::proportion);
  EXPECT_EQ(p.norm, 0.8);
  EXPECT_EQ(p.goalpost_min, 0.5);
  EXPECT_EQ(p.goalpost_max, 1.0);
  EXPECT_EQ(p.unit_text, "%");

  EXPECT_EQ(set.at("cijfer").scale, (db::Scale{"rapportcijfer", 1, 10}));
  EXPECT_EQ(set.at("past_bij_vraag").scale, (db::Scale{"eigen", 0, 100}));
  EXPECT_EQ(set.at("zrm_verandering").scale, (db::Scale{"zrm", 1, 5}));
  EXPECT_EQ(set.at("zrm_verandering").pillar, db::Pillar::goal_attainment);
  EXPECT_EQ(set.at("clienten_per_1000").rate_per, 1000.0);
  EXPECT_EQ(set.at("doorlooptijd").direction, -1);
  EXPECT_EQ(set.find("onbekend"), nullptr);
  EXPECT_EQ(set.definitions().front().id, "clienten_bereikt");
}

TEST(Indicator, YamlRoundTripIsEqualAndStable) {
  const auto set = db::IndicatorSet::parse_yaml(example, "indicators.yaml");
  const std::string yaml = set.to_yaml();
  EXPECT_TRUE(contains(yaml, "doelenboom_indicators: 1"));
  EXPECT_TRUE(contains(yaml, "pillar: satisfaction"));  // Dutch names are written in English
  EXPECT_TRUE(contains(yaml, "scale: rapportcijfer"));  // shorthand kept
  EXPECT_TRUE(contains(yaml, "    result: outcome\n"));
  EXPECT_FALSE(contains(yaml, "kind:"));
  const auto again = db::IndicatorSet::parse_yaml(yaml, "out.yaml");
  EXPECT_EQ(again, set);
  EXPECT_EQ(again.to_yaml(), yaml);
}

TEST(Indicator, RoundTripKeepsAwkwardTextsAndNumbers) {
  db::IndicatorDefinition d;
  d.id = "p.x-1";
  d.label = "null";  // would read back as a null if the emitter did not quote it
  d.description = "regel 1\nregel 2: 'citaat' en \"quote\" # geen commentaar";
  d.unit_text = "yes";
  d.pillar = db::Pillar::goal_attainment;
  d.kind = db::ResultKind::outcome;
  d.measure = db::Measure::rate;
  d.rate_per = 10000;
  d.norm = 0.1 + 0.2;  // 0.30000000000000004 must come back exactly
  d.goalpost_min = 1.0 / 3.0;
  d.goalpost_max = 1e6;
  const db::IndicatorSet set({d});
  const auto again = db::IndicatorSet::parse_yaml(set.to_yaml());
  EXPECT_EQ(again, set);
  EXPECT_EQ(again.at("p.x-1").norm, 0.1 + 0.2);
  EXPECT_EQ(again.at("p.x-1").label, "null");
}

TEST(Indicator, SaveAndLoadFile) {
  const auto dir = std::filesystem::temp_directory_path() / "doelenboom_test_indicator";
  std::filesystem::create_directories(dir);
  const auto path = dir / "indicators.yaml";
  const auto set = db::IndicatorSet::parse_yaml(example);
  set.save_yaml(path);
  EXPECT_EQ(db::IndicatorSet::load_yaml(path), set);
  EXPECT_TRUE(db::IndicatorSet::check_yaml_file(path).empty());
  std::filesystem::remove_all(dir);
}

TEST(Indicator, ValidRangeFollowsTheMeasure) {
  const auto set = db::IndicatorSet::parse_yaml(example);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(set.at("p_tevreden").valid_range(), std::make_pair(0.0, 1.0));
  EXPECT_EQ(set.at("cijfer").valid_range(), std::make_pair(1.0, 10.0));
  EXPECT_EQ(set.at("past_bij_vraag").valid_range(), std::make_pair(0.0, 100.0));
  EXPECT_EQ(set.at("clienten_bereikt").valid_range(), std::make_pair(0.0, inf));
  EXPECT_EQ(set.at("clienten_per_1000").valid_range(), std::make_pair(0.0, inf));
  EXPECT_EQ(set.at("zrm_verandering").valid_range(), std::make_pair(-inf, inf));
}

TEST(Indicator, NamesOfEnumsAndNamedScales) {
  EXPECT_EQ(db::parse_pillar("Bereik"), db::Pillar::reach);
  EXPECT_EQ(db::parse_pillar("TEVREDENHEID"), db::Pillar::satisfaction);
  EXPECT_EQ(db::parse_pillar("doelrealisatie"), db::Pillar::goal_attainment);
  EXPECT_EQ(db::parse_pillar("goal_attainment"), db::Pillar::goal_attainment);
  EXPECT_FALSE(db::parse_pillar("reik").has_value());
  EXPECT_EQ(db::to_string(db::Pillar::goal_attainment), "goal_attainment");
  EXPECT_EQ(db::to_string(db::Measure::ordinal_change), "ordinal_change");
  EXPECT_EQ(db::to_string(db::ResultKind::outcome), "outcome");
  EXPECT_EQ(db::named_scale("likert5"), (db::Scale{"likert5", 1, 5}));
  EXPECT_EQ(db::named_scale("rapportcijfer"), (db::Scale{"rapportcijfer", 1, 10}));
  EXPECT_EQ(db::named_scale("zrm"), (db::Scale{"zrm", 1, 5}));
  EXPECT_FALSE(db::named_scale("likert7").has_value());
}

TEST(Indicator, AtNamesAnUnknownId) {
  const auto set = db::IndicatorSet::parse_yaml(example);
  try {
    (void)set.at("p_tevredn");
    ADD_FAILURE() << "expected a DataError";
  } catch (const db::DataError& e) {
    EXPECT_TRUE(contains(std::string(e.what()), "unknown indicator 'p_tevredn' (known: clienten_bereikt, "));
    ASSERT_EQ(e.problems().size(), 1U);
    EXPECT_EQ(e.problems()[0].code, "unknown_indicator");
  }
}

// ---- one test per problem -------------------------------------------------------------------

TEST(IndicatorErrors, UnknownKeyNamesFileLineIndicatorAndTheAllowedKeys) {
  // Line 7 holds the misspelt key.
  const std::string text =
      "doelenboom_indicators: 1\n"
      "indicators:\n"
      "  - id: x\n"
      "    label: X\n"
      "    pillar: reach\n"
      "    result: output\n"
      "    pilar: reach\n"
      "    measure: count\n";
  EXPECT_EQ(parse_error(text),
            "indicators.yaml:7: indicator 'x': unknown key 'pilar' (expected one of: id, label, pillar, result, "
            "measure, direction, rate_per, scale, norm, goalposts, unit, description)");
}

TEST(IndicatorErrors, MissingRequiredKey) {
  EXPECT_EQ(parse_error(one("label: X\nresult: output\nmeasure: count")),
            "indicators.yaml:3: indicator 'x': missing required key 'pillar' (expected one of: reach, satisfaction, "
            "goal_attainment)");
}

TEST(IndicatorClassification, EveryFormReadsTheKeysAlike) {
  db::IndicatorDefinition d;
  EXPECT_EQ(db::set_classification(d, "pillar", " Tevredenheid "), "");
  EXPECT_EQ(d.pillar, db::Pillar::satisfaction);
  EXPECT_EQ(db::set_classification(d, "result", "Outcome"), "");
  EXPECT_EQ(d.kind, db::ResultKind::outcome);
  EXPECT_EQ(db::set_classification(d, "measure", "MEAN "), "");
  EXPECT_EQ(d.measure, db::Measure::mean);
  EXPECT_EQ(db::set_classification(d, "result", "outcum"), "result 'outcum' is not one of: output, outcome");
  EXPECT_EQ(d.kind, db::ResultKind::outcome);
  EXPECT_EQ(db::classification_choices("measure"), "count, rate, proportion, mean, ordinal_change");
}

TEST(IndicatorErrors, BadPillarResultMeasureAndDirectionAreAllReported) {
  const std::string message = parse_error(one("label: X\npillar: bereikt\nresult: outcum\nmeasure: share\ndirection: 2"));
  EXPECT_TRUE(contains(message, "4 problems:"));
  EXPECT_TRUE(contains(message, "indicators.yaml:5: indicator 'x': pillar 'bereikt' is not one of: reach, satisfaction, "
                                 "goal_attainment (or bereik, tevredenheid, doelrealisatie)"));
  EXPECT_TRUE(contains(message, "indicators.yaml:6: indicator 'x': result 'outcum' is not one of: output, outcome"));
  EXPECT_TRUE(contains(message, "indicators.yaml:7: indicator 'x': measure 'share' is not one of: count, rate, "
                                 "proportion, mean, ordinal_change"));
  EXPECT_TRUE(contains(message, "indicators.yaml:8: indicator 'x': direction '2' must be 1 (higher is better) or -1 "
                                 "(lower is better)"));
}

TEST(IndicatorErrors, KindIsReadAsTheOlderNameOfResult) {
  const auto set = db::IndicatorSet::parse_yaml(one("label: X\npillar: reach\nkind: outcome\nmeasure: count"));
  EXPECT_EQ(set.at("x").kind, db::ResultKind::outcome);
  EXPECT_TRUE(contains(set.to_yaml(), "result: outcome"));
  EXPECT_EQ(parse_error(one("label: X\npillar: reach\nresult: output\nkind: outcome\nmeasure: count")),
            "indicators.yaml:7: indicator 'x': key 'kind' is the older name of 'result', which is given on line 6 "
            "(expected only 'result')");
  EXPECT_EQ(parse_error(one("label: X\npillar: reach\nmeasure: count")),
            "indicators.yaml:3: indicator 'x': missing required key 'result' (expected one of: output, outcome)");
}

TEST(IndicatorErrors, MeanWithoutScale) {
  EXPECT_EQ(parse_error(one(basics + "measure: mean")),
            "indicators.yaml:3: indicator 'x': a mean needs a scale (add 'scale: likert5', 'scale: rapportcijfer', "
            "'scale: zrm' or 'scale: {name: ..., min: ..., max: ...}')");
}

TEST(IndicatorErrors, UnknownScaleNameIsReportedOnce) {
  EXPECT_EQ(parse_error(one(basics + "measure: mean\nscale: likert7")),
            "indicators.yaml:8: indicator 'x': scale 'likert7' is not a known scale (expected likert5, rapportcijfer, "
            "zrm or {name: ..., min: ..., max: ...})");
}

TEST(IndicatorErrors, ScaleWithMinAboveMaxAndScaleOnACount) {
  EXPECT_EQ(parse_error(one(basics + "measure: mean\nscale: {name: omgekeerd, min: 5, max: 1}")),
            "indicators.yaml:3: indicator 'x': scale 'omgekeerd' runs from 5 to 1 (expected finite numbers with min < max)");
  EXPECT_EQ(parse_error(one(basics + "measure: count\nscale: likert5")),
            "indicators.yaml:3: indicator 'x': a scale only applies to measures 'mean' and 'ordinal_change' (this "
            "indicator's measure is 'count')");
}

TEST(IndicatorErrors, ProportionNormAndGoalpostsOutsideZeroOne) {
  EXPECT_EQ(parse_error(one(basics + "measure: proportion\nnorm: 80")),
            "indicators.yaml:3: indicator 'x': norm 80 is outside [0, 1], the range of a proportion indicator");
  EXPECT_EQ(parse_error(one(basics + "measure: proportion\ngoalposts: [0, 100]")),
            "indicators.yaml:3: indicator 'x': goalposts [0, 100] lie outside [0, 1], the range of a proportion indicator");
}

TEST(IndicatorErrors, GoalpostsOrderAndShape) {
  EXPECT_EQ(parse_error(one(basics + "measure: count\ngoalposts: [10, 10]")),
            "indicators.yaml:3: indicator 'x': goalposts [10, 10] need min < max");
  EXPECT_EQ(parse_error(one(basics + "measure: count\ngoalposts: [10]")),
            "indicators.yaml:8: indicator 'x': key 'goalposts' must be a list of two numbers [min, max], found a list of 1");
}

TEST(IndicatorErrors, NumbersMustBeNumbers) {
  EXPECT_EQ(parse_error(one(basics + "measure: count\nnorm: veel")),
            "indicators.yaml:8: indicator 'x': norm 'veel' is not a number (expected a finite number with '.' as "
            "decimal point)");
  EXPECT_EQ(parse_error(one(basics + "measure: rate\nrate_per: 0")),
            "indicators.yaml:3: indicator 'x': rate_per 0 must be a positive number of inhabitants");
  EXPECT_EQ(parse_error(one(basics + "measure: count\nrate_per: 100")),
            "indicators.yaml:3: indicator 'x': rate_per only applies to measure 'rate' (this indicator's measure is "
            "'count')");
}

TEST(IndicatorErrors, DuplicateIdNamesTheFirstLine) {
  const std::string text = one(basics + "measure: count") + "  - id: x\n    label: Y\n    pillar: reach\n"
                                                             "    result: output\n    measure: count\n";
  EXPECT_EQ(parse_error(text), "indicators.yaml:8: duplicate indicator id 'x' (first defined on line 3)");
}

TEST(IndicatorErrors, InvalidId) {
  EXPECT_EQ(parse_error("doelenboom_indicators: 1\nindicators:\n  - id: p tevreden\n    label: X\n    pillar: reach\n"
                        "    result: output\n    measure: count\n"),
            "indicators.yaml:3: indicator 'p tevreden': id 'p tevreden' is not a valid id (expected an ASCII slug: a "
            "letter or digit, then letters, digits, '_', '-' or '.')");
}

TEST(IndicatorErrors, VersionKeyMissingOrWrong) {
  EXPECT_EQ(parse_error("indicators: []\n"),
            "indicators.yaml:1: missing required key 'doelenboom_indicators' (the format version: start the file with "
            "'doelenboom_indicators: 1')");
  EXPECT_EQ(parse_error("doelenboom_indicators: 2\nindicators: []\n"),
            "indicators.yaml:1: unsupported format version '2' (expected 1)");
  EXPECT_EQ(parse_error("doelenboom_indicators: 1\nindicatoren: []\n"),
            "2 problems:\n  indicators.yaml:1: missing required key 'indicators' (the list of indicators)\n"
            "  indicators.yaml:2: unknown key 'indicatoren' (expected one of: doelenboom_indicators, indicators)");
}

TEST(IndicatorErrors, EmptyFileSyntaxErrorAndEncoding) {
  EXPECT_EQ(parse_error(""),
            "indicators.yaml: the file is empty (expected 'doelenboom_indicators: 1' and an 'indicators' list)");
  EXPECT_TRUE(contains(parse_error("doelenboom_indicators: 1\nindicators: [\n"), "indicators.yaml:3: YAML syntax error"));
  EXPECT_EQ(parse_error("doelenboom_indicators: 1\nindicators:\n  - id: x\n    label: Cli\xEBnt\n"),
            "indicators.yaml:4: invalid UTF-8 at byte offset 61 (byte 0xEB); save the file as UTF-8 (not Latin-1, "
            "Windows-1252 or UTF-16)");
}

TEST(IndicatorErrors, ManyProblemsAtOnceInFileOrder) {
  const std::string text =
      "doelenboom_indicators: 1\n"
      "indicators:\n"
      "  - id: a\n"
      "    label: A\n"
      "    pillar: reach\n"
      "    result: output\n"
      "    measure: mean\n"
      "  - id: b\n"
      "    label: B\n"
      "    pillar: reach\n"
      "    result: output\n"
      "    measure: proportion\n"
      "    norm: 1.5\n"
      "    colour: red\n";
  try {
    (void)db::IndicatorSet::parse_yaml(text, "indicators.yaml");
    ADD_FAILURE() << "expected a ParseError";
  } catch (const db::ParseError& e) {
    ASSERT_EQ(e.problems().size(), 2U) << e.what();
    EXPECT_EQ(e.problems()[0].code, "missing_scale");
    EXPECT_EQ(e.problems()[0].where.line, 3U);
    EXPECT_EQ(e.problems()[0].ids, (std::vector<std::string>{"a"}));
    // b's unknown key is reported; its norm is not checked again on top of the parse problem.
    EXPECT_EQ(e.problems()[1].code, "unknown_key");
    EXPECT_EQ(e.problems()[1].where.line, 14U);
  }
}

TEST(IndicatorErrors, CheckYamlFileReturnsProblemsWithoutThrowing) {
  const auto dir = std::filesystem::temp_directory_path() / "doelenboom_test_indicator_check";
  std::filesystem::create_directories(dir);
  const auto path = dir / "indicators.yaml";
  std::ofstream(path) << one(basics + "measure: mean");
  const auto problems = db::IndicatorSet::check_yaml_file(path);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].where.file, path.string());
  EXPECT_EQ(problems[0].code, "missing_scale");
  const auto missing = db::IndicatorSet::check_yaml_file(dir / "nope.yaml");
  ASSERT_EQ(missing.size(), 1U);
  EXPECT_EQ(missing[0].code, "io");
  std::filesystem::remove_all(dir);
}

TEST(IndicatorErrors, ConstructorChecksDefinitions) {
  db::IndicatorDefinition d;
  d.id = "x";
  d.label = "X";
  d.direction = 0;
  d.measure = db::Measure::proportion;
  d.goalpost_min = 0.2;
  EXPECT_THROW(db::IndicatorSet({d}), db::ParseError);
  const auto problems = d.check();
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_EQ(problems[0].message, "indicator 'x': direction 0 must be 1 (higher is better) or -1 (lower is better)");
  EXPECT_EQ(problems[1].message, "indicator 'x': goalposts need both min and max (or neither)");
}

}  // namespace
