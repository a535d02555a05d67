// run_pipeline checks the data against the indicator definitions it uses (the caller's or the
// tree's own), however the data set was built: a share delivered as a percentage is an error
// worded as Dataset's own check words it, naming the data set's origin, row, field and value.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "doelenboom/dataset.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/pipeline.hpp"
#include "pipeline_test_util.hpp"
#include "temp_dir.hpp"

namespace {

using namespace pipeline_test;
namespace db = doelenboom;

db::IndicatorDefinition definition(const std::string& id, db::Measure measure) {
  db::IndicatorDefinition d;
  d.id = id;
  d.label = id;  // flat_tree labels its nodes with their ids
  d.measure = measure;
  if (measure == db::Measure::proportion) d.pillar = db::Pillar::satisfaction;
  if (measure == db::Measure::mean) d.scale = db::named_scale("rapportcijfer");
  return d;
}

// "top" over a share, a count and a mark, with their definitions in the tree.
db::GoalTree defined_tree() {
  return flat_tree({{"tevreden"}, {"clienten"}, {"cijfer"}})
      .with_indicators(db::IndicatorSet({definition("tevreden", db::Measure::proportion),
                                         definition("clienten", db::Measure::count),
                                         definition("cijfer", db::Measure::mean)}));
}

std::vector<db::EstimateRecord> two_units(double share_u2) {
  return {rec("u1", 2022, "tevreden", 0.73), rec("u1", 2022, "clienten", 10), rec("u1", 2022, "cijfer", 7.5),
          rec("u2", 2022, "tevreden", share_u2), rec("u2", 2022, "clienten", 12), rec("u2", 2022, "cijfer", 8)};
}

const std::string percent_message =
    "DataFrame, row 4, field 'value': 73 is outside [0, 1] for proportion indicator 'tevreden' (expected a share "
    "between 0 and 1)";

TEST(PipelineDefinitions, PercentDeliveredAsAProportionIsRejectedAsDatasetRejectsIt) {
  const auto tree = defined_tree();
  const auto data = db::Dataset::from_records(two_units(73), {}, "DataFrame");  // built without definitions
  EXPECT_EQ(data.origin(), "DataFrame");
  try {
    (void)db::run_pipeline(tree, data, db::PipelineSpec{});
    ADD_FAILURE() << "no PipelineError";
  } catch (const db::PipelineError& e) {
    EXPECT_EQ(std::string(e.what()), percent_message);
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0].code, "out_of_range");
    EXPECT_EQ(e.problems()[0].where.row, 4u);
    EXPECT_EQ(e.problems()[0].where.field, "value");
    EXPECT_EQ(e.problems()[0].ids, (std::vector<std::string>{"u2", "tevreden"}));
  }
  // The same rows built with the definitions: the same words from Dataset's own check.
  const db::DataContext context{&tree.indicators()};
  try {
    (void)db::Dataset::from_records(two_units(73), context, "DataFrame");
    ADD_FAILURE() << "no DataError";
  } catch (const db::DataError& e) {
    EXPECT_EQ(std::string(e.what()), percent_message);
  }
  // 0.73 runs, and u2 with the larger share of the two scores 100 on it.
  const auto r = db::run_pipeline(tree, db::Dataset::from_records(two_units(0.74), {}, "DataFrame"), db::PipelineSpec{});
  EXPECT_EQ(at(r, r.scores(), 1, "tevreden"), 100.0);
  EXPECT_EQ(at(r, r.scores(), 0, "tevreden"), 0.0);
}

TEST(PipelineDefinitions, EveryProblemOfACsvNamesItsFileRowFieldAndValueAsCheckCsvDoes) {
  const db::testing::TempFile csv(
      "unit,period,indicator,value,ci_low,ci_high\n"
      "u1,2022,tevreden,0.5,0.4,1.2\n"
      "u1,2022,clienten,-3,,\n"
      "u1,2022,cijfer,11,,\n"
      "u2,2022,tevreden,0.6,,\n"
      "u2,2022,clienten,4,,\n"
      "u2,2022,cijfer,7,,\n");
  const auto tree = defined_tree();
  const auto data = db::Dataset::read_csv(csv.path());
  EXPECT_EQ(data.origin(), csv.path().string());
  const std::string file = csv.path().string();
  const std::string m = pipeline_error([&] { (void)db::run_pipeline(tree, data, db::PipelineSpec{}); });
  EXPECT_EQ(m, "3 problems:\n  " + file +
                   ", row 1, field 'ci_high': 1.2 is outside [0, 1] for proportion indicator 'tevreden' (expected an "
                   "interval inside the indicator's range; Wilson intervals for proportions always are)\n  " +
                   file + ", row 2, field 'value': -3 is outside [0, inf) for count indicator 'clienten' (expected a "
                   "count of 0 or more)\n  " +
                   file + ", row 3, field 'value': 11 is outside [1, 10] for mean indicator 'cijfer' (expected a mean "
                   "on the scale 'rapportcijfer', from 1 to 10)");
  // Word for word what the data set's own check says of the file.
  std::vector<std::string> own;
  for (const auto& p : db::Dataset::check_csv(csv.path(), db::DataContext{&tree.indicators()})) own.push_back(p.message);
  std::vector<std::string> run;
  try {
    (void)db::run_pipeline(tree, data, db::PipelineSpec{});
  } catch (const db::PipelineError& e) {
    for (const auto& p : e.problems()) run.push_back(p.message);
  }
  EXPECT_EQ(run, own);
}

