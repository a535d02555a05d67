// Questionnaires: the items file, the answers CSV and the survey estimates. Expected numbers are
// worked out in the tests from the formulas (not with the library's kernels); the Wilson limits and
// the t quantile were also checked against statsmodels 0.15 / SciPy 1.17.

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "estimate/estimate_test_util.hpp"
#include "doelenboom/questionnaire.hpp"
#include "doelenboom/unit.hpp"

namespace db = doelenboom;

namespace {

using namespace estimate_test;

// A file in a fresh temporary folder (tests/cpp/temp_dir.hpp), named as this reader's input.
class TempFile : public doelenboom::testing::TempFile {
 public:
  explicit TempFile(const std::string& text, const std::string& name = "answers.csv")
      : doelenboom::testing::TempFile(text, name) {}
};

const char* const items_yaml = R"(doelenboom_items: 1
items:
  - id: q1
    label: De ondersteuning heeft mij geholpen
    type: likert5
  - id: s1
    label: Ik kan zelf verder
    type: likert5
    scale: regie
  - id: s2
    label: Ik kon zelf keuzes maken
    type: likert5
    scale: regie
  - id: s3
    label: Ik voelde me niet gehoord
    type: likert5
    scale: regie
    reversed: true
  - id: bekend
    label: Wist u dat u gebruik kunt maken van clientondersteuning?
    type: yes_no
  - id: cijfer
    label: Rapportcijfer
    type: grade
)";

const db::Pseudonymiser& pseudonymiser() {
  static const db::Pseudonymiser p("a test key of at least sixteen bytes");
  return p;
}

double value_of(const db::Dataset& d, const std::string& unit, const std::string& period, const std::string& id) {
  const auto row = d.find(unit, *db::Period::parse(period), id);
  EXPECT_TRUE(row.has_value()) << "no estimate " << id;
  return row ? d.values()[static_cast<Eigen::Index>(*row)] : std::numeric_limits<double>::quiet_NaN();
}



}  // namespace

// ---------------------------------------------------------------------------------------------
// Items file

TEST(QuestionnaireItems, ParsesEveryKey) {
  const auto items = db::parse_items_yaml(items_yaml, "items.yaml");
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[0].id, "q1");
  EXPECT_EQ(items[0].label, "De ondersteuning heeft mij geholpen");
  EXPECT_EQ(items[0].type, db::ItemType::likert5);
  EXPECT_EQ(items[0].scale, "");
  EXPECT_EQ(items[3].scale, "regie");
  EXPECT_TRUE(items[3].reversed);
  EXPECT_FALSE(items[2].reversed);
  EXPECT_EQ(items[4].type, db::ItemType::yes_no);
  EXPECT_EQ(items[5].type, db::ItemType::grade);
  EXPECT_EQ(items[1].where.line, 6u);
  EXPECT_EQ(items[4].min(), 0.0);
  EXPECT_EQ(items[4].max(), 1.0);
  EXPECT_EQ(items[5].min(), 1.0);
  EXPECT_EQ(items[5].max(), 10.0);
  EXPECT_EQ(items[0].max(), 5.0);
  EXPECT_EQ(db::to_string(db::ItemType::yes_no), "yes_no");
  EXPECT_EQ(db::parse_item_type("grade"), db::ItemType::grade);
  EXPECT_FALSE(db::parse_item_type("likert7").has_value());
}

TEST(QuestionnaireItems, LoadsFromFile) {
  TempFile f(items_yaml, "items.yaml");
  EXPECT_EQ(db::load_items_yaml(f.path()).size(), 6u);
}

TEST(QuestionnaireItems, RejectsUnknownKeysWithFileAndLine) {
  const std::string text = "doelenboom_items: 1\nitems:\n  - id: q1\n    label: A\n    type: likert5\n    colour: red\n";
  const std::string m = error_of<db::ParseError>([&] { (void)db::parse_items_yaml(text, "items.yaml"); });
  expect_contains(m, {"items.yaml:6", "item 'q1'", "unknown key 'colour'", "expected one of: id, label, type, scale, reversed"});
  const std::string top = error_of<db::ParseError>([&] { (void)db::parse_items_yaml("doelenboom_items: 1\nitems: []\nnaam: x\n", "i.yaml"); });
  expect_contains(top, {"i.yaml:3", "unknown key 'naam'"});
}

