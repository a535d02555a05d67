// Evaluation of the signal rules over a PipelineResult (docs/signals.md has every formula): the
// facts gathered once (signal_input.cpp), then each rule family in its own file.

#include "doelenboom/signals.hpp"

#include <utility>
#include <vector>

#include "data/dataset_internal.hpp"
#include "signals/signal_input.hpp"

namespace doelenboom {

namespace {

// The rules read the data set's raw values against the norms of the tree's definitions: they
// are checked as run_pipeline checks them (the data set may not be the one the run had).
void check_data(const GoalTree& tree, const Dataset& data) {
  if (tree.indicators().size() == 0) return;
  std::vector<char> checked(data.indicators().size(), 0);
  for (std::size_t k = 0; k < checked.size(); ++k) {
    const auto v = tree.find(data.indicators()[k]);
    checked[k] = v && tree.node(*v).kind == NodeKind::indicator ? 1 : 0;
  }
  std::vector<Problem> problems;
  detail::ProblemSink sink{problems, data.origin()};
  detail::check_ranges(data, tree.indicators(), checked, sink);
  sink.finish();
  throw_if_problems<DataError>(problems);
}

}  // namespace

std::vector<Signal> evaluate_signals(const PipelineResult& result, const SignalRules& rules, const SignalContext& context) {
  throw_if_problems<ParseError>(rules.check(result.tree()));
  if (context.data != nullptr) check_data(result.tree(), *context.data);
  namespace sig = detail::signals;
  const sig::SignalInput in(result, rules, context);
  sig::SignalList out(in);
  if (rules.norm.enabled) sig::norm_signals(in, out);
  if (rules.drop.enabled) sig::drop_signals(in, out);
  if (rules.reach.enabled) sig::reach_signals(in, out);
  if (rules.outlier.enabled) sig::outlier_signals(in, out);
  if (rules.data.enabled) sig::data_signals(in, out);
  return std::move(out).sorted();
}

}  // namespace doelenboom