TEST(PipelineDefinitions, SuppressedRowsMayLackAValueButNotHaveAWrongOne) {
  const auto tree = defined_tree();
  auto records = two_units(0.74);
  records[3].suppressed = true;  // suppressed at the source, value missing: fine
  records[3].value = na;
  const auto r = db::run_pipeline(tree, db::Dataset::from_records(records, {}, "DataFrame"), raw_spec());
  EXPECT_TRUE(std::isnan(at(r, r.scores(), 1, "tevreden")));
  EXPECT_EQ(at(r, r.scores(), 0, "tevreden"), 0.73);
  records[3].value = 73;  // the provider's number is wrong whether it is published or not
  EXPECT_EQ(pipeline_error([&] {
              (void)db::run_pipeline(tree, db::Dataset::from_records(records, {}, "DataFrame"), db::PipelineSpec{});
            }),
            percent_message);
  // Suppressed by the threshold (n = 4): the same.
  records[3].suppressed = false;
  records[3].n = 4;
  const auto small = db::Dataset::from_records(records, {}, "DataFrame");
  ASSERT_EQ(small.suppressed()[3], 1u);
  EXPECT_EQ(pipeline_error([&] { (void)db::run_pipeline(tree, small, db::PipelineSpec{}); }), percent_message);
}

TEST(PipelineDefinitions, OnlyRowsOfTheTreesIndicatorsAndWithTheOtherDataProblems) {
  const auto tree = defined_tree();
  auto records = two_units(0.74);
  records.push_back(rec("u1", 2022, "extra", 73));  // not in the tree: takes no part in the run
  db::PipelineSpec ignore;
  ignore.unused_data = db::UnusedData::ignore;
  const auto r = db::run_pipeline(tree, db::Dataset::from_records(records, {}, "DataFrame"), ignore);
  EXPECT_EQ(r.unused_indicators(), std::vector<std::string>{"extra"});
  // Data for a goal and a percentage: one error with both.
  records.back() = rec("u1", 2022, "top", 50);
  records[3].value = 73;
  EXPECT_EQ(pipeline_error([&] {
              (void)db::run_pipeline(tree, db::Dataset::from_records(records, {}, "DataFrame"), db::PipelineSpec{});
            }),
            "2 problems:\n  the data set has values for 'top', a goal of the tree: goal scores are computed from "
            "their children, not read from the data\n  " +
                percent_message);
}

TEST(PipelineDefinitions, TheDefinitionsTheRunUses) {
  const auto records = two_units(73);
  const auto data = db::Dataset::from_records(records);  // no origin: rows of the data set
  EXPECT_EQ(data.origin(), "");
  // The caller's definitions beat the tree's: as a count, 73 is fine.
  const db::IndicatorSet counts({definition("tevreden", db::Measure::count), definition("clienten", db::Measure::count)});
  db::RunContext context;
  context.indicators = &counts;
  const auto r = db::run_pipeline(defined_tree(), data, db::PipelineSpec{}, context);
  EXPECT_EQ(at(r, r.scores(), 1, "tevreden"), 100.0);
  // A tree without definitions and no caller's: nothing to check against (ASEM, COINr's data).
  const auto bare = flat_tree({{"tevreden"}, {"clienten"}, {"cijfer"}});
  const auto unchecked = db::run_pipeline(bare, data, db::PipelineSpec{});
  EXPECT_EQ(at(unchecked, unchecked.scores(), 1, "tevreden"), 100.0);
  // The caller's definitions for a tree without its own.
  const db::IndicatorSet share({definition("tevreden", db::Measure::proportion)});
  context.indicators = &share;
  EXPECT_EQ(pipeline_error([&] { (void)db::run_pipeline(bare, data, db::PipelineSpec{}, context); }),
            "row 4, field 'value': 73 is outside [0, 1] for proportion indicator 'tevreden' (expected a share between "
            "0 and 1)");
}

TEST(PipelineDefinitions, AProviderWhoSendsEveryShareAsAPercentageGetsAShortMessage) {
  const auto tree = defined_tree();
  std::vector<db::EstimateRecord> records;
  for (int u = 0; u < 60; ++u) records.push_back(rec("u" + std::to_string(u), 2022, "tevreden", 60.0 + u / 10.0));
  try {
    (void)db::run_pipeline(tree, db::Dataset::from_records(records, {}, "DataFrame"), db::PipelineSpec{});
    ADD_FAILURE() << "no PipelineError";
  } catch (const db::PipelineError& e) {
    // 50 of the kind, then one line for the other 10 (core/diagnostics.hpp).
    ASSERT_EQ(e.problems().size(), 51u);
    EXPECT_EQ(e.problems()[49].message,
              "DataFrame, row 50, field 'value': 64.9 is outside [0, 1] for proportion indicator 'tevreden' (expected "
              "a share between 0 and 1)");
    EXPECT_EQ(e.problems()[50].message, "DataFrame: ... and 10 more problems of kind 'out_of_range'");
    const std::string m = e.what();
    EXPECT_TRUE(contains(m, "51 problems:\n  DataFrame, row 1, field 'value': 60 is outside [0, 1]"));
    EXPECT_TRUE(contains(m, "\n  ... and 1 more"));
  }
}

}  // namespace