TEST(QuestionnaireItems, ReportsEveryProblemAtOnce) {
  const std::string text = R"(doelenboom_items: 1
items:
  - id: q1
    label: A
    type: likert7
  - id: q2
    type: likert5
  - id: q1
    label: C
    type: yes_no
    label: D
)";
  try {
    (void)db::parse_items_yaml(text, "items.yaml");
    ADD_FAILURE() << "no ParseError";
  } catch (const db::ParseError& e) {
    const std::string m = e.what();
    expect_contains(m, {"items.yaml:5", "type 'likert7' is not one of: likert5, yes_no, grade",
                        "items.yaml:6", "missing required key 'label'",
                        "items.yaml:11", "duplicate key 'label' (first given on line 9)"});
    EXPECT_GE(e.problems().size(), 3u);
  }
}

TEST(QuestionnaireItems, ChecksIdsAndScales) {
  const std::string text = R"(doelenboom_items: 1
items:
  - {id: a, label: A, type: likert5, scale: s}
  - {id: b, label: B, type: grade, scale: s}
  - {id: c, label: C, type: likert5, scale: alone}
  - {id: d, label: D, type: likert5, reversed: true}
  - {id: a, label: E, type: likert5}
  - {id: e.f, label: F, type: likert5}
  - {id: g, label: G, type: likert5, scale: g}
  - {id: h, label: H, type: likert5, scale: g}
)";
  const std::string m = error_of<db::ParseError>([&] { (void)db::parse_items_yaml(text, "items.yaml"); });
  expect_contains(m, {"item 'b' of scale 's' is grade while item 'a' is likert5 (expected one item type per scale)",
                      "scale 'alone' has only one item, 'c'",
                      "item 'd' is reversed but belongs to no scale",
                      "items.yaml:7", "duplicate item id 'a' (first defined at items.yaml:3)",
                      "item id 'e.f' is not a valid id",
                      "scale 'g' has the name of an item"});
}

TEST(QuestionnaireItems, RejectsEmptyWrongVersionAndNonUtf8) {
  expect_contains(error_of<db::ParseError>([] { (void)db::parse_items_yaml("", "e.yaml"); }), {"e.yaml", "the file is empty"});
  expect_contains(error_of<db::ParseError>([] { (void)db::parse_items_yaml("doelenboom_items: 2\nitems: []\n", "v.yaml"); }),
                  {"v.yaml:1", "unsupported format version '2' (expected 1)"});
  expect_contains(error_of<db::ParseError>([] { (void)db::parse_items_yaml("items: []\n", "m.yaml"); }),
                  {"missing required key 'doelenboom_items'"});
  const std::string latin1 = "doelenboom_items: 1\nitems:\n  - {id: a, label: \"Financi\xEBn\", type: likert5}\n";
  expect_contains(error_of<db::ParseError>([&] { (void)db::parse_items_yaml(latin1, "l.yaml"); }),
                  {"l.yaml:3", "invalid UTF-8"});
}

// ---------------------------------------------------------------------------------------------
// Estimates

TEST(SurveyEstimate, LikertAgreeShareMeanAndWilsonByHand) {
  // 12 respondents answer q1; 7 of them 4 or 5. One more respondent left q1 empty.
  const std::vector<int> answers{5, 4, 4, 3, 2, 5, 4, 1, 3, 5, 3, 4};
  std::string csv = "unit,period,respondent,item,value\n";
  for (std::size_t i = 0; i < answers.size(); ++i)
    csv += "GM0001,2023,r" + std::to_string(i) + ",q1," + std::to_string(answers[i]) + "\n";
  csv += "GM0001,2023,r99,q1,\n";
  TempFile f(csv);
  const auto items = db::parse_items_yaml(items_yaml);
  const db::ResponseTable t = db::read_responses_csv(f.path(), items, pseudonymiser());
  ASSERT_EQ(t.size(), 13u);
  EXPECT_TRUE(std::isnan(t.value[12]));
  EXPECT_EQ(t.respondent[0], pseudonymiser()("r0"));
  const db::Dataset d = db::estimate_survey(t.view(), {}, no_suppression());

  const db::EstimateRecord agree = find_record(d, "GM0001", "2023", "q1.agree");
  EXPECT_EQ(agree.n, 12.0);
  expect_close(agree.value, 7.0 / 12.0);
  const auto [lo, hi] = wilson_by_hand(7, 12);
  expect_close(agree.ci_low, lo, 1e-12);
  expect_close(agree.ci_high, hi, 1e-12);
  expect_close(agree.ci_low, 0.31951131254954973, 1e-12);  // statsmodels proportion_confint(7, 12, method="wilson")
  expect_close(agree.ci_high, 0.8067396863412435, 1e-12);
  EXPECT_NE(agree.method.find("1 empty answers left out"), std::string::npos) << agree.method;

  double sum = 0, ss = 0;
  for (int a : answers) sum += a;
  const double mean = sum / 12.0;
  for (int a : answers) ss += (a - mean) * (a - mean);
  const double se = std::sqrt(ss / 11.0) / std::sqrt(12.0);
  const double t11 = 2.200985160091639;  // scipy.stats.t.ppf(0.975, 11)
  const db::EstimateRecord m = find_record(d, "GM0001", "2023", "q1.mean");
  expect_close(m.value, 43.0 / 12.0);
  expect_close(m.se, se, 1e-12);
  expect_close(m.ci_low, mean - t11 * se, 1e-9);
  expect_close(m.ci_high, mean + t11 * se, 1e-9);
  EXPECT_EQ(m.n, 12.0);
}

