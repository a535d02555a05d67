// evaluate_signals with a data set checks it against the definitions the tree carries, as
// run_pipeline does: the rules read its raw values against the definitions' norms.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "doelenboom/signals.hpp"
#include "pipeline_test_util.hpp"

namespace {

using namespace pipeline_test;
namespace db = doelenboom;

TEST(SignalsDefinitions, TheDataSetIsCheckedAgainstTheTreesDefinitions) {
  db::IndicatorDefinition share;
  share.id = share.label = "a";
  share.measure = db::Measure::proportion;
  share.norm = 0.6;
  const auto tree = flat_tree({{"a"}, {"b"}}).with_indicators(db::IndicatorSet({share}));
  std::vector<db::EstimateRecord> records{rec("u1", 2022, "a", 0.7), rec("u1", 2022, "b", 3),
                                          rec("u2", 2022, "a", 0.5), rec("u2", 2022, "b", 4)};
  const auto good = db::Dataset::from_records(records, {}, "DataFrame");
  const auto result = db::run_pipeline(tree, good, db::PipelineSpec{});
  db::SignalContext context;
  context.data = &good;
  const auto signals = db::evaluate_signals(result, {}, context);
  // u2's share of 0.5 is below the norm 0.6: a signal, read from the data set's raw value.
  const auto norm = std::find_if(signals.begin(), signals.end(), [](const db::Signal& s) {
    return s.rule == db::SignalRule::norm && s.unit == "u2" && s.node == "a";
  });
  ASSERT_NE(norm, signals.end());
  EXPECT_EQ(norm->value, 0.5);
  EXPECT_EQ(norm->reference, 0.6);
  // Another data set with u2's share as a percentage: the pipeline's words, as a DataError.
  records[2].value = 50;
  const auto bad = db::Dataset::from_records(records, {}, "DataFrame");
  context.data = &bad;
  try {
    (void)db::evaluate_signals(result, {}, context);
    ADD_FAILURE() << "no DataError";
  } catch (const db::DataError& e) {
    EXPECT_EQ(std::string(e.what()),
              "DataFrame, row 3, field 'value': 50 is outside [0, 1] for proportion indicator 'a' (expected a share "
              "between 0 and 1)");
  }
  // Without a data set the rules read the result, which run_pipeline checked.
  EXPECT_EQ(db::evaluate_signals(result, {}, {}).size(), signals.size());
}

}  // namespace