// Issue 15: 17/17 and 0/17 get the se of the 95% Wilson interval, not sqrt(p (1 - p) / n) = 0;
// a share strictly between 0 and 1 keeps its binomial se.
TEST(SurveyEstimate, AllOrNoneAgreeingGetTheSeOfTheWilsonInterval) {
  std::string csv = "unit,period,respondent,item,value\n";
  for (int i = 0; i < 17; ++i) {
    csv += "GM0001,2023,r" + std::to_string(i) + ",q1,5\n";  // 17 of 17 agree
    csv += "GM0002,2023,r" + std::to_string(i) + ",q1,1\n";  // 0 of 17 agree
    csv += "GM0003,2023,r" + std::to_string(i) + ",q1," + (i < 12 ? "4" : "2") + "\n";  // 12 of 17
  }
  TempFile f(csv);
  const db::ResponseTable t = db::read_responses_csv(f.path(), db::parse_items_yaml(items_yaml), pseudonymiser());
  const db::Dataset d = db::estimate_survey(t.view(), {}, no_suppression());

  const db::EstimateRecord all = find_record(d, "GM0001", "2023", "q1.agree");
  EXPECT_EQ(all.value, 1.0);
  const double low = wilson_by_hand(17, 17).first;
  expect_close(low, 0.8156818649911481, 1e-12);  // statsmodels proportion_confint(17, 17, method="wilson")
  expect_close(all.ci_low, low, 1e-12);
  EXPECT_EQ(all.ci_high, 1.0);
  expect_close(all.se, (1.0 - low) / (2.0 * z95), 1e-12);
  expect_close(all.se, 0.0470207964183857, 1e-12);

  const db::EstimateRecord none = find_record(d, "GM0002", "2023", "q1.agree");
  EXPECT_EQ(none.value, 0.0);
  const double high = wilson_by_hand(0, 17).second;
  expect_close(high, 0.18431813500885186, 1e-12);
  EXPECT_EQ(none.ci_low, 0.0);
  expect_close(none.ci_high, high, 1e-12);
  expect_close(none.se, high / (2.0 * z95), 1e-12);
  EXPECT_EQ(none.se, all.se);  // symmetric

  const db::EstimateRecord some = find_record(d, "GM0003", "2023", "q1.agree");
  expect_close(some.value, 12.0 / 17.0);
  expect_close(some.se, std::sqrt((12.0 / 17.0) * (5.0 / 17.0) / 17.0), 1e-15);
}

TEST(SurveyEstimate, YesNoWordsGradesAndGroups) {
  const std::string csv =
      "unit,period,respondent,item,value\n"
      "A,2023,1,bekend,ja\nA,2023,2,bekend,Nee\nA,2023,3,bekend,yes\nA,2023,4,bekend,no\nA,2023,5,bekend,1\n"
      "A,2023,6,bekend,0\nA,2023,7,bekend,JA\n"
      "A,2024,1,bekend,nee\nA,2024,2,bekend,ja\n"
      "B,2023,1,cijfer,7.5\nB,2023,2,cijfer,8\nB,2023,3,cijfer,10\n";
  TempFile f(csv);
  const db::ResponseTable t = db::read_responses_csv(f.path(), db::parse_items_yaml(items_yaml), pseudonymiser());
  const db::Dataset d = db::estimate_survey(t.view(), {}, no_suppression());
  expect_close(value_of(d, "A", "2023", "bekend.yes"), 4.0 / 7.0);
  expect_close(value_of(d, "A", "2024", "bekend.yes"), 0.5);
  expect_close(value_of(d, "B", "2023", "cijfer.mean"), (7.5 + 8 + 10) / 3.0);
  EXPECT_FALSE(d.find("A", *db::Period::parse("2023"), "cijfer.mean").has_value());
  EXPECT_FALSE(d.find("A", *db::Period::parse("2023"), "bekend.mean").has_value());  // yes/no: a share only
  EXPECT_EQ(d.size(), 3u);
}

TEST(SurveyEstimate, ScaleAlphaAndScoreByHand) {
  // Scale regie = s1, s2 and s3 reversed (scored 6 - x). Five complete respondents and one who
  // skipped s2 (left out of alpha and the scale score).
  const std::vector<std::array<int, 3>> raw{{4, 5, 2}, {3, 3, 3}, {5, 4, 1}, {2, 2, 4}, {4, 3, 3}};
  std::string csv = "unit,period,instrument,respondent,item,value\n";
  for (std::size_t i = 0; i < raw.size(); ++i)
    for (std::size_t j = 0; j < 3; ++j)
      csv += "A,2023-Q1,lang,r" + std::to_string(i) + ",s" + std::to_string(j + 1) + "," + std::to_string(raw[i][j]) + "\n";
  csv += "A,2023-Q1,lang,r9,s1,4\nA,2023-Q1,lang,r9,s2,\nA,2023-Q1,lang,r9,s3,2\n";
  TempFile f(csv);
  const db::ResponseTable t = db::read_responses_csv(f.path(), db::parse_items_yaml(items_yaml), pseudonymiser());
  const db::Dataset d = db::estimate_survey(t.view(), {}, no_suppression());

  // Scored matrix: s3 -> 6 - s3.
  std::vector<std::array<double, 3>> x;
  for (const auto& r : raw) x.push_back({double(r[0]), double(r[1]), 6.0 - r[2]});
  const auto var = [](const std::vector<double>& v) {
    double m = 0, ss = 0;
    for (double a : v) m += a;
    m /= double(v.size());
    for (double a : v) ss += (a - m) * (a - m);
    return ss / double(v.size() - 1);
  };
  double item_var = 0;
  for (std::size_t j = 0; j < 3; ++j) {
    std::vector<double> col;
    for (const auto& r : x) col.push_back(r[j]);
    item_var += var(col);
  }
  std::vector<double> totals, scores;
  for (const auto& r : x) {
    totals.push_back(r[0] + r[1] + r[2]);
    scores.push_back((r[0] + r[1] + r[2]) / 3.0);
  }
  const double alpha = 3.0 / 2.0 * (1.0 - item_var / var(totals));
  // By hand: items (4,3,5,2,4), (5,3,4,2,3), (4,3,5,2,3): variances 1.3, 1.3, 1.3; totals
  // (13,9,14,6,10): variance 41.2/4 = 10.3; alpha = 1.5 * (1 - 3.9/10.3) = 0.93203883...
  expect_close(alpha, 1.5 * (1.0 - 3.9 / 10.3), 1e-12);
  const db::EstimateRecord a = find_record(d, "A", "2023-Q1", "regie.alpha");
  expect_close(a.value, alpha, 1e-12);
  EXPECT_EQ(a.n, 5.0);
  EXPECT_NE(a.method.find("1 incomplete respondents left out"), std::string::npos) << a.method;
  const db::EstimateRecord s = find_record(d, "A", "2023-Q1", "regie.mean");
  expect_close(s.value, (13 + 9 + 14 + 6 + 10) / 15.0, 1e-12);
  expect_close(s.se, std::sqrt(var(scores) / 5.0), 1e-12);
  EXPECT_EQ(s.n, 5.0);
  // Item estimates use every answer, the incomplete respondent's too.
  EXPECT_EQ(find_record(d, "A", "2023-Q1", "s1.agree").n, 6.0);
  EXPECT_EQ(find_record(d, "A", "2023-Q1", "s2.agree").n, 5.0);
}

TEST(SurveyEstimate, PerInstrumentIds) {
  const std::string csv =
      "unit,period,instrument,respondent,item,value\n"
      "A,2023,kort,1,q1,5\nA,2023,kort,2,q1,2\nA,2023,lang,1,q1,4\nA,2023,lang,3,q1,4\n";
  TempFile f(csv);
  const db::ResponseTable t = db::read_responses_csv(f.path(), db::parse_items_yaml(items_yaml), pseudonymiser());
  db::SurveyOptions o;
  o.per_instrument = true;
  const db::Dataset d = db::estimate_survey(t.view(), o, no_suppression());
  expect_close(value_of(d, "A", "2023", "q1.agree"), 0.75);
  expect_close(value_of(d, "A", "2023", "q1@kort.agree"), 0.5);
  expect_close(value_of(d, "A", "2023", "q1@lang.agree"), 1.0);
  expect_close(value_of(d, "A", "2023", "q1@lang.mean"), 4.0);
}

TEST(SurveyEstimate, SuppressesSmallCellsAndChecksOptions) {
  const std::string csv = "unit,period,respondent,item,value\nA,2023,1,q1,5\nA,2023,2,q1,2\n";
  TempFile f(csv);
  const db::ResponseTable t = db::read_responses_csv(f.path(), db::parse_items_yaml(items_yaml), pseudonymiser());
  const db::Dataset d = db::estimate_survey(t.view());
  EXPECT_EQ(d.suppressed_count(), d.size());
  EXPECT_TRUE(std::isnan(d.record(0).value));
  db::SurveyOptions bad;
  bad.confidence = 1.5;
  expect_contains(error_of<db::DataError>([&] { (void)db::estimate_survey(t.view(), bad); }), {"confidence 1.5 is not valid"});
}

// ---------------------------------------------------------------------------------------------
// Bad input

TEST(QuestionnaireBadInput, LikertOutsideItsScale) {
  TempFile f("unit,period,respondent,item,value\nA,2023,1,q1,6\nA,2023,2,q1,0\nA,2023,3,q1,3.5\nA,2023,4,q1,3\n"
             "A,2023,5,cijfer,11\nA,2023,6,bekend,misschien\nA,2023,7,q1,\"3,5\"\n");
  const auto items = db::parse_items_yaml(items_yaml);
  try {
    (void)db::read_responses_csv(f.path(), items, pseudonymiser());
    ADD_FAILURE() << "no DataError";
  } catch (const db::DataError& e) {
    const std::string m = e.what();
    expect_contains(m, {f.path().string() + ":2, row 1, field 'value': value '6' for likert5 item 'q1' is outside 1..5 "
                        "(expected a whole number 1 (helemaal mee oneens) .. 5 (helemaal mee eens), or empty for no answer)",
                        "row 2, field 'value': value '0' for likert5 item 'q1' is outside 1..5",
                        "row 3, field 'value': value '3.5' for likert5 item 'q1' is not a whole number",
                        "row 5, field 'value': value '11' for grade item 'cijfer' is outside 1..10",
                        "row 6, field 'value': value 'misschien' for yes_no item 'bekend' is not a yes/no answer",
                        "row 7, field 'value': value '3,5' for likert5 item 'q1' is not a number", "use a decimal point"});
    EXPECT_EQ(e.problems().size(), 6u);
    EXPECT_EQ(e.problems()[0].where.row, 1u);
    EXPECT_EQ(e.problems()[0].where.field, "value");
  }
}

TEST(QuestionnaireBadInput, DuplicateAnswerNamesBothRows) {
  // r1 answers q1 twice in the same unit, period and instrument; in another instrument it is fine.
  TempFile f("unit,period,instrument,respondent,item,value\nA,2023,kort,r1,q1,4\nA,2023,kort,r2,q1,4\n"
             "A,2023,lang,r1,q1,3\nA,2023,kort,r1,q1,5\n");
  const std::string m = error_of<db::DataError>(
      [&] { (void)db::read_responses_csv(f.path(), db::parse_items_yaml(items_yaml), pseudonymiser()); });
  expect_contains(m, {"row 4 (line 5) repeats the answer of the same respondent to item 'q1' in unit 'A', period '2023', "
                      "instrument 'kort' given on row 1 (line 2)"});
  EXPECT_EQ(m.find("r1"), std::string::npos) << "raw respondent ids stay out of messages: " << m;
  EXPECT_EQ(m.find("row 3"), std::string::npos);
  // "2023-Q1" and "2023Q1" are one period: still a duplicate.
  TempFile g("unit,period,respondent,item,value\nA,2023-Q1,r1,q1,4\nA,2023Q1,r1,q1,4\n");
  expect_contains(error_of<db::DataError>(
                      [&] { (void)db::read_responses_csv(g.path(), db::parse_items_yaml(items_yaml), pseudonymiser()); }),
                  {"row 2 (line 3) repeats", "given on row 1 (line 2)"});
}

TEST(QuestionnaireBadInput, UnknownItemAndUnknownColumn) {
  TempFile f("unit,period,respondent,item,value,remark\nA,2023,1,q9,4,x\nA,2023,2,,4,\n");
  const std::string m = error_of<db::DataError>(
      [&] { (void)db::read_responses_csv(f.path(), db::parse_items_yaml(items_yaml), pseudonymiser()); });
  expect_contains(m, {"row 1, field 'item': unknown item 'q9' (expected an item id of the items file: q1, s1, s2, s3, bekend, cijfer)",
                      "row 2, field 'item': empty item", "unknown column 'remark' (expected only: unit, period, instrument, "
                      "respondent, item, value)"});
}

TEST(QuestionnaireBadInput, MissingRequiredColumn) {
  TempFile f("unit,period,item,value\nA,2023,q1,4\n");
  const std::string m = error_of<db::DataError>(
      [&] { (void)db::read_responses_csv(f.path(), db::parse_items_yaml(items_yaml), pseudonymiser()); });
  expect_contains(m, {"missing required column 'respondent' (columns are: unit, period, item, value)"});
  // Renamed columns.
  TempFile g("gemeente,jaar,id,vraag,antwoord\nA,2023,1,q1,4\n");
  db::ResponseColumns cols;
  cols.unit = "gemeente";
  cols.period = "jaar";
  cols.respondent = "id";
  cols.item = "vraag";
  cols.value = "antwoord";
  EXPECT_EQ(db::read_responses_csv(g.path(), db::parse_items_yaml(items_yaml), pseudonymiser(), cols).size(), 1u);
}

TEST(QuestionnaireBadInput, NonUtf8AndEmptyFile) {
  TempFile f("unit,period,respondent,item,value\nFryslân,2023,1,q1,4\nFrysl\xE2n,2023,2,q1,4\n");
  expect_contains(error_of<db::DataError>(
                      [&] { (void)db::read_responses_csv(f.path(), db::parse_items_yaml(items_yaml), pseudonymiser()); }),
                  {f.path().string() + ":3", "invalid UTF-8"});
  TempFile e("");
  expect_contains(error_of<db::DataError>(
                      [&] { (void)db::read_responses_csv(e.path(), db::parse_items_yaml(items_yaml), pseudonymiser()); }),
                  {"the file is empty"});
}

TEST(QuestionnaireBadInput, UnknownUnitWithRegistry) {
  db::Unit deventer;
  deventer.id = "GM0150";
  deventer.name = "Deventer";
  deventer.cbs_code = "GM0150";
  const db::UnitRegistry registry({deventer});
  db::DataContext ctx;
  ctx.units = &registry;
  TempFile f("unit,period,respondent,item,value\nGM0150,2023,1,q1,4\nGM9999,2023,2,q1,4\n");
  const std::string m = error_of<db::DataError>(
      [&] { (void)db::read_responses_csv(f.path(), db::parse_items_yaml(items_yaml), pseudonymiser(), {}, ctx); });
  expect_contains(m, {"row 2, field 'unit': unknown unit 'GM9999' (expected a unit id of the unit registry)"});
  EXPECT_EQ(m.find("GM0150'"), std::string::npos);
}

TEST(QuestionnaireBadInput, CheckCollectsEverythingWithoutThrowing) {
  TempFile f("unit,period,respondent,item,value\nA,2023,1,q1,6\nA,20x3,2,q1,4\n,2023,3,q9,4\nA,2023,4,q1,4\nA,2023,4,q1,4\n");
  const auto problems = db::check_responses_csv(f.path(), db::parse_items_yaml(items_yaml));
  std::vector<std::string> codes;
  for (const auto& p : problems) codes.push_back(p.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"bad_value", "bad_period", "missing_value", "unknown_item", "duplicate_answer"}));
}

TEST(QuestionnaireBadInput, ManyProblemsOfOneKindAreCapped) {
  std::string csv = "unit,period,respondent,item,value\n";
  for (int i = 0; i < 120; ++i) csv += "A,2023," + std::to_string(i) + ",q1,7\n";
  TempFile f(csv);
  const auto problems = db::check_responses_csv(f.path(), db::parse_items_yaml(items_yaml));
  ASSERT_EQ(problems.size(), 51u);
  EXPECT_NE(problems.back().message.find("... and 70 more problems of kind 'bad_value'"), std::string::npos);
}

TEST(QuestionnaireBadInput, CheckResponsesOfColumns) {
  const auto items = db::parse_items_yaml(items_yaml);
  const std::vector<std::int32_t> unit{0, 0, 0, 1}, period{0, 0, 0, 0}, item{0, 0, 4, 7};
  const std::vector<std::uint64_t> resp{11, 11, 12, 13};
  const std::vector<double> value{4, 5, 0.5, 3};
  db::ResponseView v;
  v.unit = unit;
  v.period = period;
  v.respondent = resp;
  v.item = item;
  v.value = value;
  v.unit_names = {"A"};
  v.periods = {*db::Period::parse("2023")};
  v.items = items;
  v.source = "frame";
  const auto problems = db::check_responses(v);
  std::string all;
  for (const auto& p : problems) all += p.message + "\n";
  expect_contains(all, {"frame, row 2, field 'respondent': row 2 repeats the answer of the same respondent to item 'q1' in "
                        "unit 'A', period 2023 given on row 1",
                        "frame, row 3, field 'value': value 0.5 for yes_no item 'bekend' is not a whole number",
                        "frame, row 4, field 'unit': unit code 1 is out of range (expected 0..0)",
                        "frame, row 4, field 'item': item code 7 is out of range (expected 0..5)"});
  EXPECT_THROW((void)db::estimate_survey(v), db::DataError);
  const std::vector<std::int32_t> short_period{0};
  v.period = short_period;
  expect_contains(db::check_responses(v).front().message, {"column 'period' has 1 values (expected 4"});
}

TEST(SurveyEstimate, ManySparseUnitsTakeTheSortingPath) {
  // 3000 unit names but 8 rows: the grouping sorts instead of counting over 18000 keys.
  const auto items = db::parse_items_yaml(items_yaml);
  std::vector<std::string> names;
  for (int i = 0; i < 3000; ++i) names.push_back("U" + std::to_string(i));
  const std::vector<std::int32_t> unit{2999, 5, 2999, 5, 2999, 1234, 2999, 2999}, period(8, 0),
      item{0, 0, 0, 0, 0, 5, 0, 0};
  const std::vector<std::uint64_t> resp{1, 1, 2, 2, 3, 9, 4, 1};
  const std::vector<double> value{5, 1, 4, 2, 1, 7, 3, 2};
  db::ResponseView v;
  v.unit = unit;
  v.period = period;
  v.respondent = resp;
  v.item = item;
  v.value = value;
  v.unit_names = names;
  v.periods = {*db::Period::parse("2023")};
  v.items = items;
  // Row 8 repeats respondent 1's answer to q1 in U2999 (row 1).
  const auto problems = db::check_responses(v);
  ASSERT_EQ(problems.size(), 1u);
  expect_contains(problems[0].message, {"row 8 repeats", "unit 'U2999'", "given on row 1"});
  const std::vector<std::uint64_t> unique_resp{1, 1, 2, 2, 3, 9, 4, 5};
  v.respondent = unique_resp;
  const db::Dataset d = db::estimate_survey(v, {}, no_suppression());
  expect_close(value_of(d, "U2999", "2023", "q1.agree"), 2.0 / 5.0);  // 5, 4, 1, 3, 2
  expect_close(value_of(d, "U2999", "2023", "q1.mean"), 3.0);
  expect_close(value_of(d, "U5", "2023", "q1.mean"), 1.5);
  expect_close(value_of(d, "U1234", "2023", "cijfer.mean"), 7.0);
  EXPECT_EQ(d.size(), 5u);
  EXPECT_EQ(d.units(), (std::vector<std::string>{"U5", "U1234", "U2999"}));  // ordered by unit code
}
